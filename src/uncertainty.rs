//! Uncertain parameters: a priors file (`[[prior]]` tables, each a dotted scenario path with a
//! distribution and its source), deterministic draws from it, and the overrides a draw makes.
//!
//! Draws are by inverse transform: draw `index` of `seed` takes for prior `k` the uniform
//! number of stream `(seed, index, k)` through the distribution's quantile function, so every
//! draw is the same on every machine and any draw can be made alone (a shard of a PSA).

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Value;

use crate::rng::derive;
use crate::scenario::{Override, Scenario};

/// The uncertain parameters of a priors file.
#[derive(Debug, Clone, PartialEq)]
pub struct Priors {
    pub file: PathBuf,
    pub priors: Vec<Prior>,
}

/// One uncertain parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Prior {
    /// Dotted scenario path, as `--set` takes it.
    pub path: String,
    pub distribution: Distribution,
    /// Where the distribution comes from (publication, year) or `assumption`.
    pub source: String,
    /// The scenario value is a whole number: draws are rounded.
    pub whole_number: bool,
}

/// A prior distribution.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Distribution {
    Uniform {
        low: f64,
        high: f64,
    },
    Normal {
        mean: f64,
        sd: f64,
    },
    LogNormal {
        median: f64,
        sigma: f64,
    },
    /// A beta distribution stretched onto `[low, high]`.
    Beta {
        alpha: f64,
        beta: f64,
        low: f64,
        high: f64,
    },
    Gamma {
        shape: f64,
        scale: f64,
    },
}

impl Distribution {
    /// The value below which a share `p` of the distribution lies.
    pub fn quantile(&self, p: f64) -> f64 {
        let p = p.clamp(1e-12, 1.0 - 1e-12);
        match *self {
            Distribution::Uniform { low, high } => low + (high - low) * p,
            Distribution::Normal { mean, sd } => mean + sd * normal_quantile(p),
            Distribution::LogNormal { median, sigma } => {
                median * (sigma * normal_quantile(p)).exp()
            }
            Distribution::Beta { alpha, beta, low, high } => {
                low + (high - low) * invert(|x| incomplete_beta(alpha, beta, x), p, 0.0, 1.0)
            }
            Distribution::Gamma { shape, scale } => {
                let hi = (shape + 40.0 * shape.sqrt() + 40.0) * scale;
                invert(|x| incomplete_gamma(shape, x / scale), p, 0.0, hi)
            }
        }
    }

    /// Log density at `x` (−∞ outside the support).
    pub fn ln_pdf(&self, x: f64) -> f64 {
        use std::f64::consts::PI;
        match *self {
            Distribution::Uniform { low, high } if x >= low && x <= high => -(high - low).ln(),
            Distribution::Uniform { .. } => f64::NEG_INFINITY,
            Distribution::Normal { mean, sd } => {
                let z = (x - mean) / sd;
                -0.5 * z * z - sd.ln() - 0.5 * (2.0 * PI).ln()
            }
            Distribution::LogNormal { median, sigma } if x > 0.0 => {
                let z = (x.ln() - median.ln()) / sigma;
                -0.5 * z * z - (x * sigma).ln() - 0.5 * (2.0 * PI).ln()
            }
            Distribution::Beta { alpha, beta, low, high } if x > low && x < high => {
                let u = (x - low) / (high - low);
                (alpha - 1.0) * u.ln() + (beta - 1.0) * (1.0 - u).ln()
                    - ln_beta(alpha, beta)
                    - (high - low).ln()
            }
            Distribution::Gamma { shape, scale } if x > 0.0 => {
                (shape - 1.0) * x.ln() - x / scale - ln_gamma(shape) - shape * scale.ln()
            }
            _ => f64::NEG_INFINITY,
        }
    }

    pub fn mean(&self) -> f64 {
        match *self {
            Distribution::Uniform { low, high } => (low + high) / 2.0,
            Distribution::Normal { mean, .. } => mean,
            Distribution::LogNormal { median, sigma } => median * (sigma * sigma / 2.0).exp(),
            Distribution::Beta { alpha, beta, low, high } => {
                low + (high - low) * alpha / (alpha + beta)
            }
            Distribution::Gamma { shape, scale } => shape * scale,
        }
    }

