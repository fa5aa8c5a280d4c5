//! A full `reentry compare` of the shipped pair (fragmented vs through-care) at a reduced size
//! (500 citizens, 2 replications): load and align both scenarios, run both arms on common
//! random numbers, compute the paired differences and write every output file. Cheap enough
//! for `cargo bench --bench compare -- --test` as a CI smoke check of the whole pipeline.

use criterion::{Criterion, criterion_group, criterion_main};
use reentry::compare::{Arm, align, compare, write_compare};
use reentry::experiments::run_replications;
use reentry::output::outdir::OutputDir;
use reentry::scenario::{Override, Scenario};
use std::hint::black_box;
use std::path::Path;

const POPULATION: i64 = 500;
const REPLICATIONS: i64 = 2;

fn load(path: &str) -> Scenario {
    let small = [
        Override::new("population.size", POPULATION.into(), "bench").expect("path"),
        Override::new("scenario.replications", REPLICATIONS.into(), "bench").expect("path"),
    ];
    Scenario::load_with(Path::new(path), &small).expect("shipped scenario")
}

/// What `reentry compare` does after parsing its arguments, into a temporary folder.
fn full_compare(out: &Path) -> usize {
    let base = load("scenarios/fragmented.toml");
    let alt = align(&base, load("scenarios/through-care.toml"), "through-care").expect("aligned");
    let arms: Vec<Arm> = [base, alt]
        .into_iter()
        .map(|sc| {
            let reps = run_replications(&sc, sc.meta.replications);
            Arm::new(sc, reps)
        })
        .collect();
    let comparison = compare(&arms[0], &arms[1]).expect("comparable");
    let dir = OutputDir::prepare(out, true).expect("output folder");
    let comparisons = [comparison];
    dir.fill(|d| write_compare(d, &arms, &comparisons)).expect("written");
    comparisons[0].differences.len()
}

fn bench_compare(c: &mut Criterion) {
    let tmp = tempfile::tempdir().expect("temporary folder");
    let out = tmp.path().join("compare");
    let mut group = c.benchmark_group("compare");
    group.sample_size(10);
    group.bench_function("fragmented_vs_through_care_500_citizens_2_replications", |b| {
        b.iter(|| black_box(full_compare(&out)))
    });
    group.finish();
}

criterion_group!(benches, bench_compare);
criterion_main!(benches);
