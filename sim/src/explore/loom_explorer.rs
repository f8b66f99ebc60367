//! The loom explorer.

use super::{failure, Budget, Model, Outcome};
use crate::world::World;
use std::panic::{catch_unwind, AssertUnwindSafe};
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
    }
    let mut b = loom::model::Builder::new();
    b.preemption_bound = budget.preemption_bound;
    b.max_branches = MAX_BRANCHES;
    // loom stops when its 1-based counter reaches the maximum, so N executions need N + 1.
    b.max_permutations = Some(if checkpoint.is_some() { 1 } else { budget.iterations }.saturating_add(1));
    // Interval 1: the budget is checked before every execution, and the checkpoint file always
    // holds the path of the execution about to run, so after a failure it names the failing one.
    b.checkpoint_interval = 1;
    b.checkpoint_file = Some(path.clone());
    let executions = Arc::new(AtomicU64::new(0));
    let (model, w, n) = (model.clone(), world.clone(), executions.clone());
    let result = catch_unwind(AssertUnwindSafe(|| {
        b.check(move || {
            // Relaxed: a counter read after the model returns, on the same OS thread.
            n.fetch_add(1, Ordering::Relaxed);
            model.execute::<engine::sync::Loom>(&w);
        })
    }));
    let executions = executions.load(Ordering::Relaxed);
    match result {
        Ok(()) => Outcome {
            executions,
            crash_states: 0,
            diverged: None,
            failure: None,
        },
        Err(p) => {
            let checkpoint = std::fs::read_to_string(&path).ok();
            Outcome {
                executions,
                crash_states: 0,
                diverged: None,
                failure: Some(failure(world, p, executions, None, checkpoint)),
            }
        }
    }
}
