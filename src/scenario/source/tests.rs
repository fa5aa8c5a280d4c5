//! Reading, merging and diagnosing small scenario chains written to temporary folders.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use serde::Deserialize;

use super::*;

#[derive(Debug, Default, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
struct TestScenario {
    scenario: Meta,
    regime: Regime,
    services: BTreeMap<String, Service>,
    arrivals: Vec<u32>,
}

#[derive(Debug, Default, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
struct Meta {
    name: String,
}

#[derive(Debug, Default, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
struct Regime {
    kind: Kind,
    warm_handover: f64,
    planning_days_before_release: u32,
}

#[derive(Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "snake_case")]
enum Kind {
    #[default]
    Fragmented,
    ThroughCare,
}

#[derive(Debug, Default, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
struct Service {
    capacity: u32,
    wait_days: u32,
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).unwrap();
    }
    fs::write(&path, text).unwrap();
    path
}

fn only_diagnostic(error: &ScenarioError) -> &Diagnostic {
    let all = error.diagnostics();
    assert_eq!(all.len(), 1, "{error}");
    all[0]
}

fn line_col(d: &Diagnostic) -> (usize, usize) {
    let l = d.location.as_ref().expect("located");
    (l.line, l.column)
}

const BASE: &str = r#"arrivals = [1, 2, 3]

[scenario]
name = "base"

[regime]
kind = "fragmented"
warm_handover = 0.2
planning_days_before_release = 30

[services.addiction_care]
capacity = 10
wait_days = 40
"#;

const MID: &str = r#"arrivals = [9]

[scenario]
extends = "base/base.toml"
name = "mid"

[services.addiction_care]
wait_days = 7
"#;

const USER: &str = r#"[scenario]
extends = "../mid.toml"

[regime]
kind = "through_care"

[services.housing]
capacity = 3
"#;

fn chain(dir: &Path) -> PathBuf {
    write(dir, "base/base.toml", BASE);
    write(dir, "mid.toml", MID);
    write(dir, "top/user.toml", USER)
}

#[test]
fn chain_of_three_merges_deeply() {
    let dir = tempfile::tempdir().unwrap();
    let sources = Sources::read(&chain(dir.path())).unwrap();
    let names: Vec<_> = sources.files.iter().map(|f| f.path.clone()).collect();
    let top = dir.path().join("top");
    assert_eq!(
        names,
        [
            top.join("../mid.toml").parent().unwrap().join("base/base.toml"),
            top.join("../mid.toml"),
            top.join("user.toml"),
        ]
    );
    sources.check_each_file::<TestScenario>().unwrap();
    let merged: TestScenario = sources.deserialize_merged().unwrap();
    let expected = TestScenario {
        scenario: Meta { name: "mid".into() },
        regime: Regime {
            kind: Kind::ThroughCare,
            warm_handover: 0.2,
            planning_days_before_release: 30,
        },
        services: BTreeMap::from([
            ("addiction_care".into(), Service { capacity: 10, wait_days: 7 }),
            ("housing".into(), Service { capacity: 3, wait_days: 0 }),
        ]),
        arrivals: vec![9],
    };
    assert_eq!(merged, expected);
    let scenario = sources.merged["scenario"].as_table().unwrap();
    assert!(!scenario.contains_key("extends"));
}

#[test]
fn scenario_table_emptied_by_extends_is_dropped() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "base.toml", "x = 1\n");
    let user = write(dir.path(), "user.toml", "[scenario]\nextends = \"base.toml\"\n");
    let sources = Sources::read(&user).unwrap();
    assert_eq!(sources.merged, toml::from_str::<toml::Table>("x = 1").unwrap());
}

#[test]
fn cycle_is_reported_with_the_chain() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "b.toml", "# b\n[scenario]\nextends = \"a.toml\"\n");
    let a = write(dir.path(), "a.toml", "[scenario]\nextends = \"b.toml\"\n");
    let error = Sources::read(&a).unwrap_err();
    let d = only_diagnostic(&error);
    let (pa, pb) = (a.display().to_string(), dir.path().join("b.toml").display().to_string());
    assert!(d.message.contains(&format!("{pa} -> {pb} -> {pa}")), "{}", d.message);
    assert_eq!(d.path, dir.path().join("b.toml"));
    assert_eq!(line_col(d), (3, 11));
    assert_eq!(d.key.as_deref(), Some("scenario.extends"));
}

#[test]
fn self_extension_is_a_cycle() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(dir.path(), "a.toml", "[scenario]\nextends = \"./a.toml\"\n");
    let error = Sources::read(&a).unwrap_err();
    assert!(only_diagnostic(&error).message.contains("cycle"));
}

#[test]
fn missing_extended_file_is_located_at_extends() {
    let dir = tempfile::tempdir().unwrap();
    let user =
        write(dir.path(), "user.toml", "\n[scenario]\nname = \"x\"\nextends = \"gone.toml\"\n");
    let error = Sources::read(&user).unwrap_err();
    let d = only_diagnostic(&error);
    assert_eq!(line_col(d), (4, 11));
    assert!(d.message.contains(&dir.path().join("gone.toml").display().to_string()));
    let shown = error.to_string();
    assert!(shown.contains(&format!("{}:4:11", user.display())), "{shown}");
    assert!(shown.contains("^^^^^^^^^^^"), "{shown}");
}

