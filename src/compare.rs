//! Comparing care regimes: a baseline scenario against one or more alternatives, run on common
//! random numbers.
//!
//! Every random number is a pure function of (seed, replication, citizen, day, purpose) and
//! the cohort is synthesised from (seed, replication, citizen), so two scenarios run with the
//! same seed, replication count and population table meet the same citizens with the same
//! luck. [`align`] therefore gives every alternative the baseline's seed, replications and
//! cohort size, and refuses an alternative whose `[population]` table (who the citizens are)
//! or follow-up horizon differs from the baseline's. Differences are then paired replication
//! by replication ([`paired_difference`]); the Welch (unpaired) half-width is reported next to
//! it to show what the pairing buys.
//!
//! Costs: every payer's discounted cost per released citizen and its paired difference
//! ("who pays, who gains": a negative difference means that payer gains), the total societal
//! cost (without transfers), the cost per reconviction avoided
//! `Δ societal cost / (−Δ reconviction_2y)` — euros per released citizen divided by the
//! fall in the 2-year reconviction share, so euros per reconviction avoided; only defined when
//! reconviction falls — and the net societal benefit per citizen `−Δ societal cost`.

use crate::costs::PAYERS;
use crate::experiments::{Summary, summarise};
use crate::outcomes::ReplicationResult;
use crate::output::format::num;
use crate::output::outdir::OutputDir;
use crate::output::report::{RunOutput, compare_exporters, json_scenario};
use crate::output::write_with;
use crate::scenario::Scenario;
use crate::stats::{
    Estimate, mean_interval, paired_difference, unpaired_difference, variance_reduction,
};
use serde::Serialize;
use std::io::{self, Write};

/// One scenario run: its replications and their summary.
pub struct Arm {
    pub scenario: Scenario,
    pub replications: Vec<ReplicationResult>,
    pub summary: Summary,
}

impl Arm {
    pub fn new(scenario: Scenario, replications: Vec<ReplicationResult>) -> Self {
        let summary = summarise(&scenario, &replications);
        Self { scenario, replications, summary }
    }

    pub fn run_output(&self) -> RunOutput<'_> {
        RunOutput {
            scenario: &self.scenario,
            replications: &self.replications,
            summary: &self.summary,
        }
    }
}

/// Gives `alt` the baseline's seed, replications and cohort size so that both arms share their
/// citizens and random streams. Refuses (naming `what`) an alternative whose population table
/// or horizon differs from the baseline's, since then the pairing would be meaningless.
pub fn align(base: &Scenario, alt: Scenario, what: &str) -> Result<Scenario, String> {
    let mut raw = alt.resolved.clone();
    raw.scenario.seed = base.meta.seed;
    raw.scenario.replications = base.meta.replications;
    raw.population.size = base.population.size;
    if raw.population != base.resolved.population {
        return Err(format!(
            "{what}: its [population] table differs from the baseline's; a comparison needs the \
             same citizens in both scenarios (only the cohort size is taken from the baseline)"
        ));
    }
    if raw.scenario.horizon_days != base.meta.horizon_days {
        return Err(format!(
            "{what}: horizon_days is {} but the baseline's is {}; a comparison needs the same \
             follow-up",
            raw.scenario.horizon_days, base.meta.horizon_days
        ));
    }
    let mut sc = Scenario::from_raw(raw).map_err(|e| format!("{what}:\n{e}"))?;
    sc.files = alt.files;
    sc.cohort_note = alt.cohort_note;
    Ok(sc)
}

/// One indicator compared between the baseline and one alternative.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Difference {
    pub indicator: String,
    pub label: String,
    pub unit: &'static str,
    pub baseline: Estimate,
    pub alternative: Estimate,
    /// Paired `alt − base` over replications, with its 95% interval.
    pub difference: Estimate,
    /// Half-width of the Welch interval, as if the arms were independent.
    pub welch_half_width: f64,
    /// `1 − var(alt − base) / (var(base) + var(alt))`: what pairing removed.
    pub variance_reduction: f64,
}

/// Who pays, who gains: one payer's discounted cost per citizen in both arms.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PayerShift {
    pub payer: &'static str,
    pub baseline: f64,
    pub alternative: f64,
    /// Paired `alt − base`; negative = this payer gains (saves).
    pub difference: Estimate,
    /// "gains", "pays more", or "no clear change" when the 95% interval includes 0.
    pub verdict: &'static str,
}

/// A baseline against one alternative.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub baseline: String,
    pub alternative: String,
    pub replications: usize,
    pub differences: Vec<Difference>,
    pub who_pays_who_gains: Vec<PayerShift>,
    /// Paired difference of the total societal cost per citizen (discounted, no transfers).
    pub societal_cost_difference: Estimate,
    /// Paired difference of the 2-year reconviction share.
    pub reconviction_2y_difference: Estimate,
    /// `Δ societal cost / (−Δ reconviction_2y)` in euros: only when the alternative lowers
    /// reconviction at a higher cost (a price to weigh); `None` (null) otherwise, when
    /// [`Comparison::cost_effectiveness`] says why.
    pub cost_per_reconviction_avoided: Option<f64>,
    /// Where the alternative lies against the baseline: cheaper and better, dearer and worse…
    pub cost_effectiveness: CostEffectiveness,
    /// Whether the 95% interval of the reconviction difference lies wholly below zero.
    pub reconviction_fall_significant: bool,
    /// `−Δ societal cost` per citizen: positive = the alternative is cheaper for society.
    pub net_societal_benefit_per_citizen: Estimate,
}

