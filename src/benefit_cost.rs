//! Benefit-cost summaries per payer, in the form of the Washington State Institute for Public
//! Policy (WSIPP) benefit-cost model: for each perspective the programme's costs and the
//! benefits it brings, benefits minus costs per participant, the benefit-cost ratio, the
//! chance that benefits exceed costs (over the draws of a probabilistic analysis), the
//! break-even year and the cumulative cash flow over the follow-up.
//!
//! Costs here are the *extra spending on care and support* (services, intakes, case
//! management, coordination: the programme); benefits are the *spending avoided on
//! consequences* (detention, probation, police and courts, victims, benefit payments). Both
//! are differences alternative − baseline per released citizen, so benefits − costs is minus
//! the payer's cost difference. Benefit payments are a transfer: they appear in their own row
//! and in the municipality's budget, never in the societal total.

use serde::{Deserialize, Serialize};

use crate::stats::{discount_factor, quantile};

/// One draw's yearly differences (alternative − baseline, euros per released citizen,
/// undiscounted) for one perspective.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Flows {
    /// Change in spending on care and support, per year.
    pub care: Vec<f64>,
    /// Change in spending on consequences, per year.
    pub other: Vec<f64>,
}

impl Flows {
    /// The yearly net benefit `−(Δcare + Δother)`, discounted or not.
    pub fn net_by_year(&self, rate: f64) -> Vec<f64> {
        (0..self.care.len())
            .map(|y| -(self.care[y] + self.other[y]) * discount_factor(rate, y))
            .collect()
    }

    fn present(xs: &[f64], rate: f64) -> f64 {
        xs.iter().enumerate().map(|(y, x)| x * discount_factor(rate, y)).sum()
    }

    /// Costs (extra care spending) at `rate`.
    pub fn costs(&self, rate: f64) -> f64 {
        Self::present(&self.care, rate)
    }

    /// Benefits (consequence spending avoided) at `rate`.
    pub fn benefits(&self, rate: f64) -> f64 {
        // `0.0 −` rather than negation, so that "no change" prints as 0, not −0.
        0.0 - Self::present(&self.other, rate)
    }

    /// Adds another perspective's flows (for the societal total).
    pub fn add(&mut self, other: &Flows) {
        for (acc, x) in [(&mut self.care, &other.care), (&mut self.other, &other.other)] {
            if acc.len() < x.len() {
                acc.resize(x.len(), 0.0);
            }
            acc.iter_mut().zip(x).for_each(|(a, b)| *a += b);
        }
    }
}

/// One perspective's benefit-cost summary at one discount rate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BenefitCost {
    pub perspective: String,
    /// "discounted" or "undiscounted".
    pub discounting: String,
    pub rate: f64,
    /// Mean over draws of the extra care spending per citizen.
    pub costs: f64,
    /// Mean over draws of the consequence spending avoided per citizen.
    pub benefits: f64,
    /// Mean of benefits − costs, with the 2.5% and 97.5% points over draws.
    pub net: f64,
    pub net_lo: f64,
    pub net_hi: f64,
    /// Mean benefits / mean costs; `None` when the alternative adds no care cost for this
    /// perspective (then the ratio means nothing: benefits − costs says it all).
    pub ratio: Option<f64>,
    /// Share of draws in which benefits exceed costs.
    pub chance_benefits_exceed_costs: f64,
    /// First follow-up year (1-based) from which the mean cumulative net benefit stays at or
    /// above zero; `None` if it is still negative at the end of the follow-up.
    pub break_even_year: Option<usize>,
    /// Mean cumulative net benefit per year, with its 2.5% and 97.5% points over draws.
    pub cumulative: Vec<f64>,
    pub cumulative_lo: Vec<f64>,
    pub cumulative_hi: Vec<f64>,
}

