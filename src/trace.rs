//! One citizen's life story: a dated timeline of detention, release, referrals, waits,
//! services started and dropped, relapses, offences and costs — as text and as a picture.
//!
//! The engine is not changed for this: the story is read off a normal replication by stepping
//! a [`World`] day by day and comparing the traced citizen's state before and after each day.
//! Costs come from the engine's own bookkeeping for one traced citizen (`traced_cost`). Because
//! every random number is a function of (seed, replication, citizen, day), the same citizen
//! under two regimes is the same person with the same luck (common random numbers), so a
//! teacher can put the two stories side by side.

use crate::costs::PAYERS;
use crate::engine::{DOMAINS, World, month_of};
use crate::output::format::thousands;
use crate::output::lang::{Lang, Phrase};
use crate::output::plots::{FONT, PAYER_PLACE_COLOURS, scenario_colour, service_label};
use crate::population::{Addiction, Citizen, Housing, Income, NEVER, Place, Restorative};
use crate::scenario::{Domain, Scenario};
use crate::services::{Episode, Status};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::fmt::Write as _;

/// One thing that happened on one day.
#[derive(Debug, Clone, PartialEq)]
pub struct TraceEvent {
    pub day: u32,
    pub text: String,
    /// Euros booked for this person on that day beyond the day before (a new cost: an
    /// intake, an arrest, a court case, a victim; not the running daily costs), all payers,
    /// benefits not included. Only on the first event of a day.
    pub cost: f64,
}

/// What the picture needs of one day: where the person is and which services are open.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DayState {
    pub place: Place,
    pub housing: Housing,
    pub income: Income,
    pub addiction: Addiction,
}

/// One citizen's story in one scenario.
#[derive(Debug, Clone)]
pub struct Story {
    pub scenario: String,
    /// Position of the scenario on the command line, for its colour.
    pub scenario_index: usize,
    pub citizen: u32,
    pub replication: u32,
    pub horizon_days: u32,
    pub profile: String,
    pub events: Vec<TraceEvent>,
    /// State at the end of each day.
    pub days: Vec<DayState>,
    /// Per programme: its label and its status at the end of each day.
    pub programmes: Vec<(String, Vec<Status>)>,
    /// Days with an offence.
    pub offences: Vec<u32>,
    /// Cumulative costs per payer (PAYERS order) at the end of the horizon.
    pub costs: [f64; 4],
    pub benefits_received: f64,
    pub end: Citizen,
}

/// "day 123 (month 4)": day 0 is the first day of the simulation.
pub fn date(day: u32) -> String {
    format!("day {day} (month {})", month_of(day))
}

/// Checks a citizen number against the cohort, naming the allowed range.
pub fn check_citizen(sc: &Scenario, citizen: u32) -> Result<(), String> {
    let n = sc.population.size;
    if citizen >= n {
        return Err(format!(
            "citizen {citizen} does not exist: scenario {} has {n} citizens, numbered 0 to {}",
            sc.meta.name,
            n.saturating_sub(1)
        ));
    }
    Ok(())
}

/// `k` different citizens picked from the seed (the same every time), in increasing order.
pub fn sample_citizens(sc: &Scenario, k: u32) -> Vec<u32> {
    let n = sc.population.size;
    let mut chosen: Vec<u32> = Vec::new();
    let mut j = 0u32;
    while (chosen.len() as u32) < k.min(n) {
        // A stream of its own (replication u32::MAX is never simulated).
        let pick = (crate::rng::citizen_key(sc.meta.seed, u32::MAX, j) % n as u64) as u32;
        if !chosen.contains(&pick) {
            chosen.push(pick);
        }
        j += 1;
    }
    chosen.sort_unstable();
    chosen
}

/// Everything about the person the story compares from one day to the next.
#[derive(Clone)]
pub(crate) struct Snapshot {
    pub(crate) c: Citizen,
    episodes: Vec<Episode>,
    cost: [f64; 4],
}

impl Snapshot {
    pub(crate) fn of(w: &World, i: usize) -> Self {
        let np = w.t.programmes;
        Self {
            c: w.citizens[i].clone(),
            episodes: w.episodes[i * np..(i + 1) * np].to_vec(),
            cost: w.traced_cost,
        }
    }
}

