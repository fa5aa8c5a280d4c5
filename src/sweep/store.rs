//! The sweep's output folder on disk, shared by shards that may run on different machines:
//!
//! ```text
//! OUT/sweep.toml            the sweep as resolved  ┐ the manifest: written once, and any
//! OUT/base-scenario.toml    the base as resolved   │ later shard or resume must find it
//! OUT/points.csv            point id + values      ┘ byte-identical
//! OUT/results/point-NNNNNN.csv   one finished point (the resume state)
//! OUT/parts/part-I-of-N.csv      one finished shard (what `merge` reads)
//! OUT/runs.csv, OUT/summary.csv  written by `merge`
//! ```
//!
//! Every file is written to a hidden temporary name, flushed to disk and renamed into place,
//! so a killed process leaves at most a temporary file, which nothing reads: a file that
//! exists under its real name is complete. Result files carry the hash of the manifest, so
//! results of another sweep are never mistaken for this one's.

use std::fs;
use std::path::{Path, PathBuf};

use super::definition::{Sweep, csv_value};
pub use crate::output::outdir::write_atomic;

pub const SWEEP_FILE: &str = "sweep.toml";
pub const BASE_FILE: &str = super::definition::BASE_SCENARIO;
pub const POINTS_FILE: &str = "points.csv";
pub const RESULTS_DIR: &str = "results";
pub const PARTS_DIR: &str = "parts";

/// The largest manifest or point file read (a point holds one row per replication).
const MANIFEST_LIMIT: u64 = 256 << 20;

/// The files that define a sweep, and their hash (the sweep's identity).
#[derive(Debug, Clone, PartialEq)]
pub struct Manifest {
    pub files: Vec<(&'static str, String)>,
    pub hash: String,
}

impl Manifest {
    pub fn of(sweep: &Sweep) -> Result<Manifest, String> {
        let sweep_text = toml::to_string(&sweep.resolved)
            .map_err(|e| format!("cannot write the resolved sweep: {e}"))?;
        let sweep_text = format!(
            "# The sweep as run; `reentry sweep` on this file (with {BASE_FILE} beside it) runs it again.\n{sweep_text}"
        );
        let base_text = toml::to_string(&sweep.base.resolved)
            .map_err(|e| format!("cannot write the base scenario: {e}"))?;
        let points_text = points_csv(sweep)?;
        Ok(Manifest::from_files(vec![
            (SWEEP_FILE, sweep_text),
            (BASE_FILE, base_text),
            (POINTS_FILE, points_text),
        ]))
    }

    fn from_files(files: Vec<(&'static str, String)>) -> Manifest {
        let mut bytes = Vec::new();
        for (name, text) in &files {
            bytes.extend_from_slice(name.as_bytes());
            bytes.push(0);
            bytes.extend_from_slice(text.as_bytes());
            bytes.push(0);
        }
        Manifest { hash: format!("{:016x}", fnv1a(&bytes)), files }
    }

    /// Reads the manifest a sweep left in `dir`.
    pub fn read(dir: &Path) -> Result<Manifest, String> {
        let mut files = Vec::new();
        for name in [SWEEP_FILE, BASE_FILE, POINTS_FILE] {
            let path = dir.join(name);
            let text = crate::limits::read_text_limited(&path, MANIFEST_LIMIT).map_err(|e| {
                format!("{} is not a sweep folder: cannot read {name}: {e}", dir.display())
            })?;
            files.push((name, text));
        }
        Ok(Manifest::from_files(files))
    }

    pub fn text(&self, name: &str) -> &str {
        self.files.iter().find(|(n, _)| *n == name).map_or("", |(_, t)| t.as_str())
    }

    /// Writes the manifest into `dir`, or checks that the one there is identical: shards of
    /// one sweep may all do this at once, and a different sweep must never mix into it.
    pub fn install(&self, dir: &Path) -> Result<(), String> {
        for (name, text) in &self.files {
            let path = dir.join(name);
            match fs::read(&path) {
                Ok(existing) if existing == text.as_bytes() => {}
                Ok(_) => {
                    return Err(format!(
                        "{} holds a different sweep: its {name} differs from this sweep's \
                         (other parameters, design, base scenario or settings); use another --out",
                        dir.display()
                    ));
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    write_atomic(&path, text.as_bytes())?
                }
                Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
            }
        }
        Ok(())
    }
}

/// 64-bit FNV-1a: stable across platforms and releases, which `std`'s hasher is not.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

fn points_csv(sweep: &Sweep) -> Result<String, String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["point".to_string()];
    header.extend(sweep.parameters.iter().map(|p| p.path.clone()));
    w.write_record(&header).map_err(|e| e.to_string())?;
    for point in &sweep.points {
        let mut row = vec![point.id.to_string()];
        row.extend(point.values.iter().map(csv_value));
        w.write_record(&row).map_err(|e| e.to_string())?;
    }
    let bytes = w.into_inner().map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| e.to_string())
}

