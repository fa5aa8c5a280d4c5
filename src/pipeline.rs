//! What the commands do between their arguments and the model, without the command line:
//! loading scenarios with the command line's changes ([`Changes`]: the one route for `--set`,
//! `--scale`, `--population`, `--replications` and `--seed` in every command), the arms of a
//! comparison and their names, the default output folders ([`default_out`]), the citizens
//! `trace` follows and writes, and the plan of a PSA ([`PsaRequest`]). `main.rs` parses the
//! arguments and calls these, so a library user gets the same scenarios, names and folders as
//! the command line.

use crate::compare::align;
use crate::output::format::sanitize;
use crate::output::outdir::OutputDir;
use crate::scenario::{Adjustments, Override, Scenario};
use crate::trace::{
    Story, check_citizen, render_timeline, sample_citizens, side_by_side, story_text,
};
use std::path::{Path, PathBuf};

/// Seeds are written as TOML integers, which are signed 64-bit.
pub const MAX_SEED: u64 = i64::MAX as u64;

/// `--scale` must leave a cohort big enough for shares and intervals to mean something.
pub const MIN_SCALED_CITIZENS: u32 = 10;

/// `compare`'s headline indicators include 2-year reconviction.
pub const COMPARE_MIN_HORIZON_DAYS: u32 = 730;

/// What the command line changes in every scenario of a command: `--set` overrides (applied
/// and checked like values in the file), then the adjustments (`--scale`, `--population`,
/// `--replications`, `--seed`).
#[derive(Debug, Clone, Default)]
pub struct Changes {
    pub set: Vec<Override>,
    pub adjustments: Adjustments,
}

impl Changes {
    /// Loads a scenario with the changes; every scenario of a command is loaded this way, so
    /// all are scaled alike.
    pub fn load(&self, path: &Path) -> Result<Scenario, String> {
        check_seed(self.adjustments.seed)?;
        let sc = Scenario::load_with(path, &self.set).map_err(|e| e.to_string())?;
        check_scale(&sc, self.adjustments.scale)?;
        sc.adjusted(&self.adjustments).map_err(|e| format!("invalid command-line override:\n{e}"))
    }

    /// The first scenario, then the others aligned with it (same cohort and seed); errors say
    /// which file (`what(index, path)`) they are about.
    pub fn load_aligned(
        &self,
        paths: &[PathBuf],
        what: impl Fn(usize, &Path) -> String,
    ) -> Result<Vec<Scenario>, String> {
        let mut scenarios: Vec<Scenario> = Vec::new();
        for (k, path) in paths.iter().enumerate() {
            let what = what(k, path);
            let sc = self.load(path).map_err(|e| format!("{what}:\n{e}"))?;
            let sc = match scenarios.first() {
                Some(first) => align(first, sc, &what)?,
                None => sc,
            };
            scenarios.push(sc);
        }
        Ok(scenarios)
    }

    /// The arms of `compare`: the baseline (long enough for 2-year reconviction, checked before
    /// anything is simulated), then each alternative aligned with it under a name of its own.
    pub fn load_arms(
        &self,
        baseline: &Path,
        alternatives: &[PathBuf],
    ) -> Result<Vec<Scenario>, String> {
        let base =
            self.load(baseline).map_err(|e| format!("baseline {}:\n{e}", baseline.display()))?;
        if base.meta.horizon_days < COMPARE_MIN_HORIZON_DAYS {
            return Err(format!(
                "baseline {}: scenario.horizon_days is {}; compare needs at least {COMPARE_MIN_HORIZON_DAYS} days (it reports 2-year reconviction); lengthen the horizon or use `reentry run`",
                baseline.display(),
                base.meta.horizon_days
            ));
        }
        let mut arms = vec![base];
        for path in alternatives {
            let what = format!("alternative {}", path.display());
            // Loaded like the baseline, so --scale changes every arm's capacities alike.
            let alt = self.load(path).map_err(|e| format!("{what}:\n{e}"))?;
            let mut alt = align(&arms[0], alt, &what)?;
            let name = unique_name(&arms, &alt.meta.name);
            rename(&mut alt, name);
            arms.push(alt);
        }
        Ok(arms)
    }
}

