//! The output folder and the rules that keep a user's files safe. Every command that writes a
//! folder (`run`, `compare`, `trace`, `sweep`, and any later one through [`OutputDir`]) gets:
//!
//! - **a marker**: [`MARKER`] in the folder records the format version and a SHA-256 of every
//!   file, so `--force` replaces only a folder this program wrote, and `merge`, `--resume` and
//!   `report` can name a damaged file;
//! - **refused places**: `/`, the home folder, a mount point, and any folder holding the
//!   current working directory are never replaced, whatever `--out` says (`.`, `..` and
//!   `dir/child/..` are resolved first);
//! - **a lock**: an exclusive lock on `.NAME.lock` beside the target refuses a second writer;
//! - **a swap, not a delete**: new results are staged in `.NAME.partial-PID`, the old folder
//!   is renamed aside, the new one renamed in, and only then is the old one removed; if the
//!   second rename fails the old folder is put back;
//! - **clean ends**: Ctrl-C and SIGTERM remove the staging folder before exiting, and the next
//!   writer of the same target removes what killed processes left (checking the process is
//!   dead) and puts back an old folder a crash left aside.
//!
//! Lock files are never deleted: deleting one while another process waits on it would let
//! two writers hold "the" lock at once.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, Once};

use sha2::{Digest, Sha256};

use crate::limits::{MAX_FOLDER_NAME_BYTES, MAX_OUT_PATH_BYTES};
use crate::output::try_map_in_order;

/// The file that says "reentry wrote this folder", with the hash of every file in it.
pub const MARKER: &str = "reentry-folder.json";

/// The version of the output folder layout; a marker of another version is not trusted.
pub const FORMAT: u32 = 1;

// ----- refusing dangerous targets -----

/// An output path checked for length and resolved: `dir/child/..` becomes `dir`, a relative
/// path becomes absolute. The parent folder exists afterwards.
#[derive(Debug, Clone)]
pub struct Target {
    /// As the user wrote it, for messages.
    pub shown: PathBuf,
    /// Canonical parent joined with the folder's name.
    pub resolved: PathBuf,
    pub parent: PathBuf,
    pub name: String,
}

impl Target {
    pub fn resolve(target: &Path) -> Result<Target, String> {
        let shown = target.to_path_buf();
        let length = target.as_os_str().len();
        if length > MAX_OUT_PATH_BYTES {
            return Err(format!(
                "the output path is {length} bytes long, more than {MAX_OUT_PATH_BYTES}; choose a shorter --out"
            ));
        }
        let absolute = std::path::absolute(target)
            .map_err(|e| format!("cannot use output path {}: {e}", target.display()))?;
        // `a/b/..` and `.` must name the folder they resolve to, not a child called `..`.
        let resolved = match fs::canonicalize(&absolute) {
            Ok(path) => path,
            Err(_) => {
                let name = absolute.file_name().ok_or_else(|| {
                    format!("{} does not name a folder; choose another --out", target.display())
                })?;
                let parent = absolute.parent().unwrap_or(Path::new("/"));
                fs::create_dir_all(parent)
                    .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
                let parent = fs::canonicalize(parent)
                    .map_err(|e| format!("cannot use {}: {e}", parent.display()))?;
                parent.join(name)
            }
        };
        let (Some(parent), Some(name)) = (resolved.parent(), resolved.file_name()) else {
            return Err(format!(
                "{} is the root of the file system; never an output folder",
                target.display()
            ));
        };
        let name = name.to_string_lossy().into_owned();
        if name.len() > MAX_FOLDER_NAME_BYTES {
            return Err(format!(
                "the output folder's name is {} bytes long, more than {MAX_FOLDER_NAME_BYTES}; choose a shorter --out (or a shorter scenario name)",
                name.len()
            ));
        }
        Ok(Target { shown, parent: parent.to_path_buf(), resolved: resolved.clone(), name })
    }

    /// The path as the user wrote it, plus where it leads when that is not obvious
    /// (`dir/child/..`).
    fn described(&self) -> String {
        let indirect = self
            .shown
            .components()
            .any(|c| matches!(c, std::path::Component::ParentDir | std::path::Component::CurDir));
        if indirect {
            format!("{} (that is {})", self.shown.display(), self.resolved.display())
        } else {
            self.shown.display().to_string()
        }
    }

    pub fn exists(&self) -> bool {
        fs::symlink_metadata(&self.resolved).is_ok()
    }

    /// A hidden sibling of the target: `.NAME.SUFFIX`.
    fn sibling(&self, suffix: &str) -> PathBuf {
        self.parent.join(format!(".{}.{suffix}", self.name))
    }

