//! `reentry sweep`, `reentry merge` and `--set` as a user runs them, at tiny sizes (200
//! citizens, 2 replications): design sizes, Latin hypercube strata, shards that merge into
//! exactly the single-process result, merge refusing missing/duplicated/foreign parts, resume
//! after deleted or killed work, the output-folder rules, and clear errors for bad paths.
//!
//! The Slurm end-to-end test is ignored by default (it installs and starts Slurm):
//! `cargo test --release -- --ignored slurm`.

mod common;

use common::{Run, reentry};
use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const SMALL: [&str; 4] = ["--population", "200", "--replications", "2"];

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A sweep file in `dir` over the shipped fragmented scenario.
fn sweep_file(dir: &Path, name: &str, body: &str) -> PathBuf {
    let scenario = repo().join("scenarios/fragmented.toml");
    let text = format!("[sweep]\nscenario = {:?}\n{body}", scenario.display().to_string());
    let path = dir.join(name);
    fs::write(&path, text).unwrap();
    path
}

const GRID: &str = r#"
[[parameters]]
path = "regime.warm_handover"
values = [0.1, 0.8]

[[parameters]]
path = "services.addiction_care.capacity"
range = [60, 240]
steps = 3
"#;

/// `reentry sweep FILE --out OUT --population 200 --replications 2 EXTRA...`, must succeed.
fn sweep(cwd: &Path, file: &Path, out: &Path, extra: &[&str]) -> Run {
    let run = try_sweep(cwd, file, out, extra);
    assert!(run.success, "sweep failed:\n{}", run.stderr);
    run
}