/// `--seed` within what a scenario file can hold.
pub fn check_seed(seed: Option<u64>) -> Result<(), String> {
    match seed {
        Some(s) if s > MAX_SEED => Err(format!(
            "--seed {s} is too large; allowed: 0 to {MAX_SEED} (scenario files store seeds as 64-bit signed integers)"
        )),
        _ => Ok(()),
    }
}

/// The region's scale is judged on the scenario's own cohort: a `--population` given as well
/// does not make a region of a few citizens' places meaningful.
fn check_scale(sc: &Scenario, scale: Option<f64>) -> Result<(), String> {
    let Some(factor) = scale else { return Ok(()) };
    let before = sc.population.size;
    let scaled = (before as f64 * factor).round().max(1.0);
    if scaled < MIN_SCALED_CITIZENS as f64 {
        return Err(format!(
            "--scale {factor} leaves {scaled} citizens of {before}; allowed: a scale that keeps at least {MIN_SCALED_CITIZENS}"
        ));
    }
    Ok(())
}

/// `name`, or `name-2`, `name-3`, … when an arm already has it: two arms with one name would be
/// indistinguishable in the outputs.
pub fn unique_name(arms: &[Scenario], name: &str) -> String {
    let mut candidate = name.to_string();
    let mut k = 2;
    while arms.iter().any(|s| s.meta.name == candidate) {
        candidate = format!("{name}-{k}");
        k += 1;
    }
    candidate
}

/// Renames a scenario in its results and in its resolved file alike.
fn rename(sc: &mut Scenario, name: String) {
    sc.meta.name = name.clone();
    sc.resolved.scenario.name = name;
}

/// The output folder each command writes when `--out` is not given, under `out/`.
pub mod default_out {
    use super::*;

    fn under_out(name: String) -> PathBuf {
        PathBuf::from("out").join(name)
    }

    fn names(scenarios: &[Scenario]) -> Vec<String> {
        scenarios.iter().map(|s| sanitize(&s.meta.name)).collect()
    }

    /// `out/<scenario>`.
    pub fn run(sc: &Scenario) -> PathBuf {
        under_out(sanitize(&sc.meta.name))
    }

    /// `out/compare-<baseline>-vs-<alternative>[-<alternative>...]`.
    pub fn compare(arms: &[Scenario]) -> PathBuf {
        let names = names(arms);
        under_out(format!("compare-{}-vs-{}", names[0], names[1..].join("-")))
    }

    /// `out/levers-<baseline>-vs-<alternative>`.
    pub fn levers(base: &Scenario, alt: &Scenario) -> PathBuf {
        under_out(format!("levers-{}-vs-{}", sanitize(&base.meta.name), sanitize(&alt.meta.name)))
    }

    /// `out/trace-<a>-vs-<b>-citizen-N` or `...-sample-K`.
    pub fn trace(scenarios: &[Scenario], citizen: Option<u32>, followed: usize) -> PathBuf {
        let who = match citizen {
            Some(c) => format!("citizen-{c}"),
            None => format!("sample-{followed}"),
        };
        under_out(format!("trace-{}-{who}", names(scenarios).join("-vs-")))
    }

    /// `out/sweep-<name>`.
    pub fn sweep(name: &str) -> PathBuf {
        under_out(format!("sweep-{}", sanitize(name)))
    }

    /// `out/sensitivity-<file stems>-<outcome>`.
    pub fn sensitivity(scenarios: &[PathBuf], outcome: &str) -> PathBuf {
        let stems: Vec<String> = scenarios
            .iter()
            .map(|p| p.file_stem().map_or("scenario".into(), |s| s.to_string_lossy().into_owned()))
            .collect();
        under_out(sanitize(&format!("sensitivity-{}-{outcome}", stems.join("-vs-"))))
    }
}

