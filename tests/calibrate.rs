//! `reentry calibrate`: the proof that it recovers known parameter values from synthetic
//! targets, and the command as a user runs it (files, determinism across threads, shards and
//! interruptions, clear errors).
//!
//! The recovery proof in CI (`recovery_of_two_parameters`) runs in well under two minutes in
//! release mode on two cores; the larger one is run by hand:
//! `cargo test --release --test calibrate -- --ignored --nocapture`.

mod common;

use std::ffi::OsStr;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use common::{reentry, shipped};
use reentry::calibrate::model::Model;
use reentry::calibrate::{Design, Request, Run, Stopping, prepare};
use reentry::scenario::Override;
use reentry::uncertainty::Priors;

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temporary folder")
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    fs::write(&path, text).expect("write test file");
    path
}

/// One recovery experiment: true values, the targets they produce, and how hard to try.
struct Recovery {
    priors: &'static str,
    truth: Vec<f64>,
    outputs: Vec<&'static str>,
    /// Cohort size of both the synthetic data and the calibration.
    population: u32,
    /// Replications averaged into the synthetic targets.
    data_replications: u32,
    particles: usize,
    generations: u32,
    budget: u64,
    first_scale: f64,
}

/// What a recovery run found, per parameter: (truth, 5%, median, 95%, width vs prior).
struct Found {
    rows: Vec<(String, f64, f64, f64, f64, f64)>,
    simulations: u64,
    generations: usize,
    seconds: f64,
    tolerance: f64,
}

impl Recovery {
    /// Simulates the targets at the true values (on another seed than the calibration's, so
    /// the calibration never sees the data's own random numbers), writes them, calibrates.
    fn run(&self) -> Found {
        let dir = tempdir();
        let priors_path = write(dir.path(), "priors.toml", self.priors);
        let priors = Priors::load(&priors_path).unwrap();
        let size = Override::parse_cli(&format!("population.size={}", self.population)).unwrap();
        let data_seed = Override::parse_cli("scenario.seed=424242").unwrap();
        let outputs: Vec<String> = self.outputs.iter().map(|s| s.to_string()).collect();
        let generator = Model::new(
            &shipped("fragmented.toml"),
            &[size.clone(), data_seed],
            priors,
            outputs.clone(),
            self.data_replications,
        )
        .unwrap();
        let sc = generator.scenario(&self.truth, 1.0, "truth").unwrap();
        let reps: Vec<Vec<f64>> =
            (0..self.data_replications).map(|r| generator.simulate(&sc, r)).collect();
        let mut targets = String::new();
        for (k, name) in outputs.iter().enumerate() {
            let xs: Vec<f64> = reps.iter().map(|r| r[k]).collect();
            let n = xs.len() as f64;
            let mean = xs.iter().sum::<f64>() / n;
            let sd = (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
            // The observation error of a synthetic target is the data's own sampling noise
            // plus that of the calibration's simulations (two replications of the same cohort
            // size), which stays in every particle's outputs: both are from the replications.
            let se = sd * (1.0 / n + 1.0 / 2.0).sqrt();
            let _ = write!(
                targets,
                "[[target]]\nname = \"{name}\"\noutput = \"{name}\"\nvalue = {mean}\nse = {se}\nsource = \"synthetic: the model at known values\"\n"
            );
        }
        let targets_path = write(dir.path(), "targets.toml", &targets);
        let request = Request {
            scenario: shipped("fragmented.toml"),
            targets: targets_path,
            priors: Some(priors_path),
            fixed: vec![size],
            design: Design {
                particles: self.particles,
                seed: 5,
                alpha: 0.5,
                replications: 2,
                first_scale: self.first_scale,
                early_rejection: true,
            },
            stopping: Stopping {
                tolerance: 0.5,
                max_generations: self.generations,
                budget: self.budget,
                min_acceptance: 0.02,
            },
        };
        let cal = prepare(&request).unwrap();
        let run = Run {
            out: dir.path().join("cal"),
            threads: 0,
            shard: None,
            resume: false,
            force: false,
            progress: false,
        };
        let outcome = cal.run(&run).unwrap();
        let last = outcome.generations.last().unwrap();
        let rows = reentry::calibrate::output::summarise(&cal, last)
            .into_iter()
            .zip(&self.truth)
            .map(|(s, truth)| {
                (s.path.clone(), *truth, s.interval.0, s.median, s.interval.1, s.width_ratio())
            })
            .collect();
        Found {
            rows,
            simulations: outcome.simulations,
            generations: outcome.generations.len(),
            seconds: outcome.elapsed.as_secs_f64(),
            tolerance: last.tolerance,
        }
    }
}

impl Found {
    fn report(&self) -> String {
        let mut s = format!(
            "{} generations, {} simulated replications, {:.1} s, final tolerance {:.3}\n",
            self.generations, self.simulations, self.seconds, self.tolerance
        );
        for (path, truth, lo, median, hi, width) in &self.rows {
            let _ = writeln!(
                s,
                "{path}: truth {truth}, posterior median {median:.4}, 90% interval {lo:.4} to {hi:.4}, {:.0}% of the prior's width",
                100.0 * width
            );
        }
        s
    }

