//! What users read: the terminal table and the output folder (tidy CSV, `summary.json`, the
//! resolved scenario). Every file format is one [`Exporter`]; the folder is written to a
//! staging directory and renamed into place at the end, so a failed or interrupted run never
//! leaves a half-written result and never silently replaces an earlier one.

use crate::costs::PAYERS;
use crate::experiments::{Summary, indicator_matrix, km};
use crate::outcomes::{EVENTS, ReplicationResult};
use crate::scenario::Scenario;
use crate::stats::{Estimate, mean_interval};
use serde::Serialize;
use std::io::{self, Write};

pub use crate::output::format::{finite, fmt_value, num, sanitize, thousands};
pub use crate::output::terminal::terminal_summary;

/// One scenario's results, as the exporters see them.
pub struct RunOutput<'a> {
    pub scenario: &'a Scenario,
    pub replications: &'a [ReplicationResult],
    pub summary: &'a Summary,
}

/// One output file.
pub trait Exporter {
    fn file_name(&self) -> &'static str;
    fn write(&self, runs: &[RunOutput], out: &mut dyn Write) -> io::Result<()>;
}

pub fn run_exporters() -> Vec<Box<dyn Exporter>> {
    vec![
        Box::new(SummaryCsv),
        Box::new(OutcomesCsv),
        Box::new(SurvivalCsv),
        Box::new(MonthlyCsv),
        Box::new(QueuesCsv),
        Box::new(ServicesCsv),
        Box::new(WaitingTimesCsv),
        Box::new(CostsCsv),
        Box::new(ProvenanceCsv),
        Box::new(SummaryJson),
    ]
}

/// The per-run files `reentry compare` writes next to its own (`differences.csv`,
/// `summary.json`).
pub fn compare_exporters() -> Vec<Box<dyn Exporter>> {
    vec![
        Box::new(SummaryCsv),
        Box::new(OutcomesCsv),
        Box::new(SurvivalCsv),
        Box::new(MonthlyCsv),
        Box::new(QueuesCsv),
        Box::new(ServicesCsv),
        Box::new(WaitingTimesCsv),
        Box::new(CostsCsv),
        Box::new(ProvenanceCsv),
    ]
}

fn csv_writer(out: &mut dyn Write) -> csv::Writer<&mut dyn Write> {
    csv::WriterBuilder::new().from_writer(out)
}

fn io_err(e: csv::Error) -> io::Error {
    io::Error::other(e)
}

struct SummaryCsv;
impl Exporter for SummaryCsv {
    fn file_name(&self) -> &'static str {
        "summary.csv"
    }
    fn write(&self, runs: &[RunOutput], out: &mut dyn Write) -> io::Result<()> {
        let mut w = csv_writer(out);
        w.write_record([
            "scenario",
            "indicator",
            "label",
            "unit",
            "mean",
            "lo95",
            "hi95",
            "sd",
            "replications",
        ])
        .map_err(io_err)?;
        for run in runs {
            for r in &run.summary.rows {
                let e = &r.estimate;
                w.write_record([
                    run.summary.scenario.as_str(),
                    &r.name,
                    &r.label,
                    r.unit,
                    &num(e.mean),
                    &num(e.lo),
                    &num(e.hi),
                    &num(e.sd),
                    &e.n.to_string(),
                ])
                .map_err(io_err)?;
            }
        }
        w.flush()
    }
}

struct OutcomesCsv;
impl Exporter for OutcomesCsv {
    fn file_name(&self) -> &'static str {
        "outcomes.csv"
    }
    fn write(&self, runs: &[RunOutput], out: &mut dyn Write) -> io::Result<()> {
        let mut w = csv_writer(out);
        w.write_record(["scenario", "replication", "indicator", "unit", "value"])
            .map_err(io_err)?;
        for run in runs {
            let (names, values) = indicator_matrix(run.scenario, run.replications);
            for (r, rep) in run.replications.iter().enumerate() {
                for (k, ind) in names.iter().enumerate() {
                    w.write_record([
                        run.summary.scenario.as_str(),
                        &rep.replication.to_string(),
                        &ind.name,
                        ind.unit,
                        &num(values[k][r]),
                    ])
                    .map_err(io_err)?;
                }
            }
        }
        w.flush()
    }
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

