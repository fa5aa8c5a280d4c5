//! `report.html` and the terminal table as a municipal analyst meets them: the answer before
//! the scenarios and the raw keys, levers in plain words, benefit payments split from services
//! so that the payers add up to society, numbers rounded for reading, the whole page and
//! table in Dutch with `--lang nl` (no English label left), the language kept by `reentry
//! report`, and (in a real browser, headless Chromium) a headline table that fits a phone.

mod common;

use common::shipped;
use reentry::output::folder::Folder;
use reentry::output::format::flatten_toml;
use reentry::output::lang::Lang;
use reentry::output::{html, lever_words, words};
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const SMALL: [&str; 4] = ["--population", "300", "--replications", "3"];

fn compare_small(cwd: &Path, out: &Path, extra: &[&str]) -> common::Run {
    let mut args: Vec<OsString> = vec![
        "compare".into(),
        shipped("fragmented.toml").into(),
        shipped("through-care.toml").into(),
        "--out".into(),
        out.into(),
    ];
    args.extend(SMALL.iter().chain(extra).map(OsString::from));
    let run = common::reentry(cwd, &args);
    assert!(run.success, "compare failed:\n{}", run.stderr);
    run
}

fn position(html: &str, needle: &str) -> usize {
    html.find(needle).unwrap_or_else(|| panic!("the page lacks {needle}"))
}

#[test]
fn the_answer_comes_first_with_levers_in_plain_words_and_transfers_apart() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cmp");
    compare_small(dir.path(), &out, &[]);
    let page = fs::read_to_string(out.join("report.html")).unwrap();
    let headline = position(&page, "<section id=\"headline\">");
    for later in ["id=\"scenarios\"", "id=\"levers\"", "id=\"provenance\"", "id=\"question\""] {
        assert!(headline < position(&page, later), "the answer comes after {later}");
    }
    // The answer names the effect on reconviction, society's money and the verdict.
    let answer = &page[headline..position(&page, "id=\"who-pays\"")];
    for text in ["Reconviction within 2 years", "society", "Verdict", "cost per citizen, justice"] {
        assert!(answer.contains(text), "the answer lacks {text:?}");
    }
    // Levers: words first, the key in small print.
    assert!(page.contains(
        "Screening for LVB before release (share of people with it who are found)<small class=\"key\"><code>regime.screening.lvb</code></small>"
    ));
    assert!(page.contains(
        "<td data-label=\"fragmented\">25%</td><td data-label=\"through-care\">60%</td>"
    ));
    // Numbers rounded for reading: days whole, euros to the nearest 100.
    let summary: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let mean = |scenario: usize, name: &str| -> f64 {
        summary["scenarios"][scenario]["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["name"] == name)
            .and_then(|i| i["mean"].as_f64())
            .unwrap()
    };
    let days = mean(0, "detention_days");
    assert!(page.contains(&format!(">{:.0} <span", days)), "days {days} not shown whole");
    assert!(!page.contains(&format!("{:.1}", days)), "days {days} shown with a decimal");
    let euros = mean(0, "cost_societal");
    let shown = format!("€{}", reentry::output::format::thousands((euros / 100.0).round() * 100.0));
    assert!(page.contains(&shown), "societal cost {euros} not shown as {shown}");
    // Who pays: benefit payments apart, and the split closes the gap to society.
    assert!(page.contains("municipality: benefit payments (a transfer)"));
    assert!(page.contains("cancel out for society"));
    let folder = Folder::read(&out).unwrap();
    let split = reentry::output::surprises::transfer_split(&folder, &folder.comparisons[0])
        .expect("through-care changes benefit payments");
    assert!(split.transfers.abs() > 100.0, "{split:?}");
    let gap = split.payers_sum - split.transfers - split.society;
    assert!(gap.abs() < 1.0, "services alone do not add up to society: {split:?}");
}