impl Comparison {
    pub fn get(&self, indicator: &str) -> Option<&Difference> {
        self.differences.iter().find(|d| d.indicator == indicator)
    }
}

/// The alternative's place on the cost-effectiveness plane (point estimates of the paired
/// differences in societal cost and 2-year reconviction). A ratio is a price only when the
/// alternative buys fewer reconvictions with more money; a negative "cost per reconviction
/// avoided" would read as a bargain whether the option is cheaper and better or dearer and
/// worse, so those get a name instead of a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CostEffectiveness {
    /// Cheaper (or equal) and less reconviction.
    Dominant,
    /// Dearer (or equal) and more (or equal) reconviction.
    Dominated,
    /// Less reconviction at a higher cost: the cost per reconviction avoided applies.
    CostsMoreWorksBetter,
    /// Cheaper but more reconviction: a saving per extra reconviction.
    SavesMoneyWorksWorse,
    /// Neither cost nor reconviction differs (or one is undefined).
    NoDifference,
}

impl CostEffectiveness {
    pub fn of(delta_cost: f64, delta_reconviction: f64) -> Self {
        if !(delta_cost.is_finite() && delta_reconviction.is_finite())
            || (delta_cost == 0.0 && delta_reconviction == 0.0)
        {
            return Self::NoDifference;
        }
        match (delta_cost <= 0.0, delta_reconviction < 0.0) {
            (true, true) => Self::Dominant,
            (false, true) => Self::CostsMoreWorksBetter,
            (true, false) if delta_cost < 0.0 => Self::SavesMoneyWorksWorse,
            _ => Self::Dominated,
        }
    }

    /// In words, for the terminal and the report.
    pub fn words(self) -> &'static str {
        match self {
            Self::Dominant => "dominant: cheaper for society and less reconviction",
            Self::Dominated => "dominated: dearer for society and no less reconviction",
            Self::CostsMoreWorksBetter => "less reconviction at a higher societal cost",
            Self::SavesMoneyWorksWorse => "cheaper for society but more reconviction",
            Self::NoDifference => "no difference in cost or reconviction",
        }
    }
}

fn verdict(e: &Estimate) -> &'static str {
    if e.hi < 0.0 {
        "gains"
    } else if e.lo > 0.0 {
        "pays more"
    } else {
        "no clear change"
    }
}

fn negate(e: &Estimate) -> Estimate {
    Estimate { mean: -e.mean, lo: -e.hi, hi: -e.lo, sd: e.sd, n: e.n }
}

