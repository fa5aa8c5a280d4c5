//! The `reentry` command line: parse arguments, load and check scenarios, run, report.

use clap::{Args, Parser, Subcommand};
use reentry::compare::{Arm, write_compare};
use reentry::experiments::{run_showing_progress, summarise, with_threads};
use reentry::limits::{MAX_MESSAGE_LINE, cut_lines};
use reentry::output::lang::Lang;
use reentry::output::outdir::OutputDir;
use reentry::output::report::RunOutput;
use reentry::output::{write_outputs, write_report};
use reentry::pipeline::{Changes, PsaRequest, default_out, default_priors, sweep_overrides};
use reentry::scenario::{Adjustments, Override, Scenario};
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
    /// Replications per scenario (default: the scenario's); each has its own random streams,
    /// and the intervals are taken over them.
    #[arg(long)]
    replications: Option<u32>,
    /// Random seed (default: the scenario's); in `compare` and `levers` every scenario gets it.
    #[arg(long)]
    seed: Option<u64>,
    /// Worker threads (default: all cores; more than the cores are capped); results do not
    /// depend on it.
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// Override the cohort size (of every scenario). Capacities stay as they are, so more or
    /// fewer citizens share each place (said on the terminal and in the report); --scale
    /// changes both together.
    #[arg(long)]
    population: Option<u32>,
    /// Scale the region: multiply the cohort and every limited capacity (service places, case
    /// managers, Veiligheidshuis caseload) by this factor, e.g. --scale 15 turns the shipped
    /// 2,000-person cohort into a national one of 30,000 releases. In `compare` every scenario
    /// is scaled alike (see the resolved scenario files in the output folder).
    #[arg(long, value_parser = parse_scale)]
    scale: Option<f64>,
    /// Replace an existing output folder, but only one that reentry wrote (it holds
    /// reentry-folder.json), never `.`, `/`, the home folder, a mount point or a folder
    /// holding the current folder; the old folder is removed only after the new one is in.
    #[arg(long)]
    force: bool,
    /// Override one scenario value by dotted path, e.g. --set regime.warm_handover=0.8 or
    /// --set services.addiction_care.capacity=240 (repeatable; the value is TOML, text that is
    /// not TOML is a string). Applied to every scenario, checked like a value in the file, and
    /// written into the resolved scenario next to the results.
    #[arg(long = "set", value_name = "PATH=VALUE", value_parser = Override::parse_cli)]
    set: Vec<Override>,
}

/// The language of what a command writes for people to read.
#[derive(Args)]
struct LangOption {
    /// Language of report.html, the pictures and the terminal table: en (English, the default) or nl
    /// (Dutch: every label, and Dutch number format such as € 1.234,5). Recorded in the
    /// folder (report.json), so `reentry report` redraws in the same language.
    #[arg(long, value_name = "LANG", default_value = "en", value_parser = parse_lang)]
    lang: Lang,
}

fn parse_lang(text: &str) -> Result<Lang, String> {
    text.parse()
}

/// Options of `compare` for the probabilistic sensitivity analysis (PSA).
#[derive(Args)]
struct PsaOptions {
    /// Run a probabilistic sensitivity analysis with N parameter draws: each draw runs every
    /// regime on the same citizens with the same random numbers. Writes psa.json and tidy
    /// CSVs (psa_draws, psa_summary, benefit_cost, cash_flow, incremental, net_benefit, ceac,
    /// evpi, ce_plane) next to the base-case results.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(2..))]
    psa: Option<u32>,
    /// Draw the parameters from this priors file ([[prior]] tables; repeatable) [default:
    /// priors/netherlands.toml and priors/costs.toml, looked up in the current folder, then
    /// beside the baseline's folder].
    #[arg(long, value_name = "FILE", requires = "psa")]
    priors: Vec<PathBuf>,
    /// Resample the calibrated parameters from a calibration's posterior.csv (columns
    /// particle,weight,<dotted path>...); parameters it does not hold come from the priors.
    #[arg(long, value_name = "FILE", requires = "psa")]
    posterior: Option<PathBuf>,
    /// Replications per draw (at least 2, so that Monte Carlo noise can be told apart from
    /// parameter uncertainty).
    #[arg(long, value_name = "R", default_value_t = 2, requires = "psa",
          value_parser = clap::value_parser!(u32).range(2..))]
    psa_replications: u32,
    /// Citizens per draw: the region is scaled (cohort and capacities together) to this
    /// size [default: 500]. Fewer citizens make draws faster and noisier; the noise is
    /// reported.
    #[arg(long, value_name = "N", requires = "psa", value_parser = clap::value_parser!(u32).range(1..))]
    psa_population: Option<u32>,
    /// Effect measure of the decision outputs: reconvictions (avoided, per citizen),
    /// detention_days (avoided) or recovery_days (days in active addiction avoided).
    #[arg(long, default_value = "reconvictions", requires = "psa",
          value_parser = reentry::psa::Effect::parse)]
    effect: reentry::psa::Effect,
    /// Willingness to pay per unit of effect, in euros, for the net monetary benefit
    /// [default: 50000 per reconviction avoided, 300 per detention day, 100 per day in
    /// recovery; assumptions].
    #[arg(long, value_name = "EUROS", requires = "psa", value_parser = parse_wtp)]
    wtp: Option<f64>,
}

