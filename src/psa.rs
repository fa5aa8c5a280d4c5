//! Probabilistic sensitivity analysis (PSA) for `reentry compare --psa N`: the uncertain
//! parameters are drawn N times (from their priors, [`crate::uncertainty`], or resampled from
//! a calibration's `posterior.csv`), and in every draw every regime is run on the same citizens
//! with the same random numbers.
//!
//! Two kinds of uncertainty are kept apart. *Parameter uncertainty* is the spread between
//! draws; *Monte Carlo noise* is the spread between the replications of one draw (each draw
//! has its own seed, so the noise is independent between draws). The variance of the draw
//! means is their sum, `V_between = V_parameter + W / R` (W the mean within-draw variance, R the
//! replications per draw; O'Hagan, Stevenson & Madan 2007, Health Economics 16:1009), so
//! `V_parameter = max(0, V_between − W/R)`, and both are reported.
//!
//! From the draws come the decision outputs ([`crate::decision`]), the benefit-cost summary
//! per payer ([`crate::benefit_cost`]) and each payer's chance of gaining. Everything the report
//! needs is in `psa.json`; every table is also a tidy CSV.

use std::io;
use std::path::Path;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use toml::Value;

use crate::benefit_cost::{BenefitCost, Flows, interval, summarise};
use crate::costs::PAYERS;
use crate::decision::{self, Acceptability, Choice, Draws, Evpi, Incremental};
use crate::engine::World;
use crate::experiments::survival_by_day;
use crate::outcomes::{Event, ReplicationResult};
use crate::output::format::num;
use crate::output::outdir::OutputDir;
use crate::rng::derive;
use crate::scenario::{Override, Scenario, Sources};
use crate::stats::{discount_factor, mean, sample_variance};
use crate::uncertainty::Priors;

/// The effect measure of the decision outputs; "more is better" in every case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// New convictions per released citizen avoided over the follow-up.
    Reconvictions,
    /// Detention days after release avoided per citizen.
    DetentionDays,
    /// Days in recovery gained per citizen: days in active addiction avoided.
    RecoveryDays,
}

impl Effect {
    pub const ALLOWED: &'static str = "reconvictions, detention_days, recovery_days";

    pub fn parse(text: &str) -> Result<Effect, String> {
        match text {
            "reconvictions" => Ok(Effect::Reconvictions),
            "detention_days" => Ok(Effect::DetentionDays),
            "recovery_days" => Ok(Effect::RecoveryDays),
            other => Err(format!("unknown effect `{other}`; allowed: {}", Self::ALLOWED)),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Effect::Reconvictions => "reconvictions",
            Effect::DetentionDays => "detention_days",
            Effect::RecoveryDays => "recovery_days",
        }
    }

    /// What one unit of the effect is, in words.
    pub fn unit_words(self) -> &'static str {
        match self {
            Effect::Reconvictions => "reconviction avoided",
            Effect::DetentionDays => "detention day avoided",
            Effect::RecoveryDays => "day in recovery gained (day in active addiction avoided)",
        }
    }

    /// The default willingness to pay per unit, in euros: an assumption, stated wherever
    /// it is used. A reconviction avoided: about the societal cost of one conviction cycle
    /// (police, court, a short stay, victims) in the shipped scenarios; a detention day: a
    /// prison day's cost; a day in recovery: about a day of addiction care.
    pub fn default_wtp(self) -> f64 {
        match self {
            Effect::Reconvictions => 50_000.0,
            Effect::DetentionDays => 300.0,
            Effect::RecoveryDays => 100.0,
        }
    }

    fn index(self) -> usize {
        match self {
            Effect::Reconvictions => 1,
            Effect::DetentionDays => 2,
            Effect::RecoveryDays => 3,
        }
    }
}

/// How a PSA is run.
#[derive(Debug, Clone)]
pub struct PsaSettings {
    pub draws: u32,
    pub replications: u32,
    /// Cohort per draw: the region is scaled (cohort and capacities together) to this size.
    pub citizens: u32,
    pub seed: u64,
    pub threads: usize,
    pub effect: Effect,
    pub wtp: f64,
}

/// Citizens per draw unless `--psa-population` says otherwise: the shipped 2,000-person
/// region scaled to a quarter, which keeps `--psa 1000` within minutes on two cores; the
/// Monte Carlo noise this adds is measured and reported.
pub const DEFAULT_CITIZENS: u32 = 500;

/// Reads several priors files as one set (a path may appear in only one of them).
pub fn load_priors(files: &[std::path::PathBuf]) -> Result<Priors, String> {
    let mut all = Priors { file: files.first().cloned().unwrap_or_default(), priors: Vec::new() };
    for file in files {
        let more = Priors::load(file)?;
        for p in more.priors {
            if all.priors.iter().any(|q| q.path == p.path) {
                return Err(format!(
                    "{}: prior `{}` is already given in another priors file",
                    file.display(),
                    p.path
                ));
            }
            all.priors.push(p);
        }
    }
    Ok(all)
}

/// Refuses uncertain parameters on which the compared scenarios differ: a draw sets the same
/// value in every arm, which would erase the very difference being compared (a regime lever
/// belongs in the scenarios, not among the priors).
pub fn check_shared(arms: &[Scenario], paths: &[String]) -> Result<(), String> {
    let tables: Vec<Value> = arms
        .iter()
        .map(|a| Value::try_from(&a.resolved).map_err(|e| e.to_string()))
        .collect::<Result<_, _>>()?;
    let lookup = |root: &Value, path: &str| -> Option<Value> {
        path.split('.').try_fold(root, |v, key| v.as_table()?.get(key)).cloned()
    };
    for path in paths {
        let first = lookup(&tables[0], path);
        if first.is_none() {
            return Err(format!(
                "uncertain parameter `{path}` is not a value of scenario {}",
                arms[0].meta.name
            ));
        }
        for (arm, table) in arms.iter().zip(&tables).skip(1) {
            if lookup(table, path) != first {
                return Err(format!(
                    "uncertain parameter `{path}` differs between {} and {}: a draw would give \
                     both the same value and erase the difference being compared; leave it \
                     out of the priors (or make the scenarios agree on it)",
                    arms[0].meta.name, arm.meta.name
                ));
            }
        }
    }
    Ok(())
}

/// The parameter values of every draw.
#[derive(Debug, Clone, PartialEq)]
pub struct ParameterDraws {
    pub paths: Vec<String>,
    pub whole_number: Vec<bool>,
    /// `values[draw][parameter]`.
    pub values: Vec<Vec<f64>>,
    /// Where the values come from, for the report.
    pub origin: String,
}

