//! Issue 14, as a hostile but ordinary user would try it: `--force` never destroys a folder
//! reentry did not write (nor `.`, `..`, `/`, home, a folder holding the working directory),
//! a second writer is refused, signals clean up, overrides cannot escape the rules, reads
//! are bounded, numbers are checked before simulating, damaged results are named, and
//! `validate` shows every problem at once. Every test drives the binary like a user.

mod common;

use common::{Run, reentry, shipped};
use std::ffi::{OsStr, OsString};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const SMALL: [&str; 4] = ["--population", "200", "--replications", "2"];

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temporary folder")
}

fn args(head: &[&str], paths: &[&Path], tail: &[&str]) -> Vec<OsString> {
    let mut all: Vec<OsString> = head.iter().map(OsString::from).collect();
    all.extend(paths.iter().map(|p| p.as_os_str().to_owned()));
    all.extend(tail.iter().map(OsString::from));
    all
}

/// `reentry run SCENARIO --out OUT` at a small size, plus `extra`.
fn run(cwd: &Path, scenario: &Path, out: &Path, extra: &[&str]) -> Run {
    let mut all = args(&["run"], &[scenario], &[]);
    all.extend([OsString::from("--out"), out.as_os_str().to_owned()]);
    all.extend(SMALL.iter().chain(extra).map(OsString::from));
    reentry(cwd, all)
}

fn run_ok(cwd: &Path, scenario: &Path, out: &Path, extra: &[&str]) -> Run {
    let r = run(cwd, scenario, out, extra);
    assert!(r.success, "run failed:\n{}", r.stderr);
    r
}

/// Runs the binary, killing it after `limit`; `None` if it had to be killed (a hang).
fn run_within(cwd: &Path, all: &[OsString], limit: Duration) -> Option<Run> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_reentry"))
        .args(all)
        .current_dir(cwd)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start reentry");
    let started = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().expect("output");
    Some(Run {
        success: output.status.success(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    })
}

fn assert_contains(haystack: &str, needle: &str) {
    assert!(haystack.contains(needle), "expected `{needle}` in:\n{haystack}");
}

/// Every file below `dir` with its bytes.
fn snapshot(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap().flatten() {
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            } else {
                let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
                out.insert(rel, fs::read(e.path()).unwrap());
            }
        }
    }
    out
}

/// Hidden staging or set-aside folders left beside outputs.
fn leftovers(parent: &Path) -> Vec<String> {
    fs::read_dir(parent)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".partial-") || n.contains(".old-"))
        .collect()
}

/// A folder holding a user's files.
fn users_folder(parent: &Path, name: &str) -> PathBuf {
    let dir = parent.join(name);
    fs::create_dir_all(dir.join("thesis")).unwrap();
    fs::write(dir.join("thesis/chapter1.txt"), "years of work").unwrap();
    fs::write(dir.join("notes.txt"), "mine").unwrap();
    dir
}

fn assert_users_files_intact(dir: &Path) {
    assert_eq!(fs::read_to_string(dir.join("thesis/chapter1.txt")).unwrap(), "years of work");
    assert_eq!(fs::read_to_string(dir.join("notes.txt")).unwrap(), "mine");
}

// ----- 1. --force replaces only a folder reentry wrote -----

#[test]
fn force_never_deletes_a_folder_reentry_did_not_write() {
    let tmp = tempdir();
    let scenario = shipped("fragmented.toml");
    let home = users_folder(tmp.path(), "home");
    // `--out .` from inside the user's folder (the case that deleted everything).
    let r = run(&home, &scenario, Path::new("."), &["--force"]);
    assert!(!r.success);
    assert_contains(&r.stderr, "refusing to replace");
    assert_users_files_intact(&home);
    // `dir/child/..` is `dir`.
    let r = run(tmp.path(), &scenario, &home.join("thesis/.."), &["--force"]);
    assert!(!r.success);
    assert_users_files_intact(&home);
    // A folder holding the working directory, and the root.
    let r = run(&home.join("thesis"), &scenario, &home, &["--force"]);
    assert!(!r.success);
    assert_contains(&r.stderr, "holding the current folder");
    assert_users_files_intact(&home);
    let r = run(tmp.path(), &scenario, Path::new("/"), &["--force"]);
    assert!(!r.success);
    assert_contains(&r.stderr, "root");
    // Any non-empty folder without reentry's marker.
    let r = run(tmp.path(), &scenario, &home, &["--force"]);
    assert!(!r.success);
    assert_contains(&r.stderr, "reentry-folder.json");
    assert_users_files_intact(&home);
    // The same rules for sweep.
    let sweep = tmp.path().join("s.toml");
    fs::write(
        &sweep,
        format!(
            "[sweep]\nscenario = {:?}\n[[parameters]]\npath = \"regime.warm_handover\"\nvalues = [0.1, 0.8]\n",
            scenario.display().to_string()
        ),
    )
    .unwrap();
    for out in [Path::new("."), home.as_path()] {
        let mut all = args(&["sweep"], &[&sweep], &["--force", "--out"]);
        all.push(out.as_os_str().to_owned());
        all.extend(SMALL.iter().map(OsString::from));
        let r = reentry(&home, all);
        assert!(!r.success, "sweep replaced {}", out.display());
        assert_contains(&r.stderr, "refusing to replace");
        assert_users_files_intact(&home);
    }
    assert!(leftovers(tmp.path()).is_empty(), "{:?}", leftovers(tmp.path()));
}

