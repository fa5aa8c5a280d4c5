//! The day: [`World::step`] takes every citizen through one day — in detention (network,
//! intramural care, planning, release) or in the community (reoffending hazard, addiction,
//! probation, eviction, work, debt, facilities, finding help) — moves their recovery
//! dimensions, and then lets the waiting lists admit. A day's rules read the tables built
//! once in [`super::tables`] and book costs through the world's ledger.

use super::draws::{Daily, DrawSource};
use super::fastmath::{PREFETCH_AHEAD, prefetch_lines};
use super::tables::FixedRate;
use super::{Care, Coordination, NO_FACILITY, World, programmes_in, recovery_term};
use crate::population::{Addiction, Housing, Income, NEVER, Place, Restorative};
use crate::rng::{DayDraws, Purpose, chance};
use crate::scenario::{Domain, HousingKind};
use crate::select::{pick, pick_f32, when, when_f32};
use crate::services::Status;

impl World<'_> {
    /// One day for everyone, then the waiting lists.
    pub fn step(&mut self) {
        let d = self.day;
        let month_end = self.begin_day(d);
        for i in 0..self.citizens.len() {
            self.prefetch(i);
            self.full_day(i, d);
            if month_end {
                self.observer.record_citizen(&self.citizens[i], d);
            }
        }
        self.end_day(d, month_end);
    }

    /// Opens day `d` (the daily and the event engine alike): its draws, the justice steps
    /// due, and at a month end the month's record. Whether the day ends a month.
    pub(super) fn begin_day(&mut self, d: u16) -> bool {
        self.today = DayDraws::new(d as u32);
        self.take_due_steps(d);
        let month_end = self.t.month_end[d as usize];
        if month_end {
            self.observer.open_month(d, self.t.programmes);
        }
        month_end
    }

    /// Citizen `i`'s whole day where they are, with every chance drawn, then their recovery.
    #[inline(always)]
    pub(super) fn full_day(&mut self, i: usize, d: u16) {
        self.full_day_with(i, d, &mut Daily);
    }

    /// Citizen `i`'s whole day where they are, its chances answered by `draws`, then their
    /// recovery.
    #[inline(always)]
    pub(super) fn full_day_with<D: DrawSource>(&mut self, i: usize, d: u16, draws: &mut D) {
        match self.citizens[i].place {
            Place::Detention => self.detention_day(i, d, draws),
            Place::Community => self.community_day(i, d, draws),
        }
        self.update_recovery(i, d);
    }

    /// Closes day `d`: admissions from the waiting lists, the month's record, the next day.
    pub(super) fn end_day(&mut self, d: u16, month_end: bool) {
        self.admit_from_waiting_lists(d);
        if month_end {
            let n = self.citizens.len();
            self.observer.close_month(n, &self.programmes, self.day);
        }
        self.day += 1;
    }

    /// Asks the memory system for citizen `i`'s state a few citizens before it is needed:
    /// the daily pass walks three arrays at once, and beyond the L2 cache waiting for each
    /// line would otherwise cost more than the work on it.
    #[inline(always)]
    pub(super) fn prefetch(&self, i: usize) {
        if let Some(c) = self.citizens.get(i + PREFETCH_AHEAD) {
            prefetch_lines(c);
            prefetch_lines(&self.keys[i + PREFETCH_AHEAD]);
        }
        // Episodes for everyone: testing who has one open costs more in mispredicted
        // branches than the prefetch does.
        let j = i + PREFETCH_AHEAD / 2;
        if let Some(e) = self.episodes.get(j * self.t.programmes..(j + 1) * self.t.programmes) {
            prefetch_lines(e);
        }
    }

    /// Asks the memory system for citizen `j`'s state (the citizen, their key, their
    /// episodes) before a visit that does not follow the order of the arrays.
    #[inline(always)]
    pub(super) fn prefetch_citizen(&self, j: usize) {
        prefetch_lines(&self.citizens[j]);
        prefetch_lines(&self.keys[j]);
        prefetch_lines(&self.episodes[j * self.t.programmes..(j + 1) * self.t.programmes]);
    }

    /// A day inside, its chances answered by `draws` (see [`super::draws`]).
    pub(super) fn detention_day<D: DrawSource>(&mut self, i: usize, d: u16, draws: &mut D) {
        self.charge_fixed_day(i, FixedRate::Prison, d, true);
        let h = &self.sc.hazards;
        let key = self.keys[i];
        let c = &mut self.citizens[i];
        c.counters.detention_days_after_release += (c.firsts.release != NEVER) as u16;
        // Contact with one's children is paid for and keeps the network; without it the
        // network decays. Selected without branches (see `select`).
        let contact = c.child_contact & c.traits.has_children();
        let decayed = (c.network - h.network_decay_in_detention_per_day as f32).max(0.0);
        c.network = pick_f32(contact, c.network, decayed);
        self.charge_fixed_day(i, FixedRate::ChildContact, d, contact);
        let care = self.run_episodes(i, d, draws);
        let c = &mut self.citizens[i];
        let p = remission_inside(c, h, &care);
        if draws.below(&self.today, key, Purpose::Remission, p) {
            c.addiction = Addiction::Remission;
        }
        if d == c.planning_day {
            self.plan_release(i, d);
        }
        if d == self.citizens[i].release_day {
            self.release(i, d);
        }
    }

    /// Starts a stay inside on day `d` for `days` days.
    pub(crate) fn enter_detention(&mut self, i: usize, d: u16, days: u32) {
        let h = &self.sc.hazards;
        let c = &mut self.citizens[i];
        c.place = Place::Detention;
        if days >= h.clock_reset_min_stay_days {
            c.clock_from = NEVER;
        }
        c.release_day = (d as u32 + days.max(1)).min(NEVER as u32 - 1) as u16;
        let planning = self.sc.regime.planning_days_before_release.min(u16::MAX as u32) as u16;
        c.planning_day = c.release_day.saturating_sub(planning).max(d + 1).min(c.release_day);
        c.counters.detentions += 1;
        if c.firsts.release != NEVER && c.firsts.redetention == NEVER {
            c.firsts.redetention = d;
        }
        c.housing = match c.housing {
            Housing::Own if days <= h.housing_lost_after_detention_days => Housing::Own,
            _ => Housing::Homeless,
        };
        c.income = match c.income {
            Income::Work if days <= h.job_lost_after_detention_days => Income::Work,
            _ => Income::None,
        };
        c.probation_until = 0;
        c.case_manager_until = 0;
        c.veiligheidshuis_until = 0;
        self.interrupt_episodes_on_detention(i, d);
        self.support_child_contact(i, d);
    }

    fn interrupt_episodes_on_detention(&mut self, i: usize, d: u16) {
        for p in programmes_in(self.citizens[i].open_episodes) {
            if !self.t.starts_inside[p] || self.t.is_coordination(p) {
                self.end_episode(i, p, d, Status::Interrupted);
            }
        }
    }

    fn release(&mut self, i: usize, d: u16) {
        let sc = self.sc;
        let key = self.keys[i];
        let c = &mut self.citizens[i];
        c.place = Place::Community;
        c.last_release_day = d;
        if c.clock_from == NEVER {
            c.clock_from = d;
        }
        if c.firsts.release == NEVER {
            c.firsts.release = d;
        }
        let stay = c.counters.detentions as u32;
        if chance(key, d as u32, Purpose::Probation, stay, sc.regime.probation.share) {
            c.probation_until = d.saturating_add(sc.regime.probation.duration_days as u16);
        }
        // Case management and coordination that began inside run from release day.
        for k in [Coordination::CaseManager, Coordination::Veiligheidshuis] {
            let duration = k.duration_days(&sc.regime);
            let e = self.episode_mut(i, self.t.programme_of(k));
            if e.status == Status::Active {
                e.until = d.saturating_add(duration as u16);
                let until = e.until;
                *k.until_mut(&mut self.citizens[i]) = until;
            }
        }
        // A night shelter is walk-in: a homeless person asks for a bed on release day.
        if self.citizens[i].housing == Housing::Homeless {
            self.refer_domain(i, d, Domain::Housing);
        }
    }

    // ----- community -----

    /// A day in the community, its chances answered by `draws` (the day's draws in the daily
    /// engine; see [`super::draws`]).
    pub(super) fn community_day<D: DrawSource>(&mut self, i: usize, d: u16, draws: &mut D) {
        let sc = self.sc;
        let h = &sc.hazards;
        let key = self.keys[i];
        let dd = d as u32;
        let care = self.run_episodes(i, d, draws);
        if self.citizens[i].place != Place::Community {
            return;
        }
        self.accrue_community_costs(i, d);
        // The time-since-release clock, which only a long enough stay restarts; the person's
        // fixed risk (frailty) multiplies the named factors. Not computed on a day answered
        // by [`super::draws::Never`].
        let reoffends = D::CAN_HAPPEN
            && draws.reoffends(&self.today, key, || self.reoffend_hazard(i, d, &care));
        if reoffends {
            self.offend(i, d);
            if self.citizens[i].place == Place::Detention {
                return;
            }
        }
        self.addiction_day(i, d, &care, draws);
        self.probation_day(i, d, draws);
        if self.citizens[i].place == Place::Detention {
            return;
        }
        // The chances below are computed for everyone, as 0 where they do not apply, and
        // drawn; only the rare event itself branches (see `select`).
        let c = &mut self.citizens[i];
        if draws.below(&self.today, key, Purpose::Eviction, eviction_chance(c, h)) {
            c.housing = Housing::Homeless;
        }
        let working = c.income == Income::Work;
        let (purpose, p_change) = job_chance(c, h);
        if draws.below(&self.today, key, purpose, p_change) {
            c.income = if working { Income::None } else { Income::Work };
        }
        pass_community_day(c, h, care.debt_moratorium);
        if (c.restorative == Restorative::Ongoing) & (d >= c.restorative_until) {
            let done = chance(key, dd, Purpose::Restorative, 1, sc.regime.restorative.completion);
            c.restorative = if done { Restorative::Completed } else { Restorative::Failed };
        }
        if care.facility != NO_FACILITY {
            self.facility_day(i, d, care.facility as usize, draws);
        }
        self.seek_help(i, d, &care, draws);
    }

    pub(super) fn accrue_community_costs(&mut self, i: usize, d: u16) {
        let c = &self.citizens[i];
        let (on_benefit, supervised) = (c.income == Income::Benefit, c.probation_until > d);
        // Booked as 0 when they do not apply, rather than branched on (see `charge_fixed_day`).
        self.charge_fixed_day(i, FixedRate::Benefit, d, on_benefit);
        self.charge_fixed_day(i, FixedRate::Probation, d, supervised);
    }

    /// Today's reoffending hazard of citizen `i` as `(dh, x)`: the cumulative hazard `dh · e^x`,
    /// with `dh` the Weibull increment since the clock started and `x` the log hazard ratios
    /// of the person's factors and fixed risk (frailty).
    #[inline(always)]
    pub(super) fn reoffend_hazard(&self, i: usize, d: u16, care: &Care) -> (f64, f64) {
        let since_release = d.saturating_sub(self.citizens[i].clock_from) as usize;
        let x = self.log_hazard_multiplier(i, d, care) + self.citizens[i].traits.ln_frailty as f64;
        let dh = self.t.reoffend_dh[since_release.min(self.t.reoffend_dh.len() - 1)];
        (dh, x)
    }

    /// The sum of log hazard ratios of the person's risk and protective factors today.
    pub fn log_hazard_multiplier(&self, i: usize, d: u16, care: &Care) -> f64 {
        let c = &self.citizens[i];
        let h = &self.sc.hazards;
        let ln = &self.t.ln;
        // Age in decades over 30, by multiplications only (divisions dominate this function).
        let x_age = ln.per_year_over_30 * (c.traits.age_at_start as f64 - 30.0)
            + ln.per_day_older * d as f64;
        let x = x_age
            + ln.per_prior * (c.traits.priors.min(h.priors_cap as u16)) as f64
            + recovery_term(&ln.recovery, &c.recovery);
        let (state, support) = factor_bits(c, h, d, care);
        let sums = &self.t.factor_sums;
        x + sums.state[state] + sums.support[support]
    }

    fn addiction_day<D: DrawSource>(&mut self, i: usize, d: u16, care: &Care, draws: &mut D) {
        let h = &self.sc.hazards;
        let key = self.keys[i];
        let c = &mut self.citizens[i];
        let active = c.addiction == Addiction::Active;
        let (purpose, p) = addiction_chance(c, h, care);
        if !draws.below(&self.today, key, purpose, p) {
            return;
        }
        if active {
            c.addiction = Addiction::Remission;
        } else {
            c.addiction = Addiction::Active;
            c.counters.relapses = c.counters.relapses.saturating_add(1);
            if c.firsts.relapse == NEVER {
                c.firsts.relapse = d;
            }
        }
    }

    fn probation_day<D: DrawSource>(&mut self, i: usize, d: u16, draws: &mut D) {
        let sc = self.sc;
        let c = &self.citizens[i];
        let active = c.addiction == Addiction::Active;
        let hr = pick(active, sc.hazards.violation_hr_active_addiction, 1.0);
        let p = when(c.probation_until > d, sc.regime.probation.violation_per_day * hr);
        if draws.below(&self.today, self.keys[i], Purpose::Violation, p) {
            self.citizens[i].counters.violations += 1;
            self.respond_to_violation(i, d);
        }
    }

    /// Support, structure and coercion of a facility shape the basic needs (seed 002); too
    /// little structure brings incidents, which can cost the person their place.
    fn facility_day<D: DrawSource>(&mut self, i: usize, d: u16, facility: usize, draws: &mut D) {
        let h = &self.sc.hazards;
        settle_in_climate(&mut self.citizens[i], self.sc.services[facility].climate(), h);
        let p = self.t.incident_per_day[facility];
        let key = self.keys[i];
        if draws.chance(&self.today, key, Purpose::Incident, p) {
            self.citizens[i].counters.incidents += 1;
            // Some incidents end the stay: the facility protects its other residents.
            if chance(key, d as u32, Purpose::Incident, 1, h.incident_eviction) {
                self.citizens[i].counters.facility_evictions += 1;
                self.evict_from_facility(i, d);
            }
        }
    }

    fn evict_from_facility(&mut self, i: usize, d: u16) {
        for p in programmes_in(self.citizens[i].open_episodes) {
            if !self.t.is_coordination(p)
                && matches!(
                    self.sc.services[p].housing_kind(),
                    Some(HousingKind::Shelter | HousingKind::Supported)
                )
                && self.episode(i, p).status == Status::Active
            {
                self.end_episode(i, p, d, Status::DroppedOut);
            }
        }
    }

    /// The four recovery dimensions move toward what the person's situation supports.
    // Inlined into the full and candidate days that end with it, for the cost of the call
    // (docs/performance.md, fourteenth sitting).
    #[inline(always)]
    pub(crate) fn update_recovery(&mut self, i: usize, d: u16) {
        let rate = self.sc.hazards.recovery_rate_per_day as f32;
        recover_one_day(&mut self.citizens[i], &self.t.recovery_targets, rate, d);
    }
}