/// Keeps posterior resampling apart from every other stream of the same seed.
const RESAMPLE_SALT: u64 = 0x5053_415f_5245_5341;
/// Keeps the per-draw simulation seeds apart from the base case's.
const DRAW_SEED_SALT: u64 = 0x5053_415f_5345_4544;

impl ParameterDraws {
    pub fn from_priors(priors: &Priors, seed: u64, draws: u32) -> Self {
        ParameterDraws {
            paths: priors.priors.iter().map(|p| p.path.clone()).collect(),
            whole_number: priors.priors.iter().map(|p| p.whole_number).collect(),
            values: (0..u64::from(draws)).map(|d| priors.draw(seed, d)).collect(),
            origin: "priors".into(),
        }
    }

    /// Resamples `draws` particles of a calibration's `posterior.csv` (columns `particle,
    /// weight,<path>...`) by systematic resampling, so the draws are equally weighted; the
    /// priors of paths the posterior does not hold (unit costs, say) are drawn as usual.
    pub fn from_posterior(
        path: &Path,
        priors: &Priors,
        seed: u64,
        draws: u32,
    ) -> Result<Self, String> {
        let Posterior { mut paths, weights, particles } = read_posterior(path)?;
        let mut whole_number: Vec<bool> = paths
            .iter()
            .map(|p| priors.priors.iter().find(|q| q.path == *p).is_some_and(|q| q.whole_number))
            .collect();
        let rest = Priors {
            file: priors.file.clone(),
            priors: priors.priors.iter().filter(|q| !paths.contains(&q.path)).cloned().collect(),
        };
        let n = draws.max(1) as usize;
        let stream = derive(seed, RESAMPLE_SALT);
        let start = ((stream >> 11) as f64 / (1u64 << 53) as f64) / n as f64;
        let mut values = Vec::with_capacity(n);
        let (mut k, mut cumulative) = (0, weights[0]);
        for i in 0..n {
            let u = start + i as f64 / n as f64;
            while u > cumulative && k + 1 < weights.len() {
                k += 1;
                cumulative += weights[k];
            }
            let mut row = particles[k].clone();
            if !rest.priors.is_empty() {
                row.extend(rest.draw(seed, i as u64));
            }
            values.push(row);
        }
        let mut origin = format!("posterior {}", path.display());
        if !rest.priors.is_empty() {
            origin.push_str(&format!(" and {} priors", rest.priors.len()));
        }
        paths.extend(rest.priors.iter().map(|q| q.path.clone()));
        whole_number.extend(rest.priors.iter().map(|q| q.whole_number));
        Ok(ParameterDraws { paths, whole_number, values, origin })
    }

    fn overrides(&self, draw: usize) -> Vec<Override> {
        self.paths
            .iter()
            .zip(&self.whole_number)
            .zip(&self.values[draw])
            .map(|((path, whole), &x)| {
                let value = if *whole { Value::Integer(x.round() as i64) } else { Value::Float(x) };
                Override {
                    path: path.clone(),
                    value,
                    origin: format!("PSA draw {draw}: {path} = {x}"),
                }
            })
            .collect()
    }
}

/// Reads `posterior.csv`: the dotted paths, the weights (normalised) and the particles.
/// A calibration's particles: their dotted paths, normalised weights and values.
struct Posterior {
    paths: Vec<String>,
    weights: Vec<f64>,
    particles: Vec<Vec<f64>>,
}

fn read_posterior(path: &Path) -> Result<Posterior, String> {
    let mut reader = csv::Reader::from_path(path)
        .map_err(|e| format!("cannot read posterior {}: {e}", path.display()))?;
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| format!("{}: {e}", path.display()))?
        .iter()
        .map(str::to_string)
        .collect();
    if header.len() < 3 || header[0] != "particle" || header[1] != "weight" {
        return Err(format!(
            "{}: line 1: the columns must be particle,weight,<dotted path>... (found {})",
            path.display(),
            header.join(",")
        ));
    }
    let paths = header[2..].to_vec();
    let (mut weights, mut particles) = (Vec::new(), Vec::new());
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        let record = record.map_err(|e| format!("{}: line {line}: {e}", path.display()))?;
        let mut row = Vec::with_capacity(header.len() - 1);
        for (c, field) in record.iter().enumerate().skip(1) {
            let x: f64 =
                field.trim().parse().ok().filter(|x: &f64| x.is_finite()).ok_or_else(|| {
                    format!(
                        "{}: line {line}, column {} ({}): `{field}` is not a finite number",
                        path.display(),
                        c + 1,
                        header[c]
                    )
                })?;
            row.push(x);
        }
        if row.len() != header.len() - 1 {
            return Err(format!(
                "{}: line {line}: expected {} fields",
                path.display(),
                header.len()
            ));
        }
        if row[0] < 0.0 {
            return Err(format!(
                "{}: line {line}, column 2 (weight): weights must be 0 or more",
                path.display()
            ));
        }
        weights.push(row[0]);
        particles.push(row[1..].to_vec());
    }
    let total: f64 = weights.iter().sum();
    if particles.is_empty() || total <= 0.0 {
        return Err(format!("{}: no particle with a positive weight", path.display()));
    }
    weights.iter_mut().for_each(|w| *w /= total);
    Ok(Posterior { paths, weights, particles })
}

/// What the PSA keeps of one replication of one arm, per released citizen.
#[derive(Debug, Clone, PartialEq)]
pub struct RepMetrics {
    /// reconviction within 2 years (share), convictions, detention days, days in active
    /// addiction.
    pub outcomes: [f64; 4],
    /// Undiscounted cost per follow-up year and payer (in [`PAYERS`] order).
    pub cost: Vec<[f64; 4]>,
    /// The care part of `cost`.
    pub care: Vec<[f64; 4]>,
    /// Benefit payments per year (inside the municipality's cost).
    pub transfers: Vec<f64>,
}

impl RepMetrics {
    pub fn of(rep: &ReplicationResult) -> Self {
        let t = &rep.totals;
        let n = t.released.max(1) as f64;
        let l = &rep.ledger;
        let per_payer = |f: &dyn Fn(crate::scenario::Payer, usize) -> f64, y: usize| {
            let mut a = [0.0; 4];
            for p in PAYERS {
                a[p.index()] = f(p, y) / n;
            }
            a
        };
        RepMetrics {
            outcomes: [
                survival_by_day(rep, Event::Reconviction).incidence_at(730),
                t.convictions as f64 / n,
                t.detention_days_after_release as f64 / n,
                t.days_active_addiction as f64 / n,
            ],
            cost: (0..l.years).map(|y| per_payer(&|p, y| l.payer_year(p, y), y)).collect(),
            care: (0..l.years).map(|y| per_payer(&|p, y| l.care_year(p, y), y)).collect(),
            transfers: l.transfers_by_year.iter().map(|x| x / n).collect(),
        }
    }

