//! `reentry levers`: the decomposition of a practice into its levers, on cases with a known
//! answer.

mod common;

use common::{reentry, shipped};
use reentry::compare::align;
use reentry::levers::{Design, decompose, differing_levers, with_value};
use reentry::scenario::Scenario;

fn small(name: &str) -> Scenario {
    let sc = Scenario::load(&shipped(name)).unwrap();
    let mut raw = sc.resolved.clone();
    raw.population.size = 200;
    raw.scenario.replications = 3;
    Scenario::from_raw(raw).unwrap()
}

/// The baseline with one lever that works (warm handover) and one that cannot (case managers
/// of a regime without case management).
fn pair() -> (Scenario, Scenario) {
    let base = small("fragmented.toml");
    let mut raw = base.resolved.clone();
    raw.scenario.name = "two-levers".into();
    raw.regime.warm_handover = 0.9;
    raw.regime.case_manager.managers = 7;
    let alt = align(&base, Scenario::from_raw(raw).unwrap(), "alt").unwrap();
    (base, alt)
}

#[test]
fn the_levers_are_exactly_the_keys_that_differ() {
    let (base, alt) = pair();
    let levers = differing_levers(&base.resolved, &alt.resolved).unwrap();
    let keys: Vec<String> = levers.iter().map(|l| l.key()).collect();
    assert_eq!(keys, ["regime.case_manager.managers", "regime.warm_handover"], "names skipped");
    // A key set in one scenario only is one lever too, and can be set and removed.
    let w = Scenario::load(&shipped("fragmented.toml")).unwrap();
    let mut raw = w.resolved.clone();
    raw.services.get_mut("job_coaching").unwrap().capacity = Some(150);
    let levers = differing_levers(&w.resolved, &raw).unwrap();
    let cap = levers.iter().find(|l| l.key() == "services.job_coaching.capacity").unwrap();
    assert_eq!(cap.baseline, None);
    let set = with_value(&w.resolved, &cap.path, cap.alternative.as_ref()).unwrap();
    assert_eq!(set.resolved.services["job_coaching"].capacity, Some(150));
    let unset = with_value(&set.resolved, &cap.path, None).unwrap();
    assert_eq!(unset.resolved, w.resolved, "removing the key restores the scenario");
}

#[test]
fn a_lever_that_does_nothing_has_exactly_zero_effect_and_the_other_carries_it_all() {
    let (base, alt) = pair();
    let d = decompose(&base, &alt, 1).unwrap();
    for ind in ["reconviction_2y", "cost_societal"] {
        let all = d.effect(None, Design::All, ind).unwrap().clone();
        assert!(all.mean != 0.0, "{ind}: warm handover changes something");
        for design in [Design::Alone, Design::Last] {
            let dud = d.effect(Some("regime.case_manager.managers"), design, ind).unwrap();
            assert_eq!((dud.mean, dud.lo, dud.hi), (0.0, 0.0, 0.0), "{ind} {design:?}");
            // The only lever that works, alone or last, is the same runs as the whole pair.
            let real = d.effect(Some("regime.warm_handover"), design, ind).unwrap();
            assert_eq!(real, &all, "{ind} {design:?}");
        }
    }
}

#[test]
fn cli_levers_writes_the_table_and_the_csv() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("lv");
    let (base, alt) = (shipped("fragmented.toml"), shipped("shelter-climate.toml"));
    let args: Vec<&std::ffi::OsStr> = vec![
        "levers".as_ref(),
        base.as_ref(),
        alt.as_ref(),
        "--out".as_ref(),
        out.as_ref(),
        "--scale".as_ref(),
        "0.1".as_ref(),
        "--replications".as_ref(),
        "2".as_ref(),
    ];
    let run = reentry(dir.path(), args);
    assert!(run.success, "{}", run.stderr);
    assert!(run.stdout.contains("| **all levers** |"), "{}", run.stdout);
    let csv = std::fs::read_to_string(out.join("levers.csv")).unwrap();
    assert!(csv.starts_with(
        "baseline,alternative,lever,baseline_value,alternative_value,design,indicator,effect,\
         lo95,hi95,replications\n"
    ));
    // Shelter climate: six climate values (support, structure, coercion of two services).
    let alone = csv.lines().filter(|l| l.contains(",alone,reconviction_2y,")).count();
    assert_eq!(alone, 6, "{csv}");
    assert!(csv.contains("services.shelter.climate.support"), "{csv}");
    assert!(out.join("scenario-shelter-climate.toml").is_file());
}

#[test]
fn keys_that_only_work_together_become_one_lever() {
    // Case managers without case management (or the reverse) is not a valid scenario, so the
    // case-manager table is switched as one lever; the planning lever stays on its own.
    let base = small("twente.toml");
    let alt = small("huis-van-herstel.toml");
    let levers = reentry::levers::buildable_levers(&base.resolved, &alt.resolved).unwrap();
    let keys: Vec<String> = levers.iter().map(|l| l.key()).collect();
    assert!(keys.contains(&"regime.case_manager".to_string()), "{keys:?}");
    assert!(keys.contains(&"regime.planning_days_before_release".to_string()), "{keys:?}");
    assert!(!keys.iter().any(|k| k.starts_with("regime.case_manager.")), "{keys:?}");
    let cm = levers.iter().find(|l| l.key() == "regime.case_manager").unwrap();
    assert!(
        cm.members.contains(&"enabled".to_string()) && cm.members.contains(&"managers".to_string())
    );
    // Every lever, set alone on either side, is a valid scenario.
    for l in &levers {
        with_value(&base.resolved, &l.path, l.alternative.as_ref()).unwrap();
        with_value(&alt.resolved, &l.path, l.baseline.as_ref()).unwrap();
    }
}
