//! The statistics the reports need: estimates with 95% intervals over replications, paired
//! differences between regimes run on common random numbers, Kaplan–Meier survival with
//! censoring, and discounting of yearly costs.
//!
//! Every reduction here runs sequentially in index order so that results are bit-for-bit
//! reproducible regardless of how the replications were scheduled.

use serde::Serialize;

/// Two-sided 95% normal quantile, z_{0.975}.
const Z_975: f64 = 1.959_963_984_540_054;

/// Exact Student t 0.975 quantiles for df = 1..=30 (index df − 1). Small-df quantiles are
/// where every approximation is weakest, and replication counts are often this small.
const T_975_TABLE: [f64; 30] = [
    12.706_204_736_174_7,
    4.302_652_729_749_464,
    3.182_446_305_284_263,
    2.776_445_105_197_793,
    2.570_581_835_636_314,
    2.446_911_851_144_969,
    2.364_624_251_592_785,
    2.306_004_135_204_166,
    2.262_157_162_798_205,
    2.228_138_851_986_274,
    2.200_985_160_082_949,
    2.178_812_829_663_418,
    2.160_368_656_461_013,
    2.144_786_687_916_926,
    2.131_449_545_559_323,
    2.119_905_299_221_011,
    2.109_815_577_833_181,
    2.100_922_040_240_97,
    2.093_024_054_408_263,
    2.085_963_447_265_837,
    2.079_613_844_727_662,
    2.073_873_067_904_015,
    2.068_657_610_419_041,
    2.063_898_561_628_021,
    2.059_538_552_753_294,
    2.055_529_438_642_871,
    2.051_830_516_480_283,
    2.048_407_141_795_244,
    2.045_229_642_132_703,
    2.042_272_456_301_238,
];

/// Errors from functions whose inputs must line up replication by replication.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
pub enum StatsError {
    /// Paired statistics need one value per replication in each arm.
    #[error("paired series differ in length: base has {base}, alt has {alt}")]
    LengthMismatch { base: usize, alt: usize },
}

/// A point estimate with a two-sided 95% interval.
///
/// `sd` is the standard deviation of one replication's value (not the standard error), so
/// the half-width is `t · sd / √n`; comparing `sd` across estimates with equal `n` compares
/// their precision directly.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Estimate {
    pub mean: f64,
    pub lo: f64,
    pub hi: f64,
    pub sd: f64,
    pub n: usize,
}

impl Estimate {
    /// Half the interval width.
    pub fn half_width(&self) -> f64 {
        (self.hi - self.lo) / 2.0
    }
}

/// Arithmetic mean; NaN for an empty slice.
pub fn mean(xs: &[f64]) -> f64 {
    if xs.is_empty() {
        return f64::NAN;
    }
    xs.iter().sum::<f64>() / xs.len() as f64
}

/// Sample variance (divisor n − 1), computed in two passes to avoid the cancellation of the
/// one-pass formula. Zero for one value (nothing varies), NaN for none.
pub fn sample_variance(xs: &[f64]) -> f64 {
    match xs.len() {
        0 => f64::NAN,
        1 => 0.0,
        n => {
            let m = mean(xs);
            xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1) as f64
        }
    }
}

/// Student t quantile at 0.975 (the two-sided 95% critical value) for `df` degrees of
/// freedom, which may be fractional (Welch).
///
/// Integer df ≤ 30 come from an exact table; df > 30 use the Cornish–Fisher expansion about
/// the normal (Abramowitz & Stegun 26.7.5), accurate to ~1e-6 there; fractional df below 30
/// start from Hill's (1970, CACM Algorithm 396) approximation and are polished by Newton
/// steps on the exact t tail. df below 1 is treated as 1, and NaN or non-positive df give
/// NaN.
pub fn t_quantile_975(df: f64) -> f64 {
    if df.is_nan() || df <= 0.0 {
        return f64::NAN;
    }
    if df.is_infinite() {
        return Z_975;
    }
    let df = df.max(1.0);
    if df <= 30.0 {
        if df.fract() == 0.0 {
            // Exact integer in 1..=30, so the cast is lossless.
            T_975_TABLE[df as usize - 1]
        } else {
            refine_t_quantile_975(df, hill_t_quantile_975(df))
        }
    } else {
        cornish_fisher_t_quantile_975(df)
    }
}

fn cornish_fisher_t_quantile_975(df: f64) -> f64 {
    let z = Z_975;
    let z2 = z * z;
    let g1 = (z2 + 1.0) * z / 4.0;
    let g2 = ((5.0 * z2 + 16.0) * z2 + 3.0) * z / 96.0;
    let g3 = (((3.0 * z2 + 19.0) * z2 + 17.0) * z2 - 15.0) * z / 384.0;
    let g4 = ((((79.0 * z2 + 776.0) * z2 + 1482.0) * z2 - 1920.0) * z2 - 945.0) * z / 92160.0;
    z + (g1 + (g2 + (g3 + g4 / df) / df) / df) / df
}

