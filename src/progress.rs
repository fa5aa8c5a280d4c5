//! Progress bars for long runs (replications of `run` and `compare`, points of a sweep):
//! rate and time left on a terminal, nothing at all when stderr is not a terminal (pipes, CI,
//! cluster logs), so logs and captured output stay clean.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

/// A bar counting finished units (replications); cheap to tick from any rayon task.
pub struct Progress(Option<ProgressBar>);

impl Progress {
    /// A bar of `total` units labelled `what`, or a silent one off a terminal.
    pub fn new(total: u64, what: &str) -> Progress {
        if total == 0 || !std::io::stderr().is_terminal() {
            return Progress::hidden();
        }
        let bar = ProgressBar::new(total);
        let style = ProgressStyle::with_template(
            "[{elapsed_precise}] [{bar:20}] {pos}/{len} replications, {per_sec}, ETA {eta} {wide_msg}",
        )
        .map(|s| s.progress_chars("=> "))
        .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        bar.set_message(what.to_string());
        bar.enable_steady_tick(Duration::from_millis(250));
        Progress(Some(bar))
    }

    pub fn hidden() -> Progress {
        Progress(None)
    }

    pub fn tick(&self) {
        if let Some(bar) = &self.0 {
            bar.inc(1);
        }
    }

    /// Removes the bar, so the results printed next are not interleaved with it.
    pub fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}
