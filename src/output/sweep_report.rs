//! The pictures and `report.html` of a sweep folder: each key indicator against each swept
//! parameter with its 95% interval (one picture per indicator, one panel per parameter; in a
//! grid, one line per level of the other parameters), and a table of the points. Built only
//! from the folder's files (`points.csv`, `summary.csv`, `sweep.toml`, `base-scenario.toml`),
//! so `reentry report DIR` redraws the same bytes, for a sweep run in one process or merged
//! from shards alike.

use std::fmt::Write as _;
use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::output::format::esc;
use crate::output::html::STYLE;
use crate::output::lang::{Lang, Phrase};
use crate::output::outdir::write_atomic;
use crate::output::plots::{
    DrawResult, Drawing, Entry, HouseGrid, NO_SWATCH, Plot, err, euro_tick, legend_below, render,
    titled,
};
use crate::sweep::store::{BASE_FILE, POINTS_FILE, SWEEP_FILE};

/// What a sweep folder holds, as the report needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepData {
    pub name: String,
    pub design: String,
    pub base: String,
    pub replications: String,
    pub population: String,
    pub seed: String,
    /// Dotted paths of the swept parameters.
    pub parameters: Vec<String>,
    /// Per point: the value of each parameter, as `points.csv` writes it.
    pub points: Vec<Vec<String>>,
    pub indicators: Vec<Series>,
}

/// One indicator over the points: mean and 95% interval per point.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub unit: String,
    pub mean: Vec<f64>,
    pub lo: Vec<f64>,
    pub hi: Vec<f64>,
}

/// The summary file `merge` writes.
const SUMMARY_FILE: &str = "summary.csv";

/// Whether `dir` holds a sweep (its manifest's `sweep.toml` and `points.csv`), merged or not.
pub fn is_sweep_folder(dir: &Path) -> bool {
    dir.join(SWEEP_FILE).is_file() && dir.join(POINTS_FILE).is_file()
}

fn read_csv(dir: &Path, name: &str) -> Result<(Vec<String>, Vec<csv::StringRecord>), String> {
    let path = dir.join(name);
    let text = crate::limits::read_text_limited(&path, 4 << 30)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().map_err(|e| format!("{}: {e}", path.display()))?;
    let header: Vec<String> = header.iter().map(str::to_string).collect();
    let rows = reader
        .records()
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok((header, rows))
}

fn toml_table(dir: &Path, name: &str) -> Result<toml::Table, String> {
    let path = dir.join(name);
    let text = crate::limits::read_text_limited(&path, 64 << 20)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    text.parse().map_err(|e| format!("{}: {e}", path.display()))
}

