//! The engine (MODEL.md §4): all mutable state of a replication lives in [`World`], which
//! steps day by day. Each day every citizen takes one step — a day in detention or a day in
//! the community — and then every waiting list admits people to free places, in a fixed
//! order. The parts:
//!
//! - [`tables`]: values derived once from the scenario (hazard ratios and their sums,
//!   recovery targets, what each programme is and does), so the loop only multiplies,
//!   compares and looks up;
//! - [`day`]: [`World::step`] and the per-place days (detention, release, community,
//!   addiction, probation, facilities, recovery);
//! - [`justice`]: a detected offence as a [`Case`] through arrest, conviction and custody;
//! - [`episodes`]: service and coordination episodes — start, run, close — and admission
//!   from the waiting lists by each list's priority rule;
//! - [`observer`]: the [`MonthObserver`] that the world feeds at each month end and which
//!   keeps the monthly rows (states, recovery, queues);
//! - [`invariants`]: the bookkeeping checks that must hold at the end of every day;
//! - [`fastmath`]: the branch-light maths of the daily pass (bounds of `e^x`, the chance of
//!   an event from a small hazard, prefetching).
//!
//! The regime's decisions (planning, screening, hand-over, referrals) are in
//! [`crate::regime`], the service queues in [`crate::services`].
//!
//! Reoffending (MODEL.md §4.3, docs/reoffending.md): the day's hazard is the person's fixed
//! risk (frailty) × the increment of a time-since-release term whose clock only a long enough
//! stay restarts × the ratios of the factors that apply. **Each factor acts once**: housing,
//! income, addiction and completed restorative justice act through their own hazard ratios
//! only; the recovery term of the hazard weighs the personal (competence, autonomy) and social
//! (network, child contact) dimensions, while the societal and victim dimensions, made of those
//! factors, are reported but weigh 0 (`hazards.recovery`). A detected offence becomes a
//! [`Case`] that reaches arrest, conviction and custody each after its delay; reconviction is
//! dated by the offence.
//!
//! The loop allocates nothing and hashes nothing: tables are built once in [`Tables`], random
//! numbers come from the counter-based streams of [`crate::rng`]; open cases wait in a
//! calendar of due days whose slots are reused (it allocates only while it grows to the most
//! cases open at once).

mod day;
pub(crate) mod draws;
mod episodes;
mod events;
pub mod fastmath;
mod invariants;
mod justice;
pub mod observer;
mod quiet;
pub mod tables;

pub use day::{felt_coercion, incident_hazard};
pub use episodes::{Care, NO_FACILITY, problem_count, self_needs};
pub use fastmath::{chance_of_event, exp_upper_bound};
pub use justice::{Case, Cases, Stage};
pub use observer::MonthObserver;
pub use tables::{
    Coordination, DailyCare, FactorSums, LogRatios, ProgrammeKind, RecoveryTargets, Tables,
    recovery_term,
};

use crate::costs::{Booking, DayCounts, DayRate, Ledger};
use crate::memory::{collect_on_huge_pages, filled_on_huge_pages};
use crate::outcomes::{ReplicationResult, summarise_cohort};
use crate::population::Citizen;
use crate::rng::{DayDraws, citizen_key};
use crate::scenario::raw::Engine;
use crate::scenario::{Domain, Payer, Scenario};
use crate::services::{Episode, Programme};
use tables::FixedRate;

/// Domains in bit order, for need masks.
pub const DOMAINS: [Domain; 8] = [
    Domain::Addiction,
    Domain::Debt,
    Domain::Housing,
    Domain::Income,
    Domain::Id,
    Domain::Lvb,
    Domain::Psychiatric,
    Domain::Work,
];

/// The position of a domain in [`DOMAINS`] (its bit in a need mask, its row in
/// [`Tables::by_domain`]).
pub const fn domain_index(d: Domain) -> usize {
    match d {
        Domain::Addiction => 0,
        Domain::Debt => 1,
        Domain::Housing => 2,
        Domain::Income => 3,
        Domain::Id => 4,
        Domain::Lvb => 5,
        Domain::Psychiatric => 6,
        Domain::Work => 7,
    }
}

pub fn domain_bit(d: Domain) -> u8 {
    1 << domain_index(d)
}

/// The programmes of an episode mask (`open_episodes`, `active_episodes`), lowest first. The
/// mask is copied, so the loop body may end episodes.
#[inline(always)]
pub(crate) fn programmes_in(mut mask: u32) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        (mask != 0).then(|| {
            let p = mask.trailing_zeros() as usize;
            mask &= mask - 1;
            p
        })
    })
}

/// Month number of a day (months of 365.25/12 days).
pub fn month_of(day: u32) -> u32 {
    (day as f64 * 12.0 / 365.25).floor() as u32
}