#[test]
fn missing_user_file_is_io() {
    let dir = tempfile::tempdir().unwrap();
    let error = Sources::read(&dir.path().join("none.toml")).unwrap_err();
    assert!(matches!(error, ScenarioError::Io { .. }));
}

#[test]
fn non_string_extends_is_located() {
    let dir = tempfile::tempdir().unwrap();
    let user = write(dir.path(), "user.toml", "[scenario]\nextends = 3\n");
    let error = Sources::read(&user).unwrap_err();
    let d = only_diagnostic(&error);
    assert_eq!(line_col(d), (2, 11));
    assert!(d.message.contains("must be a string, found integer"), "{}", d.message);
}

#[test]
fn syntax_error_has_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let user =
        write(dir.path(), "user.toml", "[regime]\r\nname = \"é\"\r\nwarm_handover = = 1\r\n");
    let error = Sources::read(&user).unwrap_err();
    let d = only_diagnostic(&error);
    assert_eq!(line_col(d), (3, 17));
    assert_eq!(d.location.as_ref().unwrap().line_text, "warm_handover = = 1");
    assert!(!d.message.is_empty());
}

#[test]
fn syntax_error_in_extended_file_names_that_file() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "base.toml", "a = 1\nb = [\n");
    let user = write(dir.path(), "user.toml", "[scenario]\nextends = \"base.toml\"\n");
    let error = Sources::read(&user).unwrap_err();
    let d = only_diagnostic(&error);
    assert_eq!(d.path, dir.path().join("base.toml"));
    assert_eq!(line_col(d).0, 2);
}

#[test]
fn unknown_key_in_base_file_is_reported_there() {
    let dir = tempfile::tempdir().unwrap();
    let user = chain(dir.path());
    let broken = BASE.replace("warm_handover =", "warm_handoverr =");
    let base = write(dir.path(), "base/base.toml", &broken);
    let sources = Sources::read(&user).unwrap();
    let error = sources.check_each_file::<TestScenario>().unwrap_err();
    let d = only_diagnostic(&error);
    assert_eq!(d.path, dir.path().join("top/../mid.toml").parent().unwrap().join("base/base.toml"));
    assert_eq!(fs::canonicalize(&d.path).unwrap(), fs::canonicalize(base).unwrap());
    assert_eq!(line_col(d), (8, 1));
    assert_eq!(d.location.as_ref().unwrap().span_len, "warm_handoverr".len());
    assert_eq!(d.key.as_deref(), Some("regime.warm_handoverr"));
    assert_eq!(d.message, "unknown key `warm_handoverr`");
    let help = d.help.as_deref().unwrap();
    assert!(help.starts_with("did you mean `warm_handover`?"), "{help}");
    assert!(help.contains("planning_days_before_release"), "{help}");
    let shown = error.to_string();
    assert!(shown.contains("base.toml:8:1"), "{shown}");
    assert!(shown.contains("8 | warm_handoverr = 0.2\n"), "{shown}");
    assert!(shown.contains("= key: regime.warm_handoverr"), "{shown}");
}

#[test]
fn unknown_key_inside_a_map_entry() {
    let dir = tempfile::tempdir().unwrap();
    let user = write(dir.path(), "u.toml", "[services.housing]\ncapacity = 1\ncapacty = 2\n");
    let error = Sources::read(&user).unwrap().check_each_file::<TestScenario>().unwrap_err();
    let d = only_diagnostic(&error);
    assert_eq!(d.key.as_deref(), Some("services.housing.capacty"));
    assert_eq!(line_col(d), (3, 1));
    assert!(d.help.as_deref().unwrap().starts_with("did you mean `capacity`?"));
}

#[test]
fn unknown_variant_lists_allowed_values() {
    let dir = tempfile::tempdir().unwrap();
    let user = write(dir.path(), "u.toml", "[regime]\nkind = \"throughcare\"\n");
    let error = Sources::read(&user).unwrap().check_each_file::<TestScenario>().unwrap_err();
    let d = only_diagnostic(&error);
    assert_eq!(d.message, "unknown value `throughcare`");
    assert_eq!(d.key.as_deref(), Some("regime.kind"));
    assert_eq!(line_col(d), (2, 8));
    assert_eq!(
        d.help.as_deref(),
        Some("did you mean `through_care`? allowed values: fragmented, through_care")
    );
}

#[test]
fn wrong_type_is_located_at_the_value() {
    let dir = tempfile::tempdir().unwrap();
    let user = write(dir.path(), "u.toml", "arrivals = [1, \"two\", 3]\n");
    let error = Sources::read(&user).unwrap().check_each_file::<TestScenario>().unwrap_err();
    let d = only_diagnostic(&error);
    assert_eq!(d.key.as_deref(), Some("arrivals[1]"));
    assert_eq!(line_col(d), (1, 16));
}

