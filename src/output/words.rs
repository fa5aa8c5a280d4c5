//! The words of `report.html` and the terminal tables in both languages: every fixed label
//! is a [`Phrase`] declared here through [`phrases!`], which also lists it in [`ALL`], so the
//! translation test sees every phrase the page and the tables can show. Indicator, payer and
//! service names are looked up by their key (the files keep the English key; the reader sees
//! the words of their language). Numbers in a unit are written by [`value`] and [`signed`].

use crate::output::lang::{Lang, Phrase};

/// Declares phrases as constants and lists all of them in one slice.
macro_rules! phrases {
    ($list:ident; $($name:ident = ($en:expr, $nl:expr);)*) => {
        $(pub const $name: Phrase = Phrase::new($en, $nl);)*
        /// Every phrase declared in this block.
        pub const $list: &[Phrase] = &[$($name),*];
    };
}

phrases! { PAGE;
    // The answer.
    ANSWER = ("The answer", "Het antwoord");
    COMPARED = ("{0} compared", "{0} vergeleken");
    LEAD_COMPARE = (
        "What changes when {0} replaces {1}, for the same simulated citizens with the same luck.",
        "Wat er verandert als {0} in de plaats komt van {1}, voor dezelfde gesimuleerde burgers met hetzelfde toeval."
    );
    LEAD_RUN = (
        "What happens to one simulated release cohort under {0}.",
        "Wat er gebeurt met één gesimuleerd cohort vrijgelatenen onder {0}."
    );
    VS_BASELINE = ("{0} vs {1} (baseline)", "{0} tegenover {1} (uitgangssituatie)");
    PER_CITIZEN_NOTE = (
        "Per released citizen; costs discounted over the whole follow-up. Mean over replications [95% interval].",
        "Per vrijgelaten burger; kosten verdisconteerd over de hele follow-up. Gemiddelde over de herhalingen [95%-interval]."
    );
    PAIRED_NOTE = (
        "Differences are paired replication by replication (same citizens, same luck).",
        "Verschillen zijn per herhaling gepaard (dezelfde burgers, hetzelfde toeval)."
    );
    INDICATOR = ("indicator", "indicator");
    BASELINE = ("baseline", "uitgangssituatie");
    ALTERNATIVE = ("alternative", "alternatief");
    DIFFERENCE = ("difference [95% interval]", "verschil [95%-interval]");
    MEAN_INTERVAL = ("mean [95% interval]", "gemiddelde [95%-interval]");
    RECONVICTION_SENTENCE = (
        "Reconviction within 2 years: {0} → {1} ({2}).",
        "Herveroordeling binnen 2 jaar: {0} → {1} ({2})."
    );
    NOT_CLEARLY_DIFFERENT = ("not clearly different from zero", "niet duidelijk verschillend van nul");
    CLEARLY_LOWER = ("clearly lower", "duidelijk lager");
    CLEARLY_HIGHER = ("clearly higher", "duidelijk hoger");
    SAVES_SOCIETY = (
        "It saves society {0} per released citizen [{1}, {2}] (discounted, without transfers).",
        "Het bespaart de samenleving {0} per vrijgelaten burger [{1}, {2}] (verdisconteerd, zonder overdrachten)."
    );
    COSTS_SOCIETY = (
        "It costs society {0} more per released citizen [{1}, {2}] (discounted, without transfers).",
        "Het kost de samenleving {0} meer per vrijgelaten burger [{1}, {2}] (verdisconteerd, zonder overdrachten)."
    );
    VERDICT = ("Verdict", "Oordeel");
    DOMINANT = (
        "dominant: it lowers reconviction and saves society money, so there is no price per reconviction avoided.",
        "dominant: het verlaagt de herveroordeling en bespaart de samenleving geld, dus er is geen prijs per voorkomen herveroordeling."
    );
    DOMINATED = (
        "dominated: it costs society more without lowering reconviction.",
        "gedomineerd: het kost de samenleving meer zonder de herveroordeling te verlagen."
    );
    SAVES_WORKS_WORSE = (
        "cheaper, but reconviction rises: no cost per reconviction avoided.",
        "goedkoper, maar de herveroordeling stijgt: geen kosten per voorkomen herveroordeling."
    );
    NO_FALL = (
        "reconviction does not fall, so there is no cost per reconviction avoided.",
        "de herveroordeling daalt niet, dus er zijn geen kosten per voorkomen herveroordeling."
    );
    COST_PER_AVOIDED = (
        "it costs society {0} per reconviction avoided.",
        "het kost de samenleving {0} per voorkomen herveroordeling."
    );
    ONE_REPLICATION = (
        "One replication: there are no intervals (n/a), so nothing here tells chance from effect. Run more replications (10 or more).",
        "Eén herhaling: er zijn geen intervallen (n.v.t.), dus niets hier onderscheidt toeval van effect. Draai meer herhalingen (10 of meer)."
    );
    INTERVALS_MC_ONLY = (
        "What the intervals mean. The 95% intervals show only Monte Carlo noise (the luck of the draw in a simulated cohort). They do not include uncertainty about the model's parameters, many of which are assumptions: run <code>reentry compare … --psa 500</code> for that.",
        "Wat de intervallen betekenen. De 95%-intervallen tonen alleen Monte-Carloruis (het toeval van één gesimuleerd cohort). Onzekerheid over de parameters van het model, waarvan veel aannames zijn, zit er niet in: draai daarvoor <code>reentry compare … --psa 500</code>."
    );
    // Who pays.
    WHO_PAYS = ("Who pays, who gains", "Wie betaalt, wie wint");
    WHO_PAYS_INTRO = (
        "Discounted cost per released citizen over the whole follow-up; the difference is alternative − baseline, so a negative difference means that payer saves.",
        "Verdisconteerde kosten per vrijgelaten burger over de hele follow-up; het verschil is alternatief − uitgangssituatie, dus een negatief verschil betekent dat die betaler bespaart."
    );
    PAYER = ("payer", "betaler");
    WHAT_IT_MEANS = ("what it means", "betekenis");
    GAINS = ("gains", "wint");
    PAYS_MORE = ("pays more", "betaalt meer");
    NO_CLEAR_CHANGE = ("no clear change", "geen duidelijke verandering");
    MUNICIPALITY_SERVICES = ("municipality: services", "gemeente: voorzieningen");
    BENEFIT_PAYMENTS = ("municipality: benefit payments (a transfer)", "gemeente: uitkeringen (een overdracht)");
    MUNICIPALITY_BUDGET = ("municipality's budget (services + benefits)", "begroting van de gemeente (voorzieningen + uitkeringen)");
    SOCIETY_TOTAL = ("society as a whole (without transfers)", "de samenleving als geheel (zonder overdrachten)");
    NO_INTERVAL_SPLIT = (
        "mean only: the split is taken from the cost files",
        "alleen het gemiddelde: de splitsing komt uit de kostenbestanden"
    );
    TRANSFER_SENTENCE = (
        "Benefit payments move money from the municipality to the citizen: they are a cost to one payer and income to another, so they cancel out for society. That is why the payers' differences add up to {0} while society's is {1}: the gap, {2}, is the change in benefit payments.",
        "Uitkeringen verplaatsen geld van de gemeente naar de burger: kosten voor de een, inkomen voor de ander, dus voor de samenleving vallen ze weg. Daarom tellen de verschillen van de betalers op tot {0} terwijl dat van de samenleving {1} is: het gat, {2}, is de verandering in uitkeringen."
    );
    SERVICES_ADD_UP = (
        "Services only (benefit payments left out), the payers add up to society's total.",
        "Met alleen de voorzieningen (zonder uitkeringen) tellen de betalers op tot het totaal van de samenleving."
    );
    // Surprises.
    SURPRISES = ("What may surprise you", "Wat kan verrassen");
    SURPRISE_RELAPSE = (
        "Relapse after remission rises under {0} ({1} → {2} within 2 years), although days in active addiction do not rise ({3} → {4}). A relapse is a return to active addiction after remission, so only people in remission can relapse: care that brings more people into remission puts more people at risk of relapse. Read relapse together with the days in active addiction.",
        "Terugval na remissie stijgt onder {0} ({1} → {2} binnen 2 jaar), hoewel het aantal dagen met actieve verslaving niet stijgt ({3} → {4}). Terugval is een terugkeer naar actieve verslaving na remissie, dus alleen wie in remissie is kan terugvallen: zorg die meer mensen in remissie brengt, zet meer mensen aan het risico van terugval bloot. Lees terugval samen met de dagen met actieve verslaving."
    );
    SURPRISE_QUEUE_CASE = (
        "Under {0} the waiting list for {1} falls from about {2} to {3} people between month {4} and month {5}. This is how the model works, not a change in policy: {1} lasts a fixed {6} days, and most of the cohort is released in its first months, so the first group ends at about the same time and frees its places at once; those waiting then start together. Real caseloads end more gradually, so read the cliff as a property of a single release cohort with a fixed duration.",
        "Onder {0} daalt de wachtlijst voor {1} van ongeveer {2} naar {3} mensen tussen maand {4} en maand {5}. Zo werkt het model, het is geen beleidswijziging: {1} duurt vast {6} dagen en het grootste deel van het cohort komt in de eerste maanden vrij, dus de eerste groep stopt ongeveer tegelijk en maakt zijn plaatsen in één keer vrij; wie wacht begint dan samen. Echte caseloads lopen geleidelijker af, dus lees de klif als een eigenschap van één cohort met een vaste duur."
    );
    SURPRISE_QUEUE = (
        "Under {0} the waiting list for {1} falls from about {2} to {3} people between month {4} and month {5}. In the model a list shrinks when places free up faster than people join it, and people also leave a list when they are detained again or no longer need the service. Most of the cohort is released in its first months (the usual stay is short), so the inflow is largest early on and falls later. queues.csv and the waiting-list picture show it month by month.",
        "Onder {0} daalt de wachtlijst voor {1} van ongeveer {2} naar {3} mensen tussen maand {4} en maand {5}. In het model krimpt een lijst als er sneller plaatsen vrijkomen dan er mensen bij komen, en mensen verlaten een lijst ook als ze opnieuw vast komen te zitten of de hulp niet meer nodig hebben. Het grootste deel van het cohort komt in de eerste maanden vrij (het gebruikelijke verblijf is kort), dus de instroom is vroeg het grootst en neemt later af. queues.csv en de wachtlijstfiguur tonen het maand voor maand."
    );
    // Levers.
    LEVERS_DIFFER = ("The levers that differ", "De knoppen die verschillen");
    LEVERS_DIFFER_INTRO = (
        "{0} settings differ between the scenarios; everything else (the citizens, the services, the risks, the costs) is the same. The setting's key in the scenario file is in small print.",
        "{0} instellingen verschillen tussen de scenario's; al het andere (de burgers, de voorzieningen, de risico's, de kosten) is gelijk. De sleutel van de instelling in het scenariobestand staat in kleine letters."
    );
    REGIME_LEVERS = ("The care regime's levers", "De knoppen van het zorgregime");
    SHOW_REGIME = ("Show the regime's settings", "Toon de instellingen van het regime");
    SETTING = ("setting", "instelling");
    NOT_SET = ("(not set)", "(niet gezet)");
    YES = ("yes", "ja");
    NO = ("no", "nee");
    // The question and the scenarios.
    QUESTION = ("The question", "De vraag");
    QUESTION_TEXT = (
        "People leaving prison often carry several problems at once: addiction, problematic debt, a mild intellectual disability (LVB), no home, no income or ID papers. Care for them is split between justice (prison, probation) and voluntary care (municipality, health care, shelter). When the hand-over between inside and outside breaks, relapse and reoffending are likely and society pays.",
        "Mensen die uit de gevangenis komen, hebben vaak meerdere problemen tegelijk: verslaving, problematische schulden, een licht verstandelijke beperking (LVB), geen woning, geen inkomen of ID-bewijs. De zorg voor hen is verdeeld tussen justitie (gevangenis, reclassering) en vrijwillige zorg (gemeente, zorg, opvang). Als de overdracht tussen binnen en buiten hapert, zijn terugval en recidive waarschijnlijk en betaalt de samenleving."
    );
    QUESTION_COMPARE = (
        "This report compares care regimes on the same simulated citizens with the same luck (common random numbers), so that differences are due to the regime: how much do reoffending, relapse, homelessness and cost change, and who pays or gains?",
        "Dit rapport vergelijkt zorgregimes op dezelfde gesimuleerde burgers met hetzelfde toeval (gemeenschappelijke toevalsgetallen), zodat verschillen door het regime komen: hoeveel veranderen recidive, terugval, dakloosheid en kosten, en wie betaalt of wint?"
    );
    QUESTION_RUN = (
        "This report shows what happens to one simulated release cohort under one care regime: reoffending, relapse, housing, waiting lists and who pays.",
        "Dit rapport toont wat er gebeurt met één gesimuleerd cohort vrijgelatenen onder één zorgregime: recidive, terugval, huisvesting, wachtlijsten en wie betaalt."
    );
    QUESTION_NOTE = (
        "All numbers are means over replications with 95% intervals, rounded for reading (the CSV files hold them in full); they come from a simulation model whose parameter values and sources are listed under <a href=\"#provenance\">Where the numbers come from</a>.",
        "Alle getallen zijn gemiddelden over herhalingen met 95%-intervallen, afgerond om te lezen (de CSV-bestanden bevatten ze volledig); ze komen uit een simulatiemodel waarvan de parameterwaarden en bronnen staan onder <a href=\"#provenance\">Waar de getallen vandaan komen</a>."
    );
    SCENARIOS = ("Scenarios", "Scenario's");
    SCENARIO = ("scenario", "scenario");
    DESCRIPTION = ("description", "beschrijving");
    CARE_REGIME = ("care regime", "zorgregime");
    CITIZENS = ("citizens", "burgers");
    REPLICATIONS = ("replications", "herhalingen");
    SEED = ("seed", "seed");
    FOLLOW_UP = ("follow-up", "follow-up");
    DAYS_YEARS = ("{0} days ({1} years)", "{0} dagen ({1} jaar)");
    BASELINE_ROLE = (" (baseline)", " (uitgangssituatie)");
    COHORT_NOTE = ("Cohort and capacities:", "Cohort en capaciteit:");
    // All results.
    ALL_RESULTS = ("All results", "Alle resultaten");
    ALL_RESULTS_INTRO = (
        "Every headline indicator, per released citizen unless stated; mean over replications [95% interval].",
        "Alle hoofdindicatoren, per vrijgelaten burger tenzij anders vermeld; gemiddelde over de herhalingen [95%-interval]."
    );
    // Pictures, provenance, reproduce.
    PICTURES = ("Pictures", "Figuren");
    PROVENANCE = ("Where the numbers come from", "Waar de getallen vandaan komen");
    PROVENANCE_INTRO = (
        "Every parameter with its value and its source: a publication, or <em>assumption</em> where the value is a judgement. {0} parameters, of which {1} rest (partly) on an assumption.",
        "Elke parameter met zijn waarde en bron: een publicatie, of <em>assumption</em> (aanname) waar de waarde een inschatting is. {0} parameters, waarvan {1} (deels) op een aanname rusten."
    );
    SHOW_PARAMETERS = ("Show the parameter table", "Toon de parametertabel");
    PARAMETER = ("parameter", "parameter");
    SOURCE = ("source", "bron");
    NO_SOURCE = ("(no source given)", "(geen bron gegeven)");
    REPRODUCE = ("Reproduce this report", "Dit rapport opnieuw maken");
    REPRODUCE_TEXT = (
        "reentry version {0}, seed {1}, {2} replications of {3} citizens. The results do not depend on the number of threads.",
        "reentry versie {0}, seed {1}, {2} herhalingen van {3} burgers. De resultaten hangen niet af van het aantal threads."
    );
    COMMAND_THAT_MADE_IT = ("The command that made it:", "Het commando dat het maakte:");
    FROM_INSIDE = (
        "Or, from inside this folder, with the resolved scenarios written next to the results (every value spelled out):",
        "Of, vanuit deze map, met de uitgeschreven scenario's naast de resultaten (elke waarde voluit):"
    );
    REDRAW = (
        "To redraw this report and its pictures from the files in this folder: <code>reentry report FOLDER</code> (add <code>--lang en</code> or <code>--lang nl</code> for the other language).",
        "Om dit rapport en de figuren opnieuw te tekenen uit de bestanden in deze map: <code>reentry report MAP</code> (met <code>--lang en</code> of <code>--lang nl</code> voor de andere taal)."
    );
    PP = ("pp", "%-punt");
    DAYS_UNIT = ("days", "dagen");
}

