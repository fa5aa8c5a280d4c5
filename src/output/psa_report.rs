//! The probabilistic sensitivity analysis in `report.html` and its pictures: the headline
//! under parameter uncertainty (or a plain statement that the intervals show only Monte Carlo
//! noise), the benefit-cost table per payer, the decision outputs, and the cost-effectiveness
//! plane, acceptability curve, EVPI curve and cumulative cash flow per payer. Built only from
//! `psa.json` in the output folder, like the rest of the report.

use std::fmt::Write as _;

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::output::folder::Folder;
use crate::output::format::{esc, thousands};
use crate::output::plots::{
    DrawResult, FONT, HouseGrid, Plot, SIZE, err, euro_label, finite_max, legend_row, nice_ceiling,
    png_of, register_font, scenario_colour, text_style,
};
use crate::psa::PsaReport;

fn euros(x: f64) -> String {
    if !x.is_finite() {
        return "n/a".into();
    }
    if x < 0.0 { format!("−€{}", thousands(-x)) } else { format!("€{}", thousands(x)) }
}

fn value(unit: &str, x: f64) -> String {
    match unit {
        "euro" => euros(x),
        "share" => format!("{:.1} pp", 100.0 * x),
        _ => format!("{x:.2}"),
    }
}

fn percent(x: f64) -> String {
    format!("{:.0}%", 100.0 * x)
}

fn perspective_words(p: &str) -> &str {
    match p {
        "justice" => "justice",
        "municipality" => "municipality (services)",
        "health" => "health insurance & care",
        "victims_society" => "victims & society",
        "society" => "society as a whole (without transfers)",
        "transfers" => "benefit payments (a transfer, apart)",
        "municipality_incl_transfers" => "municipality incl. benefit payments",
        other => other,
    }
}

/// The first lines of the headline: results under parameter uncertainty, or the plain
/// statement that the intervals are Monte Carlo noise only.
pub fn headline(h: &mut String, f: &Folder) {
    let Some(psa) = &f.psa else {
        h.push_str(
            "<p class=\"note\"><b>What the intervals mean.</b> The 95% intervals below show only \
             Monte Carlo noise (the luck of the draw in a simulated cohort). They do not include \
             uncertainty about the model's parameters, many of which are assumptions: run \
             <code>reentry compare … --psa 500</code> for that.</p>\n",
        );
        return;
    };
    let _ = writeln!(
        h,
        "<p><b>Under parameter uncertainty.</b> {} draws of {} uncertain parameters ({}); in each \
         draw every regime ran on the same citizens with the same random numbers ({} \
         replications of {} citizens). Each result is the mean over draws with the interval \
         holding 95% of them (parameter uncertainty, plus the Monte Carlo noise of a draw, whose \
         share is shown).</p>",
        psa.draws,
        psa.parameters.len(),
        esc(&psa.parameters_from),
        psa.replications_per_draw,
        thousands(psa.citizens_per_draw as f64)
    );
    for alt in psa.scenarios.iter().skip(1) {
        let _ = writeln!(
            h,
            "<h3>{} − {}: each payer's chance of gaining</h3>\n<table>\n<tr><th>payer</th>\
             <th>saving per citizen (discounted)</th><th>chance of gaining</th></tr>",
            esc(alt),
            esc(&psa.baseline)
        );
        for c in psa.chances.iter().filter(|c| &c.alternative == alt) {
            let who = if c.payer == "municipality" {
                "municipality incl. benefit payments"
            } else {
                perspective_words(&c.payer)
            };
            let class = if c.chance_of_gaining >= 0.5 { "gains" } else { "pays" };
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td class=\"num\">{} <span class=\"note\">[{}, {}]</span></td>\
                 <td class=\"num {class}\">{}</td></tr>",
                esc(who),
                euros(c.saving),
                euros(c.saving_lo),
                euros(c.saving_hi),
                percent(c.chance_of_gaining)
            );
        }
        h.push_str(
            "</table>\n<table>\n<tr><th>difference (alternative − baseline)</th><th>mean \
             [95% of draws]</th><th>Monte Carlo share of the spread</th></tr>\n",
        );
        for r in psa.summary.iter().filter(|r| r.kind == "difference" && &r.scenario == alt) {
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td class=\"num\">{} <span class=\"note\">[{}, {}]</span></td>\
                 <td class=\"num\">{}</td></tr>",
                esc(&r.label),
                value(&r.unit, r.mean),
                value(&r.unit, r.lo95),
                value(&r.unit, r.hi95),
                if r.share_monte_carlo.is_finite() {
                    percent(r.share_monte_carlo)
                } else {
                    "–".into()
                }
            );
        }
        h.push_str("</table>\n");
    }
    h.push_str(
        "<p class=\"note\">The tables further down (base case) show the shipped parameter values \
         only; their intervals show Monte Carlo noise alone.</p>\n",
    );
}

