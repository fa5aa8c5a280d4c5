//! `report.html`: one self-contained page a policymaker can open offline — the question, the
//! scenarios and the levers that differ, the headline table with 95% intervals, who pays and
//! who gains, the pictures (inline SVG), where every parameter value comes from, and how to
//! reproduce the run. It is built only from the output folder ([`Folder`]), with no date and
//! no machine-specific text, so the same folder always gives the same bytes.

use crate::output::folder::{Folder, JsonEstimate, ProvenanceRow, ScenarioInfo};
use crate::output::format::{esc, fmt_value, sanitize, thousands};
use crate::output::plots::{Plot, hex, payer_words, render_all, scenario_colour};
use std::fmt::Write as _;

/// The files a report consists of, relative to the output folder: `plots/*.svg`,
/// `plots/*.png` and `report.html`.
pub fn report_files(f: &Folder) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut plots = render_all(f)?;
    plots.extend(crate::output::psa_report::plots(f)?);
    let mut files = Vec::new();
    for p in &plots {
        files.push((format!("plots/{}.svg", p.stem), p.svg.clone().into_bytes()));
        files.push((format!("plots/{}.png", p.stem), p.png.clone()));
    }
    files.push(("report.html".into(), report_html(f, &plots).into_bytes()));
    Ok(files)
}

pub(crate) const STYLE: &str = "body{font-family:'DejaVu Sans',Verdana,Arial,sans-serif;max-width:1060px;\
margin:2em auto;padding:0 1em;color:#222;line-height:1.45}\
h1{font-size:1.7em}h2{margin-top:2em;border-bottom:2px solid #ddd;padding-bottom:.2em}\
table{border-collapse:collapse;margin:1em 0;font-size:.92em}\
th,td{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}\
th{background:#f3f3f3}td.num{text-align:right;white-space:nowrap}\
.swatch{display:inline-block;width:.9em;height:.9em;margin-right:.4em;vertical-align:middle}\
figure{margin:1.5em 0}figcaption{color:#444;font-size:.92em;max-width:60em}\
svg{max-width:100%;height:auto}code,pre{background:#f6f6f6}pre{padding:.6em;overflow-x:auto}\
.gains{color:#0072b2;font-weight:bold}.pays{color:#d55e00;font-weight:bold}.note{color:#555}.warning{border-left:4px solid #d55e00;padding-left:.5em}";

/// The whole page.
pub fn report_html(f: &Folder, plots: &[Plot]) -> String {
    let mut h = String::new();
    let names: Vec<&str> = f.scenarios.iter().map(|s| s.name.as_str()).collect();
    let title = if f.is_comparison() {
        format!("reentry: {} compared", names.join(" vs "))
    } else {
        format!("reentry: {}", names.join(", "))
    };
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{}</h1>\n",
        esc(&title),
        esc(&title)
    );
    question(&mut h, f);
    scenarios(&mut h, f);
    levers(&mut h, f);
    headline(&mut h, f);
    if f.is_comparison() {
        who_pays(&mut h, f);
    }
    crate::output::psa_report::sections(&mut h, f);
    pictures(&mut h, plots);
    provenance(&mut h, f);
    reproduce(&mut h, f);
    h.push_str("</body>\n</html>\n");
    h
}

fn question(h: &mut String, f: &Folder) {
    h.push_str(
        "<section id=\"question\">\n<h2>The question</h2>\n<p>People leaving prison often carry \
         several problems at once: addiction, problematic debt, a mild intellectual disability \
         (LVB), no home, no income or ID papers. Care for them is split between justice \
         (prison, probation) and voluntary care (municipality, health care, shelter). When the \
         hand-over between inside and outside breaks, relapse and reoffending are likely and \
         society pays.</p>\n",
    );
    let what = if f.is_comparison() {
        "This report compares care regimes on the same simulated citizens with the same luck \
         (common random numbers), so that differences are due to the regime: how much does \
         reoffending, relapse, homelessness and cost change, and who pays or gains?"
    } else {
        "This report shows what happens to one simulated release cohort under one care regime: \
         reoffending, relapse, housing, waiting lists and who pays."
    };
    let _ = writeln!(
        h,
        "<p>{what}</p>\n<p class=\"note\">All numbers are means over replications \
         with 95% intervals; they come from a simulation model whose parameter values and \
         sources are listed under <a href=\"#provenance\">Where the numbers come from</a>.</p>\n\
         </section>"
    );
}

