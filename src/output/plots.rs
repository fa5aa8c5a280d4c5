//! Pictures for policy readers, drawn from an output folder ([`crate::output::folder::Folder`]) as PNG
//! and SVG: reconviction curves with their 95% bands, costs per payer per year, who pays and
//! who gains, the four recovery dimensions, waiting lists and waits per service, and where the
//! cohort is over time.
//!
//! Rendering needs no system library: plotters' bitmap and SVG backends with the DejaVu Sans
//! font embedded in the binary (registered once). Colours are the Okabe–Ito palette, which
//! stays distinguishable with the common forms of colour blindness; a scenario has the same
//! colour in every picture (its position in `summary.json`). The same folder always gives
//! byte-identical files.

use crate::output::folder::{Folder, PAYER_NAMES, ScenarioInfo};
use crate::output::format::thousands;
use plotters::chart::MeshStyle;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::sync::Once;

/// Okabe–Ito colours for scenarios, in `summary.json` order (baseline first).
const SCENARIO_COLOURS: [RGBColor; 5] = [
    RGBColor(0x00, 0x72, 0xB2),
    RGBColor(0xD5, 0x5E, 0x00),
    RGBColor(0x00, 0x9E, 0x73),
    RGBColor(0xCC, 0x79, 0xA7),
    RGBColor(0xE6, 0x9F, 0x00),
];

pub fn scenario_colour(i: usize) -> RGBColor {
    SCENARIO_COLOURS[i % SCENARIO_COLOURS.len()]
}

/// `#rrggbb`, for the HTML report's legends.
pub fn hex(c: RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

pub(crate) const FONT: &str = "sans-serif";
const GREY: RGBColor = RGBColor(0x55, 0x55, 0x55);
/// One picture's size in pixels: wide enough for a laptop screen, legible when printed.
pub(crate) const SIZE: (u32, u32) = (1000, 560);

static REGISTER_FONT: Once = Once::new();

/// Makes the embedded DejaVu Sans the "sans-serif" of every plot (no system fonts needed).
pub fn register_font() {
    REGISTER_FONT.call_once(|| {
        // DejaVu is a valid font shipped inside the binary: registering it cannot fail.
        let _ = plotters::style::register_font(FONT, FontStyle::Normal, dejavu::sans::regular());
        let _ = plotters::style::register_font(FONT, FontStyle::Bold, dejavu::sans::bold());
    });
}

/// One picture in both formats.
pub struct Plot {
    /// File name without extension, e.g. `reconviction`.
    pub stem: &'static str,
    pub title: String,
    /// One or two sentences for the report: how to read the picture.
    pub caption: String,
    pub svg: String,
    pub png: Vec<u8>,
}

/// The pictures a folder gets, in report order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Reconviction,
    CostsPerYear,
    WhoPays,
    Places,
    Recovery,
    Queues,
    QueueWaits,
    Waits,
}

pub const KINDS: [Kind; 8] = [
    Kind::Reconviction,
    Kind::CostsPerYear,
    Kind::WhoPays,
    Kind::Places,
    Kind::Recovery,
    Kind::Queues,
    Kind::QueueWaits,
    Kind::Waits,
];

pub(crate) type DrawResult = Result<(), String>;

pub(crate) fn err<E: std::fmt::Display>(e: E) -> String {
    format!("cannot draw plot: {e}")
}

