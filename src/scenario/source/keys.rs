//! Dotted key paths (`services.addiction_care.capacity`, `items[2].name`) over the spanned
//! TOML document: which key an error span falls in, and where a given key was written.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// One step of a key path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Segment {
    Key(String),
    Index(usize),
}

/// Renders a path the way it would be written in TOML, quoting keys that are not bare.
pub(crate) fn render(path: &[Segment]) -> String {
    let mut out = String::new();
    for segment in path {
        match segment {
            Segment::Key(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(&render_key(key));
            }
            Segment::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

fn render_key(key: &str) -> String {
    let bare =
        !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare { key.to_string() } else { format!("{key:?}") }
}

/// Parses what [`render`] produces (plus plain `a.b.c`). `None` for malformed input, since
/// callers pass keys by hand and a typo must not panic.
pub(crate) fn parse_dotted(dotted: &str) -> Option<Vec<Segment>> {
    let mut path = Vec::new();
    let mut chars = dotted.chars().peekable();
    loop {
        path.push(Segment::Key(parse_key(&mut chars)?));
        while chars.peek() == Some(&'[') {
            chars.next();
            path.push(Segment::Index(parse_index(&mut chars)?));
        }
        match chars.next() {
            None => return Some(path),
            Some('.') => continue,
            Some(_) => return None,
        }
    }
}

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

fn parse_key(chars: &mut Chars<'_>) -> Option<String> {
    if chars.peek() == Some(&'"') {
        chars.next();
        return parse_quoted(chars);
    }
    let mut key = String::new();
    while let Some(&c) = chars.peek() {
        if c == '.' || c == '[' {
            break;
        }
        if c == ']' || c == '"' {
            return None;
        }
        key.push(c);
        chars.next();
    }
    (!key.is_empty()).then_some(key)
}

fn parse_quoted(chars: &mut Chars<'_>) -> Option<String> {
    let mut key = String::new();
    loop {
        match chars.next()? {
            '"' => return Some(key),
            '\\' => key.push(chars.next()?),
            c => key.push(c),
        }
    }
}

fn parse_index(chars: &mut Chars<'_>) -> Option<usize> {
    let mut digits = String::new();
    loop {
        match chars.next()? {
            ']' => return digits.parse().ok(),
            c => digits.push(c),
        }
    }
}

/// The deepest key whose key or value span contains `target`, rendered as a dotted path.
/// Every table is searched, not only those whose span contains the target, because a table
/// built from several `[a.b]` headers has children scattered across the file.
pub(crate) fn key_at_span(root: &DeTable<'_>, target: &Range<usize>) -> Option<String> {
    let mut search = SpanSearch { target, path: Vec::new(), best: None };
    search.table(root);
    search.best.map(|path| render(&path))
}

struct SpanSearch<'t> {
    target: &'t Range<usize>,
    path: Vec<Segment>,
    best: Option<Vec<Segment>>,
}

impl SpanSearch<'_> {
    fn table(&mut self, table: &DeTable<'_>) {
        for (key, value) in table.iter() {
            self.path.push(Segment::Key(key.get_ref().to_string()));
            self.consider(&[key.span(), value.span()]);
            self.value(value);
            self.path.pop();
        }
    }

    fn value(&mut self, value: &Spanned<DeValue<'_>>) {
        match value.get_ref() {
            DeValue::Table(table) => self.table(table),
            DeValue::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.path.push(Segment::Index(i));
                    self.consider(&[item.span()]);
                    self.value(item);
                    self.path.pop();
                }
            }
            _ => {}
        }
    }

    fn consider(&mut self, spans: &[Range<usize>]) {
        let hit = spans.iter().any(|s| s.start <= self.target.start && self.target.end <= s.end);
        let deeper = self.best.as_ref().is_none_or(|b| self.path.len() > b.len());
        if hit && deeper {
            self.best = Some(self.path.clone());
        }
    }
}

/// The span to point at for `path`: the value for plain values (that is what a range check
/// complains about), the key for tables (a header's value spans whole sections).
pub(crate) fn span_of(root: &DeTable<'_>, path: &[Segment]) -> Option<Range<usize>> {
    let (first, rest) = path.split_first()?;
    let Segment::Key(first) = first else {
        return None;
    };
    let (key, mut value) = root.get_key_value(first.as_str())?;
    let mut span = pointer(key.span(), value);
    for segment in rest {
        let (key_span, next) = step(value, segment)?;
        span = pointer(key_span.unwrap_or_else(|| next.span()), next);
        value = next;
    }
    Some(span)
}

