//! Experiments: replications of a scenario run in parallel (rayon), and their summary — every
//! indicator of docs/model.md §4 as a mean with a 95% interval over replications.
//!
//! Replication `r` always gets the random streams of replication `r`, whichever thread runs
//! it, and results are collected in replication order before any float is added up, so the
//! output is byte-identical for any thread count.

use crate::costs::PAYERS;
use crate::outcomes::{EVENTS, Event, ReplicationResult, SurvivalCounts};
use crate::scenario::Scenario;
use crate::stats::{Estimate, KaplanMeier, SurvivalByDay, mean_interval};
use rayon::prelude::*;
use serde::Serialize;

/// Follow-up horizons of the headline indicators, in days.
pub const YEARS: [(u32, &str); 3] = [(365, "1y"), (730, "2y"), (1826, "5y")];

/// Runs replications `0..n` of a scenario on the current rayon pool.
pub fn run_replications(sc: &Scenario, n: u32) -> Vec<ReplicationResult> {
    run_replications_with(sc, n, &|| {})
}

/// Like [`run_replications`], calling `done` after each replication (for progress bars).
pub fn run_replications_with(
    sc: &Scenario,
    n: u32,
    done: &(dyn Fn() + Sync),
) -> Vec<ReplicationResult> {
    crate::schedule::run_in_slices(sc, n, done)
}

/// Runs `work` on a pool of exactly `threads` threads (0 = rayon's default): the parallel
/// steps inside it (replications, the summary, writing the output files) use that many and
/// no more.
pub fn with_threads<T: Send>(threads: usize, work: impl FnOnce() -> T + Send) -> Result<T, String> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| format!("cannot start {threads} threads: {e}"))?;
    Ok(pool.install(work))
}

/// Runs replications `0..n` on a pool of exactly `threads` threads (0 = rayon's default).
pub fn run_with_threads(
    sc: &Scenario,
    n: u32,
    threads: usize,
) -> Result<Vec<ReplicationResult>, String> {
    with_threads(threads, || run_replications(sc, n))
}

/// [`run_with_threads`] with a progress bar on a terminal.
pub fn run_with_progress(
    sc: &Scenario,
    n: u32,
    threads: usize,
    what: &str,
) -> Result<Vec<ReplicationResult>, String> {
    with_threads(threads, || run_showing_progress(sc, n, what))
}

/// Replications `0..n` on the current rayon pool, with a progress bar on a terminal (inside
/// [`with_threads`]: a pool started inside another would leave the outer one's thread
/// waiting for it).
pub fn run_showing_progress(sc: &Scenario, n: u32, what: &str) -> Vec<ReplicationResult> {
    let progress = crate::progress::Progress::new(u64::from(n), what);
    let results = run_replications_with(sc, n, &|| progress.tick());
    progress.finish();
    results
}

/// One named indicator value of one replication.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Indicator {
    pub name: String,
    pub label: String,
    pub unit: &'static str,
    pub value: f64,
}

fn indicator(
    name: impl Into<String>,
    label: impl Into<String>,
    unit: &'static str,
    value: f64,
) -> Indicator {
    Indicator { name: name.into(), label: label.into(), unit, value }
}

/// Kaplan–Meier curve of one event in one replication.
pub fn km(rep: &ReplicationResult, event: Event) -> KaplanMeier {
    let s = survival_counts(rep, event);
    KaplanMeier::from_counts(&s.events, &s.censored, s.at_risk_start)
}

/// S(t) of [`km`] day by day, for reading a median or a share by a day without the curve.
pub fn survival_by_day(rep: &ReplicationResult, event: Event) -> SurvivalByDay<'_> {
    let s = survival_counts(rep, event);
    SurvivalByDay::new(&s.events, &s.censored, s.at_risk_start)
}

/// One replication's daily counts for `event`'s curve.
fn survival_counts(rep: &ReplicationResult, event: Event) -> &SurvivalCounts {
    &rep.survival[EVENTS.iter().position(|e| *e == event).unwrap_or(0)]
}