/// `table.a.b` as text (strings without quotes), or `default`.
fn lookup(table: &toml::Table, path: &[&str], default: &str) -> String {
    let mut value: Option<&toml::Value> = None;
    for (i, key) in path.iter().enumerate() {
        value = if i == 0 { table.get(*key) } else { value.and_then(|v| v.get(*key)) };
    }
    match value {
        Some(toml::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => default.to_string(),
    }
}

fn number(text: &str) -> f64 {
    text.parse().unwrap_or(f64::NAN)
}

impl SweepData {
    /// Reads a merged sweep folder; a sweep whose shards are not merged yet is named as such.
    pub fn read(dir: &Path) -> Result<SweepData, String> {
        if !is_sweep_folder(dir) {
            return Err(format!(
                "{} is not a sweep folder ({SWEEP_FILE} and {POINTS_FILE} are missing)",
                dir.display()
            ));
        }
        if !dir.join(SUMMARY_FILE).is_file() {
            return Err(format!(
                "{} holds a sweep that is not merged yet ({SUMMARY_FILE} is missing): when every \
                 shard is done, run `reentry merge {}`",
                dir.display(),
                dir.display()
            ));
        }
        let sweep = toml_table(dir, SWEEP_FILE)?;
        let base = toml_table(dir, BASE_FILE)?;
        let (header, rows) = read_csv(dir, POINTS_FILE)?;
        let parameters: Vec<String> = header.iter().skip(1).cloned().collect();
        let points: Vec<Vec<String>> =
            rows.iter().map(|r| r.iter().skip(1).map(str::to_string).collect()).collect();
        let (header, rows) = read_csv(dir, SUMMARY_FILE)?;
        let col = |name: &str| {
            header
                .iter()
                .position(|h| h == name)
                .ok_or_else(|| format!("{}: no column `{name}`", dir.join(SUMMARY_FILE).display()))
        };
        let (point, indicator, unit) = (col("point")?, col("indicator")?, col("unit")?);
        let (mean, lo, hi) = (col("mean")?, col("lo95")?, col("hi95")?);
        let mut indicators: Vec<Series> = Vec::new();
        for r in &rows {
            let p: usize = r[point].parse().map_err(|_| {
                format!("{}: bad point `{}`", dir.join(SUMMARY_FILE).display(), &r[point])
            })?;
            if p >= points.len() {
                return Err(format!(
                    "{}: point {p} is not in {POINTS_FILE}",
                    dir.join(SUMMARY_FILE).display()
                ));
            }
            let k = match indicators.iter().position(|s| s.name == r[indicator]) {
                Some(k) => k,
                None => {
                    let nan = vec![f64::NAN; points.len()];
                    indicators.push(Series {
                        name: r[indicator].to_string(),
                        unit: r[unit].to_string(),
                        mean: nan.clone(),
                        lo: nan.clone(),
                        hi: nan,
                    });
                    indicators.len() - 1
                }
            };
            let s = &mut indicators[k];
            (s.mean[p], s.lo[p], s.hi[p]) = (number(&r[mean]), number(&r[lo]), number(&r[hi]));
        }
        Ok(SweepData {
            name: lookup(&sweep, &["sweep", "name"], "sweep"),
            design: lookup(&sweep, &["sweep", "design"], "grid"),
            base: lookup(&base, &["scenario", "name"], BASE_FILE),
            replications: lookup(&base, &["scenario", "replications"], "?"),
            population: lookup(&base, &["population", "size"], "?"),
            seed: lookup(&base, &["scenario", "seed"], "?"),
            parameters,
            points,
            indicators,
        })
    }

    fn series(&self, name: &str) -> Option<&Series> {
        self.indicators.iter().find(|s| s.name == name)
    }

    /// The indicators drawn: the key ones, then those that move most between the points
    /// relative to their intervals (at most [`EXTRA_INDICATORS`], and only if they move more
    /// than the noise), so a sweep of e.g. the night shelter's climate shows its incidents.
    pub fn pictured(&self) -> Vec<&Series> {
        let mut out: Vec<&Series> =
            KEY_INDICATORS.iter().filter_map(|(n, _)| self.series(n)).collect();
        let mut movers: Vec<(f64, &Series)> = self
            .indicators
            .iter()
            .filter(|s| !out.iter().any(|o| o.name == s.name))
            .map(|s| (signal_to_noise(s), s))
            .filter(|(snr, _)| *snr > 1.0)
            .collect();
        movers.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.name.cmp(&b.1.name)));
        out.extend(movers.into_iter().take(EXTRA_INDICATORS).map(|(_, s)| s));
        out
    }
}

/// Range of the point means over the mean width of their intervals: above 1, the points
/// differ by more than the noise of one point.
fn signal_to_noise(s: &Series) -> f64 {
    let finite: Vec<f64> = s.mean.iter().copied().filter(|x| x.is_finite()).collect();
    let (min, max) =
        finite.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| (a.min(*x), b.max(*x)));
    let widths: Vec<f64> =
        s.lo.iter().zip(&s.hi).map(|(l, h)| h - l).filter(|w| w.is_finite()).collect();
    let width = widths.iter().sum::<f64>() / widths.len().max(1) as f64;
    // No finite means, or all equal: nothing moves.
    if finite.is_empty() || max <= min {
        return 0.0;
    }
    if width > 0.0 { (max - min) / width } else { f64::INFINITY }
}

/// How many indicators beyond the key ones get a picture.
pub const EXTRA_INDICATORS: usize = 4;

/// The indicators every sweep report draws (when the sweep has them), with their words.
const KEY_INDICATORS: [(&str, Phrase); 6] = [
    (
        "reconviction_2y",
        Phrase::new("Reconviction within 2 years", "Nieuwe veroordeling binnen 2 jaar"),
    ),
    ("relapse_2y", Phrase::new("Relapse within 2 years", "Terugval binnen 2 jaar")),
    ("days_homeless", Phrase::new("Days homeless per citizen", "Dagen dakloos per burger")),
    (
        "days_without_income",
        Phrase::new("Days without income per citizen", "Dagen zonder inkomen per burger"),
    ),
    (
        "detention_days",
        Phrase::new("Days in detention per citizen", "Dagen in detentie per burger"),
    ),
    (
        "cost_societal",
        Phrase::new(
            "Societal cost per citizen (discounted)",
            "Maatschappelijke kosten per burger (verdisconteerd)",
        ),
    ),
];