/// The chance that person `c`'s addiction changes today in the community, with its purpose:
/// remission while active, relapse while in remission, nothing otherwise (one draw with the
/// chance that applies, see `select`).
#[inline(always)]
pub(super) fn addiction_chance(
    c: &crate::population::Citizen,
    h: &crate::scenario::RawHazards,
    care: &Care,
) -> (Purpose, f64) {
    let active = c.addiction == Addiction::Active;
    let p_relapse =
        when(c.addiction == Addiction::Remission, h.relapse_per_day * care.relapse_multiplier);
    let p = pick(active, h.remission_per_day + care.remission_per_day, p_relapse);
    (if active { Purpose::Remission } else { Purpose::Relapse }, p)
}

/// The chance of eviction from one's own home today, far more likely when the rent cannot be
/// paid.
#[inline(always)]
pub(super) fn eviction_chance(
    c: &crate::population::Citizen,
    h: &crate::scenario::RawHazards,
) -> f64 {
    let hr = pick(c.income == Income::None, h.eviction_hr_no_income, 1.0);
    when(c.housing == Housing::Own, h.eviction_per_day * hr)
}

/// The chance that work is lost today, or found by someone whose addiction is not active,
/// with its purpose.
#[inline(always)]
pub(super) fn job_chance(
    c: &crate::population::Citizen,
    h: &crate::scenario::RawHazards,
) -> (Purpose, f64) {
    let working = c.income == Income::Work;
    let p_found = when(c.addiction != Addiction::Active, h.job_found_per_day);
    let p = pick(working, h.job_loss_per_day, p_found);
    (if working { Purpose::JobLoss } else { Purpose::JobFound }, p)
}

