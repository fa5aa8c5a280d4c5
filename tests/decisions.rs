//! Decisions under uncertainty from the command line: `compare --psa`, its report, and
//! `reentry sensitivity` on a case with a known answer.

mod common;

use common::{reentry, shipped};
use std::path::Path;

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn compare_with_psa_reports_chances_ceac_and_evpi() {
    let dir = tempfile::tempdir().unwrap();
    let (base, alt) = (shipped("fragmented.toml"), shipped("through-care.toml"));
    let out = dir.path().join("psa");
    let priors = Path::new(env!("CARGO_MANIFEST_DIR")).join("priors").join("netherlands.toml");
    let args = [
        "compare".as_ref(),
        base.as_os_str(),
        alt.as_os_str(),
        "--population".as_ref(),
        "100".as_ref(),
        "--replications".as_ref(),
        "2".as_ref(),
        "--psa".as_ref(),
        "30".as_ref(),
        "--psa-population".as_ref(),
        "100".as_ref(),
        "--priors".as_ref(),
        priors.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
    ];
    let run = reentry(dir.path(), args);
    assert!(run.success, "{}", run.stderr);
    assert!(run.stdout.contains("chance of gaining"), "{}", run.stdout);
    assert!(run.stdout.contains("expected value of perfect information"), "{}", run.stdout);
    for file in [
        "psa.json",
        "psa_draws.csv",
        "psa_summary.csv",
        "benefit_cost.csv",
        "cash_flow.csv",
        "ceac.csv",
        "evpi.csv",
        "incremental.csv",
        "ce_plane.csv",
        "plots/ceac.png",
        "plots/ce_plane.svg",
        "plots/cash_flow.png",
    ] {
        assert!(out.join(file).is_file(), "{file} missing");
    }
    // Thirty draws (enough for the metamodel of 15 parameters), two scenarios, ten indicators.
    assert_eq!(read(&out, "psa_draws.csv").lines().count(), 1 + 30 * 2 * 10);
    // The acceptability curves of the two options sum to one at every willingness to pay.
    let ceac = read(&out, "ceac.csv");
    let probs: Vec<f64> =
        ceac.lines().skip(1).map(|l| l.split(',').nth(3).unwrap().parse().unwrap()).collect();
    for pair in probs.chunks(2) {
        assert!((pair[0] + pair[1] - 1.0).abs() < 1e-9, "{pair:?}");
    }
    let html = read(&out, "report.html");
    assert!(html.contains("Under parameter uncertainty") && html.contains("chance of gaining"));
    assert!(html.contains("Benefit-cost per payer") && html.contains("perfect information"));
    assert!(out.join("psa_tornado.csv").is_file() && out.join("plots/psa_tornado.png").is_file());
    assert!(html.contains("Which assumptions matter"));
    // The same run twice, on one thread instead of all, gives the same bytes.
    let again = dir.path().join("again");
    let mut args2: Vec<&std::ffi::OsStr> = args.to_vec();
    let last = args2.len() - 1;
    args2[last] = again.as_os_str();
    args2.extend([std::ffi::OsStr::new("--threads"), std::ffi::OsStr::new("1")]);
    assert!(reentry(dir.path(), args2).success);
    assert_eq!(read(&out, "psa.json"), read(&again, "psa.json"));
}

#[test]
fn without_psa_the_report_says_intervals_are_monte_carlo_noise_only() {
    let dir = tempfile::tempdir().unwrap();
    let (base, alt) = (shipped("fragmented.toml"), shipped("through-care.toml"));
    let out = dir.path().join("plain");
    let run = reentry(
        dir.path(),
        [
            "compare".as_ref(),
            base.as_os_str(),
            alt.as_os_str(),
            "--population".as_ref(),
            "100".as_ref(),
            "--replications".as_ref(),
            "2".as_ref(),
            "--out".as_ref(),
            out.as_os_str(),
        ],
    );
    assert!(run.success, "{}", run.stderr);
    let html = read(&out, "report.html");
    assert!(html.contains("show only Monte Carlo noise"), "missing the plain statement");
    assert!(!out.join("psa.json").exists());
}

#[test]
fn psa_options_are_checked_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    let (base, alt) = (shipped("fragmented.toml"), shipped("through-care.toml"));
    let run = reentry(
        dir.path(),
        [
            "compare".as_ref(),
            base.as_os_str(),
            alt.as_os_str(),
            "--psa".as_ref(),
            "3".as_ref(),
            "--effect".as_ref(),
            "happiness".as_ref(),
        ],
    );
    assert!(!run.success);
    assert!(run.stderr.contains("reconvictions, detention_days, recovery_days"), "{}", run.stderr);
    // A prior on a lever the scenarios set differently would erase the comparison.
    let priors = dir.path().join("lever.toml");
    std::fs::write(
        &priors,
        "[[prior]]\npath = \"regime.warm_handover\"\ndistribution = \"uniform\"\nlow = 0.1\nhigh = 0.9\nsource = \"test\"\n",
    )
    .unwrap();
    let run = reentry(
        dir.path(),
        [
            "compare".as_ref(),
            base.as_os_str(),
            alt.as_os_str(),
            "--psa".as_ref(),
            "3".as_ref(),
            "--priors".as_ref(),
            priors.as_os_str(),
        ],
    );
    assert!(!run.success);
    assert!(
        run.stderr.contains("regime.warm_handover") && run.stderr.contains("differs"),
        "{}",
        run.stderr
    );
    assert!(!dir.path().join("out").exists(), "nothing written");
}