#[test]
fn force_replaces_a_folder_reentry_wrote_and_leaves_nothing_aside() {
    let tmp = tempdir();
    let out = tmp.path().join("results");
    run_ok(tmp.path(), &shipped("fragmented.toml"), &out, &["--seed", "1"]);
    let marker: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("reentry-folder.json")).unwrap())
            .unwrap();
    assert_eq!(marker["tool"], "reentry");
    assert_eq!(marker["format"], 1);
    assert!(marker["files"]["outcomes.csv"].as_str().unwrap().starts_with("sha256:"));
    let before = fs::read(out.join("outcomes.csv")).unwrap();
    run_ok(tmp.path(), &shipped("fragmented.toml"), &out, &["--seed", "2", "--force"]);
    assert!(fs::read(out.join("outcomes.csv")).unwrap() != before);
    assert!(leftovers(tmp.path()).is_empty(), "{:?}", leftovers(tmp.path()));
}

// ----- 2. one writer at a time; signals clean up -----

/// Starts a run big enough to take a few seconds, and waits for its staging folder.
fn start_long_run(cwd: &Path, out: &Path) -> (std::process::Child, PathBuf) {
    let child = Command::new(env!("CARGO_BIN_EXE_reentry"))
        .args([OsStr::new("run"), shipped("fragmented.toml").as_os_str()])
        .args([OsStr::new("--out"), out.as_os_str()])
        .args(["--population", "20000", "--replications", "40", "--threads", "1"])
        .current_dir(cwd)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start reentry");
    let staging = out.with_file_name(format!(
        ".{}.partial-{}",
        out.file_name().unwrap().to_string_lossy(),
        child.id()
    ));
    let started = Instant::now();
    while !staging.exists() && started.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(staging.exists(), "no staging folder {}", staging.display());
    (child, staging)
}

fn signal(child: &std::process::Child, name: &str) {
    let status = Command::new("kill").args([name, &child.id().to_string()]).status().unwrap();
    assert!(status.success());
}

#[test]
fn a_second_writer_is_refused_and_signals_remove_the_staging_folder() {
    let tmp = tempdir();
    let out = tmp.path().join("results");
    let (mut first, staging) = start_long_run(tmp.path(), &out);
    let second = run(tmp.path(), &shipped("fragmented.toml"), &out, &["--force"]);
    assert!(!second.success, "a second writer was let in");
    assert_contains(&second.stderr, "another reentry process is writing");
    signal(&first, "-INT");
    let status = first.wait().unwrap();
    assert_eq!(status.code(), Some(130), "Ctrl-C should end the run cleanly");
    assert!(!staging.exists(), "Ctrl-C left {}", staging.display());
    assert!(!out.exists());

    let (mut first, staging) = start_long_run(tmp.path(), &out);
    signal(&first, "-TERM");
    assert_eq!(first.wait().unwrap().code(), Some(130));
    assert!(!staging.exists(), "SIGTERM left {}", staging.display());

    // SIGKILL cannot be caught: the next run removes what the dead process left.
    let (mut first, staging) = start_long_run(tmp.path(), &out);
    signal(&first, "-KILL");
    let _ = first.wait();
    assert!(staging.exists());
    run_ok(tmp.path(), &shipped("fragmented.toml"), &out, &[]);
    assert!(!staging.exists(), "stale staging folder of a dead process kept");
    assert!(leftovers(tmp.path()).is_empty(), "{:?}", leftovers(tmp.path()));
}

