//! Priors of uncertain parameters: which scenario values are not known exactly, and what is
//! believed about them before the model meets data. One TOML file of `[[prior]]` tables feeds
//! both `reentry calibrate` (the prior of the posterior it fits) and probabilistic
//! sensitivity analysis (values drawn per run).
//!
//! ```toml
//! [[prior]]
//! path = "hazards.hr_homeless"          # a dotted scenario path, as `--set` takes
//! distribution = "lognormal"            # uniform | normal | lognormal | beta | gamma
//! median = 1.4
//! sigma = 0.2
//! source = "Wensveen (2020) for the direction; size: assumption"
//! ```
//!
//! Draws are inverse-CDF transforms of counter-based uniforms keyed by (seed, draw index,
//! parameter), so a draw never depends on threads or on which other draws were made.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Value;

use crate::rng::derive;
use crate::scenario::source::keys;
use crate::scenario::{Override, RawScenario, Scenario, Sources};

/// The parameters of one prior distribution. Beta is scaled onto `[low, high]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Distribution {
    Uniform { low: f64, high: f64 },
    Normal { mean: f64, sd: f64 },
    LogNormal { median: f64, sigma: f64 },
    Beta { alpha: f64, beta: f64, low: f64, high: f64 },
    Gamma { shape: f64, scale: f64 },
}

/// One uncertain parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Prior {
    /// Dotted scenario path, normalised as `--set` normalises it.
    pub path: String,
    pub distribution: Distribution,
    /// A citation (publication, year) or `assumption`.
    pub source: String,
    /// The scenario key holds a whole number (a capacity, a number of days): draws are rounded.
    pub whole_number: bool,
}

/// The priors of one file, in file order (the column order of `posterior.csv`).
#[derive(Debug, Clone, PartialEq)]
pub struct Priors {
    pub file: PathBuf,
    pub priors: Vec<Prior>,
}

/// The probability of the lower and upper check points of [`Priors::check_against`].
pub const CHECK_TAILS: [f64; 2] = [0.001, 0.999];

/// Stream tag of prior draws, so they share no numbers with the engine's streams.
const DRAW_STREAM: u64 = 0x5052_494f_5253; // "PRIORS"

impl Distribution {
    /// The names accepted in `distribution = "..."`.
    pub const NAMES: [&'static str; 5] = ["uniform", "normal", "lognormal", "beta", "gamma"];

    pub fn name(&self) -> &'static str {
        match self {
            Distribution::Uniform { .. } => "uniform",
            Distribution::Normal { .. } => "normal",
            Distribution::LogNormal { .. } => "lognormal",
            Distribution::Beta { .. } => "beta",
            Distribution::Gamma { .. } => "gamma",
        }
    }

    /// The value below which a share `p` of the distribution lies (`p` in (0, 1)).
    pub fn quantile(&self, p: f64) -> f64 {
        let p = p.clamp(f64::MIN_POSITIVE, 1.0 - f64::EPSILON / 2.0);
        match *self {
            Distribution::Uniform { low, high } => low + p * (high - low),
            Distribution::Normal { mean, sd } => mean + sd * special::normal_quantile(p),
            Distribution::LogNormal { median, sigma } => {
                median * (sigma * special::normal_quantile(p)).exp()
            }
            Distribution::Beta { alpha, beta, low, high } => {
                let x = special::invert(p, 0.0, 1.0, |x| special::beta_cdf(x, alpha, beta));
                low + x * (high - low)
            }
            Distribution::Gamma { shape, scale } => {
                let upper = special::gamma_upper_bracket(p, shape);
                scale * special::invert(p, 0.0, upper, |x| special::gamma_cdf(x, shape))
            }
        }
    }

