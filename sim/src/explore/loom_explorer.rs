//! The loom explorer.
//!
//! A passing exploration runs without the trace. When it fails at execution `n`, loom's order is
//! deterministic, so the same exploration is run again up to `n` with the trace on: that pass
//! gives the failure its trace, and shows the failure is deterministic.
//!
//! A loom failure replays the same way, by exploring again with the recorded budget: loom's
//! checkpoint files are not used, because a checkpoint that no longer fits the program is not
//! detected by loom (a shortened one replays a passing execution, and one that meets a changed
//! lock order can abort the process). Exploring again either reproduces the failure, finds it
//! elsewhere, or passes the whole budget, and each of those is an honest verdict.

use super::{failure, trace_missing, Budget, Model, Outcome};
use crate::world::coverage::Coverage;
use crate::world::World;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Branch points allowed per execution. A whole-engine execution has thousands (every lock
/// and every simulated file operation); loom's default of 1,000 is for small kernels.
const MAX_BRANCHES: usize = 1_000_000;

/// Explores `model` with loom within `budget`; a failure gets its trace from a second pass.
pub(super) fn run<M: Model>(budget: &Budget, model: &M, world: &World) -> Outcome {
    world.set_tracing(false);
    let first = explore(budget, model, world, budget.iterations);
    world.set_tracing(true);
    let Some(failed) = &first.failure else {
        return first;
    };
    let again = explore(budget, model, world, failed.execution as usize);
    match again.failure {
        Some(f) if f.violation == failed.violation && f.execution == failed.execution => Outcome {
            failure: Some(f),
            ..first
        },
        // Not deterministic after all: report the first failure, without a trace.
        _ => {
            let mut first = first;
            if let Some(f) = &mut first.failure {
                f.trace = trace_missing("running the exploration again did not fail the same way");
            }
            first
        }
    }
}

/// At most `executions` executions of `model` under loom.
fn explore<M: Model>(budget: &Budget, model: &M, world: &World, executions: usize) -> Outcome {
    let mut b = loom::model::Builder::new();
    b.preemption_bound = budget.preemption_bound;
    b.max_branches = MAX_BRANCHES;
    // loom stops when its 1-based counter reaches the maximum, so N executions need N + 1.
    b.max_permutations = Some(executions.saturating_add(1));
    // Interval 1: loom checks the budget only at checkpoint intervals, so this makes it exact.
    b.checkpoint_interval = 1;
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
    Outcome {
        executions,
        crash_states: 0,
        coverage: Coverage::new(),
        diverged: None,
        failure: result.err().map(|p| failure(world, p, executions, None)),
    }
}
