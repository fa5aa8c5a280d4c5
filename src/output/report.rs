//! What users read: the terminal table and the output folder (tidy CSV, `summary.json`, the
//! resolved scenario). Every file format is one [`Exporter`]; the folder is written to a
//! staging directory and renamed into place at the end, so a failed or interrupted run never
//! leaves a half-written result and never silently replaces an earlier one.

use crate::costs::PAYERS;
use crate::experiments::{Summary, survival_by_day};
use crate::outcomes::{EVENTS, ReplicationResult};
use crate::scenario::Scenario;
use crate::stats::{Estimate, mean_interval};
use serde::Serialize;
use std::io::{self, Write};

use crate::output::format::finite;
use crate::output::rows::{
    CostRow, MonthlyRow, Num, OutcomeRow, ProvenanceRow, QueueRow, ServiceRow, SummaryIndicator,
    SummaryRow, SummaryScenario, SurvivalRow, WaitingTimeRow, rows_text, write_rows,
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
        table("summary.csv", whole, |run, _| summary_rows(run)),
        table("outcomes.csv", by_replication, outcome_rows),
        table("survival.csv", by_event, survival_rows),
        table("monthly.csv", by_replication, monthly_rows),
        table("queues.csv", by_replication, queue_rows),
        table("services.csv", by_replication, service_rows),
        table("waiting_times.csv", by_programme, waiting_time_rows),
        table("costs_by_payer.csv", by_replication, cost_rows),
        table("provenance.csv", whole, |run, _| provenance_rows(run)),
    ]
}

/// A table of `R` rows as an [`Exporter`]: the file's name, how many parts a run's rows come
/// in (a replication's, an event's, a programme's) and the rows of part `k`. The parts of all
/// runs are turned into text in parallel, each on its own with no table of every row kept
/// (a run's 17,000 queue rows were built one by one on one thread while the other waited),
/// and written in order: a CSV row's text does not depend on the rows before it.
struct Table<R> {
    name: &'static str,
    parts: fn(&RunOutput) -> usize,
    rows: fn(&RunOutput, usize) -> Vec<R>,
}

impl<R: Serialize + Default> Exporter for Table<R> {
    fn file_name(&self) -> &'static str {
        self.name
    }
    fn write(&self, runs: &[RunOutput], out: &mut dyn Write) -> io::Result<()> {
        use rayon::prelude::*;
        let parts: Vec<(&RunOutput, usize)> =
            runs.iter().flat_map(|run| (0..(self.parts)(run)).map(move |k| (run, k))).collect();
        let texts: Vec<Vec<u8>> = parts
            .into_par_iter()
            .with_max_len(1)
            .map(|(run, k)| rows_text((self.rows)(run, k)))
            .collect::<io::Result<_>>()?;
        // The header alone: a table without rows.
        write_rows(out, std::iter::empty::<R>())?;
        texts.iter().try_for_each(|text| out.write_all(text))
    }
}

fn table<R: Serialize + Default + 'static>(
    name: &'static str,
    parts: fn(&RunOutput) -> usize,
    rows: fn(&RunOutput, usize) -> Vec<R>,
) -> Box<dyn Exporter> {
    Box::new(Table { name, parts, rows })
}

/// A run's rows in one part.
fn whole(_: &RunOutput) -> usize {
    1
}

/// A part for each replication.
fn by_replication(run: &RunOutput) -> usize {
    run.replications.len()
}

/// A part for each event of the survival curves.
fn by_event(_: &RunOutput) -> usize {
    EVENTS.len()
}

/// A part for each programme (services first, then the case manager and the
/// Veiligheidshuis).
fn by_programme(run: &RunOutput) -> usize {
    programme_names(run.scenario).len()
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

/// Every indicator of the `r`th replication, as the summary kept them.
fn outcome_rows(run: &RunOutput, r: usize) -> Vec<OutcomeRow> {
    let indicators = &run.summary.rows;
    debug_assert!(indicators.iter().all(|i| i.per_replication.len() == run.replications.len()));
    let rep = &run.replications[r];
    let row = |ind: &crate::experiments::SummaryRow| OutcomeRow {
        scenario: scenario_name(run),
        replication: rep.replication,
        indicator: ind.name.clone(),
        unit: ind.unit.into(),
        value: Num(ind.per_replication[r]),
    };
    indicators.iter().map(row).collect()
}

/// Mean Kaplan–Meier incidence per day over replications, with its 95% interval.
/// Each replication's curve is walked a day at a time, side by side, rather than built whole
/// with its at-risk counts and Greenwood sums (five arrays a replication and event): the same
/// S(t), a third of the time of writing `survival.csv`.
pub fn survival_band(run: &RunOutput, event_index: usize) -> Vec<Estimate> {
    let event = EVENTS[event_index];
    let mut curves: Vec<_> =
        run.replications.iter().map(|r| (survival_by_day(r, event), 1.0)).collect();
    let mut incidence = vec![0.0; curves.len()];
    let horizon = run.scenario.meta.horizon_days;
    (0..=horizon)
        .map(|_| {
            for ((curve, last), x) in curves.iter_mut().zip(&mut incidence) {
                // Past the end of its days a curve keeps its last value (as `incidence_at`).
                *last = curve.next().unwrap_or(*last);
                *x = 1.0 - *last;
            }
            mean_interval(&incidence)
        })
        .collect()
}

/// The daily band of the `k`th event (each reads every replication's curve).
fn survival_rows(run: &RunOutput, k: usize) -> Vec<SurvivalRow> {
    let row = |(day, e): (u32, Estimate)| SurvivalRow {
        scenario: scenario_name(run),
        event: EVENTS[k].name().into(),
        day,
        incidence: Num(e.mean),
        lo95: Num(e.lo),
        hi95: Num(e.hi),
        survival: Num(1.0 - e.mean),
    };
    (0..).zip(survival_band(run, k)).map(row).collect()
}

/// The months of the `r`th replication.
fn monthly_rows(run: &RunOutput, r: usize) -> Vec<MonthlyRow> {
    let rep = &run.replications[r];
    let mut rows = Vec::new();
    for m in &rep.monthly {
        let recovery = &m.recovery;
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
            recovery_personal: Num(recovery.personal),
            recovery_social: Num(recovery.social),
            recovery_societal: Num(recovery.societal),
            recovery_victim: Num(recovery.victim),
        });
    }
    rows
}

