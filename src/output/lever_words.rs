//! Plain words for the scenario keys a report shows as levers: `regime.screening.lvb 0.25 →
//! 0.6` becomes "Screening for LVB before release (share of people with it who are found):
//! 25% → 60%", with the key in small print beside it. One entry per key family: the regime's
//! own keys one by one, and per-service, per-problem and per-factor families whose words take
//! the service's or problem's name. A key without words is shown as its key (and the test
//! below refuses that for every lever of the shipped scenarios).

use crate::output::lang::{Lang, Phrase, fill};
use crate::output::words;

/// How a key's value reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// 0..1 shown as a percentage.
    Share,
    /// A chance per day, shown as a percentage with two decimals.
    PerDay,
    Days,
    Count,
    Euros,
    /// A multiplier, shown as ×0.5.
    Factor,
    YesNo,
    /// One of the scenario's named choices (queue rules, responses …).
    Choice,
}

/// The words of one key family; `{0}` in the description is the service's or problem's name.
#[derive(Clone, Copy, Debug)]
pub struct LeverWords {
    pub description: Phrase,
    pub kind: Kind,
}

const fn w(en: &'static str, nl: &'static str, kind: Kind) -> LeverWords {
    LeverWords { description: Phrase::new(en, nl), kind }
}

/// The regime's keys, one by one (without the `regime.` prefix).
pub const REGIME: &[(&str, LeverWords)] = &[
    (
        "planning_days_before_release",
        w(
            "Release planning starts before release",
            "Planning van de terugkeer begint vóór vrijlating",
            Kind::Days,
        ),
    ),
    (
        "warm_handover",
        w(
            "Warm hand-over: referrals accepted before release day",
            "Warme overdracht: verwijzingen aanvaard vóór de dag van vrijlating",
            Kind::Share,
        ),
    ),
    (
        "services_start_inside",
        w("Services start inside prison", "Hulp begint al in de gevangenis", Kind::YesNo),
    ),
    (
        "id_before_release",
        w(
            "ID papers arranged before release (share of those without)",
            "ID-bewijs geregeld vóór vrijlating (aandeel van wie er geen heeft)",
            Kind::Share,
        ),
    ),
    (
        "benefit_before_release",
        w(
            "Benefit applied for before release (share of those without income)",
            "Uitkering aangevraagd vóór vrijlating (aandeel van wie geen inkomen heeft)",
            Kind::Share,
        ),
    ),
    (
        "housing_on_release",
        w(
            "Housing arranged for release day (share of those without a home)",
            "Onderdak geregeld voor de dag van vrijlating (aandeel van wie geen woning heeft)",
            Kind::Share,
        ),
    ),
    (
        "release_housing_service",
        w(
            "Housing used when it is arranged for release day",
            "Onderdak dat wordt gebruikt als het voor de dag van vrijlating is geregeld",
            Kind::Choice,
        ),
    ),
    (
        "intake_delay_factor",
        w(
            "Information sharing: every intake wait multiplied by",
            "Informatie delen: elke wachttijd voor intake vermenigvuldigd met",
            Kind::Factor,
        ),
    ),
    (
        "child_contact_support",
        w(
            "Support for contact with their children during a stay (share of parents)",
            "Steun bij contact met hun kinderen tijdens detentie (aandeel van de ouders)",
            Kind::Share,
        ),
    ),
    (
        "case_manager.enabled",
        w("One case manager per person", "Eén casemanager per persoon", Kind::YesNo),
    ),
    ("case_manager.managers", w("Case managers", "Casemanagers", Kind::Count)),
    (
        "case_manager.caseload",
        w("Citizens per case manager", "Burgers per casemanager", Kind::Count),
    ),
    (
        "case_manager.eligibility",
        w("Who gets a case manager", "Wie een casemanager krijgt", Kind::Choice),
    ),
    (
        "case_manager.complex_min_problems",
        w(
            "Problems (of addiction, LVB, debt) that make a case complex",
            "Aantal problemen (verslaving, LVB, schulden) dat een casus complex maakt",
            Kind::Count,
        ),
    ),
    (
        "case_manager.queue_rule",
        w(
            "Order of the waiting list for a case manager",
            "Volgorde van de wachtlijst voor een casemanager",
            Kind::Choice,
        ),
    ),
    (
        "case_manager.duration_days",
        w("Length of case management", "Duur van het casemanagement", Kind::Days),
    ),
    (
        "case_manager.referral_per_day",
        w(
            "Chance per day that the case manager refers a known, unmet need",
            "Kans per dag dat de casemanager een bekende, onvervulde behoefte doorverwijst",
            Kind::PerDay,
        ),
    ),
    (
        "case_manager.integral_plan",
        w(
            "One integral plan: every known need referred at once",
            "Eén integraal plan: elke bekende behoefte in één keer doorverwezen",
            Kind::YesNo,
        ),
    ),
    (
        "probation.share",
        w(
            "Released on probation with conditions",
            "Vrijgelaten met toezicht en voorwaarden",
            Kind::Share,
        ),
    ),
    ("probation.duration_days", w("Length of probation", "Duur van het toezicht", Kind::Days)),
    (
        "probation.response",
        w("Response to a broken condition", "Reactie op een overtreden voorwaarde", Kind::Choice),
    ),
    (
        "probation.revocation_days",
        w(
            "Days back inside after a revocation",
            "Dagen terug naar binnen na een herroeping",
            Kind::Days,
        ),
    ),
    (
        "probation.violation_per_day",
        w(
            "Chance per day of breaking a condition",
            "Kans per dag op het overtreden van een voorwaarde",
            Kind::PerDay,
        ),
    ),
    (
        "restorative.offer",
        w(
            "Restorative justice offered (share of citizens)",
            "Herstelrecht aangeboden (aandeel van de burgers)",
            Kind::Share,
        ),
    ),
    (
        "restorative.uptake",
        w(
            "Restorative justice taken up when offered",
            "Herstelrecht aanvaard als het wordt aangeboden",
            Kind::Share,
        ),
    ),
    (
        "restorative.completion",
        w("Restorative processes completed", "Herstelprocessen afgerond", Kind::Share),
    ),
    (
        "restorative.duration_days",
        w("Length of a restorative process", "Duur van een herstelproces", Kind::Days),
    ),
    (
        "veiligheidshuis.enabled",
        w(
            "Case coordination by the Veiligheidshuis",
            "Casusregie door het Veiligheidshuis",
            Kind::YesNo,
        ),
    ),
    (
        "veiligheidshuis.caseload",
        w(
            "Citizens the Veiligheidshuis coordinates at once",
            "Burgers die het Veiligheidshuis tegelijk coördineert",
            Kind::Count,
        ),
    ),
    (
        "veiligheidshuis.duration_days",
        w(
            "Length of Veiligheidshuis coordination",
            "Duur van de casusregie door het Veiligheidshuis",
            Kind::Days,
        ),
    ),
    (
        "veiligheidshuis.triage",
        w(
            "Whom the Veiligheidshuis takes first",
            "Wie het Veiligheidshuis als eerste neemt",
            Kind::Choice,
        ),
    ),
    (
        "discretion.waiver",
        w(
            "Professionals waive a missing prerequisite (share of stuck cases)",
            "Professionals zien af van een ontbrekende voorwaarde (aandeel van de vastgelopen gevallen)",
            Kind::Share,
        ),
    ),
    (
        "discretion.waivable",
        w(
            "Prerequisites that may be waived",
            "Voorwaarden waarvan mag worden afgezien",
            Kind::Choice,
        ),
    ),
];

