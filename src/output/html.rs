//! `report.html`: one self-contained page a policymaker can open offline, answer first — the
//! headline (effect on reconviction, cost per payer and for society, dominant or not, with 95%
//! intervals), who pays and who gains with benefit payments split from services, the
//! surprises the data show and why, the levers in plain words, then the question, the
//! scenarios, every result, the pictures (inline SVG), where every parameter value comes
//! from, and how to reproduce the run. In English or Dutch ([`Lang`]), numbers rounded for
//! reading; on a phone the tables stack. It is built only from the output folder
//! ([`Folder`]), with no date and no machine-specific text, so the same folder and language
//! always give the same bytes.

use crate::output::folder::{ComparisonInfo, Folder, JsonEstimate, ProvenanceRow, ScenarioInfo};
use crate::output::format::{esc, sanitize};
use crate::output::lang::{Lang, Phrase, fill};
use crate::output::lever_words;
use crate::output::plots::{Plot, hex, render_all, scenario_colour};
use crate::output::words::{self as w, signed, value};
use std::fmt::Write as _;
use std::path::Path;

/// The file in an output folder that records the language of its report, so that
/// `reentry report DIR` redraws it in the same language unless told otherwise.
pub const SETTINGS_FILE: &str = "report.json";

/// The language recorded in `dir` (None for folders written before it was recorded).
pub fn folder_lang(dir: &Path) -> Result<Option<Lang>, String> {
    let path = dir.join(SETTINGS_FILE);
    if !path.is_file() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let doc: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    match doc.get("lang").and_then(|l| l.as_str()) {
        Some(code) => code.parse().map(Some).map_err(|e| format!("{}: lang: {e}", path.display())),
        None => Err(format!("{}: no \"lang\" (allowed values: en, nl)", path.display())),
    }
}

/// [`SETTINGS_FILE`] recording `lang`, as (name, bytes).
pub fn settings_file(lang: Lang) -> (String, Vec<u8>) {
    (SETTINGS_FILE.into(), format!("{{\n  \"lang\": \"{lang}\"\n}}\n").into_bytes())
}

/// The files a report consists of, relative to the output folder: `plots/*.svg`,
/// `plots/*.png`, `report.html` and the language it is in ([`SETTINGS_FILE`]).
pub fn report_files(f: &Folder, lang: Lang) -> Result<Vec<(String, Vec<u8>)>, String> {
    let plots = report_plots(f, lang)?;
    let pictures = plot_files(&plots).into_iter().map(|(name, bytes)| (name, bytes.to_vec()));
    Ok(pictures.chain(page_files(f, &plots, lang)).collect())
}

/// The pictures of a report: the folder's charts and, after a PSA, its own.
pub fn report_plots(f: &Folder, lang: Lang) -> Result<Vec<Plot>, String> {
    let mut plots = render_all(f, lang)?;
    plots.extend(crate::output::psa_report::plots(f, lang)?);
    Ok(plots)
}

/// Each picture's two files, `plots/STEM.svg` and `plots/STEM.png`, borrowed.
pub fn plot_files(plots: &[Plot]) -> Vec<(String, &[u8])> {
    let mut files = Vec::with_capacity(2 * plots.len());
    for p in plots {
        files.push((format!("plots/{}.svg", p.stem), p.svg.as_bytes()));
        files.push((format!("plots/{}.png", p.stem), &p.png[..]));
    }
    files
}

/// `report.html` with `plots`, and the language it is in ([`SETTINGS_FILE`]).
pub fn page_files(f: &Folder, plots: &[Plot], lang: Lang) -> [(String, Vec<u8>); 2] {
    [("report.html".into(), report_html(f, plots, lang).into_bytes()), settings_file(lang)]
}

