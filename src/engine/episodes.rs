//! Episodes and admission: an episode of a programme (a service or a coordination slot, see
//! [`super::ProgrammeKind`]) is opened on a waiting list, started when a place is free and
//! the person is ready, run day by day (costs, drop-out, completion, what it does for the
//! person as [`Care`]) and closed with a status. Each day, after every citizen's day, the
//! waiting lists admit in programme order by their queue rule's priority.

use super::draws::DrawSource;
use super::events::Decision;
use super::fastmath::prefetch_lines;
use super::tables::{Coordination, housing_priority, service_day_rate};
use super::{World, domain_bit, programmes_in};
use crate::population::{Addiction, Citizen, Housing, Income, Place};
use crate::rng::{Purpose, chance, generator};
use crate::scenario::{Domain, Duration, Effect, HousingKind, RawHazards};
use crate::select::{pick, pick_f32};
use crate::services::{Episode, Standing, Status, Ticket};

/// How many stale tickets the days' passes over a waiting list may meet before the list is
/// swept, at the least (a long list waits until they met half its length): they gather at
/// its head, where each day's pass would meet them again (outputs do not depend on it; a
/// stale ticket is never admitted).
const STALE_SEEN_BEFORE_SWEEP: usize = 8;

/// How many of the day's admitted people ahead of the one being started the person's state
/// is asked for.
const ADMITTED_AHEAD: usize = 4;

/// What the person's open episodes do for them today.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Care {
    pub remission_per_day: f64,
    pub relapse_multiplier: f64,
    pub lvb_support: bool,
    pub psychiatric_care: bool,
    pub debt_moratorium: bool,
    /// The shelter or supported housing the person lives in ([`NO_FACILITY`]: none).
    pub facility: u8,
}

pub const NO_FACILITY: u8 = u8::MAX;

/// A service's largest daily drop-out chance, for drop-out `rate` and the active addiction's
/// ratio `addiction` (or 1): the low-motivation ratio at its largest, which bounds the hazard
/// for any motivation in 0..1 (see [`World::dropout_bound`]).
#[inline(always)]
pub(super) fn dropout_bound_term(rate: f64, h: &RawHazards, addiction: f64) -> f64 {
    rate * h.dropout_hr_low_motivation.max(1.0) * addiction
}

/// What a day in each of `services` (in increasing order) does for the person.
pub(super) fn care_of_services(
    services: impl Iterator<Item = usize>,
    daily_care: &[super::DailyCare],
) -> Care {
    let mut care = Care::default();
    for p in services {
        care.add(&daily_care[p], p);
    }
    care
}

impl Care {
    /// Adds what a day in programme `p` (with daily care `dc`) does for the person.
    #[inline(always)]
    pub(super) fn add(&mut self, dc: &super::DailyCare, p: usize) {
        self.remission_per_day += dc.remission_per_day;
        self.relapse_multiplier *= dc.relapse_multiplier;
        self.debt_moratorium |= dc.debt_moratorium;
        self.lvb_support |= dc.lvb_support;
        self.psychiatric_care |= dc.psychiatric_care;
        self.facility = if dc.facility { p as u8 } else { self.facility };
    }
}

impl Default for Care {
    fn default() -> Self {
        Self {
            remission_per_day: 0.0,
            relapse_multiplier: 1.0,
            lvb_support: false,
            psychiatric_care: false,
            debt_moratorium: false,
            facility: NO_FACILITY,
        }
    }
}

