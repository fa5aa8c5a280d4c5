//! `reentry classroom` as a teacher and a student use it: the page is built from a small
//! lesson, opened in a real browser (headless Chromium), a lever is moved and play pressed
//! through the page's own controls, and what the page then shows is compared with the
//! engine's results for that lever setting, computed here from the library. The browser runs
//! behind a proxy that counts connections, so a page that fetched anything would fail.
//!
//! Without Chromium the browser test is skipped with a loud message, except in CI (CI=true),
//! where it must run (`.ci/run` installs Debian's `chromium`).

mod common;

use common::{reentry, shipped};
use reentry::experiments::{run_replications, summarise};
use reentry::scenario::{Override, Scenario};
use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

const SEED: u64 = 11;
const POPULATION: u32 = 300;
const REPLICATIONS: u32 = 2;

/// A small lesson: a three-position slider (through-care only) and a switch (both regimes).
fn small_lesson(dir: &Path) -> PathBuf {
    let text = format!(
        r#"
[lesson]
title = "Test lesson"
intro = "Two regimes, two levers."
questions = ["What changes?"]
replications = {REPLICATIONS}
population = {POPULATION}
seed = {SEED}
watch = 40

[[regimes]]
scenario = "{frag}"
name = "fragmented"
label = "Fragmented care"

[[regimes]]
scenario = "{through}"
name = "through-care"
label = "Through-care"

[[levers]]
id = "handover"
label = "Warm hand-over"
path = "regime.warm_handover"
values = [0.1, 0.5, 0.9]
labels = ["1 in 10", "5 in 10", "9 in 10"]
start = 0.9
applies_to = ["through-care"]

[[levers]]
id = "violation"
label = "After a broken rule"
path = "regime.probation.response"
values = ["revocation", "care"]
labels = ["back to prison", "referral to care"]
"#,
        frag = shipped("fragmented.toml").display(),
        through = shipped("through-care.toml").display(),
    );
    let path = dir.join("lesson.toml");
    std::fs::write(&path, text).expect("write lesson");
    path
}

/// The engine's means for one regime at one lever setting, computed without the classroom code.
fn engine_means(scenario: &str, settings: &[(&str, toml::Value)]) -> reentry::experiments::Summary {
    let mut overrides = vec![
        Override::new("scenario.seed", toml::Value::Integer(SEED as i64), "test").unwrap(),
        Override::new("scenario.replications", toml::Value::Integer(REPLICATIONS.into()), "test")
            .unwrap(),
        Override::new("population.size", toml::Value::Integer(POPULATION.into()), "test").unwrap(),
    ];
    for (path, value) in settings {
        overrides.push(Override::new(path, value.clone(), "test").unwrap());
    }
    let sc = Scenario::load_with(&shipped(scenario), &overrides).expect("scenario loads");
    summarise(&sc, &run_replications(&sc, sc.meta.replications))
}

fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"].iter().find_map(|name| {
        let found = Command::new("sh").arg("-c").arg(format!("command -v {name}")).output().ok()?;
        let path = String::from_utf8_lossy(&found.stdout).trim().to_string();
        (found.status.success() && !path.is_empty()).then(|| PathBuf::from(path))
    })
}

/// Chromium, or a skip (a loud one); in CI a missing browser fails the test.
fn browser_or_skip(test: &str) -> Option<PathBuf> {
    let found = chromium();
    if found.is_none() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but no chromium found: .ci/run must install it (apt-get install -y chromium)"
        );
        eprintln!(
            "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\
             SKIPPED {test}: no chromium on this machine (apt-get install -y chromium)\n\
             !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
        );
    }
    found
}

/// Flags that keep Chromium itself quiet on the network and usable as root in a container.
const QUIET: [&str; 12] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-sync",
    "--disable-extensions",
    "--metrics-recording-only",
    "--disable-features=Translate,OptimizationHints,MediaRouter",
];

/// A proxy that answers nothing and counts who tried: every http(s) request of the browser
/// goes through it (file:// pages are read directly).
struct Tripwire {
    port: u16,
    hits: Arc<AtomicUsize>,
    seen: Arc<std::sync::Mutex<Vec<String>>>,
}