/// The waiting lists at each month end of the `r`th replication.
fn queue_rows(run: &RunOutput, r: usize) -> Vec<QueueRow> {
    let names = programme_names(run.scenario);
    let rep = &run.replications[r];
    let mut rows = Vec::new();
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
    rows
}

/// Each programme's counts in the `r`th replication.
fn service_rows(run: &RunOutput, r: usize) -> Vec<ServiceRow> {
    let names = programme_names(run.scenario);
    let rep = &run.replications[r];
    let mut rows = Vec::new();
    for (p, (st, waits)) in rep.programmes.iter().zip(&rep.waits).enumerate() {
        let median = waits.still_waiting_by_day().median().map_or(f64::NAN, f64::from);
        let wait = if st.starts > 0 { st.wait_days_total as f64 / st.starts as f64 } else { 0.0 };
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
    rows
}

/// `waiting_times.csv`, the part of programme `p`: per scenario and programme, the Kaplan–Meier curve of time to start,
/// pooled over replications, with waits that ended without a start censored. One row per day
/// on which a wait ended; `share_started` is `1 − S(day)`.
fn waiting_time_rows(run: &RunOutput, p: usize) -> Vec<WaitingTimeRow> {
    let name = programme_names(run.scenario)[p];
    let mut pooled = crate::services::WaitSpells::default();
    run.replications.iter().filter_map(|r| r.waits.get(p)).for_each(|x| pooled.add(x));
    let km = pooled.still_waiting();
    let row = |t: usize| WaitingTimeRow {
        scenario: scenario_name(run),
        programme: name.into(),
        days_waited: t,
        at_risk: km.at_risk[t],
        started: km.events[t],
        censored: km.censored[t],
        share_started: Num(1.0 - km.survival[t]),
    };
    (0..km.len()).filter(|&t| km.events[t] + km.censored[t] > 0).map(row).collect()
}

/// Every programme's name, services first, in the order of the per-programme results.
fn programme_names(sc: &Scenario) -> Vec<&str> {
    sc.services.iter().map(|s| s.name.as_str()).chain(["case_manager", "veiligheidshuis"]).collect()
}

/// `costs_by_payer.csv`, the `r`th replication's part. The transfers (benefit payments, part of the municipality's cost) are
/// booked in total and undiscounted; they are written like the column beside them, discounted
/// and per released citizen, so the two can be compared and subtracted.
fn cost_rows(run: &RunOutput, r: usize) -> Vec<CostRow> {
    let rate = run.scenario.costs.discount_rate;
    let rep = &run.replications[r];
    let mut rows = Vec::new();
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::rows::{QueueRow, write_rows};

    fn row(k: usize) -> QueueRow {
        QueueRow {
            scenario: "a \"quoted\", name".into(),
            replication: (k / 100) as u32,
            month: (k % 100) as u32,
            day: k as u32 * 30,
            service: format!("service-{}", k % 7),
            waiting: k as u32 % 13,
            occupied: k as u32 % 5,
            mean_days_waited: Num(k as f64 / 7.0),
        }
    }

    /// Part `k` of a table of six parts of 0, 1, 2000, 3, 0 and 2500 rows.
    fn part(_: &RunOutput, k: usize) -> Vec<QueueRow> {
        let sizes = [0, 1, 2000, 3, 0, 2500];
        let first: usize = sizes[..k].iter().sum();
        (first..first + sizes[k]).map(row).collect()
    }

    #[test]
    fn a_table_written_in_parts_has_the_bytes_of_one_written_whole() {
        let sc = Scenario::load(std::path::Path::new("scenarios/fragmented.toml")).unwrap();
        let summary = crate::experiments::summarise(&sc, &[]);
        let run = || RunOutput { scenario: &sc, replications: &[], summary: &summary };
        let runs = [run(), run()];
        let all: Vec<QueueRow> =
            (0..2).flat_map(|_| (0..6).flat_map(|k| part(&runs[0], k))).collect();
        let mut whole = Vec::new();
        write_rows(&mut whole, all).unwrap();
        for threads in [1, 3] {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            let mut parts = Vec::new();
            let table = Table { name: "t.csv", parts: |_| 6, rows: part };
            pool.install(|| table.write(&runs, &mut parts)).unwrap();
            assert_eq!(
                String::from_utf8(parts).unwrap(),
                String::from_utf8(whole.clone()).unwrap()
            );
        }
    }
}