impl Kind {
    pub fn stem(self) -> &'static str {
        match self {
            Kind::Reconviction => "reconviction",
            Kind::CostsPerYear => "costs_per_year",
            Kind::WhoPays => "who_pays_who_gains",
            Kind::Places => "places",
            Kind::Recovery => "recovery",
            Kind::Queues => "queues",
            Kind::QueueWaits => "queue_waits",
            Kind::Waits => "waits",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Kind::Reconviction => "Reconviction after release (95% bands)",
            Kind::CostsPerYear => "Cost per released citizen per year, by payer",
            Kind::WhoPays => "Who pays, who gains: cost difference per payer",
            Kind::Places => "Where the cohort is: share in each place over time",
            Kind::Recovery => "The four recovery dimensions over time",
            Kind::Queues => "Waiting lists per service over time",
            Kind::QueueWaits => "Time waited so far by those on each waiting list",
            Kind::Waits => "Mean wait per service after release (95% intervals)",
        }
    }

    pub fn caption(self) -> &'static str {
        match self {
            Kind::Reconviction => {
                "Share of released citizens with a new conviction, by time since their first \
                 release (Kaplan–Meier, mean over replications); the shaded band is the 95% \
                 interval over replications (a thin band means a precise estimate). Lower is \
                 better."
            }
            Kind::CostsPerYear => {
                "Mean cost per released citizen in each year of the simulation, discounted, \
                 stacked by who pays. Benefits are a transfer: the municipality pays them, but \
                 society as a whole does not lose them."
            }
            Kind::WhoPays => {
                "Paired difference (alternative minus baseline) in discounted cost per released \
                 citizen, with 95% intervals. Below zero: that payer saves; above zero: it pays \
                 more. The society total leaves out benefits (transfers)."
            }
            Kind::Places => {
                "Share of the whole cohort in detention, homeless, in a night shelter, in \
                 supported housing or in their own home, at the end of each month (mean over \
                 replications). Everyone starts in detention."
            }
            Kind::Recovery => {
                "Mean score of the cohort on each recovery dimension (0 = none, 1 = full) at the \
                 end of each month: self, person–network, person–society and person–victim. Where \
                 scenarios do not differ their lines lie on top of each other."
            }
            Kind::Queues => {
                "Mean number of people on each waiting list at the end of each month; only \
                 services that had a waiting list are shown."
            }
            Kind::QueueWaits => {
                "Mean number of days the people on each waiting list at the end of a month had \
                 been waiting so far (counted from referral, which may be inside prison); only \
                 services that had a waiting list are shown."
            }
            Kind::Waits => {
                "Mean days from release (or referral, if later) to the start of each service, \
                 for those who started it, with 95% intervals over replications. Those who never \
                 got in are not in these means: see never_started_* and the Kaplan–Meier time \
                 to start in waiting_times.csv."
            }
        }
    }

    /// Whether this folder has what the picture shows (who pays needs a comparison).
    pub fn applies_to(self, f: &Folder) -> bool {
        match self {
            Kind::WhoPays => !f.comparisons.is_empty(),
            _ => true,
        }
    }

    fn draw<DB: DrawingBackend>(self, root: &DrawingArea<DB, Shift>, f: &Folder) -> DrawResult {
        root.fill(&WHITE).map_err(err)?;
        let body = root.titled(self.title(), (FONT, 26).into_font().style(FontStyle::Bold));
        let body = body.map_err(err)?;
        match self {
            Kind::Reconviction => draw_reconviction(&body, f),
            Kind::CostsPerYear => draw_costs(&body, f),
            Kind::WhoPays => draw_who_pays(&body, f),
            Kind::Places => draw_places(&body, f),
            Kind::Recovery => draw_recovery(&body, f),
            Kind::Queues => draw_queues(&body, f, QueueMeasure::Length),
            Kind::QueueWaits => draw_queues(&body, f, QueueMeasure::DaysWaited),
            Kind::Waits => draw_waits(&body, f),
        }
    }
}

/// Draws every picture that applies to the folder, in both formats.
pub fn render_all(f: &Folder) -> Result<Vec<Plot>, String> {
    register_font();
    KINDS
        .iter()
        .filter(|k| k.applies_to(f))
        .map(|&kind| {
            Ok(Plot {
                stem: kind.stem(),
                title: kind.title().to_string(),
                caption: kind.caption().to_string(),
                svg: render_svg(kind, f)?,
                png: render_png(kind, f)?,
            })
        })
        .collect()
}

fn render_svg(kind: Kind, f: &Folder) -> Result<String, String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        kind.draw(&root, f)?;
        root.present().map_err(err)?;
    }
    Ok(svg)
}

fn render_png(kind: Kind, f: &Folder) -> Result<Vec<u8>, String> {
    png_of(SIZE, |root| kind.draw(root, f))
}