#[test]
fn every_faulty_file_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "base.toml", "bogus = 1\n");
    let user = write(dir.path(), "user.toml", "[scenario]\nextends = \"base.toml\"\nnam = \"x\"\n");
    let error = Sources::read(&user).unwrap().check_each_file::<TestScenario>().unwrap_err();
    let all = error.diagnostics();
    assert_eq!(all.len(), 2, "{error}");
    assert_eq!(all[0].key.as_deref(), Some("bogus"));
    assert_eq!(all[1].key.as_deref(), Some("scenario.nam"));
    assert!(all[1].help.as_deref().unwrap().starts_with("did you mean `name`?"));
}

#[test]
fn locate_prefers_the_most_derived_file() {
    let dir = tempfile::tempdir().unwrap();
    let user = chain(dir.path());
    let sources = Sources::read(&user).unwrap();

    let wait = sources.locate("services.addiction_care.wait_days").unwrap();
    assert!(wait.path.ends_with("mid.toml"));
    assert_eq!((wait.line, wait.column, wait.span_len), (8, 13, 1));

    let kind = sources.locate("regime.kind").unwrap();
    assert_eq!(kind.path, user);

    let d = sources.error_at(
        "services.addiction_care.capacity",
        "value 10 is out of range",
        Some("allowed: 0 to 5".into()),
    );
    assert!(d.path.ends_with("base/base.toml"));
    assert_eq!(line_col(&d), (12, 12));
    assert!(d.to_string().contains("= help: allowed: 0 to 5"));

    let d = sources.error_at("regime.nothing", "bad default", None);
    assert_eq!((d.location, d.path), (None, user.clone()));
    assert_eq!(sources.locate("arrivals[0]").unwrap().path, dir.path().join("top/../mid.toml"));
    assert_eq!(sources.locate("not..valid"), None);
}

#[test]
fn merged_errors_point_at_the_defining_file() {
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Strict {
        regime: StrictRegime,
    }
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct StrictRegime {
        planning_days_before_release: u8,
        kind: String,
    }
    let dir = tempfile::tempdir().unwrap();
    let user = chain(dir.path());
    write(dir.path(), "base/base.toml", &BASE.replace("= 30", "= 300"));
    let sources = Sources::read(&user).unwrap();
    sources.check_each_file::<TestScenario>().unwrap();
    let error = sources.deserialize_merged::<Strict>().unwrap_err();
    let d = only_diagnostic(&error);
    assert!(d.path.ends_with("base/base.toml"), "{error}");
    assert_eq!(d.key.as_deref(), Some("regime.planning_days_before_release"));
    assert_eq!(line_col(d), (9, 32));
}

#[test]
fn in_memory_sources_still_name_the_key() {
    let d = Sources::in_memory().error_at("regime.kind", "bad", None);
    assert_eq!(d.path, Path::new(IN_MEMORY));
    assert_eq!(d.key.as_deref(), Some("regime.kind"));
    let error = ScenarioError::from_diagnostics(vec![d.clone(), d]);
    assert_eq!(error.diagnostics().len(), 2);
}

/// Text near valid scenarios, so mangling reaches deep into parsing and deserialization.
fn mangled() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "[regime]\n",
        "[services.a]\n",
        "[[services]]\n",
        "[scenario]\n",
        "kind = \"through_care\"\n",
        "kind = 3\n",
        "capacity = -1\n",
        "extends = \"base.toml\"\n",
        "extends = \"loop.toml\"\n",
        "extends = 1\n",
        "arrivals = [1, [2], {a = 1}]\n",
        "a.b.c = 1\n",
        "\"é ✓\" = \"x\"\n",
        "= ",
        "[",
        "]",
        "\"",
        "'''",
        "\r\n",
        "\n",
        "é",
        "\t",
        "#",
        "1979-05-27T07:32:00Z",
        "inf",
        "\\u00",
    ]);
    prop::collection::vec(pieces, 0..24).prop_map(|p| p.concat())
}

fn never_panics(dir: &Path, text: &str) {
    let user = write(dir, "user.toml", text);
    match Sources::read(&user) {
        Ok(sources) => {
            let _ = sources.check_each_file::<TestScenario>().map_err(|e| e.to_string());
            let _ = sources.deserialize_merged::<TestScenario>().map_err(|e| e.to_string());
            for key in ["regime.kind", "services.a.capacity", "arrivals[1]", "a.b", "\"é ✓\""] {
                let _ = sources.error_at(key, "x", None).to_string();
            }
        }
        Err(error) => {
            let _ = error.to_string();
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn reading_never_panics(text in mangled(), base in mangled(), bytes in ".{0,80}") {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "base.toml", &base);
        write(dir.path(), "loop.toml", "[scenario]\nextends = \"user.toml\"\n");
        never_panics(dir.path(), &text);
        never_panics(dir.path(), &bytes);
    }
}
