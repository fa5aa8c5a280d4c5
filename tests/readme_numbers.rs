//! The README's quoted output stays what the commands print today.
//!
//! A quoted block is marked by an HTML comment on the line before its fence, naming the command
//! that prints it:
//!
//! ```text
//! <!-- numbers: reentry compare scenarios/fragmented.toml scenarios/through-care.toml -->
//! ```
//!
//! (`numbers (slow):` marks a command too costly for every test run; it is checked by the
//! ignored test). The test runs each command from the repository root with `--out` in a
//! temporary folder and checks every line of the block except `...`: the line must be, byte
//! for byte, the next line of the command's output with the same *label* (the text before the
//! first column gap of two spaces or before `: `). So every number of a quoted line is checked,
//! and lines the README leaves out (`...`) are not.
//!
//! When the model or the terminal table changes on purpose, rewrite the blocks from the
//! commands' output instead of by hand:
//!
//! ```sh
//! REENTRY_UPDATE_README=1 cargo test --release --test readme_numbers
//! REENTRY_UPDATE_README=1 cargo test --release --test readme_numbers -- --ignored   # the slow ones
//! ```
//!
//! and read the diff: the prose around a block may need new words too.

mod common;

use std::path::{Path, PathBuf};

const MARK: &str = "<!-- numbers: ";
const SLOW_MARK: &str = "<!-- numbers (slow): ";
const SKIPPED: &str = "...";

fn readme_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")
}

/// One marked block of the README: the command and the block's lines (0-based line numbers
/// into the README).
#[derive(Debug)]
struct Quote {
    command: Vec<String>,
    slow: bool,
    marker_line: usize,
    /// Lines of the README strictly inside the fence.
    body: std::ops::Range<usize>,
}

/// The command of a marker line, if it is one: `(slow, words after "reentry")`.
fn parse_marker(line: &str) -> Option<(bool, Vec<String>)> {
    let t = line.trim();
    let (slow, rest) = if let Some(r) = t.strip_prefix(SLOW_MARK) {
        (true, r)
    } else {
        (false, t.strip_prefix(MARK)?)
    };
    let rest = rest.strip_suffix("-->")?.trim();
    let mut words = rest.split_whitespace().map(str::to_string);
    assert_eq!(
        words.next().as_deref(),
        Some("reentry"),
        "a numbers marker names a reentry command: {line}"
    );
    Some((slow, words.collect()))
}

fn quotes(lines: &[&str]) -> Vec<Quote> {
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some((slow, command)) = parse_marker(line) else { continue };
        let fence = i + 1;
        assert!(
            lines.get(fence).is_some_and(|l| l.starts_with("```")),
            "README:{}: a numbers marker must stand right before a ``` fence",
            i + 1
        );
        let close = (fence + 1..lines.len())
            .find(|&j| lines[j].starts_with("```"))
            .unwrap_or_else(|| panic!("README:{}: the quoted block is never closed", fence + 1));
        out.push(Quote { command, slow, marker_line: i, body: fence + 1..close });
    }
    out
}

/// What identifies a line of output: its text before the first column gap (two spaces) or
/// `: `, whichever comes first, without the indentation.
fn label(line: &str) -> &str {
    let t = line.trim();
    let gap = t.find("  ").unwrap_or(t.len());
    let colon = t.find(": ").unwrap_or(t.len());
    t[..gap.min(colon)].trim_end()
}

/// Runs a marked command as a user would, with its output folder in `scratch`.
fn output_of(quote: &Quote, scratch: &Path) -> String {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = scratch.join(format!("quote-{}", quote.marker_line + 1));
    let mut args = quote.command.clone();
    args.push("--out".into());
    args.push(out.display().to_string());
    let run = common::reentry(repo, &args);
    assert!(run.success, "`reentry {}` failed:\n{}", quote.command.join(" "), run.stderr);
    run.stdout
}

/// A line of the README that differs from what the command prints.
struct Mismatch {
    readme_line: usize,
    quoted: String,
    printed: Option<String>,
}

/// Matches each quoted line (in order) with the next output line of the same label.
fn compare_block(lines: &[&str], quote: &Quote, output: &str) -> Vec<Mismatch> {
    let printed: Vec<&str> = output.lines().collect();
    let mut cursor = 0;
    let mut mismatches = Vec::new();
    for n in quote.body.clone() {
        let quoted = lines[n];
        if quoted.trim().is_empty() || quoted.trim() == SKIPPED {
            continue;
        }
        let found = (cursor..printed.len()).find(|&j| label(printed[j]) == label(quoted));
        match found {
            Some(j) => {
                cursor = j + 1;
                if printed[j].trim_end() != quoted.trim_end() {
                    mismatches.push(Mismatch {
                        readme_line: n,
                        quoted: quoted.to_string(),
                        printed: Some(printed[j].trim_end().to_string()),
                    });
                }
            }
            None => mismatches.push(Mismatch {
                readme_line: n,
                quoted: quoted.to_string(),
                printed: None,
            }),
        }
    }
    mismatches
}

fn updating() -> bool {
    std::env::var_os("REENTRY_UPDATE_README").is_some_and(|v| v != "0" && !v.is_empty())
}

