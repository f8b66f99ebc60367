//! Process crashes on real files: a child process writes with default options (no sync) and
//! dies — SIGKILL from outside, or `abort()` from inside — and every write it had acknowledged
//! must be there after reopen (LevelDB's promise: each WAL record reaches the OS before `put`
//! returns, so only a machine crash can lose an unsynced write).
//!
//! The child is this test binary itself (it has its own `main`, `harness = false`): with the
//! directory in its environment it is the writer, without it it runs the tests.
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

fn main() {
    if let Ok(dir) = std::env::var(DIR_VAR) {
        return child_writer(&dir);
    }
    let tests: [(&str, fn()); 2] = [
        (
            "acknowledged_writes_survive_sigkill",
            acknowledged_writes_survive_sigkill,
        ),
        ("acknowledged_writes_survive_abort", acknowledged_writes_survive_abort),
    ];
    println!("\nrunning {} tests", tests.len());
    let mut failed = 0;
    for (name, test) in tests {
        let ok = std::panic::catch_unwind(test).is_ok();
        println!("test {name} ... {}", if ok { "ok" } else { "FAILED" });
        failed += usize::from(!ok);
    }
    let verdict = if failed == 0 { "ok" } else { "FAILED" };
    println!(
        "\ntest result: {verdict}. {} passed; {failed} failed; 0 ignored; 0 measured; 0 filtered out\n",
        tests.len() - failed
    );
    std::process::exit(i32::from(failed > 0));
}

/// The child: puts keys 0, 1, 2, … and prints `acked i` after each `put` returns. After
/// `STOP_AFTER` acknowledged writes it aborts (`HOW=abort`) or waits to be killed (`HOW=wait`),
/// so the crash comes exactly after the last acknowledged write.
fn child_writer(dir: &str) {
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
        let Some(i) = line.strip_prefix("acked ").and_then(|s| s.parse::<u64>().ok()) else {
            panic!("unexpected line from the child: {line}");
        };
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

fn acknowledged_writes_survive_sigkill() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut child = spawn_child(dir.path(), 10_000, "wait");
    let acked = read_acks(&mut child, |n| n >= 10_000);
    child.kill().expect("SIGKILL the child");
    child.wait().expect("reap the child");
    assert_eq!(acked, 10_000, "the child died before acknowledging 10,000 writes");
    assert_all_present(dir.path(), acked);
}

fn acknowledged_writes_survive_abort() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut child = spawn_child(dir.path(), 200, "abort");
    let acked = read_acks(&mut child, |_| false);
    let status = child.wait().expect("reap the child");
    assert!(!status.success(), "the child aborts");
    assert_eq!(acked, 200);
    assert_all_present(dir.path(), acked);
}
