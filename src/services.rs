//! Service episodes and waiting lists.
//!
//! Every citizen has one [`Episode`] slot per configured service. A [`Programme`] is anything
//! with a limited number of places and a queue rule: each service, the regime's case managers
//! and the Veiligheidshuis. Queues are processed once a day in a fixed order, so that who gets
//! a free place never depends on thread timing. No allocation happens after set-up: the
//! queue vectors are reserved for the whole population.

use crate::scenario::{Capacity, QueueRule};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[repr(u8)]
pub enum Status {
    #[default]
    None,
    Waiting,
    Active,
    Finished,
    DroppedOut,
    /// Ended because the person was detained (or released, for an inside-only episode).
    Interrupted,
}

/// One citizen's history with one service: the latest episode only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Episode {
    pub status: Status,
    /// Day of referral while waiting; day of start while active.
    pub since: u16,
    /// Day the active episode ends by itself.
    pub until: u16,
}

impl Episode {
    pub fn is_open(&self) -> bool {
        matches!(self.status, Status::Waiting | Status::Active)
    }
}

/// A waiting-list entry. It goes stale when the citizen leaves the list some other way (the
/// episode's referral day no longer matches); stale entries are dropped lazily.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ticket {
    pub citizen: u32,
    pub since: u16,
}

/// Places, occupancy and a waiting list.
#[derive(Debug, Clone)]
pub struct Programme {
    pub capacity: Capacity,
    pub rule: QueueRule,
    pub occupied: u32,
    pub queue: Vec<Ticket>,
    pub stats: ProgrammeStats,
}

/// Use of one programme over a replication.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct ProgrammeStats {
    pub referrals: u64,
    pub starts: u64,
    pub completions: u64,
    pub dropouts: u64,
    pub interruptions: u64,
    pub wait_days_total: u64,
    pub max_queue: u32,
    pub place_days: u64,
}

impl Programme {
    pub fn new(capacity: Capacity, rule: QueueRule, population: usize) -> Self {
        Self {
            capacity,
            rule,
            occupied: 0,
            queue: Vec::with_capacity(population),
            stats: ProgrammeStats::default(),
        }
    }

    pub fn free_places(&self) -> u32 {
        match self.capacity {
            Capacity::Unlimited => u32::MAX,
            Capacity::Places(n) => n.saturating_sub(self.occupied),
        }
    }

    pub fn join(&mut self, citizen: u32, day: u16) {
        // A citizen holds at most one live ticket and stale ones are pruned daily, so the
        // capacity reserved for the whole population is not exceeded.
        self.queue.push(Ticket { citizen, since: day });
        self.stats.referrals += 1;
    }

    /// Removes tickets that no longer match a waiting episode and records the queue length.
    pub fn prune(&mut self, still_waiting: impl Fn(Ticket) -> bool) {
        self.queue.retain(|t| still_waiting(*t));
        self.stats.max_queue = self.stats.max_queue.max(self.queue.len() as u32);
    }

    /// Picks the next ticket to admit among those `ready`, by the queue rule; `priority`
    /// gives the rank for the risk- and problem-based rules (higher first, ties by order).
    pub fn next_admission(
        &self,
        ready: impl Fn(Ticket) -> bool,
        priority: impl Fn(Ticket) -> u32,
    ) -> Option<usize> {
        match self.rule {
            QueueRule::FirstCome => self.queue.iter().position(|t| ready(*t)),
            QueueRule::HighestRisk | QueueRule::MostProblems => {
                let mut best: Option<(usize, u32)> = None;
                for (i, t) in self.queue.iter().enumerate() {
                    if !ready(*t) {
                        continue;
                    }
                    let p = priority(*t);
                    if best.is_none_or(|(_, bp)| p > bp) {
                        best = Some((i, p));
                    }
                }
                best.map(|(i, _)| i)
            }
        }
    }

    /// Takes the ticket at `index` off the list, keeping the order of the others.
    pub fn admit(&mut self, index: usize) -> Ticket {
        self.occupied += 1;
        self.stats.starts += 1;
        self.queue.remove(index)
    }

    pub fn release_place(&mut self) {
        self.occupied = self.occupied.saturating_sub(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn programme(rule: QueueRule) -> Programme {
        let mut p = Programme::new(Capacity::Places(1), rule, 10);
        for (c, d) in [(0, 1), (1, 2), (2, 3)] {
            p.join(c, d);
        }
        p
    }

    #[test]
    fn first_come_takes_the_earliest_ready_ticket() {
        let p = programme(QueueRule::FirstCome);
        assert_eq!(p.next_admission(|t| t.citizen != 0, |_| 0), Some(1));
    }

    #[test]
    fn priority_rules_take_the_highest_rank_and_break_ties_by_order() {
        let p = programme(QueueRule::HighestRisk);
        assert_eq!(p.next_admission(|_| true, |t| [5, 9, 9][t.citizen as usize]), Some(1));
        let q = programme(QueueRule::MostProblems);
        assert_eq!(q.next_admission(|_| true, |t| [1, 0, 2][t.citizen as usize]), Some(2));
    }

    #[test]
    fn capacity_limits_free_places() {
        let mut p = programme(QueueRule::FirstCome);
        assert_eq!(p.free_places(), 1);
        let t = p.admit(0);
        assert_eq!(t.citizen, 0);
        assert_eq!(p.free_places(), 0);
        p.release_place();
        assert_eq!(p.free_places(), 1);
        assert_eq!(
            Programme::new(Capacity::Unlimited, QueueRule::FirstCome, 1).free_places(),
            u32::MAX
        );
    }
}
