//! Random scenarios for the property tests: small cohorts with every mechanism that can be
//! switched (capacities and queue rules, warm hand-over, services inside, case management,
//! care or justice logic, the Veiligheidshuis, waivers, a shelter's climate), shared by the
//! model's invariants (`tests/model.rs`) and the engines' agreement (`tests/engines.rs`).
#![allow(dead_code)] // not every test file uses every helper

use proptest::prelude::*;
use reentry::scenario::raw::{RawClimate, RawService};
use reentry::scenario::{Domain, HousingKind, Prerequisite, QueueRule, RawScenario, Scenario};

fn service(domain: Domain, capacity: Option<u32>, rule: QueueRule) -> RawService {
    RawService {
        domain: Some(domain),
        capacity,
        queue_rule: Some(rule),
        intake_delay_days: Some(7),
        duration_median_days: Some(if domain == Domain::Id { 0.0 } else { 60.0 }),
        duration_sigma: Some(0.5),
        dropout_per_day: Some(0.01),
        can_start_inside: Some(true),
        provides: (domain == Domain::Housing).then_some(HousingKind::Shelter),
        climate: (domain == Domain::Housing).then_some(RawClimate::default()),
        ..RawService::default()
    }
}

prop_compose! {
    pub fn random_scenario()(
        population in 20u32..150,
        horizon in 60u32..400,
        seed in any::<u64>(),
        capacity in proptest::option::of(0u32..20),
        rule in prop_oneof![Just(QueueRule::FirstCome), Just(QueueRule::HighestRisk), Just(QueueRule::MostProblems)],
        handover in 0.0f64..=1.0,
        inside in any::<bool>(),
        planning in 0u32..120,
        case_managers in 0u32..4,
        care_logic in any::<bool>(),
        vh in any::<bool>(),
        scale in 30.0f64..2000.0,
        waiver in 0.0f64..=1.0,
        integral_plan in any::<bool>(),
        climate in (0.0f64..=1.0, 0.0f64..=1.0, 0.0f64..=1.0),
    ) -> Scenario {
        let mut raw = RawScenario::default();
        raw.scenario.seed = seed;
        raw.scenario.horizon_days = horizon;
        raw.population.size = population;
        raw.regime.warm_handover = handover;
        raw.regime.services_start_inside = inside;
        raw.regime.planning_days_before_release = planning;
        raw.regime.case_manager.enabled = case_managers > 0;
        raw.regime.case_manager.managers = case_managers;
        raw.regime.case_manager.caseload = 3;
        raw.regime.case_manager.queue_rule = rule;
        raw.regime.probation.share = 0.5;
        raw.regime.probation.violation_per_day = 0.01;
        raw.regime.probation.response = if care_logic {
            reentry::scenario::ViolationResponse::Care
        } else {
            reentry::scenario::ViolationResponse::Revocation
        };
        raw.regime.veiligheidshuis.enabled = vh;
        raw.regime.veiligheidshuis.caseload = 2;
        raw.regime.veiligheidshuis.triage = rule;
        raw.hazards.reoffend_scale_days = scale;
        raw.regime.discretion.waiver = waiver;
        raw.regime.discretion.waivable = vec![Prerequisite::Id, Prerequisite::Address, Prerequisite::Income];
        raw.regime.case_manager.integral_plan = integral_plan;
        let (support, structure, coercion) = climate;
        let mut shelter = service(Domain::Housing, capacity, rule);
        shelter.climate = Some(RawClimate { support, structure, coercion });
        shelter.payer = Some(reentry::scenario::Payer::Municipality);
        raw.services.insert("a_id".into(), service(Domain::Id, None, QueueRule::FirstCome));
        raw.services.insert("b_addiction".into(), service(Domain::Addiction, capacity, rule));
        raw.services.insert("c_shelter".into(), shelter);
        let mut debt = service(Domain::Debt, capacity, QueueRule::FirstCome);
        debt.prerequisites = Some(vec![Prerequisite::Id, Prerequisite::Address, Prerequisite::Income]);
        debt.payer = Some(reentry::scenario::Payer::Municipality);
        raw.services.insert("d_debt".into(), debt);
        raw.regime.release_housing_service = "c_shelter".into();
        Scenario::from_raw(raw).expect("generated scenario is valid")
    }
}
