//! Model-level checks: an analytic case where theory gives the answer, invariants over random
//! scenarios, and the direction of through-care against fragmented care on the same citizens.

mod common;

use common::random::random_scenario;
use proptest::prelude::*;
use reentry::engine::World;
use reentry::experiments::{km, run_replications, summarise};
use reentry::outcomes::Event;
use reentry::population::NEVER;
use reentry::scenario::raw::{RawDelay, RawLogNormal};
use reentry::scenario::{Frailty, RawScenario, Scenario};
use std::path::Path;

fn shipped(name: &str, population: u32, replications: u32) -> Scenario {
    let sc = Scenario::load(&Path::new("scenarios").join(name)).expect("shipped scenario loads");
    let mut raw = sc.resolved.clone();
    raw.population.size = population;
    raw.scenario.replications = replications;
    Scenario::from_raw(raw).expect("still valid")
}

/// Every mechanism off but a constant reoffending hazard λ, every offence convicted, nobody
/// detained again: the reconviction curve must be 1 − exp(−λt).
fn constant_hazard_scenario(rate_per_day: f64, population: u32) -> Scenario {
    let mut raw = RawScenario::default();
    raw.scenario.horizon_days = 800;
    raw.population.size = population;
    raw.population.sentence_days.median = 10.0;
    raw.population.sentence_days.sigma = 0.0;
    let h = &mut raw.hazards;
    h.reoffend_shape = 1.0;
    h.reoffend_scale_days = 1.0 / rate_per_day;
    h.detection = 1.0;
    h.conviction = 1.0;
    h.custody = 0.0;
    h.frailty_variance = 0.0;
    for hr in [
        &mut h.hr_active_addiction,
        &mut h.hr_homeless,
        &mut h.hr_no_income,
        &mut h.hr_problematic_debt,
        &mut h.hr_lvb_unsupported,
        &mut h.hr_psychiatric_untreated,
        &mut h.hr_weak_network,
        &mut h.hr_per_decade_over_30,
        &mut h.hr_per_prior,
        &mut h.hr_case_manager,
        &mut h.hr_work,
        &mut h.hr_full_recovery,
        &mut h.hr_probation,
        &mut h.hr_veiligheidshuis,
        &mut h.hr_restorative_completed,
    ] {
        *hr = 1.0;
    }
    raw.regime.probation.share = 0.0;
    raw.regime.release_housing_service = String::new();
    Scenario::from_raw(raw).expect("valid")
}

#[test]
fn constant_hazard_gives_exponential_reconviction() {
    let rate = 1.0 / 365.0;
    let n = 20_000;
    let sc = constant_hazard_scenario(rate, n);
    let rep = World::new(&sc, 0).run();
    let curve = km(&rep, Event::Reconviction);
    for t in [30u32, 180, 365, 730] {
        let expected = 1.0 - (-rate * t as f64).exp();
        let got = curve.incidence_at(t);
        // Four binomial standard errors: fails only if the engine's hazard is wrong.
        let se = (expected * (1.0 - expected) / n as f64).sqrt();
        assert!(
            (got - expected).abs() < 4.0 * se,
            "day {t}: simulated {got:.4}, theory {expected:.4} (se {se:.4})"
        );
    }
}

/// The simulated incidence at each day against `theory`, within four binomial standard
/// errors of the theoretical value: fails only if the engine's hazard is wrong.
fn assert_incidence(sc: &Scenario, days: &[u32], theory: impl Fn(f64) -> f64) {
    let n = sc.population.size as f64;
    let rep = World::new(sc, 0).run();
    let curve = km(&rep, Event::Reconviction);
    for &t in days {
        let expected = theory(t as f64);
        let got = curve.incidence_at(t);
        let se = (expected * (1.0 - expected) / n).sqrt();
        assert!(
            (got - expected).abs() < 4.0 * se,
            "day {t}: simulated {got:.5}, theory {expected:.5} (se {se:.5})"
        );
    }
}

