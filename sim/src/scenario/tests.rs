//! Scenario parsing: good files parse, bad ones are rejected with file, line, column and field.

use super::*;

#[test]
fn every_embedded_scenario_parses() {
    assert_eq!(Scenario::embedded().len(), EMBEDDED.len());
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
fn the_same_seed_gives_the_same_operations() {
    let s = &Scenario::embedded()[0];
    let (a, b) = (
        workload::Plan::generate(s, 7, None),
        workload::Plan::generate(s, 7, None),
    );
    assert_eq!(a.setup, b.setup);
    assert_eq!(a.threads, b.threads);
    assert_ne!(a.threads, workload::Plan::generate(s, 8, None).threads);
}
