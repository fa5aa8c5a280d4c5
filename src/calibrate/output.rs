//! What a calibration leaves for its reader, in `OUT/results/` (staged and moved into place
//! whole, like every output folder):
//!
//! - `posterior.csv`: the final particles, `particle,weight,<dotted path>...` (weights sum to
//!   1), the file probabilistic sensitivity analysis reads;
//! - `parameters.csv`: per parameter the prior, the old assumed value, and the posterior
//!   median and 90% interval, with the ratio of posterior to prior interval widths;
//! - `fit.csv`: per target the observed value and 95% interval against the simulated median
//!   and 90% range over the posterior, holdouts marked;
//! - `generations.csv`: tolerance, cohort share, attempts and simulations per generation;
//! - `calibrated.toml`: a scenario that `extends` the input with the posterior medians;
//! - `report.html` with `plots/`: marginal posteriors against their priors, the most
//!   correlated pairs, and the fit per target — offline, no date, same bytes for the same run.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;

use super::abc::{Generation, effective_sample_size};
use super::targets::Target;
use super::{Calibration, Outcome};
use crate::output::format::esc;
use crate::output::html::STYLE;
use crate::output::outdir::OutputDir;
use crate::output::plots::{png_of, register_font};
use crate::scenario::Scenario;
use crate::scenario::source::keys::{self, Segment};
use crate::uncertainty::Prior;

/// The posterior interval reported everywhere: 90%.
const LOW: f64 = 0.05;
const HIGH: f64 = 0.95;

/// Summary of one parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct ParameterSummary {
    pub path: String,
    pub assumed: f64,
    pub prior_median: f64,
    pub prior_interval: (f64, f64),
    pub mean: f64,
    pub median: f64,
    pub interval: (f64, f64),
}

impl ParameterSummary {
    /// Posterior 90% width over prior 90% width: below 1 means the data taught something.
    pub fn width_ratio(&self) -> f64 {
        (self.interval.1 - self.interval.0) / (self.prior_interval.1 - self.prior_interval.0)
    }
}

/// Quantile `p` of values with normalised weights (the smallest value whose cumulative
/// weight reaches `p`).
pub fn weighted_quantile(values: &[f64], weights: &[f64], p: f64) -> f64 {
    let mut pairs: Vec<(f64, f64)> = values
        .iter()
        .copied()
        .zip(weights.iter().copied())
        .filter(|(v, _)| v.is_finite())
        .collect();
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total: f64 = pairs.iter().map(|(_, w)| w).sum();
    let mut acc = 0.0;
    for (v, w) in &pairs {
        acc += w / total;
        if acc >= p - 1e-12 {
            return *v;
        }
    }
    pairs.last().map_or(f64::NAN, |(v, _)| *v)
}

/// Per-parameter summaries of the last generation.
pub fn summarise(cal: &Calibration, last: &Generation) -> Vec<ParameterSummary> {
    let weights: Vec<f64> = last.particles.iter().map(|p| p.weight).collect();
    let assumed = assumed_values(cal);
    cal.model
        .priors
        .priors
        .iter()
        .enumerate()
        .map(|(d, prior)| {
            let xs: Vec<f64> = last.particles.iter().map(|p| p.values[d]).collect();
            let q = |p: f64| weighted_quantile(&xs, &weights, p);
            let dist = &prior.distribution;
            ParameterSummary {
                path: prior.path.clone(),
                assumed: assumed[d],
                prior_median: dist.quantile(0.5),
                prior_interval: (dist.quantile(LOW), dist.quantile(HIGH)),
                mean: xs.iter().zip(&weights).map(|(x, w)| x * w).sum(),
                median: q(0.5),
                interval: (q(LOW), q(HIGH)),
            }
        })
        .collect()
}

