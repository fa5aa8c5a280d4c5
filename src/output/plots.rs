//! Pictures for policy readers, drawn from an output folder ([`crate::output::folder::Folder`]) as PNG
//! and SVG: reconviction curves with their 95% bands, costs per payer per year, who pays and
//! who gains, the four recovery dimensions, waiting lists and waits per service, and where the
//! cohort is over time; in English or Dutch ([`Lang`]).
//!
//! Rendering needs no system library: plotters' bitmap and SVG backends with the DejaVu Sans
//! font embedded in the binary (registered once under its own name, so the SVG's
//! `font-family` names it too). Two palettes that share no colour: saturated Okabe–Ito hues
//! for scenarios (a scenario has the same colour in every picture: its position in
//! `summary.json`), and light hues of Paul Tol's "light" scheme for payers and places, so a
//! colour never means both a scenario and a payer. Both stay distinguishable with the common
//! forms of colour blindness. The same folder always gives byte-identical files.

use crate::output::folder::{Folder, PAYER_NAMES, ScenarioInfo};
use crate::output::glyphs::CachedText;
use crate::output::lang::{Lang, Phrase};
use plotters::chart::MeshStyle;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::sync::Once;

/// Okabe–Ito colours for scenarios, in `summary.json` order (baseline first): blue,
/// vermillion, bluish green, reddish purple, and a dark wine for a fifth.
pub const SCENARIO_COLOURS: [RGBColor; 5] = [
    RGBColor(0x00, 0x72, 0xB2),
    RGBColor(0xD5, 0x5E, 0x00),
    RGBColor(0x00, 0x9E, 0x73),
    RGBColor(0xCC, 0x79, 0xA7),
    RGBColor(0x88, 0x22, 0x55),
];

pub fn scenario_colour(i: usize) -> RGBColor {
    SCENARIO_COLOURS[i % SCENARIO_COLOURS.len()]
}

/// `#rrggbb`, for the HTML report's legends.
pub fn hex(c: RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

/// The embedded font's name: plotters looks it up by this name, and the SVG backend writes it
/// as the `font-family` of every text (viewers without DejaVu Sans fall back to their own).
pub const FONT: &str = "DejaVu Sans";
const GREY: RGBColor = RGBColor(0x55, 0x55, 0x55);
/// One picture's size in pixels: wide enough for a laptop screen, legible when printed.
pub const SIZE: (u32, u32) = (1000, 560);

static REGISTER_FONT: Once = Once::new();

/// Registers the embedded DejaVu Sans under [`FONT`] (no system fonts needed).
pub fn register_font() {
    REGISTER_FONT.call_once(|| {
        // DejaVu is a valid font shipped inside the binary: registering it cannot fail.
        for style in [FontStyle::Normal, FontStyle::Bold] {
            let bold = matches!(style, FontStyle::Bold);
            let _ = plotters::style::register_font(FONT, style, font_bytes(bold));
        }
    });
}

/// The embedded font file of [`FONT`], bold or regular: what plotters is given, and what the
/// PNGs' kept glyphs are rasterised from (`output::glyphs`).
pub(crate) fn font_bytes(bold: bool) -> &'static [u8] {
    if bold { dejavu::sans::bold() } else { dejavu::sans::regular() }
}

