//! The loom explorer.
//!
//! A passing exploration runs without checkpoints (writing loom's checkpoint file before every
//! execution costs more than a small execution) and without the trace. When it fails at
//! execution `n`, loom's order is deterministic, so the same exploration is run again up to `n`
//! with the trace on and a checkpoint written before every execution: the file then names the
//! failing execution's branch path, which replays it instantly from a report.

use super::{failure, trace_missing, Budget, Model, Outcome};
use crate::world::coverage::Coverage;
use crate::world::World;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Branch points allowed per execution. A whole-engine execution has thousands (every lock
/// and every simulated file operation); loom's default of 1,000 is for small kernels.
const MAX_BRANCHES: usize = 1_000_000;

/// Explores with loom, or replays the execution recorded in `checkpoint`.
pub(super) fn run<M: Model>(budget: &Budget, model: &M, world: &World, checkpoint: Option<&str>) -> Outcome {
    let dir = tempfile::tempdir().expect("a temporary directory for loom's checkpoint");
    let path = dir.path().join("loom-checkpoint.json");
    if let Some(c) = checkpoint {
        std::fs::write(&path, c).expect("write the checkpoint to replay");
        return explore(budget, model, world, 1, Some(path));
    }
    world.set_tracing(false);
    let first = explore(budget, model, world, budget.iterations, None);
    world.set_tracing(true);
    let Some(failed) = &first.failure else {
        return first;
    };
    let again = explore(budget, model, world, failed.execution as usize, Some(path.clone()));
    match again.failure {
        Some(f) if f.violation == failed.violation && f.execution == failed.execution => Outcome {
            failure: Some(f),
            ..first
        },
        // Not deterministic after all: report the first failure, without a checkpoint or trace.
        _ => {
            let mut first = first;
            if let Some(f) = &mut first.failure {
                f.trace = trace_missing("running the exploration again did not fail the same way");
            }
            first
        }
    }
}

/// At most `executions` executions of `model` under loom, writing (or, if it holds one already,
/// starting from) the checkpoint at `checkpoint` before every execution when given.
fn explore<M: Model>(
    budget: &Budget,
    model: &M,
    world: &World,
    executions: usize,
    checkpoint: Option<PathBuf>,
) -> Outcome {
    let mut b = loom::model::Builder::new();
    b.preemption_bound = budget.preemption_bound;
    b.max_branches = MAX_BRANCHES;
    // loom stops when its 1-based counter reaches the maximum, so N executions need N + 1.
    b.max_permutations = Some(executions.saturating_add(1));
    // Interval 1: loom checks the budget only at checkpoint intervals, so this makes it exact.
    // With a file, the checkpoint then always holds the path of the execution about to run, so
    // after a failure it names the failing one.
    b.checkpoint_interval = 1;
    b.checkpoint_file = checkpoint.clone();
    let count = Arc::new(AtomicU64::new(0));
    let (model, w, n) = (model.clone(), world.clone(), count.clone());
    let result = catch_unwind(AssertUnwindSafe(|| {
        b.check(move || {
            // Relaxed: a counter read after the model returns, on the same OS thread.
            n.fetch_add(1, Ordering::Relaxed);
            model.execute::<engine::sync::Loom>(&w);
        })
    }));
    let executions = count.load(Ordering::Relaxed);
    let failure = result.err().map(|p| {
        let saved = checkpoint.and_then(|path| std::fs::read_to_string(path).ok());
        failure(world, p, executions, None, saved)
    });
    Outcome {
        executions,
        crash_states: 0,
        coverage: Coverage::new(),
        diverged: None,
        failure,
    }
}