/// The values the base scenario has at the prior paths (its old assumptions).
fn assumed_values(cal: &Calibration) -> Vec<f64> {
    let table = toml::Table::try_from(&cal.model.base.resolved).unwrap_or_default();
    cal.model
        .priors
        .priors
        .iter()
        .map(|p| {
            let mut here = toml::Value::Table(table.clone());
            for segment in keys::parse_dotted(&p.path).unwrap_or_default() {
                here = match (here, segment) {
                    (toml::Value::Table(mut t), Segment::Key(k)) => {
                        t.remove(&k).unwrap_or(toml::Value::Float(f64::NAN))
                    }
                    (toml::Value::Array(mut a), Segment::Index(i)) if i < a.len() => {
                        a.swap_remove(i)
                    }
                    _ => toml::Value::Float(f64::NAN),
                };
            }
            match here {
                toml::Value::Float(x) => x,
                toml::Value::Integer(i) => i as f64,
                _ => f64::NAN,
            }
        })
        .collect()
}

/// Simulated spread of one target over the posterior: (median, 5%, 95%).
fn simulated(cal: &Calibration, last: &Generation, t: &Target) -> (f64, f64, f64) {
    let k = cal.model.outputs.iter().position(|o| *o == t.output).unwrap_or(0);
    let xs: Vec<f64> =
        last.particles.iter().map(|p| p.outputs.get(k).copied().unwrap_or(f64::NAN)).collect();
    let w: Vec<f64> = last.particles.iter().map(|p| p.weight).collect();
    (
        weighted_quantile(&xs, &w, 0.5),
        weighted_quantile(&xs, &w, LOW),
        weighted_quantile(&xs, &w, HIGH),
    )
}

/// Writes `OUT/results/` and returns its path.
pub fn write(cal: &Calibration, outcome: &Outcome, out: &Path) -> Result<PathBuf, String> {
    let last = outcome.generations.last().ok_or("no finished generation to report")?;
    let summaries = summarise(cal, last);
    let target = out.join(super::store::RESULTS);
    let dir = OutputDir::prepare(&target, true)?;
    let (path, ()) = dir.fill(|dir| {
        let text =
            |name: &str, body: String| dir.write_file(name, |w| w.write_all(body.as_bytes()));
        text("posterior.csv", posterior_csv(cal, last))?;
        text("parameters.csv", parameters_csv(cal, &summaries))?;
        text("fit.csv", fit_csv(cal, last))?;
        text("generations.csv", generations_csv(outcome))?;
        let calibrated = calibrated_scenario(cal, &summaries, &target)?;
        text("calibrated.toml", calibrated)?;
        Scenario::load(&dir.path().join("calibrated.toml")).map_err(|e| {
            format!("the calibrated scenario does not validate (please report this):\n{e}")
        })?;
        let plots = pictures(cal, last, &summaries)?;
        for p in &plots {
            dir.write_file(&format!("plots/{}.svg", p.stem), |w| w.write_all(p.svg.as_bytes()))?;
            dir.write_file(&format!("plots/{}.png", p.stem), |w| w.write_all(&p.png))?;
        }
        text("report.html", report_html(cal, outcome, &summaries, &plots))?;
        Ok(())
    })?;
    Ok(path)
}

fn num(x: f64) -> String {
    if x.is_finite() { format!("{x}") } else { String::new() }
}

fn posterior_csv(cal: &Calibration, last: &Generation) -> String {
    let mut s = format!("particle,weight,{}\n", cal.model.priors.paths().join(","));
    for (i, p) in last.particles.iter().enumerate() {
        let values: Vec<String> = p.values.iter().map(|x| num(*x)).collect();
        let _ = writeln!(s, "{i},{},{}", num(p.weight), values.join(","));
    }
    s
}

fn parameters_csv(cal: &Calibration, summaries: &[ParameterSummary]) -> String {
    let mut s = String::from(
        "path,prior,assumed_value,prior_median,prior_5,prior_95,posterior_mean,posterior_median,posterior_5,posterior_95,width_ratio,source\n",
    );
    for (p, prior) in summaries.iter().zip(&cal.model.priors.priors) {
        let _ = writeln!(
            s,
            "{},\"{}\",{},{},{},{},{},{},{},{},{},\"{}\"",
            p.path,
            prior.distribution.describe(),
            num(p.assumed),
            num(p.prior_median),
            num(p.prior_interval.0),
            num(p.prior_interval.1),
            num(p.mean),
            num(p.median),
            num(p.interval.0),
            num(p.interval.1),
            num(p.width_ratio()),
            prior.source.replace('"', "'")
        );
    }
    s
}