    /// The share of the distribution below `x`.
    pub fn cdf(&self, x: f64) -> f64 {
        match *self {
            Distribution::Uniform { low, high } => ((x - low) / (high - low)).clamp(0.0, 1.0),
            Distribution::Normal { mean, sd } => special::normal_cdf((x - mean) / sd),
            Distribution::LogNormal { median, sigma } => {
                if x <= 0.0 {
                    0.0
                } else {
                    special::normal_cdf((x / median).ln() / sigma)
                }
            }
            Distribution::Beta { alpha, beta, low, high } => {
                special::beta_cdf(((x - low) / (high - low)).clamp(0.0, 1.0), alpha, beta)
            }
            Distribution::Gamma { shape, scale } => special::gamma_cdf(x / scale, shape),
        }
    }

    /// The log density at `x`; `-inf` outside the support.
    pub fn ln_pdf(&self, x: f64) -> f64 {
        const LN_SQRT_2PI: f64 = 0.918_938_533_204_672_8;
        match *self {
            Distribution::Uniform { low, high } => {
                if (low..=high).contains(&x) {
                    -(high - low).ln()
                } else {
                    f64::NEG_INFINITY
                }
            }
            Distribution::Normal { mean, sd } => {
                let z = (x - mean) / sd;
                -0.5 * z * z - sd.ln() - LN_SQRT_2PI
            }
            Distribution::LogNormal { median, sigma } => {
                if x <= 0.0 {
                    return f64::NEG_INFINITY;
                }
                let z = (x / median).ln() / sigma;
                -0.5 * z * z - sigma.ln() - x.ln() - LN_SQRT_2PI
            }
            Distribution::Beta { alpha, beta, low, high } => {
                let width = high - low;
                let u = (x - low) / width;
                if !(0.0..=1.0).contains(&u) {
                    return f64::NEG_INFINITY;
                }
                (alpha - 1.0) * u.ln() + (beta - 1.0) * (1.0 - u).ln()
                    - special::ln_beta(alpha, beta)
                    - width.ln()
            }
            Distribution::Gamma { shape, scale } => {
                if x < 0.0 || (x == 0.0 && shape != 1.0) {
                    return if x == 0.0 && shape < 1.0 { f64::INFINITY } else { f64::NEG_INFINITY };
                }
                (shape - 1.0) * x.ln() - x / scale - special::ln_gamma(shape) - shape * scale.ln()
            }
        }
    }

    pub fn mean(&self) -> f64 {
        match *self {
            Distribution::Uniform { low, high } => 0.5 * (low + high),
            Distribution::Normal { mean, .. } => mean,
            Distribution::LogNormal { median, sigma } => median * (0.5 * sigma * sigma).exp(),
            Distribution::Beta { alpha, beta, low, high } => {
                low + (high - low) * alpha / (alpha + beta)
            }
            Distribution::Gamma { shape, scale } => shape * scale,
        }
    }

    /// The parameters as `key = value` pairs, for reports.
    pub fn describe(&self) -> String {
        match *self {
            Distribution::Uniform { low, high } => format!("uniform({low}, {high})"),
            Distribution::Normal { mean, sd } => format!("normal(mean {mean}, sd {sd})"),
            Distribution::LogNormal { median, sigma } => {
                format!("lognormal(median {median}, sigma {sigma})")
            }
            Distribution::Beta { alpha, beta, low, high } => {
                format!("beta({alpha}, {beta}) on [{low}, {high}]")
            }
            Distribution::Gamma { shape, scale } => format!("gamma(shape {shape}, scale {scale})"),
        }
    }
}

impl Prior {
    /// `x` as the scenario takes it: rounded for a whole-number key.
    pub fn as_scenario_value(&self, x: f64) -> f64 {
        if self.whole_number { x.round() } else { x }
    }

    fn toml_value(&self, x: f64) -> Value {
        if self.whole_number { Value::Integer(x.round() as i64) } else { Value::Float(x) }
    }
}