/// On a narrow screen (a phone) the tables marked `stack` become one card per row, each cell
/// with its column's name (`data-label`); other tables scroll inside themselves.
pub(crate) const STYLE: &str = "body{font-family:'DejaVu Sans',Verdana,Arial,sans-serif;max-width:1060px;\
margin:2em auto;padding:0 1em;color:#222;line-height:1.45}\
h1{font-size:1.7em}h2{margin-top:2em;border-bottom:2px solid #ddd;padding-bottom:.2em}\
table{border-collapse:collapse;margin:1em 0;font-size:.92em}\
th,td{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}\
th{background:#f3f3f3}td.num{text-align:right;white-space:nowrap}\
.swatch{display:inline-block;width:.9em;height:.9em;margin-right:.4em;vertical-align:middle}\
figure{margin:1.5em 0}figcaption{color:#444;font-size:.92em;max-width:60em}\
svg{max-width:100%;height:auto}code,pre{background:#f6f6f6}pre{padding:.6em;overflow-x:auto}\
code{overflow-wrap:anywhere}small.key{color:#666;display:block}\
p.answer{font-size:1.12em}tr.sub td:first-child{padding-left:1.6em}tr.total td,tr.total th{font-weight:bold}\
.gains{color:#0072b2;font-weight:bold}.pays{color:#d55e00;font-weight:bold}.note{color:#555}.warning{border-left:4px solid #d55e00;padding-left:.5em}\
@media (max-width:640px){body{margin:1em auto;padding:0 .7em}h1{font-size:1.35em}\
table{display:block;overflow-x:auto;max-width:100%}\
table.stack,table.stack tbody,table.stack tr,table.stack td,table.stack th{display:block;width:auto}\
table.stack tr.head{display:none}table.stack tr{border:1px solid #ccc;margin:.5em 0;padding:.2em 0}\
table.stack td,table.stack th{border:none;text-align:left;white-space:normal;padding:.15em .5em}\
table.stack td[data-label]::before{content:attr(data-label) \": \";color:#555;font-weight:normal}\
tr.sub td:first-child{padding-left:.5em}}";

/// The whole page.
pub fn report_html(f: &Folder, plots: &[Plot], lang: Lang) -> String {
    let p = Page { f, l: lang };
    let mut h = String::new();
    let names: Vec<&str> = f.scenarios.iter().map(|s| s.name.as_str()).collect();
    let title = if f.is_comparison() {
        format!("reentry: {}", fill(p.t(&w::COMPARED), &[&names.join(" / ")]))
    } else {
        format!("reentry: {}", names.join(", "))
    };
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{}</h1>\n",
        lang.code(),
        esc(&title),
        esc(&title)
    );
    p.headline(&mut h);
    if f.is_comparison() {
        p.who_pays(&mut h);
    }
    crate::output::surprises::section(&mut h, f, lang);
    p.levers(&mut h);
    p.question(&mut h);
    p.scenarios(&mut h);
    p.all_results(&mut h);
    crate::output::psa_report::sections(&mut h, f, lang);
    p.pictures(&mut h, plots);
    p.provenance(&mut h);
    p.reproduce(&mut h);
    h.push_str("</body>\n</html>\n");
    h
}

/// The folder and the language the page is written in.
struct Page<'a> {
    f: &'a Folder,
    l: Lang,
}

fn opt(x: Option<f64>) -> f64 {
    x.unwrap_or(f64::NAN)
}

fn swatch(i: usize) -> String {
    format!("<span class=\"swatch\" style=\"background:{}\"></span>", hex(scenario_colour(i)))
}

/// A table cell with its column's name for the stacked (phone) layout.
fn td(label: &str, class: &str, content: &str) -> String {
    let class = if class.is_empty() { String::new() } else { format!(" class=\"{class}\"") };
    if content.is_empty() {
        return format!("<td{class}></td>");
    }
    format!("<td data-label=\"{}\"{class}>{content}</td>", esc(label))
}

/// The header row of a stacked table (hidden on a phone, where each cell names itself).
fn head_row(cells: &[String]) -> String {
    let cells: String = cells.iter().map(|c| format!("<th>{c}</th>")).collect();
    format!("<tr class=\"head\">{cells}</tr>\n")
}