    fn assert_recovered(&self, max_width: f64) {
        let report = self.report();
        eprintln!("{report}");
        for (path, truth, lo, _, hi, width) in &self.rows {
            assert!(lo <= truth && truth <= hi, "{path}: truth outside the 90% interval\n{report}");
            assert!(
                *width < max_width,
                "{path}: interval not clearly narrower than the prior's\n{report}"
            );
        }
    }
}

const TWO_PRIORS: &str = "[[prior]]\npath = \"hazards.reoffend_scale_days\"\ndistribution = \"lognormal\"\nmedian = 650\nsigma = 0.35\nsource = \"test\"\n\
[[prior]]\npath = \"population.prevalence.homeless\"\ndistribution = \"uniform\"\nlow = 0.15\nhigh = 0.35\nsource = \"test\"\n";

/// The CI proof: two parameters, truth away from the prior medians, four targets.
#[test]
fn recovery_of_two_parameters() {
    let found = Recovery {
        priors: TWO_PRIORS,
        truth: vec![850.0, 0.20],
        outputs: vec!["reconviction_1y", "reconviction_2y", "ever_homeless_to_6m", "homeless_6m"],
        population: 500,
        data_replications: 8,
        particles: 80,
        generations: 5,
        budget: 2_000,
        first_scale: 0.5,
    }
    .run();
    found.assert_recovered(0.5);
}

/// The larger proof, by hand: four parameters, ten targets on the full horizon (5-year
/// reconviction), half the shipped cohort.
#[test]
#[ignore = "takes 10 to 20 minutes on two cores; run with --ignored"]
fn recovery_of_four_parameters() {
    let priors = format!(
        "{TWO_PRIORS}[[prior]]\npath = \"hazards.reoffend_shape\"\ndistribution = \"uniform\"\nlow = 0.45\nhigh = 0.95\nsource = \"test\"\n\
         [[prior]]\npath = \"hazards.custody\"\ndistribution = \"beta\"\nalpha = 9\nbeta = 11\nsource = \"test\"\n"
    );
    let found = Recovery {
        priors: Box::leak(priors.into_boxed_str()),
        truth: vec![850.0, 0.20, 0.55, 0.35],
        // The shape of the time term shows in how reconviction builds up over the years, and
        // custody in re-detention: with only 1, 2 and 5 years and re-detention at 2 years their
        // intervals stayed at 64% and 61% of the prior's width (8,159 simulations), so the
        // curve is also matched at half a year and 3 years, and re-detention at 1 and 5 years.
        outputs: vec![
            "reconviction_at_182d",
            "reconviction_1y",
            "reconviction_2y",
            "reconviction_at_1095d",
            "reconviction_5y",
            "redetention_1y",
            "redetention_2y",
            "redetention_5y",
            "ever_homeless_to_6m",
            "homeless_6m",
        ],
        population: 1000,
        data_replications: 8,
        particles: 200,
        generations: 7,
        budget: 8_000,
        first_scale: 0.25,
    }
    .run();
    found.assert_recovered(0.6);
}

// ----- the command -----

const TINY: [&str; 14] = [
    "--particles",
    "12",
    "--generations",
    "3",
    "--replications",
    "1",
    "--set",
    "population.size=120",
    "--first-scale",
    "1",
    "--budget",
    "500",
    "--tolerance",
    "0",
];

fn calibrate(cwd: &Path, out: &Path, extra: &[&str]) -> common::Run {
    let scenario = shipped("fragmented.toml");
    let targets = Path::new(env!("CARGO_MANIFEST_DIR")).join("targets/netherlands.toml");
    let mut args: Vec<&OsStr> = vec!["calibrate".as_ref(), scenario.as_ref(), "--targets".as_ref()];
    args.push(targets.as_ref());
    args.push("--out".as_ref());
    args.push(out.as_ref());
    args.extend(TINY.iter().chain(extra).map(OsStr::new));
    reentry(cwd, args)
}

fn results(out: &Path) -> Vec<(String, Vec<u8>)> {
    [
        "posterior.csv",
        "parameters.csv",
        "fit.csv",
        "generations.csv",
        "calibrated.toml",
        "report.html",
    ]
    .iter()
    .map(|name| (name.to_string(), fs::read(out.join("results").join(name)).unwrap_or_default()))
    .collect()
}

#[test]
fn calibrate_writes_results_the_same_for_any_threads_shards_and_interruptions() {
    let dir = tempdir();
    let one = dir.path().join("one");
    let run = calibrate(dir.path(), &one, &["--threads", "1"]);
    assert!(run.success, "{}", run.stderr);
    assert!(
        run.stdout.contains("(holdout)") && run.stdout.contains("hazards.reoffend_scale_days"),
        "{}",
        run.stdout
    );
    let expected = results(&one);
    let posterior = String::from_utf8(expected[0].1.clone()).unwrap();
    assert!(posterior.starts_with("particle,weight,hazards.reoffend_scale_days,"), "{posterior}");
    let weights: f64 = posterior
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap().parse::<f64>().unwrap())
        .sum();
    assert!((weights - 1.0).abs() < 1e-9, "weights sum to {weights}");
    assert!(fs::read_to_string(one.join("results/report.html")).unwrap().contains("holdout"));
    // The calibrated scenario extends the input and validates.
    let calibrated = one.join("results/calibrated.toml");
    assert!(fs::read_to_string(&calibrated).unwrap().contains("extends"));
    let check = reentry(dir.path(), [OsStr::new("validate"), calibrated.as_os_str()]);
    assert!(check.success, "{}", check.stderr);