/// Polishes a starting value with Newton steps on the exact upper tail, because Hill's
/// approximation alone is off by up to ~1% for df just above 1, where Welch df can land.
fn refine_t_quantile_975(df: f64, start: f64) -> f64 {
    let ln_norm = ln_beta(df / 2.0, 0.5) + 0.5 * df.ln();
    let mut t = start;
    for _ in 0..20 {
        let density = (-(df + 1.0) / 2.0 * (t * t / df).ln_1p() - ln_norm).exp();
        // The tail falls as t grows, so the Newton step is +(tail − target) / density.
        let step = (t_upper_tail(t, df) - 0.025) / density;
        t += step;
        if step.abs() <= 1e-14 * t {
            break;
        }
    }
    t
}

/// P(T > t) for t ≥ 0 with `df` degrees of freedom: ½ · I_{df/(df+t²)}(df/2, ½).
fn t_upper_tail(t: f64, df: f64) -> f64 {
    0.5 * regularized_incomplete_beta(df / (df + t * t), df / 2.0, 0.5)
}

/// I_x(a, b) by the continued fraction (modified Lentz), using the symmetry
/// I_x(a, b) = 1 − I_{1−x}(b, a) where the fraction converges slowly.
fn regularized_incomplete_beta(x: f64, a: f64, b: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let ln_front = a * x.ln() + b * (-x).ln_1p() - ln_beta(a, b);
    if x < (a + 1.0) / (a + b + 2.0) {
        ln_front.exp() * beta_continued_fraction(x, a, b) / a
    } else {
        1.0 - ln_front.exp() * beta_continued_fraction(1.0 - x, b, a) / b
    }
}

fn beta_continued_fraction(x: f64, a: f64, b: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let guard = |v: f64| if v.abs() < TINY { TINY } else { v };
    let mut c = 1.0;
    let mut d = 1.0 / guard(1.0 - (a + b) * x / (a + 1.0));
    let mut h = d;
    for m in 1..=300 {
        let m = f64::from(m);
        let m2 = 2.0 * m;
        let even = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
        d = 1.0 / guard(1.0 + even * d);
        c = guard(1.0 + even / c);
        h *= d * c;
        let odd = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
        d = 1.0 / guard(1.0 + odd * d);
        c = guard(1.0 + odd / c);
        let delta = d * c;
        h *= delta;
        if (delta - 1.0).abs() < 1e-15 {
            break;
        }
    }
    h
}

pub(crate) fn ln_beta(a: f64, b: f64) -> f64 {
    ln_gamma(a) + ln_gamma(b) - ln_gamma(a + b)
}

/// ln Γ(x) for x > 0 by the Lanczos approximation (g = 7, 9 terms; ~1e-15 relative), since
/// std has no stable gamma function.
pub(crate) fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const COEF: [f64; 9] = [
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
        // Reflection keeps the series in its accurate range.
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut sum = COEF[0];
    for (i, c) in COEF.iter().enumerate().skip(1) {
        sum += c / (x + i as f64);
    }
    let t = x + G + 0.5;
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + sum.ln()
}

/// Hill's algorithm for two-tailed probability 0.05, for real df ≥ 1.
fn hill_t_quantile_975(n: f64) -> f64 {
    let p = 0.05;
    let a = 1.0 / (n - 0.5);
    let b = 48.0 / (a * a);
    let mut c = ((20700.0 * a / b - 98.0) * a - 16.0) * a + 96.36;
    let d = ((94.5 / (b + c) - 3.0) / b + 1.0) * (a * std::f64::consts::FRAC_PI_2).sqrt() * n;
    let y = (d * p).powf(2.0 / n);
    let y = if y > 0.05 + a {
        // Far tail relative to df: expand about the normal quantile.
        let x = -Z_975;
        let x2 = x * x;
        if n < 5.0 {
            c += 0.3 * (n - 4.5) * (x + 0.6);
        }
        c += (((0.05 * d * x - 5.0) * x - 7.0) * x - 2.0) * x + b;
        let y = (((((0.4 * x2 + 6.3) * x2 + 36.0) * x2 + 94.5) / c - x2 - 3.0) / b + 1.0) * x;
        (a * y * y).exp_m1()
    } else {
        ((1.0 / (((n + 6.0) / (n * y) - 0.089 * d - 0.822) * (n + 2.0) * 3.0) + 0.5 / (n + 4.0))
            * y
            - 1.0)
            * (n + 1.0)
            / (n + 2.0)
            + 1.0 / y
    };
    (n * y).sqrt()
}

/// Mean over replications with a 95% Student t interval (n − 1 df).
///
/// With one replication there is no spread to estimate: `sd` is 0 and the interval is absent
/// (`lo` and `hi` are NaN, shown as "n/a" and written as NA or null), not a zero-width interval
/// that would look like certainty. With none, `mean`, `lo`, `hi` and `sd` are NaN and `n` is 0.
pub fn mean_interval(xs: &[f64]) -> Estimate {
    let n = xs.len();
    let m = mean(xs);
    let sd = sample_variance(xs).sqrt();
    let half = if n >= 2 {
        t_quantile_975((n - 1) as f64) * sd / (n as f64).sqrt()
    } else {
        // n = 1: no interval; n = 0: NaN propagates from the mean.
        f64::NAN
    };
    Estimate { mean: m, lo: m - half, hi: m + half, sd, n }
}