/// The chance of remission from an active addiction on a day inside.
#[inline(always)]
pub(super) fn remission_inside(
    c: &crate::population::Citizen,
    h: &crate::scenario::RawHazards,
    care: &Care,
) -> f64 {
    when(c.addiction == Addiction::Active, h.detention_remission_per_day + care.remission_per_day)
}

/// Day `d`'s move of the four recovery dimensions toward what the person's situation supports
/// (shared by [`World::update_recovery`] and the event engine's skipped days).
#[inline(always)]
pub(super) fn recover_one_day(
    c: &mut crate::population::Citizen,
    targets: &super::RecoveryTargets,
    rate: f32,
    d: u16,
) {
    // The targets' state-dependent parts are looked up (see `RecoveryTargets`).
    let personal = targets.addiction[c.addiction as usize]
        + targets.competence * c.competence
        + targets.autonomy * c.autonomy;
    let in_community = c.place == Place::Community;
    let contact = c.traits.has_children() & (c.child_contact | in_community);
    let social = targets.network * c.network + targets.contact[contact as usize];
    let offence_free = (c.last_offence_day == NEVER)
        | (d.saturating_sub(c.last_offence_day) > targets.offence_free_days);
    let free = in_community & offence_free;
    let societal = targets.societal[(c.housing != Housing::Homeless) as usize
        | ((c.income != Income::None) as usize) << 1
        | (free as usize) << 2];
    let victim = targets.victim[c.restorative as usize];
    let r = &mut c.recovery;
    r.personal += (personal - r.personal) * rate;
    r.social += (social - r.social) * rate;
    r.societal += (societal - r.societal) * rate;
    r.victim += (victim - r.victim) * rate;
}

