//! Honest replays and CI formats, end to end through the binary: a replay says *reproduced*,
//! *passed*, *diverged* or *mismatch* with distinct exit codes; `--trace` shows every thread;
//! `--junit` validates against the JUnit schema CI systems read.

use std::path::Path;
use std::process::Command;

mod common;
use common::{lsmcheck, stdout, CANARY};

/// The replay command a failing `run` printed, as arguments.
fn replay_args(run: &[&str]) -> Vec<String> {
    let o = lsmcheck(run);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let text = stdout(&o);
    let cmd = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("replay: lsmcheck "))
        .unwrap_or_else(|| panic!("a replay command:\n{text}"));
    cmd.split_whitespace().map(str::to_string).collect()
}

#[test]
fn a_truncated_schedule_diverges_naming_the_step() {
    let args = replay_args(&CANARY);
    let full = args.last().expect("the schedule is last").clone();
    // Cut at half, then a step earlier until the cut falls between two encoded steps: a cut
    // inside a step is a malformed schedule (bad input, exit 2), never a pass.
    for cut in (2..=full.len() / 2).rev().step_by(2).take(16) {
        let mut cut_args = args.clone();
        *cut_args.last_mut().expect("schedule") = full[..cut & !1].to_string();
        let cut_args: Vec<&str> = cut_args.iter().map(String::as_str).collect();
        let o = lsmcheck(&cut_args);
        let out = stdout(&o);
        match o.status.code() {
            Some(3) => {
                assert!(
                    out.starts_with("diverged") && out.contains("the schedule has ended"),
                    "{out}"
                );
                return;
            }
            Some(2) => assert!(String::from_utf8_lossy(&o.stderr).contains("bad schedule")),
            other => panic!("a truncated schedule gave {other:?}: {out}"),
        }
    }
    panic!("no cut between steps found");
}

#[test]
fn a_report_whose_scenario_file_changed_is_a_mismatch_not_a_replay() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let scenario = tmp.path().join("readers-vs-compaction.json");
    let text = sim::scenario::EMBEDDED
        .iter()
        .find(|(n, _)| *n == "readers-vs-compaction.json")
        .expect("embedded")
        .1;
    std::fs::write(&scenario, text).expect("write");
    let report = tmp.path().join("r.json");
    let o = lsmcheck(&[
        "run",
        scenario.to_str().expect("utf-8"),
        "--mutant",
        "get-skips-ref",
        "--explorer",
        "shuttle-pct",
        "--seed",
        "1",
        "--out",
        report.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let recorded = std::fs::read_to_string(&report).expect("report");
    let abs = std::fs::canonicalize(&scenario).expect("abs");
    assert!(
        recorded.contains(&format!("{:?}", abs.display().to_string())),
        "absolute path"
    );

    // From another directory the report still finds its scenario, and reproduces.
    let again = Command::new(env!("CARGO_BIN_EXE_lsmcheck"))
        .args(["replay", report.to_str().expect("utf-8")])
        .current_dir(Path::new("/"))
        .output()
        .expect("run");
    assert_eq!(again.status.code(), Some(1), "{}", stdout(&again));
    assert!(stdout(&again).starts_with("reproduced"), "{}", stdout(&again));

    std::fs::write(
        &scenario,
        text.replacen("\"description\": \"", "\"description\": \"changed: ", 1),
    )
    .expect("edit");
    let o = lsmcheck(&["replay", report.to_str().expect("utf-8")]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("mismatch: scenario") && err.contains("changed since the report"),
        "{err}"
    );
}

#[test]
fn a_stress_failure_says_it_does_not_replay() {
    let o = lsmcheck(&[
        "replay",
        "--scenario",
        "snapshots",
        "--explorer",
        "stress",
        "--seed",
        "1",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("stress failures do not replay"));
}

#[test]
fn the_trace_shows_every_thread_and_all_of_it_on_request() {
    let mut args = replay_args(&CANARY);
    let default = stdout(&lsmcheck(&args.iter().map(String::as_str).collect::<Vec<_>>()));
    assert!(default.contains("the last 6 events of each thread ("), "{default}");
    for thread in ["main", "compactor", "reader"] {
        assert!(
            default.lines().any(|l| l.contains(&format!(" {thread}"))),
            "{thread}: {default}"
        );
    }
    args.extend(["--trace".to_string(), "all".to_string()]);
    let all = stdout(&lsmcheck(&args.iter().map(String::as_str).collect::<Vec<_>>()));
    assert!(
        all.contains("recorded events:") && all.lines().count() > default.lines().count(),
        "{all}"
    );
}

#[test]
fn junit_output_validates_against_the_schema() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let xml = tmp.path().join("junit.xml");
    let o = lsmcheck(&[
        "run",
        "readers-vs-compaction",
        "--mutant",
        "get-skips-ref",
        "--explorer",
        "shuttle-pct",
        "--explorer",
        "shuttle-random",
        "--seed",
        "1",
        "--junit",
        xml.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let text = std::fs::read_to_string(&xml).expect("junit written");
    assert!(
        text.contains("<failure type=\"") && text.contains("replay: lsmcheck replay"),
        "{text}"
    );
    let xsd = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/junit.xsd");
    let check = Command::new("xmllint")
        .args(["--noout", "--schema"])
        .arg(&xsd)
        .arg(&xml)
        .output()
        .expect("xmllint (Debian package libxml2-utils; .ci/run installs it)");
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stderr));
}

/// A shuttle-random failure of a shipped scenario under a shipped mutant shrinks to a schedule
/// at least ten times shorter with the same violation kind, and the shrunk report replays.
#[test]
fn shrink_makes_a_random_schedule_ten_times_shorter_and_it_still_reproduces() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let report = tmp.path().join("random.json");
    let report = report.to_str().expect("utf-8");
    // `run --shrink` shrinks the failure as `lsmcheck shrink` does, beside the report.
    let o = lsmcheck(&[
        "run",
        "two-compactors",
        "--mutant",
        "get-skips-ref",
        "--explorer",
        "shuttle-random",
        "--seed",
        "41",
        "--out",
        report,
        // Converges in ~3 s in a release build (1,570 -> 74 characters); the budget only
        // bounds a loaded machine running a debug build.
        "--shrink",
        "600",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    let shrunk = tmp.path().join("random.shrunk.json");
    let read = |p: &str| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(p).expect("report")).expect("JSON")
    };
    let (before, after) = (read(report), read(shrunk.to_str().expect("utf-8")));
    let (a, b) = (&before["body"]["runs"][0], &after["body"]["runs"][0]);
    let len = |r: &serde_json::Value| r["schedule"].as_str().expect("a schedule").len();
    assert!(
        len(a) >= 10 * len(b),
        "{} -> {} characters:\n{}",
        len(a),
        len(b),
        stdout(&o)
    );
    assert_eq!(
        a["violation"]["kind"], b["violation"]["kind"],
        "the same kind of violation"
    );
    let ops = |side: &str| -> usize {
        b["ops"][side].as_array().map_or(0, |v| match side {
            "threads" => v.iter().map(|t| t[1].as_array().map_or(0, Vec::len)).sum(),
            _ => v.len(),
        })
    };
    assert!(
        b["ops"].is_object(),
        "the workload shrank too, so the report carries its operations"
    );
    let left = ops("setup") + ops("threads");
    assert!(left < 50, "{left} operations are left");
    let again = lsmcheck(&["replay", shrunk.to_str().expect("utf-8")]);
    assert_eq!(again.status.code(), Some(1));
    assert!(stdout(&again).starts_with("reproduced"), "{}", stdout(&again));
}

