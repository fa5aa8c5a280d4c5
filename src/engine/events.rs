//! The event engine (`scenario.engine = "events"`, issue 19): a hybrid in which a citizen in
//! a *quiet* state is not visited on the days on which nothing can happen to them by chance;
//! everyone else takes the daily step of [`super::day`]. Quiet means, inside, not trained by
//! support for LVB: services, waiting lists, probation, coordination, a restorative process
//! and open justice cases may be under way, in the community or inside.
//!
//! For a quiet citizen the *window* runs from tomorrow to the day before the next scheduled
//! change (an episode, probation, coordination or a restorative process ending; inside, the
//! planning of release and release itself), to the horizon, or half a year on, whichever
//! comes first, so that what the person receives and the flags their hazard reads stay the
//! same over it. Inside, the day's chances are remission and drop-out only. Over the window,
//! the chances of the day's events
//! (drop-out from each service, reoffending, addiction relapse or remission, a probation
//! violation, eviction, work lost or found, an incident in a shelter, asking for or being
//! referred to help) are bounded by one number `q`: the reoffending hazard at its largest over
//! the window (the Weibull term at either end, age at either end, the recovery term at the
//! edge of where relaxation can take it, debt and network flags either way), drop-out at its
//! largest motivation ratio, self-referral at full competence where care builds it up (and 0
//! for someone without an unmet need whose debt cannot grow past a need's threshold: they do
//! not ask), the others exact because the state they read does not change without an event.
//!
//! The days of a window are thinned to *candidate* days. Every citizen has one *event
//! uniform* `U` a day ([`EventWords::event_uniform`]): its ten leading bits from a hash of the citizen's
//! block of six days, the rest from the day's own draw. A day is a candidate when `U < q`,
//! so with chance `q`; only days whose leading bits put `U` below the least power of ½ at or
//! above `q` (*base* days) need the day's own draw, and a word-parallel test passes over a
//! block without one in one step. `U` depends only on the citizen and the day, not on what
//! happened before or on the window, so two scenarios share candidate days as far as their
//! bounds allow. On a candidate day the person takes a full day whose chances are answered
//! from `U` ([`super::draws::Thinned`]): each chance asked before the day's first event has its
//! own stretch of `[0, q)` as long as its chance of being the daily engine's first event, with
//! reoffending's first; after the first event the day goes on with the day's own draws, so a
//! candidate day has the daily engine's law. A bound above ¼ is not skipped. After a
//! candidate day on which nothing happened the window goes on with its bound to its last
//! day; after an event a new window is drawn.
//!
//! Skipped days are caught up in one go ([`super::quiet`]): their costs at once, what drifts
//! (debt, network, competence trained or settling in a facility's climate, recovery) in
//! closed form, so they are the daily engine's uneventful days up to rounding. A quiet
//! citizen is caught up when their day comes, at each month end (so the monthly rows and the
//! invariants see everyone up to date; the window goes on) and whenever someone else's
//! decision reads or changes them: a waiting list that ranks its candidates by problems or
//! risk catches up its waiting people first, an admission catches up the person admitted
//! and draws their new window at once, and a step of the justice system (arrest,
//! conviction, custody) catches up the person concerned and has them stepped the next day,
//! when a new window is drawn.
//!
//! What differs from the daily engine is only which uniform numbers decide: the draws are
//! still keyed by citizen, day and purpose ([`Purpose::EventTime`], [`Purpose::EventAccept`]
//! and the daily purposes), so runs are reproducible and independent of threads, and common
//! random numbers still pair the scenarios of a comparison (on a day a person is stepped in
//! full, reoffending too is answered from `U`, see [`super::draws::Stepped`]). The two engines
//! give different, equally likely histories: `tests/engines.rs` checks that every indicator of
//! every shipped scenario agrees between them within its Monte Carlo interval.

use super::draws::{Rooms, Stepped, Thinned};
use super::fastmath::{larger, smaller};
use super::{Care, NO_FACILITY, World};
use crate::memory::filled_on_huge_pages;
use crate::population::{Addiction, Income, NEVER, Place, Restorative};
use crate::rng::Purpose;
use crate::scenario::QueueRule;
use crate::select::{pick, when};

/// The leading bits of a day's event uniform that its block's hash holds, six days to a
/// 64-bit hash (see the module doc).
const LEAD_BITS: u32 = 10;
const DAYS_PER_BLOCK: u32 = 64 / LEAD_BITS;

/// The largest bound that is thinned; above it the person is stepped daily.
const MAX_BOUND: f64 = 0.25;

/// The longest window: its bound holds for every day of it, and the reoffending term, the
/// one part that depends on time, is looser over a longer one when the hazard rises with
/// time (a Weibull shape above 1) or with age.
const MAX_WINDOW_DAYS: u16 = 183;

/// How many visits ahead of the one being made a citizen's state is prefetched.
const VISIT_AHEAD: usize = 8;

/// Another's decision that changes a citizen ([`World::changed_by_others`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Decision {
    /// A waiting list admitted them.
    Admission,
    /// A step of the justice system (arrest, conviction, custody) was taken in their case.
    JusticeStep,
}

/// Where a citizen stands in the event engine.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Skip {
    /// The bound of the day's summed chances over the window, rounded up to single
    /// precision (16 bytes a citizen).
    bound: f32,
    /// The first day not yet simulated for the citizen (a quiet citizen lags the world).
    synced: u16,
    /// The day the citizen is stepped again.
    wake: u16,
    /// The drawn candidate day ([`NEVER`]: none in the window).
    candidate: u16,
    /// The window's last day: no scheduled change before the day after it.
    last: u16,
    quiet: bool,
}

impl Skip {
    /// Stepped again on day `d + 1`.
    fn busy(d: u16) -> Self {
        Self::due(d + 1)
    }

    /// Stepped on day `d`.
    fn due(d: u16) -> Self {
        let last = d.saturating_sub(1);
        Skip { bound: 0.0, synced: d, wake: d, candidate: NEVER, last, quiet: false }
    }
}

