//! Calibration targets: observed statistics, each with its uncertainty, its source and the
//! model output it is compared with. Outputs are matched by name, so a target file keeps
//! working when the engine gains indicators.
//!
//! ```toml
//! [calibration]
//! priors = "../priors/calibration.toml"   # default priors for this target file (optional)
//!
//! [[target]]
//! name = "reconviction_2y"                 # the target's own name
//! output = "reconviction_2y"               # the model output it matches
//! value = 0.473
//! se = 0.015                               # or interval = [low, high] (95%), or n = 867
//! source = "WODC Recidivemonitor, 2010 release cohort"
//! holdout = false                          # true: never fitted, reported as validation
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::scenario::{Diagnostic, ScenarioError, Sources};

/// How wide a target's uncertainty is, as written.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Uncertainty {
    StandardError(f64),
    /// A 95% interval.
    Interval(f64, f64),
    /// A share observed in a sample of this size (binomial standard error).
    SampleSize(u32),
}

/// One observed statistic.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub name: String,
    pub output: String,
    pub value: f64,
    pub uncertainty: Uncertainty,
    pub source: String,
    pub holdout: bool,
}

impl Target {
    /// The standard error the distance divides by.
    pub fn se(&self) -> f64 {
        match self.uncertainty {
            Uncertainty::StandardError(se) => se,
            Uncertainty::Interval(low, high) => (high - low) / (2.0 * 1.959_964),
            Uncertainty::SampleSize(n) => {
                let p = self.value.clamp(0.0, 1.0);
                (p * (1.0 - p) / n as f64).sqrt().max(1e-9)
            }
        }
    }

    /// The observed 95% interval.
    pub fn interval(&self) -> (f64, f64) {
        match self.uncertainty {
            Uncertainty::Interval(low, high) => (low, high),
            _ => (self.value - 1.959_964 * self.se(), self.value + 1.959_964 * self.se()),
        }
    }

    pub fn describe_uncertainty(&self) -> String {
        match self.uncertainty {
            Uncertainty::StandardError(se) => format!("se {se}"),
            Uncertainty::Interval(low, high) => format!("95% interval {low} to {high}"),
            Uncertainty::SampleSize(n) => format!("n = {n}"),
        }
    }
}

/// A targets file.
#[derive(Debug, Clone, PartialEq)]
pub struct Targets {
    pub file: PathBuf,
    pub targets: Vec<Target>,
    /// The priors file named in `[calibration]`, resolved against this file's folder.
    pub priors: Option<PathBuf>,
}

