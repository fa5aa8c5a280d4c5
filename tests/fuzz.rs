//! A seeded fuzz test of everything a user can feed the loader: mutated copies of the shipped
//! scenarios (numbers made absurd, lines deleted or doubled, keys misspelt, values of the
//! wrong type, files cut short, `extends` pointed at devices, huge lines, random bytes) and
//! random `--set` overrides. For every input: no panic, no hang, a bounded allocation, and
//! either a checked scenario whose resolved form loads back to itself, or an error that
//! names the file, the line and the key. Most inputs go through the library in-process
//! (fast); a few through the binary, as a user runs it.
//!
//! The CI budget (a few thousand inputs, well under a minute in release mode) is the default;
//! a larger local run: `REENTRY_FUZZ_CASES=200000 cargo test --release --test fuzz -- --nocapture`
//! or `cargo test --release --test fuzz -- --ignored --nocapture` (100,000 inputs). The seed
//! is `REENTRY_FUZZ_SEED` (default 14); a failure prints the input, so it can be replayed.

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};
use reentry::scenario::{Override, Scenario, ScenarioError, Sources};

// ----- bounded allocation: a counting allocator for this test binary -----

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                let now = CURRENT.fetch_add(new_size - layout.size(), Ordering::Relaxed) + new_size
                    - layout.size();
                PEAK.fetch_max(now, Ordering::Relaxed);
            } else {
                CURRENT.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The most one input may allocate above what was in use before it.
const ALLOCATION_LIMIT: usize = 256 << 20;

/// The longest one input may take in-process (loading is milliseconds; this catches hangs).
const TIME_LIMIT: Duration = Duration::from_secs(10);

// ----- inputs -----

fn shipped_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios")
}

/// The shipped scenarios: (file name, text).
fn shipped() -> Vec<(String, String)> {
    let mut all: Vec<(String, String)> = std::fs::read_dir(shipped_dir())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    all.sort();
    all
}

const ABSURD_NUMBERS: [&str; 16] = [
    "1e308",
    "-1e308",
    "1e160",
    "1e-320",
    "nan",
    "inf",
    "-inf",
    "-1",
    "0",
    "-0.0",
    "99999999999",
    "-9223372036854775808",
    "18446744073709551616",
    "4294967296",
    "0.5",
    "3",
];

const ODD_VALUES: [&str; 14] = [
    "\"text\"",
    "[]",
    "[1, 2]",
    "{}",
    "{ a = 1 }",
    "true",
    "1979-05-27",
    "\"\"",
    "'/dev/zero'",
    "\"addiction\"",
    "[[1]]",
    "{ extends = \"/etc/passwd\" }",
    "\"✓é\"",
    "0x10",
];

const ODD_PATHS: [&str; 6] =
    ["/dev/zero", "/dev/null", "/", "does-not-exist.toml", "fragmented.toml", "."];