/// Draws into an RGB pixel buffer and encodes it as PNG in memory (no file, no system library).
pub fn png_of(
    (w, h): (u32, u32),
    draw: impl FnOnce(&DrawingArea<BitMapBackend, Shift>) -> DrawResult,
) -> Result<Vec<u8>, String> {
    let mut pixels = vec![0u8; (w as usize) * (h as usize) * 3];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (w, h)).into_drawing_area();
        draw(&root)?;
        root.present().map_err(err)?;
    }
    let mut png = Vec::new();
    use image::ImageEncoder;
    image::codecs::png::PngEncoder::new(&mut png)
        .write_image(&pixels, w, h, image::ColorType::Rgb8)
        .map_err(|e| format!("cannot encode PNG: {e}"))?;
    Ok(png)
}

// ----- shared pieces -----

/// The grid every chart shares: black axis titles and labels at the given sizes, no minor
/// lines, faint major lines.
pub(crate) trait HouseGrid {
    fn house_grid(&mut self, title_size: u32, label_size: u32) -> &mut Self;
}

impl<X: Ranged, Y: Ranged, DB: DrawingBackend> HouseGrid for MeshStyle<'_, '_, X, Y, DB> {
    fn house_grid(&mut self, title_size: u32, label_size: u32) -> &mut Self {
        self.axis_desc_style(text_style(title_size, BLACK))
            .label_style(text_style(label_size, BLACK))
            .light_line_style(WHITE)
            .bold_line_style(BLACK.mix(0.12))
    }
}

pub(crate) fn text_style(size: u32, colour: RGBColor) -> TextStyle<'static> {
    TextStyle {
        font: (FONT, size).into_font(),
        color: colour.to_backend_color(),
        pos: plotters::style::text_anchor::Pos::default(),
    }
}

/// A row of coloured squares with names under a picture: one per scenario.
fn scenario_legend<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, f: &Folder) -> DrawResult {
    let entries: Vec<(String, RGBColor)> = f
        .scenarios
        .iter()
        .enumerate()
        .map(|(i, s)| (scenario_words(f, i, s), scenario_colour(i)))
        .collect();
    legend_row(area, &entries)
}

fn scenario_words(f: &Folder, i: usize, s: &ScenarioInfo) -> String {
    if f.is_comparison() && i == 0 { format!("{} (baseline)", s.name) } else { s.name.clone() }
}

pub(crate) fn legend_row<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[(String, RGBColor)],
) -> DrawResult {
    let (w, h) = area.dim_in_pixel();
    let style = text_style(16, BLACK);
    let widths: Vec<i32> = entries
        .iter()
        .map(|(name, _)| {
            let (tw, _) = area.estimate_text_size(name, &style).unwrap_or((100, 16));
            tw as i32 + 40
        })
        .collect();
    let total: i32 = widths.iter().sum();
    let mut x = ((w as i32 - total) / 2).max(5);
    let y = h as i32 / 2;
    for ((name, colour), width) in entries.iter().zip(widths) {
        area.draw(&Rectangle::new([(x, y - 7), (x + 18, y + 7)], colour.filled())).map_err(err)?;
        area.draw(&Text::new(
            name.clone(),
            (x + 24, y),
            style.pos(plotters::style::text_anchor::Pos::new(
                plotters::style::text_anchor::HPos::Left,
                plotters::style::text_anchor::VPos::Center,
            )),
        ))
        .map_err(err)?;
        x += width;
    }
    Ok(())
}

/// Tick labels without a pointless ".0".
fn whole(x: &f64) -> String {
    format!("{x:.0}")
}

pub(crate) fn euro_label(x: &f64) -> String {
    if *x < 0.0 { format!("-€{}", thousands(-x)) } else { format!("€{}", thousands(*x)) }
}

/// Labels integer positions of a category axis (ticks fall on halves too; those stay blank).
fn category_label(names: &[String], x: f64) -> String {
    let k = x.round();
    if (x - k).abs() > 1e-6 || k < 0.0 {
        return String::new();
    }
    names.get(k as usize).cloned().unwrap_or_default()
}

/// The largest finite value, or `fallback` if there is none.
pub(crate) fn finite_max(xs: impl Iterator<Item = f64>, fallback: f64) -> f64 {
    xs.filter(|x| x.is_finite()).fold(f64::NAN, f64::max).max(fallback)
}

/// A round upper limit a bit above `x`, so the top tick is labelled.
pub(crate) fn nice_ceiling(x: f64) -> f64 {
    if x <= 0.0 || !x.is_finite() {
        return 1.0;
    }
    let step = 10f64.powf(x.log10().floor());
    let m = x / step;
    let nice = [1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0]
        .into_iter()
        .find(|n| *n >= m * 1.05)
        .unwrap_or(10.0);
    nice * step
}