/// A day in a shelter or supported housing moves relatedness, competence and autonomy
/// toward what its climate supports (seed 002); shared with the event engine's skipped days.
#[inline(always)]
pub(super) fn settle_in_climate(
    c: &mut crate::population::Citizen,
    climate: crate::scenario::Climate,
    h: &crate::scenario::RawHazards,
) {
    let rate = h.climate_rate_per_day as f32;
    let [related, competent, autonomous] = climate_targets(climate, h);
    let toward = |v: f32, target: f32| v + (target - v) * rate;
    c.relatedness = toward(c.relatedness, related);
    c.competence = toward(c.competence, competent);
    c.autonomy = toward(c.autonomy, autonomous);
}

/// What a facility's climate moves relatedness, competence and autonomy toward (seed 002):
/// its support, the mean of support and structure, and freedom from the coercion felt. Shared
/// with the event engine's closed form of many such days.
pub(super) fn climate_targets(
    climate: crate::scenario::Climate,
    h: &crate::scenario::RawHazards,
) -> [f32; 3] {
    let felt = felt_coercion(climate, h.overcontrol_weight);
    [
        climate.support as f32,
        (0.5 * climate.support + 0.5 * climate.structure) as f32,
        (1.0 - felt) as f32,
    ]
}

/// The hazard's yes/no factors that apply to person `c` on day `d`, as bits of the person's
/// state and of their support; they index precomputed sums (see `FactorSums`). Shared by the
/// day's hazard and the event engine's bound of it.
#[inline(always)]
pub(super) fn factor_bits(
    c: &crate::population::Citizen,
    h: &crate::scenario::RawHazards,
    d: u16,
    care: &Care,
) -> (usize, usize) {
    let bit = |present: bool, k: u32| (present as usize) << k;
    let state = bit(c.addiction == Addiction::Active, 0)
        | bit(c.housing == Housing::Homeless, 1)
        | bit(c.income == Income::None, 2)
        | bit(c.income == Income::Work, 3)
        | bit(c.debt as f64 >= h.problematic_debt_threshold, 4)
        | bit(c.traits.lvb() & !care.lvb_support, 5);
    let support = bit(c.traits.psychiatric() & !care.psychiatric_care, 0)
        | bit((c.network as f64) < h.weak_network_below, 1)
        | bit(c.case_manager_until > d, 2)
        | bit(c.probation_until > d, 3)
        | bit(c.veiligheidshuis_until > d, 4)
        | bit(c.restorative == Restorative::Completed, 5);
    (state, support)
}

