//! What the CLI tests share: running the `reentry` binary as a user would, and insisting that
//! whatever happens it ends in an orderly way — an exit code, never a panic or a signal.

pub mod random;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

#[allow(dead_code)] // not every test file runs the binary
pub struct Run {
    pub success: bool,
    pub stdout: String,
    pub stderr: String,
}

/// Runs the binary in `cwd` (so a default `out/` never lands in the repository).
#[allow(dead_code)]
pub fn reentry<I, S>(cwd: &Path, args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let output = Command::new(env!("CARGO_BIN_EXE_reentry"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("start reentry");
    let run = Run {
        success: output.status.success(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    assert!(output.status.code().is_some(), "killed by a signal: {}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "panic:\n{}", run.stderr);
    run
}

/// A shipped scenario file, by name.
#[allow(dead_code)] // not every test file needs it
pub fn shipped(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(name)
}
