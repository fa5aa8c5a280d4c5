//! Runs a lesson's grid: every distinct run's replications in parallel, and in replication 0
//! the watched citizens followed day by day (where they are, and their life story as `trace`
//! tells it). Following them does not change what happens: the world is stepped exactly as
//! [`World::run`] steps it.

use rayon::prelude::*;

use super::lesson::Lesson;
use crate::engine::World;
use crate::experiments::{km, summarise};
use crate::outcomes::{Event, ReplicationResult};
use crate::population::{Housing, Place};
use crate::scenario::{Domain, Scenario};
use crate::services::Status;
use crate::trace::{Snapshot, describe_day, profile, programme_labels, sample_citizens};

/// Where a watched citizen is on a day; the page draws one box per place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Spot {
    Prison = 0,
    Street = 1,
    Shelter = 2,
    Supported = 3,
    OwnHome = 4,
    Care = 5,
}

/// Boxes of the page, in code order: (key, what students read).
pub const SPOTS: [(&str, &str); 6] = [
    ("prison", "prison"),
    ("street", "street"),
    ("shelter", "night shelter"),
    ("supported", "supported housing"),
    ("home", "own home"),
    ("care", "in care"),
];

/// The indicators the page shows, by their `summary.csv` names.
pub const SHOWN: [&str; 11] = [
    "reconviction_1y",
    "reconviction_2y",
    "reconviction_5y",
    "days_homeless",
    "days_without_income",
    "days_active_addiction",
    "cost_justice",
    "cost_municipality",
    "cost_health",
    "cost_victims_society",
    "cost_societal",
];

/// Days since release at which the reconviction curve is drawn.
pub const CURVE_STEP_DAYS: u32 = 30;

/// One watched citizen in one run.
#[derive(Debug, Clone, PartialEq)]
pub struct Watched {
    pub citizen: u32,
    pub profile: String,
    /// Run-length encoded places: (spot, days), covering the horizon.
    pub spots: Vec<(Spot, u32)>,
    /// (day, what happened), in day order.
    pub events: Vec<(u32, String)>,
    /// Offences, convictions, detention days after release, days homeless, days without
    /// income, days in active addiction at the horizon.
    pub end: [u32; 6],
}

/// What the page needs of one run.
#[derive(Debug, Clone, PartialEq)]
pub struct RunResult {
    /// Means over replications of [`SHOWN`] (`None` where the horizon is too short).
    pub numbers: Vec<Option<f64>>,
    /// Mean reconviction incidence at 0, 30, 60, ... days since release.
    pub curve: Vec<f64>,
    pub watched: Vec<Watched>,
}

/// Runs every run of the lesson on a pool of `threads` threads (0 = all cores).
pub fn run_lesson(lesson: &Lesson, threads: usize) -> Result<Vec<RunResult>, String> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| format!("cannot start {threads} threads: {e}"))?;
    let tasks: Vec<(usize, u32)> = lesson
        .runs
        .iter()
        .enumerate()
        .flat_map(|(k, run)| (0..run.scenario.meta.replications).map(move |r| (k, r)))
        .collect();
    let progress = crate::progress::Progress::new(tasks.len() as u64, "classroom");
    let done: Vec<(ReplicationResult, Vec<Watched>)> = pool.install(|| {
        tasks
            .par_iter()
            .with_max_len(1)
            .map(|&(k, r)| {
                let sc = &lesson.runs[k].scenario;
                let out = if r == 0 {
                    // The stories are told by the daily engine (see `follow`); under another
                    // engine the replication's numbers come from its own run.
                    let (result, watched) = follow(sc, &sample_citizens(sc, lesson.watch));
                    match sc.meta.engine {
                        crate::scenario::raw::Engine::Daily => (result, watched),
                        _ => (World::new(sc, r).run(), watched),
                    }
                } else {
                    (World::new(sc, r).run(), Vec::new())
                };
                progress.tick();
                out
            })
            .collect()
    });
    progress.finish();
    let mut done = done.into_iter();
    Ok(lesson
        .runs
        .iter()
        .map(|run| {
            let n = run.scenario.meta.replications as usize;
            let mut reps = Vec::with_capacity(n);
            let mut watched = Vec::new();
            for (rep, w) in done.by_ref().take(n) {
                if reps.is_empty() {
                    watched = w;
                }
                reps.push(rep);
            }
            result_of(&run.scenario, &reps, watched)
        })
        .collect())
}

/// The page's numbers for one run: exactly the means `run` and `compare` report.
pub fn result_of(sc: &Scenario, reps: &[ReplicationResult], watched: Vec<Watched>) -> RunResult {
    let summary = summarise(sc, reps);
    let numbers = SHOWN.iter().map(|name| summary.get(name).map(|e| e.mean)).collect();
    RunResult { numbers, curve: reconviction_curve(sc, reps), watched }
}

/// Mean over replications of the Kaplan–Meier reconviction incidence, every
/// [`CURVE_STEP_DAYS`] days up to five years (or the horizon).
pub fn reconviction_curve(sc: &Scenario, reps: &[ReplicationResult]) -> Vec<f64> {
    let last = sc.meta.horizon_days.min(5 * 365);
    let curves: Vec<_> = reps.iter().map(|r| km(r, Event::Reconviction)).collect();
    (0..=last / CURVE_STEP_DAYS)
        .map(|k| {
            let day = k * CURVE_STEP_DAYS;
            let sum: f64 = curves.iter().map(|c| c.incidence_at(day)).sum();
            sum / curves.len().max(1) as f64
        })
        .collect()
}