/// The known answer: the justice cost depends on the prison-day price but not on the victim
/// cost or the price of LVB support (unit costs do not change what people do, and every
/// design point has the same seed). So the prison day ranks first, in the tornado and by
/// Morris, and the other two have no effect at all.
#[test]
fn sensitivity_ranks_the_only_parameter_an_outcome_depends_on_first() {
    let dir = tempfile::tempdir().unwrap();
    let priors = dir.path().join("costs.toml");
    std::fs::write(
        &priors,
        "[[prior]]\npath = \"costs.prison_day\"\ndistribution = \"normal\"\nmean = 262.0\nsd = 15.0\nsource = \"test\"\n\n\
         [[prior]]\npath = \"costs.victim_cost_per_offence\"\ndistribution = \"lognormal\"\nmedian = 4000.0\nsigma = 0.5\nsource = \"test\"\n\n\
         [[prior]]\npath = \"services.lvb_support.cost_per_day\"\ndistribution = \"lognormal\"\nmedian = 80.0\nsigma = 0.2\nsource = \"test\"\n",
    )
    .unwrap();
    let out = dir.path().join("sens");
    let base = shipped("fragmented.toml");
    let run = reentry(
        dir.path(),
        [
            "sensitivity".as_ref(),
            base.as_os_str(),
            "--outcome".as_ref(),
            "cost_justice".as_ref(),
            "--priors".as_ref(),
            priors.as_os_str(),
            "--trajectories".as_ref(),
            "3".as_ref(),
            "--replications".as_ref(),
            "1".as_ref(),
            "--population".as_ref(),
            "100".as_ref(),
            "--out".as_ref(),
            out.as_os_str(),
        ],
    );
    assert!(run.success, "{}", run.stderr);
    let rows = |file: &str| -> Vec<Vec<String>> {
        read(&out, file)
            .lines()
            .skip(1)
            .map(|l| l.split(',').map(str::to_string).collect())
            .filter(|r: &Vec<String>| r[0] == "cost_justice")
            .collect()
    };
    let tornado = rows("tornado.csv");
    assert_eq!(tornado[0][1], "costs.prison_day");
    assert!(tornado[0][8].parse::<f64>().unwrap() > 1000.0);
    assert!(tornado[1..].iter().all(|r| r[8].parse::<f64>().unwrap() == 0.0), "{tornado:?}");
    let morris = rows("indices.csv");
    assert_eq!(morris[0][1], "costs.prison_day");
    assert!(morris[1..].iter().all(|r| r[4].parse::<f64>().unwrap() == 0.0), "{morris:?}");
    assert!(out.join("tornado.png").is_file() && out.join("tornado.svg").is_file());
}

/// A calibration's posterior replaces the priors of the paths it holds; the other priors are
/// still drawn. Every draw takes one of the posterior's two particles.
#[test]
fn psa_resamples_a_posterior_and_draws_the_other_priors() {
    let dir = tempfile::tempdir().unwrap();
    let (base, alt) = (shipped("fragmented.toml"), shipped("through-care.toml"));
    let posterior = dir.path().join("posterior.csv");
    std::fs::write(&posterior, "particle,weight,hazards.hr_homeless\n0,0.5,1.2\n1,0.5,1.6\n")
        .unwrap();
    let out = dir.path().join("post");
    let priors = Path::new(env!("CARGO_MANIFEST_DIR")).join("priors").join("costs.toml");
    let run = reentry(
        dir.path(),
        [
            "compare".as_ref(),
            base.as_os_str(),
            alt.as_os_str(),
            "--population".as_ref(),
            "100".as_ref(),
            "--replications".as_ref(),
            "2".as_ref(),
            "--psa".as_ref(),
            "4".as_ref(),
            "--psa-population".as_ref(),
            "100".as_ref(),
            "--posterior".as_ref(),
            posterior.as_os_str(),
            "--priors".as_ref(),
            priors.as_os_str(),
            "--out".as_ref(),
            out.as_os_str(),
        ],
    );
    assert!(run.success, "{}", run.stderr);
    let params = read(&out, "psa_parameters.csv");
    let homeless: Vec<f64> = params
        .lines()
        .filter(|l| l.contains(",hazards.hr_homeless,"))
        .map(|l| l.rsplit(',').next().unwrap().parse().unwrap())
        .collect();
    // Systematic resampling of two equal weights over four draws: two of each.
    assert_eq!(homeless, vec![1.2, 1.2, 1.6, 1.6]);
    assert!(params.contains(",costs.prison_day,"), "the cost priors are drawn too");
}
