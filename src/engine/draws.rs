//! Where a day's chances get their answers. The rules of a day ask "does this event of chance
//! `p` happen?" through a [`DrawSource`]; the daily engine answers with the day's own draws
//! ([`Daily`], one uniform per citizen, day and purpose), the event engine on the day it drew
//! for a quiet citizen with one mark ([`Marked`]): the chances of the day, in the order the
//! rules ask them, fill consecutive stretches of `[0, bound)`, and the event whose stretch
//! holds the mark happens. Each event then happens with exactly its chance, and at most one
//! of them on that day (see [`super::events`]).

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

/// The event engine's answers on a drawn day: `mark` is uniform in `[0, bound)`, and each
/// chance asked takes the next stretch of that interval.
pub(crate) struct Marked {
    mark: f64,
    bound: f64,
    /// The chances asked so far today, summed: where the next stretch begins.
    asked: f64,
    /// Whether an event has happened today (the later stretches lie beyond the mark).
    happened: bool,
    /// Whether a stretch asked before any event reached beyond the bound, where the mark
    /// never falls: that event would have been given less than its chance.
    pub exceeded: bool,
}

impl Marked {
    pub fn new(mark: f64, bound: f64) -> Self {
        Self { mark, bound, asked: 0.0, happened: false, exceeded: false }
    }

    /// Whether one of the day's events happened.
    pub fn happened(&self) -> bool {
        self.happened
    }

    #[inline(always)]
    fn take(&mut self, p: f64) -> bool {
        let p = p.clamp(0.0, 1.0);
        let hit = self.mark >= self.asked && self.mark < self.asked + p;
        self.asked += p;
        self.exceeded |= !self.happened && self.asked > self.bound;
        self.happened |= hit;
        hit
    }
}

impl DrawSource for Marked {
    #[inline(always)]
    fn below(&mut self, _: &DayDraws, _: u64, _: Purpose, p: f64) -> bool {
        self.take(p)
    }

    #[inline(always)]
    fn chance(&mut self, _: &DayDraws, _: u64, _: Purpose, p: f64) -> bool {
        self.take(p)
    }

    #[inline(always)]
    fn reoffends(&mut self, _: &DayDraws, _: u64, dh: f64, x: f64) -> bool {
        self.take(chance_of_event(dh * x.exp()))
    }

    #[inline(always)]
    fn within(
        &mut self,
        _: u64,
        _: u32,
        _: Purpose,
        _: u32,
        _: f64,
        exact: impl FnOnce() -> f64,
    ) -> bool {
        self.take(exact())
    }
}

#[cfg(test)]
mod tests {
    use super::{DrawSource, Marked};
    use crate::rng::{DayDraws, Purpose};

    #[test]
    fn a_mark_picks_the_chance_whose_stretch_holds_it() {
        let today = DayDraws::new(0);
        let ask = |mark: f64| {
            let mut m = Marked::new(mark, 0.4);
            [0.1, 0.0, 0.2, 0.05].map(|p| m.below(&today, 0, Purpose::Eviction, p))
        };
        assert_eq!(ask(0.05), [true, false, false, false]);
        assert_eq!(ask(0.1), [false, false, true, false]);
        assert_eq!(ask(0.32), [false, false, false, true]);
        assert_eq!(ask(0.36), [false; 4], "beyond every stretch: nothing happens");
        // A stretch beyond the bound before any event is flagged; after an event it is not.
        let mut m = Marked::new(0.05, 0.12);
        let answers = [0.1, 0.05].map(|p| m.below(&today, 0, Purpose::Eviction, p));
        assert_eq!((answers, m.exceeded), ([true, false], false), "the event came first");
        let mut m = Marked::new(0.11, 0.12);
        let answers = [0.1, 0.05].map(|p| m.below(&today, 0, Purpose::Eviction, p));
        assert_eq!((answers, m.exceeded), ([false, true], true));
    }
}
