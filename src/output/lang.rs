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
    fn an_untranslated_phrase_is_reported() {
        let ok = Phrase::new("Reconviction", "Recidive");
        let same = Phrase::new("PSA", "PSA");
        let missing = Phrase::new("Costs", "");
        let copied = Phrase::new("Who pays", "Who pays");
        let found = missing_translations(&[ok, same, missing, copied], &["PSA"]);
        assert_eq!(found, vec!["Costs", "Who pays"]);
    }
}
