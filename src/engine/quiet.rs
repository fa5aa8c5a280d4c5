//! A quiet citizen's skipped days in one go (the event engine, see [`super::events`]): over a
//! window nothing happens by chance and no episode, probation, coordination or restorative
//! process ends, so every day books the same costs and place-days, which are booked at once
//! (the costs as days counted at each daily rate, see [`crate::costs::DayCounts`]), and moves
//! the same counters. What drifts from day to day (debt, the
//! network, competence trained by support for LVB or settling in a facility's climate, the
//! recovery dimensions) is advanced in closed form; only someone trained *and* living in a
//! facility (whose competence is both raised and pulled toward the climate) is stepped with
//! the daily engine's own per-day functions. The result is the daily engine's uneventful days
//! up to rounding (a unit test below holds the two together).

use super::RecoveryTargets;
use super::day::{
    climate_targets, debt_grows, pass_community_day, recover_one_day, settle_in_climate,
};
use super::episodes::train;
use super::fastmath::ceil_positive;
use super::tables::FixedRate;
use super::{Care, NO_FACILITY, World, programmes_in};
use crate::population::{Addiction, Citizen, Housing, Income, NEVER, Place};
use crate::scenario::Climate;
use crate::select::when_f32;
use crate::services::Status;

impl World<'_> {
    /// Simulates citizen `i`'s days `from..to` in the community, on none of which anything
    /// happens by chance or ends as scheduled: what the daily engine's community day (and its
    /// recovery update) does on each of them with every chance answered "no".
    pub(super) fn pass_uneventful_days(&mut self, i: usize, from: u16, to: u16) {
        if to <= from {
            return;
        }
        let (care, trainers) = self.book_care_days(i, from, to);
        if self.citizens[i].place == Place::Detention {
            debug_assert_eq!(trainers, 0, "trained inside: not quiet");
            self.pass_days_inside(i, from, to);
            return;
        }
        self.book_community_days(i, from, to);
        let growth = match (trainers, care.facility) {
            (0, NO_FACILITY) => Growth::Still,
            (_, NO_FACILITY) => {
                let daily_care = &self.t.daily_care;
                let gains = programmes_in(trainers).map(|p| daily_care[p].competence_gain_per_day);
                Growth::Trained { gain: gains.map(f64::from).sum() }
            }
            (0, f) => Growth::Settling(self.sc.services[f as usize].climate()),
            _ => return self.drift_day_by_day(i, from, to, &care, trainers),
        };
        self.drift_in_closed_form(i, from, to, care.debt_moratorium, growth);
    }

    /// The drift of days `from..to` stepped day by day with the daily engine's own functions:
    /// for someone whose competence is being trained while they live in a facility's climate.
    fn drift_day_by_day(&mut self, i: usize, from: u16, to: u16, care: &Care, trainers: u32) {
        let h = &self.sc.hazards;
        let climate = (care.facility != NO_FACILITY)
            .then(|| self.sc.services[care.facility as usize].climate());
        let targets = &self.t.recovery_targets;
        let daily_care = &self.t.daily_care;
        let rate = h.recovery_rate_per_day as f32;
        let c = &mut self.citizens[i];
        // The day counters are stepped in the loop too (they are a few additions), which keeps
        // one definition of them: `pass_community_day`.
        for d in from..to {
            for p in programmes_in(trainers) {
                train(c, &daily_care[p]);
            }
            pass_community_day(c, h, care.debt_moratorium);
            if let Some(climate) = climate {
                settle_in_climate(c, climate, h);
            }
            recover_one_day(c, targets, rate, d);
        }
    }

    /// The drift of days `from..to` in closed form: day counters and debt grow linearly, the
    /// network rises linearly to its baseline, competence and autonomy follow their `growth`
    /// and recovery relaxes ([`grow_and_relax_personal`], [`relax_in_closed_form`]). Equal to
    /// the day-by-day steps up to the rounding of their single-precision sums.
    fn drift_in_closed_form(
        &mut self,
        i: usize,
        from: u16,
        to: u16,
        debt_moratorium: bool,
        growth: Growth,
    ) {
        let n = (to - from) as u32;
        let h = &self.sc.hazards;
        let t = &self.t.recovery_targets;
        let rx = &self.t.relaxation;
        let settling = &self.t.settling;
        let c = &mut self.citizens[i];
        let no_income = c.income == Income::None;
        let k = &mut c.counters;
        let days = |yes: bool| (n * yes as u32) as u16;
        k.days_without_income += days(no_income);
        k.days_homeless += days(c.housing == Housing::Homeless);
        k.days_active_addiction += days(c.addiction == Addiction::Active);
        // Selected, not branched on: whether debt grows follows no pattern from one person
        // to the next (adding +0 leaves the debt as it is).
        let debt_growth = h.debt_growth_per_day_no_income as f32 * n as f32;
        c.debt += when_f32(debt_grows(c, debt_moratorium), debt_growth);
        // The network rises to its baseline (or stays, if at or above it).
        let (net0, base) = (c.network as f64, c.traits.network_baseline as f64);
        let step = h.network_recovery_per_day as f32 as f64;
        let network = Line { step, limit: base, moving: net0 < base && step > 0.0 };
        // In the community, contact with one's children counts whenever there are children;
        // offence-free counts from a day on.
        let contact = t.contact[c.traits.has_children() as usize] as f64;
        let bits = (c.housing != Housing::Homeless) as usize | ((!no_income) as usize) << 1;
        // Both computed and one chosen: an integer select, not a branch.
        let free_after_offence = (c.last_offence_day as u32 + t.offence_free_days as u32 + 1)
            .clamp(from as u32, to as u32);
        let free_from = if c.last_offence_day == NEVER { from as u32 } else { free_after_offence };
        let not_free = free_from - from as u32;
        let societal = [(bits, not_free), (bits | 4, n - not_free)];
        c.recovery.personal = grow_and_relax_personal(c, t, rx, settling, h, growth, n);
        relax_in_closed_form(c, t, rx, n, network, contact, &societal);
    }

    /// Days `from..to` inside on which nothing happens by chance and neither planning nor
    /// release falls: the prison's and child contact's costs at once, the network kept by
    /// contact with one's children or falling linearly to 0 without it, and the recovery
    /// dimensions relaxing in closed form ([`relax_in_closed_form`]).
    fn pass_days_inside(&mut self, i: usize, from: u16, to: u16) {
        let n = (to - from) as u32;
        let c = &self.citizens[i];
        let contact = c.child_contact & c.traits.has_children();
        self.count_days(i, self.fixed_rate(FixedRate::Prison), from, to);
        if contact {
            self.count_days(i, self.fixed_rate(FixedRate::ChildContact), from, to);
        }
        let h = &self.sc.hazards;
        let t = &self.t.recovery_targets;
        let rx = &self.t.relaxation;
        let c = &mut self.citizens[i];
        c.counters.detention_days_after_release += (n * (c.firsts.release != NEVER) as u32) as u16;
        // Without contact with one's children the network falls to 0.
        let step = h.network_decay_in_detention_per_day as f32 as f64;
        let moving = !contact && c.network > 0.0 && step > 0.0;
        let network = Line { step: -step, limit: 0.0, moving };
        // Inside nobody counts as offence-free.
        let bits =
            (c.housing != Housing::Homeless) as usize | ((c.income != Income::None) as usize) << 1;
        let contact = t.contact[contact as usize] as f64;
        c.recovery.personal = relaxed_personal(c, t, rx, n);
        relax_in_closed_form(c, t, rx, n, network, contact, &[(bits, n)]);
    }

    /// Books the days `from..to` of citizen `i`'s active episodes (their costs, and with them
    /// their place-days, see [`World::settle_day_counts`]) and returns what they do for the
    /// person: the day's [`Care`] and the services whose support for LVB trains competence (a
    /// mask, in episode order).
    fn book_care_days(&mut self, i: usize, from: u16, to: u16) -> (Care, u32) {
        let mut care = Care::default();
        let mut trainers = 0;
        for p in programmes_in(self.citizens[i].active_episodes) {
            // The mask holds the active episodes (an invariant): their records are not read.
            debug_assert_eq!(self.episode(i, p).status, Status::Active);
            // A programme's daily cost is rate number `p` (see `Tables::day_rates`).
            self.count_days(i, p, from, to);
            if self.t.coordination(p).is_some() {
                continue;
            }
            let dc = self.t.daily_care[p];
            care.add(&dc, p);
            trainers |= (dc.lvb_support as u32) << p;
        }
        (care, trainers)
    }

    /// Books the community's own costs of days `from..to`: benefit payments and probation.
    fn book_community_days(&mut self, i: usize, from: u16, to: u16) {
        let c = &self.citizens[i];
        let (on_benefit, supervised) = (c.income == Income::Benefit, c.probation_until > from);
        if on_benefit {
            self.count_days(i, self.fixed_rate(FixedRate::Benefit), from, to);
        }
        if supervised {
            self.count_days(i, self.fixed_rate(FixedRate::Probation), from, to);
        }
    }

    /// Books the days counted at the daily rates: their euros into the ledger, and a
    /// programme's days (counted at its own rate) into its place-days. At the end of the
    /// replication, or before these are read.
    pub(crate) fn settle_day_counts(&mut self) {
        for (p, programme) in self.programmes.iter_mut().enumerate() {
            programme.stats.place_days += self.day_counts.days_at(p);
        }
        self.day_counts.settle_into(&mut self.ledger);
    }

    /// Books days `from..to` of citizen `i` at rate number `rate` (see
    /// [`super::tables::Tables::day_rates`]), in the world's day counts; the traced citizen's
    /// euros at once.
    #[inline(always)]
    fn count_days(&mut self, i: usize, rate: usize, from: u16, to: u16) {
        self.day_counts.add(rate, from, to);
        self.trace_at_rate(i, self.day_counts.rate(rate), to - from);
    }
}