/// An indicator's words: the key indicators translated, the others by their name.
fn indicator_words(name: &str, lang: Lang) -> String {
    KEY_INDICATORS
        .iter()
        .find(|(n, _)| *n == name)
        .map_or_else(|| name.to_string(), |(_, p)| lang.pick(p).to_string())
}

const AGAINST: Phrase = Phrase::new("against each swept parameter", "per gevarieerde parameter");
const LINES_BY: Phrase = Phrase::new("one line per level of", "één lijn per niveau van");
const POINTS_ONLY: Phrase = Phrase::new(
    "one dot per design point (the other parameters vary too)",
    "één stip per ontwerppunt (de andere parameters variëren ook)",
);
const MEAN_INTERVAL: Phrase = Phrase::new(
    "mean over replications, bar: 95% interval",
    "gemiddelde over replicaties, balk: 95%-interval",
);
const CAPTION: Phrase = Phrase::new(
    "Each panel puts one swept parameter on the horizontal axis; dots are the mean over \
     replications at a design point, bars its 95% interval. In a grid, each line joins the \
     points where the other parameters hold one level, so parallel lines mean the parameters \
     act independently and diverging lines mean they interact. Every point meets the same \
     citizens with the same luck, so differences between points come from the parameters.",
    "Elk paneel zet één gevarieerde parameter op de horizontale as; stippen zijn het \
     gemiddelde over replicaties in een ontwerppunt, balken het 95%-interval. In een rooster \
     verbindt elke lijn de punten waar de andere parameters op één niveau staan: evenwijdige \
     lijnen betekenen dat de parameters los van elkaar werken, uiteenlopende lijnen dat ze \
     samenwerken. Elk punt ontmoet dezelfde burgers met hetzelfde toeval, dus verschillen \
     tussen punten komen van de parameters.",
);

/// Levels of the other parameters: a sequential (viridis) ramp from dark to light, ordered
/// like the levels, and none of them a scenario colour: a level is not a scenario.
pub const LEVEL_COLOURS: [RGBColor; 6] = [
    RGBColor(0x44, 0x01, 0x54),
    RGBColor(0x41, 0x44, 0x87),
    RGBColor(0x2A, 0x78, 0x8E),
    RGBColor(0x22, 0xA8, 0x84),
    RGBColor(0x7A, 0xD1, 0x51),
    RGBColor(0xBD, 0xDF, 0x26),
];
const ONE_COLOUR: RGBColor = RGBColor(0x33, 0x33, 0x33);

/// The colour of level `k` of `n`: spread over the whole ramp, so three levels are dark,
/// middle and light rather than three dark neighbours.
fn level_colour(k: usize, n: usize) -> RGBColor {
    let last = LEVEL_COLOURS.len() - 1;
    let at = if n <= 1 { 0 } else { (k * last + (n - 1) / 2) / (n - 1) };
    LEVEL_COLOURS[at.min(last)]
}

/// A parameter's axis: numbers where every value is one, else the values in order of
/// appearance as categories.
enum Axis {
    Numbers(Vec<f64>),
    Categories(Vec<String>),
}

impl Axis {
    fn of(values: &[&str]) -> Axis {
        let numbers: Vec<f64> = values.iter().map(|v| number(v)).collect();
        if numbers.iter().all(|x| x.is_finite()) {
            Axis::Numbers(numbers)
        } else {
            let mut names: Vec<String> = Vec::new();
            for v in values {
                if !names.iter().any(|n| n == v) {
                    names.push(v.to_string());
                }
            }
            Axis::Categories(names)
        }
    }

    fn position(&self, point: usize, value: &str) -> f64 {
        match self {
            Axis::Numbers(xs) => xs[point],
            Axis::Categories(names) => names.iter().position(|n| n == value).unwrap_or(0) as f64,
        }
    }