/// Whether a person's debt grows day by day: without an income, unless debt help holds it
/// (a moratorium). Shared by the daily step, the skipped days caught up in one go and the
/// event engine's bound on asking for help.
#[inline(always)]
pub(super) fn debt_grows(c: &crate::population::Citizen, debt_moratorium: bool) -> bool {
    (c.income == Income::None) & !debt_moratorium
}

/// What a day in the community does to a person whatever happens by chance: the day
/// counters, debt growth without an income (unless debt help holds it), and the network's
/// recovery towards its baseline. Shared by the daily engine and the event engine's quiet
/// days, so both do exactly the same arithmetic.
#[inline(always)]
pub(super) fn pass_community_day(
    c: &mut crate::population::Citizen,
    h: &crate::scenario::RawHazards,
    debt_moratorium: bool,
) {
    c.counters.days_without_income += (c.income == Income::None) as u16;
    c.debt += when_f32(debt_grows(c, debt_moratorium), h.debt_growth_per_day_no_income as f32);
    c.counters.days_homeless += (c.housing == Housing::Homeless) as u16;
    c.counters.days_active_addiction += (c.addiction == Addiction::Active) as u16;
    // The network recovers towards its baseline (and never falls to it from above).
    let recovered = (c.network + h.network_recovery_per_day as f32).min(c.traits.network_baseline);
    c.network = c.network.max(recovered);
}

