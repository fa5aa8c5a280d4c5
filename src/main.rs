//! The `reentry` command line: parse arguments, load and check scenarios, run, report.

use clap::{Args, Parser, Subcommand};
use reentry::compare::{Arm, align, terminal_comparison, write_compare};
use reentry::experiments::{run_with_progress, summarise};
use reentry::report::{OutputDir, RunOutput, terminal_summary, write_outputs};
use reentry::scenario::{Override, Scenario};
use reentry::sweep::{RunSettings, Shard, Sweep};
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

/// Options shared by `run` and `compare`.
#[derive(Args)]
struct RunOptions {
    /// Output folder (default: out/<scenario name>, or out/compare-<baseline>-vs-<alternative>...).
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
    /// Scale the region: multiply the cohort and every limited capacity (service places, case
    /// managers, Veiligheidshuis caseload) by this factor, e.g. --scale 15 turns the shipped
    /// 2,000-person cohort into a national one of 30,000 releases.
    #[arg(long, value_parser = parse_scale)]
    scale: Option<f64>,
    /// Replace an existing output folder.
    #[arg(long)]
    force: bool,
    /// Override one scenario value by dotted path, e.g. --set regime.warm_handover=0.8 or
    /// --set services.addiction_care.capacity=240 (repeatable; the value is TOML, text that is
    /// not TOML is a string). Applied to every scenario, checked like a value in the file, and
    /// written into the resolved scenario next to the results.
    #[arg(long = "set", value_name = "PATH=VALUE", value_parser = Override::parse_cli)]
    set: Vec<Override>,
}

/// Options of `sweep`.
#[derive(Args)]
struct SweepOptions {
    /// Output folder (default: out/sweep-<sweep name>); shards of one sweep share it.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Worker threads (default: all cores); results do not depend on it.
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// Run only shard I of N (0-based): the points p with p mod N = I, e.g.
    /// --shard $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT.
    #[arg(long, value_name = "I/N", value_parser = Shard::parse)]
    shard: Option<Shard>,
    /// Continue an interrupted sweep (or shard): run only the points without a result.
    #[arg(long, conflicts_with = "force")]
    resume: bool,
    /// Start over: a whole sweep replaces its output folder; a shard redoes only its points.
    #[arg(long)]
    force: bool,
    /// Override the sweep's replications.
    #[arg(long)]
    replications: Option<u32>,
    /// Override the sweep's cohort size.
    #[arg(long)]
    population: Option<u32>,
    /// Override the sweep's seed (the same for every point).
    #[arg(long)]
    seed: Option<u64>,
    /// Override a base-scenario value by dotted path for every point (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE", value_parser = Override::parse_cli)]
    set: Vec<Override>,
}

/// Options of `calibrate`.
#[derive(Args)]
struct CalibrateOptions {
    /// The observed statistics to fit (e.g. targets/netherlands.toml).
    #[arg(long)]
    targets: PathBuf,
    /// The priors of the parameters to fit (default: the file the targets file names).
    #[arg(long)]
    priors: Option<PathBuf>,
    /// Work folder (default: out/calibrate-<scenario>); results go to OUT/results.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Stop before this many simulated replications (resumable with a larger budget).
    #[arg(long, default_value_t = 20_000)]
    budget: u64,
    /// Seed of the proposals (default: the scenario's seed, which also drives the simulations).
    #[arg(long)]
    seed: Option<u64>,
    /// Particles per generation.
    #[arg(long, default_value_t = 200)]
    particles: usize,
    /// Replications per particle.
    #[arg(long, default_value_t = 2)]
    replications: u32,
    /// Stop once a generation's tolerance (root mean square distance, in standard errors of
    /// the targets) is at or below this.
    #[arg(long, default_value_t = 1.0)]
    tolerance: f64,
    /// Stop after this many generations.
    #[arg(long, default_value_t = 8)]
    generations: u32,
    /// Stop when fewer than this share of a generation's attempts are accepted.
    #[arg(long, default_value_t = 0.02)]
    min_acceptance: f64,
    /// Share of the cohort simulated in generation 0; it doubles each generation up to 1.
    #[arg(long, default_value_t = 0.25, value_parser = parse_share)]
    first_scale: f64,
    /// Run every replication of every particle (no early rejection).
    #[arg(long)]
    no_early_rejection: bool,
    /// Worker threads (default: all cores); results do not depend on it.
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// Run only shard I of N of the open batch (attempts k with k mod N = I), e.g.
    /// --shard $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT; a later call without --shard
    /// (with --resume) takes their results and continues.
    #[arg(long, value_name = "I/N", value_parser = Shard::parse, conflicts_with = "force")]
    shard: Option<Shard>,
    /// Continue an interrupted calibration in OUT.
    #[arg(long, conflicts_with = "force")]
    resume: bool,
    /// Start over: replace the work folder.
    #[arg(long)]
    force: bool,
    /// Override a scenario value by dotted path for every particle (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE", value_parser = Override::parse_cli)]
    set: Vec<Override>,
}