phrases! { TERMINAL;
    T_CITIZENS_LINE = (
        "{0} citizens × {1} replications, seed {2}, horizon {3} days",
        "{0} burgers × {1} herhalingen, seed {2}, horizon {3} dagen"
    );
    T_COMMON_RANDOM = (", common random numbers", ", gemeenschappelijke toevalsgetallen");
    T_MEAN = ("mean", "gemiddelde");
    T_INTERVAL = ("95% interval", "95%-interval");
    T_DIFFERENCE = ("difference [95% CI]", "verschil [95%-BI]");
    T_WHO_PAYS = (
        "who pays, who gains (discounted cost per citizen; negative = gains)",
        "wie betaalt, wie wint (verdisconteerde kosten per burger; negatief = wint)"
    );
    T_SOCIETY = ("society (no transfers)", "samenleving (zonder overdrachten)");
    T_COST_PER_AVOIDED = ("cost per reconviction avoided (2y): {0}", "kosten per voorkomen herveroordeling (2j): {0}");
    T_NONE = ("cost per reconviction avoided (2y): none — {0}", "kosten per voorkomen herveroordeling (2j): geen — {0}");
    T_NET_BENEFIT = (
        "net societal benefit per citizen (−Δ societal cost): {0} [{1}, {2}]",
        "maatschappelijk nettovoordeel per burger (−Δ maatschappelijke kosten): {0} [{1}, {2}]"
    );
    T_ONE_REPLICATION = (
        "only 1 replication: no intervals (n/a), so nothing here tells chance from effect; run more replications (--replications 10 or more)",
        "slechts 1 herhaling: geen intervallen (n.v.t.), dus niets hier onderscheidt toeval van effect; draai meer herhalingen (--replications 10 of meer)"
    );
    T_DOMINANT = ("dominant: cheaper for society and less reconviction", "dominant: goedkoper voor de samenleving en minder herveroordeling");
    T_DOMINATED = ("dominated: dearer for society and no less reconviction", "gedomineerd: duurder voor de samenleving en niet minder herveroordeling");
    T_SAVES_WORKS_WORSE = ("cheaper for society but more reconviction", "goedkoper voor de samenleving maar meer herveroordeling");
    T_NO_FALL = ("reconviction does not fall", "de herveroordeling daalt niet");
}

