//! The tables: everything derived once from the scenario so that the daily loop only
//! multiplies, compares and looks up — the baseline hazard increments, the log hazard ratios
//! and their sums over factor combinations, the recovery targets, what a day in each
//! programme does, and what each programme index stands for ([`ProgrammeKind`]).

use super::{DOMAINS, domain_bit, domain_index, month_of};
use crate::costs::{Booking, DayRate};
use crate::population::Citizen;
use crate::scenario::raw::{RawCosts, RawRegime};
use crate::scenario::{Domain, Effect, HousingKind, Payer, Scenario};

/// What a programme index stands for. The programmes of a world are the scenario's services
/// in file order, followed by the two coordination slots every regime has (unused when the
/// regime disables them): case management and Veiligheidshuis case coordination. Episodes,
/// waiting lists and statistics are kept per programme alike; only what a day in one does
/// differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgrammeKind {
    /// Service `s` of the scenario (`sc.services[s]`).
    Service(usize),
    Coordination(Coordination),
}

/// The two coordination slots, in programme order after the services.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coordination {
    /// One case manager and an integral plan (seed 001).
    CaseManager,
    /// Veiligheidshuis case coordination for prolific offenders (seed 004).
    Veiligheidshuis,
}

impl Coordination {
    /// How long the involvement runs from release (or from the start, outside).
    pub fn duration_days(self, regime: &RawRegime) -> u32 {
        match self {
            Coordination::CaseManager => regime.case_manager.duration_days,
            Coordination::Veiligheidshuis => regime.veiligheidshuis.duration_days,
        }
    }

    /// What a day of it costs the municipality.
    pub fn cost_per_day(self, costs: &RawCosts) -> f64 {
        match self {
            Coordination::CaseManager => costs.case_manager_day,
            Coordination::Veiligheidshuis => costs.veiligheidshuis_day,
        }
    }

    /// Its daily rate: care, paid by the municipality.
    #[inline(always)]
    pub(crate) fn day_rate(self, costs: &RawCosts) -> DayRate {
        DayRate {
            payer: Payer::Municipality,
            euros: self.cost_per_day(costs),
            booking: Booking::Care,
        }
    }

    /// The citizen's "involved until" day for it, which the hazard's factors read.
    pub fn until_mut(self, c: &mut Citizen) -> &mut u16 {
        match self {
            Coordination::CaseManager => &mut c.case_manager_until,
            Coordination::Veiligheidshuis => &mut c.veiligheidshuis_until,
        }
    }
}

/// The row of housing services in [`Tables::by_domain`].
pub const HOUSING: usize = domain_index(Domain::Housing);

/// The daily rates that are not a programme's, numbered after the programmes' (see
/// [`Tables::day_rates`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FixedRate {
    Prison,
    ChildContact,
    Probation,
    Benefit,
}

impl FixedRate {
    const ALL: [FixedRate; 4] =
        [FixedRate::Prison, FixedRate::ChildContact, FixedRate::Probation, FixedRate::Benefit];

    /// Who pays it, how much a day and what it counts as. (Inlined: at a call site that
    /// names the rate, who pays and what it counts as are known when compiling.)
    #[inline(always)]
    pub(crate) fn day_rate(self, costs: &RawCosts) -> DayRate {
        let (payer, euros, booking) = match self {
            FixedRate::Prison => (Payer::Justice, costs.prison_day, Booking::Consequence),
            FixedRate::ChildContact => (Payer::Justice, costs.child_contact_day, Booking::Care),
            FixedRate::Probation => (Payer::Justice, costs.probation_day, Booking::Consequence),
            FixedRate::Benefit => (Payer::Municipality, costs.benefit_day, Booking::Transfer),
        };
        DayRate { payer, euros, booking }
    }
}

/// A service's daily rate: care, paid by the service's payer.
#[inline(always)]
pub(crate) fn service_day_rate(service: &crate::scenario::Service) -> DayRate {
    DayRate { payer: service.payer, euros: service.cost_per_day, booking: Booking::Care }
}