/// The host name as reentry writes it into temporary file names.
fn host() -> String {
    fs::read_to_string("/proc/sys/kernel/hostname")
        .unwrap_or_default()
        .trim()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

fn sweep_file(dir: &Path) -> PathBuf {
    let path = dir.join("grid.toml");
    let text = format!(
        "[sweep]\nscenario = {:?}\n[[parameters]]\npath = \"regime.warm_handover\"\nvalues = [0.1, 0.5, 0.8]\n",
        shipped("fragmented.toml").display().to_string()
    );
    fs::write(&path, text).unwrap();
    path
}

fn sweep(cwd: &Path, file: &Path, out: &Path, extra: &[&str]) -> Run {
    let mut all = args(&["sweep"], &[file], &[]);
    all.extend([OsString::from("--out"), out.as_os_str().to_owned()]);
    all.extend(SMALL.iter().chain(extra).map(OsString::from));
    reentry(cwd, all)
}

#[test]
fn resume_removes_temporaries_of_dead_processes_only() {
    let tmp = tempdir();
    let file = sweep_file(tmp.path());
    let out = tmp.path().join("sweep");
    let first = sweep(tmp.path(), &file, &out, &["--shard", "0/2"]);
    assert!(first.success, "{}", first.stderr);
    // A dead process's temporaries (no process has id 4194304 or more on Linux) and a live
    // one's (this test's own process).
    let dead = out.join(format!("parts/.part-1-of-2.csv.tmp-{}-4194305-17", host()));
    let dead_point = out.join(format!("results/.point-000001.csv.tmp-{}-4194306-5", host()));
    let alive = out.join(format!("parts/.part-1-of-3.csv.tmp-{}-{}-9", host(), std::process::id()));
    for f in [&dead, &dead_point, &alive] {
        fs::write(f, "half a fi").unwrap();
    }
    let r = sweep(tmp.path(), &file, &out, &["--shard", "0/2", "--resume"]);
    assert!(r.success, "{}", r.stderr);
    assert!(!dead.exists() && !dead_point.exists(), "temporaries of a dead process kept");
    assert!(alive.exists(), "a live process's temporary file was removed");
}

// ----- 3. overrides set values of existing keys only -----

#[test]
fn overrides_cannot_add_services_or_set_extends() {
    let tmp = tempdir();
    let scenario = shipped("fragmented.toml");
    let out = tmp.path().join("o");
    let ghost = "services.ghost={domain=\"addiction\", capacity=5, cost_per_day=1.0}";
    let r = run(tmp.path(), &scenario, &out, &["--set", ghost]);
    assert!(!r.success, "a new service was created");
    assert_contains(&r.stderr, "unknown service `ghost`");
    let r = run(tmp.path(), &scenario, &out, &["--set", "services={ghost={domain=\"debt\"}}"]);
    assert!(!r.success);
    let smuggled = "scenario={name=\"x\", extends=\"/etc/passwd\"}";
    let r = run(tmp.path(), &scenario, &out, &["--set", smuggled]);
    assert!(!r.success, "extends was set by an override");
    assert_contains(&r.stderr, "`scenario.extends` cannot be set");
    assert!(!r.stderr.contains("root:"), "echoed /etc/passwd:\n{}", r.stderr);
    let r = run(tmp.path(), &scenario, &out, &["--set", "regime.ghost_key=1"]);
    assert!(!r.success);
    assert_contains(&r.stderr, "unknown key `ghost_key`");
    assert!(!out.exists());
}

#[test]
fn the_resolved_scenario_reruns_identically_for_every_kind_of_override() {
    let tmp = tempdir();
    let scenario = shipped("fragmented.toml");
    let kinds = [
        ("float", "regime.warm_handover=0.7"),
        ("whole number for a float", "regime.warm_handover=1"),
        ("integer", "services.addiction_care.capacity=17"),
        ("boolean", "regime.veiligheidshuis.enabled=false"),
        ("enum string", "regime.probation.response=\"care\""),
        ("bare string", "scenario.name=renamed"),
        ("array", "services.addiction_care.prerequisites=[\"id\"]"),
        ("inline table", "services.addiction_care={capacity=9, cost_per_day=12.5}"),
        ("new nested table", "services.shelter.climate.structure=0.9"),
        ("scenario table", "scenario={name=\"other\", seed=77}"),
    ];
    for (i, (kind, set)) in kinds.iter().enumerate() {
        let first = tmp.path().join(format!("first-{i}"));
        let r = run(tmp.path(), &scenario, &first, &["--set", set]);
        assert!(r.success, "{kind}: --set {set} failed:\n{}", r.stderr);
        let resolved = fs::read_dir(&first)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .find(|p| p.file_name().unwrap().to_string_lossy().starts_with("scenario-"))
            .unwrap();
        let again = tmp.path().join(format!("again-{i}"));
        let r = run(tmp.path(), &resolved, &again, &[]);
        assert!(r.success, "{kind}: the resolved scenario does not re-run:\n{}", r.stderr);
        let (a, b) = (snapshot(&first), snapshot(&again));
        assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>(), "{kind}");
        // These name the source files; every result and picture must match.
        let names_sources =
            ["summary.json", "provenance.csv", "report.html", "reentry-folder.json"];
        for (name, bytes) in a.iter().filter(|(n, _)| !names_sources.contains(&n.as_str())) {
            assert!(
                bytes == &b[name],
                "{kind}: {name} differs when re-running the resolved scenario"
            );
        }
    }
}