    /// Checks that the existing target may be replaced: it is a folder this program wrote,
    /// and none of the places that are never replaced.
    pub fn check_replaceable(&self) -> Result<(), String> {
        let shown = self.described();
        let meta = fs::symlink_metadata(&self.resolved)
            .map_err(|e| format!("cannot inspect {shown}: {e}"))?;
        if !meta.is_dir() {
            return Err(format!("{shown} exists and is not a folder; not replacing it"));
        }
        if let Some(why) = protected(&self.resolved) {
            return Err(format!("refusing to replace {shown}: it is {why}"));
        }
        read_marker(&self.resolved).map(|_| ()).map_err(|why| {
            format!(
                "refusing to replace {shown}: {why}.\n--force only replaces a folder that reentry wrote \
                 (one holding {MARKER}); move the folder away yourself or choose another --out"
            )
        })
    }
}

/// Why `path` (canonical) must never be replaced, if it must not.
fn protected(path: &Path) -> Option<String> {
    if path.parent().is_none() {
        return Some("the root of the file system".into());
    }
    if let Ok(cwd) = std::env::current_dir().and_then(fs::canonicalize)
        && cwd.starts_with(path)
    {
        return Some(if cwd == path {
            "the current folder".into()
        } else {
            format!("a folder holding the current folder {}", cwd.display())
        });
    }
    if let Some(home) = std::env::var_os("HOME").and_then(|h| fs::canonicalize(h).ok())
        && home.starts_with(path)
    {
        return Some("the home folder (or holds it)".into());
    }
    if is_mount_point(path) {
        return Some("a mount point".into());
    }
    None
}

#[cfg(unix)]
fn is_mount_point(path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let (Some(parent), Ok(meta)) = (path.parent(), fs::metadata(path)) else { return false };
    fs::metadata(parent).is_ok_and(|p| p.dev() != meta.dev())
}

#[cfg(not(unix))]
fn is_mount_point(_path: &Path) -> bool {
    false
}

// ----- the marker and the content hashes -----

/// The marker's content.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Marker {
    pub tool: String,
    pub format: u32,
    /// `run` for folders of run/compare/trace and later commands, `sweep` for sweeps.
    pub kind: String,
    /// Relative path (with `/`) → `sha256:HEX` of every file in the folder but the marker.
    pub files: std::collections::BTreeMap<String, String>,
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// A digest as the marker writes it: two lowercase hexadecimal digits a byte.
fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads and checks the marker of `dir`.
pub fn read_marker(dir: &Path) -> Result<Marker, String> {
    let path = dir.join(MARKER);
    if fs::symlink_metadata(&path).is_err() {
        return Err(format!("it holds no {MARKER}, so reentry did not write it"));
    }
    let text = crate::limits::read_text_limited(&path, 64 * crate::limits::MAX_INPUT_BYTES)
        .map_err(|e| format!("it has no readable {MARKER} ({e})"))?;
    let marker: Marker =
        serde_json::from_str(&text).map_err(|e| format!("its {MARKER} is damaged ({e})"))?;
    if marker.tool != "reentry" || marker.format != FORMAT {
        return Err(format!(
            "its {MARKER} is of format {} by {}, this is format {FORMAT} by reentry",
            marker.format, marker.tool
        ));
    }
    Ok(marker)
}

/// Every file below `dir` (relative, `/`-separated, sorted), except the marker and hidden
/// files (temporaries of writers in progress).
fn listed_files(dir: &Path) -> Result<Vec<String>, String> {
    fn walk(root: &Path, rel: &str, out: &mut Vec<String>) -> io::Result<()> {
        for entry in fs::read_dir(root.join(rel))? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') || (rel.is_empty() && name == MARKER) {
                continue;
            }
            let path = if rel.is_empty() { name } else { format!("{rel}/{name}") };
            if entry.file_type()?.is_dir() {
                walk(root, &path, out)?;
            } else {
                out.push(path);
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, "", &mut out).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    out.sort();
    Ok(out)
}

/// Writes the marker of `dir` with the hash of every file now in it.
pub fn write_marker(dir: &Path, kind: &str) -> Result<(), String> {
    write_marker_knowing(dir, kind, &Seen::default())
}

/// [`write_marker`], taking the hash of each file in `seen` from when it was written instead
/// of reading the file back.
fn write_marker_knowing(dir: &Path, kind: &str, seen: &Seen) -> Result<(), String> {
    // Hashed in parallel.
    let files: std::collections::BTreeMap<String, String> =
        try_map_in_order(listed_files(dir)?, |name| {
            let hash = match seen.get(&name) {
                Some(written) => written.sha256_hex.clone(),
                None => {
                    let bytes = fs::read(dir.join(&name))
                        .map_err(|e| format!("cannot read {}: {e}", dir.join(&name).display()))?;
                    sha256_hex(&bytes)
                }
            };
            Ok((name, format!("sha256:{hash}")))
        })?;
    let marker = Marker { tool: "reentry".into(), format: FORMAT, kind: kind.into(), files };
    let mut text = serde_json::to_string_pretty(&marker).map_err(|e| e.to_string())?;
    text.push('\n');
    write_atomic(&dir.join(MARKER), text.as_bytes())
}