/// Whom `trace` follows: one citizen by number, or a sample of `k`.
pub fn trace_citizens(
    first: &Scenario,
    citizen: Option<u32>,
    sample: Option<u32>,
) -> Result<Vec<u32>, String> {
    match (citizen, sample) {
        (Some(c), _) => {
            check_citizen(first, c)?;
            Ok(vec![c])
        }
        (None, Some(0)) => Err("--sample needs at least 1 citizen".into()),
        (None, Some(k)) => Ok(sample_citizens(first, k)),
        (None, None) => Err("say whom to follow: --citizen N or --sample K".into()),
    }
}

/// Every citizen's life under every scenario, and the text `trace` prints and writes: each
/// story, then (with more than one scenario) the stories side by side.
pub fn follow(
    scenarios: &[Scenario],
    citizens: &[u32],
    replication: u32,
) -> Result<(Vec<Story>, String), String> {
    let mut stories = Vec::new();
    let mut text = String::new();
    for &c in citizens {
        let first = stories.len();
        for (k, sc) in scenarios.iter().enumerate() {
            let story = crate::trace::trace(sc, k, c, replication)?;
            text.push_str(&story_text(&story));
            text.push('\n');
            stories.push(story);
        }
        if scenarios.len() > 1 {
            text.push_str(&side_by_side(&stories[first..]));
            text.push('\n');
        }
    }
    Ok((stories, text))
}

/// Writes what `trace` found into its (staged) folder: the stories as text and the timeline
/// picture.
pub fn write_trace(
    dir: &OutputDir,
    stories: &[Story],
    text: &str,
    lang: crate::output::lang::Lang,
) -> Result<(), String> {
    let (svg, png) = render_timeline(stories, lang)?;
    dir.write_file("story.txt", |w| w.write_all(text.as_bytes()))?;
    dir.write_file("timeline.svg", |w| w.write_all(svg.as_bytes()))?;
    dir.write_file("timeline.png", |w| w.write_all(&png))
}

/// The command-line settings of a sweep as overrides, applied after the sweep file's own: a
/// sweep varies its base scenario by overrides, so `--replications`, `--population` and
/// `--seed` join the `--set` list rather than adjusting a loaded scenario.
pub fn sweep_overrides(
    replications: Option<u32>,
    population: Option<u32>,
    seed: Option<u64>,
    set: &[Override],
) -> Result<Vec<Override>, String> {
    let mut out = Vec::new();
    let mut add = |path: &str, value: Option<i64>, flag: &str| -> Result<(), String> {
        if let Some(v) = value {
            out.push(Override::new(path, toml::Value::Integer(v), format!("{flag} {v}"))?);
        }
        Ok(())
    };
    add("scenario.replications", replications.map(i64::from), "--replications")?;
    add("population.size", population.map(i64::from), "--population")?;
    let seed =
        seed.map(i64::try_from).transpose().map_err(|_| "--seed is too large".to_string())?;
    add("scenario.seed", seed, "--seed")?;
    out.extend(set.iter().cloned());
    Ok(out)
}

/// `priors/netherlands.toml` and `priors/costs.toml` in the current folder, else beside the
/// baseline's folder (the shipped layout: scenarios/ and priors/ side by side).
pub fn default_priors(baseline: &Path) -> Vec<PathBuf> {
    let beside = baseline.parent().and_then(Path::parent).unwrap_or(Path::new(""));
    for folder in [PathBuf::from("priors"), beside.join("priors")] {
        if folder.join("netherlands.toml").is_file() {
            return ["netherlands.toml", "costs.toml"]
                .iter()
                .map(|f| folder.join(f))
                .filter(|f| f.is_file())
                .collect();
        }
    }
    Vec::new()
}

