//! The probabilistic sensitivity analysis in `report.html` and its pictures: the headline
//! under parameter uncertainty (or a plain statement that the intervals show only Monte Carlo
//! noise), the benefit-cost table per payer, the decision outputs, and the cost-effectiveness
//! plane, acceptability curve, EVPI curve and cumulative cash flow per payer. Built only from
//! `psa.json` in the output folder, like the rest of the report.

use std::fmt::Write as _;

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::output::folder::Folder;
use crate::output::format::esc;
use crate::output::lang::{Lang, Phrase, fill};
use crate::output::plots::{
    DrawResult, Drawing, Entry, HouseGrid, NO_SWATCH, Plot, SIZE, err, euro_tick, finite_max,
    legend_below, nice_ceiling, render, scenario_colour, text_style, titled,
};
use crate::output::words as w;
use crate::psa::PsaReport;

/// Euros in the page's language, rounded for reading.
fn eur(l: Lang, x: f64) -> String {
    l.euros(x)
}

fn value(l: Lang, unit: &str, x: f64) -> String {
    match unit {
        "share" => format!("{}\u{a0}{}", l.number(100.0 * x, 1), l.pick(&w::PP)),
        "euro" => l.euros(x),
        "days" => l.days(x),
        _ => l.number(x, 2),
    }
}

fn percent(l: Lang, x: f64) -> String {
    format!("{}%", l.number(100.0 * x, 0))
}

fn perspective_words(l: Lang, p: &str) -> String {
    let phrase = match p {
        "justice" => &w::P_JUSTICE,
        "municipality" => &w::P_MUNICIPALITY,
        "health" => &w::P_HEALTH,
        "victims_society" => &w::P_VICTIMS,
        "society" => &w::P_SOCIETY,
        "transfers" => &w::P_TRANSFERS,
        "municipality_incl_transfers" => &w::P_MUNICIPALITY_ALL,
        other => return other.to_string(),
    };
    l.pick(phrase).to_string()
}

/// The PSA's indicators: the municipality's cost includes benefit payments here.
fn psa_indicator(l: Lang, name: &str, label: &str) -> String {
    match name {
        "cost_municipality" => l.pick(&w::PSA_COST_MUNICIPALITY).to_string(),
        _ => w::indicator(l, name, label),
    }
}

/// The effect measure's unit in words (the file keeps the English words).
fn effect_unit(l: Lang, unit: &str) -> String {
    EFFECT_UNITS
        .iter()
        .find(|p| p.en == unit)
        .map_or_else(|| unit.to_string(), |p| l.pick(p).to_string())
}

/// Where the draws came from; the file keeps the English words.
fn origin(l: Lang, from: &str) -> String {
    match from.strip_prefix("priors from ") {
        Some(files) => fill(l.pick(&w::PSA_PRIORS_FROM), &[files]),
        None => from.to_string(),
    }
}