/// The event engine's state for one replication.
pub(crate) struct EventState {
    pub(crate) skips: Vec<Skip>,
    /// Each citizen's wake day apart (kept equal by [`EventState::set`]): the day's pass over
    /// everyone reads 2 bytes a citizen rather than 16.
    wakes: Vec<u16>,
    /// Today's visits (kept so that the daily pass does not allocate).
    visits: Vec<u32>,

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
    /// Candidate days drawn, and those on which an event happened (thinning's yield).
    pub(crate) candidates: u64,
    pub(crate) candidates_with_event: u64,
    /// Candidate days without an event after which the window went on.
    pub(crate) windows_gone_on: u64,
    /// Caught-up stretches that ran past their window's last day (must stay 0: a window ends
    /// before every scheduled change).
    pub(crate) changed_while_skipped: u64,
}

impl EventState {
    pub(crate) fn new(w: &World) -> Self {
        let r = &w.t.recovery_targets;
        let lo = |xs: &[f32]| xs.iter().copied().fold(f32::INFINITY, f32::min);
        let hi = |xs: &[f32]| xs.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        // Competence, autonomy and network lie in 0..1, child contact is yes or no.
        let span = |weight: f32| (weight.min(0.0), weight.max(0.0));
        let (c_lo, c_hi) = span(r.competence);
        let (a_lo, a_hi) = span(r.autonomy);
        let (n_lo, n_hi) = span(r.network);
        Self {
            skips: filled_on_huge_pages(w.citizens.len(), Skip::due(w.day)),
            wakes: filled_on_huge_pages(w.citizens.len(), w.day),
            visits: Vec::with_capacity(w.citizens.len()),

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
            candidates: 0,
            candidates_with_event: 0,
            windows_gone_on: 0,
            changed_while_skipped: 0,
        }
    }

    /// Citizen `i`'s new schedule.
    #[inline(always)]
    fn set(&mut self, i: usize, skip: Skip) {
        self.skips[i] = skip;
        self.wakes[i] = skip.wake;
    }
}