/// One random mutation of a scenario text.
fn mutate(text: &str, rng: &mut Xoshiro256PlusPlus) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let pick = |rng: &mut Xoshiro256PlusPlus| rng.random_range(0..lines.len().max(1));
    let with_line = |i: usize, new: String| {
        let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        if i < out.len() {
            out[i] = new;
        }
        out.join("\n")
    };
    match rng.random_range(0..11) {
        // An absurd number for a value.
        0 => {
            let i = pick(rng);
            match lines.get(i).and_then(|l| l.split_once('=')) {
                Some((key, _)) => {
                    let v = ABSURD_NUMBERS[rng.random_range(0..ABSURD_NUMBERS.len())];
                    with_line(i, format!("{key}= {v}"))
                }
                None => text.to_string(),
            }
        }
        // A value of another type.
        1 => {
            let i = pick(rng);
            match lines.get(i).and_then(|l| l.split_once('=')) {
                Some((key, _)) => {
                    let v = ODD_VALUES[rng.random_range(0..ODD_VALUES.len())];
                    with_line(i, format!("{key}= {v}"))
                }
                None => text.to_string(),
            }
        }
        // A line deleted or doubled.
        2 => {
            let i = pick(rng);
            let mut out: Vec<&str> = lines.clone();
            if rng.random_bool(0.5) {
                if i < out.len() {
                    out.remove(i);
                }
            } else if let Some(l) = lines.get(i) {
                out.insert(i, l);
            }
            out.join("\n")
        }
        // A misspelt key.
        3 => {
            let i = pick(rng);
            match lines.get(i).and_then(|l| l.split_once('=')) {
                Some((key, value)) => with_line(i, format!("{}x ={value}", key.trim_end())),
                None => text.to_string(),
            }
        }
        // Cut short anywhere.
        4 => {
            let mut at = rng.random_range(0..text.len().max(1));
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            text[..at].to_string()
        }
        // Random characters, TOML punctuation among them.
        5 => {
            const CHARS: &[char] = &[
                '[', ']', '=', '"', '\'', '.', '#', '\n', '{', '}', ',', 'x', '\u{0}', '\u{7f}',
                'é', '✓', '\t', '\\',
            ];
            let mut out = text.to_string();
            for _ in 0..rng.random_range(1..6) {
                let mut at = rng.random_range(0..out.len().max(1));
                while !out.is_char_boundary(at) {
                    at -= 1;
                }
                out.insert(at, CHARS[rng.random_range(0..CHARS.len())]);
            }
            out
        }
        // `extends` pointed somewhere odd.
        6 => {
            let target = ODD_PATHS[rng.random_range(0..ODD_PATHS.len())];
            format!(
                "[scenario]\nextends = \"{target}\"\n{}",
                text.replacen("[scenario]", "[scenario_]", 1)
            )
        }
        // A new table: a service with defaults, or an unknown table.
        7 => {
            let table =
                ["services.ghost", "ghost", "regime.ghost", "services.addiction_care.climate"]
                    [rng.random_range(0..4)];
            format!("{text}\n[{table}]\ncapacity = 3\n")
        }
        // A very long line.
        8 => {
            let i = pick(rng);
            match lines.get(i).and_then(|l| l.split_once('=')) {
                Some((key, _)) => with_line(i, format!("{key}= \"{}\"", "y".repeat(20_000))),
                None => text.to_string(),
            }
        }
        // A huge array.
        9 => {
            let i = pick(rng);
            match lines.get(i).and_then(|l| l.split_once('=')) {
                Some((key, _)) => with_line(i, format!("{key}= [{}]", vec!["1"; 5_000].join(","))),
                None => text.to_string(),
            }
        }
        // Deeply nested brackets.
        _ => format!("{text}\nx = {}{}\n", "[".repeat(500), "]".repeat(500)),
    }
}

/// Dotted keys of a scenario text (overrides aim at real keys, and some misspelt ones).
fn dotted_keys(text: &str) -> Vec<String> {
    reentry::output::format::flatten_toml(text).map(|m| m.into_keys().collect()).unwrap_or_default()
}

fn random_override(keys: &[String], rng: &mut Xoshiro256PlusPlus) -> String {
    let key = match rng.random_range(0..10) {
        0 => "services.ghost.capacity".to_string(),
        1 => "scenario".to_string(),
        2 => "services".to_string(),
        3 => format!("{}x", keys[rng.random_range(0..keys.len())]),
        4 => "scenario.extends".to_string(),
        _ => keys[rng.random_range(0..keys.len())].clone(),
    };
    let value = match rng.random_range(0..3) {
        0 => ABSURD_NUMBERS[rng.random_range(0..ABSURD_NUMBERS.len())].to_string(),
        1 => ODD_VALUES[rng.random_range(0..ODD_VALUES.len())].to_string(),
        _ => ["name", "x.y", "=", "", "{ name = \"n\", extends = \"/etc/passwd\" }"]
            [rng.random_range(0..5)]
        .to_string(),
    };
    format!("{key}={value}")
}

// ----- checks -----

