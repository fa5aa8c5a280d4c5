//! Range checks and cross-references: turns a merged [`RawScenario`] into a checked
//! [`Scenario`], collecting every problem (not just the first) with the file, line and key
//! where the offending value was written and the range it must lie in.

use super::raw::{RawClimate, RawDelay, RawLogNormal, RawRecovery, RawService};
use super::{
    Capacity, Climate, Diagnostic, Domain, Duration, Effect, HousingKind, Meta, Prerequisites,
    QueueRule, RawScenario, Scenario, ScenarioError, Service, Sources,
};

/// Collects range violations so a user sees all of them in one go.
struct Checker<'a> {
    sources: &'a Sources,
    problems: Vec<Diagnostic>,
}

impl<'a> Checker<'a> {
    fn fail(&mut self, key: &str, message: String, allowed: &str) {
        let help = Some(format!("allowed: {allowed}"));
        self.problems.push(self.sources.error_at(key, message, help));
    }

    fn range(&mut self, key: &str, value: f64, lo: f64, hi: f64) {
        if !(value.is_finite() && value >= lo && value <= hi) {
            self.fail(
                key,
                format!("value {} is out of range", shown(value)),
                &format!("{lo} to {hi}"),
            );
        }
    }

    fn probability(&mut self, key: &str, value: f64) {
        self.range(key, value, 0.0, 1.0);
    }

    /// A hazard ratio: positive, and not absurd.
    fn ratio(&mut self, key: &str, value: f64) {
        self.range(key, value, 0.01, 100.0);
    }

    /// An amount in euros (a cost per day, event or case, a debt): at most ten million, so
    /// sums over a cohort and a horizon stay far from overflowing to infinity.
    fn euros(&mut self, key: &str, value: f64) {
        self.range(key, value, 0.0, MAX_EUROS);
    }

    fn whole(&mut self, key: &str, value: u32, lo: u32, hi: u32) {
        if value < lo || value > hi {
            self.fail(key, format!("value {value} is out of range"), &format!("{lo} to {hi}"));
        }
    }

    /// A delay may be 0 (the same day); its maximum bounds every draw.
    fn delay(&mut self, key: &str, d: &RawDelay) {
        self.range(&format!("{key}.median"), d.median, 0.0, 3_650.0);
        self.range(&format!("{key}.sigma"), d.sigma, 0.0, 5.0);
        self.range(&format!("{key}.max"), d.max, d.median, 3_650.0);
    }

    /// Weights that make up a 0..1 score: each in 0..1 and together at most 1.
    fn weights(&mut self, table: &str, parts: &[(&str, f64)]) {
        for (k, v) in parts {
            self.probability(&format!("{table}.{k}"), *v);
        }
        let sum: f64 = parts.iter().map(|(_, v)| v).sum();
        if parts.iter().all(|(_, v)| (0.0..=1.0).contains(v)) && sum > 1.0 + 1e-9 {
            let names: Vec<&str> = parts.iter().map(|(k, _)| *k).collect();
            // Pointed at the largest weight: most likely the one just raised.
            let largest = parts.iter().fold(parts[0], |a, b| if b.1 > a.1 { *b } else { a });
            self.fail(
                &format!("{table}.{}", largest.0),
                format!("the weights {} add up to {sum}, more than 1", names.join(", ")),
                "weights that add up to at most 1",
            );
        }
    }

    fn lognormal(&mut self, key: &str, d: &RawLogNormal) {
        self.range(&format!("{key}.median"), d.median, 1.0, 36_500.0);
        self.range(&format!("{key}.sigma"), d.sigma, 0.0, 5.0);
        self.range(&format!("{key}.max"), d.max, d.median.max(1.0), 36_500.0);
    }
}