impl World<'_> {
    /// One day: quiet citizens whose day has not come are passed over; the others take
    /// their day (a full one, or a candidate day answered by [`Thinned`] draws). At a month
    /// end everyone is brought up to date and recorded.
    pub(crate) fn step_events(&mut self) {
        let d = self.day;
        let month_end = self.begin_day(d);
        let mut ev = self.events.take().unwrap_or_else(|| Box::new(EventState::new(self)));
        // Today's visits in citizen order, found in one pass over the schedule: they lie
        // scattered over memory, and the list lets the state of the visit a few ahead be
        // asked for while this one is worked on. (A calendar of wake days instead of the pass
        // was 7% faster at 100,000 citizens but kept a day's worth of room in each of its
        // slots: 66 more bytes a citizen.)
        let mut visits = std::mem::take(&mut ev.visits);
        visits.clear();
        if month_end {
            for i in 0..self.citizens.len() {
                self.visit(i, d, true, &mut ev);
            }
        } else {
            due_on(&ev.wakes, d, &mut visits);
            for k in 0..visits.len() {
                if let Some(&ahead) = visits.get(k + VISIT_AHEAD) {
                    self.prefetch_citizen(ahead as usize);
                    super::fastmath::prefetch_lines(&ev.skips[ahead as usize]);
                }
                self.visit(visits[k] as usize, d, false, &mut ev);
            }
        }
        ev.visits = visits;
        self.events = Some(ev);
        self.end_day(d, month_end);
    }

    /// Citizen `i` on day `d`: their day if it has come (then a new window), else, at a
    /// month end, brought up to date for the month's record.
    #[inline(always)]
    fn visit(&mut self, i: usize, d: u16, month_end: bool, ev: &mut EventState) {
        let skip = ev.skips[i];
        let mut rest_of_window = None;
        if skip.quiet {
            if d < skip.wake {
                if month_end {
                    // The month's record needs everyone up to date; the window goes on.
                    self.sync(i, d, ev);
                    self.observer.record_citizen(&self.citizens[i], d);
                }
                return;
            }
            ev.quiet_visits += 1;
            ev.skipped_days += (d - skip.synced) as u64;
            if d == skip.candidate {
                self.catch_up(i, skip.synced, d, ev);
                let happened = self.candidate_day(i, d, skip.bound as f64, ev);
                // After a day without an event the person stands where the window's days
                // would have left them, so its bound holds to its last day. (A bound drawn
                // afresh would not change which events happen, since a candidate day answers
                // its chances from stretches that do not depend on the bound, only which
                // days are looked at.)
                if !happened && d < skip.last {
                    rest_of_window = Some(self.window(i, skip.bound, d + 1, skip.last));
                }
            } else {
                self.catch_up(i, skip.synced, d + 1, ev);
            }
        } else {
            let u = self.t.event_words.event_uniform(self.keys[i], d as u32);
            self.full_day_with(i, d, &mut Stepped { u });
        }
        if month_end {
            self.observer.record_citizen(&self.citizens[i], d);
        }
        let next = match rest_of_window {
            Some(rest) => {
                ev.windows_gone_on += 1;
                rest
            }
            None => self.next_skip(i, d, ev),
        };
        ev.set(i, next);
    }

    /// Simulates citizen `i`'s days `from..to`, on none of which anything happened by chance
    /// (see [`super::quiet`]); counts a window that did not hold.
    // Inlined at its three callers (a quarter of a million calls a replication): 0.6% fewer
    // instructions (docs/performance.md, fourteenth sitting).
    #[inline(always)]
    fn catch_up(&mut self, i: usize, from: u16, to: u16, ev: &mut EventState) {
        ev.changed_while_skipped += (to > ev.skips[i].last + 1) as u64;
        self.pass_uneventful_days(i, from, to);
    }

    /// A candidate day: the person's full day, its chances answered by [`Thinned`] draws,
    /// with room kept for the day's reoffending and addiction chances. Whether an event
    /// happened.
    fn candidate_day(&mut self, i: usize, d: u16, bound: f64, ev: &mut EventState) -> bool {
        let (rooms, reoffend) = self.rooms(i, d);
        let u = self.t.event_words.event_uniform(self.keys[i], d as u32);
        let mut draws = Thinned::new(bound, u, rooms).knowing_reoffend_chance(reoffend);
        match self.citizens[i].place {
            Place::Community => self.community_day(i, d, &mut draws),
            Place::Detention => self.detention_day(i, d, &mut draws),
        }
        ev.bound_exceeded += draws.exceeded as u64;
        ev.candidates += 1;
        ev.candidates_with_event += draws.happened as u64;
        self.update_recovery(i, d);
        draws.happened
    }

    /// The rooms a candidate day keeps at the start of its stick for citizen `i`'s chances
    /// of reoffending, an addiction change, eviction and work lost or found on day `d` (see
    /// [`Rooms`]): each chance as it stands before anything happens that day, rounded up by
    /// [`room`].
    /// Also the reoffending chance itself (0 inside), which the day's first ask of it
    /// reuses.
    fn rooms(&self, i: usize, d: u16) -> (Rooms, f64) {
        let c = &self.citizens[i];
        let h = &self.sc.hazards;
        let care = self.care_of(i);
        if c.place == Place::Detention {
            return ([0.0, room(super::day::remission_inside(c, h, &care)), 0.0, 0.0], 0.0);
        }
        let (dh, x) = self.reoffend_hazard(i, d, &care);
        let reoffend = super::fastmath::chance_of_event(dh * x.exp());
        let addiction = super::day::addiction_chance(c, h, &care).1;
        let eviction = super::day::eviction_chance(c, h);
        let job = super::day::job_chance(c, h).1;
        ([room(reoffend), room(addiction), room(eviction), room(job)], reoffend)
    }

    /// Asks the memory system for citizen `i`'s state and schedule before another's decision
    /// reads or changes them.
    #[inline(always)]
    pub(super) fn prefetch_person(&self, i: usize) {
        self.prefetch_citizen(i);
        if let Some(ev) = &self.events {
            super::fastmath::prefetch_lines(&ev.skips[i]);
        }
    }

    /// Before another's decision (an admission, a step of the justice system) reads or changes
    /// citizen `i` after day `d`: brings them up to date if they lag (their days up to `d` were
    /// uneventful).
    pub(super) fn bring_up_to_date(&mut self, i: usize, d: u16) {
        let Some(mut ev) = self.events.take() else { return };
        self.sync(i, d, &mut ev);
        self.events = Some(ev);
    }

    /// Catches a lagging quiet citizen `i` up through day `d` (all uneventful); their window
    /// goes on.
    fn sync(&mut self, i: usize, d: u16, ev: &mut EventState) {
        let skip = ev.skips[i];
        if skip.quiet && skip.synced <= d {
            ev.skipped_days += (d + 1 - skip.synced) as u64;
            self.catch_up(i, skip.synced, d + 1, ev);
            ev.skips[i].synced = d + 1;
        }
    }

    /// Before the waiting list of programme `p` ranks its candidates on day `d` by a rule
    /// that reads their state: brings its waiting people up to date.
    pub(super) fn bring_waiting_up_to_date(&mut self, p: usize, d: u16) {
        if self.programmes[p].rule == QueueRule::FirstCome {
            return;
        }
        let Some(mut ev) = self.events.take() else { return };
        let look_ahead = crate::services::LOOK_AHEAD;
        for k in 0..self.programmes[p].tickets().len() {
            if let Some(&ahead) = self.programmes[p].tickets().get(k + look_ahead) {
                self.prefetch_ticket(p, ahead);
                super::fastmath::prefetch_lines(&ev.skips[ahead.citizen as usize]);
            }
            let t = self.programmes[p].tickets()[k];
            if super::episodes::ticket_is_live(&self.episodes, self.t.programmes, p, t) {
                self.sync(t.citizen as usize, d, &mut ev);
            }
        }
        self.events = Some(ev);
    }

    /// After another's decision changed citizen `i` after day `d`, their window no longer
    /// holds. After an admission a new one is drawn at once, from tomorrow. After a step of
    /// the justice system they are stepped in full tomorrow and the new window is drawn
    /// then: on a full day every chance is answered by its own keyed draw, the same in two
    /// scenarios, and drawing a window at once after both kinds of decision widened the
    /// paired intervals of a comparison, while after admissions alone it left them as they
    /// were (docs/performance.md, sixth and eighth sittings).
    pub(super) fn changed_by_others(&mut self, i: usize, d: u16, by: Decision) {
        let Some(mut ev) = self.events.take() else { return };
        debug_assert!(!ev.skips[i].quiet || ev.skips[i].synced == d + 1);
        let next = match by {
            Decision::Admission => self.next_skip(i, d, &ev),
            Decision::JusticeStep => Skip::busy(d),
        };
        ev.set(i, next);
        self.events = Some(ev);
    }

    /// Whether only the chances of the window's bound can change citizen `i`'s state from
    /// day `d + 1` on (scheduled changes end the window, see [`World::next_change`]).
    fn is_quiet(&self, i: usize, care: &Care) -> bool {
        match self.citizens[i].place {
            Place::Community => true,
            // Inside, competence trained by support for LVB is not caught up in one go.
            Place::Detention => !care.lvb_support,
        }
    }

    /// The first day from `s` on whose rules differ from day `s`'s for citizen `i` without
    /// an event: an episode, coordination or restorative process ends, or probation or a
    /// coordinator's involvement stops counting in the hazard ([`NEVER`]: none).
    pub(super) fn next_change(&self, i: usize, s: u16) -> u16 {
        let c = &self.citizens[i];
        let after = |until: u16| if until > s { until } else { NEVER };
        if c.place == Place::Detention {
            // Planning and release are the days of a stay on which its rules act.
            let mut change = c.release_day.max(s);
            if c.planning_day >= s {
                change = change.min(c.planning_day);
            }
            return change.min(self.next_episode_end(i, s));
        }
        let mut change = after(c.probation_until)
            .min(after(c.case_manager_until))
            .min(after(c.veiligheidshuis_until));
        if c.restorative == Restorative::Ongoing {
            change = change.min(c.restorative_until.max(s));
        }
        change.min(self.next_episode_end(i, s))
    }

    /// The first day from `s` on which one of citizen `i`'s active episodes ends as
    /// scheduled ([`NEVER`]: none).
    fn next_episode_end(&self, i: usize, s: u16) -> u16 {
        self.active_programmes(i).map(|p| self.episode(i, p).until.max(s)).min().unwrap_or(NEVER)
    }

    /// After citizen `i`'s day `d`: the window and its candidate day if the person is quiet,
    /// else a visit tomorrow.
    fn next_skip(&self, i: usize, d: u16, ev: &EventState) -> Skip {
        let s = d + 1;
        if s as u32 >= self.sc.meta.horizon_days {
            return Skip::busy(d);
        }
        let care = self.care_of(i);
        if !self.is_quiet(i, &care) {
            return Skip::busy(d);
        }
        let change = self.next_change(i, s);
        if change <= s {
            return Skip::busy(d);
        }
        let last = (self.sc.meta.horizon_days - 1) as u16;
        let e = (change - 1).min(last).min(s.saturating_add(MAX_WINDOW_DAYS));
        let exact = self.chance_bound(i, s, e, &care, ev);
        let bound = round_up_f32(exact);
        // A bound that is not a number (an infinite hazard) is not skipped either.
        if bound.is_nan() {
            return Skip::busy(d);
        }
        if bound as f64 > MAX_BOUND {
            return Skip::busy(d);
        }
        self.window(i, bound, s, e)
    }

    /// Citizen `i`'s window of days `s` to `e` with `bound`: quiet from day `s` on, and
    /// stepped again on its first candidate day or on its last day.
    fn window(&self, i: usize, bound: f32, s: u16, e: u16) -> Skip {
        let candidate = self.t.event_words.first_candidate(self.keys[i], bound as f64, s, e);
        Skip { bound, synced: s, wake: candidate.min(e), candidate, last: e, quiet: true }
    }

    /// An upper bound, for every day from `s` to `e`, of the summed chances a quiet citizen's
    /// community day asks, given what their services do for them (`care`; see the module
    /// doc).
    fn chance_bound(&self, i: usize, s: u16, e: u16, care: &Care, ev: &EventState) -> f64 {
        let c = &self.citizens[i];
        let h = &self.sc.hazards;
        if c.place == Place::Detention {
            // Inside: remission from an active addiction and drop-out from services.
            let remission = super::day::remission_inside(c, h, care);
            return (room(remission) + self.dropout_bounds(i)) * (1.0 + 1e-9);
        }
        let active = c.addiction == Addiction::Active;
        let addiction = super::day::addiction_chance(c, h, care).1;
        let supervised = c.probation_until > s;
        let hr = pick(active, h.violation_hr_active_addiction, 1.0);
        let violation = when(supervised, self.sc.regime.probation.violation_per_day * hr);
        let eviction = super::day::eviction_chance(c, h);
        let job = super::day::job_chance(c, h).1;
        let incident = if care.facility == NO_FACILITY {
            0.0
        } else {
            self.t.incident_per_day[care.facility as usize]
        };
        let reoffend = self.reoffend_bound(i, s, e, care, ev);
        let dropout = self.dropout_bounds(i);
        let help = self.help_bound(i, s, care);
        // The chances that keep a room of their own on a candidate day take it rounded up.
        let rooms = room(reoffend) + room(addiction) + room(eviction) + room(job);
        (rooms + violation + incident + dropout + help) * (1.0 + 1e-9)
    }

    /// The largest daily reoffending chance from day `s` to `e`.
    fn reoffend_bound(&self, i: usize, s: u16, e: u16, care: &Care, ev: &EventState) -> f64 {
        let c = &self.citizens[i];
        let h = &self.sc.hazards;
        let ln = &self.t.ln;
        let dh = &self.t.reoffend_dh;
        let since = |k: u16| (k.saturating_sub(c.clock_from) as usize).min(dh.len() - 1);
        // The Weibull increments are monotone in time, so the larger end is the largest.
        let dh_max = larger(dh[since(s)], dh[since(e)]);
        let age = |k: u16| {
            ln.per_year_over_30 * (c.traits.age_at_start as f64 - 30.0)
                + ln.per_day_older * k as f64
        };
        let mut x = larger(age(s), age(e))
            + ln.per_prior * (c.traits.priors.min(h.priors_cap as u16)) as f64
            + c.traits.ln_frailty as f64;
        for k in 0..4 {
            let (w, r) = (ln.recovery[k], recovery_of(c, k));
            let (lo, hi) = (smaller(r, ev.target_lo[k]), larger(r, ev.target_hi[k]));
            x += larger(w * lo, w * hi) as f64;
        }
        // The yes/no factors, constant over the window but for two: debt only grows (no
        // income, no debt help) and the network only recovers, so each of their flags is
        // taken either way.
        let (state, support) = super::day::factor_bits(c, h, s, care);
        let grows = ((c.income == Income::None) as usize) << 4;
        let sums = &self.t.factor_sums;
        let state_max = larger(sums.state[state], sums.state[state | grows]);
        let support_max = larger(sums.support[support], sums.support[support & !2]);
        x += state_max + support_max;
        // Rounding in the daily arithmetic may exceed the exact value by a few ulps.
        dh_max * (x + 1e-9).exp()
    }

    /// The summed largest daily drop-out chances of the person's active services.
    // Inlined into the window's bound, for the cost of the call (fourteenth sitting).
    #[inline(always)]
    fn dropout_bounds(&self, i: usize) -> f64 {
        let active = self.citizens[i].active_episodes & self.t.service_bits();
        let (motivation, _) = self.dropout_terms(i);
        // Each term is a service's rate times two ratios, one of them the active addiction's
        // or 1: the sums are looked up by the set of services and which ratio applies (a loop
        // over a person's services, whose number follows no pattern, mispredicts its end).
        let addicted = self.citizens[i].addiction == Addiction::Active;
        let key = ((addicted as usize) << self.t.services) | active as usize;
        let sum = match self.t.dropout_sums.get(key) {
            Some(&sum) => sum,
            None => self.dropout_bounds_each(i),
        };
        // [`World::dropout_bound`]'s terms have no finite value outside this range.
        let in_range = (0.0..=1.0).contains(&motivation);
        debug_assert!(!in_range || sum == self.dropout_bounds_each(i));
        let none = active & self.t.dropout_services() == 0;
        pick(in_range | none, sum, f64::INFINITY)
    }

    /// [`World::dropout_bounds`] service by service (with motivation in range).
    fn dropout_bounds_each(&self, i: usize) -> f64 {
        self.active_services(i)
            .filter(|&p| self.sc.services[p].dropout_per_day > 0.0)
            .map(|p| self.dropout_bound(i, p))
            .sum()
    }

    /// The largest daily chance of asking for help, or of being referred by a coordinator:
    /// self-referral rises with competence, which care for LVB or a facility's climate may
    /// build up over the window, so it is then taken at full competence.
    fn help_bound(&self, i: usize, s: u16, care: &Care) -> f64 {
        let c = &self.citizens[i];
        let regime = &self.sc.regime;
        // Without an unmet need nobody asks for help. What the person needs and which of it
        // is served change only with an event or at the window's end, but for debt, which
        // may grow past the threshold of a need over the window.
        if self.unmet_needs(i) == 0 && !super::day::debt_grows(c, care.debt_moratorium) {
            return 0.0;
        }
        if (c.case_manager_until > s) | (c.veiligheidshuis_until > s) {
            return regime.case_manager.referral_per_day;
        }
        let own = self.self_referral_chance(i, care);
        if care.lvb_support || care.facility != NO_FACILITY {
            own.max(self.self_referral_chance_at(i, care, 1.0))
        } else {
            own
        }
    }
}

