//! Decomposing a practice into its levers: which keys of two resolved scenarios differ, and
//! what each does on its own.
//!
//! For every lever (a key whose value differs between the baseline and the alternative) two
//! runs are made on common random numbers — the same seed, replications and citizens as the
//! pair itself: the baseline with only this lever set as in the alternative (its effect
//! *alone*), and the alternative with only this lever set back to the baseline's value (its
//! effect *last*, given every other lever). Effects are paired differences over replications
//! with 95% intervals, so a lever that changes nothing has an effect of exactly zero. When the
//! levers do not interact, the effects alone add up to the whole difference and equal the
//! effects last; where they differ, the levers work together.

use crate::experiments::{indicator_matrix, run_with_progress};
use crate::output::format::num;
use crate::output::outdir::OutputDir;
use crate::scenario::{RawScenario, Scenario};
use crate::stats::{Estimate, paired_difference};
use std::io::{self, Write};
use toml::Value;

/// The indicators a decomposition reports.
pub const INDICATORS: [&str; 2] = ["reconviction_2y", "cost_societal"];

/// One key (or whole table, when one side lacks it) that differs between the two scenarios.
#[derive(Debug, Clone, PartialEq)]
pub struct Lever {
    pub path: Vec<String>,
    /// `None`: the key is not set in that scenario.
    pub baseline: Option<Value>,
    pub alternative: Option<Value>,
    /// For a table of keys that only work together (e.g. switching case management on and
    /// giving it case managers): the keys that differ in it, relative to `path`.
    pub members: Vec<String>,
}

impl Lever {
    pub fn key(&self) -> String {
        self.path.join(".")
    }

    pub fn shown(v: &Option<Value>) -> String {
        match v {
            Some(v) => v.to_string(),
            None => "(not set)".into(),
        }
    }

    /// Both values for a table: the keys that differ in each scenario.
    fn shown_pair(&self) -> (String, String) {
        if self.members.is_empty() {
            return (Lever::shown(&self.baseline), Lever::shown(&self.alternative));
        }
        let side = |v: &Option<Value>| {
            let values: Vec<String> = self
                .members
                .iter()
                .map(|m| {
                    let found = m.split('.').try_fold(v.as_ref(), |v, k| Some(v?.get(k)));
                    format!("{m} = {}", Lever::shown(&found.flatten().cloned()))
                })
                .collect();
            values.join("; ")
        };
        (side(&self.baseline), side(&self.alternative))
    }
}

/// Keys that name or describe a scenario rather than change what happens.
pub fn is_identity(path: &[String]) -> bool {
    let key = path.join(".");
    matches!(key.as_str(), "scenario.name" | "scenario.description" | "scenario.extends")
        || path.last().is_some_and(|k| k == "label" || k == "name")
}

fn as_table(raw: &RawScenario) -> Result<toml::Table, String> {
    match Value::try_from(raw).map_err(|e| format!("cannot represent the scenario: {e}"))? {
        Value::Table(t) => Ok(t),
        _ => Err("a scenario is not a table".into()),
    }
}

/// Every lever that differs between `base` and `alt`, in key order.
pub fn differing_levers(base: &RawScenario, alt: &RawScenario) -> Result<Vec<Lever>, String> {
    let mut out = Vec::new();
    walk(&mut Vec::new(), Some(&as_table(base)?), Some(&as_table(alt)?), &mut out);
    Ok(out)
}

fn walk(
    path: &mut Vec<String>,
    base: Option<&toml::Table>,
    alt: Option<&toml::Table>,
    out: &mut Vec<Lever>,
) {
    let mut keys: Vec<&String> =
        base.into_iter().chain(alt).flat_map(|t| t.keys()).collect::<Vec<_>>();
    keys.sort();
    keys.dedup();
    for key in keys {
        path.push(key.clone());
        let (b, a) = (base.and_then(|t| t.get(key)), alt.and_then(|t| t.get(key)));
        match (b, a) {
            (Some(Value::Table(bt)), Some(Value::Table(at))) => walk(path, Some(bt), Some(at), out),
            _ if b == a || is_identity(path) => {}
            _ => out.push(Lever {
                path: path.clone(),
                baseline: b.cloned(),
                alternative: a.cloned(),
                members: Vec::new(),
            }),
        }
        path.pop();
    }
}