/// A number for a message: huge or tiny ones in scientific notation, not 160 digits.
fn shown(x: f64) -> String {
    if x != 0.0 && x.is_finite() && !(1e-6..1e12).contains(&x.abs()) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

/// The largest amount of euros any single cost or debt parameter may take.
pub const MAX_EUROS: f64 = 10_000_000.0;

/// Checks every value of `raw` and builds the [`Scenario`] the engine runs.
pub fn validate(raw: RawScenario, sources: &Sources) -> Result<Scenario, ScenarioError> {
    let mut c = Checker { sources, problems: Vec::new() };
    check_meta(&mut c, &raw);
    check_population(&mut c, &raw);
    check_regime(&mut c, &raw);
    check_hazards(&mut c, &raw);
    check_costs(&mut c, &raw);
    let services: Vec<Service> =
        raw.services.iter().filter_map(|(name, s)| check_service(&mut c, name, s)).collect();
    let release_housing_service = resolve_release_housing(&mut c, &raw, &services);
    check_service_count(&mut c, raw.services.len());
    if !c.problems.is_empty() {
        let mut problems = c.problems;
        super::source::sort_in_file_order(&mut problems);
        return Err(ScenarioError::from_diagnostics(problems));
    }
    Ok(Scenario {
        meta: Meta {
            name: raw.scenario.name.clone(),
            description: raw.scenario.description.clone(),
            seed: raw.scenario.seed,
            horizon_days: raw.scenario.horizon_days,
            replications: raw.scenario.replications,
            engine: raw.scenario.engine,
        },
        population: raw.population.clone(),
        regime: raw.regime.clone(),
        release_housing_service,
        hazards: raw.hazards.clone(),
        costs: raw.costs.clone(),
        services,
        files: sources.files.iter().map(|f| f.path.clone()).collect(),
        cohort_note: None,
        resolved: raw,
    })
}

/// The engine keeps one bit per programme (every service, case management and the
/// Veiligheidshuis) in a 32-bit mask.
pub const MAX_SERVICES: usize = 30;

fn check_service_count(c: &mut Checker, count: usize) {
    if count > MAX_SERVICES {
        c.fail(
            "services",
            format!("{count} services are defined, more than the engine can track"),
            &format!("at most {MAX_SERVICES} services"),
        );
    }
}

fn check_meta(c: &mut Checker, raw: &RawScenario) {
    let m = &raw.scenario;
    // The day counters are u16 in the engine's compact state.
    c.whole("scenario.horizon_days", m.horizon_days, 30, 20_000);
    c.whole("scenario.replications", m.replications, 1, 100_000);
    if m.name.trim().is_empty() {
        c.fail("scenario.name", "the scenario needs a name".into(), "a non-empty string");
    }
    let length = m.name.chars().count();
    if length > crate::limits::MAX_NAME_CHARS {
        // The name becomes part of file names (scenario-NAME.toml, out/NAME).
        c.fail(
            "scenario.name",
            format!("the name is {length} characters long, too long for a file name"),
            &format!("at most {} characters", crate::limits::MAX_NAME_CHARS),
        );
    }
}

fn check_population(c: &mut Checker, raw: &RawScenario) {
    let p = &raw.population;
    c.whole("population.size", p.size, 1, 50_000_000);
    c.range("population.age_min", p.age_min, 12.0, 100.0);
    c.range("population.age_max", p.age_max, p.age_min, 110.0);
    c.range("population.age_mean", p.age_mean, p.age_min, p.age_max);
    c.range("population.age_sd", p.age_sd, 0.0, 50.0);
    c.probability("population.share_male", p.share_male);
    c.lognormal("population.sentence_days", &p.sentence_days);
    let pr = &p.prevalence;
    for (key, v) in [
        ("addiction", pr.addiction),
        ("problematic_debt", pr.problematic_debt),
        ("lvb", pr.lvb),
        ("homeless", pr.homeless),
        ("no_income", pr.no_income),
        ("no_id", pr.no_id),
        ("psychiatric", pr.psychiatric),
        ("minor_children", pr.minor_children),
    ] {
        c.probability(&format!("population.prevalence.{key}"), v);
    }
    c.range("population.problem_correlation", p.problem_correlation, 0.0, 0.99);
    c.range("population.debt_median", p.debt_median, 0.0, 10_000_000.0);
    c.range("population.debt_sigma", p.debt_sigma, 0.0, 5.0);
    c.range("population.priors_mean", p.priors_mean, 0.0, 500.0);
    c.range("population.priors_dispersion", p.priors_dispersion, 0.01, 1000.0);
    c.whole("population.prolific_threshold", p.prolific_threshold, 1, 1000);
    let s = &p.strengths;
    for (key, v) in [
        ("network_mean", s.network_mean),
        ("competence_mean", s.competence_mean),
        ("autonomy_mean", s.autonomy_mean),
        ("relatedness_mean", s.relatedness_mean),
    ] {
        c.probability(&format!("population.strengths.{key}"), v);
    }
    c.range("population.strengths.sd", s.sd, 0.0, 1.0);
    c.range("population.strengths.problem_load_effect", s.problem_load_effect, 0.0, 1.0);
}

fn check_regime(c: &mut Checker, raw: &RawScenario) {
    let r = &raw.regime;
    c.whole("regime.planning_days_before_release", r.planning_days_before_release, 0, 3_650);
    let s = &r.screening;
    for (key, v) in [
        ("addiction", s.addiction),
        ("debt", s.debt),
        ("lvb", s.lvb),
        ("housing", s.housing),
        ("income", s.income),
        ("id", s.id),
        ("psychiatric", s.psychiatric),
        ("work", s.work),
    ] {
        c.probability(&format!("regime.screening.{key}"), v);
    }
    c.probability("regime.warm_handover", r.warm_handover);
    c.probability("regime.id_before_release", r.id_before_release);
    c.probability("regime.benefit_before_release", r.benefit_before_release);
    c.probability("regime.housing_on_release", r.housing_on_release);
    c.range("regime.intake_delay_factor", r.intake_delay_factor, 0.0, 1.0);
    c.probability("regime.child_contact_support", r.child_contact_support);
    let cm = &r.case_manager;
    c.whole("regime.case_manager.managers", cm.managers, 0, 1_000_000);
    c.whole("regime.case_manager.caseload", cm.caseload, 1, 1_000);
    c.whole("regime.case_manager.complex_min_problems", cm.complex_min_problems, 1, 3);
    c.whole("regime.case_manager.duration_days", cm.duration_days, 1, 20_000);
    c.probability("regime.case_manager.referral_per_day", cm.referral_per_day);
    if cm.enabled && cm.managers == 0 {
        c.fail(
            "regime.case_manager.managers",
            "case management is enabled but there are no case managers".into(),
            "at least 1 when regime.case_manager.enabled = true",
        );
    }
    let p = &r.probation;
    c.probability("regime.probation.share", p.share);
    c.whole("regime.probation.duration_days", p.duration_days, 0, 20_000);
    c.probability("regime.probation.violation_per_day", p.violation_per_day);
    c.whole("regime.probation.revocation_days", p.revocation_days, 1, 3_650);
    let rj = &r.restorative;
    c.probability("regime.restorative.offer", rj.offer);
    c.probability("regime.restorative.uptake", rj.uptake);
    c.probability("regime.restorative.completion", rj.completion);
    c.whole("regime.restorative.duration_days", rj.duration_days, 1, 3_650);
    c.probability("regime.discretion.waiver", r.discretion.waiver);
    let vh = &r.veiligheidshuis;
    c.whole("regime.veiligheidshuis.duration_days", vh.duration_days, 1, 20_000);
    if vh.enabled && vh.caseload == 0 {
        c.fail(
            "regime.veiligheidshuis.caseload",
            "the Veiligheidshuis is enabled but coordinates no cases".into(),
            "at least 1 when regime.veiligheidshuis.enabled = true",
        );
    }
}

fn check_hazards(c: &mut Checker, raw: &RawScenario) {
    let h = &raw.hazards;
    c.range("hazards.reoffend_shape", h.reoffend_shape, 0.05, 5.0);
    c.range("hazards.reoffend_scale_days", h.reoffend_scale_days, 1.0, 1.0e7);
    c.range("hazards.frailty_variance", h.frailty_variance, 0.0, 10.0);
    c.whole("hazards.clock_reset_min_stay_days", h.clock_reset_min_stay_days, 0, 20_000);
    c.delay("hazards.arrest_delay_days", &h.arrest_delay_days);
    c.delay("hazards.conviction_delay_days", &h.conviction_delay_days);
    c.delay("hazards.custody_delay_days", &h.custody_delay_days);
    check_recovery(c, &h.recovery);
    c.probability("hazards.detection", h.detection);
    c.probability("hazards.conviction", h.conviction);
    c.probability("hazards.custody", h.custody);
    c.lognormal("hazards.new_sentence_days", &h.new_sentence_days);
    c.range("hazards.victims_per_offence", h.victims_per_offence, 0.0, 100.0);
    for (key, v) in [
        ("hr_active_addiction", h.hr_active_addiction),
        ("hr_homeless", h.hr_homeless),
        ("hr_no_income", h.hr_no_income),
        ("hr_problematic_debt", h.hr_problematic_debt),
        ("hr_lvb_unsupported", h.hr_lvb_unsupported),
        ("hr_psychiatric_untreated", h.hr_psychiatric_untreated),
        ("hr_weak_network", h.hr_weak_network),
        ("hr_per_decade_over_30", h.hr_per_decade_over_30),
        ("hr_per_prior", h.hr_per_prior),
        ("hr_case_manager", h.hr_case_manager),
        ("hr_work", h.hr_work),
        ("hr_full_recovery", h.hr_full_recovery),
        ("hr_probation", h.hr_probation),
        ("hr_veiligheidshuis", h.hr_veiligheidshuis),
        ("hr_restorative_completed", h.hr_restorative_completed),
        ("eviction_hr_no_income", h.eviction_hr_no_income),
        ("dropout_hr_active_addiction", h.dropout_hr_active_addiction),
        ("dropout_hr_low_motivation", h.dropout_hr_low_motivation),
        ("violation_hr_active_addiction", h.violation_hr_active_addiction),
        ("incident_hr_no_structure", h.incident_hr_no_structure),
        ("incident_hr_full_coercion", h.incident_hr_full_coercion),
    ] {
        c.ratio(&format!("hazards.{key}"), v);
    }
    c.probability("hazards.weak_network_below", h.weak_network_below);
    c.whole("hazards.priors_cap", h.priors_cap, 0, 1_000);
    for (key, v) in [
        ("relapse_per_day", h.relapse_per_day),
        ("remission_per_day", h.remission_per_day),
        ("detention_remission_per_day", h.detention_remission_per_day),
        ("eviction_per_day", h.eviction_per_day),
        ("job_loss_per_day", h.job_loss_per_day),
        ("job_found_per_day", h.job_found_per_day),
        ("self_referral_per_day", h.self_referral_per_day),
        ("self_referral_lvb", h.self_referral_lvb),
        ("self_referral_active_addiction", h.self_referral_active_addiction),
        ("self_referral_low_competence", h.self_referral_low_competence),
        ("network_decay_in_detention_per_day", h.network_decay_in_detention_per_day),
        ("network_recovery_per_day", h.network_recovery_per_day),
        ("recovery_rate_per_day", h.recovery_rate_per_day),
        ("incident_per_day", h.incident_per_day),
        ("incident_eviction", h.incident_eviction),
        ("climate_rate_per_day", h.climate_rate_per_day),
    ] {
        c.probability(&format!("hazards.{key}"), v);
    }
    c.range("hazards.overcontrol_weight", h.overcontrol_weight, 0.0, 10.0);
    c.range(
        "hazards.debt_growth_per_day_no_income",
        h.debt_growth_per_day_no_income,
        0.0,
        100_000.0,
    );
    c.euros("hazards.problematic_debt_threshold", h.problematic_debt_threshold);
    c.whole(
        "hazards.housing_lost_after_detention_days",
        h.housing_lost_after_detention_days,
        0,
        20_000,
    );
    c.whole("hazards.job_lost_after_detention_days", h.job_lost_after_detention_days, 0, 20_000);
}

fn check_recovery(c: &mut Checker, r: &RawRecovery) {
    let t = "hazards.recovery";
    c.weights(
        t,
        &[
            ("personal_addiction", r.personal_addiction),
            ("personal_competence", r.personal_competence),
            ("personal_autonomy", r.personal_autonomy),
        ],
    );
    c.weights(
        t,
        &[("social_network", r.social_network), ("social_child_contact", r.social_child_contact)],
    );
    c.weights(
        t,
        &[
            ("societal_housed", r.societal_housed),
            ("societal_income", r.societal_income),
            ("societal_offence_free", r.societal_offence_free),
        ],
    );
    c.weights(
        t,
        &[
            ("hazard_personal", r.hazard_personal),
            ("hazard_social", r.hazard_social),
            ("hazard_societal", r.hazard_societal),
            ("hazard_victim", r.hazard_victim),
        ],
    );
    for (k, v) in [
        ("addiction_none", r.addiction_none),
        ("addiction_remission", r.addiction_remission),
        ("addiction_active", r.addiction_active),
        ("victim_not_offered", r.victim_not_offered),
        ("victim_declined", r.victim_declined),
        ("victim_ongoing", r.victim_ongoing),
        ("victim_completed", r.victim_completed),
        ("victim_failed", r.victim_failed),
    ] {
        c.probability(&format!("{t}.{k}"), v);
    }
    c.whole(&format!("{t}.offence_free_days"), r.offence_free_days, 0, 20_000);
}

fn check_costs(c: &mut Checker, raw: &RawScenario) {
    let k = &raw.costs;
    c.range("costs.discount_rate", k.discount_rate, 0.0, 0.5);
    for (key, v) in [
        ("prison_day", k.prison_day),
        ("police_per_arrest", k.police_per_arrest),
        ("court_per_conviction", k.court_per_conviction),
        ("probation_day", k.probation_day),
        ("benefit_day", k.benefit_day),
        ("case_manager_day", k.case_manager_day),
        ("veiligheidshuis_day", k.veiligheidshuis_day),
        ("restorative_case", k.restorative_case),
        ("child_contact_day", k.child_contact_day),
        ("victim_cost_per_offence", k.victim_cost_per_offence),
    ] {
        c.euros(&format!("costs.{key}"), v);
    }
}

/// Keys that only belong to some domains; used to reject a housing key on a debt service.
fn domain_specific_keys(s: &RawService) -> [(&'static str, bool, &'static [Domain]); 8] {
    use Domain::*;
    [
        ("remission_per_day", s.remission_per_day.is_some(), &[Addiction]),
        ("relapse_multiplier", s.relapse_multiplier.is_some(), &[Addiction]),
        ("success_probability", s.success_probability.is_some(), &[Debt]),
        ("provides", s.provides.is_some(), &[Housing]),
        ("move_on_probability", s.move_on_probability.is_some(), &[Housing]),
        ("climate", s.climate.is_some(), &[Housing]),
        ("placement_probability", s.placement_probability.is_some(), &[Work]),
        ("competence_gain_per_day", s.competence_gain_per_day.is_some(), &[Lvb]),
    ]
}

fn domain_name(d: Domain) -> &'static str {
    match d {
        Domain::Addiction => "addiction",
        Domain::Debt => "debt",
        Domain::Housing => "housing",
        Domain::Income => "income",
        Domain::Id => "id",
        Domain::Lvb => "lvb",
        Domain::Psychiatric => "psychiatric",
        Domain::Work => "work",
    }
}