#[test]
fn weibull_incidence_matches_theory_from_the_first_day() {
    // H(t) = (t/λ)^k counted from the first day out: before the fix the table started one
    // day late (day 30: 0.181 simulated against 0.200).
    let mut raw = constant_hazard_scenario(1.0 / 365.0, 40_000).resolved.clone();
    raw.hazards.reoffend_shape = 0.6;
    let sc = Scenario::from_raw(raw).unwrap();
    assert_incidence(&sc, &[1, 7, 30, 365], |t| 1.0 - (-(t / 365.0).powf(0.6)).exp());
}

#[test]
fn weibull_shape_below_one_front_loads_reoffending() {
    let mut raw = constant_hazard_scenario(1.0 / 365.0, 5_000).resolved.clone();
    raw.hazards.reoffend_shape = 0.6;
    let sc = Scenario::from_raw(raw).unwrap();
    let rep = World::new(&sc, 0).run();
    let curve = km(&rep, Event::Reconviction);
    // With H(t) = (t/λ)^k and k < 1, the first month holds far more than 1/12 of year one.
    assert!(curve.incidence_at(30) > 0.2 * curve.incidence_at(365));
}

#[test]
fn gamma_frailty_gives_the_closed_form_population_curve() {
    // Time term off (shape 1), every other factor neutral: with gamma frailty of variance θ
    // the population survival is E[exp(−ZΛ(t))] = (1 + θΛ(t))^(−1/θ), Λ(t) = t/λ.
    for theta in [0.5, 2.0] {
        let mut raw = constant_hazard_scenario(1.0 / 365.0, 30_000).resolved.clone();
        raw.hazards.frailty = Frailty::Gamma;
        raw.hazards.frailty_variance = theta;
        let sc = Scenario::from_raw(raw).unwrap();
        assert_incidence(&sc, &[7, 30, 180, 365, 730], |t| {
            1.0 - (1.0 + theta * t / 365.0).powf(-1.0 / theta)
        });
    }
}

#[test]
fn lognormal_frailty_has_mean_one_and_front_loads_the_population_curve() {
    let mut raw = constant_hazard_scenario(1.0 / 365.0, 20_000).resolved.clone();
    raw.hazards.frailty = Frailty::LogNormal;
    raw.hazards.frailty_variance = 1.0;
    let sc = Scenario::from_raw(raw).unwrap();
    let w = World::new(&sc, 0);
    let z: Vec<f64> = w.citizens.iter().map(|c| (c.traits.ln_frailty as f64).exp()).collect();
    let mean = z.iter().sum::<f64>() / z.len() as f64;
    // The variance is 1, so the mean of 20,000 draws has a standard error of 0.007.
    assert!((mean - 1.0).abs() < 4.0 * (1.0f64 / 20_000.0).sqrt(), "mean frailty {mean}");
    // Frailty with mean 1 lowers the population's incidence below the plain hazard's (Jensen).
    let curve = km(&w.run(), Event::Reconviction);
    assert!(curve.incidence_at(730) < 1.0 - (-2.0f64).exp() - 0.03);
}

#[test]
fn frailty_spread_zero_gives_the_plain_hazard() {
    for kind in [Frailty::Gamma, Frailty::LogNormal] {
        let mut raw = constant_hazard_scenario(1.0 / 365.0, 20_000).resolved.clone();
        raw.hazards.frailty = kind;
        raw.hazards.frailty_variance = 0.0;
        let sc = Scenario::from_raw(raw).unwrap();
        assert!(World::new(&sc, 0).citizens.iter().all(|c| c.traits.ln_frailty == 0.0));
        assert_incidence(&sc, &[30, 365, 730], |t| 1.0 - (-t / 365.0).exp());
    }
}