/// What one input did.
#[derive(Default, Debug)]
struct Tally {
    inputs: usize,
    accepted: usize,
    refused: usize,
    peak_bytes: usize,
    slowest: Duration,
}

/// Every diagnostic names its file (or override), and a line or the key it is about; an
/// unreadable file names the file.
fn check_error(error: &ScenarioError, input: &str) {
    let diagnostics = error.diagnostics();
    if diagnostics.is_empty() {
        let shown = error.to_string();
        assert!(
            shown.contains("cannot read"),
            "an error without a diagnostic:\n{shown}\n--- input:\n{input}"
        );
        return;
    }
    for d in diagnostics {
        assert!(!d.path.as_os_str().is_empty(), "no file named:\n{d}\n--- input:\n{input}");
        let from_override = d.path.to_string_lossy().starts_with("override ");
        assert!(
            d.location.is_some() || d.key.is_some() || from_override,
            "neither a line nor a key:\n{d}\n--- input:\n{input}"
        );
        if let Some(l) = &d.location {
            assert!(l.line >= 1 && l.column >= 1);
        }
        assert!(d.key.is_some() || d.location.is_some(), "no key:\n{d}\n--- input:\n{input}");
    }
}

/// A checked scenario must load back from its resolved form to the same values (what
/// `reentry run` writes next to the results re-runs identically).
fn check_round_trip(sc: &Scenario, input: &str) {
    let text = toml::to_string(&sc.resolved).expect("the resolved scenario serialises");
    let sources = Sources::from_text("resolved.toml", text.clone()).unwrap_or_else(|e| {
        panic!(
            "the resolved scenario does not parse:\n{e}\n--- resolved:\n{text}\n--- input:\n{input}"
        )
    });
    let again = Scenario::from_sources(&sources, &[]).unwrap_or_else(|e| {
        panic!("the resolved scenario is refused:\n{e}\n--- resolved:\n{text}\n--- input:\n{input}")
    });
    assert!(again.resolved == sc.resolved, "the resolved scenario changed on reloading:\n{text}");
}

