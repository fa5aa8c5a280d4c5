//! Every shipped parameter says where it comes from, and the built-in defaults are the
//! documented baseline.

use reentry::output::provenance::{needs_source, read_sources};
use reentry::scenario::{RawScenario, Scenario};
use std::path::Path;

#[test]
fn every_shipped_value_has_a_source_or_says_assumption() {
    let mut missing = Vec::new();
    for entry in std::fs::read_dir("scenarios").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for s in read_sources(&text) {
            if needs_source(&s.key) && s.source.is_empty() {
                missing.push(format!("{}:{} {}", path.display(), s.line, s.key));
            }
        }
    }
    assert!(missing.is_empty(), "values without a source comment:\n{}", missing.join("\n"));
}

#[test]
fn built_in_defaults_equal_the_fragmented_baseline() {
    let sc = Scenario::load(Path::new("scenarios/fragmented.toml")).unwrap();
    let d = RawScenario::default();
    let r = &sc.resolved;
    assert_eq!(d.population, r.population, "population defaults differ from fragmented.toml");
    assert_eq!(d.hazards, r.hazards, "hazard defaults differ from fragmented.toml");
    assert_eq!(d.costs, r.costs, "cost defaults differ from fragmented.toml");
    let mut regime = r.regime.clone();
    regime.name = d.regime.name.clone();
    // Services are defined by scenarios, not built in, so the default names none.
    regime.release_housing_service = d.regime.release_housing_service.clone();
    assert_eq!(d.regime, regime, "regime defaults differ from fragmented.toml");
}