/// Values derived once from the scenario so the loop only multiplies and compares.
pub struct Tables {
    /// Baseline cumulative-hazard increment of reoffending on day `t` of the time-since-release
    /// clock: `H(t) − H(t − 1)`, so that day 1 (the first day out) carries `H(1)` (0 for day 0,
    /// the release day, on which the person has not yet spent a day outside).
    pub reoffend_dh: Vec<f64>,
    pub ln: LogRatios,
    /// The number of services; programme `services + k` is coordination slot `k`.
    pub services: usize,
    pub programmes: usize,
    /// Effective intake delay per programme (information sharing shortens it).
    pub intake_delay: Vec<u16>,
    /// Whether a programme may start while the person is inside.
    pub starts_inside: Vec<bool>,
    /// Services per domain, in the order they are offered.
    pub by_domain: [Vec<u8>; 8],
    /// Domains that have at least one service.
    pub domains_served: u8,
    pub factor_sums: FactorSums,
    /// What a day in each programme does for the person (neutral for coordination).
    pub daily_care: Vec<DailyCare>,
    /// What a day in each set of services does for the person, by the set's bit mask: for a
    /// scenario of at most [`TABLED_SERVICES`] services (else empty).
    pub(crate) care_by_services: Vec<super::Care>,
    /// The bits of the housing services of each kind (shelter, supported, own home).
    housing_kind_bits: [u32; 3],
    /// The summed largest daily drop-out chances of each set of services, by its bit mask,
    /// without (first half) and with (second) an active addiction: for a scenario of at most
    /// [`TABLED_SERVICES`] services (else empty).
    pub(crate) dropout_sums: Vec<f64>,
    /// The bits of the services with a drop-out rate.
    dropout_services: u32,
    pub recovery_targets: RecoveryTargets,
    /// Many days of recovery relaxation at once (the event engine's skipped days).
    pub(crate) relaxation: super::quiet::Relaxation,
    /// The same for the basic needs settling toward a facility's climate.
    pub(crate) settling: super::quiet::Relaxation,
    /// The daily chance of an incident in each service's climate (its powers computed once).
    pub(crate) incident_per_day: Vec<f64>,
    /// Half of each hash behind the event engine's uniforms, by day.
    pub(crate) event_words: super::events::EventWords,
    /// The domains served by each byte of an open-episode mask: entry `[k][b]` joins the
    /// domain bits of programmes `8k..8k + 8` set in `b` (a lookup, not a loop over bits).
    pub served_by_byte: [[u8; 256]; 4],
    /// Prerequisite bits a professional may waive per programme (0: none, e.g. not municipal).
    pub waivable: Vec<u8>,
    pub month_end: Vec<bool>,
}

/// Natural logarithms of the hazard ratios.
pub struct LogRatios {
    pub active_addiction: f64,
    pub homeless: f64,
    pub no_income: f64,
    pub problematic_debt: f64,
    pub lvb_unsupported: f64,
    pub psychiatric_untreated: f64,
    pub weak_network: f64,
    pub per_decade_over_30: f64,
    /// `per_decade_over_30` per year and per day of age.
    pub per_year_over_30: f64,
    pub per_day_older: f64,
    pub per_prior: f64,
    pub case_manager: f64,
    pub work: f64,
    pub full_recovery: f64,
    /// `full_recovery` times each dimension's weight in the hazard (personal, social,
    /// societal, victim).
    pub recovery: [f32; 4],
    pub probation: f64,
    pub veiligheidshuis: f64,
    pub restorative_completed: f64,
    pub dropout_low_motivation: f64,
}