fn check_paired(base: &[f64], alt: &[f64]) -> Result<(), StatsError> {
    if base.len() == alt.len() {
        Ok(())
    } else {
        Err(StatsError::LengthMismatch { base: base.len(), alt: alt.len() })
    }
}

fn differences(base: &[f64], alt: &[f64]) -> Vec<f64> {
    base.iter().zip(alt).map(|(b, a)| a - b).collect()
}

/// Mean of `alt − base` with a 95% t interval, pairing replication i of each arm.
///
/// Both arms must have been run on the same random streams (common random numbers) for the
/// pairing to mean anything; then the shared noise cancels in each difference.
pub fn paired_difference(base: &[f64], alt: &[f64]) -> Result<Estimate, StatsError> {
    check_paired(base, alt)?;
    Ok(mean_interval(&differences(base, alt)))
}

/// Difference of means `alt − base` treating the arms as independent, with a Welch 95%
/// interval (Welch–Satterthwaite df). Reported next to [`paired_difference`] to show how
/// much common random numbers narrow the interval.
///
/// `sd` is `√(var_base + var_alt)`, the spread of one independent draw from each arm, and `n`
/// is the smaller arm, so with equal arms `sd` is directly comparable with the paired `sd`.
/// With fewer than two replications in either arm the interval is absent (NaN), as in
/// [`mean_interval`]. An arm with one replication contributes no variance; if neither
/// arm has spread the interval collapses to the mean. An empty arm gives NaN.
pub fn unpaired_difference(base: &[f64], alt: &[f64]) -> Estimate {
    let (nb, na) = (base.len(), alt.len());
    let m = mean(alt) - mean(base);
    let (vb, va) = (sample_variance(base), sample_variance(alt));
    let (sb, sa) = (vb / nb as f64, va / na as f64);
    let se2 = sb + sa;
    let half = if nb < 2 || na < 2 {
        f64::NAN
    } else if se2 > 0.0 {
        // Only arms with at least two replications carry a df term; a zero-variance arm
        // contributes 0 to both numerator and denominator.
        let term = |s: f64, n: usize| if n >= 2 { s * s / (n - 1) as f64 } else { 0.0 };
        let df = se2 * se2 / (term(sb, nb) + term(sa, na));
        t_quantile_975(df) * se2.sqrt()
    } else if se2 == 0.0 {
        0.0
    } else {
        f64::NAN
    };
    Estimate { mean: m, lo: m - half, hi: m + half, sd: (vb + va).sqrt(), n: nb.min(na) }
}

/// Share of the variance of a difference removed by pairing:
/// `1 − var(alt − base) / (var(base) + var(alt))`.
///
/// 0 means pairing bought nothing (independent arms), values near 1 mean the arms' noise is
/// almost entirely shared; negative values mean the arms are negatively correlated. NaN when
/// lengths differ, with fewer than two replications, or when neither arm varies.
pub fn variance_reduction(base: &[f64], alt: &[f64]) -> f64 {
    if base.len() != alt.len() || base.len() < 2 {
        return f64::NAN;
    }
    let denom = sample_variance(base) + sample_variance(alt);
    if denom == 0.0 {
        return f64::NAN;
    }
    1.0 - sample_variance(&differences(base, alt)) / denom
}

/// Quantile of already sorted (ascending) data by linear interpolation between order
/// statistics (Hyndman & Fan type 7, the R and NumPy default). `p` is clamped to [0, 1];
/// NaN for empty data or NaN `p`.
pub fn quantile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() || p.is_nan() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * p.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let Some(&next) = sorted.get(lo + 1) else {
        return sorted[lo];
    };
    sorted[lo] + (h - lo as f64) * (next - sorted[lo])
}

/// S(t) of a Kaplan–Meier curve day by day, computed exactly as [`KaplanMeier::from_counts`]
/// computes it but without the curve's other columns: for reading a median or a share by a
/// day off many curves (every waiting list of every replication, every run of a calibration),
/// which stops as soon as the day read is reached.
#[derive(Debug, Clone)]
pub struct SurvivalByDay<'a> {
    events: &'a [u32],
    censored: &'a [u32],
    len: usize,
    day: usize,
    at_risk: u32,
    survival: f64,
}

impl<'a> SurvivalByDay<'a> {
    pub fn new(events: &'a [u32], censored: &'a [u32], n_start: u32) -> Self {
        let len = events.len().max(censored.len());
        Self { events, censored, len, day: 0, at_risk: n_start, survival: 1.0 }
    }

    /// Day `t`'s events and censorings, clipped to those at risk (see
    /// [`KaplanMeier::from_counts`]); updates S and those at risk.
    fn step(&mut self, t: usize) -> (u32, u32) {
        let n = self.at_risk;
        let d = self.events.get(t).copied().unwrap_or(0).min(n);
        let c = self.censored.get(t).copied().unwrap_or(0).min(n - d);
        if d > 0 {
            self.survival *= 1.0 - f64::from(d) / f64::from(n);
        }
        self.at_risk = n - d - c;
        (d, c)
    }