/// Summarises one perspective over the draws (equally weighted) at `rate`; `discounted`
/// names the variant.
pub fn summarise(perspective: &str, draws: &[Flows], rate: f64, discounted: bool) -> BenefitCost {
    let n = draws.len().max(1) as f64;
    let mean = |xs: &[f64]| xs.iter().sum::<f64>() / n;
    let costs: Vec<f64> = draws.iter().map(|f| f.costs(rate)).collect();
    let benefits: Vec<f64> = draws.iter().map(|f| f.benefits(rate)).collect();
    let nets: Vec<f64> = costs.iter().zip(&benefits).map(|(c, b)| b - c).collect();
    let (net_lo, net_hi) = interval(&nets);
    let years = draws.iter().map(|f| f.care.len()).max().unwrap_or(0);
    let cumulative_by_draw: Vec<Vec<f64>> = draws
        .iter()
        .map(|f| {
            let mut acc = 0.0;
            f.net_by_year(rate)
                .into_iter()
                .map(|x| {
                    acc += x;
                    acc
                })
                .collect()
        })
        .collect();
    let column = |y: usize| -> Vec<f64> {
        cumulative_by_draw.iter().map(|c| c.get(y).copied().unwrap_or(0.0)).collect()
    };
    let cumulative: Vec<f64> = (0..years).map(|y| mean(&column(y))).collect();
    let bands: Vec<(f64, f64)> = (0..years).map(|y| interval(&column(y))).collect();
    let (mean_costs, mean_benefits) = (mean(&costs), mean(&benefits));
    BenefitCost {
        perspective: perspective.to_string(),
        discounting: if discounted { "discounted" } else { "undiscounted" }.into(),
        rate,
        costs: mean_costs,
        benefits: mean_benefits,
        net: mean(&nets),
        net_lo,
        net_hi,
        ratio: (mean_costs > 0.0).then(|| mean_benefits / mean_costs),
        chance_benefits_exceed_costs: nets.iter().filter(|x| **x > 0.0).count() as f64 / n,
        break_even_year: break_even(&cumulative),
        cumulative,
        cumulative_lo: bands.iter().map(|b| b.0).collect(),
        cumulative_hi: bands.iter().map(|b| b.1).collect(),
    }
}

/// The first year (1-based) from which the cumulative series stays at or above zero.
pub fn break_even(cumulative: &[f64]) -> Option<usize> {
    let last_negative = cumulative.iter().rposition(|x| *x < 0.0);
    match last_negative {
        None if cumulative.is_empty() => None,
        None => Some(1),
        Some(k) if k + 1 < cumulative.len() => Some(k + 2),
        Some(_) => None,
    }
}

/// 2.5% and 97.5% points (type 7) of the values.
pub fn interval(xs: &[f64]) -> (f64, f64) {
    let mut sorted: Vec<f64> = xs.iter().copied().filter(|x| !x.is_nan()).collect();
    sorted.sort_by(f64::total_cmp);
    (quantile(&sorted, 0.025), quantile(&sorted, 0.975))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One draw, two years, no discounting: the alternative spends 1,000 more on care in year
    /// 1 and saves 600 on consequences in each year. Costs 1,000; benefits 1,200; net 200;
    /// ratio 1.2; cumulative net −400 after year 1, +200 after year 2: break-even in year 2.
    #[test]
    fn a_hand_computed_programme_breaks_even_in_year_two() {
        let f = Flows { care: vec![1000.0, 0.0], other: vec![-600.0, -600.0] };
        let s = summarise("justice", std::slice::from_ref(&f), 0.0, false);
        assert_eq!((s.costs, s.benefits, s.net), (1000.0, 1200.0, 200.0));
        assert_eq!(s.ratio, Some(1.2));
        assert_eq!(s.cumulative, vec![-400.0, 200.0]);
        assert_eq!(s.break_even_year, Some(2));
        assert_eq!(s.chance_benefits_exceed_costs, 1.0);
        // Discounting at 10% shrinks the year-2 saving to 600/1.1.
        let d = summarise("justice", &[f], 0.10, true);
        assert!((d.benefits - (600.0 + 600.0 / 1.1)).abs() < 1e-9);
    }

    #[test]
    fn break_even_needs_the_cumulative_to_stay_positive() {
        assert_eq!(break_even(&[1.0, -1.0, 2.0]), Some(3));
        assert_eq!(break_even(&[1.0, 2.0]), Some(1));
        assert_eq!(break_even(&[-1.0, -2.0]), None);
        assert_eq!(break_even(&[]), None);
    }

    #[test]
    fn no_extra_care_cost_means_no_ratio_and_chances_count_draws() {
        let draws = [
            Flows { care: vec![-10.0], other: vec![-5.0] },
            Flows { care: vec![-10.0], other: vec![20.0] },
        ];
        let s = summarise("victims_society", &draws, 0.0, false);
        assert_eq!(s.ratio, None);
        assert_eq!(s.chance_benefits_exceed_costs, 0.5);
    }
}
