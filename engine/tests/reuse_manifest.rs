//! `Options::reuse_manifest` on real files: an open appends to the MANIFEST it recovered
//! (LevelDB's `ReuseManifest`) when that ends cleanly and is small, and otherwise starts a new
//! one, as every open does by default.

use engine::{Db, Options};
use std::fs;
use std::path::{Path, PathBuf};

fn manifests(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(dir)
        .expect("list")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().contains("MANIFEST-"))
        .collect();
    v.sort();
    v
}

fn reusing() -> Options {
    Options {
        reuse_manifest: true,
        ..Options::tiny()
    }
}

/// Opens `dir` with `opts`, writes `key` (flushed to a table, so the open's edit and the
/// flush's both reach the MANIFEST) and closes it. Returns the one MANIFEST left.
fn session(dir: &Path, opts: Options, key: &str) -> PathBuf {
    let db = Db::open(dir, opts).expect("open");
    db.put(key, "v").expect("put");
    db.flush().expect("flush");
    db.close().expect("close");
    let mut left = manifests(dir);
    assert_eq!(left.len(), 1, "GC leaves exactly the live MANIFEST: {left:?}");
    left.pop().expect("one")
}

fn all_there(dir: &Path, keys: &[&str]) {
    let db = Db::open(dir, Options::tiny()).expect("reopen");
    for k in keys {
        assert_eq!(db.get(k.as_bytes()).expect("get"), Some(b"v".to_vec()), "{k}");
    }
    db.close().expect("close");
}

#[test]
fn a_reusing_open_appends_to_the_recovered_manifest() {
    let dir = tempfile::tempdir().expect("tempdir");
    let first = session(dir.path(), reusing(), "a");
    let size = fs::metadata(&first).expect("stat").len();
    let second = session(dir.path(), reusing(), "b");
    assert_eq!(second, first, "the MANIFEST was reused, not replaced");
    assert!(
        fs::metadata(&second).expect("stat").len() > size,
        "the new edits were appended"
    );
    all_there(dir.path(), &["a", "b"]);
}

#[test]
fn by_default_every_open_starts_a_new_manifest() {
    let dir = tempfile::tempdir().expect("tempdir");
    let first = session(dir.path(), Options::tiny(), "a");
    let second = session(dir.path(), Options::tiny(), "b");
    assert_ne!(second, first);
    all_there(dir.path(), &["a", "b"]);
}

#[test]
fn a_torn_manifest_tail_is_never_appended_to() {
    let dir = tempfile::tempdir().expect("tempdir");
    let first = session(dir.path(), reusing(), "a");
    // Half a record header: what a crash in the middle of an unsynced append leaves.
    let mut bytes = fs::read(&first).expect("read");
    bytes.extend_from_slice(&[7, 7, 7]);
    fs::write(&first, &bytes).expect("write");
    let second = session(dir.path(), reusing(), "b");
    assert_ne!(second, first, "a record after the torn tail would be lost behind it");
    all_there(dir.path(), &["a", "b"]);
}

#[test]
fn a_manifest_over_the_target_file_size_is_replaced() {
    let dir = tempfile::tempdir().expect("tempdir");
    let small_limit = Options {
        target_file_size: 16, // smaller than any MANIFEST
        ..reusing()
    };
    let first = session(dir.path(), small_limit.clone(), "a");
    let second = session(dir.path(), small_limit, "b");
    assert_ne!(second, first);
    all_there(dir.path(), &["a", "b"]);
}
