//! The Version lifecycle seen from the public API, on real files.
// Test code runs the engine on std (its `Std` runtime) and may use std primitives itself.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

use engine::{Background, Db, Options};
use std::collections::BTreeMap;
use std::path::Path;

fn tables_on_disk(dir: &Path) -> Vec<u64> {
    let mut v: Vec<u64> = std::fs::read_dir(dir)
        .expect("list")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|n| n.strip_suffix(".sst")?.parse().ok())
        .collect();
    v.sort_unstable();
    v
}

fn table_numbers(db: &Db) -> Vec<u64> {
    let mut v: Vec<u64> = db
        .stats()
        .levels
        .iter()
        .flat_map(|l| l.files.iter().map(|f| f.0))
        .collect();
    v.sort_unstable();
    v
}

#[test]
fn an_iterator_keeps_its_view_and_files_across_compaction_and_releases_them_on_drop() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = Db::open(dir.path(), Options::tiny()).expect("open");
    let mut before = BTreeMap::new();
    for i in 0..300u32 {
        let (k, v) = (format!("k{i:04}"), format!("old{i}"));
        db.put(k.clone(), v.clone()).expect("put");
        before.insert(k.into_bytes(), v.into_bytes());
    }
    db.flush().expect("flush");
    let it = db.iter().expect("iter"); // nothing opened yet: every table open is lazy
    let pinned = table_numbers(&db);
    assert!(pinned.len() >= 2, "the workload spans several tables: {pinned:?}");

    for i in (0..300u32).step_by(3) {
        db.put(format!("k{i:04}"), format!("new{i}")).expect("overwrite");
    }
    for i in (1..300u32).step_by(7) {
        db.delete(format!("k{i:04}")).expect("delete");
    }
    db.compact_range(None, None).expect("compact");
    let after = table_numbers(&db);
    assert!(
        pinned.iter().all(|n| !after.contains(n)),
        "compaction replaced every pinned table"
    );
    let on_disk = tables_on_disk(dir.path());
    assert!(
        pinned.iter().all(|n| on_disk.contains(n)),
        "pinned tables {pinned:?} must stay on disk: {on_disk:?}"
    );

    let seen: BTreeMap<Vec<u8>, Vec<u8>> = it.map(|r| r.expect("item")).collect();
    assert_eq!(seen, before, "the iterator sees exactly the pre-compaction state");
    // The iterator is consumed and dropped: the old Version dies and its files go.
    let on_disk = tables_on_disk(dir.path());
    assert!(
        pinned.iter().all(|n| !on_disk.contains(n)),
        "unpinned tables deleted: {on_disk:?}"
    );
    assert_eq!(on_disk, after, "disk holds exactly the files of current");
    assert_eq!(db.stats().live_versions.len(), 1, "only current is live");
}

#[test]
fn compaction_reduces_level0_and_keeps_every_value() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut o = Options::tiny();
    o.l0_compaction_trigger = 8;
    let db = Db::open(dir.path(), o).expect("open");
    for round in 0..6u32 {
        for i in 0..60u32 {
            db.put(format!("k{i:03}"), format!("v{round}-{i}")).expect("put");
        }
        db.flush().expect("flush");
    }
    let l0_before = db.stats().levels[0].files.len();
    assert!(l0_before >= 6, "one L0 table per flush: {l0_before}");
    db.compact_range(None, None).expect("compact");
    let s = db.stats();
    assert!(s.levels[0].files.len() < l0_before, "{s}");
    for i in 0..60u32 {
        assert_eq!(
            db.get(format!("k{i:03}").as_bytes()).expect("get"),
            Some(format!("v5-{i}").into_bytes())
        );
    }
}

#[test]
fn writes_survive_reopen_from_the_wal_without_a_flush() {
    let dir = tempfile::tempdir().expect("tempdir");
    {
        let db = Db::open(dir.path(), Options::tiny()).expect("open");
        db.put("a", "1").expect("put");
        db.put("b", "2").expect("put");
        db.delete("a").expect("delete");
        drop(db); // no flush: only the WAL has these
    }
    let db = Db::open(dir.path(), Options::tiny()).expect("reopen");
    assert_eq!(db.get(b"a").expect("get"), None);
    assert_eq!(db.get(b"b").expect("get"), Some(b"2".to_vec()));
    assert_eq!(
        db.stats().levels[0].files.len(),
        1,
        "recovery writes the WAL to an L0 table"
    );
    drop(db);
    let db = Db::open(dir.path(), Options::tiny()).expect("reopen twice");
    assert_eq!(db.get(b"b").expect("get"), Some(b"2".to_vec()));
    assert_eq!(db.stats().last_sequence, 3);
}