    // Two threads: the same bytes.
    let two = dir.path().join("two");
    assert!(calibrate(dir.path(), &two, &["--threads", "2"]).success);
    assert_eq!(results(&two), expected);

    // Shards of each open batch, then a whole run that picks their files up.
    let sharded = dir.path().join("sharded");
    for round in 0..3 {
        for shard in ["0/2", "1/2"] {
            let r = calibrate(dir.path(), &sharded, &["--shard", shard]);
            assert!(r.success, "round {round} shard {shard}: {}", r.stderr);
        }
    }
    // The shards did the work of the first generation and of a later one (whose proposals
    // depend on the population the shards' files made), not just the first batch.
    for generation in ["gen-000", "gen-001"] {
        assert!(
            fs::read_dir(sharded.join(generation)).unwrap().any(|e| e
                .unwrap()
                .file_name()
                .to_string_lossy()
                .contains("shard-1-of-2")),
            "no shard files in {generation}"
        );
    }
    assert!(calibrate(dir.path(), &sharded, &["--resume"]).success);
    assert_eq!(results(&sharded), expected);

    // An interruption: the last generation and some of its batches are lost.
    let cut = dir.path().join("cut");
    assert!(calibrate(dir.path(), &cut, &[]).success);
    fs::remove_dir_all(cut.join("results")).unwrap();
    fs::remove_file(cut.join("gen-002/population.csv")).unwrap();
    let batches: Vec<PathBuf> =
        fs::read_dir(cut.join("gen-002")).unwrap().map(|e| e.unwrap().path()).collect();
    fs::remove_file(batches.iter().max().unwrap()).unwrap();
    let refused = calibrate(dir.path(), &cut, &[]);
    assert!(!refused.success && refused.stderr.contains("--resume"), "{}", refused.stderr);
    assert!(calibrate(dir.path(), &cut, &["--resume"]).success);
    assert_eq!(results(&cut), expected);
}

#[test]
fn calibrate_explains_bad_input() {
    let dir = tempdir();
    let targets = write(
        dir.path(),
        "targets.toml",
        "[[target]]\nname = \"a\"\noutput = \"reconvicton_2y\"\nvalue = 0.4\nse = 0.02\nsource = \"x\"\n",
    );
    let priors = Path::new(env!("CARGO_MANIFEST_DIR")).join("priors/calibration.toml");
    let scenario = shipped("fragmented.toml");
    let out = dir.path().join("out");
    let args = |t: &Path| -> Vec<PathBuf> {
        vec![
            "calibrate".into(),
            scenario.clone(),
            "--targets".into(),
            t.to_path_buf(),
            "--priors".into(),
            priors.clone(),
            "--out".into(),
            out.clone(),
        ]
    };
    let run = reentry(dir.path(), args(&targets));
    assert!(!run.success);
    assert!(run.stderr.contains("no model output is called `reconvicton_2y`"), "{}", run.stderr);
    let bad = write(
        dir.path(),
        "bad.toml",
        "[[target]]\nname = \"a\"\noutput = \"reconviction_2y\"\nvalue = 0.4\nsource = \"x\"\n",
    );
    let run = reentry(dir.path(), args(&bad));
    assert!(
        !run.success && run.stderr.contains("bad.toml:4") && run.stderr.contains("exactly one of"),
        "{}",
        run.stderr
    );
    let no_priors = write(
        dir.path(),
        "np.toml",
        "[[target]]\nname = \"a\"\noutput = \"reconviction_2y\"\nvalue = 0.4\nse = 0.02\nsource = \"x\"\n",
    );
    let run = reentry(
        dir.path(),
        ["calibrate".as_ref(), scenario.as_os_str(), "--targets".as_ref(), no_priors.as_os_str()],
    );
    assert!(!run.success && run.stderr.contains("no priors"), "{}", run.stderr);
    assert!(!out.exists(), "nothing is written before the input is checked");
}
