//! `reentry merge DIR`: combines the shards' part files into `runs.csv` (one row per design
//! point × replication) and `summary.csv` (per point and indicator: mean, 95% interval), after
//! checking that every part belongs to the sweep of the folder's manifest and that every point
//! is there exactly once. Output depends only on the parts' content, never on how the points
//! were split over shards, machines or threads.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use super::store::{Block, Manifest, PARTS_DIR, POINTS_FILE, Row, part_name, write_atomic};
use crate::output::format::num;
use crate::stats::mean_interval;

/// What a merge combined.
#[derive(Debug, Clone, PartialEq)]
pub struct Merged {
    pub parts: usize,
    pub points: usize,
    pub replications: u32,
}

/// `points.csv` of the manifest: header (point + parameter paths) and rows as text.
struct Points {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

fn read_points(manifest: &Manifest) -> Result<Points, String> {
    let mut reader = csv::Reader::from_reader(manifest.text(POINTS_FILE).as_bytes());
    let header = reader.headers().map_err(|e| format!("{POINTS_FILE}: {e}"))?;
    let header: Vec<String> = header.iter().map(str::to_string).collect();
    let rows = reader
        .records()
        .map(|r| r.map(|r| r.iter().map(str::to_string).collect()))
        .collect::<Result<Vec<Vec<String>>, _>>()
        .map_err(|e| format!("{POINTS_FILE}: {e}"))?;
    for (i, row) in rows.iter().enumerate() {
        if row.first().map(String::as_str) != Some(i.to_string().as_str()) {
            return Err(format!("{POINTS_FILE}: row {} should be point {i}", i + 1));
        }
    }
    Ok(Points { header, rows })
}

/// Replications per point, from the resolved base scenario.
fn replications(manifest: &Manifest) -> Result<u32, String> {
    let table: toml::Table = manifest
        .text(super::store::BASE_FILE)
        .parse()
        .map_err(|e| format!("{}: {e}", super::store::BASE_FILE))?;
    table
        .get("scenario")
        .and_then(|s| s.get("replications"))
        .and_then(toml::Value::as_integer)
        .and_then(|r| u32::try_from(r).ok())
        .ok_or_else(|| format!("{}: no scenario.replications", super::store::BASE_FILE))
}

/// The largest part file read: far beyond any real sweep (a million rows of a few dozen
/// indicators), but not the whole memory.
const PART_LIMIT: u64 = 4 << 30;

/// One part file found in `parts/`.
struct Part {
    name: String,
    index: usize,
    count: usize,
    block: Block,
}

/// `part-I-of-N.csv` → (I, N).
fn parse_part_name(name: &str) -> Option<(usize, usize)> {
    let (i, n) = name.strip_prefix("part-")?.strip_suffix(".csv")?.split_once("-of-")?;
    let (i, n) = (i.parse().ok()?, n.parse().ok()?);
    (i < n).then_some((i, n))
}

fn read_parts(dir: &Path, hash: &str, only: Option<&str>) -> Result<Vec<Part>, String> {
    let parts_dir = dir.join(PARTS_DIR);
    let entries = fs::read_dir(&parts_dir).map_err(|e| {
        format!("no part files in {}: {e}; run the sweep's shards first", parts_dir.display())
    })?;
    let mut names: Vec<String> = entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        // Hidden files are temporaries of shards still writing (or killed); never results.
        .filter(|n| !n.starts_with('.'))
        .filter(|n| only.is_none_or(|only| n == only))
        .collect();
    names.sort();
    let mut parts = Vec::new();
    for name in names {
        let Some((index, count)) = parse_part_name(&name) else {
            return Err(format!(
                "unexpected file {} (part files are named part-I-of-N.csv); move it away",
                parts_dir.join(&name).display()
            ));
        };
        let path = parts_dir.join(&name);
        let text = crate::limits::read_text_limited(&path, PART_LIMIT)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let (block, what) = Block::parse(&text, hash, &path.display().to_string())?;
        if what != format!("shard={index}/{count}") {
            return Err(format!(
                "{}: says it is {what}, its name says shard {index}/{count}",
                path.display()
            ));
        }
        parts.push(Part { name, index, count, block });
    }
    if parts.is_empty() {
        return Err(format!(
            "no part files in {}; run the sweep's shards first",
            parts_dir.display()
        ));
    }
    Ok(parts)
}

/// A short list of numbers for messages: `0, 4, 8 ... (12 in all)`.
fn list(ids: &[usize]) -> String {
    let shown: Vec<String> = ids.iter().take(12).map(|i| i.to_string()).collect();
    if ids.len() > shown.len() {
        format!("{} ... ({} in all)", shown.join(", "), ids.len())
    } else {
        shown.join(", ")
    }
}

/// Checks that every point has its replications exactly once across the parts; the error
/// names missing shards and points, and duplicated points with the parts that hold them.
fn check_coverage(parts: &[Part], points: usize, reps: u32) -> Result<(), String> {
    let mut seen: BTreeMap<(usize, u32), Vec<&str>> = BTreeMap::new();
    let mut problems = Vec::new();
    for part in parts {
        for row in &part.block.rows {
            if row.point >= points || row.replication >= reps {
                problems.push(format!(
                    "{} holds point {} replication {}, outside the sweep's {points} points × {reps} replications",
                    part.name, row.point, row.replication
                ));
            }
            if row.point % part.count != part.index {
                problems.push(format!(
                    "{} holds point {}, which belongs to another shard",
                    part.name, row.point
                ));
            }
            seen.entry((row.point, row.replication)).or_default().push(&part.name);
        }
    }
    // Per point, the distinct parts holding any of its replications more than once overall.
    let mut holders: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
    for ((p, _), names) in seen.iter().filter(|(_, names)| names.len() > 1) {
        let list = holders.entry(*p).or_default();
        for name in names {
            if !list.contains(name) {
                list.push(name);
            }
        }
    }
    if !holders.is_empty() {
        let shown: Vec<String> = holders
            .iter()
            .take(6)
            .map(|(p, names)| format!("point {p} in {}", names.join(" and ")))
            .collect();
        problems.push(format!(
            "{} points appear more than once: {}{}",
            holders.len(),
            shown.join("; "),
            if holders.len() > shown.len() { "; ..." } else { "" }
        ));
    }
    let mut counts: Vec<usize> = parts.iter().map(|p| p.count).collect();
    counts.sort();
    counts.dedup();
    if counts.len() > 1 {
        let counts: Vec<String> = counts.iter().map(usize::to_string).collect();
        problems.push(format!(
            "parts of different shard counts ({}) are mixed in parts/: keep one run's parts",
            counts.join(", ")
        ));
    }
    let missing: Vec<usize> =
        (0..points).filter(|p| (0..reps).any(|r| !seen.contains_key(&(*p, r)))).collect();
    if !missing.is_empty() {
        let absent: Vec<String> = counts
            .iter()
            .flat_map(|&n| {
                (0..n)
                    .filter(move |i| !parts.iter().any(|p| p.count == n && p.index == *i))
                    .map(move |i| part_name(i, n))
            })
            .collect();
        let shards = if absent.is_empty() {
            String::new()
        } else {
            format!(
                "; missing part files: {} (run those shards, then merge again)",
                absent.join(", ")
            )
        };
        problems.push(format!(
            "{} of {points} points are missing: {}{shards}",
            missing.len(),
            list(&missing)
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("cannot merge:\n  {}", problems.join("\n  ")))
    }
}

/// Merges `dir/parts/*` into `dir/runs.csv` and `dir/summary.csv`, and draws the sweep's
/// pictures and `report.html` in `lang`.
pub fn merge(dir: &Path, lang: crate::output::lang::Lang) -> Result<Merged, String> {
    let merged = merge_parts(dir, None)?;
    crate::output::sweep_report::write_report(dir, lang)?;
    Ok(merged)
}

/// Merges only the named part file (a whole sweep's own `part-0-of-1.csv`, which holds every
/// point even where shards of an earlier attempt left their parts too), or every part.
pub fn merge_parts(dir: &Path, only: Option<&str>) -> Result<Merged, String> {
    let manifest = Manifest::read(dir)?;
    let points = read_points(&manifest)?;
    let reps = replications(&manifest)?;
    let parts = read_parts(dir, &manifest.hash, only)?;
    // A shard that had no points has no columns; every other part must agree on them.
    let with_rows: Vec<&Part> = parts.iter().filter(|p| !p.block.rows.is_empty()).collect();
    let reference = with_rows.first().copied().unwrap_or(&parts[0]);
    if let Some(other) = with_rows.iter().find(|p| p.block.indicators != reference.block.indicators)
    {
        return Err(format!(
            "{} has other indicator columns than {}; were they made by different versions of reentry?",
            other.name, reference.name
        ));
    }
    let first = &reference.block;
    check_coverage(&parts, points.rows.len(), reps)?;
    let mut rows: Vec<&Row> = parts.iter().flat_map(|p| &p.block.rows).collect();
    rows.sort_by_key(|r| (r.point, r.replication));
    write_atomic(&dir.join("runs.csv"), &runs_csv(&points, first, &rows)?)?;
    write_atomic(&dir.join("summary.csv"), &summary_csv(&points, first, &rows)?)?;
    crate::output::outdir::write_marker(dir, "sweep")?;
    Ok(Merged { parts: parts.len(), points: points.rows.len(), replications: reps })
}

fn runs_csv(points: &Points, columns: &Block, rows: &[&Row]) -> Result<Vec<u8>, String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = points.header.clone();
    header.push("replication".into());
    header.extend(columns.indicators.iter().cloned());
    w.write_record(&header).map_err(|e| e.to_string())?;
    for row in rows {
        let mut record = points.rows[row.point].clone();
        record.push(row.replication.to_string());
        record.extend(row.values.iter().map(|x| num(*x)));
        w.write_record(&record).map_err(|e| e.to_string())?;
    }
    w.into_inner().map_err(|e| e.to_string())
}

fn summary_csv(points: &Points, columns: &Block, rows: &[&Row]) -> Result<Vec<u8>, String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = points.header.clone();
    header.extend(
        ["indicator", "unit", "mean", "lo95", "hi95", "sd", "replications"].map(String::from),
    );
    w.write_record(&header).map_err(|e| e.to_string())?;
    // Rows are sorted by point, then replication: each point's rows are one run.
    for chunk in rows.chunk_by(|a, b| a.point == b.point) {
        let point = chunk[0].point;
        for (k, name) in columns.indicators.iter().enumerate() {
            let xs: Vec<f64> = chunk.iter().map(|r| r.values[k]).collect();
            let e = mean_interval(&xs);
            let mut record = points.rows[point].clone();
            record.extend([
                name.clone(),
                columns.units[k].clone(),
                num(e.mean),
                num(e.lo),
                num(e.hi),
                num(e.sd),
                e.n.to_string(),
            ]);
            w.write_record(&record).map_err(|e| e.to_string())?;
        }
    }
    w.into_inner().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn part_names() {
        assert_eq!(parse_part_name("part-2-of-4.csv"), Some((2, 4)));
        assert_eq!(parse_part_name("part-4-of-4.csv"), None);
        assert_eq!(parse_part_name("part-1-of-4.csv.bak"), None);
        assert_eq!(
            list(&(0..20).collect::<Vec<_>>()),
            "0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 ... (20 in all)"
        );
    }
}