/// Benefit-cost and decision sections (only with a PSA).
pub fn sections(h: &mut String, f: &Folder) {
    let Some(psa) = &f.psa else { return };
    benefit_cost(h, psa);
    decision(h, psa);
    what_matters(h, psa);
    let _ = writeln!(
        h,
        "<p class=\"note\">The probabilistic analysis is reproduced by adding <code>--psa {} \
         --psa-replications {} --psa-population {} --effect {} --wtp {}</code> to the command \
         under <a href=\"#reproduce\">Reproduce this report</a> (parameters: {}).</p>",
        psa.draws,
        psa.replications_per_draw,
        psa.citizens_per_draw,
        psa.decision.effect.name(),
        psa.decision.wtp,
        esc(&psa.parameters_from)
    );
}

fn what_matters(h: &mut String, psa: &PsaReport) {
    if psa.tornado_r_squared.is_empty() {
        return;
    }
    h.push_str(
        "<section id=\"what-matters\">\n<h2>Which assumptions matter</h2>\n<p>Read from the \
         draws themselves: a linear regression of each difference on the parameters (a \
         metamodel), then each parameter moved over the central 95% of its draws with the others \
         at their mean. R² says how much of the spread the parameters explain linearly; \
         <code>reentry sensitivity</code> gives the tornado and Morris indices from runs \
         designed for it.</p>\n<table>\n<tr><th>difference</th><th>R²</th><th>the three \
         parameters that move it most (swing)</th></tr>\n",
    );
    for (outcome, r2) in &psa.tornado_r_squared {
        let unit = if outcome.starts_with("reconviction") { "share" } else { "euro" };
        let top: Vec<String> = psa
            .tornado
            .iter()
            .filter(|b| &b.outcome == outcome)
            .take(3)
            .map(|b| format!("<code>{}</code> ({})", esc(&b.parameter), value(unit, b.swing)))
            .collect();
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td class=\"num\">{r2:.2}</td><td>{}</td></tr>",
            esc(outcome),
            top.join(", ")
        );
    }
    h.push_str("</table>\n</section>\n");
}

fn benefit_cost(h: &mut String, psa: &PsaReport) {
    let _ = writeln!(
        h,
        "<section id=\"benefit-cost\">\n<h2>Benefit-cost per payer</h2>\n<p>As in the benefit-cost \
         model of the Washington State Institute for Public Policy: <em>costs</em> are the extra \
         spending on care and support (services, case management, coordination), <em>benefits</em> \
         the spending avoided on consequences (detention, probation, police and courts, victims), \
         per released citizen over the follow-up, alternative minus baseline. Discounted at \
         {:.2}% a year and undiscounted side by side. Benefit payments are a transfer (the \
         municipality pays, the participant receives): shown in their own row and in the \
         municipality's budget, never in the societal total. The break-even year is the first \
         year from which the mean cumulative net benefit stays at or above zero.</p>",
        100.0 * psa.discount_rate
    );
    for a in &psa.benefit_cost {
        let _ = writeln!(
            h,
            "<h3>{} − {}</h3>\n<table>\n<tr><th>perspective</th><th></th><th>costs</th>\
             <th>benefits</th><th>benefits − costs [95% of draws]</th><th>benefit-cost ratio</th>\
             <th>chance benefits exceed costs</th><th>break-even year</th></tr>",
            esc(&a.alternative),
            esc(&psa.baseline)
        );
        for r in &a.rows {
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
                 <td class=\"num\">{} <span class=\"note\">[{}, {}]</span></td><td class=\"num\">{}</td>\
                 <td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                esc(perspective_words(&r.perspective)),
                if r.discounting == "discounted" {
                    format!("discounted ({:.2}%)", 100.0 * r.rate)
                } else {
                    "undiscounted".into()
                },
                euros(r.costs),
                euros(r.benefits),
                euros(r.net),
                euros(r.net_lo),
                euros(r.net_hi),
                r.ratio.map_or("n/a (no extra cost)".into(), |x| format!("{x:.2}")),
                percent(r.chance_benefits_exceed_costs),
                r.break_even_year
                    .map_or("not within the follow-up".into(), |y| format!("year {y}"))
            );
        }
        h.push_str("</table>\n");
    }
    h.push_str("</section>\n");
}