// ----- 4. bounded reads -----

#[test]
fn devices_fifos_and_huge_files_are_refused_quickly() {
    let tmp = tempdir();
    let limit = Duration::from_secs(20);
    let fifo = tmp.path().join("pipe.toml");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let big = tmp.path().join("big.toml");
    fs::write(&big, format!("# {}\n", "x".repeat(2 << 20))).unwrap();
    let zero_extends = tmp.path().join("zero.toml");
    fs::write(&zero_extends, "[scenario]\nextends = \"/dev/zero\"\n").unwrap();
    let fifo_extends = tmp.path().join("fifo-extends.toml");
    fs::write(&fifo_extends, "[scenario]\nextends = \"pipe.toml\"\n").unwrap();
    let sweep = tmp.path().join("sweep.toml");
    fs::write(
        &sweep,
        "[sweep]\nscenario = \"/dev/zero\"\n[[parameters]]\npath = \"regime.warm_handover\"\nvalues = [0.1]\n",
    )
    .unwrap();
    let cases: [(&str, &Path, &str); 6] = [
        ("validate", Path::new("/dev/zero"), "not a regular file (a device)"),
        ("validate", &fifo, "not a regular file (a named pipe)"),
        ("validate", &big, "larger than 1024 KiB"),
        ("validate", &zero_extends, "cannot read extended file `/dev/zero`"),
        ("run", &fifo_extends, "named pipe"),
        ("sweep", &sweep, "not a regular file"),
    ];
    for (command, file, expected) in cases {
        let mut all = args(&[command], &[file], &[]);
        let out = tmp.path().join("out");
        if command != "validate" {
            all.extend([OsString::from("--out"), out.as_os_str().to_owned()]);
        }
        let r = run_within(tmp.path(), &all, limit)
            .unwrap_or_else(|| panic!("{command} {} hung", file.display()));
        assert!(!r.success, "{command} {} succeeded", file.display());
        assert_contains(&r.stderr, expected);
    }
}

// ----- 5. numbers are bounded and checked before simulating -----

#[test]
fn absurd_numbers_are_refused_before_any_simulation() {
    let tmp = tempdir();
    let scenario = shipped("fragmented.toml");
    let out = tmp.path().join("out");
    // A big job: if any of these were checked only after simulating, it would take long.
    let big = ["--population", "200000", "--replications", "50"];
    let quick = Duration::from_secs(15);
    let refused = |extra: &[&str], expected: &str, command: &str| {
        let mut all = args(&[command], &[&scenario], &[]);
        if command == "compare" {
            all.push(scenario.as_os_str().to_owned());
        }
        if command == "trace" {
            all.extend(["--citizen", "0"].map(OsString::from));
        }
        all.extend([OsString::from("--out"), out.as_os_str().to_owned()]);
        all.extend(extra.iter().map(OsString::from));
        let r = run_within(tmp.path(), &all, quick)
            .unwrap_or_else(|| panic!("{command} {extra:?} simulated before refusing"));
        assert!(!r.success, "{command} {extra:?} accepted");
        assert_contains(&r.stderr, expected);
        assert!(!out.exists());
    };
    for command in ["run", "compare", "trace"] {
        let mut a = vec!["--seed", "9223372036854775808"];
        if command != "trace" {
            a.extend(big);
        }
        refused(&a, "--seed 9223372036854775808 is too large", command);
    }
    let mut a = vec!["--scale", "0.000000001"];
    a.extend(big);
    refused(&a, "leaves 1 citizens of 2000; allowed: a scale that keeps at least 10", "run");
    for cost in ["1e160", "1e308"] {
        let mut a = vec!["--set"];
        let set = format!("costs.prison_day={cost}");
        a.push(&set);
        a.extend(big);
        refused(&a, "allowed: 0 to 10000000", "run");
    }
    let mut a = vec!["--set", "scenario.horizon_days=365"];
    a.extend(big);
    refused(&a, "compare needs at least 730 days", "compare");
    let long_name = format!("scenario.name={}", "n".repeat(250));
    let mut a = vec!["--set", long_name.as_str()];
    a.extend(big);
    refused(&a, "too long for a file name", "run");
    // An over-long --out is refused up front too.
    let long_out = tmp.path().join("o".repeat(250));
    let mut all = args(&["run"], &[&scenario, &long_out], &big);
    all.insert(2, OsString::from("--out"));
    let r = run_within(tmp.path(), &all, quick).expect("long --out simulated first");
    assert!(!r.success);
    assert_contains(&r.stderr, "choose a shorter --out");
}