/// The first lines of the headline: results under parameter uncertainty, or the plain
/// statement that the intervals are Monte Carlo noise only.
pub fn headline(h: &mut String, f: &Folder, l: Lang) {
    let Some(psa) = &f.psa else {
        let _ = writeln!(h, "<p class=\"note\">{}</p>", l.pick(&w::INTERVALS_MC_ONLY));
        return;
    };
    let _ = writeln!(
        h,
        "<p>{}</p>",
        fill(
            l.pick(&w::PSA_UNDER),
            &[
                &psa.draws.to_string(),
                &psa.parameters.len().to_string(),
                &esc(&origin(l, &psa.parameters_from)),
                &psa.replications_per_draw.to_string(),
                &l.number(psa.citizens_per_draw as f64, 0),
            ]
        )
    );
    for alt in psa.scenarios.iter().skip(1) {
        let _ = writeln!(
            h,
            "<h3>{}</h3>\n<table class=\"stack\">\n<tr class=\"head\"><th>{}</th><th>{}</th><th>{}</th></tr>",
            esc(&fill(l.pick(&w::PSA_CHANCES), &[alt, &psa.baseline])),
            l.pick(&w::PAYER),
            l.pick(&w::PSA_SAVING),
            l.pick(&w::PSA_CHANCE)
        );
        for c in psa.chances.iter().filter(|c| &c.alternative == alt) {
            let who = if c.payer == "municipality" {
                l.pick(&w::P_MUNICIPALITY_ALL).to_string()
            } else {
                perspective_words(l, &c.payer)
            };
            let class = if c.chance_of_gaining >= 0.5 { "gains" } else { "pays" };
            let _ = writeln!(
                h,
                "<tr><td data-label=\"{}\">{}</td><td data-label=\"{}\" class=\"num\">{} <span class=\"note\">[{}, {}]</span></td>\
                 <td data-label=\"{}\" class=\"num {class}\">{}</td></tr>",
                l.pick(&w::PAYER),
                esc(&who),
                l.pick(&w::PSA_SAVING),
                eur(l, c.saving),
                eur(l, c.saving_lo),
                eur(l, c.saving_hi),
                l.pick(&w::PSA_CHANCE),
                percent(l, c.chance_of_gaining)
            );
        }
        let _ = writeln!(
            h,
            "</table>\n<table class=\"stack\">\n<tr class=\"head\"><th>{}</th><th>{}</th><th>{}</th></tr>",
            l.pick(&w::PSA_DIFFERENCE),
            l.pick(&w::PSA_MEAN_DRAWS),
            l.pick(&w::PSA_MC_SHARE)
        );
        for r in psa.summary.iter().filter(|r| r.kind == "difference" && &r.scenario == alt) {
            let _ = writeln!(
                h,
                "<tr><td data-label=\"{}\">{}</td><td data-label=\"{}\" class=\"num\">{} <span class=\"note\">[{}, {}]</span></td>\
                 <td data-label=\"{}\" class=\"num\">{}</td></tr>",
                l.pick(&w::PSA_DIFFERENCE),
                esc(&psa_indicator(l, &r.indicator, &r.label)),
                l.pick(&w::PSA_MEAN_DRAWS),
                value(l, &r.unit, r.mean),
                value(l, &r.unit, r.lo95),
                value(l, &r.unit, r.hi95),
                l.pick(&w::PSA_MC_SHARE),
                if r.share_monte_carlo.is_finite() {
                    percent(l, r.share_monte_carlo)
                } else {
                    "–".into()
                }
            );
        }
        h.push_str("</table>\n");
    }
    let _ = writeln!(h, "<p class=\"note\">{}</p>", l.pick(&w::PSA_BASE_CASE_NOTE));
}

/// Benefit-cost and decision sections (only with a PSA).
pub fn sections(h: &mut String, f: &Folder, l: Lang) {
    let Some(psa) = &f.psa else { return };
    benefit_cost(h, psa, l);
    decision(h, psa, l);
    what_matters(h, psa, l);
    let options = format!(
        "<code>--psa {} --psa-replications {} --psa-population {} --effect {} --wtp {}</code>",
        psa.draws,
        psa.replications_per_draw,
        psa.citizens_per_draw,
        psa.decision.effect.name(),
        psa.decision.wtp
    );
    let _ = writeln!(
        h,
        "<p class=\"note\">{}</p>",
        fill(l.pick(&w::PSA_REPRODUCE), &[&options, &esc(&origin(l, &psa.parameters_from))])
    );
}

fn what_matters(h: &mut String, psa: &PsaReport, l: Lang) {
    if psa.tornado_r_squared.is_empty() {
        return;
    }
    let _ = writeln!(
        h,
        "<section id=\"what-matters\">\n<h2>{}</h2>\n<p>{}</p>\n<table>\n<tr><th>{}</th><th>R²</th><th>{}</th></tr>",
        l.pick(&w::PSA_MATTERS),
        l.pick(&w::PSA_MATTERS_INTRO),
        l.pick(&w::PSA_DIFFERENCE_SHORT),
        l.pick(&w::PSA_TOP_THREE)
    );
    for (outcome, r2) in &psa.tornado_r_squared {
        let unit = if outcome.starts_with("reconviction") { "share" } else { "euro" };
        let top: Vec<String> = psa
            .tornado
            .iter()
            .filter(|b| &b.outcome == outcome)
            .take(3)
            .map(|b| format!("<code>{}</code> ({})", esc(&b.parameter), value(l, unit, b.swing)))
            .collect();
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            esc(outcome),
            l.number(*r2, 2),
            top.join(", ")
        );
    }
    h.push_str("</table>\n</section>\n");
}