fn decision(h: &mut String, psa: &PsaReport) {
    let d = &psa.decision;
    let _ = writeln!(
        h,
        "<section id=\"decision\">\n<h2>Cost-effectiveness</h2>\n<p>Effect: {} per released \
         citizen (more is better), against the baseline. Cost: total societal cost per citizen \
         (discounted, without transfers). Options that cost more and achieve less than another \
         are <em>dominated</em>; options beaten by a mix of two others are <em>extendedly \
         dominated</em>. Willingness to pay: {} per {} (an assumption; set it with \
         <code>--wtp</code>).</p>\n<table>\n<tr><th>option</th><th>cost</th><th>effect</th>\
         <th>status</th><th>compared with</th><th>ICER</th></tr>",
        esc(&d.effect_unit),
        euros(d.wtp),
        esc(&d.effect_unit)
    );
    for r in &d.incremental {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{:.3}</td><td>{}</td>\
             <td>{}</td><td class=\"num\">{}</td></tr>",
            esc(&r.name),
            euros(r.cost),
            r.effect,
            r.status.words(),
            esc(r.compared_with.as_deref().unwrap_or("–")),
            r.icer.map_or("–".into(), euros)
        );
    }
    h.push_str("</table>\n<ul>\n");
    for n in d.net_benefit.iter().skip(1) {
        let _ = writeln!(
            h,
            "<li>Incremental net monetary benefit of {} at {}: {} [{}, {}] per citizen.</li>",
            esc(&n.option),
            euros(d.wtp),
            euros(n.incremental_nmb),
            euros(n.incremental_lo95),
            euros(n.incremental_hi95)
        );
    }
    for c in d.ceac.iter().filter(|c| (c.wtp - d.wtp).abs() <= 1e-9 * d.wtp.max(1.0)) {
        let _ = writeln!(
            h,
            "<li>Chance that {} is the best option at {}: {}{}.</li>",
            esc(&c.option),
            euros(d.wtp),
            percent(c.probability_optimal),
            if c.on_frontier { " (highest expected net benefit)" } else { "" }
        );
    }
    let _ = writeln!(
        h,
        "<li>Expected value of perfect information at {}: {} per citizen — the most that \
         removing all parameter uncertainty could add to this decision.</li>\n</ul>\n</section>",
        euros(d.wtp),
        euros(d.evpi_at_wtp)
    );
}

// ----- pictures -----

#[derive(Clone, Copy)]
enum Picture {
    Plane,
    Ceac,
    Evpi,
    CashFlow,
}

