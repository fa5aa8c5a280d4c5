//! The pictures as a reader meets them: a comparison of a baseline and three alternatives, with
//! a probabilistic sensitivity analysis so that every kind of picture is drawn, rendered in
//! English and in Dutch from the folder. Every text must lie inside its picture (the legend of
//! three alternatives used to run off the right edge), the Dutch pictures must carry none of
//! the English labels, and the SVG text must name the font the README names.

mod common;

use ::reentry::output::folder::Folder;
use ::reentry::output::lang::{Lang, Phrase};
use ::reentry::output::plots::{self, Plot, SvgText, svg_texts};
use ::reentry::output::{psa_report, sensitivity_plot};
use common::shipped;
use plotters::style::IntoFont;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The comparison folder, made once for the tests of this file.
fn four_scenarios() -> &'static Path {
    static FOLDER: OnceLock<PathBuf> = OnceLock::new();
    FOLDER.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("pictures-four-scenarios");
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("temp dir");
        let out = dir.join("cmp");
        let priors = Path::new(env!("CARGO_MANIFEST_DIR")).join("priors/netherlands.toml");
        let mut args: Vec<OsString> = vec!["compare".into()];
        for name in ["fragmented", "through-care", "work-and-income", "huis-van-herstel"] {
            args.push(shipped(&format!("{name}.toml")).into());
        }
        for a in ["--population", "150", "--replications", "2", "--psa", "30"] {
            args.push(a.into());
        }
        args.extend(["--psa-population".into(), "100".into(), "--priors".into()]);
        args.extend([priors.into_os_string(), "--out".into(), out.clone().into_os_string()]);
        let run = common::reentry(&dir, &args);
        assert!(run.success, "compare failed:\n{}", run.stderr);
        assert!(run.stdout.contains("report"), "{}", run.stdout);
        out
    })
}

/// Every picture of the folder (run/compare and PSA, with the PSA tornado) in `lang`.
fn all_pictures(lang: Lang) -> Vec<Plot> {
    let f = Folder::read(four_scenarios()).expect("folder reads");
    let mut plots = plots::render_all(&f, lang).expect("pictures draw");
    plots.extend(psa_report::plots(&f, lang).expect("PSA pictures draw"));
    assert_eq!(plots.len(), 8 + 5, "every kind of picture");
    plots
}

/// The SVG's width and height.
fn svg_size(svg: &str) -> (f64, f64) {
    let head = &svg[..svg.find('>').expect("svg tag")];
    let attr = |name: &str| -> f64 {
        let start = head.find(&format!("{name}=\"")).expect(name) + name.len() + 2;
        head[start..].split('"').next().unwrap().parse().expect("number")
    };
    (attr("width"), attr("height"))
}

/// The text's extent along x, measured with the embedded font the pictures are drawn with.
fn horizontal_extent(t: &SvgText) -> (f64, f64) {
    plots::register_font();
    let (w, _) = (plots::FONT, t.size).into_font().box_size(&t.text).expect("font measures");
    let w = f64::from(w);
    match t.anchor.as_str() {
        "middle" => (t.x - w / 2.0, t.x + w / 2.0),
        "end" => (t.x - w, t.x),
        _ => (t.x, t.x + w),
    }
}

#[test]
fn every_text_lies_inside_its_picture_with_three_alternatives() {
    for lang in Lang::ALL {
        for p in all_pictures(lang) {
            let (width, height) = svg_size(&p.svg);
            let texts = svg_texts(&p.svg);
            assert!(!texts.is_empty(), "{}: no text", p.stem);
            for t in texts.iter().filter(|t| !t.rotated && !t.text.trim().is_empty()) {
                let (left, right) = horizontal_extent(t);
                assert!(
                    left >= -0.5 && right <= width + 0.5,
                    "{} ({lang}): `{}` runs from x = {left:.0} to {right:.0}, outside 0..{width}",
                    p.stem,
                    t.text
                );
                assert!(
                    (0.0..=height).contains(&t.y),
                    "{} ({lang}): `{}` at y = {}",
                    p.stem,
                    t.text,
                    t.y
                );
            }
        }
    }
    // The who-pays legend names all three alternatives.
    let who = all_pictures(Lang::En).into_iter().find(|p| p.stem == "who_pays_who_gains").unwrap();
    for alt in ["through-care", "work-and-income", "huis-van-herstel"] {
        let entry = format!("{alt} vs fragmented");
        assert!(svg_texts(&who.svg).iter().any(|t| t.text == entry), "no legend entry {entry}");
    }
}

/// Whether `text` shows the English `phrase`: short words must stand alone, and identifiers
/// (parameter paths, indicator names: user content, the same in both languages) are skipped.
fn shows(text: &str, phrase: &str) -> bool {
    let identifier = |w: &str| w.contains('_') || (w.contains('.') && w.len() > 6);
    let words: Vec<&str> = text.split_whitespace().filter(|w| !identifier(w)).collect();
    let text = words.join(" ");
    if phrase.chars().count() < 4 { words.contains(&phrase) } else { text.contains(phrase) }
}

#[test]
fn every_picture_in_dutch_has_none_of_the_english_labels() {
    let mut phrases: Vec<Phrase> = plots::PHRASES.to_vec();
    phrases.extend(psa_report::picture_phrases());
    phrases.extend(sensitivity_plot::PHRASES);
    let english: Vec<&str> = phrases
        .iter()
        .filter(|p| p.en != p.nl && !plots::SAME_IN_BOTH.contains(&p.en))
        .map(|p| p.en)
        .collect();
    let dutch = all_pictures(Lang::Nl);
    let mut dutch_words_seen = 0;
    for p in &dutch {
        let texts = svg_texts(&p.svg);
        for t in &texts {
            for en in &english {
                assert!(!shows(&t.text, en), "{}: English `{en}` in `{}`", p.stem, t.text);
            }
        }
        dutch_words_seen += phrases
            .iter()
            .filter(|ph| ph.en != ph.nl && texts.iter().any(|t| t.text.contains(ph.nl)))
            .count();
        // The report's title and caption of the picture are Dutch too.
        assert!(!english.iter().any(|en| shows(&p.title, en)), "{}: {}", p.stem, p.title);
    }
    assert!(dutch_words_seen > 40, "only {dutch_words_seen} Dutch labels found");
    // The same pictures in English do show the English labels (the check above can fail).
    let english_pictures = all_pictures(Lang::En);
    let reconviction = svg_texts(&english_pictures[0].svg);
    assert!(reconviction.iter().any(|t| shows(&t.text, "years since first release")));
}

#[test]
fn svg_text_names_the_embedded_font_that_the_readme_names() {
    assert_eq!(plots::FONT, "DejaVu Sans");
    for p in all_pictures(Lang::En) {
        for t in svg_texts(&p.svg) {
            assert_eq!(t.family, plots::FONT, "{}: `{}`", p.stem, t.text);
        }
    }
    let readme = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README");
    let section = readme.split("## Report and pictures").nth(1).expect("pictures section");
    assert!(
        section.contains("`font-family=\"DejaVu Sans\"`"),
        "the README's pictures section must name the SVG font as the SVG does"
    );
}
