//! Where each parameter value comes from. Sources are written where the values are: as the
//! trailing comment of each `key = value` line of a scenario file (a publication and year, or
//! `assumption`). This module reads them back so reports can list value and source side by
//! side, and so tests can insist that no shipped value goes without one.
//!
//! The built-in defaults of [`crate::scenario::raw`] equal the values of
//! `scenarios/fragmented.toml` (a test checks this), so that file documents their sources.

/// One documented parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// Dotted key, e.g. `hazards.reoffend_shape`.
    pub key: String,
    pub value: String,
    /// The comment after the value; empty when the line has none.
    pub source: String,
    pub line: usize,
}

/// Reads `key = value  # source` lines, tracking `[table]` headers. Inline tables and arrays
/// count as one value. Comment-only lines are skipped.
pub fn read_sources(text: &str) -> Vec<Source> {
    let mut table = String::new();
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if trimmed.starts_with('[') {
            let end = trimmed.find(']').unwrap_or(trimmed.len());
            table = trimmed[1..end].trim_matches(|c| c == '[' || c == ' ').to_string();
            continue;
        }
        let Some((key, rest)) = trimmed.split_once('=') else { continue };
        let (value, comment) = split_comment(rest);
        let key = key.trim();
        out.push(Source {
            key: if table.is_empty() { key.to_string() } else { format!("{table}.{key}") },
            value: value.trim().to_string(),
            source: comment.trim().to_string(),
            line: n + 1,
        });
    }
    out
}

/// Splits a value from its trailing comment, ignoring `#` inside strings.
fn split_comment(rest: &str) -> (&str, &str) {
    let mut in_string = false;
    for (i, ch) in rest.char_indices() {
        match ch {
            '"' => in_string = !in_string,
            '#' if !in_string => return (&rest[..i], &rest[i + 1..]),
            _ => {}
        }
    }
    (rest, "")
}

/// Keys that are labels or bookkeeping rather than model parameters: no source needed.
pub fn needs_source(key: &str) -> bool {
    let last = key.rsplit('.').next().unwrap_or(key);
    !matches!(last, "name" | "description" | "extends" | "label" | "domain" | "provides" | "payer")
}

/// The sources of the built-in defaults: they equal `scenarios/fragmented.toml` (tested).
const DEFAULTS: &str = include_str!("../../scenarios/fragmented.toml");

/// One resolved parameter of a run, with where its value comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provenance {
    pub key: String,
    pub value: String,
    pub source: String,
    /// The scenario file that set the value (`built-in default` when none did).
    pub file: String,
}

/// Every parameter of `sc` that needs a source, with its resolved value and the source comment
/// of the last file (of the `extends` chain) that set it. A value that differs from the one in
/// that file was set for this run (command line, or the baseline of a comparison), and says so.
pub fn provenance_of(sc: &crate::scenario::Scenario) -> Vec<Provenance> {
    let resolved = toml::to_string(&sc.resolved)
        .ok()
        .and_then(|t| crate::output::format::flatten_toml(&t).ok())
        .unwrap_or_default();
    let mut known: std::collections::BTreeMap<String, (Source, String)> = read_sources(DEFAULTS)
        .into_iter()
        .map(|s| (s.key.clone(), (s, "built-in default".to_string())))
        .collect();
    for path in &sc.files {
        let Ok(text) = std::fs::read_to_string(path) else { continue };
        for s in read_sources(&text) {
            known.insert(s.key.clone(), (s, path.display().to_string()));
        }
    }
    resolved
        .into_iter()
        .filter(|(key, _)| needs_source(key))
        .map(|(key, value)| {
            // Inline tables (a facility's climate) carry one comment for all their keys.
            let documented = known
                .get(&key)
                .or_else(|| key.rsplit_once('.').and_then(|(parent, _)| known.get(parent)));
            let (source, file) = match documented {
                Some((s, file)) => {
                    let same = s.key != key || same_value(&s.value, &value);
                    let source = if same || s.source.is_empty() {
                        s.source.clone()
                    } else {
                        format!("set for this run (file: {}; {})", s.value, s.source)
                    };
                    (source, file.clone())
                }
                None => (String::new(), String::new()),
            };
            Provenance { key, value, source, file }
        })
        .collect()
}

/// Whether a value as written in a file equals the resolved value (`45` vs `45.0` agree).
fn same_value(written: &str, resolved: &str) -> bool {
    // The same text is the same value, which most are; parsing each pair as a TOML document
    // took 1.6 ms of a shipped run's output. (Not `nan`, which differs from itself.)
    if written == resolved && !written.contains("nan") {
        return true;
    }
    let parse = |s: &str| toml::from_str::<toml::Table>(&format!("v = {s}")).ok();
    match (parse(written), parse(resolved)) {
        (Some(a), Some(b)) => match (a.get("v"), b.get("v")) {
            (Some(x), Some(y)) => x == y || (as_f64(x).is_some() && as_f64(x) == as_f64(y)),
            _ => false,
        },
        _ => written == resolved,
    }
}

fn as_f64(v: &toml::Value) -> Option<f64> {
    match v {
        toml::Value::Integer(i) => Some(*i as f64),
        toml::Value::Float(f) => Some(*f),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_keys_values_and_comments_under_tables() {
        let text = "[a]\nx = 1 # src 2020\n[a.b]\ny = \"p#q\"  # assumption\nz = 3\n";
        let s = read_sources(text);
        assert_eq!(s[0].key, "a.x");
        assert_eq!(s[0].source, "src 2020");
        assert_eq!(s[1].key, "a.b.y");
        assert_eq!(s[1].value, "\"p#q\"");
        assert_eq!(s[1].source, "assumption");
        assert_eq!(s[2].source, "");
        assert_eq!(s[2].line, 5);
    }

    #[test]
    fn values_are_the_same_by_what_they_mean_not_how_they_are_written() {
        for (written, resolved) in
            [("45", "45.0"), ("1_000", "1000"), ("0.3", "0.3"), ("\"a\"", "\"a\"")]
        {
            assert!(same_value(written, resolved), "{written} vs {resolved}");
        }
        for (written, resolved) in
            [("45", "46"), ("\"a\"", "\"b\""), ("nan", "nan"), ("1", "\"1\"")]
        {
            assert!(!same_value(written, resolved), "{written} vs {resolved}");
        }
    }
}
