//! Where a day's chances get their answers. The rules of a day ask "does this event of chance
//! `p` happen?" through a [`DrawSource`]; the daily engine answers with the day's own draws
//! ([`Daily`], one uniform per citizen, day and purpose), the event engine on a candidate day
//! of a window whose chances are bounded by `q` with the same draws against `p / q`
//! ([`Thinned`]): candidate days come with chance `q`, so each event happens with exactly its
//! chance, and two scenarios asking similar chances on the same candidate day are answered by
//! the same draws (see [`super::events`]).

use super::fastmath::{chance_of_event, exp_upper_bound};
use crate::rng::{DayDraws, Purpose, chance_within};

/// Answers the chances of one citizen's day.
pub(crate) trait DrawSource {
    /// Whether any chance can come true: `false` only for [`Never`], which lets a day's rules
    /// skip the work of computing chances that cannot matter.
    const CAN_HAPPEN: bool = true;

    /// Whether an event of chance `p` happens (`p` ≤ 0: never; ≥ 1: always).
    fn below(&mut self, today: &DayDraws, key: u64, purpose: Purpose, p: f64) -> bool;

    /// The same answer as [`DrawSource::below`], for chances that are often exactly 0.
    fn chance(&mut self, today: &DayDraws, key: u64, purpose: Purpose, p: f64) -> bool;

    /// Whether the person offends today, with a cumulative hazard `dh · e^x`.
    fn reoffends(&mut self, today: &DayDraws, key: u64, dh: f64, x: f64) -> bool;

    /// Whether an event whose chance `exact()` is at most `bound` happens on day `day`; its
    /// own stream has a `detail` (the programme of a drop-out), see [`chance_within`].
    fn within(
        &mut self,
        key: u64,
        day: u32,
        purpose: Purpose,
        detail: u32,
        bound: f64,
        exact: impl FnOnce() -> f64,
    ) -> bool;
}

/// The daily engine's answers: the day's draws, keyed by citizen and purpose.
pub(crate) struct Daily;

impl DrawSource for Daily {
    #[inline(always)]
    fn below(&mut self, today: &DayDraws, key: u64, purpose: Purpose, p: f64) -> bool {
        today.below(key, purpose, p)
    }

    #[inline(always)]
    fn chance(&mut self, today: &DayDraws, key: u64, purpose: Purpose, p: f64) -> bool {
        today.chance(key, purpose, p)
    }

    #[inline(always)]
    fn reoffends(&mut self, today: &DayDraws, key: u64, dh: f64, x: f64) -> bool {
        // Most days the draw lies far above the chance: rule that out with a cheap upper
        // bound (2^⌊x·log2 e⌋+2 > e^x, and 1 − e^−y ≤ y) before paying for the exponential.
        let u = today.uniform(key, Purpose::Reoffend);
        u < dh * exp_upper_bound(x) && u < chance_of_event(dh * x.exp())
    }

    #[inline(always)]
    fn within(
        &mut self,
        key: u64,
        day: u32,
        purpose: Purpose,
        detail: u32,
        bound: f64,
        exact: impl FnOnce() -> f64,
    ) -> bool {
        chance_within(key, day, purpose, detail, bound, exact)
    }
}

/// The answers of a day on which nothing happens by chance: the daily engine's rules with
/// every chance answered "no" give the deterministic part of an uneventful day (costs,
/// counters, debt, network, care, recovery), the reference the event engine's catching up of
/// skipped days is tested against (see `super::quiet`).
#[cfg(test)]
pub(crate) struct Never;

#[cfg(test)]
impl DrawSource for Never {
    const CAN_HAPPEN: bool = false;

    #[inline(always)]
    fn below(&mut self, _: &DayDraws, _: u64, _: Purpose, _: f64) -> bool {
        false
    }

    #[inline(always)]
    fn chance(&mut self, _: &DayDraws, _: u64, _: Purpose, _: f64) -> bool {
        false
    }

    #[inline(always)]
    fn reoffends(&mut self, _: &DayDraws, _: u64, _: f64, _: f64) -> bool {
        false
    }

    #[inline(always)]
    fn within(
        &mut self,
        _: u64,
        _: u32,
        _: Purpose,
        _: u32,
        _: f64,
        _: impl FnOnce() -> f64,
    ) -> bool {
        false
    }
}

