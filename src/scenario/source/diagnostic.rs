//! Where a scenario problem is (file, line, column, dotted key) and how it is shown: a
//! plain-text, rustc-like rendering, because users fix scenarios by reading these messages,
//! not Rust error chains.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// A position in a scenario file, with the source line kept so the message can show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub path: PathBuf,
    /// 1-based.
    pub line: usize,
    /// 1-based, counted in characters (not bytes) so it matches what editors show.
    pub column: usize,
    /// The whole line, without its line ending.
    pub line_text: String,
    /// How many characters to underline, at least 1 and never past the end of the line.
    pub span_len: usize,
}

impl Location {
    /// Translates a byte span of `text`. Spans past the end or inside a multi-byte character
    /// are clamped, so any span is safe to pass.
    pub fn from_span(path: &Path, text: &str, span: Range<usize>) -> Location {
        let start = floor_char_boundary(text, span.start);
        let end = floor_char_boundary(text, span.end).max(start);
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let line_text = text[line_start..line_end].trim_end_matches('\r');
        let underlined = text[start..end.min(line_end)].trim_end_matches('\r');
        Location {
            path: path.to_path_buf(),
            line: text[..start].matches('\n').count() + 1,
            column: text[line_start..start].chars().count() + 1,
            line_text: line_text.to_string(),
            span_len: underlined.chars().count().max(1),
        }
    }
}

fn floor_char_boundary(text: &str, index: usize) -> usize {
    let mut index = index.min(text.len());
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

/// One problem in a scenario, located as precisely as the cause allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// `None` when the problem has no place in any file (e.g. a default value that is invalid).
    pub location: Option<Location>,
    /// The file to blame; equals `location.path` when there is a location.
    pub path: PathBuf,
    /// Dotted key, e.g. `services.addiction_care.capacity`.
    pub key: Option<String>,
    pub message: String,
    pub help: Option<String>,
}

impl Diagnostic {
    /// A problem in `path` that cannot be pinned to a line.
    pub fn in_file(path: impl Into<PathBuf>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            location: None,
            path: path.into(),
            key: None,
            message: message.into(),
            help: None,
        }
    }

    pub fn at(location: Location, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            path: location.path.clone(),
            location: Some(location),
            ..Diagnostic::in_file(PathBuf::new(), message)
        }
    }

    pub fn with_key(mut self, key: Option<String>) -> Diagnostic {
        self.key = key;
        self
    }

    pub fn with_help(mut self, help: Option<String>) -> Diagnostic {
        self.help = help;
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A message can quote a user's value, which can be as long as a file.
        writeln!(f, "error: {}", crate::limits::cut_lines(&self.message, MAX_SHOWN_LINE * 2))?;
        let width = self.location.as_ref().map_or(1, |l| l.line.to_string().len());
        let pad = " ".repeat(width);
        match &self.location {
            Some(location) => write_snippet(f, location, &pad)?,
            None => write!(f, "{pad}--> {}", self.path.display())?,
        }
        if let Some(key) = &self.key {
            write!(f, "\n{pad} = key: {key}")?;
        }
        if let Some(help) = &self.help {
            // Long lists of allowed keys are wrapped, never cut: they are the answer.
            let indent = format!("\n{pad}         ");
            write!(f, "\n{pad} = help: {}", wrap(help, MAX_SHOWN_LINE).join(&indent))?;
        }
        Ok(())
    }
}

fn write_snippet(f: &mut fmt::Formatter<'_>, location: &Location, pad: &str) -> fmt::Result {
    let Location { path, line, column, line_text, span_len } = location;
    writeln!(f, "{pad}--> {}:{line}:{column}", path.display())?;
    writeln!(f, "{pad} |")?;
    let (line_text, column, span_len) = window(line_text, *column, *span_len);
    writeln!(f, "{line} | {line_text}")?;
    // Tabs are copied into the padding so the carets line up under the same characters.
    let indent: String = line_text
        .chars()
        .take(column.saturating_sub(1))
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    write!(f, "{pad} | {indent}{}", "^".repeat(span_len))
}

/// `text` in lines of at most `width` characters, broken at spaces where possible.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split(' ') {
        let last = lines.last_mut().expect("never empty");
        if !last.is_empty() && last.chars().count() + 1 + word.chars().count() > width {
            lines.push(String::new());
        }
        let last = lines.last_mut().expect("never empty");
        if !last.is_empty() {
            last.push(' ');
        }
        last.push_str(&crate::limits::cut_line(word, width));
    }
    lines
}

/// The widest source line shown; a longer one is cut around the column with "…".
const MAX_SHOWN_LINE: usize = 120;

/// The part of a long line around `column` (1-based), with the column and underline length
/// moved to match; short lines are returned whole.
fn window(line: &str, column: usize, span_len: usize) -> (String, usize, usize) {
    let chars: Vec<char> = line.chars().collect();
    if chars.len() <= MAX_SHOWN_LINE {
        return (line.to_string(), column, span_len);
    }
    let start = column.saturating_sub(1).saturating_sub(MAX_SHOWN_LINE / 3).min(chars.len());
    let end = (start + MAX_SHOWN_LINE).min(chars.len());
    let mut shown: String = chars[start..end].iter().collect();
    let mut column = column - start;
    if start > 0 {
        shown.insert(0, '…');
        column += 1;
    }
    if end < chars.len() {
        shown.push('…');
    }
    let span_len = span_len.clamp(1, MAX_SHOWN_LINE);
    (shown, column, span_len)
}

