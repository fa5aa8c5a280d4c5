//! Decision maths of health economics, pure and independent of the simulator: incremental
//! cost-effectiveness analysis with dominated and extended-dominated options labelled
//! ([`incremental`]), net monetary benefit, the cost-effectiveness acceptability curve and
//! frontier over a grid of willingness-to-pay values ([`acceptability`]), and the expected
//! value of perfect information ([`evpi`]).
//!
//! The conventions are those of the R packages dampack (`calculate_icers`), hesim and BCEA:
//! effects are "more is better" (e.g. reconvictions *avoided*), costs "less is better"; an
//! option is *dominated* when another costs no more and achieves at least as much (one of the
//! two strictly), and *extendedly dominated* when a mix of two other options on the frontier
//! would beat it (its ICER is higher than that of the next more effective option). The
//! net monetary benefit at willingness to pay λ is `λ·effect − cost`.

use serde::{Deserialize, Serialize};

/// One option's (mean) cost and effect.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Choice {
    pub name: String,
    pub cost: f64,
    pub effect: f64,
}

impl Choice {
    pub fn new(name: impl Into<String>, cost: f64, effect: f64) -> Self {
        Self { name: name.into(), cost, effect }
    }
}

/// Where an option stands in the incremental analysis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// On the efficient frontier (the cheapest option is the frontier's first point).
    Frontier,
    /// Another option costs no more and achieves at least as much.
    Dominated,
    /// A mix of two frontier options would cost less for the same effect.
    ExtendedlyDominated,
}

impl Status {
    pub fn words(self) -> &'static str {
        match self {
            Status::Frontier => "on the frontier",
            Status::Dominated => "dominated",
            Status::ExtendedlyDominated => "extendedly dominated",
        }
    }
}

/// One row of the incremental analysis, in the input order of the options.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Incremental {
    pub name: String,
    pub cost: f64,
    pub effect: f64,
    pub status: Status,
    /// The frontier option this one is compared with (the next cheaper one on the frontier);
    /// `None` for the cheapest frontier option and for dominated options.
    pub compared_with: Option<String>,
    pub incremental_cost: Option<f64>,
    pub incremental_effect: Option<f64>,
    /// Incremental cost-effectiveness ratio against `compared_with`.
    pub icer: Option<f64>,
}

/// Incremental analysis of the options (as dampack's `calculate_icers`): strongly dominated
/// options are removed first, then extendedly dominated ones one at a time (the one with the
/// highest ICER that exceeds its successor's), and ICERs are computed between consecutive
/// frontier options sorted by cost. Options with non-finite values are reported dominated.
pub fn incremental(options: &[Choice]) -> Vec<Incremental> {
    let n = options.len();
    let mut status = vec![Status::Frontier; n];
    for i in 0..n {
        let (ci, ei) = (options[i].cost, options[i].effect);
        let dominated = !(ci.is_finite() && ei.is_finite())
            || options.iter().enumerate().any(|(j, o)| {
                j != i
                    && o.cost.is_finite()
                    && o.effect.is_finite()
                    && o.cost <= ci
                    && o.effect >= ei
                    && (o.cost < ci || o.effect > ei || j < i)
            });
        if dominated {
            status[i] = Status::Dominated;
        }
    }
    // Frontier candidates by cost (ties cannot remain: an equal-cost pair has a dominated one).
    let mut frontier: Vec<usize> = (0..n).filter(|i| status[*i] == Status::Frontier).collect();
    frontier.sort_by(|a, b| options[*a].cost.total_cmp(&options[*b].cost).then(a.cmp(b)));
    loop {
        let icers: Vec<f64> =
            frontier.windows(2).map(|w| ratio(&options[w[0]], &options[w[1]])).collect();
        // Option k+1 of the frontier is extendedly dominated if its ICER exceeds the next one.
        let worst = (0..icers.len().saturating_sub(1))
            .filter(|&k| icers[k] > icers[k + 1])
            .max_by(|a, b| icers[*a].total_cmp(&icers[*b]));
        match worst {
            Some(k) => {
                status[frontier[k + 1]] = Status::ExtendedlyDominated;
                frontier.remove(k + 1);
            }
            None => break,
        }
    }
    options
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let previous = frontier
                .iter()
                .position(|f| *f == i)
                .and_then(|k| k.checked_sub(1))
                .map(|k| &options[frontier[k]]);
            Incremental {
                name: o.name.clone(),
                cost: o.cost,
                effect: o.effect,
                status: status[i],
                compared_with: previous.map(|p| p.name.clone()),
                incremental_cost: previous.map(|p| o.cost - p.cost),
                incremental_effect: previous.map(|p| o.effect - p.effect),
                icer: previous.map(|p| ratio(p, o)),
            }
        })
        .collect()
}