/// The network's course over skipped days: `step` a day (negative: falling) until it reaches
/// `limit`, if `moving`, else still.
struct Line {
    step: f64,
    limit: f64,
    moving: bool,
}

/// How competence and autonomy, the moving parts of personal recovery's target, go over
/// skipped days in the community.
#[derive(Debug, Clone, Copy)]
enum Growth {
    /// Neither moves.
    Still,
    /// Support for LVB raises competence by `gain` a day (the services' gains summed), up to 1.
    Trained { gain: f64 },
    /// Relatedness, competence and autonomy settle toward what a facility's climate supports.
    Settling(Climate),
}

/// Personal recovery after `n` skipped days of a fixed target (competence and autonomy still).
fn relaxed_personal(c: &Citizen, t: &RecoveryTargets, rx: &Relaxation, n: u32) -> f32 {
    let personal =
        t.addiction[c.addiction as usize] + t.competence * c.competence + t.autonomy * c.autonomy;
    rx.toward(c.recovery.personal as f64, personal as f64, n) as f32
}

/// Moves competence and autonomy (and relatedness, in a facility) over `n` skipped days as
/// `growth` says, and returns personal recovery after them, whose target follows them day by
/// day:
/// - *trained*: competence rises by `g` a day, `c_k = min(c_0 + g·k, 1)`, so the target rises
///   linearly until competence reaches 1 and is fixed after;
/// - *settling*: each basic need relaxes toward its climate target at the climate's rate
///   `κ`, so the target is `P* + F(1 − κ)^k` on day `k`, and with `p = 1 − ρ`, `q = 1 − κ`,
///   `x_n = P* + (x_0 − P*)p^n + ρF·q(p^n − q^n)/(p − q)` (`ρF·n·p^n` when `p = q`).
fn grow_and_relax_personal(
    c: &mut Citizen,
    t: &RecoveryTargets,
    rx: &Relaxation,
    settling: &Relaxation,
    h: &crate::scenario::RawHazards,
    growth: Growth,
    n: u32,
) -> f32 {
    let addiction = t.addiction[c.addiction as usize] as f64;
    let (wc, wa) = (t.competence as f64, t.autonomy as f64);
    let x0 = c.recovery.personal as f64;
    match growth {
        Growth::Still => relaxed_personal(c, t, rx, n),
        Growth::Trained { gain } => {
            let (c0, a) = (c.competence as f64, c.autonomy as f64);
            let target = |competence: f64| addiction + wc * competence + wa * a;
            let rising = gain > 0.0 && c0 < 1.0;
            // Days on which competence is still below 1 (its cap), then at it.
            let ramp = if rising { (ceil_positive((1.0 - c0) / gain) - 1).min(n) } else { 0 };
            let end = if rising { (c0 + gain * n as f64).min(1.0) } else { c0 };
            c.competence = end as f32;
            let mut x = x0;
            if ramp > 0 {
                x = rx.toward_ramp(x, target(c0), wc * gain, ramp);
            }
            rx.toward(x, target(end), n - ramp) as f32
        }
        Growth::Settling(climate) => {
            let [related, competent, autonomous] = climate_targets(climate, h).map(f64::from);
            let (c0, a0) = (c.competence as f64, c.autonomy as f64);
            c.relatedness = settling.toward(c.relatedness as f64, related, n) as f32;
            c.competence = settling.toward(c0, competent, n) as f32;
            c.autonomy = settling.toward(a0, autonomous, n) as f32;
            let settled = addiction + wc * competent + wa * autonomous;
            let gap = wc * (c0 - competent) + wa * (a0 - autonomous);
            let (p, q) = (1.0 - rx.rho, 1.0 - settling.rho);
            let (pn, qn) = (rx.factor(n), settling.factor(n));
            // Near equal rates the quotient loses its digits to cancellation and the limit is
            // closer (both err by about 1e-7 at this threshold).
            let both = if (p - q).abs() > 1e-9 { q * (pn - qn) / (p - q) } else { n as f64 * pn };
            (settled + (x0 - settled) * pn + rx.rho * gap * both) as f32
        }
    }
}