/// Every offence detected and convicted, custody for all, fixed delays.
fn justice_scenario(arrest: f64, conviction: f64, custody: f64) -> Scenario {
    let mut raw = constant_hazard_scenario(1.0 / 200.0, 3_000).resolved.clone();
    raw.hazards.custody = 1.0;
    raw.hazards.new_sentence_days = RawLogNormal { median: 20.0, sigma: 0.0, max: 20.0 };
    for (delay, days) in [
        (&mut raw.hazards.arrest_delay_days, arrest),
        (&mut raw.hazards.conviction_delay_days, conviction),
        (&mut raw.hazards.custody_delay_days, custody),
    ] {
        *delay = RawDelay { median: days, sigma: 0.0, max: days };
    }
    Scenario::from_raw(raw).unwrap()
}

#[test]
fn without_delays_offence_arrest_conviction_and_detention_fall_on_one_day() {
    let sc = justice_scenario(0.0, 0.0, 0.0);
    let mut w = World::new(&sc, 0);
    while (w.day as u32) < sc.meta.horizon_days {
        w.step();
        // Nothing is ever left waiting in the justice system overnight.
        assert!(w.cases.is_empty(), "day {}: {} open cases", w.day, w.cases.len());
    }
    let reconvicted: Vec<_> =
        w.citizens.iter().filter(|c| c.firsts.reconviction != NEVER).collect();
    assert!(reconvicted.len() > 1_000);
    for c in reconvicted {
        assert_eq!(c.firsts.rearrest, c.firsts.reconviction);
        assert_eq!(c.firsts.redetention, c.firsts.reconviction);
        assert_eq!(c.counters.offences, c.counters.arrests);
    }
}

