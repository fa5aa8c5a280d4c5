//! Parameter overrides by dotted TOML path (`regime.warm_handover`,
//! `services.addiction_care.capacity`, `services.shelter.climate.structure`): the one mechanism
//! behind `--set PATH=VALUE` and every design point of a sweep.
//!
//! An override is applied to the merged TOML table of a scenario (after `extends` is resolved)
//! and before deserialization and validation, so a mistyped path or an out-of-range value is
//! caught by exactly the checks a scenario file gets. The diagnostics then name the override
//! (where it came from, e.g. the command line or a sweep point) instead of a file line.

use std::fmt;

use toml::Value;

use super::source::keys::{self, Segment};

/// One `PATH = VALUE` replacement, and where it came from (for error messages).
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    /// The dotted path as normalised by the key renderer, e.g. `services.shelter.climate.structure`.
    pub path: String,
    pub value: Value,
    /// Shown where a file line would be, e.g. `--set regime.warm_handover=1.5`.
    pub origin: String,
}

impl Override {
    /// An override from code (sweeps); `origin` says where it came from.
    pub fn new(path: &str, value: Value, origin: impl Into<String>) -> Result<Override, String> {
        let segments = parse_path(path)?;
        Ok(Override { path: keys::render(&segments), value, origin: origin.into() })
    }

    /// Parses a command-line `PATH=VALUE`. The value is read as TOML (number, bool, quoted
    /// string, array, inline table); anything that is not valid TOML is taken as a plain
    /// string, so `--set regime.probation.response=care` works without shell-quoted quotes.
    pub fn parse_cli(arg: &str) -> Result<Override, String> {
        let Some((path, value)) = arg.split_once('=') else {
            return Err(format!("`{arg}` is not PATH=VALUE (e.g. regime.warm_handover=0.8)"));
        };
        let path = path.trim();
        let value = parse_value(value.trim());
        Override::new(path, value, format!("--set {arg}"))
    }

    fn segments(&self) -> Vec<Segment> {
        // `path` was produced by `render` from a parsed path, so it parses again.
        keys::parse_dotted(&self.path).unwrap_or_default()
    }

    /// Whether a problem at `dotted_key` is this override's doing: the key is the overridden
    /// one, inside it (a table value), or a table this override had to create.
    pub(crate) fn owns(&self, dotted_key: &str, created: &str) -> bool {
        let under = |root: &str| {
            dotted_key == root
                || dotted_key.strip_prefix(root).is_some_and(|r| r.starts_with(['.', '[']))
        };
        under(&self.path) || under(created)
    }
}

impl fmt::Display for Override {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} = {}", self.path, render_value(&self.value))
    }
}

fn parse_path(path: &str) -> Result<Vec<Segment>, String> {
    let segments = keys::parse_dotted(path).ok_or_else(|| {
        format!("`{path}` is not a dotted key path (e.g. services.addiction_care.capacity)")
    })?;
    if let [Segment::Key(table), Segment::Key(key), ..] = segments.as_slice()
        && table == "scenario"
        && key == "extends"
    {
        return Err("`scenario.extends` cannot be overridden: it is resolved before overrides \
                    apply"
            .into());
    }
    Ok(segments)
}

/// A TOML value from command-line text; not-TOML text is a string.
pub fn parse_value(text: &str) -> Value {
    let doc = format!("v = {text}");
    match doc.parse::<toml::Table>() {
        Ok(mut table) => table.remove("v").unwrap_or_else(|| Value::String(text.into())),
        Err(_) => Value::String(text.into()),
    }
}

/// A value as it would be written in TOML (strings quoted), for messages and provenance.
pub fn render_value(value: &Value) -> String {
    match value {
        Value::String(s) => format!("{s:?}"),
        other => other.to_string(),
    }
}

/// Sets `o.value` at `o.path` in `root`. Returns the path of the highest table it had to
/// create (or the path itself), so later diagnostics under it can blame the override.
pub(crate) fn apply(root: &mut toml::Table, o: &Override) -> Result<String, String> {
    // Work on a copy: a refused override leaves the scenario as it was.
    let mut copy = root.clone();
    let created = apply_to(&mut copy, o)?;
    *root = copy;
    Ok(created)
}