/// Checks every file the marker lists against its hash (`skip` names files about to be
/// rewritten anyway). The error names every damaged or missing file.
pub fn verify_files(dir: &Path, skip: impl Fn(&str) -> bool) -> Result<Marker, String> {
    let marker = read_marker(dir).map_err(|why| format!("{}: {why}", dir.display()))?;
    let mut damaged = Vec::new();
    for (name, hash) in marker.files.iter().filter(|(name, _)| !skip(name)) {
        let path = dir.join(name);
        match fs::read(&path) {
            Ok(bytes) if format!("sha256:{}", sha256_hex(&bytes)) == *hash => {}
            Ok(_) => damaged.push(format!("{} was changed after it was written", path.display())),
            Err(e) => damaged.push(format!("{}: {e}", path.display())),
        }
    }
    if damaged.is_empty() {
        Ok(marker)
    } else {
        Err(format!(
            "damaged output folder {} (its {MARKER} records what was written):\n  {}\nrun the command again to rebuild it",
            dir.display(),
            damaged.join("\n  ")
        ))
    }
}

/// Refuses to write a number that is not finite (`inf`, `NaN`) into a CSV file: every
/// undefined value is written as `NA` on purpose, so one of these is an overflow.
pub fn check_finite_csv(dir: &Path) -> Result<(), String> {
    check_finite_csv_knowing(dir, &Seen::default())
}

/// [`check_finite_csv`], skipping the tables that `seen` found free of any non-finite word as
/// they were written.
fn check_finite_csv_knowing(dir: &Path, seen: &Seen) -> Result<(), String> {
    let names: Vec<String> = listed_files(dir)?
        .into_iter()
        .filter(|n| n.ends_with(".csv"))
        .filter(|n| seen.get(n).is_none_or(|written| written.may_hold_non_finite))
        .collect();
    // The files are read in parallel.
    try_map_in_order(&names, |name| check_finite_file(dir, name))
}

