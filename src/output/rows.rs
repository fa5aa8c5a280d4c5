//! The schema of an output folder: one row type per CSV file and the `summary.json` scenario
//! record, each derived with serde and used both to write the file
//! ([`crate::output::report`]) and to read it back ([`crate::output::folder`]). A column is
//! added, renamed or moved in one place, and the header follows the field names.
//!
//! Floats are [`Num`]: written by [`num`] (fixed, short, `NA` when undefined) and read back
//! with `NA` as NaN, so a file reads back as the numbers that were written.

use crate::output::format::{ShortText, num, write_num};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::io::{self, Write};

/// A float in a CSV file, written as [`num`] writes it.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Num(pub f64);

impl Serialize for Num {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut short = ShortText::new();
        match write_num(&mut short, self.0) {
            Ok(()) => s.serialize_str(short.as_str()),
            // Only a huge whole number is longer than the buffer.
            Err(_) => s.serialize_str(&num(self.0)),
        }
    }
}

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(NumVisitor)
    }
}

/// Reads a [`Num`] from the field's text where it lies, without a copy.
struct NumVisitor;

impl serde::de::Visitor<'_> for NumVisitor {
    type Value = Num;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a number or NA")
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Num, E> {
        if text == "NA" {
            return Ok(Num(f64::NAN));
        }
        text.parse().map(Num).map_err(|_| E::custom(format!("`{text}` is not a number or NA")))
    }
}

/// For `#[serde(serialize_with = "as_num")]`: a float field of a type that also serves
/// elsewhere, written in a CSV as [`num`] writes it.
pub fn as_num<S: Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
    Num(*x).serialize(s)
}

/// As [`as_num`], an absent value written as `NA`.
pub fn as_num_or_na<S: Serializer>(x: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    Num(x.unwrap_or(f64::NAN)).serialize(s)
}

/// Writes `rows` as CSV under the header their type's field names make; the header is written
/// even when there are no rows, so an empty table still says what it would hold.
pub fn write_rows<R: Serialize + Default>(
    out: &mut dyn Write,
    rows: impl IntoIterator<Item = R>,
) -> io::Result<()> {
    let mut w = csv::WriterBuilder::new().has_headers(false).from_writer(out);
    w.write_record(&header::<R>()?).map_err(io::Error::other)?;
    serialize_rows(&mut w, rows)?;
    w.flush()
}

/// `rows` as CSV text without the header: a part of a table written in parts, whose text is
/// that of the same rows in [`write_rows`] (a row's text does not depend on the rows before).
pub fn rows_text<R: Serialize>(rows: impl IntoIterator<Item = R>) -> io::Result<Vec<u8>> {
    let mut w = csv::WriterBuilder::new().has_headers(false).from_writer(Vec::new());
    serialize_rows(&mut w, rows)?;
    w.into_inner().map_err(|e| io::Error::other(e.to_string()))
}

fn serialize_rows<W: Write, R: Serialize>(
    w: &mut csv::Writer<W>,
    rows: impl IntoIterator<Item = R>,
) -> io::Result<()> {
    rows.into_iter().try_for_each(|row| w.serialize(row).map_err(io::Error::other))
}

/// The header csv's serde writer derives from `R`'s field names.
pub fn header<R: Serialize + Default>() -> io::Result<csv::StringRecord> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.serialize(R::default()).map_err(io::Error::other)?;
    let bytes = w.into_inner().map_err(|e| io::Error::other(e.to_string()))?;
    let mut r = csv::ReaderBuilder::new().has_headers(false).from_reader(bytes.as_slice());
    r.records().next().unwrap_or_else(|| Ok(csv::StringRecord::new())).map_err(io::Error::other)
}

/// `summary.csv`: one row per scenario and indicator.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SummaryRow {
    pub scenario: String,
    pub indicator: String,
    pub label: String,
    pub unit: String,
    pub mean: Num,
    pub lo95: Num,
    pub hi95: Num,
    pub sd: Num,
    pub replications: usize,
}

