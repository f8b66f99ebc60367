//! `lsmcheck sweep`, `merge` and `scenario` end to end: shards merge into exactly the unsharded
//! sweep, bad ranges and overlapping shards are bad input, a swarm scenario can be saved and run.

use serde_json::Value;
use std::path::Path;

mod common;
use common::{lsmcheck, stdout};

fn body(path: &Path) -> Value {
    let report: Value = serde_json::from_str(&std::fs::read_to_string(path).expect("report")).expect("JSON");
    report["body"].clone()
}

/// The summary block of a sweep's or merge's output.
fn summary(out: &str) -> String {
    out.lines()
        .skip_while(|l| !l.starts_with("summary:"))
        .collect::<Vec<_>>()
        .join("\n")
}

const SWEEP: [&str; 7] = ["sweep", "--swarm", "--seeds", "3..10", "--iterations", "4", "--out"];

#[test]
fn four_shards_merged_equal_one_unsharded_sweep() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let all = tmp.path().join("all.json");
    let o = lsmcheck(&[&SWEEP[..], &[all.to_str().expect("utf-8")]].concat());
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let whole = summary(&stdout(&o));
    assert!(whole.contains("summary: 16 runs over 8 seeds"), "{whole}");
    let mut shards = Vec::new();
    for i in 1..=4 {
        let path = tmp.path().join(format!("shard{i}.json"));
        let shard = format!("{i}/4");
        let o = lsmcheck(&[&SWEEP[..], &[path.to_str().expect("utf-8"), "--shard", &shard]].concat());
        assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
        assert!(stdout(&o).contains("shard {i}/4, 2 seeds".replace("{i}", &i.to_string()).as_str()));
        shards.push(path.to_str().expect("utf-8").to_string());
    }
    let merged = tmp.path().join("merged.json");
    let mut args = vec!["merge"];
    args.extend(shards.iter().rev().map(String::as_str));
    args.extend(["--out", merged.to_str().expect("utf-8")]);
    let o = lsmcheck(&args);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(summary(&stdout(&o)), whole);
    assert_eq!(body(&merged), body(&all), "the merged body is the unsharded sweep's");

    // Overlapping shards, and shards of another sweep, are refused.
    let o = lsmcheck(&["merge", &shards[0], &shards[0]]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("appears twice"));
    let other = tmp.path().join("other.json");
    let o = lsmcheck(&[
        "sweep",
        "--swarm",
        "--seeds",
        "1..1",
        "--iterations",
        "2",
        "--out",
        other.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let o = lsmcheck(&["merge", &shards[0], other.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("only shards of one sweep"));
}

#[test]
fn bad_ranges_and_shards_are_bad_input() {
    for args in [
        &["sweep", "--swarm", "--seeds", "9..1"][..],
        &["sweep", "--swarm", "--seeds", "1..9", "--shard", "5/4"],
        &["sweep", "--swarm", "--seeds", "1..9", "--shard", "0/4"],
        &["sweep", "--seeds", "1..9"],
        &["sweep", "snapshots", "--swarm", "--seeds", "1..9"],
        &["sweep", "snapshots", "--seeds", "1..2", "--iterations", "0"],
        &["sweep", "--swarm", "--seeds", "1..9", "--time-budget", "0"],
    ] {
        let o = lsmcheck(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stdout(&o));
    }
}

#[test]
fn a_scenario_sweep_runs_every_seed_and_a_vacuous_seed_fails_it() {
    // snapshots under shuttle-pct: seed 7 reaches neither mark the scenario requires.
    let o = lsmcheck(&["sweep", "snapshots", "--seeds", "6..8", "--explorer", "shuttle-pct"]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(4), "{out}");
    assert!(out.contains("VACUOUS    snapshots  shuttle-pct  seed 7"), "{out}");
    assert!(
        out.contains("summary: 3 runs over 3 seeds") && out.contains("2 passed"),
        "{out}"
    );
}

#[test]
fn a_swarm_scenario_prints_saves_and_runs() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let o = lsmcheck(&["scenario", "swarm:5"]);
    assert_eq!(o.status.code(), Some(0));
    let file = tmp.path().join("swarm-5.json");
    std::fs::write(&file, stdout(&o)).expect("write");
    let o = lsmcheck(&["run", file.to_str().expect("utf-8"), "--iterations", "3"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let o = lsmcheck(&["run", "swarm:5", "--iterations", "3"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("passed     swarm-5  shuttle-random  seed 5"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn a_time_budget_stops_starting_seeds_and_says_how_many_ran() {
    let o = lsmcheck(&[
        "sweep",
        "--swarm",
        "--seeds",
        "1..1000000",
        "--iterations",
        "2",
        "--time-budget",
        "1",
    ]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.contains("time budget: stopped after"), "{out}");
    assert!(out.contains("of 1000000 seeds"), "{out}");
}
