//! Random streams that make runs reproducible and comparisons fair.
//!
//! Every random number is a pure function of (seed, replication, citizen, day, purpose): a
//! counter-based generator. That gives byte-identical results whatever the thread count, and
//! the strongest form of common random numbers: a citizen's luck on day 300 does not depend on
//! what happened to them before, so two regimes differ only where the regime changes the
//! person's state. Distributions that need a sequential generator (population synthesis,
//! durations) seed a `Xoshiro256PlusPlus` from such a key.

use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;

/// The splitmix64 finaliser: a bijective mixer with full avalanche.
#[inline(always)]
pub fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

const GOLDEN: u64 = 0x9e37_79b9_7f4a_7c15;

/// Combines a key with one more word; order matters, so (a, b) and (b, a) differ.
#[inline(always)]
pub fn derive(key: u64, word: u64) -> u64 {
    mix64(key ^ mix64(word.wrapping_add(GOLDEN)))
}

/// What a random number is for. Each purpose is its own stream, so adding a draw for one
/// mechanism never shifts the numbers another mechanism sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum Purpose {
    Population = 1,
    Reoffend,
    Detect,
    Convict,
    Custody,
    Sentence,
    Victims,
    Relapse,
    Remission,
    Eviction,
    JobLoss,
    JobFound,
    Violation,
    Screening,
    Handover,
    SelfReferral,
    CaseManagerReferral,
    Dropout,
    Duration,
    Outcome,
    Probation,
    Restorative,
    Incident,
    Arranged,
    Waiver,
    Frailty,
    JusticeDelay,
    /// The event engine: the gaps between a citizen's base days (see `engine::events`).
    EventTime,
    /// The event engine: whether a base day is a candidate day for a window's bound.
    EventAccept,
}

/// The stream key of one citizen in one replication.
#[inline]
pub fn citizen_key(seed: u64, replication: u32, citizen: u32) -> u64 {
    derive(derive(seed, replication as u64), citizen as u64)
}

/// The number of purposes (one more than the largest discriminant).
pub const PURPOSES: usize = Purpose::EventAccept as usize + 1;

/// The word a draw hashes with the citizen's key; `purpose` is a [`Purpose`]'s number.
#[inline(always)]
fn word(day: u32, purpose: u32, detail: u32) -> u64 {
    ((day as u64) << 32) | ((purpose as u64) << 16) | detail as u64
}

/// The answer to "does an event of chance `p` happen", drawing only when it is uncertain.
#[inline(always)]
fn decide(p: f64, draw: impl FnOnce() -> f64) -> bool {
    p > 0.0 && (p >= 1.0 || draw() < p)
}

