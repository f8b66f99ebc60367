//! The Version-set kernel on its own (no memtable, no WAL), one body under every runtime:
//! a reader pins `current` and reads every file it lists while a compactor installs a Version
//! that replaces them and GC runs. The reader must never find a listed file missing, and at
//! quiescence the disk must hold exactly the files of `current`.

use engine::events::{Env, FileKind};
use engine::filename;
use engine::fs::MemFs;
use engine::key::{InternalKey, Kind};
use engine::sync::{arc, spawn, Runtime, Std};
use engine::version::{FileMeta, KernelOptions, VersionEdit, VersionSet};
use std::path::Path;

const DIR: &str = "/db";

/// Creates a tiny "table" (a few bytes: the kernel never parses tables) as a pending output.
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

fn install<R: Runtime>(vs: &VersionSet<R>, level: usize, add: FileMeta, delete: &[(usize, u64)]) {
    let mut edit = VersionEdit::default();
    for &(l, n) in delete {
        edit.delete_file(l, n);
    }
    let n = add.number;
    edit.add_file(level, add);
    vs.log_and_apply(edit, |st| st.remove_pending_output(n))
        .expect("install");
}

fn tables_on_disk<R: Runtime>(vs: &VersionSet<R>) -> Vec<u64> {
    let names = vs.env().fs.list(Path::new(DIR)).expect("list");
    names
        .iter()
        .filter_map(|n| filename::parse(n))
        .filter(|(k, _)| *k == FileKind::Table)
        .map(|(_, n)| n)
        .collect()
}

fn reader_vs_compactor<R: Runtime>() {
    let env = Env::with_fs(MemFs::<R>::new());
    env.fs.create_dir_all(Path::new(DIR)).expect("mkdir");
    let (vs, _) = VersionSet::<R>::open(Path::new(DIR), env, KernelOptions::default(), ()).expect("open");
    let first = new_table(&vs);
    install(&vs, 1, first.clone(), &[]);
    let vs = arc::<R, _>(vs);

    let reader = {
        let vs = vs.clone();
        spawn::<R, _>("reader", move || {
            let v = {
                let st = vs.lock();
                vs.pin_current(&st)
            };
            for (_, number) in v.all_files() {
                let path = filename::path(Path::new(DIR), FileKind::Table, number);
                let f = vs
                    .env()
                    .fs
                    .open(&path)
                    .unwrap_or_else(|e| panic!("reader of v{} lost file {number}: {e}", v.id));
                assert_eq!(f.read_at(0, 5).expect("read"), b"table");
            }
        })
    };
    let compactor = {
        let vs = vs.clone();
        spawn::<R, _>("compactor", move || {
            let out = new_table(&vs);
            install(&vs, 2, out, &[(1, first.number)]);
            // As after every compaction (LevelDB's RemoveObsoleteFiles): GC while the reader
            // may still hold the old Version.
            vs.remove_obsolete_files();
        })
    };
    reader.join().expect("reader");
    compactor.join().expect("compactor");

    let current: Vec<u64> = vs.lock().current().all_files().into_iter().map(|(_, n)| n).collect();
    assert_eq!(
        tables_on_disk(&vs),
        current,
        "quiescent: disk holds exactly the files of current"
    );
    let ledger = vs.ledger();
    assert_eq!(
        ledger.live,
        vec![(ledger.current, 1)],
        "only current is live, with its own reference"
    );
    assert!(ledger.pending_outputs.is_empty());
}

#[test]
fn kernel_on_std_threads() {
    for _ in 0..20 {
        reader_vs_compactor::<Std>();
    }
}

#[cfg(feature = "loom")]
#[test]
fn kernel_under_loom() {
    let mut b = loom::model::Builder::new();
    // Budget: bound 2 explores this model in well under a second in release builds.
    b.preemption_bound = Some(2);
    b.max_branches = 100_000;
    b.check(reader_vs_compactor::<engine::sync::Loom>);
}

#[cfg(feature = "shuttle")]
#[test]
fn kernel_under_shuttle_random_and_pct() {
    shuttle::check_random(reader_vs_compactor::<engine::sync::Shuttle>, 300);
    shuttle::check_pct(reader_vs_compactor::<engine::sync::Shuttle>, 300, 3);
}

/// The slow tier (`RUSTFLAGS="--cfg loom"`): the same model explored with no preemption bound.
#[cfg(all(loom, feature = "loom"))]
#[test]
fn kernel_under_loom_exhaustive() {
    let mut b = loom::model::Builder::new();
    b.max_branches = 100_000;
    b.check(reader_vs_compactor::<engine::sync::Loom>);
}