/// `outcomes.csv`: one row per scenario, replication and indicator.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct OutcomeRow {
    pub scenario: String,
    pub replication: u32,
    pub indicator: String,
    pub unit: String,
    pub value: Num,
}

/// `survival.csv`: cumulative incidence of one event by day since first release.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SurvivalRow {
    pub scenario: String,
    pub event: String,
    pub day: u32,
    pub incidence: Num,
    pub lo95: Num,
    pub hi95: Num,
    pub survival: Num,
}

/// `monthly.csv`: the cohort's state at the end of each month of one replication.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct MonthlyRow {
    pub scenario: String,
    pub replication: u32,
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
    pub recovery_personal: Num,
    pub recovery_social: Num,
    pub recovery_societal: Num,
    pub recovery_victim: Num,
}

/// `queues.csv`: each programme's waiting list and occupied places at the end of each month.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct QueueRow {
    pub scenario: String,
    pub replication: u32,
    pub month: u32,
    pub day: u32,
    pub service: String,
    pub waiting: u32,
    pub occupied: u32,
    pub mean_days_waited: Num,
}

/// `services.csv`: each programme's flows in one replication.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ServiceRow {
    pub scenario: String,
    pub replication: u32,
    pub programme: String,
    pub referrals: u64,
    pub starts: u64,
    pub completions: u64,
    pub dropouts: u64,
    pub interruptions: u64,
    pub mean_wait_days: Num,
    pub median_days_to_start: Num,
    pub never_started_share: Num,
    pub max_waiting: u32,
    pub place_days: u64,
}

/// `waiting_times.csv`: one day of a programme's pooled Kaplan–Meier curve of time to start.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct WaitingTimeRow {
    pub scenario: String,
    pub programme: String,
    pub days_waited: usize,
    pub at_risk: u32,
    pub started: u32,
    pub censored: u32,
    pub share_started: Num,
}

/// `costs_by_payer.csv`: one payer's cost in one year of one replication. Every money column
/// after `cost_discounted` is discounted and per released citizen, `of_which_transfers` (the
/// benefit payments within the municipality's cost) included.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CostRow {
    pub scenario: String,
    pub replication: u32,
    pub payer: String,
    pub year: usize,
    pub cost: Num,
    pub cost_discounted: Num,
    pub cost_discounted_per_citizen: Num,
    pub of_which_transfers: Num,
}

/// `provenance.csv`: every parameter's resolved value and its source.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ProvenanceRow {
    pub scenario: String,
    pub key: String,
    pub value: String,
    pub source: String,
    pub file: String,
}

/// One scenario in `summary.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SummaryScenario {
    pub name: String,
    pub description: String,
    pub regime: String,
    pub files: Vec<String>,
    pub seed: u64,
    pub replications: u32,
    pub citizens: u32,
    pub horizon_days: u32,
    pub discount_rate: f64,
    pub indicators: Vec<SummaryIndicator>,
    /// Set when the command line changed the cohort but not the capacities.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cohort_note: Option<String>,
}

/// One indicator of a scenario in `summary.json`; JSON has no NaN, so an undefined estimate
/// (a median never reached, an interval of one replication) is null.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SummaryIndicator {
    pub name: String,
    pub label: String,
    pub unit: String,
    pub mean: Option<f64>,
    pub lo95: Option<f64>,
    pub hi95: Option<f64>,
    #[serde(default)]
    pub sd: Option<f64>,
}

