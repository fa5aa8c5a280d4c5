//! The sweep file: its schema, its checks (with the same file/line/column diagnostics as
//! scenarios), and the design points it describes (full grid or Latin hypercube).

use std::path::{Path, PathBuf};

use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};
use serde::{Deserialize, Serialize};
use toml::Value;

use crate::rng::derive;
use crate::scenario::overrides::render_value;
use crate::scenario::{Override, Scenario, ScenarioError, Sources};

/// `sweep.toml` as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSweepFile {
    pub sweep: RawSweep,
    #[serde(default)]
    pub parameters: Vec<RawParameter>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSweep {
    /// Default: the sweep file's name without `.toml`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The base scenario, relative to the sweep file's folder.
    pub scenario: String,
    #[serde(default)]
    pub design: Design,
    /// Latin hypercube only: the number of design points.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub samples: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replications: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub population: Option<u32>,
    /// The scenario seed of every point (common random numbers), and the seed of the Latin
    /// hypercube draws. Default: the base scenario's seed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Design {
    #[default]
    Grid,
    Lhs,
    /// Given points: point i takes the i-th of every parameter's `values` (all lists equally
    /// long). For designs made elsewhere, e.g. the Morris trajectories of `reentry sensitivity`.
    List,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawParameter {
    /// Dotted scenario path, e.g. `services.addiction_care.capacity`.
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub range: Option<Vec<f64>>,
    /// Grid only, with `range`: evenly spaced values including both ends.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub steps: Option<u32>,
}

/// One varied parameter with the values a grid takes, or the interval an LHS samples.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    pub path: String,
    /// The scenario value at this path is a whole number: drawn values are rounded.
    pub integer: bool,
    pub levels: Levels,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Levels {
    List(Vec<Value>),
    Interval { lo: f64, hi: f64 },
}

/// One design point: its id (0-based, the row of `points.csv`) and one value per parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub id: usize,
    pub values: Vec<Value>,
}

/// A checked sweep: the base scenario's files, the overrides shared by every point, and the
/// points, each already validated as a scenario.
#[derive(Debug, Clone)]
pub struct Sweep {
    pub name: String,
    pub file: PathBuf,
    /// The sweep as resolved, with `scenario = "base-scenario.toml"`: re-runnable from the
    /// output folder, and part of the sweep's identity.
    pub resolved: RawSweepFile,
    pub base: Scenario,
    pub parameters: Vec<Parameter>,
    pub points: Vec<Point>,
    pub scenarios: Vec<Scenario>,
}

/// Name of the resolved base scenario in the output folder.
pub const BASE_SCENARIO: &str = "base-scenario.toml";

/// How many failing points are shown before the rest are only counted.
const MAX_POINT_ERRORS: usize = 5;

impl Sweep {
    /// Whether `path` holds a sweep (a `[sweep]` table) rather than a scenario; an unreadable
    /// or broken file is not, so its scenario diagnostics explain it.
    pub fn is_sweep_file(path: &Path) -> bool {
        crate::limits::read_input(path)
            .ok()
            .and_then(|text| text.parse::<toml::Table>().ok())
            .is_some_and(|t| t.get("sweep").is_some_and(Value::is_table))
    }