/// Loads `path` with `overrides` on a worker thread, within the time and allocation limits.
fn load_bounded(path: &Path, overrides: Vec<Override>, input: &str, tally: &mut Tally) {
    let before = CURRENT.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let started = Instant::now();
    let (send, receive) = std::sync::mpsc::channel();
    let owned = path.to_path_buf();
    std::thread::spawn(move || {
        let result = std::panic::catch_unwind(|| {
            let outcome = Scenario::load_with(&owned, &overrides);
            if let Ok(sc) = &outcome {
                check_round_trip(sc, "");
            }
            outcome.map(|_| ()).map_err(|e| (e.to_string(), e))
        });
        let _ = send.send(result);
    });
    let result = match receive.recv_timeout(TIME_LIMIT) {
        Ok(result) => result,
        Err(_) => panic!("hang: no answer within {TIME_LIMIT:?}\n--- input:\n{input}"),
    };
    let elapsed = started.elapsed();
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(before);
    assert!(peak < ALLOCATION_LIMIT, "{peak} bytes allocated\n--- input:\n{input}");
    tally.inputs += 1;
    tally.peak_bytes = tally.peak_bytes.max(peak);
    tally.slowest = tally.slowest.max(elapsed);
    match result {
        Err(_) => panic!("panic while loading\n--- input:\n{input}"),
        Ok(Ok(())) => tally.accepted += 1,
        Ok(Err((_, error))) => {
            check_error(&error, input);
            tally.refused += 1;
        }
    }
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// `cases` mutated scenario files and `cases / 3` override sets through the library (the
/// CI default: 2,400 + 800 inputs).
fn fuzz_in_process(cases: u64) -> Tally {
    let seed = env_number("REENTRY_FUZZ_SEED", 14);
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let dir = tempfile::tempdir().unwrap();
    // The shipped files sit beside the mutants, so `extends = "fragmented.toml"` resolves.
    let scenarios = shipped();
    for (name, text) in &scenarios {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let mut tally = Tally::default();
    let path = dir.path().join("mutant.toml");
    for _ in 0..cases {
        let (_, text) = &scenarios[rng.random_range(0..scenarios.len())];
        let mut mutant = text.clone();
        for _ in 0..rng.random_range(1..4) {
            mutant = mutate(&mutant, &mut rng);
        }
        std::fs::write(&path, &mutant).unwrap();
        load_bounded(&path, Vec::new(), &mutant, &mut tally);
    }
    for _ in 0..cases / 3 {
        let (name, text) = &scenarios[rng.random_range(0..scenarios.len())];
        let keys = dotted_keys(text);
        let sets: Vec<String> =
            (0..rng.random_range(1..4)).map(|_| random_override(&keys, &mut rng)).collect();
        let described = format!("{name} --set {}", sets.join(" --set "));
        let overrides: Vec<Override> =
            sets.iter().filter_map(|s| Override::parse_cli(s).ok()).collect();
        load_bounded(&dir.path().join(name), overrides, &described, &mut tally);
    }
    tally
}

fn report(what: &str, tally: &Tally, started: Instant) {
    eprintln!(
        "{what}: {} inputs ({} accepted, {} refused with a located error) in {:.1} s; \
         slowest {:.0} ms, largest allocation {:.1} MiB",
        tally.inputs,
        tally.accepted,
        tally.refused,
        started.elapsed().as_secs_f64(),
        tally.slowest.as_secs_f64() * 1000.0,
        tally.peak_bytes as f64 / (1 << 20) as f64
    );
}

#[test]
fn mutated_scenarios_and_overrides_never_panic_hang_or_explode() {
    let started = Instant::now();
    let tally = fuzz_in_process(env_number("REENTRY_FUZZ_CASES", 2_400));
    report("fuzz (in-process)", &tally, started);
    assert!(tally.refused > tally.inputs / 4, "the mutations are too mild: {tally:?}");
    assert!(tally.accepted > 0, "nothing was accepted: {tally:?}");
}

#[test]
#[ignore = "a long run: cargo test --release --test fuzz -- --ignored --nocapture"]
fn mutated_scenarios_large_budget() {
    let started = Instant::now();
    let tally = fuzz_in_process(env_number("REENTRY_FUZZ_CASES", 100_000));
    report("fuzz (in-process, large)", &tally, started);
}

/// A smaller number of mutants through the binary: `validate` and a tiny `run`, each
/// ending with an exit code and a message naming the file, within a time limit.
#[test]
fn mutated_scenarios_through_the_command_line() {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(env_number("REENTRY_FUZZ_SEED", 14) + 1);
    let dir = tempfile::tempdir().unwrap();
    let scenarios = shipped();
    for (name, text) in &scenarios {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let cases = env_number("REENTRY_FUZZ_CLI_CASES", 40);
    let mut refused = 0;
    for case in 0..cases {
        let (_, text) = &scenarios[rng.random_range(0..scenarios.len())];
        let mutant = mutate(text, &mut rng);
        let name = format!("mutant-{case}.toml");
        std::fs::write(dir.path().join(&name), &mutant).unwrap();
        let out = format!("out-{case}");
        let args: Vec<&str> = if case % 2 == 0 {
            vec!["validate", &name]
        } else {
            vec!["run", &name, "--out", &out, "--population", "30", "--replications", "1"]
        };
        let started = Instant::now();
        let run = common::reentry(dir.path(), &args);
        assert!(started.elapsed() < Duration::from_secs(60), "{args:?} took too long");
        if run.success && case % 2 == 0 {
            assert!(run.stdout.contains(&format!("ok: {name}")), "{}", run.stdout);
        }
        if !run.success {
            refused += 1;
            assert!(
                run.stderr.contains(&name) || run.stderr.contains("override"),
                "the error does not name {name}:\n{}\n--- input:\n{mutant}",
                run.stderr
            );
            assert!(!dir.path().join(&out).exists(), "a refused run wrote {out}");
        }
    }
    eprintln!("fuzz (command line): {cases} runs, {refused} refused with the file named");
}
