//! The block cache: hot reads skip the file, a cache of 0 bytes reads every time, and a cache
//! smaller than the data keeps serving correct values while it evicts.
// Test code runs the engine on std (its `Std` runtime) and may use std primitives itself.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

use engine::fs::{Fs, OsFs, RandomAccessFile, WritableFile};
use engine::{Db, Env, Options};
use std::io;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// The OS filesystem, counting reads of table files.
#[derive(Clone, Debug, Default)]
struct Counting(Arc<AtomicU64>);

struct CountedFile(Box<dyn RandomAccessFile>, Arc<AtomicU64>);

impl RandomAccessFile for CountedFile {
    fn read_at(&self, offset: u64, len: usize) -> io::Result<Vec<u8>> {
        self.1.fetch_add(1, Ordering::SeqCst);
        self.0.read_at(offset, len)
    }
    fn size(&self) -> u64 {
        self.0.size()
    }
}

impl Fs for Counting {
    fn create(&self, path: &Path) -> io::Result<Box<dyn WritableFile>> {
        OsFs.create(path)
    }
    fn open(&self, path: &Path) -> io::Result<Box<dyn RandomAccessFile>> {
        let f = OsFs.open(path)?;
        Ok(match path.extension().is_some_and(|e| e == "sst") {
            true => Box::new(CountedFile(f, self.0.clone())),
            false => f,
        })
    }
    fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        OsFs.rename(from, to)
    }
    fn remove(&self, path: &Path) -> io::Result<()> {
        OsFs.remove(path)
    }
    fn list(&self, dir: &Path) -> io::Result<Vec<String>> {
        OsFs.list(dir)
    }
    fn exists(&self, path: &Path) -> bool {
        OsFs.exists(path)
    }
    fn create_dir_all(&self, dir: &Path) -> io::Result<()> {
        OsFs.create_dir_all(dir)
    }
    fn sync_dir(&self, dir: &Path) -> io::Result<()> {
        OsFs.sync_dir(dir)
    }
}

fn key(i: u32) -> String {
    format!("k{i:04}")
}

/// A database of 1000 keys compacted into tables, reopened with `cache` bytes of block cache
/// through a counting filesystem.
fn reopened(dir: &Path, cache: u64) -> (Db, Arc<AtomicU64>) {
    let db: Db = Db::open(dir, Options::tiny()).expect("open");
    for i in 0..1000u32 {
        db.put(key(i), format!("value-{i}")).expect("put");
    }
    db.compact_range(None, None).expect("compact");
    db.close().expect("close");
    let fs = Counting::default();
    let reads = fs.0.clone();
    let opts = Options {
        block_cache_size: cache,
        ..Options::tiny()
    };
    (Db::open_with(dir, opts, Env::with_fs(fs)).expect("reopen"), reads)
}

/// Reads of table files while `f` runs.
fn reads_during(reads: &AtomicU64, f: impl FnOnce()) -> u64 {
    let before = reads.load(Ordering::SeqCst);
    f();
    reads.load(Ordering::SeqCst) - before
}

#[test]
fn a_hot_block_is_read_from_the_file_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (db, reads) = reopened(dir.path(), 1 << 20);
    let get = |i| {
        assert_eq!(
            db.get(key(i).as_bytes()).expect("get"),
            Some(format!("value-{i}").into_bytes())
        )
    };
    assert!(reads_during(&reads, || get(500)) >= 1, "the first get reads its block");
    assert_eq!(
        reads_during(&reads, || get(500)),
        0,
        "the second is served from the cache"
    );
    let scan = || assert_eq!(db.iter().expect("iter").count(), 1000);
    assert!(reads_during(&reads, scan) > 0);
    assert_eq!(
        reads_during(&reads, scan),
        0,
        "a second scan reads no block: 1 MiB holds them all"
    );
}

#[test]
fn without_a_block_cache_every_get_reads_its_block() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (db, reads) = reopened(dir.path(), 0);
    db.get(key(500).as_bytes()).expect("get");
    assert_eq!(reads_during(&reads, || drop(db.get(key(500).as_bytes()))), 1);
}

#[test]
fn a_cache_smaller_than_the_data_evicts_and_stays_correct() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (db, reads) = reopened(dir.path(), 4 << 10); // a few 256-byte blocks per shard
    for round in 0..2 {
        let n = reads_during(&reads, || {
            for i in (0..1000u32).step_by(7) {
                let got = db.get(key(i).as_bytes()).expect("get");
                assert_eq!(got, Some(format!("value-{i}").into_bytes()), "round {round}");
            }
        });
        assert!(n > 20, "round {round}: {n} block reads; the cache cannot hold them all");
    }
    let all: Vec<_> = db.iter().expect("iter").map(|r| r.expect("item").0).collect();
    assert_eq!(all.len(), 1000);
}