/// Appends to `visits`, in order, the citizens whose wake day in `wakes` has come by day `d`.
/// Most days only a few in a hundred wake: a mask of 32 comparisons at a time
/// ([`super::fastmath::due_mask`]) passes over a run of sleepers without a branch for each.
/// `visits` has room for everyone, so this does not allocate.
fn due_on(wakes: &[u16], d: u16, visits: &mut Vec<u32>) {
    const LANES: usize = 32;
    let (chunks, rest) = wakes.as_chunks::<LANES>();
    let mut first = 0u32;
    for chunk in chunks {
        let mut due = super::fastmath::due_mask(chunk, d);
        while due != 0 {
            visits.push(first + due.trailing_zeros());
            due &= due - 1;
        }
        first += LANES as u32;
    }
    let due = rest.iter().enumerate().filter(|&(_, &w)| w <= d);
    visits.extend(due.map(|(k, _)| first + k as u32));
}

/// The leading [`LEAD_BITS`] bits of the event uniform of day `day` of the citizen with
/// `key`: six days' worth in one hash.
#[inline(always)]
fn leading_bits(hash: u64, day: u32) -> u32 {
    ((hash >> ((day % DAYS_PER_BLOCK) * LEAD_BITS)) & ((1 << LEAD_BITS) - 1)) as u32
}

