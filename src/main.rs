//! The `reentry` command line: parse arguments, load and check scenarios, run, report.

use clap::{Parser, Subcommand};
use reentry::compare::{Arm, align, terminal_comparison, write_compare};
use reentry::experiments::{run_with_threads, summarise};
use reentry::report::{OutputDir, RunOutput, terminal_summary, write_outputs};
use reentry::scenario::Scenario;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "reentry",
    version,
    about = "Simulate reintegration after detention: through-care versus fragmented care"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run one scenario and write tidy CSV and summary.json.
    Run {
        scenario: PathBuf,
        /// Output folder (default: out/<scenario name>).
        #[arg(long)]
        out: Option<PathBuf>,
        #[arg(long)]
        replications: Option<u32>,
        #[arg(long)]
        seed: Option<u64>,
        /// Worker threads (default: all cores); results do not depend on it.
        #[arg(long, default_value_t = 0)]
        threads: usize,
        /// Override the cohort size.
        #[arg(long)]
        population: Option<u32>,
        /// Replace an existing output folder.
        #[arg(long)]
        force: bool,
    },
    /// Compare a baseline scenario with one or more alternatives on common random numbers.
    ///
    /// Every alternative is run with the baseline's seed, replications and cohort size (after
    /// --seed/--replications/--population), so both arms meet the same citizens with the same
    /// luck and differences are paired replication by replication. An alternative whose
    /// [population] table (other than its size) or horizon differs from the baseline's is
    /// refused. Writes outcomes.csv, survival.csv, costs_by_payer.csv, summary.csv,
    /// differences.csv and summary.json (with who pays / who gains per payer, cost per
    /// reconviction avoided = Δ societal cost / −Δ 2-year reconviction share, and net societal
    /// benefit per citizen = −Δ societal cost).
    Compare {
        baseline: PathBuf,
        #[arg(required = true)]
        alternatives: Vec<PathBuf>,
        /// Output folder (default: out/compare-<baseline>-vs-<alternative>...).
        #[arg(long)]
        out: Option<PathBuf>,
        #[arg(long)]
        replications: Option<u32>,
        #[arg(long)]
        seed: Option<u64>,
        /// Worker threads (default: all cores); results do not depend on it.
        #[arg(long, default_value_t = 0)]
        threads: usize,
        /// Override the cohort size (of every scenario).
        #[arg(long)]
        population: Option<u32>,
        /// Replace an existing output folder.
        #[arg(long)]
        force: bool,
    },
    /// Check scenario files without running them.
    Validate {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run { scenario, out, replications, seed, threads, population, force } => {
            run(&scenario, out, Overrides { replications, seed, population }, threads, force)
        }
        Command::Compare {
            baseline,
            alternatives,
            out,
            replications,
            seed,
            threads,
            population,
            force,
        } => compare(
            &baseline,
            &alternatives,
            out,
            Overrides { replications, seed, population },
            threads,
            force,
        ),
        Command::Validate { files } => validate(&files),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

/// Command-line settings that replace the scenario's own.
struct Overrides {
    replications: Option<u32>,
    seed: Option<u64>,
    population: Option<u32>,
}

fn load(path: &Path, o: &Overrides) -> Result<Scenario, String> {
    let mut sc = Scenario::load(path).map_err(|e| e.to_string())?;
    if o.replications.is_none() && o.seed.is_none() && o.population.is_none() {
        return Ok(sc);
    }
    let mut raw = sc.resolved.clone();
    if let Some(r) = o.replications {
        raw.scenario.replications = r;
    }
    if let Some(s) = o.seed {
        raw.scenario.seed = s;
    }
    if let Some(n) = o.population {
        raw.population.size = n;
    }
    let files = sc.files.clone();
    sc = Scenario::from_raw(raw).map_err(|e| format!("invalid command-line override:\n{e}"))?;
    sc.files = files;
    Ok(sc)
}

fn run(
    path: &Path,
    out: Option<PathBuf>,
    o: Overrides,
    threads: usize,
    force: bool,
) -> Result<(), String> {
    let sc = load(path, &o)?;
    let target =
        out.unwrap_or_else(|| PathBuf::from("out").join(reentry::report::sanitize(&sc.meta.name)));
    let dir = OutputDir::prepare(&target, force)?;
    let started = std::time::Instant::now();
    let reps = match run_with_threads(&sc, sc.meta.replications, threads) {
        Ok(r) => r,
        Err(e) => {
            dir.abandon();
            return Err(e);
        }
    };
    let elapsed = started.elapsed().as_secs_f64();
    let summary = summarise(&sc, &reps);
    let runs = [RunOutput { scenario: &sc, replications: &reps, summary: &summary }];
    if let Err(e) = write_outputs(&dir, &runs) {
        dir.abandon();
        return Err(e);
    }
    let written = dir.commit()?;
    print!("{}", terminal_summary(&runs[0]));
    let citizen_days =
        sc.population.size as f64 * sc.meta.horizon_days as f64 * sc.meta.replications as f64;
    println!(
        "\n{:.1} s, {:.1} million citizen-days per second; results in {}",
        elapsed,
        citizen_days / elapsed / 1e6,
        written.display()
    );
    Ok(())
}

fn compare(
    baseline: &Path,
    alternatives: &[PathBuf],
    out: Option<PathBuf>,
    o: Overrides,
    threads: usize,
    force: bool,
) -> Result<(), String> {
    let base = load(baseline, &o).map_err(|e| format!("baseline {}:\n{e}", baseline.display()))?;
    let mut scenarios = vec![base];
    for path in alternatives {
        let what = format!("alternative {}", path.display());
        let alt = load(path, &Overrides { replications: None, seed: None, population: None })
            .map_err(|e| format!("{what}:\n{e}"))?;
        let mut alt = align(&scenarios[0], alt, &what)?;
        // Two arms with one name would be indistinguishable in the outputs.
        let mut name = alt.meta.name.clone();
        let mut k = 2;
        while scenarios.iter().any(|s| s.meta.name == name) {
            name = format!("{}-{k}", alt.meta.name);
            k += 1;
        }
        alt.meta.name = name.clone();
        alt.resolved.scenario.name = name;
        scenarios.push(alt);
    }
    let target = out.unwrap_or_else(|| {
        let names: Vec<String> =
            scenarios.iter().map(|s| reentry::report::sanitize(&s.meta.name)).collect();
        PathBuf::from("out").join(format!("compare-{}-vs-{}", names[0], names[1..].join("-")))
    });
    let dir = OutputDir::prepare(&target, force)?;
    let started = std::time::Instant::now();
    let mut arms = Vec::new();
    for sc in scenarios {
        match run_with_threads(&sc, sc.meta.replications, threads) {
            Ok(reps) => arms.push(Arm::new(sc, reps)),
            Err(e) => {
                dir.abandon();
                return Err(e);
            }
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    let comparisons: Result<Vec<_>, String> =
        arms[1..].iter().map(|alt| reentry::compare::compare(&arms[0], alt)).collect();
    let comparisons = match comparisons {
        Ok(c) => c,
        Err(e) => {
            dir.abandon();
            return Err(e);
        }
    };
    if let Err(e) = write_compare(&dir, &arms, &comparisons) {
        dir.abandon();
        return Err(e);
    }
    let written = dir.commit()?;
    for c in &comparisons {
        println!("{}", terminal_comparison(&arms[0], c));
    }
    println!("{elapsed:.1} s; results in {}", written.display());
    Ok(())
}

fn validate(files: &[PathBuf]) -> Result<(), String> {
    let mut failed = 0;
    for f in files {
        match Scenario::load(f) {
            Ok(sc) => println!(
                "ok: {} ({}; {} services, {} citizens, {} days)",
                f.display(),
                sc.meta.name,
                sc.services.len(),
                sc.population.size,
                sc.meta.horizon_days
            ),
            Err(e) => {
                failed += 1;
                eprintln!("{e}\n");
            }
        }
    }
    if failed > 0 {
        Err(format!("{failed} of {} scenario files have errors", files.len()))
    } else {
        Ok(())
    }
}
