//! The two languages of the users: English (the default) and Dutch (`--lang nl`).
//!
//! Every label a reader sees is a [`Phrase`] holding both texts, so a label without its
//! translation does not compile; the test below also refuses an empty or untranslated Dutch
//! text in the shared phrase list.

use std::fmt;
use std::str::FromStr;

/// The language of the report, the terminal table and the pictures.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    #[default]
    En,
    Nl,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Nl];

    /// The text of `phrase` in this language.
    pub fn pick(self, phrase: &Phrase) -> &'static str {
        match self {
            Lang::En => phrase.en,
            Lang::Nl => phrase.nl,
        }
    }

    /// The code used on the command line and in `<html lang=…>`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Nl => "nl",
        }
    }
}

/// Numbers as readers of each language write them: `1,234.5` and `€1,230` in English,
/// `1.234,5` and `€ 1.230` in Dutch. The minus sign is the typographic one (−).
impl Lang {
    fn thousands_separator(self) -> char {
        match self {
            Lang::En => ',',
            Lang::Nl => '.',
        }
    }

    fn decimal_separator(self) -> char {
        match self {
            Lang::En => '.',
            Lang::Nl => ',',
        }
    }

    /// `x` with `decimals` decimals, thousands grouped; "n/a" (or "n.v.t.") if undefined.
    pub fn number(self, x: f64, decimals: usize) -> String {
        if !x.is_finite() {
            return self.pick(&NOT_AVAILABLE).into();
        }
        let text = format!("{:.*}", decimals, x.abs());
        let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
        let mut out = String::new();
        for (i, ch) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i) % 3 == 0 {
                out.push(self.thousands_separator());
            }
            out.push(ch);
        }
        if !fraction.is_empty() {
            out.push(self.decimal_separator());
            out.push_str(fraction);
        }
        // "−0" after rounding is just "0".
        if x < 0.0 && out.chars().any(|c| c.is_ascii_digit() && c != '0') {
            out.insert(0, '−');
        }
        out
    }

    /// Euros rounded for reading: to the nearest 10 below €1,000, to the nearest 100 above.
    pub fn euros(self, x: f64) -> String {
        if !x.is_finite() {
            return self.pick(&NOT_AVAILABLE).into();
        }
        let step = if x.abs() < 1000.0 { 10.0 } else { 100.0 };
        let rounded = (x / step).round() * step;
        let body = self.number(rounded.abs(), 0);
        let sign = if rounded < 0.0 { "−" } else { "" };
        match self {
            Lang::En => format!("{sign}€{body}"),
            Lang::Nl => format!("{sign}€ {body}"),
        }
    }

    /// A share as a percentage with one decimal: 0.4735 → "47.4%" ("47,4%").
    pub fn percent(self, share: f64) -> String {
        if !share.is_finite() {
            return self.pick(&NOT_AVAILABLE).into();
        }
        format!("{}%", self.number(100.0 * share, 1))
    }

    /// Days as whole days: 934.3 → "934".
    pub fn days(self, x: f64) -> String {
        self.number(x, 0)
    }
}

/// Said for an undefined value.
pub const NOT_AVAILABLE: Phrase = Phrase::new("n/a", "n.v.t.");

/// Fills `{0}`, `{1}`, … in a phrase's text with `args`.
pub fn fill(template: &str, args: &[&str]) -> String {
    let mut out = template.to_string();
    for (i, a) in args.iter().enumerate() {
        out = out.replace(&format!("{{{i}}}"), a);
    }
    out
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "en" => Ok(Lang::En),
            "nl" => Ok(Lang::Nl),
            other => Err(format!("unknown language `{other}`; allowed values: en, nl")),
        }
    }
}

/// One label in both languages. Write phrases as `const`s beside the code that shows them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Phrase {
    pub en: &'static str,
    pub nl: &'static str,
}

impl Phrase {
    pub const fn new(en: &'static str, nl: &'static str) -> Self {
        Phrase { en, nl }
    }
}

/// Checks a list of phrases: none may lack its Dutch text. Modules that keep a table of
/// phrases call this from their tests. Identical texts are allowed only when listed in
/// `same_in_both` (names, units and numbers that Dutch writes the same way).
pub fn missing_translations(phrases: &[Phrase], same_in_both: &[&str]) -> Vec<&'static str> {
    phrases
        .iter()
        .filter(|p| p.nl.trim().is_empty() || (p.nl == p.en && !same_in_both.contains(&p.en)))
        .map(|p| p.en)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_parse_from_their_codes_and_name_the_allowed_values_otherwise() {
        for l in Lang::ALL {
            assert_eq!(l.code().parse::<Lang>(), Ok(l));
        }
        let err = "de".parse::<Lang>().unwrap_err();
        assert!(err.contains("en, nl"), "{err}");
    }

    #[test]
    fn numbers_follow_each_language() {
        assert_eq!(Lang::En.number(1234.56, 1), "1,234.6");
        assert_eq!(Lang::Nl.number(1234.56, 1), "1.234,6");
        assert_eq!(Lang::Nl.number(-1234567.0, 0), "−1.234.567");
        assert_eq!(Lang::En.number(-0.04, 0), "0");
        assert_eq!(Lang::En.euros(106_195.1), "€106,200");
        assert_eq!(Lang::Nl.euros(-2578.0), "−€ 2.600");
        assert_eq!(Lang::En.euros(934.3), "€930");
        assert_eq!(Lang::En.percent(0.47435), "47.4%");
        assert_eq!(Lang::Nl.percent(0.47435), "47,4%");
        assert_eq!(Lang::En.days(934.3), "934");
        assert_eq!(Lang::Nl.number(f64::NAN, 1), "n.v.t.");
        assert_eq!(fill("{0} → {1}", &["a", "b"]), "a → b");
    }

    #[test]
    fn an_untranslated_phrase_is_reported() {
        let ok = Phrase::new("Reconviction", "Recidive");
        let same = Phrase::new("PSA", "PSA");
        let missing = Phrase::new("Costs", "");
        let copied = Phrase::new("Who pays", "Who pays");
        let found = missing_translations(&[ok, same, missing, copied], &["PSA"]);
        assert_eq!(found, vec!["Costs", "Who pays"]);
    }
}