impl Tables {
    pub fn new(sc: &Scenario) -> Self {
        let h = &sc.hazards;
        let horizon = sc.meta.horizon_days as usize;
        let weibull_h = |t: f64| (t / h.reoffend_scale_days).powf(h.reoffend_shape);
        let reoffend_dh = (0..=horizon)
            .map(|t| if t == 0 { 0.0 } else { weibull_h(t as f64) - weibull_h(t as f64 - 1.0) })
            .collect();
        let services = sc.services.len();
        let programmes = services + 2;
        let factor = sc.regime.intake_delay_factor;
        let mut intake_delay: Vec<u16> = sc
            .services
            .iter()
            .map(|s| (s.intake_delay_days as f64 * factor).round() as u16)
            .collect();
        intake_delay.extend([0, 0]);
        let mut starts_inside: Vec<bool> = sc
            .services
            .iter()
            .map(|s| {
                // Arranging ID and benefit inside is its own lever (id/benefit_before_release),
                // so those applications may be processed inside under any regime.
                s.can_start_inside
                    && (sc.regime.services_start_inside
                        || matches!(s.domain(), Domain::Id | Domain::Income))
                    && s.domain() != Domain::Housing
            })
            .collect();
        starts_inside.extend([true, true]);
        let mut by_domain: [Vec<u8>; 8] = Default::default();
        for (i, d) in DOMAINS.iter().enumerate() {
            let mut list: Vec<u8> =
                (0..services as u8).filter(|s| sc.services[*s as usize].domain() == *d).collect();
            // A homeless person is first offered a bed, then supported housing, then a home.
            list.sort_by_key(|s| housing_priority(sc.services[*s as usize].housing_kind()));
            by_domain[i] = list;
        }
        let waivable = waivable_per_programme(sc, programmes);
        // The domain bit of each programme (0 for the coordination programmes).
        let mut programme_domain: Vec<u8> =
            sc.services.iter().map(|s| domain_bit(s.domain())).collect();
        programme_domain.extend([0, 0]);
        let domains_served = programme_domain.iter().fold(0, |mask, bit| mask | bit);
        let served_by_byte = served_by_byte(&programme_domain);
        let ln = LogRatios::new(h);
        let factor_sums = FactorSums::new(&ln);
        let month_end = (0..=horizon)
            .map(|d| month_of(d as u32 + 1) > month_of(d as u32) || d == horizon - 1)
            .collect();
        let daily_care: Vec<DailyCare> = sc
            .services
            .iter()
            .map(|s| DailyCare::of(s.effect))
            .chain([DailyCare::NONE; 2])
            .collect();
        Self {
            reoffend_dh,
            ln,
            factor_sums,
            care_by_services: care_by_services(services, &daily_care),
            housing_kind_bits: housing_kind_bits(&sc.services),
            dropout_sums: dropout_sums(sc),
            dropout_services: sc
                .services
                .iter()
                .enumerate()
                .filter(|(_, s)| s.dropout_per_day > 0.0)
                .fold(0, |bits, (p, _)| bits | 1 << p),
            daily_care,
            recovery_targets: RecoveryTargets::new(&h.recovery),
            services,
            programmes,
            intake_delay,
            starts_inside,
            by_domain,
            domains_served,
            served_by_byte,
            waivable,
            month_end,
            relaxation: super::quiet::Relaxation::new(h.recovery_rate_per_day),
            settling: super::quiet::Relaxation::new(h.climate_rate_per_day),
            incident_per_day: sc
                .services
                .iter()
                .map(|s| {
                    let climate = s.climate();
                    super::incident_hazard(
                        h,
                        climate,
                        super::felt_coercion(climate, h.overcontrol_weight),
                    )
                })
                .collect(),
            event_words: super::events::EventWords::new(sc.meta.horizon_days),
        }
    }
}

/// The bits of the housing services of each kind, by [`HousingKind`].
fn housing_kind_bits(services: &[crate::scenario::Service]) -> [u32; 3] {
    let mut bits = [0; 3];
    for (p, s) in services.iter().enumerate() {
        if let Some(kind) = s.housing_kind() {
            bits[kind as usize] |= 1 << p;
        }
    }
    bits
}

