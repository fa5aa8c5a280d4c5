//! The raw scenario schema exactly as written in TOML: every key, its type and its default.
//!
//! Every struct has `#[serde(default, deny_unknown_fields)]` so that a file that sets only a few
//! keys (a scenario that `extends` another) still deserializes on its own — which is how unknown
//! keys and wrong types are reported in the file and on the line where they were written. Range
//! checks and cross-references happen later, in `validate`, which turns this into a checked
//! [`crate::scenario::Scenario`]. The defaults here are the shipped baseline; the source of each
//! is listed in [`crate::output::provenance`].

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct RawScenario {
    pub scenario: RawMeta,
    pub population: RawPopulation,
    pub regime: RawRegime,
    pub hazards: RawHazards,
    pub costs: RawCosts,
    pub services: BTreeMap<String, RawService>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RawMeta {
    pub name: String,
    pub description: String,
    /// Consumed by the loader; kept here so that a file that extends another still type-checks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extends: Option<String>,
    pub seed: u64,
    pub horizon_days: u32,
    pub replications: u32,
    /// Which engine steps the model: `events` (the default: citizens skip the days on which
    /// nothing can happen to them; see docs/performance.md) or `daily` (every citizen every
    /// day, the reference). Always written into a resolved scenario, so that a folder says
    /// which engine made it.
    pub engine: Engine,
}

/// The engine that steps a replication (`scenario.engine`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Engine {
    /// Every citizen takes every day: the reference the event engine is tested against.
    Daily,
    /// Citizens skip the days on which nothing can happen to them by chance and nothing is
    /// scheduled (see `engine::events`): some four times faster. The default.
    #[default]
    Events,
}

impl Engine {
    pub fn is_daily(&self) -> bool {
        *self == Engine::Daily
    }
}

impl Default for RawMeta {
    fn default() -> Self {
        Self {
            name: "unnamed".into(),
            description: String::new(),
            extends: None,
            seed: 20_261_123,
            horizon_days: 2_190,
            replications: 20,
            engine: Engine::Events,
        }
    }
}

/// A log-normal distribution given by its median and the sd of its logarithm, as analysts
/// describe skewed durations ("half stay under 45 days").
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RawLogNormal {
    pub median: f64,
    pub sigma: f64,
    pub max: f64,
}