    /// Reads and checks a sweep file; `extra` overrides (from the command line) apply to the
    /// base scenario after the sweep's own settings, then `scale` (if any) multiplies the
    /// cohort and every limited capacity of the base, as `run --scale` does.
    pub fn load(path: &Path, extra: &[Override], scale: Option<f64>) -> Result<Sweep, String> {
        let sources = Sources::read(path).map_err(|e| e.to_string())?;
        sources.check_each_file::<RawSweepFile>().map_err(|e| e.to_string())?;
        let raw: RawSweepFile = sources.deserialize_merged().map_err(|e| e.to_string())?;
        check_shape(&raw, &sources).map_err(|e| e.to_string())?;
        let folder = path.parent().unwrap_or(Path::new(""));
        let base_path = folder.join(&raw.sweep.scenario);
        let base_sources = Sources::read(&base_path)
            .map_err(|e| format!("base scenario of sweep {}:\n{e}", path.display()))?;
        base_sources
            .check_each_file::<crate::scenario::RawScenario>()
            .map_err(|e| e.to_string())?;
        let mut shared = sweep_settings(&raw, path)?;
        shared.extend_from_slice(extra);
        let load_base = |shared: &[Override]| {
            Scenario::from_sources(&base_sources, shared).map_err(|e| {
                format!("base scenario {} with the sweep's settings:\n{e}", base_path.display())
            })
        };
        let mut base = load_base(&shared)?;
        if let Some(factor) = scale {
            shared.extend(scale_overrides(&base, factor, &raw)?);
            base = load_base(&shared)?;
        }
        let base_value = Value::try_from(&base.resolved)
            .map_err(|e| format!("cannot represent the base scenario: {e}"))?;
        let parameters = raw
            .parameters
            .iter()
            .enumerate()
            .map(|(i, p)| parameter(p, i, &base_value, &sources))
            .collect::<Result<Vec<_>, ScenarioError>>()
            .map_err(|e| e.to_string())?;
        check_parameters_alone(&base_sources, &shared, &parameters, &sources)?;
        let seed = raw.sweep.seed.unwrap_or(base.meta.seed);
        let points = match raw.sweep.design {
            Design::Grid => grid(&parameters),
            Design::Lhs => lhs(&parameters, raw.sweep.samples.unwrap_or(0) as usize, seed),
            Design::List => listed(&parameters),
        };
        let scenarios = point_scenarios(&base_sources, &shared, &parameters, &points, path)?;
        let name = raw.sweep.name.clone().unwrap_or_else(|| {
            path.file_stem().map_or("sweep".into(), |s| s.to_string_lossy().into_owned())
        });
        let mut resolved = raw;
        resolved.sweep.name = Some(name.clone());
        resolved.sweep.scenario = BASE_SCENARIO.into();
        // The values in force (after command-line overrides), so the copy re-runs identically.
        resolved.sweep.replications = Some(base.meta.replications);
        resolved.sweep.population = Some(base.population.size);
        resolved.sweep.seed = Some(base.meta.seed);
        Ok(Sweep { name, file: path.to_path_buf(), resolved, base, parameters, points, scenarios })
    }

    pub fn replications(&self) -> u32 {
        self.base.meta.replications
    }
}

/// `--scale F` as overrides of the base's cohort and capacities. A swept value of one of these
/// keys would be used unscaled next to scaled ones, so such a sweep is refused.
fn scale_overrides(
    base: &Scenario,
    factor: f64,
    raw: &RawSweepFile,
) -> Result<Vec<Override>, String> {
    let values = base.resolved.scaled_values(factor);
    if let Some(p) = raw.parameters.iter().find(|p| values.iter().any(|(k, _)| *k == p.path)) {
        return Err(format!(
            "--scale cannot be used with a sweep that varies {}: the swept values would not be \
             scaled with the rest of the region; scale the values in the sweep file instead",
            p.path
        ));
    }
    values
        .into_iter()
        .map(|(key, n)| Override::new(&key, Value::Integer(n.into()), format!("--scale {factor}")))
        .collect()
}

/// `replications`, `population` and `seed` of `[sweep]` as overrides of the base scenario.
fn sweep_settings(raw: &RawSweepFile, path: &Path) -> Result<Vec<Override>, String> {
    let s = &raw.sweep;
    let origin = |key: &str| format!("sweep.{key} in {}", path.display());
    let mut out = Vec::new();
    if let Some(r) = s.replications {
        out.push(Override::new(
            "scenario.replications",
            Value::Integer(r.into()),
            origin("replications"),
        )?);
    }
    if let Some(n) = s.population {
        out.push(Override::new("population.size", Value::Integer(n.into()), origin("population"))?);
    }
    if let Some(seed) = s.seed {
        // TOML integers are signed 64-bit; larger seeds cannot be written in a scenario either.
        let seed = i64::try_from(seed)
            .map_err(|_| format!("{}: seed {seed} is too large", origin("seed")))?;
        out.push(Override::new("scenario.seed", Value::Integer(seed), origin("seed"))?);
    }
    Ok(out)
}