#[test]
fn the_fixed_length_case_management_cliff_is_explained_where_it_shows() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cmp");
    // Full-size cohort, one replication: the cliff needs the case managers to be full.
    let mut args: Vec<OsString> = vec![
        "compare".into(),
        shipped("fragmented.toml").into(),
        shipped("through-care.toml").into(),
        "--out".into(),
        out.clone().into(),
    ];
    args.extend(["--replications", "2"].map(OsString::from));
    let run = common::reentry(dir.path(), &args);
    assert!(run.success, "{}", run.stderr);
    let page = fs::read_to_string(out.join("report.html")).unwrap();
    let surprises = &page[position(&page, "<section id=\"surprises\">")..];
    assert!(surprises.contains("waiting list for case management falls"), "no cliff explained");
    assert!(surprises.contains("lasts a fixed 365 days"));
    // Switch the mechanism off (case management as long as the follow-up): no cliff, no note.
    let long = dir.path().join("long");
    let mut args2 = args.clone();
    args2[4] = long.clone().into();
    args2.extend(["--set", "regime.case_manager.duration_days=2190"].map(OsString::from));
    let run = common::reentry(dir.path(), &args2);
    assert!(run.success, "{}", run.stderr);
    let page = fs::read_to_string(long.join("report.html")).unwrap();
    assert!(!page.contains("waiting list for case management falls"), "a cliff without cause");
}

/// Texts of an English phrase long enough to be recognised, split at its placeholders and tags.
fn english_fragments(en: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut text = en.to_string();
    for i in 0..8 {
        text = text.replace(&format!("{{{i}}}"), "\u{1}");
    }
    let mut inside = false;
    let mut cleaned = String::new();
    for c in text.chars() {
        match c {
            '<' => {
                inside = true;
                cleaned.push('\u{1}');
            }
            '>' => inside = false,
            c if !inside => cleaned.push(c),
            _ => {}
        }
    }
    for part in cleaned.split('\u{1}') {
        let part = part.trim().trim_matches(|c: char| c.is_ascii_punctuation()).trim();
        if part.chars().count() >= 12 {
            out.push(part.to_string());
        }
    }
    out
}

/// The page without its pictures (their labels are translated with the pictures) and without
/// the rows of the parameter table (keys, values and sources as the scenario files write them).
fn without_pictures(page: &str) -> String {
    let cut = |page: &str, from: &str, to: &str| {
        let start = position(page, from);
        let end = start + page[start..].find(to).unwrap();
        format!("{}{}", &page[..start], &page[end..])
    };
    let page = cut(page, "<section id=\"pictures\">", "</section>");
    let tables = position(&page, "<section id=\"provenance\">");
    let rows = tables + position(&page[tables..], "<tr><td>");
    format!("{}{}", &page[..rows], &page[rows + position(&page[rows..], "</table>")..])
}

