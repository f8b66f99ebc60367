//! The Version-set kernel alone (no memtable, no WAL) on the strict simulated filesystem:
//! two readers pin `current` and read every file it lists, after a pause (a lazy open), while a
//! compactor installs a Version that replaces those files and runs GC. The ghost ledger and
//! `SimFs` fail the execution on any delete of a listed file or read of a deleted one, and at
//! quiescence the disk must hold exactly the files of `current`.
//!
//! Runs under std, loom (preemption bound 2) and shuttle in `cargo test`; under
//! `RUSTFLAGS="--cfg loom"` loom explores it with no bound.

use engine::events::{Env, FileKind};
use engine::filename;
use engine::fs::Fs;
use engine::key::{InternalKey, Kind};
use engine::mutants::Mutant;
use engine::sync::{self, Runtime, Std};
use engine::version::{FileMeta, KernelOptions, VersionEdit, VersionSet};
use sim::fs::SimFs;
use sim::oracle;
use sim::world::{Violation, World, WorldObserver};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

const DIR: &str = "/db";

/// A tiny "table" (the kernel never parses tables), created as a pending output.
fn new_table<R: Runtime>(vs: &VersionSet<R>) -> FileMeta {
    let number = {
        let mut st = vs.lock();
        let n = st.new_file_number();
        st.add_pending_output(n);
        n
    };
    let path = filename::path(Path::new(DIR), FileKind::Table, number);
    let mut f = vs.env().fs.create(&path).expect("create");
    f.append(b"table").expect("append");
    let k = |s: &str| InternalKey::new(s.as_bytes().to_vec(), 1, Kind::Put);
    FileMeta {
        number,
        size: 5,
        smallest: k("a"),
        largest: k("z"),
    }
}

fn install<R: Runtime>(vs: &VersionSet<R>, level: usize, add: FileMeta, delete: Option<&FileMeta>) {
    let mut edit = VersionEdit::default();
    if let Some(d) = delete {
        edit.delete_file(1, d.number);
    }
    let n = add.number;
    edit.add_file(level, add);
    vs.log_and_apply(edit, |st| st.remove_pending_output(n))
        .expect("install");
}

/// One execution of the kernel model on runtime `R` with `readers` reader threads.
fn kernel<R: Runtime>(world: &World, mutant: Option<Mutant>) {
    kernel_with::<R>(world, mutant, 2)
}

fn kernel_with<R: Runtime>(world: &World, mutant: Option<Mutant>, readers: usize) {
    world.reset(&[]);
    let fs = SimFs::<R>::new(world.clone());
    fs.create_dir_all(Path::new(DIR)).expect("mkdir");
    let env = Env {
        fs: Box::new(fs.clone()),
        observer: Some(Box::new(WorldObserver::<R>::new(world.clone()))),
    };
    let opts = KernelOptions {
        mutant,
        ..KernelOptions::default()
    };
    let (vs, _) = VersionSet::<R>::open(Path::new(DIR), env, opts, ()).expect("open");
    let first = new_table(&vs);
    install(&vs, 1, first.clone(), None);
    let vs = sync::arc::<R, _>(vs);

    let readers: Vec<_> = (0..readers)
        .map(|i| {
            let vs = vs.clone();
            sync::spawn::<R, _>(&format!("reader-{i}"), move || {
                let v = {
                    let st = vs.lock();
                    vs.pin_current(&st)
                };
                sync::yield_now::<R>(); // the lazy open comes later
                for (_, number) in v.all_files() {
                    let path = filename::path(Path::new(DIR), FileKind::Table, number);
                    // A missing file is recorded by SimFs itself; the reader just moves on.
                    if let Ok(bytes) = vs.env().fs.open(&path).and_then(|f| f.read_at(0, 5)) {
                        assert_eq!(bytes, b"table");
                    }
                }
            })
        })
        .collect();
    let compactor = {
        let vs = vs.clone();
        sync::spawn::<R, _>("compactor", move || {
            let out = new_table(&vs);
            install(&vs, 2, out, Some(&first));
            vs.remove_obsolete_files(); // as after every compaction
        })
    };
    for h in readers.into_iter().chain([compactor]) {
        if let Err(p) = h.join() {
            std::panic::resume_unwind(p);
        }
    }
    vs.remove_obsolete_files();
    oracle::check_quiescent(world, &fs.tables());
    drop(vs);
    drop(fs);
    world.fail_if_violated();
}

#[test]
fn kernel_on_std_threads() {
    let world = World::new();
    for _ in 0..50 {
        kernel::<Std>(&world, None);
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
        b.check(move || kernel_with::<sync::Loom>(&w, mutant, readers))
    }))
    .map_err(|_| world.violation().expect("a failing execution records its violation"))
}

fn pct_check(mutant: Option<Mutant>) -> Result<(), Violation> {
    let world = World::new();
    let w = world.clone();
    catch_unwind(AssertUnwindSafe(|| {
        shuttle::check_pct(move || kernel::<sync::Shuttle>(&w, mutant), 1000, 3)
    }))
    .map_err(|_| world.violation().expect("a failing execution records its violation"))
}

#[test]
fn kernel_under_loom_bounded_and_shuttle() {
    // Budget: preemption bound 2 explores this model in about a second in a debug build.
    loom_check(Some(2), None).expect("the kernel is correct");
    pct_check(None).expect("the kernel is correct");
    let world = World::new();
    shuttle::check_random(move || kernel::<sync::Shuttle>(&world, None), 1000);
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