/// Rules that serde cannot express: which keys go with which design.
fn check_shape(raw: &RawSweepFile, sources: &Sources) -> Result<(), ScenarioError> {
    let mut problems = Vec::new();
    let mut fail = |key: &str, message: &str, help: &str| {
        problems.push(sources.error_at(key, message, Some(help.into())));
    };
    let design = raw.sweep.design;
    match (design, raw.sweep.samples) {
        (Design::Grid, Some(_)) => fail(
            "sweep.samples",
            "`samples` is only for design = \"lhs\"",
            "a grid has one point per combination of the parameters' values",
        ),
        (Design::List, Some(_)) => fail(
            "sweep.samples",
            "`samples` is only for design = \"lhs\"",
            "a list design has one point per entry of the parameters' `values`",
        ),
        (Design::Lhs, None | Some(0)) => fail(
            "sweep.samples",
            "a Latin hypercube needs `samples`, 1 or more",
            "e.g. samples = 20",
        ),
        _ => {}
    }
    if raw.parameters.is_empty() {
        fail(
            "sweep",
            "the sweep varies no parameter",
            "add [[parameters]] with path = \"regime.warm_handover\" and values = [...] or range = [lo, hi]",
        );
    }
    for (i, p) in raw.parameters.iter().enumerate() {
        let key = |k: &str| format!("parameters[{i}].{k}");
        if p.path.trim() == "scenario.replications" {
            fail(
                &key("path"),
                "the number of replications cannot vary between points",
                "set it once with [sweep] replications = n",
            );
        }
        if raw.parameters[..i].iter().any(|q| q.path == p.path) {
            fail(&key("path"), &format!("`{}` is varied twice", p.path), "list each path once");
        }
        match (&p.values, &p.range, design) {
            (Some(_), Some(_), _) => {
                fail(&key("values"), "give `values` or `range`, not both", "one of the two")
            }
            (None, None, _) => fail(
                &key("path"),
                &format!("parameter `{}` has neither `values` nor `range`", p.path),
                "values = [a, b, ...] or range = [lo, hi]",
            ),
            (Some(v), None, Design::Grid) if v.is_empty() => {
                fail(&key("values"), "`values` is empty", "at least one value")
            }
            (None, Some(_), Design::List) => fail(
                &key("range"),
                "a list design takes `values`, one per point",
                "values = [a, b, ...], equally many for every parameter",
            ),
            (Some(v), None, Design::List)
                if raw.parameters.first().and_then(|q| q.values.as_ref()).map(Vec::len)
                    != Some(v.len())
                    || v.is_empty() =>
            {
                fail(
                    &key("values"),
                    "in a list design every parameter needs equally many values (one per point)",
                    "give each parameter's values for the same points, in the same order",
                )
            }
            (Some(_), None, Design::Lhs) => fail(
                &key("values"),
                "a Latin hypercube samples intervals: use `range = [lo, hi]`",
                "range = [lo, hi]",
            ),
            _ => {}
        }
        if let Some(r) = &p.range {
            if r.len() != 2 || !(r[0].is_finite() && r[1].is_finite() && r[0] <= r[1]) {
                fail(
                    &key("range"),
                    "`range` must be [lo, hi] with lo <= hi",
                    "e.g. range = [0.1, 0.9]",
                );
            }
            match (design, p.steps) {
                (Design::Grid, None) => {
                    fail(&key("range"), "a grid range needs `steps`", "e.g. steps = 5 (2 or more)")
                }
                (Design::Grid, Some(s)) if s < 2 => fail(
                    &key("steps"),
                    &format!("steps = {s} is too few"),
                    "2 or more (both ends included)",
                ),
                (Design::Lhs, Some(_)) => fail(
                    &key("steps"),
                    "`steps` is only for grids",
                    "a Latin hypercube draws `samples` values per parameter",
                ),
                _ => {}
            }
        } else if p.steps.is_some() {
            fail(&key("steps"), "`steps` goes with `range`", "range = [lo, hi] and steps = n");
        }
    }
    ScenarioError::from_all(problems.into_iter().map(ScenarioError::from).collect())
}

/// Checks one parameter's path against the base scenario and settles its kind.
fn parameter(
    p: &RawParameter,
    i: usize,
    base: &Value,
    sources: &Sources,
) -> Result<Parameter, ScenarioError> {
    let probe = Override::new(&p.path, Value::Boolean(false), "")
        .map_err(|m| sources.error_at(&format!("parameters[{i}].path"), m, None))?;
    let current = lookup(base, &probe.path);
    let integer = matches!(current, Some(Value::Integer(_)))
        || (current.is_none()
            && p.range.as_ref().is_some_and(|r| r.iter().all(|x| x.fract() == 0.0)));
    let levels = match (&p.values, &p.range) {
        (Some(values), _) => Levels::List(values.clone()),
        (None, Some(r)) => Levels::Interval { lo: r[0], hi: r[1] },
        (None, None) => Levels::List(Vec::new()),
    };
    let mut parameter = Parameter { path: probe.path, integer, levels };
    if let (Levels::Interval { lo, hi }, Some(steps)) = (&parameter.levels, p.steps) {
        let values = spaced(*lo, *hi, steps, integer);
        let mut distinct = values.clone();
        distinct.dedup();
        if distinct.len() < values.len() {
            return Err(sources
                .error_at(
                    &format!("parameters[{i}].steps"),
                    format!("`{}` is a whole number: {steps} steps over [{lo}, {hi}] repeat values after rounding", parameter.path),
                    Some(format!("at most {} steps", distinct.len())),
                )
                .into());
        }
        parameter.levels = Levels::List(values);
    }
    Ok(parameter)
}