/// Random bits as a uniform number in [0, 1).
#[inline(always)]
fn unit(bits: u64) -> f64 {
    // 53 high bits give every representable multiple of 2^-53 in [0, 1). They fit an i64,
    // whose conversion is one instruction where a u64's takes several on x86-64.
    ((bits >> 11) as i64) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// A uniform number in [0, 1) for (citizen key, day, purpose, detail).
#[inline(always)]
pub fn uniform(key: u64, day: u32, purpose: Purpose, detail: u32) -> f64 {
    unit(derive(key, word(day, purpose as u32, detail)))
}

/// The draws of one day with detail 0, for any citizen. Half of a draw's hash depends on
/// the day and purpose only; it is mixed once per day here, so the daily pass pays for
/// the other half only. The numbers are exactly those of [`uniform`].
#[derive(Debug, Clone)]
pub struct DayDraws {
    mixed: [u64; PURPOSES],
}

impl DayDraws {
    pub fn new(day: u32) -> Self {
        let mut mixed = [0; PURPOSES];
        for (k, m) in mixed.iter_mut().enumerate() {
            // Purposes are numbered densely from 1; entry 0 is never read.
            *m = mix64(word(day, k as u32, 0).wrapping_add(GOLDEN));
        }
        Self { mixed }
    }

    /// [`uniform`]`(key, day, purpose, 0)`.
    #[inline(always)]
    pub fn uniform(&self, key: u64, purpose: Purpose) -> f64 {
        unit(mix64(key ^ self.mixed[purpose as usize]))
    }

    /// [`chance`]`(key, day, purpose, 0, p)` with the draw always made: the same answer for
    /// every `p` (a uniform in [0, 1) is never below 0 and always below 1), without a
    /// branch on `p`, for chances that are 0 for some citizens (see `select`).
    #[inline(always)]
    pub fn below(&self, key: u64, purpose: Purpose, p: f64) -> bool {
        self.uniform(key, purpose) < p
    }

    /// [`chance`]`(key, day, purpose, 0, p)`.
    #[inline(always)]
    pub fn chance(&self, key: u64, purpose: Purpose, p: f64) -> bool {
        decide(p, || self.uniform(key, purpose))
    }
}

/// True with probability `p`, drawing nothing when the outcome is certain.
#[inline(always)]
pub fn chance(key: u64, day: u32, purpose: Purpose, detail: u32, p: f64) -> bool {
    decide(p, || uniform(key, day, purpose, detail))
}

/// [`chance`] for a probability that is costly to compute but known to be at most `bound`:
/// the draw is compared with `bound` first and `exact` is evaluated only when it could
/// matter. Gives exactly the answer of `chance(.., exact())`.
#[inline(always)]
pub fn chance_within(
    key: u64,
    day: u32,
    purpose: Purpose,
    detail: u32,
    bound: f64,
    exact: impl FnOnce() -> f64,
) -> bool {
    if bound <= 0.0 {
        return false;
    }
    if bound >= 1.0 {
        return chance(key, day, purpose, detail, exact());
    }
    let u = uniform(key, day, purpose, detail);
    u < bound && u < exact()
}

/// The half of [`bits`]`(_, day, purpose, detail)` that does not depend on the key, for
/// tables of draws asked again and again (see [`bits_from`]).
pub fn key_free_half(day: u32, purpose: Purpose, detail: u32) -> u64 {
    mix64(word(day, purpose as u32, detail).wrapping_add(GOLDEN))
}

/// [`bits`] from its key-free half ([`key_free_half`]): the same 64 bits.
#[inline(always)]
pub fn bits_from(key: u64, key_free: u64) -> u64 {
    mix64(key ^ key_free)
}

/// [`uniform`] from its key-free half ([`key_free_half`]): the same number.
#[inline(always)]
pub fn uniform_from(key: u64, key_free: u64) -> f64 {
    unit(bits_from(key, key_free))
}

/// 64 random bits for one (citizen, day, purpose, detail): the hash [`uniform`] is made of.
#[inline]
pub fn bits(key: u64, day: u32, purpose: Purpose, detail: u32) -> u64 {
    derive(key, word(day, purpose as u32, detail))
}

/// A sequential generator for one (citizen, day, purpose), for sampling from `rand_distr`.
pub fn generator(key: u64, day: u32, purpose: Purpose, detail: u32) -> Xoshiro256PlusPlus {
    Xoshiro256PlusPlus::seed_from_u64(derive(key, word(day, purpose as u32, detail)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_days_draws_are_those_of_uniform() {
        for day in [0, 1, 365, 19_999] {
            let today = DayDraws::new(day);
            for citizen in 0..50 {
                let k = citizen_key(11, 2, citizen);
                for purpose in [Purpose::Population, Purpose::Reoffend, Purpose::Waiver] {
                    let expected = uniform(k, day, purpose, 0);
                    assert_eq!(today.uniform(k, purpose).to_bits(), expected.to_bits());
                    for p in [0.0, 0.3, 1.0] {
                        assert_eq!(today.chance(k, purpose, p), chance(k, day, purpose, 0, p));
                        assert_eq!(today.below(k, purpose, p), chance(k, day, purpose, 0, p));
                    }
                }
            }
        }
    }

    #[test]
    fn a_draw_always_made_agrees_with_chance() {
        let k = citizen_key(3, 0, 9);
        for day in 0..2_000 {
            let today = DayDraws::new(day);
            for p in [-0.5, 0.0, 1e-9, 0.01, 0.5, 0.999, 1.0, 1.5, f64::NAN] {
                let expected = chance(k, day, Purpose::Relapse, 0, p);
                assert_eq!(today.below(k, Purpose::Relapse, p), expected, "day {day}, p {p}");
            }
        }
    }

    #[test]
    fn uniform_is_a_pure_function_of_its_arguments() {
        let k = citizen_key(7, 1, 42);
        assert_eq!(uniform(k, 10, Purpose::Reoffend, 0), uniform(k, 10, Purpose::Reoffend, 0));
        assert_ne!(uniform(k, 10, Purpose::Reoffend, 0), uniform(k, 11, Purpose::Reoffend, 0));
        assert_ne!(uniform(k, 10, Purpose::Reoffend, 0), uniform(k, 10, Purpose::Relapse, 0));
        assert_ne!(citizen_key(7, 1, 42), citizen_key(7, 42, 1));
    }

    #[test]
    fn uniform_has_the_moments_of_u01() {
        let k = citizen_key(1, 0, 0);
        let n = 200_000;
        let xs: Vec<f64> = (0..n).map(|d| uniform(k, d, Purpose::Reoffend, 3)).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
        // Standard error of the mean is 1/sqrt(12 n) ≈ 0.00065: allow 5 of them.
        assert!((mean - 0.5).abs() < 0.0033, "mean {mean}");
        assert!((var - 1.0 / 12.0).abs() < 0.002, "var {var}");
        assert!(xs.iter().all(|x| (0.0..1.0).contains(x)));
        // Adjacent citizens must not be correlated.
        let ys: Vec<f64> =
            (0..n).map(|d| uniform(citizen_key(1, 0, 1), d, Purpose::Reoffend, 3)).collect();
        let cov = xs.iter().zip(&ys).map(|(x, y)| (x - 0.5) * (y - 0.5)).sum::<f64>() / n as f64;
        assert!((cov * 12.0).abs() < 0.015, "correlation {}", cov * 12.0);
    }

    #[test]
    fn chance_respects_certain_outcomes() {
        let k = citizen_key(3, 0, 0);
        assert!(!chance(k, 0, Purpose::Detect, 0, 0.0));
        assert!(chance(k, 0, Purpose::Detect, 0, 1.0));
        let hits = (0..100_000).filter(|d| chance(k, *d, Purpose::Detect, 0, 0.3)).count();
        assert!((hits as f64 / 100_000.0 - 0.3).abs() < 0.01);
    }
}