const DOMAINS: &str = "addiction, debt, housing, income, id, lvb, psychiatric, work";

fn check_service(c: &mut Checker, name: &str, s: &RawService) -> Option<Service> {
    let key = |k: &str| format!("services.{name}.{k}");
    let Some(domain) = s.domain else {
        c.fail(&format!("services.{name}"), format!("service `{name}` has no domain"), DOMAINS);
        return None;
    };
    let before = c.problems.len();
    for (k, present, domains) in domain_specific_keys(s) {
        if present && !domains.contains(&domain) {
            let allowed: Vec<&str> = domains.iter().map(|d| domain_name(*d)).collect();
            c.fail(
                &key(k),
                format!("`{k}` does not apply to a {} service", domain_name(domain)),
                &format!("only on services with domain {}", allowed.join(", ")),
            );
        }
    }
    if let Some(cap) = s.capacity {
        c.whole(&key("capacity"), cap, 0, u32::MAX / 2);
    }
    let intake = s.intake_delay_days.unwrap_or(0);
    c.whole(&key("intake_delay_days"), intake, 0, 3_650);
    let median = s.duration_median_days.unwrap_or(0.0);
    let sigma = s.duration_sigma.unwrap_or(0.0);
    c.range(&key("duration_median_days"), median, 0.0, 20_000.0);
    c.range(&key("duration_sigma"), sigma, 0.0, 5.0);
    let dropout = s.dropout_per_day.unwrap_or(0.0);
    c.probability(&key("dropout_per_day"), dropout);
    let cost_per_day = s.cost_per_day.unwrap_or(0.0);
    let cost_per_intake = s.cost_per_intake.unwrap_or(0.0);
    c.euros(&key("cost_per_day"), cost_per_day);
    c.euros(&key("cost_per_intake"), cost_per_intake);
    let effect = build_effect(c, name, domain, s);
    if c.problems.len() > before {
        return None;
    }
    Some(Service {
        name: name.to_string(),
        label: s.label.clone().unwrap_or_else(|| name.replace('_', " ")),
        effect,
        capacity: s.capacity.map_or(Capacity::Unlimited, Capacity::Places),
        queue_rule: s.queue_rule.unwrap_or(QueueRule::FirstCome),
        intake_delay_days: intake,
        duration: if median <= 0.0 {
            Duration::Immediate
        } else {
            Duration::LogNormal { median_days: median, sigma }
        },
        dropout_per_day: dropout,
        prerequisites: Prerequisites::from_list(s.prerequisites.as_deref().unwrap_or(&[])),
        can_start_inside: s.can_start_inside.unwrap_or(false),
        cost_per_day,
        cost_per_intake,
        payer: s.payer.unwrap_or(default_payer(domain)),
    })
}