impl Default for RawLogNormal {
    fn default() -> Self {
        Self { median: 45.0, sigma: 1.11, max: 1_095.0 }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RawPrevalence {
    pub addiction: f64,
    pub problematic_debt: f64,
    pub lvb: f64,
    pub homeless: f64,
    pub no_income: f64,
    pub no_id: f64,
    pub psychiatric: f64,
    pub minor_children: f64,
}

impl Default for RawPrevalence {
    fn default() -> Self {
        Self {
            addiction: 0.45,
            problematic_debt: 0.60,
            lvb: 0.30,
            homeless: 0.25,
            no_income: 0.55,
            no_id: 0.25,
            psychiatric: 0.15,
            minor_children: 0.40,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RawStrengths {
    pub network_mean: f64,
    pub competence_mean: f64,
    pub autonomy_mean: f64,
    pub relatedness_mean: f64,
    pub sd: f64,
    /// How much one standard deviation of problem load lowers each strength.
    pub problem_load_effect: f64,
}

impl Default for RawStrengths {
    fn default() -> Self {
        Self {
            network_mean: 0.5,
            competence_mean: 0.5,
            autonomy_mean: 0.5,
            relatedness_mean: 0.5,
            sd: 0.15,
            problem_load_effect: 0.08,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RawPopulation {
    pub size: u32,
    pub age_mean: f64,
    pub age_sd: f64,
    pub age_min: f64,
    pub age_max: f64,
    pub share_male: f64,
    /// Length of the current stay in days (the cohort starts on its first day inside).
    pub sentence_days: RawLogNormal,
    pub prevalence: RawPrevalence,
    /// Correlation of the latent problem load shared by all problem domains (Gaussian copula).
    pub problem_correlation: f64,
    pub debt_median: f64,
    pub debt_sigma: f64,
    pub priors_mean: f64,
    /// Gamma shape of the prior-conviction count (lower = more dispersed).
    pub priors_dispersion: f64,
    pub prolific_threshold: u32,
    pub strengths: RawStrengths,
}

impl Default for RawPopulation {
    fn default() -> Self {
        Self {
            size: 2_000,
            age_mean: 34.0,
            age_sd: 10.0,
            age_min: 18.0,
            age_max: 75.0,
            share_male: 0.92,
            sentence_days: RawLogNormal::default(),
            prevalence: RawPrevalence::default(),
            problem_correlation: 0.35,
            debt_median: 17_000.0,
            debt_sigma: 0.8,
            priors_mean: 6.0,
            priors_dispersion: 1.0,
            prolific_threshold: 10,
            strengths: RawStrengths::default(),
        }
    }
}

/// Probability that screening before release finds a problem the person really has.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RawSensitivity {
    pub addiction: f64,
    pub debt: f64,
    pub lvb: f64,
    pub housing: f64,
    pub income: f64,
    pub id: f64,
    pub psychiatric: f64,
    pub work: f64,
}

impl Default for RawSensitivity {
    fn default() -> Self {
        Self {
            addiction: 0.70,
            debt: 0.50,
            lvb: 0.25,
            housing: 0.90,
            income: 0.80,
            id: 0.80,
            psychiatric: 0.50,
            work: 0.50,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QueueRule {
    FirstCome,
    HighestRisk,
    MostProblems,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ViolationResponse {
    /// Justice logic: the condition is enforced, the suspended part is revoked.
    Revocation,
    /// Care logic: the violation leads to a referral to care for the person's needs.
    Care,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Eligibility {
    All,
    /// Addiction, LVB and problematic debt: at least `complex_min_problems` of them.
    Complex,
    Prolific,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RawCaseManager {
    pub enabled: bool,
    pub managers: u32,
    pub caseload: u32,
    pub eligibility: Eligibility,
    pub complex_min_problems: u32,
    pub queue_rule: QueueRule,
    /// How long after release the case manager stays involved.
    pub duration_days: u32,
    /// Daily chance that the case manager gets an unmet, known need referred.
    pub referral_per_day: f64,
    /// One integral care & safety plan (Huis van Herstel, seed 001): on enrolment every need
    /// the case manager knows of is referred at once, instead of one at a time.
    pub integral_plan: bool,
}

impl Default for RawCaseManager {
    fn default() -> Self {
        Self {
            enabled: false,
            managers: 0,
            caseload: 25,
            eligibility: Eligibility::Complex,
            complex_min_problems: 2,
            queue_rule: QueueRule::FirstCome,
            duration_days: 365,
            referral_per_day: 0.05,
            integral_plan: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RawProbation {
    /// Share of releases that leave with probation supervision and special conditions.
    pub share: f64,
    pub duration_days: u32,
    pub violation_per_day: f64,
    pub response: ViolationResponse,
    /// Days of detention when a violation leads to revocation.
    pub revocation_days: u32,
}

impl Default for RawProbation {
    fn default() -> Self {
        Self {
            share: 0.30,
            duration_days: 365,
            violation_per_day: 0.0015,
            response: ViolationResponse::Revocation,
            revocation_days: 60,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RawRestorative {
    pub offer: f64,
    pub uptake: f64,
    pub completion: f64,
    pub duration_days: u32,
}

impl Default for RawRestorative {
    fn default() -> Self {
        Self { offer: 0.0, uptake: 0.40, completion: 0.60, duration_days: 90 }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RawVeiligheidshuis {
    pub enabled: bool,
    /// Cases coordinated at once.
    pub caseload: u32,
    pub triage: QueueRule,
    pub duration_days: u32,
}

impl Default for RawVeiligheidshuis {
    fn default() -> Self {
        Self { enabled: false, caseload: 0, triage: QueueRule::FirstCome, duration_days: 365 }
    }
}

/// Professionals' room to act (seed 003): a work-and-income officer may waive a
/// prerequisite of a municipal service for a share of cases.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RawDiscretion {
    /// Share of referrals to a municipal service in which the officer waives the prerequisites
    /// listed in `waivable`.
    pub waiver: f64,
    pub waivable: Vec<Prerequisite>,
}

impl Default for RawDiscretion {
    fn default() -> Self {
        Self { waiver: 0.0, waivable: vec![Prerequisite::Id, Prerequisite::Address] }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RawRegime {
    pub name: String,
    pub planning_days_before_release: u32,
    pub screening: RawSensitivity,
    /// Probability that a referral made before release is accepted before release day.
    pub warm_handover: f64,
    /// Whether services that can start inside do so once planning begins.
    pub services_start_inside: bool,
    pub id_before_release: f64,
    pub benefit_before_release: f64,
    pub housing_on_release: f64,
    /// The housing service used when housing is arranged for release day.
    pub release_housing_service: String,
    /// Shared information shortens every intake delay by this factor (1 = no sharing).
    pub intake_delay_factor: f64,
    pub child_contact_support: f64,
    pub case_manager: RawCaseManager,
    pub probation: RawProbation,
    pub restorative: RawRestorative,
    pub veiligheidshuis: RawVeiligheidshuis,
    pub discretion: RawDiscretion,
}

impl Default for RawRegime {
    fn default() -> Self {
        Self {
            name: "fragmented".into(),
            planning_days_before_release: 14,
            screening: RawSensitivity::default(),
            warm_handover: 0.10,
            services_start_inside: false,
            id_before_release: 0.30,
            benefit_before_release: 0.10,
            housing_on_release: 0.10,
            // No housing service exists until a scenario defines one.
            release_housing_service: String::new(),
            intake_delay_factor: 1.0,
            child_contact_support: 0.0,
            case_manager: RawCaseManager::default(),
            probation: RawProbation::default(),
            restorative: RawRestorative::default(),
            veiligheidshuis: RawVeiligheidshuis::default(),
            discretion: RawDiscretion::default(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RawHazards {
    /// Time-since-release term of the reoffending hazard, `H(t) = (t/scale)^shape`: a shape
    /// below 1 falls with time, 1 is constant (the term switched off).
    pub reoffend_shape: f64,
    pub reoffend_scale_days: f64,
    /// The distribution of each person's fixed risk (frailty, mean 1).
    pub frailty: Frailty,
    /// Variance of the frailty (0: everyone has the same risk, the plain hazard).
    pub frailty_variance: f64,
    /// A release restarts the time-since-release clock only after a stay of at least this
    /// many days (0: every release restarts it); the first release always starts it.
    pub clock_reset_min_stay_days: u32,
    /// Days from offence to arrest (registration of the suspect).
    pub arrest_delay_days: RawDelay,
    /// Days from arrest to conviction (or settlement by the prosecutor).
    pub conviction_delay_days: RawDelay,
    /// Days from a custodial sentence to the start of the stay inside.
    pub custody_delay_days: RawDelay,
    /// What the four recovery dimensions are made of, and which of them act on the hazard.
    pub recovery: RawRecovery,
    pub detection: f64,
    pub conviction: f64,
    pub custody: f64,
    pub new_sentence_days: RawLogNormal,
    pub victims_per_offence: f64,
    pub hr_active_addiction: f64,
    pub hr_homeless: f64,
    pub hr_no_income: f64,
    pub hr_problematic_debt: f64,
    pub hr_lvb_unsupported: f64,
    pub hr_psychiatric_untreated: f64,
    pub hr_weak_network: f64,
    pub weak_network_below: f64,
    pub hr_per_decade_over_30: f64,
    pub hr_per_prior: f64,
    pub priors_cap: u32,
    pub hr_case_manager: f64,
    pub hr_work: f64,
    pub hr_full_recovery: f64,
    pub hr_probation: f64,
    pub hr_veiligheidshuis: f64,
    pub hr_restorative_completed: f64,
    pub relapse_per_day: f64,
    pub remission_per_day: f64,
    pub detention_remission_per_day: f64,
    pub debt_growth_per_day_no_income: f64,
    pub problematic_debt_threshold: f64,
    pub eviction_per_day: f64,
    pub eviction_hr_no_income: f64,
    pub housing_lost_after_detention_days: u32,
    pub job_lost_after_detention_days: u32,
    pub job_loss_per_day: f64,
    pub job_found_per_day: f64,
    pub self_referral_per_day: f64,
    pub self_referral_lvb: f64,
    pub self_referral_active_addiction: f64,
    /// Self-referral at competence 0 relative to competence 1.
    pub self_referral_low_competence: f64,
    pub dropout_hr_active_addiction: f64,
    /// Drop-out at motivation 0 relative to motivation 1 (motivation = mean of the basic needs).
    pub dropout_hr_low_motivation: f64,
    pub network_decay_in_detention_per_day: f64,
    pub network_recovery_per_day: f64,
    pub recovery_rate_per_day: f64,
    /// Incidents per day in a facility with full structure and no coercion (seed 002).
    pub incident_per_day: f64,
    /// Incident hazard ratio of a facility with no structure at all (vs full structure).
    pub incident_hr_no_structure: f64,
    /// Incident hazard ratio at full felt coercion (vs none).
    pub incident_hr_full_coercion: f64,
    /// Share of incidents that end the person's stay in the facility.
    pub incident_eviction: f64,
    /// How fast basic needs move toward what a facility's climate supports.
    pub climate_rate_per_day: f64,
    /// Structure beyond the support given is felt as control: it adds this much coercion
    /// per unit of excess (seed 002, "beheersing").
    pub overcontrol_weight: f64,
    pub violation_hr_active_addiction: f64,
}

impl Default for RawHazards {
    fn default() -> Self {
        Self {
            reoffend_shape: 0.80,
            reoffend_scale_days: 340.0,
            frailty: Frailty::Gamma,
            frailty_variance: 1.0,
            clock_reset_min_stay_days: 90,
            arrest_delay_days: RawDelay { median: 7.0, sigma: 1.5, max: 365.0 },
            conviction_delay_days: RawDelay { median: 120.0, sigma: 0.8, max: 730.0 },
            custody_delay_days: RawDelay { median: 30.0, sigma: 1.0, max: 365.0 },
            recovery: RawRecovery::default(),
            detection: 0.45,
            conviction: 0.85,
            custody: 0.45,
            new_sentence_days: RawLogNormal::default(),
            victims_per_offence: 0.7,
            hr_active_addiction: 1.6,
            hr_homeless: 1.4,
            hr_no_income: 1.3,
            hr_problematic_debt: 1.15,
            hr_lvb_unsupported: 1.2,
            hr_psychiatric_untreated: 1.2,
            hr_weak_network: 1.0,
            weak_network_below: 0.3,
            hr_per_decade_over_30: 0.80,
            hr_per_prior: 1.04,
            priors_cap: 25,
            hr_case_manager: 0.90,
            hr_work: 0.70,
            hr_full_recovery: 0.60,
            hr_probation: 0.95,
            hr_veiligheidshuis: 0.90,
            hr_restorative_completed: 0.90,
            relapse_per_day: 0.003,
            remission_per_day: 0.0008,
            detention_remission_per_day: 0.01,
            debt_growth_per_day_no_income: 4.0,
            problematic_debt_threshold: 5_000.0,
            eviction_per_day: 0.0001,
            eviction_hr_no_income: 3.0,
            housing_lost_after_detention_days: 180,
            job_lost_after_detention_days: 30,
            job_loss_per_day: 0.0007,
            job_found_per_day: 0.0005,
            self_referral_per_day: 0.02,
            self_referral_lvb: 0.5,
            self_referral_active_addiction: 0.5,
            self_referral_low_competence: 0.4,
            dropout_hr_active_addiction: 2.0,
            dropout_hr_low_motivation: 3.0,
            network_decay_in_detention_per_day: 0.002,
            network_recovery_per_day: 0.001,
            recovery_rate_per_day: 0.0166667,
            incident_per_day: 0.0007,
            incident_hr_no_structure: 4.0,
            incident_hr_full_coercion: 4.0,
            incident_eviction: 0.5,
            climate_rate_per_day: 0.0333333,
            overcontrol_weight: 1.0,
            violation_hr_active_addiction: 2.0,
        }
    }
}

/// The distribution of the fixed individual risk (frailty), with mean 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Frailty {
    /// Gamma with shape 1/variance: the population survival has a closed form.
    Gamma,
    /// Log-normal with the given variance.
    LogNormal,
}

/// A delay in days: log-normal with a median (0: the same day), sigma and maximum.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RawDelay {
    pub median: f64,
    pub sigma: f64,
    pub max: f64,
}

impl Default for RawDelay {
    fn default() -> Self {
        Self { median: 0.0, sigma: 0.0, max: 0.0 }
    }
}

/// The four recovery dimensions (seed 000) as weighted parts of the person's state, and the
/// weight of each dimension in the recovery term of the reoffending hazard. A factor that
/// has its own hazard ratio must not also reach the hazard through a dimension (each factor
/// acts once): by default addiction is left out of personal recovery, network acts through
/// social recovery (`hr_weak_network` = 1), and the societal and victim dimensions, made of
/// housing, income and restorative justice, are reported but weigh 0 in the hazard.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RawRecovery {
    pub personal_addiction: f64,
    pub personal_competence: f64,
    pub personal_autonomy: f64,
    /// The addiction part's value by state (none, in remission, active).
    pub addiction_none: f64,
    pub addiction_remission: f64,
    pub addiction_active: f64,
    pub social_network: f64,
    pub social_child_contact: f64,
    pub societal_housed: f64,
    pub societal_income: f64,
    pub societal_offence_free: f64,
    /// Days without an offence after which a person counts as offence-free.
    pub offence_free_days: u32,
    /// Victim-related recovery by restorative-justice state.
    pub victim_not_offered: f64,
    pub victim_declined: f64,
    pub victim_ongoing: f64,
    pub victim_completed: f64,
    pub victim_failed: f64,
    /// Weight of each dimension in the recovery term of the hazard (`hr_full_recovery`).
    pub hazard_personal: f64,
    pub hazard_social: f64,
    pub hazard_societal: f64,
    pub hazard_victim: f64,
}

impl Default for RawRecovery {
    fn default() -> Self {
        Self {
            personal_addiction: 0.0,
            personal_competence: 0.5,
            personal_autonomy: 0.5,
            addiction_none: 1.0,
            addiction_remission: 0.7,
            addiction_active: 0.0,
            social_network: 0.8,
            social_child_contact: 0.2,
            societal_housed: 0.4,
            societal_income: 0.4,
            societal_offence_free: 0.2,
            offence_free_days: 180,
            victim_not_offered: 0.2,
            victim_declined: 0.2,
            victim_ongoing: 0.6,
            victim_completed: 1.0,
            victim_failed: 0.3,
            hazard_personal: 0.5,
            hazard_social: 0.5,
            hazard_societal: 0.0,
            hazard_victim: 0.0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RawCosts {
    pub discount_rate: f64,
    pub prison_day: f64,
    pub police_per_arrest: f64,
    pub court_per_conviction: f64,
    pub probation_day: f64,
    pub benefit_day: f64,
    pub case_manager_day: f64,
    pub veiligheidshuis_day: f64,
    pub restorative_case: f64,
    pub child_contact_day: f64,
    pub victim_cost_per_offence: f64,
}

impl Default for RawCosts {
    fn default() -> Self {
        Self {
            discount_rate: 0.0225,
            prison_day: 262.0,
            police_per_arrest: 1_200.0,
            court_per_conviction: 2_500.0,
            probation_day: 15.0,
            benefit_day: 40.0,
            case_manager_day: 9.0,
            veiligheidshuis_day: 6.0,
            restorative_case: 1_000.0,
            child_contact_day: 3.0,
            victim_cost_per_offence: 4_000.0,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Domain {
    Addiction,
    Debt,
    Housing,
    Income,
    Id,
    Lvb,
    Psychiatric,
    Work,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HousingKind {
    Shelter,
    Supported,
    Own,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Prerequisite {
    Id,
    Address,
    Income,
    Indication,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Payer {
    Justice,
    Municipality,
    Health,
    VictimsSociety,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RawClimate {
    pub support: f64,
    pub structure: f64,
    pub coercion: f64,
}

impl Default for RawClimate {
    fn default() -> Self {
        Self { support: 0.5, structure: 0.5, coercion: 0.3 }
    }
}

/// One support service. Keys that only make sense for one domain are optional and checked
/// against the domain in `validate`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct RawService {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain: Option<Domain>,
    pub label: Option<String>,
    /// Concurrent places; absent = unlimited.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capacity: Option<u32>,
    pub queue_rule: Option<QueueRule>,
    pub intake_delay_days: Option<u32>,
    /// Median duration of an episode in days; 0 = the effect is immediate (ID, benefit, a home).
    pub duration_median_days: Option<f64>,
    pub duration_sigma: Option<f64>,
    pub dropout_per_day: Option<f64>,
    pub prerequisites: Option<Vec<Prerequisite>>,
    pub can_start_inside: Option<bool>,
    pub cost_per_day: Option<f64>,
    pub cost_per_intake: Option<f64>,
    pub payer: Option<Payer>,
    // Domain-specific effects.
    pub remission_per_day: Option<f64>,
    pub relapse_multiplier: Option<f64>,
    pub success_probability: Option<f64>,
    pub provides: Option<HousingKind>,
    pub move_on_probability: Option<f64>,
    pub placement_probability: Option<f64>,
    pub competence_gain_per_day: Option<f64>,
    pub climate: Option<RawClimate>,
}