/// One picture in both formats.
pub struct Plot {
    /// File name without extension, e.g. `reconviction`.
    pub stem: String,
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

// ----- the words of the pictures, in both languages -----

const T_RECONVICTION: Phrase = Phrase::new(
    "Reconviction after release (95% bands)",
    "Nieuwe veroordeling na vrijlating (95%-banden)",
);
const T_COSTS: Phrase = Phrase::new(
    "Cost per released citizen per year, by payer",
    "Kosten per vrijgelaten burger per jaar, per betaler",
);
const T_WHO_PAYS: Phrase = Phrase::new(
    "Who pays, who gains: cost difference per payer",
    "Wie betaalt, wie wint: kostenverschil per betaler",
);
const T_PLACES: Phrase = Phrase::new(
    "Where the cohort is: share in each place over time",
    "Waar het cohort verblijft: aandeel per plek in de tijd",
);
const T_RECOVERY: Phrase = Phrase::new(
    "The four recovery dimensions over time",
    "De vier dimensies van herstel in de tijd",
);
const T_QUEUES: Phrase =
    Phrase::new("Waiting lists per service over time", "Wachtlijsten per voorziening in de tijd");
const T_QUEUE_WAITS: Phrase = Phrase::new(
    "Time waited so far by those on each waiting list",
    "Wachttijd tot nu toe van wie op een wachtlijst staat",
);
const T_WAITS: Phrase = Phrase::new(
    "Mean wait per service after release (95% intervals)",
    "Gemiddelde wachttijd per voorziening na vrijlating (95%-intervallen)",
);

const C_RECONVICTION: Phrase = Phrase::new(
    "Share of released citizens with a new conviction, by time since their first release \
     (Kaplan–Meier, mean over replications); the shaded band, edged by thin lines, is the 95% \
     interval over replications (a thin band means a precise estimate). Lower is better.",
    "Aandeel vrijgelaten burgers met een nieuwe veroordeling, naar tijd sinds hun eerste \
     vrijlating (Kaplan–Meier, gemiddelde over replicaties); de gekleurde band met dunne randen \
     is het 95%-interval over replicaties (een smalle band betekent een precieze schatting). \
     Lager is beter.",
);
const C_COSTS: Phrase = Phrase::new(
    "Mean cost per released citizen in each year of the simulation, discounted, stacked by who \
     pays. Benefits are a transfer: the municipality pays them, but society as a whole does not \
     lose them.",
    "Gemiddelde kosten per vrijgelaten burger in elk jaar van de simulatie, verdisconteerd, \
     gestapeld naar wie betaalt. Uitkeringen zijn een overdracht: de gemeente betaalt ze, maar \
     de samenleving als geheel verliest ze niet.",
);
const C_WHO_PAYS: Phrase = Phrase::new(
    "Paired difference (alternative minus baseline) in discounted cost per released citizen, \
     with 95% intervals. Below zero: that payer saves; above zero: it pays more. The society \
     total leaves out benefits (transfers).",
    "Gepaard verschil (alternatief min basis) in verdisconteerde kosten per vrijgelaten burger, \
     met 95%-intervallen. Onder nul: die betaler bespaart; boven nul: die betaalt meer. Het \
     totaal voor de samenleving laat uitkeringen (overdrachten) weg.",
);
const C_PLACES: Phrase = Phrase::new(
    "Share of the whole cohort in detention, homeless, in a night shelter, in supported housing \
     or in their own home: at day 0 (everyone starts in detention) and at the end of each month \
     (mean over replications).",
    "Aandeel van het hele cohort in detentie, dakloos, in de nachtopvang, in beschermd wonen of \
     in een eigen woning: op dag 0 (iedereen begint in detentie) en aan het eind van elke maand \
     (gemiddelde over replicaties).",
);
const C_RECOVERY: Phrase = Phrase::new(
    "Mean score of the cohort on each recovery dimension (0 = none, 1 = full) at the end of \
     each month: self, person–network, person–society and person–victim. Where scenarios do not \
     differ their lines lie on top of each other.",
    "Gemiddelde score van het cohort op elke dimensie van herstel (0 = geen, 1 = volledig) aan \
     het eind van elke maand: zelf, persoon–netwerk, persoon–samenleving en persoon–slachtoffer. \
     Waar scenario's niet verschillen, liggen hun lijnen op elkaar.",
);
const C_QUEUES: Phrase = Phrase::new(
    "Mean number of people on each waiting list at the end of each month; only services that \
     had a waiting list are shown.",
    "Gemiddeld aantal mensen op elke wachtlijst aan het eind van elke maand; alleen \
     voorzieningen met een wachtlijst staan erin.",
);
const C_QUEUE_WAITS: Phrase = Phrase::new(
    "Mean number of days the people on each waiting list at the end of a month had been waiting \
     so far (counted from referral, which may be inside prison); only services that had a \
     waiting list are shown.",
    "Gemiddeld aantal dagen dat de mensen op elke wachtlijst aan het eind van een maand al \
     wachtten (geteld vanaf de verwijzing, die in de gevangenis kan liggen); alleen \
     voorzieningen met een wachtlijst staan erin.",
);
const C_WAITS: Phrase = Phrase::new(
    "Mean days from release (or referral, if later) to the start of each service, for those who \
     started it, with 95% intervals over replications. Those who never got in are not in these \
     means: see never_started_* and the Kaplan–Meier time to start in waiting_times.csv.",
    "Gemiddeld aantal dagen van vrijlating (of verwijzing, als die later is) tot de start van \
     elke voorziening, voor wie ermee begon, met 95%-intervallen over replicaties. Wie nooit \
     binnenkwam, telt in deze gemiddelden niet mee: zie never_started_* en de Kaplan–Meier-tijd \
     tot start in waiting_times.csv.",
);

const YEARS_SINCE_RELEASE: Phrase =
    Phrase::new("years since first release", "jaren sinds de eerste vrijlating");
const RECONVICTED_SHARE: Phrase = Phrase::new(
    "reconvicted (% of released citizens)",
    "opnieuw veroordeeld (% van de vrijgelaten burgers)",
);
const YEAR_OF_SIMULATION: Phrase = Phrase::new("year of the simulation", "jaar van de simulatie");
const EURO_PER_CITIZEN: Phrase =
    Phrase::new("€ per released citizen (discounted)", "€ per vrijgelaten burger (verdisconteerd)");
const DIFFERENCE_PER_CITIZEN: Phrase = Phrase::new(
    "alternative − baseline, € per released citizen",
    "alternatief − basis, € per vrijgelaten burger",
);
const SAVES_OR_PAYS: Phrase = Phrase::new(
    "below 0 = saves, above 0 = pays more",
    "onder 0 = bespaart, boven 0 = betaalt meer",
);
pub(crate) const MONTHS_SINCE_START: Phrase =
    Phrase::new("months since the start", "maanden sinds de start");
const SHARE_OF_COHORT: Phrase = Phrase::new("% of the cohort", "% van het cohort");
const SCORE: Phrase = Phrase::new("score (0–1)", "score (0–1)");
const PEOPLE_WAITING: Phrase = Phrase::new("people waiting", "aantal wachtenden");
const DAYS_WAITED_SO_FAR: Phrase = Phrase::new("days waited so far", "dagen tot nu toe gewacht");
const DAYS_WAITED_AFTER_RELEASE: Phrase = Phrase::new(
    "days waited after release (mean of those who started)",
    "dagen gewacht na vrijlating (gemiddelde van wie begon)",
);
const NO_WAITING_LISTS: Phrase = Phrase::new(
    "No waiting lists formed in these scenarios.",
    "In deze scenario's ontstonden geen wachtlijsten.",
);
pub(crate) const BASELINE: Phrase = Phrase::new("baseline", "basis");
/// Between an alternative and its baseline: "through-care vs fragmented".
pub(crate) const VERSUS: Phrase = Phrase::new("vs", "t.o.v.");

const JUSTICE: Phrase = Phrase::new("justice", "justitie");
const MUNICIPALITY: Phrase = Phrase::new("municipality", "gemeente");
const HEALTH: Phrase = Phrase::new("health insurance & care", "zorgverzekering & zorg");
const VICTIMS_SOCIETY: Phrase = Phrase::new("victims & society", "slachtoffers & samenleving");
const OTHER_PAYER: Phrase = Phrase::new("other", "overig");
const MUNICIPALITY_INCL_BENEFITS: Phrase =
    Phrase::new("municipality (incl. benefits)", "gemeente (incl. uitkeringen)");
const MUNICIPALITY_SERVICES: Phrase =
    Phrase::new("municipality: services", "gemeente: voorzieningen");
const MUNICIPALITY_BENEFITS: Phrase =
    Phrase::new("municipality: benefits (transfer)", "gemeente: uitkeringen (overdracht)");
const SOCIETY_TOTAL: Phrase = Phrase::new("society (total)", "samenleving (totaal)");

const IN_DETENTION: Phrase = Phrase::new("in detention", "in detentie");
const HOMELESS: Phrase = Phrase::new("homeless", "dakloos");
const NIGHT_SHELTER: Phrase = Phrase::new("night shelter", "nachtopvang");
const SUPPORTED_HOUSING: Phrase = Phrase::new("supported housing", "beschermd wonen");
const OWN_HOME: Phrase = Phrase::new("own home", "eigen woning");

const RECOVERY_NAMES: [Phrase; 4] = [
    Phrase::new("self (personal)", "zelf (persoonlijk)"),
    Phrase::new("person–network", "persoon–netwerk"),
    Phrase::new("person–society", "persoon–samenleving"),
    Phrase::new("person–victim", "persoon–slachtoffer"),
];

/// The shipped services' labels (as the shipped scenarios write them) in both languages, and
/// the two coordination programmes, which have no label of their own. A label a user wrote
/// differently is shown as written.
const SERVICE_LABELS: [Phrase; 12] = [
    Phrase::new("ID papers", "identiteitsbewijs"),
    Phrase::new("social assistance benefit", "bijstandsuitkering"),
    Phrase::new("addiction care", "verslavingszorg"),
    Phrase::new("debt help", "schuldhulpverlening"),
    Phrase::new("night shelter (MO)", "nachtopvang (MO)"),
    Phrase::new("supported housing (BW)", "beschermd wonen (BW)"),
    Phrase::new("own home (social housing)", "eigen woning (sociale huur)"),
    Phrase::new("LVB support", "LVB-ondersteuning"),
    Phrase::new("mental health care", "ggz"),
    Phrase::new("job coaching", "jobcoaching"),
    Phrase::new("case management", "casemanagement"),
    Phrase::new("Veiligheidshuis coordination", "Veiligheidshuis-coördinatie"),
];

/// Every phrase the pictures of a run or compare folder show (for the translation tests).
pub const PHRASES: &[Phrase] = &[
    T_RECONVICTION,
    T_COSTS,
    T_WHO_PAYS,
    T_PLACES,
    T_RECOVERY,
    T_QUEUES,
    T_QUEUE_WAITS,
    T_WAITS,
    C_RECONVICTION,
    C_COSTS,
    C_WHO_PAYS,
    C_PLACES,
    C_RECOVERY,
    C_QUEUES,
    C_QUEUE_WAITS,
    C_WAITS,
    YEARS_SINCE_RELEASE,
    RECONVICTED_SHARE,
    YEAR_OF_SIMULATION,
    EURO_PER_CITIZEN,
    DIFFERENCE_PER_CITIZEN,
    SAVES_OR_PAYS,
    MONTHS_SINCE_START,
    SHARE_OF_COHORT,
    SCORE,
    PEOPLE_WAITING,
    DAYS_WAITED_SO_FAR,
    DAYS_WAITED_AFTER_RELEASE,
    NO_WAITING_LISTS,
    BASELINE,
    VERSUS,
    JUSTICE,
    MUNICIPALITY,
    HEALTH,
    VICTIMS_SOCIETY,
    OTHER_PAYER,
    MUNICIPALITY_INCL_BENEFITS,
    MUNICIPALITY_SERVICES,
    MUNICIPALITY_BENEFITS,
    SOCIETY_TOTAL,
    IN_DETENTION,
    HOMELESS,
    NIGHT_SHELTER,
    SUPPORTED_HOUSING,
    OWN_HOME,
    RECOVERY_NAMES[0],
    RECOVERY_NAMES[1],
    RECOVERY_NAMES[2],
    RECOVERY_NAMES[3],
    SERVICE_LABELS[0],
    SERVICE_LABELS[1],
    SERVICE_LABELS[2],
    SERVICE_LABELS[3],
    SERVICE_LABELS[4],
    SERVICE_LABELS[5],
    SERVICE_LABELS[6],
    SERVICE_LABELS[7],
    SERVICE_LABELS[8],
    SERVICE_LABELS[9],
    SERVICE_LABELS[10],
    SERVICE_LABELS[11],
];

/// Texts written the same in both languages.
pub const SAME_IN_BOTH: &[&str] = &["score (0–1)"];

/// A payer's name (`justice`, `municipality`, `health`, `victims_society`) in both languages.
pub fn payer_phrase(p: &str) -> Phrase {
    match p {
        "justice" => JUSTICE,
        "municipality" => MUNICIPALITY,
        "health" => HEALTH,
        "victims_society" => VICTIMS_SOCIETY,
        _ => OTHER_PAYER,
    }
}

/// A payer's name in English (the CSV files' readers and the classroom page).
pub fn payer_words(p: &str) -> &'static str {
    payer_phrase(p).en
}

