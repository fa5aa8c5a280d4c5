//! The bottom of the output layer: how numbers and names are written, in files and on screen.
//! Everything else in `output/` (and the table builders elsewhere) may use these; they use
//! nothing of the output layer.

use std::collections::BTreeMap;

/// Floats in CSV: fixed, short, and the same on every platform.
pub fn num(x: f64) -> String {
    let mut text = String::new();
    write_num(&mut text, x).expect("a String takes any text");
    text
}

/// Writes `x` as [`num`] does, to any text sink (a buffer on the stack, say).
pub fn write_num(out: &mut impl std::fmt::Write, x: f64) -> std::fmt::Result {
    if x.is_nan() {
        out.write_str("NA")
    } else if x == x.trunc() && x.abs() < 1e15 {
        // Integer formatting is several times faster than float formatting and writes the
        // same digits; only -0 keeps its sign under `{:.0}`.
        match x == 0.0 && x.is_sign_negative() {
            true => out.write_str("-0"),
            false => out.write_str(Digits::new().whole(x.is_sign_negative(), x.abs() as u64)),
        }
    } else {
        match millionths(x) {
            Some(m) => out.write_str(Digits::new().millionths(x.is_sign_negative(), m)),
            None => write!(out, "{x:.6}"),
        }
    }
}

/// A number's text built from the right on the stack: a sign, a whole number and perhaps six
/// decimals (a u64 has at most 20 digits).
struct Digits {
    bytes: [u8; 28],
    start: usize,
}

impl Digits {
    fn new() -> Self {
        Digits { bytes: [0; 28], start: 28 }
    }

    fn push(&mut self, byte: u8) {
        self.start -= 1;
        self.bytes[self.start] = byte;
    }

    fn push_digits(&mut self, mut n: u64, at_least: usize) {
        let end = self.start;
        while n > 0 || end - self.start < at_least {
            self.push(b'0' + (n % 10) as u8);
            n /= 10;
        }
    }

    fn whole(&mut self, negative: bool, n: u64) -> &str {
        self.push_digits(n, 1);
        self.signed(negative)
    }

    fn millionths(&mut self, negative: bool, m: u64) -> &str {
        self.push_digits(m % 1_000_000, 6);
        self.push(b'.');
        self.whole(negative, m / 1_000_000)
    }

    fn signed(&mut self, negative: bool) -> &str {
        if negative {
            self.push(b'-');
        }
        std::str::from_utf8(&self.bytes[self.start..]).expect("only ASCII digits and signs")
    }
}

/// |x| in millionths, rounded to the nearest as `{x:.6}` rounds the exact value of `x`, where
/// the product in double precision is sure to round the same way: |x| below 10⁶ (the
/// product's error is then below 2⁻¹³ of a millionth) and its fraction not within 10⁻³ of a
/// half. `None` otherwise, for the exact formatting.
fn millionths(x: f64) -> Option<u64> {
    let scaled = x.abs() * 1e6;
    if scaled.is_nan() || scaled >= 1e12 {
        return None;
    }
    let whole = scaled.floor();
    let fraction = scaled - whole;
    if (fraction - 0.5).abs() < 1e-3 {
        return None;
    }
    Some(whole as u64 + u64::from(fraction > 0.5))
}

/// A short text kept on the stack; writing more than fits is an error (the caller then
/// makes a `String`), so a table of numbers is written without an allocation per number.
pub struct ShortText {
    bytes: [u8; 48],
    len: usize,
}

impl ShortText {
    pub fn new() -> ShortText {
        ShortText { bytes: [0; 48], len: 0 }
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..self.len]).expect("only whole strs are written")
    }
}

impl Default for ShortText {
    fn default() -> Self {
        ShortText::new()
    }
}

impl std::fmt::Write for ShortText {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        let room = self.bytes.get_mut(self.len..end).ok_or(std::fmt::Error)?;
        room.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
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
    fn numbers_read_the_same_from_the_stack_as_from_a_string() {
        for x in [0.0, -0.0, 1.0, -3.0, 0.25, 1.0 / 3.0, -2.5e-7, 123456.789, 1e14, 1e15 + 0.5] {
            let mut short = ShortText::new();
            write_num(&mut short, x).unwrap();
            assert_eq!(short.as_str(), num(x), "{x}");
        }
        assert_eq!(num(f64::NAN), "NA");
        assert_eq!(num(2.0), "2");
        assert_eq!(num(0.1), "0.100000");
        // Too long for the stack: an error, not a cut-off number.
        assert!(write_num(&mut ShortText::new(), 1e300).is_err());
        assert_eq!(num(1e300).len(), 308);
    }

    /// `write_num` as it was first written: the formatting machinery alone.
    fn formatted(x: f64) -> String {
        if x.is_nan() {
            "NA".into()
        } else if x == x.trunc() && x.abs() < 1e15 {
            format!("{x:.0}")
        } else {
            format!("{x:.6}")
        }
    }

    #[test]
    fn numbers_are_written_as_the_formatting_machinery_writes_them() {
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let unit = |bits: u64| (bits >> 11) as f64 / (1u64 << 53) as f64;
        let mut values = vec![0.0, -0.0, 0.5e-6, -0.5e-6, 1.5e-6, 2.5e-6, 0.1, 999_999.999_999_5];
        values.extend([1e6, 1e6 + 0.25, -1e6 - 0.25, 1e15, -1e15 + 0.5, f64::INFINITY]);
        for _ in 0..100_000 {
            let (a, b) = (next(), next());
            let scale = 10f64.powi((b % 26) as i32 - 12);
            let x = (unit(a) - 0.5) * scale;
            // Near a tie: half a millionth, give or take a few units in the last place.
            let k = (a % 2_000_000) as f64;
            let tie = (k + 0.5) / 1e6;
            let near = f64::from_bits(tie.to_bits().wrapping_add(b % 9).wrapping_sub(4));
            values.extend([x, -x, near, -near, (a % 1_000_000) as f64 / 1e6, f64::from_bits(a)]);
            // Whole numbers of every length, both signs.
            values.push((a % (1u64 << (b % 51))) as f64 * if b % 2 == 0 { 1.0 } else { -1.0 });
        }
        for x in values {
            let mut short = ShortText::new();
            match write_num(&mut short, x) {
                Ok(()) => assert_eq!(short.as_str(), formatted(x), "{x:e}"),
                Err(_) => assert!(formatted(x).len() > 48, "{x:e}"),
            }
            assert_eq!(num(x), formatted(x), "{x:e}");
        }
    }

    #[test]
    fn flattening_joins_table_keys_and_keeps_arrays_whole() {
        let flat = flatten_toml("a = 1\n[b]\nc = \"x\"\nd = [1, 2]\n[b.e]\nf = true\n").unwrap();
        assert_eq!(flat["a"], "1");
        assert_eq!(flat["b.c"], "\"x\"");
        assert_eq!(flat["b.d"], "[1, 2]");
        assert_eq!(flat["b.e.f"], "true");
    }
}
