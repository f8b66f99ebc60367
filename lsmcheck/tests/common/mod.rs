//! What the command-line tests share: running the `lsmcheck` binary and reading its output.
// Each test binary uses a part of it.
#![allow(dead_code)]

use std::process::{Command, Output};

/// Runs `lsmcheck ARGS` to completion.
pub fn lsmcheck(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lsmcheck"))
        .args(args)
        .output()
        .expect("run lsmcheck")
}

/// Its standard output, as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The canary failure the tests replay, shrink and draw: a `get` that skips its Version's
/// reference (M01), caught by shuttle-pct on the running example, seed 1.
pub const CANARY: [&str; 8] = [
    "run",
    "readers-vs-compaction",
    "--mutant",
    "get-skips-ref",
    "--explorer",
    "shuttle-pct",
    "--seed",
    "1",
];

/// [`CANARY`]'s arguments followed by `extra`.
pub fn canary_with<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    CANARY.iter().copied().chain(extra.iter().copied()).collect()
}