/// The most services for which the tables by set of services ([`Tables::care_by_services`],
/// [`Tables::dropout_sums`]) are kept: 4,096 sets (96 KB and 64 KB). The shipped scenarios
/// have 10 services: 1,024 sets, 24 KB and 16 KB.
const TABLED_SERVICES: usize = 12;

/// What a day in each set of the `services` services does, by the set's bit mask.
fn care_by_services(services: usize, daily_care: &[DailyCare]) -> Vec<super::Care> {
    if services > TABLED_SERVICES {
        return Vec::new();
    }
    (0..1u32 << services)
        .map(|mask| super::episodes::care_of_services(super::programmes_in(mask), daily_care))
        .collect()
}

/// [`Tables::dropout_sums`]: each sum taken as `World::dropout_bounds` would take it, term by
/// term in the order of the services, each term that of `World::dropout_bound`, so that a
/// looked-up sum is the same number.
fn dropout_sums(sc: &Scenario) -> Vec<f64> {
    let services = sc.services.len();
    if services > TABLED_SERVICES {
        return Vec::new();
    }
    let h = &sc.hazards;
    let mut sums = Vec::with_capacity(2 << services);
    for addiction in [1.0, h.dropout_hr_active_addiction] {
        sums.extend((0..1u32 << services).map(|mask| -> f64 {
            super::programmes_in(mask)
                .map(|p| sc.services[p].dropout_per_day)
                .filter(|&rate| rate > 0.0)
                .map(|rate| super::episodes::dropout_bound_term(rate, h, addiction))
                .sum()
        }));
    }
    sums
}

impl Tables {
    /// The bits of the services with a drop-out rate.
    #[inline(always)]
    pub fn dropout_services(&self) -> u32 {
        self.dropout_services
    }

    /// The bits of the services (not coordination) in an episode mask.
    #[inline(always)]
    pub fn service_bits(&self) -> u32 {
        (1 << self.services) - 1
    }

    /// What programme `p` stands for.
    #[inline(always)]
    pub fn kind(&self, p: usize) -> ProgrammeKind {
        match self.coordination(p) {
            Some(k) => ProgrammeKind::Coordination(k),
            None => ProgrammeKind::Service(p),
        }
    }

    /// Whether programme `p` is a coordination slot rather than one of the services.
    #[inline(always)]
    pub fn is_coordination(&self, p: usize) -> bool {
        p >= self.services
    }

    /// Every cost booked by the day at a fixed rate, numbered: programme `p`'s is number `p` (a
    /// service's own payer and cost, a coordinator's paid by the municipality; all of it care),
    /// then those of [`FixedRate`] in its order. The daily steps book a day at them and the
    /// event engine counts skipped days at them ([`crate::costs::DayCounts`]): one definition
    /// of who pays what a day.
    pub(crate) fn day_rates(&self, sc: &Scenario) -> Vec<DayRate> {
        let programme = |p: usize| match self.coordination(p) {
            Some(k) => k.day_rate(&sc.costs),
            None => service_day_rate(&sc.services[p]),
        };
        let fixed = FixedRate::ALL.map(|rate| rate.day_rate(&sc.costs));
        (0..self.programmes).map(programme).chain(fixed).collect()
    }

    /// The coordination slot programme `p` stands for, if it is one.
    #[inline(always)]
    pub fn coordination(&self, p: usize) -> Option<Coordination> {
        match p.checked_sub(self.services) {
            Some(0) => Some(Coordination::CaseManager),
            Some(_) => Some(Coordination::Veiligheidshuis),
            None => None,
        }
    }

    /// The programme index of a coordination slot.
    #[inline(always)]
    pub fn programme_of(&self, k: Coordination) -> usize {
        self.services + k as usize
    }

    /// The services of domain `d`, in the order they are offered.
    #[inline(always)]
    pub fn services_for(&self, d: Domain) -> &[u8] {
        &self.by_domain[domain_index(d)]
    }

    /// The housing services: shelter first, then supported housing, then a home.
    #[inline(always)]
    pub fn housing_services(&self) -> &[u8] {
        &self.by_domain[HOUSING]
    }

