//! Costs by who pays: the ledger a replication fills day by day, per payer and follow-up year.
//!
//! Benefits are transfers: the municipality pays them but society as a whole does not lose
//! them, so they are booked per payer yet left out of the total societal cost (as Dutch social
//! cost–benefit analysis does, Algemene leidraad MKBA, CPB/PBL 2013).

use crate::scenario::Payer;
use crate::stats::discount_factor;
use serde::Serialize;

pub const PAYERS: [Payer; 4] =
    [Payer::Justice, Payer::Municipality, Payer::Health, Payer::VictimsSociety];

impl Payer {
    pub fn index(self) -> usize {
        match self {
            Payer::Justice => 0,
            Payer::Municipality => 1,
            Payer::Health => 2,
            Payer::VictimsSociety => 3,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Payer::Justice => "justice",
            Payer::Municipality => "municipality",
            Payer::Health => "health",
            Payer::VictimsSociety => "victims_society",
        }
    }
}

/// Costs of one replication: `[payer][year]`, plus the transfers inside the municipality's.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ledger {
    pub years: usize,
    /// Row-major `[payer * years + year]`, euros, undiscounted.
    pub by_payer_year: Vec<f64>,
    /// The part of each year's municipal cost that is benefit payments (a transfer).
    pub transfers_by_year: Vec<f64>,
    /// The part of each payer's yearly cost spent on care and support (services, intakes,
    /// case management, Veiligheidshuis coordination, child contact), `[payer * years +
    /// year]`: what a benefit-cost analysis counts as the programme's cost, the rest being the
    /// consequences (detention, probation, police and courts, victims, benefits).
    pub care_by_payer_year: Vec<f64>,
}

/// The days of a follow-up year.
const YEAR_DAYS: usize = 365;

/// The follow-up years of a horizon of `horizon_days`: whole years, the last one perhaps
/// shorter, at least one.
fn follow_up_years(horizon_days: u32) -> usize {
    (horizon_days as usize).div_ceil(YEAR_DAYS).max(1)
}

/// The follow-up year of `day` of `years`; days past the last year count in it.
#[inline(always)]
fn follow_up_year(day: u16, years: usize) -> usize {
    (day as usize / YEAR_DAYS).min(years - 1)
}

impl Ledger {
    pub fn new(horizon_days: u32) -> Self {
        let years = follow_up_years(horizon_days);
        Self {
            years,
            by_payer_year: vec![0.0; PAYERS.len() * years],
            transfers_by_year: vec![0.0; years],
            care_by_payer_year: vec![0.0; PAYERS.len() * years],
        }
    }

    #[inline(always)]
    pub fn year_of(&self, day: u16) -> usize {
        follow_up_year(day, self.years)
    }

    #[inline(always)]
    pub fn add(&mut self, payer: Payer, day: u16, euros: f64) {
        self.add_booked(Booking::Consequence, payer, day, euros);
    }

    #[inline(always)]
    pub fn add_transfer(&mut self, payer: Payer, day: u16, euros: f64) {
        self.add_booked(Booking::Transfer, payer, day, euros);
    }

    /// Books a cost of care or support (see `care_by_payer_year`).
    #[inline(always)]
    pub fn add_care(&mut self, payer: Payer, day: u16, euros: f64) {
        self.add_booked(Booking::Care, payer, day, euros);
    }

    /// Books `euros` as `booking` for `payer` on `day`.
    #[inline(always)]
    pub fn add_booked(&mut self, booking: Booking, payer: Payer, day: u16, euros: f64) {
        self.add_in_year(booking, payer, self.year_of(day), euros);
    }

    /// Books `euros` as `booking` for `payer` in follow-up year `year`.
    #[inline(always)]
    fn add_in_year(&mut self, booking: Booking, payer: Payer, year: usize, euros: f64) {
        let at = payer.index() * self.years + year;
        self.by_payer_year[at] += euros;
        match booking {
            Booking::Consequence => {}
            Booking::Care => self.care_by_payer_year[at] += euros,
            Booking::Transfer => self.transfers_by_year[year] += euros,
        }
    }

