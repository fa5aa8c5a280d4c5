//! Service episodes and waiting lists.
//!
//! Every citizen has one [`Episode`] slot per configured service. A [`Programme`] is anything
//! with a limited number of places and a queue rule: each service, the regime's case managers
//! and the Veiligheidshuis. Queues are processed once a day in a fixed order, so that who gets
//! a free place never depends on thread timing. No allocation happens after set-up: the
//! queue vectors are reserved for the whole population.

use crate::scenario::{Capacity, QueueRule};
use crate::stats::{KaplanMeier, SurvivalByDay};

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
    /// Counts referrals (wrapping), so a ticket from an earlier referral on the same day can
    /// never pass for the current one.
    pub referral: u8,
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
    pub referral: u8,
}

impl Ticket {
    /// Whether this ticket stands for the citizen's current wait (`e` is their episode).
    #[inline(always)]
    pub fn is_live(self, e: Episode) -> bool {
        e.status == Status::Waiting && e.since == self.since && e.referral == self.referral
    }
}

/// Where a ticket on a waiting list stands today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// No longer the person's current wait (they started, left or were referred anew).
    Stale,
    /// A current wait whose person cannot start today.
    Waiting,
    /// A current wait whose person can start today.
    Ready,
}

impl Standing {
    /// A current wait, ready or not.
    pub fn waiting(ready: bool) -> Self {
        if ready { Standing::Ready } else { Standing::Waiting }
    }
}

/// A ticket chosen for admission: its place in the list and its rank under the queue rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pick {
    pub rank: u32,
    pub index: u32,
}

/// How many tickets ahead of the one being asked about a waiting list's scan shows the next
/// (see [`Programme::choose_admissions`]): a long list's people lie scattered over memory.
pub const LOOK_AHEAD: usize = 16;

/// Places, occupancy and a waiting list.
#[derive(Debug, Clone)]
pub struct Programme {
    pub capacity: Capacity,
    pub rule: QueueRule,
    pub occupied: u32,
    /// The waiting list in arrival order from `head` on (before it: tickets already taken
    /// off, so that admitting from the front moves only what lies before those admitted). It
    /// may hold stale tickets (the person stopped waiting: detained, housed elsewhere); they
    /// are skipped, and swept out in bulk.
    queue: Vec<Ticket>,
    head: usize,
    /// People actually waiting: the live tickets.
    pub waiting: u32,
    /// The sum of the joining days of the live tickets, for the mean wait so far without
    /// visiting each waiting person.
    since_total: u64,
    /// Stale tickets the days' passes have met since the list was last swept.
    stale_met: usize,
    pub stats: ProgrammeStats,
    /// Every wait that ended (in a start or otherwise), by its length.
    pub waits: WaitSpells,
}

/// Days someone referred on day `since` has waited on day `d`: counted from release at the
/// earliest (`last_release`, [`crate::population::NEVER`] before the first), since waiting
/// inside is not a gap in care; someone still inside has waited 0 days. The one definition of
/// a wait for `services.csv`, the waiting-time curves and `trace`.
pub fn days_waited(since: u16, last_release: u16, in_community: bool, d: u16) -> u16 {
    if in_community && last_release != crate::population::NEVER {
        d.saturating_sub(since.max(last_release))
    } else {
        0
    }
}

/// The waits of one programme by their length in days ([`days_waited`]): those that ended in a
/// start, and those that did not (the person left the list, or was still on it at the
/// horizon). From these the time to start is a Kaplan–Meier curve with the second kind
/// censored, so that people who never got in are not silently left out.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct WaitSpells {
    /// `started[t]`: waits of `t` days that ended in a start.
    pub started: Vec<u32>,
    /// `censored[t]`: waits of `t` days that ended without a start.
    pub censored: Vec<u32>,
}

impl WaitSpells {
    /// Room for waits up to `horizon` days, so recording never reallocates.
    pub fn new(horizon: u32) -> Self {
        let len = horizon as usize + 1;
        Self { started: vec![0; len], censored: vec![0; len] }
    }

    pub fn record(&mut self, days: u16, started: bool) {
        let counts = if started { &mut self.started } else { &mut self.censored };
        let t = days as usize;
        if t >= counts.len() {
            counts.resize(t + 1, 0);
        }
        counts[t] += 1;
    }

