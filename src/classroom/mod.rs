//! `reentry classroom`: a lesson file ([`lesson`]) sets a small grid of levers over two
//! regimes; every point is simulated ([`simulate`]) and the results, with a sample of citizens
//! to watch and their life stories, go into one self-contained HTML page ([`export`]) that
//! students open offline: sliders snap to the computed points, charts and dots follow.
//!
//! The page's HTML, CSS and script are plain files beside this one (`page.html`,
//! `page.css`, `page.js`), included at compile time; nothing is ever fetched.

pub mod export;
pub mod lesson;
pub mod simulate;

use std::path::{Path, PathBuf};

pub use lesson::Lesson;
pub use simulate::{RunResult, run_lesson};

/// The lesson `reentry classroom` builds when none is named.
pub const DEFAULT_LESSON: &str = "lessons/through-care.toml";

/// What a build did, for the terminal.
#[derive(Debug, Clone)]
pub struct Built {
    pub path: PathBuf,
    pub bytes: usize,
    pub points: usize,
    pub runs: usize,
    pub seconds: f64,
}

/// The page file: checked before any simulation (an existing file is never replaced without
/// `force`), then written whole to a temporary file and renamed into place, so the target is
/// either the old file, absent, or the complete new page.
pub struct OutputFile {
    target: PathBuf,
}

impl OutputFile {
    pub fn prepare(target: &Path, force: bool) -> Result<OutputFile, String> {
        if target.is_dir() {
            return Err(format!(
                "{} is a folder; give a file name ending in .html",
                target.display()
            ));
        }
        if target.exists() && !force {
            return Err(format!(
                "{} already exists; choose another with --out or replace it with --force",
                target.display()
            ));
        }
        if let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        Ok(OutputFile { target: target.to_path_buf() })
    }

    pub fn write(&self, text: &str) -> Result<(), String> {
        crate::sweep::store::write_atomic(&self.target, text.as_bytes())
    }
}

/// Default page name: `out/classroom-<lesson file name>.html`.
pub fn default_out(lesson: &Path) -> PathBuf {
    let stem = lesson.file_stem().map_or("lesson".into(), |s| s.to_string_lossy().into_owned());
    PathBuf::from("out").join(format!("classroom-{}.html", crate::output::format::sanitize(&stem)))
}

/// Loads the lesson, runs its grid and writes the page.
pub fn build(
    lesson_path: &Path,
    out: Option<&Path>,
    force: bool,
    threads: usize,
) -> Result<Built, String> {
    let started = std::time::Instant::now();
    let lesson = Lesson::load(lesson_path)?;
    let target = out.map_or_else(|| default_out(lesson_path), Path::to_path_buf);
    let file = OutputFile::prepare(&target, force)?;
    let results = run_lesson(&lesson, threads)?;
    let page = export::page(&lesson, &results)?;
    file.write(&page)?;
    Ok(Built {
        path: target,
        bytes: page.len(),
        points: lesson.points(),
        runs: lesson.runs.len(),
        seconds: started.elapsed().as_secs_f64(),
    })
}
