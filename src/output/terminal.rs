//! The short tables `reentry run` and `reentry compare` print in the terminal, in English
//! (as they always read) or Dutch (`--lang nl`: Dutch labels and number format).

use crate::compare::{Arm, Comparison, CostEffectiveness};
use crate::costs::PAYERS;
use crate::experiments::YEARS;
use crate::output::format::{fmt_value, thousands};
use crate::output::lang::{Lang, fill};
use crate::output::report::RunOutput;
use crate::output::words as w;

/// The short table `reentry run` prints, in English.
pub fn terminal_summary(run: &RunOutput) -> String {
    summary(run, Lang::En)
}

/// A value for the terminal in its unit; undefined estimates read "n/a" ("n.v.t.").
fn value(l: Lang, unit: &str, x: f64) -> String {
    match l {
        Lang::En => fmt_value(unit, x),
        Lang::Nl if !x.is_finite() => l.number(x, 0),
        Lang::Nl => match unit {
            "share" => l.percent(x),
            "euro" => format!("{}€ {}", if x < 0.0 { "-" } else { "" }, l.number(x.abs(), 0)),
            "0-1" => l.number(x, 3),
            _ => l.number(x, 1),
        },
    }
}

/// A signed difference: percentage points for shares.
fn diff(l: Lang, unit: &str, x: f64) -> String {
    if !x.is_finite() {
        return l.number(x, 0);
    }
    let s = match (l, unit) {
        (Lang::En, "share") => format!("{:.1} pp", 100.0 * x),
        (Lang::En, "euro") => format!("€{}", thousands(x.abs())),
        (Lang::En, "0-1") => format!("{x:.3}"),
        (Lang::En, _) => format!("{x:.1}"),
        (Lang::Nl, "share") => format!("{} {}", plain(l.number(100.0 * x, 1)), l.pick(&w::PP)),
        (Lang::Nl, "euro") => format!("€ {}", l.number(x.abs(), 0)),
        (Lang::Nl, "0-1") => plain(l.number(x, 3)),
        (Lang::Nl, _) => plain(l.number(x, 1)),
    };
    let zero = !s.chars().any(|c| c.is_ascii_digit() && c != '0');
    let s = if unit == "euro" && x < 0.0 && !zero { format!("-{s}") } else { s };
    if x > 0.0 && !s.starts_with('-') { format!("+{s}") } else { s }
}

/// The terminal keeps the ASCII minus.
fn plain(s: String) -> String {
    s.replace('−', "-")
}

fn label(l: Lang, name: &str, file_label: &str) -> String {
    match l {
        Lang::En => file_label.to_string(),
        Lang::Nl => w::indicator(l, name, file_label),
    }
}

/// The short table `reentry run` prints.
pub fn summary(run: &RunOutput, l: Lang) -> String {
    let s = run.summary;
    let mut out = format!(
        "{} — {}\n{}\n\n",
        s.scenario,
        s.description,
        fill(
            l.pick(&w::T_CITIZENS_LINE),
            &[
                &s.citizens.to_string(),
                &s.replications.to_string(),
                &s.seed.to_string(),
                &s.horizon_days.to_string()
            ]
        )
    );
    let (indicator, mean, interval) =
        (l.pick(&w::INDICATOR), l.pick(&w::T_MEAN), l.pick(&w::T_INTERVAL));
    let rows = summary_rows(run, l);
    // English keeps its fixed layout; Dutch labels are longer, so the column grows.
    let width = match l {
        Lang::En => 58,
        Lang::Nl => rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(0).max(58),
    };
    out.push_str(&format!("{indicator:<width$} {mean:>12}   {interval}\n"));
    for (label, mean, lo, hi) in rows {
        out.push_str(&format!("{label:<width$} {mean:>12}   [{lo}, {hi}]\n"));
    }
    if s.replications < 2 {
        out.push_str(&one_replication(l));
    }
    out
}

