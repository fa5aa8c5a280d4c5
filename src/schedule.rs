//! How the replications of a run share the threads: in *slices* of a year of simulated days,
//! a few more replications under way than there are threads, the one furthest behind taken
//! first.
//!
//! Handing out whole replications leaves a tail: when the last replication starts, the other
//! threads finish theirs and wait, on average for about half a replication (measured on the
//! shipped run with two threads: 22–50 ms idle on one thread of a 0.6 s run). In slices, the
//! replications under way at the end have come along together and finish within about a
//! slice of each other. A replication's days are the same whichever thread runs each slice
//! (its random numbers are keyed by citizen, day and purpose), and the results are gathered by
//! replication number, so the output does not depend on the schedule.

use std::sync::{Condvar, Mutex};

use crate::engine::World;
use crate::outcomes::ReplicationResult;
use crate::scenario::Scenario;

/// The days a thread simulates of one replication before it looks again for the one furthest
/// behind. A year is a sixth of the shipped horizon, a few milliseconds of work: long enough
/// that moving a replication's state between cores costs little, short enough to even out
/// the end.
pub const SLICE_DAYS: u16 = 365;

/// How many more replications than threads may be under way at the end: the last ones, which
/// start together so that the ones furthest behind can catch up. Each costs the memory of one
/// more world, so a large cohort gets fewer (see [`extra_under_way`]).
const EXTRA_UNDER_WAY: usize = 4;

/// The memory the extra replications under way may take together, counted at
/// [`BYTES_A_CITIZEN`]: a cohort of a million gets one extra, the national cohort all four.
const EXTRA_MEMORY_BYTES: u64 = 256 << 20;

/// A citizen's share of a world's memory, rounded up (247 bytes measured at a million
/// citizens, docs/performance.md).
const BYTES_A_CITIZEN: u64 = 256;

/// How many more replications than threads may be under way at the end for a cohort of
/// `citizens`.
fn extra_under_way(citizens: u32) -> usize {
    let world = (citizens as u64 * BYTES_A_CITIZEN).max(1);
    (EXTRA_MEMORY_BYTES / world).min(EXTRA_UNDER_WAY as u64) as usize
}

/// Runs replications `0..n` of `sc` on the current rayon pool, calling `done` after each, and
/// returns their results in replication order.
pub fn run_in_slices(sc: &Scenario, n: u32, done: &(dyn Fn() + Sync)) -> Vec<ReplicationResult> {
    let threads = rayon::current_num_threads();
    let board = Board::new(n, threads, extra_under_way(sc.population.size));
    rayon::broadcast(|_| board.work(sc, done));
    board.into_results()
}

/// What the threads share: the replications not yet started, those under way that no thread
/// holds, and the results.
struct Board<'s> {
    state: Mutex<State<'s>>,
    changed: Condvar,
}

struct State<'s> {
    next: u32,
    n: u32,
    threads: usize,
    extra: usize,
    under_way: usize,
    /// Replications under way, not held by a thread.
    waiting: Vec<World<'s>>,
    results: Vec<Option<ReplicationResult>>,
}

impl State<'_> {
    /// A replication may start while fewer are under way than there are threads; the last
    /// few start as soon as they are the last few, so that they come along together with
    /// those under way. (Until then each thread keeps to its own replication, whose state
    /// stays in its core's caches.)
    fn may_start(&self) -> bool {
        let left = (self.n - self.next) as usize;
        let most = if left <= self.extra { self.threads + self.extra } else { self.threads };
        left > 0 && self.under_way < most
    }
}

/// What a thread does next. (A world moves through it once a slice, a few milliseconds of
/// work apart: its size does not matter.)
#[allow(clippy::large_enum_variant)]
enum Task<'s> {
    Continue(World<'s>),
    Start(u32),
    Stop,
}

impl<'s> Board<'s> {
    fn new(n: u32, threads: usize, extra: usize) -> Self {
        let state = State {
            next: 0,
            n,
            threads,
            extra,
            under_way: 0,
            waiting: Vec::new(),
            results: (0..n).map(|_| None).collect(),
        };
        Board { state: Mutex::new(state), changed: Condvar::new() }
    }

