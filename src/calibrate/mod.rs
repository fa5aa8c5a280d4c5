//! `reentry calibrate`: fits uncertain parameters ([`crate::uncertainty`] priors) to observed
//! statistics ([`targets`]) with ABC-SMC ([`abc`]), on the model as [`model`] runs it, and
//! writes the posterior, the fit of every target and a report ([`output`]).
//!
//! The work folder (`--out`) is shared like a sweep's ([`store`]): every batch of attempts
//! is saved atomically as it finishes, so an interrupted calibration continues with
//! `--resume`, and a batch can be split into Slurm array shards (`--shard I/N`) whose files
//! the next unsharded call picks up. Results depend on the scenario, priors, targets and
//! settings only: never on threads, shards, batches or interruptions.

pub mod abc;
pub mod model;
pub mod output;
pub mod store;
pub mod targets;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

use abc::{Generation, Particle};
use model::Model;
use store::{Attempt, Store};
pub use targets::Targets;

use crate::sweep::Shard;

/// The settings that shape the posterior (written into the work folder's manifest).
#[derive(Debug, Clone, PartialEq)]
pub struct Design {
    /// Particles per generation.
    pub particles: usize,
    /// Seed of the proposals (the scenario's own seed drives the simulations).
    pub seed: u64,
    /// The next tolerance is this quantile of the current distances.
    pub alpha: f64,
    /// Replications per particle.
    pub replications: u32,
    /// Share of the scenario's cohort simulated in generation 0; it doubles each generation
    /// until the whole cohort is simulated.
    pub first_scale: f64,
    /// Stop a particle's replications early once it is clearly out (see [`EARLY_FACTOR`]).
    pub early_rejection: bool,
}

/// When to stop; may change between resumed runs without invalidating the folder.
#[derive(Debug, Clone, PartialEq)]
pub struct Stopping {
    /// Stop once a generation's tolerance is at or below this distance.
    pub tolerance: f64,
    pub max_generations: u32,
    /// Stop before the total number of simulated replications passes this.
    pub budget: u64,
    /// Stop when fewer than this share of a generation's attempts are accepted.
    pub min_acceptance: f64,
}

/// How this process runs.
#[derive(Debug, Clone)]
pub struct Run {
    pub out: PathBuf,
    pub threads: usize,
    pub shard: Option<Shard>,
    pub resume: bool,
    pub force: bool,
    /// Show a progress bar on a terminal.
    pub progress: bool,
}

/// A particle is rejected after some of its replications when their running distance
/// exceeds this many times the tolerance. With two replications the first alone decides; a
/// particle that far out after one replication is very unlikely to come back within the
/// tolerance after the second (the rule can be switched off with `--no-early-rejection`).
pub const EARLY_FACTOR: f64 = 2.0;

/// Why the calibration stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    Tolerance,
    Generations,
    Budget,
    Acceptance,
    /// A shard did its share of the current batch; an unsharded call continues.
    ShardDone,
}

impl Stop {
    pub fn words(self) -> &'static str {
        match self {
            Stop::Tolerance => "the tolerance was reached",
            Stop::Generations => "the last generation was reached",
            Stop::Budget => "the simulation budget was spent",
            Stop::Acceptance => "the acceptance rate fell below the minimum",
            Stop::ShardDone => "this shard's share of the current batch is done",
        }
    }
}

/// What a calibration produced.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub generations: Vec<Generation>,
    pub stop: Stop,
    /// Every simulated replication, including attempts after a generation's last accepted one
    /// and those of an unfinished generation.
    pub simulations: u64,
    pub elapsed: Duration,
    /// Simulated this session (not read back from the folder).
    pub simulated_now: u64,
    pub results: Option<PathBuf>,
}

/// Everything one calibration needs.
pub struct Calibration {
    pub model: Model,
    pub targets: Targets,
    pub design: Design,
    pub stopping: Stopping,
    /// Observed values, standard errors and output indices of the fitted targets.
    observed: Vec<f64>,
    se: Vec<f64>,
    fitted_outputs: Vec<usize>,
}

impl Calibration {
    pub fn new(model: Model, targets: Targets, design: Design, stopping: Stopping) -> Calibration {
        let fitted: Vec<&targets::Target> = targets.fitted().collect();
        let observed = fitted.iter().map(|t| t.value).collect();
        let se = fitted.iter().map(|t| t.se()).collect();
        let fitted_outputs = fitted
            .iter()
            .map(|t| model.outputs.iter().position(|o| *o == t.output).unwrap_or(0))
            .collect();
        Calibration { model, targets, design, stopping, observed, se, fitted_outputs }
    }

    /// The share of the cohort simulated in generation `g`.
    pub fn scale(&self, g: u32) -> f64 {
        (self.design.first_scale * 2f64.powi(g.min(30) as i32)).min(1.0)
    }

