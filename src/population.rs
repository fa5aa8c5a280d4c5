//! The citizens: their fixed traits, their changing state, and the synthesis of a release
//! cohort whose problems co-occur as they do among detainees.
//!
//! Problems are not independent draws: a latent "problem load" shared by all domains (a
//! Gaussian copula with correlation `problem_correlation`) makes addiction, debt, LVB,
//! homelessness and the rest cluster in the same people, and lowers their strengths and
//! raises their prior convictions.

use crate::rng::{Purpose, citizen_key, generator};
use crate::scenario::Scenario;
use rand::RngExt;
use rand_distr::{Distribution, Gamma, LogNormal, Normal, Poisson, StandardNormal};

/// A day number that has not happened (yet).
pub const NEVER: u16 = u16::MAX;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Place {
    Detention,
    Community,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Addiction {
    None,
    Remission,
    Active,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Housing {
    Own,
    Shelter,
    Supported,
    Homeless,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Income {
    None,
    Benefit,
    Work,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Restorative {
    NotOffered,
    Declined,
    Ongoing,
    Completed,
    Failed,
}

/// What does not change during a run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Traits {
    pub age_at_start: f32,
    /// The yes-or-no traits, a bit each (read them with the methods of the same name):
    /// packed, 5 bytes less a citizen.
    flags: u8,
    pub priors: u16,
    /// Logarithm of the person's fixed reoffending risk (frailty, mean 1 on the natural
    /// scale): people differ in risk beyond the factors the model names.
    pub ln_frailty: f32,
    pub network_baseline: f32,
}

/// The yes-or-no traits of a person, as they are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TraitFlags {
    pub male: bool,
    pub lvb: bool,
    pub psychiatric: bool,
    pub has_children: bool,
    pub prolific: bool,
    pub addicted_at_intake: bool,
}

impl TraitFlags {
    fn bits(self) -> u8 {
        let TraitFlags { male, lvb, psychiatric, has_children, prolific, addicted_at_intake } =
            self;
        [male, lvb, psychiatric, has_children, prolific, addicted_at_intake]
            .iter()
            .enumerate()
            .fold(0, |bits, (k, &yes)| bits | (yes as u8) << k)
    }
}

impl Traits {
    pub fn new(
        age_at_start: f32,
        flags: TraitFlags,
        priors: u16,
        ln_frailty: f32,
        network_baseline: f32,
    ) -> Self {
        Self { age_at_start, flags: flags.bits(), priors, ln_frailty, network_baseline }
    }

    #[inline(always)]
    fn flag(&self, k: u32) -> bool {
        self.flags >> k & 1 != 0
    }

    pub fn male(&self) -> bool {
        self.flag(0)
    }

    /// A mild intellectual disability (LVB).
    pub fn lvb(&self) -> bool {
        self.flag(1)
    }

    pub fn psychiatric(&self) -> bool {
        self.flag(2)
    }

    pub fn has_children(&self) -> bool {
        self.flag(3)
    }

    pub fn prolific(&self) -> bool {
        self.flag(4)
    }

    pub fn addicted_at_intake(&self) -> bool {
        self.flag(5)
    }
}

/// Counters that become outcomes.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Counters {
    pub offences: u16,
    pub arrests: u16,
    pub convictions: u16,
    pub detentions: u16,
    pub relapses: u16,
    pub detention_days_after_release: u16,
    pub days_homeless: u16,
    pub days_active_addiction: u16,
    pub days_without_income: u16,
    pub debts_resolved: u16,
    pub violations: u16,
    pub incidents: u16,
    /// Incidents that cost the person their place in a shelter or supported housing.
    pub facility_evictions: u16,
    /// Violated conditions answered with revocation (justice logic).
    pub revocations: u16,
    /// Prerequisites of a service waived by a professional (seed 003).
    pub waivers: u16,
    /// Stays inside with supported child–parent contact (KIND).
    pub child_contact_stays: u16,
}

/// First occurrence of each survival event, as a day number, [`NEVER`] if not (yet).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Firsts {
    pub release: u16,
    pub rearrest: u16,
    pub reconviction: u16,
    pub redetention: u16,
    pub relapse: u16,
}

impl Default for Firsts {
    fn default() -> Self {
        Self {
            release: NEVER,
            rearrest: NEVER,
            reconviction: NEVER,
            redetention: NEVER,
            relapse: NEVER,
        }
    }
}

/// The four recovery dimensions of transmural, recovery-oriented work (seed 000), each 0..1.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Recovery {
    pub personal: f32,
    pub social: f32,
    pub societal: f32,
    pub victim: f32,
}

impl Recovery {
    pub fn mean(&self) -> f32 {
        (self.personal + self.social + self.societal + self.victim) * 0.25
    }
}

