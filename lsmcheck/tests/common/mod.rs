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