/// The key-free halves of the hashes behind the event uniforms of a horizon's days (see
/// [`crate::rng::key_free_half`]): each is asked for many citizens, so half of every hash is
/// looked up rather than computed.
#[derive(Debug, Clone)]
pub(crate) struct EventWords {
    /// By block of six days, for the leading bits.
    blocks: Vec<u64>,
    /// By day, for the rest of the day's event uniform.
    accepts: Vec<u64>,
}

impl EventWords {
    pub fn new(horizon_days: u32) -> Self {
        let days = horizon_days + DAYS_PER_BLOCK;
        let blocks = (0..days / DAYS_PER_BLOCK + 1)
            .map(|b| crate::rng::key_free_half(b, Purpose::EventTime, 0))
            .collect();
        let accepts =
            (0..days).map(|d| crate::rng::key_free_half(d, Purpose::EventAccept, 0)).collect();
        Self { blocks, accepts }
    }

    /// The hash of the block of six days that holds day `day`, for the citizen with `key`.
    #[inline(always)]
    fn block_hash(&self, key: u64, day: u32) -> u64 {
        self.hash_of_block(key, day / DAYS_PER_BLOCK)
    }

    /// The hash of block `block` (days `6 block` to `6 block + 5`).
    #[inline(always)]
    fn hash_of_block(&self, key: u64, block: u32) -> u64 {
        crate::rng::bits_from(key, self.blocks[block as usize])
    }

    /// The event uniform of day `day` of the citizen with `key`: its leading bits from the
    /// day's block hash, the rest from the day's own draw. One number a day, whatever the
    /// window or the scenario, so two scenarios share their candidate days as far as their
    /// bounds allow and a candidate day answers its chances from it (see [`Thinned`]).
    pub(super) fn event_uniform(&self, key: u64, day: u32) -> f64 {
        self.uniform_after(leading_bits(self.block_hash(key, day), day), key, day)
    }

    /// The event uniform of a day whose leading bits are `lead`.
    #[inline(always)]
    fn uniform_after(&self, lead: u32, key: u64, day: u32) -> f64 {
        let rest = crate::rng::uniform_from(key, self.accepts[day as usize]);
        (lead as f64 + rest) / (1u64 << LEAD_BITS) as f64
    }

    /// The first day from `s` to `e` ([`NEVER`]: none) whose event uniform lies below
    /// `bound`. Only days whose leading bits already put it below the least power of ½ at or
    /// above `bound` (a *base* day) need the day's own draw: `b` zero bits (chance `2^-b`)
    /// for the largest `b` ≤ [`LEAD_BITS`] with `bound ≤ 2^-b`.
    fn first_candidate(&self, key: u64, bound: f64, s: u16, e: u16) -> u16 {
        // A base day's leading bits, read as a number, lie below this (at most 2^9: bounds
        // above a quarter are not thinned).
        debug_assert!(base_bits(bound) >= 1, "{bound}");
        let below = LANE_ONES * (1u64 << (LEAD_BITS - base_bits(bound)));
        let (s, e) = (s as u32, e as u32);
        let (first, last) = (s / DAYS_PER_BLOCK, e / DAYS_PER_BLOCK);
        // The first block's lanes before day `s` and the last block's after day `e` are not
        // in the window; the blocks between are scanned in a loop with nothing else to test.
        let mut in_window = !0u64 << (s % DAYS_PER_BLOCK * LEAD_BITS);
        let middle = &self.blocks[first as usize..last as usize];
        for (block, &seed) in (first..).zip(middle) {
            let hash = crate::rng::bits_from(key, seed);
            // Most blocks hold no base day: a word-parallel test tells so for all six at
            // once, and where one does, its lane is found without a test of each day.
            let base = lanes_below_product(hash, below) & in_window;
            if base != 0
                && let Some(day) = self.first_below(key, bound, block, hash, base)
            {
                return day;
            }
            in_window = !0;
        }
        let hash = self.hash_of_block(key, last);
        in_window &= (1 << ((e % DAYS_PER_BLOCK + 1) * LEAD_BITS)) - 1;
        let base = lanes_below_product(hash, below) & in_window;
        self.first_below(key, bound, last, hash, base).unwrap_or(NEVER)
    }