/// What `compare --psa` asks for, as the command line gives it.
#[derive(Debug, Clone)]
pub struct PsaRequest {
    pub draws: u32,
    /// Priors files; none = [`default_priors`] of the baseline.
    pub priors: Vec<PathBuf>,
    /// A calibration's `posterior.csv` to resample the calibrated parameters from.
    pub posterior: Option<PathBuf>,
    pub replications: u32,
    /// Citizens per draw (default [`crate::psa::DEFAULT_CITIZENS`]).
    pub citizens: Option<u32>,
    pub effect: crate::psa::Effect,
    /// Willingness to pay per unit of effect (default: the effect's).
    pub wtp: Option<f64>,
    pub threads: usize,
}

impl PsaRequest {
    /// The parameter draws and settings of the PSA of `scenarios`, checked before any
    /// simulation work.
    pub fn plan(
        &self,
        baseline: &Path,
        scenarios: &[Scenario],
    ) -> Result<(crate::psa::ParameterDraws, crate::psa::PsaSettings), String> {
        use crate::psa::{ParameterDraws, PsaSettings};
        use crate::uncertainty::Priors;
        let seed = scenarios[0].meta.seed;
        let files =
            if self.priors.is_empty() { default_priors(baseline) } else { self.priors.clone() };
        if files.is_empty() {
            return Err(
                "--psa needs priors: give --priors FILE; priors/netherlands.toml was found \
                        neither in the current folder nor beside the baseline's folder"
                    .into(),
            );
        }
        let priors = crate::psa::load_priors(&files)?;
        for file in &files {
            Priors::load(file)?.check_against(baseline)?;
        }
        let params = match &self.posterior {
            Some(file) => ParameterDraws::from_posterior(file, &priors, seed, self.draws)?,
            None => ParameterDraws::from_priors(&priors, seed, self.draws),
        };
        let shown: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
        let origin = format!("{} from {}", params.origin, shown.join(", "));
        let params = ParameterDraws { origin, ..params };
        crate::psa::check_shared(scenarios, &params.paths)?;
        let settings = PsaSettings {
            draws: self.draws,
            replications: self.replications,
            citizens: self.citizens.unwrap_or(crate::psa::DEFAULT_CITIZENS),
            seed,
            threads: self.threads,
            effect: self.effect,
            wtp: self.wtp.unwrap_or_else(|| self.effect.default_wtp()),
        };
        Ok((params, settings))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(name)
    }

    #[test]
    fn arms_with_one_name_get_numbered_names() {
        let changes = Changes::default();
        let same = shipped("fragmented.toml");
        let arms = changes.load_arms(&same, &[same.clone(), same.clone()]).unwrap();
        let names: Vec<&str> = arms.iter().map(|a| a.meta.name.as_str()).collect();
        assert_eq!(names, ["fragmented", "fragmented-2", "fragmented-3"]);
        assert_eq!(arms[2].resolved.scenario.name, "fragmented-3");
        assert_eq!(
            default_out::compare(&arms),
            Path::new("out/compare-fragmented-vs-fragmented-2-fragmented-3")
        );
    }

    #[test]
    fn set_reaches_the_scenario_in_every_route() {
        let set = vec![Override::parse_cli("population.size=321").unwrap()];
        let changes = Changes { set: set.clone(), ..Changes::default() };
        let one = changes.load(&shipped("fragmented.toml")).unwrap();
        assert_eq!(one.population.size, 321);
        let arms = changes
            .load_arms(&shipped("fragmented.toml"), &[shipped("through-care.toml")])
            .unwrap();
        assert!(arms.iter().all(|a| a.population.size == 321));
        let swept = sweep_overrides(None, None, None, &set).unwrap();
        assert_eq!(swept.len(), 1);
    }

    #[test]
    fn a_scale_that_leaves_too_few_citizens_is_refused() {
        let adjustments = Adjustments { scale: Some(0.0001), ..Adjustments::default() };
        let changes = Changes { adjustments, ..Changes::default() };
        let err = changes.load(&shipped("fragmented.toml")).unwrap_err();
        assert!(err.contains("allowed: a scale that keeps at least 10"), "{err}");
    }
}