/// The same recorded execution on a program with the bug fixed replays as *passed* (exit 0).
/// Here the fix is M32's (the unref's ordering), which changes no scheduling point, so loom's
/// recorded path fits the fixed program to its end.
#[test]
fn a_fixed_bug_replays_as_passed() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let report = tmp.path().join("relaxed.json");
    let o = lsmcheck(&[
        "run",
        "flush-compaction-writers",
        "--mutant",
        "relaxed-unref",
        "--explorer",
        "loom",
        "--seed",
        "7",
        "--iterations",
        "500",
        "--preemption-bound",
        "2",
        "--out",
        report.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let mut r: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).expect("report")).expect("JSON");
    r["body"]["runs"][0]
        .as_object_mut()
        .expect("a run")
        .remove("mutant")
        .expect("the bug was on");
    let fixed = tmp.path().join("fixed.json");
    std::fs::write(&fixed, r.to_string()).expect("write");
    let o = lsmcheck(&["replay", fixed.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).starts_with("passed"), "{}", stdout(&o));
}

/// The canary's report, written to `dir`, as JSON text and its path.
fn canary_report(dir: &Path) -> (String, std::path::PathBuf) {
    let report = dir.join("r.json");
    let o = lsmcheck(&common::canary_with(&["--out", report.to_str().expect("utf-8")]));
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    (std::fs::read_to_string(&report).expect("report"), report)
}

/// A report naming a mutant this build does not have (renamed, or a typo) is bad input naming
/// it: replaying it on the correct engine would say the bug is gone.
#[test]
fn a_report_naming_an_unknown_mutant_is_bad_input_naming_it() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (text, report) = canary_report(tmp.path());
    std::fs::write(&report, text.replace("\"get-skips-ref\"", "\"get-skips-reff\"")).expect("write");
    let o = lsmcheck(&["replay", report.to_str().expect("utf-8")]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{}{err}", stdout(&o));
    assert!(err.contains("no such mutant `get-skips-reff`"), "{err}");
}

/// A shuttle recording replayed as if loom had made it is bad input: loom would explore afresh
/// and could say "passed".
#[test]
fn a_recording_replayed_under_another_explorer_is_bad_input() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (text, report) = canary_report(tmp.path());
    std::fs::write(
        &report,
        text.replace("\"explorer\": \"shuttle-pct\"", "\"explorer\": \"loom\""),
    )
    .expect("write");
    let o = lsmcheck(&["replay", report.to_str().expect("utf-8")]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{}{err}", stdout(&o));
    assert!(err.contains("bad recording: loom"), "{err}");
}