fn try_sweep(cwd: &Path, file: &Path, out: &Path, extra: &[&str]) -> Run {
    let mut args: Vec<&OsStr> =
        vec!["sweep".as_ref(), file.as_ref(), "--out".as_ref(), out.as_ref()];
    args.extend(SMALL.iter().chain(extra).map(OsStr::new));
    reentry(cwd, args)
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn data_lines(path: &Path) -> usize {
    read(path).lines().count() - 1
}

fn assert_same_results(a: &Path, b: &Path) {
    for f in ["points.csv", "runs.csv", "summary.csv"] {
        assert!(
            read(&a.join(f)) == read(&b.join(f)),
            "{f} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

/// "ran N (M already done)" from a sweep's stdout.
fn ran(run: &Run) -> (usize, usize) {
    let line = run.stdout.lines().find(|l| l.contains(" ran ")).expect("ran line");
    let after = line.split(" ran ").nth(1).unwrap();
    let ran: usize = after.split_whitespace().next().unwrap().parse().unwrap();
    let done: usize =
        after.split('(').nth(1).unwrap().split_whitespace().next().unwrap().parse().unwrap();
    (ran, done)
}

#[test]
fn grid_has_one_point_per_combination_and_tidy_outputs() {
    let tmp = tempfile::tempdir().unwrap();
    let file = sweep_file(tmp.path(), "grid.toml", GRID);
    let out = tmp.path().join("out");
    let run = sweep(tmp.path(), &file, &out, &["--threads", "2"]);
    assert!(run.stdout.contains("6 points (grid) × 2 replications"), "{}", run.stdout);
    let points = read(&out.join("points.csv"));
    assert_eq!(
        points,
        "point,regime.warm_handover,services.addiction_care.capacity\n\
         0,0.1,60\n1,0.1,150\n2,0.1,240\n3,0.8,60\n4,0.8,150\n5,0.8,240\n"
    );
    assert_eq!(data_lines(&out.join("runs.csv")), 6 * 2);
    let runs = read(&out.join("runs.csv"));
    let header: Vec<&str> = runs.lines().next().unwrap().split(',').collect();
    assert_eq!(
        header[..4],
        ["point", "regime.warm_handover", "services.addiction_care.capacity", "replication"]
    );
    for indicator in ["reconviction_2y", "cost_societal", "wait_addiction_care"] {
        assert!(header.contains(&indicator), "runs.csv lacks {indicator}");
    }
    let indicators = header.len() - 4;
    assert_eq!(data_lines(&out.join("summary.csv")), 6 * indicators);
    assert!(read(&out.join("summary.csv")).starts_with(
        "point,regime.warm_handover,services.addiction_care.capacity,indicator,unit,mean,lo95,hi95,sd,replications\n"
    ));
    // Results depend on the seed, not on threads; and the copy in the folder re-runs the sweep.
    let one_thread = tmp.path().join("one-thread");
    sweep(tmp.path(), &file, &one_thread, &["--threads", "1"]);
    assert_same_results(&out, &one_thread);
    let again = tmp.path().join("again");
    let copy = out.join("sweep.toml");
    let args = [OsStr::new("sweep"), copy.as_os_str(), "--out".as_ref(), again.as_os_str()];
    assert!(reentry(tmp.path(), args).success);
    assert_same_results(&out, &again);
    // Common random numbers: every point ran with the same seed.
    assert!(read(&out.join("base-scenario.toml")).contains("seed = 20261123"));
}

#[test]
fn the_shipped_example_sweep_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let run = sweep(tmp.path(), &repo().join("sweeps/example.toml"), &out, &[]);
    assert!(
        run.stdout.contains("9 points (grid) × 2 replications, 200 citizens"),
        "{}",
        run.stdout
    );
    assert_eq!(data_lines(&out.join("runs.csv")), 18);
}

#[test]
fn latin_hypercube_puts_one_sample_in_each_stratum() {
    let tmp = tempfile::tempdir().unwrap();
    let body = r#"
design = "lhs"
samples = 5
seed = 11

[[parameters]]
path = "regime.warm_handover"
range = [0.2, 0.7]

[[parameters]]
path = "hazards.hr_homeless"
range = [1.0, 2.0]
"#;
    let file = sweep_file(tmp.path(), "lhs.toml", body);
    let out = tmp.path().join("out");
    sweep(tmp.path(), &file, &out, &[]);
    let points = read(&out.join("points.csv"));
    let rows: Vec<Vec<f64>> = points
        .lines()
        .skip(1)
        .map(|l| l.split(',').skip(1).map(|x| x.parse().unwrap()).collect())
        .collect();
    assert_eq!(rows.len(), 5);
    for (k, (lo, hi)) in [(0.2, 0.7), (1.0, 2.0)].into_iter().enumerate() {
        let mut strata: Vec<usize> =
            rows.iter().map(|r| ((r[k] - lo) / (hi - lo) * 5.0) as usize).collect();
        strata.sort();
        assert_eq!(strata, [0, 1, 2, 3, 4], "parameter {k}: {points}");
    }
    // Seeded and deterministic.
    let again = tmp.path().join("again");
    sweep(tmp.path(), &file, &again, &[]);
    assert_eq!(points, read(&again.join("points.csv")));
}

#[test]
fn shards_merge_into_exactly_the_whole_run() {
    let tmp = tempfile::tempdir().unwrap();
    let file = sweep_file(tmp.path(), "grid.toml", GRID);
    let whole = tmp.path().join("whole");
    sweep(tmp.path(), &file, &whole, &[]);
    let shared = tmp.path().join("shared");
    for i in 0..4 {
        let shard = format!("{i}/4");
        let run = sweep(tmp.path(), &file, &shared, &["--shard", &shard, "--threads", "1"]);
        assert!(run.stdout.contains("reentry merge"), "{}", run.stdout);
    }
    assert!(!shared.join("runs.csv").exists(), "a shard must not merge");
    let early = reentry(tmp.path(), [OsStr::new("report"), shared.as_os_str()]);
    assert!(!early.success && early.stderr.contains("not merged yet"), "{}", early.stderr);
    assert!(early.stderr.contains("reentry merge"), "{}", early.stderr);
    let merged = reentry(tmp.path(), [OsStr::new("merge"), shared.as_os_str()]);
    assert!(merged.success, "{}", merged.stderr);
    assert!(
        merged.stdout.contains("merged 4 parts: 6 points × 2 replications"),
        "{}",
        merged.stdout
    );
    assert_same_results(&whole, &shared);
    // The merged sweep gets the same pictures and page as the sweep run in one process, and
    // `report` redraws them on the merged folder.
    assert_same_report(&whole, &shared);
    let redrawn = reentry(tmp.path(), [OsStr::new("report"), shared.as_os_str()]);
    assert!(redrawn.success, "{}", redrawn.stderr);
    assert_same_report(&whole, &shared);
}

/// `report.html` and every `plots/*` file, by name.
fn report_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files = vec![("report.html".to_string(), fs::read(dir.join("report.html")).unwrap())];
    let mut plots: Vec<PathBuf> =
        fs::read_dir(dir.join("plots")).unwrap().map(|e| e.unwrap().path()).collect();
    plots.sort();
    for path in plots {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        files.push((name, fs::read(&path).unwrap()));
    }
    files
}

fn assert_same_report(a: &Path, b: &Path) {
    let (fa, fb) = (report_files(a), report_files(b));
    let names = |f: &[(String, Vec<u8>)]| f.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(&fa), names(&fb));
    for ((name, x), (_, y)) in fa.iter().zip(&fb) {
        assert!(x == y, "{name} differs between {} and {}", a.display(), b.display());
    }
}

#[test]
fn a_sweep_gets_pictures_and_a_report_that_report_redraws() {
    let tmp = tempfile::tempdir().unwrap();
    let file = sweep_file(tmp.path(), "grid.toml", GRID);
    let out = tmp.path().join("out");
    let run = sweep(tmp.path(), &file, &out, &[]);
    assert!(run.stdout.contains("report.html"), "{}", run.stdout);
    for indicator in ["reconviction_2y", "relapse_2y", "days_homeless", "cost_societal"] {
        let svg = read(&out.join("plots").join(format!("sweep_{indicator}.svg")));
        // One panel per swept parameter, each on its own axis.
        for path in ["regime.warm_handover", "services.addiction_care.capacity"] {
            assert!(
                svg.contains(&format!("\n{path}\n</text>")),
                "sweep_{indicator}.svg lacks {path}"
            );
        }
        // A 2 × 3 grid: in the panel of each parameter one line per level of the other.
        assert!(svg.contains("one line per level of"), "sweep_{indicator}.svg");
        let png = fs::read(out.join("plots").join(format!("sweep_{indicator}.png"))).unwrap();
        assert_eq!(&png[..4], b"\x89PNG");
    }
    let page = read(&out.join("report.html"));
    assert!(page.starts_with("<!DOCTYPE html>") && page.contains("<section id=\"points\">"));
    // The table of points: one row per point, with its parameter values and intervals.
    assert_eq!(page.matches("<tr><td class=\"num\">").count(), 6, "one row per point");
    assert!(page.contains(
        "<tr><td class=\"num\">5</td><td class=\"num\">0.8</td><td class=\"num\">240</td>"
    ));
    assert!(page.contains("<svg"), "pictures inline");
    for online in ["src=\"http", "href=\"http", "url(http", "<script"] {
        assert!(!page.contains(online), "the page must open offline: {online}");
    }
    // `report` redraws the same bytes, and refuses nothing of a sweep folder.
    let before = report_files(&out);
    fs::remove_file(out.join("report.html")).unwrap();
    fs::remove_dir_all(out.join("plots")).unwrap();
    let again = reentry(tmp.path(), [OsStr::new("report"), out.as_os_str()]);
    assert!(again.success, "{}", again.stderr);
    assert_eq!(report_files(&out), before);
    // In Dutch on request, and the language is kept for the next redraw.
    let dutch = reentry(
        tmp.path(),
        [OsStr::new("report"), out.as_os_str(), "--lang".as_ref(), "nl".as_ref()],
    );
    assert!(dutch.success, "{}", dutch.stderr);
    let again = reentry(tmp.path(), [OsStr::new("report"), out.as_os_str()]);
    assert!(again.success, "{}", again.stderr);
    let page = read(&out.join("report.html"));
    assert!(page.contains("<html lang=\"nl\">") && page.contains("De punten"), "Dutch page");
    let svg = read(&out.join("plots").join("sweep_reconviction_2y.svg"));
    assert!(
        svg.contains("Nieuwe veroordeling binnen 2 jaar") && !svg.contains("one line per level")
    );
    // A damaged result is noticed before drawing.
    fs::write(out.join("summary.csv"), "point\n").unwrap();
    let damaged = reentry(tmp.path(), [OsStr::new("report"), out.as_os_str()]);
    assert!(!damaged.success && damaged.stderr.contains("summary.csv"), "{}", damaged.stderr);
}

#[test]
fn merge_names_missing_duplicated_and_foreign_parts() {
    let tmp = tempfile::tempdir().unwrap();
    let file = sweep_file(tmp.path(), "grid.toml", GRID);
    let dir = tmp.path().join("shared");
    for i in 0..3 {
        sweep(tmp.path(), &file, &dir, &["--shard", &format!("{i}/3")]);
    }
    let merge = || reentry(tmp.path(), [OsStr::new("merge"), dir.as_os_str()]);
    assert!(merge().success);

    // Missing: shard 1 of 3 holds points 1 and 4.
    let part1 = dir.join("parts/part-1-of-3.csv");
    let saved = read(&part1);
    fs::remove_file(&part1).unwrap();
    let run = merge();
    assert!(!run.success);
    assert!(run.stderr.contains("2 of 6 points are missing: 1, 4"), "{}", run.stderr);
    assert!(run.stderr.contains("missing part files: part-1-of-3.csv"), "{}", run.stderr);
    fs::write(&part1, &saved).unwrap();

    // Duplicated: a part of another split of the same sweep next to the first.
    sweep(tmp.path(), &file, &dir, &["--shard", "0/2", "--resume"]);
    let run = merge();
    assert!(!run.success);
    assert!(run.stderr.contains("points appear more than once"), "{}", run.stderr);
    assert!(
        run.stderr.contains("point 0 in part-0-of-2.csv and part-0-of-3.csv"),
        "{}",
        run.stderr
    );
    fs::remove_file(dir.join("parts/part-0-of-2.csv")).unwrap();
    assert!(merge().success);

    // Foreign: a part of a sweep with another seed.
    let other = tmp.path().join("other");
    sweep(tmp.path(), &file, &other, &["--shard", "1/3", "--seed", "5"]);
    fs::copy(other.join("parts/part-1-of-3.csv"), &part1).unwrap();
    let run = merge();
    assert!(!run.success);
    assert!(run.stderr.contains("comes from another sweep"), "{}", run.stderr);

    // A shard of another sweep cannot write into this folder at all.
    let run = try_sweep(tmp.path(), &file, &dir, &["--shard", "2/3", "--seed", "5", "--force"]);
    assert!(!run.success);
    assert!(run.stderr.contains("holds a different sweep"), "{}", run.stderr);
}

#[test]
fn resume_runs_only_the_missing_points() {
    let tmp = tempfile::tempdir().unwrap();
    let file = sweep_file(tmp.path(), "grid.toml", GRID);
    let reference = tmp.path().join("reference");
    sweep(tmp.path(), &file, &reference, &[]);
    let out = tmp.path().join("out");
    sweep(tmp.path(), &file, &out, &[]);
    // What an interrupted run leaves: missing points, a temporary file, no merged output...
    fs::remove_file(out.join("results/point-000001.csv")).unwrap();
    fs::remove_file(out.join("results/point-000004.csv")).unwrap();
    fs::write(out.join("results/.point-000001.csv.tmp-4242"), "half a fi").unwrap();
    fs::remove_file(out.join("runs.csv")).unwrap();
    fs::remove_file(out.join("parts/part-0-of-1.csv")).unwrap();
    // ...and a damaged file, which must be redone rather than trusted.
    let damaged = out.join("results/point-000005.csv");
    let text = read(&damaged);
    fs::write(&damaged, &text[..text.len() / 2]).unwrap();

    let refused = try_sweep(tmp.path(), &file, &out, &[]);
    assert!(!refused.success);
    assert!(refused.stderr.contains("--resume"), "{}", refused.stderr);
    let run = sweep(tmp.path(), &file, &out, &["--resume"]);
    assert_eq!(ran(&run), (3, 3), "{}", run.stdout);
    assert!(!out.join("results/.point-000001.csv.tmp-4242").exists());
    assert_same_results(&reference, &out);
    // Nothing left to do.
    let run = sweep(tmp.path(), &file, &out, &["--resume"]);
    assert_eq!(ran(&run), (0, 6));
}

#[test]
fn a_killed_sweep_resumes_to_the_same_result() {
    let tmp = tempfile::tempdir().unwrap();
    let file = sweep_file(tmp.path(), "grid.toml", GRID);
    let args = ["--population", "1500", "--replications", "2", "--threads", "1"];
    let out = tmp.path().join("out");
    let mut child = Command::new(env!("CARGO_BIN_EXE_reentry"))
        .args([OsStr::new("sweep"), file.as_os_str(), "--out".as_ref(), out.as_os_str()])
        .args(args)
        .current_dir(tmp.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Kill as soon as the first point is saved (or whenever it finishes first).
    let first = out.join("results/point-000000.csv");
    for _ in 0..600 {
        if first.exists() || child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    let mut resume: Vec<&OsStr> =
        vec!["sweep".as_ref(), file.as_os_str(), "--out".as_ref(), out.as_os_str()];
    resume.extend(args.iter().map(OsStr::new));
    resume.push("--resume".as_ref());
    let run = reentry(tmp.path(), &resume);
    assert!(run.success, "{}", run.stderr);
    let (ran_now, done) = ran(&run);
    assert_eq!(ran_now + done, 6);
    let reference = tmp.path().join("reference");
    let mut whole: Vec<&OsStr> =
        vec!["sweep".as_ref(), file.as_os_str(), "--out".as_ref(), reference.as_os_str()];
    whole.extend(args.iter().map(OsStr::new));
    assert!(reentry(tmp.path(), &whole).success);
    assert_same_results(&reference, &out);
}

#[test]
fn output_folder_rules() {
    let tmp = tempfile::tempdir().unwrap();
    let file = sweep_file(tmp.path(), "grid.toml", GRID);
    // A whole sweep never writes into a folder that exists, unless told.
    let out = tmp.path().join("out");
    fs::create_dir(&out).unwrap();
    fs::write(out.join("notes.txt"), "mine").unwrap();
    let run = try_sweep(tmp.path(), &file, &out, &[]);
    assert!(!run.success && run.stderr.contains("already exists"), "{}", run.stderr);
    assert_eq!(read(&out.join("notes.txt")), "mine");
    let run = try_sweep(tmp.path(), &file, &out, &["--resume"]);
    assert!(!run.success && run.stderr.contains("nothing to resume"), "{}", run.stderr);
    // --force replaces only a folder reentry wrote: the user's notes stay.
    let run = try_sweep(tmp.path(), &file, &out, &["--force"]);
    assert!(!run.success && run.stderr.contains("refusing to replace"), "{}", run.stderr);
    assert_eq!(read(&out.join("notes.txt")), "mine");
    fs::remove_dir_all(&out).unwrap();
    sweep(tmp.path(), &file, &out, &[]);
    fs::write(out.join("notes.txt"), "written into a sweep folder").unwrap();
    sweep(tmp.path(), &file, &out, &["--force"]);
    assert!(!out.join("notes.txt").exists());
    assert!(out.join("runs.csv").exists());

    // Shards share a folder; a shard that ran is not silently redone.
    let shared = tmp.path().join("shared");
    sweep(tmp.path(), &file, &shared, &["--shard", "0/2"]);
    sweep(tmp.path(), &file, &shared, &["--shard", "1/2"]);
    let run = try_sweep(tmp.path(), &file, &shared, &["--shard", "0/2"]);
    assert!(!run.success && run.stderr.contains("already ran"), "{}", run.stderr);
    // --force redoes that shard only: the other shard's results stay as they were.
    let other = shared.join("results/point-000001.csv");
    let before = fs::metadata(&other).unwrap().modified().unwrap();
    let run = sweep(tmp.path(), &file, &shared, &["--shard", "0/2", "--force"]);
    assert_eq!(ran(&run), (3, 0));
    assert_eq!(fs::metadata(&other).unwrap().modified().unwrap(), before);
    assert!(reentry(tmp.path(), [OsStr::new("merge"), shared.as_os_str()]).success);
    assert_same_results(&out, &shared);
    // --resume and --force together make no sense.
    assert!(!try_sweep(tmp.path(), &file, &shared, &["--resume", "--force"]).success);
}

#[test]
fn bad_sweeps_fail_clearly_before_any_work() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let cases: [(&str, &[&str]); 5] = [
        (
            "[[parameters]]\npath = \"regime.warm_handoverr\"\nvalues = [0.5]\n",
            &["unknown key `warm_handoverr`", "did you mean `warm_handover`", "bad.toml:5:10"],
        ),
        (
            "[[parameters]]\npath = \"regime.warm_handover\"\nvalues = [0.5, 1.5]\n",
            &["bad.toml:5:10, regime.warm_handover = 1.5", "value 1.5 is out of range", "0 to 1"],
        ),
        (
            "[[parameters]]\npath = \"services.addiction_cares.capacity\"\nvalues = [10]\n",
            &["unknown service `addiction_cares`", "addiction_care"],
        ),
        ("desing = \"lhs\"\n", &["unknown key `desing`", "did you mean `design`", ":3:1"]),
        (
            "design = \"lhs\"\n[[parameters]]\npath = \"regime.warm_handover\"\nvalues = [0.1]\n",
            &["needs `samples`", "use `range = [lo, hi]`"],
        ),
    ];
    for (body, expected) in cases {
        let file = sweep_file(tmp.path(), "bad.toml", body);
        let run = try_sweep(tmp.path(), &file, &out, &[]);
        assert!(!run.success, "accepted:\n{body}");
        for e in expected {
            assert!(run.stderr.contains(e), "expected `{e}` in:\n{}", run.stderr);
        }
        assert!(!out.exists(), "a bad sweep wrote output");
    }
}

#[test]
fn set_overrides_are_checked_and_written_into_the_resolved_scenario() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = repo().join("scenarios/fragmented.toml");
    let run_with = |out: &Path, scenario: &Path, extra: &[&str]| {
        let mut args: Vec<&OsStr> =
            vec!["run".as_ref(), scenario.as_os_str(), "--out".as_ref(), out.as_os_str()];
        args.extend(SMALL.iter().chain(extra).map(OsStr::new));
        reentry(tmp.path(), args)
    };
    let bad = run_with(&tmp.path().join("bad"), &scenario, &["--set", "regime.warm_handover=1.5"]);
    assert!(!bad.success);
    for e in [
        "value 1.5 is out of range",
        "--set regime.warm_handover=1.5",
        "not in the scenario files",
        "0 to 1",
    ] {
        assert!(bad.stderr.contains(e), "expected `{e}` in:\n{}", bad.stderr);
    }
    let bad = run_with(&tmp.path().join("bad"), &scenario, &["--set", "regime.warm_handoverr=0.5"]);
    assert!(!bad.success && bad.stderr.contains("did you mean `warm_handover`"), "{}", bad.stderr);

    let out = tmp.path().join("set");
    let sets =
        ["--set", "regime.warm_handover=0.8", "--set", "services.shelter.climate.structure=0.7"];
    let run = run_with(&out, &scenario, &sets);
    assert!(run.success, "{}", run.stderr);
    let resolved = out.join("scenario-fragmented.toml");
    let text = read(&resolved);
    assert!(text.contains("warm_handover = 0.8"), "{text}");
    assert!(text.contains("structure = 0.7"), "{text}");
    // The resolved file alone reproduces the run.
    let again = tmp.path().join("again");
    assert!(run_with(&again, &resolved, &[]).success);
    assert_eq!(read(&out.join("outcomes.csv")), read(&again.join("outcomes.csv")));
}

/// Runs examples/slurm/test-local-cluster.sh: installs Slurm if needed, starts a one-node
/// cluster, runs the example sweep as an array job and checks the merge against a local run.
#[test]
#[ignore = "installs and starts Slurm (root); run with: cargo test --release -- --ignored slurm"]
fn slurm_array_job_matches_a_local_run() {
    let script = repo().join("examples/slurm/test-local-cluster.sh");
    let output = Command::new("bash")
        .arg(&script)
        .arg("3")
        .env("REENTRY", env!("CARGO_BIN_EXE_reentry"))
        .output()
        .expect("run test-local-cluster.sh");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("byte-identical"), "{stderr}");
}