/// The result file of one point.
pub fn point_path(dir: &Path, id: usize) -> PathBuf {
    dir.join(RESULTS_DIR).join(format!("point-{id:06}.csv"))
}

pub fn part_name(index: usize, count: usize) -> String {
    format!("part-{index}-of-{count}.csv")
}

/// Removes temporary files a killed run left for the given points, so they do not pile up.
/// Only these points' files: other shards may be writing theirs right now.
pub fn clear_temporaries(dir: &Path, ids: &[usize]) {
    let Ok(entries) = fs::read_dir(dir.join(RESULTS_DIR)) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let id = name
            .strip_prefix(".point-")
            .and_then(|rest| rest.split('.').next())
            .and_then(|digits| digits.parse::<usize>().ok());
        if id.is_some_and(|id| ids.binary_search(&id).is_ok()) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Per-replication indicator values of some points: the content of a point or part file.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    /// Indicator names, in `experiments::indicators` order.
    pub indicators: Vec<String>,
    pub units: Vec<String>,
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub point: usize,
    pub replication: u32,
    pub values: Vec<f64>,
}

const MAGIC: &str = "# reentry sweep";

/// Values are written exactly (shortest text that reads back to the same float), so a summary
/// computed from files equals one computed in memory, however the work was split.
fn exact(x: f64) -> String {
    if x.is_nan() { "NA".into() } else { format!("{x}") }
}

fn parse_exact(s: &str) -> Option<f64> {
    if s == "NA" { Some(f64::NAN) } else { s.parse().ok() }
}

impl Block {
    /// `what` is e.g. `point=7` or `shard=1/4`; it and the hash go in the first line.
    pub fn to_text(&self, hash: &str, what: &str) -> Result<String, String> {
        if let Some(bad) = self.rows.iter().flat_map(|r| &r.values).find(|x| x.is_infinite()) {
            return Err(format!(
                "not writing {what}: an indicator is {bad} (an overflow: are some costs or rates absurdly large?)"
            ));
        }
        let mut body = format!("# units: {}\n", self.units.join(","));
        let mut w = csv::Writer::from_writer(Vec::new());
        let mut header = vec!["point".to_string(), "replication".into()];
        header.extend(self.indicators.iter().cloned());
        w.write_record(&header).map_err(|e| e.to_string())?;
        for row in &self.rows {
            let mut record = vec![row.point.to_string(), row.replication.to_string()];
            record.extend(row.values.iter().map(|x| exact(*x)));
            w.write_record(&record).map_err(|e| e.to_string())?;
        }
        let bytes = w.into_inner().map_err(|e| e.to_string())?;
        body.push_str(&String::from_utf8_lossy(&bytes));
        // The content hash lets `--resume` and `merge` tell an edited or damaged file.
        let sum = crate::output::outdir::sha256_hex(body.as_bytes());
        Ok(format!("{MAGIC} sweep={hash} {what} sha256={sum}\n{body}"))
    }