    /// The scalar indicators of the PSA tables, in [`INDICATORS`] order; costs discounted.
    fn scalars(&self, rate: f64) -> Vec<f64> {
        let pv = |f: &dyn Fn(usize) -> f64| -> f64 {
            (0..self.cost.len()).map(|y| f(y) * discount_factor(rate, y)).sum()
        };
        let mut out = self.outcomes.to_vec();
        for p in 0..4 {
            out.push(pv(&|y| self.cost[y][p]));
        }
        let transfers = pv(&|y| self.transfers[y]);
        let all: f64 = (0..4).map(|p| out[4 + p]).sum();
        out.push(all - transfers);
        out.push(transfers);
        out
    }
}

/// The indicators every draw reports: name, words, unit.
pub const INDICATORS: [(&str, &str, &str); 10] = [
    ("reconviction_2y", "reconviction within 2 years", "share"),
    ("convictions", "new convictions per citizen", "count"),
    ("detention_days", "detention days after release per citizen", "days"),
    ("days_active_addiction", "days in active addiction per citizen", "days"),
    ("cost_justice", "cost per citizen, justice (discounted)", "euro"),
    (
        "cost_municipality",
        "cost per citizen, municipality incl. benefit payments (discounted)",
        "euro",
    ),
    ("cost_health", "cost per citizen, health (discounted)", "euro"),
    ("cost_victims_society", "cost per citizen, victims & society (discounted)", "euro"),
    ("cost_societal", "total societal cost per citizen (discounted, without transfers)", "euro"),
    ("transfers", "benefit payments per citizen (a transfer; discounted)", "euro"),
];

const SOCIETAL: usize = 8;

/// One draw: per arm, per replication.
#[derive(Debug, Clone, PartialEq)]
pub struct DrawResult {
    pub arms: Vec<Vec<RepMetrics>>,
}

/// Sources of each arm from its aligned, resolved base-case scenario, so every draw starts
/// from exactly what the base case ran (command-line settings included).
fn arm_sources(arms: &[Scenario]) -> Result<Vec<Sources>, String> {
    arms.iter()
        .map(|sc| {
            let text = toml::to_string(&sc.resolved)
                .map_err(|e| format!("cannot write scenario {}: {e}", sc.meta.name))?;
            Sources::from_text(format!("{} (as resolved)", sc.meta.name), text)
                .map_err(|e| e.to_string())
        })
        .collect()
}

/// The scenarios of one draw: the draw's parameter values, its own seed, `replications`
/// replications, and the region scaled to `citizens`.
fn draw_scenarios(
    sources: &[Sources],
    params: &ParameterDraws,
    draw: usize,
    s: &PsaSettings,
    base_size: u32,
) -> Result<Vec<Scenario>, String> {
    let mut overrides = params.overrides(draw);
    let seed = (derive(derive(s.seed, DRAW_SEED_SALT), draw as u64) >> 1) as i64;
    overrides.push(Override::new("scenario.seed", Value::Integer(seed), "PSA draw seed")?);
    overrides.push(Override::new(
        "scenario.replications",
        Value::Integer(i64::from(s.replications)),
        "--psa-replications",
    )?);
    let factor = f64::from(s.citizens) / f64::from(base_size.max(1));
    sources
        .iter()
        .map(|src| {
            let sc = Scenario::from_sources(src, &overrides).map_err(|e| {
                let values: Vec<String> = params
                    .paths
                    .iter()
                    .zip(&params.values[draw])
                    .map(|(p, x)| format!("{p} = {x}"))
                    .collect();
                format!("PSA draw {draw} ({}) is not a valid scenario:\n{e}", values.join(", "))
            })?;
            if (factor - 1.0).abs() < 1e-12 {
                return Ok(sc);
            }
            let mut raw = sc.resolved.clone();
            raw.scale(factor);
            raw.population.size = s.citizens;
            Scenario::from_raw(raw).map_err(|e| format!("PSA draw {draw}, scaled region:\n{e}"))
        })
        .collect()
}

/// Runs every draw: per draw, every arm with the same seed (common random numbers). The
/// result is the same for any number of threads.
pub fn run(
    arms: &[Scenario],
    params: &ParameterDraws,
    s: &PsaSettings,
) -> Result<Vec<DrawResult>, String> {
    let sources = arm_sources(arms)?;
    let base_size = arms.first().map_or(1, |a| a.population.size);
    // Fail early and clearly on a bad draw 0 rather than deep in a parallel run.
    draw_scenarios(&sources, params, 0, s, base_size)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(s.threads)
        .build()
        .map_err(|e| format!("cannot start {} threads: {e}", s.threads))?;
    let progress = crate::progress::Progress::new(params.values.len() as u64, "PSA draws");
    let result = pool.install(|| {
        (0..params.values.len())
            .into_par_iter()
            .with_max_len(1)
            .map(|d| {
                let scenarios = draw_scenarios(&sources, params, d, s, base_size)?;
                let arms = scenarios
                    .iter()
                    .map(|sc| {
                        (0..s.replications)
                            .map(|r| RepMetrics::of(&World::new(sc, r).run()))
                            .collect()
                    })
                    .collect();
                progress.tick();
                Ok(DrawResult { arms })
            })
            .collect::<Result<Vec<_>, String>>()
    });
    progress.finish();
    result
}

// ----- analysis -----

/// One indicator over the draws: a level of one scenario or a difference to the baseline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PsaRow {
    /// "level" or "difference" (alternative − baseline).
    pub kind: String,
    pub scenario: String,
    pub indicator: String,
    pub label: String,
    pub unit: String,
    pub mean: f64,
    /// 2.5% and 97.5% points of the draw means: the parameter-uncertainty interval.
    pub lo95: f64,
    pub hi95: f64,
    /// SD of the draw means (parameters and noise together).
    pub sd_between_draws: f64,
    /// SD of one draw's mean from Monte Carlo noise alone, `√(W/R)`.
    pub sd_monte_carlo: f64,
    /// SD from parameter uncertainty alone, `√max(0, V_between − W/R)`.
    pub sd_parameter: f64,
    /// Share of the between-draw variance that is Monte Carlo noise.
    pub share_monte_carlo: f64,
    /// Share of draws below zero (for a cost difference: the chance that payer gains).
    pub chance_below_zero: f64,
}

/// Variance decomposition of `values[draw][replication]`: the mean of the draw means, their
/// 2.5% and 97.5% points, and the SDs between draws, of Monte Carlo noise (`√(W/R)`) and of
/// the parameters (`√max(0, V_between − W/R)`).
fn decompose(values: &[Vec<f64>]) -> (f64, f64, f64, f64, f64, f64) {
    let means: Vec<f64> = values.iter().map(|v| mean(v)).collect();
    let r = values.first().map_or(1, Vec::len).max(1) as f64;
    let within = mean(&values.iter().map(|v| sample_variance(v)).collect::<Vec<_>>());
    let between = sample_variance(&means);
    let mc = within / r;
    let (lo, hi) = interval(&means);
    (mean(&means), lo, hi, between.sqrt(), mc.sqrt(), (between - mc).max(0.0).sqrt())
}