impl Page<'_> {
    fn t(&self, p: &Phrase) -> &'static str {
        self.l.pick(p)
    }

    fn with_interval(&self, unit: &str, mean: f64, lo: f64, hi: f64) -> String {
        format!(
            "{} <span class=\"note\">[{}, {}]</span>",
            esc(&value(self.l, unit, mean)),
            esc(&value(self.l, unit, lo)),
            esc(&value(self.l, unit, hi))
        )
    }

    fn diff_with_interval(&self, unit: &str, e: &JsonEstimate) -> String {
        format!(
            "{} <span class=\"note\">[{}, {}]</span>",
            esc(&signed(self.l, unit, opt(e.mean))),
            esc(&signed(self.l, unit, opt(e.lo))),
            esc(&signed(self.l, unit, opt(e.hi)))
        )
    }

    fn scenario_label(&self, s: &ScenarioInfo, i: usize) -> String {
        format!("{}{}", swatch(i), esc(&s.name))
    }

    // ----- the answer -----

    fn headline(&self, h: &mut String) {
        let f = self.f;
        h.push_str("<section id=\"headline\">\n");
        let _ = writeln!(h, "<h2>{}</h2>", self.t(&w::ANSWER));
        if f.scenarios.iter().any(|s| s.replications < 2) {
            let _ = writeln!(h, "<p class=\"warning\">{}</p>", esc(self.t(&w::ONE_REPLICATION)));
        }
        if f.is_comparison() {
            for c in &f.comparisons {
                self.answer_compare(h, c);
            }
        } else {
            self.answer_run(h);
        }
        crate::output::psa_report::headline(h, f, self.l);
        h.push_str("</section>\n");
    }

    fn answer_compare(&self, h: &mut String, c: &ComparisonInfo) {
        let f = self.f;
        let alt = f.scenarios.iter().position(|s| s.name == c.alternative).unwrap_or(1);
        let (Some(base_s), Some(alt_s)) = (f.scenarios.first(), f.scenarios.get(alt)) else {
            return;
        };
        let _ = writeln!(
            h,
            "<h3>{}</h3>\n<p class=\"answer\">{}</p>",
            fill(
                self.t(&w::VS_BASELINE),
                &[&self.scenario_label(alt_s, alt), &self.scenario_label(base_s, 0)]
            ),
            self.key_sentence(c)
        );
        let _ = writeln!(
            h,
            "<p class=\"note\">{} {}</p>",
            esc(self.t(&w::PER_CITIZEN_NOTE)),
            esc(self.t(&w::PAIRED_NOTE))
        );
        let cols = [
            self.t(&w::INDICATOR).to_string(),
            format!("{} ({})", esc(&c.baseline), self.t(&w::BASELINE)),
            esc(&c.alternative),
            self.t(&w::DIFFERENCE).to_string(),
        ];
        let _ = write!(h, "<table class=\"stack headline\">\n{}", head_row(&cols));
        for name in ["reconviction_2y", "reconviction_5y", "detention_days", "days_homeless"] {
            if let Some(d) = c.differences.iter().find(|d| d.indicator == name) {
                self.difference_row(h, &cols, d, "");
            }
        }
        for name in ["cost_justice", "cost_municipality", "cost_health", "cost_victims_society"] {
            if let Some(d) = c.differences.iter().find(|d| d.indicator == name) {
                self.difference_row(h, &cols, d, "");
            }
        }
        if let Some(d) = c.differences.iter().find(|d| d.indicator == "cost_societal") {
            self.difference_row(h, &cols, d, "total");
        }
        h.push_str("</table>\n");
    }

    fn difference_row(
        &self,
        h: &mut String,
        cols: &[String; 4],
        d: &crate::output::folder::DifferenceInfo,
        class: &str,
    ) {
        let cell =
            |e: &JsonEstimate| self.with_interval(&d.unit, opt(e.mean), opt(e.lo), opt(e.hi));
        let class = if class.is_empty() { String::new() } else { format!(" class=\"{class}\"") };
        let _ = writeln!(
            h,
            "<tr{class}>{}{}{}{}</tr>",
            td(&cols[0], "", &esc(&w::indicator(self.l, &d.indicator, &d.label))),
            td(&cols[1], "num", &cell(&d.baseline)),
            td(&cols[2], "num", &cell(&d.alternative)),
            td(&cols[3], "num", &self.diff_with_interval(&d.unit, &d.difference))
        );
    }

    /// The comparison in two or three plain sentences: reconviction, society's money, verdict.
    fn key_sentence(&self, c: &ComparisonInfo) -> String {
        let l = self.l;
        let mut out = String::new();
        if let Some(d) = c.differences.iter().find(|d| d.indicator == "reconviction_2y") {
            let e = &d.difference;
            let how = if opt(e.hi) < 0.0 {
                self.t(&w::CLEARLY_LOWER)
            } else if opt(e.lo) > 0.0 {
                self.t(&w::CLEARLY_HIGHER)
            } else {
                self.t(&w::NOT_CLEARLY_DIFFERENT)
            };
            let change = format!("{}, {how}", signed(l, "share", opt(e.mean)));
            out.push_str(&esc(&fill(
                self.t(&w::RECONVICTION_SENTENCE),
                &[
                    &value(l, "share", opt(d.baseline.mean)),
                    &value(l, "share", opt(d.alternative.mean)),
                    &change,
                ],
            )));
            out.push(' ');
        }
        let net = &c.net_societal_benefit_per_citizen;
        if opt(net.mean).is_finite() {
            let (phrase, sign) = if opt(net.mean) >= 0.0 {
                (&w::SAVES_SOCIETY, 1.0)
            } else {
                (&w::COSTS_SOCIETY, -1.0)
            };
            // The interval of what is saved (or spent), in the sentence's own direction.
            let (a, b) = (sign * opt(net.lo), sign * opt(net.hi));
            out.push_str(&esc(&fill(
                self.t(phrase),
                &[&l.euros(sign * opt(net.mean)), &l.euros(a.min(b)), &l.euros(a.max(b))],
            )));
            out.push(' ');
        }
        let verdict = match (c.cost_per_reconviction_avoided, c.cost_effectiveness.as_deref()) {
            (Some(x), _) => fill(self.t(&w::COST_PER_AVOIDED), &[&l.euros(x)]),
            (None, Some("dominant")) => self.t(&w::DOMINANT).into(),
            (None, Some("dominated")) => self.t(&w::DOMINATED).into(),
            (None, Some("saves_money_works_worse")) => self.t(&w::SAVES_WORKS_WORSE).into(),
            (None, _) => self.t(&w::NO_FALL).into(),
        };
        let _ = write!(out, "<b>{}:</b> {}", self.t(&w::VERDICT), esc(&verdict));
        out
    }

    fn answer_run(&self, h: &mut String) {
        let f = self.f;
        let _ = writeln!(
            h,
            "<p class=\"answer\">{}</p>\n<p class=\"note\">{}</p>",
            esc(&fill(
                self.t(&w::LEAD_RUN),
                &[&f.scenarios.iter().map(|s| s.regime.as_str()).collect::<Vec<_>>().join(", ")]
            )),
            esc(self.t(&w::PER_CITIZEN_NOTE))
        );
        let names = [
            "reconviction_1y",
            "reconviction_2y",
            "reconviction_5y",
            "detention_days",
            "days_homeless",
            "days_without_income",
            "cost_justice",
            "cost_municipality",
            "cost_health",
            "cost_victims_society",
            "cost_societal",
        ];
        self.level_table(h, &names, "stack headline");
    }

    /// One row per indicator, one column per scenario: mean [95% interval].
    fn level_table(&self, h: &mut String, names: &[&str], class: &str) {
        let f = self.f;
        let mut cols = vec![self.t(&w::INDICATOR).to_string()];
        cols.extend(f.scenarios.iter().enumerate().map(|(i, s)| self.scenario_label(s, i)));
        let _ = write!(h, "<table class=\"{class}\">\n{}", head_row(&cols));
        for name in names {
            let Some(first) = f.scenarios.iter().find_map(|s| s.indicator(name)) else { continue };
            let total = if *name == "cost_societal" { " class=\"total\"" } else { "" };
            let _ = write!(
                h,
                "<tr{total}>{}",
                td(&cols[0], "", &esc(&w::indicator(self.l, name, &first.label)))
            );
            for (k, s) in f.scenarios.iter().enumerate() {
                let cell = s
                    .indicator(name)
                    .map(|i| self.with_interval(&i.unit, opt(i.mean), opt(i.lo95), opt(i.hi95)))
                    .unwrap_or_default();
                let label = f.scenarios[k].name.as_str();
                h.push_str(&td(label, "num", &cell));
            }
            h.push_str("</tr>\n");
        }
        h.push_str("</table>\n");
    }

    // ----- who pays -----

    fn who_pays(&self, h: &mut String) {
        let l = self.l;
        let _ = writeln!(
            h,
            "<section id=\"who-pays\">\n<h2>{}</h2>\n<p>{}</p>",
            self.t(&w::WHO_PAYS),
            esc(self.t(&w::WHO_PAYS_INTRO))
        );
        for c in &self.f.comparisons {
            let split = crate::output::surprises::transfer_split(self.f, c);
            let cols = [
                self.t(&w::PAYER).to_string(),
                format!("{} − {}", esc(&c.alternative), esc(&c.baseline)),
                self.t(&w::WHAT_IT_MEANS).to_string(),
            ];
            let _ = write!(h, "<table class=\"stack\">\n{}", head_row(&cols));
            for p in &c.who_pays_who_gains {
                let (class, verdict) = match p.verdict.as_str() {
                    "gains" => ("gains", self.t(&w::GAINS)),
                    "pays more" => ("pays", self.t(&w::PAYS_MORE)),
                    _ => ("note", self.t(&w::NO_CLEAR_CHANGE)),
                };
                let is_municipality = p.payer == "municipality";
                let name = match (&split, is_municipality) {
                    (Some(_), true) => self.t(&w::MUNICIPALITY_BUDGET).to_string(),
                    _ => w::payer(l, &p.payer),
                };
                let _ = writeln!(
                    h,
                    "<tr>{}{}{}</tr>",
                    td(&cols[0], "", &esc(&name)),
                    td(&cols[1], "num", &self.diff_with_interval("euro", &p.difference)),
                    td(&cols[2], class, &esc(verdict))
                );
                if let (Some(s), true) = (&split, is_municipality) {
                    for (phrase, x) in [
                        (&w::MUNICIPALITY_SERVICES, s.services),
                        (&w::BENEFIT_PAYMENTS, s.transfers),
                    ] {
                        let _ = writeln!(
                            h,
                            "<tr class=\"sub\">{}{}{}</tr>",
                            td(&cols[0], "", &format!("… {}", esc(self.t(phrase)))),
                            td(&cols[1], "num", &esc(&signed(l, "euro", x))),
                            td(&cols[2], "note", &esc(self.t(&w::NO_INTERVAL_SPLIT)))
                        );
                    }
                }
            }
            let _ = writeln!(
                h,
                "<tr class=\"total\">{}{}{}</tr>\n</table>",
                td(&cols[0], "", &esc(self.t(&w::SOCIETY_TOTAL))),
                td(&cols[1], "num", &self.diff_with_interval("euro", &c.societal_cost_difference)),
                td(&cols[2], "", "")
            );
            if let Some(s) = split {
                let _ = writeln!(
                    h,
                    "<p>{} {}</p>",
                    esc(&fill(
                        self.t(&w::TRANSFER_SENTENCE),
                        &[
                            &signed(l, "euro", s.payers_sum),
                            &signed(l, "euro", s.society),
                            &signed(l, "euro", s.transfers),
                        ]
                    )),
                    esc(self.t(&w::SERVICES_ADD_UP))
                );
            }
        }
        h.push_str("</section>\n");
    }

    // ----- levers -----

    fn levers(&self, h: &mut String) {
        let f = self.f;
        let params: Vec<&std::collections::BTreeMap<String, String>> =
            f.scenarios.iter().map(|s| &s.parameters).collect();
        let keys = lever_keys(&params);
        h.push_str("<section id=\"levers\">\n");
        let many = f.scenarios.len() > 1;
        if many {
            let _ = writeln!(
                h,
                "<h2>{}</h2>\n<p>{}</p>",
                self.t(&w::LEVERS_DIFFER),
                esc(&fill(self.t(&w::LEVERS_DIFFER_INTRO), &[&keys.len().to_string()]))
            );
        } else {
            // One scenario: every lever of its regime, folded away so the results come first.
            let _ = writeln!(
                h,
                "<h2>{}</h2>\n<details>\n<summary>{}</summary>",
                self.t(&w::REGIME_LEVERS),
                self.t(&w::SHOW_REGIME)
            );
        }
        let mut cols = vec![self.t(&w::SETTING).to_string()];
        cols.extend(f.scenarios.iter().enumerate().map(|(i, s)| self.scenario_label(s, i)));
        let _ = write!(h, "<table class=\"stack\">\n{}", head_row(&cols));
        for key in keys {
            let (words, kind) = self.lever_words(&key);
            let _ = write!(
                h,
                "<tr>{}",
                td(
                    &cols[0],
                    "",
                    &format!(
                        "{}<small class=\"key\"><code>{}</code></small>",
                        esc(&words),
                        esc(&key)
                    )
                )
            );
            for s in &f.scenarios {
                let shown = match (s.parameters.get(&key), kind) {
                    (Some(v), Some(kind)) => lever_words::value(self.l, kind, v),
                    (Some(v), None) => v.clone(),
                    (None, _) => self.t(&w::NOT_SET).to_string(),
                };
                h.push_str(&td(&s.name, "", &esc(&shown)));
            }
            h.push_str("</tr>\n");
        }
        h.push_str("</table>\n");
        if !many {
            h.push_str("</details>\n");
        }
        h.push_str("</section>\n");
    }

    /// A lever's plain words (the key itself if it has none) and how its value reads.
    fn lever_words(&self, key: &str) -> (String, Option<lever_words::Kind>) {
        let label = |service: &str| {
            self.f.scenarios.iter().find_map(|s| {
                s.parameters
                    .get(&format!("services.{service}.label"))
                    .map(|l| l.trim_matches('"').to_string())
            })
        };
        match lever_words::describe(self.l, key, label) {
            Some((words, kind)) => (words, Some(kind)),
            None => (key.to_string(), None),
        }
    }

    // ----- the question and the scenarios -----

    fn question(&self, h: &mut String) {
        let what = if self.f.is_comparison() { &w::QUESTION_COMPARE } else { &w::QUESTION_RUN };
        let _ = writeln!(
            h,
            "<section id=\"question\">\n<h2>{}</h2>\n<p>{}</p>\n<p>{}</p>\n<p class=\"note\">{}</p>\n</section>",
            self.t(&w::QUESTION),
            esc(self.t(&w::QUESTION_TEXT)),
            esc(self.t(what)),
            self.t(&w::QUESTION_NOTE)
        );
    }

    fn scenarios(&self, h: &mut String) {
        let f = self.f;
        let l = self.l;
        let cols: Vec<String> = [
            &w::SCENARIO,
            &w::DESCRIPTION,
            &w::CARE_REGIME,
            &w::CITIZENS,
            &w::REPLICATIONS,
            &w::SEED,
            &w::FOLLOW_UP,
        ]
        .iter()
        .map(|p| self.t(p).to_string())
        .collect();
        let _ = write!(
            h,
            "<section id=\"scenarios\">\n<h2>{}</h2>\n<table class=\"stack\">\n{}",
            self.t(&w::SCENARIOS),
            head_row(&cols)
        );
        for (i, s) in f.scenarios.iter().enumerate() {
            let role = if f.is_comparison() && i == 0 { self.t(&w::BASELINE_ROLE) } else { "" };
            let follow = fill(
                self.t(&w::DAYS_YEARS),
                &[
                    &l.number(s.horizon_days as f64, 0),
                    &l.number(s.horizon_days as f64 / 365.25, 1),
                ],
            );
            let _ = writeln!(
                h,
                "<tr>{}{}{}{}{}{}{}</tr>",
                td(&cols[0], "", &format!("{}<b>{}</b>{}", swatch(i), esc(&s.name), esc(role))),
                td(&cols[1], "", &esc(&s.description)),
                td(&cols[2], "", &esc(&s.regime)),
                td(&cols[3], "num", &l.number(s.citizens as f64, 0)),
                td(&cols[4], "num", &s.replications.to_string()),
                td(&cols[5], "num", &s.seed.to_string()),
                td(&cols[6], "num", &esc(&follow))
            );
        }
        h.push_str("</table>\n");
        // One note per distinct wording: every arm of a comparison gets the same adjustment.
        let mut notes: Vec<&str> =
            f.scenarios.iter().filter_map(|s| s.cohort_note.as_deref()).collect();
        notes.dedup();
        for note in notes {
            let _ = writeln!(
                h,
                "<p class=\"warning\"><b>{}</b> {}</p>",
                self.t(&w::COHORT_NOTE),
                esc(note)
            );
        }
        h.push_str("</section>\n");
    }

    // ----- every result -----

    fn all_results(&self, h: &mut String) {
        let f = self.f;
        let _ = writeln!(
            h,
            "<section id=\"all-results\">\n<h2>{}</h2>\n<p class=\"note\">{} {}</p>",
            self.t(&w::ALL_RESULTS),
            esc(self.t(&w::ALL_RESULTS_INTRO)),
            if f.is_comparison() { esc(self.t(&w::PAIRED_NOTE)) } else { String::new() }
        );
        let names = headline_names();
        if f.is_comparison() {
            for c in &f.comparisons {
                let cols = [
                    self.t(&w::INDICATOR).to_string(),
                    format!("{} ({})", esc(&c.baseline), self.t(&w::BASELINE)),
                    esc(&c.alternative),
                    self.t(&w::DIFFERENCE).to_string(),
                ];
                let _ = write!(h, "<table class=\"stack\">\n{}", head_row(&cols));
                for name in &names {
                    if let Some(d) = c.differences.iter().find(|d| &d.indicator == name) {
                        self.difference_row(h, &cols, d, "");
                    }
                }
                h.push_str("</table>\n");
            }
        } else {
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            self.level_table(h, &names, "stack");
        }
        h.push_str("</section>\n");
    }

    // ----- pictures, provenance, reproduce -----

    fn pictures(&self, h: &mut String, plots: &[Plot]) {
        let _ = writeln!(h, "<section id=\"pictures\">\n<h2>{}</h2>", self.t(&w::PICTURES));
        for p in plots {
            let _ = writeln!(
                h,
                "<figure id=\"plot-{}\">\n<h3>{}</h3>\n{}\n<figcaption>{} <a href=\"plots/{}.png\">PNG</a> \
                 · <a href=\"plots/{}.svg\">SVG</a></figcaption>\n</figure>",
                p.stem,
                esc(&p.title),
                inline_svg(&p.svg),
                esc(&p.caption),
                p.stem,
                p.stem
            );
        }
        h.push_str("</section>\n");
    }

    fn provenance(&self, h: &mut String) {
        let f = self.f;
        // One row per parameter: its value in each scenario, and its source(s).
        let mut keys: Vec<&str> = f.provenance.iter().map(|r| r.key.as_str()).collect();
        keys.sort();
        keys.dedup();
        let find = |scenario: &str, key: &str| -> Option<&ProvenanceRow> {
            f.provenance.iter().find(|r| r.scenario == scenario && r.key == key)
        };
        // A parameter rests on an assumption if any scenario's source for it says so.
        let assumptions = keys
            .iter()
            .filter(|k| {
                f.provenance
                    .iter()
                    .any(|r| r.key == **k && r.source.to_lowercase().contains("assumption"))
            })
            .count();
        let _ = writeln!(
            h,
            "<section id=\"provenance\">\n<h2>{}</h2>\n<p>{}</p>\n<details>\n<summary>{}</summary>\n\
             <table>\n<tr><th>{}</th>",
            self.t(&w::PROVENANCE),
            fill(
                self.t(&w::PROVENANCE_INTRO),
                &[&self.l.number(keys.len() as f64, 0), &self.l.number(assumptions as f64, 0)]
            ),
            self.t(&w::SHOW_PARAMETERS),
            self.t(&w::PARAMETER)
        );
        for (i, s) in f.scenarios.iter().enumerate() {
            let _ = write!(h, "<th>{}</th>", self.scenario_label(s, i));
        }
        let _ = writeln!(h, "<th>{}</th></tr>", self.t(&w::SOURCE));
        for key in keys {
            let _ = write!(h, "<tr><td><code>{}</code></td>", esc(key));
            let rows: Vec<Option<&ProvenanceRow>> =
                f.scenarios.iter().map(|s| find(&s.name, key)).collect();
            for r in &rows {
                let _ = write!(h, "<td>{}</td>", esc(r.map(|r| r.value.as_str()).unwrap_or("")));
            }
            let _ = writeln!(h, "<td>{}</td></tr>", esc(&self.source_cell(&rows)));
        }
        h.push_str("</table>\n</details>\n</section>\n");
    }

    /// One source when all scenarios share it, else each scenario's own ("a: …; b: …").
    fn source_cell(&self, rows: &[Option<&ProvenanceRow>]) -> String {
        let text = |r: &ProvenanceRow| {
            if r.source.is_empty() { self.t(&w::NO_SOURCE).to_string() } else { r.source.clone() }
        };
        let present: Vec<&ProvenanceRow> = rows.iter().flatten().copied().collect();
        match present.first() {
            None => String::new(),
            Some(first) if present.iter().all(|r| r.source == first.source) => text(first),
            Some(_) => self
                .f
                .scenarios
                .iter()
                .zip(rows)
                .filter_map(|(s, r)| r.map(|r| format!("{}: {}", s.name, text(r))))
                .collect::<Vec<_>>()
                .join("; "),
        }
    }

    fn reproduce(&self, h: &mut String) {
        let f = self.f;
        let first = f.scenarios.first();
        let seed = first.map(|s| s.seed).unwrap_or(0);
        let reps = first.map(|s| s.replications).unwrap_or(0);
        let citizens = first.map(|s| s.citizens).unwrap_or(0);
        let command = if f.is_comparison() { "compare" } else { "run" };
        let lang = match self.l {
            Lang::En => String::new(),
            other => format!(" --lang {other}"),
        };
        let given: Vec<String> = f
            .scenarios
            .iter()
            .map(|s| s.files.last().cloned().unwrap_or_else(|| resolved_file(s)))
            .collect();
        let resolved: Vec<String> = f.scenarios.iter().map(resolved_file).collect();
        let _ = writeln!(
            h,
            "<section id=\"reproduce\">\n<h2>{}</h2>\n<p>{}</p>\n<p>{}</p>\n<pre>reentry {command} {} \
             --seed {seed} --replications {reps} --population {citizens}{lang}</pre>\n<p>{}</p>\n\
             <pre>reentry {command} {} --out rerun{lang}</pre>\n<p>{}</p>\n</section>",
            self.t(&w::REPRODUCE),
            esc(&fill(
                self.t(&w::REPRODUCE_TEXT),
                &[
                    &f.version,
                    &seed.to_string(),
                    &reps.to_string(),
                    &self.l.number(citizens as f64, 0)
                ]
            )),
            self.t(&w::COMMAND_THAT_MADE_IT),
            esc(&given.join(" ")),
            self.t(&w::FROM_INSIDE),
            esc(&resolved.join(" ")),
            self.t(&w::REDRAW),
        );
    }
}