fn months_span(f: &Folder) -> f64 {
    f.scenarios.iter().flat_map(|s| s.monthly.last().map(|m| m.month as f64)).fold(1.0, f64::max)
}

// ----- the pictures -----

fn draw_reconviction<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, f: &Folder) -> DrawResult {
    let (plot, legend) = area.split_vertically(area.dim_in_pixel().1 as i32 - 40);
    let years = f.scenarios.iter().map(|s| s.horizon_days).max().unwrap_or(365) as f64 / 365.25;
    let top = f.scenarios.iter().flat_map(|s| s.reconviction.hi.iter().copied());
    let ymax = nice_ceiling(100.0 * finite_max(top, 0.05));
    let mut chart = ChartBuilder::on(&plot)
        .margin(15)
        .x_label_area_size(55)
        .y_label_area_size(75)
        .build_cartesian_2d(0f64..years, 0f64..ymax)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc("years since first release")
        .x_label_formatter(&|x| {
            if (x - x.round()).abs() < 1e-6 { whole(x) } else { format!("{x:.1}") }
        })
        .y_desc("reconvicted (% of released citizens)")
        .house_grid(18, 15)
        .y_label_formatter(&|y| format!("{y:.0}%"))
        .draw()
        .map_err(err)?;
    for (i, s) in f.scenarios.iter().enumerate() {
        let colour = scenario_colour(i);
        let c = &s.reconviction;
        // Weekly points: the curves are smooth at this scale and the SVG stays small.
        let idx: Vec<usize> = (0..c.day.len())
            .filter(|&k| k % 7 == 0 || k + 1 == c.day.len())
            .filter(|&k| c.mean[k].is_finite())
            .collect();
        let x = |k: usize| c.day[k] as f64 / 365.25;
        let mut band: Vec<(f64, f64)> = idx
            .iter()
            .filter(|&&k| c.hi[k].is_finite())
            .map(|&k| (x(k), 100.0 * c.hi[k]))
            .collect();
        band.extend(
            idx.iter().rev().filter(|&&k| c.lo[k].is_finite()).map(|&k| (x(k), 100.0 * c.lo[k])),
        );
        chart.draw_series(std::iter::once(Polygon::new(band, colour.mix(0.2)))).map_err(err)?;
        let line = idx.iter().map(|&k| (x(k), 100.0 * c.mean[k]));
        chart.draw_series(LineSeries::new(line, colour.stroke_width(3))).map_err(err)?;
    }
    scenario_legend(&legend, f)
}

