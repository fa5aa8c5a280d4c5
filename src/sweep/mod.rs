//! Parameter sweeps: one base scenario run at many design points (a full grid or a Latin
//! hypercube over dotted scenario paths, see [`definition`]), every point with the same seed
//! so that points are paired (common random numbers).
//!
//! A sweep can be split into shards (`--shard I/N`: point `p` belongs to shard `p mod N`) that
//! run on different machines into one shared folder ([`store`]) and are combined by
//! [`merge::merge`]. Each finished point is saved atomically on its own, so a killed sweep
//! continues with `--resume` where it stopped. Results depend only on the sweep file and the
//! seed: never on threads, shard count, or interruptions.

pub mod definition;
pub mod merge;
pub mod store;

use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

pub use definition::{Design, Sweep};
pub use merge::{Merged, merge};
use store::{Block, Manifest, PARTS_DIR, RESULTS_DIR, Row, part_name, point_path, write_atomic};

use crate::experiments::{indicator_matrix, run_replications_with};
use crate::output::outdir;
use crate::progress::Progress;

/// Which share of the design points this process runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl Shard {
    pub const WHOLE: Shard = Shard { index: 0, count: 1 };

    /// Parses `I/N` with `0 <= I < N` (Slurm: `$SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT`).
    pub fn parse(text: &str) -> Result<Shard, String> {
        let parsed = text
            .split_once('/')
            .and_then(|(i, n)| Some((i.trim().parse().ok()?, n.trim().parse().ok()?)));
        match parsed {
            Some((index, count)) if index < count => Ok(Shard { index, count }),
            _ => Err(format!("`{text}` is not a shard I/N with 0 <= I < N (e.g. 0/4 ... 3/4)")),
        }
    }

    /// Point `p` belongs to shard `p mod N`: the same split on every machine, and shards of
    /// about equal size whatever the design's order.
    pub fn owns(&self, point: usize) -> bool {
        point % self.count == self.index
    }
}

/// How a sweep is run; results never depend on `threads`.
#[derive(Debug, Clone)]
pub struct RunSettings {
    pub out: PathBuf,
    pub threads: usize,
    /// `None`: the whole sweep in this process, merged at the end.
    pub shard: Option<Shard>,
    pub resume: bool,
    pub force: bool,
    /// Draw the pictures and `report.html` of a whole sweep, in this language (`None` for
    /// sweeps that are a step of another command, e.g. the designs of `sensitivity`).
    pub report: Option<crate::output::lang::Lang>,
}

/// What one `reentry sweep` did.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub points: usize,
    pub mine: usize,
    pub already_done: usize,
    pub ran: usize,
    pub part: PathBuf,
    pub merged: Option<Merged>,
}

/// Runs the sweep (or one shard of it) into `settings.out`.
pub fn run(sweep: &Sweep, settings: &RunSettings) -> Result<Report, String> {
    let shard = settings.shard.unwrap_or(Shard::WHOLE);
    let manifest = Manifest::of(sweep)?;
    let lock_name = match settings.shard {
        None => "lock".to_string(),
        Some(s) => format!("lock-shard-{}-of-{}", s.index, s.count),
    };
    let (target, _lock) = outdir::lock_in_place(&settings.out, &lock_name)?;
    let replaced = prepare_folder(&target, settings)?;
    let dir = settings.out.as_path();
    let restore = replaced
        .as_ref()
        .map(|old| outdir::restore_on_signal(target.resolved.clone(), old.clone()));
    let result = run_in(sweep, settings, &manifest, dir, shard);
    // From here on a signal must not undo anything: the folders are settled below.
    drop(restore);
    match (&result, replaced) {
        // The new sweep is complete: only now is the folder it replaced removed.
        (Ok(_), Some(old)) => fs::remove_dir_all(&old).map_err(|e| {
            format!("the sweep is done, but cannot remove the old folder {}: {e}", old.display())
        })?,
        // A failed forced sweep puts the previous folder back.
        (Err(_), Some(old)) => {
            let _ = fs::remove_dir_all(&target.resolved);
            let _ = fs::rename(&old, &target.resolved);
        }
        (_, None) => {}
    }
    result
}

