//! Rewrites serde's "unknown field" / "unknown variant" messages into a short message and a
//! "did you mean" help listing what is allowed, because the raw message buries the typo in a
//! long list.

/// A user-facing message and optional help for a deserialization error message.
pub(crate) fn explain(serde_message: &str) -> (String, Option<String>) {
    for (kind, noun, allowed) in [("field", "key", "keys"), ("variant", "value", "values")] {
        if let Some((name, expected)) = parse_unknown(serde_message, kind) {
            let message = format!("unknown {noun} `{name}`");
            return (message, Some(help(&name, &expected, allowed)));
        }
    }
    (plain_types(serde_message), None)
}

/// Replaces Rust type names at the end of "invalid type/value: ..., expected u32" with
/// words a scenario author knows; other messages pass through unchanged.
fn plain_types(message: &str) -> String {
    let typed = message.starts_with("invalid type: ") || message.starts_with("invalid value: ");
    let Some((head, expected)) = message.rsplit_once(", expected ").filter(|_| typed) else {
        return message.to_string();
    };
    let plain = match expected {
        "f32" | "f64" => "a number",
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => "a whole number, 0 or more",
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => "a whole number",
        "a map" => "a table",
        "a sequence" => "an array",
        e if e.starts_with("struct ") => "a table",
        e if e.starts_with("enum ") => "one of the allowed values",
        e => e,
    };
    format!("{head}, expected {plain}")
}

/// Splits "unknown field `x`, expected one of `a`, `b`" into `x` and `[a, b]`; serde also
/// writes "expected `a`", "expected `a` or `b`" and "there are no fields".
fn parse_unknown(message: &str, kind: &str) -> Option<(String, Vec<String>)> {
    let rest = message.strip_prefix(&format!("unknown {kind} `"))?;
    let end = rest.find("`, expected ").or_else(|| rest.find("`, there are no "))?;
    let expected = rest[end + 1..].split('`').skip(1).step_by(2).map(str::to_string).collect();
    Some((rest[..end].to_string(), expected))
}

fn help(name: &str, expected: &[String], allowed: &str) -> String {
    if expected.is_empty() {
        return format!("no {allowed} are allowed here");
    }
    let list = expected.join(", ");
    match nearest(name, expected) {
        Some(best) => format!("did you mean `{best}`? allowed {allowed}: {list}"),
        None => format!("allowed {allowed}: {list}"),
    }
}

/// The closest candidate, only when close enough to be a plausible typo.
pub(crate) fn nearest<'c>(name: &str, candidates: &'c [String]) -> Option<&'c str> {
    let len = name.chars().count();
    let limit = (len / 3).max(2);
    candidates
        .iter()
        .map(|c| (levenshtein(name, c), c))
        .filter(|&(d, _)| d <= limit && d < len)
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c.as_str())
}

/// Edit distance counting insertions, deletions and substitutions of characters.
pub(crate) fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous[j] + usize::from(ca != *cb);
            current.push(substitute.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levenshtein_distances() {
        assert_eq!(levenshtein("", ""), 0);
        assert_eq!(levenshtein("abc", ""), 3);
        assert_eq!(levenshtein("kitten", "sitting"), 3);
        assert_eq!(levenshtein("warm_handoverr", "warm_handover"), 1);
        assert_eq!(levenshtein("é", "e"), 1);
    }

    #[test]
    fn unknown_field_with_suggestion() {
        let (message, help) = explain(
            "unknown field `warm_handoverr`, expected one of `planning_days`, `warm_handover`",
        );
        assert_eq!(message, "unknown key `warm_handoverr`");
        assert_eq!(
            help.as_deref(),
            Some("did you mean `warm_handover`? allowed keys: planning_days, warm_handover")
        );
    }

    #[test]
    fn unknown_variant_forms() {
        let (message, help) = explain("unknown variant `zzz`, expected `fragmented` or `through`");
        assert_eq!(message, "unknown value `zzz`");
        assert_eq!(help.as_deref(), Some("allowed values: fragmented, through"));
        let (_, help) = explain("unknown field `x`, there are no fields");
        assert_eq!(help.as_deref(), Some("no keys are allowed here"));
    }

    #[test]
    fn rust_type_names_become_plain_words() {
        let (message, help) = explain("invalid type: string \"a\", expected u32");
        let expected = "invalid type: string \"a\", expected a whole number, 0 or more";
        assert_eq!((message.as_str(), help), (expected, None));
        let (message, _) = explain("invalid type: integer `5`, expected struct Regime");
        assert_eq!(message, "invalid type: integer `5`, expected a table");
        let (message, _) = explain("duplicate key, expected u8");
        assert_eq!(message, "duplicate key, expected u8");
    }

    #[test]
    fn no_suggestion_when_far() {
        let candidates = vec!["capacity".to_string(), "wait_days".to_string()];
        assert_eq!(nearest("budget", &candidates), None);
        assert_eq!(nearest("capacty", &candidates), Some("capacity"));
        assert_eq!(nearest("x", &candidates), None);
    }
}