pub(crate) fn programme_labels(sc: &Scenario) -> Vec<String> {
    sc.services
        .iter()
        .map(|s| s.label.clone())
        .chain(["case manager".to_string(), "Veiligheidshuis coordination".to_string()])
        .collect()
}

/// Simulates replication `replication` of `sc` and tells citizen `citizen`'s story.
pub fn trace(
    sc: &Scenario,
    scenario_index: usize,
    citizen: u32,
    replication: u32,
) -> Result<Story, String> {
    check_citizen(sc, citizen)?;
    let i = citizen as usize;
    let labels = programme_labels(sc);
    let mut world = World::new(sc, replication);
    world.traced = citizen;
    let profile = profile(sc, &world.citizens[i]);
    let mut before = Snapshot::of(&world, i);
    let mut events = Vec::new();
    let mut days = Vec::new();
    let mut programmes: Vec<(String, Vec<Status>)> =
        labels.iter().map(|l| (l.clone(), Vec::new())).collect();
    let mut offences = Vec::new();
    let mut year_end_costs = Vec::new();
    let mut yesterday = 0.0;
    while (world.day as u32) < sc.meta.horizon_days {
        let d = world.day as u32;
        // A story follows its person every day: the daily engine, whatever the scenario's.
        world.step();
        let after = Snapshot::of(&world, i);
        let cost: f64 = (0..4).map(|p| after.cost[p] - before.cost[p]).sum();
        let texts = describe_day(sc, &labels, d, &before, &after);
        let first = events.len();
        events.extend(texts.into_iter().map(|text| TraceEvent { day: d, text, cost: 0.0 }));
        if let Some(e) = events.get_mut(first) {
            e.cost = (cost - yesterday).max(0.0);
        }
        yesterday = cost;
        if after.c.counters.offences > before.c.counters.offences {
            offences.push(d);
        }
        let c = &after.c;
        days.push(DayState {
            place: c.place,
            housing: c.housing,
            income: c.income,
            addiction: c.addiction,
        });
        for (p, e) in after.episodes.iter().enumerate() {
            programmes[p].1.push(e.status);
        }
        if (d + 1).is_multiple_of(365) {
            year_end_costs.push((d, after.cost, world.traced_transfers));
        }
        before = after;
    }
    for (d, cost, benefits) in year_end_costs {
        events.push(TraceEvent { day: d, text: cost_line(d, &cost, benefits), cost: 0.0 });
    }
    // Year-end lines go after that day's events; the sort is stable.
    events.sort_by_key(|e| e.day);
    // Keep only programmes the person ever met, in scenario order.
    programmes.retain(|(_, statuses)| statuses.iter().any(|s| *s != Status::None));
    Ok(Story {
        scenario: sc.meta.name.clone(),
        scenario_index,
        citizen,
        replication,
        horizon_days: sc.meta.horizon_days,
        profile,
        events,
        days,
        programmes,
        offences,
        costs: world.traced_cost,
        benefits_received: world.traced_transfers,
        end: world.citizens[i].clone(),
    })
}

fn cost_line(d: u32, cost: &[f64; 4], benefits: f64) -> String {
    let parts: Vec<String> = PAYERS
        .iter()
        .zip(cost)
        .map(|(p, c)| format!("{} €{}", crate::output::plots::payer_words(p.name()), thousands(*c)))
        .collect();
    format!(
        "end of year {}: costs so far {} (benefits received €{})",
        (d + 1) / 365,
        parts.join(", "),
        thousands(benefits)
    )
}

fn domain_word(d: Domain) -> &'static str {
    match d {
        Domain::Addiction => "addiction",
        Domain::Debt => "debt",
        Domain::Housing => "housing",
        Domain::Income => "income",
        Domain::Id => "ID papers",
        Domain::Lvb => "LVB",
        Domain::Psychiatric => "psychiatric",
        Domain::Work => "work",
    }
}

fn housing_word(h: Housing) -> &'static str {
    match h {
        Housing::Own => "own home",
        Housing::Shelter => "night shelter",
        Housing::Supported => "supported housing",
        Housing::Homeless => "homeless",
    }
}