fn apply_to(root: &mut toml::Table, o: &Override) -> Result<String, String> {
    let segments = o.segments();
    let Some((last, parents)) = segments.split_last() else {
        return Err(format!("empty override path in {}", o.origin));
    };
    if segments == [Segment::Key(SERVICES.into())] {
        return Err(format!(
            "`{SERVICES}` cannot be overridden as a whole (that would add or drop services); \
             set values inside one, e.g. services.addiction_care.capacity=240"
        ));
    }
    let mut created: Option<usize> = None;
    let mut here = Slot::Table(root);
    for (depth, segment) in parents.iter().enumerate() {
        if depth == 1 {
            refuse_new_service(&here, &segments, o)?;
        }
        let (next, made) = here.child(segment, &segments[..=depth])?;
        if made && created.is_none() {
            created = Some(depth);
        }
        here = next;
    }
    if segments.len() == 2 {
        refuse_new_service(&here, &segments, o)?;
    }
    let value = merge_into(here.get(last), o.value.clone());
    here.set(last, value, &segments)?;
    refuse_extends(root, o)?;
    Ok(keys::render(&segments[..=created.unwrap_or(segments.len() - 1)]))
}

const SERVICES: &str = "services";

/// A new key under `[services]` would silently add a service with default values.
fn refuse_new_service(here: &Slot, segments: &[Segment], o: &Override) -> Result<(), String> {
    if let ([Segment::Key(first), Segment::Key(name), ..], Slot::Table(t)) = (segments, here)
        && first == SERVICES
        && !t.contains_key(name)
    {
        let known: Vec<&str> = t.keys().map(String::as_str).collect();
        return Err(format!(
            "unknown service `{name}` in override `{}`; overrides set values of existing \
             services only\nservices in this scenario: {}",
            o.path,
            known.join(", ")
        ));
    }
    Ok(())
}

/// `extends` names files, which are read before any override applies: an override that
/// smuggles it in (`scenario={extends="..."}`) would write a resolved scenario that does not
/// re-run as it ran.
fn refuse_extends(root: &toml::Table, o: &Override) -> Result<(), String> {
    match root.get("scenario").and_then(Value::as_table) {
        Some(scenario) if scenario.contains_key("extends") => Err(format!(
            "`scenario.extends` cannot be set by an override (in `{}`): it is resolved before overrides apply",
            o.path
        )),
        _ => Ok(()),
    }
}

/// The value an override leaves at its path: an inline table sets the keys it names inside
/// the existing table (keys it does not name keep their values), so an override changes
/// values of keys and never silently drops the rest of a table; a float key given a whole
/// number stays a float.
fn merge_into(existing: Option<&Value>, value: Value) -> Value {
    match (existing, value) {
        (Some(Value::Table(old)), Value::Table(new)) => {
            let mut merged = old.clone();
            for (key, value) in new {
                let value = merge_into(merged.get(&key), value);
                merged.insert(key, value);
            }
            Value::Table(merged)
        }
        (existing, value) => coerce(existing, value),
    }
}

/// A float key given a whole number (`--set regime.warm_handover=1`) stays a float, so the
/// user does not have to write `1.0`.
fn coerce(existing: Option<&Value>, value: Value) -> Value {
    match (existing, value) {
        (Some(Value::Float(_)), Value::Integer(i)) => Value::Float(i as f64),
        (_, value) => value,
    }
}

