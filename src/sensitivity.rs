//! Which assumptions matter: `reentry sensitivity`. The uncertain parameters of the priors are
//! varied (a) one at a time from their 2.5% to their 97.5% quantile, the others at their
//! median — the one-way *tornado* — and (b) along Morris trajectories (elementary effects,
//! Morris 1991; μ* of Campolongo, Cariboni & Saltelli 2007) with bootstrap intervals on μ*.
//! Threshold analysis then asks, per payer and parameter, at what value the alternative's
//! cost difference crosses zero (break-even), by linear interpolation between the tornado's
//! low, median and high points.
//!
//! The design is an ordinary sweep (`design = "list"`) written into the output folder and run
//! by the sweep machinery ([`crate::sweep`]): it can be split with `--shard I/N` and resumed,
//! and every point uses the same seed (common random numbers), so a parameter that does not
//! act on an outcome has an elementary effect of exactly zero.

use std::path::{Path, PathBuf};

use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};
use serde::Serialize;

pub use crate::output::rows::TornadoBar;
use crate::output::rows::{Num, as_num, as_num_or_na, write_rows};
use crate::rng::derive;
use crate::uncertainty::Priors;

/// Quantiles of the tornado's low and high ends.
pub const LOW: f64 = 0.025;
pub const HIGH: f64 = 0.975;
/// Morris grid: four levels over [LOW, HIGH] in probability, steps of two levels.
const LEVELS: f64 = 4.0;
const DELTA: f64 = 2.0 / 3.0;

/// One design point in probability space: the quantile level of every parameter.
pub type Levels = Vec<f64>;

/// The design: first the median point, then low and high of each parameter (tornado), then
/// the Morris trajectories (k + 1 points each).
#[derive(Debug, Clone, PartialEq)]
pub struct Design {
    pub parameters: usize,
    pub trajectories: usize,
    pub points: Vec<Levels>,
    /// For each trajectory step: (trajectory, parameter, point before, point after).
    pub steps: Vec<(usize, usize, usize, usize)>,
}

const MORRIS_SALT: u64 = 0x4d4f_5252_4953_5f44;

impl Design {
    pub fn new(parameters: usize, trajectories: usize, seed: u64) -> Design {
        let k = parameters;
        let mut points = vec![vec![0.5; k]];
        for j in 0..k {
            for end in [LOW, HIGH] {
                let mut p = vec![0.5; k];
                p[j] = end;
                points.push(p);
            }
        }
        let mut steps = Vec::new();
        let level = |l: f64| LOW + (HIGH - LOW) * l;
        for t in 0..trajectories {
            let mut rng =
                Xoshiro256PlusPlus::seed_from_u64(derive(derive(seed, MORRIS_SALT), t as u64));
            // Start in the lower levels so that every step of +Δ stays on the grid.
            let mut x: Vec<f64> =
                (0..k).map(|_| rng.random_range(0..2) as f64 / (LEVELS - 1.0)).collect();
            let mut order: Vec<usize> = (0..k).collect();
            for i in (1..k).rev() {
                order.swap(i, rng.random_range(0..=i));
            }
            points.push(x.iter().map(|l| level(*l)).collect());
            for &j in &order {
                x[j] += DELTA;
                points.push(x.iter().map(|l| level(*l)).collect());
                steps.push((t, j, points.len() - 2, points.len() - 1));
            }
        }
        Design { parameters: k, trajectories, points, steps }
    }

    /// The parameter values of every point (quantiles of the priors).
    pub fn values(&self, priors: &Priors) -> Vec<Vec<f64>> {
        self.points
            .iter()
            .map(|p| {
                priors
                    .priors
                    .iter()
                    .zip(p)
                    .map(|(q, &u)| {
                        let x = q.distribution.quantile(u);
                        if q.whole_number { x.round() } else { x }
                    })
                    .collect()
            })
            .collect()
    }
}