/// Output, threads and sharding of `sensitivity`.
#[derive(Args)]
struct SweepOptionsLite {
    /// Output folder (default: out/sensitivity-<scenarios>-<outcome>).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Worker threads (default: all cores); results do not depend on it.
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// Run only shard I of N of the design (0-based).
    #[arg(long, value_name = "I/N", value_parser = Shard::parse)]
    shard: Option<Shard>,
    /// Continue an interrupted run: only design points without a result run.
    #[arg(long, conflicts_with = "force")]
    resume: bool,
    /// Start over.
    #[arg(long)]
    force: bool,
    /// Override one scenario value by dotted path, e.g. --set regime.warm_handover=0.8
    /// (repeatable; as in `run`), applied to every scenario before anything else.
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
    /// Start over: a whole sweep replaces its output folder (only one reentry wrote); a shard
    /// redoes only its points.
    #[arg(long)]
    force: bool,
    /// Override the sweep's replications.
    #[arg(long)]
    replications: Option<u32>,
    /// Override the sweep's cohort size (capacities stay as they are).
    #[arg(long)]
    population: Option<u32>,
    /// Scale the base scenario's region: its cohort (after --population) and every limited
    /// capacity, as in `run`. Refused when the sweep varies one of these values.
    #[arg(long, value_parser = parse_scale)]
    scale: Option<f64>,
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
    /// Stop once this many simulated replications are used; checked after each batch, so a
    /// run can go up to one batch over (resumable with a larger budget).
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
        /// The scenario file (TOML), e.g. scenarios/fragmented.toml.
        scenario: PathBuf,
        #[command(flatten)]
        options: RunOptions,
        #[command(flatten)]
        lang: LangOption,
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
        /// The baseline scenario file: differences are alternative − baseline.
        baseline: PathBuf,
        /// One or more alternative scenario files.
        #[arg(required = true)]
        alternatives: Vec<PathBuf>,
        #[command(flatten)]
        options: RunOptions,
        #[command(flatten)]
        psa: PsaOptions,
        #[command(flatten)]
        lang: LangOption,
    },
    /// Split the difference between two scenarios into its levers.
    ///
    /// Finds every key whose resolved value differs between BASELINE and ALTERNATIVE, then runs
    /// the baseline with each lever alone (its effect alone) and the alternative without each
    /// lever (its effect last, given the others), all on common random numbers with the
    /// baseline's seed, replications and cohort. Writes levers.csv (tidy: lever, design,
    /// indicator, effect and 95% paired interval), levers.md (the table printed) and both
    /// resolved scenarios. Indicators: 2-year reconviction and societal cost per citizen.
    Levers {
        /// The baseline scenario file.
        baseline: PathBuf,
        /// The alternative scenario file whose difference is split into levers.
        alternative: PathBuf,
        #[command(flatten)]
        options: RunOptions,
    },
    /// Run a base scenario over a design of parameter values (grid or Latin hypercube).
    ///
    /// SWEEP.toml names the base scenario and the dotted paths to vary; every point uses the
    /// same seed (common random numbers). Writes points.csv, runs.csv (one row per point and
    /// replication) and summary.csv (mean and 95% interval per point and indicator), and draws
    /// each key indicator against each swept parameter (plots/sweep_*.png|svg) with a table of
    /// the points in report.html. With --shard I/N only points p with p mod N = I run, into a
    /// folder shared by all shards; combine them (and draw the report) with `reentry merge DIR`.
    Sweep {
        /// The sweep file (TOML), e.g. sweeps/example.toml.
        sweep: PathBuf,
        #[command(flatten)]
        options: SweepOptions,
        #[command(flatten)]
        lang: LangOption,
    },
    /// Which assumptions matter: a one-way tornado, Morris elementary effects and break-even
    /// thresholds over the uncertain parameters of the priors.
    ///
    /// With one scenario the outcome is taken as it is; with a baseline and an alternative it
    /// is the difference alternative − baseline (for a cost: negative = that payer gains). The
    /// tornado moves each parameter from its 2.5% to its 97.5% quantile with the others at their
    /// median; Morris follows --trajectories random one-at-a-time paths over four levels of
    /// each prior, with 95% bootstrap intervals on μ*. Besides --outcome, 2-year reconviction
    /// and every payer's cost are always analysed. The design runs as a sweep (design-K.toml,
    /// design-K/) that --shard I/N splits; run again without --shard (with --resume) when all
    /// shards are done. Writes tornado.csv, indices.csv, thresholds.csv, tornado.png|svg.
    Sensitivity {
        /// One scenario (its outcome as it is), or a baseline and an alternative (the
        /// difference, alternative − baseline).
        #[arg(required = true, num_args = 1..=2)]
        scenarios: Vec<PathBuf>,
        /// The outcome to rank parameters by: an indicator name, e.g. reconviction_2y,
        /// cost_justice, cost_societal, detention_days.
        #[arg(long)]
        outcome: String,
        /// Priors files (repeatable) [default: priors/netherlands.toml and priors/costs.toml].
        #[arg(long, value_name = "FILE")]
        priors: Vec<PathBuf>,
        /// Morris trajectories (0 = tornado and thresholds only).
        #[arg(long, default_value_t = 10)]
        trajectories: u32,
        /// Replications per design point.
        #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..))]
        replications: u32,
        /// Citizens per design point: the region is scaled to this size, cohort and capacities
        /// together (as --scale).
        #[arg(long)]
        population: Option<u32>,
        #[command(flatten)]
        options: SweepOptionsLite,
    },
    /// Combine the part files of a sharded sweep into runs.csv and summary.csv, and draw the
    /// sweep's pictures (plots/sweep_*.png|svg) and report.html.
    Merge {
        /// The sweep's output folder, holding parts/part-I-of-N.csv of every shard.
        dir: PathBuf,
        /// Language of the sweep's pictures and report.html: en or nl [default: the folder's,
        /// recorded in its report.json; English for folders without one].
        #[arg(long, value_name = "LANG", value_parser = parse_lang)]
        lang: Option<Lang>,
    },
    /// Redraw plots/*.png|svg and report.html from the files of an existing output folder,
    /// after checking them against the hashes in its reentry-folder.json.
    Report {
        /// An output folder written by `run` or `compare`, or a (merged) sweep folder.
        folder: PathBuf,
        /// Language of the report: en or nl [default: the folder's, recorded in its
        /// report.json; English for folders without one].
        #[arg(long, value_name = "LANG", value_parser = parse_lang)]
        lang: Option<Lang>,
    },
    /// Tell one citizen's life story (or a few), under one or more scenarios side by side.
    ///
    /// Prints a dated timeline — detention, release, referrals, waits, services started and
    /// dropped, relapses, offences and costs — and writes story.txt, timeline.svg and
    /// timeline.png. With several scenarios, every one after the first is aligned with it as
    /// in `compare` (same seed and cohort): the same person with the same luck.
    Trace {
        /// One or more scenario files; the first sets the seed and cohort for the others.
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
        /// Random seed (default: the first scenario's).
        #[arg(long)]
        seed: Option<u64>,
        /// Override the cohort size (capacities stay as they are).
        #[arg(long)]
        population: Option<u32>,
        /// Scale the region of every scenario: cohort and every limited capacity (as in `run`).
        #[arg(long, value_parser = parse_scale)]
        scale: Option<f64>,
        /// Output folder (default: out/trace-<scenarios>-<citizens>).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Replace an existing output folder (only one that reentry wrote).
        #[arg(long)]
        force: bool,
        /// Override one scenario value by dotted path, e.g. --set regime.warm_handover=0.8
        /// (repeatable; as in `run`), applied to every scenario before anything else.
        #[arg(long = "set", value_name = "PATH=VALUE", value_parser = Override::parse_cli)]
        set: Vec<Override>,
        #[command(flatten)]
        lang: LangOption,
    },
    /// Build the classroom page: one offline HTML file where students pull levers and watch
    /// citizens move.
    ///
    /// LESSON.toml names two regimes and a few levers, each with a handful of values; every
    /// combination is simulated (a small sweep) and written, with a sample of citizens to
    /// watch and their life stories, into one self-contained HTML file (no internet needed:
    /// e-mail it or put it on a USB stick). See docs/classroom.md.
    Classroom {
        /// The lesson file (default: lessons/through-care.toml).
        lesson: Option<PathBuf>,
        /// The page to write (default: out/classroom-<lesson name>.html).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Replace an existing page.
        #[arg(long)]
        force: bool,
        /// Worker threads (default: all cores); results do not depend on it.
        #[arg(long, default_value_t = 0)]
        threads: usize,
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
        /// The scenario whose uncertain parameters are fitted (e.g. scenarios/fragmented.toml).
        scenario: PathBuf,
        #[command(flatten)]
        options: CalibrateOptions,
    },
    /// Check scenario and sweep files without running them: every problem of a file at once.
    Validate {
        /// Scenario or sweep files (TOML); each is checked on its own.
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
        Command::Run { scenario, options, lang } => run(&scenario, &options, lang.lang),
        Command::Compare { baseline, alternatives, options, psa, lang } => {
            compare(&baseline, &alternatives, &options, &psa, lang.lang)
        }
        Command::Levers { baseline, alternative, options } => {
            levers(&baseline, &alternative, &options)
        }
        Command::Sweep { sweep, options, lang } => run_sweep(&sweep, &options, lang.lang),
        Command::Merge { dir, lang } => merge(&dir, lang),
        Command::Sensitivity {
            scenarios,
            outcome,
            priors,
            trajectories,
            replications,
            population,
            options,
        } => sensitivity(
            &scenarios,
            outcome,
            &priors,
            trajectories,
            replications,
            population,
            &options,
        ),
        Command::Calibrate { scenario, options } => calibrate(&scenario, &options),
        Command::Validate { files } => validate(&files),
        Command::Report { folder, lang } => report(&folder, lang),
        Command::Classroom { lesson, out, force, threads } => {
            classroom(lesson.as_deref(), out.as_deref(), force, threads)
        }
        Command::Trace {
            scenarios,
            citizen,
            sample,
            replication,
            seed,
            population,
            scale,
            out,
            force,
            set,
            lang,
        } => {
            let options = RunOptions {
                out,
                replications: None,
                seed,
                threads: 0,
                population,
                scale,
                force,
                set,
            };
            trace(&scenarios, citizen, sample, replication, &options, lang.lang)
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            // One huge value (a path, a pasted line) must not flood the screen.
            eprintln!("{}", cut_lines(&message, MAX_MESSAGE_LINE));
            ExitCode::FAILURE
        }
    }
}