fn row(kind: &str, scenario: &str, k: usize, values: &[Vec<f64>]) -> PsaRow {
    let (m, lo, hi, between, mc, param) = decompose(values);
    let means: Vec<f64> = values.iter().map(|v| mean(v)).collect();
    let (name, label, unit) = INDICATORS[k];
    PsaRow {
        kind: kind.into(),
        scenario: scenario.into(),
        indicator: name.into(),
        label: label.into(),
        unit: unit.into(),
        mean: m,
        lo95: lo,
        hi95: hi,
        sd_between_draws: between,
        sd_monte_carlo: mc,
        sd_parameter: param,
        share_monte_carlo: if between > 0.0 {
            (mc * mc / (between * between)).min(1.0)
        } else {
            f64::NAN
        },
        chance_below_zero: means.iter().filter(|x| **x < 0.0).count() as f64
            / means.len().max(1) as f64,
    }
}

/// A payer's chance of gaining from one alternative.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PayerChance {
    pub alternative: String,
    pub payer: String,
    /// Mean saving per citizen (−Δ discounted cost) and its parameter-uncertainty interval.
    pub saving: f64,
    pub saving_lo: f64,
    pub saving_hi: f64,
    pub chance_of_gaining: f64,
}

/// One draw's point on the cost-effectiveness plane.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanePoint {
    pub alternative: String,
    pub draw: usize,
    pub incremental_effect: f64,
    pub incremental_cost: f64,
}

/// Mean net monetary benefit of an option at the stated willingness to pay.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetBenefit {
    pub option: String,
    pub nmb: f64,
    pub lo95: f64,
    pub hi95: f64,
    /// Incremental NMB against the baseline.
    pub incremental_nmb: f64,
    pub incremental_lo95: f64,
    pub incremental_hi95: f64,
}

/// The decision outputs for the chosen effect.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionOutputs {
    pub effect: Effect,
    pub effect_unit: String,
    pub wtp: f64,
    pub incremental: Vec<Incremental>,
    pub net_benefit: Vec<NetBenefit>,
    pub ceac: Vec<Acceptability>,
    pub evpi: Vec<Evpi>,
    pub evpi_at_wtp: f64,
    pub plane: Vec<PlanePoint>,
}

/// Benefit-cost rows of one alternative.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlternativeBenefitCost {
    pub alternative: String,
    pub rows: Vec<BenefitCost>,
}

/// Everything the PSA produced, as `psa.json` holds it and the report reads it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PsaReport {
    pub draws: usize,
    pub replications_per_draw: u32,
    pub citizens_per_draw: u32,
    pub seed: u64,
    pub parameters_from: String,
    pub parameters: Vec<String>,
    pub discount_rate: f64,
    pub baseline: String,
    pub scenarios: Vec<String>,
    pub summary: Vec<PsaRow>,
    pub chances: Vec<PayerChance>,
    pub benefit_cost: Vec<AlternativeBenefitCost>,
    pub decision: DecisionOutputs,
    /// Which parameters matter, read from the draws themselves (no extra runs): a linear
    /// metamodel per difference (see [`metamodel_tornado`]).
    #[serde(default)]
    pub tornado: Vec<crate::output::rows::TornadoBar>,
    /// R² of each metamodel: how much of the spread over draws the parameters explain
    /// linearly (the rest is non-linearity, interactions and Monte Carlo noise).
    #[serde(default)]
    pub tornado_r_squared: Vec<(String, f64)>,
}

/// Perspectives of the benefit-cost table, in order; `transfers` is kept apart.
pub const PERSPECTIVES: [&str; 7] = [
    "justice",
    "municipality",
    "health",
    "victims_society",
    "society",
    "transfers",
    "municipality_incl_transfers",
];

/// The yearly flows of every perspective in one draw (means over replications).
fn flows(base: &[RepMetrics], alt: &[RepMetrics]) -> Vec<Flows> {
    let years = base.first().map_or(0, |m| m.cost.len());
    let r = base.len().max(1) as f64;
    let avg = |f: &dyn Fn(&RepMetrics, usize) -> f64, y: usize| -> f64 {
        base.iter().zip(alt).map(|(b, a)| f(a, y) - f(b, y)).sum::<f64>() / r
    };
    let mut out = Vec::new();
    for (p, payer) in PAYERS.iter().enumerate() {
        let is_muni = *payer == crate::scenario::Payer::Municipality;
        let care: Vec<f64> = (0..years).map(|y| avg(&|m, y| m.care[y][p], y)).collect();
        let other: Vec<f64> = (0..years)
            .map(|y| {
                let t = if is_muni { avg(&|m, y| m.transfers[y], y) } else { 0.0 };
                avg(&|m, y| m.cost[y][p], y) - care[y] - t
            })
            .collect();
        out.push(Flows { care, other });
    }
    let mut society = Flows::default();
    for f in &out[..4] {
        society.add(f);
    }
    let transfers = Flows {
        care: vec![0.0; years],
        other: (0..years).map(|y| avg(&|m, y| m.transfers[y], y)).collect(),
    };
    let mut municipality_all = out[1].clone();
    municipality_all.add(&transfers);
    out.push(society);
    out.push(transfers);
    out.push(municipality_all);
    out
}

