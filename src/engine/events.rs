//! The event engine (`scenario.engine = "events"`, issue 19, first step): a hybrid in which a
//! citizen in a *quiet* state — in the community with no open episode or waiting list, no
//! open justice case, no probation, no coordination and no restorative process under way —
//! is not visited on the days on which nothing can happen to them; everyone else takes the
//! daily step of [`super::day`].
//!
//! For a quiet citizen the window runs from tomorrow to the next month end. Over it, the
//! chances of the day's events (reoffending, addiction relapse or remission, eviction, work
//! lost or found, asking for help) are bounded by one number `q`: the reoffending hazard at
//! its largest over the window (the Weibull term at either end, age at either end, the
//! recovery term at the edge of where relaxation can take it, debt and network flags either
//! way), the others exact because the state they read does not change without an event. The
//! first *candidate* day is drawn from the geometric law with chance `q` (thinning). On a
//! candidate day the person takes a full day whose chances are answered by one mark in
//! `[0, q)` ([`super::draws::Marked`]): each event happens with exactly its chance that day,
//! and no event with the rest. Between wakes the days are caught up with the same
//! arithmetic as the daily engine's uneventful day (costs, counters, debt, network,
//! recovery), so the deterministic part is exact; every quiet citizen wakes at each month
//! end, so the monthly rows and the invariants see everyone up to date.
//!
//! What differs from the daily engine is only which uniform numbers decide: the draws are
//! still keyed by citizen, day and purpose ([`Purpose::EventTime`], [`Purpose::EventMark`]),
//! so runs are reproducible and independent of threads, and common random numbers still
//! pair the scenarios of a comparison; but the two engines give different (equally likely)
//! histories, and two events of a quiet citizen on one day (chance of order 10⁻⁶) are not
//! possible here. `tests/engines.rs` checks that every indicator of every shipped scenario
//! agrees between the engines within its Monte Carlo interval.

use super::draws::Marked;
use super::{Care, World};
use crate::population::{Addiction, Housing, Income, NEVER, Place, Restorative};
use crate::rng::{Purpose, uniform};
use crate::select::{pick, when};

/// The largest summed chance per day for which skipping pays: above it the person is
/// stepped daily.
const MAX_BOUND: f64 = 0.25;

/// Where a citizen stands in the event engine.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Skip {
    /// The bound of the day's summed chances over the window: the mark's range.
    bound: f64,
    /// The first day not yet simulated for the citizen (a quiet citizen lags the world).
    synced: u16,
    /// The day the citizen is stepped again.
    wake: u16,
    /// The drawn candidate day ([`NEVER`]: none in the window).
    candidate: u16,
    quiet: bool,
}

impl Skip {
    fn busy(d: u16) -> Self {
        Skip { bound: 0.0, synced: d + 1, wake: d + 1, candidate: NEVER, quiet: false }
    }
}

/// The event engine's state for one replication.
pub(crate) struct EventState {
    pub(crate) skips: Vec<Skip>,
    /// The next month-end day on or after each day of the horizon.
    next_month_end: Vec<u16>,
    /// The least and largest value each recovery target can take (personal, social,
    /// societal, victim), whatever the state: relaxation keeps a dimension between its
    /// value and these.
    target_lo: [f32; 4],
    target_hi: [f32; 4],
    /// Candidate days on which the day's chances summed to more than the bound (must stay
    /// 0: the test of the agreement checks it).
    pub(crate) bound_exceeded: u64,
    /// Citizen-days caught up without a visit, and visits of quiet citizens.
    pub(crate) skipped_days: u64,
    pub(crate) quiet_visits: u64,
}

impl EventState {
    fn new(w: &World) -> Self {
        let horizon = w.sc.meta.horizon_days as usize;
        let mut next_month_end = vec![NEVER; horizon];
        let mut next = NEVER;
        for d in (0..horizon).rev() {
            if w.t.month_end[d] {
                next = d as u16;
            }
            next_month_end[d] = next;
        }
        let r = &w.t.recovery_targets;
        let lo = |xs: &[f32]| xs.iter().copied().fold(f32::INFINITY, f32::min);
        let hi = |xs: &[f32]| xs.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        // Competence, autonomy and network lie in 0..1, child contact is yes or no.
        let span = |weight: f32| (weight.min(0.0), weight.max(0.0));
        let (c_lo, c_hi) = span(r.competence);
        let (a_lo, a_hi) = span(r.autonomy);
        let (n_lo, n_hi) = span(r.network);
        Self {
            skips: vec![Skip::busy(0); w.citizens.len()],
            next_month_end,
            target_lo: [
                lo(&r.addiction) + c_lo + a_lo,
                n_lo + lo(&r.contact),
                lo(&r.societal),
                lo(&r.victim),
            ],
            target_hi: [
                hi(&r.addiction) + c_hi + a_hi,
                n_hi + hi(&r.contact),
                hi(&r.societal),
                hi(&r.victim),
            ],
            bound_exceeded: 0,
            skipped_days: 0,
            quiet_visits: 0,
        }
    }
}