    /// The same waits without the days after the longest, in memory of their own size. Room
    /// for waits as long as the horizon is kept while a replication runs, so that recording
    /// never reallocates; a finished replication kept it for every programme until the end of
    /// the run (420 KB a replication of the shipped scenarios: 1,000 of a run's 4,600 page
    /// faults).
    pub fn trimmed(self) -> Self {
        let used = |counts: &[u32]| counts.iter().rposition(|&x| x > 0).map_or(0, |t| t + 1);
        let days = used(&self.started).max(used(&self.censored));
        Self { started: self.started[..days].to_vec(), censored: self.censored[..days].to_vec() }
    }

    /// Adds another replication's waits (for a curve pooled over replications).
    pub fn add(&mut self, other: &WaitSpells) {
        for (mine, theirs) in
            [(&mut self.started, &other.started), (&mut self.censored, &other.censored)]
        {
            if mine.len() < theirs.len() {
                mine.resize(theirs.len(), 0);
            }
            mine.iter_mut().zip(theirs).for_each(|(a, b)| *a += b);
        }
    }

    pub fn spells(&self) -> u64 {
        self.started.iter().chain(&self.censored).map(|&x| u64::from(x)).sum()
    }

    /// Kaplan–Meier curve of still waiting: `1 − survival[t]` is the share that has started
    /// within `t` days, had nobody left the list.
    pub fn still_waiting(&self) -> KaplanMeier {
        KaplanMeier::from_counts(&self.started, &self.censored, self.waiting_at_start())
    }