/// ICER of `to` against the cheaper `from`.
fn ratio(from: &Choice, to: &Choice) -> f64 {
    (to.cost - from.cost) / (to.effect - from.effect)
}

/// Net monetary benefit `λ·effect − cost`.
pub fn net_monetary_benefit(wtp: f64, cost: f64, effect: f64) -> f64 {
    wtp * effect - cost
}

/// Costs and effects of every option in every draw of a probabilistic analysis:
/// `cost[draw][option]`, `effect[draw][option]`, draws weighted by `weight` (summing to 1).
#[derive(Debug, Clone, PartialEq)]
pub struct Draws {
    pub options: Vec<String>,
    pub cost: Vec<Vec<f64>>,
    pub effect: Vec<Vec<f64>>,
    pub weight: Vec<f64>,
}

impl Draws {
    /// Equally weighted draws.
    pub fn new(options: Vec<String>, cost: Vec<Vec<f64>>, effect: Vec<Vec<f64>>) -> Self {
        let n = cost.len().max(1) as f64;
        let weight = vec![1.0 / n; cost.len()];
        Self { options, cost, effect, weight }
    }

    pub fn len(&self) -> usize {
        self.cost.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cost.is_empty()
    }

    /// Weighted mean cost and effect of each option.
    pub fn means(&self) -> Vec<Choice> {
        (0..self.options.len())
            .map(|k| {
                let m = |v: &[Vec<f64>]| {
                    v.iter().zip(&self.weight).map(|(row, w)| w * row[k]).sum::<f64>()
                };
                Choice::new(self.options[k].clone(), m(&self.cost), m(&self.effect))
            })
            .collect()
    }

    fn nmb(&self, draw: usize, option: usize, wtp: f64) -> f64 {
        net_monetary_benefit(wtp, self.cost[draw][option], self.effect[draw][option])
    }

    /// The option with the highest net benefit in one draw (the first on ties).
    fn best_in_draw(&self, draw: usize, wtp: f64) -> usize {
        argmax((0..self.options.len()).map(|k| self.nmb(draw, k, wtp)))
    }
}

fn argmax(xs: impl Iterator<Item = f64>) -> usize {
    let mut best = (0, f64::NEG_INFINITY);
    for (k, x) in xs.enumerate() {
        if x > best.1 {
            best = (k, x);
        }
    }
    best.0
}

/// One point of the acceptability curve: one option at one willingness to pay.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Acceptability {
    pub wtp: f64,
    pub option: String,
    /// Chance (share of draws, weighted) that this option has the highest net benefit.
    pub probability_optimal: f64,
    pub expected_nmb: f64,
    /// Whether this option has the highest *expected* net benefit at this λ (the
    /// cost-effectiveness acceptability frontier).
    pub on_frontier: bool,
}