    fn check(&self) -> Result<(), String> {
        let ok = match *self {
            Distribution::Uniform { low, high } => {
                low.is_finite() && high.is_finite() && low < high
            }
            Distribution::Normal { mean, sd } => mean.is_finite() && sd > 0.0 && sd.is_finite(),
            Distribution::LogNormal { median, sigma } => median > 0.0 && sigma > 0.0,
            Distribution::Beta { alpha, beta, low, high } => {
                alpha > 0.0 && beta > 0.0 && low.is_finite() && high.is_finite() && low < high
            }
            Distribution::Gamma { shape, scale } => shape > 0.0 && scale > 0.0,
        };
        if ok {
            Ok(())
        } else {
            Err(match self {
                Distribution::Uniform { .. } => "uniform needs low < high",
                Distribution::Normal { .. } => "normal needs sd > 0",
                Distribution::LogNormal { .. } => "lognormal needs median > 0 and sigma > 0",
                Distribution::Beta { .. } => "beta needs alpha > 0, beta > 0 and low < high",
                Distribution::Gamma { .. } => "gamma needs shape > 0 and scale > 0",
            }
            .into())
        }
    }
}

/// `[[prior]]` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPrior {
    path: String,
    distribution: String,
    source: String,
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
    #[serde(default)]
    whole_number: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPriors {
    #[serde(default)]
    prior: Vec<RawPrior>,
}

const DISTRIBUTIONS: &str = "uniform (low, high), normal (mean, sd), lognormal (median, sigma), \
                             beta (alpha, beta, low, high), gamma (shape, scale)";

impl RawPrior {
    fn distribution(&self) -> Result<Distribution, String> {
        let need = |x: Option<f64>, key: &str| {
            x.ok_or_else(|| format!("`{}` needs `{key}`", self.distribution))
        };
        let d = match self.distribution.as_str() {
            "uniform" => Distribution::Uniform {
                low: need(self.low, "low")?,
                high: need(self.high, "high")?,
            },
            "normal" => {
                Distribution::Normal { mean: need(self.mean, "mean")?, sd: need(self.sd, "sd")? }
            }
            "lognormal" => Distribution::LogNormal {
                median: need(self.median, "median")?,
                sigma: need(self.sigma, "sigma")?,
            },
            "beta" => Distribution::Beta {
                alpha: need(self.alpha, "alpha")?,
                beta: need(self.beta, "beta")?,
                low: self.low.unwrap_or(0.0),
                high: self.high.unwrap_or(1.0),
            },
            "gamma" => Distribution::Gamma {
                shape: need(self.shape, "shape")?,
                scale: need(self.scale, "scale")?,
            },
            other => {
                return Err(format!("unknown distribution `{other}`; allowed: {DISTRIBUTIONS}"));
            }
        };
        d.check()?;
        Ok(d)
    }
}

/// Salt that keeps prior draws apart from every simulation stream of the same seed.
const PRIOR_SALT: u64 = 0x5052_494f_525f_4452;

