//! Engine throughput on the shipped fragmented scenario, in citizen-days per second
//! (criterion reports it as "elem/s"). One replication on one thread: the unit the
//! parallel runner multiplies by the number of cores. The cohort is scaled with its
//! capacities (`RawScenario::scale`, as `reentry run --scale`), from 1,000 to 100,000
//! citizens, so the table shows whether the cost per citizen-day stays flat; each size runs
//! with the daily engine (the reference) and the event engine (`scenario.engine = "events"`,
//! the default). A second group times the shipped run's simulation as `reentry run` does it:
//! 2,000 citizens × 20 replications on every core.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use reentry::engine::World;
use reentry::scenario::Scenario;
use reentry::scenario::raw::Engine;
use std::hint::black_box;
use std::path::Path;

fn fragmented(population: u32, engine: Engine) -> Scenario {
    let sc = Scenario::load(Path::new("scenarios/fragmented.toml")).expect("shipped scenario");
    let mut raw = sc.resolved.clone();
    raw.scale(population as f64 / raw.population.size as f64);
    raw.scenario.engine = engine;
    Scenario::from_raw(raw).expect("valid")
}

fn engine(c: &mut Criterion) {
    let mut group = c.benchmark_group("engine");
    group.sample_size(10);
    for population in [1_000u32, 10_000, 100_000] {
        for (engine, name) in [(Engine::Daily, "daily"), (Engine::Events, "events")] {
            let sc = fragmented(population, engine);
            let citizen_days = population as u64 * sc.meta.horizon_days as u64;
            group.throughput(Throughput::Elements(citizen_days));
            let id = format!("fragmented_{population}_citizens_one_replication_{name}");
            group.bench_function(id, |b| b.iter(|| black_box(World::new(&sc, 0).run())));
        }
    }
    group.finish();
}

fn shipped_run(c: &mut Criterion) {
    let mut group = c.benchmark_group("shipped_run");
    group.sample_size(10);
    for (engine, name) in [(Engine::Daily, "daily"), (Engine::Events, "events")] {
        let sc = fragmented(2_000, engine);
        let replications = sc.meta.replications;
        let citizen_days = 2_000 * sc.meta.horizon_days as u64 * replications as u64;
        group.throughput(Throughput::Elements(citizen_days));
        let id = format!("fragmented_{replications}_replications_all_cores_{name}");
        group.bench_function(id, |b| {
            b.iter(|| black_box(reentry::experiments::run_replications(&sc, replications)))
        });
    }
    group.finish();
}

criterion_group!(benches, engine, shipped_run);
criterion_main!(benches);
