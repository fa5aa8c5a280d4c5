//! Everything users read: the tables and JSON a run writes ([`report`]), the staged, locked
//! output folder they go into ([`outdir`]), reading a folder back ([`folder`]), the sources of
//! the defaults ([`provenance`]), the pictures ([`plots`], [`sensitivity_plot`], their text
//! [`glyphs`]), a sweep's
//! pictures and page ([`sweep_report`]), the offline page ([`html`], [`psa_report`]) and the
//! words in both languages of the users ([`lang`], [`words`], [`lever_words`]); the page
//! explains its own surprises ([`surprises`]).

pub mod folder;
pub mod format;
pub mod glyphs;
pub mod html;
pub mod lang;
pub mod lever_words;
pub mod outdir;
pub mod plots;
pub mod provenance;
pub mod psa_report;
pub mod report;
pub mod rows;
pub mod sensitivity_plot;
pub mod surprises;
pub mod sweep_report;
pub mod terminal;
pub mod words;

use crate::output::format::sanitize;
use crate::output::lang::Lang;
use crate::output::outdir::OutputDir;
use crate::output::report::{Exporter, RunOutput, run_exporters};
use rayon::prelude::*;
use std::path::Path;

/// Writes every exporter's file plus the resolved scenario(s).
pub fn write_outputs(dir: &OutputDir, runs: &[RunOutput]) -> Result<(), String> {
    write_with(dir, runs, &run_exporters())
}

/// Writes the given exporters' files plus the resolved scenario(s).
pub fn write_with(
    dir: &OutputDir,
    runs: &[RunOutput],
    exporters: &[Box<dyn Exporter>],
) -> Result<(), String> {
    /// One file of a run's folder.
    enum File<'a> {
        Table(&'a dyn Exporter),
        Scenario(&'a RunOutput<'a>),
    }
    // The files are independent: written in parallel, the tables first.
    let tables = exporters.iter().map(|e| File::Table(e.as_ref()));
    let files: Vec<File> = tables.chain(runs.iter().map(File::Scenario)).collect();
    try_map_in_order::<_, _, ()>(files, |file| match file {
        File::Table(exporter) => dir.write_file(exporter.file_name(), |w| exporter.write(runs, w)),
        File::Scenario(run) => write_resolved_scenario(dir, run),
    })
}

/// `scenario-NAME.toml`: the scenario as it was run, every default filled in.
fn write_resolved_scenario(dir: &OutputDir, run: &RunOutput) -> Result<(), String> {
    let text = toml::to_string(&run.scenario.resolved)
        .map_err(|e| format!("cannot write scenario: {e}"))?;
    let name = format!("scenario-{}.toml", sanitize(&run.scenario.meta.name));
    dir.write_file(&name, |w| w.write_all(text.as_bytes()))
}

/// Maps `items` in parallel and gathers the answers in their order, failing with the first
/// error in that order: the same error whatever the thread count (rayon's own collection into
/// a `Result` returns whichever error it happens to meet first).
pub(crate) fn try_map_in_order<I, T, C>(
    items: I,
    f: impl Fn(I::Item) -> Result<T, String> + Sync + Send,
) -> Result<C, String>
where
    I: IntoParallelIterator,
    I::Iter: IndexedParallelIterator,
    T: Send,
    C: FromIterator<T>,
{
    let answers: Vec<Result<T, String>> = items.into_par_iter().with_max_len(1).map(f).collect();
    answers.into_iter().collect()
}

/// Draws the pictures and `report.html` from the files already written to the staging folder,
/// as `reentry report` would from the finished folder.
pub fn write_report(dir: &OutputDir, lang: Lang) -> Result<(), String> {
    let folder = folder::Folder::read(dir.path())?;
    let plots = html::report_plots(&folder, lang)?;
    // The page is put together while the pictures are written (the same files, in the same
    // order of errors, as `reentry report` writes from `html::report_files`).
    let (pictures, page) = rayon::join(
        || {
            try_map_in_order::<_, _, ()>(html::plot_files(&plots), |(name, bytes)| {
                dir.write_file(&name, |w| w.write_all(bytes))
            })
        },
        || html::page_files(&folder, &plots, lang),
    );
    pictures?;
    try_map_in_order(page, |(name, bytes)| dir.write_file(&name, |w| w.write_all(&bytes)))
}

/// Regenerates the pictures and `report.html` of a finished folder in place (`reentry report`);
/// each file is written to a temporary file and renamed, so a reader never sees a half-written
/// picture. In `lang`, or else the language the folder was written in. The number of files
/// written.
pub fn rewrite_report(dir: &Path, lang: Option<Lang>) -> Result<usize, String> {
    // Not while another process writes or replaces the folder.
    let _lock = outdir::lock_in_place(dir, "lock")?;
    let checked = outdir::check_for_report(dir)?;
    let lang = lang.or(html::folder_lang(dir)?).unwrap_or_default();
    if sweep_report::is_sweep_folder(dir) {
        return sweep_report::write_report(dir, lang);
    }
    let data = folder::Folder::read(dir)?;
    let files = html::report_files(&data, lang)?;
    for (name, bytes) in &files {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        outdir::write_atomic(&path, bytes)?;
    }
    if checked {
        outdir::write_marker(dir, "run")?;
    }
    Ok(files.len())
}