impl Picture {
    fn stem(self) -> &'static str {
        match self {
            Picture::Plane => "ce_plane",
            Picture::Ceac => "ceac",
            Picture::Evpi => "evpi",
            Picture::CashFlow => "cash_flow",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Picture::Plane => "Cost-effectiveness plane: one dot per parameter draw",
            Picture::Ceac => "Acceptability curve: chance each option is best",
            Picture::Evpi => "Expected value of perfect information",
            Picture::CashFlow => "Cumulative net benefit per payer over the follow-up",
        }
    }

    fn caption(self) -> &'static str {
        match self {
            Picture::Plane => {
                "Each dot is one draw of the uncertain parameters: the alternative's extra \
                 effect (right = better) and extra societal cost (up = dearer) against the \
                 baseline. Dots below the dashed willingness-to-pay line are cost-effective at \
                 the stated value; below zero the alternative saves money."
            }
            Picture::Ceac => {
                "Share of draws in which each option has the highest net monetary benefit, for \
                 willingness-to-pay values from 0 up; the thick dots mark the option with the \
                 highest expected net benefit (the acceptability frontier). The dashed line is \
                 the stated willingness to pay."
            }
            Picture::Evpi => {
                "What knowing the parameters for sure would be worth per released citizen, for \
                 each willingness to pay: high where the decision is uncertain and much is at \
                 stake."
            }
            Picture::CashFlow => {
                "Mean cumulative net benefit (benefits minus costs, discounted) per released \
                 citizen by year of follow-up, with the band holding 95% of the draws; above \
                 zero the payer has gained. Benefit payments (a transfer) are counted for the \
                 municipality's budget but not for society."
            }
        }
    }

    fn draw<DB: DrawingBackend>(
        self,
        root: &DrawingArea<DB, Shift>,
        psa: &PsaReport,
    ) -> DrawResult {
        root.fill(&WHITE).map_err(err)?;
        let body = root.titled(self.title(), (FONT, 26).into_font().style(FontStyle::Bold));
        let body = body.map_err(err)?;
        match self {
            Picture::Plane => draw_plane(&body, psa),
            Picture::Ceac => draw_ceac(&body, psa),
            Picture::Evpi => draw_evpi(&body, psa),
            Picture::CashFlow => draw_cash_flow(&body, psa),
        }
    }
}

/// The PSA pictures of a folder (none without a PSA).
pub fn plots(f: &Folder) -> Result<Vec<Plot>, String> {
    let Some(psa) = &f.psa else { return Ok(Vec::new()) };
    register_font();
    let mut out = pictures(psa)?;
    if let Some((outcome, _)) =
        psa.tornado_r_squared.iter().find(|(o, _)| o.starts_with("cost_societal"))
    {
        let bars: Vec<&crate::output::rows::TornadoBar> =
            psa.tornado.iter().filter(|b| &b.outcome == outcome).take(12).collect();
        let (svg, png) =
            crate::output::sensitivity_plot::tornado("the societal cost difference", &bars)?;
        out.push(Plot {
            stem: "psa_tornado",
            title: "Which parameters move the societal cost difference".into(),
            caption: "From the PSA draws (linear metamodel, no extra runs): the societal cost \
                      difference with one parameter at the 2.5% (blue) or 97.5% (orange) point \
                      of its draws and the others at their mean; the line is the mean over \
                      draws. psa_tornado.csv has the same for 2-year reconviction and every \
                      payer, with each metamodel's R²."
                .into(),
            svg,
            png,
        });
    }
    Ok(out)
}

fn pictures(psa: &PsaReport) -> Result<Vec<Plot>, String> {
    [Picture::Plane, Picture::Ceac, Picture::Evpi, Picture::CashFlow]
        .iter()
        .map(|&p| {
            let mut svg = String::new();
            {
                let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
                p.draw(&root, psa)?;
                root.present().map_err(err)?;
            }
            Ok(Plot {
                stem: p.stem(),
                title: p.title().into(),
                caption: p.caption().into(),
                svg,
                png: png_of(SIZE, |root| p.draw(root, psa))?,
            })
        })
        .collect()
}

/// A symmetric-ish range around zero that holds every value.
fn span(xs: impl Iterator<Item = f64> + Clone) -> (f64, f64) {
    let hi = nice_ceiling(finite_max(xs.clone(), 0.0).max(1e-9));
    let lo = -nice_ceiling(finite_max(xs.map(|x| -x), 0.0).max(1e-9));
    (lo, hi)
}