    /// S(t) of [`WaitSpells::still_waiting`] day by day, for a median or a share by a day.
    pub fn still_waiting_by_day(&self) -> SurvivalByDay<'_> {
        SurvivalByDay::new(&self.started, &self.censored, self.waiting_at_start())
    }

    /// Those at risk on day 0 of the waiting curves: every spell.
    fn waiting_at_start(&self) -> u32 {
        u32::try_from(self.spells()).unwrap_or(u32::MAX)
    }

    /// Share of the waits that ended without a start (left the list, or still on it at the
    /// horizon); NaN without any wait.
    pub fn never_started_share(&self) -> f64 {
        let never: u64 = self.censored.iter().map(|&x| u64::from(x)).sum();
        never as f64 / self.spells() as f64
    }
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
    pub fn new(capacity: Capacity, rule: QueueRule, population: usize, horizon: u32) -> Self {
        Self {
            capacity,
            rule,
            occupied: 0,
            waiting: 0,
            since_total: 0,
            stale_met: 0,
            waits: WaitSpells::new(horizon),
            // Live tickets never exceed the population, stale ones are swept out before they
            // outnumber the live ones by more than 64, and the room before the head is given
            // back before it exceeds half the list and 64: the list never reallocates.
            queue: Vec::with_capacity(3 * population + 192),
            head: 0,
            stats: ProgrammeStats::default(),
        }
    }

    /// The waiting list, in arrival order: live and stale tickets.
    pub fn tickets(&self) -> &[Ticket] {
        &self.queue[self.head..]
    }

    pub fn free_places(&self) -> u32 {
        match self.capacity {
            Capacity::Unlimited => u32::MAX,
            Capacity::Places(n) => n.saturating_sub(self.occupied),
        }
    }

    pub fn join(&mut self, citizen: u32, day: u16, referral: u8) {
        // A citizen holds at most one live ticket, and stale ones and the room before the
        // head are bounded (see `new`), so the capacity reserved there is not exceeded.
        self.queue.push(Ticket { citizen, since: day, referral });
        self.waiting += 1;
        self.since_total += u64::from(day);
        self.stats.referrals += 1;
    }

    /// Someone who joined on day `since` stopped waiting without being admitted; their
    /// ticket goes stale.
    pub fn withdraw(&mut self, since: u16) {
        self.waiting -= 1;
        self.since_total -= u64::from(since);
    }

    /// The mean number of days the people on the list on day `today` have waited so far
    /// (0 with nobody waiting).
    pub fn mean_wait_so_far(&self, today: u16) -> f64 {
        if self.waiting == 0 {
            return 0.0;
        }
        let n = u64::from(self.waiting);
        (n * u64::from(today) - self.since_total) as f64 / n as f64
    }

    /// The sum of the joining days of the live tickets (for the invariant checker).
    pub fn since_total(&self) -> u64 {
        self.since_total
    }

    /// Whether the stale tickets the days' passes met since the last sweep cost as much as a
    /// sweep would: the passes met `stale` more on this one. Sweeping at that point keeps the
    /// work of meeting stale tickets within that of the sweeps, however long the list.
    pub fn sweep_due_after_pass(&mut self, stale: usize, at_least: usize) -> bool {
        self.stale_met += stale;
        self.stale_met >= at_least.max(self.tickets().len() / 2)
    }

    pub fn note_queue_length(&mut self) {
        self.stats.max_queue = self.stats.max_queue.max(self.waiting);
    }

    /// Whether stale tickets outnumber the live ones, so that a sweep is due even if no
    /// day's pass met them (the list stays short without checking every ticket every day).
    pub fn mostly_stale(&self) -> bool {
        self.tickets().len() > 2 * self.waiting as usize + 64
    }

    /// Takes every stale ticket off the list, keeping the order of the others; `ahead` is
    /// shown each ticket [`LOOK_AHEAD`] places before it is asked about.
    pub fn sweep_stale(&mut self, still_waiting: impl Fn(Ticket) -> bool, ahead: impl Fn(Ticket)) {
        let mut kept = 0;
        for k in self.head..self.queue.len() {
            if let Some(&t) = self.queue.get(k + LOOK_AHEAD) {
                ahead(t);
            }
            let t = self.queue[k];
            if still_waiting(t) {
                self.queue[kept] = t;
                kept += 1;
            }
        }
        self.queue.truncate(kept);
        self.head = 0;
        self.stale_met = 0;
    }

    /// Chooses up to `free` tickets to admit among those `Ready`, in admission order, into
    /// `picks`: by queue order for first-come, else by `priority` (higher first, ties by
    /// queue order). One pass over the list: admitting one person never changes whether
    /// another is ready or their rank, so this is the same sequence as picking the best ready
    /// ticket `free` times — without rescanning a long list for every place.
    ///
    /// Tickets that joined after `latest_since` are still in their intake delay; the list is
    /// in arrival order (sorted by joining day), so they are cut off by a binary search.
    ///
    /// `ahead` is shown each ticket [`LOOK_AHEAD`] places before it is asked about, so that
    /// what `standing` reads of it can be fetched from memory meanwhile. Returns how many
    /// stale tickets the pass went over: old ones gather at the head of the list, where every
    /// day's pass would meet them again until they are swept out.
    pub fn choose_admissions(
        &self,
        free: u32,
        latest_since: u16,
        standing: impl Fn(Ticket) -> Standing,
        priority: impl Fn(Ticket) -> u32,
        ahead: impl Fn(Ticket),
        picks: &mut Vec<Pick>,
    ) -> usize {
        picks.clear();
        let free = free as usize;
        let list = self.tickets();
        let due = &list[..list.partition_point(|t| t.since <= latest_since)];
        let mut stale = 0;
        let mut ready = |index: usize, t: Ticket| {
            if let Some(t) = due.get(index + LOOK_AHEAD) {
                ahead(*t);
            }
            match standing(t) {
                Standing::Ready => true,
                Standing::Waiting => false,
                Standing::Stale => {
                    stale += 1;
                    false
                }
            }
        };
        match self.rule {
            QueueRule::FirstCome => {
                for (index, t) in due.iter().enumerate() {
                    if picks.len() == free {
                        break;
                    }
                    if ready(index, *t) {
                        picks.push(Pick { rank: 0, index: index as u32 });
                    }
                }
            }
            QueueRule::HighestRisk | QueueRule::MostProblems => {
                for (index, t) in due.iter().enumerate() {
                    if ready(index, *t) {
                        picks.push(Pick { rank: priority(*t), index: index as u32 });
                    }
                }
                let order = |a: &Pick, b: &Pick| b.rank.cmp(&a.rank).then(a.index.cmp(&b.index));
                if picks.len() > free {
                    picks.select_nth_unstable_by(free, order);
                    picks.truncate(free);
                }
                picks.sort_unstable_by(order);
            }
        }
        stale
    }

    /// Takes the chosen tickets off the list (keeping the order of the others) into
    /// `admitted`, in admission order, and fills their places.
    pub fn admit(&mut self, picks: &mut [Pick], admitted: &mut Vec<Ticket>) {
        admitted.clear();
        admitted.extend(picks.iter().map(|p| self.tickets()[p.index as usize]));
        picks.sort_unstable_by_key(|p| p.index);
        self.head = remove_toward_back(&mut self.queue, self.head, picks.iter().map(|p| p.index));
        if self.head > 64 + self.tickets().len() / 2 {
            self.queue.drain(..self.head);
            self.head = 0;
        }
        self.occupied += admitted.len() as u32;
        self.waiting -= admitted.len() as u32;
        self.since_total -= admitted.iter().map(|t| u64::from(t.since)).sum::<u64>();
        self.stats.starts += admitted.len() as u64;
    }

    pub fn release_place(&mut self) {
        self.occupied = self.occupied.saturating_sub(1);
    }
}