phrases! { PSA;
    PSA_UNDER = (
        "<b>Under parameter uncertainty.</b> {0} draws of {1} uncertain parameters ({2}); in each draw every regime ran on the same citizens with the same random numbers ({3} replications of {4} citizens). Each result is the mean over draws with the interval holding 95% of them (parameter uncertainty, plus the Monte Carlo noise of a draw, whose share is shown).",
        "<b>Onder parameteronzekerheid.</b> {0} trekkingen van {1} onzekere parameters ({2}); in elke trekking draaide elk regime op dezelfde burgers met dezelfde toevalsgetallen ({3} herhalingen van {4} burgers). Elk resultaat is het gemiddelde over de trekkingen met het interval dat 95% ervan bevat (parameteronzekerheid plus de Monte-Carloruis van een trekking, waarvan het aandeel wordt getoond)."
    );
    PSA_CHANCES = ("{0} − {1}: each payer's chance of gaining", "{0} − {1}: de kans van elke betaler om te winnen");
    PSA_SAVING = ("saving per citizen (discounted)", "besparing per burger (verdisconteerd)");
    PSA_CHANCE = ("chance of gaining", "kans om te winnen");
    PSA_DIFFERENCE = ("difference (alternative − baseline)", "verschil (alternatief − uitgangssituatie)");
    PSA_MEAN_DRAWS = ("mean [95% of draws]", "gemiddelde [95% van de trekkingen]");
    PSA_MC_SHARE = ("Monte Carlo share of the spread", "aandeel Monte-Carloruis in de spreiding");
    PSA_BASE_CASE_NOTE = (
        "The tables further down (base case) show the shipped parameter values only; their intervals show Monte Carlo noise alone.",
        "De tabellen verderop (basisgeval) tonen alleen de meegeleverde parameterwaarden; hun intervallen tonen alleen Monte-Carloruis."
    );
    PSA_REPRODUCE = (
        "The probabilistic analysis is reproduced by adding {0} to the command under <a href=\"#reproduce\">Reproduce this report</a> (parameters: {1}).",
        "De probabilistische analyse wordt herhaald door {0} toe te voegen aan het commando onder <a href=\"#reproduce\">Dit rapport opnieuw maken</a> (parameters: {1})."
    );
    PSA_MATTERS = ("Which assumptions matter", "Welke aannames ertoe doen");
    PSA_MATTERS_INTRO = (
        "Read from the draws themselves: a linear regression of each difference on the parameters (a metamodel), then each parameter moved over the central 95% of its draws with the others at their mean. R² says how much of the spread the parameters explain linearly; <code>reentry sensitivity</code> gives the tornado and Morris indices from runs designed for it.",
        "Afgelezen uit de trekkingen zelf: een lineaire regressie van elk verschil op de parameters (een metamodel), daarna elke parameter over de middelste 95% van zijn trekkingen bewogen met de andere op hun gemiddelde. R² zegt hoeveel van de spreiding de parameters lineair verklaren; <code>reentry sensitivity</code> geeft de tornado en de Morris-indices uit runs die daarvoor zijn opgezet."
    );
    PSA_DIFFERENCE_SHORT = ("difference", "verschil");
    PSA_TOP_THREE = ("the three parameters that move it most (swing)", "de drie parameters die het het meest bewegen (uitslag)");
    BC_TITLE = ("Benefit-cost per payer", "Baten en kosten per betaler");
    BC_INTRO = (
        "As in the benefit-cost model of the Washington State Institute for Public Policy: <em>costs</em> are the extra spending on care and support (services, case management, coordination), <em>benefits</em> the spending avoided on consequences (detention, probation, police and courts, victims), per released citizen over the follow-up, alternative minus baseline. Discounted at {0}% a year and undiscounted side by side. Benefit payments are a transfer (the municipality pays, the participant receives): shown in their own row and in the municipality's budget, never in the societal total. The break-even year is the first year from which the mean cumulative net benefit stays at or above zero.",
        "Zoals in het baten-kostenmodel van het Washington State Institute for Public Policy: <em>kosten</em> zijn de extra uitgaven aan zorg en steun (voorzieningen, casemanagement, coördinatie), <em>baten</em> de vermeden uitgaven aan gevolgen (detentie, reclassering, politie en rechtspraak, slachtoffers), per vrijgelaten burger over de follow-up, alternatief min uitgangssituatie. Verdisconteerd tegen {0}% per jaar en onverdisconteerd naast elkaar. Uitkeringen zijn een overdracht (de gemeente betaalt, de deelnemer ontvangt): in een eigen rij en in de begroting van de gemeente, nooit in het maatschappelijke totaal. Het break-evenjaar is het eerste jaar vanaf wanneer het gemiddelde cumulatieve nettovoordeel op of boven nul blijft."
    );
    BC_PERSPECTIVE = ("perspective", "perspectief");
    BC_COSTS = ("costs", "kosten");
    BC_BENEFITS = ("benefits", "baten");
    BC_NET = ("benefits − costs [95% of draws]", "baten − kosten [95% van de trekkingen]");
    BC_RATIO = ("benefit-cost ratio", "baten-kostenverhouding");
    BC_CHANCE = ("chance benefits exceed costs", "kans dat de baten de kosten overtreffen");
    BC_BREAK_EVEN = ("break-even year", "break-evenjaar");
    BC_DISCOUNTED = ("discounted ({0}%)", "verdisconteerd ({0}%)");
    BC_UNDISCOUNTED = ("undiscounted", "onverdisconteerd");
    BC_NO_EXTRA_COST = ("n/a (no extra cost)", "n.v.t. (geen extra kosten)");
    BC_NOT_WITHIN = ("not within the follow-up", "niet binnen de follow-up");
    BC_YEAR = ("year {0}", "jaar {0}");
    P_JUSTICE = ("justice", "justitie");
    P_MUNICIPALITY = ("municipality (services)", "gemeente (voorzieningen)");
    P_HEALTH = ("health insurance & care", "zorgverzekering en zorg");
    P_VICTIMS = ("victims & society", "slachtoffers en samenleving");
    P_SOCIETY = ("society as a whole (without transfers)", "de samenleving als geheel (zonder overdrachten)");
    P_TRANSFERS = ("benefit payments (a transfer, apart)", "uitkeringen (een overdracht, apart)");
    P_MUNICIPALITY_ALL = ("municipality incl. benefit payments", "gemeente incl. uitkeringen");
    CE_TITLE = ("Cost-effectiveness", "Kosteneffectiviteit");
    CE_INTRO = (
        "Effect: {0} per released citizen (more is better), against the baseline. Cost: total societal cost per citizen (discounted, without transfers). Options that cost more and achieve less than another are <em>dominated</em>; options beaten by a mix of two others are <em>extendedly dominated</em>. Willingness to pay: {1} per {0} (an assumption; set it with <code>--wtp</code>).",
        "Effect: {0} per vrijgelaten burger (meer is beter), ten opzichte van de uitgangssituatie. Kosten: totale maatschappelijke kosten per burger (verdisconteerd, zonder overdrachten). Opties die meer kosten en minder bereiken dan een andere zijn <em>gedomineerd</em>; opties die door een mix van twee andere worden verslagen zijn <em>uitgebreid gedomineerd</em>. Betalingsbereidheid: {1} per {0} (een aanname; zet haar met <code>--wtp</code>)."
    );
    CE_OPTION = ("option", "optie");
    CE_EFFECT = ("effect", "effect");
    CE_STATUS = ("status", "status");
    CE_COMPARED = ("compared with", "vergeleken met");
    CE_FRONTIER = ("on the frontier", "op de grens");
    CE_DOMINATED = ("dominated", "gedomineerd");
    CE_EXTENDED = ("extendedly dominated", "uitgebreid gedomineerd");
    CE_NMB = (
        "Incremental net monetary benefit of {0} at {1}: {2} [{3}, {4}] per citizen.",
        "Incrementeel netto monetair voordeel van {0} bij {1}: {2} [{3}, {4}] per burger."
    );
    CE_BEST = ("Chance that {0} is the best option at {1}: {2}{3}.", "Kans dat {0} de beste optie is bij {1}: {2}{3}.");
    CE_HIGHEST = (" (highest expected net benefit)", " (hoogste verwachte nettovoordeel)");
    CE_EVPI = (
        "Expected value of perfect information at {0}: {1} per citizen — the most that removing all parameter uncertainty could add to this decision.",
        "Verwachte waarde van perfecte informatie bij {0}: {1} per burger — het meeste dat het wegnemen van alle parameteronzekerheid aan deze beslissing kan toevoegen."
    );
}

