//! The short table `reentry run` prints in the terminal.

use crate::costs::PAYERS;
use crate::experiments::YEARS;
use crate::output::format::fmt_value;
use crate::output::report::RunOutput;

/// The short table `reentry run` prints.
pub fn terminal_summary(run: &RunOutput) -> String {
    let s = run.summary;
    let mut out = format!(
        "{} — {}\n{} citizens × {} replications, seed {}, horizon {} days\n\n",
        s.scenario, s.description, s.citizens, s.replications, s.seed, s.horizon_days
    );
    out.push_str(&format!("{:<58} {:>12}   {}\n", "indicator", "mean", "95% interval"));
    let mut headline: Vec<String> = Vec::new();
    for event in ["reconviction", "rearrest", "redetention", "relapse"] {
        for (_, tag) in YEARS {
            headline.push(format!("{event}_{tag}"));
        }
    }
    headline.extend(
        ["detention_days", "days_active_addiction", "days_homeless", "days_without_income"]
            .map(String::from),
    );
    headline.extend(PAYERS.iter().map(|p| format!("cost_{}", p.name())));
    headline.push("cost_societal".into());
    for name in &headline {
        let Some(row) = s.rows.iter().find(|r| &r.name == name) else { continue };
        let e = &row.estimate;
        out.push_str(&format!(
            "{:<58} {:>12}   [{}, {}]\n",
            row.label,
            fmt_value(row.unit, e.mean),
            fmt_value(row.unit, e.lo),
            fmt_value(row.unit, e.hi)
        ));
    }
    if s.replications < 2 {
        out.push_str(ONE_REPLICATION);
    }
    out
}

/// Said wherever results of a single replication are shown.
pub const ONE_REPLICATION: &str = "\nonly 1 replication: no intervals (n/a), so nothing here \
     tells chance from effect; run more replications (--replications 10 or more)\n";