fn income_word(i: Income) -> &'static str {
    match i {
        Income::None => "no income",
        Income::Benefit => "benefit",
        Income::Work => "work",
    }
}

fn addiction_word(a: Addiction) -> &'static str {
    match a {
        Addiction::None => "no addiction",
        Addiction::Remission => "addiction in remission",
        Addiction::Active => "active addiction",
    }
}

/// Who the person is on day 0.
pub(crate) fn profile(sc: &Scenario, c: &Citizen) -> String {
    let t = &c.traits;
    let mut problems: Vec<&str> = Vec::new();
    if c.addiction == Addiction::Active {
        problems.push("active addiction");
    }
    if c.debt as f64 >= sc.hazards.problematic_debt_threshold {
        problems.push("problematic debt");
    }
    if t.lvb() {
        problems.push("LVB");
    }
    if t.psychiatric() {
        problems.push("psychiatric problem");
    }
    if c.housing == Housing::Homeless {
        problems.push("no home");
    }
    if c.income == Income::None {
        problems.push("no income");
    }
    if !c.has_id {
        problems.push("no ID papers");
    }
    let problems = if problems.is_empty() { "none".to_string() } else { problems.join(", ") };
    format!(
        "{} aged {:.0}, {} prior convictions{}{}; debt €{}; {} before detention, {}.\n\
         Problems: {problems}.\nIn detention until {}.",
        if t.male() { "a man" } else { "a woman" },
        t.age_at_start,
        t.priors,
        if t.prolific() { " (prolific offender)" } else { "" },
        if t.has_children() { ", has minor children" } else { "" },
        thousands(c.debt as f64),
        housing_word(c.housing),
        income_word(c.income),
        date(c.release_day as u32)
    )
}

/// The events of day `d`, read off the difference between two snapshots.
pub(crate) fn describe_day(
    sc: &Scenario,
    labels: &[String],
    d: u32,
    b: &Snapshot,
    a: &Snapshot,
) -> Vec<String> {
    let mut out = Vec::new();
    let (cb, ca) = (&b.c, &a.c);
    let (kb, ka) = (&cb.counters, &ca.counters);
    if ka.offences > kb.offences {
        out.push("commits an offence".to_string());
    }
    if ka.arrests > kb.arrests {
        out.push("arrested by the police".to_string());
    }
    if ka.convictions > kb.convictions {
        out.push("convicted".to_string());
    }
    if ka.violations > kb.violations {
        out.push("violates a probation condition".to_string());
    }
    if ka.incidents > kb.incidents {
        out.push("incident in the facility".to_string());
    }
    match (cb.place, ca.place) {
        (Place::Community, Place::Detention) => out.push(format!(
            "detained until {} ({} days)",
            date(ca.release_day as u32),
            ca.release_day.saturating_sub(d as u16)
        )),
        (Place::Detention, Place::Community) => out.push(if cb.firsts.release == NEVER {
            "released from prison".to_string()
        } else {
            "released again".to_string()
        }),
        _ => {}
    }
    let new_needs = ca.known_needs & !cb.known_needs;
    if new_needs != 0 {
        let words: Vec<&str> = DOMAINS
            .iter()
            .enumerate()
            .filter(|(k, _)| new_needs & (1 << k) != 0)
            .map(|(_, dm)| domain_word(*dm))
            .collect();
        out.push(format!("needs identified: {}", words.join(", ")));
    }
    if ca.probation_until > cb.probation_until && ca.probation_until as u32 > d {
        out.push(format!("probation supervision until {}", date(ca.probation_until as u32)));
    }
    for (p, label) in labels.iter().enumerate() {
        // Waits as services.csv counts them: from release at the earliest.
        let community = ca.place == Place::Community;
        let waited = |since: u16| {
            crate::services::days_waited(since, ca.last_release_day, community, d as u16)
        };
        if let Some(text) = describe_episode(label, &waited, &b.episodes[p], &a.episodes[p]) {
            out.push(text);
        }
    }
    if ca.housing != cb.housing {
        out.push(format!("housing: {} → {}", housing_word(cb.housing), housing_word(ca.housing)));
    }
    if ca.income != cb.income {
        out.push(format!("income: {} → {}", income_word(cb.income), income_word(ca.income)));
    }
    if ca.has_id && !cb.has_id {
        out.push("has valid ID papers".to_string());
    }
    if ca.addiction != cb.addiction {
        let what = match (cb.addiction, ca.addiction) {
            (Addiction::Remission, Addiction::Active) => "relapse into active addiction".into(),
            (Addiction::Active, Addiction::Remission) => "addiction in remission".into(),
            (x, y) => format!("{} → {}", addiction_word(x), addiction_word(y)),
        };
        out.push(what);
    }
    if ka.debts_resolved > kb.debts_resolved {
        out.push("debts resolved".to_string());
    }
    let threshold = sc.hazards.problematic_debt_threshold;
    if (ca.debt as f64) >= threshold && (cb.debt as f64) < threshold {
        out.push(format!("debts became problematic (€{})", thousands(ca.debt as f64)));
    }
    if ca.restorative != cb.restorative {
        let what = match ca.restorative {
            Restorative::Ongoing => "takes part in a restorative-justice process",
            Restorative::Completed => "completes the restorative-justice process",
            Restorative::Failed => "restorative-justice process ends without result",
            Restorative::Declined => "declines a restorative-justice offer",
            Restorative::NotOffered => "restorative offer withdrawn",
        };
        out.push(what.to_string());
    }
    if ca.child_contact && !cb.child_contact {
        out.push("child–parent contact supported during detention".to_string());
    }
    out
}