/// A share in (0, 1].
fn parse_share(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(x) if x > 0.0 && x <= 1.0 => Ok(x),
        _ => Err(format!("`{text}` is not a share; allowed: a number above 0, up to 1")),
    }
}

#[derive(Subcommand)]
enum Command {
    /// Run one scenario and write tidy CSV and summary.json.
    Run {
        scenario: PathBuf,
        #[command(flatten)]
        options: RunOptions,
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
        #[command(flatten)]
        options: RunOptions,
    },
    /// Run a base scenario over a design of parameter values (grid or Latin hypercube).
    ///
    /// SWEEP.toml names the base scenario and the dotted paths to vary; every point uses the
    /// same seed (common random numbers). Writes points.csv, runs.csv (one row per point and
    /// replication) and summary.csv (mean and 95% interval per point and indicator). With
    /// --shard I/N only points p with p mod N = I run, into a folder shared by all shards;
    /// combine them with `reentry merge DIR`.
    Sweep {
        sweep: PathBuf,
        #[command(flatten)]
        options: SweepOptions,
    },
    /// Combine the part files of a sharded sweep into runs.csv and summary.csv.
    Merge { dir: PathBuf },
    /// Redraw plots/*.png|svg and report.html from the files of an existing output folder.
    Report { folder: PathBuf },
    /// Tell one citizen's life story (or a few), under one or more scenarios side by side.
    ///
    /// Prints a dated timeline — detention, release, referrals, waits, services started and
    /// dropped, relapses, offences and costs — and writes story.txt, timeline.svg and
    /// timeline.png. With several scenarios, every one after the first is aligned with it as
    /// in `compare` (same seed and cohort): the same person with the same luck.
    Trace {
        #[arg(required = true)]
        scenarios: Vec<PathBuf>,
        /// The citizen to follow (0 to cohort size − 1).
        #[arg(long, conflicts_with = "sample")]
        citizen: Option<u32>,
        /// Follow this many citizens picked from the seed instead.
        #[arg(long)]
        sample: Option<u32>,
        /// Which replication to follow (its random streams).
        #[arg(long, default_value_t = 0)]
        replication: u32,
        #[arg(long)]
        seed: Option<u64>,
        /// Override the cohort size.
        #[arg(long)]
        population: Option<u32>,
        /// Output folder (default: out/trace-<scenarios>-<citizens>).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Replace an existing output folder.
        #[arg(long)]
        force: bool,
    },
    /// Fit uncertain parameters to observed statistics (ABC-SMC) and report the fit.
    ///
    /// Draws parameter values from the priors, simulates each (all on the scenario's seed:
    /// common random numbers) and keeps those whose outputs come within a falling tolerance of
    /// the targets, weighing each target by its uncertainty; generation after generation the
    /// particles concentrate on the values the data support. Writes OUT/results/:
    /// posterior.csv, parameters.csv, fit.csv, generations.csv, calibrated.toml (the scenario
    /// with the posterior medians) and report.html. The work folder OUT keeps every batch, so
    /// an interrupted calibration continues with --resume, and a batch can run as Slurm array
    /// shards (--shard I/N) whose results the next call without --shard picks up.
    Calibrate {
        scenario: PathBuf,
        #[command(flatten)]
        options: CalibrateOptions,
    },
    /// Check scenario files without running them.
    Validate {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

/// Writes to standard output. A reader that went away (`reentry run … | head`) ends the
/// program quietly instead of panicking: every output file has been written by then.
fn write_stdout(args: std::fmt::Arguments, newline: bool) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let written =
        out.write_fmt(args).and_then(|()| if newline { out.write_all(b"\n") } else { Ok(()) });
    match written {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        Err(e) => {
            eprintln!("error: cannot write to standard output: {e}");
            std::process::exit(1);
        }
    }
}

macro_rules! say {
    ($($arg:tt)*) => { write_stdout(format_args!($($arg)*), false) };
}

macro_rules! sayln {
    ($($arg:tt)*) => { write_stdout(format_args!($($arg)*), true) };
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run { scenario, options } => run(&scenario, &options),
        Command::Compare { baseline, alternatives, options } => {
            compare(&baseline, &alternatives, &options)
        }
        Command::Sweep { sweep, options } => run_sweep(&sweep, &options),
        Command::Merge { dir } => merge(&dir),
        Command::Calibrate { scenario, options } => calibrate(&scenario, &options),
        Command::Validate { files } => validate(&files),
        Command::Report { folder } => report(&folder),
        Command::Trace {
            scenarios,
            citizen,
            sample,
            replication,
            seed,
            population,
            out,
            force,
        } => {
            let options = RunOptions {
                out,
                replications: None,
                seed,
                threads: 0,
                population,
                scale: None,
                force,
                set: Vec::new(),
            };
            trace(&scenarios, citizen, sample, replication, &options)
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

/// Applies the command-line overrides (replications, seed, cohort size) to a loaded scenario.
/// A scale factor: positive and finite.
fn parse_scale(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(x) if x.is_finite() && x > 0.0 && x <= 10_000.0 => Ok(x),
        _ => Err(format!("`{text}` is not a scale factor; allowed: a number above 0, up to 10000")),
    }
}

fn load(path: &Path, o: &RunOptions) -> Result<Scenario, String> {
    let mut sc = Scenario::load_with(path, &o.set).map_err(|e| e.to_string())?;
    if o.replications.is_none() && o.seed.is_none() && o.population.is_none() && o.scale.is_none() {
        return Ok(sc);
    }
    let mut raw = sc.resolved.clone();
    if let Some(factor) = o.scale {
        raw.scale(factor);
    }
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

fn run(path: &Path, o: &RunOptions) -> Result<(), String> {
    let sc = load(path, o)?;
    let target = o
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("out").join(reentry::report::sanitize(&sc.meta.name)));
    let dir = OutputDir::prepare(&target, o.force)?;
    let started = std::time::Instant::now();
    let (written, (summary, reps, elapsed)) = dir.fill(|dir| {
        let reps = run_with_progress(&sc, sc.meta.replications, o.threads, &sc.meta.name)?;
        let elapsed = started.elapsed().as_secs_f64();
        let summary = summarise(&sc, &reps);
        let runs = [RunOutput { scenario: &sc, replications: &reps, summary: &summary }];
        write_outputs(dir, &runs)?;
        dir.write_report()?;
        Ok((summary, reps, elapsed))
    })?;
    let run = RunOutput { scenario: &sc, replications: &reps, summary: &summary };
    say!("{}", terminal_summary(&run));
    let citizen_days =
        sc.population.size as f64 * sc.meta.horizon_days as f64 * sc.meta.replications as f64;
    sayln!(
        "\n{:.1} s, {:.1} million citizen-days per second; results in {}",
        elapsed,
        citizen_days / elapsed / 1e6,
        written.display()
    );
    sayln!("report (opens offline in any browser): {}", written.join("report.html").display());
    Ok(())
}

fn compare(baseline: &Path, alternatives: &[PathBuf], o: &RunOptions) -> Result<(), String> {
    let base = load(baseline, o).map_err(|e| format!("baseline {}:\n{e}", baseline.display()))?;
    let mut scenarios = vec![base];
    for path in alternatives {
        let what = format!("alternative {}", path.display());
        let alt = Scenario::load_with(path, &o.set).map_err(|e| format!("{what}:\n{e}"))?;
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
    let target = o.out.clone().unwrap_or_else(|| {
        let names: Vec<String> =
            scenarios.iter().map(|s| reentry::report::sanitize(&s.meta.name)).collect();
        PathBuf::from("out").join(format!("compare-{}-vs-{}", names[0], names[1..].join("-")))
    });
    let dir = OutputDir::prepare(&target, o.force)?;
    let started = std::time::Instant::now();
    let (written, (arms, comparisons, elapsed)) = dir.fill(|dir| {
        let arms = scenarios
            .into_iter()
            .map(|sc| {
                run_with_progress(&sc, sc.meta.replications, o.threads, &sc.meta.name)
                    .map(|r| Arm::new(sc, r))
            })
            .collect::<Result<Vec<_>, String>>()?;
        let elapsed = started.elapsed().as_secs_f64();
        let comparisons = arms[1..]
            .iter()
            .map(|alt| reentry::compare::compare(&arms[0], alt))
            .collect::<Result<Vec<_>, String>>()?;
        write_compare(dir, &arms, &comparisons)?;
        dir.write_report()?;
        Ok((arms, comparisons, elapsed))
    })?;
    for c in &comparisons {
        sayln!("{}", terminal_comparison(&arms[0], c));
    }
    sayln!("{elapsed:.1} s; results in {}", written.display());
    sayln!("report (opens offline in any browser): {}", written.join("report.html").display());
    Ok(())
}

fn calibrate(scenario: &Path, o: &CalibrateOptions) -> Result<(), String> {
    use reentry::calibrate::{
        Design, Request, Run, Stopping, default_out, prepare, terminal_summary,
    };
    if o.particles < 2 {
        return Err("--particles must be at least 2".into());
    }
    let seed = match o.seed {
        Some(seed) => seed,
        None => Scenario::load_with(scenario, &o.set).map_err(|e| e.to_string())?.meta.seed,
    };
    let request = Request {
        scenario: scenario.to_path_buf(),
        targets: o.targets.clone(),
        priors: o.priors.clone(),
        fixed: o.set.clone(),
        design: Design {
            particles: o.particles,
            seed,
            alpha: 0.5,
            replications: o.replications.max(1),
            first_scale: o.first_scale,
            early_rejection: !o.no_early_rejection,
        },
        stopping: Stopping {
            tolerance: o.tolerance,
            max_generations: o.generations.max(1),
            budget: o.budget,
            min_acceptance: o.min_acceptance,
        },
    };
    let cal = prepare(&request)?;
    let run = Run {
        out: o.out.clone().unwrap_or_else(|| default_out(scenario)),
        threads: o.threads,
        shard: o.shard,
        resume: o.resume,
        force: o.force,
        progress: true,
    };
    let outcome = cal.run(&run)?;
    sayln!("{}", terminal_summary(&cal, &outcome));
    match &outcome.results {
        Some(dir) => {
            sayln!("results in {}", dir.display());
            sayln!("report (opens offline in any browser): {}", dir.join("report.html").display());
        }
        None => {
            sayln!("shard done; continue with `reentry calibrate ... --resume` (without --shard)")
        }
    }
    Ok(())
}

/// Regenerates the report files in place; each is written to a temporary file and renamed, so
/// a reader never sees a half-written picture.
fn report(folder: &Path) -> Result<(), String> {
    let data = reentry::folder::Folder::read(folder)?;
    let files = reentry::html::report_files(&data)?;
    for (name, bytes) in &files {
        let path = folder.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        let temp = folder.join(format!("{name}.partial-{}", std::process::id()));
        std::fs::write(&temp, bytes).and_then(|_| std::fs::rename(&temp, &path)).map_err(|e| {
            let _ = std::fs::remove_file(&temp);
            format!("cannot write {}: {e}", path.display())
        })?;
    }
    sayln!("{} files written; open {}", files.len(), folder.join("report.html").display());
    Ok(())
}

fn trace(
    paths: &[PathBuf],
    citizen: Option<u32>,
    sample: Option<u32>,
    replication: u32,
    o: &RunOptions,
) -> Result<(), String> {
    use reentry::trace::{
        check_citizen, render_timeline, sample_citizens, side_by_side, story_text,
    };
    let first = load(&paths[0], o).map_err(|e| format!("{}:\n{e}", paths[0].display()))?;
    let mut scenarios = vec![first];
    for path in &paths[1..] {
        let what = format!("scenario {}", path.display());
        let sc = Scenario::load(path).map_err(|e| format!("{what}:\n{e}"))?;
        scenarios.push(align(&scenarios[0], sc, &what)?);
    }
    let citizens = match (citizen, sample) {
        (Some(c), _) => {
            check_citizen(&scenarios[0], c)?;
            vec![c]
        }
        (None, Some(0)) => return Err("--sample needs at least 1 citizen".into()),
        (None, Some(k)) => sample_citizens(&scenarios[0], k),
        (None, None) => return Err("say whom to follow: --citizen N or --sample K".into()),
    };
    let mut stories = Vec::new();
    let mut text = String::new();
    for &c in &citizens {
        let first = stories.len();
        for (k, sc) in scenarios.iter().enumerate() {
            let story = reentry::trace::trace(sc, k, c, replication)?;
            text.push_str(&story_text(&story));
            text.push('\n');
            stories.push(story);
        }
        if scenarios.len() > 1 {
            text.push_str(&side_by_side(&stories[first..]));
            text.push('\n');
        }
    }
    let target = o.out.clone().unwrap_or_else(|| {
        let names: Vec<String> =
            scenarios.iter().map(|s| reentry::report::sanitize(&s.meta.name)).collect();
        let who = match citizen {
            Some(c) => format!("citizen-{c}"),
            None => format!("sample-{}", citizens.len()),
        };
        PathBuf::from("out").join(format!("trace-{}-{who}", names.join("-vs-")))
    });
    let dir = OutputDir::prepare(&target, o.force)?;
    let (written, ()) = dir.fill(|dir| {
        let (svg, png) = render_timeline(&stories)?;
        dir.write_file("story.txt", |w| w.write_all(text.as_bytes()))?;
        dir.write_file("timeline.svg", |w| w.write_all(svg.as_bytes()))?;
        dir.write_file("timeline.png", |w| w.write_all(&png))
    })?;
    say!("{text}");
    sayln!("timeline picture and story in {}", written.display());
    Ok(())
}

/// The command-line settings of a sweep as overrides, applied after the sweep file's own.
fn sweep_overrides(o: &SweepOptions) -> Result<Vec<Override>, String> {
    let mut out = Vec::new();
    let mut add = |path: &str, value: Option<i64>, flag: &str| -> Result<(), String> {
        if let Some(v) = value {
            out.push(Override::new(path, toml::Value::Integer(v), format!("{flag} {v}"))?);
        }
        Ok(())
    };
    add("scenario.replications", o.replications.map(i64::from), "--replications")?;
    add("population.size", o.population.map(i64::from), "--population")?;
    let seed =
        o.seed.map(i64::try_from).transpose().map_err(|_| "--seed is too large".to_string())?;
    add("scenario.seed", seed, "--seed")?;
    out.extend(o.set.iter().cloned());
    Ok(out)
}

fn run_sweep(path: &Path, o: &SweepOptions) -> Result<(), String> {
    let sweep = Sweep::load(path, &sweep_overrides(o)?)?;
    let out = o.out.clone().unwrap_or_else(|| {
        PathBuf::from("out").join(format!("sweep-{}", reentry::report::sanitize(&sweep.name)))
    });
    let settings = RunSettings {
        out: out.clone(),
        threads: o.threads,
        shard: o.shard,
        resume: o.resume,
        force: o.force,
    };
    let started = std::time::Instant::now();
    let report = reentry::sweep::run(&sweep, &settings)?;
    let elapsed = started.elapsed().as_secs_f64();
    let design = match sweep.resolved.sweep.design {
        reentry::sweep::Design::Grid => "grid",
        reentry::sweep::Design::Lhs => "Latin hypercube",
    };
    sayln!(
        "sweep {}: {} points ({design}) × {} replications, {} citizens, seed {}",
        sweep.name,
        report.points,
        sweep.replications(),
        sweep.base.population.size,
        sweep.base.meta.seed
    );
    let who = match o.shard {
        Some(s) => format!("shard {}/{}", s.index, s.count),
        None => "this run".into(),
    };
    sayln!(
        "{who}: {} points, ran {} ({} already done) in {elapsed:.1} s",
        report.mine,
        report.ran,
        report.already_done
    );
    match report.merged {
        Some(_) => sayln!("results in {} (points.csv, runs.csv, summary.csv)", out.display()),
        None => sayln!(
            "wrote {}; when every shard is done: reentry merge {}",
            report.part.display(),
            out.display()
        ),
    }
    Ok(())
}

fn merge(dir: &Path) -> Result<(), String> {
    let m = reentry::sweep::merge(dir)?;
    sayln!(
        "merged {} parts: {} points × {} replications into {} and {}",
        m.parts,
        m.points,
        m.replications,
        dir.join("runs.csv").display(),
        dir.join("summary.csv").display()
    );
    Ok(())
}

fn validate(files: &[PathBuf]) -> Result<(), String> {
    let mut failed = 0;
    for f in files {
        match Scenario::load(f) {
            Ok(sc) => sayln!(
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