/// Analyses the draws: summary rows, payers' chances, benefit-cost, decision outputs.
pub fn analyse(
    arms: &[Scenario],
    params: &ParameterDraws,
    s: &PsaSettings,
    draws: &[DrawResult],
) -> PsaReport {
    let names: Vec<String> = arms.iter().map(|a| a.meta.name.clone()).collect();
    let rate = arms.first().map_or(0.0, |a| a.costs.discount_rate);
    // scalars[draw][arm][rep][indicator]
    let scalars: Vec<Vec<Vec<Vec<f64>>>> = draws
        .iter()
        .map(|d| d.arms.iter().map(|a| a.iter().map(|m| m.scalars(rate)).collect()).collect())
        .collect();
    let values = |arm: usize, k: usize, paired: bool| -> Vec<Vec<f64>> {
        scalars
            .iter()
            .map(|d| {
                d[arm]
                    .iter()
                    .zip(&d[0])
                    .map(|(a, b)| if paired { a[k] - b[k] } else { a[k] })
                    .collect()
            })
            .collect()
    };
    let mut summary = Vec::new();
    for (a, name) in names.iter().enumerate() {
        for k in 0..INDICATORS.len() {
            summary.push(row("level", name, k, &values(a, k, false)));
        }
    }
    for (a, name) in names.iter().enumerate().skip(1) {
        for k in 0..INDICATORS.len() {
            summary.push(row("difference", name, k, &values(a, k, true)));
        }
    }
    let mut chances = Vec::new();
    let mut benefit_cost = Vec::new();
    for (a, name) in names.iter().enumerate().skip(1) {
        for (k, payer) in [
            (4, "justice"),
            (5, "municipality"),
            (6, "health"),
            (7, "victims_society"),
            (SOCIETAL, "society"),
        ] {
            let savings: Vec<f64> = values(a, k, true).iter().map(|v| -mean(v)).collect();
            let (lo, hi) = interval(&savings);
            chances.push(PayerChance {
                alternative: name.clone(),
                payer: payer.into(),
                saving: mean(&savings),
                saving_lo: lo,
                saving_hi: hi,
                chance_of_gaining: savings.iter().filter(|x| **x > 0.0).count() as f64
                    / savings.len().max(1) as f64,
            });
        }
        let per_draw: Vec<Vec<Flows>> =
            draws.iter().map(|d| flows(&d.arms[0], &d.arms[a])).collect();
        let mut rows = Vec::new();
        for (p, perspective) in PERSPECTIVES.iter().enumerate() {
            let f: Vec<Flows> = per_draw.iter().map(|v| v[p].clone()).collect();
            rows.push(summarise(perspective, &f, rate, true));
            rows.push(summarise(perspective, &f, 0.0, false));
        }
        benefit_cost.push(AlternativeBenefitCost { alternative: name.clone(), rows });
    }
    let decision = decision_outputs(&names, &scalars, s);
    let mut tornado = Vec::new();
    let mut tornado_r_squared = Vec::new();
    if let Some(alt) = names.get(1) {
        for k in [0, SOCIETAL, 4, 5, 6, 7] {
            let y: Vec<f64> = values(1, k, true).iter().map(|v| mean(v)).collect();
            let name = format!("{} difference ({alt} − {})", INDICATORS[k].0, names[0]);
            if let Some((bars, r2)) = metamodel_tornado(&name, &params.paths, &params.values, &y) {
                tornado.extend(bars);
                tornado_r_squared.push((name, r2));
            }
        }
    }
    PsaReport {
        tornado,
        tornado_r_squared,
        draws: draws.len(),
        replications_per_draw: s.replications,
        citizens_per_draw: s.citizens,
        seed: s.seed,
        parameters_from: params.origin.clone(),
        parameters: params.paths.clone(),
        discount_rate: rate,
        baseline: names.first().cloned().unwrap_or_default(),
        scenarios: names,
        summary,
        chances,
        benefit_cost,
        decision,
    }
}

/// Grid of willingness-to-pay values for the CEAC and EVPI: 0 to three times the stated value.
pub const WTP_POINTS: usize = 61;

fn decision_outputs(
    names: &[String],
    scalars: &[Vec<Vec<Vec<f64>>>],
    s: &PsaSettings,
) -> DecisionOutputs {
    let e = s.effect.index();
    // Per draw and arm: mean societal cost, and the effect as "avoided vs baseline".
    let arm_mean = |d: &Vec<Vec<Vec<f64>>>, a: usize, k: usize| {
        mean(&d[a].iter().map(|r| r[k]).collect::<Vec<_>>())
    };
    let cost: Vec<Vec<f64>> = scalars
        .iter()
        .map(|d| (0..names.len()).map(|a| arm_mean(d, a, SOCIETAL)).collect())
        .collect();
    let effect: Vec<Vec<f64>> = scalars
        .iter()
        .map(|d| {
            let base = arm_mean(d, 0, e);
            (0..names.len()).map(|a| base - arm_mean(d, a, e)).collect()
        })
        .collect();
    let draws = Draws::new(names.to_vec(), cost.clone(), effect.clone());
    let means: Vec<Choice> = draws.means();
    let grid = decision::wtp_grid(3.0 * s.wtp, WTP_POINTS);
    let nmb = |a: usize| -> Vec<f64> {
        (0..draws.len())
            .map(|d| decision::net_monetary_benefit(s.wtp, cost[d][a], effect[d][a]))
            .collect()
    };
    let base_nmb = nmb(0);
    let net_benefit = (0..names.len())
        .map(|a| {
            let v = nmb(a);
            let inc: Vec<f64> = v.iter().zip(&base_nmb).map(|(x, b)| x - b).collect();
            let (lo, hi) = interval(&v);
            let (ilo, ihi) = interval(&inc);
            NetBenefit {
                option: names[a].clone(),
                nmb: mean(&v),
                lo95: lo,
                hi95: hi,
                incremental_nmb: mean(&inc),
                incremental_lo95: ilo,
                incremental_hi95: ihi,
            }
        })
        .collect();
    let plane = (1..names.len())
        .flat_map(|a| {
            let (cost, effect) = (&cost, &effect);
            (0..draws.len()).map(move |d| PlanePoint {
                alternative: names[a].clone(),
                draw: d,
                incremental_effect: effect[d][a] - effect[d][0],
                incremental_cost: cost[d][a] - cost[d][0],
            })
        })
        .collect();
    let evpi_at = decision::evpi(&draws, &[s.wtp]);
    DecisionOutputs {
        effect: s.effect,
        effect_unit: s.effect.unit_words().into(),
        wtp: s.wtp,
        incremental: decision::incremental(&means),
        net_benefit,
        ceac: decision::acceptability(&draws, &grid),
        evpi: decision::evpi(&draws, &grid),
        evpi_at_wtp: evpi_at.first().map_or(f64::NAN, |v| v.evpi),
        plane,
    }
}