    /// Parses a point or part file; returns the block and the `what` of its first line.
    /// `expected_hash` rejects files of another sweep.
    pub fn parse(text: &str, expected_hash: &str, name: &str) -> Result<(Block, String), String> {
        let bad = |why: &str| format!("{name}: {why}");
        let mut lines = text.splitn(3, '\n');
        let first = lines.next().unwrap_or("");
        let rest =
            first.strip_prefix(MAGIC).ok_or_else(|| bad("not a reentry sweep result file"))?;
        let (hash, what) = rest
            .trim()
            .strip_prefix("sweep=")
            .and_then(|r| r.split_once(' '))
            .ok_or_else(|| bad("first line lacks sweep=<hash>"))?;
        if hash != expected_hash {
            return Err(bad(&format!(
                "comes from another sweep (hash {hash}, this folder's sweep is {expected_hash})"
            )));
        }
        let (what, sum) = what
            .rsplit_once(" sha256=")
            .ok_or_else(|| bad("first line lacks sha256=<hash> (written by an older reentry?)"))?;
        let body = text.split_once('\n').map_or("", |(_, body)| body);
        if crate::output::outdir::sha256_hex(body.as_bytes()) != sum.trim() {
            return Err(bad(
                "its content does not match the hash in its first line: it was edited or damaged after it was written",
            ));
        }
        let units_line = lines
            .next()
            .and_then(|l| l.strip_prefix("# units:"))
            .ok_or_else(|| bad("second line lacks units"))?
            .trim();
        let units: Vec<String> = if units_line.is_empty() {
            Vec::new()
        } else {
            units_line.split(',').map(str::to_string).collect()
        };
        let mut reader = csv::Reader::from_reader(lines.next().unwrap_or("").as_bytes());
        let header = reader.headers().map_err(|e| bad(&e.to_string()))?.clone();
        if header.len() < 2 || &header[0] != "point" || &header[1] != "replication" {
            return Err(bad("header must start with point,replication"));
        }
        let indicators: Vec<String> = header.iter().skip(2).map(str::to_string).collect();
        if units.len() != indicators.len() {
            return Err(bad("one unit per indicator expected"));
        }
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| bad(&e.to_string()))?;
            let line = record.position().map_or(0, |p| p.line() + 2);
            let field = |i: usize| record.get(i).unwrap_or("");
            let point = field(0).parse().map_err(|_| bad(&format!("line {line}: bad point")))?;
            let replication =
                field(1).parse().map_err(|_| bad(&format!("line {line}: bad replication")))?;
            let values = (2..header.len())
                .map(|i| parse_exact(field(i)))
                .collect::<Option<Vec<f64>>>()
                .ok_or_else(|| bad(&format!("line {line}: bad number")))?;
            rows.push(Row { point, replication, values });
        }
        Ok((Block { indicators, units, rows }, what.to_string()))
    }

    /// Reads a finished point's file; `Err` if it is missing, damaged or not this point's.
    pub fn read_point(
        dir: &Path,
        hash: &str,
        id: usize,
        replications: u32,
    ) -> Result<Block, String> {
        let path = point_path(dir, id);
        let text = crate::limits::read_text_limited(&path, MANIFEST_LIMIT)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        let (block, what) = Block::parse(&text, hash, &path.display().to_string())?;
        let complete = what == format!("point={id}")
            && block.rows.len() == replications as usize
            && block
                .rows
                .iter()
                .enumerate()
                .all(|(r, row)| row.point == id && row.replication == r as u32);
        if complete {
            Ok(block)
        } else {
            Err(format!("{}: not the {replications} replications of point {id}", path.display()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_round_trip_exactly() {
        let block = Block {
            indicators: vec!["a".into(), "b".into()],
            units: vec!["share".into(), "days".into()],
            rows: vec![
                Row { point: 3, replication: 0, values: vec![0.1 + 0.2, f64::NAN] },
                Row { point: 3, replication: 1, values: vec![1e-300, 12345.0] },
            ],
        };
        let text = block.to_text("abc", "point=3").unwrap();
        let (back, what) = Block::parse(&text, "abc", "t").unwrap();
        assert_eq!(what, "point=3");
        assert_eq!(back.rows[0].values[0], 0.1 + 0.2);
        assert!(back.rows[0].values[1].is_nan());
        assert_eq!(back.rows[1], block.rows[1]);
        assert!(Block::parse(&text, "other", "t").unwrap_err().contains("another sweep"));
        assert!(Block::parse(&text[..20], "abc", "t").is_err());
        let edited = text.replace("12345", "12346");
        let e = Block::parse(&edited, "abc", "t").unwrap_err();
        assert!(e.contains("t: its content does not match"), "{e}");
        let infinite = Block {
            rows: vec![Row { point: 0, replication: 0, values: vec![f64::INFINITY, 1.0] }],
            ..block
        };
        assert!(infinite.to_text("abc", "point=0").unwrap_err().contains("inf"));
    }

    #[test]
    fn fnv_is_stable() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
