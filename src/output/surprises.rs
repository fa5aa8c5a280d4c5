//! The report explains its own surprises, where the data show them: relapse after remission
//! rising under better care (more people reach remission, so more can relapse), and waiting
//! lists that fall off a cliff (a fixed-length programme whose first caseload, released
//! together, ends together). Each explanation is written only when the folder's numbers show
//! the pattern, with those numbers in it. Also here: the split of the municipality's cost into
//! services and benefit payments (a transfer), which is why the payers' differences do not
//! add up to society's.

use crate::output::folder::{ComparisonInfo, Folder, QueueSeries, ScenarioInfo};
use crate::output::format::esc;
use crate::output::lang::{Lang, fill};
use crate::output::words::{self as w, value};
use std::fmt::Write as _;

/// A comparison's cost differences with benefit payments taken apart (means per citizen,
/// discounted).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TransferSplit {
    /// The change in benefit payments (paid by the municipality, received by citizens).
    pub transfers: f64,
    /// The municipality's change without benefit payments.
    pub services: f64,
    /// The sum of every payer's change, benefit payments included.
    pub payers_sum: f64,
    /// Society's change (without transfers).
    pub society: f64,
}

/// The split of a comparison's costs, or None when neither arm pays benefits.
pub fn transfer_split(f: &Folder, c: &ComparisonInfo) -> Option<TransferSplit> {
    let arm = |name: &str| f.scenarios.iter().find(|s| s.name == name);
    let total = |s: &ScenarioInfo| s.transfers.iter().sum::<f64>();
    let (base, alt) = (arm(&c.baseline)?, arm(&c.alternative)?);
    if base.transfers.iter().chain(&alt.transfers).all(|x| *x == 0.0) {
        return None;
    }
    let transfers = total(alt) - total(base);
    let mean = |e: &crate::output::folder::JsonEstimate| e.mean.unwrap_or(f64::NAN);
    let municipality = c
        .who_pays_who_gains
        .iter()
        .find(|p| p.payer == "municipality")
        .map(|p| mean(&p.difference))?;
    Some(TransferSplit {
        transfers,
        services: municipality - transfers,
        payers_sum: c.who_pays_who_gains.iter().map(|p| mean(&p.difference)).sum(),
        society: mean(&c.societal_cost_difference),
    })
}

/// The section, when the data show at least one surprise.
pub fn section(h: &mut String, f: &Folder, lang: Lang) {
    let mut items: Vec<String> = Vec::new();
    for c in &f.comparisons {
        items.extend(relapse_rise(c, lang));
    }
    for s in &f.scenarios {
        for q in &s.queues {
            items.extend(queue_cliff(s, q, lang));
        }
    }
    if items.is_empty() {
        return;
    }
    let _ = writeln!(h, "<section id=\"surprises\">\n<h2>{}</h2>\n<ul>", lang.pick(&w::SURPRISES));
    for item in items {
        let _ = writeln!(h, "<li>{}</li>", esc(&item));
    }
    h.push_str("</ul>\n</section>\n");
}

/// Relapse after remission clearly up while days in active addiction are not.
fn relapse_rise(c: &ComparisonInfo, lang: Lang) -> Option<String> {
    let get = |name: &str| c.differences.iter().find(|d| d.indicator == name);
    let (relapse, addiction) = (get("relapse_2y")?, get("days_active_addiction")?);
    let relapse_up = relapse.difference.lo.is_some_and(|lo| lo > 0.0);
    let addiction_up = addiction.difference.lo.is_some_and(|lo| lo > 0.0);
    if !relapse_up || addiction_up {
        return None;
    }
    let m = |e: &crate::output::folder::JsonEstimate| e.mean.unwrap_or(f64::NAN);
    Some(fill(
        lang.pick(&w::SURPRISE_RELAPSE),
        &[
            &c.alternative,
            &value(lang, "share", m(&relapse.baseline)),
            &value(lang, "share", m(&relapse.alternative)),
            &value(lang, "days", m(&addiction.baseline)),
            &value(lang, "days", m(&addiction.alternative)),
        ],
    ))
}

/// A fall of a waiting list to under a third within three months, from at least this many.
const CLIFF_FROM: f64 = 20.0;
const CLIFF_SHARE: f64 = 1.0 / 3.0;
const CLIFF_MONTHS: usize = 3;

/// The steepest fall (start index, end index) of a waiting list, if it is a cliff.
pub fn cliff(waiting: &[f64]) -> Option<(usize, usize)> {
    let mut best: Option<(usize, usize, f64)> = None;
    for i in 0..waiting.len() {
        for j in i + 1..waiting.len().min(i + CLIFF_MONTHS + 1) {
            let (from, to) = (waiting[i], waiting[j]);
            if from >= CLIFF_FROM && to <= CLIFF_SHARE * from {
                let drop = from - to;
                if best.is_none_or(|(_, _, d)| drop > d) {
                    best = Some((i, j, drop));
                }
            }
        }
    }
    best.map(|(i, j, _)| (i, j))
}

fn queue_cliff(s: &ScenarioInfo, q: &QueueSeries, lang: Lang) -> Option<String> {
    let (i, j) = cliff(&q.waiting)?;
    let name = w::service(lang, &q.service, Some(&q.label));
    let fixed = ["case_manager", "veiligheidshuis"]
        .contains(&q.service.as_str())
        .then(|| s.parameters.get(&format!("regime.{}.duration_days", q.service)))
        .flatten();
    let from = lang.number(q.waiting[i], 0);
    let to = lang.number(q.waiting[j], 0);
    let (m1, m2) = (q.months[i].to_string(), q.months[j].to_string());
    Some(match fixed {
        Some(days) => {
            fill(lang.pick(&w::SURPRISE_QUEUE_CASE), &[&s.name, &name, &from, &to, &m1, &m2, days])
        }
        None => fill(lang.pick(&w::SURPRISE_QUEUE), &[&s.name, &name, &from, &to, &m1, &m2]),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cliff_is_a_fall_to_under_a_third_within_three_months() {
        let through_care = [300.0, 341.0, 343.5, 169.6, 47.3, 2.3, 2.1];
        assert_eq!(cliff(&through_care), Some((2, 5)));
        // A slow decline, or a fall from a short list, is no cliff.
        assert_eq!(cliff(&[100.0, 90.0, 80.0, 70.0, 60.0, 50.0]), None);
        assert_eq!(cliff(&[15.0, 1.0, 0.0]), None);
    }
}
