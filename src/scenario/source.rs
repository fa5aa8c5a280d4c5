//! Reading a scenario: the file the user named and the chain of files it `extends`, their deep
//! merge, and diagnostics that name file, line, column and dotted key for every problem, so a
//! broken scenario is explained in terms of the text the user wrote.

mod diagnostic;
pub(crate) mod keys;
mod suggest;

use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use toml::de::{DeTable, DeValue};
use toml::{Spanned, Value};

use super::overrides::{self, Override};

pub use diagnostic::{Diagnostic, Location, ScenarioError, sort_in_file_order};

/// The table and key under which a file names the file it builds on.
const SCENARIO: &str = "scenario";
const EXTENDS: &str = "extends";
const EXTENDS_KEY: &str = "scenario.extends";

/// A broken file can hold thousands of problems; this many are shown.
const MAX_PROBLEMS_PER_FILE: usize = 50;

/// The path shown for problems in a scenario built in code rather than read from a file.
pub const IN_MEMORY: &str = "<in memory>";

/// One scenario file as read from disk.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// As the user would recognise it: as given, or joined onto the extending file's folder.
    pub path: PathBuf,
    pub text: String,
    /// Parsed once so merging does not re-parse; still holds `extends`.
    table: toml::Table,
}

impl SourceFile {
    /// Parses `text`; a syntax error becomes a diagnostic at the offending character.
    pub fn parse(
        path: impl Into<PathBuf>,
        text: impl Into<String>,
    ) -> Result<SourceFile, ScenarioError> {
        let (path, text) = (path.into(), text.into());
        if let Err(error) = DeTable::parse(&text) {
            return Err(syntax_error(&path, &text, &error).into());
        }
        let table =
            text.parse::<toml::Table>().map_err(|error| syntax_error(&path, &text, &error))?;
        Ok(SourceFile { path, text, table })
    }

    /// The spanned document, re-parsed on demand because it borrows `text`. `None` cannot
    /// happen for a file built by [`SourceFile::parse`], but is handled rather than unwrapped.
    fn spanned(&self) -> Option<Spanned<DeTable<'_>>> {
        DeTable::parse(&self.text).ok()
    }

    /// A location in this file for a byte span of its text.
    pub fn location(&self, span: Range<usize>) -> Location {
        Location::from_span(&self.path, &self.text, span)
    }

    /// Where `dotted_key` is written in this file, if it is.
    pub fn locate(&self, dotted_key: &str) -> Option<Location> {
        let path = keys::parse_dotted(dotted_key)?;
        let doc = self.spanned()?;
        keys::span_of(doc.get_ref(), &path).map(|span| self.location(span))
    }

    /// The `extends` value and its span, or a diagnostic if it is not a string.
    fn extends(&self) -> Result<Option<(String, Range<usize>)>, ScenarioError> {
        let Some(doc) = self.spanned() else {
            return Ok(None);
        };
        let Some(DeValue::Table(scenario)) = doc.get_ref().get(SCENARIO).map(Spanned::get_ref)
        else {
            return Ok(None);
        };
        let Some(value) = scenario.get(EXTENDS) else {
            return Ok(None);
        };
        match value.get_ref() {
            DeValue::String(target) => Ok(Some((target.to_string(), value.span()))),
            other => Err(Diagnostic::at(
                self.location(value.span()),
                format!("`extends` must be a string, found {}", other.type_str()),
            )
            .with_key(Some(EXTENDS_KEY.into()))
            .with_help(Some(EXTENDS_HELP.into()))
            .into()),
        }
    }

    /// Deserializes this file alone so that its errors carry its own spans. Serde stops at
    /// the first problem, so the offending key is taken out and the file tried again, until
    /// it deserializes: every unknown key and wrong type is found in one go. Returns the
    /// problems and the keys taken out.
    fn check_all<T: DeserializeOwned>(&self) -> (Vec<Diagnostic>, Vec<Vec<keys::Segment>>) {
        let (mut problems, mut removed) = (Vec::new(), Vec::new());
        let Some(mut doc) = self.spanned() else {
            return (problems, removed);
        };
        strip_extends_spanned(doc.get_mut());
        while problems.len() < MAX_PROBLEMS_PER_FILE {
            let Err(error) = T::deserialize(toml::de::Deserializer::from(doc.clone())) else {
                break;
            };
            let diagnostic = self.deserialize_error(&error);
            let path = diagnostic.key.as_deref().and_then(keys::parse_dotted);
            problems.push(diagnostic);
            match path {
                Some(path) if keys::remove_spanned(doc.get_mut(), &path) => removed.push(path),
                _ => break,
            }
        }
        (problems, removed)
    }

    fn deserialize_error(&self, error: &toml::de::Error) -> Diagnostic {
        let (message, help) = suggest::explain(error.message());
        let Some(span) = error.span() else {
            return Diagnostic::in_file(&self.path, message).with_help(help);
        };
        let key = self.spanned().and_then(|doc| keys::key_at_span(doc.get_ref(), &span));
        Diagnostic::at(self.location(span), message).with_key(key).with_help(help)
    }
}

