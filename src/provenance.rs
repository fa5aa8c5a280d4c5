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
}