/// The acceptability curve (CEAC) of every option and the acceptability frontier (CEAF) over
/// the willingness-to-pay grid.
pub fn acceptability(d: &Draws, wtps: &[f64]) -> Vec<Acceptability> {
    let k = d.options.len();
    let mut out = Vec::with_capacity(wtps.len() * k);
    for &wtp in wtps {
        let mut chance = vec![0.0; k];
        for draw in 0..d.len() {
            chance[d.best_in_draw(draw, wtp)] += d.weight[draw];
        }
        let expected: Vec<f64> = (0..k)
            .map(|o| (0..d.len()).map(|draw| d.weight[draw] * d.nmb(draw, o, wtp)).sum())
            .collect();
        let best = argmax(expected.iter().copied());
        for o in 0..k {
            out.push(Acceptability {
                wtp,
                option: d.options[o].clone(),
                probability_optimal: chance[o],
                expected_nmb: expected[o],
                on_frontier: o == best,
            });
        }
    }
    out
}

/// Expected value of perfect information per citizen at one willingness to pay:
/// `E[max_k NMB_k] − max_k E[NMB_k]` — what knowing the parameters for sure would add to the
/// expected net benefit of the decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evpi {
    pub wtp: f64,
    pub evpi: f64,
    /// The option with the highest expected net benefit (what to choose today).
    pub optimal: String,
}

pub fn evpi(d: &Draws, wtps: &[f64]) -> Vec<Evpi> {
    wtps.iter()
        .map(|&wtp| {
            let k = d.options.len();
            let perfect: f64 = (0..d.len())
                .map(|draw| {
                    let best = d.best_in_draw(draw, wtp);
                    d.weight[draw] * d.nmb(draw, best, wtp)
                })
                .sum();
            let expected: Vec<f64> = (0..k)
                .map(|o| (0..d.len()).map(|draw| d.weight[draw] * d.nmb(draw, o, wtp)).sum())
                .collect();
            let best = argmax(expected.iter().copied());
            Evpi {
                wtp,
                // Never below zero; rounding could otherwise show −0.000001.
                evpi: (perfect - expected[best]).max(0.0),
                optimal: d.options.get(best).cloned().unwrap_or_default(),
            }
        })
        .collect()
}

/// `n` evenly spaced willingness-to-pay values from 0 to `max`, both included.
pub fn wtp_grid(max: f64, n: usize) -> Vec<f64> {
    let n = n.max(2);
    (0..n).map(|i| max * i as f64 / (n - 1) as f64).collect()
}