    fn range(&self) -> (f64, f64) {
        match self {
            Axis::Numbers(xs) => {
                let (lo, hi) = xs
                    .iter()
                    .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| (a.min(*x), b.max(*x)));
                let pad = if hi > lo { 0.06 * (hi - lo) } else { 1.0 };
                (lo - pad, hi + pad)
            }
            Axis::Categories(names) => (-0.5, names.len() as f64 - 0.5),
        }
    }
}

/// The points grouped by the values of every parameter but `p` (in order of appearance).
fn groups(data: &SweepData, p: usize) -> Vec<(String, Vec<usize>)> {
    let mut out: Vec<(String, Vec<usize>)> = Vec::new();
    for (id, values) in data.points.iter().enumerate() {
        let key: Vec<&str> =
            values.iter().enumerate().filter(|(q, _)| *q != p).map(|(_, v)| v.as_str()).collect();
        let key = key.join(", ");
        match out.iter_mut().find(|(k, _)| *k == key) {
            Some((_, ids)) => ids.push(id),
            None => out.push((key, vec![id])),
        }
    }
    out
}

/// Lines join points only where the design is a grid over this parameter: few groups of the
/// other parameters, each holding several values of this one.
fn lines_make_sense(groups: &[(String, Vec<usize>)]) -> bool {
    groups.len() <= LEVEL_COLOURS.len() && groups.iter().all(|(_, ids)| ids.len() >= 2)
}

/// A tick label of an indicator's axis, in `lang`'s number format.
fn value_label(lang: Lang, unit: &str, x: f64) -> String {
    match unit {
        "share" => format!("{}%", lang.number(100.0 * x, 0)),
        "euro" => euro_tick(lang, x),
        _ if x.abs() >= 100.0 => lang.number(x, 0),
        _ => lang.number(x, 2),
    }
}

/// A value in the table of points, rounded for reading as the run report does.
fn table_value(lang: Lang, unit: &str, x: f64) -> String {
    match unit {
        "share" => lang.percent(x),
        "euro" => lang.euros(x),
        "days" => lang.days(x),
        _ => lang.number(x, 2),
    }
}

struct IndicatorPicture<'a> {
    data: &'a SweepData,
    series: &'a Series,
    lang: Lang,
}

/// Panels per row and rows of an indicator's picture.
fn grid_of(parameters: usize) -> (usize, usize) {
    let cols = parameters.clamp(1, 2);
    (cols, parameters.max(1).div_ceil(cols))
}

/// The size of one indicator's picture: 360 pixels per row of panels.
fn picture_size(parameters: usize) -> (u32, u32) {
    let (_, rows) = grid_of(parameters);
    (1000, 70 + 380 * rows as u32)
}

impl Drawing for IndicatorPicture<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let (data, s, lang) = (self.data, self.series, self.lang);
        let title = format!("{} {}", indicator_words(&s.name, lang), lang.pick(&AGAINST));
        let body = titled(root, &title)?;
        let (cols, rows) = grid_of(data.parameters.len());
        let panels = body.split_evenly((rows, cols));
        for (p, panel) in panels.iter().enumerate().take(data.parameters.len()) {
            draw_panel(panel, data, s, p, lang)?;
        }
        Ok(())
    }
}

fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    data: &SweepData,
    s: &Series,
    p: usize,
    lang: Lang,
) -> DrawResult {
    let values: Vec<&str> = data.points.iter().map(|v| v[p].as_str()).collect();
    let axis = Axis::of(&values);
    let groups = groups(data, p);
    let lines = lines_make_sense(&groups) && groups.len() > 1;
    let mut entries: Vec<Entry> = Vec::new();
    if lines {
        let others: Vec<&str> = (0..data.parameters.len())
            .filter(|q| *q != p)
            .map(|q| data.parameters[q].as_str())
            .collect();
        entries.push((format!("{} {}:", lang.pick(&LINES_BY), others.join(", ")), NO_SWATCH));
        let n = groups.len();
        entries
            .extend(groups.iter().enumerate().map(|(i, (k, _))| (k.clone(), level_colour(i, n))));
    } else if groups.len() > 1 {
        entries.push((lang.pick(&POINTS_ONLY).to_string(), NO_SWATCH));
    } else {
        entries.push((lang.pick(&MEAN_INTERVAL).to_string(), NO_SWATCH));
    }
    let plot = legend_below(area, &entries)?;
    let (xlo, xhi) = axis.range();
    let ys = s.lo.iter().chain(&s.hi).chain(&s.mean).copied().filter(|y| y.is_finite());
    let (ylo, yhi) = ys.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), y| (a.min(y), b.max(y)));
    let (ylo, yhi) = if ylo.is_finite() && yhi > ylo {
        let pad = 0.08 * (yhi - ylo);
        (ylo - pad, yhi + pad)
    } else if ylo.is_finite() {
        (ylo - 1.0, ylo + 1.0)
    } else {
        (0.0, 1.0)
    };
    let categories = match &axis {
        Axis::Categories(names) => names.clone(),
        Axis::Numbers(_) => Vec::new(),
    };
    let mut chart = ChartBuilder::on(&plot)
        .margin(10)
        .x_label_area_size(48)
        .y_label_area_size(70)
        .build_cartesian_2d(xlo..xhi, ylo..yhi)
        .map_err(err)?;
    let y_label = |y: &f64| value_label(lang, &s.unit, *y);
    let x_label = |x: &f64| {
        let k = x.round();
        if categories.is_empty() {
            let text = format!("{}", (x * 1000.0).round() / 1000.0);
            return if lang == Lang::Nl { text.replace('.', ",") } else { text };
        }
        if (x - k).abs() > 1e-6 || k < 0.0 {
            return String::new();
        }
        categories.get(k as usize).cloned().unwrap_or_default()
    };
    let mut mesh = chart.configure_mesh();
    mesh.x_desc(data.parameters[p].as_str())
        .house_grid(15, 13)
        .y_labels(6)
        .y_label_formatter(&y_label)
        .x_label_formatter(&x_label);
    if !categories.is_empty() {
        mesh.x_labels(2 * categories.len() + 1);
    }
    mesh.draw().map_err(err)?;
    // Groups sit a little apart so their interval bars do not hide each other.
    let nudge = 0.012 * (xhi - xlo);
    let g = groups.len() as f64;
    for (k, (_, ids)) in groups.iter().enumerate() {
        let colour = if lines { level_colour(k, groups.len()) } else { ONE_COLOUR };
        let shift = if lines { nudge * (k as f64 - (g - 1.0) / 2.0) } else { 0.0 };
        let mut at: Vec<(f64, usize)> =
            ids.iter().map(|&id| (axis.position(id, &data.points[id][p]) + shift, id)).collect();
        at.sort_by(|a, b| a.0.total_cmp(&b.0));
        if lines || groups.len() == 1 {
            let line = at
                .iter()
                .filter(|(_, id)| s.mean[*id].is_finite())
                .map(|(x, id)| (*x, s.mean[*id]));
            chart.draw_series(LineSeries::new(line, colour.stroke_width(2))).map_err(err)?;
        }
        for (x, id) in at {
            let (m, lo, hi) = (s.mean[id], s.lo[id], s.hi[id]);
            if lo.is_finite() && hi.is_finite() {
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![(x, lo), (x, hi)],
                        colour.mix(0.7).stroke_width(2),
                    )))
                    .map_err(err)?;
            }
            if m.is_finite() {
                chart
                    .draw_series(std::iter::once(Circle::new((x, m), 4, colour.filled())))
                    .map_err(err)?;
            }
        }
    }
    Ok(())
}

/// The pictures of a sweep, one per pictured indicator, labelled in `lang`.
pub fn render_pictures(data: &SweepData, lang: Lang) -> Result<Vec<Plot>, String> {
    let size = picture_size(data.parameters.len());
    data.pictured()
        .into_iter()
        .map(|series| {
            let (svg, png) = render(size, &IndicatorPicture { data, series, lang })?;
            Ok(Plot {
                stem: format!("sweep_{}", series.name),
                title: format!("{} {}", indicator_words(&series.name, lang), lang.pick(&AGAINST)),
                caption: lang.pick(&CAPTION).to_string(),
                svg,
                png,
            })
        })
        .collect()
}

// ----- the page -----