/// A service's label in `lang`: the shipped labels are translated, others shown as written.
pub fn service_label(lang: Lang, label: &str) -> String {
    SERVICE_LABELS
        .iter()
        .find(|p| p.en == label)
        .map_or_else(|| label.to_string(), |p| lang.pick(p).to_string())
}

// ----- the payer and place palette (light hues, none of them a scenario colour) -----

/// Paul Tol's "light" scheme and a dark grey: payers and places only.
pub const PAYER_PLACE_COLOURS: [RGBColor; 10] = [
    RGBColor(0x77, 0xAA, 0xDD),
    RGBColor(0xAA, 0xAA, 0x00),
    RGBColor(0xEE, 0xDD, 0x88),
    RGBColor(0x44, 0xBB, 0x99),
    RGBColor(0xFF, 0xAA, 0xBB),
    RGBColor(0x44, 0x44, 0x44),
    RGBColor(0xEE, 0x88, 0x66),
    RGBColor(0xBB, 0xCC, 0x33),
    RGBColor(0x99, 0xDD, 0xFF),
    RGBColor(0xDD, 0xDD, 0xDD),
];

/// Payer segments of the stacked bars, bottom up.
fn payer_segments() -> [(Phrase, RGBColor); 5] {
    let c = PAYER_PLACE_COLOURS;
    [
        (JUSTICE, c[0]),
        (MUNICIPALITY_SERVICES, c[1]),
        (MUNICIPALITY_BENEFITS, c[2]),
        (HEALTH, c[3]),
        (VICTIMS_SOCIETY, c[4]),
    ]
}