const EXTENDS_HELP: &str =
    "`extends` names a scenario file, relative to the folder of the file that contains it";

fn syntax_error(path: &Path, text: &str, error: &toml::de::Error) -> Diagnostic {
    let span = error.span().unwrap_or(0..0);
    // Recovery parsing still yields the keys before the error, which names the key being written.
    let (doc, _) = DeTable::parse_recoverable(text);
    let key = keys::key_at_span(doc.get_ref(), &span);
    Diagnostic::at(Location::from_span(path, text, span), error.message().trim_end()).with_key(key)
}

/// All the files of one scenario, base first and the file the user named last, plus their
/// deep merge.
#[derive(Debug, Clone)]
pub struct Sources {
    pub files: Vec<SourceFile>,
    pub merged: toml::Table,
    /// Overrides applied to `merged`, each with the path it owns for diagnostics.
    pub overrides: Vec<(Override, String)>,
}

impl Sources {
    /// Reads `path` and follows `[scenario] extends = "other.toml"` (relative to the
    /// extending file's folder) recursively.
    pub fn read(path: &Path) -> Result<Sources, ScenarioError> {
        let text = crate::limits::read_input(path)
            .map_err(|source| ScenarioError::Io { path: path.to_path_buf(), source })?;
        Sources::from_text(path, text)
    }

    /// Like [`Sources::read`] for a user file already in memory; `extends` is still resolved
    /// on disk relative to `path`'s folder.
    pub fn from_text(
        path: impl Into<PathBuf>,
        text: impl Into<String>,
    ) -> Result<Sources, ScenarioError> {
        let mut files = vec![SourceFile::parse(path, text)?];
        let mut seen = vec![identity(&files[0].path)];
        while let Some(base) = read_base(&files, &mut seen)? {
            files.push(base);
        }
        files.reverse();
        let merged = merge_all(&files);
        Ok(Sources { files, merged, overrides: Vec::new() })
    }

    /// A scenario with no files, for scenarios built in code: `error_at` still names the key,
    /// with [`IN_MEMORY`] as the path.
    pub fn in_memory() -> Sources {
        Sources { files: Vec::new(), merged: toml::Table::new(), overrides: Vec::new() }
    }

    /// The file the user named; `None` only for [`Sources::in_memory`].
    pub fn user_file(&self) -> Option<&SourceFile> {
        self.files.last()
    }

    /// The path to blame when no line can be: the user's file.
    fn user_path(&self) -> &Path {
        self.user_file().map_or(Path::new(IN_MEMORY), |file| file.path.as_path())
    }

    /// Deserializes every file alone into `T` (meant for `#[serde(default, deny_unknown_fields)]`
    /// types), so unknown keys, wrong types and unknown enum variants are reported in the
    /// file and at the line where they were written. One diagnostic per faulty file.
    pub fn check_each_file<T: DeserializeOwned>(&self) -> Result<(), ScenarioError> {
        let (_, problems) = self.check_and_repair::<T>();
        if problems.is_empty() { Ok(()) } else { Err(ScenarioError::from_diagnostics(problems)) }
    }

    /// Like [`Sources::check_each_file`], returning every problem of every file (in file
    /// order) and these sources with the offending keys taken out of the merged table, so
    /// range checks can still run on the rest and report their problems too.
    pub fn check_and_repair<T: DeserializeOwned>(&self) -> (Sources, Vec<Diagnostic>) {
        let mut repaired = self.clone();
        let mut problems = Vec::new();
        for file in &self.files {
            let (found, removed) = file.check_all::<T>();
            problems.extend(found);
            for path in removed {
                keys::remove_plain(&mut repaired.merged, &path);
            }
        }
        diagnostic::sort_in_file_order(&mut problems);
        (repaired, problems)
    }

    /// Deserializes the merged table into `T`. Errors are located at the most-derived file
    /// that sets the offending key, or the user's file when no file sets it.
    pub fn deserialize_merged<T: DeserializeOwned>(&self) -> Result<T, ScenarioError> {
        // Going through text gives errors spans, hence a dotted key to `locate`.
        let Ok(text) = toml::to_string(&self.merged) else {
            return self.merged.clone().try_into().map_err(|error: toml::de::Error| {
                Diagnostic::in_file(self.user_path(), error.message()).into()
            });
        };
        toml::from_str(&text).map_err(|error| self.merged_error(&text, &error).into())
    }

    fn merged_error(&self, merged_text: &str, error: &toml::de::Error) -> Diagnostic {
        let (message, help) = suggest::explain(error.message());
        let key = error.span().and_then(|span| {
            let (doc, _) = DeTable::parse_recoverable(merged_text);
            keys::key_at_span(doc.get_ref(), &span)
        });
        match key {
            Some(key) => self.error_at(&key, message, help),
            None => Diagnostic::in_file(self.user_path(), message).with_help(help),
        }
    }

    /// Where the value of a dotted key was set: the most-derived file that sets it. `None`
    /// if no file sets it (the value is a default) or the key is malformed.
    pub fn locate(&self, dotted_key: &str) -> Option<Location> {
        self.files.iter().rev().find_map(|file| file.locate(dotted_key))
    }