/// Every indicator of one replication, in a fixed order.
pub fn indicators(sc: &Scenario, rep: &ReplicationResult) -> Vec<Indicator> {
    let mut out = Vec::new();
    let mut median = f64::NAN;
    for event in EVENTS {
        if event == Event::Reconviction {
            median = survival_by_day(rep, event).median().map_or(f64::NAN, f64::from);
        }
        let survival = survival_by_day(rep, event).survival_at_each(YEARS.map(|(day, _)| day));
        for ((day, tag), s) in YEARS.into_iter().zip(survival) {
            if day <= rep.horizon_days {
                out.push(indicator(
                    format!("{}_{tag}", event.name()),
                    format!("{} within {}", event.label(), year_words(tag)),
                    "share",
                    1.0 - s,
                ));
            }
        }
    }
    // Median time to reconviction, where the curve reaches one half (NaN = not reached).
    out.push(indicator(
        "median_days_to_reconviction",
        "median days from release to reconviction (where reached)",
        "days",
        median,
    ));
    let t = &rep.totals;
    let per = |x: f64| if t.released > 0 { x / t.released as f64 } else { 0.0 };
    out.push(indicator("released", "citizens released", "count", t.released as f64));
    out.push(indicator("offences", "offences per citizen", "count", per(t.offences as f64)));
    out.push(indicator("victims", "victims per citizen", "count", per(t.victims)));
    out.push(indicator(
        "convictions",
        "convictions per citizen",
        "count",
        per(t.convictions as f64),
    ));
    out.push(indicator(
        "detention_days",
        "detention days after release per citizen",
        "days",
        per(t.detention_days_after_release as f64),
    ));
    let addicted = t.with_addiction_at_intake as f64;
    out.push(indicator(
        "relapses_per_addicted",
        "addiction relapses per citizen with addiction",
        "count",
        if addicted > 0.0 { t.relapses as f64 / addicted } else { 0.0 },
    ));
    out.push(indicator(
        "days_active_addiction",
        "days in active addiction per citizen",
        "days",
        per(t.days_active_addiction as f64),
    ));
    out.push(indicator(
        "days_homeless",
        "days homeless per citizen",
        "days",
        per(t.days_homeless as f64),
    ));
    out.push(indicator(
        "days_without_income",
        "days without income per citizen",
        "days",
        per(t.days_without_income as f64),
    ));
    out.push(indicator(
        "debts_resolved",
        "debts resolved per citizen",
        "count",
        per(t.debts_resolved as f64),
    ));
    out.push(indicator(
        "violations",
        "probation violations per citizen",
        "count",
        per(t.violations as f64),
    ));
    out.push(indicator(
        "facility_incidents",
        "incidents in shelter/supported housing per citizen",
        "count",
        per(t.incidents as f64),
    ));
    let r = &t.recovery_end;
    out.push(indicator("recovery_personal", "recovery: self, at the horizon", "0-1", r.personal));
    out.push(indicator(
        "recovery_social",
        "recovery: person-network, at the horizon",
        "0-1",
        r.social,
    ));
    out.push(indicator(
        "recovery_societal",
        "recovery: person-society, at the horizon",
        "0-1",
        r.societal,
    ));
    out.push(indicator(
        "recovery_victim",
        "recovery: person-victim, at the horizon",
        "0-1",
        r.victim,
    ));
    practice_indicators(rep, &mut out);
    let coordination =
        [("case_manager", "case management"), ("veiligheidshuis", "Veiligheidshuis coordination")];
    let services = sc.services.iter().map(|s| (s.name.as_str(), s.label.as_str()));
    for (p, (name, label)) in services.chain(coordination).enumerate() {
        programme_indicators(&rep.programmes[p], &rep.waits[p], name, label, t.released, &mut out);
    }
    let rate = sc.costs.discount_rate;
    for payer in PAYERS {
        out.push(indicator(
            format!("cost_{}", payer.name()),
            format!("cost per citizen, {} (discounted)", payer.name().replace('_', " & ")),
            "euro",
            per(rep.ledger.payer_discounted(payer, rate)),
        ));
    }
    out.push(indicator(
        "cost_societal",
        "total societal cost per citizen (discounted, without transfers)",
        "euro",
        per(rep.ledger.societal_discounted(rate)),
    ));
    out
}

/// What the five seed practices change directly (docs/model.md §5).
fn practice_indicators(rep: &ReplicationResult, out: &mut Vec<Indicator>) {
    let t = &rep.totals;
    let share = |x: u32, of: u32| if of > 0 { x as f64 / of as f64 } else { 0.0 };
    let per = |x: u64| if t.released > 0 { x as f64 / t.released as f64 } else { 0.0 };
    out.push(indicator(
        "facility_evictions",
        "stays in shelter/supported housing ended by an incident, per citizen",
        "count",
        per(t.facility_evictions),
    ));
    out.push(indicator(
        "revocations",
        "violated conditions answered with revocation, per citizen",
        "count",
        per(t.revocations),
    ));
    out.push(indicator(
        "waivers",
        "service starts made possible by a waived prerequisite, per citizen",
        "count",
        per(t.waivers),
    ));
    out.push(indicator(
        "child_contact_share",
        "share of parents of minor children with supported contact during a stay",
        "share",
        share(t.with_child_contact, t.with_children),
    ));
    out.push(indicator(
        "restorative_completed_share",
        "share of citizens who completed a restorative process",
        "share",
        share(t.restorative_completed, t.released),
    ));
}