const PAGE_TITLE: Phrase = Phrase::new("reentry sweep:", "reentry-sweep:");
const WHAT_WAS_SWEPT: Phrase = Phrase::new("What was swept", "Wat er gevarieerd is");
const DESIGN_SENTENCE: Phrase = Phrase::new(
    "{n} design points ({design}) of the base scenario <b>{base}</b>, each run {reps} times \
     with {population} citizens and seed {seed}. Every point meets the same citizens with the \
     same luck (common random numbers), so differences between points come from the \
     parameters, not from chance.",
    "{n} ontwerppunten ({design}) van het basisscenario <b>{base}</b>, elk {reps} keer \
     gedraaid met {population} burgers en seed {seed}. Elk punt ontmoet dezelfde burgers met \
     hetzelfde toeval (common random numbers), dus verschillen tussen punten komen van de \
     parameters, niet van het toeval.",
);
const PARAMETER: Phrase = Phrase::new("parameter", "parameter");
const VALUES: Phrase = Phrase::new("values", "waarden");
const PICTURES: Phrase = Phrase::new(
    "Each indicator against each swept parameter",
    "Elke indicator tegen elke gevarieerde parameter",
);
const PICTURED_NOTE: Phrase = Phrase::new(
    "The key indicators, and the {k} others that differ most between the points relative to \
     their intervals; summary.csv has every indicator.",
    "De kernindicatoren, en de {k} andere die het meest verschillen tussen de punten, gemeten \
     aan hun intervallen; summary.csv bevat elke indicator.",
);
const THE_POINTS: Phrase = Phrase::new("The points", "De punten");
const POINTS_NOTE: Phrase = Phrase::new(
    "Mean over replications [95% interval], per released citizen unless stated.",
    "Gemiddelde over replicaties [95%-interval], per vrijgelaten burger tenzij anders vermeld.",
);
const POINT: Phrase = Phrase::new("point", "punt");
const FILES: Phrase = Phrase::new("Files and reproduction", "Bestanden en reproductie");
const FILES_SENTENCE: Phrase = Phrase::new(
    "points.csv has the design, runs.csv every replication of every point, summary.csv the \
     mean and 95% interval of every indicator per point. To run the sweep again, into another \
     folder:",
    "points.csv bevat het ontwerp, runs.csv elke replicatie van elk punt, summary.csv het \
     gemiddelde en 95%-interval van elke indicator per punt. De sweep opnieuw draaien, in een \
     andere map:",
);
const REDRAW: Phrase = Phrase::new(
    "To redraw this report and its pictures from the files in this folder:",
    "Dit rapport en de figuren opnieuw tekenen uit de bestanden in deze map:",
);
const PNG_SVG: Phrase = Phrase::new("PNG", "PNG");

/// Every phrase of the sweep report (for the translation tests).
pub fn phrases() -> Vec<Phrase> {
    let mut out: Vec<Phrase> = KEY_INDICATORS.iter().map(|(_, p)| *p).collect();
    out.extend([
        AGAINST,
        LINES_BY,
        POINTS_ONLY,
        MEAN_INTERVAL,
        CAPTION,
        PAGE_TITLE,
        WHAT_WAS_SWEPT,
        DESIGN_SENTENCE,
        PARAMETER,
        VALUES,
        PICTURES,
        PICTURED_NOTE,
        THE_POINTS,
        POINTS_NOTE,
        POINT,
        FILES,
        FILES_SENTENCE,
        REDRAW,
        PNG_SVG,
    ]);
    out
}

/// Texts that Dutch writes the same way.
pub const SAME_IN_BOTH: &[&str] = &["parameter", "PNG"];

fn cell(lang: Lang, s: &Series, p: usize) -> String {
    let v = |x: f64| esc(&table_value(lang, &s.unit, x));
    format!("{} <span class=\"note\">[{}, {}]</span>", v(s.mean[p]), v(s.lo[p]), v(s.hi[p]))
}