/// The value at a dotted path of the resolved base scenario, if it has one there.
fn lookup<'v>(root: &'v Value, dotted: &str) -> Option<&'v Value> {
    // Paths were normalised by `Override::new`; quoted keys with dots are not looked up.
    dotted.split('.').try_fold(root, |v, key| v.as_table()?.get(key))
}

/// `steps` evenly spaced values from `lo` to `hi`, both included.
fn spaced(lo: f64, hi: f64, steps: u32, integer: bool) -> Vec<Value> {
    let n = steps.max(2) as f64 - 1.0;
    (0..steps).map(|i| number(lo + (hi - lo) * i as f64 / n, integer)).collect()
}

/// A drawn or interpolated number as a TOML value: whole numbers rounded, floats cut to 13
/// significant digits so that what `points.csv` shows is exactly what was run.
fn number(x: f64, integer: bool) -> Value {
    if integer {
        return Value::Integer(x.round() as i64);
    }
    let short: f64 = format!("{x:.12e}").parse().unwrap_or(x);
    Value::Float(short)
}

/// Each parameter's listed levels (none for an interval, which only a Latin hypercube samples).
fn level_lists(parameters: &[Parameter]) -> Vec<&[Value]> {
    parameters
        .iter()
        .map(|p| match &p.levels {
            Levels::List(v) => v.as_slice(),
            Levels::Interval { .. } => &[],
        })
        .collect()
}

/// Every combination, the first parameter varying slowest.
fn grid(parameters: &[Parameter]) -> Vec<Point> {
    let lists = level_lists(parameters);
    let total: usize = lists.iter().map(|l| l.len()).product();
    (0..total)
        .map(|id| {
            let mut rest = id;
            let mut values = vec![Value::Boolean(false); lists.len()];
            for (k, list) in lists.iter().enumerate().rev() {
                values[k] = list[rest % list.len()].clone();
                rest /= list.len();
            }
            Point { id, values }
        })
        .collect()
}

/// Point i takes the i-th value of every parameter (lists checked to be equally long).
fn listed(parameters: &[Parameter]) -> Vec<Point> {
    let lists = level_lists(parameters);
    let n = lists.iter().map(|l| l.len()).min().unwrap_or(0);
    (0..n).map(|id| Point { id, values: lists.iter().map(|l| l[id].clone()).collect() }).collect()
}

/// Latin hypercube: each parameter's interval is cut into `n` equal strata and every stratum
/// gets exactly one of the `n` points, at a uniform position inside it; the strata are paired
/// across parameters by independent random permutations. Draws depend only on `seed` and the
/// parameter's position, so the design is the same on every machine. A whole-number
/// parameter is stratified over its whole numbers (see [`whole_in_stratum`]).
fn lhs(parameters: &[Parameter], n: usize, seed: u64) -> Vec<Point> {
    let columns: Vec<Vec<Value>> = parameters
        .iter()
        .enumerate()
        .map(|(k, p)| {
            let (lo, hi) = match p.levels {
                Levels::Interval { lo, hi } => (lo, hi),
                Levels::List(_) => (0.0, 0.0),
            };
            let mut rng =
                Xoshiro256PlusPlus::seed_from_u64(derive(derive(seed, LHS_SALT), k as u64));
            let mut strata: Vec<usize> = (0..n).collect();
            for i in (1..n).rev() {
                strata.swap(i, rng.random_range(0..=i));
            }
            strata
                .iter()
                .map(|&s| {
                    let u: f64 = rng.random();
                    if p.integer {
                        Value::Integer(whole_in_stratum(lo, hi, s, n, u))
                    } else {
                        number(lo + (hi - lo) * (s as f64 + u) / n as f64, false)
                    }
                })
                .collect()
        })
        .collect();
    (0..n).map(|id| Point { id, values: columns.iter().map(|c| c[id].clone()).collect() }).collect()
}