    /// The bits of the housing services of one kind in an episode mask.
    #[inline(always)]
    pub fn housing_kind_bits(&self, kind: HousingKind) -> u32 {
        self.housing_kind_bits[kind as usize]
    }

    /// The domains in which an episode is open, for an open-episode mask.
    #[inline(always)]
    pub fn served_domains(&self, open: u32) -> u8 {
        let [b0, b1, b2, b3] = open.to_le_bytes();
        let t = &self.served_by_byte;
        t[0][b0 as usize] | t[1][b1 as usize] | t[2][b2 as usize] | t[3][b3 as usize]
    }
}

fn served_by_byte(programme_domain: &[u8]) -> [[u8; 256]; 4] {
    let mut table = [[0u8; 256]; 4];
    for (k, row) in table.iter_mut().enumerate() {
        for (byte, served) in row.iter_mut().enumerate() {
            for bit in 0..8 {
                if byte & (1 << bit) != 0 {
                    *served |= programme_domain.get(8 * k + bit).copied().unwrap_or(0);
                }
            }
        }
    }
    table
}

impl LogRatios {
    fn new(h: &crate::scenario::RawHazards) -> Self {
        Self {
            active_addiction: h.hr_active_addiction.ln(),
            homeless: h.hr_homeless.ln(),
            no_income: h.hr_no_income.ln(),
            problematic_debt: h.hr_problematic_debt.ln(),
            lvb_unsupported: h.hr_lvb_unsupported.ln(),
            psychiatric_untreated: h.hr_psychiatric_untreated.ln(),
            weak_network: h.hr_weak_network.ln(),
            per_decade_over_30: h.hr_per_decade_over_30.ln(),
            per_year_over_30: h.hr_per_decade_over_30.ln() / 10.0,
            per_day_older: h.hr_per_decade_over_30.ln() / 3652.5,
            per_prior: h.hr_per_prior.ln(),
            case_manager: h.hr_case_manager.ln(),
            work: h.hr_work.ln(),
            full_recovery: h.hr_full_recovery.ln(),
            recovery: {
                let (r, ln) = (&h.recovery, h.hr_full_recovery.ln());
                [r.hazard_personal, r.hazard_social, r.hazard_societal, r.hazard_victim]
                    .map(|w| (ln * w) as f32)
            },
            probation: h.hr_probation.ln(),
            veiligheidshuis: h.hr_veiligheidshuis.ln(),
            restorative_completed: h.hr_restorative_completed.ln(),
            dropout_low_motivation: h.dropout_hr_low_motivation.ln(),
        }
    }
}

/// The recovery part of the log hazard: each dimension times its weighted log ratio (only
/// dimensions that carry no factor with its own ratio weigh in; see `RawRecovery`).
#[inline(always)]
pub fn recovery_term(weighted_ln: &[f32; 4], r: &crate::population::Recovery) -> f64 {
    let [p, s, o, v] = *weighted_ln;
    (p * r.personal + s * r.social + o * r.societal + v * r.victim) as f64
}

/// Sums of the log hazard ratios of the yes/no risk factors, for every combination, in two
/// groups of six: the person's state and their support. The daily pass reads two entries
/// instead of testing twelve conditions, each of which the CPU would mispredict often in
/// a large cohort where every citizen differs.
pub struct FactorSums {
    /// Bits: active addiction, homeless, no income, work, problematic debt, LVB unsupported.
    pub state: [f64; 64],
    /// Bits: psychiatric problems untreated, weak network, case manager, probation,
    /// Veiligheidshuis, restorative justice completed.
    pub support: [f64; 64],
}

impl FactorSums {
    fn new(ln: &LogRatios) -> Self {
        let state = [
            ln.active_addiction,
            ln.homeless,
            ln.no_income,
            ln.work,
            ln.problematic_debt,
            ln.lvb_unsupported,
        ];
        let support = [
            ln.psychiatric_untreated,
            ln.weak_network,
            ln.case_manager,
            ln.probation,
            ln.veiligheidshuis,
            ln.restorative_completed,
        ];
        Self { state: sums_of_subsets(&state), support: sums_of_subsets(&support) }
    }
}