/// Removes the key at `path` from the spanned document (to look past one problem for the
/// next). `false` if there is no such key or the path ends in an array index.
pub(crate) fn remove_spanned(root: &mut DeTable<'_>, path: &[Segment]) -> bool {
    let Some((Segment::Key(last), parents)) = path.split_last() else { return false };
    let mut here = root;
    let mut segments = parents.iter().peekable();
    while let Some(segment) = segments.next() {
        let Segment::Key(key) = segment else { return false };
        let Some(value) = here.get_mut(key.as_str()) else { return false };
        let mut value = value.get_mut();
        // Follow indices into arrays of tables (`parameters[0].path`).
        while let Some(Segment::Index(k)) = segments.peek() {
            segments.next();
            let DeValue::Array(items) = value else { return false };
            let Some(item) = items.get_mut(*k) else { return false };
            value = item.get_mut();
        }
        let DeValue::Table(table) = value else { return false };
        here = table;
    }
    here.remove(last.as_str()).is_some()
}

/// Removes the key at `path` from a plain table; `false` if it is not there.
pub(crate) fn remove_plain(root: &mut toml::Table, path: &[Segment]) -> bool {
    let Some((Segment::Key(last), parents)) = path.split_last() else { return false };
    let mut here: &mut toml::Table = root;
    let mut segments = parents.iter().peekable();
    while let Some(segment) = segments.next() {
        let Segment::Key(key) = segment else { return false };
        let Some(mut value) = here.get_mut(key) else { return false };
        while let Some(Segment::Index(k)) = segments.peek() {
            segments.next();
            let toml::Value::Array(items) = value else { return false };
            let Some(item) = items.get_mut(*k) else { return false };
            value = item;
        }
        let toml::Value::Table(table) = value else { return false };
        here = table;
    }
    here.remove(last).is_some()
}

fn step<'v, 'i>(
    value: &'v Spanned<DeValue<'i>>,
    segment: &Segment,
) -> Option<(Option<Range<usize>>, &'v Spanned<DeValue<'i>>)> {
    match (value.get_ref(), segment) {
        (DeValue::Table(table), Segment::Key(key)) => {
            let (k, v) = table.get_key_value(key.as_str())?;
            Some((Some(k.span()), v))
        }
        (DeValue::Array(items), Segment::Index(i)) => Some((None, items.get(*i)?)),
        _ => None,
    }
}

fn pointer(key_span: Range<usize>, value: &Spanned<DeValue<'_>>) -> Range<usize> {
    match value.get_ref() {
        DeValue::Table(_) => key_span,
        _ => value.span(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> Segment {
        Segment::Key(s.to_string())
    }

    #[test]
    fn render_and_parse_round_trip() {
        let path = vec![key("services"), key("a b.c"), key("x"), Segment::Index(2), key("y")];
        let rendered = render(&path);
        assert_eq!(rendered, r#"services."a b.c".x[2].y"#);
        assert_eq!(parse_dotted(&rendered), Some(path));
    }

    #[test]
    fn malformed_dotted_keys_are_none() {
        for bad in ["", ".", "a.", "a..b", "a[", "a[x]", "\"a", "a[1]b", "a]"] {
            assert_eq!(parse_dotted(bad), None, "{bad}");
        }
    }

    #[test]
    fn finds_deepest_key_and_value_location() {
        let text = "[services.a]\ncapacity = 5\n[[items]]\nname = \"x\"\n[[items]]\nname = \"y\"\n";
        let doc = DeTable::parse(text).unwrap();
        let at = |needle: &str| {
            let start = text.find(needle).unwrap();
            key_at_span(doc.get_ref(), &(start..start + needle.len()))
        };
        assert_eq!(at("capacity").as_deref(), Some("services.a.capacity"));
        assert_eq!(at("5").as_deref(), Some("services.a.capacity"));
        assert_eq!(at("\"y\"").as_deref(), Some("items[1].name"));

        let span = span_of(doc.get_ref(), &parse_dotted("services.a.capacity").unwrap());
        assert_eq!(span.map(|s| &text[s]), Some("5"));
        let span = span_of(doc.get_ref(), &parse_dotted("services.a").unwrap());
        assert_eq!(span.map(|s| &text[s]), Some("a"));
        let span = span_of(doc.get_ref(), &parse_dotted("items[1].name").unwrap());
        assert_eq!(span.map(|s| &text[s]), Some("\"y\""));
        assert_eq!(span_of(doc.get_ref(), &parse_dotted("items[7]").unwrap()), None);
        assert_eq!(span_of(doc.get_ref(), &parse_dotted("services.a.capacity.x").unwrap()), None);
    }
}