/// Screening per problem (`regime.screening.<problem>`); `{0}` is the problem.
const SCREENING: LeverWords = w(
    "Screening for {0} before release (share of people with it who are found)",
    "Screening op {0} vóór vrijlating (aandeel gevonden van wie het heeft)",
    Kind::Share,
);

/// A service's keys (`services.<name>.<field>`); `{0}` is the service.
pub const SERVICE: &[(&str, LeverWords)] = &[
    ("capacity", w("Places in {0}", "Plaatsen bij {0}", Kind::Count)),
    (
        "queue_rule",
        w("Order of the waiting list for {0}", "Volgorde van de wachtlijst voor {0}", Kind::Choice),
    ),
    (
        "intake_delay_days",
        w("Days from referral to intake, {0}", "Dagen van verwijzing tot intake, {0}", Kind::Days),
    ),
    (
        "duration_median_days",
        w("Usual length of {0} (median)", "Gebruikelijke duur van {0} (mediaan)", Kind::Days),
    ),
    (
        "duration_sigma",
        w("Spread of the length of {0}", "Spreiding van de duur van {0}", Kind::Factor),
    ),
    ("duration_days", w("Length of {0}", "Duur van {0}", Kind::Days)),
    (
        "dropout_per_day",
        w("Chance per day of dropping out of {0}", "Kans per dag op uitval bij {0}", Kind::PerDay),
    ),
    (
        "prerequisites",
        w(
            "What {0} requires before it can start",
            "Wat {0} vereist voordat het kan beginnen",
            Kind::Choice,
        ),
    ),
    (
        "can_start_inside",
        w("{0} can start inside prison", "{0} kan al in de gevangenis beginnen", Kind::YesNo),
    ),
    ("cost_per_day", w("Cost per day of {0}", "Kosten per dag van {0}", Kind::Euros)),
    ("cost_per_intake", w("Cost per intake of {0}", "Kosten per intake van {0}", Kind::Euros)),
    ("payer", w("Who pays for {0}", "Wie {0} betaalt", Kind::Choice)),
    ("domain", w("Problem that {0} addresses", "Probleem waar {0} op gericht is", Kind::Choice)),
    (
        "remission_per_day",
        w(
            "Chance per day of remission during {0}",
            "Kans per dag op remissie tijdens {0}",
            Kind::PerDay,
        ),
    ),
    (
        "relapse_multiplier",
        w(
            "Relapse risk during {0} multiplied by",
            "Risico op terugval tijdens {0} vermenigvuldigd met",
            Kind::Factor,
        ),
    ),
    (
        "move_on_probability",
        w(
            "Chance of moving on to a home after {0}",
            "Kans op doorstroom naar een woning na {0}",
            Kind::Share,
        ),
    ),
    (
        "placement_probability",
        w("Chance that {0} ends in a job", "Kans dat {0} eindigt in werk", Kind::Share),
    ),
    ("provides", w("What {0} provides", "Wat {0} biedt", Kind::Choice)),
    (
        "climate.support",
        w("Living climate of {0}: support", "Leefklimaat van {0}: steun", Kind::Share),
    ),
    (
        "climate.structure",
        w("Living climate of {0}: structure", "Leefklimaat van {0}: structuur", Kind::Share),
    ),
    (
        "climate.coercion",
        w("Living climate of {0}: coercion", "Leefklimaat van {0}: dwang", Kind::Share),
    ),
];