/// The whole page.
pub fn report_html(data: &SweepData, plots: &[Plot], lang: Lang) -> String {
    let mut h = String::new();
    let title = format!("{} {}", lang.pick(&PAGE_TITLE), data.name);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}.wide{{overflow-x:auto}}</style>\n</head>\n<body>\n\
         <h1>{}</h1>\n",
        lang.code(),
        esc(&title),
        esc(&title)
    );
    let sentence = lang
        .pick(&DESIGN_SENTENCE)
        .replace("{n}", &data.points.len().to_string())
        .replace("{design}", &esc(&data.design))
        .replace("{base}", &esc(&data.base))
        .replace("{reps}", &esc(&data.replications))
        .replace("{population}", &esc(&data.population))
        .replace("{seed}", &esc(&data.seed));
    let _ = writeln!(
        h,
        "<section id=\"design\">\n<h2>{}</h2>\n<p>{sentence}</p>\n<table>\n<tr><th>{}</th><th>{}</th></tr>",
        lang.pick(&WHAT_WAS_SWEPT),
        lang.pick(&PARAMETER),
        lang.pick(&VALUES)
    );
    for (p, path) in data.parameters.iter().enumerate() {
        let mut values: Vec<&str> = Vec::new();
        for v in data.points.iter().map(|v| v[p].as_str()) {
            if !values.contains(&v) {
                values.push(v);
            }
        }
        let shown = if values.len() > 12 {
            format!("{} … ({} values)", values[..12].join(", "), values.len())
        } else {
            values.join(", ")
        };
        let _ = writeln!(h, "<tr><td><code>{}</code></td><td>{}</td></tr>", esc(path), esc(&shown));
    }
    h.push_str("</table>\n</section>\n");
    let _ = writeln!(
        h,
        "<section id=\"pictures\">\n<h2>{}</h2>\n<p>{} {}</p>",
        lang.pick(&PICTURES),
        esc(lang.pick(&CAPTION)),
        esc(&lang.pick(&PICTURED_NOTE).replace("{k}", &EXTRA_INDICATORS.to_string()))
    );
    for p in plots {
        let svg = p.svg.find("<svg").map_or(p.svg.as_str(), |start| &p.svg[start..]);
        let _ = writeln!(
            h,
            "<figure id=\"plot-{}\">\n<h3>{}</h3>\n{svg}\n<figcaption><a href=\"plots/{}.png\">{}</a> \
             · <a href=\"plots/{}.svg\">SVG</a></figcaption>\n</figure>",
            p.stem,
            esc(&p.title),
            p.stem,
            lang.pick(&PNG_SVG),
            p.stem
        );
    }
    h.push_str("</section>\n");
    points_table(&mut h, data, lang);
    let _ = writeln!(
        h,
        "<section id=\"reproduce\">\n<h2>{}</h2>\n<p>{}</p>\n<pre>reentry sweep {SWEEP_FILE} --out OTHER</pre>\n\
         <p>{}</p>\n<pre>reentry report FOLDER</pre>\n</section>",
        lang.pick(&FILES),
        lang.pick(&FILES_SENTENCE),
        lang.pick(&REDRAW)
    );
    h.push_str("</body>\n</html>\n");
    h
}

