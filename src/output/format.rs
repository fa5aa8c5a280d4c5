//! The bottom of the output layer: how numbers and names are written, in files and on screen.
//! Everything else in `output/` (and the table builders elsewhere) may use these; they use
//! nothing of the output layer.

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