/// A one-way tornado from the PSA draws without extra runs (the regression metamodel of
/// Jalal et al. 2013, Medical Decision Making 33:880, as dampack's `owsa` on a PSA): fit
/// `y = b0 + Σ b_j x_j` by least squares over the draws, then move each parameter from its
/// 2.5% to its 97.5% point over the draws with the others at their mean. Also returns R².
/// `None` when there are too few draws for the parameters (draws ≤ parameters + 1).
pub fn metamodel_tornado(
    outcome: &str,
    paths: &[String],
    x: &[Vec<f64>],
    y: &[f64],
) -> Option<(Vec<crate::output::rows::TornadoBar>, f64)> {
    let (n, k) = (x.len(), paths.len());
    if n <= k + 1 || y.len() != n {
        return None;
    }
    // Centre and scale the columns so the normal equations are well conditioned.
    let column = |j: usize| -> Vec<f64> { x.iter().map(|r| r[j]).collect() };
    let centre: Vec<f64> = (0..k).map(|j| mean(&column(j))).collect();
    let scale: Vec<f64> = (0..k)
        .map(|j| sample_variance(&column(j)).sqrt())
        .map(|s| if s > 0.0 { s } else { 1.0 })
        .collect();
    let z = |r: &[f64], j: usize| (r[j] - centre[j]) / scale[j];
    let ybar = mean(y);
    let mut a = vec![vec![0.0; k + 1]; k];
    for (r, yi) in x.iter().zip(y) {
        let zr: Vec<f64> = (0..k).map(|j| z(r, j)).collect();
        for (row, zi) in a.iter_mut().zip(&zr) {
            for (cell, zj) in row.iter_mut().zip(&zr) {
                *cell += zi * zj;
            }
            row[k] += zi * (yi - ybar);
        }
    }
    let b = solve(a)?;
    let fitted: Vec<f64> =
        x.iter().map(|r| ybar + (0..k).map(|j| b[j] * z(r, j)).sum::<f64>()).collect();
    let ss_res: f64 = fitted.iter().zip(y).map(|(f, yi)| (yi - f) * (yi - f)).sum();
    let ss_tot: f64 = y.iter().map(|yi| (yi - ybar) * (yi - ybar)).sum();
    let r2 = if ss_tot > 0.0 { 1.0 - ss_res / ss_tot } else { f64::NAN };
    let mut bars: Vec<crate::output::rows::TornadoBar> = (0..k)
        .map(|j| {
            let (lo, hi) = interval(&column(j));
            let at = |v: f64| ybar + b[j] * (v - centre[j]) / scale[j];
            crate::output::rows::TornadoBar {
                outcome: outcome.into(),
                parameter: paths[j].clone(),
                rank: 0,
                low_value: lo,
                high_value: hi,
                outcome_at_median: ybar,
                outcome_at_low: at(lo),
                outcome_at_high: at(hi),
                swing: (at(hi) - at(lo)).abs(),
            }
        })
        .collect();
    bars.sort_by(|p, q| q.swing.total_cmp(&p.swing).then(p.parameter.cmp(&q.parameter)));
    for (r, bar) in bars.iter_mut().enumerate() {
        bar.rank = r + 1;
    }
    Some((bars, r2))
}

/// Solves the augmented system `a` (k rows, k + 1 columns) by Gaussian elimination with
/// partial pivoting; `None` if it is singular.
fn solve(mut a: Vec<Vec<f64>>) -> Option<Vec<f64>> {
    let k = a.len();
    for c in 0..k {
        let pivot = (c..k).max_by(|i, j| a[*i][c].abs().total_cmp(&a[*j][c].abs()))?;
        if a[pivot][c].abs() < 1e-12 {
            return None;
        }
        a.swap(c, pivot);
        let (upper, lower) = a.split_at_mut(c + 1);
        let pivot_row = &upper[c];
        for row in lower.iter_mut() {
            let f = row[c] / pivot_row[c];
            for (cell, p) in row.iter_mut().zip(pivot_row).skip(c) {
                *cell -= f * p;
            }
        }
    }
    let mut b = vec![0.0; k];
    for r in (0..k).rev() {
        let rest: f64 = (r + 1..k).map(|j| a[r][j] * b[j]).sum();
        b[r] = (a[r][k] - rest) / a[r][r];
    }
    Some(b)
}

// ----- files -----

fn csv_err(e: csv::Error) -> io::Error {
    io::Error::other(e)
}

fn opt(x: Option<f64>) -> String {
    x.map_or("NA".into(), num)
}

/// Writes `psa.json` and the tidy CSVs of the PSA into `dir`.
pub fn write_psa(
    dir: &OutputDir,
    report: &PsaReport,
    params: &ParameterDraws,
    draws: &[DrawResult],
) -> Result<(), String> {
    dir.write_file("psa.json", |w| {
        serde_json::to_writer_pretty(&mut *w, report).map_err(io::Error::other)?;
        writeln!(w)
    })?;
    dir.write_file("psa_parameters.csv", |w| {
        let mut c = csv::Writer::from_writer(w);
        c.write_record(["draw", "parameter", "value"]).map_err(csv_err)?;
        for (d, values) in params.values.iter().enumerate() {
            for (p, x) in params.paths.iter().zip(values) {
                c.write_record([&d.to_string(), p, &num(*x)]).map_err(csv_err)?;
            }
        }
        c.flush()
    })?;
    let rate = report.discount_rate;
    dir.write_file("psa_draws.csv", |w| {
        let mut c = csv::Writer::from_writer(w);
        c.write_record([
            "draw",
            "scenario",
            "indicator",
            "unit",
            "mean",
            "sd_within_draw",
            "replications",
        ])
        .map_err(csv_err)?;
        for (d, draw) in draws.iter().enumerate() {
            for (a, reps) in draw.arms.iter().enumerate() {
                let s: Vec<Vec<f64>> = reps.iter().map(|m| m.scalars(rate)).collect();
                for (k, (name, _, unit)) in INDICATORS.iter().enumerate() {
                    let xs: Vec<f64> = s.iter().map(|r| r[k]).collect();
                    c.write_record([
                        &d.to_string(),
                        &report.scenarios[a],
                        *name,
                        *unit,
                        &num(mean(&xs)),
                        &num(sample_variance(&xs).sqrt()),
                        &xs.len().to_string(),
                    ])
                    .map_err(csv_err)?;
                }
            }
        }
        c.flush()
    })?;
    dir.write_file("psa_summary.csv", |w| {
        let mut c = csv::Writer::from_writer(w);
        c.write_record([
            "kind",
            "scenario",
            "indicator",
            "unit",
            "mean",
            "lo95",
            "hi95",
            "sd_between_draws",
            "sd_monte_carlo",
            "sd_parameter",
            "share_monte_carlo",
            "chance_below_zero",
        ])
        .map_err(csv_err)?;
        for r in &report.summary {
            c.write_record([
                r.kind.as_str(),
                &r.scenario,
                &r.indicator,
                &r.unit,
                &num(r.mean),
                &num(r.lo95),
                &num(r.hi95),
                &num(r.sd_between_draws),
                &num(r.sd_monte_carlo),
                &num(r.sd_parameter),
                &num(r.share_monte_carlo),
                &num(r.chance_below_zero),
            ])
            .map_err(csv_err)?;
        }
        c.flush()
    })?;
    write_benefit_cost(dir, report)?;
    write_decision(dir, report)?;
    dir.write_file("psa_tornado.csv", |w| {
        let mut c = csv::Writer::from_writer(w);
        c.write_record([
            "outcome",
            "parameter",
            "rank",
            "low_value",
            "high_value",
            "outcome_at_mean",
            "outcome_at_low",
            "outcome_at_high",
            "swing",
            "r_squared",
        ])
        .map_err(csv_err)?;
        for b in &report.tornado {
            let r2 = report
                .tornado_r_squared
                .iter()
                .find(|(o, _)| *o == b.outcome)
                .map_or(f64::NAN, |(_, r)| *r);
            c.write_record([
                b.outcome.as_str(),
                &b.parameter,
                &b.rank.to_string(),
                &num(b.low_value),
                &num(b.high_value),
                &num(b.outcome_at_median),
                &num(b.outcome_at_low),
                &num(b.outcome_at_high),
                &num(b.swing),
                &num(r2),
            ])
            .map_err(csv_err)?;
        }
        c.flush()
    })
}