/// Payer segments of the stacked bars, bottom up, with Okabe–Ito colours of their own.
fn payer_segments() -> [(&'static str, RGBColor); 5] {
    [
        ("justice", RGBColor(0x56, 0xB4, 0xE9)),
        ("municipality: services", RGBColor(0xE6, 0x9F, 0x00)),
        ("municipality: benefits (transfer)", RGBColor(0xF0, 0xE4, 0x42)),
        ("health insurance & care", RGBColor(0x00, 0x9E, 0x73)),
        ("victims & society", RGBColor(0xCC, 0x79, 0xA7)),
    ]
}

/// A scenario's yearly cost per payer segment (see [`payer_segments`]).
fn segment_values(s: &ScenarioInfo, year: usize) -> [f64; 5] {
    let at = |p: usize| s.costs.get(p).and_then(|v| v.get(year)).copied().unwrap_or(0.0);
    let transfers = s.transfers.get(year).copied().unwrap_or(0.0);
    [at(0), at(1) - transfers, transfers, at(2), at(3)]
}

fn draw_costs<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, f: &Folder) -> DrawResult {
    let (plot, legend) = area.split_vertically(area.dim_in_pixel().1 as i32 - 40);
    let years = f.scenarios.iter().map(|s| s.costs[0].len()).max().unwrap_or(1).max(1);
    let totals = f
        .scenarios
        .iter()
        .flat_map(|s| (0..years).map(move |y| segment_values(s, y).iter().sum::<f64>()));
    let ymax = nice_ceiling(finite_max(totals, 1.0));
    let panels = plot.split_evenly((1, f.scenarios.len().max(1)));
    for (i, (s, panel)) in f.scenarios.iter().zip(&panels).enumerate() {
        let caption = scenario_words(f, i, s);
        let mut chart = ChartBuilder::on(panel)
            .margin(12)
            .caption(caption, text_style(19, scenario_colour(i)))
            .x_label_area_size(50)
            .y_label_area_size(if i == 0 { 85 } else { 60 })
            .build_cartesian_2d(0.5f64..years as f64 + 0.5, 0f64..ymax)
            .map_err(err)?;
        let mut mesh = chart.configure_mesh();
        mesh.x_desc("year of the simulation")
            .house_grid(17, 14)
            .disable_x_mesh()
            .x_labels(2 * years + 1)
            .x_label_formatter(&|x| {
                let k = x.round();
                if (x - k).abs() < 1e-6 { format!("{k:.0}") } else { String::new() }
            })
            .y_label_formatter(&euro_label);
        if i == 0 {
            mesh.y_desc("€ per released citizen (discounted)");
        }
        mesh.draw().map_err(err)?;
        for year in 0..years {
            let x = year as f64 + 1.0;
            let mut base = 0.0;
            for (v, (_, colour)) in segment_values(s, year).iter().zip(payer_segments()) {
                let v = v.max(0.0);
                let bar = Rectangle::new([(x - 0.35, base), (x + 0.35, base + v)], colour.filled());
                chart.draw_series(std::iter::once(bar)).map_err(err)?;
                base += v;
            }
        }
    }
    let entries: Vec<(String, RGBColor)> =
        payer_segments().iter().map(|(n, c)| (n.to_string(), *c)).collect();
    legend_row(&legend, &entries)
}

fn draw_who_pays<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, f: &Folder) -> DrawResult {
    let (plot, legend) = area.split_vertically(area.dim_in_pixel().1 as i32 - 40);
    let mut names: Vec<String> = PAYER_NAMES
        .iter()
        .map(|p| payer_words(p).replace("municipality", "municipality (incl. benefits)"))
        .collect();
    names.push("society (total)".into());
    let rows: Vec<Vec<[f64; 3]>> = f
        .comparisons
        .iter()
        .map(|c| {
            let mut r: Vec<[f64; 3]> = PAYER_NAMES
                .iter()
                .map(|p| {
                    c.who_pays_who_gains
                        .iter()
                        .find(|s| s.payer == *p)
                        .map(|s| estimate_triple(&s.difference))
                        .unwrap_or([f64::NAN; 3])
                })
                .collect();
            r.push(estimate_triple(&c.societal_cost_difference));
            r
        })
        .collect();
    let all = || rows.iter().flatten().flat_map(|t| t.iter().copied());
    let hi = nice_ceiling(finite_max(all(), 0.0).max(1.0));
    let lo = -nice_ceiling(finite_max(all().map(|x| -x), 0.0).max(1.0));
    let n = names.len();
    let mut chart = ChartBuilder::on(&plot)
        .margin(15)
        .x_label_area_size(45)
        .y_label_area_size(95)
        .build_cartesian_2d(-0.5f64..n as f64 - 0.5, lo..hi)
        .map_err(err)?;
    chart
        .configure_mesh()
        .y_desc("alternative − baseline, € per released citizen")
        .house_grid(17, 15)
        .disable_x_mesh()
        .x_labels(2 * n + 1)
        .x_label_formatter(&|x| category_label(&names, *x))
        .y_label_formatter(&euro_label)
        .draw()
        .map_err(err)?;
    chart
        .draw_series(LineSeries::new([(-0.5, 0.0), (n as f64 - 0.5, 0.0)], BLACK.stroke_width(2)))
        .map_err(err)?;
    let k = rows.len().max(1) as f64;
    let width = 0.7 / k;
    for (a, row) in rows.iter().enumerate() {
        // Alternatives keep their scenario colour (the baseline is scenario 0).
        let colour = scenario_colour(a + 1);
        for (j, [mean, lo, hi]) in row.iter().enumerate() {
            if !mean.is_finite() {
                continue;
            }
            let x = j as f64 - 0.35 + width * (a as f64 + 0.5);
            let filled = Rectangle::new(
                [(x - width * 0.4, 0.0), (x + width * 0.4, *mean)],
                colour.mix(0.75).filled(),
            );
            chart.draw_series(std::iter::once(filled)).map_err(err)?;
            if lo.is_finite() && hi.is_finite() {
                let (w, ends) = (width * 0.15, [*lo, *hi]);
                let mut lines = vec![vec![(x, *lo), (x, *hi)]];
                lines.extend(ends.iter().map(|y| vec![(x - w, *y), (x + w, *y)]));
                chart
                    .draw_series(
                        lines.into_iter().map(|l| PathElement::new(l, BLACK.stroke_width(2))),
                    )
                    .map_err(err)?;
            }
        }
    }
    let mut entries: Vec<(String, RGBColor)> = f
        .comparisons
        .iter()
        .enumerate()
        .map(|(a, c)| (format!("{} vs {}", c.alternative, c.baseline), scenario_colour(a + 1)))
        .collect();
    entries.push(("below 0 = saves, above 0 = pays more".into(), WHITE));
    legend_row(&legend, &entries)
}