fn fit_csv(cal: &Calibration, last: &Generation) -> String {
    let mut s = String::from(
        "target,output,holdout,observed,observed_low,observed_high,simulated_median,simulated_5,simulated_95,z,source\n",
    );
    for t in &cal.targets.targets {
        let (median, lo, hi) = simulated(cal, last, t);
        let (olo, ohi) = t.interval();
        let _ = writeln!(
            s,
            "{},{},{},{},{},{},{},{},{},{},\"{}\"",
            t.name,
            t.output,
            t.holdout,
            num(t.value),
            num(olo),
            num(ohi),
            num(median),
            num(lo),
            num(hi),
            num((median - t.value) / t.se()),
            t.source.replace('"', "'")
        );
    }
    s
}

fn generations_csv(outcome: &Outcome) -> String {
    let mut s = String::from(
        "generation,tolerance,cohort_share,particles,attempts,simulations,acceptance_rate,effective_sample_size\n",
    );
    for g in &outcome.generations {
        let w: Vec<f64> = g.particles.iter().map(|p| p.weight).collect();
        let _ = writeln!(
            s,
            "{},{},{},{},{},{},{},{}",
            g.index,
            // Generation 0 samples the prior: it has no tolerance (NA, as elsewhere).
            if g.tolerance.is_finite() { num(g.tolerance) } else { "NA".into() },
            num(g.scale),
            g.particles.len(),
            g.attempts,
            g.simulations,
            num(g.acceptance_rate()),
            num(effective_sample_size(&w))
        );
    }
    s
}

/// A scenario file that extends the calibrated one with the posterior medians.
fn calibrated_scenario(
    cal: &Calibration,
    summaries: &[ParameterSummary],
    results: &Path,
) -> Result<String, String> {
    let input = cal.model.base.files.last().ok_or("the base scenario has no file")?;
    let extends = relative_path(results, input)?;
    let mut table = toml::Table::new();
    let mut meta = toml::Table::new();
    meta.insert("extends".into(), toml::Value::String(extends));
    meta.insert("name".into(), format!("{}-calibrated", cal.model.base.meta.name).into());
    meta.insert(
        "description".into(),
        format!(
            "{} with the posterior medians of `reentry calibrate` (targets: {})",
            cal.model.base.meta.name,
            cal.targets.file.display()
        )
        .into(),
    );
    for (s, prior) in summaries.iter().zip(&cal.model.priors.priors) {
        set_path(&mut table, prior, s.median)?;
    }
    // [scenario] first, as in every scenario file; the tables sort alphabetically otherwise.
    let header = toml::Table::from_iter([("scenario".to_string(), toml::Value::Table(meta))]);
    let write = |t: &toml::Table| {
        toml::to_string(t).map_err(|e| format!("cannot write calibrated.toml: {e}"))
    };
    let body = format!("{}\n{}", write(&header)?, write(&table)?);
    Ok(format!(
        "# Calibrated with `reentry calibrate`: each value below is the posterior median of the\n\
         # parameter (see parameters.csv for its 90% interval and prior). Everything else comes\n\
         # from the scenario this file extends.\n{body}"
    ))
}

fn set_path(table: &mut toml::Table, prior: &Prior, x: f64) -> Result<(), String> {
    let segments = keys::parse_dotted(&prior.path).ok_or("bad path")?;
    let value = if prior.whole_number {
        toml::Value::Integer(x.round() as i64)
    } else {
        toml::Value::Float(x)
    };
    let mut here = table;
    for (i, segment) in segments.iter().enumerate() {
        let Segment::Key(k) = segment else {
            return Err(format!(
                "`{}`: array paths cannot be written to calibrated.toml",
                prior.path
            ));
        };
        if i + 1 == segments.len() {
            here.insert(k.clone(), value);
            return Ok(());
        }
        let next = here.entry(k.clone()).or_insert_with(|| toml::Value::Table(Default::default()));
        here = match next {
            toml::Value::Table(t) => t,
            _ => return Err(format!("`{}` runs through a value", prior.path)),
        };
    }
    Ok(())
}