/// The event engine's answers on a drawn candidate day of a window whose chances are bounded
/// by `bound` (thinning). Until an event happens, the day's chances are asked in the rules'
/// order as breaks of a stick of length `bound`: the `k`-th, of chance `p_k`, happens when the
/// day's own draw for its purpose falls below `p_k / (bound − p_1 − … − p_{k−1})`. With
/// candidate days coming with chance `bound`, the first event of the day is event `k` with
/// exactly its daily chance `p_k`. After an event, the rest of the day is answered as the daily
/// engine answers it (the day's draws against the chances of the changed state). Two
/// scenarios asking similar chances on the same candidate day get paired answers from the same
/// draws (common random numbers).
pub(crate) struct Thinned {
    /// What is left of the stick.
    left: f64,
    /// Whether a chance asked before any event exceeded what was left of the bound (it would
    /// have been given less than its chance).
    pub exceeded: bool,
    /// Whether an event happened today.
    pub happened: bool,
}

impl Thinned {
    pub fn new(bound: f64) -> Self {
        Self { left: bound, exceeded: false, happened: false }
    }

    /// The chance a draw must beat for an event of daily chance `p` asked now.
    #[inline(always)]
    fn threshold(&mut self, p: f64) -> f64 {
        if self.happened {
            return p;
        }
        // A few ulps of rounding in the summed bound are not an excess.
        self.exceeded |= p > self.left * (1.0 + 1e-9);
        let t = p / self.left;
        self.left -= p;
        t
    }

    #[inline(always)]
    fn noted(&mut self, hit: bool) -> bool {
        self.happened |= hit;
        hit
    }
}

impl DrawSource for Thinned {
    #[inline(always)]
    fn below(&mut self, today: &DayDraws, key: u64, purpose: Purpose, p: f64) -> bool {
        let t = self.threshold(p.clamp(0.0, 1.0));
        self.noted(today.uniform(key, purpose) < t)
    }

    #[inline(always)]
    fn chance(&mut self, today: &DayDraws, key: u64, purpose: Purpose, p: f64) -> bool {
        self.below(today, key, purpose, p)
    }

    #[inline(always)]
    fn reoffends(&mut self, today: &DayDraws, key: u64, dh: f64, x: f64) -> bool {
        let t = self.threshold(chance_of_event(dh * x.exp()));
        self.noted(today.uniform(key, Purpose::Reoffend) < t)
    }

    #[inline(always)]
    fn within(
        &mut self,
        key: u64,
        day: u32,
        purpose: Purpose,
        detail: u32,
        _: f64,
        exact: impl FnOnce() -> f64,
    ) -> bool {
        let t = self.threshold(exact().clamp(0.0, 1.0));
        self.noted(crate::rng::uniform(key, day, purpose, detail) < t)
    }
}

#[cfg(test)]
mod tests {
    use super::{DrawSource, Thinned};
    use crate::rng::{DayDraws, Purpose};

    #[test]
    fn a_candidate_day_breaks_the_bound_in_the_order_the_chances_are_asked() {
        let today = DayDraws::new(7);
        let key = 0x5eed;
        let u = today.uniform(key, Purpose::Eviction);
        let w = today.uniform(key, Purpose::JobLoss);
        let bound = 0.2;
        // The first chance is asked over the whole bound, the second over what is left.
        let first = |p: f64| Thinned::new(bound).below(&today, key, Purpose::Eviction, p);
        assert!(first(u * bound * 1.0001) && !first(u * bound * 0.9999));
        let second = |p: f64| {
            let mut t = Thinned::new(bound);
            let evicted = t.below(&today, key, Purpose::Eviction, 0.0);
            (evicted, t.below(&today, key, Purpose::JobLoss, p))
        };
        assert_eq!(second(w * bound * 1.0001), (false, true));
        assert_eq!(second(w * bound * 0.9999), (false, false));
        // With 0.05 taken off the stick, the second is asked over what is left.
        let after = |p: f64| {
            let mut t = Thinned::new(bound);
            let evicted = t.below(&today, key, Purpose::Eviction, 0.05);
            (evicted, t.below(&today, key, Purpose::JobLoss, p))
        };
        if u >= 0.05 / bound {
            assert_eq!(after(w * (bound - 0.05) * 1.0001), (false, true));
            assert_eq!(after(w * (bound - 0.05) * 0.9999), (false, false));
        }
        // After an event the day's draws decide against the plain chance.
        let mut t = Thinned::new(bound);
        assert!(t.below(&today, key, Purpose::Eviction, 1.0) && t.happened);
        assert!(t.below(&today, key, Purpose::JobLoss, w * 1.0001));
        // A chance beyond what is left of the bound is flagged.
        let mut t = Thinned::new(bound);
        t.below(&today, key, Purpose::Eviction, 0.0);
        t.below(&today, key, Purpose::JobLoss, 0.3);
        assert!(t.exceeded);
    }
}