/// Who pays when a service does not say: the usual Dutch funder of that kind of care.
fn default_payer(domain: Domain) -> super::Payer {
    use super::Payer;
    match domain {
        Domain::Addiction | Domain::Lvb | Domain::Psychiatric => Payer::Health,
        _ => Payer::Municipality,
    }
}

fn build_effect(c: &mut Checker, name: &str, domain: Domain, s: &RawService) -> Effect {
    let key = |k: &str| format!("services.{name}.{k}");
    let prob = |c: &mut Checker, k: &str, v: Option<f64>, default: f64| {
        let v = v.unwrap_or(default);
        c.probability(&key(k), v);
        v
    };
    match domain {
        Domain::Addiction => {
            let remission_per_day = prob(c, "remission_per_day", s.remission_per_day, 0.0);
            let relapse_multiplier = s.relapse_multiplier.unwrap_or(1.0);
            c.range(&key("relapse_multiplier"), relapse_multiplier, 0.0, 10.0);
            Effect::Addiction { remission_per_day, relapse_multiplier }
        }
        Domain::Debt => Effect::Debt {
            success_probability: prob(c, "success_probability", s.success_probability, 0.0),
        },
        Domain::Housing => {
            let Some(provides) = s.provides else {
                c.fail(
                    &key("provides"),
                    format!("housing service `{name}` must say what it provides"),
                    "shelter, supported, own",
                );
                return Effect::Income;
            };
            let move_on = prob(c, "move_on_probability", s.move_on_probability, 0.0);
            let climate = check_climate(c, name, s.climate.unwrap_or_default());
            Effect::Housing { provides, move_on_probability: move_on, climate }
        }
        Domain::Income => Effect::Income,
        Domain::Id => Effect::Id,
        Domain::Lvb => Effect::Lvb {
            competence_gain_per_day: prob(
                c,
                "competence_gain_per_day",
                s.competence_gain_per_day,
                0.0,
            ),
        },
        Domain::Psychiatric => Effect::Psychiatric,
        Domain::Work => Effect::Work {
            placement_probability: prob(c, "placement_probability", s.placement_probability, 0.0),
        },
    }
}