fn estimate_triple(e: &crate::output::folder::JsonEstimate) -> [f64; 3] {
    let v = |x: Option<f64>| x.unwrap_or(f64::NAN);
    [v(e.mean), v(e.lo), v(e.hi)]
}

pub fn payer_words(p: &str) -> &'static str {
    match p {
        "justice" => "justice",
        "municipality" => "municipality",
        "health" => "health insurance & care",
        "victims_society" => "victims & society",
        _ => "other",
    }
}

/// Places of the cohort, bottom up, with their colours.
fn place_layers() -> [(&'static str, RGBColor); 5] {
    [
        ("in detention", RGBColor(0x33, 0x33, 0x33)),
        ("homeless", RGBColor(0xD5, 0x5E, 0x00)),
        ("night shelter", RGBColor(0xE6, 0x9F, 0x00)),
        ("supported housing", RGBColor(0x56, 0xB4, 0xE9)),
        ("own home", RGBColor(0x00, 0x9E, 0x73)),
    ]
}

fn draw_places<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, f: &Folder) -> DrawResult {
    let (plot, legend) = area.split_vertically(area.dim_in_pixel().1 as i32 - 40);
    let months = months_span(f);
    let panels = plot.split_evenly((1, f.scenarios.len().max(1)));
    for (i, (s, panel)) in f.scenarios.iter().zip(&panels).enumerate() {
        let mut chart = ChartBuilder::on(panel)
            .margin(12)
            .caption(scenario_words(f, i, s), text_style(19, scenario_colour(i)))
            .x_label_area_size(50)
            .y_label_area_size(if i == 0 { 75 } else { 50 })
            .build_cartesian_2d(0f64..months + 1.0, 0f64..100.0)
            .map_err(err)?;
        let mut mesh = chart.configure_mesh();
        mesh.x_desc("months since the start")
            .x_label_formatter(&whole)
            .house_grid(17, 14)
            .y_label_formatter(&|y| format!("{y:.0}%"));
        if i == 0 {
            mesh.y_desc("% of the cohort");
        }
        mesh.draw().map_err(err)?;
        let n = s.citizens.max(1) as f64;
        let layers = |m: &crate::output::folder::MonthMeans| {
            [m.in_detention, m.homeless, m.shelter, m.supported_housing, m.own_home]
        };
        // One stacked bar per month: the data are month-end states, and bars need no polygon
        // filling (which leaves gaps at the plot edge in the bitmap backend).
        for m in &s.monthly {
            let x = m.month as f64;
            let mut base = 0.0;
            for (v, (_, colour)) in layers(m).iter().zip(place_layers()) {
                let top = base + 100.0 * v / n;
                let bar = Rectangle::new([(x, base), (x + 1.0, top)], colour.filled());
                chart.draw_series(std::iter::once(bar)).map_err(err)?;
                base = top;
            }
        }
    }
    let entries: Vec<(String, RGBColor)> =
        place_layers().iter().map(|(n, c)| (n.to_string(), *c)).collect();
    legend_row(&legend, &entries)
}

const RECOVERY_NAMES: [&str; 4] =
    ["self (personal)", "person–network", "person–society", "person–victim"];