/// A scale factor: positive and finite.
fn parse_scale(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(x) if x.is_finite() && x > 0.0 && x <= 10_000.0 => Ok(x),
        _ => Err(format!("`{text}` is not a scale factor; allowed: a number above 0, up to 10000")),
    }
}

impl RunOptions {
    /// What the options change in every scenario of the command: one route for `--set` and
    /// the adjustments ([`Changes`]).
    fn changes(&self) -> Changes {
        let adjustments = Adjustments {
            scale: self.scale,
            population: self.population,
            replications: self.replications,
            seed: self.seed,
        };
        Changes { set: self.set.clone(), adjustments }
    }
}

/// Says on the terminal when the command line changed the cohort but not the capacities
/// (after the results are written, so a reader that stops early loses nothing).
fn say_cohort_note(sc: &Scenario) {
    if let Some(note) = &sc.cohort_note {
        sayln!("note: {note}\n");
    }
}

fn run(path: &Path, o: &RunOptions, lang: Lang) -> Result<(), String> {
    let sc = o.changes().load(path)?;
    let target = o.out.clone().unwrap_or_else(|| default_out::run(&sc));
    let dir = OutputDir::prepare(&target, o.force)?;
    let threads = reentry::limits::threads(o.threads);
    let started = std::time::Instant::now();
    // The summary and the files are made in parallel too, on the same number of threads.
    let (written, (summary, reps, elapsed)) = with_threads(threads, || {
        dir.fill(|dir| {
            let reps = run_showing_progress(&sc, sc.meta.replications, &sc.meta.name);
            let elapsed = started.elapsed().as_secs_f64();
            let summary = summarise(&sc, &reps);
            let runs = [RunOutput { scenario: &sc, replications: &reps, summary: &summary }];
            write_outputs(dir, &runs)?;
            write_report(dir, lang)?;
            Ok((summary, reps, elapsed))
        })
    })??;
    let run = RunOutput { scenario: &sc, replications: &reps, summary: &summary };
    say!("{}", reentry::output::terminal::summary(&run, lang));
    say_cohort_note(&sc);
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

/// A willingness to pay: a finite number of euros, 0 or more.
fn parse_wtp(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(x) if x.is_finite() && x >= 0.0 => Ok(x),
        _ => Err(format!("`{text}` is not a willingness to pay; allowed: euros, 0 or more")),
    }
}