fn check_finite_file(dir: &Path, name: &str) -> Result<(), String> {
    let path = dir.join(name);
    let bytes = fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    // Parsing every field of a large table took most of a commit; a table that cannot hold a
    // non-finite field needs no parsing.
    if !may_hold_non_finite(&bytes) {
        return Ok(());
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .comment(Some(b'#'))
        .from_reader(bytes.as_slice());
    for (row, record) in reader.records().enumerate() {
        let record = record.map_err(|e| format!("{}: {e}", path.display()))?;
        if let Some(field) = record.iter().find(|f| is_non_finite(f)) {
            return Err(format!(
                "not writing {}: row {} holds the non-finite value `{field}` (an overflow: are some costs or rates absurdly large?)",
                name,
                row + 1
            ));
        }
    }
    Ok(())
}

/// Whether `bytes` hold `nan` or `inf` in any case: every text that parses as a non-finite
/// number (`inf`, `-Infinity`, `NaN`, ...) does, and each of these words has an `n` to look
/// for.
fn may_hold_non_finite(bytes: &[u8]) -> bool {
    let lower = |k: usize| bytes.get(k).map(|b| b | 0x20);
    memchr::memchr2_iter(b'n', b'N', bytes).any(|at| {
        let nan = lower(at + 1) == Some(b'a') && lower(at + 2) == Some(b'n');
        let inf = at > 0 && lower(at - 1) == Some(b'i') && lower(at + 1) == Some(b'f');
        nan || inf
    })
}

/// What was learnt of each file of a staged folder while its bytes were written (by relative
/// path), so that the commit need not read the files back: the hash for the marker, and for a
/// table whether it may hold a non-finite number.
type Seen = std::collections::HashMap<String, Written>;

#[derive(Debug, Clone)]
struct Written {
    sha256_hex: String,
    may_hold_non_finite: bool,
}

/// A writer that passes its bytes on while hashing them and, for a table, looking for a word
/// that may be a non-finite number ([`may_hold_non_finite`], including words cut in two
/// between two writes).
struct Watching<W> {
    inner: W,
    sha: Sha256,
    scan_words: bool,
    may_hold_non_finite: bool,
    /// The last (up to) two bytes passed on: a word cut between two writes is looked for in
    /// these and the first three bytes of the next write.
    tail: [u8; 2],
    tail_len: usize,
}

impl<W: Write> Watching<W> {
    fn new(inner: W, scan_words: bool) -> Self {
        let sha = Sha256::new();
        Self { inner, sha, scan_words, may_hold_non_finite: false, tail: [0; 2], tail_len: 0 }
    }

    fn look_for_words(&mut self, bytes: &[u8]) {
        if !self.scan_words || self.may_hold_non_finite || bytes.is_empty() {
            return;
        }
        let head = &bytes[..bytes.len().min(3)];
        let mut seam = [0u8; 5];
        seam[..self.tail_len].copy_from_slice(&self.tail[..self.tail_len]);
        seam[self.tail_len..self.tail_len + head.len()].copy_from_slice(head);
        let seam = &seam[..self.tail_len + head.len()];
        self.may_hold_non_finite = may_hold_non_finite(seam) || may_hold_non_finite(bytes);
        // The seam ends with all of a write shorter than two bytes.
        let last = match bytes.len() {
            0 | 1 => &seam[seam.len().saturating_sub(2)..],
            n => &bytes[n - 2..],
        };
        self.tail[..last.len()].copy_from_slice(last);
        self.tail_len = last.len();
    }

    fn finish(self) -> (W, Written) {
        let sha256_hex = hex(&self.sha.finalize());
        (self.inner, Written { sha256_hex, may_hold_non_finite: self.may_hold_non_finite })
    }
}

impl<W: Write> Write for Watching<W> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(bytes)?;
        self.sha.update(&bytes[..n]);
        self.look_for_words(&bytes[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

fn is_non_finite(field: &str) -> bool {
    field.parse::<f64>().is_ok_and(|x| !x.is_finite())
}

/// Data files that always hold rows under their header: one without is a damaged file.
const FILES_WITH_ROWS: [&str; 4] =
    ["survival.csv", "monthly.csv", "costs_by_payer.csv", "provenance.csv"];

/// What `reentry report` checks before drawing: every file against the marker's hashes
/// (except the pictures and page it redraws), and no empty data file. Returns whether the
/// folder has a marker (older folders have none: noted, and only the emptiness is checked).
pub fn check_for_report(dir: &Path) -> Result<bool, String> {
    if !dir.is_dir() {
        return Err(format!("{} is not a folder", dir.display()));
    }
    let redrawn = |name: &str| name == "report.html" || name.starts_with("plots/");
    let marked = dir.join(MARKER).exists();
    if marked {
        verify_files(dir, redrawn)?;
    } else {
        eprintln!(
            "note: {} has no {MARKER} (written by an older reentry?): its files cannot be checked for damage",
            dir.display()
        );
    }
    for name in listed_files(dir)?.iter().filter(|n| n.ends_with(".csv") && !n.contains('/')) {
        let path = dir.join(name);
        let text =
            crate::limits::read_text_limited(&path, 64 * crate::limits::MAX_INPUT_BYTES * 16)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let lines = text.lines().filter(|l| !l.trim().is_empty()).count();
        let needed = if FILES_WITH_ROWS.contains(&name.as_str()) { 2 } else { 1 };
        if lines < needed {
            return Err(format!(
                "{} is empty{}: the folder is damaged or incomplete; run the command again to rebuild it",
                path.display(),
                if lines == 1 { " (a header without rows)" } else { "" }
            ));
        }
    }
    Ok(marked)
}

// ----- the lock -----

/// An exclusive lock on `.NAME.lock` beside the target, held until dropped.
#[derive(Debug)]
pub struct TargetLock {
    _file: fs::File,
}

impl TargetLock {
    pub fn acquire(target: &Target, suffix: &str) -> Result<TargetLock, String> {
        let path = target.sibling(suffix);
        let file = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| format!("cannot create the lock file {}: {e}", path.display()))?;
        match file.try_lock() {
            Ok(()) => Ok(TargetLock { _file: file }),
            Err(fs::TryLockError::WouldBlock) => Err(format!(
                "another reentry process is writing {} right now (it holds {}); wait for it to finish or choose another --out",
                target.shown.display(),
                path.display()
            )),
            Err(fs::TryLockError::Error(e)) => Err(format!("cannot lock {}: {e}", path.display())),
        }
    }
}

// ----- processes -----

/// Whether process `pid` is running on this machine. Without `/proc` we cannot tell, and
/// answer "dead": callers only ask while holding the target's lock, so no live reentry
/// process can be writing there.
pub fn pid_alive(pid: u32) -> bool {
    let proc = Path::new("/proc");
    proc.join("self").exists() && proc.join(pid.to_string()).exists()
}

/// This machine's name (for temporary files in folders shared by several machines).
pub fn host_name() -> String {
    fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| fs::read_to_string("/etc/hostname"))
        .map(|h| h.trim().to_string())
        .unwrap_or_default()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// Removes what killed writers of `target` left beside it: staging folders of dead
/// processes, and an old folder set aside during a swap (put back if the swap never
/// finished, so the user's previous results are not lost). Call with the lock held.
fn clear_stale(target: &Target) {
    let Ok(entries) = fs::read_dir(&target.parent) else { return };
    let prefix = format!(".{}.", target.name);
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix(&prefix) else { continue };
        let (kind, pid) = match rest.split_once('-') {
            Some((kind, pid)) => (kind, pid.parse::<u32>().ok()),
            None => continue,
        };
        let Some(pid) = pid.filter(|pid| !pid_alive(*pid)) else { continue };
        match kind {
            "partial" => {
                let _ = fs::remove_dir_all(entry.path());
            }
            "old" if target.exists() => {
                let _ = fs::remove_dir_all(entry.path());
            }
            "old" if fs::rename(entry.path(), &target.resolved).is_ok() => {
                eprintln!(
                    "note: put back {} (set aside by process {pid}, which died while replacing it)",
                    target.shown.display()
                );
            }
            _ => {}
        }
    }
}

// ----- cleaning up on Ctrl-C and SIGTERM -----

/// What an interrupted process must undo.
#[derive(Debug, Clone)]
enum Cleanup {
    /// A staging folder: remove it.
    Staging(PathBuf),
    /// This process's temporary files in these folders (a sweep's `results/`, `parts/`).
    Temporaries(Vec<PathBuf>),
    /// A forced sweep under way: remove the new folder and put the old one back.
    Restore { new: PathBuf, old: PathBuf },
}

static CLEANUPS: Mutex<Vec<(u64, Cleanup)>> = Mutex::new(Vec::new());
static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
static HANDLER: Once = Once::new();

fn registry() -> MutexGuard<'static, Vec<(u64, Cleanup)>> {
    CLEANUPS.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Undoes its registered work when a signal ends the process; unregisters when dropped.
#[derive(Debug)]
pub struct CleanupGuard(u64);

impl Drop for CleanupGuard {
    fn drop(&mut self) {
        registry().retain(|(id, _)| *id != self.0);
    }
}

fn register(cleanup: Cleanup) -> CleanupGuard {
    install_handler();
    let id = NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    registry().push((id, cleanup));
    CleanupGuard(id)
}

/// Registers removal of this process's temporary files in `dirs` on Ctrl-C or SIGTERM.
pub fn remove_temporaries_on_signal(dirs: Vec<PathBuf>) -> CleanupGuard {
    register(Cleanup::Temporaries(dirs))
}

/// Registers: on Ctrl-C or SIGTERM, remove `new` and rename `old` back to it.
pub fn restore_on_signal(new: PathBuf, old: PathBuf) -> CleanupGuard {
    register(Cleanup::Restore { new, old })
}

fn install_handler() {
    HANDLER.call_once(|| {
        // If another handler is already installed (a host program), it keeps its own rules.
        let _ = ctrlc::set_handler(|| {
            // Holding the registry keeps a swap in `commit` from running half-way.
            let cleanups = registry();
            for (_, cleanup) in cleanups.iter().rev() {
                undo(cleanup);
            }
            eprintln!("interrupted: unfinished output removed");
            std::process::exit(130);
        });
    });
}

fn undo(cleanup: &Cleanup) {
    match cleanup {
        Cleanup::Staging(path) => {
            let _ = fs::remove_dir_all(path);
        }
        Cleanup::Temporaries(dirs) => {
            let here = host_name();
            for dir in dirs {
                remove_temporaries(dir, |host, pid| host == here && pid == std::process::id());
            }
        }
        Cleanup::Restore { new, old } => {
            if fs::remove_dir_all(new).is_ok() || !new.exists() {
                let _ = fs::rename(old, new);
            }
        }
    }
}

/// The temporary name [`write_atomic`] uses for `name`:
/// `.NAME.tmp-HOST-PID-NANOS`, so another process can tell whose it is.
pub fn temporary_name(name: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!(".{name}.tmp-{}-{}-{nanos}", host_name(), std::process::id())
}

/// The host and process id in a temporary name made by [`temporary_name`].
fn temporary_owner(name: &str) -> Option<(String, u32)> {
    let (_, tail) = name.strip_prefix('.')?.rsplit_once(".tmp-")?;
    let mut parts = tail.rsplitn(3, '-');
    let _nanos = parts.next()?;
    let pid = parts.next()?.parse().ok()?;
    Some((parts.next()?.to_string(), pid))
}

/// Removes the temporary files in `dir` whose owner `(host, pid)` matches `whose`.
pub fn remove_temporaries(dir: &Path, whose: impl Fn(&str, u32) -> bool) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some((host, pid)) = temporary_owner(&name)
            && whose(&host, pid)
        {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Removes temporary files in `dir` left by dead processes of this machine.
pub fn remove_dead_temporaries(dir: &Path) {
    let here = host_name();
    remove_temporaries(dir, |host, pid| host == here && !pid_alive(pid));
}

// ----- the staged folder -----

/// A folder being written: files go to a staging folder that replaces `target` on commit.
/// Holds the target's lock from [`OutputDir::prepare`] until it is dropped.
#[derive(Debug)]
pub struct OutputDir {
    target: Target,
    staging: PathBuf,
    force: bool,
    _lock: TargetLock,
    _cleanup: CleanupGuard,
    seen: Mutex<Seen>,
}

impl OutputDir {
    /// Checks up front that `target` may be written, before any simulation work: the path,
    /// the lock, and (with `force`) that an existing folder may be replaced.
    pub fn prepare(target: &Path, force: bool) -> Result<Self, String> {
        let target = Target::resolve(target)?;
        let lock = TargetLock::acquire(&target, "lock")?;
        clear_stale(&target);
        if target.exists() {
            if !force {
                return Err(format!(
                    "output folder {} already exists; choose another with --out or replace it with --force",
                    target.shown.display()
                ));
            }
            target.check_replaceable()?;
        }
        let staging = target.sibling(&format!("partial-{}", std::process::id()));
        if staging.exists() {
            fs::remove_dir_all(&staging)
                .map_err(|e| format!("cannot clear {}: {e}", staging.display()))?;
        }
        let cleanup = register(Cleanup::Staging(staging.clone()));
        fs::create_dir_all(&staging)
            .map_err(|e| format!("cannot create {}: {e}", staging.display()))?;
        let seen = Mutex::new(Seen::new());
        Ok(Self { target, staging, force, _lock: lock, _cleanup: cleanup, seen })
    }

    pub fn write_file(
        &self,
        name: &str,
        write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> Result<(), String> {
        let path = self.staging.join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        let file = fs::File::create(&path)
            .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
        let mut buf = io::BufWriter::new(Watching::new(file, name.ends_with(".csv")));
        let cannot = |e: io::Error| format!("cannot write {name}: {e}");
        write(&mut buf).and_then(|_| buf.flush()).map_err(cannot)?;
        let (_, written) = buf.into_inner().map_err(|e| cannot(e.into_error()))?.finish();
        self.seen_files().insert(name.to_string(), written);
        Ok(())
    }

    fn seen_files(&self) -> MutexGuard<'_, Seen> {
        self.seen.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Where the files are being written (the staging folder, until commit).
    pub fn path(&self) -> &Path {
        &self.staging
    }

    /// Checks the files (no non-finite numbers), writes the marker with their hashes, and
    /// swaps the folder into place: the old folder (if any) is removed only after the new
    /// one is in.
    pub fn commit(self) -> Result<PathBuf, String> {
        let result = self.try_commit();
        if result.is_err() {
            let _ = fs::remove_dir_all(&self.staging);
        }
        result
    }

    fn try_commit(&self) -> Result<PathBuf, String> {
        // Every file was hashed and scanned as it was written (see `write_file`).
        let seen = std::mem::take(&mut *self.seen_files());
        check_finite_csv_knowing(&self.staging, &seen)?;
        write_marker_knowing(&self.staging, "run", &seen)?;
        // Hold off a signal handler while the folders are renamed.
        let _quiet = registry();
        if self.target.exists() {
            if !self.force {
                return Err(format!(
                    "{} appeared while running; not replacing it",
                    self.target.shown.display()
                ));
            }
            self.target.check_replaceable()?;
        }
        swap_in(&self.staging, &self.target)?;
        Ok(self.target.shown.clone())
    }

    pub fn abandon(self) {
        let _ = fs::remove_dir_all(&self.staging);
    }

    /// Runs `work` (which fills the folder) and commits the folder if it succeeds; on any
    /// error the staging folder is removed, so nothing half-written is left behind.
    pub fn fill<T>(
        self,
        work: impl FnOnce(&OutputDir) -> Result<T, String>,
    ) -> Result<(PathBuf, T), String> {
        match work(&self) {
            Ok(value) => Ok((self.commit()?, value)),
            Err(e) => {
                self.abandon();
                Err(e)
            }
        }
    }
}

/// Moves `new` to `target`: the old target (if any) is renamed aside first and removed only
/// after the new folder is in place; if moving the new one in fails, the old one is put back.
pub fn swap_in(new: &Path, target: &Target) -> Result<(), String> {
    let shown = target.shown.display();
    if !target.exists() {
        return fs::rename(new, &target.resolved)
            .map_err(|e| format!("cannot move results to {shown}: {e}"));
    }
    let aside = set_aside(target)?;
    if let Err(e) = fs::rename(new, &target.resolved) {
        let restored = fs::rename(&aside, &target.resolved);
        return Err(match restored {
            Ok(()) => format!("cannot move results to {shown}: {e}; the old folder is unchanged"),
            Err(r) => format!(
                "cannot move results to {shown}: {e}; the old folder is kept at {} (cannot put it back: {r})",
                aside.display()
            ),
        });
    }
    fs::remove_dir_all(&aside).map_err(|e| {
        format!("results are in {shown}, but cannot remove the old folder {}: {e}", aside.display())
    })
}

/// Renames the existing target to `.NAME.old-PID` beside it; returns that path.
pub fn set_aside(target: &Target) -> Result<PathBuf, String> {
    let aside = target.sibling(&format!("old-{}", std::process::id()));
    fs::rename(&target.resolved, &aside).map_err(|e| {
        format!("cannot replace {}: cannot move the old folder aside: {e}", target.shown.display())
    })?;
    Ok(aside)
}

/// The lock and checks of a folder written in place (a sweep): resolved target, its lock
/// (named by `lock_suffix`, e.g. one per shard) and stale-file cleanup.
pub fn lock_in_place(target: &Path, lock_suffix: &str) -> Result<(Target, TargetLock), String> {
    let target = Target::resolve(target)?;
    let lock = TargetLock::acquire(&target, lock_suffix)?;
    clear_stale(&target);
    Ok((target, lock))
}

/// Writes `bytes` to `path` so that `path` either does not exist or is complete: a temporary
/// file in the same folder, flushed to disk, then renamed over `path`.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let name = path.file_name().map_or("file".into(), |n| n.to_string_lossy().into_owned());
    // Unique per machine, process and moment: shards on several machines may share the
    // folder, and a later run removes the temporaries of dead processes of its own machine.
    let tmp = path.with_file_name(temporary_name(&name));
    let result = (|| {
        let mut file = fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = fs::remove_file(&tmp);
        format!("cannot write {}: {e}", path.display())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_names_tell_their_owner() {
        let name = temporary_name("part-0-of-2.csv");
        let (host, pid) = temporary_owner(&name).unwrap();
        assert_eq!((host, pid), (host_name(), std::process::id()));
        assert_eq!(temporary_owner(".x.csv.tmp-my-host-12-34"), Some(("my-host".into(), 12)));
        assert_eq!(temporary_owner("x.csv"), None);
    }

    #[test]
    fn non_finite_fields_are_found() {
        assert!(is_non_finite("inf") && is_non_finite("-inf") && is_non_finite("NaN"));
        assert!(!is_non_finite("NA") && !is_non_finite("1e308") && !is_non_finite("text"));
    }

    #[test]
    fn the_quick_look_misses_no_non_finite_word() {
        for word in ["inf", "-inf", "+Inf", "INFINITY", "-infinity", "NaN", "nan", "NAN", "-nan"] {
            assert!(is_non_finite(word), "{word}");
            assert!(may_hold_non_finite(format!("x,y\n1,{word}\n").as_bytes()), "{word}");
        }
        assert!(!may_hold_non_finite(b"day,survival\n0,1.000000\n1,0.998\n2,1e308,NA\n"));
        assert!(!may_hold_non_finite(b"n,i,f,a\nin,an,na,fn\n"));
    }

    /// Passes `text` through a [`Watching`] writer in pieces of `piece` bytes.
    fn watched(text: &[u8], piece: usize) -> (Vec<u8>, Written) {
        let mut w = Watching::new(Vec::new(), true);
        text.chunks(piece.max(1)).for_each(|chunk| w.write_all(chunk).unwrap());
        w.finish()
    }

    #[test]
    fn a_file_watched_as_it_is_written_gets_the_hash_and_the_look_of_its_whole_bytes() {
        let texts: [&[u8]; 5] = [
            b"x,y\n1,NaN\n",
            b"x,y\n1,-inf\n",
            b"day,s\n0,1.0\n1,NA\n",
            b"n",
            b"name,note\nin,f\nna,n\n",
        ];
        for text in texts {
            for piece in 1..=text.len() {
                let (passed, written) = watched(text, piece);
                assert_eq!(passed, text, "the bytes pass unchanged");
                assert_eq!(written.sha256_hex, sha256_hex(text), "piece {piece}");
                assert_eq!(
                    written.may_hold_non_finite,
                    may_hold_non_finite(text),
                    "{} in pieces of {piece}",
                    String::from_utf8_lossy(text)
                );
            }
        }
    }

    #[test]
    fn a_non_finite_word_cut_between_two_writes_is_still_seen() {
        for word in ["nan", "inf", "NaN", "-Infinity"] {
            let text = format!("x,y\n1,{word}\n");
            for cut in 0..=text.len() {
                let mut w = Watching::new(io::sink(), true);
                w.write_all(&text.as_bytes()[..cut]).unwrap();
                w.write_all(&text.as_bytes()[cut..]).unwrap();
                assert!(w.finish().1.may_hold_non_finite, "{word} cut at {cut}");
            }
        }
    }

    #[test]
    fn a_folder_committed_from_what_was_written_has_the_marker_of_its_files_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        let out = OutputDir::prepare(&target, false).unwrap();
        out.write_file("a.csv", |w| w.write_all(b"x,note\n1,no information\n")).unwrap();
        out.write_file("plots/p.svg", |w| w.write_all(b"<svg/>")).unwrap();
        out.commit().unwrap();
        let committed = read_marker(&target).unwrap();
        write_marker(&target, "run").unwrap();
        assert_eq!(read_marker(&target).unwrap(), committed);
        assert_eq!(committed.files.len(), 2);
    }

    #[test]
    fn a_non_finite_number_written_through_the_folder_stops_the_commit() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        let out = OutputDir::prepare(&target, false).unwrap();
        out.write_file("a.csv", |w| w.write_all(b"x,y\n1,2\n")).unwrap();
        out.write_file("b.csv", |w| w.write_all(b"x,y\n1,inf\n")).unwrap();
        let e = out.commit().unwrap_err();
        assert!(e.contains("b.csv") && e.contains("`inf`"), "{e}");
        assert!(!target.exists(), "nothing is written");
    }

    #[test]
    fn a_failed_swap_puts_the_old_folder_back() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        fs::create_dir(&out).unwrap();
        fs::write(out.join("results.csv"), "old").unwrap();
        let target = Target::resolve(&out).unwrap();
        let e = swap_in(&dir.path().join("never-written"), &target).unwrap_err();
        assert!(e.contains("the old folder is unchanged"), "{e}");
        assert_eq!(fs::read_to_string(out.join("results.csv")).unwrap(), "old");
        let new = dir.path().join("new");
        fs::create_dir(&new).unwrap();
        fs::write(new.join("results.csv"), "new").unwrap();
        swap_in(&new, &target).unwrap();
        assert_eq!(fs::read_to_string(out.join("results.csv")).unwrap(), "new");
        let left: Vec<_> = fs::read_dir(dir.path()).unwrap().flatten().collect();
        assert_eq!(left.len(), 1, "nothing set aside is left");
    }

    #[test]
    fn non_finite_values_in_a_csv_stop_the_commit() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("a.csv"), "x,y\n1,NA\n").unwrap();
        check_finite_csv(dir.path()).unwrap();
        fs::write(dir.path().join("b.csv"), "x,y\n1,2\n3,inf\n").unwrap();
        let e = check_finite_csv(dir.path()).unwrap_err();
        assert!(e.contains("b.csv") && e.contains("row 3") && e.contains("`inf`"), "{e}");
    }

    #[test]
    fn the_first_damaged_file_by_name_is_reported_whatever_the_thread_count() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("a.csv"), "x\n1\n").unwrap();
        fs::write(dir.path().join("b.csv"), "x\nNaN\n").unwrap();
        fs::write(dir.path().join("c.csv"), "x\ninf\n").unwrap();
        for threads in [1, 3] {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            for _ in 0..20 {
                let e = pool.install(|| check_finite_csv(dir.path())).unwrap_err();
                assert!(e.contains("b.csv") && e.contains("`NaN`"), "{threads} threads: {e}");
            }
        }
        fs::write(dir.path().join("b.csv"), "x\n2\n").unwrap();
        let e = check_finite_csv(dir.path()).unwrap_err();
        assert!(e.contains("c.csv"), "{e}");
    }

    #[test]
    fn the_marker_records_and_checks_every_file() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("plots")).unwrap();
        fs::write(dir.path().join("a.csv"), "x\n1\n").unwrap();
        fs::write(dir.path().join("plots/p.svg"), "<svg/>").unwrap();
        write_marker(dir.path(), "run").unwrap();
        let marker = verify_files(dir.path(), |_| false).unwrap();
        assert_eq!(marker.files.keys().collect::<Vec<_>>(), ["a.csv", "plots/p.svg"]);
        fs::write(dir.path().join("plots/p.svg"), "<svg></svg>").unwrap();
        let e = verify_files(dir.path(), |_| false).unwrap_err();
        assert!(e.contains("p.svg was changed"), "{e}");
        verify_files(dir.path(), |n| n.starts_with("plots/")).unwrap();
    }

    #[test]
    fn protected_places() {
        assert!(protected(Path::new("/")).is_some());
        let cwd = fs::canonicalize(std::env::current_dir().unwrap()).unwrap();
        assert!(protected(&cwd).is_some());
        assert!(protected(cwd.parent().unwrap()).is_some());
        let dir = tempfile::tempdir().unwrap();
        assert!(protected(&fs::canonicalize(dir.path()).unwrap()).is_none());
    }
}
