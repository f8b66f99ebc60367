//! The judged run: the one place where a run is explored and judged, and where a recorded run is
//! replayed and judged.
//!
//! A run is a [`Spec`]: a scenario, an explorer, a workload seed, a mutant (or the correct
//! engine) and a budget. [`Spec::explore`] explores it and judges the result against the marks
//! the scenario requires (a pass that missed one is vacuous) into a report [`Run`].
//! [`Spec::replay`] replays a recording of it and says what happened as a [`replay::Verdict`].
//! `lsmcheck run`, `sweep`, `replay` and `shrink`, the gate's scenario runs, kill-matrix cells and
//! self-checks, and the saved regressions all come here, so they cannot disagree about what a
//! run or a reproduction is.
//!
//! A panic that escapes an explorer becomes a `harness` violation of that run, and so does a
//! loom run that aborts (run in a child process by `lsmcheck`, see [`isolate`]): the caller's
//! other runs go on, and it never counts as a kill.

pub mod isolate;
pub mod replay;

use crate::workload::{Ops, Plan};
use engine::mutants::Mutant;
use sim::explore::{self, Budget, Explorer, Failure, Outcome, ReplayInput};
use sim::report::{Run, Timing};
use sim::scenario::Located;
use sim::world::{Oracle, Violation};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Instant;

/// One run: what is explored, by which explorer, how much.
#[derive(Clone, Debug)]
pub struct Spec {
    /// The scenario, with how reports name it and the hash of its text.
    pub located: Located,
    /// The explorer.
    pub explorer: Explorer,
    /// The workload seed (it also seeds shuttle's random and PCT schedulers).
    pub seed: u64,
    /// The injected bug; `None` is the correct engine.
    pub mutant: Option<Mutant>,
    /// How much to explore.
    pub budget: Budget,
    /// The operations, when they are not the seed's (a shrunk workload).
    pub ops: Option<Ops>,
    /// Oracles switched off (an ablation experiment; normally empty).
    pub without: Vec<Oracle>,
}

/// A run explored and judged.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Judged {
    /// The report's entry: the verdict, the violation, coverage, how to replay it.
    pub run: Run,
    /// What the explorer returned.
    pub outcome: Outcome,
    /// Wall time of the exploration.
    pub seconds: f64,
}

impl Judged {
    /// The report's timing entry for this run.
    pub fn timing(&self) -> Timing {
        Timing {
            explorer: self.run.explorer,
            seed: self.run.seed,
            seconds: self.seconds,
            executions_per_second: self.outcome.executions as f64 / self.seconds.max(1e-9),
        }
    }
}

/// Whether the caller already silenced panics with [`explore::quietly`] (the gate's workers
/// explore on several threads inside one `quietly`, which must not nest).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quiet {
    /// Silence panics around this exploration.
    Here,
    /// Requires: the caller is inside `explore::quietly`.
    Already,
}

impl Spec {
    /// The correct engine (no mutant, no oracle off, the seed's operations).
    pub fn new(located: Located, explorer: Explorer, seed: u64, budget: Budget) -> Spec {
        Spec {
            located,
            explorer,
            seed,
            mutant: None,
            budget,
            ops: None,
            without: Vec::new(),
        }
    }

    /// The same run under mutant `m` (or the correct engine).
    pub fn with_mutant(self, mutant: Option<Mutant>) -> Spec {
        Spec { mutant, ..self }
    }

    /// The program this run explores: the seed's operations (or the recorded ones) with the
    /// mutant and the oracles switched off.
    pub fn plan(&self) -> Plan {
        let plan = Plan::generate(&self.located.scenario, self.seed, self.mutant).without(&self.without);
        match &self.ops {
            Some(ops) => plan.with_ops(ops.clone()),
            None => plan,
        }
    }

    /// Explores the run and judges it. `Err` is bad input (an empty budget, a model the
    /// explorer cannot run); a panic of the harness is the run's `harness` violation. A loom
    /// run goes to a child process when isolation is on ([`isolate`]).
    pub fn explore(&self, quiet: Quiet) -> sim::Result<Judged> {
        match isolate::child_for(self) {
            Some(exe) => isolate::explore_in_child(self, exe),
            None => self.explore_here(quiet),
        }
    }

    /// [`Spec::explore`] in this process.
    fn explore_here(&self, quiet: Quiet) -> sim::Result<Judged> {
        let started = Instant::now();
        let plan = self.plan();
        let outcome = self.outcome(&plan, None, quiet)?;
        Ok(self.judge(&plan, outcome, started.elapsed().as_secs_f64()))
    }

    /// Judges `outcome`, an exploration of `plan` (this run's: [`Spec::plan`]) that took
    /// `seconds`: the report's entry, with the run's provenance and the marks its scenario
    /// requires. (`shrink` judges the outcome its search found through here too.)
    pub fn judge(&self, plan: &Plan, outcome: Outcome, seconds: f64) -> Judged {
        let mut run = Run::new(
            self.explorer,
            self.seed,
            self.mutant,
            &self.budget,
            &outcome,
            &self.located.id,
        )
        .with_provenance(&self.located.hash, &plan.fingerprint())
        .requiring(&self.located.scenario.must_cover.of(self.explorer));
        run.ops = self
            .ops
            .as_ref()
            .map(|o| serde_json::to_value(o).expect("operations serialize"));
        Judged { run, outcome, seconds }
    }

    /// One exploration (or replay) of `plan`, with any panic that escapes it caught.
    fn outcome(&self, plan: &Plan, input: Option<&ReplayInput>, quiet: Quiet) -> sim::Result<Outcome> {
        let go = || {
            catch_unwind(AssertUnwindSafe(|| {
                explore::run_quieted(self.explorer, &self.budget, plan, input)
            }))
        };
        let caught = match quiet {
            Quiet::Here => explore::quietly(go),
            Quiet::Already => go(),
        };
        caught.unwrap_or_else(|payload| {
            let message = explore::panic_message(payload.as_ref());
            Ok(harness_failure(self.explorer.name().into(), message))
        })
    }
}

/// The scenario `id` names (an embedded name, a path, or `swarm:SEED`), refused if its text no
/// longer hashes to `hash`, the hash a recording of a run on it kept.
pub fn relocate(id: &str, hash: &str) -> Result<Located, String> {
    let located = crate::swarm::locate(id).map_err(|e| e.to_string())?;
    if located.hash != hash {
        return Err(format!(
            "scenario {id} changed since the run was recorded (text hash {hash}, now {})",
            located.hash
        ));
    }
    Ok(located)
}

/// The outcome of a run the harness itself failed (an explorer that panicked outside any
/// execution, a child process that died): a `harness` violation by `thread`.
fn harness_failure(thread: String, message: String) -> Outcome {
    Outcome {
        executions: 0,
        crash_states: 0,
        diverged: None,
        coverage: Default::default(),
        failure: Some(Failure {
            violation: Violation::Harness { thread, message },
            trace: Vec::new(),
            execution: 0,
            schedule: None,
        }),
    }
}