    fn distance(&self, outputs: &[f64]) -> f64 {
        let simulated: Vec<f64> = self.fitted_outputs.iter().map(|&i| outputs[i]).collect();
        abc::distance(&simulated, &self.observed, &self.se)
    }

    /// Simulates attempt `k` of generation `g` (or rejects it without simulating).
    fn attempt(
        &self,
        g: u32,
        k: u64,
        previous: Option<(&Generation, &[f64])>,
        tolerance: f64,
        tick: &(dyn Fn() + Sync),
    ) -> Attempt {
        let outside = |values: Vec<f64>| Attempt::rejected(k, values);
        let Some(values) = abc::propose(&self.model.priors, self.design.seed, g, k, previous)
        else {
            return outside(Vec::new());
        };
        let origin = format!("calibration generation {g} attempt {k}");
        // A value the scenario refuses (beyond a key's valid range) is outside the model.
        let Ok(sc) = self.model.scenario(&values, self.scale(g), &origin) else {
            return outside(values);
        };
        let reps = self.model.replications;
        let mut sums = vec![0.0; self.model.outputs.len()];
        for r in 0..reps {
            let outputs = self.model.simulate(&sc, r);
            tick();
            for (s, x) in sums.iter_mut().zip(outputs) {
                *s += x;
            }
            let done = r + 1;
            let means: Vec<f64> = sums.iter().map(|s| s / done as f64).collect();
            let distance = self.distance(&means);
            let hopeless = self.design.early_rejection && distance > EARLY_FACTOR * tolerance;
            if done == reps || hopeless {
                return Attempt {
                    k,
                    values,
                    outputs: means,
                    distance,
                    simulations: done,
                    complete: done == reps,
                };
            }
        }
        outside(values)
    }

    /// Runs (or continues) the calibration in `run.out`.
    pub fn run(&self, run: &Run) -> Result<Outcome, String> {
        let started = Instant::now();
        let store =
            Store::open(&run.out, &self.manifest()?, run.shard.is_some(), run.resume, run.force)?;
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(run.threads)
            .build()
            .map_err(|e| format!("cannot start {} threads: {e}", run.threads))?;
        let bar = Bar::new(run.progress, self.stopping.budget);
        let mut generations = store.generations(&self.model.priors, self.model.outputs.len())?;
        let mut simulations = store.simulations()?;
        let mut simulated_now = 0u64;
        bar.set_position(simulations);
        let stop = loop {
            if let Some(stop) = self.should_stop(&generations) {
                break stop;
            }
            let g = generations.len() as u32;
            match self.generation(
                g,
                &generations,
                &store,
                run,
                &pool,
                &bar,
                &mut simulations,
                &mut simulated_now,
            )? {
                Some(generation) => {
                    store.save_generation(&generation, &self.model.priors)?;
                    generations.push(generation);
                }
                None if run.shard.is_some() => break Stop::ShardDone,
                None => break Stop::Budget,
            }
        };
        bar.finish();
        let mut outcome = Outcome {
            generations,
            stop,
            simulations,
            elapsed: started.elapsed(),
            simulated_now,
            results: None,
        };
        if run.shard.is_none() && !outcome.generations.is_empty() {
            outcome.results = Some(output::write(self, &outcome, &run.out)?);
        }
        Ok(outcome)
    }

    fn should_stop(&self, done: &[Generation]) -> Option<Stop> {
        let last = done.last()?;
        if last.index > 0 && last.tolerance <= self.stopping.tolerance {
            return Some(Stop::Tolerance);
        }
        if done.len() as u32 >= self.stopping.max_generations {
            return Some(Stop::Generations);
        }
        if last.index > 0 && last.acceptance_rate() < self.stopping.min_acceptance {
            return Some(Stop::Acceptance);
        }
        None
    }

