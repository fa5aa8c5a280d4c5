//! The tornado picture of `reentry sensitivity` (PNG and SVG): one bar per parameter from the
//! outcome at its 2.5% quantile to the outcome at its 97.5% quantile, around the median run,
//! largest swing on top.

use plotters::prelude::*;

use crate::output::plots::{FONT, HouseGrid, SIZE, err, png_of, register_font, scenario_colour};
use crate::output::rows::TornadoBar;

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    outcome: &str,
    bars: &[&TornadoBar],
) -> Result<(), String> {
    root.fill(&WHITE).map_err(err)?;
    let title = format!("Tornado: what moves {outcome}");
    let body = root.titled(&title, (FONT, 26).into_font().style(FontStyle::Bold)).map_err(err)?;
    let n = bars.len().max(1);
    let xs = bars.iter().flat_map(|b| [b.outcome_at_low, b.outcome_at_high, b.outcome_at_median]);
    let (mut lo, mut hi) =
        xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| (a.min(x), b.max(x)));
    if !(lo.is_finite() && hi.is_finite()) || lo == hi {
        (lo, hi) = (lo.min(0.0) - 1.0, hi.max(0.0) + 1.0);
    }
    let pad = 0.05 * (hi - lo);
    let labels: Vec<String> = bars.iter().map(|b| b.parameter.clone()).collect();
    let mut chart = ChartBuilder::on(&body)
        .margin(15)
        .x_label_area_size(50)
        .y_label_area_size(330)
        .build_cartesian_2d((lo - pad)..(hi + pad), -0.5f64..n as f64 - 0.5)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc(format!(
            "{outcome} — blue: parameter at its 2.5% point, orange: at its 97.5% point"
        ))
        .house_grid(16, 13)
        .x_label_formatter(&|x| {
            if x.abs() >= 100.0 { crate::output::format::thousands(*x) } else { format!("{x:.3}") }
        })
        .disable_y_mesh()
        .y_labels(2 * n + 1)
        .y_label_formatter(&|y| {
            let k = y.round();
            if (y - k).abs() > 1e-6 || k < 0.0 || k as usize >= n {
                return String::new();
            }
            labels.get(n - 1 - k as usize).cloned().unwrap_or_default()
        })
        .draw()
        .map_err(err)?;
    for (i, b) in bars.iter().enumerate() {
        let y = (n - 1 - i) as f64;
        let low = Rectangle::new(
            [(b.outcome_at_median, y - 0.35), (b.outcome_at_low, y + 0.35)],
            scenario_colour(0).filled(),
        );
        let high = Rectangle::new(
            [(b.outcome_at_median, y - 0.35), (b.outcome_at_high, y + 0.35)],
            scenario_colour(1).filled(),
        );
        chart.draw_series([low, high]).map_err(err)?;
    }
    let m = bars.first().map_or(0.0, |b| b.outcome_at_median);
    chart
        .draw_series(LineSeries::new([(m, -0.5), (m, n as f64 - 0.5)], BLACK.stroke_width(2)))
        .map_err(err)?;
    Ok(())
}

/// The tornado as (SVG, PNG); blue: parameter low, orange: parameter high.
pub fn tornado(outcome: &str, bars: &[&TornadoBar]) -> Result<(String, Vec<u8>), String> {
    register_font();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        draw(&root, outcome, bars)?;
        root.present().map_err(err)?;
    }
    let png = png_of(SIZE, |root| draw(root, outcome, bars))?;
    Ok((svg, png))
}
