//! The crash explorer: a sequential pass, then seeded random shuttle schedules; in every
//! execution the simulated filesystem records a crash point at each file operation, and the
//! crash oracle ([`crate::crash`]) recovers from each distinct crash state.
//!
//! A failure's schedule replays it exactly: the execution runs again under the recorded
//! schedule and recovers from the same crash points in the same order. A schedule of the
//! sequential pass starts with [`SEQUENTIAL`].

use super::{shuttle_explorer, Budget, Explorer, Model, Outcome, ReplayInput};
use crate::world::coverage::Coverage;
use crate::world::World;
use crate::Error;

/// Marks a schedule recorded in the sequential pass.
pub const SEQUENTIAL: &str = "seq-";

/// Runs the sequential pass and `budget.iterations` concurrent executions, or replays one
/// (recovering from one crash state only if `replay` names it). An empty budget, or a model
/// that cannot crash, is bad input.
pub(super) fn run<M: Model>(
    budget: &Budget,
    model: &M,
    world: &World,
    replay: Option<&ReplayInput>,
) -> crate::Result<Outcome> {
    let points = budget.crash_points.filter(|&p| p > 0);
    let points = points.ok_or(Error::Budget(
        "the crash explorer needs a positive budget of crash points",
    ))?;
    let only = replay.and_then(|r| r.crash_point);
    let schedule = replay.and_then(|r| r.schedule.as_deref());
    let sequential = model.crashing(points, true, only);
    let concurrent = model.crashing(points, false, only);
    let (Some(sequential), Some(concurrent)) = (sequential, concurrent) else {
        return Err(Error::Unsupported(
            "this model has no file system to crash: the crash explorer runs scenarios only",
        ));
    };
    let outcome = match schedule {
        Some(s) => match s.strip_prefix(SEQUENTIAL) {
            Some(rest) => mark_sequential(shuttle_explorer::run(
                Explorer::Crash,
                budget,
                &sequential,
                world,
                Some(rest),
            )?),
            None => shuttle_explorer::run(Explorer::Crash, budget, &concurrent, world, Some(s))?,
        },
        None => explore(budget, &sequential, &concurrent, world)?,
    };
    let crash_states = world.lock().crash_states;
    if outcome.failure.is_none() && crash_states == 0 {
        return Err(Error::Vacuous(
            "the crash explorer recovered from no crash state: nothing was checked",
        ));
    }
    Ok(Outcome {
        crash_states,
        ..outcome
    })
}

fn explore<M: Model>(budget: &Budget, sequential: &M, concurrent: &M, world: &World) -> crate::Result<Outcome> {
    let once = Budget {
        iterations: 1,
        ..budget.clone()
    };
    let first = mark_sequential(shuttle_explorer::run(Explorer::Crash, &once, sequential, world, None)?);
    if first.failure.is_some() {
        return Ok(first);
    }
    let rest = shuttle_explorer::run(Explorer::Crash, budget, concurrent, world, None)?;
    Ok(Outcome {
        executions: first.executions + rest.executions,
        crash_states: 0,
        coverage: Coverage::new(),
        diverged: None,
        failure: rest.failure.map(|mut f| {
            f.execution += first.executions;
            f
        }),
    })
}

fn mark_sequential(mut o: Outcome) -> Outcome {
    if let Some(f) = &mut o.failure {
        f.schedule = f.schedule.take().map(|s| format!("{SEQUENTIAL}{s}"));
    }
    o
}