/// `target` as seen from folder `from` (both made absolute), with forward slashes.
fn relative_path(from: &Path, target: &Path) -> Result<String, String> {
    let abs = |p: &Path| std::path::absolute(p).map_err(|e| format!("{}: {e}", p.display()));
    let (from, target) = (abs(from)?, abs(target)?);
    let from: Vec<_> = from.components().collect();
    let to: Vec<_> = target.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".into(); from.len() - common];
    parts.extend(to[common..].iter().map(|c| c.as_os_str().to_string_lossy().to_string()));
    Ok(parts.join("/"))
}

// ----- pictures -----

/// One picture in both formats, with its own file stem.
pub struct Picture {
    pub stem: String,
    pub title: String,
    pub caption: String,
    pub svg: String,
    pub png: Vec<u8>,
}

const SIZE: (u32, u32) = (900, 480);
const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
const ORANGE: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
use crate::output::plots::FONT;

fn err<E: std::fmt::Display>(e: E) -> String {
    format!("cannot draw plot: {e}")
}

/// A chart that can be drawn on any backend (SVG text and PNG pixels).
trait Chart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String>;
}

fn picture(
    stem: String,
    title: String,
    caption: String,
    chart: &impl Chart,
) -> Result<Picture, String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        chart.draw(&root)?;
        root.present().map_err(err)?;
    }
    let png = png_of(SIZE, |root| chart.draw(root))?;
    Ok(Picture { stem, title, caption, svg, png })
}

fn pictures(
    cal: &Calibration,
    last: &Generation,
    summaries: &[ParameterSummary],
) -> Result<Vec<Picture>, String> {
    register_font();
    let mut all = Vec::new();
    for (d, (s, prior)) in summaries.iter().zip(&cal.model.priors.priors).enumerate() {
        let marginal = Marginal { last, d, prior, summary: s };
        all.push(picture(
            format!("posterior-{}", crate::output::format::sanitize(&s.path)),
            format!("Posterior of {}", s.path),
            format!(
                "Bars: the posterior (weighted particles); line: the prior {}; dashed: the old assumed value {}. \
                 Posterior median {} (90% interval {} to {}).",
                prior.distribution.describe(),
                short(s.assumed),
                short(s.median),
                short(s.interval.0),
                short(s.interval.1)
            ),
            &marginal,
        )?);
    }
    for (a, b, r) in most_correlated(last, 3) {
        let pair = Pair { last, a, b, names: (&summaries[a].path, &summaries[b].path) };
        all.push(picture(
            format!("pair-{a}-{b}"),
            format!("{} against {}", summaries[a].path, summaries[b].path),
            format!(
                "Each dot is a particle of the final generation (darker = more weight). Weighted correlation {r:.2}: \
                 the data constrain a combination of the two more than either alone."
            ),
            &pair,
        )?);
    }
    let fit = Fit { cal, last };
    all.push(picture(
        "fit".into(),
        "Fit per target".into(),
        "Black: the observed value with its 95% interval; blue: the simulated median and 90% range over \
         the posterior. Targets marked (holdout) were not used in fitting: they test the calibration."
            .into(),
        &fit,
    )?);
    Ok(all)
}

fn short(x: f64) -> String {
    if !x.is_finite() {
        "n/a".into()
    } else if x.abs() >= 100.0 {
        format!("{x:.0}")
    } else if x.abs() >= 1.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.4}")
    }
}

/// The `n` parameter pairs with the largest weighted |correlation|.
pub fn most_correlated(last: &Generation, n: usize) -> Vec<(usize, usize, f64)> {
    let moments = last.moments();
    let dims = moments.len();
    let mut pairs = Vec::new();
    for a in 0..dims {
        for b in a + 1..dims {
            let cov: f64 = last
                .particles
                .iter()
                .map(|p| p.weight * (p.values[a] - moments[a].0) * (p.values[b] - moments[b].0))
                .sum();
            let r = cov / (moments[a].1 * moments[b].1).sqrt();
            if r.is_finite() {
                pairs.push((a, b, r));
            }
        }
    }
    pairs.sort_by(|x, y| y.2.abs().total_cmp(&x.2.abs()).then(x.0.cmp(&y.0)).then(x.1.cmp(&y.1)));
    pairs.truncate(n);
    pairs
}