    /// The care part of one payer's cost in one year.
    pub fn care_year(&self, payer: Payer, year: usize) -> f64 {
        self.care_by_payer_year[payer.index() * self.years + year]
    }

    pub fn payer_year(&self, payer: Payer, year: usize) -> f64 {
        self.by_payer_year[payer.index() * self.years + year]
    }

    pub fn payer_total(&self, payer: Payer) -> f64 {
        (0..self.years).map(|y| self.payer_year(payer, y)).sum()
    }

    /// Discounted total of one payer, years discounted to the start of follow-up.
    pub fn payer_discounted(&self, payer: Payer, rate: f64) -> f64 {
        (0..self.years).map(|y| self.payer_year(payer, y) * discount_factor(rate, y)).sum()
    }

    /// Total societal cost, discounted, without transfers.
    pub fn societal_discounted(&self, rate: f64) -> f64 {
        let all: f64 = PAYERS.iter().map(|p| self.payer_discounted(*p, rate)).sum();
        let transfers: f64 =
            (0..self.years).map(|y| self.transfers_by_year[y] * discount_factor(rate, y)).sum();
        all - transfers
    }
}

/// What a cost counts as in the [`Ledger`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Booking {
    /// A consequence of the person's course (detention, probation, police and courts).
    Consequence,
    /// Care or support (see [`Ledger::care_by_payer_year`]).
    Care,
    /// A benefit payment (see [`Ledger::transfers_by_year`]).
    Transfer,
}

/// A cost booked by the day at a fixed rate: who pays it, how much a day, what it counts as.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DayRate {
    pub payer: Payer,
    pub euros: f64,
    pub booking: Booking,
}

/// Days at fixed daily rates, counted by rate and follow-up year and priced once, when the
/// replication ends ([`DayCounts::settle_into`]). The event engine books a quiet citizen's
/// skipped days here: an integer addition rather than a sum in euros for each rate, and a
/// stretch split in two (at a month end, say) books the same euros as the stretch whole.
#[derive(Debug, Clone, PartialEq)]
pub struct DayCounts {
    rates: Vec<DayRate>,
    years: usize,
    /// `[rate * years + year]`.
    days: Vec<u64>,
}

impl DayCounts {
    /// No days yet, at `rates`, over the follow-up years of a horizon of `horizon_days`.
    pub fn new(rates: Vec<DayRate>, horizon_days: u32) -> Self {
        let years = follow_up_years(horizon_days);
        Self { days: vec![0; rates.len() * years], rates, years }
    }

    /// Rate number `rate`.
    #[inline(always)]
    pub fn rate(&self, rate: usize) -> DayRate {
        self.rates[rate]
    }

    /// Counts days `from..to` at rate number `rate`, each in its follow-up year.
    #[inline(always)]
    pub fn add(&mut self, rate: usize, from: u16, to: u16) {
        debug_assert!(from < to, "{from}..{to}");
        let (first, last) = (self.year_of(from), self.year_of(to - 1));
        if first == last {
            self.days[rate * self.years + first] += (to - from) as u64;
        } else {
            self.add_across_years(rate, from, to);
        }
    }

    /// [`DayCounts::add`] for a stretch over a year's end: each year's days apart.
    fn add_across_years(&mut self, rate: usize, from: u16, to: u16) {
        let mut d = from as usize;
        while d < to as usize {
            let y = self.year_of(d as u16);
            let end = if y + 1 < self.years {
                ((y + 1) * YEAR_DAYS).min(to as usize)
            } else {
                to as usize
            };
            self.days[rate * self.years + y] += (end - d) as u64;
            d = end;
        }
    }

    #[inline(always)]
    fn year_of(&self, day: u16) -> usize {
        follow_up_year(day, self.years)
    }

    /// The days counted at rate number `rate`, all years together.
    pub fn days_at(&self, rate: usize) -> u64 {
        self.days[rate * self.years..(rate + 1) * self.years].iter().sum()
    }