/// One bar of a tornado (`tornado.csv`, and the PSA's tornado in `psa.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TornadoBar {
    pub outcome: String,
    pub parameter: String,
    pub rank: usize,
    pub low_value: f64,
    pub high_value: f64,
    pub outcome_at_median: f64,
    pub outcome_at_low: f64,
    pub outcome_at_high: f64,
    /// |outcome_at_high − outcome_at_low|.
    pub swing: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The headers as the hand-kept lists wrote them before the row types: a renamed or moved
    /// field changes a published column, so it must be a deliberate change of this list too.
    #[test]
    fn the_headers_are_the_published_columns() {
        fn line<R: Serialize + Default>() -> String {
            header::<R>().unwrap().iter().collect::<Vec<_>>().join(",")
        }
        assert_eq!(
            line::<SummaryRow>(),
            "scenario,indicator,label,unit,mean,lo95,hi95,sd,replications"
        );
        assert_eq!(line::<OutcomeRow>(), "scenario,replication,indicator,unit,value");
        assert_eq!(line::<SurvivalRow>(), "scenario,event,day,incidence,lo95,hi95,survival");
        assert_eq!(
            line::<MonthlyRow>(),
            "scenario,replication,month,day,in_detention,own_home,shelter,supported_housing,\
             homeless,active_addiction,without_income,on_benefit,working,on_probation,\
             with_case_manager,ever_reconvicted,recovery_personal,recovery_social,\
             recovery_societal,recovery_victim"
        );
        assert_eq!(
            line::<QueueRow>(),
            "scenario,replication,month,day,service,waiting,occupied,mean_days_waited"
        );
        assert_eq!(
            line::<ServiceRow>(),
            "scenario,replication,programme,referrals,starts,completions,dropouts,interruptions,\
             mean_wait_days,median_days_to_start,never_started_share,max_waiting,place_days"
        );
        assert_eq!(
            line::<WaitingTimeRow>(),
            "scenario,programme,days_waited,at_risk,started,censored,share_started"
        );
        assert_eq!(
            line::<CostRow>(),
            "scenario,replication,payer,year,cost,cost_discounted,cost_discounted_per_citizen,\
             of_which_transfers"
        );
        assert_eq!(line::<ProvenanceRow>(), "scenario,key,value,source,file");
    }

    #[test]
    fn an_empty_table_still_has_its_header() {
        let mut out = Vec::new();
        write_rows::<ProvenanceRow>(&mut out, []).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "scenario,key,value,source,file\n");
    }

    #[test]
    fn rows_read_back_as_written_with_na_as_nan() {
        let row = SurvivalRow {
            scenario: "a, b".into(),
            event: "reconviction".into(),
            day: 3,
            incidence: Num(0.25),
            lo95: Num(f64::NAN),
            hi95: Num(1.0),
            survival: Num(0.75),
        };
        let mut out = Vec::new();
        write_rows(&mut out, [row]).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "scenario,event,day,incidence,lo95,hi95,survival\n\"a, b\",reconviction,3,0.250000,NA,1,0.750000\n"
        );
        let back: Vec<SurvivalRow> = csv::Reader::from_reader(text.as_bytes())
            .deserialize()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(back[0].scenario, "a, b");
        assert!(back[0].lo95.0.is_nan());
        assert_eq!(back[0].incidence, Num(0.25));
    }

    #[test]
    fn a_number_that_is_not_one_is_refused() {
        let text = "scenario,event,day,incidence,lo95,hi95,survival\na,b,1,x,1,1,1\n";
        let back: Result<Vec<SurvivalRow>, _> =
            csv::Reader::from_reader(text.as_bytes()).deserialize().collect();
        assert!(back.unwrap_err().to_string().contains("`x` is not a number"));
    }

    #[test]
    fn a_huge_number_is_written_whole() {
        let mut out = csv::Writer::from_writer(Vec::new());
        out.serialize((Num(1e300), Num(-1e20), Num(0.5))).unwrap();
        let text = String::from_utf8(out.into_inner().unwrap()).unwrap();
        let fields: Vec<&str> = text.trim_end().split(',').collect();
        assert_eq!(fields[0].parse::<f64>().unwrap(), 1e300);
        assert_eq!(fields[1], "-100000000000000000000.000000");
        assert_eq!(fields[2], "0.500000");
    }
}