/// Coercion as the resident feels it: the facility's own, plus structure that goes beyond the
/// support given, which is experienced as control rather than predictability (seed 002).
pub fn felt_coercion(climate: crate::scenario::Climate, overcontrol_weight: f64) -> f64 {
    let excess = (climate.structure - climate.support).max(0.0);
    (climate.coercion + overcontrol_weight * excess).clamp(0.0, 1.0)
}

/// Daily incident hazard in a facility: unpredictability (little structure) and felt
/// coercion both raise it.
pub fn incident_hazard(
    h: &crate::scenario::RawHazards,
    climate: crate::scenario::Climate,
    felt: f64,
) -> f64 {
    h.incident_per_day
        * h.incident_hr_no_structure.powf(1.0 - climate.structure)
        * h.incident_hr_full_coercion.powf(felt)
}

#[cfg(test)]
mod tests {
    use super::super::tests::{fragmented, run_until};
    use crate::engine::{Care, World};
    use crate::population::{Addiction, Housing, Income, Restorative};

    /// The log hazard multiplier as a chain of `if`s over the factors, as it was written
    /// before the factor sums: the reference the table lookup must agree with.
    fn log_hazard_by_conditions(w: &World, i: usize, d: u16, care: &Care) -> f64 {
        let (c, h, ln) = (&w.citizens[i], &w.sc.hazards, &w.t.ln);
        let mut x = ln.per_year_over_30 * (c.traits.age_at_start as f64 - 30.0)
            + ln.per_day_older * d as f64
            + ln.per_prior * (c.traits.priors.min(h.priors_cap as u16)) as f64
            + super::recovery_term(&ln.recovery, &c.recovery);
        let factors = [
            (c.addiction == Addiction::Active, ln.active_addiction),
            (c.housing == Housing::Homeless, ln.homeless),
            (c.income == Income::None, ln.no_income),
            (c.income == Income::Work, ln.work),
            (c.debt as f64 >= h.problematic_debt_threshold, ln.problematic_debt),
            (c.traits.lvb() && !care.lvb_support, ln.lvb_unsupported),
            (c.traits.psychiatric() && !care.psychiatric_care, ln.psychiatric_untreated),
            ((c.network as f64) < h.weak_network_below, ln.weak_network),
            (c.case_manager_until > d, ln.case_manager),
            (c.probation_until > d, ln.probation),
            (c.veiligheidshuis_until > d, ln.veiligheidshuis),
            (c.restorative == Restorative::Completed, ln.restorative_completed),
        ];
        for (applies, term) in factors {
            if applies {
                x += term;
            }
        }
        x
    }