    /// Applies overrides to the merged table, in order (a later one wins). A path that cannot
    /// be set (through a number, into a new service) is refused here; unknown keys and bad
    /// values are caught by deserialization and validation, which then blame the override.
    pub fn apply_overrides(&mut self, overrides: &[Override]) -> Result<(), ScenarioError> {
        for o in overrides {
            let created = overrides::apply(&mut self.merged, o).map_err(|message| {
                Diagnostic::in_file(override_origin(o), message).with_key(Some(o.path.clone()))
            })?;
            self.overrides.push((o.clone(), created));
        }
        Ok(())
    }

    /// The last override responsible for `dotted_key`, if any.
    fn override_of(&self, dotted_key: &str) -> Option<&Override> {
        self.overrides.iter().rev().find(|(o, created)| o.owns(dotted_key, created)).map(|(o, _)| o)
    }

    /// A diagnostic for a value that failed a semantic or range check after merging, located
    /// with [`Sources::locate`], else in the user's file without a line. A value set by an
    /// override is blamed on the override, never on a file line it replaced.
    pub fn error_at(
        &self,
        dotted_key: &str,
        message: impl Into<String>,
        help: Option<String>,
    ) -> Diagnostic {
        if let Some(o) = self.override_of(dotted_key) {
            return Diagnostic::in_file(override_origin(o), message)
                .with_key(Some(dotted_key.into()))
                .with_help(help);
        }
        let diagnostic = match self.locate(dotted_key) {
            Some(location) => Diagnostic::at(location, message),
            None => Diagnostic::in_file(self.user_path(), message),
        };
        diagnostic.with_key(Some(dotted_key.into())).with_help(help)
    }
}

/// What a diagnostic shows in place of `file:line:column` for a value set by an override.
fn override_origin(o: &Override) -> PathBuf {
    PathBuf::from(format!("override {} (not in the scenario files)", o.origin))
}

/// Reads the file that the last of `files` extends, if any, refusing cycles.
fn read_base(
    files: &[SourceFile],
    seen: &mut Vec<PathBuf>,
) -> Result<Option<SourceFile>, ScenarioError> {
    let Some(current) = files.last() else {
        return Ok(None);
    };
    let Some((target, span)) = current.extends()? else {
        return Ok(None);
    };
    let folder = current.path.parent().unwrap_or(Path::new(""));
    let path = folder.join(&target);
    let text = crate::limits::read_input(&path).map_err(|error| {
        Diagnostic::at(
            current.location(span.clone()),
            format!("cannot read extended file `{}`: {error}", path.display()),
        )
        .with_key(Some(EXTENDS_KEY.into()))
        .with_help(Some(EXTENDS_HELP.into()))
    })?;
    let id = identity(&path);
    if seen.contains(&id) {
        return Err(cycle_error(files, current, &path, span).into());
    }
    seen.push(id);
    SourceFile::parse(path, text).map(Some)
}

fn cycle_error(
    files: &[SourceFile],
    current: &SourceFile,
    closing: &Path,
    span: Range<usize>,
) -> Diagnostic {
    let chain: Vec<String> = files
        .iter()
        .map(|f| f.path.as_path())
        .chain([closing])
        .map(|p| p.display().to_string())
        .collect();
    Diagnostic::at(
        current.location(span),
        format!("`extends` forms a cycle: {}", chain.join(" -> ")),
    )
    .with_key(Some(EXTENDS_KEY.into()))
    .with_help(Some("remove one `extends` so the chain ends in a file that extends nothing".into()))
}

/// Two paths name the same file when their canonical forms agree; files that cannot be
/// canonicalized (e.g. an in-memory user file) fall back to their absolute path.
fn identity(path: &Path) -> PathBuf {
    std::fs::canonicalize(path)
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_path_buf())
}

fn merge_all(files: &[SourceFile]) -> toml::Table {
    let mut merged = toml::Table::new();
    for file in files {
        let mut table = file.table.clone();
        strip_extends(&mut table);
        deep_merge(&mut merged, table);
    }
    merged
}

/// Tables merge key by key; any other value, arrays included, replaces the base's.
fn deep_merge(base: &mut toml::Table, derived: toml::Table) {
    for (key, value) in derived {
        match (base.get_mut(&key), value) {
            (Some(Value::Table(base_table)), Value::Table(derived_table)) => {
                deep_merge(base_table, derived_table);
            }
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

/// `extends` is about files, not the model, so it is hidden from the scenario types; a
/// `[scenario]` table left empty by this goes too, so it needs no field in them either.
fn strip_extends(table: &mut toml::Table) {
    if let Some(Value::Table(scenario)) = table.get_mut(SCENARIO)
        && scenario.remove(EXTENDS).is_some()
        && scenario.is_empty()
    {
        table.remove(SCENARIO);
    }
}

fn strip_extends_spanned(table: &mut DeTable<'_>) {
    if let Some(DeValue::Table(scenario)) = table.get_mut(SCENARIO).map(Spanned::get_mut)
        && scenario.remove(EXTENDS).is_some()
        && scenario.is_empty()
    {
        table.remove(SCENARIO);
    }
}

#[cfg(test)]
mod tests;
