//! The kernel model ([`models::kernel`]: the Version-set kernel alone on the strict simulated
//! filesystem, readers pinning `current` against a compactor and GC) under std threads, loom and
//! shuttle, each through `sim::explore::run` like every other exploration.
//!
//! Runs under stress, loom (preemption bound 2) and shuttle in `cargo test`; under
//! `RUSTFLAGS="--cfg loom"` loom explores it with no bound (one reader; two readers, one of which
//! holds its pin to the end) and two readers at bound 4.

use engine::mutants::Mutant;
use models::kernel::KernelModel;
use sim::explore::{self, Budget, Explorer, Outcome};
use sim::world::Violation;

fn explore(explorer: Explorer, budget: Budget, readers: usize, held: usize, mutant: Option<Mutant>) -> Outcome {
    let model = KernelModel {
        readers,
        held,
        mutant,
        seed: 1,
    };
    let outcome = explore::run(explorer, &budget, &model, None).expect("valid input");
    assert!(outcome.executions > 0, "{explorer} ran nothing");
    outcome
}

/// loom with `bound` (none: every interleaving), asserting the exploration was complete;
/// `held` of the `readers` hold their pin to the end.
fn loom(bound: Option<usize>, readers: usize, held: usize, mutant: Option<Mutant>) -> Result<u64, Violation> {
    let budget = Budget {
        preemption_bound: bound,
        ..Budget::iterations(usize::MAX)
    };
    let o = explore(Explorer::Loom, budget, readers, held, mutant);
    match o.failure {
        Some(f) => Err(f.violation),
        None => Ok(o.executions),
    }
}

fn pct(mutant: Option<Mutant>) -> Result<u64, Violation> {
    let budget = Budget {
        depth: Some(3),
        ..Budget::iterations(1000)
    };
    let o = explore(Explorer::ShuttlePct, budget, 2, 0, mutant);
    match o.failure {
        Some(f) => Err(f.violation),
        None => Ok(o.executions),
    }
}

#[test]
fn kernel_on_std_threads() {
    let o = explore(Explorer::Stress, Budget::iterations(50), 2, 0, None);
    assert!(o.failure.is_none(), "{:?}", o.failure.map(|f| f.violation));
    assert_eq!(o.executions, 50);
}

#[test]
fn kernel_under_loom_bounded_and_shuttle() {
    // Budget: preemption bound 2 explores this model completely in about a second.
    let n = loom(Some(2), 2, 0, None).expect("the kernel is correct");
    assert!(n > 100, "bound 2 explores more than a handful of interleavings: {n}");
    assert_eq!(pct(None).expect("the kernel is correct"), 1000);
    let o = explore(Explorer::ShuttleRandom, Budget::iterations(1000), 2, 0, None);
    assert!(o.failure.is_none(), "{:?}", o.failure.map(|f| f.violation));
}

/// Explorations run without the trace; a failure's trace comes from replaying it, and ends at
/// the violation.
#[test]
fn an_explored_failure_has_its_replayed_trace() {
    let m26 = Some(Mutant::GcLiveSetFromCurrentOnly);
    let bounded = Budget {
        preemption_bound: Some(2),
        ..Budget::iterations(usize::MAX)
    };
    for (explorer, budget) in [
        (Explorer::Loom, bounded),
        (Explorer::ShuttlePct, Budget::iterations(1000)),
        (Explorer::ShuttleDfs, Budget::iterations(100_000)),
    ] {
        let f = explore(explorer, budget, 2, 0, m26).failure.expect("M26 is caught");
        let last = f.trace.last().expect("a trace");
        assert_eq!(last.event, "VIOLATION", "{explorer}: {:?}", f.trace);
        assert!(
            f.trace
                .iter()
                .any(|e| e.event == "Ref" && e.thread.starts_with("reader"))
                && f.trace.iter().any(|e| e.event == "GcPass" && e.thread == "compactor"),
            "{explorer}: the trace shows a reader's pin and the compactor's GC: {:?}",
            f.trace
        );
    }
}

/// M26 (GC's live set from `current` only) deletes a file a reader's pinned Version lists.
#[test]
fn the_kernel_model_catches_gc_ignoring_pinned_versions() {
    for found in [
        loom(Some(2), 2, 0, Some(Mutant::GcLiveSetFromCurrentOnly)),
        loom(None, 2, 1, Some(Mutant::GcLiveSetFromCurrentOnly)),
        pct(Some(Mutant::GcLiveSetFromCurrentOnly)),
    ] {
        let v = found.expect_err("the mutant is caught");
        assert!(matches!(v, Violation::DeleteOfListedFile { .. }), "{v}");
    }
}

/// The slow tier, one reader: every interleaving, no preemption bound: 2,321 executions, ~0.3 s
/// in release on the 2-core machine.
#[cfg(loom)]
#[test]
fn kernel_under_loom_exhaustive() {
    let n = loom(None, 1, 0, None).expect("the kernel is correct in every interleaving");
    assert!(n > 1000, "every interleaving of one reader is more than a handful: {n}");
}

/// The slow tier, two readers, every interleaving: one of them holds its pin to the end (a
/// long-lived snapshot), so one reader's Unref races the install and GC, not two. 487,450
/// executions, 40-45 s in release on the 2-core machine. With both Unrefs racing and no bound,
/// loom is still going after 700,000 executions and 60 s (reports/bench/README.md, "Harness speed").
#[cfg(loom)]
#[test]
fn kernel_under_loom_exhaustive_two_readers() {
    let n = loom(None, 2, 1, None).expect("the kernel is correct in every interleaving");
    assert!(n > 100_000, "two readers' interleavings are many: {n}");
}

/// The slow tier, two readers both racing their Unrefs: preemption bound 4, 298,173 executions,
/// 25-30 s in release on the
/// 2-core machine (bound 3: 40,149 executions, ~4 s).
#[cfg(loom)]
#[test]
fn kernel_under_loom_bound_4() {
    loom(Some(4), 2, 0, None).expect("the kernel is correct within 4 preemptions");
}