/// All mutable state of one replication.
pub struct World<'s> {
    pub sc: &'s Scenario,
    pub t: Tables,
    pub replication: u32,
    pub citizens: Vec<Citizen>,
    pub keys: Vec<u64>,
    /// `programmes` episodes per citizen, citizen-major.
    pub episodes: Vec<Episode>,
    pub programmes: Vec<Programme>,
    pub ledger: Ledger,
    /// Skipped days at fixed daily rates, booked into `ledger` when the replication ends.
    pub(crate) day_counts: DayCounts,
    /// The monthly rows, fed at each month end (see [`observer`]).
    pub observer: MonthObserver,
    pub day: u16,
    /// Today's draws with detail 0, shared by every citizen's day.
    pub today: DayDraws,
    /// Cases on their way through the justice system, by due day.
    pub cases: Cases,
    /// The event engine's state after a run with it (see [`events`]).
    /// Boxed: it is taken out and put back around every catch-up another's decision asks for.
    events: Option<Box<events::EventState>>,
    /// Scratch lists for the daily admissions, kept so the loop does not allocate.
    admission: (Vec<crate::services::Pick>, Vec<crate::services::Ticket>),
    /// The citizen whose costs are also booked in `traced_cost` (`u32::MAX`: nobody).
    pub traced: u32,
    /// Cumulative undiscounted costs caused by the traced citizen, per payer (PAYERS order).
    pub traced_cost: [f64; 4],
    /// Cumulative benefit payments (transfers) to the traced citizen.
    pub traced_transfers: f64,
}

impl<'s> World<'s> {
    pub fn new(sc: &'s Scenario, replication: u32) -> Self {
        let t = Tables::new(sc);
        let citizens = crate::population::synthesize(sc, replication);
        let n = citizens.len();
        let keys =
            collect_on_huge_pages((0..n as u32).map(|i| citizen_key(sc.meta.seed, replication, i)));
        let horizon = sc.meta.horizon_days;
        let mut programmes: Vec<Programme> = sc
            .services
            .iter()
            .map(|s| Programme::new(s.capacity, s.queue_rule, n, horizon))
            .collect();
        let cm = &sc.regime.case_manager;
        let cm_places = if cm.enabled { cm.managers.saturating_mul(cm.caseload) } else { 0 };
        programmes.push(Programme::new(
            crate::scenario::Capacity::Places(cm_places),
            cm.queue_rule,
            n,
            horizon,
        ));
        let vh = &sc.regime.veiligheidshuis;
        let vh_places = if vh.enabled { vh.caseload } else { 0 };
        programmes.push(Programme::new(
            crate::scenario::Capacity::Places(vh_places),
            vh.triage,
            n,
            horizon,
        ));
        let day_counts = DayCounts::new(t.day_rates(sc), horizon);
        let mut world = Self {
            sc,
            day_counts,
            episodes: filled_on_huge_pages(n * t.programmes, Episode::default()),
            t,
            replication,
            citizens,
            keys,
            programmes,
            ledger: Ledger::new(sc.meta.horizon_days),
            observer: MonthObserver::new(sc.meta.horizon_days),
            day: 0,
            today: DayDraws::new(0),
            cases: Cases::new(sc.meta.horizon_days),
            events: None,
            admission: (Vec::new(), Vec::new()),
            traced: u32::MAX,
            traced_cost: [0.0; 4],
            traced_transfers: 0.0,
        };
        world.begin_first_stays();
        world
    }

    /// Decisions taken when the cohort's first stay begins (day 0).
    fn begin_first_stays(&mut self) {
        for i in 0..self.citizens.len() {
            self.support_child_contact(i, 0);
        }
    }

    /// Runs the whole horizon with the scenario's engine (`scenario.engine`) and returns the
    /// replication's outcomes.
    pub fn run(mut self) -> ReplicationResult {
        self.run_to_horizon();
        self.finish()
    }

    /// Steps to the horizon with the scenario's engine: every citizen every day
    /// ([`World::step`]) or quiet citizens only on their days (see [`events`]).
    pub fn run_to_horizon(&mut self) {
        while !self.is_at_horizon() {
            self.advance();
        }
    }

    /// Steps to the end of day `end - 1` or to the horizon, whichever comes first (a slice of
    /// a replication, see `crate::schedule`).
    pub fn run_until(&mut self, end: u16) {
        while self.day < end && !self.is_at_horizon() {
            self.advance();
        }
    }

    /// Whether every day to the horizon has been simulated.
    pub fn is_at_horizon(&self) -> bool {
        self.day as u32 >= self.sc.meta.horizon_days
    }

    /// One day with the scenario's engine. Under the event engine citizens may lag behind in
    /// what changes without an event (costs, counters, debt, network, recovery), while what
    /// only an event changes (place, housing, income, addiction, episodes, firsts) is always
    /// today's; an observer that reads the rest every day steps with [`World::step`].
    pub fn advance(&mut self) {
        match self.sc.meta.engine {
            Engine::Daily => self.step(),
            Engine::Events => self.step_events(),
        }
    }

    /// What the event engine did in the last run: (citizen-days caught up without a visit,
    /// visits of quiet citizens, days on which a window did not hold — a candidate day whose
    /// chances exceeded their bound or a caught-up day that changed the person's episodes; 0
    /// unless the engine is wrong). `None` after a daily run.
    pub fn event_counts(&self) -> Option<(u64, u64, u64)> {
        let e = self.events.as_ref()?;
        Some((e.skipped_days, e.quiet_visits, e.bound_exceeded + e.changed_while_skipped))
    }