/// Replication 0 of `sc`, stepped day by day with the daily engine (whatever the scenario's:
/// stories follow their people every day) while `citizens` are followed.
pub fn follow(sc: &Scenario, citizens: &[u32]) -> (ReplicationResult, Vec<Watched>) {
    let labels = programme_labels(sc);
    let mut world = World::new(sc, 0);
    let care: Vec<usize> = sc
        .services
        .iter()
        .enumerate()
        .filter(|(_, s)| matches!(s.domain(), Domain::Addiction | Domain::Psychiatric))
        .map(|(k, _)| k)
        .collect();
    let mut watched: Vec<Watched> = citizens
        .iter()
        .map(|&c| Watched {
            citizen: c,
            profile: profile(sc, &world.citizens[c as usize]),
            spots: Vec::new(),
            events: Vec::new(),
            end: [0; 6],
        })
        .collect();
    let mut before: Vec<Snapshot> =
        citizens.iter().map(|&c| Snapshot::of(&world, c as usize)).collect();
    while (world.day as u32) < sc.meta.horizon_days {
        let d = world.day as u32;
        world.step();
        for (k, w) in watched.iter_mut().enumerate() {
            let i = w.citizen as usize;
            let after = Snapshot::of(&world, i);
            w.events.extend(
                describe_day(sc, &labels, d, &before[k], &after).into_iter().map(|t| (d, t)),
            );
            let spot = spot_of(&world, i, &care);
            match w.spots.last_mut() {
                Some((s, n)) if *s == spot => *n += 1,
                _ => w.spots.push((spot, 1)),
            }
            before[k] = after;
        }
    }
    for w in &mut watched {
        let k = &world.citizens[w.citizen as usize].counters;
        w.end = [
            k.offences.into(),
            k.convictions.into(),
            k.detention_days_after_release.into(),
            k.days_homeless.into(),
            k.days_without_income.into(),
            k.days_active_addiction.into(),
        ];
    }
    (world.finish(), watched)
}

/// Prison first; then care (a programme of addiction or mental-health care running); then
/// where the person sleeps.
fn spot_of(world: &World, i: usize, care: &[usize]) -> Spot {
    let c = &world.citizens[i];
    if c.place == Place::Detention {
        return Spot::Prison;
    }
    let np = world.t.programmes;
    if care.iter().any(|&k| world.episodes[i * np + k].status == Status::Active) {
        return Spot::Care;
    }
    match c.housing {
        Housing::Homeless => Spot::Street,
        Housing::Shelter => Spot::Shelter,
        Housing::Supported => Spot::Supported,
        Housing::Own => Spot::OwnHome,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> Scenario {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/through-care.toml");
        let mut raw = Scenario::load(&path).unwrap().resolved;
        raw.population.size = 150;
        raw.scenario.horizon_days = 900;
        Scenario::from_raw(raw).unwrap()
    }

    #[test]
    fn following_citizens_changes_nothing_and_tells_the_trace_story() {
        let sc = small();
        let citizens = sample_citizens(&sc, 12);
        let (result, watched) = follow(&sc, &citizens);
        let mut daily = sc.resolved.clone();
        daily.scenario.engine = crate::scenario::raw::Engine::Daily;
        let daily = Scenario::from_raw(daily).unwrap();
        assert_eq!(result, World::new(&daily, 0).run());
        for w in &watched {
            let days: u32 = w.spots.iter().map(|(_, n)| n).sum();
            assert_eq!(days, sc.meta.horizon_days);
            assert_eq!(w.spots[0].0, Spot::Prison, "everyone starts inside");
            assert!(w.spots.windows(2).all(|p| p[0].0 != p[1].0), "runs are merged");
            let story = crate::trace::trace(&sc, 0, w.citizen, 0).unwrap();
            let told: Vec<(u32, String)> = story
                .events
                .into_iter()
                .filter(|e| !e.text.starts_with("end of year"))
                .map(|e| (e.day, e.text))
                .collect();
            assert_eq!(w.events, told, "citizen {}", w.citizen);
            assert_eq!(w.profile, story.profile);
            let k = &story.end.counters;
            assert_eq!(w.end[0], u32::from(k.offences));
            assert_eq!(w.end[3], u32::from(k.days_homeless));
            // Days homeless counted by the engine are days on the street in the picture
            // (after release; detention days are prison).
            let street: u32 =
                w.spots.iter().filter(|(s, _)| *s == Spot::Street).map(|(_, n)| n).sum();
            assert!(street <= w.end[3] + 1, "{street} street days, {} homeless", w.end[3]);
        }
    }

    #[test]
    fn the_curve_ends_at_the_five_year_indicator() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/fragmented.toml");
        let mut raw = Scenario::load(&path).unwrap().resolved;
        raw.population.size = 150;
        raw.scenario.replications = 2;
        let sc = Scenario::from_raw(raw).unwrap();
        let reps = crate::experiments::run_replications(&sc, 2);
        let r = result_of(&sc, &reps, Vec::new());
        let two_years = r.numbers[1].unwrap();
        let at = |day: u32| r.curve[(day / CURVE_STEP_DAYS) as usize];
        // 730 is not a multiple of 30: the curve at 720 days is at most the 2-year value.
        assert!(at(720) <= two_years && at(750) >= two_years, "{r:?}");
        assert!(r.curve.windows(2).all(|w| w[0] <= w[1]));
    }
}
