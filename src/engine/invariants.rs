//! The invariant checker: the bookkeeping that must hold at the end of every day (one place
//! per citizen, occupancy equal to the active episodes and within capacity, one live ticket
//! per waiting episode, open-episode bits in step with the episodes). The model tests call
//! it after every day; the engine's rules never read it.

use super::World;
use super::episodes::ticket_is_live;
use crate::population::Place;
use crate::services::Status;

impl World<'_> {
    /// Checks the bookkeeping that must hold at the end of every day: every citizen is in
    /// exactly one place, occupancy equals the active episodes and stays within capacity,
    /// every waiting episode has exactly one live ticket, and the open-episode bits agree.
    pub fn check_invariants(&self) -> Result<(), String> {
        let np = self.t.programmes;
        let mut active = vec![0u32; np];
        let mut waiting = vec![0u32; np];
        for (i, c) in self.citizens.iter().enumerate() {
            if c.place == Place::Detention && c.release_day < self.day {
                return Err(format!("citizen {i} is inside past release day {}", c.release_day));
            }
            for p in 0..np {
                let e = self.episode(i, p);
                let bit = c.open_episodes & (1 << p) != 0;
                if bit != e.is_open() {
                    return Err(format!("citizen {i} programme {p}: open bit {bit} but {e:?}"));
                }
                let active_bit = c.active_episodes & (1 << p) != 0;
                if active_bit != (e.status == Status::Active) {
                    return Err(format!(
                        "citizen {i} programme {p}: active bit {active_bit} but {e:?}"
                    ));
                }
                match e.status {
                    Status::Active => active[p] += 1,
                    Status::Waiting => waiting[p] += 1,
                    _ => {}
                }
            }
        }
        for (p, prog) in self.programmes.iter().enumerate() {
            if prog.occupied != active[p] {
                return Err(format!(
                    "programme {p}: {} occupied, {} active",
                    prog.occupied, active[p]
                ));
            }
            if let crate::scenario::Capacity::Places(cap) = prog.capacity
                && prog.occupied > cap
            {
                return Err(format!("programme {p}: {} occupied > capacity {cap}", prog.occupied));
            }
            let (live, since_total) = prog
                .tickets()
                .iter()
                .filter(|t| ticket_is_live(&self.episodes, np, p, **t))
                .fold((0u32, 0u64), |(n, sum), t| (n + 1, sum + u64::from(t.since)));
            if live != waiting[p] || prog.waiting != waiting[p] {
                return Err(format!(
                    "programme {p}: {live} live tickets, {} counted waiting, {} waiting",
                    prog.waiting, waiting[p]
                ));
            }
            if since_total != prog.since_total() {
                return Err(format!(
                    "programme {p}: live tickets joined on days summing to {since_total}, \
                     counted {}",
                    prog.since_total()
                ));
            }
        }
        Ok(())
    }
}
