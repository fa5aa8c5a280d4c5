//! What one replication produces: survival counts per follow-up day, totals, monthly time
//! series, service use and the cost ledger — everything later summarised over replications.

use crate::costs::Ledger;
use crate::population::{Citizen, NEVER, Recovery, Restorative};
use crate::services::ProgrammeStats;
use serde::Serialize;

/// The survival events of docs/model.md §4, in the order used everywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    Rearrest,
    Reconviction,
    Redetention,
    Relapse,
}

pub const EVENTS: [Event; 4] =
    [Event::Rearrest, Event::Reconviction, Event::Redetention, Event::Relapse];

impl Event {
    pub fn name(self) -> &'static str {
        match self {
            Event::Rearrest => "rearrest",
            Event::Reconviction => "reconviction",
            Event::Redetention => "redetention",
            Event::Relapse => "relapse",
        }
    }

    /// Words for tables: a relapse is a return to active addiction after remission, so only
    /// people in remission are at risk — care that brings remission can raise it.
    pub fn label(self) -> &'static str {
        match self {
            Event::Relapse => "relapse after remission",
            other => other.name(),
        }
    }
}

/// Events and censorings per day since first release, for a Kaplan–Meier estimate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SurvivalCounts {
    pub at_risk_start: u32,
    pub events: Vec<u32>,
    pub censored: Vec<u32>,
}

impl SurvivalCounts {
    fn new(days: usize) -> Self {
        Self { at_risk_start: 0, events: vec![0; days + 1], censored: vec![0; days + 1] }
    }

    fn add(&mut self, release: u16, event: u16, horizon: u32) {
        self.at_risk_start += 1;
        let follow_up = horizon.saturating_sub(release as u32) as usize;
        if event != NEVER && (event as u32) < horizon {
            self.events[(event - release) as usize] += 1;
        } else {
            self.censored[follow_up] += 1;
        }
    }
}

/// Sums over the released cohort.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Totals {
    pub citizens: u32,
    pub released: u32,
    pub offences: u64,
    pub victims: f64,
    pub arrests: u64,
    pub convictions: u64,
    pub detentions: u64,
    pub relapses: u64,
    pub detention_days_after_release: u64,
    pub days_homeless: u64,
    pub days_active_addiction: u64,
    pub days_without_income: u64,
    pub debts_resolved: u64,
    pub violations: u64,
    pub incidents: u64,
    pub facility_evictions: u64,
    pub revocations: u64,
    pub waivers: u64,
    pub with_children: u32,
    pub with_child_contact: u32,
    pub restorative_completed: u32,
    pub with_addiction_at_intake: u32,
    pub recovery_end: RecoveryMeans,
}

#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct RecoveryMeans {
    pub personal: f64,
    pub social: f64,
    pub societal: f64,
    pub victim: f64,
}

impl RecoveryMeans {
    pub fn add(&mut self, r: &Recovery) {
        self.personal += r.personal as f64;
        self.social += r.social as f64;
        self.societal += r.societal as f64;
        self.victim += r.victim as f64;
    }

    pub fn scale(&mut self, n: f64) {
        if n > 0.0 {
            self.personal /= n;
            self.social /= n;
            self.societal /= n;
            self.victim /= n;
        }
    }
}

/// The state of the cohort at the end of one month.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct MonthRow {
    pub month: u32,
    pub day: u32,
    pub in_detention: u32,
    pub own_home: u32,
    pub shelter: u32,
    pub supported_housing: u32,
    pub homeless: u32,
    pub active_addiction: u32,
    pub without_income: u32,
    pub on_benefit: u32,
    pub working: u32,
    pub on_probation: u32,
    pub with_case_manager: u32,
    pub ever_reconvicted: u32,
    pub recovery: RecoveryMeans,
    /// Waiting-list length per service, in scenario order.
    pub queue: Vec<u32>,
    /// Occupied places per service.
    pub occupied: Vec<u32>,
    /// Mean days waited so far by the people on each waiting list (0 when nobody waits).
    pub waited_days: Vec<f64>,
}

/// Everything one replication produces.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReplicationResult {
    pub replication: u32,
    pub horizon_days: u32,
    pub survival: Vec<SurvivalCounts>,
    pub totals: Totals,
    pub monthly: Vec<MonthRow>,
    /// Per service, then case management, then the Veiligheidshuis.
    pub programmes: Vec<ProgrammeStats>,
    /// Per programme as `programmes`: every wait by its length, started or not.
    pub waits: Vec<crate::services::WaitSpells>,
    pub ledger: Ledger,
}

/// Builds the survival counts and totals from the citizens at the horizon.
pub fn summarise_cohort(citizens: &[Citizen], horizon: u32) -> (Vec<SurvivalCounts>, Totals) {
    let mut survival: Vec<SurvivalCounts> =
        EVENTS.iter().map(|_| SurvivalCounts::new(horizon as usize)).collect();
    let mut t = Totals { citizens: citizens.len() as u32, ..Totals::default() };
    for c in citizens {
        let f = &c.firsts;
        if f.release == NEVER {
            continue;
        }
        t.released += 1;
        survival[0].add(f.release, f.rearrest, horizon);
        survival[1].add(f.release, f.reconviction, horizon);
        survival[2].add(f.release, f.redetention, horizon);
        if c.had_addiction_at_intake() {
            t.with_addiction_at_intake += 1;
            survival[3].add(f.release, f.relapse, horizon);
        }
        let k = &c.counters;
        t.offences += k.offences as u64;
        t.arrests += k.arrests as u64;
        t.convictions += k.convictions as u64;
        t.detentions += k.detentions as u64;
        t.relapses += k.relapses as u64;
        t.detention_days_after_release += k.detention_days_after_release as u64;
        t.days_homeless += k.days_homeless as u64;
        t.days_active_addiction += k.days_active_addiction as u64;
        t.days_without_income += k.days_without_income as u64;
        t.debts_resolved += k.debts_resolved as u64;
        t.violations += k.violations as u64;
        t.incidents += k.incidents as u64;
        t.facility_evictions += k.facility_evictions as u64;
        t.revocations += k.revocations as u64;
        t.waivers += k.waivers as u64;
        if c.traits.has_children() {
            t.with_children += 1;
            t.with_child_contact += (k.child_contact_stays > 0) as u32;
        }
        t.restorative_completed += (c.restorative == Restorative::Completed) as u32;
        t.recovery_end.add(&c.recovery);
    }
    t.recovery_end.scale(t.released as f64);
    (survival, t)
}