struct SurvivalCsv;
impl Exporter for SurvivalCsv {
    fn file_name(&self) -> &'static str {
        "survival.csv"
    }
    fn write(&self, runs: &[RunOutput], out: &mut dyn Write) -> io::Result<()> {
        let mut w = csv_writer(out);
        w.write_record(["scenario", "event", "day", "incidence", "lo95", "hi95", "survival"])
            .map_err(io_err)?;
        for run in runs {
            for (k, event) in EVENTS.iter().enumerate() {
                for (day, e) in survival_band(run, k).iter().enumerate() {
                    w.write_record([
                        run.summary.scenario.as_str(),
                        event.name(),
                        &day.to_string(),
                        &num(e.mean),
                        &num(e.lo),
                        &num(e.hi),
                        &num(1.0 - e.mean),
                    ])
                    .map_err(io_err)?;
                }
            }
        }
        w.flush()
    }
}

struct MonthlyCsv;
impl Exporter for MonthlyCsv {
    fn file_name(&self) -> &'static str {
        "monthly.csv"
    }
    fn write(&self, runs: &[RunOutput], out: &mut dyn Write) -> io::Result<()> {
        let mut w = csv_writer(out);
        w.write_record([
            "scenario",
            "replication",
            "month",
            "day",
            "in_detention",
            "own_home",
            "shelter",
            "supported_housing",
            "homeless",
            "active_addiction",
            "without_income",
            "on_benefit",
            "working",
            "on_probation",
            "with_case_manager",
            "ever_reconvicted",
            "recovery_personal",
            "recovery_social",
            "recovery_societal",
            "recovery_victim",
        ])
        .map_err(io_err)?;
        for run in runs {
            for rep in run.replications {
                for m in &rep.monthly {
                    let counts = [
                        m.in_detention,
                        m.own_home,
                        m.shelter,
                        m.supported_housing,
                        m.homeless,
                        m.active_addiction,
                        m.without_income,
                        m.on_benefit,
                        m.working,
                        m.on_probation,
                        m.with_case_manager,
                        m.ever_reconvicted,
                    ];
                    let mut row = vec![
                        run.summary.scenario.clone(),
                        rep.replication.to_string(),
                        m.month.to_string(),
                        m.day.to_string(),
                    ];
                    row.extend(counts.iter().map(|c| c.to_string()));
                    let r = &m.recovery;
                    row.extend(
                        [r.personal, r.social, r.societal, r.victim].iter().map(|x| num(*x)),
                    );
                    w.write_record(&row).map_err(io_err)?;
                }
            }
        }
        w.flush()
    }
}

struct QueuesCsv;
impl Exporter for QueuesCsv {
    fn file_name(&self) -> &'static str {
        "queues.csv"
    }
    fn write(&self, runs: &[RunOutput], out: &mut dyn Write) -> io::Result<()> {
        let mut w = csv_writer(out);
        w.write_record([
            "scenario",
            "replication",
            "month",
            "day",
            "service",
            "waiting",
            "occupied",
            "mean_days_waited",
        ])
        .map_err(io_err)?;
        for run in runs {
            for rep in run.replications {
                for m in &rep.monthly {
                    let services = run.scenario.services.iter().map(|s| s.name.as_str());
                    let names = services.chain(["case_manager", "veiligheidshuis"]);
                    for (p, name) in names.enumerate().take(m.queue.len()) {
                        w.write_record([
                            run.summary.scenario.as_str(),
                            &rep.replication.to_string(),
                            &m.month.to_string(),
                            &m.day.to_string(),
                            name,
                            &m.queue[p].to_string(),
                            &m.occupied[p].to_string(),
                            &num(m.waited_days.get(p).copied().unwrap_or(0.0)),
                        ])
                        .map_err(io_err)?;
                    }
                }
            }
        }
        w.flush()
    }
}

