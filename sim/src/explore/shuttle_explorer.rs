//! The shuttle explorers (random, PCT, DFS) and shuttle replay.

use super::schedule::{Recording, Replaying, Steps};
use super::{failure, Budget, Explorer, Model, Outcome};
use crate::world::coverage::Coverage;
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
    let (model, w) = (model.clone(), world.clone());
    // `run` consumes the runner: when it returns or unwinds, the recording publishes `steps`.
    let runner = shuttle::Runner::new(recording, config());
    let result = catch_unwind(AssertUnwindSafe(|| {
        runner.run(move || model.execute::<engine::sync::Shuttle>(&w))
    }));
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
        Err(p) => Outcome {
            executions,
            crash_states: 0,
            coverage: Coverage::new(),
            diverged,
            failure: Some(failure(world, p, executions, Some(steps.encode()), None)),
        },
    })
}
