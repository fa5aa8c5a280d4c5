//! The page's data: one compact JSON document (numbers rounded to what the page can show,
//! places run-length encoded, every story line stored once in a string table) inlined with
//! the page's HTML, CSS and script into one self-contained file.

use std::collections::HashMap;

use serde::Serialize;

use super::lesson::Lesson;
use super::simulate::{CURVE_STEP_DAYS, RunResult, SHOWN, SPOTS};
use crate::costs::PAYERS;
use crate::output::plots::{hex, payer_words, scenario_colour};

const TEMPLATE: &str = include_str!("page.html");
const STYLE: &str = include_str!("page.css");
const SCRIPT: &str = include_str!("page.js");

#[derive(Serialize)]
struct PageData<'a> {
    title: &'a str,
    intro: &'a str,
    questions: &'a [String],
    tool_version: &'static str,
    lesson_file: String,
    citizens: u32,
    replications: u32,
    horizon_days: u32,
    seed: u64,
    regimes: Vec<RegimeData<'a>>,
    levers: Vec<LeverData<'a>>,
    spots: Vec<[&'static str; 2]>,
    payers: Vec<[&'static str; 2]>,
    shown: &'static [&'static str],
    curve_step_days: u32,
    /// Per grid point, per regime: the run it shows.
    point_runs: &'a [Vec<usize>],
    runs: Vec<RunData>,
    watched: Vec<u32>,
    strings: Vec<String>,
}

#[derive(Serialize)]
struct RegimeData<'a> {
    name: &'a str,
    label: &'a str,
    explain: &'a str,
    colour: String,
}

#[derive(Serialize)]
struct LeverData<'a> {
    id: &'a str,
    label: &'a str,
    explain: &'a str,
    labels: &'a [String],
    start: usize,
    applies_to: &'a [usize],
}

#[derive(Serialize)]
struct RunData {
    numbers: Vec<Option<f64>>,
    curve: Vec<f64>,
    /// Per watched citizen: [spot, days, spot, days, ...].
    spots: Vec<Vec<u32>>,
    /// Per watched citizen: [day, string, day, string, ...] (string: index into `strings`).
    events: Vec<Vec<u32>>,
    /// Per watched citizen: index of their profile in `strings`.
    profiles: Vec<u32>,
    ends: Vec<[u32; 6]>,
}

/// Story lines stored once: many citizens share "released from prison".
#[derive(Default)]
struct Strings {
    list: Vec<String>,
    index: HashMap<String, u32>,
}

impl Strings {
    fn id(&mut self, s: &str) -> u32 {
        if let Some(&k) = self.index.get(s) {
            return k;
        }
        let k = self.list.len() as u32;
        self.list.push(s.to_string());
        self.index.insert(s.to_string(), k);
        k
    }
}

/// Rounds to what the page shows with a margin: shares to 0.001 pp, days and euros to 0.01.
fn compact(name: &str, x: f64) -> f64 {
    let scale = if name.starts_with("reconviction") { 1e5 } else { 100.0 };
    (x * scale).round() / scale
}

fn run_data(r: &RunResult, strings: &mut Strings) -> RunData {
    RunData {
        numbers: SHOWN.iter().zip(&r.numbers).map(|(n, x)| x.map(|x| compact(n, x))).collect(),
        curve: r.curve.iter().map(|x| (x * 1e5).round() / 1e5).collect(),
        spots: r
            .watched
            .iter()
            .map(|w| w.spots.iter().flat_map(|(s, n)| [*s as u32, *n]).collect())
            .collect(),
        events: r
            .watched
            .iter()
            .map(|w| w.events.iter().flat_map(|(d, t)| [*d, strings.id(t)]).collect())
            .collect(),
        profiles: r.watched.iter().map(|w| strings.id(&w.profile)).collect(),
        ends: r.watched.iter().map(|w| w.end).collect(),
    }
}

/// The whole page as one HTML document.
pub fn page(lesson: &Lesson, results: &[RunResult]) -> Result<String, String> {
    let first = &lesson.runs[0].scenario;
    let mut strings = Strings::default();
    let runs = results.iter().map(|r| run_data(r, &mut strings)).collect();
    let data = PageData {
        title: &lesson.title,
        intro: &lesson.intro,
        questions: &lesson.questions,
        tool_version: env!("CARGO_PKG_VERSION"),
        lesson_file: lesson
            .file
            .file_name()
            .map_or(String::new(), |n| n.to_string_lossy().into_owned()),
        citizens: first.population.size,
        replications: first.meta.replications,
        horizon_days: first.meta.horizon_days,
        seed: first.meta.seed,
        regimes: lesson
            .regimes
            .iter()
            .enumerate()
            .map(|(k, r)| RegimeData {
                name: &r.name,
                label: &r.label,
                explain: &r.explain,
                colour: hex(scenario_colour(k)),
            })
            .collect(),
        levers: lesson
            .levers
            .iter()
            .map(|l| LeverData {
                id: &l.id,
                label: &l.label,
                explain: &l.explain,
                labels: &l.labels,
                start: l.start,
                applies_to: &l.applies_to,
            })
            .collect(),
        spots: SPOTS.iter().map(|(k, l)| [*k, *l]).collect(),
        payers: PAYERS.iter().map(|p| [p.name(), payer_words(p.name())]).collect(),
        shown: &SHOWN,
        curve_step_days: CURVE_STEP_DAYS,
        point_runs: &lesson.point_runs,
        runs,
        watched: results
            .first()
            .map_or(Vec::new(), |r| r.watched.iter().map(|w| w.citizen).collect()),
        strings: Vec::new(),
    };
    let data = PageData { strings: strings.list, ..data };
    let json =
        serde_json::to_string(&data).map_err(|e| format!("cannot write the page data: {e}"))?;
    Ok(fill(&lesson.title, &json))
}

/// Puts title, style, data and script into the template. The JSON is made safe for a
/// `<script>` element (no `</` can close it early).
fn fill(title: &str, json: &str) -> String {
    TEMPLATE
        .replace("{{TITLE}}", &escape_html(title))
        .replace("/*{{STYLE}}*/", STYLE)
        .replace("{{DATA}}", &json.replace("</", "<\\/"))
        .replace("/*{{SCRIPT}}*/", SCRIPT)
}

fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_cannot_close_its_script_element() {
        let page = fill("a <b>", "{\"x\":\"</script><script>alert(1)</script>\"}");
        assert!(!page.contains("</script><script>alert"));
        assert!(page.contains("a &lt;b&gt;"));
    }

    #[test]
    fn strings_are_stored_once() {
        let mut s = Strings::default();
        assert_eq!(s.id("released"), 0);
        assert_eq!(s.id("arrested"), 1);
        assert_eq!(s.id("released"), 0);
        assert_eq!(s.list.len(), 2);
    }
}