#[test]
fn sweep_scale_scales_the_base_and_refuses_a_swept_capacity() {
    let dir = tempfile::tempdir().unwrap();
    let body = "[[parameters]]\npath = \"regime.warm_handover\"\nvalues = [0.1, 0.8]\n";
    let file = sweep_file(dir.path(), "handover.toml", body);
    let out = dir.path().join("out");
    let run = sweep(dir.path(), &file, &out, &["--scale", "0.5"]);
    assert!(!run.stdout.contains("note: --population"), "{}", run.stdout);
    let base: toml::Value = toml::from_str(&read(&out.join("base-scenario.toml"))).unwrap();
    let shipped = reentry::scenario::Scenario::load(&repo().join("scenarios/fragmented.toml"))
        .unwrap()
        .resolved;
    let want = shipped.services["addiction_care"].capacity.unwrap() as f64 * 0.5;
    let got = base["services"]["addiction_care"]["capacity"].as_integer().unwrap();
    assert_eq!(got, want.round() as i64, "the base's capacities are scaled");
    assert_eq!(base["population"]["size"].as_integer(), Some(100), "200 citizens scaled by 0.5");
    let grid = sweep_file(dir.path(), "grid.toml", GRID);
    let refused = try_sweep(dir.path(), &grid, &dir.path().join("never"), &["--scale", "2"]);
    assert!(!refused.success);
    assert!(refused.stderr.contains("services.addiction_care.capacity"), "{}", refused.stderr);
    assert!(!dir.path().join("never").exists());
    let noted = sweep(dir.path(), &file, &dir.path().join("noted"), &[]);
    assert!(
        noted.stdout.contains("note: --population 200 leaves every capacity"),
        "{}",
        noted.stdout
    );
}
