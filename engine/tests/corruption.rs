//! Damaged files give `Err` naming the file and offset, never a panic, and lose no data.

use engine::{Db, Error, Options};
use std::fs;
use std::path::{Path, PathBuf};

fn files_with(dir: &Path, pred: impl Fn(&str) -> bool) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(dir)
        .expect("list")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(&pred))
        .collect();
    v.sort();
    v
}

fn flip(path: &Path, offset: usize) {
    let mut b = fs::read(path).expect("read");
    b[offset] ^= 0x5a;
    fs::write(path, b).expect("write");
}

fn truncate(path: &Path, len: usize) {
    let b = fs::read(path).expect("read");
    fs::write(path, &b[..len.min(b.len())]).expect("write");
}

/// A database with some tables and an unflushed WAL tail.
fn populated() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = Db::open(dir.path(), Options::tiny()).expect("open");
    for i in 0..200u32 {
        db.put(format!("k{i:03}"), format!("value-{i}")).expect("put");
    }
    db.flush().expect("flush");
    db.put("tail", "in the wal only").expect("put");
    db.close().expect("close");
    dir
}

fn snapshot_dir(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    files_with(dir, |_| true)
        .into_iter()
        .map(|p| (p.clone(), fs::read(&p).expect("read")))
        .collect()
}

#[test]
fn a_flipped_table_byte_is_a_corruption_error_on_read() {
    let dir = populated();
    let table = files_with(dir.path(), |n| n.ends_with(".sst")).remove(0);
    flip(&table, 10);
    let db = Db::open(dir.path(), Options::tiny()).expect("open does not read tables");
    let err = db
        .iter()
        .expect("iter")
        .find_map(Result::err)
        .expect("the scan reports the damage");
    match err {
        Error::Corruption { path, offset, .. } => {
            assert_eq!(path, table);
            assert_eq!(offset, 0, "first block");
        }
        other => panic!("expected corruption, got {other}"),
    }
}

#[test]
fn a_truncated_table_is_a_corruption_error() {
    let dir = populated();
    let table = files_with(dir.path(), |n| n.ends_with(".sst")).remove(0);
    let len = fs::metadata(&table).expect("stat").len() as usize;
    truncate(&table, len - 10);
    let db = Db::open(dir.path(), Options::tiny()).expect("open");
    let err = db.get(b"k001").expect_err("footer is damaged");
    assert!(
        matches!(err, Error::Corruption { ref path, .. } if *path == table),
        "{err}"
    );
    assert!(err.to_string().contains(".sst"), "names the file: {err}");
}

/// Under `paranoid_checks` (off by default: then the damage and what follows it are dropped and
/// reported, `tests/recovery.rs`).
#[test]
fn a_damaged_wal_stops_a_paranoid_open_and_nothing_is_lost() {
    let dir = populated();
    let wal = files_with(dir.path(), |n| n.ends_with(".log")).pop().expect("a wal");
    flip(&wal, 12);
    let before = snapshot_dir(dir.path());
    let paranoid = Options {
        paranoid_checks: true,
        ..Options::tiny()
    };
    let err = Db::open(dir.path(), paranoid).expect_err("checksum mismatch");
    assert!(
        matches!(err, Error::Corruption { ref path, offset: 0, .. } if *path == wal),
        "{err}"
    );
    assert_eq!(
        snapshot_dir(dir.path()),
        before,
        "a failed open writes and deletes nothing"
    );
}

#[test]
fn a_wal_cut_mid_record_drops_only_the_unfinished_record() {
    let dir = tempfile::tempdir().expect("tempdir");
    {
        let db = Db::open(dir.path(), Options::tiny()).expect("open");
        db.put("a", "1").expect("put");
        db.put("b", "2").expect("put");
    }
    let wal = files_with(dir.path(), |n| n.ends_with(".log")).pop().expect("a wal");
    let len = fs::metadata(&wal).expect("stat").len() as usize;
    truncate(&wal, len - 3);
    let db = Db::open(dir.path(), Options::tiny()).expect("a torn tail is an unsynced write, not corruption");
    assert_eq!(db.get(b"a").expect("get"), Some(b"1".to_vec()));
    assert_eq!(db.get(b"b").expect("get"), None);
}

#[test]
fn a_damaged_manifest_or_current_stops_open() {
    let dir = populated();
    let manifest = files_with(dir.path(), |n| n.starts_with("MANIFEST-"))
        .pop()
        .expect("a manifest");
    flip(&manifest, 9);
    let err = Db::open(dir.path(), Options::tiny()).expect_err("manifest damaged");
    assert!(
        matches!(err, Error::Corruption { ref path, .. } if *path == manifest),
        "{err}"
    );

    let dir = populated();
    fs::write(dir.path().join("CURRENT"), "garbage").expect("write");
    let err = Db::open(dir.path(), Options::tiny()).expect_err("CURRENT damaged");
    assert!(err.to_string().contains("CURRENT"), "{err}");

    let dir = populated();
    fs::remove_file(dir.path().join("CURRENT")).expect("rm");
    let before = snapshot_dir(dir.path());
    let err = Db::open(dir.path(), Options::tiny()).expect_err("CURRENT missing beside data files");
    assert!(err.to_string().contains("CURRENT is missing"), "{err}");
    assert_eq!(snapshot_dir(dir.path()), before, "nothing overwritten");
}

#[test]
fn a_missing_directory_is_an_error_unless_created() {
    let parent = tempfile::tempdir().expect("tempdir");
    let dir = parent.path().join("nope");
    let mut o = Options::tiny();
    o.create_if_missing = false;
    let err = Db::open(&dir, o).expect_err("missing dir");
    assert!(err.to_string().contains("nope"), "names the directory: {err}");
    assert!(err.to_string().contains("does not exist"), "says what is wrong: {err}");
    assert!(!dir.exists(), "a refused open creates nothing");
    Db::open(&dir, Options::tiny()).expect("created by default");
}

/// Every single-byte flip of every file, at a stride: open and a full read must give `Ok` or
/// `Err`, never a panic.
#[test]
fn random_damage_never_panics() {
    let pristine = populated();
    let files = snapshot_dir(pristine.path());
    for (victim, content) in &files {
        for offset in (0..content.len()).step_by(content.len() / 23 + 1) {
            let dir = tempfile::tempdir().expect("tempdir");
            for (p, c) in &files {
                fs::write(dir.path().join(p.file_name().expect("name")), c).expect("copy");
            }
            flip(&dir.path().join(victim.file_name().expect("name")), offset);
            if let Ok(db) = Db::open(dir.path(), Options::tiny()) {
                let _ = db.iter().map(|it| it.count());
                let _ = db.get(b"k100");
                let _ = db.compact_range(None, None);
            }
        }
    }
}

/// A database whose only data is in its WAL (nothing flushed) and that lost its `CURRENT` is
/// refused like one with tables: the WAL is data, not a first open's empty leftover.
#[test]
fn a_missing_current_beside_a_wal_with_data_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = Db::open(dir.path(), Options::default()).expect("open");
    db.put("only-in-the-wal", "yes").expect("put");
    db.close().expect("close");
    fs::remove_file(dir.path().join("CURRENT")).expect("rm");
    let before = snapshot_dir(dir.path());
    let err = Db::open(dir.path(), Options::default()).expect_err("CURRENT missing beside a WAL");
    assert!(err.to_string().contains("CURRENT is missing"), "{err}");
    assert_eq!(snapshot_dir(dir.path()), before, "nothing overwritten");
}
