//! Scenario files: the raw TOML schema ([`raw`]), reading with `extends` and diagnostics
//! ([`source`]), and validation ([`validate`]) into a checked [`Scenario`] before any simulation
//! work starts. Nothing downstream ever sees an unchecked value.

pub mod overrides;
pub mod raw;
pub mod source;
pub mod validate;

pub use overrides::Override;
pub use raw::{
    Domain, Eligibility, Frailty, HousingKind, Payer, Prerequisite, QueueRule, RawCosts,
    RawHazards, RawPopulation, RawRegime, RawScenario, ViolationResponse,
};
pub use source::{Diagnostic, ScenarioError, Sources};

use std::path::{Path, PathBuf};

/// Concurrent places of a service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Capacity {
    Unlimited,
    Places(u32),
}

/// What a service does to the person's state; each domain has its own parameters, so a debt
/// service cannot carry a housing effect.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Effect {
    Addiction { remission_per_day: f64, relapse_multiplier: f64 },
    Debt { success_probability: f64 },
    Housing { provides: HousingKind, move_on_probability: f64, climate: Climate },
    Income,
    Id,
    Lvb { competence_gain_per_day: f64 },
    Psychiatric,
    Work { placement_probability: f64 },
}

impl Effect {
    pub fn domain(&self) -> Domain {
        match self {
            Effect::Addiction { .. } => Domain::Addiction,
            Effect::Debt { .. } => Domain::Debt,
            Effect::Housing { .. } => Domain::Housing,
            Effect::Income => Domain::Income,
            Effect::Id => Domain::Id,
            Effect::Lvb { .. } => Domain::Lvb,
            Effect::Psychiatric => Domain::Psychiatric,
            Effect::Work { .. } => Domain::Work,
        }
    }
}

/// The living climate of a shelter or supported-housing facility (seed 002).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Climate {
    pub support: f64,
    pub structure: f64,
    pub coercion: f64,
}

/// How long an episode lasts once started.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Duration {
    /// The effect happens on the start day (ID papers, a benefit decision, a home).
    Immediate,
    LogNormal {
        median_days: f64,
        sigma: f64,
    },
}

/// A set of prerequisites as bits, so checking them in the daily loop is one AND.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Prerequisites(pub u8);

impl Prerequisites {
    pub const ID: u8 = 1;
    pub const ADDRESS: u8 = 2;
    pub const INCOME: u8 = 4;
    pub const INDICATION: u8 = 8;

    pub fn from_list(list: &[Prerequisite]) -> Self {
        Self(list.iter().fold(0, |bits, p| bits | Self::bit(*p)))
    }

    pub fn bit(p: Prerequisite) -> u8 {
        match p {
            Prerequisite::Id => Self::ID,
            Prerequisite::Address => Self::ADDRESS,
            Prerequisite::Income => Self::INCOME,
            Prerequisite::Indication => Self::INDICATION,
        }
    }

    pub fn met_by(self, have: u8) -> bool {
        self.0 & !have == 0
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    pub name: String,
    pub label: String,
    pub effect: Effect,
    pub capacity: Capacity,
    pub queue_rule: QueueRule,
    pub intake_delay_days: u32,
    pub duration: Duration,
    pub dropout_per_day: f64,
    pub prerequisites: Prerequisites,
    pub can_start_inside: bool,
    pub cost_per_day: f64,
    pub cost_per_intake: f64,
    pub payer: Payer,
}

impl Service {
    pub fn domain(&self) -> Domain {
        self.effect.domain()
    }

    pub fn housing_kind(&self) -> Option<HousingKind> {
        match self.effect {
            Effect::Housing { provides, .. } => Some(provides),
            _ => None,
        }
    }

