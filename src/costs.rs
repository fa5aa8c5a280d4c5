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

impl Ledger {
    pub fn new(horizon_days: u32) -> Self {
        let years = (horizon_days as usize).div_ceil(365).max(1);
        Self {
            years,
            by_payer_year: vec![0.0; PAYERS.len() * years],
            transfers_by_year: vec![0.0; years],
            care_by_payer_year: vec![0.0; PAYERS.len() * years],
        }
    }

    #[inline(always)]
    pub fn year_of(&self, day: u16) -> usize {
        (day as usize / 365).min(self.years - 1)
    }

    #[inline(always)]
    pub fn add(&mut self, payer: Payer, day: u16, euros: f64) {
        let y = self.year_of(day);
        self.by_payer_year[payer.index() * self.years + y] += euros;
    }

    #[inline(always)]
    pub fn add_transfer(&mut self, payer: Payer, day: u16, euros: f64) {
        self.add(payer, day, euros);
        let y = self.year_of(day);
        self.transfers_by_year[y] += euros;
    }

    /// Books a cost of care or support (see `care_by_payer_year`).
    #[inline(always)]
    pub fn add_care(&mut self, payer: Payer, day: u16, euros: f64) {
        self.add(payer, day, euros);
        let y = self.year_of(day);
        self.care_by_payer_year[payer.index() * self.years + y] += euros;
    }

    /// Books `euros` a day for days `from..to` (what `add` for each day books, up to
    /// rounding), each follow-up year's days at once.
    pub fn add_days(&mut self, payer: Payer, from: u16, to: u16, euros: f64) {
        self.for_each_year(from, to, |l, d, days| l.add(payer, d, euros * days));
    }

    /// [`Ledger::add_days`] for a transfer.
    pub fn add_transfer_days(&mut self, payer: Payer, from: u16, to: u16, euros: f64) {
        self.for_each_year(from, to, |l, d, days| l.add_transfer(payer, d, euros * days));
    }

    /// [`Ledger::add_days`] for a cost of care or support.
    pub fn add_care_days(&mut self, payer: Payer, from: u16, to: u16, euros: f64) {
        self.for_each_year(from, to, |l, d, days| l.add_care(payer, d, euros * days));
    }

    /// Splits days `from..to` by follow-up year: `book(ledger, first day, number of days)`.
    fn for_each_year(&mut self, from: u16, to: u16, mut book: impl FnMut(&mut Self, u16, f64)) {
        let mut d = from as usize;
        while d < to as usize {
            let y = self.year_of(d as u16);
            let end =
                if y + 1 < self.years { ((y + 1) * 365).min(to as usize) } else { to as usize };
            book(self, d as u16, (end - d) as f64);
            d = end;
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
    fn booking_a_stretch_of_days_books_each_day_in_its_year() {
        let (mut by_day, mut at_once) = (Ledger::new(800), Ledger::new(800));
        for (from, to) in [(0u16, 1u16), (300, 800), (364, 366), (729, 760), (5, 5)] {
            for d in from..to {
                by_day.add(Payer::Health, d, 2.5);
                by_day.add_transfer(Payer::Municipality, d, 1.25);
                by_day.add_care(Payer::Justice, d, 0.5);
            }
            at_once.add_days(Payer::Health, from, to, 2.5);
            at_once.add_transfer_days(Payer::Municipality, from, to, 1.25);
            at_once.add_care_days(Payer::Justice, from, to, 0.5);
        }
        assert_eq!(by_day, at_once, "sums of halves and quarters are exact either way");
    }

    #[test]
    fn days_past_the_last_full_year_go_to_the_last_year() {
        let l = Ledger::new(800);
        assert_eq!(l.years, 3);
        assert_eq!(l.year_of(799), 2);
        assert_eq!(l.year_of(u16::MAX), 2);
    }
}