struct ServicesCsv;
impl Exporter for ServicesCsv {
    fn file_name(&self) -> &'static str {
        "services.csv"
    }
    fn write(&self, runs: &[RunOutput], out: &mut dyn Write) -> io::Result<()> {
        let mut w = csv_writer(out);
        w.write_record([
            "scenario",
            "replication",
            "programme",
            "referrals",
            "starts",
            "completions",
            "dropouts",
            "interruptions",
            "mean_wait_days",
            "median_days_to_start",
            "never_started_share",
            "max_waiting",
            "place_days",
        ])
        .map_err(io_err)?;
        for run in runs {
            let names: Vec<&str> = run
                .scenario
                .services
                .iter()
                .map(|s| s.name.as_str())
                .chain(["case_manager", "veiligheidshuis"])
                .collect();
            for rep in run.replications {
                for (p, (st, waits)) in rep.programmes.iter().zip(&rep.waits).enumerate() {
                    let median = waits.still_waiting().median().map_or(f64::NAN, f64::from);
                    let wait = if st.starts > 0 {
                        st.wait_days_total as f64 / st.starts as f64
                    } else {
                        0.0
                    };
                    w.write_record([
                        run.summary.scenario.as_str(),
                        &rep.replication.to_string(),
                        names[p],
                        &st.referrals.to_string(),
                        &st.starts.to_string(),
                        &st.completions.to_string(),
                        &st.dropouts.to_string(),
                        &st.interruptions.to_string(),
                        &num(wait),
                        &num(median),
                        &num(waits.never_started_share()),
                        &st.max_queue.to_string(),
                        &st.place_days.to_string(),
                    ])
                    .map_err(io_err)?;
                }
            }
        }
        w.flush()
    }
}

/// `waiting_times.csv`: per scenario and programme, the Kaplan–Meier curve of time to start,
/// pooled over replications, with waits that ended without a start censored. One row per day
/// on which a wait ended; `share_started` is `1 − S(day)`.
struct WaitingTimesCsv;
impl Exporter for WaitingTimesCsv {
    fn file_name(&self) -> &'static str {
        "waiting_times.csv"
    }
    fn write(&self, runs: &[RunOutput], out: &mut dyn Write) -> io::Result<()> {
        let mut w = csv_writer(out);
        w.write_record([
            "scenario",
            "programme",
            "days_waited",
            "at_risk",
            "started",
            "censored",
            "share_started",
        ])
        .map_err(io_err)?;
        for run in runs {
            let names = programme_names(run.scenario);
            for (p, name) in names.iter().enumerate() {
                let mut pooled = crate::services::WaitSpells::default();
                run.replications.iter().filter_map(|r| r.waits.get(p)).for_each(|x| pooled.add(x));
                let km = pooled.still_waiting();
                for t in 0..km.len() {
                    if km.events[t] + km.censored[t] == 0 {
                        continue;
                    }
                    w.write_record([
                        run.summary.scenario.as_str(),
                        name,
                        &t.to_string(),
                        &km.at_risk[t].to_string(),
                        &km.events[t].to_string(),
                        &km.censored[t].to_string(),
                        &num(1.0 - km.survival[t]),
                    ])
                    .map_err(io_err)?;
                }
            }
        }
        w.flush()
    }
}

/// Every programme's name, services first, in the order of the per-programme results.
fn programme_names(sc: &Scenario) -> Vec<&str> {
    sc.services.iter().map(|s| s.name.as_str()).chain(["case_manager", "veiligheidshuis"]).collect()
}

struct CostsCsv;
impl Exporter for CostsCsv {
    fn file_name(&self) -> &'static str {
        "costs_by_payer.csv"
    }
    fn write(&self, runs: &[RunOutput], out: &mut dyn Write) -> io::Result<()> {
        let mut w = csv_writer(out);
        w.write_record([
            "scenario",
            "replication",
            "payer",
            "year",
            "cost",
            "cost_discounted",
            "cost_discounted_per_citizen",
            "of_which_transfers",
        ])
        .map_err(io_err)?;
        for run in runs {
            let rate = run.scenario.costs.discount_rate;
            for rep in run.replications {
                let l = &rep.ledger;
                let n = rep.totals.released.max(1) as f64;
                for payer in PAYERS {
                    for y in 0..l.years {
                        let cost = l.payer_year(payer, y);
                        let disc = cost * crate::stats::discount_factor(rate, y);
                        let transfers = if payer == crate::scenario::Payer::Municipality {
                            l.transfers_by_year[y]
                        } else {
                            0.0
                        };
                        w.write_record([
                            run.summary.scenario.as_str(),
                            &rep.replication.to_string(),
                            payer.name(),
                            &(y + 1).to_string(),
                            &num(cost),
                            &num(disc),
                            &num(disc / n),
                            &num(transfers),
                        ])
                        .map_err(io_err)?;
                    }
                }
            }
        }
        w.flush()
    }
}