impl Priors {
    /// Reads a priors file; every problem names the file, the prior and the key.
    pub fn load(path: &Path) -> Result<Priors, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read priors file {}: {e}", path.display()))?;
        let raw: RawPriors =
            toml::from_str(&text).map_err(|e| format!("priors file {}:\n{e}", path.display()))?;
        if raw.prior.is_empty() {
            return Err(format!("priors file {} has no [[prior]] table", path.display()));
        }
        let mut priors = Vec::new();
        for (i, p) in raw.prior.iter().enumerate() {
            let at = || format!("{}: prior[{i}] (path = \"{}\")", path.display(), p.path);
            let distribution = p.distribution().map_err(|e| format!("{}: {e}", at()))?;
            let checked = Override::new(&p.path, Value::Boolean(false), "")
                .map_err(|e| format!("{}: {e}", at()))?;
            if priors.iter().any(|q: &Prior| q.path == checked.path) {
                return Err(format!("{}: the path appears twice", at()));
            }
            priors.push(Prior {
                path: checked.path,
                distribution,
                source: p.source.clone(),
                whole_number: p.whole_number,
            });
        }
        Ok(Priors { file: path.to_path_buf(), priors })
    }

    /// Checks that every prior names a value of the scenario and that the central draw
    /// (every prior at its median) is a valid scenario.
    pub fn check_against(&self, scenario: &Path) -> Result<(), String> {
        let sc = Scenario::load(scenario).map_err(|e| e.to_string())?;
        let root = Value::try_from(&sc.resolved).map_err(|e| e.to_string())?;
        for p in &self.priors {
            let found = p.path.split('.').try_fold(&root, |v, key| v.as_table()?.get(key));
            if !matches!(found, Some(Value::Float(_) | Value::Integer(_))) {
                return Err(format!(
                    "{}: prior `{}` names no number in scenario {}",
                    self.file.display(),
                    p.path,
                    scenario.display()
                ));
            }
        }
        let medians: Vec<f64> = self.priors.iter().map(|p| p.distribution.quantile(0.5)).collect();
        Scenario::load_with(scenario, &self.overrides(&medians, "the priors' medians"))
            .map(|_| ())
            .map_err(|e| format!("{} with the priors' medians:\n{e}", scenario.display()))
    }

    /// Draw `index` of `seed`: one value per prior, in file order.
    pub fn draw(&self, seed: u64, index: u64) -> Vec<f64> {
        let stream = derive(derive(seed, PRIOR_SALT), index);
        self.priors
            .iter()
            .enumerate()
            .map(|(k, p)| {
                let bits = derive(stream, k as u64) >> 11;
                let u = (bits as f64 + 0.5) / (1u64 << 53) as f64;
                let x = p.distribution.quantile(u);
                if p.whole_number { x.round() } else { x }
            })
            .collect()
    }

    /// The overrides that set each prior's path to its value; `origin` names the draw.
    pub fn overrides(&self, values: &[f64], origin: &str) -> Vec<Override> {
        self.priors
            .iter()
            .zip(values)
            .map(|(p, &x)| {
                let value =
                    if p.whole_number { Value::Integer(x.round() as i64) } else { Value::Float(x) };
                Override {
                    path: p.path.clone(),
                    value,
                    origin: format!("{origin}: {} = {x}", p.path),
                }
            })
            .collect()
    }

    /// Joint log prior density (independent priors).
    pub fn ln_density(&self, values: &[f64]) -> f64 {
        self.priors.iter().zip(values).map(|(p, x)| p.distribution.ln_pdf(*x)).sum()
    }
}

/// The x in [lo, hi] where the increasing `cdf` reaches `p`, by bisection.
fn invert(cdf: impl Fn(f64) -> f64, p: f64, mut lo: f64, mut hi: f64) -> f64 {
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if cdf(mid) < p {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo <= 1e-14 * (1.0 + hi.abs()) {
            break;
        }
    }
    0.5 * (lo + hi)
}

/// Standard normal quantile (Acklam's rational approximation, one Newton step on erfc).
pub fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    let x = if p < 0.02425 {
        tail((-2.0 * p.ln()).sqrt())
    } else if p > 1.0 - 0.02425 {
        -tail((-2.0 * (1.0 - p).ln()).sqrt())
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    };
    // One Halley step with the exact normal CDF brings it to machine precision.
    let e = 0.5 * erfc(-x / std::f64::consts::SQRT_2) - p;
    let u = e * (2.0 * std::f64::consts::PI).sqrt() * (x * x / 2.0).exp();
    x - u / (1.0 + x * u / 2.0)
}

/// Complementary error function (Numerical Recipes `erfcc`, relative error < 1.2e-7, good
/// enough for the Halley step that follows it).
fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let r = t
        * (-z * z - 1.265_512_23
            + t * (1.000_023_68
                + t * (0.374_091_96
                    + t * (0.096_784_18
                        + t * (-0.186_288_06
                            + t * (0.278_868_07
                                + t * (-1.135_203_98
                                    + t * (1.488_515_87
                                        + t * (-0.822_152_23 + t * 0.170_872_77)))))))))
            .exp();
    if x >= 0.0 { r } else { 2.0 - r }
}

