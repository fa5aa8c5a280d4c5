//! The `reentry` binary as a user runs it: validating shipped and broken scenarios, the files a
//! run writes, determinism across threads, the output-folder safety rules, and the resolved
//! scenario written next to the results.

use std::collections::BTreeMap;
mod common;

use common::{Run, reentry};
use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};

/// Small enough that the whole file runs in seconds.
const SMALL: [&str; 4] = ["--population", "300", "--replications", "3"];

/// Every file `run` writes besides `scenario-<name>.toml`.
const RESULT_FILES: [&str; 27] = [
    "reentry-folder.json",
    "summary.csv",
    "waiting_times.csv",
    "outcomes.csv",
    "survival.csv",
    "monthly.csv",
    "queues.csv",
    "services.csv",
    "costs_by_payer.csv",
    "provenance.csv",
    "summary.json",
    "report.html",
    "report.json",
    "plots/reconviction.png",
    "plots/reconviction.svg",
    "plots/costs_per_year.png",
    "plots/costs_per_year.svg",
    "plots/places.png",
    "plots/places.svg",
    "plots/recovery.png",
    "plots/recovery.svg",
    "plots/queues.png",
    "plots/queues.svg",
    "plots/queue_waits.png",
    "plots/queue_waits.svg",
    "plots/waits.png",
    "plots/waits.svg",
];

/// `reentry run <scenario> --out <out> --population 300 --replications 3 <extra>`.
fn run_small(cwd: &Path, scenario: &Path, out: &Path, extra: &[&str]) -> Run {
    let mut args: Vec<&OsStr> = vec!["run".as_ref(), scenario.as_ref(), "--out".as_ref()];
    args.push(out.as_ref());
    args.extend(SMALL.iter().chain(extra).map(OsStr::new));
    reentry(cwd, args)
}

fn run_ok(cwd: &Path, scenario: &Path, out: &Path, extra: &[&str]) -> Run {
    let run = run_small(cwd, scenario, out, extra);
    assert!(run.success, "run failed:\n{}", run.stderr);
    run
}

fn validate(cwd: &Path, file: &Path) -> Run {
    reentry(cwd, [OsStr::new("validate"), file.as_os_str()])
}

/// Validating `file` must fail; returns stderr.
fn validate_err(cwd: &Path, file: &Path) -> String {
    let run = validate(cwd, file);
    assert!(!run.success, "{} was accepted:\n{}", file.display(), run.stdout);
    assert!(run.stderr.contains("error: "), "no error line:\n{}", run.stderr);
    assert!(!run.stdout.contains("ok:"), "{}", run.stdout);
    run.stderr
}

fn assert_contains(haystack: &str, needle: &str) {
    assert!(haystack.contains(needle), "expected `{needle}` in:\n{haystack}");
}

fn scenarios_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios")
}

fn shipped(name: &str) -> PathBuf {
    scenarios_dir().join(name)
}

fn shipped_scenarios() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(scenarios_dir())
        .expect("read scenarios/")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension() == Some(OsStr::new("toml")))
        .collect();
    files.sort();
    assert!(files.len() >= 2, "expected the shipped scenarios, found {files:?}");
    files
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    fs::write(&path, text).expect("write fixture");
    path
}

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

/// Every file of a folder by name, with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    snapshot_into(dir, "", &mut files);
    files
}

/// Files under `dir`, named by their path relative to the snapshot root (`plots/x.svg`).
fn snapshot_into(dir: &Path, prefix: &str, files: &mut BTreeMap<String, Vec<u8>>) {
    for entry in fs::read_dir(dir).unwrap_or_else(|e| panic!("read {}: {e}", dir.display())) {
        let path = entry.expect("dir entry").path();
        let name = format!("{prefix}{}", path.file_name().unwrap().to_string_lossy());
        if path.is_dir() {
            snapshot_into(&path, &format!("{name}/"), files);
        } else {
            files.insert(name, fs::read(&path).expect("read output file"));
        }
    }
}

fn names(snap: &BTreeMap<String, Vec<u8>>) -> Vec<&str> {
    snap.keys().map(String::as_str).collect()
}