/// `provenance.csv`: every parameter's resolved value and its source, for the report.
struct ProvenanceCsv;
impl Exporter for ProvenanceCsv {
    fn file_name(&self) -> &'static str {
        "provenance.csv"
    }
    fn write(&self, runs: &[RunOutput], out: &mut dyn Write) -> io::Result<()> {
        let mut w = csv_writer(out);
        w.write_record(["scenario", "key", "value", "source", "file"]).map_err(io_err)?;
        for run in runs {
            for p in crate::output::provenance::provenance_of(run.scenario) {
                w.write_record([
                    run.summary.scenario.as_str(),
                    &p.key,
                    &p.value,
                    &p.source,
                    &p.file,
                ])
                .map_err(io_err)?;
            }
        }
        w.flush()
    }
}

#[derive(Serialize)]
struct JsonScenario<'a> {
    name: &'a str,
    description: &'a str,
    regime: &'a str,
    files: Vec<String>,
    seed: u64,
    replications: u32,
    citizens: u32,
    horizon_days: u32,
    discount_rate: f64,
    indicators: Vec<JsonIndicator<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cohort_note: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonIndicator<'a> {
    name: &'a str,
    label: &'a str,
    unit: &'a str,
    mean: Option<f64>,
    lo95: Option<f64>,
    hi95: Option<f64>,
    sd: Option<f64>,
}

pub fn json_scenario(run: &RunOutput) -> serde_json::Value {
    let s = run.summary;
    let js = JsonScenario {
        name: &s.scenario,
        description: &s.description,
        regime: &run.scenario.regime.name,
        files: run.scenario.files.iter().map(|p| p.display().to_string()).collect(),
        seed: s.seed,
        replications: s.replications,
        citizens: s.citizens,
        horizon_days: s.horizon_days,
        discount_rate: s.discount_rate,
        indicators: s
            .rows
            .iter()
            .map(|r| JsonIndicator {
                name: &r.name,
                label: &r.label,
                unit: r.unit,
                mean: finite(r.estimate.mean),
                lo95: finite(r.estimate.lo),
                hi95: finite(r.estimate.hi),
                sd: finite(r.estimate.sd),
            })
            .collect(),
        cohort_note: run.scenario.cohort_note.as_deref(),
    };
    serde_json::to_value(js).unwrap_or(serde_json::Value::Null)
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

// ----- the output folder -----

/// The staged output folder lives in [`crate::output::outdir`]; re-exported where it always was.
pub use crate::output::outdir::OutputDir;

/// Writes every exporter's file plus the resolved scenario(s).
pub fn write_outputs(dir: &OutputDir, runs: &[RunOutput]) -> Result<(), String> {
    write_with(dir, runs, &run_exporters())
}

/// Writes the given exporters' files plus the resolved scenario(s).
pub fn write_with(
    dir: &OutputDir,
    runs: &[RunOutput],
    exporters: &[Box<dyn Exporter>],
) -> Result<(), String> {
    for exporter in exporters {
        dir.write_file(exporter.file_name(), |w| exporter.write(runs, w))?;
    }
    for run in runs {
        let text = toml::to_string(&run.scenario.resolved)
            .map_err(|e| format!("cannot write scenario: {e}"))?;
        let name = format!("scenario-{}.toml", sanitize(&run.scenario.meta.name));
        dir.write_file(&name, |w| w.write_all(text.as_bytes()))?;
    }
    Ok(())
}