fn run_in(
    sweep: &Sweep,
    settings: &RunSettings,
    manifest: &Manifest,
    dir: &Path,
    shard: Shard,
) -> Result<Report, String> {
    manifest.install(dir)?;
    if outdir::read_marker(dir).is_err() {
        outdir::write_marker(dir, "sweep")?;
    }
    let mine: Vec<usize> = (0..sweep.points.len()).filter(|p| shard.owns(*p)).collect();
    store::clear_temporaries(dir, &mine);
    let scratch = vec![dir.join(RESULTS_DIR), dir.join(PARTS_DIR)];
    for sub in &scratch {
        outdir::remove_dead_temporaries(sub);
    }
    let _cleanup = outdir::remove_temporaries_on_signal(scratch);
    let part = dir.join(PARTS_DIR).join(part_name(shard.index, shard.count));
    let todo = points_to_run(sweep, manifest, dir, &mine, &part, settings)?;
    run_points(sweep, &manifest.hash, dir, &todo, settings.threads)?;
    write_part(sweep, &manifest.hash, dir, &mine, shard, &part)?;
    let merged = match settings.shard {
        None => Some(merge::merge_parts(dir, Some(&part_name(0, 1)))?),
        Some(_) => None,
    };
    if let (Some(_), Some(lang)) = (&merged, settings.report) {
        crate::output::sweep_report::write_report(dir, lang)?;
    }
    Ok(Report {
        points: sweep.points.len(),
        mine: mine.len(),
        already_done: mine.len() - todo.len(),
        ran: todo.len(),
        part,
        merged,
    })
}

/// The output-folder rules. A whole sweep owns its folder: an existing one is refused unless
/// `--resume` (continue it) or `--force` (start over: only a folder reentry wrote, and never a
/// protected place, see [`outdir`]; it is set aside and returned, to be removed once the new
/// sweep is done). Shards share a folder: it may exist, and `--force` redoes only this
/// shard's points (see [`points_to_run`]). In every case the manifest found there must be
/// this sweep's (checked by the caller).
fn prepare_folder(
    target: &outdir::Target,
    settings: &RunSettings,
) -> Result<Option<PathBuf>, String> {
    let dir = target.resolved.as_path();
    let shown = target.shown.display();
    if target.exists() && !dir.is_dir() {
        return Err(format!("{shown} exists and is not a folder"));
    }
    let occupied = fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some());
    let mut replaced = None;
    if settings.shard.is_none() && occupied {
        if settings.force {
            target.check_replaceable()?;
            replaced = Some(outdir::set_aside(target)?);
        } else if settings.resume && !dir.join(store::SWEEP_FILE).exists() {
            return Err(format!(
                "{shown} exists but holds no sweep ({} is missing): nothing to resume; choose another --out",
                store::SWEEP_FILE
            ));
        } else if !settings.resume {
            return Err(format!(
                "output folder {shown} already exists; continue this sweep with --resume, start over with --force, or choose another --out"
            ));
        }
    }
    for sub in [RESULTS_DIR, PARTS_DIR] {
        let path = dir.join(sub);
        fs::create_dir_all(&path).map_err(|e| format!("cannot create {}: {e}", path.display()))?;
    }
    Ok(replaced)
}