fn style(size: u32) -> TextStyle<'static> {
    TextStyle::from((FONT, size).into_font()).color(&BLACK)
}

/// The value ranges of a two-axis chart and the room its y labels need.
struct Axes {
    x: std::ops::Range<f64>,
    y: std::ops::Range<f64>,
    y_width: u32,
}

type Plane<'a, DB> = ChartContext<
    'a,
    DB,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
>;

impl Axes {
    /// The chart with its mesh and both axes labelled, in the style of every picture here.
    fn draw<'a, DB: DrawingBackend>(
        self,
        root: &'a DrawingArea<DB, Shift>,
        x_desc: &str,
        y_desc: &str,
    ) -> Result<Plane<'a, DB>, String> {
        let mut chart = ChartBuilder::on(root)
            .margin(20)
            .x_label_area_size(50)
            .y_label_area_size(self.y_width)
            .build_cartesian_2d(self.x, self.y)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc(x_desc)
            .y_desc(y_desc)
            .axis_desc_style(style(18))
            .label_style(style(15))
            .light_line_style(WHITE)
            .draw()
            .map_err(err)?;
        Ok(chart)
    }
}

struct Marginal<'a> {
    last: &'a Generation,
    d: usize,
    prior: &'a Prior,
    summary: &'a ParameterSummary,
}

impl Chart for Marginal<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        root.fill(&WHITE).map_err(err)?;
        let dist = &self.prior.distribution;
        let xs: Vec<f64> = self.last.particles.iter().map(|p| p.values[self.d]).collect();
        let lo = dist.quantile(0.005).min(xs.iter().copied().fold(f64::INFINITY, f64::min));
        let hi = dist.quantile(0.995).max(xs.iter().copied().fold(f64::NEG_INFINITY, f64::max));
        let (lo, hi) = if hi > lo { (lo, hi) } else { (lo - 1.0, hi + 1.0) };
        let bins = 30usize;
        let width = (hi - lo) / bins as f64;
        let mut mass = vec![0.0; bins];
        for p in &self.last.particles {
            let b = (((p.values[self.d] - lo) / width) as usize).min(bins - 1);
            mass[b] += p.weight / width;
        }
        let prior_curve: Vec<(f64, f64)> = (0..=200)
            .map(|i| {
                let x = lo + (hi - lo) * i as f64 / 200.0;
                (x, dist.ln_pdf(x).exp())
            })
            .filter(|(_, y)| y.is_finite())
            .collect();
        let top =
            mass.iter().copied().chain(prior_curve.iter().map(|p| p.1)).fold(0.0, f64::max) * 1.1;
        let axes = Axes { x: lo..hi, y: 0.0..top.max(1e-12), y_width: 70 };
        let mut chart = axes.draw(root, self.summary.path.as_str(), "density")?;
        chart
            .draw_series(mass.iter().enumerate().map(|(b, m)| {
                let x0 = lo + b as f64 * width;
                Rectangle::new([(x0, 0.0), (x0 + width, *m)], BLUE.mix(0.55).filled())
            }))
            .map_err(err)?;
        chart.draw_series(LineSeries::new(prior_curve, ORANGE.stroke_width(3))).map_err(err)?;
        let a = self.summary.assumed;
        if a.is_finite() && (lo..=hi).contains(&a) {
            chart
                .draw_series(DashedLineSeries::new(
                    vec![(a, 0.0), (a, top)],
                    8,
                    6,
                    BLACK.stroke_width(2),
                ))
                .map_err(err)?;
        }
        Ok(())
    }
}

struct Pair<'a> {
    last: &'a Generation,
    a: usize,
    b: usize,
    names: (&'a str, &'a str),
}

