//! The pictures, `report.html` and `reentry trace` as a user meets them: valid PNG and SVG
//! files of a sensible size with their titles and axis labels, a self-contained report with
//! every section, `reentry report DIR` redrawing byte-identical files, clear errors, and life
//! stories that are the same on every run.

mod common;

use common::shipped;
use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::fs;
use std::path::Path;

const SMALL: [&str; 4] = ["--population", "300", "--replications", "3"];

/// Runs the binary in `cwd`: (success, stdout, stderr).
fn reentry<S: AsRef<OsStr>>(cwd: &Path, args: &[S]) -> (bool, String, String) {
    let run = common::reentry(cwd, args);
    (run.success, run.stdout, run.stderr)
}

fn compare_small(cwd: &Path, out: &Path) {
    let mut args: Vec<OsString> = vec![
        "compare".into(),
        shipped("fragmented.toml").into(),
        shipped("through-care.toml").into(),
        "--out".into(),
        out.to_path_buf().into(),
    ];
    args.extend(SMALL.iter().map(OsString::from));
    let (ok, _, stderr) = reentry(cwd, &args);
    assert!(ok, "compare failed:\n{stderr}");
}

fn files_under(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![(dir.to_path_buf(), String::new())];
    while let Some((d, prefix)) = stack.pop() {
        for e in fs::read_dir(&d).expect("read dir") {
            let path = e.expect("entry").path();
            let name = format!("{prefix}{}", path.file_name().unwrap().to_string_lossy());
            if path.is_dir() {
                stack.push((path, format!("{name}/")));
            } else {
                out.insert(name, fs::read(&path).expect("read"));
            }
        }
    }
    out
}

/// The trimmed contents of every `<text>` element of an SVG.
fn svg_texts(svg: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = svg;
    while let Some(start) = rest.find("<text") {
        let after = &rest[start..];
        let Some(open_end) = after.find('>') else { break };
        let Some(close) = after.find("</text>") else { break };
        out.push(after[open_end + 1..close].trim().to_string());
        rest = &after[close..];
    }
    out
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    assert_eq!(&bytes[12..16], b"IHDR");
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    (be(&bytes[16..20]), be(&bytes[20..24]))
}

/// Each compare picture with its title and axis labels, as the SVG spells them.
const PICTURES: [(&str, &[&str]); 8] = [
    (
        "reconviction",
        &[
            "Reconviction after release (95% bands)",
            "years since first release",
            "reconvicted (% of released citizens)",
        ],
    ),
    (
        "costs_per_year",
        &[
            "Cost per released citizen per year, by payer",
            "year of the simulation",
            "€ per released citizen (discounted)",
        ],
    ),
    (
        "who_pays_who_gains",
        &[
            "Who pays, who gains: cost difference per payer",
            "alternative − baseline, € per released citizen",
            "victims &amp; society",
        ],
    ),
    (
        "places",
        &[
            "Where the cohort is: share in each place over time",
            "months since the start",
            "% of the cohort",
            "homeless",
        ],
    ),
    (
        "recovery",
        &["The four recovery dimensions over time", "months since the start", "score (0–1)"],
    ),
    (
        "queues",
        &["Waiting lists per service over time", "months since the start", "people waiting"],
    ),
    ("queue_waits", &["Time waited so far by those on each waiting list", "days waited so far"]),
    (
        "waits",
        &[
            "Mean wait per service after release (95% intervals)",
            "days waited after release (mean of those who started)",
        ],
    ),
];

#[test]
fn compare_draws_every_picture_as_valid_png_and_svg() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("cmp");
    compare_small(dir.path(), &out);
    for (stem, texts) in PICTURES {
        let png = fs::read(out.join("plots").join(format!("{stem}.png"))).expect(stem);
        let (w, h) = png_size(&png);
        assert!((800..=2000).contains(&w) && (400..=1500).contains(&h), "{stem}: {w}×{h}");
        assert!(png.len() > 10_000 && png.len() < 3_000_000, "{stem}.png: {} bytes", png.len());
        let svg = fs::read_to_string(out.join("plots").join(format!("{stem}.svg"))).expect(stem);
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"), "{stem}.svg");
        assert!(svg.len() > 5_000 && svg.len() < 2_000_000, "{stem}.svg: {} bytes", svg.len());
        let found = svg_texts(&svg);
        for text in texts {
            assert!(found.iter().any(|t| t == text), "{stem}.svg lacks {text:?}: {found:?}");
        }
        // Both scenarios are named where scenarios are told apart.
        if stem != "costs_per_year" && stem != "places" && stem != "who_pays_who_gains" {
            assert!(svg.contains("fragmented (baseline)"), "{stem}.svg: no baseline legend");
        }
    }
}