    /// The event engine's candidate days in the last run, and those on which an event
    /// happened: how much of its thinning bound the day's chances used. `None` after a daily
    /// run.
    pub fn candidate_counts(&self) -> Option<(u64, u64)> {
        self.events.as_ref().map(|e| (e.candidates, e.candidates_with_event))
    }

    /// Settles what is still open at the horizon and returns the replication's outcomes.
    pub fn finish(mut self) -> ReplicationResult {
        self.settle_open_cases();
        self.censor_waits_at_horizon();
        self.settle_day_counts();
        let (survival, mut totals) = summarise_cohort(&self.citizens, self.sc.meta.horizon_days);
        totals.victims = totals.offences as f64 * self.sc.hazards.victims_per_offence;
        ReplicationResult {
            replication: self.replication,
            horizon_days: self.sc.meta.horizon_days,
            survival,
            totals,
            monthly: self.observer.into_rows(),
            programmes: self.programmes.iter().map(|p| p.stats).collect(),
            waits: self.programmes.into_iter().map(|p| p.waits.trimmed()).collect(),
            ledger: self.ledger,
        }
    }

    /// Books a cost caused by citizen `i`; the traced citizen's share is also kept apart.
    #[inline(always)]
    pub(crate) fn charge(&mut self, i: usize, payer: Payer, d: u16, euros: f64) {
        self.ledger.add(payer, d, euros);
        if self.traced == i as u32 {
            self.traced_cost[payer.index()] += euros;
        }
    }

    /// Books a day of citizen `i` at `rate` on day `d` (see [`Tables::day_rates`]).
    // Inlined: where the rate is named at the call site, who pays and what it counts as are
    // known when compiling, and the booking is the same few additions as a named one.
    #[inline(always)]
    pub(crate) fn charge_day(&mut self, i: usize, rate: DayRate, d: u16) {
        self.ledger.add_booked(rate.booking, rate.payer, d, rate.euros);
        self.trace_at_rate(i, rate, 1);
    }

    /// Adds `days` at `rate` to the traced citizen's costs (or benefits), if `i` is traced.
    #[inline(always)]
    pub(crate) fn trace_at_rate(&mut self, i: usize, rate: DayRate, days: u16) {
        if self.traced == i as u32 {
            let euros = rate.euros * days as f64;
            match rate.booking {
                Booking::Transfer => self.traced_transfers += euros,
                _ => self.traced_cost[rate.payer.index()] += euros,
            }
        }
    }

    /// Books a day of citizen `i` at the fixed `rate` on day `d`, or 0 euros unless it
    /// `applies` (selected, not branched on: booking 0 leaves every sum as it was).
    #[inline(always)]
    pub(crate) fn charge_fixed_day(&mut self, i: usize, rate: FixedRate, d: u16, applies: bool) {
        let rate = rate.day_rate(&self.sc.costs);
        let euros = crate::select::when(applies, rate.euros);
        self.charge_day(i, DayRate { euros, ..rate }, d);
    }

    /// The number of a daily rate that is not a programme's (see [`Tables::day_rates`]).
    #[inline(always)]
    pub(crate) fn fixed_rate(&self, rate: FixedRate) -> usize {
        self.t.programmes + rate as usize
    }

    /// Books a cost of care or support for citizen `i` (kept apart for benefit-cost analysis).
    #[inline(always)]
    fn charge_care(&mut self, i: usize, payer: Payer, d: u16, euros: f64) {
        self.ledger.add_care(payer, d, euros);
        if self.traced == i as u32 {
            self.traced_cost[payer.index()] += euros;
        }
    }

    pub fn episode(&self, i: usize, p: usize) -> Episode {
        self.episodes[i * self.t.programmes + p]
    }

    pub(crate) fn episode_mut(&mut self, i: usize, p: usize) -> &mut Episode {
        &mut self.episodes[i * self.t.programmes + p]
    }
}

#[cfg(test)]
mod tests {
    use super::{DOMAINS, World, domain_index};

    pub(super) fn fragmented() -> crate::scenario::RawScenario {
        crate::scenario::Scenario::load(std::path::Path::new("scenarios/fragmented.toml"))
            .expect("shipped scenario")
            .resolved
    }

    /// Runs `w` until the end of day `day`.
    pub(super) fn run_until(w: &mut World, day: u16) {
        while w.day <= day {
            w.step();
        }
    }

    #[test]
    fn engine_state_per_citizen_is_at_most_208_bytes() {
        // Under issue 7's 256-byte target with room for the process, for the shipped scenarios'
        // 12 programmes: the citizen, one episode per programme and the random-stream key.
        let per_citizen = std::mem::size_of::<crate::population::Citizen>()
            + 12 * std::mem::size_of::<crate::services::Episode>()
            + std::mem::size_of::<u64>();
        assert!(per_citizen <= 208, "{per_citizen} bytes per citizen");
    }

    #[test]
    fn domain_index_is_the_position_in_domains() {
        for (k, d) in DOMAINS.iter().enumerate() {
            assert_eq!(domain_index(*d), k, "{d:?}");
        }
    }
}
