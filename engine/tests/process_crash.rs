//! Process crashes on real files: a child process writes with default options (no sync) and
//! dies — SIGKILL from outside, or `abort()` from inside — and every write it had acknowledged
//! must be there after reopen (LevelDB's promise: each WAL record reaches the OS before `put`
//! returns, so only a machine crash can lose an unsynced write).
//!
//! The child is this test binary itself, running only its ignored `child_writer` test with the
//! directory in its environment (so the file runs under libtest and cargo-nextest alike).
// Test code runs the engine on std (its `Std` runtime) and may use std primitives itself.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

use engine::{Db, Options};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};

const DIR_VAR: &str = "LSMCHECK_CRASH_CHILD_DIR";
const STOP_AFTER_VAR: &str = "LSMCHECK_CRASH_CHILD_STOP_AFTER";
const HOW_VAR: &str = "LSMCHECK_CRASH_CHILD_HOW";

fn key(i: u64) -> String {
    format!("key{i:08}")
}

fn value(i: u64) -> String {
    format!("value-{i}-{}", "x".repeat(100))
}

/// The child's entry point: ignored in a normal run; `spawn_child` runs it alone (`--exact
/// --ignored`) with the directory in its environment.
#[test]
#[ignore = "the child writer of the crash tests, run by them in a child process"]
fn child_writer() {
    let dir = std::env::var(DIR_VAR).expect("run by spawn_child, which sets the directory");
    write_until_crash(&dir);
}

/// The child: puts keys 0, 1, 2, … and prints `acked i` after each `put` returns. After
/// `STOP_AFTER` acknowledged writes it aborts (`HOW=abort`) or waits to be killed (`HOW=wait`),
/// so the crash comes exactly after the last acknowledged write.
fn write_until_crash(dir: &str) {
    let stop_after: u64 = std::env::var(STOP_AFTER_VAR)
        .ok()
        .and_then(|s| s.parse().ok())
        .expect("a count");
    let abort = std::env::var(HOW_VAR).is_ok_and(|h| h == "abort");
    let db = Db::open(dir, Options::default()).expect("open");
    let mut out = std::io::stdout().lock();
    for i in 0..stop_after {
        db.put(key(i), value(i)).expect("put");
        writeln!(out, "acked {i}").and_then(|()| out.flush()).expect("stdout");
    }
    if abort {
        std::process::abort();
    }
    loop {
        std::thread::park(); // until SIGKILL
    }
}

fn spawn_child(dir: &Path, stop_after: u64, how: &str) -> std::process::Child {
    let mut cmd = Command::new(std::env::current_exe().expect("test binary"));
    cmd.args([
        "child_writer",
        "--exact",
        "--ignored",
        "--nocapture",
        "--test-threads=1",
        "-q",
    ])
    .env(DIR_VAR, dir)
    .env(STOP_AFTER_VAR, stop_after.to_string())
    .env(HOW_VAR, how)
    .stdout(Stdio::piped())
    .stderr(Stdio::null());
    cmd.spawn().expect("spawn the child writer")
}

/// Reads `acked i` lines until `stop` returns true or the stream ends; returns the count.
fn read_acks(child: &mut std::process::Child, mut stop: impl FnMut(u64) -> bool) -> u64 {
    let stdout = child.stdout.take().expect("piped");
    let mut acked = 0;
    for line in BufReader::new(stdout).lines() {
        let Ok(line) = line else { break };
        // The test harness's own lines ("running 1 test", ...) are not acks.
        let Some((_, ack)) = line.split_once("acked ") else {
            continue;
        };
        let i: u64 = ack
            .parse()
            .unwrap_or_else(|_| panic!("a bad ack from the child: {line}"));
        assert_eq!(i, acked, "acks arrive in order");
        acked += 1;
        if stop(acked) {
            break;
        }
    }
    acked
}

fn assert_all_present(dir: &Path, acked: u64) {
    let db = Db::open(dir, Options::default()).expect("reopen after the crash");
    for i in 0..acked {
        let got = db.get(key(i).as_bytes()).expect("get");
        assert_eq!(
            got,
            Some(value(i).into_bytes()),
            "acknowledged write {i} of {acked} lost"
        );
    }
}

#[test]
fn acknowledged_writes_survive_sigkill() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut child = spawn_child(dir.path(), 10_000, "wait");
    let acked = read_acks(&mut child, |n| n >= 10_000);
    child.kill().expect("SIGKILL the child");
    child.wait().expect("reap the child");
    assert_eq!(acked, 10_000, "the child died before acknowledging 10,000 writes");
    assert_all_present(dir.path(), acked);
}

#[test]
fn acknowledged_writes_survive_abort() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut child = spawn_child(dir.path(), 200, "abort");
    let acked = read_acks(&mut child, |_| false);
    let status = child.wait().expect("reap the child");
    assert!(!status.success(), "the child aborts");
    assert_eq!(acked, 200);
    assert_all_present(dir.path(), acked);
}
