//! Unit tests of the Version lifecycle: `log_and_apply` (set.rs), references (handle.rs) and
//! GC (gc.rs), on the in-memory filesystem, with the kernel alone (`X = ()`). Under the `loom`
//! feature, loom also explores concurrent unrefs against an install and GC. The fixtures
//! (`kernel_with`, `new_table`, `install`, `pin`) serve the picker's tests too.

use super::{FileMeta, KernelOptions, VersionEdit, VersionRef, VersionSet};
use crate::error::Error;
use crate::events::{Env, FileKind};
use crate::filename;
use crate::fs::MemFs;
use crate::key::{InternalKey, Kind};
use crate::sync::{Runtime, Std};
use std::path::{Path, PathBuf};

const DIR: &str = "/db";

fn path(number: u64) -> PathBuf {
    filename::path(Path::new(DIR), FileKind::Table, number)
}

/// A fresh kernel on an empty in-memory filesystem.
fn kernel<R: Runtime>() -> VersionSet<R> {
    kernel_with(KernelOptions::default())
}

/// A fresh kernel with `opts` on an empty in-memory filesystem.
pub(crate) fn kernel_with<R: Runtime>(opts: KernelOptions) -> VersionSet<R> {
    let fs = MemFs::<R>::new();
    crate::fs::Fs::create_dir_all(&fs, Path::new(DIR)).expect("mkdir");
    let env = Env {
        fs: Box::new(fs),
        observer: None,
    };
    VersionSet::<R>::open(Path::new(DIR), env, opts, ()).expect("open").0
}

/// A table file (the kernel never parses it) over `[lo, hi]`, created as a pending output.
pub(crate) fn new_table<R: Runtime>(vs: &VersionSet<R>, lo: &str, hi: &str) -> FileMeta {
    let number = {
        let mut st = vs.lock();
        let n = st.new_file_number();
        st.add_pending_output(n);
        n
    };
    let mut f = vs.env().fs.create(&path(number)).expect("create");
    f.append(b"table").expect("append");
    let key = |k: &str| InternalKey::new(k.as_bytes().to_vec(), 1, Kind::Put);
    FileMeta {
        number,
        size: 5,
        smallest: key(lo),
        largest: key(hi),
    }
}

/// Installs `add` at `level`, deleting `delete` (level, number), releasing `add`'s pending
/// number in the install.
pub(crate) fn install<R: Runtime>(vs: &VersionSet<R>, level: usize, add: &FileMeta, delete: &[(usize, u64)]) {
    let mut edit = VersionEdit::default();
    for &(l, n) in delete {
        edit.delete_file(l, n);
    }
    edit.add_file(level, add.clone());
    let n = add.number;
    vs.log_and_apply(edit, |st| st.remove_pending_output(n))
        .expect("install");
}

pub(crate) fn pin<R: Runtime>(vs: &VersionSet<R>) -> VersionRef<R, ()> {
    let st = vs.lock();
    vs.pin_current(&st)
}

fn on_disk<R: Runtime>(vs: &VersionSet<R>, number: u64) -> bool {
    vs.env().fs.exists(&path(number))
}

#[test]
fn an_install_makes_the_edit_current_and_releases_the_pending_output() {
    let vs = kernel::<Std>();
    let t = new_table(&vs, "a", "m");
    let before = vs.lock().current().id;
    assert!(vs.lock().pending_outputs.contains(&t.number));
    install(&vs, 1, &t, &[]);
    let st = vs.lock();
    assert_ne!(st.current().id, before, "a new Version is current");
    assert_eq!(st.current().files(1), std::slice::from_ref(&t));
    assert!(!st.pending_outputs.contains(&t.number), "released in the install (I7)");
    assert!(st.next_file_number > t.number, "numbers are never reused (I10)");
    assert_eq!(st.live.len(), 1, "the old Version had no other reference");
}

#[test]
fn an_edit_that_breaks_the_level_structure_is_a_loud_bug() {
    let vs = kernel::<Std>();
    let t = new_table(&vs, "a", "m");
    install(&vs, 1, &t, &[]);
    let overlapping = new_table(&vs, "k", "z");
    let mut edit = VersionEdit::default();
    edit.add_file(1, overlapping);
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| vs.log_and_apply(edit, |_| {})));
    assert!(r.is_err(), "two overlapping files in L1 must not install (O8)");
}

#[test]
fn a_latched_background_error_refuses_edits_and_stops_gc() {
    let vs = kernel::<Std>();
    let garbage = new_table(&vs, "a", "m");
    vs.lock().remove_pending_output(garbage.number); // its job failed: GC may delete it
    {
        let mut st = vs.lock();
        vs.record_bg_error(&mut st, &Error::InvalidArgument("disk on fire".into()));
        vs.record_bg_error(&mut st, &Error::Closed);
        assert!(
            matches!(st.bg_error(), Some(Error::InvalidArgument(_))),
            "the first error stays latched"
        );
    }
    let t = new_table(&vs, "n", "z");
    let mut edit = VersionEdit::default();
    edit.add_file(1, t);
    let refused = vs.log_and_apply(edit, |_| {});
    assert!(
        matches!(&refused, Err(Error::Background(e)) if matches!(**e, Error::InvalidArgument(_))),
        "{refused:?}"
    );
    vs.remove_obsolete_files();
    assert!(on_disk(&vs, garbage.number), "no GC after a background error (I8)");
}