#[test]
fn too_many_threads_are_capped_with_a_note() {
    let tmp = tempdir();
    let out = tmp.path().join("out");
    let started = Instant::now();
    let r = run_ok(tmp.path(), &shipped("fragmented.toml"), &out, &["--threads", "100000"]);
    assert_contains(&r.stderr, "--threads 100000 is more than this machine's");
    assert!(started.elapsed() < Duration::from_secs(30), "took {:?}", started.elapsed());

    // Commands that build their own thread pools (sensitivity, calibrate, compare --psa) are
    // capped the same way.
    let sens_out = tmp.path().join("sens");
    let mut all = args(
        &["sensitivity"],
        &[&shipped("fragmented.toml")],
        &["--outcome", "reconviction_2y", "--trajectories", "1", "--replications", "1"],
    );
    all.extend(["--population", "50", "--threads", "100000", "--out"].map(OsString::from));
    all.push(sens_out.into_os_string());
    let s = run_within(tmp.path(), &all, Duration::from_secs(30)).expect("sensitivity hung");
    assert!(s.success, "{}", s.stderr);
    assert_contains(&s.stderr, "--threads 100000 is more than this machine's");
}

// ----- 6. damaged results are named -----

#[test]
fn report_names_an_edited_or_emptied_result_file() {
    let tmp = tempdir();
    let out = tmp.path().join("out");
    run_ok(tmp.path(), &shipped("fragmented.toml"), &out, &[]);
    let report = || reentry(tmp.path(), [OsStr::new("report"), out.as_os_str()]);
    assert!(report().success);
    // Redrawing keeps the folder checkable: a second report passes too.
    assert!(report().success);

    let outcomes = out.join("outcomes.csv");
    let text = fs::read_to_string(&outcomes).unwrap();
    let edited = text.replacen(",0.", ",1.", 1);
    assert!(edited != text);
    fs::write(&outcomes, edited).unwrap();
    let r = report();
    assert!(!r.success, "report accepted an edited file");
    assert_contains(&r.stderr, "outcomes.csv was changed after it was written");
    fs::write(&outcomes, text).unwrap();

    for name in ["costs_by_payer.csv", "queues.csv", "survival.csv"] {
        let path = out.join(name);
        let saved = fs::read(&path).unwrap();
        fs::write(&path, "").unwrap();
        let r = report();
        assert!(!r.success, "report built from an empty {name}");
        assert_contains(&r.stderr, name);
        fs::write(&path, saved).unwrap();
    }
    // Without the marker (an older folder) emptiness is still caught.
    fs::remove_file(out.join("reentry-folder.json")).unwrap();
    fs::write(out.join("costs_by_payer.csv"), "").unwrap();
    let r = report();
    assert!(!r.success);
    assert_contains(&r.stderr, "costs_by_payer.csv is empty");
}