#[test]
fn report_html_has_every_section_and_needs_no_internet() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("cmp");
    compare_small(dir.path(), &out);
    let html = fs::read_to_string(out.join("report.html")).expect("report.html");
    for id in [
        "question",
        "scenarios",
        "levers",
        "headline",
        "who-pays",
        "pictures",
        "provenance",
        "reproduce",
    ] {
        assert!(html.contains(&format!("<section id=\"{id}\">")), "no section {id}");
    }
    for (stem, _) in PICTURES {
        assert!(html.contains(&format!("<figure id=\"plot-{stem}\">")), "no picture {stem}");
    }
    assert_eq!(html.matches("<svg").count(), PICTURES.len(), "every picture inline");
    for needle in [
        "src=\"http",
        "href=\"http",
        "src='http",
        "href='http",
        "url(http",
        "<script",
        "<link",
        "@import",
    ] {
        assert!(!html.contains(needle), "report.html refers to the outside: {needle}");
    }
    for text in [
        "regime.warm_handover",
        "reconviction within 2 years",
        "Wensveen (2020)",
        "assumption",
        "--seed 20261123 --replications 3 --population 300",
        env!("CARGO_PKG_VERSION"),
    ] {
        assert!(html.contains(text), "report.html lacks {text:?}");
    }
}

#[test]
fn report_command_redraws_byte_identical_files() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("cmp");
    compare_small(dir.path(), &out);
    let before = files_under(&out);
    fs::remove_file(out.join("report.html")).expect("remove report");
    fs::remove_dir_all(out.join("plots")).expect("remove plots");
    let (ok, stdout, stderr) = reentry(dir.path(), &[OsStr::new("report"), out.as_os_str()]);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("report.html"), "{stdout}");
    let after = files_under(&out);
    assert_eq!(before.keys().collect::<Vec<_>>(), after.keys().collect::<Vec<_>>());
    for (name, bytes) in &before {
        assert!(bytes == &after[name], "{name} differs after reentry report");
    }
}

#[test]
fn run_writes_a_report_without_a_comparison() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("one");
    let mut args: Vec<OsString> =
        vec!["run".into(), shipped("through-care.toml").into(), "--out".into(), out.clone().into()];
    args.extend(SMALL.iter().map(OsString::from));
    let (ok, _, stderr) = reentry(dir.path(), &args);
    assert!(ok, "{stderr}");
    let html = fs::read_to_string(out.join("report.html")).expect("report.html");
    assert!(html.contains("<section id=\"headline\">") && !html.contains("id=\"who-pays\""));
    assert!(!out.join("plots/who_pays_who_gains.svg").exists());
    assert!(out.join("plots/reconviction.png").exists());
}

#[test]
fn report_on_a_folder_that_is_no_output_names_the_missing_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(dir.path().join("notes.txt"), "x").unwrap();
    let (ok, _, stderr) = reentry(dir.path(), &["report", "."]);
    assert!(!ok);
    assert!(stderr.contains("summary.json is missing"), "{stderr}");
    let (ok, _, stderr) = reentry(dir.path(), &["report", "does-not-exist"]);
    assert!(!ok);
    assert!(stderr.contains("not a folder"), "{stderr}");
}

fn trace_args(out: &Path, citizen: &str) -> Vec<OsString> {
    let mut args: Vec<OsString> = vec![
        "trace".into(),
        shipped("fragmented.toml").into(),
        shipped("through-care.toml").into(),
        "--citizen".into(),
        citizen.into(),
        "--population".into(),
        "300".into(),
        "--out".into(),
    ];
    args.push(out.into());
    args
}

#[test]
fn trace_of_one_citizen_is_identical_across_runs() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let (ok, first, stderr) = reentry(dir.path(), &trace_args(&a, "17"));
    assert!(ok, "{stderr}");
    let (ok, second, _) = reentry(dir.path(), &trace_args(&b, "17"));
    assert!(ok);
    // Identical apart from the folder named on the last line.
    fn story(s: &str) -> Vec<&str> {
        s.lines().filter(|l| !l.contains("timeline picture")).collect()
    }
    assert_eq!(story(&first), story(&second));
    assert_eq!(files_under(&a), files_under(&b));
    for text in ["fragmented — citizen 17", "through-care — citizen 17", "(month ", "released"]
    {
        assert!(first.contains(text), "story lacks {text:?}:\n{first}");
    }
    let svg = fs::read_to_string(a.join("timeline.svg")).expect("timeline.svg");
    let texts = svg_texts(&svg);
    assert!(texts.iter().any(|t| t == "months since the start"), "{texts:?}");
    assert!(texts.iter().any(|t| t.contains("through-care — citizen 17")), "{texts:?}");
    let (w, h) = png_size(&fs::read(a.join("timeline.png")).expect("timeline.png"));
    assert!(w >= 800 && h >= 400, "{w}×{h}");
    assert_eq!(
        fs::read_to_string(a.join("story.txt")).unwrap().lines().next(),
        first.lines().next()
    );
}

#[test]
fn trace_of_a_citizen_outside_the_cohort_names_the_range() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("never");
    let (ok, _, stderr) = reentry(dir.path(), &trace_args(&out, "300"));
    assert!(!ok);
    assert!(stderr.contains("numbered 0 to 299"), "{stderr}");
    assert!(!out.exists());
}