fn compare(
    baseline: &Path,
    alternatives: &[PathBuf],
    o: &RunOptions,
    psa: &PsaOptions,
    lang: Lang,
) -> Result<(), String> {
    let scenarios = o.changes().load_arms(baseline, alternatives)?;
    let target = o.out.clone().unwrap_or_else(|| default_out::compare(&scenarios));
    let plan = psa.psa.map(|n| psa.request(n, o.threads).plan(baseline, &scenarios)).transpose()?;
    let dir = OutputDir::prepare(&target, o.force)?;
    let threads = reentry::limits::threads(o.threads);
    let started = std::time::Instant::now();
    // The files are written in parallel too, on the same number of threads.
    let (written, (arms, comparisons, elapsed, psa_report)) = with_threads(threads, || {
        dir.fill(|dir| {
            let arms = scenarios
                .into_iter()
                .map(|sc| {
                    let reps = run_showing_progress(&sc, sc.meta.replications, &sc.meta.name);
                    Arm::new(sc, reps)
                })
                .collect::<Vec<_>>();
            let comparisons = arms[1..]
                .iter()
                .map(|alt| reentry::compare::compare(&arms[0], alt))
                .collect::<Result<Vec<_>, String>>()?;
            write_compare(dir, &arms, &comparisons)?;
            let psa_report = match &plan {
                Some((params, settings)) => {
                    let aligned: Vec<Scenario> = arms.iter().map(|a| a.scenario.clone()).collect();
                    let draws = reentry::psa::run(&aligned, params, settings)?;
                    let report = reentry::psa::analyse(&aligned, params, settings, &draws);
                    reentry::psa::write_psa(dir, &report, params, &draws)?;
                    Some(report)
                }
                None => None,
            };
            let elapsed = started.elapsed().as_secs_f64();
            write_report(dir, lang)?;
            Ok((arms, comparisons, elapsed, psa_report))
        })
    })??;
    for c in &comparisons {
        sayln!("{}", reentry::output::terminal::comparison(&arms[0], c, lang));
    }
    say_cohort_note(&arms[0].scenario);
    if let Some(report) = &psa_report {
        sayln!("{}", reentry::psa::terminal(report));
    }
    sayln!("{elapsed:.1} s; results in {}", written.display());
    sayln!("report (opens offline in any browser): {}", written.join("report.html").display());
    Ok(())
}

