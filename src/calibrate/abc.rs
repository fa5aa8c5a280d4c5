//! Approximate Bayesian computation by sequential Monte Carlo (ABC-SMC; Toni et al. 2009,
//! with the adaptive kernel and weights of Beaumont et al. 2009).
//!
//! Generation 0 draws particles from the prior and keeps them all. Each later generation `g`
//! sets its tolerance to a quantile of the previous generation's distances, then makes
//! numbered attempts: attempt `k` picks a parent from the previous population by weight,
//! perturbs it with a Gaussian kernel (per parameter, variance twice the population's
//! weighted variance), simulates it and is accepted when its distance is within the
//! tolerance. Accepted particles get importance weights
//! `prior(θ) / Σ_j w_j K(θ | θ_j)`, normalised to sum to one.
//!
//! Reproducibility: attempt `k` of generation `g` is a pure function of (seed, g, k) and the
//! previous population, and attempts are accepted in the order of `k`, so the population
//! does not depend on threads, shards, batches or interruptions.

use crate::rng::derive;
use crate::uncertainty::Priors;
use crate::uncertainty::special::normal_quantile;

/// Stream tags, so proposals and early-rejection never share random numbers.
const PICK: u64 = 0x5049_434b; // "PICK"
const STEP: u64 = 0x5354_4550; // "STEP"

/// One accepted parameter vector.
#[derive(Debug, Clone, PartialEq)]
pub struct Particle {
    pub values: Vec<f64>,
    pub weight: f64,
    pub distance: f64,
    /// The simulated outputs (means over replications), in the model's output order.
    pub outputs: Vec<f64>,
}

/// A finished generation: the population and what it cost.
#[derive(Debug, Clone, PartialEq)]
pub struct Generation {
    pub index: u32,
    pub tolerance: f64,
    /// The share of the scenario's cohort simulated in this generation.
    pub scale: f64,
    pub particles: Vec<Particle>,
    /// Attempts up to and including the last accepted one.
    pub attempts: u64,
    /// Simulated replications in those attempts.
    pub simulations: u64,
}

impl Generation {
    pub fn acceptance_rate(&self) -> f64 {
        self.particles.len() as f64 / self.attempts.max(1) as f64
    }

    /// Weighted mean and variance of each parameter.
    pub fn moments(&self) -> Vec<(f64, f64)> {
        let dims = self.particles.first().map_or(0, |p| p.values.len());
        (0..dims)
            .map(|d| {
                let mean: f64 = self.particles.iter().map(|p| p.weight * p.values[d]).sum();
                let var: f64 =
                    self.particles.iter().map(|p| p.weight * (p.values[d] - mean).powi(2)).sum();
                (mean, var)
            })
            .collect()
    }

    /// The kernel's standard deviation per parameter: twice the weighted variance (Beaumont
    /// et al. 2009), never zero so a collapsed parameter can still move.
    pub fn kernel_sd(&self, priors: &Priors) -> Vec<f64> {
        self.moments()
            .iter()
            .zip(&priors.priors)
            .map(|((_, var), prior)| {
                let floor = if prior.whole_number { 0.5 } else { 1e-12 };
                (2.0 * var).sqrt().max(floor)
            })
            .collect()
    }

    /// The tolerance of the next generation: the `alpha` quantile of this one's distances.
    pub fn next_tolerance(&self, alpha: f64) -> f64 {
        let mut d: Vec<f64> = self.particles.iter().map(|p| p.distance).collect();
        d.sort_by(f64::total_cmp);
        crate::stats::quantile(&d, alpha)
    }
}