fn draw_plane<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, psa: &PsaReport) -> DrawResult {
    let (plot, legend) = area.split_vertically(area.dim_in_pixel().1 as i32 - 40);
    let d = &psa.decision;
    let (xlo, xhi) = span(d.plane.iter().map(|p| p.incremental_effect));
    let (ylo, yhi) = span(d.plane.iter().map(|p| p.incremental_cost));
    let mut chart = ChartBuilder::on(&plot)
        .margin(15)
        .x_label_area_size(55)
        .y_label_area_size(95)
        .build_cartesian_2d(xlo..xhi, ylo..yhi)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc(format!("extra effect per citizen: {}", d.effect_unit))
        .y_desc("extra societal cost per citizen")
        .house_grid(17, 14)
        .y_label_formatter(&euro_label)
        .x_label_formatter(&|x| format!("{x:.2}"))
        .draw()
        .map_err(err)?;
    let axis = BLACK.stroke_width(1);
    chart.draw_series(LineSeries::new([(xlo, 0.0), (xhi, 0.0)], axis)).map_err(err)?;
    chart.draw_series(LineSeries::new([(0.0, ylo), (0.0, yhi)], axis)).map_err(err)?;
    // The willingness-to-pay line cost = λ·effect, clipped to the plot.
    let line: Vec<(f64, f64)> = (0..=100)
        .map(|i| xlo + (xhi - xlo) * i as f64 / 100.0)
        .map(|x| (x, d.wtp * x))
        .filter(|(_, y)| *y >= ylo && *y <= yhi)
        .collect();
    chart
        .draw_series(
            line.windows(2).step_by(2).map(|w| PathElement::new(w.to_vec(), BLACK.stroke_width(2))),
        )
        .map_err(err)?;
    let mut entries = Vec::new();
    for (a, alt) in psa.scenarios.iter().enumerate().skip(1) {
        let colour = scenario_colour(a);
        let dots = d.plane.iter().filter(|p| &p.alternative == alt);
        chart
            .draw_series(dots.map(|p| {
                Circle::new((p.incremental_effect, p.incremental_cost), 3, colour.mix(0.6).filled())
            }))
            .map_err(err)?;
        entries.push((format!("{alt} − {}", psa.baseline), colour));
    }
    entries.push((format!("dashed: {} per unit", euros(d.wtp)), BLACK));
    legend_row(&legend, &entries)
}

fn draw_ceac<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, psa: &PsaReport) -> DrawResult {
    let (plot, legend) = area.split_vertically(area.dim_in_pixel().1 as i32 - 40);
    let d = &psa.decision;
    let xmax = d.ceac.iter().map(|c| c.wtp).fold(1.0, f64::max);
    let mut chart = ChartBuilder::on(&plot)
        .margin(15)
        .x_label_area_size(55)
        .y_label_area_size(75)
        .build_cartesian_2d(0.0..xmax, 0.0..1.0)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc(format!("willingness to pay per {}", d.effect_unit))
        .y_desc("chance of being the best option")
        .house_grid(17, 14)
        .x_label_formatter(&euro_label)
        .y_label_formatter(&|y| format!("{:.0}%", 100.0 * y))
        .draw()
        .map_err(err)?;
    let mut entries = Vec::new();
    for (a, name) in psa.scenarios.iter().enumerate() {
        let colour = scenario_colour(a);
        let points: Vec<(f64, f64)> = d
            .ceac
            .iter()
            .filter(|c| &c.option == name)
            .map(|c| (c.wtp, c.probability_optimal))
            .collect();
        chart.draw_series(LineSeries::new(points, colour.stroke_width(3))).map_err(err)?;
        let frontier = d.ceac.iter().filter(|c| &c.option == name && c.on_frontier);
        chart
            .draw_series(
                frontier.map(|c| Circle::new((c.wtp, c.probability_optimal), 5, colour.filled())),
            )
            .map_err(err)?;
        entries.push((name.clone(), colour));
    }
    let dash: Vec<(f64, f64)> = (0..=20).map(|i| (d.wtp, i as f64 / 20.0)).collect();
    chart
        .draw_series(
            dash.windows(2).step_by(2).map(|w| PathElement::new(w.to_vec(), BLACK.stroke_width(2))),
        )
        .map_err(err)?;
    legend_row(&legend, &entries)
}