/// Places of the cohort, bottom up: the problem places at the bottom in strong hues, the own
/// home (most of the cohort most of the time) in pale grey on top.
fn place_layers() -> [(Phrase, RGBColor); 5] {
    let c = PAYER_PLACE_COLOURS;
    [
        (IN_DETENTION, c[5]),
        (HOMELESS, c[6]),
        (NIGHT_SHELTER, c[7]),
        (SUPPORTED_HOUSING, c[8]),
        (OWN_HOME, c[9]),
    ]
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

    pub fn title(self) -> Phrase {
        match self {
            Kind::Reconviction => T_RECONVICTION,
            Kind::CostsPerYear => T_COSTS,
            Kind::WhoPays => T_WHO_PAYS,
            Kind::Places => T_PLACES,
            Kind::Recovery => T_RECOVERY,
            Kind::Queues => T_QUEUES,
            Kind::QueueWaits => T_QUEUE_WAITS,
            Kind::Waits => T_WAITS,
        }
    }

    pub fn caption(self) -> Phrase {
        match self {
            Kind::Reconviction => C_RECONVICTION,
            Kind::CostsPerYear => C_COSTS,
            Kind::WhoPays => C_WHO_PAYS,
            Kind::Places => C_PLACES,
            Kind::Recovery => C_RECOVERY,
            Kind::Queues => C_QUEUES,
            Kind::QueueWaits => C_QUEUE_WAITS,
            Kind::Waits => C_WAITS,
        }
    }

    /// Whether this folder has what the picture shows (who pays needs a comparison).
    pub fn applies_to(self, f: &Folder) -> bool {
        match self {
            Kind::WhoPays => !f.comparisons.is_empty(),
            _ => true,
        }
    }

    fn draw<DB: DrawingBackend>(
        self,
        root: &DrawingArea<DB, Shift>,
        f: &Folder,
        lang: Lang,
    ) -> DrawResult {
        let body = titled(root, lang.pick(&self.title()))?;
        match self {
            Kind::Reconviction => draw_reconviction(&body, f, lang),
            Kind::CostsPerYear => draw_costs(&body, f, lang),
            Kind::WhoPays => draw_who_pays(&body, f, lang),
            Kind::Places => draw_places(&body, f, lang),
            Kind::Recovery => draw_recovery(&body, f, lang),
            Kind::Queues => draw_queues(&body, f, lang, QueueMeasure::Length),
            Kind::QueueWaits => draw_queues(&body, f, lang, QueueMeasure::DaysWaited),
            Kind::Waits => draw_waits(&body, f, lang),
        }
    }
}

/// A white picture with its title in bold; returns the area below the title.
pub(crate) fn titled<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
) -> Result<DrawingArea<DB, Shift>, String> {
    root.fill(&WHITE).map_err(err)?;
    // Bold from the font's own description: `FontDesc::style` only relabels the regular face,
    // so the PNG's title was drawn regular while the SVG's said bold.
    root.titled(title, (FONT, 26, FontStyle::Bold).into_font()).map_err(err)
}

/// Something drawn the same way on any backend (SVG and bitmap).
pub trait Drawing {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult;
}

/// One kind of picture of one folder in one language.
struct FolderPicture<'a> {
    kind: Kind,
    f: &'a Folder,
    lang: Lang,
}

impl Drawing for FolderPicture<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        self.kind.draw(root, self.f, self.lang)
    }
}

/// Draws every picture that applies to the folder, in both formats, with labels in `lang`.
pub fn render_all(f: &Folder, lang: Lang) -> Result<Vec<Plot>, String> {
    let kinds: Vec<Kind> = KINDS.iter().copied().filter(|k| k.applies_to(f)).collect();
    // Each picture is drawn on its own.
    crate::output::try_map_in_order(kinds, |kind| {
        let (svg, png) = render(SIZE, &FolderPicture { kind, f, lang })?;
        Ok(Plot {
            stem: kind.stem().to_string(),
            title: lang.pick(&kind.title()).to_string(),
            caption: lang.pick(&kind.caption()).to_string(),
            svg,
            png,
        })
    })
}

/// Draws one picture twice, as an SVG document and as PNG bytes, with the embedded font. The
/// two are drawn side by side: the PNG (drawing and encoding) takes several times as long as
/// the SVG, and two pieces of work a picture let the pictures of a report share the threads
/// more evenly.
pub fn render(
    size: (u32, u32),
    picture: &(impl Drawing + Sync),
) -> Result<(String, Vec<u8>), String> {
    register_font();
    let (svg, png) = rayon::join(
        || -> Result<String, String> {
            let mut svg = String::new();
            {
                let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
                picture.draw(&root)?;
                root.present().map_err(err)?;
            }
            Ok(svg)
        },
        || png_of(size, |root| picture.draw(root)),
    );
    // The SVG's error first, as when the two were drawn one after the other.
    Ok((svg?, png?))
}

/// Draws into an RGB pixel buffer and encodes it as PNG in memory (no file, no system library).
pub fn png_of(
    size: (u32, u32),
    draw: impl FnOnce(&DrawingArea<CachedText, Shift>) -> DrawResult,
) -> Result<Vec<u8>, String> {
    let mut pixels = PIXELS.with(|kept| std::mem::take(&mut *kept.borrow_mut()));
    let png = draw_pixels(&mut pixels, size, draw).and_then(|()| encode_png(&pixels, size));
    PIXELS.with(|kept| *kept.borrow_mut() = pixels);
    png
}

