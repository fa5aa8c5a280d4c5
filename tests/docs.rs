//! The user-facing documentation stays inside the repository and stays usable: README,
//! ARCHITECTURE and `docs/` link only to files that exist here (never to the project's
//! internal notes), and every command, argument and option has `--help` text.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// README.md, ARCHITECTURE.md and every Markdown file under docs/.
fn user_docs() -> Vec<PathBuf> {
    let mut files = vec![root().join("README.md"), root().join("ARCHITECTURE.md")];
    let mut in_docs: Vec<PathBuf> = std::fs::read_dir(root().join("docs"))
        .expect("docs/ exists")
        .map(|e| e.expect("readable docs/ entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    in_docs.sort();
    files.extend(in_docs);
    files
}

/// The targets of inline Markdown links `[text](target)`, without a `#fragment`.
fn link_targets(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("](") {
        rest = &rest[i + 2..];
        let Some(end) = rest.find(')') else { break };
        let target = rest[..end].split('#').next().unwrap_or("").trim().to_string();
        if !target.is_empty() {
            out.push(target);
        }
        rest = &rest[end..];
    }
    out
}

#[test]
fn docs_do_not_point_to_the_internal_shared_folder() {
    // Users never see the project's internal notes: what they need is in docs/.
    let forbidden = ["../shared", "/work/shared", "FIGURES.md", "MODEL.md", "seeds/"];
    let mut found = Vec::new();
    for file in user_docs() {
        let text = std::fs::read_to_string(&file).expect("readable doc");
        for (n, line) in text.lines().enumerate() {
            for f in forbidden {
                if line.contains(f) {
                    found.push(format!("{}:{}: mentions {f}: {line}", file.display(), n + 1));
                }
            }
        }
    }
    assert!(found.is_empty(), "docs point outside the repository:\n{}", found.join("\n"));
}

#[test]
fn every_relative_link_in_the_docs_resolves_to_a_file_in_the_repository() {
    let repo = root().canonicalize().expect("repository root");
    let mut broken = Vec::new();
    for file in user_docs() {
        let text = std::fs::read_to_string(&file).expect("readable doc");
        let dir = file.parent().expect("a doc lives in a folder");
        for target in link_targets(&text) {
            if target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            let path = dir.join(&target);
            let inside = path.canonicalize().is_ok_and(|p| p.starts_with(&repo));
            if !inside {
                broken.push(format!("{}: ({target})", file.display()));
            }
        }
    }
    assert!(broken.is_empty(), "links to missing or outside files:\n{}", broken.join("\n"));
}

fn help_of(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_reentry"))
        .args(args)
        .arg("-h")
        .output()
        .expect("the binary runs");
    assert!(out.status.success(), "reentry {args:?} -h failed");
    String::from_utf8(out.stdout).expect("UTF-8 help")
}

/// The commands listed by `reentry -h` (without clap's own `help`).
fn commands() -> Vec<String> {
    let top = help_of(&[]);
    let list = top.split("Commands:").nth(1).expect("a Commands: list");
    let list = list.split("\n\n").next().unwrap_or("");
    list.lines()
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .filter(|c| c != "help")
        .collect()
}

/// Lines of a short help (`-h`) that name an argument or option but say nothing about it.
/// Clap puts the text after the name (separated by at least two spaces), or, when some help
/// of the command is too long for one line, on the next line, indented further.
fn undocumented(help: &str) -> Vec<String> {
    let lines: Vec<&str> = help.lines().collect();
    let indent = |l: &str| l.len() - l.trim_start().len();
    let names_an_argument = |l: &str| {
        let t = l.trim_start();
        t.starts_with('-') || t.starts_with('<') || t.starts_with('[')
    };
    lines
        .iter()
        .enumerate()
        .filter(|(_, l)| names_an_argument(l))
        .filter(|(i, l)| {
            let t = l.trim_start();
            let name_end = t.find("  ").unwrap_or(t.len());
            let text_after_name = !t[name_end..].trim().is_empty();
            let text_below = lines.get(i + 1).is_some_and(|next| {
                !next.trim().is_empty() && !names_an_argument(next) && indent(next) > indent(l)
            });
            !text_after_name && !text_below
        })
        .map(|(_, l)| l.trim_start().to_string())
        .collect()
}

#[test]
fn every_command_argument_and_option_has_help_text() {
    let commands = commands();
    assert!(commands.len() >= 9, "expected the commands of reentry -h, got {commands:?}");
    let mut missing = Vec::new();
    for c in &commands {
        let help = help_of(&[c]);
        let about = help.lines().next().unwrap_or("").trim();
        if about.is_empty() || about.starts_with("Usage:") {
            missing.push(format!("{c}: no description"));
        }
        missing.extend(undocumented(&help).into_iter().map(|l| format!("{c}: {l}")));
    }
    assert!(missing.is_empty(), "without --help text:\n{}", missing.join("\n"));
}

#[test]
fn the_help_check_notices_an_option_without_text() {
    let help = "Options:\n      --out <OUT>  Output folder\n      --seed <SEED>\n  -h, --help  Print help\n";
    assert_eq!(undocumented(help), vec!["--seed <SEED>".to_string()]);
}

#[test]
fn link_targets_are_read_without_fragments() {
    let text = "see [a](docs/model.md#5-x) and [b](https://example.org) and [c](../src/lib.rs)";
    assert_eq!(link_targets(text), ["docs/model.md", "https://example.org", "../src/lib.rs"]);
    assert!(Path::new("docs").is_relative());
}