    /// The first of the base days `base` (a lane's top bit each) of `block`, whose hash is
    /// `hash`, whose event uniform lies below `bound`. Not inlined: the scan's loop keeps its
    /// few registers for the hashes, and most blocks hold no base day.
    #[inline(never)]
    fn first_below(
        &self,
        key: u64,
        bound: f64,
        block: u32,
        hash: u64,
        mut base: u64,
    ) -> Option<u16> {
        while base != 0 {
            let lane = base.trailing_zeros() / LEAD_BITS;
            let day = block * DAYS_PER_BLOCK + lane;
            if self.uniform_after(leading_bits(hash, day), key, day) < bound {
                return Some(day as u16);
            }
            base &= base - 1;
        }
        None
    }
}

/// The largest `b` ≤ [`LEAD_BITS`] with `bound ≤ 2^-b` (0 if there is none), read from the
/// exponent bits of `bound` (at least 0): `2^-b` is the least power of ½ at or above it,
/// unless that lies beyond the leading bits.
#[inline(always)]
fn base_bits(bound: f64) -> u32 {
    debug_assert!(bound >= 0.0, "{bound}");
    let bits = bound.to_bits();
    let biased_exponent = (bits >> 52) as i64 & 0x7ff;
    let above_the_power = (bits & ((1 << 52) - 1) != 0) as i64;
    (1023 - biased_exponent - above_the_power).clamp(0, LEAD_BITS as i64) as u32
}

/// Bit 0 of each day's leading bits in a block hash, and the top bit of each.
const LANE_ONES: u64 = 1 | 1 << 10 | 1 << 20 | 1 << 30 | 1 << 40 | 1 << 50;
const LANE_TOPS: u64 = LANE_ONES << (LEAD_BITS - 1);

/// The top bit of each lane of a block `hash` whose day's leading bits lie below `n` (at most
/// 2^9): a word-parallel comparison of the six lanes, exact for each. Setting each lane's top
/// bit before subtracting `n` keeps a borrow from crossing into the next lane; a lane whose
/// own top bit is set is not below `n`.
#[cfg(test)]
fn lanes_below(hash: u64, n: u32) -> u64 {
    debug_assert!(n <= 1 << (LEAD_BITS - 1));
    lanes_below_product(hash, LANE_ONES * n as u64)
}

/// [`lanes_below`] with `n` given as `LANE_ONES · n`, the form the scan of a window keeps.
#[inline(always)]
fn lanes_below_product(hash: u64, ones_times_n: u64) -> u64 {
    let x = hash & ((1 << (DAYS_PER_BLOCK * LEAD_BITS)) - 1);
    !(((x | LANE_TOPS) - ones_times_n) | x) & LANE_TOPS
}

/// A chance rounded up to a number with two significant bits (1, 1.25, 1.5 or 1.75 times a
/// power of 2; at most 25% more), the room it keeps on a candidate day's stick. Rounding makes
/// the room the same in two scenarios in which the chance is alike, so the stretches after it
/// start at the same place and the chances asked there are paired too; and it is monotone, so
/// the room of a chance is at most the room of its bound.
#[inline(always)]
pub(super) fn room(p: f64) -> f64 {
    const LOW: u64 = (1 << 50) - 1;
    // Without a branch: a chance's sign and size follow no pattern from one call to the next.
    when(p > 0.0, f64::from_bits(p.to_bits().wrapping_add(LOW) & !LOW))
}

/// The least single-precision number at or above `x` (NaN stays NaN): a bound stays a bound.
fn round_up_f32(x: f64) -> f32 {
    let y = x as f32;
    // The next number up is the next bit pattern for a number at or above 0 (the bound's
    // case), and NaN stays NaN: `NaN < x` is false.
    debug_assert!(x >= 0.0 || x.is_nan());
    f32::from_bits(y.to_bits() + ((y as f64) < x) as u32)
}

/// Recovery dimension `k` (personal, social, societal, victim) of a citizen.
fn recovery_of(c: &crate::population::Citizen, k: usize) -> f32 {
    let r = &c.recovery;
    [r.personal, r.social, r.societal, r.victim][k]
}

#[cfg(test)]
mod tests {
    use super::{Skip, round_up_f32};
    use crate::engine::World;

    #[test]
    fn a_citizens_schedule_takes_16_bytes_and_its_bound_never_rounds_down() {
        assert_eq!(std::mem::size_of::<Skip>(), 16);
        for x in [1e-9, 0.1, 1.0 / 3.0, 0.2499999999, 0.25] {
            assert!(round_up_f32(x) as f64 >= x, "{x}");
            assert!((round_up_f32(x) as f64 - x) <= x * 1.2e-7, "{x}");
        }
        assert!(round_up_f32(f64::MIN_POSITIVE) > 0.0, "not rounded down to 0");
        assert!(round_up_f32(f64::NAN).is_nan());
        assert_eq!(round_up_f32(0.0), 0.0);
        assert_eq!(round_up_f32(1e300), f32::INFINITY);
        assert_eq!(round_up_f32(0.5), 0.5, "a single-precision number is kept");
    }

    use super::Decision;
    use crate::population::Place;
    use crate::scenario::Scenario;
    use crate::scenario::raw::Engine;

