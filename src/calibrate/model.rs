//! The model as calibration sees it: parameter values in, named outputs out.
//!
//! A particle's scenario is the base scenario with the prior paths overridden (checked exactly
//! like `--set`), optionally scaled down to a smaller region (fewer citizens and
//! proportionally fewer places, so waiting per place is unchanged) and cut to the horizon the
//! targets look at. Every particle keeps the base scenario's seed: all particles meet the same
//! citizens with the same luck (common random numbers), so two particles differ only through
//! their parameters.
//!
//! Outputs are found by name: any indicator of `summary.csv` (see
//! [`crate::experiments::indicators`]), a reconviction-type share at any follow-up day
//! (`reconviction_at_900d`), or one of the [`DERIVED`] shares that follow each citizen through
//! the first six months after release.

use crate::engine::World;
use crate::experiments::{YEARS, indicators, survival_by_day};
use crate::outcomes::{EVENTS, Event};
use crate::population::{Housing, Income, NEVER, Place};
use crate::scenario::{Override, RawScenario, Scenario, Sources, validate};
use crate::uncertainty::Priors;

/// Days after release at which the six-month shares are taken (Monitor nazorg: six months).
pub const SIX_MONTHS: u32 = 182;

/// Outputs computed here, following every citizen through the first six months after release.
pub const DERIVED: [(&str, &str); 3] = [
    (
        "ever_homeless_to_6m",
        "share homeless at intake, or on any day in the community in the 182 days after first release",
    ),
    (
        "homeless_6m",
        "share homeless 182 days after first release, of those in the community that day",
    ),
    (
        "without_income_6m",
        "share without income 182 days after first release, of those in the community that day",
    ),
];

/// Where an output's value comes from.
#[derive(Debug, Clone, PartialEq)]
enum Source {
    /// An indicator of the summary, by name.
    Indicator(String),
    /// The Kaplan–Meier incidence of an event at a follow-up day.
    Incidence(Event, u32),
    Derived(usize),
}

impl Source {
    fn of(name: &str) -> Source {
        if let Some(k) = DERIVED.iter().position(|(n, _)| *n == name) {
            return Source::Derived(k);
        }
        for event in EVENTS {
            let prefix = format!("{}_", event.name());
            let Some(rest) = name.strip_prefix(&prefix) else { continue };
            if let Some((day, _)) = YEARS.iter().find(|(_, tag)| *tag == rest) {
                return Source::Incidence(event, *day);
            }
            if let Some(days) = rest.strip_prefix("at_").and_then(|d| d.strip_suffix('d'))
                && let Ok(day) = days.parse::<u32>()
            {
                return Source::Incidence(event, day);
            }
        }
        Source::Indicator(name.to_string())
    }

    /// The last simulated day this output needs, if it needs only the first days.
    fn days_needed(&self) -> Option<u32> {
        match self {
            Source::Indicator(_) => None,
            Source::Incidence(_, day) => Some(*day),
            Source::Derived(_) => Some(SIX_MONTHS),
        }
    }
}

/// Simulated days beyond the latest follow-up day a target looks at: most of the cohort is
/// released within its first two years, and Kaplan–Meier treats the few released later as
/// censored. The estimate is then the same quantity as with the full horizon, not the same
/// number: a test bounds the difference.
pub const FOLLOW_UP_MARGIN: u32 = 730;

/// The base scenario, the parameters being calibrated and the outputs wanted.
#[derive(Debug, Clone)]
pub struct Model {
    sources: Sources,
    fixed: Vec<Override>,
    pub priors: Priors,
    pub outputs: Vec<String>,
    sources_of: Vec<Source>,
    pub replications: u32,
    /// The horizon particles are simulated to.
    pub horizon: u32,
    pub base: Scenario,
}