fn levers(baseline: &Path, alternative: &Path, o: &RunOptions) -> Result<(), String> {
    let paths = [baseline.to_path_buf(), alternative.to_path_buf()];
    let arms = o.changes().load_aligned(&paths, |k, path| match k {
        0 => format!("baseline {}", path.display()),
        _ => format!("alternative {}", path.display()),
    })?;
    let [base, alt] = <[Scenario; 2]>::try_from(arms).map_err(|_| "two scenarios".to_string())?;
    let target = o.out.clone().unwrap_or_else(|| default_out::levers(&base, &alt));
    let dir = OutputDir::prepare(&target, o.force)?;
    let (written, d) = dir.fill(|dir| {
        let d = reentry::levers::decompose(&base, &alt, o.threads)?;
        reentry::levers::write_levers(dir, &d, &base, &alt)?;
        Ok(d)
    })?;
    sayln!("{}", d.table());
    say_cohort_note(&base);
    sayln!(
        "alone = the baseline with only this lever changed; last = the alternative with only \
         this lever set back; all = the whole difference. Paired 95% intervals."
    );
    sayln!("results in {}", written.display());
    Ok(())
}

impl PsaOptions {
    /// What the options ask of a PSA of `draws` draws.
    fn request(&self, draws: u32, threads: usize) -> PsaRequest {
        PsaRequest {
            draws,
            priors: self.priors.clone(),
            posterior: self.posterior.clone(),
            replications: self.psa_replications,
            citizens: self.psa_population,
            effect: self.effect,
            wtp: self.wtp,
            threads: reentry::limits::threads(threads),
        }
    }
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
        None => Changes { set: o.set.clone(), ..Changes::default() }.load(scenario)?.meta.seed,
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
        threads: reentry::limits::threads(o.threads),
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

/// Regenerates the report files in place ([`reentry::output::rewrite_report`]), in `lang` or
/// else the language the folder was written in.
fn report(folder: &Path, lang: Option<Lang>) -> Result<(), String> {
    let written = reentry::output::rewrite_report(folder, lang)?;
    sayln!("{written} files written; open {}", folder.join("report.html").display());
    Ok(())
}

fn trace(
    paths: &[PathBuf],
    citizen: Option<u32>,
    sample: Option<u32>,
    replication: u32,
    o: &RunOptions,
    lang: Lang,
) -> Result<(), String> {
    use reentry::pipeline::{follow, trace_citizens, write_trace};
    let scenarios = o.changes().load_aligned(paths, |k, path| match k {
        0 => path.display().to_string(),
        _ => format!("scenario {}", path.display()),
    })?;
    let note = scenarios[0].cohort_note.clone();
    let citizens = trace_citizens(&scenarios[0], citizen, sample)?;
    let target =
        o.out.clone().unwrap_or_else(|| default_out::trace(&scenarios, citizen, citizens.len()));
    // Checked before simulating: a refused folder costs the user no waiting.
    let dir = OutputDir::prepare(&target, o.force)?;
    let (stories, text) = follow(&scenarios, &citizens, replication)?;
    let (written, ()) = dir.fill(|dir| write_trace(dir, &stories, &text, lang))?;
    say!("{text}");
    if let Some(note) = note {
        sayln!("note: {note}\n");
    }
    sayln!("timeline picture and story in {}", written.display());
    Ok(())
}

fn run_sweep(path: &Path, o: &SweepOptions, lang: Lang) -> Result<(), String> {
    let overrides = sweep_overrides(o.replications, o.population, o.seed, &o.set)?;
    let sweep = Sweep::load(path, &overrides, o.scale)?;
    let out = o.out.clone().unwrap_or_else(|| default_out::sweep(&sweep.name));
    let settings = RunSettings {
        out: out.clone(),
        threads: reentry::limits::threads(o.threads),
        shard: o.shard,
        resume: o.resume,
        force: o.force,
        report: Some(lang),
    };
    if let (Some(n), None) = (o.population, o.scale) {
        sayln!(
            "note: --population {n} leaves every capacity of the base scenario as it is, so the \
             number of citizens per place changes (and with it waiting); --scale changes both"
        );
    }
    let started = std::time::Instant::now();
    let report = reentry::sweep::run(&sweep, &settings)?;
    let elapsed = started.elapsed().as_secs_f64();
    let design = match sweep.resolved.sweep.design {
        reentry::sweep::Design::Grid => "grid",
        reentry::sweep::Design::Lhs => "Latin hypercube",
        reentry::sweep::Design::List => "list of points",
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
        Some(_) => sayln!(
            "results in {} (points.csv, runs.csv, summary.csv); report: {}",
            out.display(),
            out.join("report.html").display()
        ),
        None => sayln!(
            "wrote {}; when every shard is done: reentry merge {}",
            report.part.display(),
            out.display()
        ),
    }
    Ok(())
}

fn classroom(
    lesson: Option<&Path>,
    out: Option<&Path>,
    force: bool,
    threads: usize,
) -> Result<(), String> {
    let lesson = lesson.unwrap_or(Path::new(reentry::classroom::DEFAULT_LESSON));
    if !lesson.exists() {
        return Err(format!(
            "lesson file {} not found; name one (reentry classroom LESSON.toml) or run from the \
             reentry folder, where {} is",
            lesson.display(),
            reentry::classroom::DEFAULT_LESSON
        ));
    }
    let built = reentry::classroom::build(lesson, out, force, reentry::limits::threads(threads))?;
    sayln!(
        "{} lever settings ({} runs) in {:.1} s; page of {:.1} MB: {}",
        built.points,
        built.runs,
        built.seconds,
        built.bytes as f64 / 1e6,
        built.path.display()
    );
    sayln!("open it in any browser (no internet needed), or send the file to students");
    Ok(())
}

fn sensitivity(
    scenarios: &[PathBuf],
    outcome: String,
    priors: &[PathBuf],
    trajectories: u32,
    replications: u32,
    population: Option<u32>,
    o: &SweepOptionsLite,
) -> Result<(), String> {
    let files = if priors.is_empty() { default_priors(&scenarios[0]) } else { priors.to_vec() };
    if files.is_empty() {
        return Err("give the priors with --priors FILE (priors/netherlands.toml not found)".into());
    }
    let priors = reentry::psa::load_priors(&files)?;
    let out = o.out.clone().unwrap_or_else(|| default_out::sensitivity(scenarios, &outcome));
    let settings = reentry::sensitivity::Settings {
        scenarios: scenarios.to_vec(),
        outcome,
        priors,
        trajectories,
        replications,
        population,
        set: o.set.clone(),
        out: out.clone(),
        threads: reentry::limits::threads(o.threads),
        shard: o.shard,
        resume: o.resume,
        force: o.force,
    };
    let started = std::time::Instant::now();
    match reentry::sensitivity::run(&settings)? {
        Some(results) => {
            say!("{}", reentry::sensitivity::terminal(&results));
            sayln!(
                "{:.1} s; tornado.csv, indices.csv, thresholds.csv and tornado.png|svg in {}",
                started.elapsed().as_secs_f64(),
                out.display()
            );
        }
        None => sayln!(
            "shard done in {:.1} s; when every shard is done, run the same command without \
             --shard and with --resume to analyse",
            started.elapsed().as_secs_f64()
        ),
    }
    Ok(())
}

fn merge(dir: &Path, lang: Option<Lang>) -> Result<(), String> {
    let lang = lang.or(reentry::output::html::folder_lang(dir)?).unwrap_or_default();
    let m = reentry::sweep::merge(dir, lang)?;
    sayln!(
        "merged {} parts: {} points × {} replications into {} and {}; report: {}",
        m.parts,
        m.points,
        m.replications,
        dir.join("runs.csv").display(),
        dir.join("summary.csv").display(),
        dir.join("report.html").display()
    );
    Ok(())
}

fn validate(files: &[PathBuf]) -> Result<(), String> {
    let mut failed = 0;
    for f in files {
        match validate_one(f) {
            Ok(line) => sayln!("ok: {} ({line})", f.display()),
            Err(e) => {
                failed += 1;
                eprintln!("{}\n", cut_lines(&e, MAX_MESSAGE_LINE));
            }
        }
    }
    if failed > 0 { Err(format!("{failed} of {} files have errors", files.len())) } else { Ok(()) }
}

/// Checks one scenario or sweep file (a sweep file has a `[sweep]` table); the summary line.
fn validate_one(path: &Path) -> Result<String, String> {
    if Sweep::is_sweep_file(path) {
        let sweep = Sweep::load(path, &[], None)?;
        return Ok(format!(
            "sweep {}; {} points of base scenario {}",
            sweep.name,
            sweep.points.len(),
            sweep.base.meta.name
        ));
    }
    let sc = Scenario::load(path).map_err(|e| e.to_string())?;
    Ok(format!(
        "{}; {} services, {} citizens, {} days",
        sc.meta.name,
        sc.services.len(),
        sc.population.size,
        sc.meta.horizon_days
    ))
}