/// The tornado of one outcome (`y` = outcome per design point), largest swing first.
pub fn tornado(outcome: &str, paths: &[String], values: &[Vec<f64>], y: &[f64]) -> Vec<TornadoBar> {
    let mut bars: Vec<TornadoBar> = paths
        .iter()
        .enumerate()
        .map(|(j, path)| {
            let (lo, hi) = (1 + 2 * j, 2 + 2 * j);
            TornadoBar {
                outcome: outcome.into(),
                parameter: path.clone(),
                rank: 0,
                low_value: values[lo][j],
                high_value: values[hi][j],
                outcome_at_median: y[0],
                outcome_at_low: y[lo],
                outcome_at_high: y[hi],
                swing: (y[hi] - y[lo]).abs(),
            }
        })
        .collect();
    bars.sort_by(|a, b| b.swing.total_cmp(&a.swing).then(a.parameter.cmp(&b.parameter)));
    for (r, b) in bars.iter_mut().enumerate() {
        b.rank = r + 1;
    }
    bars
}

/// Morris indices of one parameter for one outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MorrisIndex {
    pub outcome: String,
    pub parameter: String,
    pub rank: usize,
    /// Mean absolute elementary effect (per step of 2/3 of the 95% range), and its 95%
    /// bootstrap interval over trajectories.
    pub mu_star: f64,
    pub mu_star_lo: f64,
    pub mu_star_hi: f64,
    /// Mean elementary effect (sign: direction) and its spread (non-linearity, interactions).
    pub mu: f64,
    pub sigma: f64,
}

const BOOTSTRAP: usize = 1000;

/// Morris μ*, μ and σ of every parameter; bootstrap over trajectories (seeded).
pub fn morris(
    outcome: &str,
    paths: &[String],
    d: &Design,
    y: &[f64],
    seed: u64,
) -> Vec<MorrisIndex> {
    let mut effects = vec![vec![0.0; d.trajectories]; d.parameters];
    for &(t, j, before, after) in &d.steps {
        effects[j][t] = y[after] - y[before];
    }
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(derive(seed, MORRIS_SALT + 1));
    let resamples: Vec<Vec<usize>> = (0..BOOTSTRAP)
        .map(|_| (0..d.trajectories).map(|_| rng.random_range(0..d.trajectories.max(1))).collect())
        .collect();
    let mut out: Vec<MorrisIndex> = paths
        .iter()
        .enumerate()
        .map(|(j, path)| {
            let e = &effects[j];
            let abs_mean = |idx: &[usize]| {
                idx.iter().map(|&t| e[t].abs()).sum::<f64>() / idx.len().max(1) as f64
            };
            let all: Vec<usize> = (0..e.len()).collect();
            let boot: Vec<f64> = resamples.iter().map(|r| abs_mean(r)).collect();
            let (lo, hi) = crate::benefit_cost::interval(&boot);
            MorrisIndex {
                outcome: outcome.into(),
                parameter: path.clone(),
                rank: 0,
                mu_star: abs_mean(&all),
                mu_star_lo: lo,
                mu_star_hi: hi,
                mu: crate::stats::mean(e),
                sigma: crate::stats::sample_variance(e).sqrt(),
            }
        })
        .collect();
    out.sort_by(|a, b| b.mu_star.total_cmp(&a.mu_star).then(a.parameter.cmp(&b.parameter)));
    for (r, m) in out.iter_mut().enumerate() {
        m.rank = r + 1;
    }
    out
}

/// Where a payer breaks even as one parameter moves (others at their median); serialized as
/// one line of `thresholds.csv`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Threshold {
    pub outcome: String,
    pub parameter: String,
    /// The parameter value at which the outcome crosses zero, if it does within the 95% range.
    #[serde(serialize_with = "as_num_or_na")]
    pub break_even_value: Option<f64>,
    #[serde(serialize_with = "as_num")]
    pub outcome_at_low: f64,
    #[serde(serialize_with = "as_num")]
    pub outcome_at_median: f64,
    #[serde(serialize_with = "as_num")]
    pub outcome_at_high: f64,
}

/// One line of `indices.csv`.
#[derive(Default, Serialize)]
struct IndexRow<'a> {
    outcome: &'a str,
    parameter: &'a str,
    method: &'static str,
    rank: usize,
    mu_star: Num,
    mu_star_lo95: Num,
    mu_star_hi95: Num,
    mu: Num,
    sigma: Num,
}