#[test]
fn gc_spares_a_pinned_old_version_and_collects_its_files_with_the_last_unref() {
    let vs = kernel::<Std>();
    let old = new_table(&vs, "a", "z");
    install(&vs, 1, &old, &[]);
    let reader = pin(&vs);
    let second = reader.clone();
    let new = new_table(&vs, "a", "z");
    install(&vs, 2, &new, &[(1, old.number)]);
    vs.remove_obsolete_files();
    assert!(on_disk(&vs, old.number), "a pinned Version still lists it (I6)");
    assert_eq!(vs.lock().live.len(), 2);
    drop(reader);
    assert!(on_disk(&vs, old.number), "one reference is left");
    drop(second); // the last reference: the Version retires and its dropper runs GC
    assert_eq!(vs.lock().live.len(), 1);
    assert!(!on_disk(&vs, old.number));
    assert!(on_disk(&vs, new.number));
}

#[test]
fn gc_spares_pending_outputs_and_files_another_pass_is_purging() {
    let vs = kernel::<Std>();
    let t = new_table(&vs, "a", "z");
    vs.remove_obsolete_files();
    assert!(on_disk(&vs, t.number), "pending (I7)");
    vs.lock().remove_pending_output(t.number);
    vs.lock().purging.insert((FileKind::Table, t.number));
    vs.remove_obsolete_files();
    assert!(on_disk(&vs, t.number), "another pass is unlinking it (M19's filter)");
    vs.lock().purging.clear();
    vs.remove_obsolete_files();
    assert!(!on_disk(&vs, t.number));
    assert!(vs.lock().purging.is_empty(), "the pass unmarks what it purged");
}

/// Two readers use and then drop their references to an old Version while a compactor
/// installs its replacement and runs GC: in every interleaving (bound 2) the old file is
/// deleted, the new one kept, and only `current` stays live. loom also checks the unref
/// ordering: the Version's teardown must come after every use through any reference.
#[cfg(feature = "loom")]
fn unrefs_against_an_install(opts: KernelOptions) {
    use crate::sync::{self, Loom};
    let mut b = loom::model::Builder::new();
    b.preemption_bound = Some(2);
    b.check(move || {
        let fs = MemFs::<Loom>::new();
        crate::fs::Fs::create_dir_all(&fs, Path::new(DIR)).expect("mkdir");
        let env = Env {
            fs: Box::new(fs),
            observer: None,
        };
        let vs = VersionSet::<Loom>::open(Path::new(DIR), env, opts.clone(), ())
            .expect("open")
            .0;
        let old = new_table(&vs, "a", "z");
        install(&vs, 1, &old, &[]);
        let readers: Vec<_> = (0..2)
            .map(|i| {
                let r = pin(&vs);
                sync::spawn::<Loom, _>(&format!("reader-{i}"), move || {
                    // A use through the reference (the fake table does not parse: that is fine).
                    let _ = r.get(b"k", 1);
                    drop(r);
                })
            })
            .collect();
        let new = new_table(&vs, "a", "z");
        install(&vs, 2, &new, &[(1, old.number)]);
        vs.remove_obsolete_files();
        for r in readers {
            r.join().expect("reader");
        }
        assert!(!on_disk(&vs, old.number), "collected once unlisted and unpinned");
        assert!(on_disk(&vs, new.number), "current's file stays");
        assert_eq!(vs.lock().live.len(), 1);
    });
}

#[cfg(feature = "loom")]
#[test]
fn concurrent_unrefs_against_an_install_under_loom() {
    unrefs_against_an_install(KernelOptions::default());
}

/// The same model finds M32 (a `Relaxed` decrement with no `Acquire` fence): the proof that
/// the test above checks the ordering at all.
#[cfg(all(feature = "loom", feature = "mutants"))]
#[test]
fn loom_catches_a_relaxed_unref() {
    let opts = KernelOptions {
        mutant: Some(crate::mutants::Mutant::RelaxedUnref),
        ..KernelOptions::default()
    };
    let caught = std::panic::catch_unwind(|| unrefs_against_an_install(opts)).expect_err("caught");
    let message = caught
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| caught.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default();
    assert!(
        message.contains("Causality violation"),
        "loom reports the race between teardown and a reader's use: {message}"
    );
}

/// LevelDB's compaction score: L0 by file count over the trigger, L1..L5 by bytes over their
/// target, the deepest level never (nothing lies below it).
#[test]
fn the_compaction_score_weighs_l0_by_count_and_deeper_levels_by_bytes() {
    use super::set::compaction_score;
    let opts = KernelOptions::default();
    let key = |k: &[u8]| InternalKey::new(k.to_vec(), 1, Kind::Put);
    let sized = |n: usize, size: u64| {
        let file = FileMeta {
            number: 1,
            size,
            smallest: key(b"a"),
            largest: key(b"z"),
        };
        vec![file; n]
    };
    let mut levels = vec![Vec::new(); super::NUM_LEVELS];
    levels[0] = sized(3, 1);
    assert_eq!(compaction_score(&levels, &opts), (0, 3.0 / 4.0), "3 of 4 L0 files");
    levels[2] = sized(1, 2 * opts.max_bytes_for_level(2));
    assert_eq!(compaction_score(&levels, &opts), (2, 2.0), "L2 at twice its target");
    let last = super::NUM_LEVELS - 1;
    levels[last] = sized(1, 100 * opts.max_bytes_for_level(last));
    assert_eq!(
        compaction_score(&levels, &opts),
        (2, 2.0),
        "the deepest level is never scored"
    );
    levels[0] = sized(8, 1);
    assert_eq!(
        compaction_score(&levels, &opts),
        (0, 2.0),
        "a tie goes to the shallower level"
    );
}