#[test]
fn delays_separate_the_steps_and_reconviction_is_dated_by_the_offence() {
    let sc = justice_scenario(30.0, 70.0, 10.0);
    let rep_world = World::new(&sc, 0);
    let horizon = sc.meta.horizon_days as u16;
    let mut w = rep_world;
    while (w.day as u32) < sc.meta.horizon_days {
        w.step();
    }
    let mut checked = 0;
    for c in &w.citizens {
        let o = c.firsts.reconviction;
        if o == NEVER || o as u32 + 110 >= horizon as u32 {
            continue;
        }
        assert_eq!(c.firsts.rearrest, o + 30, "arrest 30 days after the offence");
        assert_eq!(c.firsts.redetention, o + 110, "custody 30 + 70 + 10 days after it");
        checked += 1;
    }
    assert!(checked > 1_000, "{checked}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// The event engine keeps the same books: at every month end (when everyone is up to
    /// date) no citizen is lost or duplicated and places and waiting lists agree with the
    /// episodes; no candidate day's chances ever exceed their bound and no caught-up stretch
    /// runs past its window, whatever the scenario.
    #[test]
    fn the_event_engine_keeps_the_books_and_its_bounds(sc in random_scenario()) {
        let mut raw = sc.resolved.clone();
        raw.scenario.engine = reentry::scenario::raw::Engine::Events;
        let sc = Scenario::from_raw(raw).expect("valid");
        let mut world = World::new(&sc, 0);
        let n = world.citizens.len();
        while (world.day as u32) < sc.meta.horizon_days {
            let d = world.day as usize;
            world.advance();
            prop_assert_eq!(world.citizens.len(), n);
            if world.t.month_end[d]
                && let Err(e) = world.check_invariants()
            {
                prop_assert!(false, "day {}: {}", d, e);
            }
        }
        let (_, _, broken) = world.event_counts().expect("an event run");
        prop_assert_eq!(broken, 0, "a window did not hold");
    }

    /// No citizen is lost or duplicated: one place each, every day; places and waiting lists
    /// agree with the episodes.
    #[test]
    fn bookkeeping_holds_every_day(sc in random_scenario()) {
        let mut world = World::new(&sc, 0);
        let n = world.citizens.len();
        for _ in 0..sc.meta.horizon_days {
            world.step();
            prop_assert_eq!(world.citizens.len(), n);
            if let Err(e) = world.check_invariants() {
                prop_assert!(false, "day {}: {}", world.day, e);
            }
        }
        let rep = world.finish();
        // Costs add up: the yearly payer totals sum to the ledger's grand total.
        let total: f64 = rep.ledger.by_payer_year.iter().sum();
        let by_payer: f64 = reentry::costs::PAYERS.iter().map(|p| rep.ledger.payer_total(*p)).sum();
        prop_assert!((total - by_payer).abs() <= 1e-6 * total.abs().max(1.0));
        // Survival curves are monotone.
        for event in reentry::outcomes::EVENTS {
            let curve = km(&rep, event);
            prop_assert!(curve.survival.windows(2).all(|w| w[1] <= w[0] + 1e-12));
        }
    }
}

#[test]
fn through_care_closes_the_income_gap_and_shortens_waits() {
    let frag = shipped("fragmented.toml", 1_000, 4);
    let thru = shipped("through-care.toml", 1_000, 4);
    let a = summarise(&frag, &run_replications(&frag, 4));
    let b = summarise(&thru, &run_replications(&thru, 4));
    let value = |s: &reentry::experiments::Summary, k: &str| s.get(k).unwrap().mean;
    assert!(
        value(&b, "days_without_income") < 0.7 * value(&a, "days_without_income"),
        "income gap: through-care {} vs fragmented {}",
        value(&b, "days_without_income"),
        value(&a, "days_without_income")
    );
    for service in ["benefit", "id_papers", "addiction_care"] {
        let key = format!("wait_{service}");
        assert!(
            value(&b, &key) < value(&a, &key),
            "{key}: through-care {} vs fragmented {}",
            value(&b, &key),
            value(&a, &key)
        );
    }
    // Through-care should lower reconviction, but modestly (FIGURES.md: a few percent).
    let (r_a, r_b) = (value(&a, "reconviction_2y"), value(&b, "reconviction_2y"));
    assert!(r_b < r_a && r_b > 0.7 * r_a, "reconviction 2y {r_b} vs {r_a}");
}

#[test]
fn same_seed_same_citizens_across_regimes() {
    let frag = shipped("fragmented.toml", 300, 1);
    let thru = shipped("through-care.toml", 300, 1);
    let a = reentry::population::synthesize(&frag, 0);
    let b = reentry::population::synthesize(&thru, 0);
    assert_eq!(
        a.iter().map(|c| c.traits).collect::<Vec<_>>(),
        b.iter().map(|c| c.traits).collect::<Vec<_>>()
    );
}

#[test]
fn problems_cluster_as_configured() {
    let sc = shipped("fragmented.toml", 20_000, 1);
    let people = reentry::population::synthesize(&sc, 0);
    let n = people.len() as f64;
    let addicted = people.iter().filter(|c| c.traits.addicted_at_intake()).count() as f64 / n;
    let lvb = people.iter().filter(|c| c.traits.lvb()).count() as f64 / n;
    let both = people.iter().filter(|c| c.traits.addicted_at_intake() && c.traits.lvb()).count()
        as f64
        / n;
    let p = &sc.population.prevalence;
    assert!((addicted - p.addiction).abs() < 0.015, "addiction {addicted}");
    assert!((lvb - p.lvb).abs() < 0.015, "lvb {lvb}");
    // Positive correlation: together more often than independent draws would give.
    assert!(both > 1.15 * addicted * lvb, "both {both} vs independent {}", addicted * lvb);
}

/// The shipped scenarios at full size, checked every day: rare paths (referred, withdrawn and
/// referred again on one day) only show up in large cohorts. This caught a citizen holding
/// two live tickets for one wait in supported housing.
#[test]
fn bookkeeping_holds_every_day_in_the_shipped_scenarios() {
    for name in
        ["fragmented.toml", "through-care.toml", "huis-van-herstel.toml", "veiligheidshuis.toml"]
    {
        let sc = Scenario::load(&Path::new("scenarios").join(name)).expect("shipped scenario");
        let replications = if name == "huis-van-herstel.toml" { 4 } else { 1 };
        for r in 0..replications {
            let mut world = World::new(&sc, r);
            while (world.day as u32) < sc.meta.horizon_days {
                world.step();
                if let Err(e) = world.check_invariants() {
                    panic!("{name} replication {r} day {}: {e}", world.day);
                }
            }
        }
    }
}

/// Days in "after waiting N days" / "granted after N days" of a trace line, if it is one.
fn waited_days_in(text: &str) -> Option<u64> {
    let rest =
        text.split_once(" after waiting ").or_else(|| text.split_once(": granted after "))?.1;
    rest.strip_suffix(" days")?.parse().ok()
}

#[test]
fn trace_and_services_count_the_same_waits() {
    // Failed before the fix: trace counted waits from the referral (often inside, before
    // release) while services.csv counted them from release at the earliest.
    // A story follows its person with the daily engine, so the run it is held to does too.
    let mut raw = shipped("through-care.toml", 40, 1).resolved;
    raw.scenario.engine = reentry::scenario::raw::Engine::Daily;
    let sc = Scenario::from_raw(raw).expect("valid");
    let rep = &run_replications(&sc, 1)[0];
    let labels: Vec<String> = sc
        .services
        .iter()
        .map(|s| s.label.clone())
        .chain(["case manager".into(), "Veiligheidshuis coordination".into()])
        .collect();
    let mut traced = vec![0u64; labels.len()];
    for c in 0..sc.population.size {
        let story = reentry::trace::trace(&sc, 0, c, 0).unwrap();
        for e in &story.events {
            let Some(days) = waited_days_in(&e.text) else { continue };
            let p = labels.iter().position(|l| e.text.contains(l.as_str())).unwrap();
            traced[p] += days;
        }
    }
    let counted: Vec<u64> = rep.programmes.iter().map(|p| p.wait_days_total).collect();
    assert!(counted.iter().sum::<u64>() > 0, "some waits to compare");
    assert_eq!(traced, counted, "per programme: {labels:?}");
}

#[test]
fn every_wait_is_counted_once_started_or_censored() {
    let sc = shipped("fragmented.toml", 300, 2);
    for rep in run_replications(&sc, 2) {
        for (p, (st, waits)) in rep.programmes.iter().zip(&rep.waits).enumerate() {
            let started: u64 = waits.started.iter().map(|&x| u64::from(x)).sum();
            assert_eq!(started, st.starts, "programme {p}: every start is a finished wait");
            // Every referral is a wait that either started or ended otherwise.
            assert_eq!(waits.spells(), st.referrals, "programme {p}");
            let total: u64 =
                waits.started.iter().enumerate().map(|(t, &n)| t as u64 * u64::from(n)).sum();
            assert_eq!(total, st.wait_days_total, "programme {p}: the same wait lengths");
        }
    }
}

#[test]
fn a_walk_in_service_with_room_for_everyone_has_no_queue() {
    // Failed before the fix: the longest list was counted before the day's admissions, so
    // those referred and admitted on the same day counted as a queue.
    let sc = shipped("fragmented.toml", 300, 2);
    let mut raw = sc.resolved.clone();
    let debt = raw.services.get_mut("debt_help").unwrap();
    debt.capacity = Some(300);
    debt.intake_delay_days = Some(0);
    debt.can_start_inside = Some(true);
    debt.prerequisites = Some(vec![]);
    raw.regime.services_start_inside = true;
    // Coordinators refer on the day they start, after the other lists' admissions: those
    // referrals rightly wait a night, so coordination is off here.
    raw.regime.case_manager.enabled = false;
    raw.regime.veiligheidshuis.enabled = false;
    let sc = Scenario::from_raw(raw).unwrap();
    let s = summarise(&sc, &run_replications(&sc, 2));
    assert!(s.get("starts_debt_help").unwrap().mean > 0.1, "the service is used");
    assert_eq!(s.get("max_queue_debt_help").unwrap().mean, 0.0);
    assert_eq!(s.get("wait_debt_help").unwrap().mean, 0.0);
    assert_eq!(s.get("never_started_debt_help").unwrap().mean, 0.0, "nobody is turned away");
    assert_eq!(s.get("median_days_to_start_debt_help").unwrap().mean, 0.0);
}
