//! Read-only open: sees everything a normal open would, changes no file, refuses writes, and
//! never creates a database.

use engine::{Db, Error, Options};
use std::fs;
use std::path::{Path, PathBuf};

fn listing(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut v: Vec<(PathBuf, Vec<u8>)> = fs::read_dir(dir)
        .expect("list")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .map(|p| (p.clone(), fs::read(&p).expect("read")))
        .collect();
    v.sort();
    v
}

#[test]
fn a_read_only_open_sees_tables_and_wal_and_changes_no_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = Db::open(dir.path(), Options::tiny()).expect("open");
    for i in 0..200u32 {
        db.put(format!("k{i:03}"), format!("v{i}")).expect("put");
    }
    db.flush().expect("flush");
    db.put("only-in-the-wal", "yes").expect("put");
    db.delete("k005").expect("delete");
    let mut batch = engine::WriteBatch::default();
    batch.put("in-one-batch", "first").put("in-one-batch", "last");
    db.write(batch).expect("write");
    db.close().expect("close");
    let before = listing(dir.path());

    let ro = Db::open_read_only(dir.path(), Options::tiny()).expect("read-only open");
    assert_eq!(ro.get(b"only-in-the-wal").expect("get"), Some(b"yes".to_vec()));
    assert_eq!(ro.get(b"k005").expect("get"), None);
    let last = ro.get(b"in-one-batch").expect("get");
    assert_eq!(last, Some(b"last".to_vec()), "a batch replays in order");
    assert_eq!(ro.get(b"k006").expect("get"), Some(b"v6".to_vec()));
    assert_eq!(ro.iter().expect("iter").count(), 201);
    let snap = ro.snapshot();
    assert_eq!(ro.get_at(&snap, b"k100").expect("get"), Some(b"v100".to_vec()));
    drop(snap);
    assert!(matches!(ro.put("k", "v"), Err(Error::ReadOnly)));
    assert!(matches!(ro.flush(), Err(Error::ReadOnly)));
    assert!(matches!(ro.compact_range(None, None), Err(Error::ReadOnly)));
    assert!(matches!(ro.step_background(), Err(Error::ReadOnly)));
    ro.close().expect("close");
    assert_eq!(listing(dir.path()), before, "every file byte-identical");
}

#[test]
fn a_read_only_open_of_a_directory_without_a_database_creates_nothing() {
    let parent = tempfile::tempdir().expect("tempdir");
    let err = Db::open_read_only(parent.path(), Options::tiny()).expect_err("no database");
    assert!(err.to_string().contains("no database"), "{err}");
    assert!(listing(parent.path()).is_empty(), "nothing created, not even LOCK");
    let missing = parent.path().join("nope");
    let err = Db::open_read_only(&missing, Options::tiny()).expect_err("no directory");
    assert!(err.to_string().contains("nope"), "{err}");
    assert!(!missing.exists());
}

/// The inspection calls `lsmcheck db stats` and `dump-manifest` make: what each table holds,
/// read from it, and the MANIFEST's edits, which add exactly the live tables; neither changes a
/// file.
#[test]
fn table_properties_and_the_manifest_dump_describe_the_files_and_change_none() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = Db::open(dir.path(), Options::tiny()).expect("open");
    for i in 0..300u32 {
        db.put(format!("k{:03}", i % 150), format!("v{i}")).expect("put");
    }
    db.delete("k007").expect("delete");
    db.flush().expect("flush");
    db.close().expect("close");
    let before = listing(dir.path());
    let ro = Db::open_read_only(dir.path(), Options::tiny()).expect("read-only open");
    let files = ro.live_files();
    let mut total = engine::TableProperties::default();
    let (mut first, mut last) = (u64::MAX, 0);
    for f in &files {
        let p = ro.table_properties(f.number).expect("properties");
        let (lo, hi) = p.sequences.expect("a table has entries");
        assert!(lo >= 1 && lo <= hi && hi <= 301, "{f:?}: {p:?}");
        assert!(f.smallest.user <= f.largest.user);
        (first, last) = (first.min(lo), last.max(hi));
        total.entries += p.entries;
        total.tombstones += p.tombstones;
    }
    assert_eq!(
        (total.entries, total.tombstones),
        (301, 1),
        "every write and the tombstone, once"
    );
    assert_eq!((first, last), (1, 301), "sequence ranges: the first put to the delete");
    assert!(matches!(ro.compact_level(0, None, None), Err(Error::ReadOnly)));
    assert!(ro.table_properties(999_999).is_err(), "not a live table");
    let (manifest, edits) = engine::dump_manifest(dir.path()).expect("dump");
    assert!(manifest
        .file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with("MANIFEST-")));
    let mut live: Vec<u64> = Vec::new();
    for (_, e) in &edits {
        live.retain(|n| !e.deleted.iter().any(|(_, d)| d == n));
        live.extend(e.added.iter().map(|(_, f)| f.number));
    }
    live.sort_unstable();
    let mut want: Vec<u64> = files.iter().map(|f| f.number).collect();
    want.sort_unstable();
    assert_eq!(live, want, "replaying the dumped edits gives the live tables");
    assert!(edits.windows(2).all(|w| w[0].0 < w[1].0), "edits in file order");
    drop(ro);
    assert_eq!(listing(dir.path()), before, "nothing changed");
    let empty = tempfile::tempdir().expect("tempdir");
    let err = engine::dump_manifest(empty.path()).expect_err("no database");
    assert!(err.to_string().contains("no database"), "{err}");
}
