//! Times one replication of the shipped fragmented scenario, scaled to N citizens with its
//! capacities, on one thread: `cargo run --release --example throughput -- N [REPS] [ENGINE]`
//! (ENGINE `daily`, the default, or `events`); a fourth argument names another scenario file.
//! A quick companion to `benches/engine.rs` for profiling (e.g. under `perf stat`).

use reentry::engine::World;
use reentry::scenario::Scenario;
use std::path::Path;
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let population: u32 = args.next().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let reps: u32 = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let engine = match args.next().as_deref() {
        Some("events") => reentry::scenario::raw::Engine::Events,
        _ => reentry::scenario::raw::Engine::Daily,
    };
    let path = args.next().unwrap_or_else(|| "scenarios/fragmented.toml".into());
    let sc = Scenario::load(Path::new(&path)).expect("a valid scenario");
    let mut raw = sc.resolved.clone();
    raw.scale(population as f64 / raw.population.size as f64);
    raw.scenario.engine = engine;
    let sc = Scenario::from_raw(raw).expect("valid");
    let citizen_days = population as f64 * sc.meta.horizon_days as f64 * reps as f64;
    let start = Instant::now();
    let mut offences = 0;
    let mut skipped = 0;
    let mut broken = 0;
    let (mut candidates, mut eventful) = (0, 0);
    for r in 0..reps {
        let mut world = World::new(&sc, r);
        world.run_to_horizon();
        let (days, _, bad) = world.event_counts().unwrap_or((0, 0, 0));
        (skipped, broken) = (skipped + days, broken + bad);
        let (c, e) = world.candidate_counts().unwrap_or((0, 0));
        (candidates, eventful) = (candidates + c, eventful + e);
        offences += world.finish().totals.offences;
    }
    let seconds = start.elapsed().as_secs_f64();
    println!(
        "{population} citizens x {reps} ({engine:?}): {seconds:.3} s, {:.2} M citizen-days/s ({offences} offences, {:.1}% of citizen-days skipped, {candidates} candidate days of which {eventful} with an event; {broken} windows that did not hold)",
        citizen_days / seconds / 1e6,
        100.0 * skipped as f64 / citizen_days
    );
}
