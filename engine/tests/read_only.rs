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