impl World<'_> {
    /// Runs the whole horizon with the event engine.
    pub(crate) fn run_events(&mut self) {
        let mut ev = EventState::new(self);
        while (self.day as u32) < self.sc.meta.horizon_days {
            self.step_events(&mut ev);
        }
        self.events = Some(ev);
    }

    /// One day: quiet citizens whose day has not come are passed over; the others take
    /// their day (a full one, or a candidate day answered by the mark).
    pub(crate) fn step_events(&mut self, ev: &mut EventState) {
        let d = self.day;
        let month_end = self.begin_day(d);
        for i in 0..self.citizens.len() {
            let skip = ev.skips[i];
            if skip.quiet {
                if d < skip.wake {
                    continue;
                }
                self.prefetch(i);
                ev.quiet_visits += 1;
                ev.skipped_days += (d - skip.synced) as u64;
                for k in skip.synced..d {
                    self.quiet_day(i, k);
                }
                if d == skip.candidate {
                    self.candidate_day(i, d, skip.bound, ev);
                } else {
                    self.quiet_day(i, d);
                }
            } else {
                self.prefetch(i);
                self.full_day(i, d);
            }
            if month_end {
                self.observer.record_citizen(&self.citizens[i], d);
            }
            ev.skips[i] = self.next_skip(i, d, ev);
        }
        self.end_day(d, month_end);
    }

    /// A day on which nothing happens by chance to a quiet citizen: exactly what the daily
    /// engine's community day does then.
    fn quiet_day(&mut self, i: usize, d: u16) {
        self.accrue_community_costs(i, d);
        super::day::pass_community_day(&mut self.citizens[i], &self.sc.hazards, false);
        self.update_recovery(i, d);
    }

    /// A drawn candidate day: the full community day, its chances answered by one mark.
    fn candidate_day(&mut self, i: usize, d: u16, bound: f64, ev: &mut EventState) {
        let mark = bound * uniform(self.keys[i], d as u32, Purpose::EventMark, 0);
        let mut draws = Marked::new(mark, bound);
        self.community_day(i, d, &mut draws);
        ev.bound_exceeded += draws.exceeded as u64;
        self.update_recovery(i, d);
    }

    /// Whether nothing but the chances of [`EventState`]'s bound can change citizen `i`'s
    /// state from day `d + 1` on.
    fn is_quiet(&self, i: usize, d: u16) -> bool {
        let c = &self.citizens[i];
        let next = d + 1;
        (c.place == Place::Community)
            & (c.open_episodes == 0)
            & (self.open_cases[i] == 0)
            & (c.probation_until <= next)
            & (c.case_manager_until <= next)
            & (c.veiligheidshuis_until <= next)
            & (c.restorative != Restorative::Ongoing)
    }

    /// After citizen `i`'s day `d`: the window to the next month end and its candidate day
    /// if the person is quiet, else a visit tomorrow.
    fn next_skip(&self, i: usize, d: u16, ev: &EventState) -> Skip {
        let s = d + 1;
        if s as u32 >= self.sc.meta.horizon_days || !self.is_quiet(i, d) {
            return Skip::busy(d);
        }
        let e = ev.next_month_end[s as usize];
        let bound = self.chance_bound(i, s, e, ev);
        // A bound that is not a number (an infinite hazard) is not skipped either.
        if bound.is_nan() || bound >= MAX_BOUND {
            return Skip::busy(d);
        }
        // Days without a candidate before the first one: geometric with chance `bound`.
        let u = uniform(self.keys[i], s as u32, Purpose::EventTime, 0);
        let gap = if bound > 0.0 { ((1.0 - u).ln() / (-bound).ln_1p()).floor() } else { f64::MAX };
        let candidate = if gap <= (e - s) as f64 { s + gap as u16 } else { NEVER };
        Skip { bound, synced: s, wake: candidate.min(e), candidate, quiet: true }
    }

    /// An upper bound, for every day from `s` to `e`, of the summed chances a quiet citizen's
    /// community day asks (see the module doc).
    fn chance_bound(&self, i: usize, s: u16, e: u16, ev: &EventState) -> f64 {
        let c = &self.citizens[i];
        let h = &self.sc.hazards;
        let ln = &self.t.ln;
        let dh = &self.t.reoffend_dh;
        let since = |k: u16| (k.saturating_sub(c.clock_from) as usize).min(dh.len() - 1);
        // The Weibull increments are monotone in time, so the larger end is the largest.
        let dh_max = dh[since(s)].max(dh[since(e)]);
        let age = |k: u16| {
            ln.per_year_over_30 * (c.traits.age_at_start as f64 - 30.0)
                + ln.per_day_older * k as f64
        };
        let mut x = age(s).max(age(e))
            + ln.per_prior * (c.traits.priors.min(h.priors_cap as u16)) as f64
            + c.traits.ln_frailty as f64;
        for k in 0..4 {
            let (w, r) = (ln.recovery[k], recovery_of(c, k));
            let (lo, hi) = (r.min(ev.target_lo[k]), r.max(ev.target_hi[k]));
            x += (w * lo).max(w * hi) as f64;
        }
        // The yes/no factors; debt only grows (no income, no debt help) and the network
        // only recovers, so each of their flags is taken either way.
        let bit = |present: bool, k: u32| (present as usize) << k;
        let no_income = c.income == Income::None;
        let state = bit(c.addiction == Addiction::Active, 0)
            | bit(c.housing == Housing::Homeless, 1)
            | bit(no_income, 2)
            | bit(c.income == Income::Work, 3)
            | bit(c.debt as f64 >= h.problematic_debt_threshold, 4)
            | bit(c.traits.lvb, 5);
        let support = bit(c.traits.psychiatric, 0)
            | bit((c.network as f64) < h.weak_network_below, 1)
            | bit(c.restorative == Restorative::Completed, 5);
        let sums = &self.t.factor_sums;
        let state_max = sums.state[state].max(sums.state[state | bit(no_income, 4)]);
        let support_max = sums.support[support].max(sums.support[support & !2]);
        x += state_max + support_max;
        // Rounding in the daily arithmetic may exceed the exact value by a few ulps.
        let reoffend = dh_max * (x + 1e-9).exp();
        let addiction = match c.addiction {
            Addiction::Active => h.remission_per_day,
            Addiction::Remission => h.relapse_per_day,
            Addiction::None => 0.0,
        };
        let hr = pick(no_income, h.eviction_hr_no_income, 1.0);
        let eviction = when(c.housing == Housing::Own, h.eviction_per_day * hr);
        let working = c.income == Income::Work;
        let found = when(c.addiction != Addiction::Active, h.job_found_per_day);
        let job = pick(working, h.job_loss_per_day, found);
        let help = self.self_referral_chance(i, &Care::default());
        (reoffend + addiction + eviction + job + help) * (1.0 + 1e-9)
    }
}