#[test]
fn lang_nl_writes_the_page_and_the_table_in_dutch_and_report_keeps_the_language() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("nl");
    let run = compare_small(dir.path(), &out, &["--lang", "nl"]);
    let page = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(page.contains("<html lang=\"nl\">"));
    let text = html_text(&without_pictures(&page));
    // User data (scenario descriptions) stays as written; every label must be Dutch.
    let data: String = Folder::read(&out)
        .unwrap()
        .scenarios
        .iter()
        .map(|s| format!("{} {} ", s.description, s.regime))
        .collect();
    let all_dutch: String = words::all_phrases()
        .iter()
        .chain(&lever_words::all_phrases())
        .map(|p| format!("{} ", p.nl))
        .collect();
    let mut english = Vec::new();
    for p in words::all_phrases().iter().chain(&lever_words::all_phrases()) {
        for f in english_fragments(p.en) {
            if text.contains(&f) && !all_dutch.contains(&f) && !data.contains(&f) {
                english.push(f);
            }
        }
    }
    assert!(english.is_empty(), "English left on the Dutch page: {english:?}");
    for dutch in [
        "Het antwoord",
        "Wie betaalt, wie wint",
        "%-punt",
        "€\u{a0}",
        "herveroordeling binnen 2 jaar",
    ] {
        assert!(text.contains(dutch), "the Dutch page lacks {dutch:?}");
    }
    assert!(!text.contains("\u{a0}pp"), "English percentage points on the Dutch page");
    // The terminal table too.
    for p in words::TERMINAL.iter().chain(words::INDICATORS.iter().map(|(_, p)| p)) {
        for f in english_fragments(p.en) {
            assert!(!run.stdout.contains(&f), "English {f:?} in the Dutch table:\n{}", run.stdout);
        }
    }
    assert!(run.stdout.contains("herveroordeling binnen 2 jaar"), "{}", run.stdout);
    assert!(run.stdout.contains("wie betaalt, wie wint"), "{}", run.stdout);
    // `reentry report` redraws in the folder's language, or the one asked for.
    fs::remove_file(out.join("report.html")).unwrap();
    let again = common::reentry(dir.path(), [OsString::from("report"), out.clone().into()]);
    assert!(again.success, "{}", again.stderr);
    assert_eq!(fs::read_to_string(out.join("report.html")).unwrap(), page, "not the same page");
    let en = common::reentry(
        dir.path(),
        [OsString::from("report"), out.clone().into(), "--lang".into(), "en".into()],
    );
    assert!(en.success, "{}", en.stderr);
    assert!(fs::read_to_string(out.join("report.html")).unwrap().contains("<html lang=\"en\">"));
    assert_eq!(html::folder_lang(&out).unwrap(), Some(Lang::En), "the folder records English now");
    let bad = common::reentry(
        dir.path(),
        [OsString::from("report"), out.clone().into(), "--lang".into(), "de".into()],
    );
    assert!(!bad.success && bad.stderr.contains("en, nl"), "{}", bad.stderr);
}

#[test]
fn the_psa_part_of_the_page_is_dutch_too() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("psa");
    let priors = Path::new(env!("CARGO_MANIFEST_DIR")).join("priors");
    let (netherlands, costs) = (priors.join("netherlands.toml"), priors.join("costs.toml"));
    let extra = [
        "--lang",
        "nl",
        "--psa",
        "20",
        "--psa-population",
        "100",
        "--priors",
        netherlands.to_str().unwrap(),
        "--priors",
        costs.to_str().unwrap(),
    ];
    compare_small(dir.path(), &out, &extra);
    let page = fs::read_to_string(out.join("report.html")).unwrap();
    let text = html_text(&without_pictures(&page));
    let all_dutch: String = words::all_phrases().iter().map(|p| format!("{} ", p.nl)).collect();
    let mut english = Vec::new();
    for p in words::PSA.iter().chain(words::INDICATORS.iter().map(|(_, p)| p)) {
        for f in english_fragments(p.en) {
            if text.contains(&f) && !all_dutch.contains(&f) {
                english.push(f);
            }
        }
    }
    assert!(english.is_empty(), "English left in the Dutch PSA part: {english:?}");
    for dutch in
        ["Onder parameteronzekerheid", "Baten en kosten per betaler", "Kosteneffectiviteit"]
    {
        assert!(text.contains(dutch), "the Dutch page lacks {dutch:?}");
    }
}

/// The visible text of a page: tags removed, entities of the escaper undone.
fn html_text(page: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in page.chars() {
        match c {
            '<' => {
                inside = true;
                out.push(' ');
            }
            '>' => inside = false,
            c if !inside => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
}

/// Every shipped scenario's resolved parameters, flattened, by file name.
fn shipped_parameters() -> BTreeMap<String, BTreeMap<String, String>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut out = BTreeMap::new();
    for entry in fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let sc = reentry::scenario::Scenario::load(&path).unwrap();
            let text = toml::to_string(&sc.resolved).unwrap();
            out.insert(
                path.file_name().unwrap().to_string_lossy().into(),
                flatten_toml(&text).unwrap(),
            );
        }
    }
    assert!(out.len() >= 8, "shipped scenarios not found");
    out
}