/// The run table's rows: label, mean, interval bounds.
fn summary_rows(run: &RunOutput, l: Lang) -> Vec<(String, String, String, String)> {
    let s = run.summary;
    let mut headline: Vec<String> = Vec::new();
    for event in ["reconviction", "rearrest", "redetention", "relapse"] {
        for (_, tag) in YEARS {
            headline.push(format!("{event}_{tag}"));
        }
    }
    headline.extend(
        ["detention_days", "days_active_addiction", "days_homeless", "days_without_income"]
            .map(String::from),
    );
    headline.extend(PAYERS.iter().map(|p| format!("cost_{}", p.name())));
    headline.push("cost_societal".into());
    headline
        .iter()
        .filter_map(|name| {
            let row = s.rows.iter().find(|r| &r.name == name)?;
            let e = &row.estimate;
            Some((
                label(l, name, &row.label),
                value(l, row.unit, e.mean),
                value(l, row.unit, e.lo),
                value(l, row.unit, e.hi),
            ))
        })
        .collect()
}

fn one_replication(l: Lang) -> String {
    match l {
        Lang::En => crate::compare::ONE_REPLICATION.to_string(),
        Lang::Nl => format!("\n{}\n", l.pick(&w::T_ONE_REPLICATION)),
    }
}

/// Headline indicators of the comparison table.
fn comparison_headline() -> Vec<String> {
    let mut h = Vec::new();
    for event in ["reconviction", "rearrest", "redetention"] {
        for tag in ["1y", "2y", "5y"] {
            h.push(format!("{event}_{tag}"));
        }
    }
    h.push("relapse_2y".into());
    h.extend(
        ["days_active_addiction", "detention_days", "days_homeless", "days_without_income"]
            .map(String::from),
    );
    h.extend(PAYERS.iter().map(|p| format!("cost_{}", p.name())));
    h.push("cost_societal".into());
    h
}

fn payer(l: Lang, p: &str) -> String {
    match l {
        Lang::En => p.replace('_', " & "),
        Lang::Nl => w::payer(l, p),
    }
}

fn verdict(l: Lang, v: &str) -> String {
    match (l, v) {
        (Lang::En, v) => v.to_string(),
        (Lang::Nl, "gains") => l.pick(&w::GAINS).into(),
        (Lang::Nl, "pays more") => l.pick(&w::PAYS_MORE).into(),
        (Lang::Nl, _) => l.pick(&w::NO_CLEAR_CHANGE).into(),
    }
}

fn cost_effectiveness(l: Lang, c: CostEffectiveness) -> String {
    let phrase = match c {
        CostEffectiveness::Dominant => &w::T_DOMINANT,
        CostEffectiveness::Dominated => &w::T_DOMINATED,
        CostEffectiveness::SavesMoneyWorksWorse => &w::T_SAVES_WORKS_WORSE,
        _ if l == Lang::En => return c.words().to_string(),
        _ => &w::T_NO_FALL,
    };
    match l {
        Lang::En => c.words().to_string(),
        Lang::Nl => l.pick(phrase).to_string(),
    }
}