/// Where attempt `k` of a generation goes: the parameter vector to simulate, or `None` when
/// the perturbed vector lies outside the prior's support (rejected without simulating).
pub fn propose(
    priors: &Priors,
    seed: u64,
    generation: u32,
    k: u64,
    previous: Option<(&Generation, &[f64])>,
) -> Option<Vec<f64>> {
    let Some((prev, sd)) = previous else {
        return Some(priors.draw(seed, k));
    };
    let key = derive(derive(derive(seed, STEP), generation as u64), k);
    let parent = pick(prev, unit(derive(key, PICK)));
    let values: Vec<f64> = parent
        .values
        .iter()
        .zip(sd)
        .zip(&priors.priors)
        .enumerate()
        .map(|(d, ((x, s), prior))| {
            let z = normal_quantile(unit(derive(key, d as u64 + 1)));
            prior.as_scenario_value(x + s * z)
        })
        .collect();
    priors.ln_density(&values).is_finite().then_some(values)
}

/// The particle whose cumulative weight first passes `u`.
fn pick(prev: &Generation, u: f64) -> &Particle {
    let mut acc = 0.0;
    for p in &prev.particles {
        acc += p.weight;
        if u < acc {
            return p;
        }
    }
    // Rounding can leave the total a hair below 1.
    prev.particles.last().expect("a generation has particles")
}