/// ln Γ(x) for x > 0 (Lanczos, g = 7).
pub fn ln_gamma(x: f64) -> f64 {
    const G: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let t = x + 7.5;
    let a = G[1..].iter().enumerate().fold(G[0], |a, (i, g)| a + g / (x + i as f64 + 1.0));
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

fn ln_beta(a: f64, b: f64) -> f64 {
    ln_gamma(a) + ln_gamma(b) - ln_gamma(a + b)
}

/// Regularized incomplete beta I_x(a, b) (continued fraction, Numerical Recipes `betai`).
fn incomplete_beta(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let front = (a * x.ln() + b * (1.0 - x).ln() - ln_beta(a, b)).exp();
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_fraction(a, b, x) / a
    } else {
        1.0 - front * beta_fraction(b, a, 1.0 - x) / b
    }
}

fn beta_fraction(a: f64, b: f64, x: f64) -> f64 {
    let tiny = 1e-300;
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    d = if d.abs() < tiny { tiny } else { d };
    d = 1.0 / d;
    let mut h = d;
    for m in 1..300 {
        let m = m as f64;
        let m2 = 2.0 * m;
        for aa in [
            m * (b - m) * x / ((qam + m2) * (a + m2)),
            -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)),
        ] {
            d = 1.0 + aa * d;
            d = if d.abs() < tiny { tiny } else { d };
            c = 1.0 + aa / c;
            c = if c.abs() < tiny { tiny } else { c };
            d = 1.0 / d;
            h *= d * c;
        }
        if (d * c - 1.0).abs() < 1e-15 {
            break;
        }
    }
    h
}

/// Regularized lower incomplete gamma P(a, x).
fn incomplete_gamma(a: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    let ln_front = a * x.ln() - x - ln_gamma(a);
    if x < a + 1.0 {
        let (mut sum, mut term, mut n) = (1.0 / a, 1.0 / a, a);
        for _ in 0..1000 {
            n += 1.0;
            term *= x / n;
            sum += term;
            if term.abs() < sum.abs() * 1e-16 {
                break;
            }
        }
        (sum.ln() + ln_front).exp()
    } else {
        // Lentz's continued fraction for Q(a, x).
        let tiny = 1e-300;
        let mut b = x + 1.0 - a;
        let mut c = 1.0 / tiny;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..1000 {
            let an = -(i as f64) * (i as f64 - a);
            b += 2.0;
            d = an * d + b;
            d = if d.abs() < tiny { tiny } else { d };
            c = b + an / c;
            c = if c.abs() < tiny { tiny } else { c };
            d = 1.0 / d;
            h *= d * c;
            if (d * c - 1.0).abs() < 1e-15 {
                break;
            }
        }
        1.0 - (ln_front.exp() * h)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_match_reference_values() {
        let n = Distribution::Normal { mean: 0.0, sd: 1.0 };
        assert!((n.quantile(0.975) - 1.959_963_984_540_054).abs() < 1e-9);
        // Beta(2, 3): median 0.385727 (R: qbeta(0.5, 2, 3)).
        let b = Distribution::Beta { alpha: 2.0, beta: 3.0, low: 0.0, high: 1.0 };
        assert!((b.quantile(0.5) - 0.385_727_568_757_6).abs() < 1e-6);
        // Gamma(2, 1): 0.95 quantile 4.743865 (R: qgamma(0.95, 2)).
        let g = Distribution::Gamma { shape: 2.0, scale: 1.0 };
        assert!((g.quantile(0.95) - 4.743_864_518_4).abs() < 1e-6);
        let l = Distribution::LogNormal { median: 2.0, sigma: 0.5 };
        assert!((l.quantile(0.5) - 2.0).abs() < 1e-9);
    }

    #[test]
    fn draws_are_deterministic_and_follow_the_distribution() {
        let priors = Priors {
            file: PathBuf::from("test"),
            priors: vec![Prior {
                path: "regime.warm_handover".into(),
                distribution: Distribution::Uniform { low: 0.2, high: 0.6 },
                source: "assumption".into(),
                whole_number: false,
            }],
        };
        assert_eq!(priors.draw(7, 3), priors.draw(7, 3));
        let xs: Vec<f64> = (0..4000).map(|i| priors.draw(7, i)[0]).collect();
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        assert!((mean - 0.4).abs() < 0.01, "{mean}");
        assert!(xs.iter().all(|x| (0.2..=0.6).contains(x)));
    }
}