fn benefit_cost(h: &mut String, psa: &PsaReport, l: Lang) {
    let rate = l.number(100.0 * psa.discount_rate, 2);
    let _ = writeln!(
        h,
        "<section id=\"benefit-cost\">\n<h2>{}</h2>\n<p>{}</p>",
        l.pick(&w::BC_TITLE),
        fill(l.pick(&w::BC_INTRO), &[&rate])
    );
    for a in &psa.benefit_cost {
        let _ = writeln!(
            h,
            "<h3>{} − {}</h3>\n<table>\n<tr><th>{}</th><th></th><th>{}</th><th>{}</th><th>{}</th>\
             <th>{}</th><th>{}</th><th>{}</th></tr>",
            esc(&a.alternative),
            esc(&psa.baseline),
            l.pick(&w::BC_PERSPECTIVE),
            l.pick(&w::BC_COSTS),
            l.pick(&w::BC_BENEFITS),
            l.pick(&w::BC_NET),
            l.pick(&w::BC_RATIO),
            l.pick(&w::BC_CHANCE),
            l.pick(&w::BC_BREAK_EVEN)
        );
        for r in &a.rows {
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
                 <td class=\"num\">{} <span class=\"note\">[{}, {}]</span></td><td class=\"num\">{}</td>\
                 <td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                esc(&perspective_words(l, &r.perspective)),
                if r.discounting == "discounted" {
                    fill(l.pick(&w::BC_DISCOUNTED), &[&l.number(100.0 * r.rate, 2)])
                } else {
                    l.pick(&w::BC_UNDISCOUNTED).into()
                },
                eur(l, r.costs),
                eur(l, r.benefits),
                eur(l, r.net),
                eur(l, r.net_lo),
                eur(l, r.net_hi),
                r.ratio.map_or(l.pick(&w::BC_NO_EXTRA_COST).into(), |x| l.number(x, 2)),
                percent(l, r.chance_benefits_exceed_costs),
                r.break_even_year.map_or(l.pick(&w::BC_NOT_WITHIN).into(), |y| fill(
                    l.pick(&w::BC_YEAR),
                    &[&y.to_string()]
                ))
            );
        }
        h.push_str("</table>\n");
    }
    h.push_str("</section>\n");
}

fn status_words(l: Lang, s: crate::decision::Status) -> &'static str {
    use crate::decision::Status;
    match s {
        Status::Frontier => l.pick(&w::CE_FRONTIER),
        Status::Dominated => l.pick(&w::CE_DOMINATED),
        Status::ExtendedlyDominated => l.pick(&w::CE_EXTENDED),
    }
}

