//! The yardstick for the engine's speed (issue 19): the least work a daily-step hazard model
//! can do, written for this repository. Each citizen-day reads a 16-byte state, sums the log
//! hazard ratios of six yes/no risk factors from a table, draws six counter-based uniforms (as the engine does, via `rng::DayDraws`)
//! (reoffending, relapse, eviction, work, probation violation, asking for help) and updates
//! the state; replications run in parallel on rayon's pool (`RAYON_NUM_THREADS=1` for one
//! thread). It prints citizen-days per second, and is what `scripts/speed-ratio.sh` sets
//! `reentry run` against:
//!
//! `cargo run --release --example bare_loop -- CITIZENS DAYS REPLICATIONS`
//! (the shipped run's work: `2000 2190 20`).

use rayon::prelude::*;
use reentry::rng::{DayDraws, Purpose, citizen_key, uniform};
use std::time::Instant;

/// Risk flags, one bit each: active addiction, homeless, no income, problematic debt,
/// on probation, in care.
#[derive(Clone, Copy)]
struct Person {
    flags: u8,
    ln_frailty: f32,
    key: u64,
}

/// Log hazard ratios of the six flags, summed for every combination.
fn factor_sums() -> [f64; 64] {
    let ln = [0.4f64, 0.5, 0.3, 0.2, -0.1, -0.3];
    std::array::from_fn(|bits| (0..6).filter(|k| bits & (1 << k) != 0).map(|k| ln[k]).sum())
}

/// One replication; returns the offences, so the work cannot be optimised away.
fn replication(citizens: u32, days: u32, r: u32, sums: &[f64; 64]) -> u64 {
    let mut people: Vec<Person> = (0..citizens)
        .map(|i| {
            let key = citizen_key(7, r, i);
            let flags = (uniform(key, 0, Purpose::Population, 0) * 64.0) as u8;
            let ln_frailty = (uniform(key, 0, Purpose::Frailty, 0) - 0.5) as f32;
            Person { flags, ln_frailty, key }
        })
        .collect();
    let base = 1.0 / 1200.0;
    let mut offences = 0;
    for d in 0..days {
        // The half of each hash that depends on the day only is mixed once a day.
        let today = DayDraws::new(d);
        for p in &mut people {
            let h = base * (sums[p.flags as usize] + p.ln_frailty as f64).exp();
            let u = |purpose| today.uniform(p.key, purpose);
            let offend = u(Purpose::Reoffend) < h;
            offences += offend as u64;
            // Each draw toggles its flag with a small chance; an offence puts one on probation.
            let toggles = [
                (Purpose::Relapse, 0.002, 0),
                (Purpose::Eviction, 0.001, 1),
                (Purpose::JobFound, 0.003, 2),
                (Purpose::Violation, 0.001, 4),
                (Purpose::SelfReferral, 0.004, 5),
            ];
            for (purpose, chance, bit) in toggles {
                p.flags ^= ((u(purpose) < chance) as u8) << bit;
            }
            p.flags |= (offend as u8) << 4;
        }
    }
    offences
}

fn main() {
    let mut args = std::env::args().skip(1).map(|a| a.parse::<u32>());
    let mut next = |default: u32| args.next().and_then(Result::ok).unwrap_or(default);
    let (citizens, days, reps) = (next(2_000), next(2_190), next(20));
    let sums = factor_sums();
    let start = Instant::now();
    let offences: u64 =
        (0..reps).into_par_iter().map(|r| replication(citizens, days, r, &sums)).sum();
    let seconds = start.elapsed().as_secs_f64();
    let citizen_days = citizens as f64 * days as f64 * reps as f64;
    println!(
        "bare loop: {citizens} citizens x {days} days x {reps}: {seconds:.3} s, {:.1} M citizen-days/s ({offences} offences)",
        citizen_days / seconds / 1e6
    );
}
