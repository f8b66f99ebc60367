//! Scenario parsing: good files parse, bad ones are rejected with file, line, column and field.

use super::*;

#[test]
fn every_embedded_scenario_parses() {
    assert_eq!(Scenario::embedded().len(), EMBEDDED.len());
}

/// The build script embeds every `scenarios/*.json`, so a new file cannot be skipped.
#[test]
fn every_scenario_file_is_embedded() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios");
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .expect("scenarios/")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    on_disk.sort();
    let embedded: Vec<String> = EMBEDDED.iter().map(|(n, _)| n.to_string()).collect();
    assert_eq!(embedded, on_disk);
    assert!(embedded.len() >= 10, "the shipped scenarios are all there");
}

#[test]
fn a_scenario_file_must_carry_its_own_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tmp = dir.path();
    let file = tmp.join("y.json");
    std::fs::write(&file, GOOD).expect("write");
    let e = Scenario::load(file.to_str().expect("UTF-8")).expect_err("name x in y.json");
    assert!(
        e.message
            .contains(r#"field `name` is "x" but the file is named "y".json"#),
        "{e}"
    );
    std::fs::write(tmp.join("x.json"), GOOD).expect("write");
    Scenario::load(tmp.join("x.json").to_str().expect("UTF-8")).expect("name matches");
}

fn err(text: &str) -> ScenarioError {
    Scenario::parse("bad.json", text).expect_err("must be rejected")
}

const GOOD: &str = r#"{
  "name": "x",
  "workload": { "keys": 4 },
  "threads": [ { "role": "reader", "ops": 1, "mix": { "get": 1 } } ],
  "explorers": { "stress": { "iterations": 1 } },
  "seeds": [1]
}"#;

#[test]
fn a_minimal_scenario_parses_with_defaults() {
    let s = Scenario::parse("ok.json", GOOD).expect("valid");
    assert_eq!(s.engine, EngineConfig::default());
    assert_eq!(s.workload.value_size, 8);
}

#[test]
fn bad_scenarios_name_file_line_column_and_field() {
    let e = err(&GOOD.replace(r#""keys": 4"#, r#""keys": 4, "colour": 1"#));
    assert_eq!((e.file.as_str(), e.line), ("bad.json", 3));
    assert!(e.message.contains("unknown field `colour`"), "{e}");

    let e = err(&GOOD.replace(r#""mix": { "get": 1 }"#, r#""mix": { "compact": 1 }"#));
    assert_eq!(e.line, 4);
    assert!(
        e.message.contains("field `mix`") && e.message.contains("Compact"),
        "{e}"
    );

    let e = err(&GOOD.replace(r#""keys": 4"#, r#""keys": 0"#));
    assert!(e.message.contains("at least 1") && e.line == 3, "{e}");

    let e = err(&GOOD.replace(r#""role": "reader""#, r#""role": "reeder""#));
    assert!(e.message.contains("unknown variant `reeder`"), "{e}");

    let e = err(&GOOD.replace("[1]", "[]"));
    assert!(e.message.contains("field `seeds`"), "{e}");

    let e = err("{ \"name\": ");
    assert!(e.line == 1 && e.message.contains("EOF"), "{e}");
    assert!(e.to_string().starts_with("bad.json:1:"), "{e}");
}

#[test]
fn must_cover_is_per_explorer_plus_every_and_checked_while_parsing() {
    let with = |mc: &str| GOOD.replace(r#""seeds": [1]"#, &format!(r#""must_cover": {mc}, "seeds": [1]"#));
    let s = Scenario::parse(
        "ok.json",
        &with(r#"{ "every": ["trivial-move"], "loom": ["two-snapshots", "trivial-move"] }"#),
    )
    .expect("valid");
    use crate::explore::Explorer;
    use crate::world::coverage::Mark;
    assert_eq!(s.must_cover.of(Explorer::Stress), vec![Mark::TrivialMove]);
    assert_eq!(
        s.must_cover.of(Explorer::Loom),
        vec![Mark::TrivialMove, Mark::TwoSnapshots]
    );

    let e = err(&with(r#"{ "every": ["no-such-mark"] }"#));
    assert!(e.message.contains("unknown variant `no-such-mark`"), "{e}");
    let e = err(&with(r#"{ "lom": ["trivial-move"] }"#));
    assert!(e.message.contains("`lom` is neither `every` nor an explorer"), "{e}");
    let e = err(&with(r#"{ "every": ["trivial-move", "trivial-move"] }"#));
    assert!(
        e.message.contains("must_cover.every") && e.message.contains("twice"),
        "{e}"
    );
    let e = err(&GOOD.replace("[1]", "[1, 1]"));
    assert!(
        e.message.contains("field `seeds`") && e.message.contains("twice"),
        "{e}"
    );
}
