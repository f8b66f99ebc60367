//! `lsmcheck bench harness` end to end, on tiny budgets: it runs both sides, writes its JSON, and
//! refuses bad arguments. (It asserts no timing: speed is reported, never tested.)

use serde_json::Value;

mod common;
use common::lsmcheck;

#[test]
fn the_harness_benchmark_measures_both_sides_and_writes_json() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("bench").join("harness.json");
    let o = lsmcheck(&[
        "bench",
        "harness",
        "--runs",
        "2",
        "--iterations",
        "20",
        "--exhaustive-limit",
        "2",
        "--explorer",
        "loom",
        "--explorer",
        "shuttle-pct",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(stdout.contains("| shuttle-pct |"), "{stdout}");
    let r: Value = serde_json::from_str(&std::fs::read_to_string(&out).expect("the report")).expect("JSON");
    let t = r["throughput"].as_array().expect("throughput rows");
    assert_eq!(t.len(), 2);
    for row in t {
        assert_eq!(row["raw_samples"].as_array().map(Vec::len), Some(2), "{row}");
        assert_eq!(row["ours_samples"].as_array().map(Vec::len), Some(2), "{row}");
        assert!(row["ratio"].as_f64().is_some_and(|x| x > 0.0), "{row}");
    }
    assert_eq!(t[1]["ours_executions"], 20, "shuttle runs exactly its iterations");
    // The kernel model does more per execution than the raw one (the MANIFEST, SimFs, oracles).
    let p = &r["scheduling_points"];
    assert!(p["ours"].as_u64() > p["raw"].as_u64(), "{p}");
    // Bound 1 is explored to the end well within the limit, and the counts are exact: they
    // are properties of the models, not of the machine.
    let e = r["exhaustive"].as_array().expect("exhaustive rows");
    assert_eq!(e.len(), 14);
    assert_eq!(
        (e[10]["readers"].as_u64(), e[10]["held"].as_u64()),
        (Some(2), Some(1)),
        "two readers, one holding its pin to the end: {e:?}"
    );
    assert_eq!(
        (e[0]["model"].as_str(), e[0]["preemption_bound"].as_u64()),
        (Some("raw"), Some(1))
    );
    assert_eq!(e[0]["complete"], true);
    assert_eq!(e[1]["complete"], true);
    // The raw model is fixed code under the loom pinned in Cargo.lock: its count is known (the
    // README's table); the kernel's moves with the engine, so only its presence is checked.
    assert_eq!(e[0]["executions"], 208, "{e:?}");
    assert!(e[1]["executions"].as_u64() > Some(0), "{e:?}");
}

#[test]
fn bad_benchmark_arguments_exit_2() {
    for args in [
        &["bench", "harness", "--runs", "0"][..],
        &["bench", "harness", "--explorer", "stress"][..],
        &["bench", "harness", "--explorer", "nope"][..],
    ] {
        let o = lsmcheck(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(!String::from_utf8_lossy(&o.stderr).is_empty());
    }
}