fn decision(h: &mut String, psa: &PsaReport, l: Lang) {
    let d = &psa.decision;
    let _ = writeln!(
        h,
        "<section id=\"decision\">\n<h2>{}</h2>\n<p>{}</p>\n<table>\n<tr><th>{}</th><th>{}</th>\
         <th>{}</th><th>{}</th><th>{}</th><th>ICER</th></tr>",
        l.pick(&w::CE_TITLE),
        fill(l.pick(&w::CE_INTRO), &[&esc(&effect_unit(l, &d.effect_unit)), &eur(l, d.wtp)]),
        l.pick(&w::CE_OPTION),
        l.pick(&w::BC_COSTS),
        l.pick(&w::CE_EFFECT),
        l.pick(&w::CE_STATUS),
        l.pick(&w::CE_COMPARED)
    );
    for r in &d.incremental {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td>\
             <td>{}</td><td class=\"num\">{}</td></tr>",
            esc(&r.name),
            eur(l, r.cost),
            l.number(r.effect, 3),
            status_words(l, r.status),
            esc(r.compared_with.as_deref().unwrap_or("–")),
            r.icer.map_or("–".into(), |x| eur(l, x))
        );
    }
    h.push_str("</table>\n<ul>\n");
    for n in d.net_benefit.iter().skip(1) {
        let _ = writeln!(
            h,
            "<li>{}</li>",
            esc(&fill(
                l.pick(&w::CE_NMB),
                &[
                    &n.option,
                    &eur(l, d.wtp),
                    &eur(l, n.incremental_nmb),
                    &eur(l, n.incremental_lo95),
                    &eur(l, n.incremental_hi95)
                ]
            ))
        );
    }
    for c in d.ceac.iter().filter(|c| (c.wtp - d.wtp).abs() <= 1e-9 * d.wtp.max(1.0)) {
        let _ = writeln!(
            h,
            "<li>{}</li>",
            esc(&fill(
                l.pick(&w::CE_BEST),
                &[
                    &c.option,
                    &eur(l, d.wtp),
                    &percent(l, c.probability_optimal),
                    if c.on_frontier { l.pick(&w::CE_HIGHEST) } else { "" }
                ]
            ))
        );
    }
    let _ = writeln!(
        h,
        "<li>{}</li>\n</ul>\n</section>",
        esc(&fill(l.pick(&w::CE_EVPI), &[&eur(l, d.wtp), &eur(l, d.evpi_at_wtp)]))
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

    fn title(self) -> Phrase {
        match self {
            Picture::Plane => Phrase::new(
                "Cost-effectiveness plane: one dot per parameter draw",
                "Kosteneffectiviteitsvlak: één stip per trekking van de parameters",
            ),
            Picture::Ceac => Phrase::new(
                "Acceptability curve: chance each option is best",
                "Aanvaardbaarheidscurve: kans dat elke optie de beste is",
            ),
            Picture::Evpi => Phrase::new(
                "Expected value of perfect information",
                "Verwachte waarde van volledige informatie",
            ),
            Picture::CashFlow => Phrase::new(
                "Cumulative net benefit per payer over the follow-up",
                "Cumulatief netto voordeel per betaler over de follow-up",
            ),
        }
    }

    fn caption(self) -> Phrase {
        match self {
            Picture::Plane => Phrase::new(
                "Each dot is one draw of the uncertain parameters: the alternative's extra \
                 effect (right = better) and extra societal cost (up = dearer) against the \
                 baseline. Dots below the dashed willingness-to-pay line are cost-effective at \
                 the stated value; below zero the alternative saves money.",
                "Elke stip is één trekking van de onzekere parameters: het extra effect van het \
                 alternatief (rechts = beter) en de extra maatschappelijke kosten (omhoog = \
                 duurder) tegenover de basis. Stippen onder de gestippelde lijn van de \
                 betalingsbereidheid zijn bij die waarde kosteneffectief; onder nul bespaart het \
                 alternatief geld.",
            ),
            Picture::Ceac => Phrase::new(
                "Share of draws in which each option has the highest net monetary benefit, for \
                 willingness-to-pay values from 0 up; the thick dots mark the option with the \
                 highest expected net benefit (the acceptability frontier). The dashed line is \
                 the stated willingness to pay.",
                "Aandeel trekkingen waarin elke optie het hoogste netto geldelijk voordeel \
                 heeft, voor een betalingsbereidheid vanaf 0; de dikke stippen tonen de optie \
                 met het hoogste verwachte netto voordeel (de aanvaardbaarheidsgrens). De \
                 gestippelde lijn is de opgegeven betalingsbereidheid.",
            ),
            Picture::Evpi => Phrase::new(
                "What knowing the parameters for sure would be worth per released citizen, for \
                 each willingness to pay: high where the decision is uncertain and much is at \
                 stake.",
                "Wat zekerheid over de parameters waard zou zijn per vrijgelaten burger, bij \
                 elke betalingsbereidheid: hoog waar het besluit onzeker is en er veel op het \
                 spel staat.",
            ),
            Picture::CashFlow => Phrase::new(
                "Mean cumulative net benefit (benefits minus costs, discounted) per released \
                 citizen by year of follow-up, with the band holding 95% of the draws; above \
                 zero the payer has gained. Benefit payments (a transfer) are counted for the \
                 municipality's budget but not for society.",
                "Gemiddeld cumulatief netto voordeel (baten min kosten, verdisconteerd) per \
                 vrijgelaten burger per jaar van de follow-up, met de band waarin 95% van de \
                 trekkingen valt; boven nul heeft de betaler gewonnen. Uitkeringen (een \
                 overdracht) tellen mee voor het gemeentebudget, niet voor de samenleving.",
            ),
        }
    }

    fn draw<DB: DrawingBackend>(
        self,
        root: &DrawingArea<DB, Shift>,
        psa: &PsaReport,
        lang: Lang,
    ) -> DrawResult {
        let body = titled(root, lang.pick(&self.title()))?;
        match self {
            Picture::Plane => draw_plane(&body, psa, lang),
            Picture::Ceac => draw_ceac(&body, psa, lang),
            Picture::Evpi => draw_evpi(&body, psa, lang),
            Picture::CashFlow => draw_cash_flow(&body, psa, lang),
        }
    }
}

