//! The daily loop (MODEL.md §4): each day every citizen takes one step — a day in detention or
//! a day in the community — and then every waiting list admits people to free places, in a
//! fixed order. All mutable state of a replication lives in [`World`]; the regime's decisions
//! (planning, screening, hand-over, referrals) are in [`crate::regime`], the service queues in
//! [`crate::services`].
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
//! numbers come from the counter-based streams of [`crate::rng`]; open cases wait in a heap
//! reserved up front.

use crate::costs::Ledger;
use crate::outcomes::{MonthRow, ReplicationResult, summarise_cohort};
use crate::population::{Addiction, Citizen, Housing, Income, NEVER, Place, Restorative};
use crate::rng::{DayDraws, Purpose, chance, chance_within, citizen_key, generator};
use crate::scenario::{Domain, Duration, Effect, HousingKind, Payer, Scenario};
use crate::select::{pick, pick_f32, when, when_f32};
use crate::services::{Episode, Programme, Status, Ticket};

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

pub fn domain_bit(d: Domain) -> u8 {
    1 << DOMAINS.iter().position(|x| *x == d).unwrap_or(0)
}

/// Values derived once from the scenario so the loop only multiplies and compares.
pub struct Tables {
    /// Baseline cumulative-hazard increment of reoffending on day `t` of the time-since-release
    /// clock: `H(t) − H(t − 1)`, so that day 1 (the first day out) carries `H(1)` (0 for day 0,
    /// the release day, on which the person has not yet spent a day outside).
    pub reoffend_dh: Vec<f64>,
    pub ln: LogRatios,
    pub services: usize,
    /// Programme index of case management and of the Veiligheidshuis.
    pub case_manager: usize,
    pub veiligheidshuis: usize,
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
    pub recovery_targets: RecoveryTargets,
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
        Self {
            reoffend_dh,
            ln,
            factor_sums,
            daily_care: sc
                .services
                .iter()
                .map(|s| DailyCare::of(s.effect))
                .chain([DailyCare::NONE; 2])
                .collect(),
            recovery_targets: RecoveryTargets::new(&h.recovery),
            services,
            case_manager: services,
            veiligheidshuis: services + 1,
            programmes,
            intake_delay,
            starts_inside,
            by_domain,
            domains_served,
            served_by_byte,
            waivable,
            month_end,
        }
    }
}

