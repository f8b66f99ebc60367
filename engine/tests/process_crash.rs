//! Process crashes on real files: a child process writes with default options (no sync) and
//! dies — SIGKILL from outside, or `abort()` from inside — and every write it had acknowledged
//! must be there after reopen (LevelDB's promise: each WAL record reaches the OS before `put`
//! returns, so only a machine crash can lose an unsynced write).
//!
//! The child is this test binary itself, running only its `child_writer` test with the
//! directory in its environment (so the file runs under libtest and cargo-nextest alike). Run
//! by the suite instead, that test checks the writer on its own: with no crash, every write it
//! acknowledged reads back after a clean close.
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

/// In a child that `spawn_child` started (`--exact`, the directory in its environment): the
/// writer, until it crashes. In the suite: the writer without the crash, whose acknowledged
/// writes must all read back after a clean close.
#[test]
fn child_writer() {
    if let Ok(dir) = std::env::var(DIR_VAR) {
        let stop_after = std::env::var(STOP_AFTER_VAR)
            .ok()
            .and_then(|s| s.parse().ok())
            .expect("a count");
        let db = write(&dir, stop_after, &mut std::io::stdout().lock());
        if std::env::var(HOW_VAR).is_ok_and(|h| h == "abort") {
            std::process::abort();
        }
        let _keep_open = db;
        loop {
            std::thread::park(); // until SIGKILL
        }
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let mut acks = Vec::new();
    write(dir.path().to_str().expect("utf-8"), 50, &mut acks)
        .close()
        .expect("close");
    let acked = String::from_utf8(acks).expect("text").lines().count() as u64;
    assert_eq!(acked, 50, "an ack line per write");
    assert_all_present(dir.path(), acked);
}

/// Puts keys 0, 1, 2, … up to `stop_after` and writes `acked i` to `out` after each `put`
/// returns, so a crash right after comes exactly after the last acknowledged write.
fn write(dir: &str, stop_after: u64, out: &mut impl Write) -> Db {
    let db = Db::open(dir, Options::default()).expect("open");
    for i in 0..stop_after {
        db.put(key(i), value(i)).expect("put");
        writeln!(out, "acked {i}").and_then(|()| out.flush()).expect("acks");
    }
    db
}

fn spawn_child(dir: &Path, stop_after: u64, how: &str) -> std::process::Child {
    let mut cmd = Command::new(std::env::current_exe().expect("test binary"));
    cmd.args(["child_writer", "--exact", "--nocapture", "--test-threads=1", "-q"])
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