impl Tripwire {
    fn start() -> Tripwire {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a local port");
        let port = listener.local_addr().unwrap().port();
        let hits = Arc::new(AtomicUsize::new(0));
        let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
        let (h, s) = (hits.clone(), seen.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                h.fetch_add(1, Ordering::SeqCst);
                let s = s.clone();
                // Each connection on its own, with time to spare: on a loaded machine a
                // request may reach the proxy late, and one slow connection must not hold up
                // the next.
                std::thread::spawn(move || {
                    let mut stream = stream;
                    let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(10)));
                    let mut buf = [0u8; 512];
                    let n = stream.read(&mut buf).unwrap_or(0);
                    // A connection that sent nothing asked for nothing: Chromium may open a
                    // spare socket to its proxy ahead of need and close it unused.
                    if n > 0 {
                        let text = String::from_utf8_lossy(&buf[..n]);
                        s.lock().unwrap().push(text.lines().next().unwrap_or("").to_string());
                    }
                });
            }
        });
        Tripwire { port, hits, seen }
    }

    /// Requests other than Chromium's own background services (its updater, sign-in and clock,
    /// which even `--disable-background-networking` leaves on): exact host names, so a page
    /// fetching anything else, fonts.googleapis.com included, is caught.
    fn page_requests(&self) -> Vec<String> {
        const BROWSER_SERVICES: [&str; 3] =
            ["update.googleapis.com", "accounts.google.com", "clients2.google.com"];
        let host = |line: &str| {
            let target = line.split_whitespace().nth(1).unwrap_or("");
            let rest = target.strip_prefix("http://").unwrap_or(target);
            rest.split(['/', ':']).next().unwrap_or("").to_string()
        };
        self.seen
            .lock()
            .unwrap()
            .iter()
            .filter(|line| !BROWSER_SERVICES.contains(&host(line).as_str()))
            .cloned()
            .collect()
    }
}

fn url(page: &Path, fragment: &str) -> String {
    format!("file://{}#{fragment}", page.canonicalize().unwrap().display())
}

/// The page's DOM after `budget_ms` of virtual time.
fn dump_dom(browser: &Path, page: &Path, fragment: &str, proxy: u16, budget_ms: u32) -> String {
    let out = Command::new(browser)
        .args(QUIET)
        .arg(format!("--proxy-server=http://127.0.0.1:{proxy}"))
        .arg(format!("--virtual-time-budget={budget_ms}"))
        .arg("--dump-dom")
        .arg(url(page, fragment))
        .output()
        .expect("start chromium");
    assert!(out.status.success(), "chromium failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn screenshot(browser: &Path, page: &Path, file: &Path, size: (u32, u32), proxy: u16) {
    let out = Command::new(browser)
        .args(QUIET)
        .arg(format!("--proxy-server=http://127.0.0.1:{proxy}"))
        .arg("--hide-scrollbars")
        .arg("--virtual-time-budget=2000")
        .arg(format!("--screenshot={}", file.display()))
        .arg(format!("--window-size={},{}", size.0, size.1))
        .arg(url(page, "day=400&person=0"))
        .output()
        .expect("start chromium");
    assert!(out.status.success(), "screenshot failed: {}", String::from_utf8_lossy(&out.stderr));
    let png = std::fs::read(file).expect("screenshot written");
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 10_000,
        "{} is not a picture",
        file.display()
    );
}

/// The text of the element with this id (the page writes plain text into its cells).
fn text_of(dom: &str, id: &str) -> String {
    let open = format!("id=\"{id}\"");
    let at = dom.find(&open).unwrap_or_else(|| panic!("no element #{id} in the page"));
    let start = at + dom[at..].find('>').unwrap() + 1;
    let end = start + dom[start..].find('<').unwrap();
    dom[start..end].replace("&amp;", "&")
}

/// "45.3%" → 0.453, "€12,345" → 12345, "1,234" → 1234, "−€5" → -5.
fn shown_number(text: &str) -> f64 {
    let negative = text.starts_with('−') || text.starts_with('-');
    let digits: String = text.chars().filter(|c| c.is_ascii_digit() || *c == '.').collect();
    let x: f64 = digits.parse().unwrap_or_else(|_| panic!("`{text}` is not a number"));
    let x = if text.ends_with('%') { x / 100.0 } else { x };
    if negative { -x } else { x }
}