/// Compares `alt` with `base`, indicator by indicator (those both arms report, in the
/// baseline's order). Both arms must have the same number of replications.
pub fn compare(base: &Arm, alt: &Arm) -> Result<Comparison, String> {
    // Each arm's summary kept every indicator's value per replication.
    let (bn, an) = (&base.summary.rows, &alt.summary.rows);
    let mut differences = Vec::new();
    for ind in bn {
        let Some(other) = an.iter().find(|a| a.name == ind.name) else { continue };
        let (b, a) = (&ind.per_replication, &other.per_replication);
        let difference = paired_difference(b, a)
            .map_err(|e| format!("{} vs {}: {e}", base.summary.scenario, alt.summary.scenario))?;
        differences.push(Difference {
            indicator: ind.name.clone(),
            label: ind.label.clone(),
            unit: ind.unit,
            baseline: mean_interval(b),
            alternative: mean_interval(a),
            difference,
            welch_half_width: unpaired_difference(b, a).half_width(),
            variance_reduction: variance_reduction(b, a),
        });
    }
    let find = |name: &str| {
        differences
            .iter()
            .find(|d| d.indicator == name)
            .ok_or_else(|| format!("indicator {name} missing from the comparison"))
    };
    let who_pays_who_gains = PAYERS
        .iter()
        .map(|p| {
            let d = find(&format!("cost_{}", p.name()))?;
            Ok(PayerShift {
                payer: p.name(),
                baseline: d.baseline.mean,
                alternative: d.alternative.mean,
                difference: d.difference.clone(),
                verdict: verdict(&d.difference),
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    let societal = find("cost_societal")?.difference.clone();
    let reconviction = find("reconviction_2y")?.difference.clone();
    let cost_effectiveness = CostEffectiveness::of(societal.mean, reconviction.mean);
    let cost_per_reconviction_avoided = (cost_effectiveness
        == CostEffectiveness::CostsMoreWorksBetter)
        .then(|| societal.mean / -reconviction.mean);
    Ok(Comparison {
        baseline: base.summary.scenario.clone(),
        alternative: alt.summary.scenario.clone(),
        replications: base.replications.len(),
        who_pays_who_gains,
        net_societal_benefit_per_citizen: negate(&societal),
        reconviction_fall_significant: reconviction.hi < 0.0,
        societal_cost_difference: societal,
        reconviction_2y_difference: reconviction,
        cost_per_reconviction_avoided,
        cost_effectiveness,
        differences,
    })
}

/// Mean cost per released citizen per payer and follow-up year (undiscounted and discounted).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct YearCost {
    pub payer: &'static str,
    pub year: usize,
    pub cost_per_citizen: f64,
    pub cost_per_citizen_discounted: f64,
}

pub fn costs_by_year(arm: &Arm) -> Vec<YearCost> {
    let rate = arm.scenario.costs.discount_rate;
    let reps = &arm.replications;
    let years = reps.first().map(|r| r.ledger.years).unwrap_or(0);
    let mut out = Vec::new();
    for payer in PAYERS {
        for y in 0..years {
            let xs: Vec<f64> = reps
                .iter()
                .map(|r| r.ledger.payer_year(payer, y) / r.totals.released.max(1) as f64)
                .collect();
            let m = crate::stats::mean(&xs);
            out.push(YearCost {
                payer: payer.name(),
                year: y + 1,
                cost_per_citizen: m,
                cost_per_citizen_discounted: m * crate::stats::discount_factor(rate, y),
            });
        }
    }
    out
}

/// `differences.csv`: one row per alternative and indicator.
pub fn write_differences(comparisons: &[Comparison], out: &mut dyn Write) -> io::Result<()> {
    let mut w = csv::WriterBuilder::new().from_writer(out);
    w.write_record([
        "baseline",
        "alternative",
        "indicator",
        "unit",
        "baseline_mean",
        "alternative_mean",
        "difference",
        "diff_lo95",
        "diff_hi95",
        "welch_half_width",
        "variance_reduction",
    ])
    .map_err(io::Error::other)?;
    for c in comparisons {
        for d in &c.differences {
            w.write_record([
                c.baseline.as_str(),
                &c.alternative,
                &d.indicator,
                d.unit,
                &num(d.baseline.mean),
                &num(d.alternative.mean),
                &num(d.difference.mean),
                &num(d.difference.lo),
                &num(d.difference.hi),
                &num(d.welch_half_width),
                &num(d.variance_reduction),
            ])
            .map_err(io::Error::other)?;
        }
    }
    w.flush()
}

/// `summary.json`: every scenario's indicators and yearly costs, plus the comparisons.
pub fn summary_json(arms: &[Arm], comparisons: &[Comparison]) -> serde_json::Value {
    let scenarios: Vec<serde_json::Value> = arms
        .iter()
        .map(|arm| {
            let mut v = json_scenario(&arm.run_output());
            if let Some(obj) = v.as_object_mut() {
                obj.insert(
                    "costs_by_payer_year".into(),
                    serde_json::to_value(costs_by_year(arm)).unwrap_or_default(),
                );
            }
            v
        })
        .collect();
    serde_json::json!({
        "tool": "reentry",
        "version": env!("CARGO_PKG_VERSION"),
        "command": "compare",
        "baseline": arms.first().map(|a| a.summary.scenario.clone()),
        "notes": {
            "difference": "alternative minus baseline, paired by replication (common random numbers), 95% t interval",
            "who_pays_who_gains": "discounted cost per released citizen per payer; negative difference = that payer gains",
            "cost_per_reconviction_avoided": "delta societal cost per citizen / (-delta reconviction_2y share), euros; only when reconviction falls at a higher cost, else null and cost_effectiveness says why",
            "cost_effectiveness": "dominant (cheaper and less reconviction), dominated (dearer and no less reconviction), costs_more_works_better, saves_money_works_worse or no_difference, on the point estimates",
            "intervals": "lo/hi are null with one replication: an interval needs at least two",
            "net_societal_benefit_per_citizen": "-delta societal cost per citizen (discounted, without transfers); positive = alternative cheaper for society",
        },
        "scenarios": scenarios,
        "comparisons": comparisons,
    })
}

/// Writes every compare output into `dir` (staged; the caller commits).
pub fn write_compare(
    dir: &OutputDir,
    arms: &[Arm],
    comparisons: &[Comparison],
) -> Result<(), String> {
    let runs: Vec<RunOutput> = arms.iter().map(Arm::run_output).collect();
    write_with(dir, &runs, &compare_exporters())?;
    dir.write_file("differences.csv", |w| write_differences(comparisons, w))?;
    let doc = summary_json(arms, comparisons);
    dir.write_file("summary.json", |w| {
        serde_json::to_writer_pretty(&mut *w, &doc).map_err(io::Error::other)?;
        writeln!(w)
    })
}

// ----- terminal -----

/// The comparison table the terminal shows, in English ([`crate::output::terminal`] has it
/// in both languages).
pub fn terminal_comparison(base: &Arm, c: &Comparison) -> String {
    crate::output::terminal::comparison(base, c, crate::output::lang::Lang::En)
}

pub use crate::output::terminal::ONE_REPLICATION;