/// Linear interpolation over (low, median, high) of each parameter; the crossing nearest to
/// the median is reported.
pub fn thresholds(
    outcome: &str,
    paths: &[String],
    values: &[Vec<f64>],
    y: &[f64],
) -> Vec<Threshold> {
    paths
        .iter()
        .enumerate()
        .map(|(j, path)| {
            let (lo, hi) = (1 + 2 * j, 2 + 2 * j);
            let pts = [(values[0][j], y[0]), (values[lo][j], y[lo]), (values[hi][j], y[hi])];
            let cross = |(_, y0): (f64, f64), (_, y1): (f64, f64)| {
                ((y0 <= 0.0 && y1 >= 0.0) || (y0 >= 0.0 && y1 <= 0.0)) && y0 != y1
            };
            let at = |(x0, y0): (f64, f64), (x1, y1): (f64, f64)| x0 + (x1 - x0) * y0 / (y0 - y1);
            let value = if y[0] == 0.0 {
                Some(pts[0].0)
            } else if cross(pts[0], pts[1]) {
                Some(at(pts[0], pts[1]))
            } else if cross(pts[0], pts[2]) {
                Some(at(pts[0], pts[2]))
            } else {
                None
            };
            Threshold {
                outcome: outcome.into(),
                parameter: path.clone(),
                break_even_value: value,
                outcome_at_low: y[lo],
                outcome_at_median: y[0],
                outcome_at_high: y[hi],
            }
        })
        .collect()
}

/// The sweep file of one scenario's design (`design = "list"`), as text.
pub fn sweep_text(
    name: &str,
    scenario: &Path,
    priors: &Priors,
    values: &[Vec<f64>],
    replications: u32,
    seed: u64,
) -> String {
    let mut s = format!(
        "# The design of `reentry sensitivity` (tornado, then Morris trajectories): one point per\n\
         # entry of the values lists. Run it again, or on a cluster in shards, with `reentry sweep`.\n\
         [sweep]\nname = {name:?}\nscenario = {:?}\ndesign = \"list\"\nreplications = {replications}\nseed = {seed}\n",
        scenario.display().to_string()
    );
    for (j, prior) in priors.priors.iter().enumerate() {
        let path = &prior.path;
        let column: Vec<String> = values
            .iter()
            .map(|v| {
                if prior.whole_number {
                    format!("{}", v[j].round() as i64)
                } else {
                    format!("{:?}", v[j])
                }
            })
            .collect();
        s.push_str(&format!(
            "\n[[parameters]]\npath = {path:?}\nvalues = [{}]\n",
            column.join(", ")
        ));
    }
    s
}

/// Mean per point of the given indicators, from a merged sweep's `runs.csv`.
pub fn point_means(runs: &Path, indicators: &[String]) -> Result<Vec<Vec<f64>>, String> {
    let mut reader =
        csv::Reader::from_path(runs).map_err(|e| format!("cannot read {}: {e}", runs.display()))?;
    let header: Vec<String> =
        reader.headers().map_err(|e| e.to_string())?.iter().map(str::to_string).collect();
    let col = |name: &str| {
        header.iter().position(|h| h == name).ok_or_else(|| {
            format!("{}: no column `{name}`; outcomes: {}", runs.display(), header.join(", "))
        })
    };
    let point = col("point")?;
    let cols: Vec<usize> = indicators.iter().map(|i| col(i)).collect::<Result<_, _>>()?;
    let mut sums: Vec<(Vec<f64>, usize)> = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| format!("{}: {e}", runs.display()))?;
        let p: usize =
            record[point].parse().map_err(|_| format!("{}: bad point id", runs.display()))?;
        if sums.len() <= p {
            sums.resize(p + 1, (vec![0.0; cols.len()], 0));
        }
        for (k, c) in cols.iter().enumerate() {
            sums[p].0[k] += record[*c].parse::<f64>().unwrap_or(f64::NAN);
        }
        sums[p].1 += 1;
    }
    Ok(sums
        .into_iter()
        .map(|(s, n)| s.into_iter().map(|x| x / n.max(1) as f64).collect())
        .collect())
}

