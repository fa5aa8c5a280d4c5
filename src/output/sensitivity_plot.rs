//! The tornado picture of `reentry sensitivity` and of the PSA report (PNG and SVG): one bar
//! per parameter from the outcome at its 2.5% quantile to the outcome at its 97.5% quantile,
//! around the median run, largest swing on top. Low and high have colours of their own: a
//! tornado shows no scenario, so it borrows no scenario colour.

use plotters::prelude::*;

use crate::output::lang::{Lang, Phrase};
use crate::output::plots::{
    DrawResult, Drawing, Entry, HouseGrid, err, legend_below, render, titled, top_down_label,
};
use crate::output::rows::TornadoBar;

/// Low end (light blue) and high end (light red) of a tornado bar: Paul Tol's "pale" blue and
/// red, darker edged, so neither is a scenario or payer colour.
pub const TORNADO_COLOURS: [RGBColor; 2] = [RGBColor(0xBB, 0xCC, 0xEE), RGBColor(0xFF, 0xCC, 0xCC)];
const EDGE: RGBColor = RGBColor(0x55, 0x55, 0x55);

const TITLE: Phrase = Phrase::new("Tornado: what moves", "Tornado: wat beweegt");
const LOW: Phrase = Phrase::new("parameter at its 2.5% point", "parameter op zijn 2,5%-punt");
const HIGH: Phrase = Phrase::new("parameter at its 97.5% point", "parameter op zijn 97,5%-punt");
const MEDIAN: Phrase =
    Phrase::new("vertical line: all at the median", "verticale lijn: alles op de mediaan");
/// The PSA tornado's outcome.
pub const SOCIETAL_COST_DIFFERENCE: Phrase =
    Phrase::new("the societal cost difference", "het verschil in maatschappelijke kosten");

/// The tornado's phrases (for the translation tests).
pub const PHRASES: &[Phrase] = &[TITLE, LOW, HIGH, MEDIAN, SOCIETAL_COST_DIFFERENCE];

struct Tornado<'a> {
    outcome: &'a str,
    bars: &'a [&'a TornadoBar],
    lang: Lang,
}

impl Drawing for Tornado<'_> {
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, plotters::coord::Shift>,
    ) -> DrawResult {
        let (outcome, bars, lang) = (self.outcome, self.bars, self.lang);
        let body = titled(root, &format!("{} {outcome}", lang.pick(&TITLE)))?;
        let entries: Vec<Entry> = vec![
            (lang.pick(&LOW).to_string(), TORNADO_COLOURS[0]),
            (lang.pick(&HIGH).to_string(), TORNADO_COLOURS[1]),
            (lang.pick(&MEDIAN).to_string(), crate::output::plots::NO_SWATCH),
        ];
        let body = legend_below(&body, &entries)?;
        let n = bars.len().max(1);
        let xs =
            bars.iter().flat_map(|b| [b.outcome_at_low, b.outcome_at_high, b.outcome_at_median]);
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
            .x_desc(outcome)
            .house_grid(16, 13)
            .x_label_formatter(&|x| lang.number(*x, if x.abs() >= 100.0 { 0 } else { 3 }))
            .disable_y_mesh()
            .y_labels(2 * n + 1)
            .y_label_formatter(&|y| top_down_label(&labels, *y))
            .draw()
            .map_err(err)?;
        for (i, b) in bars.iter().enumerate() {
            let y = (n - 1 - i) as f64;
            for (end, colour) in
                [(b.outcome_at_low, TORNADO_COLOURS[0]), (b.outcome_at_high, TORNADO_COLOURS[1])]
            {
                let corners = [(b.outcome_at_median, y - 0.35), (end, y + 0.35)];
                chart
                    .draw_series([
                        Rectangle::new(corners, colour.filled()),
                        Rectangle::new(corners, EDGE.stroke_width(1)),
                    ])
                    .map_err(err)?;
            }
        }
        let m = bars.first().map_or(0.0, |b| b.outcome_at_median);
        chart
            .draw_series(LineSeries::new([(m, -0.5), (m, n as f64 - 0.5)], BLACK.stroke_width(2)))
            .map_err(err)?;
        Ok(())
    }
}

/// The tornado as (SVG, PNG), labelled in `lang`.
pub fn tornado(
    outcome: &str,
    bars: &[&TornadoBar],
    lang: Lang,
) -> Result<(String, Vec<u8>), String> {
    render(crate::output::plots::SIZE, &Tornado { outcome, bars, lang })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::plots::svg_texts;

    #[test]
    fn the_dutch_tornado_has_no_english_words() {
        assert!(crate::output::lang::missing_translations(PHRASES, &[]).is_empty());
        let bar = TornadoBar {
            outcome: "cost_societal".into(),
            parameter: "hazards.relapse".into(),
            rank: 1,
            low_value: 0.1,
            high_value: 0.3,
            outcome_at_low: 10.0,
            outcome_at_median: 12.0,
            outcome_at_high: 15.0,
            swing: 5.0,
        };
        let (svg, _) = tornado("cost_societal", &[&bar], Lang::Nl).unwrap();
        let texts: Vec<String> = svg_texts(&svg).into_iter().map(|t| t.text).collect();
        for p in PHRASES.iter().filter(|p| p.en != SOCIETAL_COST_DIFFERENCE.en) {
            assert!(!texts.iter().any(|t| t.contains(p.en)), "English `{}` in {texts:?}", p.en);
            assert!(texts.iter().any(|t| t.contains(p.nl)), "no `{}` in {texts:?}", p.nl);
        }
    }
}