/// This process's points that have no valid result yet. Without `--resume` or `--force`, a
/// shard that ran before is refused rather than silently redone or skipped.
fn points_to_run(
    sweep: &Sweep,
    manifest: &Manifest,
    dir: &Path,
    mine: &[usize],
    part: &Path,
    settings: &RunSettings,
) -> Result<Vec<usize>, String> {
    let started = mine.iter().filter(|p| point_path(dir, **p).exists()).count();
    if settings.force && settings.shard.is_some() {
        for p in mine {
            remove_if_present(&point_path(dir, *p))?;
        }
        remove_if_present(part)?;
        return Ok(mine.to_vec());
    }
    if !settings.resume && (part.exists() || started > 0) {
        return Err(format!(
            "this shard already ran in {} ({started} of its {} points done); continue it with --resume or redo it with --force",
            dir.display(),
            mine.len()
        ));
    }
    let reps = sweep.replications();
    let mut todo = Vec::new();
    for &p in mine {
        match Block::read_point(dir, &manifest.hash, p, reps) {
            Ok(_) => {}
            Err(_) if !point_path(dir, p).exists() => todo.push(p),
            Err(why) => {
                eprintln!("note: running point {p} again: {why}");
                todo.push(p);
            }
        }
    }
    Ok(todo)
}

fn remove_if_present(path: &Path) -> Result<(), String> {
    match fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(format!("cannot remove {}: {e}", path.display())),
    }
}

/// Runs the points in parallel (points and their replications share one rayon pool); each
/// point's file is written as soon as it is done, so an interruption loses at most the points
/// in flight.
fn run_points(
    sweep: &Sweep,
    hash: &str,
    dir: &Path,
    todo: &[usize],
    threads: usize,
) -> Result<(), String> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| format!("cannot start {threads} threads: {e}"))?;
    let reps = sweep.replications();
    let progress = Progress::new(todo.len() as u64 * u64::from(reps), &sweep.name);
    let result = pool.install(|| {
        todo.par_iter().with_max_len(1).try_for_each(|&p| {
            let sc = &sweep.scenarios[p];
            let results = run_replications_with(sc, reps, &|| progress.tick());
            let (names, values) = indicator_matrix(sc, &results);
            let rows = (0..results.len())
                .map(|r| Row {
                    point: p,
                    replication: r as u32,
                    values: values.iter().map(|column| column[r]).collect(),
                })
                .collect();
            let block = Block {
                indicators: names.iter().map(|i| i.name.clone()).collect(),
                units: names.iter().map(|i| i.unit.to_string()).collect(),
                rows,
            };
            let text = block.to_text(hash, &format!("point={p}"))?;
            write_atomic(&point_path(dir, p), text.as_bytes())
        })
    });
    progress.finish();
    result
}

/// Collects this shard's point files into its part file (what `merge` reads).
fn write_part(
    sweep: &Sweep,
    hash: &str,
    dir: &Path,
    mine: &[usize],
    shard: Shard,
    part: &Path,
) -> Result<(), String> {
    let mut all: Option<Block> = None;
    for &p in mine {
        let block = Block::read_point(dir, hash, p, sweep.replications())?;
        match &mut all {
            None => all = Some(block),
            Some(acc) if acc.indicators == block.indicators => acc.rows.extend(block.rows),
            Some(_) => {
                return Err(format!(
                    "point {p} has other indicators than the points before it (does a parameter change the horizon?)"
                ));
            }
        }
    }
    // A shard without points (more shards than points) still reports in, so merge can tell
    // it ran; its indicator columns are taken from the first part that has rows.
    let all = all.unwrap_or(Block { indicators: Vec::new(), units: Vec::new(), rows: Vec::new() });
    let text = all.to_text(hash, &format!("shard={}/{}", shard.index, shard.count))?;
    write_atomic(part, text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_parse_and_split_points() {
        assert_eq!(Shard::parse("1/4"), Ok(Shard { index: 1, count: 4 }));
        assert!(Shard::parse("4/4").is_err());
        assert!(Shard::parse("1").is_err());
        assert!(Shard::parse("-1/4").is_err());
        let shards: Vec<Shard> = (0..3).map(|i| Shard { index: i, count: 3 }).collect();
        for p in 0..10 {
            assert_eq!(shards.iter().filter(|s| s.owns(p)).count(), 1);
        }
    }
}
