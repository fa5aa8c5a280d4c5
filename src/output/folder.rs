//! Reading an output folder back: `summary.json`, the tidy CSVs and the resolved scenarios that
//! `run` and `compare` wrote. Plots ([`crate::output::plots`]) and the HTML report ([`crate::output::html`]) are
//! built only from what this module reads, so `reentry report DIR` redraws exactly the pictures
//! the run drew. Means over replications are taken here, in file order, so they are the same
//! numbers on every machine.

use crate::output::format::{flatten_toml, sanitize};
use crate::output::rows::{CostRow, MonthlyRow, Num, SummaryScenario, SurvivalRow};
pub use crate::output::rows::{ProvenanceRow, SummaryIndicator as IndicatorInfo};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// Everything the pictures and the report need from one output folder.
#[derive(Debug, Clone)]
pub struct Folder {
    pub dir: PathBuf,
    /// `"run"` or `"compare"`.
    pub command: String,
    pub version: String,
    /// In the order of `summary.json` (the baseline first in a comparison).
    pub scenarios: Vec<ScenarioInfo>,
    pub comparisons: Vec<ComparisonInfo>,
    pub provenance: Vec<ProvenanceRow>,
    /// The probabilistic sensitivity analysis (`psa.json`), when `compare --psa` ran.
    pub psa: Option<crate::psa::PsaReport>,
}

/// One scenario: its record in `summary.json` (read through, as `s.name`, `s.indicators`),
/// its curves and its resolved parameters.
#[derive(Debug, Clone)]
pub struct ScenarioInfo {
    pub summary: SummaryScenario,
    /// Reconviction incidence by day since first release, mean and 95% band.
    pub reconviction: Curve,
    pub monthly: Vec<MonthMeans>,
    /// Mean discounted cost per released citizen, `[payer][year]`, payers as [`PAYER_NAMES`].
    pub costs: Vec<Vec<f64>>,
    /// The part of the municipality's cost that is benefit payments (a transfer), per year.
    pub transfers: Vec<f64>,
    /// Per service (scenario order): label and mean waiting-list length per month.
    pub queues: Vec<QueueSeries>,
    /// Flattened resolved parameters (`key = value`), sorted by key.
    pub parameters: BTreeMap<String, String>,
}

/// The summary's fields read as the scenario's own: the page and the pictures were written
/// against them, and `summary.json` stays the one schema.
impl std::ops::Deref for ScenarioInfo {
    type Target = SummaryScenario;
    fn deref(&self) -> &SummaryScenario {
        &self.summary
    }
}

#[derive(Debug, Clone, Default)]
pub struct Curve {
    pub day: Vec<u32>,
    pub mean: Vec<f64>,
    pub lo: Vec<f64>,
    pub hi: Vec<f64>,
}

/// Cohort state at the end of one month, averaged over replications.
#[derive(Debug, Clone, Default)]
pub struct MonthMeans {
    pub month: u32,
    pub in_detention: f64,
    pub own_home: f64,
    pub supported_housing: f64,
    pub shelter: f64,
    pub homeless: f64,
    /// Recovery dimensions: self, person–network, person–society, person–victim.
    pub recovery: [f64; 4],
}

#[derive(Debug, Clone, Default)]
pub struct QueueSeries {
    pub service: String,
    pub label: String,
    pub months: Vec<u32>,
    pub waiting: Vec<f64>,
    /// Mean days waited so far by those on the list, per month.
    pub waited_days: Vec<f64>,
}