fn resolved_file(s: &ScenarioInfo) -> String {
    format!("scenario-{}.toml", sanitize(&s.name))
}

/// The indicators of the full results table, in reading order.
fn headline_names() -> Vec<String> {
    let mut names = Vec::new();
    for event in ["reconviction", "rearrest", "redetention", "relapse"] {
        for tag in ["1y", "2y", "5y"] {
            names.push(format!("{event}_{tag}"));
        }
    }
    names.extend(
        [
            "median_days_to_reconviction",
            "offences",
            "detention_days",
            "days_active_addiction",
            "days_homeless",
            "days_without_income",
            "recovery_personal",
            "recovery_social",
            "recovery_societal",
            "recovery_victim",
            "cost_justice",
            "cost_municipality",
            "cost_health",
            "cost_victims_society",
            "cost_societal",
        ]
        .map(String::from),
    );
    names
}

/// Keys that name or describe a scenario rather than change what happens.
fn is_lever(key: &str) -> bool {
    !matches!(key, "scenario.description" | "scenario.extends")
        && !key.ends_with(".label")
        && !key.ends_with(".name")
}

/// The keys the page shows as levers: with several scenarios, every key whose value differs
/// between them; with one, every key of its care regime. Sorted.
pub fn lever_keys(parameters: &[&std::collections::BTreeMap<String, String>]) -> Vec<String> {
    let mut keys: Vec<String> = match parameters {
        [] => Vec::new(),
        [one] => one.keys().filter(|k| k.starts_with("regime.") && is_lever(k)).cloned().collect(),
        [first, ..] => parameters
            .iter()
            .flat_map(|p| p.keys())
            .filter(|k| is_lever(k))
            .filter(|k| parameters.iter().any(|p| p.get(*k) != first.get(*k)))
            .cloned()
            .collect(),
    };
    keys.sort();
    keys.dedup();
    keys
}

/// The SVG document without an XML declaration, ready to sit inside HTML.
fn inline_svg(svg: &str) -> &str {
    match svg.find("<svg") {
        Some(start) => &svg[start..],
        None => svg,
    }
}