fn draw_evpi<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, psa: &PsaReport) -> DrawResult {
    let d = &psa.decision;
    let xmax = d.evpi.iter().map(|e| e.wtp).fold(1.0, f64::max);
    let ymax = nice_ceiling(finite_max(d.evpi.iter().map(|e| e.evpi), 1.0));
    let mut chart = ChartBuilder::on(area)
        .margin(15)
        .x_label_area_size(55)
        .y_label_area_size(85)
        .build_cartesian_2d(0.0..xmax, 0.0..ymax)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc(format!("willingness to pay per {}", d.effect_unit))
        .y_desc("EVPI per released citizen")
        .house_grid(17, 14)
        .x_label_formatter(&euro_label)
        .y_label_formatter(&euro_label)
        .draw()
        .map_err(err)?;
    let line = d.evpi.iter().map(|e| (e.wtp, e.evpi));
    chart.draw_series(LineSeries::new(line, scenario_colour(0).stroke_width(3))).map_err(err)?;
    Ok(())
}

/// Each alternative's (scenario index, discounted row) of one perspective.
fn cash_rows<'a>(
    psa: &'a PsaReport,
    p: &'static str,
) -> impl Iterator<Item = (usize, &'a crate::benefit_cost::BenefitCost)> + 'a {
    psa.benefit_cost.iter().enumerate().filter_map(move |(a, bc)| {
        bc.rows
            .iter()
            .find(|r| r.perspective == p && r.discounting == "discounted")
            .map(|r| (a + 1, r))
    })
}

/// Perspectives shown in the cash-flow panels.
const CASH_PANELS: [&str; 5] =
    ["justice", "municipality_incl_transfers", "health", "victims_society", "society"];

fn draw_cash_flow<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    psa: &PsaReport,
) -> DrawResult {
    let (plot, legend) = area.split_vertically(area.dim_in_pixel().1 as i32 - 40);
    let panels = plot.split_evenly((2, 3));
    let rows = |p: &'static str| cash_rows(psa, p);
    let all = CASH_PANELS
        .iter()
        .flat_map(|p| {
            rows(p).flat_map(|(_, r)| r.cumulative_lo.iter().chain(&r.cumulative_hi).copied())
        })
        .collect::<Vec<f64>>();
    let (ylo, yhi) = span(all.iter().copied());
    for (k, (p, panel)) in CASH_PANELS.iter().zip(&panels).enumerate() {
        let years = rows(p).map(|(_, r)| r.cumulative.len()).max().unwrap_or(1).max(1);
        let mut chart = ChartBuilder::on(panel)
            .margin(8)
            .caption(perspective_words(p), text_style(16, BLACK))
            .x_label_area_size(if k >= 3 { 40 } else { 25 })
            .y_label_area_size(80)
            .build_cartesian_2d(0.0..years as f64, ylo..yhi)
            .map_err(err)?;
        let mut mesh = chart.configure_mesh();
        mesh.house_grid(14, 12).x_labels(years + 1).y_labels(5).y_label_formatter(&euro_label);
        mesh.x_label_formatter(&|x| format!("{x:.0}"));
        if k >= 3 {
            mesh.x_desc("year");
        }
        mesh.draw().map_err(err)?;
        chart
            .draw_series(LineSeries::new([(0.0, 0.0), (years as f64, 0.0)], BLACK.stroke_width(1)))
            .map_err(err)?;
        for (a, r) in rows(p) {
            let colour = scenario_colour(a);
            let x = |y: usize| y as f64 + 1.0;
            let mut band: Vec<(f64, f64)> = vec![(0.0, 0.0)];
            band.extend((0..r.cumulative.len()).map(|y| (x(y), r.cumulative_hi[y])));
            band.extend((0..r.cumulative.len()).rev().map(|y| (x(y), r.cumulative_lo[y])));
            chart.draw_series(std::iter::once(Polygon::new(band, colour.mix(0.2)))).map_err(err)?;
            let mut line = vec![(0.0, 0.0)];
            line.extend((0..r.cumulative.len()).map(|y| (x(y), r.cumulative[y])));
            chart.draw_series(LineSeries::new(line, colour.stroke_width(3))).map_err(err)?;
        }
    }
    let entries: Vec<(String, RGBColor)> = psa
        .scenarios
        .iter()
        .enumerate()
        .skip(1)
        .map(|(a, n)| (format!("{n} − {}", psa.baseline), scenario_colour(a)))
        .collect();
    legend_row(&legend, &entries)
}