/// Every phrase the page and the terminal tables use, with the keyed tables below.
pub fn all_phrases() -> Vec<Phrase> {
    let mut all: Vec<Phrase> = PAGE.iter().chain(TERMINAL).chain(PSA).copied().collect();
    all.extend(INDICATORS.iter().map(|(_, p)| *p));
    all.extend(PAYERS.iter().map(|(_, p)| *p));
    all.extend(SERVICES.iter().map(|(_, p)| *p));
    all.extend(CHOICES.iter().map(|(_, p)| *p));
    all
}

/// Texts that Dutch writes as English does (names, codes).
pub const SAME_IN_BOTH: &[&str] = &[
    "indicator",
    "scenario",
    "seed",
    "follow-up",
    "parameter",
    "PSA",
    "Veiligheidshuis",
    "effect",
    "status",
    "LVB",
];

/// The headline indicators by name (the files keep the name and an English label).
pub const INDICATORS: &[(&str, Phrase)] = &[
    ("reconviction_1y", Phrase::new("reconviction within 1 year", "herveroordeling binnen 1 jaar")),
    (
        "reconviction_2y",
        Phrase::new("reconviction within 2 years", "herveroordeling binnen 2 jaar"),
    ),
    (
        "reconviction_5y",
        Phrase::new("reconviction within 5 years", "herveroordeling binnen 5 jaar"),
    ),
    ("rearrest_1y", Phrase::new("rearrest within 1 year", "nieuwe aanhouding binnen 1 jaar")),
    ("rearrest_2y", Phrase::new("rearrest within 2 years", "nieuwe aanhouding binnen 2 jaar")),
    ("rearrest_5y", Phrase::new("rearrest within 5 years", "nieuwe aanhouding binnen 5 jaar")),
    ("redetention_1y", Phrase::new("redetention within 1 year", "nieuwe detentie binnen 1 jaar")),
    ("redetention_2y", Phrase::new("redetention within 2 years", "nieuwe detentie binnen 2 jaar")),
    ("redetention_5y", Phrase::new("redetention within 5 years", "nieuwe detentie binnen 5 jaar")),
    (
        "relapse_1y",
        Phrase::new("relapse after remission within 1 year", "terugval na remissie binnen 1 jaar"),
    ),
    (
        "relapse_2y",
        Phrase::new("relapse after remission within 2 years", "terugval na remissie binnen 2 jaar"),
    ),
    (
        "relapse_5y",
        Phrase::new("relapse after remission within 5 years", "terugval na remissie binnen 5 jaar"),
    ),
    (
        "median_days_to_reconviction",
        Phrase::new(
            "median days from release to reconviction (where reached)",
            "mediaan aantal dagen van vrijlating tot herveroordeling (waar bereikt)",
        ),
    ),
    ("offences", Phrase::new("offences per citizen", "delicten per burger")),
    (
        "detention_days",
        Phrase::new(
            "detention days after release per citizen",
            "detentiedagen na vrijlating per burger",
        ),
    ),
    (
        "days_active_addiction",
        Phrase::new(
            "days in active addiction per citizen",
            "dagen met actieve verslaving per burger",
        ),
    ),
    ("days_homeless", Phrase::new("days homeless per citizen", "dagen dakloos per burger")),
    (
        "days_without_income",
        Phrase::new("days without income per citizen", "dagen zonder inkomen per burger"),
    ),
    (
        "recovery_personal",
        Phrase::new("recovery: self, at the horizon", "herstel: persoonlijk, aan het eind"),
    ),
    (
        "recovery_social",
        Phrase::new(
            "recovery: person-network, at the horizon",
            "herstel: persoon–netwerk, aan het eind",
        ),
    ),
    (
        "recovery_societal",
        Phrase::new(
            "recovery: person-society, at the horizon",
            "herstel: persoon–samenleving, aan het eind",
        ),
    ),
    (
        "recovery_victim",
        Phrase::new(
            "recovery: person-victim, at the horizon",
            "herstel: persoon–slachtoffer, aan het eind",
        ),
    ),
    ("cost_justice", Phrase::new("cost per citizen, justice", "kosten per burger, justitie")),
    (
        "cost_municipality",
        Phrase::new("cost per citizen, municipality", "kosten per burger, gemeente"),
    ),
    ("cost_health", Phrase::new("cost per citizen, health", "kosten per burger, zorg")),
    (
        "cost_victims_society",
        Phrase::new(
            "cost per citizen, victims & society",
            "kosten per burger, slachtoffers en samenleving",
        ),
    ),
    (
        "cost_societal",
        Phrase::new(
            "total societal cost per citizen (without transfers)",
            "totale maatschappelijke kosten per burger (zonder overdrachten)",
        ),
    ),
];