    /// Runs generation `g` batch by batch until it has its particles. `None` when the
    /// budget ran out first, or (for a shard) when its share of the open batch is done.
    #[allow(clippy::too_many_arguments)]
    fn generation(
        &self,
        g: u32,
        done: &[Generation],
        store: &Store,
        run: &Run,
        pool: &rayon::ThreadPool,
        bar: &Bar,
        simulations: &mut u64,
        simulated_now: &mut u64,
    ) -> Result<Option<Generation>, String> {
        let previous = done.last();
        let tolerance = previous.map_or(f64::INFINITY, |p| p.next_tolerance(self.design.alpha));
        let sd = previous.map(|p| p.kernel_sd(&self.model.priors));
        let prev = previous.zip(sd.as_deref());
        let batch = self.design.particles as u64;
        let mut attempts: Vec<Attempt> =
            store.attempts(g, self.model.priors.len(), self.model.outputs.len())?;
        for b in 0.. {
            if let Some(generation) = self.accept(g, tolerance, &attempts, prev) {
                return Ok(Some(generation));
            }
            let range = b * batch..(b + 1) * batch;
            let have: std::collections::BTreeSet<u64> = attempts.iter().map(|a| a.k).collect();
            let mine: Vec<u64> = range
                .filter(|k| !have.contains(k))
                .filter(|k| run.shard.is_none_or(|s| s.owns(*k as usize)))
                .collect();
            if mine.is_empty() {
                if run.shard.is_some()
                    && have.range(b * batch..(b + 1) * batch).count() < batch as usize
                {
                    // Other shards still owe this batch: nothing more for this one to do.
                    return Ok(None);
                }
                continue;
            }
            if run.shard.is_none() && *simulations >= self.stopping.budget {
                return Ok(None);
            }
            bar.describe(g, tolerance, done.last().map(Generation::acceptance_rate));
            let tick = || bar.tick();
            let fresh: Vec<Attempt> = pool.install(|| {
                mine.par_iter()
                    .with_max_len(1)
                    .map(|&k| self.attempt(g, k, prev, tolerance, &tick))
                    .collect()
            });
            let spent: u64 = fresh.iter().map(|a| a.simulations as u64).sum();
            *simulations += spent;
            *simulated_now += spent;
            store.save_batch(g, b, run.shard, &fresh)?;
            attempts.extend(fresh);
            attempts.sort_by_key(|a| a.k);
            if run.shard.is_some() {
                return Ok(None);
            }
        }
        Ok(None)
    }

    /// The generation, if the attempts (in order of `k`, without gaps) accept enough.
    fn accept(
        &self,
        g: u32,
        tolerance: f64,
        attempts: &[Attempt],
        prev: Option<(&Generation, &[f64])>,
    ) -> Option<Generation> {
        let mut accepted: Vec<&Attempt> = Vec::new();
        let mut simulations = 0u64;
        for (expected, a) in attempts.iter().enumerate() {
            if a.k != expected as u64 {
                return None;
            }
            simulations += a.simulations as u64;
            if a.complete && a.distance <= tolerance {
                accepted.push(a);
            }
            if accepted.len() == self.design.particles {
                let values: Vec<Vec<f64>> = accepted.iter().map(|a| a.values.clone()).collect();
                let weights = abc::weights(&self.model.priors, &values, prev);
                let particles = accepted
                    .iter()
                    .zip(weights)
                    .map(|(a, weight)| Particle {
                        values: a.values.clone(),
                        weight,
                        distance: a.distance,
                        outputs: a.outputs.clone(),
                    })
                    .collect();
                return Some(Generation {
                    index: g,
                    tolerance,
                    scale: self.scale(g),
                    particles,
                    attempts: a.k + 1,
                    simulations,
                });
            }
        }
        None
    }

    /// The text that identifies this calibration: anything that changes the posterior.
    fn manifest(&self) -> Result<String, String> {
        let base = toml::to_string(&self.model.base.resolved)
            .map_err(|e| format!("cannot write the base scenario: {e}"))?;
        let d = &self.design;
        let mut text = format!(
            "# The calibration in this folder; a resumed run or a shard must match it.\n\
             particles = {}\nseed = {}\nalpha = {}\nreplications = {}\nfirst_scale = {}\n\
             early_rejection = {}\nhorizon_days = {}\n",
            d.particles,
            d.seed,
            d.alpha,
            self.model.replications,
            d.first_scale,
            d.early_rejection,
            self.model.horizon,
        );
        for p in &self.model.priors.priors {
            text.push_str(&format!(
                "prior = {:?}\n",
                format!("{} {} {}", p.path, p.distribution.describe(), p.whole_number)
            ));
        }
        for t in &self.targets.targets {
            text.push_str(&format!(
                "target = {:?}\n",
                format!("{} {} {} {} {}", t.name, t.output, t.value, t.se(), t.holdout)
            ));
        }
        text.push_str(&format!(
            "base_scenario_hash = \"{:016x}\"\n",
            crate::sweep::store::fnv1a(base.as_bytes())
        ));
        Ok(text)
    }
}

/// The progress bar: simulations against the budget, with the generation, its tolerance and
/// the last acceptance rate; silent off a terminal.
struct Bar(Option<ProgressBar>);

impl Bar {
    fn new(show: bool, budget: u64) -> Bar {
        if !show || !std::io::stderr().is_terminal() {
            return Bar(None);
        }
        let bar = ProgressBar::new(budget);
        let style = ProgressStyle::with_template(
            "[{elapsed_precise}] [{bar:20}] {pos}/{len} simulations, {per_sec} {wide_msg}",
        )
        .map(|s| s.progress_chars("=> "))
        .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        bar.enable_steady_tick(Duration::from_millis(250));
        Bar(Some(bar))
    }

