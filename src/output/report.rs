//! What users read: the terminal table and the output folder (tidy CSV, `summary.json`, the
//! resolved scenario). Every file format is one [`Exporter`]; the folder is written to a
//! staging directory and renamed into place at the end, so a failed or interrupted run never
//! leaves a half-written result and never silently replaces an earlier one.

use crate::costs::PAYERS;
use crate::experiments::{Summary, km};
use crate::outcomes::{EVENTS, ReplicationResult};
use crate::scenario::Scenario;
use crate::stats::{Estimate, mean_interval};
use serde::Serialize;
use std::io::{self, Write};

use crate::output::format::finite;
use crate::output::rows::{
    CostRow, MonthlyRow, Num, OutcomeRow, ProvenanceRow, QueueRow, ServiceRow, SummaryIndicator,
    SummaryRow, SummaryScenario, SurvivalRow, WaitingTimeRow, write_rows_in_pieces,
};

/// One scenario's results, as the exporters see them.
pub struct RunOutput<'a> {
    pub scenario: &'a Scenario,
    pub replications: &'a [ReplicationResult],
    pub summary: &'a Summary,
}

/// One output file.
pub trait Exporter: Sync {
    fn file_name(&self) -> &'static str;
    fn write(&self, runs: &[RunOutput], out: &mut dyn Write) -> io::Result<()>;
}

pub fn run_exporters() -> Vec<Box<dyn Exporter>> {
    let mut all = compare_exporters();
    all.push(Box::new(SummaryJson));
    all
}

/// The per-run files `reentry compare` writes next to its own (`differences.csv`,
/// `summary.json`).
pub fn compare_exporters() -> Vec<Box<dyn Exporter>> {
    vec![
        table("summary.csv", summary_rows),
        table("outcomes.csv", outcome_rows),
        table("survival.csv", survival_rows),
        table("monthly.csv", monthly_rows),
        table("queues.csv", queue_rows),
        table("services.csv", service_rows),
        table("waiting_times.csv", waiting_time_rows),
        table("costs_by_payer.csv", cost_rows),
        table("provenance.csv", provenance_rows),
    ]
}

/// A table of `R` rows as an [`Exporter`]: the file's name and how a run becomes its rows.
struct Table<R> {
    name: &'static str,
    rows: fn(&RunOutput) -> Vec<R>,
}

impl<R: Serialize + Default + Send + Sync> Exporter for Table<R> {
    fn file_name(&self) -> &'static str {
        self.name
    }
    fn write(&self, runs: &[RunOutput], out: &mut dyn Write) -> io::Result<()> {
        let rows: Vec<R> = runs.iter().flat_map(|run| (self.rows)(run)).collect();
        write_rows_in_pieces(out, &rows)
    }
}

fn table<R: Serialize + Default + Send + Sync + 'static>(
    name: &'static str,
    rows: fn(&RunOutput) -> Vec<R>,
) -> Box<dyn Exporter> {
    Box::new(Table { name, rows })
}

fn scenario_name(run: &RunOutput) -> String {
    run.summary.scenario.clone()
}

fn summary_rows(run: &RunOutput) -> Vec<SummaryRow> {
    let row = |r: &crate::experiments::SummaryRow| {
        let e = &r.estimate;
        SummaryRow {
            scenario: scenario_name(run),
            indicator: r.name.clone(),
            label: r.label.clone(),
            unit: r.unit.into(),
            mean: Num(e.mean),
            lo95: Num(e.lo),
            hi95: Num(e.hi),
            sd: Num(e.sd),
            replications: e.n,
        }
    };
    run.summary.rows.iter().map(row).collect()
}

/// Every indicator in every replication, as the summary kept them.
fn outcome_rows(run: &RunOutput) -> Vec<OutcomeRow> {
    let indicators = &run.summary.rows;
    debug_assert!(indicators.iter().all(|i| i.per_replication.len() == run.replications.len()));
    let mut rows = Vec::new();
    for (r, rep) in run.replications.iter().enumerate() {
        for ind in indicators {
            rows.push(OutcomeRow {
                scenario: scenario_name(run),
                replication: rep.replication,
                indicator: ind.name.clone(),
                unit: ind.unit.into(),
                value: Num(ind.per_replication[r]),
            });
        }
    }
    rows
}

