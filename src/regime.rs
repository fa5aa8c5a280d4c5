//! The care regime (MODEL.md §3, the policy lever): planning and screening before release, the
//! warm hand-over or its absence, ID, benefit and housing arranged before release, case
//! management and Veiligheidshuis coordination, restorative justice, child–parent contact,
//! how people find services by themselves, and what a violated probation condition leads to.
//!
//! The boundary with [`crate::engine`] is a convention, not a type: these are methods of the
//! engine's [`World`] (`impl World`), called from the day at fixed points (planning day,
//! release, a day in the community, a violation, the start of coordination). They decide
//! *who is referred where and what is arranged*, reading the person's state and the regime's
//! levers. They write the person's own state (needs known, arrangements, the restorative
//! process, counters) and act on everything shared only through the engine's operations
//! (`join_waiting_list`, `end_episode`, `enter_detention`, `charge`), never by editing
//! episodes or queues directly; the engine applies the decisions (admission, episodes,
//! costs). Keeping them as methods avoids copying the world's state for every decision in
//! the daily loop.

use crate::engine::draws::DrawSource;
use crate::engine::{Coordination, DOMAINS, World, domain_bit, problem_count, self_needs};
use crate::population::{Addiction, Housing, Income, Restorative};
use crate::rng::{Purpose, chance, uniform};
use crate::scenario::{Domain, Eligibility, HousingKind, Prerequisites, ViolationResponse};
use crate::select::{pick, when};

