//! The observer that records the months: at each month end the world opens a row, feeds it
//! every citizen after their day, and closes it with the waiting lists after the day's
//! admissions. It only reads what the world hands it, so the engine's rules and what is
//! recorded of them change independently (a new monthly indicator is a change here and in
//! [`MonthRow`] only).

use super::month_of;
use crate::outcomes::MonthRow;
use crate::population::{Addiction, Citizen, Housing, Income, NEVER, Place};
use crate::services::Programme;

/// The monthly rows of one replication.
pub struct MonthObserver {
    rows: Vec<MonthRow>,
}

impl MonthObserver {
    /// Room for every month of a horizon of `horizon_days`.
    pub fn new(horizon_days: u32) -> Self {
        Self { rows: Vec::with_capacity(month_of(horizon_days) as usize + 1) }
    }

    /// Opens the row of the month that ends on day `d`, with a queue column per programme.
    pub fn open_month(&mut self, d: u16, programmes: usize) {
        self.rows.push(MonthRow {
            month: month_of(d as u32),
            day: d as u32,
            queue: vec![0; programmes],
            occupied: vec![0; programmes],
            ..MonthRow::default()
        });
    }

    /// Counts citizen `c` as they are at the end of day `d`.
    #[inline]
    pub fn record_citizen(&mut self, c: &Citizen, d: u16) {
        let Some(row) = self.rows.last_mut() else { return };
        // Counted without a branch on the person's state: at a month end everyone is
        // recorded, in an order in which their states follow no pattern a branch predictor
        // could learn.
        let inside = c.place == Place::Detention;
        let out = !inside as u32;
        row.in_detention += inside as u32;
        row.own_home += out & (c.housing == Housing::Own) as u32;
        row.shelter += out & (c.housing == Housing::Shelter) as u32;
        row.supported_housing += out & (c.housing == Housing::Supported) as u32;
        row.homeless += out & (c.housing == Housing::Homeless) as u32;
        row.without_income += out & (c.income == Income::None) as u32;
        row.on_benefit += out & (c.income == Income::Benefit) as u32;
        row.working += out & (c.income == Income::Work) as u32;
        row.on_probation += out & (c.probation_until > d) as u32;
        row.active_addiction += (c.addiction == Addiction::Active) as u32;
        row.with_case_manager += (c.case_manager_until > d) as u32;
        row.ever_reconvicted += (c.firsts.reconviction != NEVER) as u32;
        row.recovery.add(&c.recovery);
    }

    /// Closes the open row: the recovery means over `citizens`, and each programme's list
    /// and places after the day's admissions, with how long those on each list have waited
    /// so far on day `today`.
    pub fn close_month(&mut self, citizens: usize, programmes: &[Programme], today: u16) {
        let Some(row) = self.rows.last_mut() else { return };
        row.recovery.scale(citizens as f64);
        for (p, prog) in programmes.iter().enumerate() {
            row.queue[p] = prog.waiting;
            row.occupied[p] = prog.occupied;
        }
        row.waited_days = programmes.iter().map(|prog| prog.mean_wait_so_far(today)).collect();
    }

    /// The rows recorded, month by month.
    pub fn into_rows(self) -> Vec<MonthRow> {
        self.rows
    }
}