#[test]
fn every_lever_of_the_shipped_scenarios_has_plain_words_in_both_languages() {
    let all = shipped_parameters();
    let mut keys = std::collections::BTreeSet::new();
    // A run shows its regime's levers; a comparison the keys that differ, for any pair.
    for a in all.values() {
        keys.extend(html::lever_keys(&[a]));
        for b in all.values() {
            keys.extend(html::lever_keys(&[a, b]));
        }
    }
    assert!(keys.contains("regime.screening.lvb") && keys.contains("population.size"));
    let mut missing = Vec::new();
    for key in &keys {
        for lang in Lang::ALL {
            match lever_words::describe(lang, key, |_| None) {
                Some((words, _)) if !words.contains(key.as_str()) && !words.is_empty() => {}
                _ => missing.push(format!("{key} ({lang})")),
            }
        }
    }
    assert!(missing.is_empty(), "levers without plain words: {missing:?}");
}

fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"].iter().find_map(|name| {
        let found = Command::new("sh").arg("-c").arg(format!("command -v {name}")).output().ok()?;
        let path = String::from_utf8_lossy(&found.stdout).trim().to_string();
        (found.status.success() && !path.is_empty()).then(|| PathBuf::from(path))
    })
}

/// Measures the page in a frame `width` pixels wide (Chromium's own window is at least 500
/// wide): the headline's offset from the top, the document's width and the headline table's
/// right edge, in CSS pixels.
fn measure(browser: &Path, page: &Path, width: u32) -> (f64, f64, f64) {
    let dir = page.parent().unwrap();
    let probe = "<script>function measure(){var h=document.getElementById('headline');\
        var t=h.querySelector('table');return [h.getBoundingClientRect().top+window.scrollY,\
        document.documentElement.scrollWidth,t.getBoundingClientRect().right].join(' ');}</script></body>";
    let measured = fs::read_to_string(page).unwrap().replace("</body>", probe);
    fs::write(dir.join("measured.html"), measured).unwrap();
    let frame = format!(
        "<html><body style=\"margin:0\"><iframe id=\"f\" src=\"measured.html\" \
         style=\"border:0;width:{width}px;height:800px\"></iframe><script>\
         document.getElementById('f').onload=function(){{document.body.setAttribute('data-m',\
         document.getElementById('f').contentWindow.measure())}}</script></body></html>"
    );
    fs::write(dir.join("frame.html"), frame).unwrap();
    let out = Command::new(browser)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"])
        .args(["--allow-file-access-from-files", "--virtual-time-budget=3000"])
        .args(["--window-size=1400,1000", "--dump-dom"])
        .arg(format!("file://{}", dir.join("frame.html").canonicalize().unwrap().display()))
        .output()
        .expect("start chromium");
    assert!(out.status.success(), "chromium failed: {}", String::from_utf8_lossy(&out.stderr));
    let dom = String::from_utf8_lossy(&out.stdout);
    let at = dom.find("data-m=\"").expect("no measurement in the page") + 8;
    let numbers: Vec<f64> =
        dom[at..at + dom[at..].find('"').unwrap()].split(' ').map(|x| x.parse().unwrap()).collect();
    (numbers[0], numbers[1], numbers[2])
}

#[test]
fn the_answer_is_on_the_first_screen_and_the_headline_table_fits_a_phone() {
    let Some(browser) = chromium() else {
        assert!(std::env::var("CI").as_deref() != Ok("true"), "CI=true but no chromium found");
        eprintln!(
            "\n!!!!! SKIPPED: no chromium on this machine (apt-get install -y chromium) !!!!!\n"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    for (lang, folder) in [("en", "en"), ("nl", "nl")] {
        let out = dir.path().join(folder);
        compare_small(dir.path(), &out, &["--lang", lang]);
        let page = out.join("report.html");
        let (top, _, _) = measure(&browser, &page, 1280);
        assert!(top < 400.0, "{lang}: the answer starts {top} px down on a laptop");
        let (top, width, right) = measure(&browser, &page, 375);
        assert!(top < 400.0, "{lang}: the answer starts {top} px down on a phone");
        assert!(width <= 375.0, "{lang}: the page is {width} px wide on a 375 px phone");
        assert!(right <= 375.0, "{lang}: the headline table reaches {right} px on a 375 px phone");
    }
}