thread_local! {
    /// A thread's pixel buffer, kept from one picture to the next. A new buffer's 1.7 MB are
    /// new pages, each zeroed by the kernel on its first write: new buffers caused 700 of the
    /// 5,300 page faults of a shipped run.
    static PIXELS: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The RGB pixels `draw` draws on a picture of `size` (its text from rasterised glyphs kept
/// for reuse, see [`CachedText`]).
#[cfg(test)]
fn pixels_of(
    size: (u32, u32),
    draw: impl FnOnce(&DrawingArea<CachedText, Shift>) -> DrawResult,
) -> Result<Vec<u8>, String> {
    let mut pixels = Vec::new();
    draw_pixels(&mut pixels, size, draw)?;
    Ok(pixels)
}

/// Draws with `draw` on `pixels`, first made a black picture of `size`.
fn draw_pixels(
    pixels: &mut Vec<u8>,
    (w, h): (u32, u32),
    draw: impl FnOnce(&DrawingArea<CachedText, Shift>) -> DrawResult,
) -> Result<(), String> {
    pixels.clear();
    pixels.resize((w as usize) * (h as usize) * 3, 0);
    let root = CachedText::with_buffer(pixels, (w, h)).into_drawing_area();
    draw(&root)?;
    root.present().map_err(err)
}

/// RGB pixels as PNG bytes. Each row is filtered by Paeth's predictor alone rather than by
/// the best of the five filters: on these pictures (flat areas, lines, text) that encodes in
/// about half the instructions for files about 6% larger.
fn encode_png(pixels: &[u8], (w, h): (u32, u32)) -> Result<Vec<u8>, String> {
    use image::ImageEncoder;
    use image::codecs::png::{CompressionType, FilterType, PngEncoder};
    let mut png = Vec::new();
    PngEncoder::new_with_quality(&mut png, CompressionType::Fast, FilterType::Paeth)
        .write_image(pixels, w, h, image::ColorType::Rgb8)
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

/// A legend entry: its words and its colour; [`NO_SWATCH`] for a note without a swatch.
pub(crate) type Entry = (String, RGBColor);
pub(crate) const NO_SWATCH: RGBColor = WHITE;

/// Legend text size and the height of one legend row, in pixels.
pub const LEGEND_TEXT: u32 = 16;
const LEGEND_ROW: i32 = 28;
const SWATCH: i32 = 24;
const ENTRY_GAP: i32 = 22;

/// Where the legend entries go: as many per row as fit in `width`, each row centred. Returns
/// (row, left x) per entry; an entry wider than a row gets a row of its own.
pub fn legend_layout(width: i32, widths: &[i32]) -> Vec<(usize, i32)> {
    let mut rows: Vec<Vec<usize>> = vec![Vec::new()];
    let mut used = 0;
    for (k, w) in widths.iter().enumerate() {
        let row_has_entries = rows.last().is_some_and(|r| !r.is_empty());
        if row_has_entries && used + w > width - 10 {
            rows.push(Vec::new());
            used = 0;
        }
        if let Some(row) = rows.last_mut() {
            row.push(k);
        }
        used += w;
    }
    let mut out = vec![(0, 0); widths.len()];
    for (r, row) in rows.iter().enumerate() {
        let total: i32 = row.iter().map(|k| widths[*k]).sum();
        let mut x = ((width - total) / 2).max(5);
        for &k in row {
            out[k] = (r, x);
            x += widths[k];
        }
    }
    out
}

/// Draws the legend along the bottom of `area`, in as many rows as it needs, and returns the
/// area above it for the chart.
pub(crate) fn legend_below<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[Entry],
) -> Result<DrawingArea<DB, Shift>, String> {
    let (w, h) = area.dim_in_pixel();
    let style = text_style(LEGEND_TEXT, BLACK);
    let widths: Vec<i32> = entries
        .iter()
        .map(|(name, colour)| {
            let (tw, _) =
                area.estimate_text_size(name, &style).unwrap_or((8 * name.len() as u32, 16));
            let swatch = if *colour == NO_SWATCH { 0 } else { SWATCH };
            swatch + tw as i32 + ENTRY_GAP
        })
        .collect();
    let layout = legend_layout(w as i32, &widths);
    let rows = layout.iter().map(|(r, _)| r + 1).max().unwrap_or(1) as i32;
    let (plot, legend) = area.split_vertically(h as i32 - 12 - LEGEND_ROW * rows);
    let left_centre = plotters::style::text_anchor::Pos::new(
        plotters::style::text_anchor::HPos::Left,
        plotters::style::text_anchor::VPos::Center,
    );
    for ((name, colour), (row, x)) in entries.iter().zip(layout) {
        let y = LEGEND_ROW / 2 + LEGEND_ROW * row as i32;
        let mut text_x = x;
        if *colour != NO_SWATCH {
            legend
                .draw(&Rectangle::new([(x, y - 7), (x + 18, y + 7)], colour.filled()))
                .map_err(err)?;
            text_x += SWATCH;
        }
        legend.draw(&Text::new(name.clone(), (text_x, y), style.pos(left_centre))).map_err(err)?;
    }
    Ok(plot)
}

/// One entry per scenario, in its colour.
fn scenario_entries(f: &Folder, lang: Lang) -> Vec<Entry> {
    f.scenarios
        .iter()
        .enumerate()
        .map(|(i, s)| (scenario_words(f, i, s, lang), scenario_colour(i)))
        .collect()
}

fn scenario_words(f: &Folder, i: usize, s: &ScenarioInfo, lang: Lang) -> String {
    if f.is_comparison() && i == 0 {
        format!("{} ({})", s.name, lang.pick(&BASELINE))
    } else {
        s.name.clone()
    }
}

/// Tick labels without a pointless ".0".
fn whole(x: &f64) -> String {
    format!("{x:.0}")
}

/// A euro tick label in `lang`'s number format (€10,000 or € 10.000): unrounded, as ticks
/// are round already, and a Dutch reader must not read 10,000 as ten.
pub(crate) fn euro_tick(lang: Lang, x: f64) -> String {
    let body = lang.number(x.abs(), 0);
    let sign = if x < 0.0 { "−" } else { "" };
    match lang {
        Lang::En => format!("{sign}€{body}"),
        Lang::Nl => format!("{sign}€ {body}"),
    }
}

/// Labels integer positions of a category axis (ticks fall on halves too; those stay blank).
fn category_label(names: &[String], x: f64) -> String {
    let k = x.round();
    if (x - k).abs() > 1e-6 || k < 0.0 {
        return String::new();
    }
    names.get(k as usize).cloned().unwrap_or_default()
}

/// Labels a category axis drawn top down (the first label at the top, position len − 1);
/// ticks between the positions stay blank.
pub(crate) fn top_down_label(labels: &[String], y: f64) -> String {
    let n = labels.len();
    let k = y.round();
    if (y - k).abs() > 1e-6 || k < 0.0 || k as usize >= n {
        return String::new();
    }
    labels[n - 1 - k as usize].clone()
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

/// Month-end states are drawn at the end of their month: `month` 0 is the state on day 30,
/// one month after the start.
fn month_end(month: u32) -> f64 {
    f64::from(month) + 1.0
}

fn months_span(f: &Folder) -> f64 {
    f.scenarios
        .iter()
        .flat_map(|s| s.monthly.last().map(|m| month_end(m.month)))
        .fold(1.0, f64::max)
}

// ----- the pictures -----

fn draw_reconviction<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    f: &Folder,
    lang: Lang,
) -> DrawResult {
    let plot = legend_below(area, &scenario_entries(f, lang))?;
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
        .x_desc(lang.pick(&YEARS_SINCE_RELEASE))
        .x_label_formatter(&|x| {
            if (x - x.round()).abs() < 1e-6 { whole(x) } else { format!("{x:.1}") }
        })
        .y_desc(lang.pick(&RECONVICTED_SHARE))
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
        let upper: Vec<(f64, f64)> = idx
            .iter()
            .filter(|&&k| c.hi[k].is_finite())
            .map(|&k| (x(k), 100.0 * c.hi[k]))
            .collect();
        let lower: Vec<(f64, f64)> = idx
            .iter()
            .filter(|&&k| c.lo[k].is_finite())
            .map(|&k| (x(k), 100.0 * c.lo[k]))
            .collect();
        // The band is filled lightly and edged with thin lines in the scenario's colour, so
        // it stays visible where the bands of several scenarios overlap.
        let band: Vec<(f64, f64)> = upper.iter().chain(lower.iter().rev()).copied().collect();
        chart.draw_series(std::iter::once(Polygon::new(band, colour.mix(0.25)))).map_err(err)?;
        for edge in [upper, lower] {
            chart
                .draw_series(LineSeries::new(edge, colour.mix(0.8).stroke_width(1)))
                .map_err(err)?;
        }
        let line = idx.iter().map(|&k| (x(k), 100.0 * c.mean[k]));
        chart.draw_series(LineSeries::new(line, colour.stroke_width(3))).map_err(err)?;
    }
    Ok(())
}

/// A scenario's yearly cost per payer segment (see [`payer_segments`]).
fn segment_values(s: &ScenarioInfo, year: usize) -> [f64; 5] {
    let at = |p: usize| s.costs.get(p).and_then(|v| v.get(year)).copied().unwrap_or(0.0);
    let transfers = s.transfers.get(year).copied().unwrap_or(0.0);
    [at(0), at(1) - transfers, transfers, at(2), at(3)]
}

fn draw_costs<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    f: &Folder,
    lang: Lang,
) -> DrawResult {
    let entries: Vec<Entry> =
        payer_segments().iter().map(|(n, c)| (lang.pick(n).to_string(), *c)).collect();
    let plot = legend_below(area, &entries)?;
    let years = f.scenarios.iter().map(|s| s.costs[0].len()).max().unwrap_or(1).max(1);
    let totals = f
        .scenarios
        .iter()
        .flat_map(|s| (0..years).map(move |y| segment_values(s, y).iter().sum::<f64>()));
    let ymax = nice_ceiling(finite_max(totals, 1.0));
    let panels = plot.split_evenly((1, f.scenarios.len().max(1)));
    for (i, (s, panel)) in f.scenarios.iter().zip(&panels).enumerate() {
        let caption = scenario_words(f, i, s, lang);
        let mut chart = ChartBuilder::on(panel)
            .margin(12)
            .caption(caption, text_style(19, scenario_colour(i)))
            .x_label_area_size(50)
            .y_label_area_size(if i == 0 { 85 } else { 60 })
            .build_cartesian_2d(0.5f64..years as f64 + 0.5, 0f64..ymax)
            .map_err(err)?;
        let euros = |y: &f64| euro_tick(lang, *y);
        let mut mesh = chart.configure_mesh();
        mesh.x_desc(lang.pick(&YEAR_OF_SIMULATION))
            .house_grid(17, 14)
            .disable_x_mesh()
            .x_labels(2 * years + 1)
            .x_label_formatter(&|x| {
                let k = x.round();
                if (x - k).abs() < 1e-6 { format!("{k:.0}") } else { String::new() }
            })
            .y_label_formatter(&euros);
        if i == 0 {
            mesh.y_desc(lang.pick(&EURO_PER_CITIZEN));
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
    Ok(())
}

fn draw_who_pays<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    f: &Folder,
    lang: Lang,
) -> DrawResult {
    // Alternatives keep their scenario colour (the baseline is scenario 0).
    let mut entries: Vec<Entry> = f
        .comparisons
        .iter()
        .enumerate()
        .map(|(a, c)| {
            let words = format!("{} {} {}", c.alternative, lang.pick(&VERSUS), c.baseline);
            (words, scenario_colour(a + 1))
        })
        .collect();
    entries.push((lang.pick(&SAVES_OR_PAYS).to_string(), NO_SWATCH));
    let plot = legend_below(area, &entries)?;
    let mut names: Vec<String> = PAYER_NAMES
        .iter()
        .map(|p| match *p {
            "municipality" => lang.pick(&MUNICIPALITY_INCL_BENEFITS).to_string(),
            other => lang.pick(&payer_phrase(other)).to_string(),
        })
        .collect();
    names.push(lang.pick(&SOCIETY_TOTAL).to_string());
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
        .y_desc(lang.pick(&DIFFERENCE_PER_CITIZEN))
        .house_grid(17, 15)
        .disable_x_mesh()
        .x_labels(2 * n + 1)
        .x_label_formatter(&|x| category_label(&names, *x))
        .y_label_formatter(&|y| euro_tick(lang, *y))
        .draw()
        .map_err(err)?;
    chart
        .draw_series(LineSeries::new([(-0.5, 0.0), (n as f64 - 0.5, 0.0)], BLACK.stroke_width(2)))
        .map_err(err)?;
    let k = rows.len().max(1) as f64;
    let width = 0.7 / k;
    for (a, row) in rows.iter().enumerate() {
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
    Ok(())
}

fn estimate_triple(e: &crate::output::folder::JsonEstimate) -> [f64; 3] {
    let v = |x: Option<f64>| x.unwrap_or(f64::NAN);
    [v(e.mean), v(e.lo), v(e.hi)]
}

fn draw_places<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    f: &Folder,
    lang: Lang,
) -> DrawResult {
    let entries: Vec<Entry> =
        place_layers().iter().map(|(n, c)| (lang.pick(n).to_string(), *c)).collect();
    let plot = legend_below(area, &entries)?;
    let months = months_span(f);
    let panels = plot.split_evenly((1, f.scenarios.len().max(1)));
    for (i, (s, panel)) in f.scenarios.iter().zip(&panels).enumerate() {
        let mut chart = ChartBuilder::on(panel)
            .margin(12)
            .caption(scenario_words(f, i, s, lang), text_style(19, scenario_colour(i)))
            .x_label_area_size(50)
            .y_label_area_size(if i == 0 { 75 } else { 50 })
            .build_cartesian_2d(0f64..months + 1.0, 0f64..100.0)
            .map_err(err)?;
        let mut mesh = chart.configure_mesh();
        mesh.x_desc(lang.pick(&MONTHS_SINCE_START))
            .x_label_formatter(&whole)
            .house_grid(17, 14)
            .y_label_formatter(&|y| format!("{y:.0}%"));
        if i == 0 {
            mesh.y_desc(lang.pick(&SHARE_OF_COHORT));
        }
        mesh.draw().map_err(err)?;
        let n = s.citizens.max(1) as f64;
        // Day 0: the whole cohort is in prison, waiting for release.
        let mut columns: Vec<(f64, [f64; 5])> = vec![(0.0, [n, 0.0, 0.0, 0.0, 0.0])];
        columns.extend(s.monthly.iter().map(|m| {
            (
                month_end(m.month),
                [m.in_detention, m.homeless, m.shelter, m.supported_housing, m.own_home],
            )
        }));
        // One stacked bar per observation, from its time to the next: the data are states at
        // a moment, and bars need no polygon filling (which leaves gaps at the plot edge in
        // the bitmap backend).
        for (x, layers) in columns {
            let mut base = 0.0;
            for (v, (_, colour)) in layers.iter().zip(place_layers()) {
                let top = base + 100.0 * v / n;
                let bar = Rectangle::new([(x, base), (x + 1.0, top)], colour.filled());
                chart.draw_series(std::iter::once(bar)).map_err(err)?;
                base = top;
            }
        }
    }
    Ok(())
}

fn draw_recovery<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    f: &Folder,
    lang: Lang,
) -> DrawResult {
    let plot = legend_below(area, &scenario_entries(f, lang))?;
    let months = months_span(f);
    let panels = plot.split_evenly((2, 2));
    for (d, panel) in panels.iter().enumerate() {
        let mut chart = ChartBuilder::on(panel)
            .margin(8)
            .caption(lang.pick(&RECOVERY_NAMES[d]), text_style(17, BLACK))
            .x_label_area_size(if d >= 2 { 42 } else { 22 })
            .y_label_area_size(if d % 2 == 0 { 60 } else { 40 })
            .build_cartesian_2d(0f64..months, 0f64..1.0)
            .map_err(err)?;
        let mut mesh = chart.configure_mesh();
        mesh.house_grid(15, 13).x_labels(8).x_label_formatter(&whole).y_labels(3);
        if d >= 2 {
            mesh.x_desc(lang.pick(&MONTHS_SINCE_START));
        }
        if d % 2 == 0 {
            mesh.y_desc(lang.pick(&SCORE));
        }
        mesh.draw().map_err(err)?;
        for (i, s) in f.scenarios.iter().enumerate() {
            let line = s.monthly.iter().map(|m| (month_end(m.month), m.recovery[d]));
            chart
                .draw_series(LineSeries::new(line, scenario_colour(i).stroke_width(3)))
                .map_err(err)?;
        }
    }
    Ok(())
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

    fn axis(self) -> Phrase {
        match self {
            QueueMeasure::Length => PEOPLE_WAITING,
            QueueMeasure::DaysWaited => DAYS_WAITED_SO_FAR,
        }
    }
}

