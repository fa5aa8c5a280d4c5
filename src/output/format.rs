//! The bottom of the output layer: how numbers and names are written, in files and on screen.
//! Everything else in `output/` (and the table builders elsewhere) may use these; they use
//! nothing of the output layer.

use std::collections::BTreeMap;

/// Floats in CSV: fixed, short, and the same on every platform.
pub fn num(x: f64) -> String {
    if x.is_nan() {
        "NA".into()
    } else if x == x.trunc() && x.abs() < 1e15 {
        format!("{x:.0}")
    } else {
        format!("{x:.6}")
    }
}

/// JSON has no NaN: an undefined estimate (e.g. a median never reached) is written as null.
pub fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

/// A scenario or sweep name made safe for a file or folder name.
pub fn sanitize(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' })
        .collect()
}

/// A value for the terminal, in its unit; undefined estimates read "n/a".
pub fn fmt_value(unit: &str, x: f64) -> String {
    if !x.is_finite() {
        return "n/a".into();
    }
    match unit {
        "share" => format!("{:.1}%", 100.0 * x),
        "euro" if x < 0.0 => format!("-€{}", thousands(-x)),
        "euro" => format!("€{}", thousands(x)),
        "0-1" => format!("{x:.3}"),
        _ => format!("{x:.1}"),
    }
}

/// Euros with thousands separators, as policy readers expect.
pub fn thousands(x: f64) -> String {
    let neg = x < 0.0;
    let digits = format!("{:.0}", x.abs());
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if neg { format!("-{out}") } else { out }
}

/// Escapes text for HTML element content and attribute values.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// `[a] b = 1` becomes `a.b = 1`; inline tables are flattened too, arrays stay one value.
pub fn flatten_toml(text: &str) -> Result<BTreeMap<String, String>, String> {
    let value: toml::Table = toml::from_str(text).map_err(|e| e.to_string())?;
    let mut out = BTreeMap::new();
    flatten_into("", &value, &mut out);
    Ok(out)
}

fn flatten_into(prefix: &str, table: &toml::Table, out: &mut BTreeMap<String, String>) {
    for (key, value) in table {
        let full = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
        match value {
            toml::Value::Table(t) => flatten_into(&full, t, out),
            other => {
                out.insert(full, other.to_string());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flattening_joins_table_keys_and_keeps_arrays_whole() {
        let flat = flatten_toml("a = 1\n[b]\nc = \"x\"\nd = [1, 2]\n[b.e]\nf = true\n").unwrap();
        assert_eq!(flat["a"], "1");
        assert_eq!(flat["b.c"], "\"x\"");
        assert_eq!(flat["b.d"], "[1, 2]");
        assert_eq!(flat["b.e.f"], "true");
    }
}