/// Days after which the waiting-time curve is read off as an indicator.
pub const WAIT_READ_DAYS: u32 = 90;

/// Use, waiting and drop-out of one service or coordination programme.
fn programme_indicators(
    st: &crate::services::ProgrammeStats,
    waits: &crate::services::WaitSpells,
    name: &str,
    label: &str,
    released: u32,
    out: &mut Vec<Indicator>,
) {
    let ratio = |x: f64, of: f64| if of > 0.0 { x / of } else { 0.0 };
    out.push(indicator(
        format!("starts_{name}"),
        format!("episodes of {label} started, per citizen"),
        "count",
        ratio(st.starts as f64, released as f64),
    ));
    out.push(indicator(
        format!("wait_{name}"),
        format!("mean wait of those who started {label} (days, from release at the earliest)"),
        "days",
        ratio(st.wait_days_total as f64, st.starts as f64),
    ));
    // Time to start with those who left the list or were still on it censored (Kaplan–Meier),
    // so that people who never got in are not left out of the picture.
    out.push(indicator(
        format!("median_days_to_start_{name}"),
        format!("median days to start {label}, those who never got in censored (where reached)"),
        "days",
        waits.still_waiting_by_day().median().map_or(f64::NAN, f64::from),
    ));
    out.push(indicator(
        format!("started_{WAIT_READ_DAYS}d_{name}"),
        format!("share started {label} within {WAIT_READ_DAYS} days of waiting (Kaplan–Meier)"),
        "share",
        match waits.spells() {
            0 => f64::NAN,
            _ => waits.still_waiting_by_day().incidence_at(WAIT_READ_DAYS),
        },
    ));
    out.push(indicator(
        format!("never_started_{name}"),
        format!(
            "share of waits for {label} that ended without a start (left the list or still waiting)"
        ),
        "share",
        waits.never_started_share(),
    ));
    out.push(indicator(
        format!("max_queue_{name}"),
        format!("longest waiting list of {label} (after the day's admissions)"),
        "count",
        st.max_queue as f64,
    ));
    out.push(indicator(
        format!("dropout_share_{name}"),
        format!("share of ended episodes of {label} that were drop-outs"),
        "share",
        ratio(st.dropouts as f64, (st.dropouts + st.completions) as f64),
    ));
}

fn year_words(tag: &str) -> &'static str {
    match tag {
        "1y" => "1 year",
        "2y" => "2 years",
        _ => "5 years",
    }
}

/// One indicator summarised over replications.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SummaryRow {
    pub name: String,
    pub label: String,
    pub unit: &'static str,
    pub estimate: Estimate,
    /// The value in each replication, in order: kept so that the per-replication table
    /// need not compute every indicator again.
    #[serde(skip)]
    pub per_replication: Vec<f64>,
}

/// A scenario's results over all replications.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub scenario: String,
    pub description: String,
    pub seed: u64,
    pub replications: u32,
    pub citizens: u32,
    pub horizon_days: u32,
    pub discount_rate: f64,
    pub rows: Vec<SummaryRow>,
}

impl Summary {
    pub fn get(&self, name: &str) -> Option<&Estimate> {
        self.rows.iter().find(|r| r.name == name).map(|r| &r.estimate)
    }
}

/// Per-replication values of every indicator: `values[indicator][replication]`.
pub fn indicator_matrix(
    sc: &Scenario,
    reps: &[ReplicationResult],
) -> (Vec<Indicator>, Vec<Vec<f64>>) {
    let per_rep: Vec<Vec<Indicator>> =
        reps.par_iter().with_max_len(1).map(|r| indicators(sc, r)).collect();
    let names = per_rep.first().cloned().unwrap_or_default();
    let values =
        (0..names.len()).map(|k| per_rep.iter().map(|row| row[k].value).collect()).collect();
    (names, values)
}

pub fn summarise(sc: &Scenario, reps: &[ReplicationResult]) -> Summary {
    let (names, values) = indicator_matrix(sc, reps);
    let rows = names
        .into_iter()
        .zip(values)
        .map(|(ind, xs)| SummaryRow {
            name: ind.name,
            label: ind.label,
            unit: ind.unit,
            estimate: mean_interval(&xs),
            per_replication: xs,
        })
        .collect();
    Summary {
        scenario: sc.meta.name.clone(),
        description: sc.meta.description.clone(),
        seed: sc.meta.seed,
        replications: reps.len() as u32,
        citizens: sc.population.size,
        horizon_days: sc.meta.horizon_days,
        discount_rate: sc.costs.discount_rate,
        rows,
    }
}