fn draw_queues<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    f: &Folder,
    lang: Lang,
    measure: QueueMeasure,
) -> DrawResult {
    let plot = legend_below(area, &scenario_entries(f, lang))?;
    let services = services_with_queues(f);
    if services.is_empty() {
        plot.draw(&Text::new(lang.pick(&NO_WAITING_LISTS), (60, 200), text_style(22, GREY)))
            .map_err(err)?;
        return Ok(());
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
    axis_strip
        .draw(&Text::new(lang.pick(&measure.axis()), (12, strip_h as i32 / 2), rotated))
        .map_err(err)?;
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
        // The last panel of its column (the bottom row may be short) carries the x axis title.
        let bottom_row = k + cols >= services.len();
        let mut chart = ChartBuilder::on(panel)
            .margin(8)
            .caption(service_label(lang, label), text_style(17, BLACK))
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
            mesh.x_desc(lang.pick(&MONTHS_SINCE_START));
        }
        mesh.draw().map_err(err)?;
        for (i, q) in series {
            let line = q.months.iter().zip(measure.values(q)).map(|(m, w)| (month_end(*m), *w));
            chart
                .draw_series(LineSeries::new(line, scenario_colour(i).stroke_width(3)))
                .map_err(err)?;
        }
    }
    Ok(())
}