/// Where the design of scenario `k` runs inside the output folder.
pub fn design_folder(out: &Path, k: usize) -> PathBuf {
    out.join(format!("design-{k}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::uncertainty::{Distribution, Prior};

    fn priors(k: usize) -> Priors {
        Priors {
            file: PathBuf::from("test"),
            priors: (0..k)
                .map(|j| Prior {
                    path: format!("p{j}"),
                    distribution: Distribution::Uniform { low: 0.0, high: 1.0 },
                    source: "test".into(),
                    whole_number: false,
                })
                .collect(),
        }
    }

    /// The known-answer case: y = 5·x1, so x1 ranks first in the tornado and in Morris, and
    /// every other parameter has no effect at all (swing and μ* zero); with y = x0 + 10·x2²
    /// the order is x2, x0, x1.
    #[test]
    fn an_outcome_of_one_parameter_ranks_it_first_and_the_others_zero() {
        let p = priors(4);
        let paths: Vec<String> = p.priors.iter().map(|q| q.path.clone()).collect();
        let d = Design::new(4, 12, 7);
        assert_eq!(d.points.len(), 1 + 2 * 4 + 12 * 5);
        let values = d.values(&p);
        let y: Vec<f64> = values.iter().map(|v| 5.0 * v[1]).collect();
        let t = tornado("y", &paths, &values, &y);
        assert_eq!(t[0].parameter, "p1");
        assert!((t[0].swing - 5.0 * (HIGH - LOW)).abs() < 1e-9);
        assert!(t[1..].iter().all(|b| b.swing == 0.0));
        let m = morris("y", &paths, &d, &y, 1);
        assert_eq!(m[0].parameter, "p1");
        // Each step moves x1 by Δ of the 95% range: 5 · (2/3) · 0.95.
        assert!((m[0].mu_star - 5.0 * DELTA * (HIGH - LOW)).abs() < 1e-9);
        assert!(m[1..].iter().all(|i| i.mu_star == 0.0 && i.mu_star_hi == 0.0));
        let y2: Vec<f64> = values.iter().map(|v| v[0] + 10.0 * v[2] * v[2]).collect();
        let order: Vec<String> =
            morris("y", &paths, &d, &y2, 1).iter().map(|i| i.parameter.clone()).collect();
        assert_eq!(&order[..2], &["p2".to_string(), "p0".to_string()]);
    }

    #[test]
    fn thresholds_interpolate_the_break_even_value() {
        let p = priors(1);
        let paths = vec!["p0".to_string()];
        let d = Design::new(1, 0, 1);
        let values = d.values(&p);
        // y = x − 0.3 crosses zero at 0.3, between the low end (0.025) and the median.
        let y: Vec<f64> = values.iter().map(|v| v[0] - 0.3).collect();
        let t = thresholds("y", &paths, &values, &y);
        assert!((t[0].break_even_value.unwrap() - 0.3).abs() < 1e-9);
        let y: Vec<f64> = values.iter().map(|v| v[0] + 1.0).collect();
        assert_eq!(thresholds("y", &paths, &values, &y)[0].break_even_value, None);
    }
}

// ----- the command -----

/// What `reentry sensitivity` is asked to do.
#[derive(Debug, Clone)]
pub struct Settings {
    /// One scenario (outcomes as they are) or two (outcomes as differences second − first).
    pub scenarios: Vec<PathBuf>,
    pub outcome: String,
    pub priors: Priors,
    pub trajectories: u32,
    pub replications: u32,
    pub population: Option<u32>,
    /// `--set` overrides, applied to every scenario as in every other command.
    pub set: Vec<crate::scenario::Override>,
    pub out: PathBuf,
    pub threads: usize,
    pub shard: Option<crate::sweep::Shard>,
    pub resume: bool,
    pub force: bool,
}

/// The results, or `None` when only a shard ran.
#[derive(Debug, Clone, PartialEq)]
pub struct Results {
    pub outcomes: Vec<String>,
    pub tornado: Vec<TornadoBar>,
    pub morris: Vec<MorrisIndex>,
    pub thresholds: Vec<Threshold>,
}

/// The outcomes every analysis reports besides the one asked for: 2-year reconviction and
/// each payer's cost (a difference, with two scenarios: negative = that payer gains).
pub const KEY_OUTCOMES: [&str; 6] = [
    "reconviction_2y",
    "cost_justice",
    "cost_municipality",
    "cost_health",
    "cost_victims_society",
    "cost_societal",
];

pub fn run(s: &Settings) -> Result<Option<Results>, String> {
    if s.scenarios.is_empty() || s.scenarios.len() > 2 {
        return Err("sensitivity takes one scenario, or a baseline and one alternative".into());
    }
    let changes = crate::pipeline::Changes { set: s.set.clone(), ..Default::default() };
    let base = changes.load(&s.scenarios[0])?;
    let mut arms = vec![base];
    if let Some(alt) = s.scenarios.get(1) {
        let what = format!("alternative {}", alt.display());
        let sc = changes.load(alt).map_err(|e| format!("{what}:\n{e}"))?;
        arms.push(crate::compare::align(&arms[0], sc, &what)?);
    }
    let paths: Vec<String> = s.priors.priors.iter().map(|p| p.path.clone()).collect();
    crate::psa::check_shared(&arms, &paths)?;
    let seed = arms[0].meta.seed;
    let design = Design::new(paths.len(), s.trajectories as usize, seed);
    let values = design.values(&s.priors);
    std::fs::create_dir_all(&s.out)
        .map_err(|e| format!("cannot create {}: {e}", s.out.display()))?;
    let mut outcomes = vec![s.outcome.clone()];
    outcomes.extend(KEY_OUTCOMES.iter().map(|o| o.to_string()).filter(|o| *o != s.outcome));
    let mut per_arm = Vec::new();
    for (k, path) in s.scenarios.iter().enumerate() {
        // The scenario as resolved (aligned with the baseline, the region scaled to
        // --population), written beside the design so the folder re-runs on its own.
        let mut raw = arms[k].resolved.clone();
        if let Some(n) = s.population {
            raw.scale(f64::from(n) / f64::from(raw.population.size.max(1)));
            raw.population.size = n;
        }
        let resolved = format!("scenario-{k}.toml");
        let toml_text = toml::to_string(&raw)
            .map_err(|e| format!("cannot write the scenario of {}: {e}", path.display()))?;
        crate::sweep::store::write_atomic(&s.out.join(&resolved), toml_text.as_bytes())?;
        let name = format!("sensitivity-{k}-{}", arms[k].meta.name);
        let text =
            sweep_text(&name, Path::new(&resolved), &s.priors, &values, s.replications, seed);
        let file = s.out.join(format!("design-{k}.toml"));
        crate::sweep::store::write_atomic(&file, text.as_bytes())?;
        let sweep = crate::sweep::Sweep::load(&file, &[], None)?;
        let settings = crate::sweep::RunSettings {
            out: design_folder(&s.out, k),
            threads: s.threads,
            shard: s.shard,
            resume: s.resume,
            force: s.force,
            report: None,
        };
        crate::sweep::run(&sweep, &settings)?;
        if s.shard.is_none() {
            per_arm.push(point_means(&design_folder(&s.out, k).join("runs.csv"), &outcomes)?);
        }
    }
    if s.shard.is_some() {
        return Ok(None);
    }
    let y = |o: usize| -> Vec<f64> {
        (0..design.points.len())
            .map(|p| match per_arm.get(1) {
                Some(alt) => alt[p][o] - per_arm[0][p][o],
                None => per_arm[0][p][o],
            })
            .collect()
    };
    let mut results = Results {
        outcomes: outcomes.clone(),
        tornado: Vec::new(),
        morris: Vec::new(),
        thresholds: Vec::new(),
    };
    for (o, name) in outcomes.iter().enumerate() {
        let ys = y(o);
        results.tornado.extend(tornado(name, &paths, &values, &ys));
        if design.trajectories > 0 {
            results.morris.extend(morris(name, &paths, &design, &ys, seed));
        }
        if arms.len() == 2 && name.starts_with("cost_") {
            results.thresholds.extend(thresholds(name, &paths, &values, &ys));
        }
    }
    write_results(&s.out, &results)?;
    Ok(Some(results))
}

/// A table as the bytes of its CSV file.
fn csv_bytes<R: Serialize + Default>(rows: impl IntoIterator<Item = R>) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    write_rows(&mut bytes, rows).map_err(|e| e.to_string())?;
    Ok(bytes)
}

fn write_results(out: &Path, r: &Results) -> Result<(), String> {
    let csv_of = |header: &[&str], rows: Vec<Vec<String>>| -> Result<Vec<u8>, String> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(header).map_err(|e| e.to_string())?;
        for row in rows {
            w.write_record(&row).map_err(|e| e.to_string())?;
        }
        w.into_inner().map_err(|e| e.to_string())
    };
    use crate::output::format::num;
    let tornado = csv_of(
        &[
            "outcome",
            "parameter",
            "rank",
            "low_value",
            "high_value",
            "outcome_at_median",
            "outcome_at_low",
            "outcome_at_high",
            "swing",
        ],
        r.tornado
            .iter()
            .map(|b| {
                vec![
                    b.outcome.clone(),
                    b.parameter.clone(),
                    b.rank.to_string(),
                    num(b.low_value),
                    num(b.high_value),
                    num(b.outcome_at_median),
                    num(b.outcome_at_low),
                    num(b.outcome_at_high),
                    num(b.swing),
                ]
            })
            .collect(),
    )?;
    crate::sweep::store::write_atomic(&out.join("tornado.csv"), &tornado)?;
    let indices = r.morris.iter().map(|m| IndexRow {
        outcome: &m.outcome,
        parameter: &m.parameter,
        method: "morris",
        rank: m.rank,
        mu_star: Num(m.mu_star),
        mu_star_lo95: Num(m.mu_star_lo),
        mu_star_hi95: Num(m.mu_star_hi),
        mu: Num(m.mu),
        sigma: Num(m.sigma),
    });
    let indices = csv_bytes(indices)?;
    crate::sweep::store::write_atomic(&out.join("indices.csv"), &indices)?;
    let thresholds = csv_bytes(r.thresholds.iter().cloned())?;
    crate::sweep::store::write_atomic(&out.join("thresholds.csv"), &thresholds)?;
    let outcome = &r.outcomes[0];
    let bars: Vec<&TornadoBar> =
        r.tornado.iter().filter(|b| &b.outcome == outcome).take(12).collect();
    let (svg, png) =
        crate::output::sensitivity_plot::tornado(outcome, &bars, crate::output::lang::Lang::En)?;
    crate::sweep::store::write_atomic(&out.join("tornado.svg"), svg.as_bytes())?;
    crate::sweep::store::write_atomic(&out.join("tornado.png"), &png)
}