/// What changed in one episode; `waited` gives the days waited since a referral day.
fn describe_episode(
    label: &str,
    waited: &dyn Fn(u16) -> u16,
    b: &Episode,
    a: &Episode,
) -> Option<String> {
    if a == b {
        return None;
    }
    let text = match (b.status, a.status) {
        (_, Status::Waiting) => format!("referred to {label}: on the waiting list"),
        (Status::Waiting, Status::Active) => {
            format!("starts {label} after waiting {} days", waited(b.since))
        }
        (_, Status::Active) => format!("starts {label}"),
        (Status::Waiting, Status::Finished) => {
            format!("{label}: granted after {} days", waited(b.since))
        }
        (Status::Active, Status::Finished) => format!("completes {label}"),
        (_, Status::Finished) => format!("{label}: arranged the same day"),
        (_, Status::DroppedOut) => format!("drops out of {label}"),
        (Status::Waiting, Status::Interrupted) => format!("leaves the waiting list of {label}"),
        (_, Status::Interrupted) => format!("{label} interrupted"),
        (_, Status::None) => return None,
    };
    Some(text)
}

/// The story as text for the terminal.
pub fn story_text(s: &Story) -> String {
    let mut out = format!(
        "{} — citizen {} (replication {})\n{}\n(+€ today: new costs that day, beyond the running \
         daily costs of prison, probation and services)\n\n",
        s.scenario, s.citizen, s.replication, s.profile
    );
    for e in &s.events {
        let cost = if e.cost >= 0.5 {
            format!("  (+€{} today)", thousands(e.cost))
        } else {
            String::new()
        };
        let _ = writeln!(out, "{:>22}  {}{cost}", date(e.day), e.text);
    }
    let total: f64 = s.costs.iter().sum();
    let _ = writeln!(
        out,
        "\nAfter {} days: {}, {}, {} days in detention after release, {} days homeless, {} days \
         without income; cost to society €{} (plus €{} in benefits).",
        s.horizon_days,
        count(s.end.counters.offences, "offence"),
        count(s.end.counters.convictions, "conviction"),
        s.end.counters.detention_days_after_release,
        s.end.counters.days_homeless,
        s.end.counters.days_without_income,
        thousands(total),
        thousands(s.benefits_received)
    );
    out
}