fn swatch(i: usize) -> String {
    format!("<span class=\"swatch\" style=\"background:{}\"></span>", hex(scenario_colour(i)))
}

fn scenarios(h: &mut String, f: &Folder) {
    h.push_str(
        "<section id=\"scenarios\">\n<h2>Scenarios</h2>\n<table>\n<tr><th>scenario</th>\
         <th>description</th><th>care regime</th><th>citizens</th><th>replications</th>\
         <th>seed</th><th>follow-up</th></tr>\n",
    );
    for (i, s) in f.scenarios.iter().enumerate() {
        let role = if f.is_comparison() && i == 0 { " (baseline)" } else { "" };
        let _ = writeln!(
            h,
            "<tr><td>{}<b>{}</b>{role}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{} days \
             ({:.1} years)</td></tr>",
            swatch(i),
            esc(&s.name),
            esc(&s.description),
            esc(&s.regime),
            thousands(s.citizens as f64),
            s.replications,
            s.seed,
            s.horizon_days,
            s.horizon_days as f64 / 365.25
        );
    }
    h.push_str("</table>\n");
    // One note per distinct wording: every arm of a comparison gets the same adjustment.
    let mut notes: Vec<&str> =
        f.scenarios.iter().filter_map(|s| s.cohort_note.as_deref()).collect();
    notes.dedup();
    for note in notes {
        let _ = writeln!(h, "<p class=\"warning\"><b>Cohort and capacities:</b> {}</p>", esc(note));
    }
    h.push_str("</section>\n");
}

/// Keys that name or describe a scenario rather than change what happens.
fn is_lever(key: &str) -> bool {
    !matches!(key, "scenario.description" | "scenario.extends")
        && !key.ends_with(".label")
        && !key.ends_with(".name")
}