    /// As [`KaplanMeier::survival_at`]: S(day), the last day's value past the end, 1 for a
    /// curve without days.
    pub fn survival_at(self, day: u32) -> f64 {
        let days = usize::try_from(day).map_or(usize::MAX, |d| d.saturating_add(1));
        self.take(days).last().unwrap_or(1.0)
    }

    /// As [`KaplanMeier::incidence_at`]: 1 − S(day).
    pub fn incidence_at(self, day: u32) -> f64 {
        1.0 - self.survival_at(day)
    }

    /// S at each of `days` (ascending) in one walk, each as [`SurvivalByDay::survival_at`].
    pub fn survival_at_each<const N: usize>(mut self, days: [u32; N]) -> [f64; N] {
        debug_assert!(days.is_sorted(), "{days:?}");
        let (mut walked, mut last) = (0u64, 1.0);
        days.map(|day| {
            while walked <= u64::from(day) {
                let Some(s) = self.next() else { break };
                (walked, last) = (walked + 1, s);
            }
            last
        })
    }

    /// As [`KaplanMeier::median`]: the first day with S ≤ 0.5.
    pub fn median(mut self) -> Option<u32> {
        self.position(|s| s <= 0.5).and_then(|i| u32::try_from(i).ok())
    }
}

impl Iterator for SurvivalByDay<'_> {
    type Item = f64;

    fn next(&mut self) -> Option<f64> {
        if self.day >= self.len {
            return None;
        }
        self.step(self.day);
        self.day += 1;
        Some(self.survival)
    }
}

/// Kaplan–Meier survival curve on a daily grid.
///
/// Index t is follow-up day t. `survival[t]` is S at the end of day t (after that day's
/// events), `at_risk[t]` the number still followed at the start of day t. On a day with both
/// events and censorings the events come first, so those censored that day count as at risk
/// for the day's events (the standard convention).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KaplanMeier {
    pub survival: Vec<f64>,
    pub at_risk: Vec<u32>,
    pub events: Vec<u32>,
    pub censored: Vec<u32>,
    /// Cumulative Greenwood sum Σ d / (n (n − d)) up to each day.
    greenwood: Vec<f64>,
}

impl KaplanMeier {
    /// Builds the curve from per-day event and censoring counts for `n_start` subjects.
    ///
    /// The shorter count slice is padded with zeros. Counts that would exceed those still at
    /// risk (inconsistent input) are clipped: at risk never goes below zero and a day's events
    /// never exceed those at risk, so S stays in [0, 1] and non-increasing.
    pub fn from_counts(events: &[u32], censored: &[u32], n_start: u32) -> KaplanMeier {
        let len = events.len().max(censored.len());
        let mut km = KaplanMeier {
            survival: vec![0.0; len],
            at_risk: vec![0; len],
            events: vec![0; len],
            censored: vec![0; len],
            greenwood: vec![0.0; len],
        };
        // Written through zipped slices rather than pushed: a push per column per day kept
        // five lengths in memory and was most of the time of the summaries after a run.
        let columns = km
            .survival
            .iter_mut()
            .zip(km.at_risk.iter_mut())
            .zip(km.events.iter_mut())
            .zip(km.censored.iter_mut())
            .zip(km.greenwood.iter_mut());
        let mut steps = SurvivalByDay::new(events, censored, n_start);
        let mut gw = 0.0_f64;
        for (t, ((((s_t, n_t), d_t), c_t), gw_t)) in columns.enumerate() {
            let n = steps.at_risk;
            let (d, c) = steps.step(t);
            if d > 0 {
                let (nf, df) = (f64::from(n), f64::from(d));
                // When everyone at risk has the event the term is infinite; S is then 0 and
                // the interval is pinned at 0 regardless.
                gw += df / (nf * (nf - df));
            }
            (*s_t, *n_t, *d_t, *c_t, *gw_t) = (steps.survival, n, d, c, gw);
        }
        km
    }

    /// Builds the curve from individual `(day, had_event)` records over days `0..horizon`.
    ///
    /// Records on or after `horizon` are still being followed when follow-up ends: they count
    /// as at risk on every day of the curve and are censored after it.
    pub fn from_observations(obs: &[(u32, bool)], horizon: u32) -> KaplanMeier {
        let len = horizon as usize;
        let mut events = vec![0u32; len];
        let mut censored = vec![0u32; len];
        for &(day, event) in obs {
            let Some(i) = usize::try_from(day).ok().filter(|&i| i < len) else {
                continue;
            };
            if event {
                events[i] += 1;
            } else {
                censored[i] += 1;
            }
        }
        let n_start = u32::try_from(obs.len()).unwrap_or(u32::MAX);
        KaplanMeier::from_counts(&events, &censored, n_start)
    }

    /// Number of days on the curve.
    pub fn len(&self) -> usize {
        self.survival.len()
    }

    /// True if the curve has no days.
    pub fn is_empty(&self) -> bool {
        self.survival.is_empty()
    }