impl World<'_> {
    /// Those still on a waiting list at the horizon never started within the follow-up: their
    /// waits end censored there.
    pub(super) fn censor_waits_at_horizon(&mut self) {
        let end = self.sc.meta.horizon_days.min(u16::MAX as u32) as u16;
        for i in 0..self.citizens.len() {
            for p in 0..self.t.programmes {
                if self.episode(i, p).status == Status::Waiting {
                    let waited = self.days_waited(i, p, end);
                    self.programmes[p].waits.record(waited, false);
                }
            }
        }
    }

    // ----- episodes -----

    /// Runs the person's open episodes for one day: costs, drop-out and completion; returns
    /// what the active ones do for the person today.
    pub(super) fn run_episodes<D: DrawSource>(&mut self, i: usize, d: u16, draws: &mut D) -> Care {
        let mut care = Care::default();
        // Only active episodes; a waiting one does nothing for the person yet.
        for p in programmes_in(self.citizens[i].active_episodes) {
            // An episode ended earlier in this loop (moving to another home) stays ended.
            if self.episode(i, p).status != Status::Active {
                continue;
            }
            if let Some(k) = self.t.coordination(p) {
                self.run_coordination(i, p, k, d);
                continue;
            }
            self.charge_day(i, service_day_rate(&self.sc.services[p]), d);
            self.programmes[p].stats.place_days += 1;
            if d >= self.episode(i, p).until {
                self.end_episode(i, p, d, Status::Finished);
                continue;
            }
            if self.drops_out(i, p, d, draws) {
                self.end_episode(i, p, d, Status::DroppedOut);
                continue;
            }
            self.receive_care(i, p, &mut care);
        }
        care
    }

    /// Adds what a day in programme `p` does for the person to `care`. Every kind of
    /// service contributes through the same neutral-by-default values (see `DailyCare`), so
    /// there is no branch on the kind of service.
    #[inline(always)]
    fn receive_care(&mut self, i: usize, p: usize, care: &mut Care) {
        let dc = self.t.daily_care[p];
        care.add(&dc, p);
        train(&mut self.citizens[i], &dc);
    }

    fn run_coordination(&mut self, i: usize, p: usize, k: Coordination, d: u16) {
        self.charge_day(i, k.day_rate(&self.sc.costs), d);
        self.programmes[p].stats.place_days += 1;
        let c = &self.citizens[i];
        if c.place == Place::Community && d >= self.episode(i, p).until {
            self.end_episode(i, p, d, Status::Finished);
        }
    }

    /// What the person's active services do for them, without running a day: the care of
    /// [`World::run_episodes`] on a day on which none of them ends.
    // Inlined: asked at every visit and window; the call itself cost about 1% of a
    // replication's instructions (docs/performance.md, fourteenth sitting).
    #[inline(always)]
    pub(super) fn care_of(&self, i: usize) -> Care {
        // Looked up by the set of active services where the scenario has few: a loop over a
        // person's services, whose number follows no pattern, costs more in mispredicted
        // branches than the work it does.
        let services = self.citizens[i].active_episodes & self.t.service_bits();
        match self.t.care_by_services.get(services as usize) {
            Some(care) => {
                debug_assert_eq!(*care, self.care_of_each(i));
                *care
            }
            None => self.care_of_each(i),
        }
    }

    /// [`World::care_of`], service by service.
    fn care_of_each(&self, i: usize) -> Care {
        care_of_services(self.active_services(i), &self.t.daily_care)
    }

    /// Citizen `i`'s programmes with an active episode (the mask may still hold one that ended
    /// earlier today).
    pub(super) fn active_programmes(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        programmes_in(self.citizens[i].active_episodes)
            .filter(move |&p| self.episode(i, p).status == Status::Active)
    }

    /// [`World::active_programmes`] that are services (not coordination).
    pub(super) fn active_services(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        self.active_programmes(i).filter(|&p| self.t.coordination(p).is_none())
    }

    fn drops_out<D: DrawSource>(&self, i: usize, p: usize, d: u16, draws: &mut D) -> bool {
        let s = &self.sc.services[p];
        if !D::CAN_HAPPEN || s.dropout_per_day <= 0.0 {
            return false;
        }
        let (motivation, addiction) = self.dropout_terms(i);
        let hazard = || {
            let low_motivation = (self.t.ln.dropout_low_motivation * (1.0 - motivation)).exp();
            s.dropout_per_day * low_motivation * addiction
        };
        let bound = self.dropout_bound(i, p);
        draws.within(self.keys[i], d as u32, Purpose::Dropout, p as u32, bound, hazard)
    }

    /// What drop-out reads of the person: their motivation (0..1) and the hazard ratio of an
    /// active addiction.
    pub(super) fn dropout_terms(&self, i: usize) -> (f64, f64) {
        let c = &self.citizens[i];
        let motivation = (c.relatedness + c.competence + c.autonomy) as f64 / 3.0;
        let active = c.addiction == Addiction::Active;
        (motivation, pick(active, self.sc.hazards.dropout_hr_active_addiction, 1.0))
    }

    /// The largest daily drop-out chance from service `p` the person's motivation allows:
    /// with motivation in 0..1 the low-motivation ratio lies between 1 and its maximum, which
    /// bounds the hazard without an exponential (infinite when motivation is out of range).
    pub(super) fn dropout_bound(&self, i: usize, p: usize) -> f64 {
        let (motivation, addiction) = self.dropout_terms(i);
        if (0.0..=1.0).contains(&motivation) {
            dropout_bound_term(self.sc.services[p].dropout_per_day, &self.sc.hazards, addiction)
        } else {
            f64::INFINITY
        }
    }

    /// Puts citizen `i` on programme `p`'s waiting list from day `d`, as a new referral (the
    /// regime decides who is referred; see [`crate::regime`]).
    pub(crate) fn join_waiting_list(&mut self, i: usize, p: usize, d: u16) {
        let referral = self.episode(i, p).referral.wrapping_add(1);
        *self.episode_mut(i, p) = Episode { status: Status::Waiting, referral, since: d, until: 0 };
        self.citizens[i].open_episodes |= 1 << p;
        self.programmes[p].join(i as u32, d, referral);
    }

    /// Starts an episode for a person admitted from a waiting list.
    pub(crate) fn start_episode(&mut self, i: usize, p: usize, d: u16) {
        let waited = self.days_waited(i, p, d);
        self.programmes[p].stats.wait_days_total += waited as u64;
        self.programmes[p].waits.record(waited, true);
        if let Some(k) = self.t.coordination(p) {
            self.start_coordination(i, p, k, d);
            return;
        }
        self.count_waiver(i, p);
        let s = &self.sc.services[p];
        self.charge_care(i, s.payer, d, s.cost_per_intake);
        let until = match s.duration {
            Duration::Immediate => d,
            Duration::LogNormal { median_days, sigma } => {
                let mut rng = generator(self.keys[i], d as u32, Purpose::Duration, p as u32);
                let days = crate::population::sample_days(&mut rng, median_days, sigma, 20_000.0);
                d.saturating_add(days.min(u16::MAX as u32 - 1) as u16)
            }
        };
        let referral = self.episode(i, p).referral;
        *self.episode_mut(i, p) = Episode { status: Status::Active, referral, since: d, until };
        self.citizens[i].active_episodes |= 1 << p;
        self.apply_start_effect(i, p);
        if s.duration == Duration::Immediate {
            self.end_episode(i, p, d, Status::Finished);
        }
    }

    fn start_coordination(&mut self, i: usize, p: usize, k: Coordination, d: u16) {
        let duration = k.duration_days(&self.sc.regime) as u16;
        let c = &self.citizens[i];
        // Inside, involvement runs until release plus its duration.
        let from = if c.place == Place::Detention { c.release_day } else { d };
        let until = from.saturating_add(duration);
        let referral = self.episode(i, p).referral;
        *self.episode_mut(i, p) = Episode { status: Status::Active, referral, since: d, until };
        self.citizens[i].active_episodes |= 1 << p;
        let c = &mut self.citizens[i];
        *k.until_mut(c) = until;
        // Coordination means the whole picture is known: every need becomes indicated.
        c.known_needs |= self_needs(c, &self.sc.hazards);
        if k == Coordination::CaseManager && self.sc.regime.case_manager.integral_plan {
            self.make_integral_plan(i, d);
        }
    }

    fn apply_start_effect(&mut self, i: usize, p: usize) {
        let effect = self.sc.services[p].effect;
        match effect {
            Effect::Id => self.citizens[i].has_id = true,
            Effect::Income if self.citizens[i].income == Income::None => {
                self.citizens[i].income = Income::Benefit;
            }
            Effect::Housing { provides, .. } => {
                self.end_other_housing(i, p);
                self.citizens[i].housing = match provides {
                    HousingKind::Own => Housing::Own,
                    HousingKind::Shelter => Housing::Shelter,
                    HousingKind::Supported => Housing::Supported,
                };
            }
            _ => {}
        }
    }

    /// Moving into housing `keep` ends the stays in other places (a completed stay, not a
    /// drop-out) and the waits for places no better than it: a shelter bed ends
    /// homelessness, not the wait for supported housing or a home of one's own; moving into
    /// one's own home takes the person off every other housing waiting list.
    fn end_other_housing(&mut self, i: usize, keep: usize) {
        let rank = housing_priority(self.sc.services[keep].housing_kind());
        for k in 0..self.t.housing_services().len() {
            let q = self.t.housing_services()[k] as usize;
            if q == keep {
                continue;
            }
            let no_better = housing_priority(self.sc.services[q].housing_kind()) <= rank;
            match self.episode(i, q).status {
                Status::Active => self.close_episode(i, q, Status::Finished),
                Status::Waiting if no_better => self.close_episode(i, q, Status::Interrupted),
                _ => {}
            }
        }
    }

    /// Someone who moves on from a shelter or supported housing into a home of their own
    /// leaves the housing waiting lists.
    fn leave_housing_waits(&mut self, i: usize) {
        for k in 0..self.t.housing_services().len() {
            let q = self.t.housing_services()[k] as usize;
            if self.episode(i, q).status == Status::Waiting {
                self.close_episode(i, q, Status::Interrupted);
            }
        }
    }

    /// Ends an open episode with `status` and applies what ending means for the person.
    pub(crate) fn end_episode(&mut self, i: usize, p: usize, d: u16, status: Status) {
        let was_active = self.episode(i, p).status == Status::Active;
        self.close_episode(i, p, status);
        if let Some(k) = self.t.coordination(p) {
            *k.until_mut(&mut self.citizens[i]) = 0;
            return;
        }
        if !was_active {
            return;
        }
        let effect = self.sc.services[p].effect;
        let key = self.keys[i];
        let dd = d as u32;
        let c = &mut self.citizens[i];
        match (effect, status) {
            (Effect::Debt { success_probability }, Status::Finished)
                if chance(key, dd, Purpose::Outcome, p as u32, success_probability) =>
            {
                c.debt = 0.0;
                c.counters.debts_resolved += 1;
            }
            (Effect::Work { placement_probability }, Status::Finished)
                if chance(key, dd, Purpose::Outcome, p as u32, placement_probability) =>
            {
                c.income = Income::Work;
            }
            (Effect::Housing { provides, move_on_probability, .. }, _)
                if provides != HousingKind::Own =>
            {
                let moves_on = status == Status::Finished
                    && chance(key, dd, Purpose::Outcome, p as u32, move_on_probability);
                let here = if provides == HousingKind::Shelter {
                    Housing::Shelter
                } else {
                    Housing::Supported
                };
                if c.housing == here {
                    c.housing = if moves_on { Housing::Own } else { Housing::Homeless };
                    if moves_on {
                        self.leave_housing_waits(i);
                    }
                }
            }
            _ => {}
        }
    }

    /// How long citizen `i` has waited for programme `p` on day `d` ([`days_waited`]).
    fn days_waited(&self, i: usize, p: usize, d: u16) -> u16 {
        let c = &self.citizens[i];
        let community = c.place == Place::Community;
        crate::services::days_waited(self.episode(i, p).since, c.last_release_day, community, d)
    }

    /// Bookkeeping of ending an episode: status, open bit, place and statistics.
    fn close_episode(&mut self, i: usize, p: usize, status: Status) {
        if self.episode(i, p).status == Status::Waiting {
            let waited = self.days_waited(i, p, self.day);
            self.programmes[p].waits.record(waited, false);
        }
        let e = self.episode_mut(i, p);
        let (was, since) = (e.status, e.since);
        e.status = status;
        self.citizens[i].open_episodes &= !(1u32 << p);
        self.citizens[i].active_episodes &= !(1u32 << p);
        let prog = &mut self.programmes[p];
        match was {
            Status::Active => prog.release_place(),
            Status::Waiting => prog.withdraw(since),
            _ => {}
        }
        match status {
            Status::Finished => prog.stats.completions += 1,
            Status::DroppedOut => prog.stats.dropouts += 1,
            Status::Interrupted => prog.stats.interruptions += 1,
            _ => {}
        }
    }

    // ----- waiting lists -----

    pub(super) fn admit_from_waiting_lists(&mut self, d: u16) {
        for p in 0..self.t.programmes {
            if self.programmes[p].mostly_stale() {
                self.sweep_stale_tickets(p);
            }
            let stride = self.t.programmes;
            // Nobody who joined in the last `intake_delay` days can start yet.
            let Some(latest_since) = d.checked_sub(self.t.intake_delay[p]) else { continue };
            // Another round only when a service ended at once (an immediate one) and so
            // freed the places it just filled.
            loop {
                let free = self.programmes[p].free_places();
                if free == 0 || self.programmes[p].waiting == 0 {
                    break;
                }
                self.bring_waiting_up_to_date(p, d);
                let (mut picks, mut admitted) = std::mem::take(&mut self.admission);
                let prog = &self.programmes[p];
                let stale = prog.choose_admissions(
                    free,
                    latest_since,
                    |t| match ticket_is_live(&self.episodes, stride, p, t) {
                        true => Standing::waiting(self.ready(t.citizen as usize, p, t.since, d)),
                        false => Standing::Stale,
                    },
                    |t| self.priority(t.citizen as usize, prog.rule, d),
                    |t| self.prefetch_readiness(p, t),
                    &mut picks,
                );
                self.programmes[p].admit(&mut picks, &mut admitted);
                if self.programmes[p].sweep_due_after_pass(stale, STALE_SEEN_BEFORE_SWEEP) {
                    self.sweep_stale_tickets(p);
                }
                for (k, t) in admitted.iter().enumerate() {
                    if let Some(ahead) = admitted.get(k + ADMITTED_AHEAD) {
                        self.prefetch_person(ahead.citizen as usize);
                    }
                    let i = t.citizen as usize;
                    self.bring_up_to_date(i, d);
                    self.start_episode(i, p, d);
                    self.changed_by_others(i, d, Decision::Admission);
                }
                // Fewer admissions than places: nobody else is ready today.
                let done = admitted.len() < free as usize;
                self.admission = (picks, admitted);
                if done {
                    break;
                }
            }
        }
        // The longest list is counted after the day's admissions (which may also take people
        // off other lists): those admitted today never spent a night on it.
        for prog in &mut self.programmes {
            prog.note_queue_length();
        }
    }

    /// Takes the stale tickets off programme `p`'s waiting list.
    fn sweep_stale_tickets(&mut self, p: usize) {
        let (episodes, stride) = (&self.episodes, self.t.programmes);
        let ahead = |t: Ticket| prefetch_lines(&episodes[t.citizen as usize * stride + p]);
        self.programmes[p].sweep_stale(|t| ticket_is_live(episodes, stride, p, t), ahead);
    }

    /// Asks the memory system for what deciding on ticket `t` of programme `p` reads: the
    /// person's episode there, the person and their random-stream key.
    #[inline(always)]
    pub(super) fn prefetch_ticket(&self, p: usize, t: Ticket) {
        let i = t.citizen as usize;
        prefetch_lines(&self.episodes[i * self.t.programmes + p]);
        prefetch_lines(&self.citizens[i]);
        prefetch_lines(&self.keys[i]);
    }

    /// Asks the memory system for what [`Self::ready`] and [`Self::priority`] read of ticket
    /// `t` of programme `p`: the person's episode there and, for first-come lists, only the
    /// parts of the person that readiness reads (a long list's scan is bound by memory).
    #[inline(always)]
    fn prefetch_readiness(&self, p: usize, t: Ticket) {
        if self.programmes[p].rule != crate::scenario::QueueRule::FirstCome {
            return self.prefetch_ticket(p, t);
        }
        let i = t.citizen as usize;
        prefetch_lines(&self.episodes[i * self.t.programmes + p]);
        let c = &self.citizens[i];
        prefetch_lines(&c.place);
        prefetch_lines(&c.known_needs);
        prefetch_lines(&c.has_id);
        prefetch_lines(&c.housing);
        prefetch_lines(&c.income);
        if self.t.waivable[p] != 0 {
            prefetch_lines(&self.keys[i]);
        }
    }

    fn ready(&self, i: usize, p: usize, since: u16, d: u16) -> bool {
        if d < since.saturating_add(self.t.intake_delay[p]) {
            return false;
        }
        let c = &self.citizens[i];
        if c.place == Place::Detention && !self.t.starts_inside[p] {
            return false;
        }
        if self.t.is_coordination(p) {
            return true;
        }
        self.prerequisites_met(i, p, self.waived(i, p, since))
    }

    /// Whether citizen `i` meets service `p`'s prerequisites, counting a known need as its
    /// indication and `waived` as met.
    pub(crate) fn prerequisites_met(&self, i: usize, p: usize, waived: u8) -> bool {
        let s = &self.sc.services[p];
        let mut have = self.have_bits(i) | waived;
        if self.citizens[i].known_needs & domain_bit(s.domain()) != 0 {
            have |= crate::scenario::Prerequisites::INDICATION;
        }
        s.prerequisites.met_by(have)
    }

    fn priority(&self, i: usize, rule: crate::scenario::QueueRule, d: u16) -> u32 {
        use crate::scenario::QueueRule;
        let c = &self.citizens[i];
        match rule {
            QueueRule::FirstCome => 0,
            QueueRule::MostProblems => problem_count(c, &self.sc.hazards),
            QueueRule::HighestRisk => {
                let x = self.log_hazard_multiplier(i, d, &Care::default());
                ((x + 20.0).max(0.0) * 1000.0) as u32
            }
        }
    }

    /// The prerequisites a person meets today, as [`crate::scenario::Prerequisites`] bits.
    pub fn have_bits(&self, i: usize) -> u8 {
        use crate::scenario::Prerequisites as P;
        let c = &self.citizens[i];
        let mut have = 0;
        if c.has_id {
            have |= P::ID;
        }
        if c.housing != Housing::Homeless {
            have |= P::ADDRESS;
        }
        if c.income != Income::None {
            have |= P::INCOME;
        }
        have
    }
}

