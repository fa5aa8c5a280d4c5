//! The justice system: a detected offence becomes a [`Case`] that reaches arrest,
//! conviction and the start of custody each after its delay, kept in a calendar of due days
//! ([`Cases`]) so that the steps of a day are taken in a fixed order; cases still open at the
//! horizon are settled as a registry read after the fact would show them.

use super::World;
use super::events::Decision;
use crate::population::{NEVER, Place};
use crate::rng::{Purpose, chance, generator};
use crate::scenario::Payer;

/// A detected offence on its way through the justice system. Ordered by due day first, then
/// by person: the order in which the steps of a day are taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Case {
    pub due: u16,
    pub citizen: u32,
    pub stage: Stage,
    pub offence_day: u16,
    /// The person's offence number (the detail of the case's draws).
    pub n: u16,
}

/// The next step of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    Arrest,
    Conviction,
    Custody,
}

/// How many of a day's cases ahead of the one being taken the person's state is asked for
/// (a large cohort's people lie scattered over memory).
const CASES_AHEAD: usize = 4;

/// The open cases by due day: a list per day of the horizon, linked through one array of
/// chunks of [`CHUNK`] cases (emptied chunks are reused, so the array only grows to what the
/// most cases ever open at once need), taken in [`Case`] order when the day comes; and one
/// list for cases due at or after the horizon. A heap did the same in `O(log n)` a step, each
/// a jump over a large array once the cohort is large; a list of single cases made each of a
/// day's cases wait on the memory of the one before (3% of a 1,000,000-citizen run).
#[derive(Debug, Clone)]
pub struct Cases {
    chunks: Vec<Chunk>,
    /// The first empty chunk ([`END`]: none), each linking to the next.
    free: u32,
    /// The chunk each day's list is filling, linking to its full ones ([`END`]: none), and
    /// how many cases it holds: kept apart, so that a push does not wait on the chunk's
    /// memory to learn whether it is full.
    first: Vec<u32>,
    filled: Vec<u8>,
    after_horizon: Vec<Case>,
    /// The list handed out by [`Cases::take_day`], kept for the next day.
    today: Vec<Case>,
    len: usize,
}

/// Cases a chunk holds: 15 of 12 bytes and its link fill three cache lines.
const CHUNK: usize = 15;

/// Cases of one day; full, except the one the day's list is filling.
#[derive(Debug, Clone, Copy)]
struct Chunk {
    cases: [Case; CHUNK],
    next: u32,
}

/// The end of a list of chunks.
const END: u32 = u32::MAX;

impl Cases {
    pub fn new(horizon_days: u32) -> Self {
        Self {
            chunks: Vec::new(),
            free: END,
            first: vec![END; horizon_days as usize],
            filled: vec![0; horizon_days as usize],
            after_horizon: Vec::new(),
            today: Vec::new(),
            len: 0,
        }
    }

    /// How many cases are open.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn push(&mut self, case: Case) {
        self.len += 1;
        let Some(&head) = self.first.get(case.due as usize) else {
            self.after_horizon.push(case);
            return;
        };
        let day = case.due as usize;
        if head == END || self.filled[day] as usize == CHUNK {
            self.first[day] = self.empty_chunk(head);
            self.filled[day] = 0;
        }
        self.chunks[self.first[day] as usize].cases[self.filled[day] as usize] = case;
        self.filled[day] += 1;
    }

    /// An empty chunk linking to `next`: a reused one if there is one.
    fn empty_chunk(&mut self, next: u32) -> u32 {
        if self.free == END {
            let filler = Case { due: 0, citizen: 0, stage: Stage::Arrest, offence_day: 0, n: 0 };
            self.chunks.push(Chunk { cases: [filler; CHUNK], next });
            return (self.chunks.len() - 1) as u32;
        }
        let k = self.free;
        let chunk = &mut self.chunks[k as usize];
        self.free = std::mem::replace(&mut chunk.next, next);
        k
    }

    /// Takes the cases due on day `d`, in [`Case`] order; give the list back with
    /// [`Cases::recycle`] so that the next day does not allocate.
    pub fn take_day(&mut self, d: u16) -> Vec<Case> {
        let mut due = std::mem::take(&mut self.today);
        due.clear();
        let Some(first) = self.first.get_mut(d as usize) else { return due };
        let mut k = std::mem::replace(first, END);
        let mut len = self.filled[d as usize] as usize;
        while k != END {
            let chunk = &mut self.chunks[k as usize];
            due.extend_from_slice(&chunk.cases[..len]);
            len = CHUNK;
            let next = std::mem::replace(&mut chunk.next, self.free);
            self.free = k;
            k = next;
        }
        self.len -= due.len();
        due.sort_unstable();
        due
    }

    pub fn recycle(&mut self, list: Vec<Case>) {
        self.today = list;
    }

    /// Takes every open case, in [`Case`] order.
    pub fn take_all(&mut self) -> Vec<Case> {
        let mut all = std::mem::take(&mut self.after_horizon);
        for d in 0..self.first.len() {
            let day = self.take_day(d as u16);
            all.extend_from_slice(&day);
            self.recycle(day);
        }
        self.len = 0;
        all.sort_unstable();
        all
    }
}