impl Chart for Pair<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        root.fill(&WHITE).map_err(err)?;
        let range = |d: usize| {
            let xs = self.last.particles.iter().map(|p| p.values[d]);
            let (lo, hi) =
                xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), x| (l.min(x), h.max(x)));
            let pad = ((hi - lo) * 0.05).max(1e-9);
            (lo - pad)..(hi + pad)
        };
        let wmax = self.last.particles.iter().map(|p| p.weight).fold(0.0, f64::max);
        let axes = Axes { x: range(self.a), y: range(self.b), y_width: 80 };
        let mut chart = axes.draw(root, self.names.0, self.names.1)?;
        chart
            .draw_series(self.last.particles.iter().map(|p| {
                let shade = 0.25 + 0.75 * (p.weight / wmax).min(1.0);
                Circle::new((p.values[self.a], p.values[self.b]), 4, BLUE.mix(shade).filled())
            }))
            .map_err(err)?;
        Ok(())
    }
}

/// A target's label, observed (value, low, high) and simulated (median, 5%, 95%).
type FitRow = (String, (f64, f64, f64), (f64, f64, f64));

struct Fit<'a> {
    cal: &'a Calibration,
    last: &'a Generation,
}

impl Chart for Fit<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        root.fill(&WHITE).map_err(err)?;
        let targets = &self.cal.targets.targets;
        let rows: Vec<FitRow> = targets
            .iter()
            .map(|t| {
                let (olo, ohi) = t.interval();
                let label =
                    if t.holdout { format!("{} (holdout)", t.name) } else { t.name.clone() };
                (label, (t.value, olo, ohi), simulated(self.cal, self.last, t))
            })
            .collect();
        // Each target on its own scale: positions are relative to the observed interval.
        let n = rows.len() as f64;
        let mut chart = ChartBuilder::on(root)
            .margin(20)
            .x_label_area_size(50)
            .y_label_area_size(260)
            .build_cartesian_2d(-4.0..4.0, -0.5..n - 0.5)
            .map_err(err)?;
        let names: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
        chart
            .configure_mesh()
            .x_desc("difference from the observed value, in standard errors of the target")
            .axis_desc_style(style(16))
            .label_style(style(14))
            .y_labels(rows.len())
            .y_label_formatter(&|y| {
                let i = y.round() as usize;
                if (y - y.round()).abs() < 1e-6 {
                    names.get(i).cloned().unwrap_or_default()
                } else {
                    String::new()
                }
            })
            .light_line_style(WHITE)
            .draw()
            .map_err(err)?;
        for (i, (t, ((obs, olo, ohi), (m, lo, hi)))) in
            targets.iter().zip(rows.iter().map(|r| (r.1, r.2))).enumerate()
        {
            let z = |x: f64| ((x - obs) / t.se()).clamp(-4.0, 4.0);
            let y = i as f64;
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(z(olo), y + 0.15), (z(ohi), y + 0.15)],
                    BLACK.stroke_width(3),
                )))
                .map_err(err)?;
            chart
                .draw_series(std::iter::once(Circle::new((0.0, y + 0.15), 6, BLACK.filled())))
                .map_err(err)?;
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(z(lo), y - 0.15), (z(hi), y - 0.15)],
                    BLUE.stroke_width(3),
                )))
                .map_err(err)?;
            chart
                .draw_series(std::iter::once(Circle::new((z(m), y - 0.15), 6, BLUE.filled())))
                .map_err(err)?;
        }
        Ok(())
    }
}

// ----- report.html -----