/// The whole number of stratum `s` of `n` over the whole numbers in `[lo, hi]`, at uniform
/// position `u` in [0, 1). The `m` whole numbers are cut into `n` runs of consecutive values
/// as equal as can be, stratum `s` draws uniformly from run `s`: with `n ≤ m` every point has
/// its own value and every value is equally likely; with `n > m` each value is used by
/// `n / m` strata, give or take one. (Rounding a continuous draw instead would repeat values
/// while others go unused, and give the two ends half the weight of the rest.)
fn whole_in_stratum(lo: f64, hi: f64, s: usize, n: usize, u: f64) -> i64 {
    let (first, last) = (lo.ceil() as i64, hi.floor() as i64);
    if last < first {
        return ((lo + hi) / 2.0).round() as i64;
    }
    let m = (last - first + 1) as u128;
    let (s, n) = (s as u128, n as u128);
    let (from, to) = (s * m / n, (s + 1) * m / n);
    let offset = from + ((to.saturating_sub(from)) as f64 * u) as u128;
    first + offset.min(m - 1) as i64
}

/// Keeps LHS draws apart from every simulation stream derived from the same seed.
const LHS_SALT: u64 = 0x4c48_535f_5357_4545;

/// The overrides that make point `p`.
pub fn point_overrides(
    parameters: &[Parameter],
    point: &Point,
    file: &Path,
) -> Result<Vec<Override>, String> {
    parameters
        .iter()
        .zip(&point.values)
        .map(|(p, v)| {
            let origin = format!(
                "sweep point {} ({}: {} = {})",
                point.id,
                file.display(),
                p.path,
                render_value(v)
            );
            Override::new(&p.path, v.clone(), origin)
        })
        .collect()
}