fn write_benefit_cost(dir: &OutputDir, report: &PsaReport) -> Result<(), String> {
    dir.write_file("benefit_cost.csv", |w| {
        let mut c = csv::Writer::from_writer(w);
        c.write_record([
            "alternative",
            "perspective",
            "discounting",
            "rate",
            "costs",
            "benefits",
            "net",
            "net_lo95",
            "net_hi95",
            "benefit_cost_ratio",
            "chance_benefits_exceed_costs",
            "break_even_year",
        ])
        .map_err(csv_err)?;
        for a in &report.benefit_cost {
            for r in &a.rows {
                c.write_record([
                    a.alternative.as_str(),
                    &r.perspective,
                    &r.discounting,
                    &num(r.rate),
                    &num(r.costs),
                    &num(r.benefits),
                    &num(r.net),
                    &num(r.net_lo),
                    &num(r.net_hi),
                    &opt(r.ratio),
                    &num(r.chance_benefits_exceed_costs),
                    &r.break_even_year.map_or("NA".into(), |y| y.to_string()),
                ])
                .map_err(csv_err)?;
            }
        }
        c.flush()
    })?;
    dir.write_file("cash_flow.csv", |w| {
        let mut c = csv::Writer::from_writer(w);
        c.write_record([
            "alternative",
            "perspective",
            "discounting",
            "year",
            "cumulative_net",
            "lo95",
            "hi95",
        ])
        .map_err(csv_err)?;
        for a in &report.benefit_cost {
            for r in &a.rows {
                for y in 0..r.cumulative.len() {
                    c.write_record([
                        a.alternative.as_str(),
                        &r.perspective,
                        &r.discounting,
                        &(y + 1).to_string(),
                        &num(r.cumulative[y]),
                        &num(r.cumulative_lo[y]),
                        &num(r.cumulative_hi[y]),
                    ])
                    .map_err(csv_err)?;
                }
            }
        }
        c.flush()
    })
}

fn write_decision(dir: &OutputDir, report: &PsaReport) -> Result<(), String> {
    let d = &report.decision;
    let effect = d.effect.name();
    dir.write_file("incremental.csv", |w| {
        let mut c = csv::Writer::from_writer(w);
        c.write_record([
            "effect",
            "option",
            "cost",
            "effect_value",
            "status",
            "compared_with",
            "incremental_cost",
            "incremental_effect",
            "icer",
        ])
        .map_err(csv_err)?;
        for r in &d.incremental {
            c.write_record([
                effect,
                &r.name,
                &num(r.cost),
                &num(r.effect),
                r.status.words(),
                r.compared_with.as_deref().unwrap_or("NA"),
                &opt(r.incremental_cost),
                &opt(r.incremental_effect),
                &opt(r.icer),
            ])
            .map_err(csv_err)?;
        }
        c.flush()
    })?;
    dir.write_file("net_benefit.csv", |w| {
        let mut c = csv::Writer::from_writer(w);
        c.write_record([
            "effect",
            "wtp",
            "option",
            "nmb",
            "lo95",
            "hi95",
            "incremental_nmb",
            "incremental_lo95",
            "incremental_hi95",
        ])
        .map_err(csv_err)?;
        for r in &d.net_benefit {
            c.write_record([
                effect,
                &num(d.wtp),
                &r.option,
                &num(r.nmb),
                &num(r.lo95),
                &num(r.hi95),
                &num(r.incremental_nmb),
                &num(r.incremental_lo95),
                &num(r.incremental_hi95),
            ])
            .map_err(csv_err)?;
        }
        c.flush()
    })?;
    dir.write_file("ceac.csv", |w| {
        let mut c = csv::Writer::from_writer(w);
        c.write_record([
            "effect",
            "wtp",
            "option",
            "probability_optimal",
            "expected_nmb",
            "on_frontier",
        ])
        .map_err(csv_err)?;
        for r in &d.ceac {
            c.write_record([
                effect,
                &num(r.wtp),
                &r.option,
                &num(r.probability_optimal),
                &num(r.expected_nmb),
                if r.on_frontier { "true" } else { "false" },
            ])
            .map_err(csv_err)?;
        }
        c.flush()
    })?;
    dir.write_file("evpi.csv", |w| {
        let mut c = csv::Writer::from_writer(w);
        c.write_record(["effect", "wtp", "evpi_per_citizen", "optimal"]).map_err(csv_err)?;
        for r in &d.evpi {
            c.write_record([effect, &num(r.wtp), &num(r.evpi), &r.optimal]).map_err(csv_err)?;
        }
        c.flush()
    })?;
    dir.write_file("ce_plane.csv", |w| {
        let mut c = csv::Writer::from_writer(w);
        c.write_record(["effect", "alternative", "draw", "incremental_effect", "incremental_cost"])
            .map_err(csv_err)?;
        for p in &d.plane {
            c.write_record([
                effect,
                &p.alternative,
                &p.draw.to_string(),
                &num(p.incremental_effect),
                &num(p.incremental_cost),
            ])
            .map_err(csv_err)?;
        }
        c.flush()
    })
}

// ----- terminal -----

fn euros(x: f64) -> String {
    let s = crate::output::format::thousands(x.abs());
    if x < 0.0 { format!("-€{s}") } else { format!("€{s}") }
}

fn words(payer: &str) -> &str {
    match payer {
        "victims_society" => "victims & society",
        "society" => "society (no transfers)",
        "transfers" => "benefit payments (transfer)",
        "municipality_incl_transfers" => "municipality incl. benefits",
        "municipality" => "municipality (services)",
        other => other,
    }
}