    fn tick(&self) {
        if let Some(bar) = &self.0 {
            bar.inc(1);
        }
    }

    fn set_position(&self, n: u64) {
        if let Some(bar) = &self.0 {
            bar.set_position(n);
        }
    }

    fn describe(&self, g: u32, tolerance: f64, acceptance: Option<f64>) {
        if let Some(bar) = &self.0 {
            let accepted = acceptance
                .map_or(String::new(), |a| format!(", last acceptance {:.0}%", 100.0 * a));
            bar.set_message(format!("generation {g}, tolerance {tolerance:.3}{accepted}"));
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

/// The default work folder of a calibration.
pub fn default_out(scenario: &Path) -> PathBuf {
    let stem = scenario.file_stem().map_or("scenario".into(), |s| s.to_string_lossy().to_string());
    PathBuf::from("out").join(format!("calibrate-{stem}"))
}

/// What `reentry calibrate` was asked for.
#[derive(Debug, Clone)]
pub struct Request {
    pub scenario: PathBuf,
    pub targets: PathBuf,
    /// Default: the priors named in the targets file's `[calibration]` table.
    pub priors: Option<PathBuf>,
    pub fixed: Vec<crate::scenario::Override>,
    pub design: Design,
    pub stopping: Stopping,
}

/// Reads and checks everything before any simulation: targets, priors (against the
/// scenario), the scenario with its overrides, and the outputs the targets name.
pub fn prepare(request: &Request) -> Result<Calibration, String> {
    let targets = Targets::load(&request.targets)?;
    let priors_path = request.priors.clone().or_else(|| targets.priors.clone()).ok_or_else(|| {
        format!(
            "no priors: pass --priors FILE, or name one in {} as [calibration] priors = \"FILE\"",
            request.targets.display()
        )
    })?;
    let priors = crate::uncertainty::Priors::load(&priors_path)?;
    priors.check_against(&request.scenario)?;
    let model = Model::new(
        &request.scenario,
        &request.fixed,
        priors,
        targets.outputs(),
        request.design.replications,
    )?;
    Ok(Calibration::new(model, targets, request.design.clone(), request.stopping.clone()))
}

/// The closing lines on the terminal: each parameter's posterior against its old value,
/// the fit of every target (holdouts marked), and what it cost.
pub fn terminal_summary(cal: &Calibration, outcome: &Outcome) -> String {
    let mut s = String::new();
    let Some(last) = outcome.generations.last() else {
        return "no generation finished yet".into();
    };
    s.push_str(&format!(
        "{} generations of {} particles; stopped because {}; final tolerance {:.3}, cohort share {:.0}%\n",
        outcome.generations.len(),
        cal.design.particles,
        outcome.stop.words(),
        last.tolerance,
        100.0 * last.scale
    ));
    s.push_str(&format!(
        "{:<40} {:>12} {:>12}   {:<27} {:>6}\n",
        "parameter", "assumed", "posterior", "90% interval", "width"
    ));
    for p in output::summarise(cal, last) {
        s.push_str(&format!(
            "{:<40} {:>12.5} {:>12.5}   {:>12.5} to {:<12.5} {:>5.0}%\n",
            p.path,
            p.assumed,
            p.median,
            p.interval.0,
            p.interval.1,
            100.0 * p.width_ratio()
        ));
    }
    s.push_str(&format!(
        "{:<40} {:>12} {:>12}   {:<27}\n",
        "target", "observed", "simulated", "90% range over posterior"
    ));
    let w: Vec<f64> = last.particles.iter().map(|p| p.weight).collect();
    for t in &cal.targets.targets {
        let k = cal.model.outputs.iter().position(|o| *o == t.output).unwrap_or(0);
        let xs: Vec<f64> = last.particles.iter().map(|p| p.outputs[k]).collect();
        let q = |p: f64| output::weighted_quantile(&xs, &w, p);
        let name = if t.holdout { format!("{} (holdout)", t.name) } else { t.name.clone() };
        s.push_str(&format!(
            "{:<40} {:>12.4} {:>12.4}   {:>12.4} to {:<12.4}\n",
            name,
            t.value,
            q(0.5),
            q(0.05),
            q(0.95)
        ));
    }
    let secs = outcome.elapsed.as_secs_f64();
    s.push_str(&format!(
        "{} simulated replications in all ({} this run, {:.1} s, {:.1} per second)",
        outcome.simulations,
        outcome.simulated_now,
        secs,
        outcome.simulated_now as f64 / secs.max(1e-9)
    ));
    s
}