    /// Index to read for `day`: past the end of follow-up the last value carries forward.
    fn index(&self, day: u32) -> Option<usize> {
        let last = self.survival.len().checked_sub(1)?;
        Some(usize::try_from(day).map_or(last, |d| d.min(last)))
    }

    /// S(day): probability of no event by the end of `day`. 1 for an empty curve.
    pub fn survival_at(&self, day: u32) -> f64 {
        self.index(day).map_or(1.0, |i| self.survival[i])
    }

    /// Cumulative incidence 1 − S(day).
    pub fn incidence_at(&self, day: u32) -> f64 {
        1.0 - self.survival_at(day)
    }

    /// First day with S ≤ 0.5, or `None` if survival stays above one half throughout.
    pub fn median(&self) -> Option<u32> {
        self.survival.iter().position(|&s| s <= 0.5).and_then(|i| u32::try_from(i).ok())
    }

    /// Pointwise 95% interval for S(day) using Greenwood's variance on the log(−log S) scale
    /// (Kalbfleisch–Prentice): `S^exp(±1.96·√G / |ln S|)` with G the Greenwood sum. Unlike
    /// the plain `S ± 1.96·S·√G` it never leaves [0, 1]. Collapses to (1, 1) before the first
    /// event and to (0, 0) once S reaches 0.
    pub fn greenwood_interval_at(&self, day: u32) -> (f64, f64) {
        let Some(i) = self.index(day) else {
            return (1.0, 1.0);
        };
        let s = self.survival[i];
        if s >= 1.0 || s <= 0.0 {
            return (s, s);
        }
        let ln_s = s.ln();
        let w = Z_975 * self.greenwood[i].sqrt() / ln_s.abs();
        // S^exp(w) is the lower bound because S < 1 and exp(w) > 1.
        (s.powf(w.exp()), s.powf((-w).exp()))
    }
}

/// Discount factor for costs incurred in follow-up `year` (0-based), with costs discounted to
/// the start of follow-up using the beginning-of-year convention: each year's costs are
/// valued as if paid on its first day, so year 0 is undiscounted and year k is divided by
/// (1 + rate)^k.
pub fn discount_factor(rate: f64, year: usize) -> f64 {
    let k = i32::try_from(year).unwrap_or(i32::MAX);
    1.0 / (1.0 + rate).powi(k)
}