/// No staging folders (`.<name>.partial-<pid>`) may be left in `parent`.
fn assert_no_staging(parent: &Path) {
    let leftovers: Vec<String> = fs::read_dir(parent)
        .expect("read parent")
        .map(|e| e.expect("dir entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".partial"))
        .collect();
    assert!(leftovers.is_empty(), "staging folders left behind: {leftovers:?}");
}

/// A file that extends the shipped baseline by absolute path, then adds `body`.
fn override_of_fragmented(dir: &Path, name: &str, body: &str) -> PathBuf {
    let base = shipped("fragmented.toml");
    let base = base.to_str().expect("utf-8 path").replace('\\', "/");
    let text = format!("[scenario]\nextends = \"{base}\"\nname = \"override\"\n\n{body}");
    write(dir, name, &text)
}

// ----- 1. shipped scenarios -----

#[test]
fn every_shipped_scenario_validates() {
    let files = shipped_scenarios();
    let cwd = tempdir();
    let run = reentry(
        cwd.path(),
        std::iter::once(OsStr::new("validate")).chain(files.iter().map(|f| f.as_os_str())),
    );
    assert!(run.success, "validate failed:\n{}", run.stderr);
    for f in &files {
        assert_contains(&run.stdout, &format!("ok: {}", f.display()));
    }
    assert_eq!(run.stdout.lines().filter(|l| l.starts_with("ok: ")).count(), files.len());
}

// ----- 2. broken scenarios -----

#[test]
fn unknown_key_names_file_line_column_key_and_suggestion() {
    let dir = tempdir();
    let file = write(
        dir.path(),
        "typo.toml",
        "[scenario]\nname = \"typo\"\n\n[regime]\nwarm_handoverr = 0.5\n",
    );
    let err = validate_err(dir.path(), &file);
    assert_contains(&err, "unknown key `warm_handoverr`");
    assert_contains(&err, &format!("--> {}:5:1", file.display()));
    assert_contains(&err, "5 | warm_handoverr = 0.5");
    assert_contains(&err, "= key: regime.warm_handoverr");
    assert_contains(&err, "= help: did you mean `warm_handover`?");
}

#[test]
fn out_of_range_value_names_line_key_and_allowed_range() {
    let dir = tempdir();
    let file = override_of_fragmented(dir.path(), "range.toml", "[regime]\nwarm_handover = 1.5\n");
    let err = validate_err(dir.path(), &file);
    assert_contains(&err, "value 1.5 is out of range");
    assert_contains(&err, &format!("--> {}:6:17", file.display()));
    assert_contains(&err, "= key: regime.warm_handover");
    assert_contains(&err, "= help: allowed: 0 to 1");
}

#[test]
fn recovery_weights_above_one_and_a_bad_frailty_are_refused_where_written() {
    let dir = tempdir();
    let body =
        "[hazards]\nfrailty_variance = 12.0\n\n[hazards.recovery]\npersonal_competence = 0.8\n";
    let file = override_of_fragmented(dir.path(), "weights.toml", body);
    let err = validate_err(dir.path(), &file);
    assert_contains(&err, "= key: hazards.frailty_variance");
    assert_contains(&err, "= help: allowed: 0 to 10");
    assert_contains(&err, "add up to 1.3, more than 1");
    assert_contains(&err, &format!("--> {}:9:23", file.display()));
    assert_contains(&err, "= key: hazards.recovery.personal_competence");
}

#[test]
fn more_services_than_the_engine_tracks_is_refused() {
    let dir = tempdir();
    let extra: String = (0..30)
        .map(|k| format!("[services.extra_{k}]\ndomain = \"id\"\npayer = \"municipality\"\n\n"))
        .collect();
    let file = override_of_fragmented(dir.path(), "many.toml", &extra);
    let err = validate_err(dir.path(), &file);
    assert_contains(&err, "more than the engine can track");
    assert_contains(&err, "= key: services");
    assert_contains(&err, "= help: allowed: at most 30 services");
}

#[test]
fn syntax_error_names_the_line() {
    let dir = tempdir();
    let file = write(dir.path(), "syntax.toml", "[scenario]\nname = \"unclosed\n\n[regime]\n");
    let err = validate_err(dir.path(), &file);
    assert_contains(&err, &format!("--> {}:2:", file.display()));
    assert_contains(&err, "2 | name = \"unclosed");
}

#[test]
fn unknown_enum_value_lists_the_allowed_values() {
    let dir = tempdir();
    let file = write(dir.path(), "enum.toml", "[regime.probation]\nresponse = \"prison\"\n");
    let err = validate_err(dir.path(), &file);
    assert_contains(&err, "unknown value `prison`");
    assert_contains(&err, &format!("--> {}:2:12", file.display()));
    assert_contains(&err, "= key: regime.probation.response");
    assert_contains(&err, "allowed values: revocation, care");
}

#[test]
fn missing_extended_file_is_reported_at_extends() {
    let dir = tempdir();
    let file =
        write(dir.path(), "orphan.toml", "[scenario]\nname = \"x\"\nextends = \"gone.toml\"\n");
    let err = validate_err(dir.path(), &file);
    assert_contains(&err, "cannot read extended file");
    assert_contains(&err, "gone.toml");
    assert_contains(&err, &format!("--> {}:3:11", file.display()));
    assert_contains(&err, "= key: scenario.extends");
}

#[test]
fn extends_cycle_is_reported_with_the_chain() {
    let dir = tempdir();
    let a = write(dir.path(), "a.toml", "[scenario]\nextends = \"b.toml\"\n");
    let b = write(dir.path(), "b.toml", "# b\n[scenario]\nextends = \"a.toml\"\n");
    let err = validate_err(dir.path(), &a);
    assert_contains(&err, "`extends` forms a cycle");
    assert_contains(&err, &format!("{} -> {} -> {}", a.display(), b.display(), a.display()));
    assert_contains(&err, &format!("--> {}:3:11", b.display()));
    assert_contains(&err, "= key: scenario.extends");
}

#[test]
fn error_in_override_of_shipped_scenario_points_into_the_override() {
    let dir = tempdir();
    let file = override_of_fragmented(dir.path(), "mine.toml", "[regime]\nwarm_handoverr = 0.5\n");
    let err = validate_err(dir.path(), &file);
    assert_contains(&err, &format!("--> {}:6:1", file.display()));
    assert_contains(&err, "= key: regime.warm_handoverr");
    assert_contains(&err, "did you mean `warm_handover`?");
    assert!(!err.contains("fragmented.toml:"), "blames the shipped file:\n{err}");
}

#[test]
fn validate_reports_each_broken_file_and_accepts_the_good_ones() {
    let dir = tempdir();
    let bad = write(dir.path(), "bad.toml", "[regime]\nwarm_handoverr = 0.5\n");
    let good = shipped("fragmented.toml");
    let run = reentry(dir.path(), [OsStr::new("validate"), good.as_os_str(), bad.as_os_str()]);
    assert!(!run.success);
    assert_contains(&run.stdout, &format!("ok: {}", good.display()));
    assert_contains(&run.stderr, &format!("--> {}:2:1", bad.display()));
    assert_contains(&run.stderr, "1 of 2 files have errors");
}

#[test]
fn run_on_a_broken_file_fails_and_writes_nothing() {
    let dir = tempdir();
    let broken = [
        write(dir.path(), "typo.toml", "[regime]\nwarm_handoverr = 0.5\n"),
        override_of_fragmented(dir.path(), "range.toml", "[regime]\nwarm_handover = 1.5\n"),
        write(dir.path(), "syntax.toml", "[scenario\n"),
        write(dir.path(), "orphan.toml", "[scenario]\nextends = \"gone.toml\"\n"),
        dir.path().join("does-not-exist.toml"),
    ];
    for file in &broken {
        let out = dir.path().join("results");
        let run = run_small(dir.path(), file, &out, &[]);
        assert!(!run.success, "{} ran", file.display());
        assert_contains(&run.stderr, "error");
        assert_contains(&run.stderr, &file.display().to_string());
        assert!(!out.exists(), "{} wrote {}", file.display(), out.display());
        assert!(!dir.path().join("out").exists(), "wrote a default out/ folder");
        assert_no_staging(dir.path());
    }
}

// ----- 3. what a run writes -----

#[test]
fn run_writes_every_result_file() {
    let dir = tempdir();
    let out = dir.path().join("results");
    let run = run_ok(dir.path(), &shipped("through-care.toml"), &out, &[]);
    assert_contains(&run.stdout, &out.display().to_string());
    assert_no_staging(dir.path());

    let snap = snapshot(&out);
    let mut expected: Vec<&str> = RESULT_FILES.to_vec();
    expected.push("scenario-through-care.toml");
    expected.sort();
    assert_eq!(names(&snap), expected);

    let json: serde_json::Value =
        serde_json::from_slice(&snap["summary.json"]).expect("summary.json parses");
    let scenario = &json["scenarios"][0];
    assert_eq!(scenario["name"], "through-care");
    assert_eq!(scenario["citizens"], 300);
    assert_eq!(scenario["replications"], 3);
    let indicators = scenario["indicators"].as_array().expect("indicators array");
    let reconviction = indicators
        .iter()
        .find(|i| i["name"] == "reconviction_2y")
        .expect("reconviction_2y indicator");
    let mean = reconviction["mean"].as_f64().expect("numeric mean");
    assert!(mean > 0.0 && mean < 1.0, "reconviction_2y mean {mean}");

    for name in RESULT_FILES.iter().filter(|n| n.ends_with(".csv")) {
        let mut reader =
            csv::ReaderBuilder::new().flexible(true).from_reader(snap[*name].as_slice());
        let width = reader.headers().expect("header").len();
        assert!(width >= 2, "{name}: header has {width} columns");
        let mut rows = 0;
        for (i, record) in reader.records().enumerate() {
            let record = record.unwrap_or_else(|e| panic!("{name} row {}: {e}", i + 2));
            assert_eq!(record.len(), width, "{name} row {} has the wrong width", i + 2);
            rows += 1;
        }
        assert!(rows > 0, "{name} has no rows");
    }
}

// ----- 4. determinism -----

#[test]
fn results_do_not_depend_on_threads_but_on_seed() {
    let dir = tempdir();
    let scenario = shipped("through-care.toml");
    let one = dir.path().join("one");
    let two = dir.path().join("two");
    let other = dir.path().join("other");
    run_ok(dir.path(), &scenario, &one, &["--threads", "1", "--seed", "11"]);
    run_ok(dir.path(), &scenario, &two, &["--threads", "2", "--seed", "11"]);
    let (a, b) = (snapshot(&one), snapshot(&two));
    assert_eq!(names(&a), names(&b));
    for (name, bytes) in &a {
        assert!(bytes == &b[name], "{name} differs between --threads 1 and --threads 2");
    }

    run_ok(dir.path(), &scenario, &other, &["--threads", "2", "--seed", "12"]);
    let c = snapshot(&other);
    assert!(c["outcomes.csv"] != a["outcomes.csv"], "--seed did not change outcomes.csv");
}

// ----- 5. the output folder is never silently replaced -----

#[test]
fn existing_output_folder_needs_force() {
    let dir = tempdir();
    let scenario = shipped("fragmented.toml");
    let out = dir.path().join("results");
    run_ok(dir.path(), &scenario, &out, &["--seed", "1"]);
    fs::write(out.join("notes.txt"), "my notes").expect("write notes");
    let before = snapshot(&out);

    let refused = run_small(dir.path(), &scenario, &out, &["--seed", "2"]);
    assert!(!refused.success, "overwrote {} without --force", out.display());
    assert_contains(&refused.stderr, "--force");
    assert_contains(&refused.stderr, &out.display().to_string());
    assert!(snapshot(&out) == before, "existing folder changed by a refused run");
    assert_no_staging(dir.path());

    run_ok(dir.path(), &scenario, &out, &["--seed", "2", "--force"]);
    let after = snapshot(&out);
    let mut expected: Vec<&str> = RESULT_FILES.to_vec();
    expected.push("scenario-fragmented.toml");
    expected.sort();
    assert_eq!(names(&after), expected, "--force should replace the folder");
    assert!(after["outcomes.csv"] != before["outcomes.csv"], "--force did not write new results");
    assert_no_staging(dir.path());
}

#[test]
fn output_path_that_is_a_file_is_refused_even_with_force() {
    let dir = tempdir();
    let out = write(dir.path(), "results", "not a folder");
    let run = run_small(dir.path(), &shipped("fragmented.toml"), &out, &["--force"]);
    assert!(!run.success);
    assert_contains(&run.stderr, "not a folder");
    assert_eq!(fs::read_to_string(&out).unwrap(), "not a folder");
    assert_no_staging(dir.path());
}

// ----- 6. the resolved scenario reproduces the run -----

#[test]
fn resolved_scenario_is_valid_and_reproduces_the_run() {
    let dir = tempdir();
    for (file, name) in [("through-care.toml", "through-care"), ("fragmented.toml", "fragmented")] {
        let first = dir.path().join(format!("{name}-first"));
        let again = dir.path().join(format!("{name}-again"));
        run_ok(dir.path(), &shipped(file), &first, &["--seed", "5"]);
        let resolved = first.join(format!("scenario-{name}.toml"));

        let check = validate(dir.path(), &resolved);
        assert!(check.success, "resolved scenario rejected:\n{}", check.stderr);
        assert_contains(&check.stdout, &format!("ok: {}", resolved.display()));
        assert_contains(&check.stdout, "300 citizens");

        run_ok(dir.path(), &resolved, &again, &["--seed", "5"]);
        let (a, b) = (snapshot(&first), snapshot(&again));
        assert_eq!(names(&a), names(&b));
        // summary.json, provenance.csv and report.html name the source files (and their
        // comments); everything else, pictures included, must match.
        // reentry-folder.json records the hashes of those files, so it differs with them.
        let names_sources =
            ["summary.json", "provenance.csv", "report.html", "reentry-folder.json"];
        for (name, bytes) in a.iter().filter(|(n, _)| !names_sources.contains(&n.as_str())) {
            assert!(bytes == &b[name], "{name} differs when re-running the resolved scenario");
        }
    }
}

/// `reentry run … | head -1` where the reader is gone before the summary is printed: no
/// reason to panic, and every file is still written.
#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    use std::process::{Command, Stdio};
    let dir = tempdir();
    let out = dir.path().join("out");
    let mut child = Command::new(env!("CARGO_BIN_EXE_reentry"))
        .arg("run")
        .arg(shipped("fragmented.toml"))
        .args(SMALL)
        .arg("--out")
        .arg(&out)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start reentry");
    // Close the reading end at once, as a reader that exits early would.
    drop(child.stdout.take());
    let output = child.wait_with_output().expect("reentry ends");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "panic on a closed pipe:\n{stderr}");
    assert!(output.status.success(), "exit {:?}: {stderr}", output.status);
    assert!(out.join("summary.json").is_file(), "the results are written all the same");
}