    /// One thread's part: take the replication furthest behind (or start the next), run a
    /// slice of it, hand it back; until every replication is finished.
    fn work(&self, sc: &'s Scenario, done: &(dyn Fn() + Sync)) {
        let mut held: Option<World<'s>> = None;
        loop {
            let mut world = match self.next_task(held.take()) {
                Task::Stop => return,
                Task::Continue(world) => world,
                Task::Start(r) => World::new(sc, r),
            };
            let end = world.day.saturating_add(SLICE_DAYS);
            world.run_until(end);
            if world.is_at_horizon() {
                let result = world.finish();
                done();
                self.finished(result);
            } else {
                held = Some(world);
            }
        }
    }

    /// The thread's next task, given the replication it just ran a slice of (if any): that
    /// one again, unless another under way lags it or a new one may start; else a new
    /// replication if there is room, or the one furthest behind; else it waits for one to be
    /// handed back, or stops when all are finished.
    fn next_task(&self, held: Option<World<'s>>) -> Task<'s> {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(world) = held {
            let lags = furthest_behind(&s.waiting).is_some_and(|k| s.waiting[k].day < world.day);
            if !lags && !s.may_start() {
                return Task::Continue(world);
            }
            s.waiting.push(world);
            self.changed.notify_one();
        }
        loop {
            if s.may_start() {
                s.next += 1;
                s.under_way += 1;
                return Task::Start(s.next - 1);
            }
            if let Some(k) = furthest_behind(&s.waiting) {
                return Task::Continue(s.waiting.swap_remove(k));
            }
            if s.under_way == 0 {
                return Task::Stop;
            }
            s = self.changed.wait(s).unwrap_or_else(|e| e.into_inner());
        }
    }

    fn finished(&self, result: ReplicationResult) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let r = result.replication as usize;
        s.results[r] = Some(result);
        s.under_way -= 1;
        self.changed.notify_all();
    }

    fn into_results(self) -> Vec<ReplicationResult> {
        let state = self.state.into_inner().unwrap_or_else(|e| e.into_inner());
        state.results.into_iter().map(|r| r.expect("every replication was finished")).collect()
    }
}

/// The replication furthest behind (the least day; the lowest number among equals, so the
/// choice does not depend on the order the list happens to be in).
fn furthest_behind(worlds: &[World]) -> Option<usize> {
    (0..worlds.len()).min_by_key(|&k| (worlds[k].day, worlds[k].replication))
}

#[cfg(test)]
mod tests {
    use super::run_in_slices;
    use crate::engine::World;
    use crate::scenario::Scenario;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[test]
    fn a_large_cohort_gets_fewer_extra_replications_under_way() {
        use super::extra_under_way;
        assert_eq!(extra_under_way(2_000), 4);
        assert_eq!(extra_under_way(30_000), 4, "the national cohort");
        assert_eq!(extra_under_way(1_000_000), 1);
        assert_eq!(extra_under_way(3_000_000), 0);
        assert_eq!(extra_under_way(0), 4);
    }

    #[test]
    fn replications_in_slices_are_those_run_whole_whatever_the_threads() {
        let mut raw =
            Scenario::load(std::path::Path::new("scenarios/through-care.toml")).unwrap().resolved;
        raw.population.size = 300;
        let sc = Scenario::from_raw(raw).unwrap();
        let whole: Vec<_> = (0..9).map(|r| World::new(&sc, r).run()).collect();
        for threads in [1, 2, 3, 5] {
            for n in [0u32, 1, 2, 9] {
                let finished = AtomicU32::new(0);
                let sliced = crate::experiments::with_threads(threads, || {
                    run_in_slices(&sc, n, &|| {
                        finished.fetch_add(1, Ordering::Relaxed);
                    })
                })
                .unwrap();
                assert_eq!(sliced, whole[..n as usize], "{threads} threads, {n} replications");
                assert_eq!(finished.load(Ordering::Relaxed), n, "one call a replication");
            }
        }
    }
}