/// The table `reentry compare` prints for one alternative.
pub fn comparison(base: &Arm, c: &Comparison, l: Lang) -> String {
    let s = &base.summary;
    let line = fill(
        l.pick(&w::T_CITIZENS_LINE),
        &[
            &s.citizens.to_string(),
            &s.replications.to_string(),
            &s.seed.to_string(),
            &s.horizon_days.to_string(),
        ],
    );
    let mut out = match l {
        Lang::En => format!("{} (baseline) vs {}\n", c.baseline, c.alternative),
        Lang::Nl => format!("{} (uitgangssituatie) tegenover {}\n", c.baseline, c.alternative),
    };
    out.push_str(&format!("{line}{}\n\n", l.pick(&w::T_COMMON_RANDOM)));
    let rows: Vec<(String, &crate::compare::Difference)> = comparison_headline()
        .iter()
        .filter_map(|name| {
            let d = c.get(name)?;
            let file_label = d.label.strip_suffix(" (discounted)").unwrap_or(&d.label);
            let file_label =
                file_label.strip_suffix(" (discounted, without transfers)").unwrap_or(file_label);
            Some((label(l, name, file_label), d))
        })
        .collect();
    // English keeps its fixed layout; Dutch words are longer, so the columns grow.
    let grow = |fixed: usize, texts: &mut dyn Iterator<Item = usize>| match l {
        Lang::En => fixed,
        Lang::Nl => texts.max().unwrap_or(0).max(fixed),
    };
    let (base_h, alt_h) = (l.pick(&w::BASELINE), l.pick(&w::ALTERNATIVE));
    let lw = grow(46, &mut rows.iter().map(|(t, _)| t.chars().count()));
    let bw = grow(10, &mut std::iter::once(base_h.chars().count()));
    let aw = grow(12, &mut std::iter::once(alt_h.chars().count()));
    let pw = grow(
        22,
        &mut c
            .who_pays_who_gains
            .iter()
            .map(|p| payer(l, p.payer).chars().count())
            .chain(std::iter::once(l.pick(&w::T_SOCIETY).chars().count())),
    );
    out.push_str(&format!(
        "{:<lw$} {:>bw$} {:>aw$}   {}\n",
        l.pick(&w::INDICATOR),
        base_h,
        alt_h,
        l.pick(&w::T_DIFFERENCE)
    ));
    for (text, d) in rows {
        out.push_str(&format!(
            "{:<lw$} {:>bw$} {:>aw$}   {} [{}, {}]\n",
            text,
            value(l, d.unit, d.baseline.mean),
            value(l, d.unit, d.alternative.mean),
            diff(l, d.unit, d.difference.mean),
            diff(l, d.unit, d.difference.lo),
            diff(l, d.unit, d.difference.hi),
        ));
    }
    out.push_str(&format!("\n{}\n", l.pick(&w::T_WHO_PAYS)));
    for p in &c.who_pays_who_gains {
        out.push_str(&format!(
            "  {:<pw$} {:>10} → {:>10}   {} [{}, {}]  {}\n",
            payer(l, p.payer),
            value(l, "euro", p.baseline),
            value(l, "euro", p.alternative),
            diff(l, "euro", p.difference.mean),
            diff(l, "euro", p.difference.lo),
            diff(l, "euro", p.difference.hi),
            verdict(l, p.verdict)
        ));
    }
    let sc = &c.societal_cost_difference;
    out.push_str(&format!(
        "  {:<pw$} {:>10}   {} [{}, {}]\n",
        l.pick(&w::T_SOCIETY),
        "",
        diff(l, "euro", sc.mean),
        diff(l, "euro", sc.lo),
        diff(l, "euro", sc.hi)
    ));
    match c.cost_per_reconviction_avoided {
        Some(x) => out.push_str(&format!(
            "{}\n",
            fill(l.pick(&w::T_COST_PER_AVOIDED), &[&value(l, "euro", x)])
        )),
        None => out.push_str(&format!(
            "{}\n",
            fill(l.pick(&w::T_NONE), &[&cost_effectiveness(l, c.cost_effectiveness)])
        )),
    }
    let nb = &c.net_societal_benefit_per_citizen;
    out.push_str(&format!(
        "{}\n",
        fill(
            l.pick(&w::T_NET_BENEFIT),
            &[&diff(l, "euro", nb.mean), &diff(l, "euro", nb.lo), &diff(l, "euro", nb.hi)]
        )
    ));
    if c.replications < 2 {
        out.push_str(&one_replication(l));
    }
    out
}

/// Said wherever results of a single replication are shown.
pub const ONE_REPLICATION: &str = "\nonly 1 replication: no intervals (n/a), so nothing here \
     tells chance from effect; run more replications (--replications 10 or more)\n";
