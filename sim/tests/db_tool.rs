//! `lsmcheck db …` end to end through the binary, on real files.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

fn lsmcheck(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lsmcheck"))
        .arg("db")
        .arg("--dir")
        .arg(dir)
        .args(args)
        .output()
        .expect("run lsmcheck")
}

fn json(out: &Output) -> Value {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("JSON output")
}

fn files_per_level(stats: &Value) -> Vec<usize> {
    stats["levels"]
        .as_array()
        .expect("levels")
        .iter()
        .map(|l| l["files"].as_array().expect("files").len())
        .collect()
}

#[test]
fn load_stats_get_compact_on_real_files() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("db");
    let load = json(&lsmcheck(
        &dir,
        &["load", "--keys", "120000", "--seed", "7", "--verify", "--json"],
    ));
    assert_eq!(load["writes"], 120000);
    assert!(load["verified_keys"].as_u64().expect("count") > 70000);

    let stats = json(&lsmcheck(&dir, &["stats", "--json"]));
    let levels = files_per_level(&stats);
    assert!(
        levels.iter().filter(|&&n| n > 0).count() >= 2,
        "at least two levels hold files: {levels:?}"
    );
    assert!(levels[0] > 0, "the reopen wrote the WAL to L0: {levels:?}");
    assert_eq!(stats["live_versions"].as_array().expect("versions").len(), 1);

    let first = json(&lsmcheck(&dir, &["scan", "--limit", "1", "--json"]));
    let key = first[0]["key"].as_str().expect("a key");
    let got = json(&lsmcheck(&dir, &["get", key, "--json"]));
    assert_eq!(got["value"], first[0]["value"]);
    assert_eq!(got["value"].as_str().expect("value").len(), 100);

    let compacted = json(&lsmcheck(&dir, &["compact", "--json"]));
    let after = files_per_level(&compacted["after"]);
    assert!(after[0] < levels[0], "compact empties L0: {levels:?} -> {after:?}");
    let again = json(&lsmcheck(&dir, &["get", key, "--json"]));
    assert_eq!(again["value"], first[0]["value"], "values survive compaction");
}

#[test]
fn exit_codes_name_what_went_wrong() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("db");
    assert!(lsmcheck(&dir, &["put", "k", "v"]).status.success());
    let missing = lsmcheck(&dir, &["get", "absent"]);
    assert_eq!(missing.status.code(), Some(1));

    let nowhere = tmp.path().join("nowhere");
    let err = lsmcheck(&nowhere, &["stats"]);
    assert_eq!(err.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&err.stderr).contains("nowhere"),
        "names the directory"
    );

    std::fs::write(dir.join("CURRENT"), "junk").expect("damage CURRENT");
    let corrupt = lsmcheck(&dir, &["get", "k"]);
    assert_eq!(corrupt.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&corrupt.stderr).contains("CURRENT"));
}