impl Model {
    /// Reads the base scenario (with `fixed` overrides) and checks that every output exists.
    pub fn new(
        scenario: &std::path::Path,
        fixed: &[Override],
        priors: Priors,
        outputs: Vec<String>,
        replications: u32,
    ) -> Result<Model, String> {
        let sources = Sources::read(scenario).map_err(|e| e.to_string())?;
        sources.check_each_file::<RawScenario>().map_err(|e| e.to_string())?;
        let base = Scenario::from_sources(&sources, fixed).map_err(|e| e.to_string())?;
        let sources_of: Vec<Source> = outputs.iter().map(|o| Source::of(o)).collect();
        let needed = sources_of.iter().map(Source::days_needed).collect::<Option<Vec<u32>>>();
        let horizon = match needed {
            Some(days) => {
                let last = days.into_iter().max().unwrap_or(0);
                (last + FOLLOW_UP_MARGIN).min(base.meta.horizon_days)
            }
            None => base.meta.horizon_days,
        };
        for s in &sources_of {
            if let Some(day) = s.days_needed()
                && day > base.meta.horizon_days
            {
                return Err(format!(
                    "a target looks at day {day} after release, beyond the scenario's horizon of {} days",
                    base.meta.horizon_days
                ));
            }
        }
        let model = Model {
            sources,
            fixed: fixed.to_vec(),
            priors,
            outputs,
            sources_of,
            replications: replications.max(1),
            horizon,
            base,
        };
        model.check_outputs()?;
        Ok(model)
    }

    /// Refuses unknown output names before any real work, listing the names there are.
    fn check_outputs(&self) -> Result<(), String> {
        let mut raw = self.base.resolved.clone();
        raw.population.size = raw.population.size.min(20);
        let sc = Scenario::from_raw(raw).map_err(|e| e.to_string())?;
        let result = World::new(&sc, 0).run();
        let names: Vec<String> = indicators(&sc, &result).into_iter().map(|i| i.name).collect();
        for (name, source) in self.outputs.iter().zip(&self.sources_of) {
            if let Source::Indicator(n) = source
                && !names.contains(n)
            {
                let derived: Vec<&str> = DERIVED.iter().map(|(n, _)| *n).collect();
                return Err(format!(
                    "no model output is called `{name}`; outputs: {}, {}, or EVENT_at_NNNd (e.g. reconviction_at_900d)",
                    names.join(", "),
                    derived.join(", ")
                ));
            }
        }
        Ok(())
    }

    /// The scenario of one particle, on a region scaled by `scale` (1 = as written).
    pub fn scenario(&self, values: &[f64], scale: f64, origin: &str) -> Result<Scenario, String> {
        let mut sources = self.sources.clone();
        let mut overrides = self.fixed.clone();
        overrides.extend(self.priors.overrides(values, origin));
        sources.apply_overrides(&overrides).map_err(|e| e.to_string())?;
        let mut raw: RawScenario = sources.deserialize_merged().map_err(|e| e.to_string())?;
        if scale != 1.0 {
            raw.scale(scale);
        }
        raw.scenario.horizon_days = self.horizon;
        validate::validate(raw, &sources).map_err(|e| e.to_string())
    }

    /// The outputs of replication `r` of a particle's scenario, in [`Model::outputs`] order.
    pub fn simulate(&self, sc: &Scenario, r: u32) -> Vec<f64> {
        let mut world = World::new(sc, r);
        let mut six = SixMonths::new(&world);
        let observe = self.sources_of.iter().any(|s| matches!(s, Source::Derived(_)));
        while (world.day as u32) < sc.meta.horizon_days {
            // `SixMonths` reads only what an event changes (release, place, housing, income),
            // which is today's for everyone under either engine (see `World::advance`).
            world.advance();
            if observe {
                six.observe(&world);
            }
        }
        let result = world.finish();
        let mut named: Option<Vec<crate::experiments::Indicator>> = None;
        self.sources_of
            .iter()
            .map(|s| match s {
                Source::Derived(k) => six.share(*k),
                Source::Incidence(event, day) => {
                    survival_by_day(&result, *event).incidence_at(*day)
                }
                Source::Indicator(name) => named
                    .get_or_insert_with(|| indicators(sc, &result))
                    .iter()
                    .find(|i| &i.name == name)
                    .map_or(f64::NAN, |i| i.value),
            })
            .collect()
    }
}

/// Per-citizen states in the first six months after release.
struct SixMonths {
    ever_homeless: Vec<bool>,
    released: u32,
    at_six: u32,
    homeless_at_six: u32,
    no_income_at_six: u32,
}

impl SixMonths {
    fn new(world: &World) -> SixMonths {
        SixMonths {
            ever_homeless: world.citizens.iter().map(|c| c.housing == Housing::Homeless).collect(),
            released: 0,
            at_six: 0,
            homeless_at_six: 0,
            no_income_at_six: 0,
        }
    }