/// The levers of [`differing_levers`], with those that do not make a valid scenario on their
/// own (case managers without case management) merged into their table, which is then one
/// lever: the keys that only work together are switched together.
pub fn buildable_levers(base: &RawScenario, alt: &RawScenario) -> Result<Vec<Lever>, String> {
    let mut levers = differing_levers(base, alt)?;
    let (bt, at) = (Value::Table(as_table(base)?), Value::Table(as_table(alt)?));
    loop {
        let invalid = levers.iter().find_map(|l| {
            let set = with_value(base, &l.path, l.alternative.as_ref()).err();
            set.or_else(|| with_value(alt, &l.path, l.baseline.as_ref()).err()).map(|e| (l, e))
        });
        let Some((lever, error)) = invalid else { return Ok(levers) };
        let parent = lever.path[..lever.path.len() - 1].to_vec();
        if parent.len() < 2 {
            return Err(error);
        }
        let lookup = |v: &Value| parent.iter().try_fold(v, |v, k| v.get(k)).cloned();
        let mut members = Vec::new();
        levers.retain(|l| {
            let inside = l.path.starts_with(&parent);
            if inside {
                members.push(l.path[parent.len()..].join("."));
            }
            !inside
        });
        levers.push(Lever {
            baseline: lookup(&bt),
            alternative: lookup(&at),
            path: parent,
            members,
        });
        levers.sort_by(|a, b| a.path.cmp(&b.path));
    }
}

/// `raw` with the value at `path` replaced by `value` (removed when `None`), checked again.
pub fn with_value(
    raw: &RawScenario,
    path: &[String],
    value: Option<&Value>,
) -> Result<Scenario, String> {
    let mut table = as_table(raw)?;
    let (last, parents) = path.split_last().ok_or("an empty key")?;
    let mut here = &mut table;
    for key in parents {
        let entry = here.entry(key.clone()).or_insert_with(|| Value::Table(toml::Table::new()));
        here = entry.as_table_mut().ok_or_else(|| format!("{key} is not a table"))?;
    }
    match value {
        Some(v) => {
            here.insert(last.clone(), v.clone());
        }
        None => {
            here.remove(last);
        }
    }
    let raw: RawScenario = Value::Table(table)
        .try_into()
        .map_err(|e| format!("{}: cannot set this lever alone: {e}", path.join(".")))?;
    Scenario::from_raw(raw).map_err(|e| {
        format!("{}: this lever alone does not make a valid scenario:\n{e}", path.join("."))
    })
}

/// How a lever's effect was measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Design {
    /// The baseline with this lever alone, minus the baseline.
    Alone,
    /// The alternative minus the alternative without this lever.
    Last,
    /// The alternative minus the baseline: every lever together.
    All,
}

impl Design {
    pub fn name(self) -> &'static str {
        match self {
            Design::Alone => "alone",
            Design::Last => "last",
            Design::All => "all",
        }
    }
}

/// One lever's effect on one indicator.
#[derive(Debug, Clone, PartialEq)]
pub struct Effect {
    /// `None` for the whole practice ([`Design::All`]).
    pub lever: Option<Lever>,
    pub design: Design,
    pub indicator: &'static str,
    pub estimate: Estimate,
}

/// The decomposition of one pair of scenarios.
#[derive(Debug, Clone)]
pub struct Decomposition {
    pub baseline: String,
    pub alternative: String,
    pub seed: u64,
    pub replications: u32,
    pub citizens: u32,
    pub levers: Vec<Lever>,
    pub effects: Vec<Effect>,
}

/// Per-replication values of [`INDICATORS`] of one run of `sc`.
fn run_indicators(sc: &Scenario, threads: usize, what: &str) -> Result<Vec<Vec<f64>>, String> {
    let reps = run_with_progress(sc, sc.meta.replications, threads, what)?;
    let (names, values) = indicator_matrix(sc, &reps);
    INDICATORS
        .iter()
        .map(|ind| {
            let k = names
                .iter()
                .position(|n| n.name == *ind)
                .ok_or_else(|| format!("indicator {ind} missing"))?;
            Ok(values[k].clone())
        })
        .collect()
}

/// Runs the baseline, the alternative and two runs per lever; `alt` must already be aligned
/// with `base` ([`crate::compare::align`]).
pub fn decompose(base: &Scenario, alt: &Scenario, threads: usize) -> Result<Decomposition, String> {
    let levers = buildable_levers(&base.resolved, &alt.resolved)?;
    // Every run is built and checked before the first one starts.
    let mut runs = Vec::with_capacity(2 * levers.len());
    for lever in &levers {
        runs.push(with_value(&base.resolved, &lever.path, lever.alternative.as_ref())?);
        runs.push(with_value(&alt.resolved, &lever.path, lever.baseline.as_ref())?);
    }
    let b = run_indicators(base, threads, &base.meta.name)?;
    let a = run_indicators(alt, threads, &alt.meta.name)?;
    let mut effects = Vec::new();
    let mut push = |lever: Option<&Lever>, design, from: &[Vec<f64>], to: &[Vec<f64>]| {
        for (k, indicator) in INDICATORS.iter().enumerate() {
            let estimate = paired_difference(&from[k], &to[k]).map_err(|e| e.to_string())?;
            effects.push(Effect { lever: lever.cloned(), design, indicator, estimate });
        }
        Ok::<(), String>(())
    };
    push(None, Design::All, &b, &a)?;
    for (lever, pair) in levers.iter().zip(runs.chunks(2)) {
        let key = lever.key();
        let alone = run_indicators(&pair[0], threads, &format!("+{key}"))?;
        let without = run_indicators(&pair[1], threads, &format!("-{key}"))?;
        push(Some(lever), Design::Alone, &b, &alone)?;
        push(Some(lever), Design::Last, &without, &a)?;
    }
    Ok(Decomposition {
        baseline: base.meta.name.clone(),
        alternative: alt.meta.name.clone(),
        seed: base.meta.seed,
        replications: base.meta.replications,
        citizens: base.population.size,
        levers,
        effects,
    })
}