impl Priors {
    /// Reads and checks a priors file. Every problem names the file, line, column and key.
    pub fn load(path: &Path) -> Result<Priors, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("error: cannot read priors file `{}`: {e}", path.display()))?;
        Priors::parse(path, &text)
    }

    /// Like [`Priors::load`] for text already in memory; `path` is shown in messages.
    pub fn parse(path: &Path, text: &str) -> Result<Priors, String> {
        let sources = Sources::from_text(path, text).map_err(|e| e.to_string())?;
        sources.check_each_file::<RawFile>().map_err(|e| e.to_string())?;
        let raw: RawFile = sources.deserialize_merged().map_err(|e| e.to_string())?;
        let mut problems = Vec::new();
        let mut priors = Vec::new();
        for (i, r) in raw.prior.iter().enumerate() {
            match r.check(i, &sources) {
                Ok(prior) => {
                    if let Some(j) = priors.iter().position(|p: &Prior| p.path == prior.path) {
                        problems.push(sources.error_at(
                            &format!("prior[{i}].path"),
                            format!(
                                "`{}` has a prior already (prior number {})",
                                prior.path,
                                j + 1
                            ),
                            Some("give each parameter one prior".into()),
                        ));
                    }
                    priors.push(prior);
                }
                Err(mut found) => problems.append(&mut found),
            }
        }
        if raw.prior.is_empty() {
            problems.push(crate::scenario::Diagnostic::in_file(
                path,
                "no [[prior]] tables: a priors file lists at least one uncertain parameter",
            ));
        }
        if !problems.is_empty() {
            return Err(crate::scenario::ScenarioError::from_diagnostics(problems).to_string());
        }
        Ok(Priors { file: path.to_path_buf(), priors })
    }

    pub fn len(&self) -> usize {
        self.priors.len()
    }

    pub fn is_empty(&self) -> bool {
        self.priors.is_empty()
    }

    /// The dotted paths, in file order.
    pub fn paths(&self) -> Vec<String> {
        self.priors.iter().map(|p| p.path.clone()).collect()
    }

    /// Checks the priors against a scenario: every path names a numeric key of the scenario
    /// (written or defaulted), a whole-number key has `whole_number = true`, and the
    /// scenario still validates with each parameter at its prior's 0.1% and 99.9% quantiles.
    pub fn check_against(&self, scenario: &Path) -> Result<(), String> {
        let sources = Sources::read(scenario).map_err(|e| e.to_string())?;
        sources.check_each_file::<RawScenario>().map_err(|e| e.to_string())?;
        let base = Scenario::from_sources(&sources, &[]).map_err(|e| e.to_string())?;
        let resolved = toml::Table::try_from(&base.resolved)
            .map_err(|e| format!("cannot read back the scenario's values: {e}"))?;
        let mut problems = Vec::new();
        for prior in &self.priors {
            if let Err(why) = self.check_one(prior, &resolved, &sources, scenario) {
                problems.push(why);
            }
        }
        if problems.is_empty() { Ok(()) } else { Err(problems.join("\n")) }
    }

    fn check_one(
        &self,
        prior: &Prior,
        resolved: &toml::Table,
        sources: &Sources,
        scenario: &Path,
    ) -> Result<(), String> {
        let here = format!("priors file {}, prior `{}`", self.file.display(), prior.path);
        let current = lookup(resolved, &prior.path).ok_or_else(|| {
            format!("error: {here}: scenario {} has no key `{}`", scenario.display(), prior.path)
        })?;
        match current {
            Value::Integer(_) if !prior.whole_number => {
                return Err(format!(
                    "error: {here}: the scenario key holds a whole number; add `whole_number = true` to the prior"
                ));
            }
            Value::Float(_) if prior.whole_number => {
                return Err(format!(
                    "error: {here}: the scenario key holds a decimal number; remove `whole_number = true`"
                ));
            }
            Value::Integer(_) | Value::Float(_) => {}
            other => {
                return Err(format!(
                    "error: {here}: the scenario key holds a {}, and only numbers can have a prior",
                    other.type_str()
                ));
            }
        }
        for p in CHECK_TAILS {
            let x = prior.distribution.quantile(p);
            let origin = format!("{here} at its {}% quantile", p * 100.0);
            let o = Override { path: prior.path.clone(), value: prior.toml_value(x), origin };
            Scenario::from_sources(sources, &[o]).map_err(|e| {
                format!(
                    "error: {here}: its {}% quantile {x} is not a valid value of the scenario:\n{e}",
                    p * 100.0
                )
            })?;
        }
        Ok(())
    }

    /// Draw number `index` of every parameter, in file order: a pure function of
    /// (seed, index, parameter), whole-number parameters rounded.
    pub fn draw(&self, seed: u64, index: u64) -> Vec<f64> {
        let key = derive(derive(seed, DRAW_STREAM), index);
        self.priors
            .iter()
            .enumerate()
            .map(|(k, prior)| {
                let u = open_unit(derive(key, k as u64));
                prior.as_scenario_value(prior.distribution.quantile(u))
            })
            .collect()
    }

    /// Overrides that set each parameter to `values[k]` (file order); `origin` is shown in
    /// error messages (e.g. `posterior particle 17`).
    pub fn overrides(&self, values: &[f64], origin: &str) -> Vec<Override> {
        self.priors
            .iter()
            .zip(values)
            .map(|(prior, &x)| Override {
                path: prior.path.clone(),
                value: prior.toml_value(x),
                origin: origin.to_string(),
            })
            .collect()
    }

    /// The joint log prior density (parameters independent); `-inf` outside the support.
    /// Whole-number parameters are treated as continuous.
    pub fn ln_density(&self, values: &[f64]) -> f64 {
        self.priors.iter().zip(values).map(|(p, &x)| p.distribution.ln_pdf(x)).sum()
    }
}