fn levers(h: &mut String, f: &Folder) {
    h.push_str("<section id=\"levers\">\n");
    let keys: Vec<&String> = match f.scenarios.first() {
        Some(first) if f.scenarios.len() > 1 => first
            .parameters
            .keys()
            .chain(f.scenarios[1..].iter().flat_map(|s| s.parameters.keys()))
            .filter(|k| is_lever(k))
            .filter(|k| {
                let v = |s: &ScenarioInfo| s.parameters.get(*k).cloned();
                f.scenarios.iter().any(|s| v(s) != v(first))
            })
            .collect(),
        Some(first) => {
            first.parameters.keys().filter(|k| k.starts_with("regime.") && is_lever(k)).collect()
        }
        None => Vec::new(),
    };
    let mut keys = keys;
    keys.sort();
    keys.dedup();
    if f.scenarios.len() > 1 {
        let _ = writeln!(
            h,
            "<h2>The levers that differ</h2>\n<p>{} parameters differ between the scenarios; \
             everything else (the citizens, the services, the hazards, the costs) is the same.</p>",
            keys.len()
        );
    } else {
        // One scenario: every lever of its regime, folded away so the results come first.
        h.push_str(
            "<h2>The care regime's levers</h2>\n<details>\n<summary>Show the regime's \
             parameters</summary>\n",
        );
    }
    h.push_str("<table>\n<tr><th>parameter</th>");
    for (i, s) in f.scenarios.iter().enumerate() {
        let _ = write!(h, "<th>{}{}</th>", swatch(i), esc(&s.name));
    }
    h.push_str("</tr>\n");
    for key in keys {
        let _ = write!(h, "<tr><td><code>{}</code></td>", esc(key));
        for s in &f.scenarios {
            let v = s.parameters.get(key).map(String::as_str).unwrap_or("(not set)");
            let _ = write!(h, "<td>{}</td>", esc(v));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table>\n");
    if f.scenarios.len() <= 1 {
        h.push_str("</details>\n");
    }
    h.push_str("</section>\n");
}

/// The indicators of the headline table, in reading order.
fn headline_names() -> Vec<String> {
    let mut names = Vec::new();
    for event in ["reconviction", "rearrest", "redetention"] {
        for tag in ["1y", "2y", "5y"] {
            names.push(format!("{event}_{tag}"));
        }
    }
    names.extend(
        [
            "relapse_2y",
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

fn opt(x: Option<f64>) -> f64 {
    x.unwrap_or(f64::NAN)
}

fn value_with_interval(unit: &str, mean: f64, lo: f64, hi: f64) -> String {
    format!(
        "{} <span class=\"note\">[{}, {}]</span>",
        esc(&fmt_value(unit, mean)),
        esc(&fmt_value(unit, lo)),
        esc(&fmt_value(unit, hi))
    )
}

/// A signed difference: percentage points for shares.
fn fmt_diff(unit: &str, x: f64) -> String {
    if !x.is_finite() {
        return "n/a".into();
    }
    let sign = if x > 0.0 {
        "+"
    } else if x < 0.0 {
        "−"
    } else {
        ""
    };
    let a = x.abs();
    let body = match unit {
        "share" => format!("{:.1} pp", 100.0 * a),
        "euro" => format!("€{}", thousands(a)),
        "0-1" => format!("{a:.3}"),
        _ => format!("{a:.1}"),
    };
    format!("{sign}{body}")
}

fn diff_with_interval(unit: &str, e: &JsonEstimate) -> String {
    format!(
        "{} <span class=\"note\">[{}, {}]</span>",
        esc(&fmt_diff(unit, opt(e.mean))),
        esc(&fmt_diff(unit, opt(e.lo))),
        esc(&fmt_diff(unit, opt(e.hi)))
    )
}

fn headline(h: &mut String, f: &Folder) {
    h.push_str("<section id=\"headline\">\n<h2>Headline results</h2>\n");
    if f.scenarios.iter().any(|s| s.replications < 2) {
        h.push_str(
            "<p class=\"warning\"><b>One replication:</b> there are no intervals (n/a), so \
             nothing here tells chance from effect. Run more replications (10 or more).</p>\n",
        );
    }
    crate::output::psa_report::headline(h, f);
    if f.is_comparison() {
        headline_compare(h, f);
    } else {
        headline_run(h, f);
    }
    h.push_str("</section>\n");
}

fn headline_run(h: &mut String, f: &Folder) {
    h.push_str("<p>Per released citizen unless stated; mean over replications [95% interval].</p>\n<table>\n<tr><th>indicator</th>");
    for (i, s) in f.scenarios.iter().enumerate() {
        let _ = write!(h, "<th>{}{}</th>", swatch(i), esc(&s.name));
    }
    h.push_str("</tr>\n");
    for name in headline_names() {
        let Some(first) = f.scenarios.iter().find_map(|s| s.indicator(&name)) else { continue };
        let _ = write!(h, "<tr><td>{}</td>", esc(&first.label));
        for s in &f.scenarios {
            let cell = s
                .indicator(&name)
                .map(|i| value_with_interval(&i.unit, opt(i.mean), opt(i.lo95), opt(i.hi95)))
                .unwrap_or_default();
            let _ = write!(h, "<td class=\"num\">{cell}</td>");
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table>\n");
}

fn headline_compare(h: &mut String, f: &Folder) {
    for c in &f.comparisons {
        let alt = f.scenarios.iter().position(|s| s.name == c.alternative).unwrap_or(1);
        let _ = writeln!(
            h,
            "<h3>{}{} vs {}{} (baseline)</h3>\n<p>{}</p>\n<p>Per released citizen unless stated; \
             mean over replications [95% interval]. The difference is paired replication by \
             replication (same citizens, same luck).</p>",
            swatch(alt),
            esc(&c.alternative),
            swatch(0),
            esc(&c.baseline),
            key_sentence(c)
        );
        h.push_str(
            "<table>\n<tr><th>indicator</th><th>baseline</th><th>alternative</th>\
             <th>difference (alternative − baseline)</th></tr>\n",
        );
        for name in headline_names() {
            let Some(d) = c.differences.iter().find(|d| d.indicator == name) else { continue };
            let cell =
                |e: &JsonEstimate| value_with_interval(&d.unit, opt(e.mean), opt(e.lo), opt(e.hi));
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
                 <td class=\"num\">{}</td></tr>",
                esc(&d.label),
                cell(&d.baseline),
                cell(&d.alternative),
                diff_with_interval(&d.unit, &d.difference)
            );
        }
        h.push_str("</table>\n");
    }
}

/// The comparison in one or two plain sentences.
fn key_sentence(c: &crate::output::folder::ComparisonInfo) -> String {
    let mut out = String::new();
    if let Some(d) = c.differences.iter().find(|d| d.indicator == "reconviction_2y") {
        let e = &d.difference;
        let clear = opt(e.hi) < 0.0 || opt(e.lo) > 0.0;
        let _ = write!(
            out,
            "Reconviction within 2 years: {} → {} ({}{}). ",
            esc(&fmt_value("share", opt(d.baseline.mean))),
            esc(&fmt_value("share", opt(d.alternative.mean))),
            esc(&fmt_diff("share", opt(e.mean))),
            if clear { "" } else { ", not clearly different from zero" }
        );
    }
    let net = opt(c.net_societal_benefit_per_citizen.mean);
    if net.is_finite() {
        let words = if net >= 0.0 { "saves society" } else { "costs society an extra" };
        let _ = write!(
            out,
            "The alternative {words} €{} per released citizen (discounted, without transfers). ",
            thousands(net.abs())
        );
    }
    match (c.cost_per_reconviction_avoided, c.cost_effectiveness.as_deref()) {
        (Some(x), _) => {
            let _ = write!(out, "Cost per reconviction avoided: €{}.", thousands(x));
        }
        (None, Some("dominant")) => out.push_str(
            "The alternative is <b>dominant</b>: it both lowers reconviction and saves society \
             money, so there is no price per reconviction avoided.",
        ),
        (None, Some("dominated")) => out.push_str(
            "The alternative is <b>dominated</b>: it costs society more without lowering \
             reconviction.",
        ),
        (None, Some("saves_money_works_worse")) => out.push_str(
            "The alternative saves money but reconviction rises: no cost per reconviction avoided.",
        ),
        (None, _) => {
            out.push_str("Reconviction does not fall, so no cost per reconviction avoided.")
        }
    }
    out
}

fn who_pays(h: &mut String, f: &Folder) {
    h.push_str(
        "<section id=\"who-pays\">\n<h2>Who pays, who gains</h2>\n<p>Discounted cost per released \
         citizen over the whole follow-up, alternative minus baseline, with 95% intervals. A \
         negative difference means that payer saves.</p>\n",
    );
    for c in &f.comparisons {
        let _ = writeln!(
            h,
            "<table>\n<tr><th>payer</th><th>{} − {}</th><th>verdict</th></tr>",
            esc(&c.alternative),
            esc(&c.baseline)
        );
        for p in &c.who_pays_who_gains {
            let class = match p.verdict.as_str() {
                "gains" => "gains",
                "pays more" => "pays",
                _ => "note",
            };
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"{class}\">{}</td></tr>",
                esc(payer_words(&p.payer)),
                diff_with_interval("euro", &p.difference),
                esc(&p.verdict)
            );
        }
        let _ = writeln!(
            h,
            "<tr><th>society (without transfers)</th><th class=\"num\">{}</th><th></th></tr>\n\
             </table>",
            diff_with_interval("euro", &c.societal_cost_difference)
        );
    }
    h.push_str("</section>\n");
}

fn pictures(h: &mut String, plots: &[Plot]) {
    h.push_str("<section id=\"pictures\">\n<h2>Pictures</h2>\n");
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

/// The SVG document without an XML declaration, ready to sit inside HTML.
fn inline_svg(svg: &str) -> &str {
    match svg.find("<svg") {
        Some(start) => &svg[start..],
        None => svg,
    }
}

fn provenance(h: &mut String, f: &Folder) {
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
        "<section id=\"provenance\">\n<h2>Where the numbers come from</h2>\n<p>Every parameter \
         with its value and its source: a publication, or <em>assumption</em> where the value is \
         a judgement. {} parameters, of which {} rest (partly) on an assumption.</p>\n\
         <details>\n<summary>Show the parameter table</summary>\n<table>\n<tr><th>parameter</th>",
        keys.len(),
        assumptions
    );
    for (i, s) in f.scenarios.iter().enumerate() {
        let _ = write!(h, "<th>{}{}</th>", swatch(i), esc(&s.name));
    }
    h.push_str("<th>source</th></tr>\n");
    for key in keys {
        let _ = write!(h, "<tr><td><code>{}</code></td>", esc(key));
        let rows: Vec<Option<&ProvenanceRow>> =
            f.scenarios.iter().map(|s| find(&s.name, key)).collect();
        for r in &rows {
            let _ = write!(h, "<td>{}</td>", esc(r.map(|r| r.value.as_str()).unwrap_or("")));
        }
        let _ = writeln!(h, "<td>{}</td></tr>", esc(&source_cell(&f.scenarios, &rows)));
    }
    h.push_str("</table>\n</details>\n</section>\n");
}

/// One source when all scenarios share it, else each scenario's own ("a: …; b: …").
fn source_cell(scenarios: &[ScenarioInfo], rows: &[Option<&ProvenanceRow>]) -> String {
    let text = |r: &ProvenanceRow| {
        if r.source.is_empty() { "(no source given)".to_string() } else { r.source.clone() }
    };
    let present: Vec<&ProvenanceRow> = rows.iter().flatten().copied().collect();
    match present.first() {
        None => String::new(),
        Some(first) if present.iter().all(|r| r.source == first.source) => text(first),
        Some(_) => scenarios
            .iter()
            .zip(rows)
            .filter_map(|(s, r)| r.map(|r| format!("{}: {}", s.name, text(r))))
            .collect::<Vec<_>>()
            .join("; "),
    }
}

fn reproduce(h: &mut String, f: &Folder) {
    let first = f.scenarios.first();
    let seed = first.map(|s| s.seed).unwrap_or(0);
    let reps = first.map(|s| s.replications).unwrap_or(0);
    let citizens = first.map(|s| s.citizens).unwrap_or(0);
    let command = if f.is_comparison() { "compare" } else { "run" };
    let given: Vec<String> = f
        .scenarios
        .iter()
        .map(|s| {
            s.files
                .last()
                .cloned()
                .unwrap_or_else(|| format!("scenario-{}.toml", sanitize(&s.name)))
        })
        .collect();
    let resolved: Vec<String> =
        f.scenarios.iter().map(|s| format!("scenario-{}.toml", sanitize(&s.name))).collect();
    let _ = writeln!(
        h,
        "<section id=\"reproduce\">\n<h2>Reproduce this report</h2>\n<p>reentry version {}, seed \
         {seed}, {reps} replications of {} citizens. The results do not depend on the number of \
         threads.</p>\n<p>The command that made it:</p>\n<pre>reentry {command} {} --seed {seed} \
         --replications {reps} --population {citizens}</pre>\n<p>Or, from inside this folder, \
         with the resolved scenarios written next to the results (every value spelled out):</p>\n\
         <pre>reentry {command} {} --out rerun</pre>\n<p>To redraw this report and its pictures \
         from the files in this folder: <code>reentry report FOLDER</code>.</p>\n</section>",
        esc(&f.version),
        thousands(citizens as f64),
        esc(&given.join(" ")),
        esc(&resolved.join(" ")),
    );
}