impl Decomposition {
    pub fn effect(&self, key: Option<&str>, design: Design, indicator: &str) -> Option<&Estimate> {
        self.effects
            .iter()
            .find(|e| {
                e.design == design
                    && e.indicator == indicator
                    && e.lever.as_ref().map(Lever::key).as_deref() == key
            })
            .map(|e| &e.estimate)
    }

    /// `levers.csv`: one row per lever, design and indicator.
    pub fn write_csv(&self, out: &mut dyn Write) -> io::Result<()> {
        let mut w = csv::WriterBuilder::new().from_writer(out);
        w.write_record([
            "baseline",
            "alternative",
            "lever",
            "baseline_value",
            "alternative_value",
            "design",
            "indicator",
            "effect",
            "lo95",
            "hi95",
            "replications",
        ])
        .map_err(io::Error::other)?;
        for e in &self.effects {
            let (key, bv, av) = match &e.lever {
                Some(l) => {
                    let (bv, av) = l.shown_pair();
                    (l.key(), bv, av)
                }
                None => ("(all levers)".into(), String::new(), String::new()),
            };
            w.write_record([
                self.baseline.as_str(),
                &self.alternative,
                &key,
                &bv,
                &av,
                e.design.name(),
                e.indicator,
                &num(e.estimate.mean),
                &num(e.estimate.lo),
                &num(e.estimate.hi),
                &e.estimate.n.to_string(),
            ])
            .map_err(io::Error::other)?;
        }
        w.flush()
    }

    /// The terminal (and Markdown) table: one row per lever, effects alone and last.
    pub fn table(&self) -> String {
        let mut out = format!(
            "levers of {} against {} ({} citizens × {} replications, seed {}, common random \
             numbers)\n\n",
            self.alternative, self.baseline, self.citizens, self.replications, self.seed
        );
        out.push_str(
            "| lever | baseline → alternative | reconviction 2y, alone | reconviction 2y, last \
             | societal cost, alone | societal cost, last |\n|---|---|---|---|---|---|\n",
        );
        let cell = |key: Option<&str>, design, ind: &str| {
            self.effect(key, design, ind).map_or("".into(), |e| fmt_effect(ind, e))
        };
        for lever in &self.levers {
            let key = lever.key();
            let (bv, av) = lever.shown_pair();
            out.push_str(&format!(
                "| `{key}` | {bv} → {av} | {} | {} | {} | {} |\n",
                cell(Some(&key), Design::Alone, INDICATORS[0]),
                cell(Some(&key), Design::Last, INDICATORS[0]),
                cell(Some(&key), Design::Alone, INDICATORS[1]),
                cell(Some(&key), Design::Last, INDICATORS[1]),
            ));
        }
        let all = |ind| cell(None, Design::All, ind);
        out.push_str(&format!(
            "| **all levers** | | {} | | {} | |\n",
            all(INDICATORS[0]),
            all(INDICATORS[1])
        ));
        if self.replications < 2 {
            out.push_str(crate::output::terminal::ONE_REPLICATION);
        }
        out
    }
}

/// An effect with its interval: percentage points for reconviction, euros for cost.
fn fmt_effect(indicator: &str, e: &Estimate) -> String {
    let f = |x: f64| {
        if !x.is_finite() {
            "n/a".to_string()
        } else if indicator == "reconviction_2y" {
            format!("{:+.2} pp", 100.0 * x)
        } else {
            // Signed like the percentage points and the compare table: -€1,234, +€56, €0.
            let sign = if x < 0.0 {
                "-"
            } else if x > 0.0 {
                "+"
            } else {
                ""
            };
            format!("{sign}€{}", crate::output::format::thousands(x.abs()))
        }
    };
    format!("{} [{}, {}]", f(e.mean), f(e.lo), f(e.hi))
}

/// Writes `levers.csv`, `levers.md` and both resolved scenarios into `dir` (staged).
pub fn write_levers(
    dir: &OutputDir,
    d: &Decomposition,
    base: &Scenario,
    alt: &Scenario,
) -> Result<(), String> {
    dir.write_file("levers.csv", |w| d.write_csv(w))?;
    dir.write_file("levers.md", |w| w.write_all(d.table().as_bytes()))?;
    for sc in [base, alt] {
        let text = toml::to_string(&sc.resolved)
            .map_err(|e| format!("cannot write the resolved scenario: {e}"))?;
        let name = format!("scenario-{}.toml", crate::output::format::sanitize(&sc.meta.name));
        dir.write_file(&name, |w| w.write_all(text.as_bytes()))?;
    }
    Ok(())
}