/// Payers as the files name them.
pub const PAYERS: &[(&str, Phrase)] = &[
    ("justice", Phrase::new("justice", "justitie")),
    ("municipality", Phrase::new("municipality", "gemeente")),
    ("health", Phrase::new("health insurance & care", "zorgverzekering en zorg")),
    ("victims_society", Phrase::new("victims & society", "slachtoffers en samenleving")),
    ("society", Phrase::new("society", "samenleving")),
];

/// The services of the shipped scenarios and the two coordination programmes, by name.
pub const SERVICES: &[(&str, Phrase)] = &[
    ("id_papers", Phrase::new("ID papers", "ID-bewijs")),
    ("benefit", Phrase::new("social assistance benefit", "bijstandsuitkering")),
    ("addiction_care", Phrase::new("addiction care", "verslavingszorg")),
    ("debt_help", Phrase::new("debt help", "schuldhulpverlening")),
    ("shelter", Phrase::new("night shelter (MO)", "nachtopvang (MO)")),
    ("supported_housing", Phrase::new("supported housing (BW)", "beschermd wonen (BW)")),
    ("social_housing", Phrase::new("own home (social housing)", "eigen woning (sociale huur)")),
    ("lvb_support", Phrase::new("LVB support", "LVB-ondersteuning")),
    ("mental_health", Phrase::new("mental health care", "ggz")),
    ("job_coaching", Phrase::new("job coaching", "begeleiding naar werk")),
    ("case_manager", Phrase::new("case management", "casemanagement")),
    ("veiligheidshuis", Phrase::new("Veiligheidshuis coordination", "casusregie Veiligheidshuis")),
];