/// A day of support for LVB trains the person's competence (shared with the event engine's
/// skipped days).
#[inline(always)]
pub(super) fn train(c: &mut Citizen, dc: &super::DailyCare) {
    let trained = (c.competence + dc.competence_gain_per_day).min(1.0);
    c.competence = pick_f32(dc.lvb_support, trained, c.competence);
}

/// Whether ticket `t` stands for a current wait in programme `p` (`episodes` is citizen-major
/// with `stride` programmes per citizen).
#[inline(always)]
pub(super) fn ticket_is_live(episodes: &[Episode], stride: usize, p: usize, t: Ticket) -> bool {
    t.is_live(episodes[t.citizen as usize * stride + p])
}

/// Needs as a domain bit mask, from the person's state.
pub fn self_needs(c: &Citizen, h: &crate::scenario::RawHazards) -> u8 {
    // Bits are set by arithmetic, not `if`: this runs for every citizen every day.
    let bit = |d: Domain, yes: bool| domain_bit(d) * yes as u8;
    let active = c.addiction == Addiction::Active;
    bit(Domain::Addiction, active)
        | bit(Domain::Debt, c.debt as f64 >= h.problematic_debt_threshold)
        | bit(Domain::Housing, c.housing != Housing::Own)
        | bit(Domain::Income, c.income == Income::None)
        | bit(Domain::Id, !c.has_id)
        | bit(Domain::Lvb, c.traits.lvb())
        | bit(Domain::Psychiatric, c.traits.psychiatric())
        // Work is a next step once there is a base: a benefit, papers and no active addiction.
        | bit(Domain::Work, (c.income == Income::Benefit) & c.has_id & !active)
}

/// The count used by the "most problems" queue rule and by triage.
pub fn problem_count(c: &Citizen, h: &crate::scenario::RawHazards) -> u32 {
    let core = self_needs(c, h) & !domain_bit(Domain::Work);
    core.count_ones()
}
