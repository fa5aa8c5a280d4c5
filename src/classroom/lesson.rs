//! The lesson file: which regimes the page shows side by side, which levers students pull
//! and the values each lever takes. It is checked like a scenario (unknown keys, wrong types
//! and bad values with file, line, column and key), and every lever value is checked as a
//! scenario override on every regime it applies to before anything runs.
//!
//! A lesson is a grid, as a sweep is: every combination of lever positions is a point. A
//! lever may apply to only some regimes (a through-care lever leaves fragmented care alone),
//! so one regime's run is often shared by many points; [`Lesson::runs`] holds each distinct
//! (regime, overrides) once and [`Lesson::point_runs`] says which run a point shows.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use toml::Value;

use crate::scenario::overrides::render_value;
use crate::scenario::{Override, Scenario, ScenarioError, Sources};

/// At most this many distinct runs: a classroom page must build in about a minute.
pub const MAX_RUNS: usize = 120;
/// Lever positions: more would not fit on a phone's slider.
const MAX_POSITIONS: usize = 7;
const MAX_LEVERS: usize = 6;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLessonFile {
    pub lesson: RawLesson,
    #[serde(default)]
    pub regimes: Vec<RawRegime>,
    #[serde(default)]
    pub levers: Vec<RawLever>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLesson {
    pub title: String,
    #[serde(default)]
    pub intro: String,
    /// The "what to try" panel.
    #[serde(default)]
    pub questions: Vec<String>,
    /// Replications per run (the page shows their mean). Default 3.
    pub replications: Option<u32>,
    /// Cohort size (capacities stay as in the scenarios). Default: the scenarios'.
    pub population: Option<u32>,
    /// Seed of every run (common random numbers). Default: the first regime's.
    pub seed: Option<u64>,
    /// Citizens drawn as dots in "watch the citizens". Default 100.
    pub watch: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRegime {
    /// The scenario file, relative to the lesson file's folder.
    pub scenario: String,
    /// Short name levers refer to in `applies_to`. Default: the scenario's name.
    pub name: Option<String>,
    /// What students read. Default: the name.
    pub label: Option<String>,
    #[serde(default)]
    pub explain: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLever {
    /// Short name used in the page's address (`#handover=...`).
    pub id: String,
    pub label: String,
    #[serde(default)]
    pub explain: String,
    /// One dotted scenario path ...
    pub path: Option<String>,
    /// ... or several set together; then each value is an array, one entry per path.
    pub paths: Option<Vec<String>>,
    pub values: Vec<Value>,
    /// What the page shows at each position. Default: the values.
    pub labels: Option<Vec<String>>,
    /// The position the page opens at (one of `values`). Default: the first.
    pub start: Option<Value>,
    /// Regime names this lever changes. Default: all.
    pub applies_to: Option<Vec<String>>,
}

/// A regime as the page shows it, with its scenario files read once.
#[derive(Debug, Clone)]
pub struct Regime {
    pub name: String,
    pub label: String,
    pub explain: String,
    pub sources: Sources,
}

/// A checked lever.
#[derive(Debug, Clone, PartialEq)]
pub struct Lever {
    pub id: String,
    pub label: String,
    pub explain: String,
    pub paths: Vec<String>,
    /// Per position, one value per path.
    pub values: Vec<Vec<Value>>,
    pub labels: Vec<String>,
    pub start: usize,
    /// Indices into [`Lesson::regimes`].
    pub applies_to: Vec<usize>,
}

/// One distinct simulation: a regime with the lever values that concern it.
#[derive(Debug, Clone)]
pub struct Run {
    pub regime: usize,
    pub scenario: Scenario,
}

/// A checked lesson, with every run it needs already validated as a scenario.
#[derive(Debug, Clone)]
pub struct Lesson {
    pub name: String,
    pub file: PathBuf,
    pub title: String,
    pub intro: String,
    pub questions: Vec<String>,
    pub watch: u32,
    pub regimes: Vec<Regime>,
    pub levers: Vec<Lever>,
    pub runs: Vec<Run>,
    /// Per grid point (first lever varying slowest), per regime: the index of its run.
    pub point_runs: Vec<Vec<usize>>,
}

impl Lesson {
    /// Reads and checks a lesson file and every run it describes.
    pub fn load(path: &Path) -> Result<Lesson, String> {
        let sources = Sources::read(path).map_err(|e| e.to_string())?;
        sources.check_each_file::<RawLessonFile>().map_err(|e| e.to_string())?;
        let raw: RawLessonFile = sources.deserialize_merged().map_err(|e| e.to_string())?;
        check_shape(&raw, &sources).map_err(|e| e.to_string())?;
        let folder = path.parent().unwrap_or(Path::new(""));
        let regimes = read_regimes(&raw, folder, &sources)?;
        let shared = shared_settings(&raw, &regimes, path)?;
        check_same_people(&regimes, &shared)?;
        let levers = raw
            .levers
            .iter()
            .enumerate()
            .map(|(i, l)| lever(l, i, &regimes, &sources))
            .collect::<Result<Vec<_>, ScenarioError>>()
            .map_err(|e| e.to_string())?;
        check_levers_alone(&regimes, &shared, &levers, &sources)?;
        let (runs, point_runs) = plan_runs(&regimes, &shared, &levers, path)?;
        let name = path.file_stem().map_or("lesson".into(), |s| s.to_string_lossy().into_owned());
        let watch = raw.lesson.watch.unwrap_or(DEFAULT_WATCH).min(runs[0].scenario.population.size);
        Ok(Lesson {
            name,
            file: path.to_path_buf(),
            title: raw.lesson.title,
            intro: raw.lesson.intro,
            questions: raw.lesson.questions,
            watch,
            regimes,
            levers,
            runs,
            point_runs,
        })
    }

    /// Number of grid points: the product of the levers' positions.
    pub fn points(&self) -> usize {
        self.point_runs.len()
    }
}

const DEFAULT_WATCH: u32 = 100;
const DEFAULT_REPLICATIONS: u32 = 3;

/// Rules serde cannot express.
fn check_shape(raw: &RawLessonFile, sources: &Sources) -> Result<(), ScenarioError> {
    let mut problems = Vec::new();
    let mut fail = |key: &str, message: &str, help: &str| {
        problems.push(ScenarioError::from(sources.error_at(key, message, Some(help.into()))));
    };
    let l = &raw.lesson;
    if l.title.trim().is_empty() {
        fail("lesson.title", "the lesson needs a title", "e.g. title = \"After prison\"");
    }
    if let Some(r) = l.replications
        && !(1..=50).contains(&r)
    {
        fail("lesson.replications", &format!("replications = {r}"), "allowed: 1 to 50");
    }
    if let Some(w) = l.watch
        && !(1..=300).contains(&w)
    {
        fail("lesson.watch", &format!("watch = {w}"), "allowed: 1 to 300 citizens");
    }
    if raw.regimes.len() != 2 {
        fail(
            "regimes",
            &format!(
                "the lesson has {} [[regimes]]; the page shows two side by side",
                raw.regimes.len()
            ),
            "exactly two [[regimes]], e.g. fragmented care and through-care",
        );
    }
    if raw.levers.is_empty() || raw.levers.len() > MAX_LEVERS {
        fail(
            "levers",
            &format!("the lesson has {} [[levers]]", raw.levers.len()),
            &format!("allowed: 1 to {MAX_LEVERS} levers"),
        );
    }
    for (i, lever) in raw.levers.iter().enumerate() {
        let key = |k: &str| format!("levers[{i}].{k}");
        let id_ok = !lever.id.is_empty()
            && lever.id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !id_ok {
            fail(
                &key("id"),
                &format!("`{}` is not a lever id", lever.id),
                "allowed: a-z, 0-9 and _",
            );
        }
        if raw.levers[..i].iter().any(|o| o.id == lever.id) {
            fail(
                &key("id"),
                &format!("lever id `{}` is used twice", lever.id),
                "each lever its own id",
            );
        }
        match (&lever.path, &lever.paths) {
            (Some(_), Some(_)) => {
                fail(&key("paths"), "give `path` or `paths`, not both", "one of the two")
            }
            (None, None) => fail(
                &key("id"),
                "the lever sets no scenario value",
                "path = \"regime.warm_handover\"",
            ),
            (None, Some(p)) if p.is_empty() => {
                fail(&key("paths"), "`paths` is empty", "at least one path")
            }
            _ => {}
        }
        let n = lever.values.len();
        if !(1..=MAX_POSITIONS).contains(&n) {
            fail(
                &key("values"),
                &format!("{n} values"),
                &format!("allowed: 1 to {MAX_POSITIONS} positions"),
            );
        }
        if let Some(paths) = &lever.paths {
            for (k, v) in lever.values.iter().enumerate() {
                if v.as_array().is_none_or(|a| a.len() != paths.len()) {
                    fail(
                        &format!("levers[{i}].values[{k}]"),
                        &format!(
                            "with {} paths each value is an array of {} values",
                            paths.len(),
                            paths.len()
                        ),
                        "e.g. values = [[0.3, 0.1], [0.9, 0.85]]",
                    );
                }
            }
        }
        if let Some(labels) = &lever.labels {
            if labels.len() != n {
                fail(
                    &key("labels"),
                    &format!("{} labels for {n} values", labels.len()),
                    "one label per value",
                );
            }
            for (k, a) in labels.iter().enumerate() {
                if labels[..k].contains(a) {
                    fail(
                        &key("labels"),
                        &format!("label `{a}` is used twice"),
                        "each position its own label",
                    );
                }
            }
        }
        if let Some(start) = &lever.start
            && !lever.values.contains(start)
        {
            fail(
                &key("start"),
                &format!("start = {} is not one of the values", render_value(start)),
                "one of `values`",
            );
        }
    }
    ScenarioError::from_all(problems)
}

fn read_regimes(
    raw: &RawLessonFile,
    folder: &Path,
    sources: &Sources,
) -> Result<Vec<Regime>, String> {
    let mut regimes: Vec<Regime> = Vec::new();
    for (i, r) in raw.regimes.iter().enumerate() {
        let path = folder.join(&r.scenario);
        let scenario_sources = Sources::read(&path).map_err(|e| {
            let at = sources.error_at(
                &format!("regimes[{i}].scenario"),
                "cannot read this scenario",
                None,
            );
            format!("{}\n{e}", ScenarioError::from(at))
        })?;
        scenario_sources
            .check_each_file::<crate::scenario::RawScenario>()
            .map_err(|e| e.to_string())?;
        let sc = Scenario::from_sources(&scenario_sources, &[]).map_err(|e| e.to_string())?;
        let name = r.name.clone().unwrap_or_else(|| sc.meta.name.clone());
        if regimes.iter().any(|o| o.name == name) {
            let e = sources.error_at(
                &format!("regimes[{i}].name"),
                format!("two regimes are called `{name}`"),
                Some("give each regime its own name = \"...\"".into()),
            );
            return Err(ScenarioError::from(e).to_string());
        }
        regimes.push(Regime {
            label: r.label.clone().unwrap_or_else(|| name.clone()),
            name,
            explain: r.explain.clone(),
            sources: scenario_sources,
        });
    }
    Ok(regimes)
}

/// Replications, cohort size and seed of `[lesson]` as overrides of every regime.
fn shared_settings(
    raw: &RawLessonFile,
    regimes: &[Regime],
    path: &Path,
) -> Result<Vec<Override>, String> {
    let l = &raw.lesson;
    let origin = |key: &str| format!("lesson.{key} in {}", path.display());
    let first = Scenario::from_sources(&regimes[0].sources, &[]).map_err(|e| e.to_string())?;
    let seed = l.seed.unwrap_or(first.meta.seed);
    let seed =
        i64::try_from(seed).map_err(|_| format!("{}: seed {seed} is too large", origin("seed")))?;
    let replications = l.replications.unwrap_or(DEFAULT_REPLICATIONS);
    let mut out = vec![
        Override::new(
            "scenario.replications",
            Value::Integer(replications.into()),
            origin("replications"),
        )?,
        Override::new("scenario.seed", Value::Integer(seed), origin("seed"))?,
    ];
    if let Some(n) = l.population {
        out.push(Override::new("population.size", Value::Integer(n.into()), origin("population"))?);
    }
    Ok(out)
}

/// The two regimes must follow the same citizens over the same horizon, as in `compare`.
fn check_same_people(regimes: &[Regime], shared: &[Override]) -> Result<(), String> {
    let load = |r: &Regime| {
        Scenario::from_sources(&r.sources, shared).map_err(|e| format!("regime {}:\n{e}", r.name))
    };
    let base = load(&regimes[0])?;
    for r in &regimes[1..] {
        crate::compare::align(&base, load(r)?, &format!("regime {}", r.name))?;
    }
    Ok(())
}

fn lever(
    raw: &RawLever,
    i: usize,
    regimes: &[Regime],
    sources: &Sources,
) -> Result<Lever, ScenarioError> {
    let at = |key: &str, message: String, help: String| -> ScenarioError {
        sources.error_at(&format!("levers[{i}].{key}"), message, Some(help)).into()
    };
    let paths: Vec<String> = match (&raw.path, &raw.paths) {
        (Some(p), _) => vec![p.clone()],
        (None, Some(ps)) => ps.clone(),
        (None, None) => Vec::new(),
    };
    let paths = paths
        .iter()
        .map(|p| Override::new(p, Value::Boolean(false), "").map(|o| o.path))
        .collect::<Result<Vec<_>, String>>()
        .map_err(|m| at("path", m, "a dotted scenario path, e.g. regime.warm_handover".into()))?;
    let values: Vec<Vec<Value>> = raw
        .values
        .iter()
        .map(|v| match (&raw.paths, v) {
            (Some(_), Value::Array(a)) => a.clone(),
            _ => vec![v.clone()],
        })
        .collect();
    let labels =
        raw.labels.clone().unwrap_or_else(|| raw.values.iter().map(render_value).collect());
    let start =
        raw.start.as_ref().and_then(|s| raw.values.iter().position(|v| v == s)).unwrap_or(0);
    let names: Vec<&str> = regimes.iter().map(|r| r.name.as_str()).collect();
    let applies_to = match &raw.applies_to {
        None => (0..regimes.len()).collect(),
        Some(list) => list
            .iter()
            .map(|n| {
                names.iter().position(|m| m == n).ok_or_else(|| {
                    at(
                        "applies_to",
                        format!("no regime is called `{n}`"),
                        format!("allowed: {}", names.join(", ")),
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()?,
    };
    if applies_to.is_empty() {
        return Err(at(
            "applies_to",
            "the lever applies to no regime".into(),
            format!("allowed: {}", names.join(", ")),
        ));
    }
    Ok(Lever {
        id: raw.id.clone(),
        label: raw.label.clone(),
        explain: raw.explain.clone(),
        paths,
        values,
        labels,
        start,
        applies_to,
    })
}

/// The overrides of one lever position, with where they were written.
fn lever_overrides(lever: &Lever, position: usize, written: &str) -> Result<Vec<Override>, String> {
    lever
        .paths
        .iter()
        .zip(&lever.values[position])
        .map(|(path, value)| {
            let origin =
                format!("lesson lever `{}` = {} ({written})", lever.id, lever.labels[position]);
            Override::new(path, value.clone(), origin)
        })
        .collect()
}

fn written_at(sources: &Sources, key: &str) -> String {
    sources
        .locate(key)
        .map(|l| format!("{}:{}:{}", l.path.display(), l.line, l.column))
        .unwrap_or_else(|| {
            sources.user_file().map_or(String::new(), |f| f.path.display().to_string())
        })
}

/// Each lever position alone on each regime it applies to, so a bad path or value is named
/// once, at the lever, rather than at every grid point.
fn check_levers_alone(
    regimes: &[Regime],
    shared: &[Override],
    levers: &[Lever],
    sources: &Sources,
) -> Result<(), String> {
    let mut errors = Vec::new();
    for (i, lever) in levers.iter().enumerate() {
        let written = written_at(sources, &format!("levers[{i}].values"));
        'positions: for position in 0..lever.values.len() {
            for &r in &lever.applies_to {
                let mut overrides = shared.to_vec();
                overrides.extend(lever_overrides(lever, position, &written)?);
                if let Err(e) = Scenario::from_sources(&regimes[r].sources, &overrides) {
                    errors.push(format!(
                        "lever `{}` at `{}` on regime {} ({written}):\n{e}",
                        lever.id, lever.labels[position], regimes[r].name
                    ));
                    break 'positions;
                }
            }
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(errors.join("\n\n")) }
}

/// The lever positions of grid point `p`, first lever varying slowest (as in a sweep grid).
pub fn positions_of(levers: &[Lever], p: usize) -> Vec<usize> {
    let mut rest = p;
    let mut out = vec![0; levers.len()];
    for (k, lever) in levers.iter().enumerate().rev() {
        out[k] = rest % lever.values.len();
        rest /= lever.values.len();
    }
    out
}

/// Every distinct run, and which run each point shows for each regime.
fn plan_runs(
    regimes: &[Regime],
    shared: &[Override],
    levers: &[Lever],
    file: &Path,
) -> Result<(Vec<Run>, Vec<Vec<usize>>), String> {
    let points: usize = levers.iter().map(|l| l.values.len()).product();
    let mut runs: Vec<Run> = Vec::new();
    let mut known: HashMap<(usize, Vec<usize>), usize> = HashMap::new();
    let mut point_runs = Vec::with_capacity(points);
    let mut planned: Vec<(usize, Vec<usize>)> = Vec::new();
    for p in 0..points {
        let positions = positions_of(levers, p);
        let mut row = Vec::with_capacity(regimes.len());
        for r in 0..regimes.len() {
            // Positions of levers that do not apply to this regime do not change its run.
            let relevant: Vec<usize> = levers
                .iter()
                .zip(&positions)
                .map(|(l, &pos)| if l.applies_to.contains(&r) { pos } else { usize::MAX })
                .collect();
            let next = planned.len();
            let index = *known.entry((r, relevant.clone())).or_insert_with(|| {
                planned.push((r, relevant));
                next
            });
            row.push(index);
        }
        point_runs.push(row);
    }
    if planned.len() > MAX_RUNS {
        return Err(format!(
            "{}: the levers make {} different runs; at most {MAX_RUNS} keep the page quick to build \
             (use fewer levers or fewer values)",
            file.display(),
            planned.len()
        ));
    }
    let written = file.display().to_string();
    for (r, relevant) in planned {
        let mut overrides = shared.to_vec();
        for (lever, &pos) in levers.iter().zip(&relevant) {
            if pos != usize::MAX {
                overrides.extend(lever_overrides(lever, pos, &written)?);
            }
        }
        let scenario = Scenario::from_sources(&regimes[r].sources, &overrides)
            .map_err(|e| format!("regime {} with levers {:?}:\n{e}", regimes[r].name, relevant))?;
        runs.push(Run { regime: r, scenario });
    }
    Ok((runs, point_runs))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A lesson file in a temporary folder, its scenarios the shipped ones.
    fn lesson_with(levers: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let scenarios = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        let text = format!(
            "[lesson]\ntitle = \"t\"\npopulation = 50\n\n\
             [[regimes]]\nscenario = \"{}\"\nname = \"a\"\n\n\
             [[regimes]]\nscenario = \"{}\"\nname = \"b\"\n\n{levers}",
            scenarios.join("fragmented.toml").display(),
            scenarios.join("through-care.toml").display()
        );
        let path = dir.path().join("lesson.toml");
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    const TWO_LEVERS: &str = "[[levers]]\nid = \"h\"\nlabel = \"H\"\npath = \"regime.warm_handover\"\n\
        values = [0.2, 0.8]\napplies_to = [\"b\"]\n\n\
        [[levers]]\nid = \"c\"\nlabel = \"C\"\npath = \"services.addiction_care.capacity\"\n\
        values = [60, 120, 240]\n";

    #[test]
    fn a_lever_for_one_regime_leaves_the_other_one_run() {
        let (_dir, path) = lesson_with(TWO_LEVERS);
        let l = Lesson::load(&path).unwrap();
        assert_eq!(l.points(), 6);
        // Regime a: one run per capacity; regime b: one per combination.
        assert_eq!(l.runs.len(), 3 + 6);
        for p in 0..6 {
            let pos = positions_of(&l.levers, p);
            let same_capacity = (0..6).filter(|q| positions_of(&l.levers, *q)[1] == pos[1]);
            for q in same_capacity {
                assert_eq!(l.point_runs[p][0], l.point_runs[q][0], "points {p} and {q}");
            }
            let b = &l.runs[l.point_runs[p][1]].scenario;
            assert_eq!(b.regime.warm_handover, [0.2, 0.8][pos[0]]);
            let cap = &b.services[b.service_index("addiction_care").unwrap()].capacity;
            assert_eq!(*cap, crate::scenario::Capacity::Places([60, 120, 240][pos[1]]));
            assert_eq!(b.meta.replications, DEFAULT_REPLICATIONS);
            assert_eq!(b.population.size, 50);
        }
    }

    #[test]
    fn mistakes_name_file_line_key_and_what_is_allowed() {
        let (_d, path) = lesson_with(&TWO_LEVERS.replace("label = \"H\"", "lable = \"H\""));
        let e = Lesson::load(&path).unwrap_err();
        assert!(e.contains("lable") && e.contains("lesson.toml:15:1"), "{e}");
        let (_d, path) = lesson_with(&TWO_LEVERS.replace("[\"b\"]", "[\"c\"]"));
        let e = Lesson::load(&path).unwrap_err();
        assert!(e.contains("no regime is called `c`") && e.contains("allowed: a, b"), "{e}");
        assert!(e.contains("levers[0].applies_to"), "{e}");
        let (_d, path) = lesson_with(&TWO_LEVERS.replace("[0.2, 0.8]", "[0.2, 1.8]"));
        let e = Lesson::load(&path).unwrap_err();
        assert!(e.contains("lever `h`") && e.contains("lesson.toml:17:"), "{e}");
        assert!(e.contains("regime.warm_handover") && e.contains("0 to 1"), "{e}");
        let (_d, path) = lesson_with(&format!("{TWO_LEVERS}labels = [\"x\"]\n"));
        let e = Lesson::load(&path).unwrap_err();
        assert!(e.contains("1 labels for 3 values") && e.contains("levers[1].labels"), "{e}");
        let (_d, path) = lesson_with("");
        assert!(Lesson::load(&path).unwrap_err().contains("allowed: 1 to 6 levers"));
    }

    #[test]
    fn a_lever_may_set_several_paths_together() {
        let lever = "[[levers]]\nid = \"p\"\nlabel = \"P\"\n\
            paths = [\"regime.id_before_release\", \"regime.benefit_before_release\"]\n\
            values = [[0.3, 0.1], [0.9, 0.85]]\nstart = [0.9, 0.85]\n";
        let (_d, path) = lesson_with(lever);
        let l = Lesson::load(&path).unwrap();
        assert_eq!(l.levers[0].start, 1);
        let sc = &l.runs[l.point_runs[1][1]].scenario;
        assert_eq!((sc.regime.id_before_release, sc.regime.benefit_before_release), (0.9, 0.85));
        let (_d, path) = lesson_with(&lever.replace("[0.9, 0.85]]", "0.9]"));
        let e = Lesson::load(&path).unwrap_err();
        assert!(e.contains("each value is an array of 2 values"), "{e}");
    }
}