/// Problems at release (`population.prevalence.<problem>`); `{0}` is the problem.
const PREVALENCE: LeverWords =
    w("Citizens with {0} at release", "Burgers met {0} bij vrijlating", Kind::Share);

/// The population's other keys.
const POPULATION: &[(&str, LeverWords)] = &[
    (
        "population.size",
        w("Citizens released (the cohort)", "Vrijgelaten burgers (het cohort)", Kind::Count),
    ),
    ("population.age_mean", w("Mean age", "Gemiddelde leeftijd", Kind::Count)),
    ("population.share_male", w("Share of men", "Aandeel mannen", Kind::Share)),
    (
        "population.debt_median",
        w("Usual debt (median)", "Gebruikelijke schuld (mediaan)", Kind::Euros),
    ),
    (
        "population.priors_mean",
        w("Prior convictions (mean)", "Eerdere veroordelingen (gemiddeld)", Kind::Count),
    ),
    (
        "population.sentence_days.median",
        w(
            "Usual length of the stay (median)",
            "Gebruikelijke duur van het verblijf (mediaan)",
            Kind::Days,
        ),
    ),
];

/// Problems and conditions by their key word.
const PROBLEMS: &[(&str, Phrase)] = &[
    ("addiction", Phrase::new("addiction", "verslaving")),
    ("debt", Phrase::new("problematic debt", "problematische schulden")),
    ("problematic_debt", Phrase::new("problematic debt", "problematische schulden")),
    ("lvb", Phrase::new("LVB", "LVB")),
    ("housing", Phrase::new("no home", "geen woning")),
    ("homeless", Phrase::new("no home", "geen woning")),
    ("income", Phrase::new("no income", "geen inkomen")),
    ("no_income", Phrase::new("no income", "geen inkomen")),
    ("id", Phrase::new("no ID papers", "geen ID-bewijs")),
    ("no_id", Phrase::new("no ID papers", "geen ID-bewijs")),
    ("psychiatric", Phrase::new("psychiatric problems", "psychische problemen")),
    ("work", Phrase::new("work needs", "behoefte aan werk")),
    ("minor_children", Phrase::new("minor children", "minderjarige kinderen")),
];

/// Every phrase of this module, for the translation test.
pub fn all_phrases() -> Vec<Phrase> {
    let mut all: Vec<Phrase> =
        REGIME.iter().chain(SERVICE).chain(POPULATION).map(|(_, w)| w.description).collect();
    all.extend([SCREENING.description, PREVALENCE.description]);
    all.extend(PROBLEMS.iter().map(|(_, p)| *p));
    all
}

fn find<'a>(table: &'a [(&str, LeverWords)], key: &str) -> Option<&'a LeverWords> {
    table.iter().find(|(k, _)| *k == key).map(|(_, w)| w)
}

fn problem(lang: Lang, key: &str) -> Option<String> {
    PROBLEMS.iter().find(|(k, _)| *k == key).map(|(_, p)| lang.pick(p).to_string())
}