    #[test]
    fn the_base_bits_of_a_bound_are_those_of_the_least_power_of_a_half_above_it() {
        let by_search = |bound: f64| {
            (0..=super::LEAD_BITS).rev().find(|&b| bound * (1u64 << b) as f64 <= 1.0).unwrap_or(0)
        };
        let mut bounds = vec![0.0, f64::MIN_POSITIVE / 4.0, 1e-300, 1.0, 1.5, 7.0, f64::INFINITY];
        for k in 0..=12 {
            let power = 0.5f64.powi(k);
            bounds.extend([power, power.next_up(), power.next_down(), power * 0.75]);
        }
        bounds.extend((1..10_000).map(|i| i as f64 * 2.7e-5));
        for bound in bounds {
            assert_eq!(super::base_bits(bound), by_search(bound), "{bound}");
        }
    }

    #[test]
    fn the_pass_over_wake_days_finds_whoever_is_due_in_order() {
        // Sizes around the 32-lane chunks, wake days around today.
        for n in [0usize, 1, 31, 32, 33, 64, 95, 1000] {
            let mut wakes: Vec<u16> = (0..n).map(|i| ((i * 7919 + n) % 13) as u16 + 95).collect();
            // Days at the ends of the range (a wake day of `NEVER` is 65,535).
            for (i, w) in wakes.iter_mut().enumerate().filter(|(i, _)| i % 17 == 3) {
                *w = [0, 65_535, 40_000, 32_767, 32_768][i % 5];
            }
            for d in [0u16, 94, 95, 100, 107, 108, 32_767, 32_768, 65_534, 65_535] {
                let mut visits = Vec::with_capacity(n);
                super::due_on(&wakes, d, &mut visits);
                let expected: Vec<u32> =
                    (0..n as u32).filter(|&i| wakes[i as usize] <= d).collect();
                assert_eq!(visits, expected, "{n} citizens, day {d}");
            }
        }
    }

    #[test]
    fn a_room_is_its_chance_rounded_up_by_at_most_a_quarter_and_monotone() {
        use super::room;
        assert_eq!(room(0.0), 0.0);
        for nothing in [-0.0, -1e-300, -0.1, f64::NAN, -f64::NAN, f64::NEG_INFINITY] {
            assert_eq!(room(nothing).to_bits(), 0, "{nothing}");
        }
        assert_eq!(room(f64::INFINITY), f64::INFINITY);
        assert_eq!(room(f64::MIN_POSITIVE), f64::MIN_POSITIVE, "a power of 2 is kept");
        assert_eq!(room(0.25), 0.25);
        assert_eq!(room(0.3), 0.3125);
        assert_eq!(room(0.45), 0.5);
        let mut last = 0.0;
        for k in 1..100_000 {
            let p = k as f64 * 1.3e-6;
            let r = room(p);
            assert!(r >= p && r <= 1.25 * p, "{p}: {r}");
            assert!(r >= last, "monotone at {p}");
            last = r;
        }
    }

    #[test]
    fn a_block_tells_which_of_its_days_are_base_days() {
        use super::{DAYS_PER_BLOCK, LEAD_BITS, lanes_below, leading_bits};
        let mut found = 0;
        for k in 0..20_000u32 {
            let hash = crate::rng::bits(0xb10c, k, crate::rng::Purpose::EventTime, 0);
            for n in [1, 2, 4, 16, 64, 256, 512] {
                let mask = lanes_below(hash, n);
                for day in 0..DAYS_PER_BLOCK {
                    let top = 1u64 << (day * LEAD_BITS + LEAD_BITS - 1);
                    let below = leading_bits(hash, day) < n;
                    assert_eq!(mask & top != 0, below, "hash {hash:x}, day {day}, below {n}");
                    found += below as u32;
                }
                assert_eq!(mask & !super::LANE_TOPS, 0, "only lanes' top bits");
            }
        }
        assert!(found > 1_000, "both answers were tested");
    }

    #[test]
    fn the_first_candidate_is_the_first_day_whose_event_uniform_lies_below_the_bound() {
        use super::EventWords;
        let words = EventWords::new(400);
        let mut found = 0;
        for k in 0..3_000u64 {
            let key = crate::rng::mix64(k ^ 0xca4d);
            let s = (k * 7 % 200) as u16;
            let e = s + (k * 13 % 190) as u16;
            let bound = [0.25, 0.1, 0.03, 0.004, 0.0009][k as usize % 5];
            let plain = (s..=e)
                .find(|&d| words.event_uniform(key, d as u32) < bound)
                .unwrap_or(crate::population::NEVER);
            assert_eq!(words.first_candidate(key, bound, s, e), plain, "key {key:x} {s}..={e}");
            found += (plain != crate::population::NEVER) as u32;
        }
        assert!(found > 500 && found < 2_900, "windows with and without a candidate: {found}");
    }

    /// Shipped scenario `name` with 400 citizens under the event engine.
    fn events_scenario(name: &str) -> Scenario {
        let path = format!("scenarios/{name}.toml");
        let mut raw = Scenario::load(std::path::Path::new(&path)).unwrap().resolved;
        raw.population.size = 400;
        raw.scenario.engine = Engine::Events;
        Scenario::from_raw(raw).unwrap()
    }

    #[test]
    fn an_admission_draws_the_new_window_at_once_and_a_justice_step_waits_a_day() {
        let sc = events_scenario("through-care");
        let mut w = World::new(&sc, 2);
        while w.day < 400 {
            w.step_events();
        }
        let d = w.day - 1;
        // Everyone in the community whose state allows a window (the person is not
        // admitted: only what the engine does after the decision is under test).
        let mut windows = 0;
        for i in 0..w.citizens.len() {
            if w.citizens[i].place != Place::Community {
                continue;
            }
            w.bring_up_to_date(i, d);
            let drawn = w.next_skip(i, d, w.events.as_ref().expect("event state"));
            w.changed_by_others(i, d, Decision::Admission);
            let s = w.events.as_ref().expect("event state").skips[i];
            assert_eq!(s, drawn, "citizen {i}");
            windows += (s.quiet && s.wake > d + 1) as usize;
            w.changed_by_others(i, d, Decision::JusticeStep);
            let s = w.events.as_ref().expect("event state").skips[i];
            assert!(!s.quiet && s.wake == d + 1, "citizen {i}: stepped tomorrow");
        }
        assert!(windows > 100, "only {windows} windows past tomorrow");
    }