/// One simulated person: fixed traits plus the state the engine changes every day (128
/// bytes; a unit test of the engine keeps its state per citizen within bounds).
#[derive(Debug, Clone, PartialEq)]
pub struct Citizen {
    pub traits: Traits,
    pub place: Place,
    /// The day the time-since-release clock of the reoffending hazard started ([`NEVER`]:
    /// it restarts at the next release; see `hazards.clock_reset_min_stay_days`).
    pub clock_from: u16,
    pub release_day: u16,
    pub last_release_day: u16,
    pub planning_day: u16,
    pub addiction: Addiction,
    pub housing: Housing,
    pub income: Income,
    pub has_id: bool,
    pub debt: f32,
    pub network: f32,
    pub competence: f32,
    pub autonomy: f32,
    pub relatedness: f32,
    pub recovery: Recovery,
    /// Domains whose need is known to the system (screened or assessed): the "indication".
    pub known_needs: u8,
    pub probation_until: u16,
    pub case_manager_until: u16,
    pub veiligheidshuis_until: u16,
    pub restorative: Restorative,
    pub restorative_until: u16,
    pub child_contact: bool,
    /// Bit per service: an episode is waiting or active.
    pub open_episodes: u32,
    /// Bit per service: an episode is active (a subset of `open_episodes`).
    pub active_episodes: u32,
    pub last_offence_day: u16,
    pub counters: Counters,
    pub firsts: Firsts,
}

impl Citizen {
    pub fn had_addiction_at_intake(&self) -> bool {
        self.traits.addicted_at_intake()
    }
}

/// Inverse of the standard normal CDF (Acklam's rational approximation, |error| < 1.2e-9),
/// used to turn a prevalence into a threshold on the latent scale.
pub fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    if p < 0.02425 {
        tail((-2.0 * p.ln()).sqrt())
    } else if p > 1.0 - 0.02425 {
        -tail((-2.0 * (1.0 - p).ln()).sqrt())
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    }
}

/// Samples a log-normal duration in whole days, at least 1 and at most `max`.
pub fn sample_days<R: rand::Rng + ?Sized>(rng: &mut R, median: f64, sigma: f64, max: f64) -> u32 {
    let days = if sigma > 0.0 {
        LogNormal::new(median.ln(), sigma).map(|d| d.sample(rng)).unwrap_or(median)
    } else {
        median
    };
    days.round().clamp(1.0, max.max(1.0)) as u32
}

/// Latent-scale thresholds of the problem domains, computed once per scenario.
struct Thresholds {
    addiction: f64,
    debt: f64,
    lvb: f64,
    homeless: f64,
    no_income: f64,
    no_id: f64,
    psychiatric: f64,
}

impl Thresholds {
    fn of(sc: &Scenario) -> Self {
        let p = &sc.population.prevalence;
        Self {
            addiction: normal_quantile(p.addiction),
            debt: normal_quantile(p.problematic_debt),
            lvb: normal_quantile(p.lvb),
            homeless: normal_quantile(p.homeless),
            no_income: normal_quantile(p.no_income),
            no_id: normal_quantile(p.no_id),
            psychiatric: normal_quantile(p.psychiatric),
        }
    }
}

/// The citizens of one replication. Each citizen comes from their own random stream, so the
/// same seed gives the same people in every scenario that shares the population settings.
pub fn synthesize(sc: &Scenario, replication: u32) -> Vec<Citizen> {
    let thresholds = Thresholds::of(sc);
    crate::memory::collect_on_huge_pages(
        (0..sc.population.size)
            .map(|i| synthesize_one(sc, &thresholds, citizen_key(sc.meta.seed, replication, i))),
    )
}

fn synthesize_one(sc: &Scenario, th: &Thresholds, key: u64) -> Citizen {
    let p = &sc.population;
    let mut rng = generator(key, 0, Purpose::Population, 0);
    let rho = p.problem_correlation;
    let load: f64 = StandardNormal.sample(&mut rng);
    let mut has_problem = |threshold: f64| {
        let own: f64 = StandardNormal.sample(&mut rng);
        rho.sqrt() * load + (1.0 - rho).sqrt() * own < threshold
    };
    // Problems sit at the top of the latent scale: flip the sign so that a high load means
    // more problems, then compare with the lower-tail threshold.
    let addiction = has_problem(th.addiction);
    let problematic_debt = has_problem(th.debt);
    let lvb = has_problem(th.lvb);
    let homeless = has_problem(th.homeless);
    let no_income = has_problem(th.no_income);
    let no_id = has_problem(th.no_id);
    let psychiatric = has_problem(th.psychiatric);
    let load = -load;

    let age = Normal::new(p.age_mean, p.age_sd.max(1e-9))
        .map(|d| d.sample(&mut rng))
        .unwrap_or(p.age_mean)
        .clamp(p.age_min, p.age_max);
    let male = rng.random_bool(p.share_male);
    let has_children = rng.random_bool(p.prevalence.minor_children);
    let priors = sample_priors(&mut rng, p.priors_mean, p.priors_dispersion, load);
    let debt = if problematic_debt {
        sample_debt(&mut rng, p.debt_median, p.debt_sigma)
            .max(sc.hazards.problematic_debt_threshold)
    } else {
        rng.random::<f64>() * sc.hazards.problematic_debt_threshold * 0.5
    };
    let s = &p.strengths;
    let mut strength = |mean: f64| {
        let noise: f64 = StandardNormal.sample(&mut rng);
        (mean - s.problem_load_effect * load + s.sd * noise).clamp(0.0, 1.0) as f32
    };
    let network = strength(s.network_mean);
    let competence = strength(s.competence_mean);
    let autonomy = strength(s.autonomy_mean);
    let relatedness = strength(s.relatedness_mean);
    let sentence =
        sample_days(&mut rng, p.sentence_days.median, p.sentence_days.sigma, p.sentence_days.max);
    let release_day = sentence.min(NEVER as u32 - 1) as u16;

    Citizen {
        traits: Traits::new(
            age as f32,
            TraitFlags {
                male,
                lvb,
                psychiatric,
                has_children,
                prolific: priors >= p.prolific_threshold as u16,
                addicted_at_intake: addiction,
            },
            priors,
            sample_ln_frailty(key, &sc.hazards) as f32,
            network,
        ),
        place: Place::Detention,
        clock_from: NEVER,
        release_day,
        last_release_day: NEVER,
        planning_day: release_day.saturating_sub(sc.regime.planning_days_before_release as u16),
        addiction: if addiction { Addiction::Active } else { Addiction::None },
        housing: if homeless { Housing::Homeless } else { Housing::Own },
        income: if no_income { Income::None } else { Income::Benefit },
        has_id: !no_id,
        debt: debt as f32,
        network,
        competence,
        autonomy,
        relatedness,
        recovery: Recovery::default(),
        known_needs: 0,
        probation_until: 0,
        case_manager_until: 0,
        veiligheidshuis_until: 0,
        restorative: Restorative::NotOffered,
        restorative_until: 0,
        child_contact: false,
        open_episodes: 0,
        active_episodes: 0,
        last_offence_day: NEVER,
        counters: Counters::default(),
        firsts: Firsts::default(),
    }
}