#[test]
fn resume_and_merge_name_an_edited_point_or_part_file() {
    let tmp = tempdir();
    let file = sweep_file(tmp.path());
    let reference = tmp.path().join("reference");
    assert!(sweep(tmp.path(), &file, &reference, &[]).success);
    let out = tmp.path().join("out");
    assert!(sweep(tmp.path(), &file, &out, &[]).success);

    // An edited value in a point: --resume names it and runs the point again.
    let point = out.join("results/point-000001.csv");
    let text = fs::read_to_string(&point).unwrap();
    let last = text.trim_end().rsplit_once(',').unwrap().0.to_string();
    let edited = format!("{last},12345\n");
    fs::write(&point, edited).unwrap();
    fs::remove_file(out.join("parts/part-0-of-1.csv")).unwrap();
    let r = sweep(tmp.path(), &file, &out, &["--resume"]);
    assert!(r.success, "{}", r.stderr);
    assert_contains(&r.stderr, "point-000001.csv: its content does not match");
    for f in ["runs.csv", "summary.csv"] {
        assert_eq!(fs::read(out.join(f)).unwrap(), fs::read(reference.join(f)).unwrap(), "{f}");
    }

    // An edited value in a part: merge refuses and names it.
    let part = out.join("parts/part-0-of-1.csv");
    let text = fs::read_to_string(&part).unwrap();
    let last = text.trim_end().rsplit_once(',').unwrap().0.to_string();
    fs::write(&part, format!("{last},999\n")).unwrap();
    let r = reentry(tmp.path(), [OsStr::new("merge"), out.as_os_str()]);
    assert!(!r.success, "merge accepted an edited part");
    assert_contains(&r.stderr, "part-0-of-1.csv: its content does not match");
}

// ----- 7. validate shows every problem at once -----

#[test]
fn validate_reports_every_problem_in_file_order() {
    let tmp = tempdir();
    let file = tmp.path().join("broken.toml");
    let text = "[scenario]\nname = \"b\"\nhorizon_days = 10\nunknown = 1\n\n[population]\nsize = \"many\"\nshare_male = 2.0\n\n[costs]\nprison_day = -1.0\ntypo = 3\n";
    fs::write(&file, text).unwrap();
    let r = reentry(tmp.path(), [OsStr::new("validate"), file.as_os_str()]);
    assert!(!r.success);
    let lines: Vec<usize> = r
        .stderr
        .lines()
        .filter_map(|l| l.trim().strip_prefix("--> "))
        .map(|at| at.rsplit(':').nth(1).unwrap().parse().unwrap())
        .collect();
    assert_eq!(lines, vec![3, 4, 7, 8, 11, 12], "every problem, in file order:\n{}", r.stderr);
}

#[test]
fn validate_recognises_a_sweep_file() {
    let tmp = tempdir();
    let good = sweep_file(tmp.path());
    let r = reentry(tmp.path(), [OsStr::new("validate"), good.as_os_str()]);
    assert!(r.success, "{}", r.stderr);
    assert_contains(&r.stdout, "sweep grid; 3 points");
    let bad = tmp.path().join("bad-sweep.toml");
    let text = fs::read_to_string(&good)
        .unwrap()
        .replace("values = [0.1, 0.5, 0.8]", "values = [0.1, 5.0]");
    fs::write(&bad, text).unwrap();
    let r = reentry(tmp.path(), [OsStr::new("validate"), bad.as_os_str()]);
    assert!(!r.success);
    assert!(!r.stderr.contains("unknown key `parameters`"), "{}", r.stderr);
    assert_contains(&r.stderr, "regime.warm_handover");
}

#[test]
fn long_error_lines_are_cut() {
    let tmp = tempdir();
    let file = tmp.path().join("long.toml");
    let value = "x".repeat(5000);
    fs::write(&file, format!("[scenario]\nname = \"long\"\nhorizon_days = \"{value}\"\n")).unwrap();
    let r = reentry(tmp.path(), [OsStr::new("validate"), file.as_os_str()]);
    assert!(!r.success);
    assert_contains(&r.stderr, "horizon_days");
    assert_contains(&r.stderr, "…");
    let widest = r.stderr.lines().map(|l| l.chars().count()).max().unwrap();
    assert!(widest <= 300, "a line of {widest} characters");
}

#[test]
fn an_old_folder_left_aside_by_a_crash_is_put_back() {
    let tmp = tempdir();
    let out = tmp.path().join("results");
    run_ok(tmp.path(), &shipped("fragmented.toml"), &out, &[]);
    let before = snapshot(&out);
    // A process (long dead: no process has id 4194307 on Linux) was killed between moving
    // the old folder aside and moving the new one in.
    let aside = tmp.path().join(".results.old-4194307");
    fs::rename(&out, &aside).unwrap();
    let r = run(tmp.path(), &shipped("fragmented.toml"), &out, &["--seed", "3"]);
    assert!(!r.success, "the run wrote over the put-back folder without --force");
    assert_contains(&r.stderr, "put back");
    assert!(!aside.exists());
    assert!(snapshot(&out) == before, "the old results were not put back intact");
}