/// A justice delay in whole days: 0 when its median is 0, else log-normal, at most `max`.
fn delay_days(key: u64, offence_day: u16, detail: u32, d: &crate::scenario::raw::RawDelay) -> u16 {
    if d.median <= 0.0 {
        return 0;
    }
    let days = if d.sigma > 0.0 {
        let mut rng = generator(key, offence_day as u32, Purpose::JusticeDelay, detail);
        rand_distr::LogNormal::new(d.median.ln(), d.sigma)
            .map(|dist| rand_distr::Distribution::sample(&dist, &mut rng))
            .unwrap_or(d.median)
    } else {
        d.median
    };
    days.round().clamp(0.0, d.max) as u16
}

impl World<'_> {
    /// An offence, and what the justice system makes of it: a detected offence becomes a
    /// case that reaches arrest, conviction and the start of a custodial sentence each after
    /// its delay (see [`Case`]). Every draw is keyed by the offence's day and number, so a
    /// case's fate does not depend on when its steps fall.
    pub(crate) fn offend(&mut self, i: usize, d: u16) {
        let sc = self.sc;
        let key = self.keys[i];
        let n = self.citizens[i].counters.offences;
        self.charge(i, Payer::VictimsSociety, d, sc.costs.victim_cost_per_offence);
        let c = &mut self.citizens[i];
        c.counters.offences = c.counters.offences.saturating_add(1);
        c.last_offence_day = d;
        if !chance(key, d as u32, Purpose::Detect, n as u32, sc.hazards.detection) {
            return;
        }
        let case = Case { due: d, citizen: i as u32, stage: Stage::Arrest, offence_day: d, n };
        self.schedule(case, d, d);
    }

    /// Puts `case` at its stage after that stage's delay from day `from`; a step that falls
    /// on `today` is taken at once (with every delay 0, offence, arrest, conviction and
    /// detention fall on one day, as they did before delays existed).
    fn schedule(&mut self, mut case: Case, from: u16, today: u16) {
        let h = &self.sc.hazards;
        let delay = match case.stage {
            Stage::Arrest => &h.arrest_delay_days,
            Stage::Conviction => &h.conviction_delay_days,
            Stage::Custody => &h.custody_delay_days,
        };
        let key = self.keys[case.citizen as usize];
        let detail = case.n as u32 * 4 + case.stage as u32;
        let days = delay_days(key, case.offence_day, detail, delay);
        case.due = from.saturating_add(days).min(NEVER - 1);
        if case.due == today {
            self.take_step(case);
        } else {
            self.cases.push(case);
        }
    }

    /// The steps of the justice system that fall on day `d`, in a fixed order. A step
    /// schedules the next one on a later day (or takes it at once), never for `d` itself.
    pub(super) fn take_due_steps(&mut self, d: u16) {
        let due = self.cases.take_day(d);
        for (k, &case) in due.iter().enumerate() {
            if let Some(ahead) = due.get(k + CASES_AHEAD) {
                self.prefetch_person(ahead.citizen as usize);
            }
            debug_assert_eq!(case.due, d);
            let i = case.citizen as usize;
            // The event engine may have skipped the person's last days (see `events`).
            let yesterday = d.checked_sub(1);
            if let Some(y) = yesterday {
                self.bring_up_to_date(i, y);
            }
            self.take_step(case);
            if let Some(y) = yesterday {
                self.changed_by_others(i, y, Decision::JusticeStep);
            }
        }
        self.cases.recycle(due);
    }

    /// A case reaches its stage on its due day: arrest, conviction or the start of custody.
    fn take_step(&mut self, case: Case) {
        let sc = self.sc;
        let h = &sc.hazards;
        let (i, d) = (case.citizen as usize, case.due);
        let key = self.keys[i];
        let (offence_day, n) = (case.offence_day as u32, case.n as u32);
        match case.stage {
            Stage::Arrest => {
                let c = &mut self.citizens[i];
                c.counters.arrests = c.counters.arrests.saturating_add(1);
                c.firsts.rearrest = c.firsts.rearrest.min(d);
                self.charge(i, Payer::Justice, d, sc.costs.police_per_arrest);
                if chance(key, offence_day, Purpose::Convict, n, h.conviction) {
                    self.schedule(Case { stage: Stage::Conviction, ..case }, d, d);
                }
            }
            Stage::Conviction => {
                let c = &mut self.citizens[i];
                c.counters.convictions = c.counters.convictions.saturating_add(1);
                // Registered reconviction is dated by the offence, not by the verdict.
                c.firsts.reconviction = c.firsts.reconviction.min(case.offence_day);
                self.charge(i, Payer::Justice, d, sc.costs.court_per_conviction);
                if chance(key, offence_day, Purpose::Custody, n, h.custody) {
                    self.schedule(Case { stage: Stage::Custody, ..case }, d, d);
                }
            }
            Stage::Custody => {
                let s = &h.new_sentence_days;
                let mut rng = generator(key, offence_day, Purpose::Sentence, n);
                let days = crate::population::sample_days(&mut rng, s.median, s.sigma, s.max);
                if self.citizens[i].place == Place::Detention {
                    self.extend_stay(i, d, days);
                } else {
                    self.enter_detention(i, d, days);
                }
            }
        }
    }

    /// A sentence that starts while the person is inside for something else is served after
    /// the current stay.
    fn extend_stay(&mut self, i: usize, d: u16, days: u32) {
        let threshold = self.sc.hazards.clock_reset_min_stay_days;
        let planning = self.sc.regime.planning_days_before_release.min(u16::MAX as u32) as u16;
        let c = &mut self.citizens[i];
        c.release_day = (c.release_day as u32 + days.max(1)).min(NEVER as u32 - 1) as u16;
        c.planning_day = c.release_day.saturating_sub(planning).max(d + 1).min(c.release_day);
        if days >= threshold {
            c.clock_from = NEVER;
        }
    }

    /// Cases still open at the horizon: a detected offence whose conviction would come after
    /// the horizon still counts as a reconviction, dated by its offence (as a registry read
    /// after every case is settled would show); its arrest, verdict and costs after the
    /// horizon are not booked.
    pub(super) fn settle_open_cases(&mut self) {
        let h = &self.sc.hazards;
        for case in self.cases.take_all() {
            let i = case.citizen as usize;
            let convicted = match case.stage {
                Stage::Arrest => chance(
                    self.keys[i],
                    case.offence_day as u32,
                    Purpose::Convict,
                    case.n as u32,
                    h.conviction,
                ),
                Stage::Conviction => true,
                Stage::Custody => false,
            };
            if convicted {
                let c = &mut self.citizens[i];
                c.firsts.reconviction = c.firsts.reconviction.min(case.offence_day);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{fragmented, run_until};
    use super::{Case, Cases, Stage};
    use proptest::prelude::*;

    proptest! {
        /// The calendar gives each day's cases in the order a heap of all cases would pop
        /// them, and what is open at the end in that order too.
        #[test]
        fn the_calendar_of_cases_keeps_a_heaps_order(
            cases in proptest::collection::vec((0u16..60, 0u32..20, 0u8..3, 0u16..5), 0..600),
            horizon in 1u32..50,
        ) {
            let stage = |k: u8| [Stage::Arrest, Stage::Conviction, Stage::Custody][k as usize];
            let cases: Vec<Case> = cases
                .into_iter()
                .map(|(due, citizen, k, n)| Case { due, citizen, stage: stage(k), offence_day: 0, n })
                .collect();
            let mut heap: std::collections::BinaryHeap<_> =
                cases.iter().map(|&c| std::cmp::Reverse(c)).collect();
            let mut calendar = Cases::new(horizon);
            for &c in &cases {
                calendar.push(c);
            }
            prop_assert_eq!(calendar.len(), cases.len());
            for d in 0..horizon as u16 {
                let mut want = Vec::new();
                while heap.peek().is_some_and(|c| c.0.due <= d) {
                    want.push(heap.pop().unwrap().0);
                }
                let got = calendar.take_day(d);
                prop_assert_eq!(&got, &want, "day {}", d);
                calendar.recycle(got);
            }
            let rest: Vec<Case> = heap.into_sorted_vec().into_iter().rev().map(|c| c.0).collect();
            prop_assert_eq!(calendar.len(), rest.len());
            prop_assert_eq!(calendar.take_all(), rest);
            prop_assert!(calendar.is_empty());
        }
    }

    #[test]
    fn a_days_list_runs_over_many_chunks_and_emptied_chunks_are_reused() {
        let case = |due: u16, citizen: u32| Case {
            due,
            citizen,
            stage: Stage::Arrest,
            offence_day: 0,
            n: 0,
        };
        let mut calendar = Cases::new(10);
        // Pushed in falling citizen order: the day's list must still come out in order.
        for citizen in (0..100).rev() {
            calendar.push(case(3, citizen));
        }
        for citizen in 0..40 {
            calendar.push(case(5, citizen));
        }
        let chunks_at_most = calendar.chunks.len();
        let day3 = calendar.take_day(3);
        assert_eq!(day3, (0..100).map(|c| case(3, c)).collect::<Vec<_>>());
        calendar.recycle(day3);
        for citizen in 0..50 {
            calendar.push(case(7, citizen));
        }
        assert_eq!(calendar.chunks.len(), chunks_at_most, "emptied chunks reused");
        assert_eq!(calendar.len(), 90);
        assert_eq!(calendar.take_day(5).len(), 40);
        assert_eq!(calendar.take_day(7), (0..50).map(|c| case(7, c)).collect::<Vec<_>>());
        assert!(calendar.is_empty());
    }

    use crate::engine::World;
    use crate::population::NEVER;

    #[test]
    fn an_offence_on_day_700_convicted_on_day_800_counts_within_two_years() {
        let mut raw = fragmented();
        raw.population.size = 10;
        raw.scenario.horizon_days = 1_200;
        let h = &mut raw.hazards;
        h.reoffend_scale_days = 1.0e7; // no offences but the one below
        (h.detection, h.conviction, h.custody) = (1.0, 1.0, 0.0);
        let fixed =
            |days: f64| crate::scenario::raw::RawDelay { median: days, sigma: 0.0, max: days };
        h.arrest_delay_days = fixed(40.0);
        h.conviction_delay_days = fixed(60.0);
        raw.regime.probation.share = 0.0;
        let sc = crate::scenario::Scenario::from_raw(raw).unwrap();
        let mut w = World::new(&sc, 0);
        let i = 0;
        let release = w.citizens[i].release_day;
        run_until(&mut w, release + 699);
        w.offend(i, release + 700);
        run_until(&mut w, release + 799);
        assert_eq!(w.citizens[i].counters.convictions, 0, "not yet convicted on day 799");
        assert_eq!(w.citizens[i].firsts.reconviction, NEVER);
        run_until(&mut w, release + 800);
        assert_eq!(w.citizens[i].counters.convictions, 1, "convicted on day 800");
        assert_eq!(w.citizens[i].firsts.reconviction, release + 700, "dated by the offence");
        assert_eq!(w.citizens[i].firsts.rearrest, release + 740);
        // A second person offends 20 days before the horizon: convicted after it, counted.
        let j = 1;
        let late = sc.meta.horizon_days as u16 - 20;
        run_until(&mut w, late - 1);
        w.offend(j, late);
        while (w.day as u32) < sc.meta.horizon_days {
            w.step();
        }
        assert_eq!(w.citizens[j].firsts.reconviction, NEVER, "not convicted by the horizon");
        assert_eq!(w.cases.len(), 1, "the case is still open");
        w.settle_open_cases();
        assert_eq!(w.citizens[j].firsts.reconviction, late, "counted, dated by the offence");
        assert_eq!(w.citizens[j].counters.convictions, 0, "no verdict booked after the horizon");
        let result = w.finish();
        let curve = crate::experiments::km(&result, crate::outcomes::Event::Reconviction);
        let within_two_years = curve.incidence_at(730) * result.totals.released as f64;
        assert!((within_two_years - 1.0).abs() < 1e-9, "{within_two_years} within 2 years");
    }
}