/// Checks each parameter's values one at a time on the base scenario, so a wrong path or an
/// out-of-range value is reported once, at the parameter's line in the sweep file, rather than
/// once per design point. (For a Latin hypercube: both ends of the range.)
fn check_parameters_alone(
    base: &Sources,
    shared: &[Override],
    parameters: &[Parameter],
    sweep: &Sources,
) -> Result<(), String> {
    let mut errors = Vec::new();
    for (i, p) in parameters.iter().enumerate() {
        let (key, values) = match &p.levels {
            Levels::List(values) => ("values", values.clone()),
            Levels::Interval { lo, hi } => {
                ("range", vec![number(*lo, p.integer), number(*hi, p.integer)])
            }
        };
        let written = sweep
            .locate(&format!("parameters[{i}].{key}"))
            .map(|l| format!("{}:{}:{}", l.path.display(), l.line, l.column))
            .unwrap_or_else(|| {
                sweep.user_file().map_or(String::new(), |f| f.path.display().to_string())
            });
        for value in values {
            let shown = render_value(&value);
            let origin = format!("{written}, {} = {shown}", p.path);
            let mut overrides = shared.to_vec();
            overrides.push(Override::new(&p.path, value, origin)?);
            if let Err(e) = Scenario::from_sources(base, &overrides) {
                errors.push(format!("sweep parameter {} = {shown} ({written}):\n{e}", p.path));
                break;
            }
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(errors.join("\n\n")) }
}

/// Checks every point as a scenario before anything runs, so a bad value anywhere in the
/// design fails the sweep at once rather than after hours.
fn point_scenarios(
    base: &Sources,
    shared: &[Override],
    parameters: &[Parameter],
    points: &[Point],
    file: &Path,
) -> Result<Vec<Scenario>, String> {
    let mut scenarios = Vec::with_capacity(points.len());
    let mut errors = Vec::new();
    for point in points {
        let mut overrides = shared.to_vec();
        overrides.extend(point_overrides(parameters, point, file)?);
        match Scenario::from_sources(base, &overrides) {
            Ok(sc) => scenarios.push(sc),
            Err(e) => errors.push(format!("sweep point {}:\n{e}", point.id)),
        }
    }
    if errors.is_empty() {
        return same_indicators(&scenarios, points).map(|()| scenarios);
    }
    let more = errors.len().saturating_sub(MAX_POINT_ERRORS);
    let mut message = errors[..errors.len().min(MAX_POINT_ERRORS)].join("\n\n");
    if more > 0 {
        message.push_str(&format!("\n\n... and {more} more points with errors"));
    }
    Err(format!("{} of {} design points are invalid:\n{message}", errors.len(), points.len()))
}

/// Every point must report the same indicators (one `runs.csv` column each); which follow-up
/// years are reported depends on the horizon, so a varied horizon must stay within one bracket.
fn same_indicators(scenarios: &[Scenario], points: &[Point]) -> Result<(), String> {
    let years = |sc: &Scenario| -> Vec<bool> {
        crate::experiments::YEARS.iter().map(|(day, _)| *day <= sc.meta.horizon_days).collect()
    };
    let Some(first) = scenarios.first() else { return Ok(()) };
    match scenarios.iter().zip(points).find(|(sc, _)| years(sc) != years(first)) {
        None => Ok(()),
        Some((sc, point)) => Err(format!(
            "sweep point {} has horizon_days = {}, point 0 has {}: they report different follow-up \
             years (1, 2, 5 years fit when the horizon reaches 365, 730, 1826 days), so their \
             indicators differ; vary the horizon within one of these brackets",
            point.id, sc.meta.horizon_days, first.meta.horizon_days
        )),
    }
}

/// How a value is written in `points.csv` and `runs.csv`: numbers and booleans as TOML
/// writes them, strings bare, arrays and tables as inline TOML.
pub fn csv_value(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn interval(path: &str, lo: f64, hi: f64, integer: bool) -> Parameter {
        Parameter { path: path.into(), integer, levels: Levels::Interval { lo, hi } }
    }

    #[test]
    fn grid_is_every_combination_first_slowest() {
        let a = Parameter {
            path: "a".into(),
            integer: false,
            levels: Levels::List(vec![Value::Float(0.1), Value::Float(0.2)]),
        };
        let b = Parameter {
            path: "b".into(),
            integer: true,
            levels: Levels::List((1..=3).map(Value::Integer).collect()),
        };
        let points = grid(&[a, b]);
        assert_eq!(points.len(), 6);
        assert_eq!(points[1].values, vec![Value::Float(0.1), Value::Integer(2)]);
        assert_eq!(points[3].values, vec![Value::Float(0.2), Value::Integer(1)]);
    }

    #[test]
    fn spaced_values_are_short_and_rounded() {
        assert_eq!(
            spaced(0.1, 0.8, 3, false),
            vec![Value::Float(0.1), Value::Float(0.45), Value::Float(0.8)]
        );
        assert_eq!(spaced(60.0, 240.0, 4, true), [60, 120, 180, 240].map(Value::Integer).to_vec());
    }

    #[test]
    fn whole_numbers_are_stratified_over_the_whole_numbers() {
        let values = |lo: f64, hi: f64, n: usize| {
            let mut v: Vec<i64> = lhs(&[interval("a", lo, hi, true)], n, 3)
                .iter()
                .map(|p| p.values[0].as_integer().expect("whole number"))
                .collect();
            v.sort();
            v
        };
        // As many points as values: each value once, the ends included.
        assert_eq!(values(1.0, 10.0, 10), (1..=10).collect::<Vec<_>>());
        // Fewer points: all distinct, one from each run of two.
        let five = values(1.0, 10.0, 5);
        for (k, v) in five.iter().enumerate() {
            assert!((1 + 2 * k as i64..=2 + 2 * k as i64).contains(v), "{five:?}");
        }
        // More points than values: each value equally often.
        let twenty = values(60.0, 64.0, 20);
        for v in 60..=64 {
            assert_eq!(twenty.iter().filter(|x| **x == v).count(), 4, "{twenty:?}");
        }
    }

    #[test]
    fn lhs_puts_one_sample_in_each_stratum_and_is_deterministic() {
        let ps = [interval("a", 0.0, 1.0, false), interval("b", 10.0, 30.0, false)];
        let points = lhs(&ps, 10, 7);
        assert_eq!(points, lhs(&ps, 10, 7));
        assert_ne!(points, lhs(&ps, 10, 8));
        for (k, p) in ps.iter().enumerate() {
            let Levels::Interval { lo, hi } = p.levels else { unreachable!() };
            let mut strata: Vec<usize> = points
                .iter()
                .map(|pt| (((pt.values[k].as_float().unwrap() - lo) / (hi - lo)) * 10.0) as usize)
                .collect();
            strata.sort();
            assert_eq!(strata, (0..10).collect::<Vec<_>>());
        }
    }
}