/// The terminal lines: the tornado and Morris ranking of the outcome asked for.
pub fn terminal(r: &Results) -> String {
    let outcome = &r.outcomes[0];
    let mut out =
        format!("tornado of {outcome} (2.5% → 97.5% of each prior, others at the median):\n");
    for b in r.tornado.iter().filter(|b| &b.outcome == outcome).take(10) {
        out.push_str(&format!(
            "  {:>2}. {:<45} {:>12.4} → {:>12.4}  (swing {:.4})\n",
            b.rank, b.parameter, b.outcome_at_low, b.outcome_at_high, b.swing
        ));
    }
    if r.morris.iter().any(|m| &m.outcome == outcome) {
        out.push_str(&format!("Morris elementary effects of {outcome} (μ* [95% bootstrap]):\n"));
        for m in r.morris.iter().filter(|m| &m.outcome == outcome).take(10) {
            out.push_str(&format!(
                "  {:>2}. {:<45} {:>12.4} [{:.4}, {:.4}]  σ {:.4}\n",
                m.rank, m.parameter, m.mu_star, m.mu_star_lo, m.mu_star_hi, m.sigma
            ));
        }
    }
    let crossings: Vec<&Threshold> =
        r.thresholds.iter().filter(|t| t.break_even_value.is_some()).collect();
    if !crossings.is_empty() {
        out.push_str(
            "break-even thresholds (the alternative's cost difference for a payer crosses zero):\n",
        );
        for t in crossings {
            out.push_str(&format!(
                "  {:<22} at {} = {:.4}\n",
                t.outcome,
                t.parameter,
                t.break_even_value.unwrap_or(f64::NAN)
            ));
        }
    }
    out
}