impl std::error::Error for Diagnostic {}

/// Orders problems as a reader meets them: by file (in the order first seen), then line and
/// column; problems without a line come after those of their file. The sort is stable, and
/// exact repeats are dropped.
pub fn sort_in_file_order(problems: &mut Vec<Diagnostic>) {
    let mut files: Vec<PathBuf> = Vec::new();
    for d in problems.iter() {
        if !files.contains(&d.path) {
            files.push(d.path.clone());
        }
    }
    problems.sort_by_key(|d| {
        let file = files.iter().position(|f| *f == d.path).unwrap_or(usize::MAX);
        let place = d.location.as_ref().map_or((usize::MAX, usize::MAX), |l| (l.line, l.column));
        (file, place)
    });
    problems.dedup();
}

/// Everything that can go wrong while reading a scenario.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file the user named could not be read (problems with extended files are
    /// [`ScenarioError::Diagnostic`]s located at their `extends`).
    #[error("error: cannot read scenario file `{}`: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    /// Boxed because a diagnostic is large and this error travels in every `Result`.
    #[error("{0}")]
    Diagnostic(Box<Diagnostic>),
    /// Several independent problems, e.g. one per file.
    #[error("{}", render_many(.0))]
    Many(Vec<ScenarioError>),
}

impl ScenarioError {
    /// All diagnostics inside, flattening [`ScenarioError::Many`]; I/O errors are skipped.
    pub fn diagnostics(&self) -> Vec<&Diagnostic> {
        match self {
            ScenarioError::Io { .. } => Vec::new(),
            ScenarioError::Diagnostic(d) => vec![d],
            ScenarioError::Many(all) => all.iter().flat_map(|e| e.diagnostics()).collect(),
        }
    }

    /// Same as `ScenarioError::from(diagnostics)`, for call sites that read better named.
    pub fn from_diagnostics(diagnostics: Vec<Diagnostic>) -> ScenarioError {
        diagnostics.into()
    }

    /// `Ok` for no errors, the error itself for one, [`ScenarioError::Many`] otherwise.
    pub fn from_all(mut errors: Vec<ScenarioError>) -> Result<(), ScenarioError> {
        match errors.len() {
            0 => Ok(()),
            1 => Err(errors.remove(0)),
            _ => Err(ScenarioError::Many(errors)),
        }
    }
}

impl From<Vec<Diagnostic>> for ScenarioError {
    /// One diagnostic stays itself; several become [`ScenarioError::Many`].
    fn from(mut diagnostics: Vec<Diagnostic>) -> Self {
        if diagnostics.len() == 1 {
            return diagnostics.remove(0).into();
        }
        ScenarioError::Many(diagnostics.into_iter().map(ScenarioError::from).collect())
    }
}

impl From<Diagnostic> for ScenarioError {
    fn from(diagnostic: Diagnostic) -> Self {
        ScenarioError::Diagnostic(Box::new(diagnostic))
    }
}

fn render_many(errors: &[ScenarioError]) -> String {
    let rendered: Vec<String> = errors.iter().map(ToString::to_string).collect();
    rendered.join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, span: Range<usize>) -> Location {
        Location::from_span(Path::new("f.toml"), text, span)
    }

    #[test]
    fn line_and_column_are_one_based() {
        let l = at("a = 1\nbb = 2\n", 6..8);
        assert_eq!((l.line, l.column, l.span_len), (2, 1, 2));
        assert_eq!(l.line_text, "bb = 2");
    }

    #[test]
    fn crlf_and_multibyte_characters() {
        let text = "a = 1\r\nname = \"é✓\" # x\r\nz = 3\r\n";
        let z = text.find('z').unwrap();
        let l = at(text, z..z + 1);
        assert_eq!((l.line, l.column), (3, 1));
        assert_eq!(l.line_text, "z = 3");
        let hash = text.find('#').unwrap();
        let l = at(text, hash..hash + 1);
        assert_eq!((l.line, l.column), (2, 13));
        assert_eq!(l.line_text, "name = \"é✓\" # x");
    }

    #[test]
    fn wild_spans_are_clamped() {
        let text = "é\r\n";
        let reversed = Range { start: 3, end: 1 };
        for span in [0..100, 1..2, 50..60, reversed, 2..3] {
            let l = at(text, span);
            assert!(l.line >= 1 && l.column >= 1 && l.span_len >= 1);
        }
        let l = at("", 0..0);
        assert_eq!((l.line, l.column, l.line_text.as_str()), (1, 1, ""));
    }

    #[test]
    fn renders_like_rustc() {
        let text = "\n".repeat(11) + "warm_handoverr = 0.8\n";
        let start = text.find('w').unwrap();
        let d = Diagnostic::at(
            Location::from_span(Path::new("s/broken.toml"), &text, start..start + 14),
            "unknown key `warm_handoverr`",
        )
        .with_key(Some("regime.warm_handoverr".into()))
        .with_help(Some("did you mean `warm_handover`?".into()));
        let expected = "error: unknown key `warm_handoverr`
  --> s/broken.toml:12:1
   |
12 | warm_handoverr = 0.8
   | ^^^^^^^^^^^^^^
   = key: regime.warm_handoverr
   = help: did you mean `warm_handover`?";
        assert_eq!(d.to_string(), expected);
    }

    #[test]
    fn renders_without_location() {
        let d = Diagnostic::in_file("a.toml", "bad").with_key(Some("x.y".into()));
        assert_eq!(d.to_string(), "error: bad\n --> a.toml\n  = key: x.y");
    }
}