impl Tables {
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

/// A detected offence on its way through the justice system. Ordered by due day first, so
/// a heap of cases yields the steps of a day in a fixed order.
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

/// Only municipal services are in a work-and-income officer's hands (seed 003).
fn waivable_per_programme(sc: &Scenario, programmes: usize) -> Vec<u8> {
    let d = &sc.regime.discretion;
    let bits = crate::scenario::Prerequisites::from_list(&d.waivable).0;
    (0..programmes)
        .map(|p| match sc.services.get(p) {
            Some(s) if d.waiver > 0.0 && s.payer == Payer::Municipality => bits,
            _ => 0,
        })
        .collect()
}

fn housing_priority(kind: Option<HousingKind>) -> u8 {
    match kind {
        Some(HousingKind::Shelter) => 0,
        Some(HousingKind::Supported) => 1,
        Some(HousingKind::Own) => 2,
        None => 3,
    }
}

/// Month number of a day (months of 365.25/12 days).
pub fn month_of(day: u32) -> u32 {
    (day as f64 * 12.0 / 365.25).floor() as u32
}

/// What the person's open episodes do for them today.
#[derive(Debug, Clone, Copy)]
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
    const NONE: DailyCare = DailyCare {
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
    pub monthly: Vec<MonthRow>,
    pub day: u16,
    /// Today's draws with detail 0, shared by every citizen's day.
    pub today: DayDraws,
    /// Cases on their way through the justice system, earliest step first.
    pub cases: std::collections::BinaryHeap<std::cmp::Reverse<Case>>,
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
        let keys = (0..n as u32).map(|i| citizen_key(sc.meta.seed, replication, i)).collect();
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
        let months = month_of(sc.meta.horizon_days) as usize + 1;
        let mut world = Self {
            sc,
            episodes: vec![Episode::default(); n * t.programmes],
            t,
            replication,
            citizens,
            keys,
            programmes,
            ledger: Ledger::new(sc.meta.horizon_days),
            monthly: Vec::with_capacity(months),
            day: 0,
            today: DayDraws::new(0),
            // Room for an open case per two citizens (the shipped baseline peaks near 0.3),
            // so the daily loop does not reallocate.
            cases: std::collections::BinaryHeap::with_capacity(n / 2 + 64),
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

    /// Runs the whole horizon and returns the replication's outcomes.
    pub fn run(mut self) -> ReplicationResult {
        while (self.day as u32) < self.sc.meta.horizon_days {
            self.step();
        }
        self.finish()
    }

    /// One day for everyone, then the waiting lists.
    pub fn step(&mut self) {
        let d = self.day;
        self.today = DayDraws::new(d as u32);
        self.take_due_steps(d);
        let month_end = self.t.month_end[d as usize];
        if month_end {
            self.monthly.push(MonthRow {
                month: month_of(d as u32),
                day: d as u32,
                queue: vec![0; self.t.programmes],
                occupied: vec![0; self.t.programmes],
                ..MonthRow::default()
            });
        }
        for i in 0..self.citizens.len() {
            self.prefetch(i);
            match self.citizens[i].place {
                Place::Detention => self.detention_day(i, d),
                Place::Community => self.community_day(i, d),
            }
            self.update_recovery(i, d);
            if month_end {
                self.record_month(i, d);
            }
        }
        self.admit_from_waiting_lists(d);
        if month_end {
            self.record_queues();
        }
        self.day += 1;
    }

    /// Asks the memory system for citizen `i`'s state a few citizens before it is needed:
    /// the daily pass walks three arrays at once, and beyond the L2 cache waiting for each
    /// line would otherwise cost more than the work on it.
    #[inline(always)]
    fn prefetch(&self, i: usize) {
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

    pub fn finish(mut self) -> ReplicationResult {
        self.settle_open_cases();
        self.censor_waits_at_horizon();
        let (survival, mut totals) = summarise_cohort(&self.citizens, self.sc.meta.horizon_days);
        totals.victims = totals.offences as f64 * self.sc.hazards.victims_per_offence;
        ReplicationResult {
            replication: self.replication,
            horizon_days: self.sc.meta.horizon_days,
            survival,
            totals,
            monthly: self.monthly,
            programmes: self.programmes.iter().map(|p| p.stats).collect(),
            waits: self.programmes.into_iter().map(|p| p.waits).collect(),
            ledger: self.ledger,
        }
    }

    /// Those still on a waiting list at the horizon never started within the follow-up: their
    /// waits end censored there.
    fn censor_waits_at_horizon(&mut self) {
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

    /// Books a cost caused by citizen `i`; the traced citizen's share is also kept apart.
    #[inline(always)]
    pub(crate) fn charge(&mut self, i: usize, payer: Payer, d: u16, euros: f64) {
        self.ledger.add(payer, d, euros);
        if self.traced == i as u32 {
            self.traced_cost[payer.index()] += euros;
        }
    }

    /// Books a cost of care or support for citizen `i` (kept apart for benefit-cost analysis).
    #[inline(always)]
    fn charge_care(&mut self, i: usize, payer: Payer, d: u16, euros: f64) {
        self.ledger.add_care(payer, d, euros);
        if self.traced == i as u32 {
            self.traced_cost[payer.index()] += euros;
        }
    }

    /// Books a transfer (a benefit payment) caused by citizen `i`.
    #[inline(always)]
    fn charge_transfer(&mut self, i: usize, payer: Payer, d: u16, euros: f64) {
        self.ledger.add_transfer(payer, d, euros);
        if self.traced == i as u32 {
            self.traced_transfers += euros;
        }
    }

    pub fn episode(&self, i: usize, p: usize) -> Episode {
        self.episodes[i * self.t.programmes + p]
    }

    pub(crate) fn episode_mut(&mut self, i: usize, p: usize) -> &mut Episode {
        &mut self.episodes[i * self.t.programmes + p]
    }

    // ----- detention -----

    fn detention_day(&mut self, i: usize, d: u16) {
        let costs = &self.sc.costs;
        self.charge(i, Payer::Justice, d, costs.prison_day);
        let h = &self.sc.hazards;
        let key = self.keys[i];
        let c = &mut self.citizens[i];
        c.counters.detention_days_after_release += (c.firsts.release != NEVER) as u16;
        // Contact with one's children is paid for and keeps the network; without it the
        // network decays. Selected without branches (see `select`).
        let contact = c.child_contact & c.traits.has_children;
        let decayed = (c.network - h.network_decay_in_detention_per_day as f32).max(0.0);
        c.network = pick_f32(contact, c.network, decayed);
        self.charge_care(i, Payer::Justice, d, when(contact, costs.child_contact_day));
        let care = self.run_episodes(i, d);
        let c = &mut self.citizens[i];
        let active = c.addiction == Addiction::Active;
        let p = when(active, h.detention_remission_per_day + care.remission_per_day);
        if self.today.below(key, Purpose::Remission, p) {
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
        let mut open = self.citizens[i].open_episodes;
        while open != 0 {
            let p = open.trailing_zeros() as usize;
            open &= open - 1;
            if !self.t.starts_inside[p] || p >= self.t.services {
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
        for p in [self.t.case_manager, self.t.veiligheidshuis] {
            let until = if p == self.t.case_manager {
                sc.regime.case_manager.duration_days
            } else {
                sc.regime.veiligheidshuis.duration_days
            };
            let e = self.episode_mut(i, p);
            if e.status == Status::Active {
                e.until = d.saturating_add(until as u16);
                let until = e.until;
                let c = &mut self.citizens[i];
                if p == self.t.case_manager {
                    c.case_manager_until = until;
                } else {
                    c.veiligheidshuis_until = until;
                }
            }
        }
        // A night shelter is walk-in: a homeless person asks for a bed on release day.
        if self.citizens[i].housing == Housing::Homeless {
            self.refer_domain(i, d, Domain::Housing);
        }
    }

    // ----- community -----

    fn community_day(&mut self, i: usize, d: u16) {
        let sc = self.sc;
        let h = &sc.hazards;
        let key = self.keys[i];
        let dd = d as u32;
        let care = self.run_episodes(i, d);
        if self.citizens[i].place != Place::Community {
            return;
        }
        self.accrue_community_costs(i, d);
        // The time-since-release clock, which only a long enough stay restarts; the person's
        // fixed risk (frailty) multiplies the named factors.
        let since_release = d.saturating_sub(self.citizens[i].clock_from) as usize;
        let x = self.log_hazard_multiplier(i, d, &care) + self.citizens[i].traits.ln_frailty as f64;
        let dh = self.t.reoffend_dh[since_release.min(self.t.reoffend_dh.len() - 1)];
        // Most days the draw lies far above the chance: rule that out with a cheap upper
        // bound (2^⌊x·log2 e⌋+2 > e^x, and 1 − e^−y ≤ y) before paying for the exponential.
        let u = self.today.uniform(key, Purpose::Reoffend);
        if u < dh * exp_upper_bound(x) && u < chance_of_event(dh * x.exp()) {
            self.offend(i, d);
            if self.citizens[i].place == Place::Detention {
                return;
            }
        }
        self.addiction_day(i, d, &care);
        self.probation_day(i, d);
        if self.citizens[i].place == Place::Detention {
            return;
        }
        // The chances below are computed for everyone, as 0 where they do not apply, and
        // drawn; only the rare event itself branches (see `select`).
        let c = &mut self.citizens[i];
        // Eviction from one's own home, far more likely when the rent cannot be paid.
        let hr = pick(c.income == Income::None, h.eviction_hr_no_income, 1.0);
        let p_evicted = when(c.housing == Housing::Own, h.eviction_per_day * hr);
        if self.today.below(key, Purpose::Eviction, p_evicted) {
            c.housing = Housing::Homeless;
        }
        // Work is lost, or found by someone whose addiction is not active.
        let working = c.income == Income::Work;
        let p_found = when(c.addiction != Addiction::Active, h.job_found_per_day);
        let p_change = pick(working, h.job_loss_per_day, p_found);
        let purpose = if working { Purpose::JobLoss } else { Purpose::JobFound };
        if self.today.below(key, purpose, p_change) {
            c.income = if working { Income::None } else { Income::Work };
        }
        let no_income = c.income == Income::None;
        c.counters.days_without_income += no_income as u16;
        let debt_grows = no_income & !care.debt_moratorium;
        c.debt += when_f32(debt_grows, h.debt_growth_per_day_no_income as f32);
        c.counters.days_homeless += (c.housing == Housing::Homeless) as u16;
        c.counters.days_active_addiction += (c.addiction == Addiction::Active) as u16;
        // The network recovers towards its baseline (and never falls to it from above).
        let recovered =
            (c.network + h.network_recovery_per_day as f32).min(c.traits.network_baseline);
        c.network = c.network.max(recovered);
        if (c.restorative == Restorative::Ongoing) & (d >= c.restorative_until) {
            let done = chance(key, dd, Purpose::Restorative, 1, sc.regime.restorative.completion);
            c.restorative = if done { Restorative::Completed } else { Restorative::Failed };
        }
        if care.facility != NO_FACILITY {
            let climate = self.sc.services[care.facility as usize].climate();
            self.facility_day(i, d, climate);
        }
        self.seek_help(i, d, &care);
    }

    fn accrue_community_costs(&mut self, i: usize, d: u16) {
        let costs = &self.sc.costs;
        let c = &self.citizens[i];
        let (on_benefit, supervised) = (c.income == Income::Benefit, c.probation_until > d);
        // Booked as 0 when they do not apply, which leaves every sum as it was, rather than
        // branching on them (see `when`).
        self.charge_transfer(i, Payer::Municipality, d, when(on_benefit, costs.benefit_day));
        self.charge(i, Payer::Justice, d, when(supervised, costs.probation_day));
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
        // The factors that apply, as bits, index precomputed sums (see `FactorSums`).
        let bit = |present: bool, k: u32| (present as usize) << k;
        let state = bit(c.addiction == Addiction::Active, 0)
            | bit(c.housing == Housing::Homeless, 1)
            | bit(c.income == Income::None, 2)
            | bit(c.income == Income::Work, 3)
            | bit(c.debt as f64 >= h.problematic_debt_threshold, 4)
            | bit(c.traits.lvb & !care.lvb_support, 5);
        let support = bit(c.traits.psychiatric & !care.psychiatric_care, 0)
            | bit((c.network as f64) < h.weak_network_below, 1)
            | bit(c.case_manager_until > d, 2)
            | bit(c.probation_until > d, 3)
            | bit(c.veiligheidshuis_until > d, 4)
            | bit(c.restorative == Restorative::Completed, 5);
        let sums = &self.t.factor_sums;
        x + sums.state[state] + sums.support[support]
    }

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
            self.cases.push(std::cmp::Reverse(case));
        }
    }

    /// The steps of the justice system that fall on day `d`, in a fixed order.
    fn take_due_steps(&mut self, d: u16) {
        while let Some(std::cmp::Reverse(case)) = self.cases.peek().copied() {
            if case.due > d {
                break;
            }
            self.cases.pop();
            self.take_step(case);
        }
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
    fn settle_open_cases(&mut self) {
        let h = &self.sc.hazards;
        for std::cmp::Reverse(case) in std::mem::take(&mut self.cases).into_sorted_vec() {
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

    fn addiction_day(&mut self, i: usize, d: u16, care: &Care) {
        let h = &self.sc.hazards;
        let key = self.keys[i];
        let c = &mut self.citizens[i];
        // Remission while active, relapse while in remission, nothing otherwise: one draw
        // with the chance that applies (see `select`).
        let active = c.addiction == Addiction::Active;
        let p_relapse =
            when(c.addiction == Addiction::Remission, h.relapse_per_day * care.relapse_multiplier);
        let p = pick(active, h.remission_per_day + care.remission_per_day, p_relapse);
        let purpose = if active { Purpose::Remission } else { Purpose::Relapse };
        if !self.today.below(key, purpose, p) {
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

    fn probation_day(&mut self, i: usize, d: u16) {
        let sc = self.sc;
        let c = &self.citizens[i];
        let active = c.addiction == Addiction::Active;
        let hr = pick(active, sc.hazards.violation_hr_active_addiction, 1.0);
        let p = when(c.probation_until > d, sc.regime.probation.violation_per_day * hr);
        if self.today.below(self.keys[i], Purpose::Violation, p) {
            self.citizens[i].counters.violations += 1;
            self.respond_to_violation(i, d);
        }
    }

    /// Support, structure and coercion of a facility shape the basic needs (seed 002); too
    /// little structure brings incidents, which can cost the person their place.
    fn facility_day(&mut self, i: usize, d: u16, climate: crate::scenario::Climate) {
        let h = &self.sc.hazards;
        let rate = h.climate_rate_per_day as f32;
        let felt = felt_coercion(climate, h.overcontrol_weight);
        let c = &mut self.citizens[i];
        let toward = |v: f32, target: f64| v + ((target as f32) - v) * rate;
        c.relatedness = toward(c.relatedness, climate.support);
        c.competence = toward(c.competence, 0.5 * climate.support + 0.5 * climate.structure);
        c.autonomy = toward(c.autonomy, 1.0 - felt);
        let p = incident_hazard(h, climate, felt);
        let key = self.keys[i];
        if self.today.chance(key, Purpose::Incident, p) {
            self.citizens[i].counters.incidents += 1;
            // Some incidents end the stay: the facility protects its other residents.
            if chance(key, d as u32, Purpose::Incident, 1, h.incident_eviction) {
                self.citizens[i].counters.facility_evictions += 1;
                self.evict_from_facility(i, d);
            }
        }
    }

    fn evict_from_facility(&mut self, i: usize, d: u16) {
        let mut open = self.citizens[i].open_episodes;
        while open != 0 {
            let p = open.trailing_zeros() as usize;
            open &= open - 1;
            if p < self.t.services
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

    // ----- episodes -----

    /// Runs the person's open episodes for one day: costs, drop-out and completion; returns
    /// what the active ones do for the person today.
    fn run_episodes(&mut self, i: usize, d: u16) -> Care {
        let mut care = Care::default();
        // Only active episodes; a waiting one does nothing for the person yet.
        let mut active = self.citizens[i].active_episodes;
        while active != 0 {
            let p = active.trailing_zeros() as usize;
            active &= active - 1;
            // An episode ended earlier in this loop (moving to another home) stays ended.
            if self.episode(i, p).status != Status::Active {
                continue;
            }
            if p >= self.t.services {
                self.run_coordination(i, p, d);
                continue;
            }
            let s = &self.sc.services[p];
            self.charge_care(i, s.payer, d, s.cost_per_day);
            self.programmes[p].stats.place_days += 1;
            if d >= self.episode(i, p).until {
                self.end_episode(i, p, d, Status::Finished);
                continue;
            }
            if self.drops_out(i, p, d) {
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
        care.remission_per_day += dc.remission_per_day;
        care.relapse_multiplier *= dc.relapse_multiplier;
        care.debt_moratorium |= dc.debt_moratorium;
        care.lvb_support |= dc.lvb_support;
        care.psychiatric_care |= dc.psychiatric_care;
        care.facility = if dc.facility { p as u8 } else { care.facility };
        let c = &mut self.citizens[i];
        let trained = (c.competence + dc.competence_gain_per_day).min(1.0);
        c.competence = pick_f32(dc.lvb_support, trained, c.competence);
    }

    fn run_coordination(&mut self, i: usize, p: usize, d: u16) {
        let costs = &self.sc.costs;
        let cost = if p == self.t.case_manager {
            costs.case_manager_day
        } else {
            costs.veiligheidshuis_day
        };
        self.charge_care(i, Payer::Municipality, d, cost);
        self.programmes[p].stats.place_days += 1;
        let c = &self.citizens[i];
        if c.place == Place::Community && d >= self.episode(i, p).until {
            self.end_episode(i, p, d, Status::Finished);
        }
    }

    fn drops_out(&self, i: usize, p: usize, d: u16) -> bool {
        let s = &self.sc.services[p];
        if s.dropout_per_day <= 0.0 {
            return false;
        }
        let h = &self.sc.hazards;
        let c = &self.citizens[i];
        let motivation = (c.relatedness + c.competence + c.autonomy) as f64 / 3.0;
        let addiction = pick(c.addiction == Addiction::Active, h.dropout_hr_active_addiction, 1.0);
        let hazard = || {
            let low_motivation = (self.t.ln.dropout_low_motivation * (1.0 - motivation)).exp();
            s.dropout_per_day * low_motivation * addiction
        };
        // With motivation in 0..1 the low-motivation ratio lies between 1 and its maximum,
        // which bounds the hazard without an exponential.
        let bound = if (0.0..=1.0).contains(&motivation) {
            s.dropout_per_day * h.dropout_hr_low_motivation.max(1.0) * addiction
        } else {
            f64::INFINITY
        };
        chance_within(self.keys[i], d as u32, Purpose::Dropout, p as u32, bound, hazard)
    }

    /// Starts an episode for a person admitted from a waiting list.
    pub(crate) fn start_episode(&mut self, i: usize, p: usize, d: u16) {
        let waited = self.days_waited(i, p, d);
        self.programmes[p].stats.wait_days_total += waited as u64;
        self.programmes[p].waits.record(waited, true);
        if p >= self.t.services {
            self.start_coordination(i, p, d);
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

    fn start_coordination(&mut self, i: usize, p: usize, d: u16) {
        let regime = &self.sc.regime;
        let duration = if p == self.t.case_manager {
            regime.case_manager.duration_days
        } else {
            regime.veiligheidshuis.duration_days
        } as u16;
        let c = &self.citizens[i];
        // Inside, involvement runs until release plus its duration.
        let from = if c.place == Place::Detention { c.release_day } else { d };
        let until = from.saturating_add(duration);
        let referral = self.episode(i, p).referral;
        *self.episode_mut(i, p) = Episode { status: Status::Active, referral, since: d, until };
        self.citizens[i].active_episodes |= 1 << p;
        let c = &mut self.citizens[i];
        if p == self.t.case_manager {
            c.case_manager_until = until;
        } else {
            c.veiligheidshuis_until = until;
        }
        // Coordination means the whole picture is known: every need becomes indicated.
        c.known_needs |= self_needs(c, &self.sc.hazards);
        if p == self.t.case_manager && self.sc.regime.case_manager.integral_plan {
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
        for k in 0..self.t.by_domain[2].len() {
            let q = self.t.by_domain[2][k] as usize;
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
        for k in 0..self.t.by_domain[2].len() {
            let q = self.t.by_domain[2][k] as usize;
            if self.episode(i, q).status == Status::Waiting {
                self.close_episode(i, q, Status::Interrupted);
            }
        }
    }

    /// Ends an open episode with `status` and applies what ending means for the person.
    pub(crate) fn end_episode(&mut self, i: usize, p: usize, d: u16, status: Status) {
        let was_active = self.episode(i, p).status == Status::Active;
        self.close_episode(i, p, status);
        if !was_active || p >= self.t.services {
            if p == self.t.case_manager {
                self.citizens[i].case_manager_until = 0;
            } else if p == self.t.veiligheidshuis {
                self.citizens[i].veiligheidshuis_until = 0;
            }
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
        let was = e.status;
        e.status = status;
        self.citizens[i].open_episodes &= !(1u32 << p);
        self.citizens[i].active_episodes &= !(1u32 << p);
        let prog = &mut self.programmes[p];
        match was {
            Status::Active => prog.release_place(),
            Status::Waiting => prog.withdraw(),
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

    fn admit_from_waiting_lists(&mut self, d: u16) {
        for p in 0..self.t.programmes {
            let (episodes, stride) = (&self.episodes, self.t.programmes);
            self.programmes[p].compact_if_stale(|t| ticket_is_live(episodes, stride, p, t));
            // Nobody who joined in the last `intake_delay` days can start yet.
            let Some(latest_since) = d.checked_sub(self.t.intake_delay[p]) else { continue };
            // Another round only when a service ended at once (an immediate one) and so
            // freed the places it just filled.
            loop {
                let free = self.programmes[p].free_places();
                if free == 0 || self.programmes[p].waiting == 0 {
                    break;
                }
                let (mut picks, mut admitted) = std::mem::take(&mut self.admission);
                let prog = &self.programmes[p];
                prog.choose_admissions(
                    free,
                    latest_since,
                    |t| {
                        ticket_is_live(&self.episodes, stride, p, t)
                            && self.ready(t.citizen as usize, p, t.since, d)
                    },
                    |t| self.priority(t.citizen as usize, prog.rule, d),
                    &mut picks,
                );
                self.programmes[p].admit(&mut picks, &mut admitted);
                for t in &admitted {
                    self.start_episode(t.citizen as usize, p, d);
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

    fn ready(&self, i: usize, p: usize, since: u16, d: u16) -> bool {
        if d < since.saturating_add(self.t.intake_delay[p]) {
            return false;
        }
        let c = &self.citizens[i];
        if c.place == Place::Detention && !self.t.starts_inside[p] {
            return false;
        }
        if p >= self.t.services {
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

    // ----- recovery and time series -----

    /// The four recovery dimensions move toward what the person's situation supports.
    pub(crate) fn update_recovery(&mut self, i: usize, d: u16) {
        let rate = self.sc.hazards.recovery_rate_per_day as f32;
        let c = &mut self.citizens[i];
        // The targets' state-dependent parts are looked up (see `RecoveryTargets`).
        let targets = &self.t.recovery_targets;
        let personal = targets.addiction[c.addiction as usize]
            + targets.competence * c.competence
            + targets.autonomy * c.autonomy;
        let in_community = c.place == Place::Community;
        let contact = c.traits.has_children & (c.child_contact | in_community);
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

    fn record_month(&mut self, i: usize, d: u16) {
        let c = &self.citizens[i];
        let Some(row) = self.monthly.last_mut() else { return };
        if c.place == Place::Detention {
            row.in_detention += 1;
        } else {
            match c.housing {
                Housing::Own => row.own_home += 1,
                Housing::Shelter => row.shelter += 1,
                Housing::Supported => row.supported_housing += 1,
                Housing::Homeless => row.homeless += 1,
            }
            match c.income {
                Income::None => row.without_income += 1,
                Income::Benefit => row.on_benefit += 1,
                Income::Work => row.working += 1,
            }
            if c.probation_until > d {
                row.on_probation += 1;
            }
        }
        if c.addiction == Addiction::Active {
            row.active_addiction += 1;
        }
        if c.case_manager_until > d {
            row.with_case_manager += 1;
        }
        if c.firsts.reconviction != NEVER {
            row.ever_reconvicted += 1;
        }
        row.recovery.add(&c.recovery);
    }

    fn record_queues(&mut self) {
        let n = self.citizens.len() as f64;
        let programmes = self.t.programmes;
        let Some(row) = self.monthly.last_mut() else { return };
        row.recovery.scale(n);
        for p in 0..programmes {
            row.queue[p] = self.programmes[p].waiting;
            row.occupied[p] = self.programmes[p].occupied;
        }
        // How long those on each list have waited so far (live tickets only); once a month.
        let (episodes, stride, today) = (&self.episodes, self.t.programmes, self.day);
        row.waited_days = (0..programmes)
            .map(|p| {
                let (total, n) = self.programmes[p]
                    .queue
                    .iter()
                    .filter(|t| ticket_is_live(episodes, stride, p, **t))
                    .fold((0u64, 0u64), |(sum, n), t| {
                        (sum + today.saturating_sub(t.since) as u64, n + 1)
                    });
                if n == 0 { 0.0 } else { total as f64 / n as f64 }
            })
            .collect();
    }
}

impl World<'_> {
    /// Checks the bookkeeping that must hold at the end of every day: every citizen is in
    /// exactly one place, occupancy equals the active episodes and stays within capacity,
    /// every waiting episode has exactly one live ticket, and the open-episode bits agree.
    pub fn check_invariants(&self) -> Result<(), String> {
        let np = self.t.programmes;
        let mut active = vec![0u32; np];
        let mut waiting = vec![0u32; np];
        for (i, c) in self.citizens.iter().enumerate() {
            if c.place == Place::Detention && c.release_day < self.day {
                return Err(format!("citizen {i} is inside past release day {}", c.release_day));
            }
            for p in 0..np {
                let e = self.episode(i, p);
                let bit = c.open_episodes & (1 << p) != 0;
                if bit != e.is_open() {
                    return Err(format!("citizen {i} programme {p}: open bit {bit} but {e:?}"));
                }
                let active_bit = c.active_episodes & (1 << p) != 0;
                if active_bit != (e.status == Status::Active) {
                    return Err(format!(
                        "citizen {i} programme {p}: active bit {active_bit} but {e:?}"
                    ));
                }
                match e.status {
                    Status::Active => active[p] += 1,
                    Status::Waiting => waiting[p] += 1,
                    _ => {}
                }
            }
        }
        for (p, prog) in self.programmes.iter().enumerate() {
            if prog.occupied != active[p] {
                return Err(format!(
                    "programme {p}: {} occupied, {} active",
                    prog.occupied, active[p]
                ));
            }
            if let crate::scenario::Capacity::Places(cap) = prog.capacity
                && prog.occupied > cap
            {
                return Err(format!("programme {p}: {} occupied > capacity {cap}", prog.occupied));
            }
            let live =
                prog.queue.iter().filter(|t| ticket_is_live(&self.episodes, np, p, **t)).count()
                    as u32;
            if live != waiting[p] || prog.waiting != waiting[p] {
                return Err(format!(
                    "programme {p}: {live} live tickets, {} counted waiting, {} waiting",
                    prog.waiting, waiting[p]
                ));
            }
        }
        Ok(())
    }
}

/// Whether ticket `t` stands for a current wait in programme `p` (`episodes` is citizen-major
/// with `stride` programmes per citizen).
#[inline(always)]
fn ticket_is_live(episodes: &[Episode], stride: usize, p: usize, t: Ticket) -> bool {
    t.is_live(episodes[t.citizen as usize * stride + p])
}

/// How many citizens ahead the daily pass prefetches.
const PREFETCH_AHEAD: usize = 24;

/// Prefetches every cache line of a value into the caches (a hint; no effect on results).
#[inline(always)]
fn prefetch_lines<T: ?Sized>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        let start = value as *const T as *const i8;
        let len = std::mem::size_of_val(value);
        let mut offset = 0;
        // SAFETY: a prefetch is only a hint — it reads nothing into the program and cannot
        // fault — and SSE, which provides it, is part of every x86-64 CPU.
        unsafe {
            while offset < len {
                _mm_prefetch::<_MM_HINT_T0>(start.wrapping_add(offset));
                offset += 64;
            }
            // The last byte may lie on one more line than the stride reached.
            _mm_prefetch::<_MM_HINT_T0>(start.wrapping_add(len.saturating_sub(1)));
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}

/// An upper bound of `e^x` from the exponent bits alone: `2^(⌊x·log2 e⌋ + 2)`, between two and
/// four times `e^x`, and safe against rounding in `x·log2 e`.
#[inline(always)]
pub fn exp_upper_bound(x: f64) -> f64 {
    let v = (x * std::f64::consts::LOG2_E).clamp(-1000.0, 1000.0);
    // ⌊v⌋ by truncation (f64::floor is a library call on the baseline x86-64 target).
    let t = v as i64;
    let floor = if (t as f64) > v { t - 1 } else { t };
    f64::from_bits(((floor + 2 + 1023) as u64) << 52)
}

/// `1 − e^(−h)`: the chance of an event on a day with cumulative hazard `h`. Daily hazards
/// are small; below 0.01 seven terms of the series leave a relative error under 1e-18 (below
/// double precision) and cost a fraction of `exp_m1`.
#[inline(always)]
pub fn chance_of_event(h: f64) -> f64 {
    if h < 0.01 {
        // Multiplying by reciprocals, not dividing: divisions would cost more than exp_m1.
        let tail = 1.0 - h * (1.0 / 7.0);
        let tail = 1.0 - h * (1.0 / 6.0) * tail;
        let tail = 1.0 - h * (1.0 / 5.0) * tail;
        let tail = 1.0 - h * (1.0 / 4.0) * tail;
        let tail = 1.0 - h * (1.0 / 3.0) * tail;
        h * (1.0 - h * 0.5 * tail)
    } else {
        -(-h).exp_m1()
    }
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
        | bit(Domain::Lvb, c.traits.lvb)
        | bit(Domain::Psychiatric, c.traits.psychiatric)
        // Work is a next step once there is a base: a benefit, papers and no active addiction.
        | bit(Domain::Work, (c.income == Income::Benefit) & c.has_id & !active)
}

/// The count used by the "most problems" queue rule and by triage.
pub fn problem_count(c: &Citizen, h: &crate::scenario::RawHazards) -> u32 {
    let core = self_needs(c, h) & !domain_bit(Domain::Work);
    core.count_ones()
}

#[cfg(test)]
mod tests {
    use super::{Care, World, chance_of_event, exp_upper_bound};
    use crate::population::{Addiction, Housing, Income, NEVER, Restorative};

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
            (c.traits.lvb && !care.lvb_support, ln.lvb_unsupported),
            (c.traits.psychiatric && !care.psychiatric_care, ln.psychiatric_untreated),
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

    fn fragmented() -> crate::scenario::RawScenario {
        crate::scenario::Scenario::load(std::path::Path::new("scenarios/fragmented.toml"))
            .expect("shipped scenario")
            .resolved
    }

    /// Runs `w` until the end of day `day`.
    fn run_until(w: &mut World, day: u16) {
        while w.day <= day {
            w.step();
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

    #[test]
    fn engine_state_per_citizen_is_at_most_212_bytes() {
        // Under issue 7's 256-byte target with room for the process, for the shipped scenarios'
        // 12 programmes: the citizen, one episode per programme and the random-stream key.
        let per_citizen = std::mem::size_of::<crate::population::Citizen>()
            + 12 * std::mem::size_of::<crate::services::Episode>()
            + std::mem::size_of::<u64>();
        assert!(per_citizen <= 212, "{per_citizen} bytes per citizen");
    }

    #[test]
    fn exp_upper_bound_lies_between_two_and_four_times_exp() {
        let mut x = -30.0;
        while x < 30.0 {
            let ratio = exp_upper_bound(x) / x.exp();
            assert!((2.0 - 1e-9..=4.0 + 1e-9).contains(&ratio), "x = {x}: ratio {ratio}");
            x += 0.0137;
        }
    }

    #[test]
    fn series_for_small_hazards_matches_exp_m1() {
        let mut h: f64 = 1e-9;
        while h < 0.05 {
            let exact = -(-h).exp_m1();
            let relative = (chance_of_event(h) - exact).abs() / exact;
            assert!(relative < 4.0 * f64::EPSILON, "h = {h}: relative error {relative}");
            h *= 1.1;
        }
    }
}