/// Values of the scenario's choices (queue rules, responses, eligibility, payers, domains).
pub const CHOICES: &[(&str, Phrase)] = &[
    ("first_come", Phrase::new("first come, first served", "wie het eerst komt")),
    ("highest_risk", Phrase::new("highest risk first", "hoogste risico eerst")),
    ("most_problems", Phrase::new("most problems first", "meeste problemen eerst")),
    ("revocation", Phrase::new("revocation (back inside)", "herroeping (terug naar binnen)")),
    ("care", Phrase::new("referral to care", "verwijzing naar zorg")),
    ("all", Phrase::new("everyone", "iedereen")),
    (
        "complex",
        Phrase::new(
            "complex cases (addiction, LVB, debt)",
            "complexe casussen (verslaving, LVB, schulden)",
        ),
    ),
    ("prolific", Phrase::new("prolific offenders", "veelplegers")),
    ("id", Phrase::new("ID papers", "ID-bewijs")),
    ("address", Phrase::new("an address", "een adres")),
    ("income", Phrase::new("income", "inkomen")),
    ("indication", Phrase::new("an indication", "een indicatie")),
    ("addiction", Phrase::new("addiction", "verslaving")),
    ("debt", Phrase::new("debt", "schulden")),
    ("housing", Phrase::new("housing", "huisvesting")),
    ("lvb", Phrase::new("LVB", "LVB")),
    ("psychiatric", Phrase::new("psychiatric problems", "psychische problemen")),
    ("work", Phrase::new("work", "werk")),
];