impl World<'_> {
    /// Planning day inside: screening, then every referral the regime makes before release.
    pub(crate) fn plan_release(&mut self, i: usize, d: u16) {
        self.screen(i, d);
        self.offer_restorative(i, d);
        self.arrange_before_release(i, d);
        self.warm_handover(i, d);
        self.enrol_coordination(i, d);
    }

    /// Each true problem is found with the regime's sensitivity for it; LVB is often missed.
    fn screen(&mut self, i: usize, d: u16) {
        let s = &self.sc.regime.screening;
        let key = self.keys[i];
        let stay = self.citizens[i].counters.detentions as u32;
        let needs = self_needs(&self.citizens[i], &self.sc.hazards);
        for (bit, domain) in DOMAINS.iter().enumerate() {
            if needs & (1 << bit) == 0 {
                continue;
            }
            let sensitivity = match domain {
                Domain::Addiction => s.addiction,
                Domain::Debt => s.debt,
                Domain::Housing => s.housing,
                Domain::Income => s.income,
                Domain::Id => s.id,
                Domain::Lvb => s.lvb,
                Domain::Psychiatric => s.psychiatric,
                Domain::Work => s.work,
            };
            if chance(key, d as u32, Purpose::Screening, bit as u32 + 16 * stay, sensitivity) {
                self.citizens[i].known_needs |= 1 << bit;
            }
        }
    }

    fn offer_restorative(&mut self, i: usize, d: u16) {
        let r = &self.sc.regime.restorative;
        let key = self.keys[i];
        let c = &mut self.citizens[i];
        if c.restorative != Restorative::NotOffered
            || !chance(key, d as u32, Purpose::Restorative, 2, r.offer)
        {
            return;
        }
        if chance(key, d as u32, Purpose::Restorative, 3, r.uptake) {
            c.restorative = Restorative::Ongoing;
            c.restorative_until = d.saturating_add(r.duration_days as u16);
            self.charge(i, crate::scenario::Payer::Justice, d, self.sc.costs.restorative_case);
        } else {
            c.restorative = Restorative::Declined;
        }
    }

    /// Child–parent contact during the stay (Expertisecentrum KIND), decided when a stay
    /// begins so that it can keep the network from weakening for the whole stay.
    pub(crate) fn support_child_contact(&mut self, i: usize, d: u16) {
        let p = self.sc.regime.child_contact_support;
        let key = self.keys[i];
        let c = &mut self.citizens[i];
        c.child_contact = c.traits.has_children() && chance(key, d as u32, Purpose::Arranged, 3, p);
        if c.child_contact {
            c.counters.child_contact_stays += 1;
        }
    }

    /// ID papers, the benefit application and housing for release day (the "basic
    /// conditions" of Dutch aftercare), each arranged with the regime's probability.
    fn arrange_before_release(&mut self, i: usize, d: u16) {
        let regime = &self.sc.regime;
        let key = self.keys[i];
        let c = &self.citizens[i];
        let dd = d as u32;
        if !c.has_id && chance(key, dd, Purpose::Arranged, 0, regime.id_before_release) {
            self.refer_domain(i, d, Domain::Id);
        }
        let c = &self.citizens[i];
        if c.income == Income::None
            && chance(key, dd, Purpose::Arranged, 1, regime.benefit_before_release)
        {
            self.refer_domain(i, d, Domain::Income);
        }
        let c = &self.citizens[i];
        if c.housing == Housing::Homeless
            && chance(key, dd, Purpose::Arranged, 2, regime.housing_on_release)
            && let Some(p) = self.sc.release_housing_service
        {
            self.refer(i, d, p);
        }
    }

    /// Referrals accepted before release for every need screening found.
    fn warm_handover(&mut self, i: usize, d: u16) {
        let p = self.sc.regime.warm_handover;
        let key = self.keys[i];
        let known = self.citizens[i].known_needs & self_needs(&self.citizens[i], &self.sc.hazards);
        for (bit, domain) in DOMAINS.iter().enumerate() {
            if known & (1 << bit) != 0 && chance(key, d as u32, Purpose::Handover, bit as u32, p) {
                self.refer_domain(i, d, *domain);
            }
        }
    }

    fn enrol_coordination(&mut self, i: usize, d: u16) {
        let regime = &self.sc.regime;
        let cm = &regime.case_manager;
        if cm.enabled && self.eligible(i, cm.eligibility, cm.complex_min_problems) {
            self.refer(i, d, self.t.programme_of(Coordination::CaseManager));
        }
        if regime.veiligheidshuis.enabled && self.citizens[i].traits.prolific() {
            self.refer(i, d, self.t.programme_of(Coordination::Veiligheidshuis));
        }
    }

    fn eligible(&self, i: usize, rule: Eligibility, min_problems: u32) -> bool {
        let c = &self.citizens[i];
        match rule {
            Eligibility::All => true,
            Eligibility::Prolific => c.traits.prolific(),
            Eligibility::Complex => {
                let complex = [
                    c.addiction != Addiction::None,
                    c.traits.lvb(),
                    c.debt as f64 >= self.sc.hazards.problematic_debt_threshold,
                ];
                complex.iter().filter(|x| **x).count() as u32 >= min_problems
            }
        }
    }

    /// A person in the community looks for help for one unmet need a day, with a chance that
    /// falls with LVB, active addiction and low competence; a case manager or Veiligheidshuis
    /// coordinator does it for them.
    pub(crate) fn seek_help<D: DrawSource>(
        &mut self,
        i: usize,
        d: u16,
        care: &crate::engine::Care,
        draws: &mut D,
    ) {
        if !D::CAN_HAPPEN {
            return;
        }
        let unmet = self.unmet_needs(i);
        let c = &self.citizens[i];
        let key = self.keys[i];
        let dd = d as u32;
        // Computed and drawn for everyone, 0 without an unmet need: cheaper in a large cohort
        // than branching on each citizen's state (see `select`).
        let coordinated = (c.case_manager_until > d) | (c.veiligheidshuis_until > d);
        let on_own = self.self_referral_chance(i, care);
        let p = pick(coordinated, self.sc.regime.case_manager.referral_per_day, on_own);
        let purpose =
            if coordinated { Purpose::CaseManagerReferral } else { Purpose::SelfReferral };
        if !draws.below(&self.today, key, purpose, when(unmet != 0, p)) {
            return;
        }
        // One need at a time, picked evenly among the unmet ones.
        let pick = (uniform(key, dd, purpose, 1) * unmet.count_ones() as f64) as u32;
        let bit = nth_set_bit(unmet, pick);
        let domain = DOMAINS[bit];
        let c = &mut self.citizens[i];
        if c.known_needs & (1 << bit) == 0 {
            // Asking for help means the need is now known: an assessment is an indication.
            c.known_needs |= 1 << bit;
        }
        self.refer_domain(i, d, domain);
    }

    /// The daily chance that a person without a coordinator asks for help by themselves: it
    /// falls with unsupported LVB, active addiction and low competence.
    #[inline(always)]
    pub(crate) fn self_referral_chance(&self, i: usize, care: &crate::engine::Care) -> f64 {
        self.self_referral_chance_at(i, care, self.citizens[i].competence)
    }

    /// [`World::self_referral_chance`] were the person's competence `competence`.
    #[inline(always)]
    pub(crate) fn self_referral_chance_at(
        &self,
        i: usize,
        care: &crate::engine::Care,
        competence: f32,
    ) -> f64 {
        let h = &self.sc.hazards;
        let c = &self.citizens[i];
        let unsupported_lvb = c.traits.lvb() & !care.lvb_support;
        h.self_referral_per_day
            * pick(unsupported_lvb, h.self_referral_lvb, 1.0)
            * pick(c.addiction == Addiction::Active, h.self_referral_active_addiction, 1.0)
            * (h.self_referral_low_competence
                + (1.0 - h.self_referral_low_competence) * competence as f64)
    }

    /// Needs with no open episode in any service of their domain (bit masks: this runs for
    /// every citizen every day).
    // Inlined: a few bit operations, asked at every window and candidate day, whose call cost
    // more than their work (docs/performance.md, fourteenth sitting).
    #[inline(always)]
    pub(crate) fn unmet_needs(&self, i: usize) -> u8 {
        let c = &self.citizens[i];
        let needs = self_needs(c, &self.sc.hazards) & self.t.domains_served;
        let served = self.t.served_domains(c.open_episodes);
        let mut unmet = needs & !served;
        // Housing is a ladder: a bed in a shelter still leaves the need for a home.
        let housing = domain_bit(Domain::Housing);
        if needs & served & housing != 0 && self.next_housing_service(i).is_some() {
            unmet |= housing;
        }
        unmet
    }

    /// The next rung of the housing ladder the person may join.
    fn next_housing_service(&self, i: usize) -> Option<usize> {
        let found = self.next_housing_service_by_mask(i);
        debug_assert_eq!(found, self.next_housing_service_by_episode(i));
        found
    }

    /// [`World::next_housing_service`] from the person's open-episode mask, without a branch
    /// on their state: it is asked for every window of the event engine, and the rungs that
    /// fit follow no pattern from one person to the next.
    pub(crate) fn next_housing_service_by_mask(&self, i: usize) -> Option<usize> {
        let c = &self.citizens[i];
        let open = c.open_episodes;
        let open_kind = |kind: HousingKind| open & self.t.housing_kind_bits(kind) != 0;
        let homeless = c.housing == Housing::Homeless;
        let fits_kind = [
            homeless & !open_kind(HousingKind::Supported) & !open_kind(HousingKind::Own),
            (homeless | (c.housing == Housing::Shelter))
                & (c.traits.lvb() | c.traits.psychiatric() | (c.addiction != Addiction::None)),
            c.housing != Housing::Own,
        ];
        // The first rung in the ladder's order that is not open and fits: passing the rungs
        // from the last keeps the first found.
        let mut found = None;
        for &s in self.t.housing_services().iter().rev() {
            let s = s as usize;
            let fits = self.sc.services[s].housing_kind().is_some_and(|k| fits_kind[k as usize]);
            let free = (open >> s) & 1 == 0;
            found = if fits & free { Some(s) } else { found };
        }
        found
    }

    /// [`World::next_housing_service`] read from the episodes, rung by rung: the reference.
    pub(crate) fn next_housing_service_by_episode(&self, i: usize) -> Option<usize> {
        self.t
            .housing_services()
            .iter()
            .map(|s| *s as usize)
            .find(|&s| !self.episode(i, s).is_open() && self.fits_housing(i, s))
    }

    fn fits_housing(&self, i: usize, s: usize) -> bool {
        let c = &self.citizens[i];
        let has_open_better = |kind: HousingKind| {
            self.t.housing_services().iter().any(|&q| {
                self.sc.services[q as usize].housing_kind() == Some(kind)
                    && self.episode(i, q as usize).is_open()
            })
        };
        match self.sc.services[s].housing_kind() {
            Some(HousingKind::Shelter) => {
                c.housing == Housing::Homeless
                    && !has_open_better(HousingKind::Supported)
                    && !has_open_better(HousingKind::Own)
            }
            Some(HousingKind::Supported) => {
                matches!(c.housing, Housing::Homeless | Housing::Shelter)
                    && (c.traits.lvb() || c.traits.psychiatric() || c.addiction != Addiction::None)
            }
            Some(HousingKind::Own) => c.housing != Housing::Own,
            None => false,
        }
    }

    /// Refers the person to the first service of a domain that fits them.
    pub(crate) fn refer_domain(&mut self, i: usize, d: u16, domain: Domain) {
        let service = if domain == Domain::Housing {
            self.next_housing_service(i)
        } else {
            self.t
                .services_for(domain)
                .iter()
                .map(|s| *s as usize)
                .find(|&s| !self.episode(i, s).is_open())
        };
        if let Some(p) = service {
            self.refer(i, d, p);
        }
    }

    /// Puts the person on a programme's waiting list if they may join it: prerequisites must
    /// be met or on their way (an ID application in progress counts for a benefit).
    pub(crate) fn refer(&mut self, i: usize, d: u16, p: usize) {
        if self.episode(i, p).is_open() {
            return;
        }
        if !self.t.is_coordination(p) {
            let needed = self.sc.services[p].prerequisites;
            let domain = self.sc.services[p].domain();
            if needed.0 & Prerequisites::INDICATION != 0
                && self.citizens[i].known_needs & domain_bit(domain) == 0
            {
                return;
            }
            let coming = self.have_bits(i)
                | self.prerequisites_in_progress(i)
                | self.waived(i, p, d)
                | Prerequisites::INDICATION;
            if !needed.met_by(coming) {
                return;
            }
        }
        self.join_waiting_list(i, p, d);
    }

    /// Prerequisites a work-and-income officer waives for this referral (seed 003): one draw
    /// per case, so the same referral is judged the same way every day it waits.
    pub(crate) fn waived(&self, i: usize, p: usize, since: u16) -> u8 {
        let bits = self.t.waivable[p];
        if bits == 0 {
            return 0;
        }
        let share = self.sc.regime.discretion.waiver;
        if chance(self.keys[i], since as u32, Purpose::Waiver, p as u32, share) { bits } else { 0 }
    }

    /// Counts a start that only a waiver made possible.
    pub(crate) fn count_waiver(&mut self, i: usize, p: usize) {
        if !self.prerequisites_met(i, p, 0) {
            let c = &mut self.citizens[i];
            c.counters.waivers = c.counters.waivers.saturating_add(1);
        }
    }

    /// The integral care & safety plan (Huis van Herstel, seed 001): once a case manager is
    /// assigned, every need they know of is referred at once — a package made to measure.
    pub(crate) fn make_integral_plan(&mut self, i: usize, d: u16) {
        let needs = self.unmet_needs(i) & self.citizens[i].known_needs;
        self.refer_needs(i, d, needs);
    }

    /// Refers the person for every need in the domain bit mask `needs`.
    fn refer_needs(&mut self, i: usize, d: u16, needs: u8) {
        for (bit, domain) in DOMAINS.iter().enumerate() {
            if needs & (1 << bit) != 0 {
                self.refer_domain(i, d, *domain);
            }
        }
    }

    fn prerequisites_in_progress(&self, i: usize) -> u8 {
        let mut bits = 0;
        for p in crate::engine::programmes_in(self.citizens[i].open_episodes) {
            if self.t.is_coordination(p) {
                continue;
            }
            bits |= match self.sc.services[p].domain() {
                Domain::Id => Prerequisites::ID,
                Domain::Income | Domain::Work => Prerequisites::INCOME,
                Domain::Housing => Prerequisites::ADDRESS,
                _ => 0,
            };
        }
        bits
    }

    /// Justice logic sends the person back inside; care logic refers them to care for
    /// every need they have (seed 004, "colliding logics").
    pub(crate) fn respond_to_violation(&mut self, i: usize, d: u16) {
        let probation = &self.sc.regime.probation;
        match probation.response {
            ViolationResponse::Revocation => {
                let days = probation.revocation_days;
                let c = &mut self.citizens[i];
                c.counters.revocations = c.counters.revocations.saturating_add(1);
                self.enter_detention(i, d, days);
            }
            ViolationResponse::Care => {
                let needs = self.unmet_needs(i);
                self.citizens[i].known_needs |= needs;
                self.refer_needs(i, d, needs);
            }
        }
    }

    /// Rank for the "most problems" rule of a coordination programme.
    pub fn problems_of(&self, i: usize) -> u32 {
        problem_count(&self.citizens[i], &self.sc.hazards)
    }
}

fn nth_set_bit(mut mask: u8, n: u32) -> usize {
    for _ in 0..n.min(mask.count_ones().saturating_sub(1)) {
        mask &= mask - 1;
    }
    mask.trailing_zeros() as usize
}

#[cfg(test)]
mod tests {
    use super::nth_set_bit;

    #[test]
    fn nth_set_bit_walks_the_set_bits_in_order() {
        assert_eq!(nth_set_bit(0b1010_0100, 0), 2);
        assert_eq!(nth_set_bit(0b1010_0100, 1), 5);
        assert_eq!(nth_set_bit(0b1010_0100, 2), 7);
        // Out of range falls back to the last set bit rather than panicking.
        assert_eq!(nth_set_bit(0b1010_0100, 9), 7);
    }
}