/// Prior convictions: a gamma–Poisson (negative binomial) count whose mean rises with the
/// problem load, since the most troubled detainees are also the most convicted.
fn sample_priors<R: rand::Rng + ?Sized>(rng: &mut R, mean: f64, dispersion: f64, load: f64) -> u16 {
    if mean <= 0.0 {
        return 0;
    }
    let scaled_mean = mean * (0.3 * load).exp() / (0.045f64).exp();
    let lambda = Gamma::new(dispersion, scaled_mean / dispersion)
        .map(|g| g.sample(rng))
        .unwrap_or(scaled_mean);
    if lambda <= 0.0 {
        return 0;
    }
    Poisson::new(lambda).map(|d| d.sample(rng)).unwrap_or(lambda).min(1000.0) as u16
}

/// The logarithm of a frailty with mean 1 and the scenario's variance, from its own stream
/// so that the rest of the person is the same whatever the frailty settings.
pub fn sample_ln_frailty(key: u64, h: &crate::scenario::RawHazards) -> f64 {
    let v = h.frailty_variance;
    if v <= 0.0 {
        return 0.0;
    }
    let mut rng = generator(key, 0, Purpose::Frailty, 0);
    let z = match h.frailty {
        crate::scenario::Frailty::Gamma => {
            Gamma::new(1.0 / v, v).map(|g| g.sample(&mut rng)).unwrap_or(1.0)
        }
        crate::scenario::Frailty::LogNormal => {
            let sigma2 = (1.0 + v).ln();
            LogNormal::new(-0.5 * sigma2, sigma2.sqrt()).map(|d| d.sample(&mut rng)).unwrap_or(1.0)
        }
    };
    // A gamma draw with a small shape can underflow to 0: keep the logarithm finite.
    z.max(1e-30).ln()
}

fn sample_debt<R: rand::Rng + ?Sized>(rng: &mut R, median: f64, sigma: f64) -> f64 {
    if sigma <= 0.0 || median <= 0.0 {
        return median;
    }
    LogNormal::new(median.ln(), sigma).map(|d| d.sample(rng)).unwrap_or(median)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_packed_trait_reads_back_as_drawn_whatever_the_others() {
        for bits in 0u8..64 {
            let yes = |k: u8| bits >> k & 1 != 0;
            let drawn = TraitFlags {
                male: yes(0),
                lvb: yes(1),
                psychiatric: yes(2),
                has_children: yes(3),
                prolific: yes(4),
                addicted_at_intake: yes(5),
            };
            let t = Traits::new(30.0, drawn, 2, 0.1, 0.5);
            let read = TraitFlags {
                male: t.male(),
                lvb: t.lvb(),
                psychiatric: t.psychiatric(),
                has_children: t.has_children(),
                prolific: t.prolific(),
                addicted_at_intake: t.addicted_at_intake(),
            };
            assert_eq!(read, drawn, "bits {bits:06b}");
        }
    }

    #[test]
    fn normal_quantile_matches_known_values() {
        assert!((normal_quantile(0.5)).abs() < 1e-9);
        assert!((normal_quantile(0.975) - 1.959_964).abs() < 1e-5);
        assert!((normal_quantile(0.025) + 1.959_964).abs() < 1e-5);
        assert!((normal_quantile(0.001) + 3.090_232).abs() < 1e-5);
    }
}