    /// Looks at everyone after the day just simulated.
    fn observe(&mut self, world: &World) {
        let Some(day) = (world.day as u32).checked_sub(1) else { return };
        for (i, c) in world.citizens.iter().enumerate() {
            let release = c.firsts.release;
            if release == NEVER || day < release as u32 {
                continue;
            }
            let since = day - release as u32;
            if since == 0 {
                self.released += 1;
            }
            if since > SIX_MONTHS || c.place != Place::Community {
                continue;
            }
            if c.housing == Housing::Homeless {
                self.ever_homeless[i] = true;
            }
            if since == SIX_MONTHS {
                self.at_six += 1;
                self.homeless_at_six += (c.housing == Housing::Homeless) as u32;
                self.no_income_at_six += (c.income == Income::None) as u32;
            }
        }
    }

    fn share(&self, k: usize) -> f64 {
        let ratio = |x: u32, of: u32| if of > 0 { x as f64 / of as f64 } else { f64::NAN };
        match k {
            0 => {
                let n = self.ever_homeless.len() as u32;
                ratio(self.ever_homeless.iter().filter(|h| **h).count() as u32, n)
            }
            1 => ratio(self.homeless_at_six, self.at_six),
            _ => ratio(self.no_income_at_six, self.at_six),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    const FRAGMENTED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/fragmented.toml");

    fn priors() -> Priors {
        Priors::parse(
            Path::new("p.toml"),
            "[[prior]]\npath = \"hazards.reoffend_scale_days\"\ndistribution = \"uniform\"\nlow = 300\nhigh = 1200\nsource = \"x\"\n",
        )
        .unwrap()
    }

    #[test]
    fn names_map_to_outputs_and_unknown_names_are_refused() {
        assert_eq!(Source::of("reconviction_2y"), Source::Incidence(Event::Reconviction, 730));
        assert_eq!(Source::of("redetention_at_900d"), Source::Incidence(Event::Redetention, 900));
        assert_eq!(Source::of("homeless_6m"), Source::Derived(1));
        assert_eq!(Source::of("days_homeless"), Source::Indicator("days_homeless".into()));
        let e = Model::new(Path::new(FRAGMENTED), &[], priors(), vec!["reconvictoin_2y".into()], 1)
            .unwrap_err();
        assert!(e.contains("no model output is called `reconvictoin_2y`"), "{e}");
        assert!(e.contains("reconviction_2y") && e.contains("ever_homeless_to_6m"), "{e}");
    }

    #[test]
    fn a_shorter_horizon_leaves_early_outputs_nearly_unchanged() {
        // Outputs that look at the first two years only are simulated to 2 years + a margin.
        // The engine's days do not depend on how long the run goes on afterwards; only the
        // few released late are censored earlier, which moves the Kaplan–Meier estimate a
        // little (within its own noise), not systematically.
        let outputs = vec!["reconviction_2y".to_string(), "ever_homeless_to_6m".to_string()];
        let model = Model::new(Path::new(FRAGMENTED), &[], priors(), outputs.clone(), 1).unwrap();
        assert_eq!(model.horizon, 730 + FOLLOW_UP_MARGIN);
        let short = model.scenario(&[650.0], 0.25, "test").unwrap();
        let mut full = model.clone();
        full.horizon = model.base.meta.horizon_days;
        let long = full.scenario(&[650.0], 0.25, "test").unwrap();
        assert_eq!(short.population.size, 500);
        let (a, b) = (model.simulate(&short, 0), full.simulate(&long, 0));
        assert!((a[0] - b[0]).abs() < 0.01, "{a:?} vs {b:?}");
        assert_eq!(a[1], b[1], "the six-month share is complete within the margin");
    }

    #[test]
    fn outputs_follow_their_parameters() {
        // A longer scale of the reoffending clock means fewer reconvictions within 2 years.
        let model = Model::new(
            Path::new(FRAGMENTED),
            &[],
            priors(),
            vec!["reconviction_2y".into(), "homeless_6m".into()],
            1,
        )
        .unwrap();
        let fast = model.simulate(&model.scenario(&[350.0], 0.25, "t").unwrap(), 0);
        let slow = model.simulate(&model.scenario(&[1100.0], 0.25, "t").unwrap(), 0);
        assert!(fast[0] > slow[0] + 0.1, "{fast:?} vs {slow:?}");
        assert!((0.0..=1.0).contains(&fast[1]), "{fast:?}");
    }
}
