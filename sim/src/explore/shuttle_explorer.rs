//! The shuttle explorers (random, PCT, DFS) and shuttle replay.
//!
//! An exploration runs without the trace ([`World::set_tracing`]): a failure's recorded
//! schedule replays it exactly, so its trace comes from that replay, on a fresh world.

use super::schedule::{Recording, Replaying, Steps};
use super::{failure, trace_missing, Budget, Explorer, Failure, Model, Outcome};
use crate::world::coverage::Coverage;
use crate::world::TraceEvent;
use crate::world::World;
use shuttle::scheduler::{DfsScheduler, PctScheduler, RandomScheduler, Scheduler};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Stack per shuttle task: engine code runs deeper than shuttle's 60 KiB default.
const STACK_SIZE: usize = 1 << 20;

/// The shuttle configuration every explorer (and the harness benchmark) runs with.
pub fn config() -> shuttle::Config {
    let mut c = shuttle::Config::new();
    c.stack_size = STACK_SIZE;
    c.failure_persistence = shuttle::FailurePersistence::None;
    // Its one warning says every atomic runs as SeqCst; the README and reports say so too.
    c.silence_warnings = true;
    c
}

/// Explores with a shuttle scheduler seeded by the plan's seed, or replays `schedule`.
pub(super) fn run<M: Model>(
    explorer: Explorer,
    budget: &Budget,
    model: &M,
    world: &World,
    schedule: Option<&str>,
) -> crate::Result<Outcome> {
    let steps = Steps::default();
    let (iterations, seed) = (budget.iterations, model.seed());
    let mut fit = None;
    let scheduler: Box<dyn Scheduler + Send> = match schedule {
        Some(s) => {
            let replaying = Replaying::decode(s)?;
            fit = Some(replaying.fit());
            Box::new(replaying)
        }
        None => match explorer {
            Explorer::ShuttleRandom | Explorer::Crash => Box::new(RandomScheduler::new_from_seed(seed, iterations)),
            Explorer::ShuttlePct => Box::new(PctScheduler::new_from_seed(seed, budget.depth.unwrap_or(3), iterations)),
            Explorer::ShuttleDfs => Box::new(DfsScheduler::new(Some(iterations), false)),
            other => unreachable!("{other} is not a shuttle explorer"),
        },
    };
    let recording = Recording::new(scheduler, steps.clone());
    let (m, w) = (model.clone(), world.clone());
    // `run` consumes the runner: when it returns or unwinds, the recording publishes `steps`.
    let runner = shuttle::Runner::new(recording, config());
    let exploring = schedule.is_none();
    world.set_tracing(!exploring);
    let result = catch_unwind(AssertUnwindSafe(|| {
        runner.run(move || m.execute::<engine::sync::Shuttle>(&w))
    }));
    world.set_tracing(true);
    let executions = steps.executions();
    let diverged = fit.and_then(|f| f.divergence());
    Ok(match result {
        Ok(_) => Outcome {
            executions,
            crash_states: 0,
            coverage: Coverage::new(),
            diverged,
            failure: None,
        },
        Err(p) => {
            let mut failed = failure(world, p, executions, Some(steps.encode()));
            if exploring {
                failed.trace = replayed_trace(explorer, budget, model, &failed);
            }
            Outcome {
                executions,
                crash_states: 0,
                coverage: Coverage::new(),
                diverged,
                failure: Some(failed),
            }
        }
    })
}

/// The trace of `failed`, an explored failure: its schedule replayed on a fresh world (so the
/// exploration's counts stay its own) with the trace on.
fn replayed_trace<M: Model>(explorer: Explorer, budget: &Budget, model: &M, failed: &Failure) -> Vec<TraceEvent> {
    let schedule = failed
        .schedule
        .as_deref()
        .expect("an explored failure has its schedule");
    match run(explorer, budget, model, &World::new(), Some(schedule)) {
        Ok(Outcome { failure: Some(f), .. }) if f.violation == failed.violation => f.trace,
        _ => trace_missing("a replay of the failing schedule did not fail the same way"),
    }
}