/// The network and the social, societal and victim recovery dimensions after `n` skipped
/// days, in closed form: the network on its `network` line, each recovery dimension relaxing
/// geometrically toward its target, `x ← T + (x − T)(1 − ρ)^m` over `m` days of a fixed
/// target, and over days whose target moves linearly (`a + b·k` on day `k`, social recovery
/// while the network moves) `x_K = a + bK − b(1 − ρ)/ρ + (x_0 − a + b(1 − ρ)/ρ)(1 − ρ)^K`.
/// `contact` is the social target's part for contact with one's children, `societal` the
/// societal target's bits and their days, in order.
// Inlined: called at every catch-up (a quarter of a million times in a replication of the
// shipped run); inlined, the two segments of `societal` and the call's spills fold away, 2% of
// the replication's instructions (docs/performance.md, fourteenth sitting).
#[inline(always)]
fn relax_in_closed_form(
    c: &mut Citizen,
    t: &RecoveryTargets,
    rx: &Relaxation,
    n: u32,
    network: Line,
    contact: f64,
    societal: &[(usize, u32)],
) {
    let Line { step, limit, moving } = network;
    let net0 = c.network as f64;
    // Days on which the network is still on its way, then at its limit (or still).
    let ramp =
        if moving { (ceil_positive((limit - net0).abs() / step.abs()) - 1).min(n) } else { 0 };
    if moving {
        let moved = net0 + n as f64 * step;
        c.network = if step > 0.0 { moved.min(limit) } else { moved.max(limit) } as f32;
    }
    let r = &mut c.recovery;
    let wn = t.network as f64;
    let mut social = r.social as f64;
    if ramp > 0 {
        social = rx.toward_ramp(social, wn * net0 + contact, wn * step, ramp);
    }
    let settled = if moving { limit } else { net0 };
    r.social = rx.toward(social, wn * settled + contact, n - ramp) as f32;
    let mut x = r.societal as f64;
    for &(bits, days) in societal {
        x = rx.toward(x, t.societal[bits] as f64, days);
    }
    r.societal = x as f32;
    r.victim = rx.toward(r.victim as f64, t.victim[c.restorative as usize] as f64, n) as f32;
}