/// A uniform number strictly inside (0, 1), so every quantile is finite.
fn open_unit(bits: u64) -> f64 {
    ((bits >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
}

/// The value at a dotted path of a TOML table, if there is one.
fn lookup<'a>(root: &'a toml::Table, dotted: &str) -> Option<&'a Value> {
    let segments = keys::parse_dotted(dotted)?;
    let (first, rest) = segments.split_first()?;
    let keys::Segment::Key(k) = first else { return None };
    let mut here = root.get(k)?;
    for segment in rest {
        here = match (here, segment) {
            (Value::Table(t), keys::Segment::Key(k)) => t.get(k)?,
            (Value::Array(a), keys::Segment::Index(i)) => a.get(*i)?,
            _ => return None,
        };
    }
    Some(here)
}

/// The file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    prior: Vec<RawPrior>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Kind {
    Uniform,
    Normal,
    LogNormal,
    Beta,
    Gamma,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPrior {
    path: String,
    distribution: Kind,
    source: String,
    #[serde(default)]
    whole_number: bool,
    low: Option<f64>,
    high: Option<f64>,
    mean: Option<f64>,
    sd: Option<f64>,
    median: Option<f64>,
    sigma: Option<f64>,
    alpha: Option<f64>,
    beta: Option<f64>,
    shape: Option<f64>,
    scale: Option<f64>,
}

type Diagnostics = Vec<crate::scenario::Diagnostic>;