/// Recovery dimension `k` (personal, social, societal, victim) of a citizen.
fn recovery_of(c: &crate::population::Citizen, k: usize) -> f32 {
    let r = &c.recovery;
    [r.personal, r.social, r.societal, r.victim][k]
}

#[cfg(test)]
mod tests {
    use super::EventState;
    use crate::engine::World;
    use crate::scenario::Scenario;
    use crate::scenario::raw::Engine;

    #[test]
    fn the_invariants_hold_at_every_month_end_of_an_event_run() {
        for name in ["fragmented", "through-care", "shelter-climate"] {
            let path = format!("scenarios/{name}.toml");
            let mut raw = Scenario::load(std::path::Path::new(&path)).unwrap().resolved;
            raw.population.size = 400;
            raw.scenario.engine = Engine::Events;
            let sc = Scenario::from_raw(raw).unwrap();
            let mut w = World::new(&sc, 1);
            let mut ev = EventState::new(&w);
            let mut skipped_at_month_end = 0;
            while (w.day as u32) < sc.meta.horizon_days {
                let d = w.day as usize;
                w.step_events(&mut ev);
                if w.t.month_end[d] {
                    w.check_invariants().unwrap_or_else(|e| panic!("{name} day {d}: {e}"));
                    // Everyone is up to date at a month end: nobody lags behind the world.
                    assert!(ev.skips.iter().all(|s| s.synced == w.day), "{name} day {d}");
                    skipped_at_month_end = ev.skipped_days;
                }
            }
            assert!(skipped_at_month_end > 0, "{name}: nothing skipped");
            assert_eq!(ev.bound_exceeded, 0, "{name}");
        }
    }
}