fn draw_recovery<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, f: &Folder) -> DrawResult {
    let (plot, legend) = area.split_vertically(area.dim_in_pixel().1 as i32 - 40);
    let months = months_span(f);
    let panels = plot.split_evenly((2, 2));
    for (d, panel) in panels.iter().enumerate() {
        let mut chart = ChartBuilder::on(panel)
            .margin(8)
            .caption(RECOVERY_NAMES[d], text_style(17, BLACK))
            .x_label_area_size(if d >= 2 { 42 } else { 22 })
            .y_label_area_size(if d % 2 == 0 { 60 } else { 40 })
            .build_cartesian_2d(0f64..months, 0f64..1.0)
            .map_err(err)?;
        let mut mesh = chart.configure_mesh();
        mesh.house_grid(15, 13).x_labels(8).x_label_formatter(&whole).y_labels(3);
        if d >= 2 {
            mesh.x_desc("months since the start");
        }
        if d % 2 == 0 {
            mesh.y_desc("score (0–1)");
        }
        mesh.draw().map_err(err)?;
        for (i, s) in f.scenarios.iter().enumerate() {
            let line = s.monthly.iter().map(|m| (m.month as f64, m.recovery[d]));
            chart
                .draw_series(LineSeries::new(line, scenario_colour(i).stroke_width(3)))
                .map_err(err)?;
        }
    }
    scenario_legend(&legend, f)
}

/// Services that had anyone waiting, in scenario order (the baseline's list first).
fn services_with_queues(f: &Folder) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for s in &f.scenarios {
        for q in &s.queues {
            let busy = q.waiting.iter().any(|w| *w >= 0.5);
            if busy && !out.iter().any(|(name, _)| *name == q.service) {
                out.push((q.service.clone(), q.label.clone()));
            }
        }
    }
    out
}

/// What the waiting-list panels show.
#[derive(Clone, Copy)]
enum QueueMeasure {
    Length,
    DaysWaited,
}

impl QueueMeasure {
    fn values(self, q: &crate::output::folder::QueueSeries) -> &[f64] {
        match self {
            QueueMeasure::Length => &q.waiting,
            QueueMeasure::DaysWaited => &q.waited_days,
        }
    }

    fn axis(self) -> &'static str {
        match self {
            QueueMeasure::Length => "people waiting",
            QueueMeasure::DaysWaited => "days waited so far",
        }
    }
}

fn draw_queues<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    f: &Folder,
    measure: QueueMeasure,
) -> DrawResult {
    let (plot, legend) = area.split_vertically(area.dim_in_pixel().1 as i32 - 40);
    let services = services_with_queues(f);
    if services.is_empty() {
        plot.draw(&Text::new(
            "No waiting lists formed in these scenarios.",
            (60, 200),
            text_style(22, GREY),
        ))
        .map_err(err)?;
        return scenario_legend(&legend, f);
    }
    let months = months_span(f);
    let cols = services.len().min(3);
    let rows = services.len().div_ceil(cols);
    // One axis title for the whole grid: per panel it would not fit.
    let (axis_strip, grid) = plot.split_horizontally(28);
    let (_, strip_h) = axis_strip.dim_in_pixel();
    let rotated = TextStyle {
        font: (FONT, 16).into_font().transform(FontTransform::Rotate270),
        color: BLACK.to_backend_color(),
        pos: plotters::style::text_anchor::Pos::new(
            plotters::style::text_anchor::HPos::Center,
            plotters::style::text_anchor::VPos::Center,
        ),
    };
    axis_strip.draw(&Text::new(measure.axis(), (12, strip_h as i32 / 2), rotated)).map_err(err)?;
    let panels = grid.split_evenly((rows, cols));
    for (k, ((service, label), panel)) in services.iter().zip(&panels).enumerate() {
        let series: Vec<(usize, &crate::output::folder::QueueSeries)> = f
            .scenarios
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.queues.iter().find(|q| q.service == *service).map(|q| (i, q)))
            .collect();
        let top = series.iter().flat_map(|(_, q)| measure.values(q).iter().copied());
        let ymax = nice_ceiling(finite_max(top, 1.0));
        let bottom_row = k / cols == rows - 1;
        let mut chart = ChartBuilder::on(panel)
            .margin(8)
            .caption(label, text_style(17, BLACK))
            .x_label_area_size(if bottom_row { 42 } else { 22 })
            .y_label_area_size(42)
            .build_cartesian_2d(0f64..months, 0f64..ymax)
            .map_err(err)?;
        let mut mesh = chart.configure_mesh();
        mesh.house_grid(15, 13)
            .y_labels(4)
            .x_labels(4)
            .x_label_formatter(&whole)
            .y_label_formatter(&whole);
        if bottom_row {
            mesh.x_desc("months since the start");
        }
        mesh.draw().map_err(err)?;
        for (i, q) in series {
            let line = q.months.iter().zip(measure.values(q)).map(|(m, w)| (*m as f64, *w));
            chart
                .draw_series(LineSeries::new(line, scenario_colour(i).stroke_width(3)))
                .map_err(err)?;
        }
    }
    scenario_legend(&legend, f)
}