/// Present value at the start of follow-up of `yearly[k]` = costs in year k, under the
/// [`discount_factor`] convention.
pub fn present_value(yearly: &[f64], rate: f64) -> f64 {
    yearly.iter().enumerate().map(|(k, c)| c * discount_factor(rate, k)).sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn t_quantiles_match_reference_values() {
        let cases = [
            (1.0, 12.706),
            (2.0, 4.303),
            (5.0, 2.571),
            (10.0, 2.228),
            (30.0, 2.042),
            (100.0, 1.984),
        ];
        for (df, want) in cases {
            let got = t_quantile_975(df);
            assert!(close(got, want, 5e-4), "df {df}: {got} vs {want}");
        }
        assert!(close(t_quantile_975(1e9), 1.960, 5e-4));
        assert_eq!(t_quantile_975(f64::INFINITY), Z_975);
        assert!(t_quantile_975(0.0).is_nan());
    }

    #[test]
    fn t_quantiles_fractional_df_match_exact_values() {
        // Exact values computed with mpmath (inverse regularised incomplete beta).
        let cases = [
            (1.001, 12.676_247_858_6),
            (1.2, 8.648_826_510_75),
            (1.5, 6.016_663_104_43),
            (2.5, 3.574_654_842),
            (3.7, 2.867_520_707_19),
            (7.3, 2.345_066_736_55),
            (12.5, 2.169_185_942_71),
            (19.9, 2.086_635_638_4),
            (29.5, 2.043_724_966_77),
            (31.0, 2.039_513_446_4),
            (45.2, 2.013_857_442_17),
            (1000.0, 1.962_339_080_83),
        ];
        for (df, want) in cases {
            let got = t_quantile_975(df);
            assert!(close(got, want, 1e-6 * want), "df {df}: {got} vs {want}");
        }
    }

    #[test]
    fn special_functions_match_known_values() {
        // Γ(5) = 24, Γ(½) = √π, Γ(0.1) = 9.513507698668732.
        assert!(close(ln_gamma(5.0), 24.0_f64.ln(), 1e-13));
        assert!(close(ln_gamma(0.5), std::f64::consts::PI.sqrt().ln(), 1e-13));
        assert!(close(ln_gamma(0.1), 9.513_507_698_668_732_f64.ln(), 1e-13));
        // The refined tail reproduces the exact table at integer df.
        for (i, t) in T_975_TABLE.iter().enumerate() {
            let df = (i + 1) as f64;
            assert!(close(t_upper_tail(*t, df), 0.025, 1e-12), "df {df}");
            assert!(close(refine_t_quantile_975(df, hill_t_quantile_975(df)), *t, 1e-10));
        }
    }

    #[test]
    fn t_quantile_is_continuous_at_table_edges_and_decreasing() {
        // The three methods must join smoothly, or Welch intervals would jump with df.
        let mut prev = f64::INFINITY;
        let mut df = 1.0;
        while df <= 200.0 {
            let t = t_quantile_975(df);
            assert!(t < prev, "not decreasing at df {df}: {t} >= {prev}");
            prev = t;
            df += 0.125;
        }
        assert!(close(cornish_fisher_t_quantile_975(30.0), T_975_TABLE[29], 1e-6));
    }

    #[test]
    fn mean_interval_known_sample() {
        let e = mean_interval(&[1.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!(e.mean, 3.0);
        assert!(close(e.sd, 1.581_139, 1e-6));
        // 2.776445 · 1.581139 / √5 = 1.963243
        assert!(close(e.half_width(), 1.963_243, 1e-5));
        assert!(close(e.lo, 3.0 - 1.963_243, 1e-5));
        assert!(close(e.hi, 3.0 + 1.963_243, 1e-5));
        assert_eq!(e.n, 5);
    }

    #[test]
    fn mean_interval_degenerate_sizes() {
        let one = mean_interval(&[4.5]);
        assert_eq!((one.mean, one.sd, one.n), (4.5, 0.0, 1));
        // Failed before: one replication gave the zero-width interval [4.5, 4.5].
        assert!(one.lo.is_nan() && one.hi.is_nan(), "no interval from one value: {one:?}");
        let welch = unpaired_difference(&[1.0], &[2.0, 3.0]);
        assert_eq!(welch.mean, 1.5);
        assert!(welch.lo.is_nan() && welch.hi.is_nan(), "{welch:?}");
        let none = mean_interval(&[]);
        assert!(none.mean.is_nan() && none.lo.is_nan() && none.hi.is_nan() && none.sd.is_nan());
        assert_eq!(none.n, 0);
    }

    #[test]
    fn paired_difference_of_identical_series_is_exactly_zero() {
        let xs = [3.2, 7.9, 1.1, 4.4, 10.0];
        let e = paired_difference(&xs, &xs).unwrap();
        assert_eq!((e.mean, e.lo, e.hi, e.sd), (0.0, 0.0, 0.0, 0.0));
        assert_eq!(e.n, 5);
    }

    #[test]
    fn paired_difference_rejects_mismatched_lengths() {
        assert_eq!(
            paired_difference(&[1.0, 2.0], &[1.0]),
            Err(StatsError::LengthMismatch { base: 2, alt: 1 })
        );
    }

    #[test]
    fn paired_interval_is_narrower_than_welch_for_correlated_series() {
        // Large shared noise plus a small arm-specific wobble, as under common random numbers.
        let base: Vec<f64> = (0..20)
            .map(|i| 100.0 + 30.0 * f64::from(i * 7 % 11) - 4.0 * f64::from(i % 3))
            .collect();
        let alt: Vec<f64> = base
            .iter()
            .enumerate()
            .map(|(i, b)| b - 5.0 + if i % 2 == 0 { 1.0 } else { -1.0 })
            .collect();
        let paired = paired_difference(&base, &alt).unwrap();
        let welch = unpaired_difference(&base, &alt);
        assert!(close(paired.mean, welch.mean, 1e-9));
        assert!(close(paired.mean, -5.0, 1e-9));
        assert!(paired.half_width() * 10.0 < welch.half_width());
        assert!(paired.lo < -5.0 && -5.0 < paired.hi);
        let vr = variance_reduction(&base, &alt);
        assert!(vr > 0.99 && vr < 1.0, "variance reduction {vr}");
    }

    #[test]
    fn welch_matches_hand_computation() {
        // base: mean 2, var 1, n 3; alt: mean 6, var 2.5, n 5.
        let base = [1.0, 2.0, 3.0];
        let alt = [4.0, 5.0, 6.0, 7.0, 8.0];
        let e = unpaired_difference(&base, &alt);
        // sb = 1/3, sa = 2.5/5 = 0.5, se² = 5/6.
        // df = (5/6)² / ((1/3)²/2 + 0.5²/4) = 0.694444 / (0.055556 + 0.0625) = 5.882353.
        let se = (5.0_f64 / 6.0).sqrt();
        let t = t_quantile_975(25.0 / 36.0 / (1.0 / 18.0 + 1.0 / 16.0));
        assert_eq!(e.mean, 4.0);
        assert!(close(e.half_width(), t * se, 1e-12));
        // t(5.88) lies between t(6) and t(5).
        assert!(t > T_975_TABLE[5] && t < T_975_TABLE[4]);
        assert!(close(e.sd, 3.5_f64.sqrt(), 1e-12));
        assert_eq!(e.n, 3);
    }

    #[test]
    fn variance_reduction_is_zero_for_uncorrelated_arms() {
        // Orthogonal deviations: cov = 0, so var(diff) = var(base) + var(alt).
        let base = [1.0, -1.0, 1.0, -1.0];
        let alt = [1.0, 1.0, -1.0, -1.0];
        assert!(close(variance_reduction(&base, &alt), 0.0, 1e-12));
        assert!(variance_reduction(&base, &alt[..3]).is_nan());
    }

    #[test]
    fn quantile_type_7() {
        let xs = [1.0, 2.0, 4.0, 8.0];
        assert_eq!(quantile(&xs, 0.0), 1.0);
        assert_eq!(quantile(&xs, 1.0), 8.0);
        // h = 3 · 0.5 = 1.5 → 2 + 0.5 · (4 − 2)
        assert_eq!(quantile(&xs, 0.5), 3.0);
        // h = 3 · 0.9 = 2.7 → 4 + 0.7 · 4
        assert!(close(quantile(&xs, 0.9), 6.8, 1e-12));
        assert_eq!(quantile(&[5.0], 0.3), 5.0);
        assert!(quantile(&[], 0.5).is_nan());
    }

    /// 10 subjects; events on days 2, 3, 3, 6, 9; censored on days 3, 4, 7, 10, 10.
    ///
    /// By hand (events before censorings on a shared day):
    /// - day 2: at risk 10, 1 event → S = 9/10 = 0.9; 9 remain.
    /// - day 3: at risk 9, 2 events → S = 0.9 · 7/9 = 0.7; then 1 censored → 6 remain.
    /// - day 4: 1 censored → 5 remain.
    /// - day 6: at risk 5, 1 event → S = 0.7 · 4/5 = 0.56; 4 remain.
    /// - day 7: 1 censored → 3 remain.
    /// - day 9: at risk 3, 1 event → S = 0.56 · 2/3 = 0.373333…; 2 remain.
    /// - day 10: 2 censored.
    ///
    /// S(6) = 0.56 > 0.5 and S(9) ≤ 0.5, so the median is day 9.
    fn example_observations() -> Vec<(u32, bool)> {
        vec![
            (2, true),
            (3, true),
            (3, true),
            (6, true),
            (9, true),
            (3, false),
            (4, false),
            (7, false),
            (10, false),
            (10, false),
        ]
    }

    #[test]
    fn kaplan_meier_hand_computed_example() {
        let mut events = [0u32; 11];
        let mut censored = [0u32; 11];
        for (day, ev) in example_observations() {
            if ev {
                events[day as usize] += 1;
            } else {
                censored[day as usize] += 1;
            }
        }
        let km = KaplanMeier::from_counts(&events, &censored, 10);
        let want = [1.0, 1.0, 0.9, 0.7, 0.7, 0.7, 0.56, 0.56, 0.56, 0.373_333, 0.373_333];
        for (t, w) in want.iter().enumerate() {
            assert!(close(km.survival[t], *w, 1e-6), "day {t}: {}", km.survival[t]);
        }
        assert_eq!(km.at_risk, vec![10, 10, 10, 9, 6, 5, 5, 4, 3, 3, 2]);
        assert_eq!(km.median(), Some(9));
        assert!(close(km.incidence_at(3), 0.3, 1e-12));
        // Beyond follow-up the last value carries forward.
        assert_eq!(km.survival_at(500), km.survival[10]);
        assert_eq!(km, KaplanMeier::from_observations(&example_observations(), 11));
    }

    #[test]
    fn greenwood_interval_hand_computed() {
        let km = KaplanMeier::from_observations(&example_observations(), 11);
        // G(3) = 1/(10·9) + 2/(9·7) = 0.011111 + 0.031746 = 0.042857.
        // w = 1.96 · √G / |ln 0.7| = 1.959964 · 0.207020 / 0.356675 = 1.137586.
        // lo = 0.7^e^w = 0.7^3.119 = 0.32869; hi = 0.7^e^-w = 0.7^0.3206 = 0.89192.
        let g: f64 = 1.0 / 90.0 + 2.0 / 63.0;
        let w = Z_975 * g.sqrt() / 0.7_f64.ln().abs();
        let (lo, hi) = km.greenwood_interval_at(3);
        assert!(close(lo, 0.7_f64.powf(w.exp()), 1e-12));
        assert!(close(hi, 0.7_f64.powf((-w).exp()), 1e-12));
        assert!(close(lo, 0.328_69, 1e-4) && close(hi, 0.891_92, 1e-4));
        assert_eq!(km.greenwood_interval_at(1), (1.0, 1.0));
    }

    #[test]
    fn kaplan_meier_without_censoring_is_one_minus_empirical_cdf() {
        let days = [0u32, 1, 1, 4, 4, 4, 7, 8];
        let obs: Vec<(u32, bool)> = days.iter().map(|&d| (d, true)).collect();
        let km = KaplanMeier::from_observations(&obs, 10);
        for t in 0..10u32 {
            let ecdf = days.iter().filter(|&&d| d <= t).count() as f64 / days.len() as f64;
            assert!(close(km.survival_at(t), 1.0 - ecdf, 1e-12), "day {t}");
        }
        assert_eq!(km.survival_at(8), 0.0);
        assert_eq!(km.greenwood_interval_at(9), (0.0, 0.0));
        assert_eq!(km.median(), Some(4));
    }

    #[test]
    fn kaplan_meier_edge_cases() {
        let empty = KaplanMeier::from_counts(&[], &[], 0);
        assert!(empty.is_empty());
        assert_eq!(empty.survival_at(3), 1.0);
        assert_eq!(empty.median(), None);
        // Observations past the horizon stay at risk throughout.
        let km = KaplanMeier::from_observations(&[(1, true), (50, true)], 5);
        assert_eq!(km.at_risk, vec![2, 2, 1, 1, 1]);
        assert_eq!(km.survival_at(4), 0.5);
        // Inconsistent counts are clipped rather than underflowing.
        let km = KaplanMeier::from_counts(&[3, 5], &[4], 5);
        assert_eq!(km.events, vec![3, 0]);
        assert_eq!(km.censored, vec![2, 0]);
        assert_eq!(km.survival, vec![0.4, 0.4]);
    }

    #[test]
    fn discounting_beginning_of_year() {
        assert_eq!(discount_factor(0.03, 0), 1.0);
        assert!(close(discount_factor(0.03, 1), 0.970_874, 1e-6));
        // 100 + 97.0874 + 94.2596
        assert!(close(present_value(&[100.0, 100.0, 100.0], 0.03), 291.347, 1e-3));
        assert_eq!(present_value(&[], 0.03), 0.0);
        assert_eq!(present_value(&[10.0, 20.0], 0.0), 30.0);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn survival_by_day_reads_what_the_whole_curve_reads(
            events in prop::collection::vec(0u32..6, 0..60),
            censored in prop::collection::vec(0u32..6, 0..60),
            n_start in 0u32..200,
        ) {
            // The product limit written out on its own, as a reference for both.
            let len = events.len().max(censored.len());
            let (mut n, mut s, mut reference) = (n_start, 1.0_f64, Vec::new());
            for t in 0..len {
                let d = events.get(t).copied().unwrap_or(0).min(n);
                let c = censored.get(t).copied().unwrap_or(0).min(n - d);
                if d > 0 {
                    s *= 1.0 - f64::from(d) / f64::from(n);
                }
                reference.push(s);
                n -= d + c;
            }
            let km = KaplanMeier::from_counts(&events, &censored, n_start);
            let by_day = || SurvivalByDay::new(&events, &censored, n_start);
            prop_assert_eq!(&km.survival, &reference);
            prop_assert_eq!(by_day().collect::<Vec<f64>>(), reference);
            prop_assert_eq!(by_day().median(), km.median());
            for day in (0..len as u32 + 3).chain([u32::MAX]) {
                prop_assert_eq!(by_day().survival_at(day).to_bits(), km.survival_at(day).to_bits());
                prop_assert_eq!(by_day().incidence_at(day).to_bits(), km.incidence_at(day).to_bits());
            }
        }

        #[test]
        fn kaplan_meier_is_monotone_and_bounded(
            counts in prop::collection::vec((0u32..6, 0u32..6), 0..60),
            extra in 0u32..20,
        ) {
            let events: Vec<u32> = counts.iter().map(|c| c.0).collect();
            let censored: Vec<u32> = counts.iter().map(|c| c.1).collect();
            let n_start = counts.iter().map(|c| c.0 + c.1).sum::<u32>() + extra;
            let km = KaplanMeier::from_counts(&events, &censored, n_start);
            prop_assert_eq!(&km.events, &events);
            prop_assert_eq!(&km.censored, &censored);
            let mut prev_s = 1.0;
            let mut prev_n = n_start;
            for t in 0..km.len() {
                let s = km.survival[t];
                prop_assert!((0.0..=1.0).contains(&s));
                prop_assert!(s <= prev_s);
                prop_assert!(km.at_risk[t] <= prev_n);
                let (lo, hi) = km.greenwood_interval_at(t as u32);
                prop_assert!(0.0 <= lo && lo <= s + 1e-12 && s <= hi + 1e-12 && hi <= 1.0);
                prev_s = s;
                prev_n = km.at_risk[t];
            }
        }

        #[test]
        fn kaplan_meier_survives_inconsistent_counts(
            events in prop::collection::vec(0u32..10, 0..30),
            censored in prop::collection::vec(0u32..10, 0..30),
            n_start in 0u32..15,
        ) {
            let km = KaplanMeier::from_counts(&events, &censored, n_start);
            prop_assert!(km.survival.windows(2).all(|w| w[1] <= w[0]));
            prop_assert!(km.survival.iter().all(|s| (0.0..=1.0).contains(s)));
            prop_assert!(km.at_risk.windows(2).all(|w| w[1] <= w[0]));
        }

        #[test]
        fn paired_equals_unpaired_mean(xs in prop::collection::vec((-1e3f64..1e3, -1e3f64..1e3), 2..30)) {
            let base: Vec<f64> = xs.iter().map(|x| x.0).collect();
            let alt: Vec<f64> = xs.iter().map(|x| x.1).collect();
            let p = paired_difference(&base, &alt).unwrap();
            let u = unpaired_difference(&base, &alt);
            prop_assert!((p.mean - u.mean).abs() <= 1e-9);
            prop_assert!(p.lo <= p.mean && p.mean <= p.hi);
            prop_assert!(u.lo <= u.mean && u.mean <= u.hi);
        }
    }
}