/// Removes the items at the distinct `positions` of `v[head..]` (ascending, counted from
/// `head`), keeping the order of the others, by moving the items before each removed one
/// toward the back; returns the new head. Admissions come mostly from the front of a list,
/// so little moves however long the list is.
fn remove_toward_back<T: Copy>(
    v: &mut [T],
    head: usize,
    positions: impl DoubleEndedIterator<Item = u32>,
) -> usize {
    let mut positions = positions.map(|at| head + at as usize).rev().peekable();
    let Some(&last) = positions.peek() else { return head };
    // Items in `head..end` are still to move; the moved ones end just before `write`.
    let (mut end, mut write) = (last + 1, last + 1);
    for at in positions {
        let run = at + 1..end;
        write -= run.len();
        if write != run.start {
            v.copy_within(run, write);
        }
        end = at;
    }
    let run = head..end;
    write -= run.len();
    if write != run.start {
        v.copy_within(run, write);
    }
    write
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn removing_positions_toward_the_back_keeps_the_others_in_order(
            head in 0usize..10,
            len in 0usize..40,
            chosen in proptest::collection::vec(proptest::bool::ANY, 40),
        ) {
            let mut v: Vec<usize> = (0..head + len).collect();
            let positions: Vec<u32> = (0..len as u32).filter(|&k| chosen[k as usize]).collect();
            let new_head = remove_toward_back(&mut v, head, positions.iter().copied());
            let kept: Vec<usize> = (head..head + len).filter(|&k| !chosen[k - head]).collect();
            proptest::prop_assert_eq!(&v[new_head..], &kept[..]);
            proptest::prop_assert_eq!(new_head, head + positions.len());
        }
    }

    fn programme(rule: QueueRule) -> Programme {
        let mut p = Programme::new(Capacity::Places(1), rule, 10, 100);
        for (c, d) in [(0, 1), (1, 2), (2, 3)] {
            p.join(c, d, 0);
        }
        p
    }

    #[test]
    fn the_mean_wait_so_far_follows_joins_withdrawals_and_admissions() {
        let mut p = programme(QueueRule::FirstCome); // joined on days 1, 2 and 3
        assert_eq!(p.mean_wait_so_far(10), (9.0 + 8.0 + 7.0) / 3.0);
        p.withdraw(2);
        assert_eq!(p.mean_wait_so_far(10), (9.0 + 7.0) / 2.0);
        let mut picks = vec![Pick { rank: 0, index: 0 }];
        p.admit(&mut picks, &mut Vec::new());
        assert_eq!(p.mean_wait_so_far(10), 7.0);
        p.withdraw(3);
        assert_eq!(p.mean_wait_so_far(10), 0.0);
    }

    #[test]
    fn a_sweep_is_due_once_the_passes_met_half_a_long_list_in_stale_tickets() {
        let mut p = Programme::new(Capacity::Places(1), QueueRule::FirstCome, 100, 100);
        for c in 0..40 {
            p.join(c, 1, 0);
        }
        assert!(!p.sweep_due_after_pass(8, 8), "8 stale of a 40-ticket list");
        assert!(!p.sweep_due_after_pass(11, 8), "19 stale");
        assert!(p.sweep_due_after_pass(1, 8), "20 stale, half the list");
        p.sweep_stale(|t| t.citizen >= 20, |_| {});
        assert_eq!(p.tickets().len(), 20);
        assert!(!p.sweep_due_after_pass(7, 8), "the count starts again after a sweep");
        assert!(p.sweep_due_after_pass(3, 8), "then after half of the 20 left");
    }

    /// The citizens `choose_admissions` picks, in admission order.
    fn chosen(p: &Programme, free: u32, ready: impl Fn(u32) -> bool, rank: [u32; 3]) -> Vec<u32> {
        let mut picks = Vec::new();
        let ready = |t: Ticket| ready(t.citizen);
        let standing = |t: Ticket| Standing::waiting(ready(t));
        p.choose_admissions(
            free,
            u16::MAX,
            standing,
            |t| rank[t.citizen as usize],
            |_| {},
            &mut picks,
        );
        picks.iter().map(|x| p.tickets()[x.index as usize].citizen).collect()
    }

    #[test]
    fn first_come_takes_the_earliest_ready_tickets() {
        let p = programme(QueueRule::FirstCome);
        assert_eq!(chosen(&p, 1, |c| c != 0, [0; 3]), vec![1]);
        assert_eq!(chosen(&p, 5, |c| c != 1, [0; 3]), vec![0, 2]);
    }

    #[test]
    fn priority_rules_take_the_highest_rank_and_break_ties_by_order() {
        let p = programme(QueueRule::HighestRisk);
        assert_eq!(chosen(&p, 1, |_| true, [5, 9, 9]), vec![1]);
        assert_eq!(chosen(&p, 3, |_| true, [5, 9, 9]), vec![1, 2, 0]);
        let q = programme(QueueRule::MostProblems);
        assert_eq!(chosen(&q, 2, |_| true, [1, 0, 2]), vec![2, 0]);
        assert_eq!(chosen(&q, 2, |c| c != 2, [1, 0, 2]), vec![0, 1]);
    }

    #[test]
    fn admitting_removes_exactly_the_chosen_tickets_in_admission_order() {
        let mut p = programme(QueueRule::HighestRisk);
        let mut picks = Vec::new();
        p.choose_admissions(
            2,
            9,
            |_| Standing::Ready,
            |t| [1, 0, 2][t.citizen as usize],
            |_| {},
            &mut picks,
        );
        let mut admitted = Vec::new();
        p.admit(&mut picks, &mut admitted);
        assert_eq!(admitted.iter().map(|t| t.citizen).collect::<Vec<_>>(), vec![2, 0]);
        assert_eq!(p.tickets().iter().map(|t| t.citizen).collect::<Vec<_>>(), vec![1]);
        assert_eq!((p.occupied, p.stats.starts), (2, 2));
    }

    #[test]
    fn a_pass_counts_the_stale_tickets_it_meets_and_a_sweep_keeps_the_order_of_the_rest() {
        let mut p = programme(QueueRule::FirstCome);
        p.join(3, 4, 0);
        let stale = |t: Ticket| t.citizen == 0 || t.citizen == 2;
        let standing = |t: Ticket| if stale(t) { Standing::Stale } else { Standing::Ready };
        let mut picks = Vec::new();
        // First come stops at its last place: citizen 1 fills it after stale 0.
        assert_eq!(p.choose_admissions(1, u16::MAX, standing, |_| 0, |_| {}, &mut picks), 1);
        assert_eq!(p.choose_admissions(5, u16::MAX, standing, |_| 0, |_| {}, &mut picks), 2);
        p.sweep_stale(|t| !stale(t), |_| {});
        assert_eq!(p.tickets().iter().map(|t| t.citizen).collect::<Vec<_>>(), vec![1, 3]);
        // A sweep never changes whom a pass chooses.
        assert_eq!(p.choose_admissions(5, u16::MAX, standing, |_| 0, |_| {}, &mut picks), 0);
        assert_eq!(
            picks.iter().map(|x| p.tickets()[x.index as usize].citizen).collect::<Vec<_>>(),
            [1, 3]
        );
    }

    #[test]
    fn a_long_pass_shows_each_ticket_ahead_before_it_is_judged() {
        let mut p = Programme::new(Capacity::Places(100), QueueRule::MostProblems, 10, 100);
        for c in 0..40 {
            p.join(c, 1, 0);
        }
        let shown = std::cell::RefCell::new(Vec::new());
        let judged = std::cell::RefCell::new(Vec::new());
        let standing = |t: Ticket| {
            judged.borrow_mut().push(t.citizen);
            Standing::Ready
        };
        let mut picks = Vec::new();
        p.choose_admissions(
            100,
            u16::MAX,
            standing,
            |_| 0,
            |t| shown.borrow_mut().push(t.citizen),
            &mut picks,
        );
        let (shown, judged) = (shown.into_inner(), judged.into_inner());
        assert_eq!(judged, (0..40).collect::<Vec<_>>());
        assert_eq!(
            shown,
            (LOOK_AHEAD as u32..40).collect::<Vec<_>>(),
            "each ticket from the look-ahead on, in order"
        );
    }

    #[test]
    fn capacity_limits_free_places() {
        let mut p = programme(QueueRule::FirstCome);
        assert_eq!(p.free_places(), 1);
        let mut picks = vec![Pick { rank: 0, index: 0 }];
        let mut admitted = Vec::new();
        p.admit(&mut picks, &mut admitted);
        assert_eq!(admitted[0].citizen, 0);
        assert_eq!(p.free_places(), 0);
        p.release_place();
        assert_eq!(p.free_places(), 1);
        assert_eq!(
            Programme::new(Capacity::Unlimited, QueueRule::FirstCome, 1, 10).free_places(),
            u32::MAX
        );
    }

    #[test]
    fn time_to_start_censors_those_who_never_got_in() {
        // Five waits: started after 0, 2 and 5 days; left the list after 1 and 3 days.
        let mut w = WaitSpells::new(3);
        for (days, started) in [(0, true), (1, false), (2, true), (3, false), (5, true)] {
            w.record(days, started);
        }
        let km = w.still_waiting();
        // By hand: S(0) = 4/5; one leaves on day 1 (3 at risk); S(2) = 4/5 · 2/3 = 8/15; one
        // leaves on day 3 (1 at risk); S(5) = 0.
        let close = |a: f64, b: f64| (a - b).abs() < 1e-12;
        assert!(close(km.survival_at(0), 0.8));
        assert!(close(km.survival_at(1), 0.8));
        assert!(close(km.incidence_at(2), 1.0 - 8.0 / 15.0));
        assert!(close(km.survival_at(4), 8.0 / 15.0));
        assert!(close(km.survival_at(5), 0.0));
        assert_eq!(km.at_risk[2], 3);
        assert_eq!(km.median(), Some(5));
        assert!(close(w.never_started_share(), 0.4));
        // Pooling two replications adds their counts.
        let mut pooled = w.clone();
        pooled.add(&w);
        assert_eq!(pooled.spells(), 10);
        assert!(close(pooled.still_waiting().survival_at(2), 8.0 / 15.0));
    }

    #[test]
    fn trimmed_waits_read_as_the_waits_kept_whole() {
        let mut w = WaitSpells::new(400);
        for (days, started) in [(0, true), (3, false), (3, true), (40, true), (61, false)] {
            w.record(days, started);
        }
        let trimmed = w.clone().trimmed();
        assert_eq!((trimmed.started.len(), trimmed.censored.len()), (62, 62));
        let by_day = |w: &WaitSpells| w.still_waiting_by_day().collect::<Vec<f64>>();
        assert_eq!(by_day(&trimmed)[..], by_day(&w)[..62]);
        for day in [0, 3, 39, 40, 61, 62, 90, 400, 1000] {
            let (a, b) = (w.still_waiting_by_day(), trimmed.still_waiting_by_day());
            assert_eq!(a.survival_at(day), b.survival_at(day), "day {day}");
        }
        assert_eq!(trimmed.still_waiting_by_day().median(), w.still_waiting_by_day().median());
        assert_eq!(trimmed.never_started_share(), w.never_started_share());
        assert_eq!(trimmed.spells(), w.spells());
        let mut pooled = w.clone();
        pooled.add(&trimmed);
        let mut whole = w.clone();
        whole.add(&w);
        assert_eq!(pooled, whole);
        let none = WaitSpells::new(400).trimmed();
        assert_eq!(none.spells(), 0);
        assert_eq!(none.still_waiting_by_day().survival_at(30), 1.0);
    }

    #[test]
    fn a_wait_counts_from_release_and_not_inside() {
        let never = crate::population::NEVER;
        assert_eq!(days_waited(3, 5, true, 10), 5, "referred inside: from release");
        assert_eq!(days_waited(7, 5, true, 10), 3, "referred outside: from referral");
        assert_eq!(days_waited(3, 5, false, 10), 0, "starting inside is no wait outside");
        assert_eq!(days_waited(3, never, true, 10), 0);
    }
}