    #[test]
    fn factor_sums_give_the_multiplier_of_the_factors_that_apply() {
        let sc = crate::scenario::Scenario::load(std::path::Path::new("scenarios/fragmented.toml"))
            .expect("shipped scenario");
        let mut w = World::new(&sc, 0);
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = |m: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % m
        };
        for i in 0..w.citizens.len() {
            let c = &mut w.citizens[i];
            c.addiction =
                [Addiction::None, Addiction::Remission, Addiction::Active][next(3) as usize];
            c.housing = [Housing::Own, Housing::Shelter, Housing::Supported, Housing::Homeless]
                [next(4) as usize];
            c.income = [Income::None, Income::Benefit, Income::Work][next(3) as usize];
            c.debt = next(40_000) as f32;
            c.network = next(100) as f32 / 100.0;
            c.case_manager_until = next(400) as u16;
            c.probation_until = next(400) as u16;
            c.veiligheidshuis_until = next(400) as u16;
            c.restorative = [Restorative::NotOffered, Restorative::Ongoing, Restorative::Completed]
                [next(3) as usize];
            let care = Care {
                lvb_support: next(2) == 0,
                psychiatric_care: next(2) == 0,
                ..Care::default()
            };
            let d = next(400) as u16;
            let (fast, slow) =
                (w.log_hazard_multiplier(i, d, &care), log_hazard_by_conditions(&w, i, d, &care));
            assert!((fast - slow).abs() < 1e-12, "citizen {i}: {fast} vs {slow}");
        }
    }

    #[test]
    fn only_a_stay_of_the_threshold_or_longer_restarts_the_clock() {
        let mut raw = fragmented();
        raw.population.size = 50;
        raw.hazards.clock_reset_min_stay_days = 90;
        let sc = crate::scenario::Scenario::from_raw(raw).unwrap();
        let mut w = World::new(&sc, 0);
        let i = 0;
        let first = w.citizens[i].release_day;
        run_until(&mut w, first + 10);
        assert_eq!(w.citizens[i].clock_from, first, "the first release starts the clock");
        // A 60-day revocation: the clock runs on from the first release.
        let d = first + 11;
        w.enter_detention(i, d, 60);
        run_until(&mut w, d + 70);
        assert_eq!(w.citizens[i].place, crate::population::Place::Community);
        assert_eq!(w.citizens[i].clock_from, first);
        // A stay of 120 days restarts it at that release.
        let d = w.day;
        w.enter_detention(i, d, 120);
        let release = w.citizens[i].release_day;
        run_until(&mut w, release + 1);
        assert_eq!(w.citizens[i].clock_from, release);
    }

    #[test]
    fn with_threshold_zero_every_release_restarts_the_clock() {
        let mut raw = fragmented();
        raw.population.size = 20;
        raw.hazards.clock_reset_min_stay_days = 0;
        let sc = crate::scenario::Scenario::from_raw(raw).unwrap();
        let mut w = World::new(&sc, 0);
        let first = w.citizens[0].release_day;
        run_until(&mut w, first + 5);
        w.enter_detention(0, first + 6, 10);
        run_until(&mut w, first + 20);
        assert_eq!(w.citizens[0].clock_from, first + 16);
    }

    /// The log hazard of citizen `i` once the recovery dimensions have settled on the
    /// person's state (400 days of `update_recovery` only).
    fn settled_log_hazard(w: &mut World, i: usize) -> f64 {
        for d in 0..400 {
            w.update_recovery(i, d);
        }
        w.log_hazard_multiplier(i, 400, &Care::default())
    }

    #[test]
    fn each_factor_acts_once_through_its_own_ratio() {
        // Present minus absent, with the recovery dimensions settled on each state, is the
        // factor's log ratio exactly; with the ratio set to 1 the factor has no effect left.
        type Set = fn(&mut crate::population::Citizen, bool);
        let factors: [(&str, Set); 5] = [
            ("hr_homeless", |c, on| c.housing = if on { Housing::Homeless } else { Housing::Own }),
            ("hr_no_income", |c, on| c.income = if on { Income::None } else { Income::Benefit }),
            ("hr_active_addiction", |c, on| {
                c.addiction = if on { Addiction::Active } else { Addiction::None }
            }),
            ("hr_restorative_completed", |c, on| {
                c.restorative = if on { Restorative::Completed } else { Restorative::NotOffered }
            }),
            ("hr_work", |c, on| c.income = if on { Income::Work } else { Income::Benefit }),
        ];
        for (key, set) in factors {
            for ratio in [None, Some(1.0)] {
                let mut raw = fragmented();
                raw.population.size = 40;
                let h = &mut raw.hazards;
                let field = match key {
                    "hr_homeless" => &mut h.hr_homeless,
                    "hr_no_income" => &mut h.hr_no_income,
                    "hr_active_addiction" => &mut h.hr_active_addiction,
                    "hr_restorative_completed" => &mut h.hr_restorative_completed,
                    _ => &mut h.hr_work,
                };
                if let Some(r) = ratio {
                    *field = r;
                }
                let expected = field.ln();
                let sc = crate::scenario::Scenario::from_raw(raw).unwrap();
                let mut w = World::new(&sc, 0);
                for i in 0..w.citizens.len() {
                    w.citizens[i].place = crate::population::Place::Community;
                    let start = w.citizens[i].clone();
                    set(&mut w.citizens[i], true);
                    let present = settled_log_hazard(&mut w, i);
                    w.citizens[i] = start;
                    set(&mut w.citizens[i], false);
                    let absent = settled_log_hazard(&mut w, i);
                    let effect = present - absent;
                    assert!(
                        (effect - expected).abs() < 1e-6,
                        "{key} = {ratio:?}, citizen {i}: effect {effect}, its own ratio {expected}"
                    );
                }
            }
        }
    }
}