/// Mean Kaplan–Meier incidence per day over replications, with its 95% interval.
pub fn survival_band(run: &RunOutput, event_index: usize) -> Vec<Estimate> {
    let curves: Vec<_> = run.replications.iter().map(|r| km(r, EVENTS[event_index])).collect();
    let horizon = run.scenario.meta.horizon_days;
    (0..=horizon)
        .map(|day| {
            let xs: Vec<f64> = curves.iter().map(|c| c.incidence_at(day)).collect();
            mean_interval(&xs)
        })
        .collect()
}

fn survival_rows(run: &RunOutput) -> Vec<SurvivalRow> {
    use rayon::prelude::*;
    // Each event's band is worked out on its own (each reads every replication's curve).
    let bands: Vec<Vec<Estimate>> =
        (0..EVENTS.len()).into_par_iter().with_max_len(1).map(|k| survival_band(run, k)).collect();
    let mut rows = Vec::new();
    for (event, band) in EVENTS.iter().zip(bands) {
        for (day, e) in (0..).zip(band) {
            rows.push(SurvivalRow {
                scenario: scenario_name(run),
                event: event.name().into(),
                day,
                incidence: Num(e.mean),
                lo95: Num(e.lo),
                hi95: Num(e.hi),
                survival: Num(1.0 - e.mean),
            });
        }
    }
    rows
}

fn monthly_rows(run: &RunOutput) -> Vec<MonthlyRow> {
    let mut rows = Vec::new();
    for rep in run.replications {
        for m in &rep.monthly {
            let r = &m.recovery;
            rows.push(MonthlyRow {
                scenario: scenario_name(run),
                replication: rep.replication,
                month: m.month,
                day: m.day,
                in_detention: m.in_detention,
                own_home: m.own_home,
                shelter: m.shelter,
                supported_housing: m.supported_housing,
                homeless: m.homeless,
                active_addiction: m.active_addiction,
                without_income: m.without_income,
                on_benefit: m.on_benefit,
                working: m.working,
                on_probation: m.on_probation,
                with_case_manager: m.with_case_manager,
                ever_reconvicted: m.ever_reconvicted,
                recovery_personal: Num(r.personal),
                recovery_social: Num(r.social),
                recovery_societal: Num(r.societal),
                recovery_victim: Num(r.victim),
            });
        }
    }
    rows
}

fn queue_rows(run: &RunOutput) -> Vec<QueueRow> {
    let names = programme_names(run.scenario);
    let mut rows = Vec::new();
    for rep in run.replications {
        for m in &rep.monthly {
            for (p, name) in names.iter().enumerate().take(m.queue.len()) {
                rows.push(QueueRow {
                    scenario: scenario_name(run),
                    replication: rep.replication,
                    month: m.month,
                    day: m.day,
                    service: (*name).into(),
                    waiting: m.queue[p],
                    occupied: m.occupied[p],
                    mean_days_waited: Num(m.waited_days.get(p).copied().unwrap_or(0.0)),
                });
            }
        }
    }
    rows
}

fn service_rows(run: &RunOutput) -> Vec<ServiceRow> {
    let names = programme_names(run.scenario);
    let mut rows = Vec::new();
    for rep in run.replications {
        for (p, (st, waits)) in rep.programmes.iter().zip(&rep.waits).enumerate() {
            let median = waits.still_waiting_by_day().median().map_or(f64::NAN, f64::from);
            let wait =
                if st.starts > 0 { st.wait_days_total as f64 / st.starts as f64 } else { 0.0 };
            rows.push(ServiceRow {
                scenario: scenario_name(run),
                replication: rep.replication,
                programme: names[p].into(),
                referrals: st.referrals,
                starts: st.starts,
                completions: st.completions,
                dropouts: st.dropouts,
                interruptions: st.interruptions,
                mean_wait_days: Num(wait),
                median_days_to_start: Num(median),
                never_started_share: Num(waits.never_started_share()),
                max_waiting: st.max_queue,
                place_days: st.place_days,
            });
        }
    }
    rows
}