/// The share of weighted draws in which `x` is positive (a payer's chance of gaining).
pub fn chance_positive(xs: &[f64], weight: &[f64]) -> f64 {
    xs.iter().zip(weight).filter(|(x, _)| **x > 0.0).map(|(_, w)| w).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9 * (1.0 + a.abs().max(b.abs()))
    }

    /// The hand-computed case. Four options (a baseline and three alternatives), per citizen:
    ///
    /// | option | cost    | effect |
    /// |--------|---------|--------|
    /// | base   | 0       | 0      |
    /// | A      | 20,000  | 0.5    |
    /// | B      | 25,000  | 0.4    |
    /// | C      | 30,000  | 1.0    |
    ///
    /// B costs more than A and achieves less: dominated. Frontier by cost: base, A, C. ICER
    /// A vs base = 20,000 / 0.5 = 40,000; ICER C vs A = 10,000 / 0.5 = 20,000. A's ICER
    /// exceeds its successor's, so A is extendedly dominated (half base, half C gives effect
    /// 0.5 for 15,000 < 20,000). Then C vs base: 30,000 / 1.0 = 30,000.
    ///
    /// Two equally likely draws: C's effect is 1.5 or 0.5 (mean 1.0); everything else fixed.
    /// At λ = 50,000 the net benefits λ·E − C are
    ///   base 0 | 0;  A 5,000 | 5,000;  B −5,000 | −5,000;  C 45,000 | −5,000.
    /// Expected: base 0, A 5,000, B −5,000, C 20,000 → choose C (on the frontier).
    /// Best per draw: C (45,000), then A (5,000): CEAC C = 0.5, A = 0.5, base = B = 0.
    /// EVPI = (45,000 + 5,000)/2 − 20,000 = 5,000.
    /// At λ = 10,000: base has the highest net benefit in both draws (A −15,000, B −21,000,
    /// C −15,000 or −25,000): CEAC base = 1, EVPI = 0.
    fn hand_case() -> (Vec<Choice>, Draws) {
        let means = vec![
            Choice::new("base", 0.0, 0.0),
            Choice::new("A", 20_000.0, 0.5),
            Choice::new("B", 25_000.0, 0.4),
            Choice::new("C", 30_000.0, 1.0),
        ];
        let names = means.iter().map(|c| c.name.clone()).collect();
        let cost = vec![vec![0.0, 20_000.0, 25_000.0, 30_000.0]; 2];
        let effect = vec![vec![0.0, 0.5, 0.4, 1.5], vec![0.0, 0.5, 0.4, 0.5]];
        (means, Draws::new(names, cost, effect))
    }

    #[test]
    fn hand_computed_case_labels_dominance_and_icers() {
        let (means, draws) = hand_case();
        assert_eq!(draws.means(), means);
        let rows = incremental(&means);
        let by = |n: &str| rows.iter().find(|r| r.name == n).unwrap();
        assert_eq!(by("base").status, Status::Frontier);
        assert_eq!(by("base").icer, None);
        assert_eq!(by("A").status, Status::ExtendedlyDominated);
        assert_eq!(by("A").icer, None);
        assert_eq!(by("B").status, Status::Dominated);
        assert_eq!(by("C").status, Status::Frontier);
        assert_eq!(by("C").compared_with.as_deref(), Some("base"));
        assert!(close(by("C").icer.unwrap(), 30_000.0));
        assert!(close(by("C").incremental_cost.unwrap(), 30_000.0));
        assert!(close(by("C").incremental_effect.unwrap(), 1.0));
    }

    #[test]
    fn hand_computed_case_ceac_frontier_and_evpi() {
        let (_, draws) = hand_case();
        let wtps = [10_000.0, 50_000.0];
        let ceac = acceptability(&draws, &wtps);
        let at =
            |w: f64, o: &str| ceac.iter().find(|a| a.wtp == w && a.option == o).unwrap().clone();
        assert!(close(at(50_000.0, "C").probability_optimal, 0.5));
        assert!(close(at(50_000.0, "A").probability_optimal, 0.5));
        assert!(close(at(50_000.0, "base").probability_optimal, 0.0));
        assert!(close(at(50_000.0, "C").expected_nmb, 20_000.0));
        assert!(at(50_000.0, "C").on_frontier && !at(50_000.0, "A").on_frontier);
        assert!(close(at(10_000.0, "base").probability_optimal, 1.0));
        assert!(at(10_000.0, "base").on_frontier);
        let v = evpi(&draws, &wtps);
        assert!(close(v[0].evpi, 0.0) && v[0].optimal == "base");
        assert!(close(v[1].evpi, 5_000.0) && v[1].optimal == "C");
    }

    #[test]
    fn the_acceptability_curves_sum_to_one_at_every_wtp() {
        let (_, draws) = hand_case();
        let ceac = acceptability(&draws, &wtp_grid(100_000.0, 11));
        for chunk in ceac.chunks(4) {
            let total: f64 = chunk.iter().map(|a| a.probability_optimal).sum();
            assert!(close(total, 1.0), "{total}");
            assert_eq!(chunk.iter().filter(|a| a.on_frontier).count(), 1);
        }
    }

    #[test]
    fn a_cheaper_and_better_option_dominates_and_equal_options_keep_the_first() {
        let rows = incremental(&[
            Choice::new("old", 100.0, 1.0),
            Choice::new("new", 50.0, 2.0),
            Choice::new("copy", 50.0, 2.0),
        ]);
        assert_eq!(rows[0].status, Status::Dominated);
        assert_eq!(rows[1].status, Status::Frontier);
        assert_eq!(rows[2].status, Status::Dominated);
    }

    #[test]
    fn chance_positive_weights_draws() {
        assert!(close(chance_positive(&[1.0, -1.0, 2.0], &[0.2, 0.3, 0.5]), 0.7));
    }
}