#[test]
fn background_thread_compacts_while_readers_and_writers_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut o = Options::tiny();
    o.background = Background::Thread;
    let db = std::sync::Arc::new(Db::open(dir.path(), o).expect("open"));
    let writer = {
        let db = db.clone();
        std::thread::spawn(move || {
            for i in 0..3000u32 {
                db.put(format!("k{:04}", i % 500), format!("v{i}")).expect("put");
            }
        })
    };
    let reader = {
        let db = db.clone();
        std::thread::spawn(move || {
            for _ in 0..50 {
                let keys: Vec<Vec<u8>> = db.iter().expect("iter").map(|r| r.expect("item").0).collect();
                assert!(keys.windows(2).all(|w| w[0] < w[1]), "scan sorted without duplicates");
            }
        })
    };
    writer.join().expect("writer");
    reader.join().expect("reader");
    db.flush().expect("flush");
    for i in 2500..3000u32 {
        assert_eq!(
            db.get(format!("k{:04}", i % 500).as_bytes()).expect("get"),
            Some(format!("v{i}").into_bytes())
        );
    }
    let s = db.stats();
    assert!(
        s.levels.iter().skip(1).any(|l| !l.files.is_empty()),
        "compaction ran: {s}"
    );
    assert!(s.background_error.is_none());
}

#[test]
fn a_second_open_of_the_same_directory_is_refused_until_the_first_closes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = Db::open(dir.path(), Options::tiny()).expect("open");
    let err = Db::open(dir.path(), Options::tiny()).expect_err("LOCK is held");
    assert!(err.to_string().contains("LOCK"), "names the lock file: {err}");
    db.close().expect("close");
    Db::open(dir.path(), Options::tiny()).expect("reopen after close");
}

/// Dropping a database stops its background thread, which holds the shared state and with it
/// the `LOCK`: the directory opens again at once.
#[test]
fn dropping_a_database_stops_its_background_thread_and_frees_the_directory() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut o = Options::tiny();
    o.background = Background::Thread;
    let db = Db::open(dir.path(), o.clone()).expect("open");
    db.put("k", "v").expect("put");
    drop(db);
    let db = Db::open(dir.path(), o).expect("the LOCK was released by the drop");
    assert_eq!(db.get(b"k").expect("get"), Some(b"v".to_vec()));
}

/// A panic in user code while it holds an iterator releases the iterator's Version like any
/// drop: its files are collected after the next compaction, not pinned until reopen.
#[test]
fn a_panic_while_iterating_does_not_pin_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = std::sync::Arc::new(Db::open(dir.path(), Options::tiny()).expect("open"));
    for i in 0..300u32 {
        db.put(format!("k{i:04}"), format!("v{i}")).expect("put");
    }
    db.flush().expect("flush");
    let pinned = table_numbers(&db);
    let reader = db.clone();
    let panicked = std::thread::spawn(move || {
        let mut it = reader.iter().expect("iter");
        let _first = it.next();
        panic!("user code fails while iterating");
    })
    .join();
    assert!(panicked.is_err(), "the thread panicked");
    db.compact_range(None, None).expect("compact");
    let on_disk = tables_on_disk(dir.path());
    assert!(
        pinned.iter().all(|n| !on_disk.contains(n)),
        "the panicking reader's tables {pinned:?} were collected: {on_disk:?}"
    );
}

/// Deleting a table also closes it: GC drops it from the table cache, so the process keeps no
/// descriptor of an unlinked file (which would hold its disk space until the cache evicted it).
#[cfg(target_os = "linux")]
#[test]
fn deleted_tables_are_closed_too() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = Db::open(dir.path(), Options::tiny()).expect("open");
    for i in 0..300u32 {
        db.put(format!("k{i:04}"), format!("v{i}")).expect("put");
    }
    db.flush().expect("flush");
    let before = table_numbers(&db);
    assert_eq!(db.iter().expect("iter").count(), 300, "every table is opened");
    db.compact_range(None, None).expect("compact");
    let open_deleted: Vec<String> = std::fs::read_dir("/proc/self/fd")
        .expect("list fds")
        .filter_map(|e| std::fs::read_link(e.ok()?.path()).ok())
        .map(|target| target.to_string_lossy().into_owned())
        .filter(|t| t.starts_with(&*dir.path().to_string_lossy()) && t.ends_with("(deleted)"))
        .collect();
    assert!(
        before.len() >= 2,
        "several tables were opened and compacted: {before:?}"
    );
    assert!(
        open_deleted.is_empty(),
        "descriptors of deleted files: {open_deleted:?}"
    );
}