/// The words for `key` in `lang` and how its value reads; `service_label` gives a service's
/// own label (from the scenario) when it is not one of the shipped services.
pub fn describe(
    lang: Lang,
    key: &str,
    service_label: impl Fn(&str) -> Option<String>,
) -> Option<(String, Kind)> {
    if let Some(rest) = key.strip_prefix("regime.") {
        if let Some(p) = rest.strip_prefix("screening.") {
            let name = problem(lang, p)?;
            return Some((fill(lang.pick(&SCREENING.description), &[&name]), SCREENING.kind));
        }
        return find(REGIME, rest).map(|w| (lang.pick(&w.description).to_string(), w.kind));
    }
    if let Some(rest) = key.strip_prefix("services.") {
        let (name, field) = rest.split_once('.')?;
        let w = find(SERVICE, field)?;
        let label = service_label(name);
        let shown = words::service(lang, name, label.as_deref());
        return Some((capitalised(&fill(lang.pick(&w.description), &[&shown])), w.kind));
    }
    if let Some(p) = key.strip_prefix("population.prevalence.") {
        let name = problem(lang, p)?;
        return Some((fill(lang.pick(&PREVALENCE.description), &[&name]), PREVALENCE.kind));
    }
    find(POPULATION, key).map(|w| (lang.pick(&w.description).to_string(), w.kind))
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// A value as the resolved scenario writes it (TOML text), in words.
pub fn value(lang: Lang, kind: Kind, raw: &str) -> String {
    let number = raw.parse::<f64>().ok();
    match (kind, number) {
        (Kind::Share, Some(x)) => {
            // Settings are round numbers: 25%, not 25.0%.
            let p = (1000.0 * x).round() / 10.0;
            format!("{}%", lang.number(p, if p.fract() == 0.0 { 0 } else { 1 }))
        }
        (Kind::PerDay, Some(x)) => format!("{}%", lang.number(100.0 * x, 2)),
        (Kind::Days, Some(x)) => format!("{} {}", lang.days(x), lang.pick(&words::DAYS_UNIT)),
        (Kind::Count, Some(x)) => lang.number(x, if x.fract() == 0.0 { 0 } else { 1 }),
        (Kind::Euros, Some(x)) => lang.euros(x),
        (Kind::Factor, Some(x)) => {
            format!("×{}", lang.number(x, if x.fract() == 0.0 { 0 } else { 2 }))
        }
        (Kind::YesNo, _) if raw == "true" => lang.pick(&words::YES).into(),
        (Kind::YesNo, _) if raw == "false" => lang.pick(&words::NO).into(),
        _ => choice_list(lang, raw),
    }
}

/// `"first_come"` → "first come, first served"; `["id", "address"]` → "ID papers, an address".
fn choice_list(lang: Lang, raw: &str) -> String {
    let inner = raw.trim().trim_start_matches('[').trim_end_matches(']');
    let items: Vec<String> = inner
        .split(',')
        .map(|s| s.trim().trim_matches('"'))
        .filter(|s| !s.is_empty())
        .map(|s| {
            let label = words::SERVICES.iter().find(|(k, _)| *k == s).map(|(_, p)| lang.pick(p));
            label.map_or_else(|| words::choice(lang, s), str::to_string)
        })
        .collect();
    if items.is_empty() { raw.trim_matches('"').to_string() } else { items.join(", ") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::lang::missing_translations;

    #[test]
    fn lever_words_are_translated() {
        let missing = missing_translations(&all_phrases(), &["LVB"]);
        assert!(missing.is_empty(), "untranslated: {missing:?}");
    }

    #[test]
    fn the_brief_example_reads_in_plain_words() {
        let (text, kind) = describe(Lang::En, "regime.screening.lvb", |_| None).unwrap();
        assert_eq!(
            text,
            "Screening for LVB before release (share of people with it who are found)"
        );
        assert_eq!(value(Lang::En, kind, "0.25"), "25%");
        assert_eq!(value(Lang::Nl, kind, "0.6"), "60%");
        let (text, kind) = describe(Lang::Nl, "services.shelter.capacity", |_| None).unwrap();
        assert_eq!(text, "Plaatsen bij nachtopvang (MO)");
        assert_eq!(value(Lang::Nl, kind, "1200"), "1.200");
        assert_eq!(value(Lang::En, Kind::Choice, "[\"id\", \"address\"]"), "ID papers, an address");
        assert_eq!(value(Lang::Nl, Kind::YesNo, "true"), "ja");
        assert!(describe(Lang::En, "hazards.reoffend_shape", |_| None).is_none());
    }
}