    /// The living climate of a housing service (that of [`Climate::default`] otherwise).
    pub fn climate(&self) -> Climate {
        match self.effect {
            Effect::Housing { climate, .. } => climate,
            _ => Climate::default(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Meta {
    pub name: String,
    pub description: String,
    pub seed: u64,
    pub horizon_days: u32,
    pub replications: u32,
    pub engine: raw::Engine,
}

/// A scenario that passed every check: the only form the engine accepts.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    pub meta: Meta,
    pub population: RawPopulation,
    pub regime: RawRegime,
    /// Index into `services` of the housing service used for housing arranged on release day.
    pub release_housing_service: Option<usize>,
    pub hazards: RawHazards,
    pub costs: RawCosts,
    pub services: Vec<Service>,
    /// The fully merged, validated input, written next to results for reproducibility.
    pub resolved: RawScenario,
    /// The files this scenario was read from, base first.
    pub files: Vec<PathBuf>,
    /// Set when the command line changed the cohort but not the capacities (see
    /// [`Adjustments`]): said on the terminal and in the report, since the answer depends on
    /// how many citizens share a place.
    pub cohort_note: Option<String>,
}

impl Scenario {
    /// Reads, merges and validates a scenario file and everything it extends.
    pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
        Scenario::load_with(path, &[])
    }

    /// Like [`Scenario::load`], with dotted-path overrides applied to the merged files before
    /// any check, so they are checked exactly like values written in a file.
    pub fn load_with(path: &Path, overrides: &[Override]) -> Result<Scenario, ScenarioError> {
        let sources = Sources::read(path)?;
        let (repaired, mut problems) = sources.check_and_repair::<RawScenario>();
        if problems.is_empty() {
            return Scenario::from_sources(&sources, overrides);
        }
        // Report the range problems of the keys that were fine too, all in one go.
        if let Err(more) = Scenario::from_sources(&repaired, overrides) {
            problems.extend(more.diagnostics().into_iter().cloned());
        }
        source::sort_in_file_order(&mut problems);
        Err(ScenarioError::from_diagnostics(problems))
    }

    /// Checks already-read files (each checked alone by the caller) with `overrides` applied;
    /// a sweep reads its base scenario once and calls this per design point.
    pub fn from_sources(
        sources: &Sources,
        overrides: &[Override],
    ) -> Result<Scenario, ScenarioError> {
        let mut sources = sources.clone();
        sources.apply_overrides(overrides)?;
        let raw: RawScenario = sources.deserialize_merged()?;
        validate::validate(raw, &sources)
    }

    /// Validates a scenario built in code (tests, sweeps); errors carry keys but no file.
    pub fn from_raw(raw: RawScenario) -> Result<Scenario, ScenarioError> {
        validate::validate(raw, &Sources::in_memory())
    }

    pub fn service_index(&self, name: &str) -> Option<usize> {
        self.services.iter().position(|s| s.name == name)
    }

    /// The scenario with the command line's [`Adjustments`] applied and checked again; the
    /// files it was read from are kept.
    pub fn adjusted(self, a: &Adjustments) -> Result<Scenario, ScenarioError> {
        if *a == Adjustments::default() {
            return Ok(self);
        }
        let mut raw = self.resolved.clone();
        let note = a.apply(&mut raw);
        let mut sc = Scenario::from_raw(raw)?;
        sc.files = self.files;
        sc.cohort_note = note;
        Ok(sc)
    }
}

/// What a command line changes in the scenarios it runs (`--scale`, `--population`,
/// `--replications`, `--seed`). A command applies one value to every scenario it runs, so the
/// arms of a comparison still differ only in what their files say.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Adjustments {
    /// Multiplies the cohort and every limited capacity ([`RawScenario::scale`]).
    pub scale: Option<f64>,
    /// Sets the cohort size after scaling; capacities stay as they are.
    pub population: Option<u32>,
    pub replications: Option<u32>,
    pub seed: Option<u64>,
}

impl Adjustments {
    /// Applies the adjustments to a resolved scenario. Returns a note when the cohort no longer
    /// matches its capacities: `--population` changed how many citizens share each place.
    pub fn apply(&self, raw: &mut RawScenario) -> Option<String> {
        let file_size = raw.population.size;
        if let Some(factor) = self.scale {
            raw.scale(factor);
        }
        let sized_for = raw.population.size;
        if let Some(r) = self.replications {
            raw.scenario.replications = r;
        }
        if let Some(s) = self.seed {
            raw.scenario.seed = s;
        }
        let n = self.population?;
        raw.population.size = n;
        (n != sized_for).then(|| cohort_note(n, file_size, sized_for, self.scale))
    }
}

/// Says that `--population` left the capacities as they were, and how to keep the ratio.
fn cohort_note(n: u32, file_size: u32, sized_for: u32, scale: Option<f64>) -> String {
    let region = match scale {
        Some(f) => format!("the {file_size}-citizen region scaled by {f} ({sized_for} citizens)"),
        None => format!("the {file_size}-citizen region of the scenario file"),
    };
    let ratio = n as f64 / sized_for.max(1) as f64;
    format!(
        "--population {n} leaves every capacity as it is: the places are those of {region}, so \
         {ratio:.2} times as many citizens share each place, and waiting (and so the answer) \
         changes with that ratio; --scale {:.4} would change citizens and capacities together",
        n as f64 / file_size.max(1) as f64
    )
}

impl RawScenario {
    /// Scales the region by `factor`: the cohort and every limited capacity (service places,
    /// case managers, the Veiligheidshuis caseload) grow together, so waiting per place stays
    /// as it was — a bigger region, not a more crowded one. Counts round to the nearest whole
    /// number, and a capacity that was positive stays at least 1.
    pub fn scale(&mut self, factor: f64) {
        self.population.size = scaled_count(self.population.size, factor);
        for service in self.services.values_mut() {
            service.capacity = service.capacity.map(|n| scaled_count(n, factor));
        }
        let (cm, vh) = (&mut self.regime.case_manager, &mut self.regime.veiligheidshuis);
        cm.managers = scaled_count(cm.managers, factor);
        vh.caseload = scaled_count(vh.caseload, factor);
    }