fn check_climate(c: &mut Checker, name: &str, climate: RawClimate) -> Climate {
    for (k, v) in [
        ("support", climate.support),
        ("structure", climate.structure),
        ("coercion", climate.coercion),
    ] {
        c.probability(&format!("services.{name}.climate.{k}"), v);
    }
    Climate { support: climate.support, structure: climate.structure, coercion: climate.coercion }
}

fn resolve_release_housing(
    c: &mut Checker,
    raw: &RawScenario,
    services: &[Service],
) -> Option<usize> {
    let wanted = raw.regime.release_housing_service.as_str();
    if wanted.is_empty() {
        return None;
    }
    let found = services.iter().position(|s| s.name == wanted);
    match found {
        Some(i) if matches!(services[i].domain(), Domain::Housing) => Some(i),
        _ => {
            let housing: Vec<&str> = services
                .iter()
                .filter(|s| s.domain() == Domain::Housing)
                .map(|s| s.name.as_str())
                .collect();
            let allowed = if housing.is_empty() {
                "an empty string (no housing services are defined)".to_string()
            } else {
                format!("one of the housing services: {}", housing.join(", "))
            };
            c.fail(
                "regime.release_housing_service",
                format!("`{wanted}` is not a housing service of this scenario"),
                &allowed,
            );
            None
        }
    }
}

impl HousingKind {
    pub fn label(self) -> &'static str {
        match self {
            HousingKind::Shelter => "shelter",
            HousingKind::Supported => "supported housing",
            HousingKind::Own => "own home",
        }
    }
}