/// A number strictly inside (0, 1).
fn unit(bits: u64) -> f64 {
    ((bits >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
}

/// Importance weights of accepted values, normalised: prior density over the density of
/// having been proposed from the previous population (uniform in generation 0).
pub fn weights(
    priors: &Priors,
    accepted: &[Vec<f64>],
    previous: Option<(&Generation, &[f64])>,
) -> Vec<f64> {
    let raw: Vec<f64> = match previous {
        None => vec![1.0; accepted.len()],
        Some((prev, sd)) => accepted
            .iter()
            .map(|theta| {
                let proposal: f64 = prev
                    .particles
                    .iter()
                    .map(|p| p.weight * kernel_density(theta, &p.values, sd))
                    .sum();
                let prior = priors.ln_density(theta).exp();
                if proposal > 0.0 { prior / proposal } else { 0.0 }
            })
            .collect(),
    };
    let total: f64 = raw.iter().sum();
    if total > 0.0 && total.is_finite() {
        raw.iter().map(|w| w / total).collect()
    } else {
        vec![1.0 / accepted.len().max(1) as f64; accepted.len()]
    }
}

/// The product of independent normal densities (the constant cancels in the weights).
fn kernel_density(theta: &[f64], centre: &[f64], sd: &[f64]) -> f64 {
    let z2: f64 = theta.iter().zip(centre).zip(sd).map(|((t, c), s)| ((t - c) / s).powi(2)).sum();
    (-0.5 * z2).exp()
}

/// The distance between simulated and observed statistics: the root mean square of the
/// differences in units of each target's standard error, so a distance of 1 means "one
/// standard error off on average" whatever the targets' units.
pub fn distance(simulated: &[f64], observed: &[f64], se: &[f64]) -> f64 {
    let n = observed.len().max(1) as f64;
    let sum: f64 = simulated
        .iter()
        .zip(observed)
        .zip(se)
        .map(|((s, o), e)| if s.is_finite() { ((s - o) / e).powi(2) } else { f64::INFINITY })
        .sum();
    (sum / n).sqrt()
}

/// Effective sample size of normalised weights.
pub fn effective_sample_size(weights: &[f64]) -> f64 {
    let s2: f64 = weights.iter().map(|w| w * w).sum();
    if s2 > 0.0 { 1.0 / s2 } else { 0.0 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn normal_prior(sd: f64) -> Priors {
        Priors::parse(
            Path::new("p.toml"),
            &format!("[[prior]]\npath = \"a.b\"\ndistribution = \"normal\"\nmean = 0\nsd = {sd}\nsource = \"x\"\n"),
        )
        .unwrap()
    }

    /// ABC-SMC on a model with a known posterior: θ ~ N(0, 1), y ~ N(θ, 0.5²), observed
    /// y = 1. The exact posterior is N(0.8, 0.2) (precision 1 + 4 = 5). ABC with a small
    /// tolerance must land close to it.
    #[test]
    fn recovers_the_conjugate_normal_posterior() {
        let priors = normal_prior(1.0);
        let (n, seed) = (2000usize, 7u64);
        let simulate = |theta: f64, g: u32, k: u64| {
            let z = normal_quantile(unit(derive(derive(derive(seed, 99), g as u64), k)));
            theta + 0.5 * z
        };
        let mut previous: Option<Generation> = None;
        let mut tolerance = f64::INFINITY;
        for g in 0..8u32 {
            let sd = previous.as_ref().map(|p| p.kernel_sd(&priors));
            let prev = previous.as_ref().zip(sd.as_deref());
            let mut accepted = Vec::new();
            let mut k = 0;
            while accepted.len() < n {
                if let Some(v) = propose(&priors, seed, g, k, prev) {
                    let d = (simulate(v[0], g, k) - 1.0).abs();
                    if d <= tolerance {
                        accepted.push((v, d));
                    }
                }
                k += 1;
            }
            let values: Vec<Vec<f64>> = accepted.iter().map(|(v, _)| v.clone()).collect();
            let w = weights(&priors, &values, prev);
            let particles = accepted
                .into_iter()
                .zip(w)
                .map(|((values, distance), weight)| Particle {
                    values,
                    weight,
                    distance,
                    outputs: vec![],
                })
                .collect();
            let generation = Generation {
                index: g,
                tolerance,
                scale: 1.0,
                particles,
                attempts: k,
                simulations: k,
            };
            tolerance = generation.next_tolerance(0.5);
            previous = Some(generation);
        }
        let last = previous.unwrap();
        let (mean, var) = last.moments()[0];
        // ABC widens the posterior by about the tolerance; with tolerance < 0.05 that is tiny.
        assert!(last.tolerance < 0.06, "tolerance {}", last.tolerance);
        assert!((mean - 0.8).abs() < 0.04, "mean {mean}");
        assert!((var.sqrt() - 0.2f64.sqrt()).abs() < 0.04, "sd {}", var.sqrt());
        assert!(
            effective_sample_size(&last.particles.iter().map(|p| p.weight).collect::<Vec<_>>())
                > 500.0
        );
    }

    #[test]
    fn distance_is_in_standard_errors() {
        let d = distance(&[0.5, 2.0], &[0.4, 2.0], &[0.1, 1.0]);
        assert!((d - 0.5f64.sqrt()).abs() < 1e-12, "{d}");
        assert_eq!(distance(&[f64::NAN], &[0.4], &[0.1]), f64::INFINITY);
    }

    #[test]
    fn proposals_are_pure_and_stay_in_the_prior() {
        let priors = Priors::parse(
            Path::new("p.toml"),
            "[[prior]]\npath = \"a.b\"\ndistribution = \"uniform\"\nlow = 0\nhigh = 1\nsource = \"x\"\n",
        )
        .unwrap();
        let prev = Generation {
            index: 0,
            tolerance: 1.0,
            scale: 1.0,
            particles: vec![Particle {
                values: vec![0.99],
                weight: 1.0,
                distance: 0.0,
                outputs: vec![],
            }],
            attempts: 1,
            simulations: 1,
        };
        let sd = [0.1];
        let a: Vec<_> = (0..200).map(|k| propose(&priors, 3, 1, k, Some((&prev, &sd)))).collect();
        let b: Vec<_> = (0..200).map(|k| propose(&priors, 3, 1, k, Some((&prev, &sd)))).collect();
        assert_eq!(a, b);
        let outside = a.iter().filter(|p| p.is_none()).count();
        // About half the steps from 0.99 with sd 0.1 leave [0, 1].
        assert!((70..130).contains(&outside), "{outside}");
        assert!(a.iter().flatten().all(|v| (0.0..=1.0).contains(&v[0])));
    }
}