/// "1 offence", "2 offences".
fn count(n: u16, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

/// One line of the side-by-side table: its name and how to read it off a story.
type Row = (&'static str, fn(&Story) -> String);

/// The stories' end points next to each other (same citizen, different regimes).
pub fn side_by_side(stories: &[Story]) -> String {
    let mut out = format!("{:<36}", "");
    for s in stories {
        let _ = write!(out, "{:>18}", format!("{} #{}", short(&s.scenario), s.citizen));
    }
    out.push('\n');
    let rows: [Row; 6] = [
        ("offences", |s| s.end.counters.offences.to_string()),
        ("days in detention after release", |s| {
            s.end.counters.detention_days_after_release.to_string()
        }),
        ("days homeless", |s| s.end.counters.days_homeless.to_string()),
        ("days without income", |s| s.end.counters.days_without_income.to_string()),
        ("days in active addiction", |s| s.end.counters.days_active_addiction.to_string()),
        ("cost to society", |s| format!("€{}", thousands(s.costs.iter().sum()))),
    ];
    for (name, value) in rows {
        let _ = write!(out, "{name:<36}");
        for s in stories {
            let _ = write!(out, "{:>18}", value(s));
        }
        out.push('\n');
    }
    out
}

fn short(name: &str) -> String {
    name.chars().take(14).collect()
}

// ----- the picture -----

const LANE_HEIGHT: u32 = 24;
const WIDTH: u32 = 1200;

const STATE_LANES: [Phrase; 5] = [
    Phrase::new("place", "verblijf"),
    Phrase::new("housing", "wonen"),
    Phrase::new("income", "inkomen"),
    Phrase::new("addiction", "verslaving"),
    Phrase::new("offences", "delicten"),
];

/// Lanes of one story, top to bottom: state lanes, then one per service the person met.
fn lanes(s: &Story, lang: Lang) -> Vec<String> {
    let mut l: Vec<String> = STATE_LANES.iter().map(|x| lang.pick(x).to_string()).collect();
    l.extend(s.programmes.iter().map(|(label, _)| service_label(lang, label)));
    l
}

fn panel_height(s: &Story) -> u32 {
    85 + LANE_HEIGHT * (STATE_LANES.len() + s.programmes.len()) as u32
}

/// Height of the whole picture for these stories.
pub fn timeline_size(stories: &[Story]) -> (u32, u32) {
    (WIDTH, 50 + 70 + stories.iter().map(panel_height).sum::<u32>())
}

// States take the colours of the places picture (and benefits that of the benefit payer), so
// no lane borrows a scenario colour: the panel caption is the only thing in scenario colour.
const DETENTION: RGBColor = PAYER_PLACE_COLOURS[5];
const GOOD: RGBColor = PAYER_PLACE_COLOURS[9];
const BAD: RGBColor = PAYER_PLACE_COLOURS[6];
const MIDDLE: RGBColor = PAYER_PLACE_COLOURS[7];
const SKY: RGBColor = PAYER_PLACE_COLOURS[8];
const YELLOW: RGBColor = PAYER_PLACE_COLOURS[2];
const WAITING: RGBColor = PAYER_PLACE_COLOURS[4];
const ACTIVE: RGBColor = PAYER_PLACE_COLOURS[3];

const LEGEND: [(Phrase, RGBColor); 8] = [
    (Phrase::new("in detention", "in detentie"), DETENTION),
    (Phrase::new("own home / work / no addiction", "eigen woning / werk / geen verslaving"), GOOD),
    (Phrase::new("supported housing / remission", "beschermd wonen / remissie"), SKY),
    (Phrase::new("night shelter", "nachtopvang"), MIDDLE),
    (Phrase::new("benefit", "uitkering"), YELLOW),
    (
        Phrase::new(
            "homeless / no income / active addiction",
            "dakloos / geen inkomen / actieve verslaving",
        ),
        BAD,
    ),
    (Phrase::new("waiting for a service", "wacht op een voorziening"), WAITING),
    (Phrase::new("in a service", "in een voorziening"), ACTIVE),
];
const OFFENCE: Phrase = Phrase::new("offence (▲)", "delict (▲)");
const CITIZEN_CAPTION: Phrase =
    Phrase::new("citizen {c} (replication {r})", "burger {c} (replicatie {r})");
const MONTHS: Phrase = Phrase::new("months since the start", "maanden sinds de start");
const ONE_STORY: Phrase = Phrase::new(
    "Life story of citizen {c} under {scenario}",
    "Levensloop van burger {c} onder {scenario}",
);
const ONE_CITIZEN_SCENARIOS: Phrase = Phrase::new(
    "Life story of citizen {c}: the same person, the same luck, under each scenario",
    "Levensloop van burger {c}: dezelfde persoon, hetzelfde toeval, onder elk scenario",
);
const SAMPLE_ONE_SCENARIO: Phrase = Phrase::new(
    "Life stories of {k} sampled citizens under {scenario}",
    "Levenslopen van {k} getrokken burgers onder {scenario}",
);
const SAMPLE_SCENARIOS: Phrase = Phrase::new(
    "Life stories of {k} sampled citizens, each under {s} scenarios with the same luck",
    "Levenslopen van {k} getrokken burgers, elk onder {s} scenario's met hetzelfde toeval",
);

/// The timeline's phrases (for the translation tests).
pub fn picture_phrases() -> Vec<Phrase> {
    let mut out: Vec<Phrase> = STATE_LANES.to_vec();
    out.extend(LEGEND.iter().map(|(p, _)| *p));
    out.extend([
        OFFENCE,
        CITIZEN_CAPTION,
        MONTHS,
        ONE_STORY,
        ONE_CITIZEN_SCENARIOS,
        SAMPLE_ONE_SCENARIO,
        SAMPLE_SCENARIOS,
    ]);
    out
}

/// The title says what the picture holds: one citizen or a sample, under one scenario or
/// several side by side.
pub fn timeline_title(stories: &[Story], lang: Lang) -> String {
    let mut citizens: Vec<u32> = stories.iter().map(|s| s.citizen).collect();
    citizens.sort_unstable();
    citizens.dedup();
    let mut scenarios: Vec<usize> = stories.iter().map(|s| s.scenario_index).collect();
    scenarios.sort_unstable();
    scenarios.dedup();
    let first = stories.first();
    let phrase = match (citizens.len(), scenarios.len()) {
        (1, 1) => ONE_STORY,
        (1, _) => ONE_CITIZEN_SCENARIOS,
        (_, 1) => SAMPLE_ONE_SCENARIO,
        _ => SAMPLE_SCENARIOS,
    };
    lang.pick(&phrase)
        .replace("{c}", &first.map_or(String::new(), |s| s.citizen.to_string()))
        .replace("{k}", &citizens.len().to_string())
        .replace("{s}", &scenarios.len().to_string())
        .replace("{scenario}", first.map_or("", |s| s.scenario.as_str()))
}

/// Colour of a lane on one day (None = nothing to draw).
fn lane_colour(s: &Story, lane: usize, day: usize) -> Option<RGBColor> {
    let st = &s.days[day];
    match lane {
        0 => (st.place == Place::Detention).then_some(DETENTION),
        1 if st.place == Place::Detention => None,
        1 => Some(match st.housing {
            Housing::Own => GOOD,
            Housing::Supported => SKY,
            Housing::Shelter => MIDDLE,
            Housing::Homeless => BAD,
        }),
        2 if st.place == Place::Detention => None,
        2 => Some(match st.income {
            Income::None => BAD,
            Income::Benefit => YELLOW,
            Income::Work => GOOD,
        }),
        3 => Some(match st.addiction {
            Addiction::None => GOOD,
            Addiction::Remission => SKY,
            Addiction::Active => BAD,
        }),
        4 => None,
        k => match s.programmes.get(k - 5).map(|(_, v)| v[day]) {
            Some(Status::Waiting) => Some(WAITING),
            Some(Status::Active) => Some(ACTIVE),
            _ => None,
        },
    }
}

fn err<E: std::fmt::Display>(e: E) -> String {
    format!("cannot draw the timeline: {e}")
}

/// Draws all stories one under the other on a common time axis.
pub fn draw_timeline<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    stories: &[Story],
    lang: Lang,
) -> Result<(), String> {
    root.fill(&WHITE).map_err(err)?;
    let body = root.titled(&timeline_title(stories, lang), (FONT, 24)).map_err(err)?;
    let (_, h) = body.dim_in_pixel();
    let (panels_area, legend_area) = body.split_vertically(h as i32 - 70);
    let heights: Vec<u32> = stories.iter().map(panel_height).collect();
    let mut rest = panels_area;
    for (s, height) in stories.iter().zip(heights) {
        let (panel, below) = rest.split_vertically(height as i32);
        draw_story(&panel, s, lang)?;
        rest = below;
    }
    draw_legend(&legend_area, lang)
}

fn draw_story<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    s: &Story,
    lang: Lang,
) -> Result<(), String> {
    let names = lanes(s, lang);
    let n = names.len();
    let months = s.horizon_days as f64 * 12.0 / 365.25;
    let who = lang
        .pick(&CITIZEN_CAPTION)
        .replace("{c}", &s.citizen.to_string())
        .replace("{r}", &s.replication.to_string());
    let caption = format!("{} — {who}", s.scenario);
    let colour = scenario_colour(s.scenario_index);
    let caption_style = TextStyle {
        font: (FONT, 18).into_font(),
        color: colour.to_backend_color(),
        pos: plotters::style::text_anchor::Pos::default(),
    };
    let mut chart = ChartBuilder::on(area)
        .margin_left(10)
        .margin_right(20)
        .caption(caption, caption_style)
        .x_label_area_size(45)
        .y_label_area_size(250)
        .build_cartesian_2d(0f64..months, 0f64..n as f64)
        .map_err(err)?;
    let label = |y: &f64| {
        let k = (n as f64 - y - 0.5).round();
        if (n as f64 - y - 0.5 - k).abs() > 1e-6 || k < 0.0 {
            return String::new();
        }
        names.get(k as usize).cloned().unwrap_or_default()
    };
    chart
        .configure_mesh()
        .x_desc(lang.pick(&MONTHS))
        .label_style((FONT, 13))
        .axis_desc_style((FONT, 14))
        .light_line_style(WHITE)
        .bold_line_style(BLACK.mix(0.1))
        .disable_y_mesh()
        .y_labels(2 * n + 1)
        .y_label_formatter(&label)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .draw()
        .map_err(err)?;
    let to_month = |day: usize| day as f64 * 12.0 / 365.25;
    for lane in 0..n {
        let top = (n - lane) as f64 - 0.15;
        let bottom = (n - lane - 1) as f64 + 0.15;
        // Runs of days with the same colour become one bar.
        let mut start = 0;
        while start < s.days.len() {
            let c = lane_colour(s, lane, start);
            let mut end = start + 1;
            while end < s.days.len() && lane_colour(s, lane, end) == c {
                end += 1;
            }
            if let Some(c) = c {
                let bar =
                    Rectangle::new([(to_month(start), bottom), (to_month(end), top)], c.filled());
                chart.draw_series(std::iter::once(bar)).map_err(err)?;
            }
            start = end;
        }
    }
    let y = (n - 4) as f64 - 0.5;
    let marks = s
        .offences
        .iter()
        .map(|d| TriangleMarker::new((to_month(*d as usize), y), 6, BLACK.filled()));
    chart.draw_series(marks).map_err(err)?;
    Ok(())
}

fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    lang: Lang,
) -> Result<(), String> {
    let style = TextStyle::from((FONT, 14).into_font());
    let mut entries: Vec<(String, Option<RGBColor>)> =
        LEGEND.iter().map(|(n, c)| (lang.pick(n).to_string(), Some(*c))).collect();
    entries.push((lang.pick(&OFFENCE).to_string(), None));
    // Entries flow left to right and wrap, each as wide as its text.
    let (width, _) = area.dim_in_pixel();
    let (mut x, mut y) = (20i32, 10i32);
    for (name, colour) in &entries {
        let text_width = area.estimate_text_size(name, &style).map(|(w, _)| w).unwrap_or(200);
        let step = text_width as i32 + 50;
        if x + step > width as i32 {
            x = 20;
            y += 28;
        }
        match colour {
            Some(c) => {
                area.draw(&Rectangle::new([(x, y), (x + 16, y + 14)], c.filled())).map_err(err)?
            }
            None => {
                area.draw(&TriangleMarker::new((x + 8, y + 8), 6, BLACK.filled())).map_err(err)?
            }
        }
        area.draw(&Text::new(name.clone(), (x + 22, y), style.clone())).map_err(err)?;
        x += step;
    }
    Ok(())
}

/// The timeline as an SVG document and as PNG bytes.
pub fn render_timeline(stories: &[Story], lang: Lang) -> Result<(String, Vec<u8>), String> {
    crate::output::plots::render(timeline_size(stories), &Timeline { stories, lang })
}