fn sums_of_subsets(terms: &[f64; 6]) -> [f64; 64] {
    std::array::from_fn(|bits| {
        terms.iter().enumerate().filter(|(k, _)| bits & (1 << k) != 0).map(|(_, t)| t).sum()
    })
}

/// The parts of the four recovery targets that depend on the person's state, looked up
/// rather than branched on (as [`FactorSums`]), from the scenario's `hazards.recovery`.
pub struct RecoveryTargets {
    /// Personal recovery's addiction part, by `Addiction` (none, remission, active).
    pub addiction: [f32; 3],
    pub competence: f32,
    pub autonomy: f32,
    pub network: f32,
    /// Social recovery's part for contact with one's children (no, yes).
    pub contact: [f32; 2],
    /// Societal recovery, by bits: housed, an income, offence-free.
    pub societal: [f32; 8],
    /// Days without an offence after which a person counts as offence-free.
    pub offence_free_days: u16,
    /// Victim-related recovery, by `Restorative`.
    pub victim: [f32; 5],
}

impl RecoveryTargets {
    fn new(r: &crate::scenario::raw::RawRecovery) -> Self {
        let yes = |bits: usize, k: u32| if bits & (1 << k) != 0 { 1.0 } else { 0.0 };
        let f = |x: f64| x as f32;
        Self {
            addiction: [r.addiction_none, r.addiction_remission, r.addiction_active]
                .map(|a| f(r.personal_addiction * a)),
            competence: f(r.personal_competence),
            autonomy: f(r.personal_autonomy),
            network: f(r.social_network),
            contact: [0.0, f(r.social_child_contact)],
            societal: std::array::from_fn(|b| {
                f(r.societal_housed * yes(b, 0)
                    + r.societal_income * yes(b, 1)
                    + r.societal_offence_free * yes(b, 2))
            }),
            offence_free_days: r.offence_free_days.min(u16::MAX as u32 - 1) as u16,
            // Not offered, declined, ongoing, completed, failed.
            victim: [
                r.victim_not_offered,
                r.victim_declined,
                r.victim_ongoing,
                r.victim_completed,
                r.victim_failed,
            ]
            .map(f),
        }
    }
}

/// Only municipal services are in a work-and-income officer's hands (seed 003).
pub(super) fn waivable_per_programme(sc: &Scenario, programmes: usize) -> Vec<u8> {
    let d = &sc.regime.discretion;
    let bits = crate::scenario::Prerequisites::from_list(&d.waivable).0;
    (0..programmes)
        .map(|p| match sc.services.get(p) {
            Some(s) if d.waiver > 0.0 && s.payer == Payer::Municipality => bits,
            _ => 0,
        })
        .collect()
}

pub(super) fn housing_priority(kind: Option<HousingKind>) -> u8 {
    match kind {
        Some(HousingKind::Shelter) => 0,
        Some(HousingKind::Supported) => 1,
        Some(HousingKind::Own) => 2,
        None => 3,
    }
}

/// What a day in an active episode of one service does for the person, with neutral values
/// (no remission, a relapse multiplier of 1, no support) for the kinds it is not.
#[derive(Debug, Clone, Copy)]
pub struct DailyCare {
    pub remission_per_day: f64,
    pub relapse_multiplier: f64,
    pub debt_moratorium: bool,
    pub lvb_support: bool,
    pub psychiatric_care: bool,
    /// A shelter or supported housing, with a living climate.
    pub facility: bool,
    /// Counted only with `lvb_support`.
    pub competence_gain_per_day: f32,
}