    /// Books the days counted into `ledger`, in euros, and starts counting afresh.
    pub fn settle_into(&mut self, ledger: &mut Ledger) {
        debug_assert_eq!(ledger.years, self.years);
        for (r, rate) in self.rates.iter().enumerate() {
            for year in 0..self.years {
                let days = std::mem::take(&mut self.days[r * self.years + year]);
                if days > 0 {
                    ledger.add_in_year(rate.booking, rate.payer, year, rate.euros * days as f64);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ledger_books_by_payer_and_year_and_sums_up() {
        let mut l = Ledger::new(730);
        l.add(Payer::Justice, 0, 100.0);
        l.add(Payer::Justice, 400, 50.0);
        l.add_transfer(Payer::Municipality, 10, 30.0);
        assert_eq!(l.payer_year(Payer::Justice, 0), 100.0);
        assert_eq!(l.payer_year(Payer::Justice, 1), 50.0);
        assert_eq!(l.payer_total(Payer::Municipality), 30.0);
        l.add_care(Payer::Health, 20, 7.0);
        assert_eq!(l.payer_year(Payer::Health, 0), 7.0);
        assert_eq!(l.care_year(Payer::Health, 0), 7.0);
        assert_eq!(l.care_year(Payer::Justice, 0), 0.0);
        // Transfers count for the payer but not for society.
        let r = 0.03;
        let expected = 100.0 + 7.0 + 50.0 / 1.03;
        assert!((l.societal_discounted(r) - expected).abs() < 1e-9);
    }

    #[test]
    fn days_counted_by_the_stretch_book_each_day_in_its_year_however_they_are_split() {
        let rates = vec![
            DayRate { payer: Payer::Health, euros: 2.5, booking: Booking::Consequence },
            DayRate { payer: Payer::Municipality, euros: 1.25, booking: Booking::Transfer },
            DayRate { payer: Payer::Justice, euros: 0.1, booking: Booking::Care },
        ];
        let stretches = [(0u16, 1u16), (300, 800), (364, 366), (729, 760), (6, 7)];
        let (mut by_day, mut at_once, mut split) = (Ledger::new(800), Ledger::new(800), None);
        let mut counts = DayCounts::new(rates.clone(), 800);
        let mut halves = DayCounts::new(rates.clone(), 800);
        for (from, to) in stretches {
            for d in from..to {
                by_day.add(Payer::Health, d, 2.5);
                by_day.add_transfer(Payer::Municipality, d, 1.25);
                by_day.add_care(Payer::Justice, d, 0.1);
            }
            let middle = from + (to - from) / 2;
            for r in 0..rates.len() {
                counts.add(r, from, to);
                for (a, b) in [(from, middle), (middle, to)].into_iter().filter(|(a, b)| a < b) {
                    halves.add(r, a, b);
                }
            }
        }
        counts.settle_into(&mut at_once);
        // Year 2 (days 365..730): all of it from 300..800, day 365 and day 729.
        assert_eq!(at_once.payer_year(Payer::Health, 1), 2.5 * 367.0);
        // The last year: days 730..800 and 730..760.
        assert_eq!(at_once.transfers_by_year[2], 1.25 * 100.0);
        let close = |a: &Ledger, b: &Ledger| {
            let pairs = [
                (&a.by_payer_year, &b.by_payer_year),
                (&a.care_by_payer_year, &b.care_by_payer_year),
                (&a.transfers_by_year, &b.transfers_by_year),
            ];
            pairs.iter().all(|(x, y)| x.iter().zip(y.iter()).all(|(x, y)| (x - y).abs() < 1e-9))
        };
        assert!(close(&by_day, &at_once), "{by_day:?}\n{at_once:?}");
        // A stretch split in two books the same euros to the bit, 0.1 a day included.
        let mut halves_ledger = Ledger::new(800);
        halves.settle_into(&mut halves_ledger);
        assert_eq!(halves_ledger, at_once);
        // Settled days are not booked twice.
        counts.settle_into(split.insert(at_once.clone()));
        assert_eq!(split, Some(at_once));
    }

    #[test]
    fn days_past_the_last_full_year_go_to_the_last_year() {
        let l = Ledger::new(800);
        assert_eq!(l.years, 3);
        assert_eq!(l.year_of(799), 2);
        assert_eq!(l.year_of(u16::MAX), 2);
    }
}