fn points_table(h: &mut String, data: &SweepData, lang: Lang) {
    let shown = data.pictured();
    let _ = write!(
        h,
        "<section id=\"points\">\n<h2>{}</h2>\n<p>{}</p>\n<div class=\"wide\">\n<table>\n<tr><th>{}</th>",
        lang.pick(&THE_POINTS),
        lang.pick(&POINTS_NOTE),
        lang.pick(&POINT)
    );
    for path in &data.parameters {
        let _ = write!(h, "<th><code>{}</code></th>", esc(path));
    }
    for s in &shown {
        let _ = write!(h, "<th>{}</th>", esc(&indicator_words(&s.name, lang)));
    }
    h.push_str("</tr>\n");
    for (p, values) in data.points.iter().enumerate() {
        let _ = write!(h, "<tr><td class=\"num\">{p}</td>");
        for v in values {
            let _ = write!(h, "<td class=\"num\">{}</td>", esc(v));
        }
        for s in &shown {
            let _ = write!(h, "<td class=\"num\">{}</td>", cell(lang, s, p));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table>\n</div>\n</section>\n");
}

/// The report's files, relative to the sweep folder: `plots/sweep_*.svg|png`, `report.html`
/// and the language it is in (`report.json`).
pub fn report_files(dir: &Path, lang: Lang) -> Result<Vec<(String, Vec<u8>)>, String> {
    let data = SweepData::read(dir)?;
    let plots = render_pictures(&data, lang)?;
    let mut files = Vec::new();
    for p in &plots {
        files.push((format!("plots/{}.svg", p.stem), p.svg.clone().into_bytes()));
        files.push((format!("plots/{}.png", p.stem), p.png.clone()));
    }
    files.push(("report.html".into(), report_html(&data, &plots, lang).into_bytes()));
    // The language is recorded, so `report` and `merge` redraw in it.
    files.push(crate::output::html::settings_file(lang));
    Ok(files)
}

/// Writes the report into a merged sweep folder (each file atomically) and renews the
/// folder's marker so it lists them; returns the number of files written.
pub fn write_report(dir: &Path, lang: Lang) -> Result<usize, String> {
    let files = report_files(dir, lang)?;
    let plots = dir.join("plots");
    std::fs::create_dir_all(&plots)
        .map_err(|e| format!("cannot create {}: {e}", plots.display()))?;
    for (name, bytes) in &files {
        write_atomic(&dir.join(name), bytes)?;
    }
    crate::output::outdir::write_marker(dir, "sweep")?;
    Ok(files.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::lang::missing_translations;
    use crate::output::plots::svg_texts;

    /// A 2 × 3 grid: `a` in {0.1, 0.8}, `b` in {30, 75, 120}; reconviction falls with `a`.
    fn grid() -> SweepData {
        let mut points = Vec::new();
        for a in ["0.1", "0.8"] {
            for b in ["30", "75", "120"] {
                points.push(vec![a.to_string(), b.to_string()]);
            }
        }
        let mean: Vec<f64> =
            points.iter().map(|v| 0.5 - 0.2 * number(&v[0]) + 0.0001 * number(&v[1])).collect();
        let series = |name: &str, unit: &str, mean: Vec<f64>| Series {
            name: name.into(),
            unit: unit.into(),
            lo: mean.iter().map(|m| m - 0.01).collect(),
            hi: mean.iter().map(|m| m + 0.01).collect(),
            mean,
        };
        SweepData {
            name: "g".into(),
            design: "grid".into(),
            base: "fragmented".into(),
            replications: "2".into(),
            population: "200".into(),
            seed: "1".into(),
            parameters: vec!["regime.a".into(), "services.b.capacity".into()],
            indicators: vec![
                series("reconviction_2y", "share", mean.clone()),
                series("noise", "days", vec![1.0; 6]),
                series("facility_incidents", "count", (0..6).map(f64::from).collect()),
            ],
            points,
        }
    }

    #[test]
    fn levels_spread_over_the_ramp() {
        assert_eq!(level_colour(0, 1), LEVEL_COLOURS[0]);
        let three: Vec<RGBColor> = (0..3).map(|k| level_colour(k, 3)).collect();
        assert_eq!(three, [LEVEL_COLOURS[0], LEVEL_COLOURS[3], LEVEL_COLOURS[5]]);
        let six: Vec<RGBColor> = (0..6).map(|k| level_colour(k, 6)).collect();
        assert_eq!(six, LEVEL_COLOURS);
    }

    #[test]
    fn key_indicators_and_movers_are_pictured_and_flat_ones_not() {
        let data = grid();
        let names: Vec<&str> = data.pictured().iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["reconviction_2y", "facility_incidents"]);
    }

    #[test]
    fn a_grid_gets_one_line_per_level_of_the_other_parameter() {
        let data = grid();
        let by_a = groups(&data, 0);
        assert_eq!(by_a.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(), ["30", "75", "120"]);
        assert!(lines_make_sense(&by_a));
        assert_eq!(groups(&data, 1).len(), 2);
        // A Latin hypercube: every point its own group, so dots without lines.
        let mut lhs = data.clone();
        for (i, v) in lhs.points.iter_mut().enumerate() {
            v[1] = format!("{}", 30 + 7 * i);
        }
        assert!(!lines_make_sense(&groups(&lhs, 0)));
    }

    #[test]
    fn every_sweep_phrase_is_translated_and_the_dutch_pictures_have_no_english_words() {
        assert_eq!(missing_translations(&phrases(), SAME_IN_BOTH), Vec::<&str>::new());
        let data = grid();
        for lang in Lang::ALL {
            let plots = render_pictures(&data, lang).unwrap();
            assert_eq!(plots.len(), 2);
            let page = report_html(&data, &plots, lang);
            for p in &plots {
                let texts: Vec<String> = svg_texts(&p.svg).into_iter().map(|t| t.text).collect();
                assert!(texts.iter().any(|t| t.contains("regime.a")), "{texts:?}");
                if lang == Lang::Nl {
                    for ph in phrases().iter().filter(|ph| !SAME_IN_BOTH.contains(&ph.en)) {
                        assert!(
                            !texts.iter().any(|t| t.contains(ph.en)),
                            "English `{}` in {texts:?}",
                            ph.en
                        );
                    }
                    assert!(page.contains("<html lang=\"nl\">"));
                    assert!(!page.contains(WHAT_WAS_SWEPT.en));
                }
            }
            assert!(page.contains("<td class=\"num\">120</td>"), "the table of points");
        }
    }
}
