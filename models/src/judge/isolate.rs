//! loom explorations in a child process, so that an abort takes down one run, not the command.
//!
//! loom cannot unwind a model thread that panics while it holds loom objects (a lock guard, an
//! `Arc`): dropping them during the unwind touches loom's execution state from outside it, which
//! panics again inside a destructor, and the process aborts. An engine assertion that trips
//! under loom therefore used to end `lsmcheck run all` or the gate with SIGABRT and no report.
//! shuttle and OS threads unwind cleanly, so only loom runs are isolated.
//!
//! `lsmcheck` turns isolation on at startup ([`isolate_loom_runs`] with its own executable).
//! [`Spec::explore`](super::Spec::explore) then sends each loom run, as JSON, to a child
//! `lsmcheck judge-one` ([`child_main`]), which explores and judges it exactly as in-process and
//! writes the judged run back. A child that dies by a signal (or exits unexpectedly) becomes a
//! `harness` violation of that run, naming the signal and quoting the child's panic messages,
//! and every other run goes on. The test suites run in-process.

use super::{Judged, Quiet, Spec};
use crate::workload::Ops;
use engine::mutants::Mutant;
use serde::{Deserialize, Serialize};
use sim::explore::{Budget, Explorer};
use sim::world::Oracle;
use std::io::Write;
use std::os::fd::AsFd;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// The subcommand a child runs.
pub const CHILD_COMMAND: &str = "judge-one";

static EXE: OnceLock<PathBuf> = OnceLock::new();

/// From now on, loom runs explore in child processes of `exe`, which must answer
/// [`CHILD_COMMAND`] with [`child_main`].
pub fn isolate_loom_runs(exe: PathBuf) {
    let _ = EXE.set(exe);
}

/// The executable to run `spec` in, if it is a loom run and isolation is on.
pub(super) fn child_for(spec: &Spec) -> Option<&'static Path> {
    (spec.explorer == Explorer::Loom)
        .then(|| EXE.get().map(PathBuf::as_path))
        .flatten()
}

/// A [`Spec`] as it crosses to the child: the scenario by its identity, re-located there.
#[derive(Serialize, Deserialize)]
struct Wire {
    scenario: String,
    scenario_hash: String,
    explorer: Explorer,
    seed: u64,
    #[serde(default, with = "sim::report::mutant_name")]
    mutant: Option<Mutant>,
    budget: Budget,
    ops: Option<Ops>,
    without: Vec<Oracle>,
}

impl Wire {
    fn of(s: &Spec) -> Wire {
        Wire {
            scenario: s.located.id.clone(),
            scenario_hash: s.located.hash.clone(),
            explorer: s.explorer,
            seed: s.seed,
            mutant: s.mutant,
            budget: s.budget.clone(),
            ops: s.ops.clone(),
            without: s.without.clone(),
        }
    }

    fn spec(self) -> Result<Spec, String> {
        Ok(Spec {
            located: super::relocate(&self.scenario, &self.scenario_hash)?,
            explorer: self.explorer,
            seed: self.seed,
            mutant: self.mutant,
            budget: self.budget,
            ops: self.ops,
            without: self.without,
        })
    }
}

/// Explores `spec` in a child process of `exe`. `Err` is bad input, as in-process.
pub(super) fn explore_in_child(spec: &Spec, exe: &Path) -> sim::Result<Judged> {
    let input = serde_json::to_vec(&Wire::of(spec)).expect("a run serializes");
    let started = std::time::Instant::now();
    let child = Command::new(exe)
        .arg(CHILD_COMMAND)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let output = child.and_then(|mut c| {
        c.stdin.take().expect("piped").write_all(&input)?;
        c.wait_with_output()
    });
    let output = match output {
        Ok(o) => o,
        Err(e) => return Ok(died(spec, &format!("the child process could not run: {e}"), started)),
    };
    let stderr = String::from_utf8_lossy(&output.stderr);
    match output.status.code() {
        Some(0) => serde_json::from_slice(&output.stdout).or_else(|e| {
            Ok(died(
                spec,
                &format!("its answer is unreadable ({e}); {}", panics(&stderr)),
                started,
            ))
        }),
        Some(2) => Err(sim::Error::Recording(stderr.trim().to_string())),
        _ => Ok(died(
            spec,
            &format!("{}; {}", how(&output.status), panics(&stderr)),
            started,
        )),
    }
}