/// Where the walk down the path currently is: a table or an array.
enum Slot<'a> {
    Table(&'a mut toml::Table),
    Array(&'a mut Vec<Value>),
}

impl<'a> Slot<'a> {
    /// The table or array at `segment`, creating a missing table. `true` if it was created.
    fn child(self, segment: &Segment, so_far: &[Segment]) -> Result<(Slot<'a>, bool), String> {
        let here = keys::render(so_far);
        let (value, made) = match (self, segment) {
            (Slot::Table(t), Segment::Key(k)) => {
                let made = !t.contains_key(k);
                let value = t.entry(k.clone()).or_insert_with(|| Value::Table(Default::default()));
                (value, made)
            }
            (Slot::Array(a), Segment::Index(i)) => {
                let len = a.len();
                let value = a
                    .get_mut(*i)
                    .ok_or_else(|| format!("`{here}`: index {i} is past the end ({len} items)"))?;
                (value, false)
            }
            (Slot::Table(_), Segment::Index(_)) => {
                return Err(format!("`{here}`: cannot index a table with [..]"));
            }
            (Slot::Array(_), Segment::Key(_)) => {
                return Err(format!("`{here}`: an array needs an index like [0]"));
            }
        };
        match value {
            Value::Table(t) => Ok((Slot::Table(t), made)),
            Value::Array(a) => Ok((Slot::Array(a), made)),
            other => Err(format!(
                "`{here}` is a {}, not a table, so nothing can be set inside it",
                other.type_str()
            )),
        }
    }

    fn get(&self, segment: &Segment) -> Option<&Value> {
        match (self, segment) {
            (Slot::Table(t), Segment::Key(k)) => t.get(k),
            (Slot::Array(a), Segment::Index(i)) => a.get(*i),
            _ => None,
        }
    }

    fn set(self, segment: &Segment, value: Value, path: &[Segment]) -> Result<(), String> {
        match (self, segment) {
            (Slot::Table(t), Segment::Key(k)) => {
                t.insert(k.clone(), value);
                Ok(())
            }
            (Slot::Array(a), Segment::Index(i)) => {
                let len = a.len();
                let slot = a.get_mut(*i).ok_or_else(|| {
                    format!("`{}`: index {i} is past the end ({len} items)", keys::render(path))
                })?;
                *slot = value;
                Ok(())
            }
            _ => Err(format!("`{}` does not match the shape of the scenario", keys::render(path))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> toml::Table {
        text.parse().unwrap()
    }

    #[test]
    fn values_parse_as_toml_else_string() {
        assert_eq!(parse_value("0.5"), Value::Float(0.5));
        assert_eq!(parse_value("12"), Value::Integer(12));
        assert_eq!(parse_value("true"), Value::Boolean(true));
        assert_eq!(parse_value("\"care\""), Value::String("care".into()));
        assert_eq!(parse_value("care"), Value::String("care".into()));
        assert!(matches!(parse_value("[\"id\", \"income\"]"), Value::Array(a) if a.len() == 2));
    }

    #[test]
    fn sets_nested_and_creates_missing_tables() {
        let mut t = table("[regime]\nwarm_handover = 0.1\n[services.shelter]\ncapacity = 60\n");
        let o = Override::parse_cli("regime.warm_handover=1").unwrap();
        assert_eq!(apply(&mut t, &o).unwrap(), "regime.warm_handover");
        assert_eq!(t["regime"]["warm_handover"], Value::Float(1.0));
        let o = Override::parse_cli("services.shelter.climate.structure=0.7").unwrap();
        assert_eq!(apply(&mut t, &o).unwrap(), "services.shelter.climate");
        assert_eq!(t["services"]["shelter"]["climate"]["structure"], Value::Float(0.7));
        assert!(o.owns("services.shelter.climate.structure", "services.shelter.climate"));
        assert!(!o.owns("services.shelter.capacity", "services.shelter.climate"));
    }

    #[test]
    fn refuses_new_services_and_bad_paths() {
        let mut t = table("[services.shelter]\ncapacity = 60\n");
        let o = Override::parse_cli("services.shelterr.capacity=3").unwrap();
        let e = apply(&mut t, &o).unwrap_err();
        assert!(e.contains("unknown service `shelterr`") && e.contains("shelter"), "{e}");
        let o = Override::parse_cli("services.shelter.capacity.x=3").unwrap();
        assert!(apply(&mut t, &o).unwrap_err().contains("not a table"));
        assert!(Override::parse_cli("no-equals-sign").is_err());
        assert!(Override::parse_cli("a..b=1").is_err());
        assert!(Override::parse_cli("scenario.extends=\"x.toml\"").is_err());
    }

    #[test]
    fn refuses_whole_new_services_and_smuggled_extends() {
        let mut t = table("[scenario]\nname = \"a\"\n[services.shelter]\ncapacity = 60\n");
        let o = Override::parse_cli("services.ghost={domain=\"addiction\"}").unwrap();
        assert!(apply(&mut t, &o).unwrap_err().contains("unknown service `ghost`"));
        let o = Override::parse_cli("services={ghost={domain=\"addiction\"}}").unwrap();
        assert!(apply(&mut t, &o).unwrap_err().contains("cannot be overridden as a whole"));
        let o = Override::parse_cli("scenario={name=\"x\", extends=\"/etc/passwd\"}").unwrap();
        assert!(apply(&mut t, &o).unwrap_err().contains("`scenario.extends` cannot be set"));
        assert!(!t.to_string().contains("passwd"));
    }

    #[test]
    fn inline_tables_set_keys_inside_the_existing_table() {
        let mut t = table("[services.shelter]\ncapacity = 60\ncost_per_day = 80.0\n");
        let o = Override::parse_cli("services.shelter={capacity=5, cost_per_day=1}").unwrap();
        apply(&mut t, &o).unwrap();
        assert_eq!(t["services"]["shelter"]["capacity"], Value::Integer(5));
        assert_eq!(t["services"]["shelter"]["cost_per_day"], Value::Float(1.0));
        let o = Override::parse_cli("services.shelter={capacity=7}").unwrap();
        apply(&mut t, &o).unwrap();
        assert_eq!(t["services"]["shelter"]["cost_per_day"], Value::Float(1.0), "kept");
    }
}