impl DailyCare {
    /// Nothing for the person's day: what coordination and the other kinds contribute.
    pub const NONE: DailyCare = DailyCare {
        remission_per_day: 0.0,
        relapse_multiplier: 1.0,
        debt_moratorium: false,
        lvb_support: false,
        psychiatric_care: false,
        facility: false,
        competence_gain_per_day: 0.0,
    };

    fn of(effect: Effect) -> Self {
        let mut dc = Self::NONE;
        match effect {
            Effect::Addiction { remission_per_day, relapse_multiplier } => {
                dc.remission_per_day = remission_per_day;
                dc.relapse_multiplier = relapse_multiplier;
            }
            Effect::Debt { .. } => dc.debt_moratorium = true,
            Effect::Housing { provides, .. } => dc.facility = provides != HousingKind::Own,
            Effect::Lvb { competence_gain_per_day } => {
                dc.lvb_support = true;
                dc.competence_gain_per_day = competence_gain_per_day as f32;
            }
            Effect::Psychiatric => dc.psychiatric_care = true,
            Effect::Income | Effect::Id | Effect::Work { .. } => {}
        }
        dc
    }
}

#[cfg(test)]
mod tests {
    use super::{Coordination, ProgrammeKind, Tables};
    use crate::scenario::{Domain, HousingKind, Scenario};

    #[test]
    fn programmes_are_the_services_then_the_two_coordination_slots() {
        let sc = Scenario::load(std::path::Path::new("scenarios/fragmented.toml")).unwrap();
        let t = Tables::new(&sc);
        assert_eq!(t.programmes, sc.services.len() + 2);
        for p in 0..sc.services.len() {
            assert_eq!(t.kind(p), ProgrammeKind::Service(p));
            assert!(!t.is_coordination(p));
        }
        for k in [Coordination::CaseManager, Coordination::Veiligheidshuis] {
            let p = t.programme_of(k);
            assert_eq!(t.kind(p), ProgrammeKind::Coordination(k));
            assert!(t.is_coordination(p));
        }
        // The housing row holds exactly the housing services, a shelter bed first.
        let housing = t.housing_services();
        assert!(!housing.is_empty());
        assert!(housing.iter().all(|&s| sc.services[s as usize].domain() == Domain::Housing));
        let count = sc.services.iter().filter(|s| s.domain() == Domain::Housing).count();
        assert_eq!(housing.len(), count);
        assert_eq!(sc.services[housing[0] as usize].housing_kind(), Some(HousingKind::Shelter));
        assert_eq!(t.services_for(Domain::Housing), housing);
    }

    #[test]
    fn each_daily_rate_has_its_number_a_programmes_its_own_and_the_others_after_them() {
        use super::FixedRate;
        use crate::costs::{Booking, DayRate};
        use crate::scenario::Payer;
        let sc = Scenario::load(std::path::Path::new("scenarios/through-care.toml")).unwrap();
        let t = Tables::new(&sc);
        let rates = t.day_rates(&sc);
        assert_eq!(rates.len(), t.programmes + FixedRate::ALL.len());
        for (p, service) in sc.services.iter().enumerate() {
            let own = DayRate {
                payer: service.payer,
                euros: service.cost_per_day,
                booking: Booking::Care,
            };
            assert_eq!(rates[p], own, "service {p}");
        }
        for k in [Coordination::CaseManager, Coordination::Veiligheidshuis] {
            let rate = rates[t.programme_of(k)];
            assert_eq!((rate.payer, rate.euros), (Payer::Municipality, k.cost_per_day(&sc.costs)));
        }
        let c = &sc.costs;
        let fixed = [
            (FixedRate::Prison, c.prison_day, Booking::Consequence),
            (FixedRate::ChildContact, c.child_contact_day, Booking::Care),
            (FixedRate::Probation, c.probation_day, Booking::Consequence),
            (FixedRate::Benefit, c.benefit_day, Booking::Transfer),
        ];
        for (rate, euros, booking) in fixed {
            let numbered = rates[t.programmes + rate as usize];
            assert_eq!((numbered.euros, numbered.booking), (euros, booking), "{rate:?}");
        }
    }
}