/// The shown text equals the engine's value as rounded for display.
fn assert_shows(dom: &str, id: &str, engine: f64, unit: &str) {
    let text = text_of(dom, id);
    let shown = shown_number(&text);
    // Half the last shown digit, plus the page data's own rounding (1e-5 shares, 0.01 days/€).
    let tolerance = if unit == "share" { 0.0005 + 1e-5 } else { 0.5 + 0.01 };
    assert!(
        (shown - engine).abs() <= tolerance,
        "#{id} shows {text} but the engine gives {engine} ({unit})"
    );
}

/// Builds the small lesson's page into `dir`.
fn build(dir: &Path) -> PathBuf {
    let lesson = small_lesson(dir);
    let page = dir.join("page.html");
    let run = reentry(
        dir,
        ["classroom".as_ref(), lesson.as_os_str(), "--out".as_ref(), page.as_os_str()],
    );
    assert!(run.success, "{}", run.stderr);
    assert!(run.stdout.contains("6 lever settings (8 runs)"), "{}", run.stdout);
    page
}

#[test]
fn the_page_shows_the_engines_numbers_after_a_lever_moves_and_citizens_move_offline() {
    let Some(browser) = browser_or_skip("classroom browser test") else { return };
    let dir = tempfile::tempdir().unwrap();
    let page = build(dir.path());
    let tripwire = Tripwire::start();
    // Open at "referral to care", then move the hand-over slider to 5 in 10 and press play.
    let dom = dump_dom(
        &browser,
        &page,
        "violation=referral%20to%20care&test=handover.1",
        tripwire.port,
        8000,
    );
    let report: serde_json::Value =
        serde_json::from_str(&text_of(&dom, "test-report").replace("&quot;", "\""))
            .expect("test report");
    // Grid point: handover position 1 of 3 (slowest), violation position 1 of 2.
    assert_eq!(report["point"], 3, "{report}");
    let care = toml::Value::String("care".into());
    let expected = [
        engine_means("fragmented.toml", &[("regime.probation.response", care.clone())]),
        engine_means(
            "through-care.toml",
            &[
                ("regime.warm_handover", toml::Value::Float(0.5)),
                ("regime.probation.response", care),
            ],
        ),
    ];
    for (k, summary) in expected.iter().enumerate() {
        for name in ["reconviction_1y", "reconviction_2y", "reconviction_5y"] {
            assert_shows(&dom, &format!("n-{k}-{name}"), summary.get(name).unwrap().mean, "share");
        }
        for name in
            ["days_homeless", "days_without_income", "days_active_addiction", "cost_societal"]
        {
            assert_shows(&dom, &format!("n-{k}-{name}"), summary.get(name).unwrap().mean, "count");
        }
        // The bars: days (homeless, without income) and every payer.
        for (g, name) in ["days_homeless", "days_without_income"].iter().enumerate() {
            assert_shows(
                &dom,
                &format!("fig-days-{g}-{k}"),
                summary.get(name).unwrap().mean,
                "count",
            );
        }
        for (g, payer) in
            ["justice", "municipality", "health", "victims_society"].iter().enumerate()
        {
            let mean = summary.get(&format!("cost_{payer}")).unwrap().mean;
            assert_shows(&dom, &format!("fig-payers-{g}-{k}"), mean, "euro");
        }
    }
    // The lever really changed what is shown: at 9 in 10 through-care differs.
    let at_start = engine_means(
        "through-care.toml",
        &[("regime.probation.response", toml::Value::String("care".into()))],
    );
    assert_ne!(
        at_start.get("days_without_income").unwrap().mean,
        expected[1].get("days_without_income").unwrap().mean
    );
    // Play ran: days passed on the counter and dots moved on both sides.
    let day = report["day"].as_u64().unwrap();
    assert!(day > report["day_before"].as_u64().unwrap() + 30, "{report}");
    assert_eq!(text_of(&dom, "day-counter"), report["counter"].as_str().unwrap());
    assert!(report["counter"].as_str().unwrap().starts_with(&format!("day {day} ")), "{report}");
    for side in report["moved"].as_array().unwrap() {
        assert!(side.as_u64().unwrap() > 0, "no dot moved: {report}");
    }
    // The address holds the settings.
    let hash = report["hash"].as_str().unwrap();
    assert!(
        hash.contains("handover=5+in+10") && hash.contains("violation=referral+to+care"),
        "{hash}"
    );
    // Nothing fetched, nothing blocked, nobody at the proxy.
    assert_eq!(report["resources"], serde_json::json!([]), "{report}");
    assert_eq!(report["violations"], serde_json::json!([]), "{report}");
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("classroom-screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    screenshot(&browser, &page, &shots.join("desktop.png"), (1366, 1800), tripwire.port);
    screenshot(&browser, &page, &shots.join("phone.png"), (390, 2400), tripwire.port);
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert_eq!(tripwire.page_requests(), Vec::<String>::new(), "the page made network requests");
    eprintln!("screenshots in {}", shots.display());
}

/// The tripwire works: a page that does fetch something is seen at the proxy.
#[test]
fn the_tripwire_sees_a_page_that_fetches() {
    let Some(browser) = browser_or_skip("classroom tripwire control") else { return };
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("control.html");
    std::fs::write(&page, "<!doctype html><img src=\"http://tripwire-control.test/pixel.png\">")
        .unwrap();
    let tripwire = Tripwire::start();
    dump_dom(&browser, &page, "", tripwire.port, 2000);
    std::thread::sleep(std::time::Duration::from_millis(200));
    let seen = tripwire.page_requests();
    assert!(seen.iter().any(|l| l.contains("tripwire-control.test")), "{seen:?}");
    assert!(tripwire.hits.load(Ordering::SeqCst) >= seen.len());
}

#[test]
fn the_page_is_one_file_that_names_nothing_outside_itself() {
    let dir = tempfile::tempdir().unwrap();
    let page = std::fs::read_to_string(build(dir.path())).unwrap();
    // The only URL is the SVG namespace, which is a name, not an address to fetch.
    let urls = page.matches("http://").count() + page.matches("https://").count();
    let namespaces = page.matches("http://www.w3.org/2000/svg").count();
    assert_eq!(urls, namespaces, "the page names an address");
    for outside in ["src=\"", "href=\"", "@import", "url(", "fetch(", "XMLHttpRequest"] {
        assert!(!page.contains(outside), "the page contains {outside}");
    }
    assert!(page.contains("default-src 'none'"), "no content security policy");
}

#[test]
fn an_existing_page_is_kept_unless_forced_and_a_bad_lesson_names_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let page = build(dir.path());
    let before = std::fs::read(&page).unwrap();
    let lesson = dir.path().join("lesson.toml");
    let again = reentry(
        dir.path(),
        ["classroom".as_ref(), lesson.as_os_str(), "--out".as_ref(), page.as_os_str()],
    );
    assert!(!again.success && again.stderr.contains("already exists"), "{}", again.stderr);
    assert_eq!(std::fs::read(&page).unwrap(), before);
    let forced = reentry(
        dir.path(),
        [
            "classroom".as_ref(),
            lesson.as_os_str(),
            "--out".as_ref(),
            page.as_os_str(),
            "--force".as_ref(),
            "--threads".as_ref(),
            "1".as_ref(),
        ],
    );
    assert!(forced.success, "{}", forced.stderr);
    // Same lesson, same seed: the same page, byte for byte (one thread or many).
    assert_eq!(std::fs::read(&page).unwrap(), before);
    let text = std::fs::read_to_string(&lesson)
        .unwrap()
        .replace("values = [0.1, 0.5, 0.9]", "values = [0.1, 0.5, 1.9]")
        .replace("start = 0.9", "start = 0.1");
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, text).unwrap();
    let out = dir.path().join("bad.html");
    let run = reentry(
        dir.path(),
        ["classroom".as_ref(), bad.as_os_str(), "--out".as_ref(), out.as_os_str()],
    );
    assert!(!run.success);
    assert!(
        run.stderr.contains("lever `handover`") && run.stderr.contains("bad.toml:"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("regime.warm_handover") && run.stderr.contains("0 to 1"),
        "{}",
        run.stderr
    );
    assert!(!out.exists(), "a failed build left a page");
}

#[test]
fn the_default_lesson_is_valid() {
    let lesson = Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons/through-care.toml");
    let l = reentry::classroom::Lesson::load(&lesson).expect("the shipped lesson loads");
    assert_eq!(l.points(), 36);
    assert_eq!(l.runs.len(), 42, "through-care levers must leave fragmented care alone");
    assert_eq!(l.watch, 100);
}