const PSA_TORNADO_TITLE: Phrase = Phrase::new(
    "Which parameters move the societal cost difference",
    "Welke parameters het verschil in maatschappelijke kosten bewegen",
);
const PSA_TORNADO_CAPTION: Phrase = Phrase::new(
    "From the PSA draws (linear metamodel, no extra runs): the societal cost difference with one \
     parameter at the 2.5% (light blue) or 97.5% (light red) point of its draws and the others \
     at their mean; the line is the mean over draws. psa_tornado.csv has the same for 2-year \
     reconviction and every payer, with each metamodel's R².",
    "Uit de PSA-trekkingen (lineair metamodel, geen extra runs): het verschil in \
     maatschappelijke kosten met één parameter op het 2,5%-punt (lichtblauw) of 97,5%-punt \
     (lichtrood) van zijn trekkingen en de andere op hun gemiddelde; de lijn is het gemiddelde \
     over de trekkingen. psa_tornado.csv geeft hetzelfde voor recidive binnen 2 jaar en elke \
     betaler, met de R² van elk metamodel.",
);
const EXTRA_EFFECT: Phrase = Phrase::new("extra effect per citizen:", "extra effect per burger:");
const EXTRA_COST: Phrase =
    Phrase::new("extra societal cost per citizen", "extra maatschappelijke kosten per burger");
const DASHED_PER_UNIT: Phrase = Phrase::new("dashed: {} per unit", "gestippeld: {} per eenheid");
const WTP_PER: Phrase = Phrase::new("willingness to pay per", "betalingsbereidheid per");
const CHANCE_BEST: Phrase =
    Phrase::new("chance of being the best option", "kans de beste optie te zijn");
const EVPI_AXIS: Phrase = Phrase::new("EVPI per released citizen", "EVPI per vrijgelaten burger");
const YEAR: Phrase = Phrase::new("year", "jaar");

/// The effect units of [`crate::psa`] in both languages (the page's words).
const EFFECT_UNITS: [Phrase; 3] =
    [w::EFFECT_RECONVICTIONS, w::EFFECT_DETENTION, w::EFFECT_RECOVERY];

/// The PSA pictures' phrases (for the translation tests).
pub fn picture_phrases() -> Vec<Phrase> {
    let pictures = [Picture::Plane, Picture::Ceac, Picture::Evpi, Picture::CashFlow];
    let mut out: Vec<Phrase> = pictures.iter().flat_map(|p| [p.title(), p.caption()]).collect();
    out.extend([
        PSA_TORNADO_TITLE,
        PSA_TORNADO_CAPTION,
        EXTRA_EFFECT,
        EXTRA_COST,
        DASHED_PER_UNIT,
        WTP_PER,
        CHANCE_BEST,
        EVPI_AXIS,
        YEAR,
    ]);
    out.extend(EFFECT_UNITS);
    out
}

/// The PSA pictures of a folder (none without a PSA), labelled in `lang`.
pub fn plots(f: &Folder, lang: Lang) -> Result<Vec<Plot>, String> {
    let Some(psa) = &f.psa else { return Ok(Vec::new()) };
    let mut out = pictures(psa, lang)?;
    if let Some((outcome, _)) =
        psa.tornado_r_squared.iter().find(|(o, _)| o.starts_with("cost_societal"))
    {
        let bars: Vec<&crate::output::rows::TornadoBar> =
            psa.tornado.iter().filter(|b| &b.outcome == outcome).take(12).collect();
        let what = lang.pick(&crate::output::sensitivity_plot::SOCIETAL_COST_DIFFERENCE);
        let (svg, png) = crate::output::sensitivity_plot::tornado(what, &bars, lang)?;
        out.push(Plot {
            stem: "psa_tornado".into(),
            title: lang.pick(&PSA_TORNADO_TITLE).into(),
            caption: lang.pick(&PSA_TORNADO_CAPTION).into(),
            svg,
            png,
        });
    }
    Ok(out)
}

struct PsaPicture<'a> {
    picture: Picture,
    psa: &'a PsaReport,
    lang: Lang,
}

impl Drawing for PsaPicture<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        self.picture.draw(root, self.psa, self.lang)
    }
}