fn draw_waits<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    f: &Folder,
    lang: Lang,
) -> DrawResult {
    let plot = legend_below(area, &scenario_entries(f, lang))?;
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
    let labels: Vec<String> = services.iter().map(|(_, l)| service_label(lang, l)).collect();
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
        .x_desc(lang.pick(&DAYS_WAITED_AFTER_RELEASE))
        .x_label_formatter(&whole)
        .house_grid(17, 15)
        .disable_y_mesh()
        .y_labels(2 * n + 1)
        .y_label_formatter(&|y| top_down_label(&labels, *y))
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
    Ok(())
}

/// Texts of an SVG document's `<text>` elements, with their anchor point and font size.
pub fn svg_texts(svg: &str) -> Vec<SvgText> {
    let mut out = Vec::new();
    for piece in svg.split("<text").skip(1) {
        let Some((attrs, rest)) = piece.split_once('>') else { continue };
        let Some((content, _)) = rest.split_once("</text>") else { continue };
        let attr = |name: &str| -> Option<&str> {
            let start = attrs.find(&format!(" {name}=\""))? + name.len() + 3;
            attrs[start..].split('"').next()
        };
        let num = |name: &str| attr(name).and_then(|v| v.parse::<f64>().ok()).unwrap_or(f64::NAN);
        out.push(SvgText {
            text: unescape(content.trim()),
            x: num("x"),
            y: num("y"),
            size: num("font-size"),
            anchor: attr("text-anchor").unwrap_or("start").to_string(),
            family: attr("font-family").unwrap_or("").to_string(),
            rotated: attrs.contains("rotate("),
        });
    }
    out
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&")
}

/// One `<text>` of an SVG picture (see [`svg_texts`]).
#[derive(Debug, Clone, PartialEq)]
pub struct SvgText {
    pub text: String,
    pub x: f64,
    pub y: f64,
    pub size: f64,
    pub anchor: String,
    pub family: String,
    /// Turned (vertical axis titles): its width runs along y.
    pub rotated: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::lang::missing_translations;