/// The PSA part of what `reentry compare --psa N` prints.
pub fn terminal(report: &PsaReport) -> String {
    let mut out = format!(
        "\nprobabilistic sensitivity analysis: {} draws of {} parameters ({}), {} replications \
         of {} citizens per draw\nintervals: 2.5-97.5% of the draws (parameter uncertainty and \
         Monte Carlo noise; the noise's share is in psa_summary.csv)\n",
        report.draws,
        report.parameters.len(),
        report.parameters_from,
        report.replications_per_draw,
        report.citizens_per_draw
    );
    for alt in report.scenarios.iter().skip(1) {
        out.push_str(&format!(
            "\n{alt} vs {}: each payer's saving per citizen (−Δ discounted cost; below 0 = pays \
             more), 95% of draws, and chance of gaining\n",
            report.baseline
        ));
        for c in report.chances.iter().filter(|c| &c.alternative == alt) {
            let who =
                if c.payer == "municipality" { "municipality_incl_transfers" } else { &c.payer };
            out.push_str(&format!(
                "  {:<30} {:>10} [{}, {}]   chance of gaining {:>5.1}%\n",
                words(who),
                euros(c.saving),
                euros(c.saving_lo),
                euros(c.saving_hi),
                100.0 * c.chance_of_gaining
            ));
        }
        for r in report.summary.iter().filter(|r| r.kind == "difference" && &r.scenario == alt) {
            if r.indicator == "reconviction_2y" {
                out.push_str(&format!(
                    "  reconviction within 2 years: {:+.1} pp [{:+.1}, {:+.1}]; Monte Carlo noise is {:.0}% of the spread\n",
                    100.0 * r.mean,
                    100.0 * r.lo95,
                    100.0 * r.hi95,
                    100.0 * r.share_monte_carlo
                ));
            }
        }
        if let Some(bc) = report.benefit_cost.iter().find(|b| &b.alternative == alt) {
            out.push_str(&format!(
                "\n  benefit-cost per participant (discounted at {:.2}%):\n  {:<30} {:>10} {:>10} {:>10} {:>6} {:>8} {:>10}\n",
                100.0 * report.discount_rate,
                "perspective",
                "costs",
                "benefits",
                "net",
                "ratio",
                "P(B>C)",
                "break-even"
            ));
            for r in bc.rows.iter().filter(|r| r.discounting == "discounted") {
                out.push_str(&format!(
                    "  {:<30} {:>10} {:>10} {:>10} {:>6} {:>7.1}% {:>10}\n",
                    words(&r.perspective),
                    euros(r.costs),
                    euros(r.benefits),
                    euros(r.net),
                    r.ratio.map_or("n/a".into(), |x| format!("{x:.2}")),
                    100.0 * r.chance_benefits_exceed_costs,
                    r.break_even_year.map_or("not yet".into(), |y| format!("year {y}"))
                ));
            }
        }
    }
    let d = &report.decision;
    out.push_str(&format!(
        "\ndecision (effect: {} per citizen; cost: societal, discounted, without transfers)\n",
        d.effect_unit
    ));
    for r in &d.incremental {
        out.push_str(&format!(
            "  {:<24} cost {:>10}  effect {:>8.3}  {:<22} ICER {}\n",
            r.name,
            euros(r.cost),
            r.effect,
            r.status.words(),
            r.icer.map_or("—".into(), |x| {
                if x < 0.0 { "dominant (saves and gains)".into() } else { euros(x) }
            })
        ));
    }
    for n in d.net_benefit.iter().skip(1) {
        out.push_str(&format!(
            "  incremental net monetary benefit of {} at {} per {}: {} [{}, {}]\n",
            n.option,
            euros(d.wtp),
            d.effect.name().trim_end_matches('s').replace('_', " "),
            euros(n.incremental_nmb),
            euros(n.incremental_lo95),
            euros(n.incremental_hi95)
        ));
    }
    let at = d.ceac.iter().filter(|c| (c.wtp - d.wtp).abs() < 1e-9 * d.wtp.max(1.0));
    for c in at {
        out.push_str(&format!(
            "  chance {} is the best option at {}: {:.1}%\n",
            c.option,
            euros(d.wtp),
            100.0 * c.probability_optimal
        ));
    }
    out.push_str(&format!(
        "  expected value of perfect information at {}: {} per citizen\n",
        euros(d.wtp),
        euros(d.evpi_at_wtp)
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_variance_decomposition_recovers_a_known_split() {
        // Draw means 0, 2, 4, ... (between variance large); within each draw ±1 (variance 2
        // with two replications: values m−1, m+1 → sample variance 2, W/R = 1).
        let values: Vec<Vec<f64>> =
            (0..50).map(|d| vec![2.0 * d as f64 - 1.0, 2.0 * d as f64 + 1.0]).collect();
        let (m, _, _, between, mc, param) = decompose(&values);
        assert!((m - 49.0).abs() < 1e-9);
        assert!((mc - 1.0).abs() < 1e-9);
        let v_between = between * between;
        assert!((param * param - (v_between - 1.0)).abs() < 1e-6);
    }

    /// A known answer for the metamodel: y = 3·x1 exactly, x0 and x2 pure noise, so x1 ranks
    /// first with the swing 3 × (its 95% range), the others near zero, and R² = 1.
    #[test]
    fn the_metamodel_tornado_recovers_a_linear_outcome() {
        let paths: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
        let x: Vec<Vec<f64>> = (0..200)
            .map(|i| {
                let u = |s: u64| (derive(s, i) >> 11) as f64 / (1u64 << 53) as f64;
                vec![u(1), u(2), u(3)]
            })
            .collect();
        let y: Vec<f64> = x.iter().map(|r| 3.0 * r[1]).collect();
        let (bars, r2) = metamodel_tornado("y", &paths, &x, &y).unwrap();
        assert_eq!(bars[0].parameter, "b");
        let (lo, hi) = interval(&x.iter().map(|r| r[1]).collect::<Vec<_>>());
        assert!((bars[0].swing - 3.0 * (hi - lo)).abs() < 1e-9);
        assert!(bars[1..].iter().all(|b| b.swing < 1e-9));
        assert!((r2 - 1.0).abs() < 1e-12);
        assert!(metamodel_tornado("y", &paths, &x[..3], &y[..3]).is_none());
    }

    #[test]
    fn posterior_resampling_follows_the_weights() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("posterior.csv");
        std::fs::write(&path, "particle,weight,a.b\n0,0.75,1.0\n1,0.25,2.0\n2,0,3.0\n").unwrap();
        let none = Priors { file: path.clone(), priors: Vec::new() };
        let d = ParameterDraws::from_posterior(&path, &none, 1, 400).unwrap();
        let ones = d.values.iter().filter(|v| v[0] == 1.0).count();
        assert_eq!(ones, 300, "systematic resampling keeps the weights exactly");
        assert!(d.values.iter().all(|v| v[0] != 3.0));
        std::fs::write(&path, "particle,weight,a.b\n0,x,1.0\n").unwrap();
        let e = ParameterDraws::from_posterior(&path, &none, 1, 4).unwrap_err();
        assert!(e.contains("line 2, column 2 (weight)"), "{e}");
    }
}