#[test]
fn trace_scale_shrinks_every_scenario_alike() {
    let dir = tempdir();
    let (frag, thru) = (shipped("fragmented.toml"), shipped("through-care.toml"));
    let trace = |citizen: &str, out: &str| {
        let out = dir.path().join(out);
        let args: Vec<&std::ffi::OsStr> = vec![
            "trace".as_ref(),
            frag.as_ref(),
            thru.as_ref(),
            "--scale".as_ref(),
            "0.1".as_ref(),
            "--citizen".as_ref(),
            citizen.as_ref(),
            "--out".as_ref(),
            out.as_ref(),
        ];
        reentry(dir.path(), args)
    };
    let ok = trace("150", "a");
    assert!(ok.success, "{}", ok.stderr);
    assert_contains(&ok.stdout, "citizen 150");
    let beyond = trace("250", "b");
    assert!(!beyond.success, "the scaled cohort has 200 citizens");
    assert_contains(&beyond.stderr, "250");
}

#[test]
fn trace_takes_set_like_every_other_command() {
    // Failed before: `trace` had no --set (clap refused the option), while run, compare,
    // levers, sweep and calibrate had it.
    let dir = tempdir();
    let scenarios = [shipped("fragmented.toml"), shipped("through-care.toml")];
    let follow = |citizen: &str| {
        let mut args: Vec<std::ffi::OsString> = vec!["trace".into()];
        args.extend(scenarios.iter().map(|p| p.clone().into_os_string()));
        for word in ["--set", "population.size=120", "--citizen", citizen, "--out"] {
            args.push(word.into());
        }
        args.push(dir.path().join(format!("trace-{citizen}")).into_os_string());
        reentry(dir.path(), args)
    };
    let last = follow("119");
    assert!(last.success, "{}", last.stderr);
    assert_contains(&last.stdout, "citizen 119");
    let beyond = follow("120");
    assert!(!beyond.success, "--set gave both scenarios 120 citizens");
    assert_contains(&beyond.stderr, "has 120 citizens, numbered 0 to 119");
}