struct Timeline<'a> {
    stories: &'a [Story],
    lang: Lang,
}

impl crate::output::plots::Drawing for Timeline<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        draw_timeline(root, self.stories, self.lang)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small_scenario() -> Scenario {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/fragmented.toml");
        let sc = Scenario::load(&path).expect("shipped scenario loads");
        let mut raw = sc.resolved.clone();
        raw.population.size = 120;
        raw.scenario.horizon_days = 800;
        Scenario::from_raw(raw).expect("small scenario is valid")
    }

    #[test]
    fn tracing_a_citizen_does_not_change_what_happens_to_anyone() {
        let sc = small_scenario();
        let mut plain = World::new(&sc, 1);
        while (plain.day as u32) < sc.meta.horizon_days {
            plain.step();
        }
        let story = trace(&sc, 0, 7, 1).expect("citizen 7 exists");
        assert_eq!(story.end, plain.citizens[7]);
        assert_eq!(story.days.len(), sc.meta.horizon_days as usize);
        assert!(story.events.iter().any(|e| e.text == "released from prison"), "{story:?}");
        assert!(story.events.windows(2).all(|w| w[0].day <= w[1].day));
    }

    #[test]
    fn samples_are_distinct_sorted_and_inside_the_cohort() {
        let sc = small_scenario();
        let s = sample_citizens(&sc, 10);
        assert_eq!(s.len(), 10);
        assert!(s.windows(2).all(|w| w[0] < w[1]) && s[9] < 120, "{s:?}");
        assert_eq!(s, sample_citizens(&sc, 10));
        assert_eq!(sample_citizens(&sc, 500).len(), 120);
        assert!(check_citizen(&sc, 120).unwrap_err().contains("0 to 119"));
    }

    #[test]
    fn the_timeline_title_says_whom_it_shows_in_both_languages() {
        let sc = small_scenario();
        let story = |citizen: u32, k: usize| Story {
            scenario: format!("s{k}"),
            scenario_index: k,
            ..trace(&sc, k, citizen, 0).expect("citizen exists")
        };
        let one = [story(3, 0)];
        assert_eq!(timeline_title(&one, Lang::En), "Life story of citizen 3 under s0");
        let sample = [story(3, 0), story(5, 0), story(9, 0)];
        assert_eq!(
            timeline_title(&sample, Lang::En),
            "Life stories of 3 sampled citizens under s0"
        );
        assert_eq!(
            timeline_title(&sample, Lang::Nl),
            "Levenslopen van 3 getrokken burgers onder s0"
        );
        let side = [story(3, 0), story(3, 1)];
        assert!(timeline_title(&side, Lang::En).contains("the same person"));
        let both = [story(3, 0), story(3, 1), story(5, 0), story(5, 1)];
        assert_eq!(
            timeline_title(&both, Lang::En),
            "Life stories of 2 sampled citizens, each under 2 scenarios with the same luck"
        );
        assert!(crate::output::lang::missing_translations(&picture_phrases(), &[]).is_empty());
        let (svg, _) = render_timeline(&sample, Lang::Nl).expect("draws");
        let texts: Vec<String> =
            crate::output::plots::svg_texts(&svg).into_iter().map(|t| t.text).collect();
        for p in picture_phrases() {
            assert!(!texts.iter().any(|t| t.contains(p.en)), "English `{}` in {texts:?}", p.en);
        }
    }

    #[test]
    fn dates_name_day_and_month() {
        assert_eq!(date(0), "day 0 (month 0)");
        assert_eq!(date(123), "day 123 (month 4)");
    }

    #[test]
    fn an_unchanged_episode_tells_nothing() {
        let e = Episode { status: Status::Active, since: 3, until: 9, ..Episode::default() };
        // Referred inside on day 3, released on day 5, started on day 10: waiting counts from
        // release, as in services.csv.
        let waited = |since: u16| crate::services::days_waited(since, 5, true, 10);
        assert_eq!(describe_episode("x", &waited, &e, &e), None);
        let w = Episode { status: Status::Waiting, since: 3, until: 0, ..Episode::default() };
        let started = describe_episode("debt help", &waited, &w, &e).unwrap();
        assert_eq!(started, "starts debt help after waiting 5 days");
    }
}