    #[test]
    fn a_window_goes_on_after_a_candidate_day_without_an_event() {
        let sc = events_scenario("fragmented");
        let mut w = World::new(&sc, 1);
        let mut checked = 0;
        while (w.day as u32) < sc.meta.horizon_days {
            let d = w.day;
            let before = w.events.as_ref().map(|ev| ev.skips.clone());
            w.step_events();
            let (Some(before), Some(ev)) = (before, w.events.as_ref()) else { continue };
            for (i, (b, a)) in before.iter().zip(&ev.skips).enumerate() {
                let gone_on = b.quiet && b.candidate == d && a.quiet && a.synced == d + 1;
                if !(gone_on && a.bound == b.bound && a.last == b.last) {
                    continue;
                }
                // The next candidate of the same window: the first later day whose event
                // uniform lies below its bound.
                let words = &w.t.event_words;
                let next = (d + 1..=b.last)
                    .find(|&k| words.event_uniform(w.keys[i], k as u32) < b.bound as f64)
                    .unwrap_or(crate::population::NEVER);
                assert_eq!((a.candidate, a.wake), (next, next.min(b.last)), "citizen {i} day {d}");
                checked += 1;
            }
        }
        let ev = w.events.as_ref().expect("event state");
        assert!(ev.windows_gone_on > 100, "{}", ev.windows_gone_on);
        assert!(ev.windows_gone_on <= ev.candidates - ev.candidates_with_event);
        assert!(checked as u64 >= ev.windows_gone_on, "{checked}");
    }

    #[test]
    fn the_invariants_hold_at_every_month_end_of_an_event_run() {
        for name in ["fragmented", "through-care", "shelter-climate"] {
            let sc = events_scenario(name);
            let mut w = World::new(&sc, 1);
            let mut skipped_at_month_end = 0;
            while (w.day as u32) < sc.meta.horizon_days {
                let d = w.day as usize;
                w.step_events();
                if w.t.month_end[d] {
                    w.check_invariants().unwrap_or_else(|e| panic!("{name} day {d}: {e}"));
                    // Everyone is up to date at a month end: nobody lags behind the world.
                    let ev = w.events.as_ref().expect("event state");
                    assert!(ev.skips.iter().all(|s| s.synced == w.day), "{name} day {d}");
                    // The pass over wake days reads the schedules' own.
                    assert!(ev.skips.iter().zip(&ev.wakes).all(|(s, &wake)| s.wake == wake));
                    skipped_at_month_end = ev.skipped_days;
                }
            }
            let ev = w.events.as_ref().expect("event state");
            assert!(skipped_at_month_end > 0, "{name}: nothing skipped");
            assert_eq!(ev.bound_exceeded, 0, "{name}");
            assert_eq!(ev.changed_while_skipped, 0, "{name}");
        }
    }

    #[test]
    fn drop_out_bound_care_and_housing_rung_from_masks_equal_their_loops_over_episodes() {
        let sc = events_scenario("through-care");
        let mut w = World::new(&sc, 3);
        let (mut with_services, mut with_two) = (0, 0);
        let mut rungs = [0u32; 12];
        while (w.day as u32) < 720 {
            w.step_events();
            for i in 0..w.citizens.len() {
                let services: Vec<usize> = w.active_services(i).collect();
                let each: f64 = services
                    .iter()
                    .filter(|&&p| sc.services[p].dropout_per_day > 0.0)
                    .map(|&p| w.dropout_bound(i, p))
                    .sum();
                assert_eq!(w.dropout_bounds(i), each, "day {}, citizen {i}", w.day);
                let care = crate::engine::episodes::care_of_services(
                    services.iter().copied(),
                    &w.t.daily_care,
                );
                assert_eq!(w.care_of(i), care, "day {}, citizen {i}", w.day);
                let rung = w.next_housing_service_by_mask(i);
                assert_eq!(rung, w.next_housing_service_by_episode(i), "day {}, {i}", w.day);
                with_services += !services.is_empty() as u32;
                with_two += (services.len() > 1) as u32;
                rungs[rung.map_or(0, |s| 1 + s.min(10))] += 1;
            }
        }
        assert!(with_services > 1_000 && with_two > 100, "{with_services}, {with_two}");
        // No rung, and more than one rung, were found.
        assert!(rungs[0] > 0 && rungs.iter().skip(1).filter(|&&n| n > 0).count() > 1, "{rungs:?}");
    }

    #[test]
    fn nobody_without_an_unmet_need_asks_for_help_in_the_bound_unless_debt_may_grow() {
        use crate::population::{Income, Place};
        let sc = events_scenario("fragmented");
        let mut w = World::new(&sc, 2);
        let (mut without, mut with) = (0, 0);
        while (w.day as u32) < 720 {
            w.step_events();
            let s = w.day;
            for i in 0..w.citizens.len() {
                let c = &w.citizens[i];
                if c.place != Place::Community {
                    continue;
                }
                let care = w.care_of(i);
                let debt_grows = (c.income == Income::None) & !care.debt_moratorium;
                let help = w.help_bound(i, s, &care);
                if w.unmet_needs(i) == 0 && !debt_grows {
                    assert_eq!(help, 0.0, "day {s}, citizen {i}");
                    without += 1;
                } else if w.unmet_needs(i) != 0 {
                    let coordinated = (c.case_manager_until > s) | (c.veiligheidshuis_until > s);
                    let asked = if coordinated {
                        sc.regime.case_manager.referral_per_day
                    } else {
                        w.self_referral_chance(i, &care)
                    };
                    assert!(help >= asked, "day {s}, citizen {i}: {help} < {asked}");
                    with += (help > 0.0) as u32;
                }
            }
        }
        assert!(without > 1_000 && with > 1_000, "both cases met: {without}, {with}");
    }
}