    /// The values [`RawScenario::scale`] changes, as (dotted path, scaled value): what a
    /// sweep applies as overrides to scale its base scenario.
    pub fn scaled_values(&self, factor: f64) -> Vec<(String, u32)> {
        let mut out =
            vec![("population.size".to_string(), scaled_count(self.population.size, factor))];
        for (name, service) in &self.services {
            if let Some(n) = service.capacity {
                out.push((format!("services.{name}.capacity"), scaled_count(n, factor)));
            }
        }
        let (cm, vh) = (&self.regime.case_manager, &self.regime.veiligheidshuis);
        out.push(("regime.case_manager.managers".into(), scaled_count(cm.managers, factor)));
        out.push(("regime.veiligheidshuis.caseload".into(), scaled_count(vh.caseload, factor)));
        out
    }
}

/// `n` times `factor`, rounded; a positive count stays at least 1.
fn scaled_count(n: u32, factor: f64) -> u32 {
    let x = (n as f64 * factor).round().clamp(0.0, u32::MAX as f64) as u32;
    if n > 0 { x.max(1) } else { 0 }
}

#[cfg(test)]
mod scale_tests {
    use super::RawScenario;

    #[test]
    fn scaling_grows_the_cohort_and_every_capacity_together() {
        let mut raw = RawScenario::default();
        raw.population.size = 2000;
        raw.services.insert(
            "a".into(),
            super::raw::RawService { capacity: Some(120), ..Default::default() },
        );
        raw.services.insert("b".into(), super::raw::RawService::default());
        raw.regime.case_manager.managers = 3;
        raw.regime.veiligheidshuis.caseload = 1;
        raw.scale(15.0);
        assert_eq!(raw.population.size, 30_000);
        assert_eq!(raw.services["a"].capacity, Some(1800));
        assert_eq!(raw.services["b"].capacity, None, "unlimited stays unlimited");
        assert_eq!(raw.regime.case_manager.managers, 45);
        raw.scale(0.01);
        assert_eq!(raw.regime.veiligheidshuis.caseload, 1, "a service never scales to nothing");
    }
}