fn draw_waits<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, f: &Folder) -> DrawResult {
    let (plot, legend) = area.split_vertically(area.dim_in_pixel().1 as i32 - 40);
    // Services in the baseline's order, labelled as in the scenario.
    let services: Vec<(String, String)> = f
        .scenarios
        .first()
        .map(|s| s.queues.iter().map(|q| (q.service.clone(), q.label.clone())).collect())
        .unwrap_or_default();
    let waits: Vec<Vec<[f64; 3]>> = f
        .scenarios
        .iter()
        .map(|s| {
            services
                .iter()
                .map(|(name, _)| {
                    s.indicator(&format!("wait_{name}"))
                        .map(|i| {
                            let v = |x: Option<f64>| x.unwrap_or(f64::NAN);
                            [v(i.mean), v(i.lo95), v(i.hi95)]
                        })
                        .unwrap_or([f64::NAN; 3])
                })
                .collect()
        })
        .collect();
    let top = waits.iter().flatten().flat_map(|t| [t[0], t[2]]);
    let xmax = nice_ceiling(finite_max(top, 1.0));
    let labels: Vec<String> = services.iter().map(|(_, l)| l.clone()).collect();
    let n = labels.len().max(1);
    let mut chart = ChartBuilder::on(&plot)
        .margin(15)
        .x_label_area_size(50)
        .y_label_area_size(230)
        .build_cartesian_2d(0f64..xmax, -0.5f64..n as f64 - 0.5)
        .map_err(err)?;
    // Service 0 at the top, as a reader scans a list.
    let flip = |k: usize| (n - 1 - k) as f64;
    chart
        .configure_mesh()
        .x_desc("days waited after release (mean of those who started)")
        .x_label_formatter(&whole)
        .house_grid(17, 15)
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
    let k = f.scenarios.len().max(1) as f64;
    let height = 0.7 / k;
    for (i, row) in waits.iter().enumerate() {
        let colour = scenario_colour(i);
        for (j, [mean, lo, hi]) in row.iter().enumerate() {
            if !mean.is_finite() {
                continue;
            }
            let y = flip(j) + 0.35 - height * (i as f64 + 0.5);
            let bar = Rectangle::new(
                [(0.0, y - height * 0.4), (*mean, y + height * 0.4)],
                colour.filled(),
            );
            chart.draw_series(std::iter::once(bar)).map_err(err)?;
            if lo.is_finite() && hi.is_finite() {
                let (lo, t) = (lo.max(0.0), height * 0.2);
                let lines = [
                    vec![(lo, y), (*hi, y)],
                    vec![(lo, y - t), (lo, y + t)],
                    vec![(*hi, y - t), (*hi, y + t)],
                ];
                chart
                    .draw_series(
                        lines.into_iter().map(|l| PathElement::new(l, BLACK.stroke_width(2))),
                    )
                    .map_err(err)?;
            }
        }
    }
    scenario_legend(&legend, f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_ceilings_are_round_and_above() {
        assert_eq!(nice_ceiling(47.0), 50.0);
        assert_eq!(nice_ceiling(0.0), 1.0);
        assert!(nice_ceiling(9.9) >= 9.9);
        assert_eq!(nice_ceiling(1000.0), 1200.0);
    }

    #[test]
    fn category_labels_only_at_whole_positions() {
        let names = vec!["a".to_string(), "b".to_string()];
        assert_eq!(category_label(&names, 1.0), "b");
        assert_eq!(category_label(&names, 0.5), "");
        assert_eq!(category_label(&names, 2.0), "");
    }
}
