//! The observer that records the months: at each month end the world opens a row, feeds it
//! every citizen after their day, and closes it with the waiting lists after the day's
//! admissions. It only reads what the world hands it, so the engine's rules and what is
//! recorded of them change independently (a new monthly indicator is a change here and in
//! [`MonthRow`] only).

use super::month_of;
use crate::outcomes::{MonthRow, RecoveryMeans};
use crate::population::{Addiction, Citizen, Housing, Income, NEVER, Place};
use crate::services::Programme;

/// The monthly rows of one replication.
pub struct MonthObserver {
    rows: Vec<MonthRow>,
    /// The open month's count of citizens by [`Tally`] state, and their summed recovery.
    tally: Box<[u32; Tally::STATES]>,
    recovery: RecoveryMeans,
}

/// What a month's row counts of one citizen, packed in nine bits: inside (bit 0), housing (1–2),
/// income (3–4), on probation (5), an active addiction (6), with a case manager (7), ever
/// reconvicted (8). Counting a citizen is one increment; the row's columns are read off the
/// 512 counts when the month closes.
struct Tally;

impl Tally {
    const STATES: usize = 1 << 9;
    const INSIDE: usize = 1;
    const PROBATION: usize = 1 << 5;
    const ADDICTION: usize = 1 << 6;
    const CASE_MANAGER: usize = 1 << 7;
    const RECONVICTED: usize = 1 << 8;

    #[inline(always)]
    fn state(c: &Citizen, d: u16) -> usize {
        (c.place == Place::Detention) as usize
            | (c.housing as usize) << 1
            | (c.income as usize) << 3
            | ((c.probation_until > d) as usize) << 5
            | ((c.addiction == Addiction::Active) as usize) << 6
            | ((c.case_manager_until > d) as usize) << 7
            | ((c.firsts.reconviction != NEVER) as usize) << 8
    }

    /// Adds `n` citizens in `state` to `row`: housing, income and probation count only
    /// outside.
    fn add_to(row: &mut MonthRow, state: usize, n: u32) {
        let yes = |flag: usize| n * (state & flag != 0) as u32;
        row.active_addiction += yes(Self::ADDICTION);
        row.with_case_manager += yes(Self::CASE_MANAGER);
        row.ever_reconvicted += yes(Self::RECONVICTED);
        if state & Self::INSIDE != 0 {
            row.in_detention += n;
            return;
        }
        row.on_probation += yes(Self::PROBATION);
        let housing = match (state >> 1) & 3 {
            h if h == Housing::Own as usize => &mut row.own_home,
            h if h == Housing::Shelter as usize => &mut row.shelter,
            h if h == Housing::Supported as usize => &mut row.supported_housing,
            _ => &mut row.homeless,
        };
        *housing += n;
        let income = match (state >> 3) & 3 {
            i if i == Income::None as usize => &mut row.without_income,
            i if i == Income::Benefit as usize => &mut row.on_benefit,
            _ => &mut row.working,
        };
        *income += n;
    }
}

impl MonthObserver {
    /// Room for every month of a horizon of `horizon_days`.
    pub fn new(horizon_days: u32) -> Self {
        Self {
            rows: Vec::with_capacity(month_of(horizon_days) as usize + 1),
            tally: Box::new([0; Tally::STATES]),
            recovery: RecoveryMeans::default(),
        }
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
        self.tally.fill(0);
        self.recovery = RecoveryMeans::default();
    }

    /// Counts citizen `c` as they are at the end of day `d`.
    #[inline]
    pub fn record_citizen(&mut self, c: &Citizen, d: u16) {
        if self.rows.is_empty() {
            return;
        }
        self.tally[Tally::state(c, d)] += 1;
        self.recovery.add(&c.recovery);
    }

    /// Closes the open row: the recovery means over `citizens`, and each programme's list
    /// and places after the day's admissions, with how long those on each list have waited
    /// so far on day `today`.
    pub fn close_month(&mut self, citizens: usize, programmes: &[Programme], today: u16) {
        let Some(row) = self.rows.last_mut() else { return };
        for (state, &n) in self.tally.iter().enumerate().filter(|(_, n)| **n > 0) {
            Tally::add_to(row, state, n);
        }
        row.recovery = self.recovery;
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

#[cfg(test)]
mod tests {
    use crate::engine::World;
    use crate::outcomes::{MonthRow, RecoveryMeans};
    use crate::population::{Addiction, Housing, Income, NEVER, Place};
    use crate::scenario::Scenario;

    /// A month's row counted citizen by citizen, column by column: the reference for the
    /// packed tally.
    fn counted_one_by_one(w: &World, d: u16) -> MonthRow {
        let mut row = MonthRow::default();
        let mut recovery = RecoveryMeans::default();
        for c in &w.citizens {
            let out = c.place == Place::Community;
            let count = |yes: bool| yes as u32;
            row.in_detention += count(!out);
            row.own_home += count(out && c.housing == Housing::Own);
            row.shelter += count(out && c.housing == Housing::Shelter);
            row.supported_housing += count(out && c.housing == Housing::Supported);
            row.homeless += count(out && c.housing == Housing::Homeless);
            row.without_income += count(out && c.income == Income::None);
            row.on_benefit += count(out && c.income == Income::Benefit);
            row.working += count(out && c.income == Income::Work);
            row.on_probation += count(out && c.probation_until > d);
            row.active_addiction += count(c.addiction == Addiction::Active);
            row.with_case_manager += count(c.case_manager_until > d);
            row.ever_reconvicted += count(c.firsts.reconviction != NEVER);
            recovery.add(&c.recovery);
        }
        recovery.scale(w.citizens.len() as f64);
        row.recovery = recovery;
        row
    }

    #[test]
    fn the_packed_tally_gives_the_columns_counted_one_by_one_on_any_day() {
        for name in ["fragmented", "through-care", "shelter-climate"] {
            let path = format!("scenarios/{name}.toml");
            let mut raw = Scenario::load(std::path::Path::new(&path)).unwrap().resolved;
            raw.population.size = 500;
            let sc = Scenario::from_raw(raw).unwrap();
            let mut w = World::new(&sc, 3);
            let (mut days, mut inside, mut outside) = (0, 0, 0);
            while (w.day as u32) < 900 {
                let d = w.day;
                w.step();
                if !d.is_multiple_of(7) {
                    continue;
                }
                let mut observer = super::MonthObserver::new(900);
                observer.open_month(d, 0);
                for c in &w.citizens {
                    observer.record_citizen(c, d);
                }
                observer.close_month(w.citizens.len(), &[], d);
                let row = observer.into_rows().pop().expect("the row opened");
                let strip = |r: &MonthRow| MonthRow {
                    month: 0,
                    day: 0,
                    queue: vec![],
                    occupied: vec![],
                    waited_days: vec![],
                    ..r.clone()
                };
                assert_eq!(strip(&row), counted_one_by_one(&w, d), "{name}, day {d}");
                inside += row.in_detention;
                outside += row.own_home + row.homeless;
                days += 1;
            }
            assert!(
                days > 100 && inside > 1000 && outside > 1000,
                "{name}: {days} {inside} {outside}"
            );
        }
    }
}
