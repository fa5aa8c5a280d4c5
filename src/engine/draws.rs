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

    /// Whether the person offends today, with a cumulative hazard `dh · e^x` given as
    /// `(dh, x)` by `hazard`, which is asked only if the answer needs it.
    fn reoffends(&mut self, today: &DayDraws, key: u64, hazard: impl Fn() -> (f64, f64)) -> bool;

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
    fn reoffends(&mut self, today: &DayDraws, key: u64, hazard: impl Fn() -> (f64, f64)) -> bool {
        let (dh, x) = hazard();
        below_hazard(today.uniform(key, Purpose::Reoffend), dh, x)
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

/// The event engine's answers on a day a citizen is stepped in full (not a candidate day):
/// the day's draws, but for reoffending, which is answered by the day's event uniform (see
/// `super::events`). That is as good a draw (it is independent of the others), and it is the
/// one a candidate day answers reoffending from: a person whose reoffending chance is alike
/// in two scenarios then reoffends on the same days in both, whether they are stepped in full
/// in one and have a candidate day in the other or not.
pub(crate) struct Stepped {
    /// The day's event uniform.
    pub u: f64,
}

/// Everything but reoffending is [`Daily`]'s answer.
impl DrawSource for Stepped {
    #[inline(always)]
    fn below(&mut self, today: &DayDraws, key: u64, purpose: Purpose, p: f64) -> bool {
        Daily.below(today, key, purpose, p)
    }

    #[inline(always)]
    fn chance(&mut self, today: &DayDraws, key: u64, purpose: Purpose, p: f64) -> bool {
        Daily.chance(today, key, purpose, p)
    }

    #[inline(always)]
    fn reoffends(&mut self, _: &DayDraws, _: u64, hazard: impl Fn() -> (f64, f64)) -> bool {
        let (dh, x) = hazard();
        below_hazard(self.u, dh, x)
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
        Daily.within(key, day, purpose, detail, bound, exact)
    }
}

/// Whether the uniform draw `u` falls below the chance of an event of cumulative hazard
/// `dh · e^x`. Most days the draw lies far above the chance: that is ruled out with a cheap
/// upper bound (2^⌊x·log2 e⌋+2 > e^x, and 1 − e^−y ≤ y) before paying for the exponential,
/// so the answer is that of `u < chance_of_event(dh · e^x)`.
#[inline(always)]
fn below_hazard(u: f64, dh: f64, x: f64) -> bool {
    u < dh * exp_upper_bound(x) && u < chance_of_event(dh * x.exp())
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
    fn reoffends(&mut self, _: &DayDraws, _: u64, _: impl Fn() -> (f64, f64)) -> bool {
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
/// by `bound` (thinning). A day is a candidate when its *event uniform* `u` (one per citizen
/// and day, see `super::events`) falls below `bound`; until an event happens, the day's
/// chances are answered by where `u` lies. Each chance asked gets its own stretch of `[0, bound)`
/// whose length is its chance of being the day's first event in the daily engine,
/// `p (1 − F)`, with `F` the chance that one asked before it came true (`F ← F + p (1 − F)`):
/// so the day's first event has the daily engine's law, and no event happens with chance
/// `(1 − p_1)…(1 − p_n)`. After an event, the rest of the day is answered by the day's own
/// draws against the chances of the changed state, as in the daily engine, so a candidate day
/// has the daily engine's law.
///
/// Where the stretches lie is what pairs two scenarios (common random numbers). The chances
/// of reoffending, of an addiction change, of eviction and of work lost or found keep rooms
/// of their own at the start of the stick, in that order, each its chance before the day
/// starts rounded up (`super::events::room`); the other chances (drop-outs, a violation, an
/// incident, help) take their stretches after them in the order asked. So a person whose
/// reoffending chance is alike in two scenarios reoffends on the same days in both, whatever
/// else differs in their care, and the same holds for the other three as long as the rooms
/// before them round to the same values.
pub(crate) struct Thinned {
    /// The day's event uniform.
    u: f64,
    /// The stick's length.
    bound: f64,
    /// Where each room starts, and its length (see [`Rooms`]).
    starts: Rooms,
    rooms: Rooms,
    /// Where the next of the other chances' stretches starts.
    next: f64,
    /// The chance that one of the chances asked so far would have come true.
    used: f64,
    /// The day's reoffending chance as it stands before anything happens, if known: until an
    /// event changes the person it is the chance asked, so it is not computed again.
    reoffend: Option<f64>,
    /// Whether a chance asked before any event found no room left in the bound (it would have
    /// been given less than its chance).
    pub exceeded: bool,
    /// Whether an event happened today.
    pub happened: bool,
}

/// The rooms a candidate day keeps at the start of its stick: reoffending, an addiction
/// change, eviction, work lost or found.
pub(crate) type Rooms = [f64; 4];

/// Which room of the stick a chance takes: one of [`Rooms`], or a stretch after them.
#[derive(Clone, Copy)]
enum Room {
    Kept(usize),
    Other,
}

const REOFFEND: Room = Room::Kept(0);

impl Thinned {
    /// A candidate day with event uniform `u` (below `bound`), keeping `rooms` at the start
    /// of the stick.
    pub fn new(bound: f64, u: f64, rooms: Rooms) -> Self {
        let mut starts = [0.0; 4];
        let mut next = 0.0;
        for (start, room) in starts.iter_mut().zip(rooms) {
            *start = next;
            next += room;
        }
        Self {
            u,
            bound,
            starts,
            rooms,
            next,
            used: 0.0,
            reoffend: None,
            exceeded: next > bound * (1.0 + 1e-9),
            happened: false,
        }
    }

    /// The same, with the day's reoffending chance before anything happens already known.
    pub fn knowing_reoffend_chance(self, p: f64) -> Self {
        Self { reoffend: Some(p), ..self }
    }

    /// Whether the chance `p` asked now comes true as the day's first event.
    #[inline(always)]
    fn first(&mut self, p: f64, room: Room) -> bool {
        let part = p * (1.0 - self.used);
        self.used += part;
        // A few ulps of rounding in the summed bound are not an excess.
        let slack = 1.0 + 1e-9;
        let (start, room_left) = match room {
            Room::Kept(k) => (self.starts[k], self.rooms[k]),
            Room::Other => {
                let start = self.next;
                self.next += part;
                (start, self.bound - start)
            }
        };
        self.exceeded |= part > room_left * slack;
        let hit = (self.u >= start) & (self.u < start + part);
        self.happened |= hit;
        hit
    }

    /// After an event, a chance is answered by its own draw, as in the daily engine.
    #[inline(always)]
    fn after_event(&self, draw: impl FnOnce() -> f64, p: f64) -> bool {
        draw() < p
    }

    fn room_of(purpose: Purpose) -> Room {
        match purpose {
            Purpose::Remission | Purpose::Relapse => Room::Kept(1),
            Purpose::Eviction => Room::Kept(2),
            Purpose::JobLoss | Purpose::JobFound => Room::Kept(3),
            _ => Room::Other,
        }
    }
}

impl DrawSource for Thinned {
    #[inline(always)]
    fn below(&mut self, today: &DayDraws, key: u64, purpose: Purpose, p: f64) -> bool {
        let p = p.clamp(0.0, 1.0);
        if self.happened {
            return self.after_event(|| today.uniform(key, purpose), p);
        }
        self.first(p, Self::room_of(purpose))
    }

    #[inline(always)]
    fn chance(&mut self, today: &DayDraws, key: u64, purpose: Purpose, p: f64) -> bool {
        self.below(today, key, purpose, p)
    }

    #[inline(always)]
    fn reoffends(&mut self, today: &DayDraws, key: u64, hazard: impl Fn() -> (f64, f64)) -> bool {
        let chance = || {
            let (dh, x) = hazard();
            chance_of_event(dh * x.exp())
        };
        if self.happened {
            return self.after_event(|| today.uniform(key, Purpose::Reoffend), chance());
        }
        // Before anything happens the chance is the one the day started with: known, so the
        // hazard is not worked out again.
        let p = self.reoffend.unwrap_or_else(chance);
        debug_assert_eq!(p, chance(), "the person changed before anything happened");
        self.first(p, REOFFEND)
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
        let p = exact().clamp(0.0, 1.0);
        if self.happened {
            return self.after_event(|| crate::rng::uniform(key, day, purpose, detail), p);
        }
        self.first(p, Self::room_of(purpose))
    }
}

#[cfg(test)]
mod tests {
    use super::{DrawSource, Thinned};
    use crate::engine::fastmath::chance_of_event;
    use crate::rng::{DayDraws, Purpose};

    #[test]
    fn a_candidate_day_gives_each_chance_its_stretch_of_the_bound() {
        let today = DayDraws::new(7);
        let key = 0x5eed;
        let bound = 0.2;
        // Reoffending keeps its room at the start, the addiction the next, eviction and work
        // theirs (none here), the others take stretches after the rooms in the order asked.
        let rooms = [0.03, 0.02, 0.0, 0.0];
        let day = |u: f64| {
            let mut t = Thinned::new(bound, u, rooms);
            let violated = t.below(&today, key, Purpose::Violation, 0.05);
            let offended = !violated && t.reoffends(&today, key, || (0.01, 0.0));
            let relapsed = !violated && !offended && t.below(&today, key, Purpose::Relapse, 0.01);
            (violated, offended, relapsed)
        };
        let p_offend = chance_of_event(0.01) * (1.0 - 0.05);
        let p_relapse = 0.01 * (1.0 - 0.05) * (1.0 - chance_of_event(0.01));
        assert_eq!(day(p_offend * 0.999), (false, true, false));
        assert_eq!(day(p_offend * 1.001), (false, false, false));
        assert_eq!(day(0.03 + p_relapse * 0.999), (false, false, true));
        assert_eq!(day(0.03 + p_relapse * 1.001), (false, false, false));
        assert_eq!(day(0.05), (true, false, false));
        assert_eq!(day(0.05 + 0.05 * 0.999), (true, false, false));
        assert_eq!(day(0.05 + 0.05 * 1.001), (false, false, false));
        // Eviction's room follows the addiction's: it starts where that one ends.
        let mut t = Thinned::new(bound, 0.05 + 0.001, [0.03, 0.02, 0.01, 0.0]);
        assert!(t.below(&today, key, Purpose::Eviction, 0.002));
        // After an event the day's draws decide against the plain chance.
        let w = today.uniform(key, Purpose::JobLoss);
        let mut t = Thinned::new(bound, 0.0, [0.0; 4]);
        assert!(t.below(&today, key, Purpose::Violation, 0.1) && t.happened);
        assert!(t.below(&today, key, Purpose::JobLoss, w * 1.0001));
        assert!(!t.exceeded);
        // A chance beyond its room is flagged.
        let mut t = Thinned::new(bound, 0.5, [0.01, 0.0, 0.0, 0.0]);
        t.reoffends(&today, key, || (0.02, 0.0));
        assert!(t.exceeded);
        let mut t = Thinned::new(bound, 0.5, [0.0; 4]);
        t.below(&today, key, Purpose::Violation, 0.3);
        assert!(t.exceeded);
    }

    /// Candidate days (event uniform below `bound`) answered by [`Thinned`] give each
    /// combination of a day's events the daily engine's chance (independent events), not
    /// only the first event.
    #[test]
    fn candidate_days_have_the_daily_law_of_a_day() {
        let (p, r, q, bound) = (0.2, chance_of_event(0.15), 0.25, 0.7);
        let n = 100_000u32;
        let mut counts = [0u32; 8];
        for day in 0..n {
            let today = DayDraws::new(day);
            let key = 0xc0ffee;
            let u = today.uniform(key, Purpose::EventAccept);
            if u >= bound {
                counts[0] += 1;
                continue;
            }
            let mut t = Thinned::new(bound, u, [r, q, 0.0, 0.0]);
            let a = t.below(&today, key, Purpose::Violation, p);
            let b = t.reoffends(&today, key, || (0.15, 0.0));
            let c = t.below(&today, key, Purpose::Relapse, q);
            assert!(!t.exceeded);
            counts[a as usize | (b as usize) << 1 | (c as usize) << 2] += 1;
        }
        for (k, &seen) in counts.iter().enumerate() {
            let pick = |bit: usize, x: f64| if k >> bit & 1 == 1 { x } else { 1.0 - x };
            let want = pick(0, p) * pick(1, r) * pick(2, q);
            let expected = want * n as f64;
            let z = (seen as f64 - expected) / (expected * (1.0 - want)).sqrt();
            assert!(z.abs() < 4.5, "combination {k}: {seen} vs {expected:.0} (z {z:.1})");
        }
    }
}