fn lookup<'a>(table: &'a [(&str, Phrase)], key: &str) -> Option<&'a Phrase> {
    table.iter().find(|(k, _)| *k == key).map(|(_, p)| p)
}

/// An indicator's label: the table's words, or the file's own label (English) if unknown.
pub fn indicator(lang: Lang, name: &str, file_label: &str) -> String {
    match lookup(INDICATORS, name) {
        Some(p) => lang.pick(p).to_string(),
        None => strip_discounted(file_label).to_string(),
    }
}

/// The files' labels say "(discounted)"; the page says so once, above the table.
fn strip_discounted(label: &str) -> &str {
    label.strip_suffix(" (discounted)").unwrap_or(label)
}

pub fn payer(lang: Lang, name: &str) -> String {
    lookup(PAYERS, name).map_or_else(|| name.to_string(), |p| lang.pick(p).to_string())
}

/// A service's name: the shipped services' words, else the label the scenario gives it.
pub fn service(lang: Lang, name: &str, scenario_label: Option<&str>) -> String {
    match (lookup(SERVICES, name), scenario_label) {
        (Some(p), _) => lang.pick(p).to_string(),
        (None, Some(label)) => label.to_string(),
        (None, None) => name.to_string(),
    }
}

/// A choice's words, or the value itself when it is not a known choice.
pub fn choice(lang: Lang, value: &str) -> String {
    lookup(CHOICES, value).map_or_else(|| value.to_string(), |p| lang.pick(p).to_string())
}