fn pictures(psa: &PsaReport, lang: Lang) -> Result<Vec<Plot>, String> {
    [Picture::Plane, Picture::Ceac, Picture::Evpi, Picture::CashFlow]
        .iter()
        .map(|&picture| {
            let (svg, png) = render(SIZE, &PsaPicture { picture, psa, lang })?;
            Ok(Plot {
                stem: picture.stem().into(),
                title: lang.pick(&picture.title()).into(),
                caption: lang.pick(&picture.caption()).into(),
                svg,
                png,
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

fn draw_plane<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    psa: &PsaReport,
    lang: Lang,
) -> DrawResult {
    let d = &psa.decision;
    let mut entries: Vec<Entry> = psa
        .scenarios
        .iter()
        .enumerate()
        .skip(1)
        .map(|(a, alt)| (format!("{alt} − {}", psa.baseline), scenario_colour(a)))
        .collect();
    entries.push((lang.pick(&DASHED_PER_UNIT).replace("{}", &euro_tick(lang, d.wtp)), NO_SWATCH));
    let plot = legend_below(area, &entries)?;
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
        .x_desc(format!("{} {}", lang.pick(&EXTRA_EFFECT), effect_unit(lang, &d.effect_unit)))
        .y_desc(lang.pick(&EXTRA_COST))
        .house_grid(17, 14)
        .y_label_formatter(&|y| euro_tick(lang, *y))
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
    for (a, alt) in psa.scenarios.iter().enumerate().skip(1) {
        let colour = scenario_colour(a);
        let dots = d.plane.iter().filter(|p| &p.alternative == alt);
        chart
            .draw_series(dots.map(|p| {
                Circle::new((p.incremental_effect, p.incremental_cost), 3, colour.mix(0.6).filled())
            }))
            .map_err(err)?;
    }
    Ok(())
}

fn draw_ceac<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    psa: &PsaReport,
    lang: Lang,
) -> DrawResult {
    let entries: Vec<Entry> =
        psa.scenarios.iter().enumerate().map(|(a, n)| (n.clone(), scenario_colour(a))).collect();
    let plot = legend_below(area, &entries)?;
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
        .x_desc(format!("{} {}", lang.pick(&WTP_PER), effect_unit(lang, &d.effect_unit)))
        .y_desc(lang.pick(&CHANCE_BEST))
        .house_grid(17, 14)
        .x_label_formatter(&|x| euro_tick(lang, *x))
        .y_label_formatter(&|y| format!("{:.0}%", 100.0 * y))
        .draw()
        .map_err(err)?;
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
    }
    let dash: Vec<(f64, f64)> = (0..=20).map(|i| (d.wtp, i as f64 / 20.0)).collect();
    chart
        .draw_series(
            dash.windows(2).step_by(2).map(|w| PathElement::new(w.to_vec(), BLACK.stroke_width(2))),
        )
        .map_err(err)?;
    Ok(())
}

fn draw_evpi<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    psa: &PsaReport,
    lang: Lang,
) -> DrawResult {
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
        .x_desc(format!("{} {}", lang.pick(&WTP_PER), effect_unit(lang, &d.effect_unit)))
        .y_desc(lang.pick(&EVPI_AXIS))
        .house_grid(17, 14)
        .x_label_formatter(&|x| euro_tick(lang, *x))
        .y_label_formatter(&|y| euro_tick(lang, *y))
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
    lang: Lang,
) -> DrawResult {
    let entries: Vec<Entry> = psa
        .scenarios
        .iter()
        .enumerate()
        .skip(1)
        .map(|(a, n)| (format!("{n} − {}", psa.baseline), scenario_colour(a)))
        .collect();
    let plot = legend_below(area, &entries)?;
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
        // The last panel of its column (the bottom row is short) carries the x axis.
        let bottom = k + 3 >= CASH_PANELS.len();
        let years = rows(p).map(|(_, r)| r.cumulative.len()).max().unwrap_or(1).max(1);
        let mut chart = ChartBuilder::on(panel)
            .margin(8)
            .caption(perspective_words(lang, p), text_style(16, BLACK))
            .x_label_area_size(if bottom { 40 } else { 25 })
            .y_label_area_size(80)
            .build_cartesian_2d(0.0..years as f64, ylo..yhi)
            .map_err(err)?;
        let euros = |y: &f64| euro_tick(lang, *y);
        let mut mesh = chart.configure_mesh();
        mesh.house_grid(14, 12).x_labels(years + 1).y_labels(5).y_label_formatter(&euros);
        mesh.x_label_formatter(&|x| format!("{x:.0}"));
        if bottom {
            mesh.x_desc(lang.pick(&YEAR));
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
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_psa_picture_phrase_has_its_dutch_text() {
        let same = ["EVPI per released citizen"];
        let missing = crate::output::lang::missing_translations(&picture_phrases(), &same);
        assert_eq!(missing, Vec::<&str>::new());
        assert_eq!(effect_unit(Lang::Nl, "reconviction avoided"), "voorkomen herveroordeling");
    }
}