/// An estimate as `summary.json` writes it (undefined = null).
#[derive(Debug, Clone, Deserialize)]
pub struct JsonEstimate {
    pub mean: Option<f64>,
    pub lo: Option<f64>,
    pub hi: Option<f64>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DifferenceInfo {
    pub indicator: String,
    pub label: String,
    pub unit: String,
    pub baseline: JsonEstimate,
    pub alternative: JsonEstimate,
    pub difference: JsonEstimate,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PayerShiftInfo {
    pub payer: String,
    pub difference: JsonEstimate,
    pub verdict: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ComparisonInfo {
    pub baseline: String,
    pub alternative: String,
    pub differences: Vec<DifferenceInfo>,
    pub who_pays_who_gains: Vec<PayerShiftInfo>,
    pub societal_cost_difference: JsonEstimate,
    pub cost_per_reconviction_avoided: Option<f64>,
    /// `dominant`, `dominated`, … (absent in folders of older versions).
    #[serde(default)]
    pub cost_effectiveness: Option<String>,
    pub net_societal_benefit_per_citizen: JsonEstimate,
}

/// Payers in ledger order, as the CSV names them.
pub const PAYER_NAMES: [&str; 4] = ["justice", "municipality", "health", "victims_society"];

/// Files a folder must hold for a report; named in the error when one is missing.
pub const REQUIRED_FILES: [&str; 6] = [
    "summary.json",
    "survival.csv",
    "monthly.csv",
    "queues.csv",
    "costs_by_payer.csv",
    "provenance.csv",
];

#[derive(Deserialize)]
struct SummaryDoc {
    version: String,
    command: Option<String>,
    scenarios: Vec<SummaryScenario>,
    #[serde(default)]
    comparisons: Vec<ComparisonInfo>,
}

impl Folder {
    /// Reads a `run` or `compare` output folder; a missing or unreadable file is named.
    pub fn read(dir: &Path) -> Result<Folder, String> {
        if !dir.is_dir() {
            return Err(format!("{} is not a folder", dir.display()));
        }
        for name in REQUIRED_FILES {
            if !dir.join(name).is_file() {
                return Err(format!(
                    "{} is not a reentry output folder (or was written by an older version): \
                     {name} is missing",
                    dir.display()
                ));
            }
        }
        let doc: SummaryDoc = serde_json::from_str(&read_text(dir, "summary.json")?)
            .map_err(|e| format!("{}: {e}", dir.join("summary.json").display()))?;
        let names: Vec<String> = doc.scenarios.iter().map(|s| s.name.clone()).collect();
        // The tables and the scenarios' parameters are parsed in parallel, `queues.csv` (the
        // longest) beside all the others, then taken in the fixed order below (so a damaged
        // folder reports the same file first whatever the thread count).
        let small_tables = || {
            let costs_and_provenance = || {
                rayon::join(
                    || read_rows(dir, "costs_by_payer.csv"),
                    || read_rows(dir, "provenance.csv"),
                )
            };
            rayon::join(|| read_rows(dir, "monthly.csv"), costs_and_provenance)
        };
        let all_but_queues = || {
            let tables = || rayon::join(|| read_reconviction(dir), small_tables);
            rayon::join(|| scenario_parameters(dir, &names), tables)
        };
        let (queues, (parameters, (survival, (monthly, (costs, provenance))))) =
            rayon::join(|| read_queue_sums(dir, &names), all_but_queues);
        let mut scenarios: Vec<ScenarioInfo> = doc
            .scenarios
            .into_iter()
            .zip(parameters?)
            .map(|(summary, parameters)| ScenarioInfo {
                summary,
                reconviction: Curve::default(),
                monthly: Vec::new(),
                costs: vec![Vec::new(); PAYER_NAMES.len()],
                transfers: Vec::new(),
                queues: Vec::new(),
                parameters,
            })
            .collect();
        add_survival(survival?, &mut scenarios);
        add_monthly(monthly?, &mut scenarios);
        add_costs(costs?, &mut scenarios);
        add_queues(queues?, &mut scenarios);
        let provenance: Vec<ProvenanceRow> = provenance?;
        let psa = match dir.join("psa.json").is_file() {
            true => Some(
                serde_json::from_str(&read_text(dir, "psa.json")?)
                    .map_err(|e| format!("{}: {e}", dir.join("psa.json").display()))?,
            ),
            false => None,
        };
        Ok(Folder {
            dir: dir.to_path_buf(),
            command: doc.command.unwrap_or_else(|| "run".into()),
            version: doc.version,
            scenarios,
            comparisons: doc.comparisons,
            provenance,
            psa,
        })
    }

    pub fn is_comparison(&self) -> bool {
        self.command == "compare"
    }
}

impl ScenarioInfo {
    pub fn indicator(&self, name: &str) -> Option<&IndicatorInfo> {
        self.indicators.iter().find(|i| i.name == name)
    }
}

/// Each scenario's resolved parameters, flattened, from its `scenario-NAME.toml`.
fn scenario_parameters(
    dir: &Path,
    names: &[String],
) -> Result<Vec<BTreeMap<String, String>>, String> {
    let parameters = |name: &String| {
        let toml_name = format!("scenario-{}.toml", sanitize(name));
        let resolved = read_text(dir, &toml_name)?;
        flatten_toml(&resolved).map_err(|e| format!("{}: {e}", dir.join(&toml_name).display()))
    };
    names.iter().map(parameters).collect()
}

fn read_text(dir: &Path, name: &str) -> Result<String, String> {
    let path = dir.join(name);
    fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn read_rows<T: for<'de> Deserialize<'de>>(dir: &Path, name: &str) -> Result<Vec<T>, String> {
    read_rows_where(dir, name, |_| true)
}

/// The rows of `survival.csv` the report draws: reconviction's. The other events' rows (three
/// quarters of the largest table) are passed over without being parsed.
fn read_reconviction(dir: &Path) -> Result<Vec<SurvivalRow>, String> {
    read_rows_where(dir, "survival.csv", |event| event == Some("reconviction"))
}

/// The rows of table `name` whose `event` column (if the table has one) `keep` accepts.
fn read_rows_where<T: for<'de> Deserialize<'de>>(
    dir: &Path,
    name: &str,
    keep: impl Fn(Option<&str>) -> bool,
) -> Result<Vec<T>, String> {
    let mut rows = Vec::new();
    let mut event_column = None;
    for_each_record(dir, name, |record, headers| {
        let event = *event_column.get_or_insert_with(|| headers.iter().position(|h| h == "event"));
        if keep(event.and_then(|k| record.get(k))) {
            rows.push(record.deserialize(Some(headers))?);
        }
        Ok(())
    })?;
    Ok(rows)
}

/// The columns of `queues.csv` the report draws, borrowed from the record.
#[derive(Deserialize)]
struct QueueLine<'a> {
    scenario: &'a str,
    month: u32,
    service: &'a str,
    waiting: u32,
    mean_days_waited: Num,
}

/// Waiting and days waited summed per scenario (in the order of `names`), service (in file
/// order) and month, and the number of rows summed.
///
/// The report waits for this table, the longest it reads (17,000 rows for the shipped
/// scenarios), so it is parsed in two parts side by side, cut at the first line break after the
/// middle, and the parts' rows are summed in file order: the same sums to the bit. A table
/// with a quoted field (a scenario's name with a comma, say) is read in one part, since a
/// quoted field may hold a line break.
fn read_queue_sums(dir: &Path, names: &[String]) -> Result<Vec<QueueSums>, String> {
    let path = dir.join("queues.csv");
    let bytes = fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let cut = if bytes.contains(&b'"') { None } else { line_start_after_middle(&bytes) };
    let parts = match cut {
        None => vec![read_queue_part(&path, &bytes, None, names)?],
        Some(cut) => {
            let (first, rest) = rayon::join(
                || read_queue_part(&path, &bytes[..cut], None, names),
                || read_queue_part(&path, &bytes, Some(cut), names),
            );
            vec![first?, rest?]
        }
    };
    Ok(sum_queue_parts(&parts, names.len()))
}

/// The sums of [`read_queue_sums`] over the rows of `parts`, in order.
fn sum_queue_parts(parts: &[QueuePart], scenarios: usize) -> Vec<QueueSums> {
    let mut sums: Vec<QueueSums> = vec![Vec::new(); scenarios];
    for part in parts {
        for line in &part.lines {
            let list = &mut sums[line.scenario];
            let service = &part.services[line.service];
            let j =
                place_of(list, |(name, _)| name == service, || (service.clone(), BTreeMap::new()));
            let (waiting, waited, n) = list[j].1.entry(line.month).or_default();
            *waiting += f64::from(line.waiting);
            *waited += line.mean_days_waited;
            *n += 1;
        }
    }
    sums
}

/// The place in `list` of the first item `is` accepts, or of `new()` pushed at its end when
/// none does (a list in the order its items were first met).
fn place_of<T>(list: &mut Vec<T>, is: impl Fn(&T) -> bool, new: impl FnOnce() -> T) -> usize {
    list.iter().position(is).unwrap_or_else(|| {
        list.push(new());
        list.len() - 1
    })
}

/// Where the line after the middle of `bytes` starts, if it starts before the end.
fn line_start_after_middle(bytes: &[u8]) -> Option<usize> {
    let middle = bytes.len() / 2;
    let lf = bytes[middle..].iter().position(|&b| b == b'\n')?;
    Some(middle + lf + 1).filter(|&start| start < bytes.len())
}

/// One part of `queues.csv`: the rows of the scenarios in `names`, with their services by
/// their place in `services` (in the order the part first names them).
#[derive(Default)]
struct QueuePart {
    services: Vec<String>,
    lines: Vec<QueueNumbers>,
}

struct QueueNumbers {
    scenario: usize,
    service: usize,
    month: u32,
    waiting: u32,
    mean_days_waited: f64,
}

/// Reads the rows of `bytes` (the table in `path`) from its start, or from the line starting
/// at byte `from` on, under the table's header.
fn read_queue_part(
    path: &Path,
    bytes: &[u8],
    from: Option<usize>,
    names: &[String],
) -> Result<QueuePart, String> {
    let mut reader = csv::Reader::from_reader(std::io::Cursor::new(bytes));
    let mut part = QueuePart::default();
    let mut keep = |record: &csv::StringRecord, headers: &csv::StringRecord| {
        let row: QueueLine = record.deserialize(Some(headers))?;
        let Some(scenario) = names.iter().position(|name| name == row.scenario) else {
            return Ok(());
        };
        let service = place_of(&mut part.services, |s| s == row.service, || row.service.into());
        let (month, waiting, mean_days_waited) = (row.month, row.waiting, row.mean_days_waited.0);
        part.lines.push(QueueNumbers { scenario, service, month, waiting, mean_days_waited });
        Ok(())
    };
    match from {
        None => for_each_record_of(path, reader, &mut keep)?,
        Some(start) => {
            let headers = reader.headers().map_err(|e| damaged(path, None, e))?.clone();
            // Its place in the file, so that an error names the file's line.
            let line = 1 + bytes[..start].iter().filter(|&&b| b == b'\n').count() as u64;
            let mut at = csv::Position::new();
            at.set_byte(start as u64).set_line(line).set_record(line - 1);
            reader.seek(at).map_err(|e| damaged(path, None, e))?;
            for_each_record_after(path, reader, &headers, &mut keep)?;
        }
    }
    Ok(part)
}

/// Calls `each` with every record of table `name` and the table's header; an error names the
/// file and the line of the record.
fn for_each_record(
    dir: &Path,
    name: &str,
    each: impl FnMut(&csv::StringRecord, &csv::StringRecord) -> csv::Result<()>,
) -> Result<(), String> {
    let path = dir.join(name);
    let reader = csv::Reader::from_path(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    for_each_record_of(&path, reader, each)
}

/// [`for_each_record`] on a reader of the table in `path`, at its start.
fn for_each_record_of<R: std::io::Read>(
    path: &Path,
    mut reader: csv::Reader<R>,
    each: impl FnMut(&csv::StringRecord, &csv::StringRecord) -> csv::Result<()>,
) -> Result<(), String> {
    let headers = reader.headers().map_err(|e| damaged(path, None, e))?.clone();
    for_each_record_after(path, reader, &headers, each)
}

/// [`for_each_record`] on a reader past the table's `headers`.
fn for_each_record_after<R: std::io::Read>(
    path: &Path,
    mut reader: csv::Reader<R>,
    headers: &csv::StringRecord,
    mut each: impl FnMut(&csv::StringRecord, &csv::StringRecord) -> csv::Result<()>,
) -> Result<(), String> {
    let mut record = csv::StringRecord::new();
    while reader.read_record(&mut record).map_err(|e| damaged(path, None, e))? {
        // A record's own error does not say where it lies in the file.
        let line = record.position().map(|p| p.line());
        each(&record, headers).map_err(|e| damaged(path, line, e))?;
    }
    Ok(())
}

/// A damaged table's error, at `line` if known.
fn damaged(path: &Path, line: Option<u64>, e: csv::Error) -> String {
    let at = line.map(|line| format!("line {line}: ")).unwrap_or_default();
    format!(
        "{}: {at}{e}\n(written by another version of reentry? run the scenario again)",
        path.display()
    )
}

fn scenario_index(scenarios: &[ScenarioInfo], name: &str) -> Option<usize> {
    scenarios.iter().position(|s| s.name == name)
}

fn add_survival(rows: Vec<SurvivalRow>, scenarios: &mut [ScenarioInfo]) {
    for row in rows {
        if row.event != "reconviction" {
            continue;
        }
        let Some(k) = scenario_index(scenarios, &row.scenario) else { continue };
        let c = &mut scenarios[k].reconviction;
        c.day.push(row.day);
        c.mean.push(row.incidence.0);
        c.lo.push(row.lo95.0);
        c.hi.push(row.hi95.0);
    }
}

/// Sums per (scenario, month) in file order, then divides by the number of replications.
fn add_monthly(rows: Vec<MonthlyRow>, scenarios: &mut [ScenarioInfo]) {
    let mut sums: Vec<BTreeMap<u32, (MonthMeans, u32)>> = vec![BTreeMap::new(); scenarios.len()];
    for r in rows {
        let Some(k) = scenario_index(scenarios, &r.scenario) else { continue };
        let (m, n) = sums[k].entry(r.month).or_default();
        m.month = r.month;
        m.in_detention += f64::from(r.in_detention);
        m.own_home += f64::from(r.own_home);
        m.shelter += f64::from(r.shelter);
        m.supported_housing += f64::from(r.supported_housing);
        m.homeless += f64::from(r.homeless);
        let rec = [r.recovery_personal, r.recovery_social, r.recovery_societal, r.recovery_victim]
            .map(|x| x.0);
        for (acc, x) in m.recovery.iter_mut().zip(rec) {
            *acc += x;
        }
        *n += 1;
    }
    for (s, months) in scenarios.iter_mut().zip(sums) {
        s.monthly = months
            .into_values()
            .map(|(mut m, n)| {
                let n = n.max(1) as f64;
                for x in [
                    &mut m.in_detention,
                    &mut m.own_home,
                    &mut m.shelter,
                    &mut m.supported_housing,
                    &mut m.homeless,
                ] {
                    *x /= n;
                }
                m.recovery.iter_mut().for_each(|x| *x /= n);
                m
            })
            .collect();
    }
}

fn add_costs(rows: Vec<CostRow>, scenarios: &mut [ScenarioInfo]) {
    let reps: Vec<f64> = scenarios.iter().map(|s| s.replications.max(1) as f64).collect();
    for r in rows {
        let Some(k) = scenario_index(scenarios, &r.scenario) else { continue };
        let Some(p) = PAYER_NAMES.iter().position(|n| *n == r.payer) else { continue };
        let year = r.year.saturating_sub(1);
        let s = &mut scenarios[k];
        grow(&mut s.costs[p], year + 1);
        s.costs[p][year] += r.cost_discounted_per_citizen.0 / reps[k];
        if r.payer == "municipality" {
            grow(&mut s.transfers, year + 1);
            s.transfers[year] += transfers_per_citizen(&r) / reps[k];
        }
    }
}

/// The benefit payments within the municipality's cost, discounted and per released citizen.
/// Folders written before this column took that unit hold the cohort's undiscounted total,
/// which always exceeds the per-citizen cost beside it: those are scaled like the cost.
fn transfers_per_citizen(r: &CostRow) -> f64 {
    let (transfers, per_citizen) = (r.of_which_transfers.0, r.cost_discounted_per_citizen.0);
    if transfers <= per_citizen * (1.0 + 1e-9) {
        return transfers;
    }
    let cost = r.cost.0;
    if cost > 0.0 { transfers / cost * per_citizen } else { 0.0 }
}

fn grow(v: &mut Vec<f64>, len: usize) {
    if v.len() < len {
        v.resize(len, 0.0);
    }
}

/// Per service (first-seen order), per month: sums of list length and of days waited, and the
/// number of replications.
type QueueSums = Vec<(String, BTreeMap<u32, (f64, f64, u32)>)>;

/// Each scenario's waiting lists, month by month, from the sums of [`read_queue_sums`].
fn add_queues(sums: Vec<QueueSums>, scenarios: &mut [ScenarioInfo]) {
    for (s, list) in scenarios.iter_mut().zip(sums) {
        s.queues = list
            .into_iter()
            .map(|(service, months)| {
                let label = s
                    .parameters
                    .get(&format!("services.{service}.label"))
                    .map(|l| l.trim_matches('"').to_string())
                    .unwrap_or_else(|| programme_label(&service));
                QueueSeries {
                    label,
                    months: months.keys().copied().collect(),
                    waiting: months.values().map(|(w, _, n)| w / (*n).max(1) as f64).collect(),
                    waited_days: months.values().map(|(_, d, n)| d / (*n).max(1) as f64).collect(),
                    service,
                }
            })
            .collect();
    }
}

/// Words for the two coordination programmes, which have no `label` in the scenario.
fn programme_label(name: &str) -> String {
    match name {
        "case_manager" => "case management".into(),
        "veiligheidshuis" => "Veiligheidshuis coordination".into(),
        other => other.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transfers_are_read_per_citizen_also_from_folders_of_the_old_unit() {
        use crate::output::rows::Num;
        let row = |transfers: f64| CostRow {
            payer: "municipality".into(),
            cost: Num(20_000_000.0),
            cost_discounted_per_citizen: Num(9_000.0),
            of_which_transfers: Num(transfers),
            ..CostRow::default()
        };
        assert_eq!(transfers_per_citizen(&row(6_000.0)), 6_000.0);
        // The old unit: 12,000,000 of 20,000,000 in total is 60% of the 9,000 per citizen.
        assert!((transfers_per_citizen(&row(12_000_000.0)) - 5_400.0).abs() < 1e-9);
    }

    /// The tables of a run of the fragmented scenario (200 citizens, `replications`) written
    /// to a folder in `out`; the folder and the scenario's name.
    fn written_run(out: &Path, replications: u32) -> (PathBuf, String) {
        let mut raw = crate::scenario::Scenario::load(Path::new("scenarios/fragmented.toml"))
            .unwrap()
            .resolved;
        raw.population.size = 200;
        raw.scenario.replications = replications;
        let sc = crate::scenario::Scenario::from_raw(raw).unwrap();
        let reps = crate::experiments::run_replications(&sc, replications);
        let summary = crate::experiments::summarise(&sc, &reps);
        let runs = [crate::output::report::RunOutput {
            scenario: &sc,
            replications: &reps,
            summary: &summary,
        }];
        let dir = crate::output::outdir::OutputDir::prepare(&out.join("run"), false).unwrap();
        let (written, ()) = dir.fill(|dir| crate::output::write_outputs(dir, &runs)).unwrap();
        (written, sc.meta.name.clone())
    }

    #[test]
    fn a_damaged_folder_names_its_first_damaged_table_whatever_the_thread_count() {
        let out = tempfile::tempdir().unwrap();
        let (written, _) = written_run(out.path(), 2);
        Folder::read(&written).unwrap();
        // Two tables damaged: the one read first in the fixed order is named.
        fs::write(written.join("monthly.csv"), "scenario,month\nx,not-a-month\n").unwrap();
        fs::write(written.join("queues.csv"), "scenario,day\nx,not-a-day\n").unwrap();
        for threads in [1, 4] {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            for _ in 0..10 {
                let err = pool.install(|| Folder::read(&written)).unwrap_err();
                assert!(err.contains("monthly.csv: line 2: "), "{threads} threads: {err}");
            }
        }
    }

    #[test]
    fn queues_read_in_two_parts_sum_as_read_whole_and_errors_name_the_files_line() {
        let out = tempfile::tempdir().unwrap();
        let (written, name) = written_run(out.path(), 3);
        let names = vec![name];
        let path = written.join("queues.csv");
        let bytes = fs::read(&path).unwrap();
        let cut = line_start_after_middle(&bytes).unwrap();
        let whole = [read_queue_part(&path, &bytes, None, &names).unwrap()];
        let halves = [
            read_queue_part(&path, &bytes[..cut], None, &names).unwrap(),
            read_queue_part(&path, &bytes, Some(cut), &names).unwrap(),
        ];
        assert!(halves.iter().all(|part| !part.lines.is_empty()));
        assert_eq!(sum_queue_parts(&halves, 1), sum_queue_parts(&whole, 1));
        assert_eq!(read_queue_sums(&written, &names).unwrap(), sum_queue_parts(&whole, 1));
        // A damaged row in either part is named by its line in the file.
        let text = String::from_utf8(bytes).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for damaged in [3, lines.len() - 2] {
            let mut fields: Vec<&str> = lines[damaged].split(',').collect();
            fields[5] = "x";
            let bad = fields.join(",");
            let mut broken = lines.clone();
            broken[damaged] = &bad;
            fs::write(&path, broken.join("\n") + "\n").unwrap();
            let err = read_queue_sums(&written, &names).unwrap_err();
            assert!(err.contains(&format!("queues.csv: line {}: ", damaged + 1)), "{err}");
        }
    }

    #[test]
    fn a_folder_without_summary_is_refused_by_name() {
        let dir = std::env::temp_dir().join(format!("reentry-folder-test-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let err = Folder::read(&dir).unwrap_err();
        assert!(err.contains("summary.json is missing"), "{err}");
        let _ = fs::remove_dir_all(&dir);
    }
}
