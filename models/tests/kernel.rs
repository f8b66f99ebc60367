//! The kernel model ([`sim::kernel`]: the Version-set kernel alone on the strict simulated
//! filesystem, readers pinning `current` against a compactor and GC) under std threads, loom and
//! shuttle.
//!
//! Runs under std, loom (preemption bound 2) and shuttle in `cargo test`; under
//! `RUSTFLAGS="--cfg loom"` loom explores it with no bound.

use engine::mutants::Mutant;
use engine::sync::{self, Std};
use sim::kernel;
use sim::world::{Violation, World};
use std::panic::{catch_unwind, AssertUnwindSafe};

fn two_readers<R: engine::sync::Runtime>(world: &World, mutant: Option<Mutant>) {
    kernel::execute::<R>(world, mutant, 2)
}

#[test]
fn kernel_on_std_threads() {
    let world = World::new();
    for _ in 0..50 {
        two_readers::<Std>(&world, None);
    }
}

fn loom_check(bound: Option<usize>, mutant: Option<Mutant>) -> Result<(), Violation> {
    loom_check_with(bound, mutant, 2)
}

fn loom_check_with(bound: Option<usize>, mutant: Option<Mutant>, readers: usize) -> Result<(), Violation> {
    let world = World::new();
    let w = world.clone();
    let mut b = loom::model::Builder::new();
    b.preemption_bound = bound;
    b.max_branches = 100_000;
    catch_unwind(AssertUnwindSafe(|| {
        b.check(move || kernel::execute::<sync::Loom>(&w, mutant, readers))
    }))
    .map_err(|_| world.violation().expect("a failing execution records its violation"))
}

fn pct_check(mutant: Option<Mutant>) -> Result<(), Violation> {
    let world = World::new();
    let w = world.clone();
    catch_unwind(AssertUnwindSafe(|| {
        shuttle::check_pct(move || two_readers::<sync::Shuttle>(&w, mutant), 1000, 3)
    }))
    .map_err(|_| world.violation().expect("a failing execution records its violation"))
}

#[test]
fn kernel_under_loom_bounded_and_shuttle() {
    // Budget: preemption bound 2 explores this model in about a second in a debug build.
    loom_check(Some(2), None).expect("the kernel is correct");
    pct_check(None).expect("the kernel is correct");
    let world = World::new();
    shuttle::check_random(move || two_readers::<sync::Shuttle>(&world, None), 1000);
}

/// M26 (GC's live set from `current` only) deletes a file a reader's pinned Version lists.
#[test]
fn the_kernel_model_catches_gc_ignoring_pinned_versions() {
    for found in [
        loom_check(Some(2), Some(Mutant::GcLiveSetFromCurrentOnly)),
        pct_check(Some(Mutant::GcLiveSetFromCurrentOnly)),
    ] {
        let v = found.expect_err("the mutant is caught");
        assert!(matches!(v, Violation::DeleteOfListedFile { .. }), "{v}");
    }
}

/// The slow tier, one reader: every interleaving, no preemption bound. Cost: ~28 s in release
/// on the 2-core machine (two readers unbounded ran past 10 minutes).
#[cfg(loom)]
#[test]
fn kernel_under_loom_exhaustive() {
    loom_check_with(None, None, 1).expect("the kernel is correct in every interleaving");
}

/// The slow tier, two readers: bound 3. Cost: ~18 s in release on the 2-core machine.
#[cfg(loom)]
#[test]
fn kernel_under_loom_bound_3() {
    loom_check_with(Some(3), None, 2).expect("the kernel is correct within 3 preemptions");
}