impl RawPrior {
    /// The keys each distribution takes, required first, then optional.
    fn keys_of(kind: Kind) -> (&'static [&'static str], &'static [&'static str]) {
        match kind {
            Kind::Uniform => (&["low", "high"], &[]),
            Kind::Normal => (&["mean", "sd"], &[]),
            Kind::LogNormal => (&["median", "sigma"], &[]),
            Kind::Beta => (&["alpha", "beta"], &["low", "high"]),
            Kind::Gamma => (&["shape", "scale"], &[]),
        }
    }

    fn get(&self, key: &str) -> Option<f64> {
        match key {
            "low" => self.low,
            "high" => self.high,
            "mean" => self.mean,
            "sd" => self.sd,
            "median" => self.median,
            "sigma" => self.sigma,
            "alpha" => self.alpha,
            "beta" => self.beta,
            "shape" => self.shape,
            "scale" => self.scale,
            _ => None,
        }
    }

    const ALL_KEYS: [&'static str; 10] =
        ["low", "high", "mean", "sd", "median", "sigma", "alpha", "beta", "shape", "scale"];

    fn check(&self, i: usize, sources: &Sources) -> Result<Prior, Diagnostics> {
        let at = |key: &str| format!("prior[{i}].{key}");
        let mut problems = Vec::new();
        let mut fail = |key: &str, message: String, help: String| {
            problems.push(sources.error_at(&at(key), message, Some(help)));
        };
        let path = match keys::parse_dotted(self.path.trim()) {
            Some(segments) => keys::render(&segments),
            None => {
                fail(
                    "path",
                    format!("`{}` is not a dotted scenario path", self.path),
                    "e.g. hazards.hr_homeless or services.addiction_care.capacity".into(),
                );
                String::new()
            }
        };
        if self.source.trim().is_empty() {
            fail(
                "source",
                "empty source".into(),
                "cite a publication and year, or write \"assumption\"".into(),
            );
        }
        let (required, optional) = Self::keys_of(self.distribution);
        let name = Distribution::NAMES[self.distribution as usize];
        let takes = [required, optional].concat().join(", ");
        for key in Self::ALL_KEYS {
            let wanted = required.contains(&key) || optional.contains(&key);
            match self.get(key) {
                Some(_) if !wanted => fail(
                    key,
                    format!("a {name} prior has no `{key}`"),
                    format!("a {name} prior takes: {takes}"),
                ),
                Some(x) if !x.is_finite() => {
                    fail(key, format!("`{key}` = {x} is not a finite number"), takes.clone())
                }
                None if required.contains(&key) => fail(
                    "distribution",
                    format!("a {name} prior needs `{key}`"),
                    format!("a {name} prior takes: {takes}"),
                ),
                _ => {}
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let v = |key: &str| self.get(key).unwrap_or(f64::NAN);
        let positive = |key: &str, problems: &mut Diagnostics| {
            if v(key) <= 0.0 {
                problems.push(sources.error_at(
                    &at(key),
                    format!("`{key}` = {} must be above 0", v(key)),
                    Some("allowed: a positive number".into()),
                ));
            }
        };
        let ordered = |problems: &mut Diagnostics, low: f64, high: f64| {
            if low >= high {
                problems.push(sources.error_at(
                    &at("high"),
                    format!("`high` = {high} must be above `low` = {low}"),
                    Some("allowed: low < high".into()),
                ));
            }
        };
        let distribution = match self.distribution {
            Kind::Uniform => {
                ordered(&mut problems, v("low"), v("high"));
                Distribution::Uniform { low: v("low"), high: v("high") }
            }
            Kind::Normal => {
                positive("sd", &mut problems);
                Distribution::Normal { mean: v("mean"), sd: v("sd") }
            }
            Kind::LogNormal => {
                positive("median", &mut problems);
                positive("sigma", &mut problems);
                Distribution::LogNormal { median: v("median"), sigma: v("sigma") }
            }
            Kind::Beta => {
                positive("alpha", &mut problems);
                positive("beta", &mut problems);
                let (low, high) = (self.low.unwrap_or(0.0), self.high.unwrap_or(1.0));
                ordered(&mut problems, low, high);
                Distribution::Beta { alpha: v("alpha"), beta: v("beta"), low, high }
            }
            Kind::Gamma => {
                positive("shape", &mut problems);
                positive("scale", &mut problems);
                Distribution::Gamma { shape: v("shape"), scale: v("scale") }
            }
        };
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Prior {
            path,
            distribution,
            source: self.source.trim().to_string(),
            whole_number: self.whole_number,
        })
    }
}

/// Special functions for the five distributions: log-gamma, the regularised incomplete
/// gamma and beta functions, the normal quantile, and a bracketed inversion of a CDF. Written
/// here (about a hundred lines) rather than pulled in with a statistics crate.
pub(crate) mod special {
    // One Lanczos log-gamma for the whole crate: the one the t-intervals already use.
    pub(crate) use crate::stats::{ln_beta, ln_gamma};

    const EPS: f64 = 1e-15;
    const TINY: f64 = 1e-300;
    const MAX_TERMS: usize = 10_000;

    /// The regularised lower incomplete gamma function P(a, x).
    pub fn gamma_cdf(x: f64, a: f64) -> f64 {
        if x <= 0.0 {
            return 0.0;
        }
        if x.is_infinite() {
            return 1.0;
        }
        let front = (a * x.ln() - x - ln_gamma(a)).exp();
        if x < a + 1.0 {
            // Series: converges quickly below the mode.
            let (mut term, mut sum, mut n) = (1.0 / a, 1.0 / a, a);
            for _ in 0..MAX_TERMS {
                n += 1.0;
                term *= x / n;
                sum += term;
                if term.abs() < sum.abs() * EPS {
                    break;
                }
            }
            (sum * front).min(1.0)
        } else {
            // Continued fraction for Q(a, x) (modified Lentz).
            let mut b = x + 1.0 - a;
            let mut c = 1.0 / TINY;
            let mut d = 1.0 / b;
            let mut h = d;
            for i in 1..MAX_TERMS {
                let an = -(i as f64) * (i as f64 - a);
                b += 2.0;
                d = an * d + b;
                if d.abs() < TINY {
                    d = TINY;
                }
                c = b + an / c;
                if c.abs() < TINY {
                    c = TINY;
                }
                d = 1.0 / d;
                let delta = d * c;
                h *= delta;
                if (delta - 1.0).abs() < EPS {
                    break;
                }
            }
            (1.0 - front * h).max(0.0)
        }
    }

    /// The regularised incomplete beta function I_x(a, b).
    pub fn beta_cdf(x: f64, a: f64, b: f64) -> f64 {
        if x <= 0.0 {
            return 0.0;
        }
        if x >= 1.0 {
            return 1.0;
        }
        let front = (a * x.ln() + b * (1.0 - x).ln() - ln_beta(a, b)).exp();
        // The continued fraction converges fast for x below (a + 1) / (a + b + 2).
        if x < (a + 1.0) / (a + b + 2.0) {
            front * beta_fraction(x, a, b) / a
        } else {
            1.0 - front * beta_fraction(1.0 - x, b, a) / b
        }
    }

    fn beta_fraction(x: f64, a: f64, b: f64) -> f64 {
        let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
        let clamp = |v: f64| if v.abs() < TINY { TINY } else { v };
        let mut c = 1.0;
        let mut d = 1.0 / clamp(1.0 - qab * x / qap);
        let mut h = d;
        for m in 1..MAX_TERMS {
            let m = m as f64;
            let m2 = 2.0 * m;
            let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
            d = 1.0 / clamp(1.0 + aa * d);
            c = clamp(1.0 + aa / c);
            h *= d * c;
            let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
            d = 1.0 / clamp(1.0 + aa * d);
            c = clamp(1.0 + aa / c);
            let delta = d * c;
            h *= delta;
            if (delta - 1.0).abs() < EPS {
                break;
            }
        }
        h
    }

    /// The standard normal CDF, through P(1/2, z²/2) so both tails keep full precision.
    pub fn normal_cdf(z: f64) -> f64 {
        if z.is_nan() {
            return f64::NAN;
        }
        let half = 0.5 * gamma_cdf(0.5 * z * z, 0.5);
        if z < 0.0 { 0.5 - half } else { 0.5 + half }
    }

    /// The standard normal quantile (Wichura's AS 241, PPND16: relative error about 1e-16).
    pub fn normal_quantile(p: f64) -> f64 {
        let q = p - 0.5;
        if q.abs() <= 0.425 {
            let r = 0.180_625 - q * q;
            return q * poly(&A, r) / poly(&B, r);
        }
        let r = if q < 0.0 { p } else { 1.0 - p };
        let r = (-r.ln()).sqrt();
        let x = if r <= 5.0 {
            let r = r - 1.6;
            poly(&C, r) / poly(&D, r)
        } else {
            let r = r - 5.0;
            poly(&E, r) / poly(&F, r)
        };
        if q < 0.0 { -x } else { x }
    }

    fn poly(c: &[f64; 8], x: f64) -> f64 {
        c.iter().rev().fold(0.0, |acc, k| acc * x + k)
    }

    const A: [f64; 8] = [
        3.387_132_872_796_366_5,
        133.141_667_891_784_38,
        1_971.590_950_306_551_3,
        13_731.693_765_509_46,
        45_921.953_931_549_87,
        67_265.770_927_008_7,
        33_430.575_583_588_13,
        2_509.080_928_730_122_7,
    ];
    const B: [f64; 8] = [
        1.0,
        42.313_330_701_600_91,
        687.187_007_492_057_9,
        5_394.196_021_424_751,
        21_213.794_301_586_597,
        39_307.895_800_092_71,
        28_729.085_735_721_943,
        5_226.495_278_852_545,
    ];
    const C: [f64; 8] = [
        1.423_437_110_749_683_5,
        4.630_337_846_156_546,
        5.769_497_221_460_691,
        3.647_848_324_763_204_5,
        1.270_458_252_452_368_4,
        0.241_780_725_177_450_6,
        0.022_723_844_989_269_184,
        7.745_450_142_783_414e-4,
    ];
    const D: [f64; 8] = [
        1.0,
        2.053_191_626_637_759,
        1.676_384_830_183_803_8,
        0.689_767_334_985_1,
        0.148_103_976_427_480_08,
        0.015_198_666_563_616_457,
        5.475_938_084_995_345e-4,
        1.050_750_071_644_416_9e-9,
    ];
    const E: [f64; 8] = [
        6.657_904_643_501_103,
        5.463_784_911_164_114,
        1.784_826_539_917_291_3,
        0.296_560_571_828_504_9,
        0.026_532_189_526_576_124,
        0.001_242_660_947_388_078_4,
        2.711_555_568_743_487_6e-5,
        2.010_334_399_292_288_1e-7,
    ];
    const F: [f64; 8] = [
        1.0,
        0.599_832_206_555_888,
        0.136_929_880_922_735_8,
        0.014_875_361_290_850_615,
        7.868_691_311_456_133e-4,
        1.846_318_317_510_054_8e-5,
        1.421_511_758_316_446e-7,
        2.044_263_103_389_939_7e-15,
    ];

    /// An upper end for the P(a, ·) inversion: doubled until its CDF passes `p`.
    pub fn gamma_upper_bracket(p: f64, a: f64) -> f64 {
        let mut upper = (2.0 * a).max(1.0);
        while gamma_cdf(upper, a) < p && upper < 1e300 {
            upper *= 2.0;
        }
        upper
    }

    /// The `x` in `[low, high]` where the increasing `cdf` reaches `p`, by bisection to
    /// machine precision (about 60 halvings: draws are few, so certainty beats speed).
    pub fn invert(p: f64, mut low: f64, mut high: f64, cdf: impl Fn(f64) -> f64) -> f64 {
        for _ in 0..200 {
            let mid = 0.5 * (low + high);
            if mid <= low || mid >= high {
                break;
            }
            if cdf(mid) < p {
                low = mid;
            } else {
                high = mid;
            }
        }
        0.5 * (low + high)
    }
}

#[cfg(test)]
mod tests;