/// A value in its unit, rounded for reading.
pub fn value(lang: Lang, unit: &str, x: f64) -> String {
    match unit {
        "share" => lang.percent(x),
        "euro" => lang.euros(x),
        "days" => lang.days(x),
        "0-1" => lang.number(x, 2),
        _ => lang.number(x, 1),
    }
}

/// A signed difference in its unit: percentage points for shares.
pub fn signed(lang: Lang, unit: &str, x: f64) -> String {
    if !x.is_finite() {
        return lang.pick(&crate::output::lang::NOT_AVAILABLE).into();
    }
    let body = match unit {
        "share" => format!("{} {}", lang.number(100.0 * x.abs(), 1), lang.pick(&PP)),
        _ => value(lang, unit, x.abs()),
    };
    let zero = body.chars().filter(|c| c.is_ascii_digit()).all(|c| c == '0');
    let sign = if zero {
        ""
    } else if x > 0.0 {
        "+"
    } else {
        "−"
    };
    format!("{sign}{body}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::lang::missing_translations;

    #[test]
    fn every_phrase_of_the_page_and_the_tables_has_its_dutch_text() {
        let missing = missing_translations(&all_phrases(), SAME_IN_BOTH);
        assert!(missing.is_empty(), "untranslated: {missing:?}");
    }

    #[test]
    fn placeholders_match_between_the_languages() {
        for p in all_phrases() {
            for i in 0..8 {
                let mark = format!("{{{i}}}");
                assert_eq!(p.en.contains(&mark), p.nl.contains(&mark), "{mark} in {:?}", p.en);
            }
        }
    }

    #[test]
    fn differences_carry_their_sign_and_unit() {
        assert_eq!(signed(Lang::En, "share", -0.0384), "−3.8 pp");
        assert_eq!(signed(Lang::Nl, "share", 0.033), "+3,3 %-punt");
        assert_eq!(signed(Lang::En, "euro", -2578.0), "−€2,600");
        assert_eq!(signed(Lang::En, "days", 0.2), "0");
        assert_eq!(value(Lang::En, "days", 934.3), "934");
    }
}