    #[test]
    fn a_picture_decodes_to_the_pixels_drawn() {
        let size = (320, 200);
        let draw = |root: &DrawingArea<CachedText, Shift>| -> DrawResult {
            root.fill(&WHITE).map_err(err)?;
            let mut chart = ChartBuilder::on(root)
                .caption("0,1 €", ("DejaVu Sans", 14))
                .build_cartesian_2d(0.0..10.0, 0.0..1.0)
                .map_err(err)?;
            chart.configure_mesh().draw().map_err(err)?;
            let curve = (0..100).map(|k| (k as f64 / 10.0, (k as f64 / 15.0).sin().abs()));
            chart.draw_series(LineSeries::new(curve, BLUE)).map_err(err)?;
            Ok(())
        };
        register_font();
        let pixels = pixels_of(size, draw).unwrap();
        let png = png_of(size, draw).unwrap();
        let decoded = image::load_from_memory(&png).unwrap().into_rgb8();
        assert_eq!(decoded.dimensions(), size);
        assert!(decoded.as_raw() == &pixels, "the PNG is lossless");
        assert!(pixels.iter().any(|&b| b != 255), "something was drawn");
    }

    #[test]
    fn a_picture_drawn_after_another_on_the_same_thread_keeps_nothing_of_it() {
        let size = (64, 40);
        let red = |root: &DrawingArea<CachedText, Shift>| root.fill(&RED).map_err(err);
        // Draws one square only, so anything left of a picture before would show.
        let square = |root: &DrawingArea<CachedText, Shift>| {
            root.draw(&Rectangle::new([(10, 10), (20, 20)], BLUE.filled())).map_err(err)
        };
        let fresh = std::thread::spawn(move || png_of(size, square).unwrap()).join().unwrap();
        png_of((80, 30), red).unwrap();
        png_of(size, red).unwrap();
        assert_eq!(png_of(size, square).unwrap(), fresh);
        let decoded = image::load_from_memory(&fresh).unwrap().into_rgb8();
        assert_eq!(decoded.get_pixel(0, 0).0, [0, 0, 0], "a new picture starts black");
    }

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
        assert_eq!(top_down_label(&names, 1.0), "a");
        assert_eq!(top_down_label(&names, 0.0), "b");
        assert_eq!(top_down_label(&names, 0.5), "");
        assert_eq!(top_down_label(&[], 0.0), "");
    }

    #[test]
    fn euro_ticks_follow_the_language() {
        assert_eq!(euro_tick(Lang::En, 10_000.0), "€10,000");
        assert_eq!(euro_tick(Lang::Nl, 10_000.0), "€ 10.000");
        assert_eq!(euro_tick(Lang::Nl, -2_500.0), "−€ 2.500");
    }

    /// Squared distance in RGB: a crude but monotone measure of how alike two colours look.
    fn distance2(a: RGBColor, b: RGBColor) -> i32 {
        let d = |x: u8, y: u8| i32::from(x) - i32::from(y);
        d(a.0, b.0).pow(2) + d(a.1, b.1).pow(2) + d(a.2, b.2).pow(2)
    }

    #[test]
    fn scenario_colours_and_payer_or_place_colours_are_disjoint_and_apart() {
        let things: Vec<RGBColor> = payer_segments()
            .iter()
            .chain(place_layers().iter())
            .map(|(_, c)| *c)
            .chain(crate::output::sensitivity_plot::TORNADO_COLOURS)
            .collect();
        for s in SCENARIO_COLOURS {
            for t in &things {
                assert_ne!(s, *t, "{} is both a scenario colour and a payer/place colour", hex(s));
                assert!(
                    distance2(s, *t) >= 60 * 60,
                    "scenario colour {} and payer/place colour {} look alike",
                    hex(s),
                    hex(*t)
                );
            }
        }
        // Within each palette every colour means one thing.
        let mut all: Vec<String> = SCENARIO_COLOURS.iter().map(|c| hex(*c)).collect();
        all.dedup();
        assert_eq!(all.len(), SCENARIO_COLOURS.len());
        let mut pp: Vec<String> =
            payer_segments().iter().chain(place_layers().iter()).map(|(_, c)| hex(*c)).collect();
        pp.sort();
        pp.dedup();
        assert_eq!(pp.len(), 10, "payers and places each have their own colour");
    }

    #[test]
    fn every_picture_phrase_has_its_dutch_text() {
        assert_eq!(missing_translations(PHRASES, SAME_IN_BOTH), Vec::<&str>::new());
        let all_kinds: Vec<Phrase> = KINDS.iter().flat_map(|k| [k.title(), k.caption()]).collect();
        for p in all_kinds {
            assert!(PHRASES.contains(&p), "{} is not in PHRASES", p.en);
        }
    }

    #[test]
    fn shipped_service_labels_are_translated_and_others_kept() {
        assert_eq!(service_label(Lang::Nl, "debt help"), "schuldhulpverlening");
        assert_eq!(service_label(Lang::En, "debt help"), "debt help");
        assert_eq!(service_label(Lang::Nl, "my own service"), "my own service");
    }

    #[test]
    fn legends_wrap_into_rows_that_fit() {
        let layout = legend_layout(1000, &[300, 300, 300, 300]);
        assert_eq!(layout.iter().map(|(r, _)| *r).collect::<Vec<_>>(), [0, 0, 0, 1]);
        for (k, (_, x)) in layout.iter().enumerate() {
            assert!(*x >= 0 && x + 300 <= 1000, "entry {k} at {x}");
        }
        // Centred: one short row sits in the middle.
        assert_eq!(legend_layout(1000, &[200]), [(0, 400)]);
    }

    #[test]
    fn svg_texts_are_read_with_their_attributes() {
        let svg = "<svg><text x=\"5\" y=\"7\" font-family=\"DejaVu Sans\" font-size=\"12\">a &amp; b</text></svg>";
        let t = svg_texts(svg);
        assert_eq!(t.len(), 1);
        assert_eq!((t[0].text.as_str(), t[0].x, t[0].y, t[0].size), ("a & b", 5.0, 7.0, 12.0));
        assert_eq!(t[0].family, "DejaVu Sans");
    }
}