impl Targets {
    pub fn load(path: &Path) -> Result<Targets, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("error: cannot read targets file `{}`: {e}", path.display()))?;
        Targets::parse(path, &text)
    }

    pub fn parse(path: &Path, text: &str) -> Result<Targets, String> {
        let sources = Sources::from_text(path, text).map_err(|e| e.to_string())?;
        sources.check_each_file::<RawFile>().map_err(|e| e.to_string())?;
        let raw: RawFile = sources.deserialize_merged().map_err(|e| e.to_string())?;
        let mut problems = Vec::new();
        let mut targets: Vec<Target> = Vec::new();
        for (i, r) in raw.target.into_iter().enumerate() {
            match r.check(i, &sources) {
                Ok(t) if targets.iter().any(|o| o.name == t.name) => {
                    problems.push(sources.error_at(
                        &format!("target[{i}].name"),
                        format!("two targets are named `{}`", t.name),
                        Some("give every target its own name".into()),
                    ));
                }
                Ok(t) => targets.push(t),
                Err(mut found) => problems.append(&mut found),
            }
        }
        if targets.iter().all(|t| t.holdout) && problems.is_empty() {
            problems.push(Diagnostic::in_file(
                path,
                "no target to fit: a targets file needs at least one [[target]] without holdout = true",
            ));
        }
        if !problems.is_empty() {
            return Err(ScenarioError::from_diagnostics(problems).to_string());
        }
        let folder = path.parent().unwrap_or(Path::new(""));
        let priors = raw.calibration.priors.map(|p| folder.join(p));
        Ok(Targets { file: path.to_path_buf(), targets, priors })
    }

    /// The targets that are fitted (not holdouts).
    pub fn fitted(&self) -> impl Iterator<Item = &Target> {
        self.targets.iter().filter(|t| !t.holdout)
    }

    /// The distinct model outputs the targets need, in first-use order.
    pub fn outputs(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for t in &self.targets {
            if !out.contains(&t.output) {
                out.push(t.output.clone());
            }
        }
        out
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    calibration: RawCalibration,
    #[serde(default)]
    target: Vec<RawTarget>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCalibration {
    priors: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTarget {
    name: String,
    output: String,
    value: f64,
    se: Option<f64>,
    interval: Option<[f64; 2]>,
    n: Option<u32>,
    source: String,
    #[serde(default)]
    holdout: bool,
}

impl RawTarget {
    fn check(self, i: usize, sources: &Sources) -> Result<Target, Vec<Diagnostic>> {
        let at = |key: &str| format!("target[{i}].{key}");
        let mut problems = Vec::new();
        let mut fail = |key: &str, message: String, help: &str| {
            problems.push(sources.error_at(&at(key), message, Some(help.to_string())));
        };
        if !self.value.is_finite() {
            fail("value", format!("value {} is not a number", self.value), "a finite number");
        }
        if self.source.trim().is_empty() {
            fail("source", "empty source".into(), "cite the publication, year and table");
        }
        if self.name.trim().is_empty() || self.output.trim().is_empty() {
            fail("name", "a target needs a name and an output".into(), "e.g. reconviction_2y");
        }
        let given = [self.se.is_some(), self.interval.is_some(), self.n.is_some()];
        let uncertainty = match (self.se, self.interval, self.n) {
            _ if given.iter().filter(|g| **g).count() != 1 => {
                fail(
                    "value",
                    "a target needs exactly one of `se`, `interval` and `n`".into(),
                    "se = standard error; interval = [low, high] (95%); n = sample size of a share",
                );
                None
            }
            (Some(se), _, _) if !(se.is_finite() && se > 0.0) => {
                fail("se", format!("se {se} must be above 0"), "a positive number");
                None
            }
            (Some(se), _, _) => Some(Uncertainty::StandardError(se)),
            (_, Some([low, high]), _)
                if !(low <= self.value && self.value <= high && low < high) =>
            {
                fail(
                    "interval",
                    format!("interval [{low}, {high}] must contain the value {}", self.value),
                    "[low, high] with low <= value <= high",
                );
                None
            }
            (_, Some([low, high]), _) => Some(Uncertainty::Interval(low, high)),
            (_, _, Some(n)) if n == 0 || !(0.0..=1.0).contains(&self.value) => {
                fail(
                    "n",
                    format!("n = {n} needs a share (0 to 1) as value and at least one person"),
                    "n is the sample size behind an observed share",
                );
                None
            }
            (_, _, Some(n)) => Some(Uncertainty::SampleSize(n)),
            _ => None,
        };
        match uncertainty {
            Some(uncertainty) if problems.is_empty() => Ok(Target {
                name: self.name.trim().to_string(),
                output: self.output.trim().to_string(),
                value: self.value,
                uncertainty,
                source: self.source.trim().to_string(),
                holdout: self.holdout,
            }),
            _ => Err(problems),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Targets, String> {
        Targets::parse(Path::new("t.toml"), text)
    }

    const ONE: &str = "[[target]]\nname = \"a\"\noutput = \"reconviction_2y\"\nvalue = 0.4\nse = 0.02\nsource = \"x\"\n";

    #[test]
    fn uncertainty_becomes_a_standard_error() {
        let t = parse(ONE).unwrap();
        assert_eq!(t.targets[0].se(), 0.02);
        let t = parse(&ONE.replace("se = 0.02", "interval = [0.3, 0.5]")).unwrap();
        assert!((t.targets[0].se() - 0.1 / 1.959_964).abs() < 1e-12);
        let t = parse(&ONE.replace("se = 0.02", "n = 100")).unwrap();
        assert!((t.targets[0].se() - (0.24f64 / 100.0).sqrt()).abs() < 1e-12);
    }

    #[test]
    fn bad_targets_are_explained() {
        let e = parse(&ONE.replace("se = 0.02", "se = 0.02\nn = 5")).unwrap_err();
        assert!(e.contains("exactly one of") && e.contains("t.toml:4"), "{e}");
        let e = parse(&ONE.replace("se = 0.02", "interval = [0.5, 0.6]")).unwrap_err();
        assert!(e.contains("must contain the value") && e.contains("target[0].interval"), "{e}");
        let e = parse(&ONE.replace("se = 0.02", "sd = 0.02")).unwrap_err();
        assert!(e.contains("unknown key `sd`"), "{e}");
        let e = parse(&format!("{ONE}{ONE}")).unwrap_err();
        assert!(e.contains("two targets are named `a`"), "{e}");
        let e = parse(&format!("{ONE}holdout = true\n")).unwrap_err();
        assert!(e.contains("no target to fit"), "{e}");
    }
}