/// Relaxation toward a target at the daily recovery rate `ρ`, over many days at once; the
/// factors `(1 − ρ)^m` of the stretches a window can hold are kept in a table.
#[derive(Debug, Clone)]
pub(crate) struct Relaxation {
    rho: f64,
    powers: Vec<f64>,
}

impl Relaxation {
    /// The longest stretch whose factor is looked up rather than computed.
    const TABLED: usize = 400;

    pub fn new(rate_per_day: f64) -> Self {
        // The daily engine relaxes at the rate rounded to single precision.
        let rho = rate_per_day as f32 as f64;
        let powers = (0..=Self::TABLED).map(|m| (1.0 - rho).powi(m as i32)).collect();
        Self { rho, powers }
    }

    #[inline(always)]
    fn factor(&self, m: u32) -> f64 {
        match self.powers.get(m as usize) {
            Some(f) => *f,
            None => (1.0 - self.rho).powi(m as i32),
        }
    }

    /// `m` days of relaxation of `x` toward a fixed `target`.
    #[inline(always)]
    fn toward(&self, x: f64, target: f64, m: u32) -> f64 {
        target + (x - target) * self.factor(m)
    }

    /// `m` days of relaxation of `x` toward a target `a + b·k` on day `k = 1..m`.
    #[inline(always)]
    fn toward_ramp(&self, x: f64, a: f64, b: f64, m: u32) -> f64 {
        if self.rho <= 0.0 {
            return x;
        }
        let lag = b * (1.0 - self.rho) / self.rho;
        a + b * m as f64 - lag + (x - a + lag) * self.factor(m)
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::World;
    use crate::engine::draws::Never;
    use crate::population::{Citizen, Place};
    use crate::scenario::Scenario;

    /// Two identical worlds at day `at` of a daily run of a shipped scenario.
    fn twin_worlds(sc: &Scenario, at: u16) -> (World<'_>, World<'_>) {
        let (mut a, mut b) = (World::new(sc, 3), World::new(sc, 3));
        for w in [&mut a, &mut b] {
            while w.day < at {
                w.step();
            }
        }
        (a, b)
    }

    /// The same citizen up to single-precision rounding in what drifts; the rest exactly.
    fn assert_nearly_equal(a: &Citizen, b: &Citizen, what: &str) {
        let drift = |c: &Citizen| {
            let r = &c.recovery;
            [
                c.debt,
                c.network,
                c.competence,
                c.autonomy,
                c.relatedness,
                r.personal,
                r.social,
                r.societal,
                r.victim,
            ]
        };
        for (k, (x, y)) in drift(a).iter().zip(drift(b)).enumerate() {
            assert!((x - y).abs() <= 2e-5 * x.abs().max(1.0), "{what}: drift {k}: {x} vs {y}");
        }
        let mut b = b.clone();
        (b.debt, b.network, b.competence, b.autonomy, b.relatedness) =
            (a.debt, a.network, a.competence, a.autonomy, a.relatedness);
        b.recovery = a.recovery;
        assert_eq!(a, &b, "{what}");
    }

    /// Competence trained past its cap of 1, and basic needs settling at the recovery's own
    /// rate (the closed form's limit case) or at another: the closed form against the daily
    /// steps, from every tenth citizen's state, over 150 days.
    #[test]
    fn trained_and_settling_competence_in_one_go_are_the_daily_steps() {
        use super::{Growth, Relaxation, grow_and_relax_personal, train};
        use crate::engine::day::{recover_one_day, settle_in_climate};
        use crate::engine::tables::DailyCare;
        use crate::scenario::Climate;
        let path = std::path::Path::new("scenarios/shelter-climate.toml");
        let sc = Scenario::load(path).expect("shipped scenario");
        let (w, _) = twin_worlds(&sc, 30);
        let mut h = sc.hazards.clone();
        let targets = &w.t.recovery_targets;
        let climate = Climate { support: 0.8, structure: 0.6, coercion: 0.3 };
        let days = 150u16;
        let mut capped = 0;
        for (gain, kappa) in [(0.004f32, 0.0), (0.0, 0.05), (0.0, h.recovery_rate_per_day)] {
            h.climate_rate_per_day = kappa;
            let rx = Relaxation::new(h.recovery_rate_per_day);
            let settling = Relaxation::new(kappa);
            let rate = h.recovery_rate_per_day as f32;
            let trainer =
                DailyCare { lvb_support: true, competence_gain_per_day: gain, ..DailyCare::NONE };
            let community =
                w.citizens.iter().enumerate().filter(|(_, c)| c.place == Place::Community);
            for (i, c0) in community.step_by(10) {
                let mut daily = c0.clone();
                for d in 0..days {
                    if gain > 0.0 {
                        train(&mut daily, &trainer);
                    } else {
                        settle_in_climate(&mut daily, climate, &h);
                    }
                    recover_one_day(&mut daily, targets, rate, 100 + d);
                }
                let growth = if gain > 0.0 {
                    Growth::Trained { gain: gain as f64 }
                } else {
                    Growth::Settling(climate)
                };
                let mut skipped = c0.clone();
                let n = days as u32;
                let personal =
                    grow_and_relax_personal(&mut skipped, targets, &rx, &settling, &h, growth, n);
                let what = format!("gain {gain}, rate {kappa}, citizen {i}");
                for (x, y) in [
                    (daily.recovery.personal, personal),
                    (daily.competence, skipped.competence),
                    (daily.autonomy, skipped.autonomy),
                    (daily.relatedness, skipped.relatedness),
                ] {
                    assert!((x - y).abs() <= 2e-5 * x.abs().max(1.0), "{what}: {x} vs {y}");
                }
                capped += (gain > 0.0 && daily.competence == 1.0 && c0.competence < 1.0) as u32;
            }
        }
        assert!(capped >= 3, "only {capped} reached the cap of competence");
    }

    #[test]
    fn skipped_days_in_one_go_are_the_daily_rules_with_every_chance_answered_no() {
        // People whose competence is trained (no facility) and people settling in a
        // facility's climate (not trained), over all scenarios: both have a closed form.
        let (mut trained, mut settling) = (0, 0);
        for name in ["fragmented", "through-care", "shelter-climate", "huis-van-herstel"] {
            let mut raw = Scenario::load(std::path::Path::new(&format!("scenarios/{name}.toml")))
                .expect("shipped scenario")
                .resolved;
            raw.population.size = 600;
            let sc = Scenario::from_raw(raw).expect("valid");
            // Long enough for networks to reach their baseline and people to become
            // offence-free within the stretch.
            let (mut daily, mut skipping) = twin_worlds(&sc, 380);
            // Neither has counted a skipped day yet: the daily steps book in euros.
            assert_eq!(daily.day_counts, skipping.day_counts);
            let (from, days) = (daily.day, 120u16);
            let mut checked = [0usize; 4];
            for i in 0..daily.citizens.len() {
                let inside = daily.citizens[i].place == Place::Detention;
                let quiet_window = !(inside && daily.care_of(i).lvb_support)
                    && daily.next_change(i, from) >= from + days;
                if !quiet_window {
                    continue;
                }
                for d in from..from + days {
                    if inside {
                        daily.detention_day(i, d, &mut Never);
                    } else {
                        daily.community_day(i, d, &mut Never);
                    }
                    daily.update_recovery(i, d);
                }
                skipping.pass_uneventful_days(i, from, from + days);
                assert_nearly_equal(
                    &daily.citizens[i],
                    &skipping.citizens[i],
                    &format!("{name} {i}"),
                );
                let c = &daily.citizens[i];
                let care = daily.care_of(i);
                let in_facility = care.facility != crate::engine::NO_FACILITY;
                trained += (!inside && care.lvb_support && !in_facility) as usize;
                settling += (!inside && !care.lvb_support && in_facility) as usize;
                checked[0] += 1;
                checked[1] += (c.active_episodes != 0) as usize;
                checked[2] += (c.open_episodes != c.active_episodes) as usize;
                checked[3] += inside as usize;
            }
            assert!(checked.iter().all(|&n| n > 0), "{name}: too few cases {checked:?}");
            skipping.settle_day_counts();
            for (a, b) in daily.ledger.by_payer_year.iter().zip(&skipping.ledger.by_payer_year) {
                assert!((a - b).abs() <= 1e-9 * a.abs().max(1.0), "{name}: cost {a} vs {b}");
            }
            for (a, b) in
                daily.ledger.care_by_payer_year.iter().zip(&skipping.ledger.care_by_payer_year)
            {
                assert!((a - b).abs() <= 1e-9 * a.abs().max(1.0), "{name}: care {a} vs {b}");
            }
            for (a, b) in
                daily.ledger.transfers_by_year.iter().zip(&skipping.ledger.transfers_by_year)
            {
                assert!((a - b).abs() <= 1e-9 * a.abs().max(1.0), "{name}: transfers {a} vs {b}");
            }
            for (a, b) in daily.programmes.iter().zip(&skipping.programmes) {
                assert_eq!(a.stats.place_days, b.stats.place_days, "{name}");
            }
        }
        assert!(trained >= 10 && settling >= 10, "trained {trained}, settling {settling}");
    }
}