/// `waiting_times.csv`: per scenario and programme, the Kaplan–Meier curve of time to start,
/// pooled over replications, with waits that ended without a start censored. One row per day
/// on which a wait ended; `share_started` is `1 − S(day)`.
fn waiting_time_rows(run: &RunOutput) -> Vec<WaitingTimeRow> {
    let mut rows = Vec::new();
    for (p, name) in programme_names(run.scenario).iter().enumerate() {
        let mut pooled = crate::services::WaitSpells::default();
        run.replications.iter().filter_map(|r| r.waits.get(p)).for_each(|x| pooled.add(x));
        let km = pooled.still_waiting();
        for t in 0..km.len() {
            if km.events[t] + km.censored[t] == 0 {
                continue;
            }
            rows.push(WaitingTimeRow {
                scenario: scenario_name(run),
                programme: (*name).into(),
                days_waited: t,
                at_risk: km.at_risk[t],
                started: km.events[t],
                censored: km.censored[t],
                share_started: Num(1.0 - km.survival[t]),
            });
        }
    }
    rows
}

/// Every programme's name, services first, in the order of the per-programme results.
fn programme_names(sc: &Scenario) -> Vec<&str> {
    sc.services.iter().map(|s| s.name.as_str()).chain(["case_manager", "veiligheidshuis"]).collect()
}

/// `costs_by_payer.csv`. The transfers (benefit payments, part of the municipality's cost) are
/// booked in total and undiscounted; they are written like the column beside them, discounted
/// and per released citizen, so the two can be compared and subtracted.
fn cost_rows(run: &RunOutput) -> Vec<CostRow> {
    let rate = run.scenario.costs.discount_rate;
    let mut rows = Vec::new();
    for rep in run.replications {
        let l = &rep.ledger;
        let n = rep.totals.released.max(1) as f64;
        for payer in PAYERS {
            for y in 0..l.years {
                let cost = l.payer_year(payer, y);
                let factor = crate::stats::discount_factor(rate, y);
                let transfers = if payer == crate::scenario::Payer::Municipality {
                    l.transfers_by_year[y]
                } else {
                    0.0
                };
                rows.push(CostRow {
                    scenario: scenario_name(run),
                    replication: rep.replication,
                    payer: payer.name().into(),
                    year: y + 1,
                    cost: Num(cost),
                    cost_discounted: Num(cost * factor),
                    cost_discounted_per_citizen: Num(cost * factor / n),
                    of_which_transfers: Num(transfers * factor / n),
                });
            }
        }
    }
    rows
}

/// `provenance.csv`: every parameter's resolved value and its source, for the report.
fn provenance_rows(run: &RunOutput) -> Vec<ProvenanceRow> {
    crate::output::provenance::provenance_of(run.scenario)
        .into_iter()
        .map(|p| ProvenanceRow {
            scenario: scenario_name(run),
            key: p.key,
            value: p.value,
            source: p.source,
            file: p.file,
        })
        .collect()
}

/// One scenario's record in `summary.json` ([`SummaryScenario`], the schema the reader uses).
pub fn json_scenario(run: &RunOutput) -> serde_json::Value {
    serde_json::to_value(summary_scenario(run)).unwrap_or(serde_json::Value::Null)
}

fn summary_scenario(run: &RunOutput) -> SummaryScenario {
    let s = run.summary;
    SummaryScenario {
        name: s.scenario.clone(),
        description: s.description.clone(),
        regime: run.scenario.regime.name.clone(),
        files: run.scenario.files.iter().map(|p| p.display().to_string()).collect(),
        seed: s.seed,
        replications: s.replications,
        citizens: s.citizens,
        horizon_days: s.horizon_days,
        discount_rate: s.discount_rate,
        indicators: s
            .rows
            .iter()
            .map(|r| SummaryIndicator {
                name: r.name.clone(),
                label: r.label.clone(),
                unit: r.unit.into(),
                mean: finite(r.estimate.mean),
                lo95: finite(r.estimate.lo),
                hi95: finite(r.estimate.hi),
                sd: finite(r.estimate.sd),
            })
            .collect(),
        cohort_note: run.scenario.cohort_note.clone(),
    }
}

struct SummaryJson;
impl Exporter for SummaryJson {
    fn file_name(&self) -> &'static str {
        "summary.json"
    }
    fn write(&self, runs: &[RunOutput], out: &mut dyn Write) -> io::Result<()> {
        let doc = serde_json::json!({
            "tool": "reentry",
            "version": env!("CARGO_PKG_VERSION"),
            "scenarios": runs.iter().map(json_scenario).collect::<Vec<_>>(),
        });
        serde_json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::other)?;
        writeln!(out)
    }
}