/// The judged run of a child that died: a `harness` violation.
fn died(spec: &Spec, why: &str, started: std::time::Instant) -> Judged {
    let thread = format!("{} (child process)", spec.explorer);
    let outcome = super::harness_failure(thread, format!("the exploration died: {why}"));
    spec.judge(&spec.plan(), outcome, started.elapsed().as_secs_f64())
}

/// How a child ended, in words.
fn how(status: &std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (_, Some(6)) => "it aborted (SIGABRT)".into(),
        (_, Some(11)) => "it crashed (SIGSEGV: a stack overflow, most likely)".into(),
        (_, Some(s)) => format!("it was killed by signal {s}"),
        (Some(c), None) => format!("it exited with code {c}"),
        (None, None) => "it ended without a status".into(),
    }
}

/// The panic lines a child noted on its stderr (`sim::explore::note_panics_to`): what explains an
/// abort. The last few are kept: the abort's own cause comes last.
fn panics(stderr: &str) -> String {
    let out: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("thread '") && l.contains(" panicked"))
        .collect();
    let tail = out.len().saturating_sub(6);
    if out.is_empty() {
        "it noted no panic".into()
    } else {
        out[tail..].join(" / ")
    }
}

/// `lsmcheck judge-one`: reads a run as JSON on stdin, explores and judges it here, writes the
/// judged run as JSON on stdout. Returns the exit code: 0, or 2 for bad input (on stderr).
pub fn child_main() -> u8 {
    let wire: Wire = match serde_json::from_reader(std::io::stdin()) {
        Ok(w) => w,
        Err(e) => return bad(format!("judge-one: not a run: {e}")),
    };
    let spec = match wire.spec() {
        Ok(s) => s,
        Err(e) => return bad(e),
    };
    // Exploring mutes stderr; a copy of it keeps the panic notes reaching the parent.
    match std::io::stderr().as_fd().try_clone_to_owned() {
        Ok(fd) => sim::explore::note_panics_to(std::fs::File::from(fd)),
        Err(e) => eprintln!("judge-one: panics will not be noted: {e}"),
    }
    match spec.explore_here(Quiet::Here) {
        Ok(judged) => {
            let text = serde_json::to_string(&judged).expect("a judged run serializes");
            println!("{text}");
            0
        }
        Err(e) => bad(e),
    }
}

fn bad(msg: impl std::fmt::Display) -> u8 {
    eprintln!("{msg}");
    2
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    /// A stand-in for `lsmcheck judge-one` that reads its run, prints a panic as loom's abort
    /// does, and aborts.
    fn aborting_child(dir: &Path) -> PathBuf {
        let exe = dir.join("aborts");
        let script = "#!/bin/sh\ncat >/dev/null\n\
            echo \"thread 'main' panicked at engine/src/version/set.rs:1:1: an engine assertion\" >&2\n\
            echo 'not a panic line' >&2\n\
            kill -ABRT $$\n";
        std::fs::write(&exe, script).unwrap();
        std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).unwrap();
        exe
    }

    #[test]
    fn a_child_that_aborts_is_a_harness_violation_of_its_run_quoting_the_panic() {
        let dir = tempfile::tempdir().unwrap();
        let located = crate::swarm::locate("readers-vs-compaction").unwrap();
        let spec = Spec::new(located, Explorer::Loom, 1, Budget::iterations(5));
        let judged = explore_in_child(&spec, &aborting_child(dir.path())).expect("not bad input");
        let v = judged.run.violation.expect("a violation");
        assert_eq!(v.kind(), "harness");
        let text = v.to_string();
        assert!(
            text.contains("SIGABRT") && text.contains("an engine assertion"),
            "{text}"
        );
        assert!(!text.contains("not a panic line"), "{text}");
        assert_eq!(judged.run.verdict, sim::report::Verdict::Violation);
    }

    #[test]
    fn a_run_crosses_to_the_child_and_back_unchanged() {
        let located = crate::swarm::locate("readers-vs-compaction").unwrap();
        let mut spec =
            Spec::new(located, Explorer::Loom, 3, Budget::iterations(5)).with_mutant(Some(Mutant::GetSkipsRef));
        spec.without = vec![Oracle::Model];
        let text = serde_json::to_string(&Wire::of(&spec)).unwrap();
        let back = serde_json::from_str::<Wire>(&text).unwrap().spec().unwrap();
        assert_eq!(format!("{back:?}"), format!("{spec:?}"));
    }
}