fn report_html(
    cal: &Calibration,
    outcome: &Outcome,
    summaries: &[ParameterSummary],
    plots: &[Picture],
) -> String {
    let mut h = String::new();
    let name = &cal.model.base.meta.name;
    let title = format!("reentry calibrate: {name}");
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{0}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{0}</h1>\n",
        esc(&title)
    );
    let last = outcome.generations.last();
    let _ = write!(
        h,
        "<section id=\"setup\"><h2>What was fitted</h2>\n<p>The uncertain parameters of <code>{}</code> \
         (priors: <code>{}</code>) were fitted to the observed statistics in <code>{}</code> by approximate \
         Bayesian computation with sequential Monte Carlo: {} generations of {} particles, {} replications per \
         particle, {} simulated replications in all. The calibration stopped because {}.</p>\n",
        esc(&cal.model.base.files.last().map(|p| p.display().to_string()).unwrap_or_default()),
        esc(&cal.model.priors.file.display().to_string()),
        esc(&cal.targets.file.display().to_string()),
        outcome.generations.len(),
        cal.design.particles,
        cal.model.replications,
        outcome.simulations,
        outcome.stop.words()
    );
    if let Some(g) = last {
        let _ = writeln!(
            h,
            "<p>The final generation has tolerance {} (root mean square distance in standard errors of the \
             targets) and simulated {:.0}% of the scenario's cohort{}.</p>",
            short(g.tolerance),
            100.0 * g.scale,
            if g.scale < 1.0 {
                ": its spread includes extra noise from the smaller cohort"
            } else {
                ""
            }
        );
    }
    h.push_str("</section>\n<section id=\"parameters\"><h2>Parameters: prior and posterior</h2>\n<table>\n<tr><th>parameter</th><th>old assumed value</th><th>prior (90% interval)</th><th>posterior median</th><th>posterior 90% interval</th><th>width vs prior</th><th>prior's source</th></tr>\n");
    for (s, prior) in summaries.iter().zip(&cal.model.priors.priors) {
        let _ = writeln!(
            h,
            "<tr><td><code>{}</code></td><td class=\"num\">{}</td><td>{} ({} to {})</td><td class=\"num\">{}</td><td class=\"num\">{} to {}</td><td class=\"num\">{:.0}%</td><td>{}</td></tr>",
            esc(&s.path),
            short(s.assumed),
            esc(&prior.distribution.describe()),
            short(s.prior_interval.0),
            short(s.prior_interval.1),
            short(s.median),
            short(s.interval.0),
            short(s.interval.1),
            100.0 * s.width_ratio(),
            esc(&prior.source)
        );
    }
    h.push_str("</table>\n</section>\n<section id=\"fit\"><h2>Fit per target</h2>\n<table>\n<tr><th>target</th><th>model output</th><th>observed (95% interval)</th><th>simulated median (90% range)</th><th>source</th></tr>\n");
    if let Some(g) = last {
        for t in &cal.targets.targets {
            let (m, lo, hi) = simulated(cal, g, t);
            let (olo, ohi) = t.interval();
            let _ = writeln!(
                h,
                "<tr><td>{}{}</td><td><code>{}</code></td><td class=\"num\">{} ({} to {})</td><td class=\"num\">{} ({} to {})</td><td>{}</td></tr>",
                esc(&t.name),
                if t.holdout { " <strong>(holdout: not fitted)</strong>" } else { "" },
                esc(&t.output),
                short(t.value),
                short(olo),
                short(ohi),
                short(m),
                short(lo),
                short(hi),
                esc(&t.source)
            );
        }
    }
    h.push_str("</table>\n</section>\n<section id=\"pictures\"><h2>Pictures</h2>\n");
    for p in plots {
        let svg = p.svg.find("<svg").map_or(p.svg.as_str(), |i| &p.svg[i..]);
        let _ = writeln!(
            h,
            "<figure id=\"plot-{0}\">\n<h3>{1}</h3>\n{2}\n<figcaption>{3} <a href=\"plots/{0}.png\">PNG</a> · <a href=\"plots/{0}.svg\">SVG</a></figcaption>\n</figure>",
            p.stem,
            esc(&p.title),
            svg,
            esc(&p.caption)
        );
    }
    h.push_str("</section>\n<section id=\"files\"><h2>Files</h2>\n<p><code>posterior.csv</code> (particles and weights), \
        <code>parameters.csv</code>, <code>fit.csv</code>, <code>generations.csv</code> and <code>calibrated.toml</code> \
        (the input scenario with the posterior medians; run it with <code>reentry run</code>).</p>\n</section>\n</body>\n</html>\n");
    h
}