/// Checks (or, with REENTRY_UPDATE_README=1, rewrites) every block whose slowness is `slow`.
fn check_quotes(slow: bool) {
    let path = readme_path();
    let text = std::fs::read_to_string(&path).expect("README.md");
    let lines: Vec<&str> = text.lines().collect();
    let all = quotes(&lines);
    assert!(
        all.iter().any(|q| !q.slow),
        "the README marks no quoted output (<!-- numbers: ... -->)"
    );
    let scratch = tempfile::tempdir().expect("scratch folder");
    let mut replaced: Vec<(usize, String)> = Vec::new();
    let mut report = Vec::new();
    let mut unmatched = Vec::new();
    for quote in all.iter().filter(|q| q.slow == slow) {
        let output = output_of(quote, scratch.path());
        for m in compare_block(&lines, quote, &output) {
            let cmd = quote.command.join(" ");
            match m.printed {
                Some(printed) => {
                    report.push(format!(
                        "README:{} (reentry {cmd})\n  README says: {}\n  it prints:   {}",
                        m.readme_line + 1,
                        m.quoted.trim_end(),
                        printed
                    ));
                    replaced.push((m.readme_line, printed));
                }
                None => unmatched.push(format!(
                    "README:{} (reentry {cmd}): no line `{}` in the output (after the lines above it):\n{}",
                    m.readme_line + 1,
                    label(&m.quoted),
                    output
                )),
            }
        }
    }
    if updating() && !replaced.is_empty() {
        let mut new_lines: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        for (n, printed) in &replaced {
            new_lines[*n] = printed.clone();
        }
        let mut new_text = new_lines.join("\n");
        if text.ends_with('\n') {
            new_text.push('\n');
        }
        std::fs::write(&path, new_text).expect("rewrite README.md");
        eprintln!("rewrote {} README line(s):\n{}", replaced.len(), report.join("\n"));
        report.clear();
    }
    report.extend(unmatched);
    assert!(
        report.is_empty(),
        "the README's quoted output differs from what the commands print (rewrite with \
         REENTRY_UPDATE_README=1 cargo test --release --test readme_numbers{}):\n{}",
        if slow { " -- --ignored" } else { "" },
        report.join("\n")
    );
}

#[test]
fn readme_quotes_what_the_commands_print() {
    check_quotes(false);
}

/// The PSA example (`compare --psa 500`, a few minutes of CPU) and other slow quotes.
#[test]
#[ignore = "slow: minutes of CPU; run by hand with --ignored"]
fn readme_quotes_what_the_slow_commands_print() {
    check_quotes(true);
}

#[test]
fn every_quoted_output_block_in_the_readme_names_its_command() {
    // A fenced block that shows percentages or euros is command output: it must carry a marker,
    // or its numbers would go stale unseen.
    let text = std::fs::read_to_string(readme_path()).expect("README.md");
    let lines: Vec<&str> = text.lines().collect();
    let mut unmarked = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].starts_with("```text") {
            let close =
                (i + 1..lines.len()).find(|&j| lines[j].starts_with("```")).unwrap_or(lines.len());
            let shows_numbers =
                lines[i + 1..close].iter().any(|l| l.contains('%') || l.contains('€'));
            let marked = i > 0 && parse_marker(lines[i - 1]).is_some();
            if shows_numbers && !marked {
                unmarked.push(format!("README:{}: {}", i + 1, lines.get(i + 1).unwrap_or(&"")));
            }
            i = close;
        }
        i += 1;
    }
    assert!(
        unmarked.is_empty(),
        "quoted output without a numbers marker:\n{}",
        unmarked.join("\n")
    );
}

#[test]
fn a_changed_number_is_caught_and_an_unchanged_block_passes() {
    // The matcher itself: same label, other number → a mismatch naming both; `...` is skipped.
    let readme = [
        "<!-- numbers: reentry run x.toml -->",
        "```text",
        "reconviction within 1 year        36.5%   [36.0%, 37.1%]",
        "...",
        "reconviction within 5 years       61.9%   [61.3%, 62.6%]",
        "```",
    ];
    let quote = &quotes(&readme)[0];
    let printed = "header\nreconviction within 1 year        36.5%   [36.0%, 37.1%]\n\
                   reconviction within 2 years       47.4%   [46.8%, 48.1%]\n\
                   reconviction within 5 years       61.8%   [61.3%, 62.6%]\n";
    let m = compare_block(&readme, quote, printed);
    assert_eq!(m.len(), 1);
    assert_eq!(m[0].readme_line, 4);
    assert_eq!(
        m[0].printed.as_deref(),
        Some("reconviction within 5 years       61.8%   [61.3%, 62.6%]")
    );
    let same = printed.replace("61.8%", "61.9%");
    assert!(compare_block(&readme, quote, &same).is_empty());
    let missing = printed.replace("within 5 years", "within five years");
    assert!(compare_block(&readme, quote, &missing)[0].printed.is_none());
}

#[test]
fn labels_tell_the_lines_apart() {
    assert_eq!(
        label("reconviction within 2 years   47.4%   [46.8%, 48.1%]"),
        "reconviction within 2 years"
    );
    assert_eq!(label("  justice                   €53,680 →    €48,549"), "justice");
    assert_eq!(
        label("cost per reconviction avoided (2y): none — dominant: cheaper"),
        "cost per reconviction avoided (2y)"
    );
    assert_eq!(
        label("  reconviction within 2 years: -3.5 pp [-7.0, -0.5]"),
        "reconviction within 2 years"
    );
}
