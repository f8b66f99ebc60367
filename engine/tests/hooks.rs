//! The observer hooks, and the background-error latch (I8), seen from outside.
// Test code runs the engine on std (its `Std` runtime) and may use std primitives itself.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

use engine::events::{Env, Event, FileKind, Observer};
use engine::fs::{Fs, OsFs, RandomAccessFile, WritableFile};
use engine::{Db, Error, Options, WriteBatch, WriteOptions};
use std::collections::BTreeMap;
use std::io;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

#[derive(Default, Clone)]
struct Recorder(Arc<Mutex<Vec<Event>>>);

impl Observer for Recorder {
    fn on_event(&self, e: &Event) {
        self.0.lock().expect("recorder lock").push(e.clone());
    }
}

#[test]
fn events_describe_the_lifecycle_and_refs_balance() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rec = Recorder::default();
    let db: Db = Db::open_with(dir.path(), Options::tiny(), Env::os().observed_by(rec.clone())).expect("open");
    for i in 0..200u32 {
        db.put(format!("k{i:03}"), "v").expect("put");
    }
    db.flush().expect("flush");
    let it = db.iter().expect("iter");
    let pinned = it.version_id();
    db.compact_range(None, None).expect("compact");
    assert_eq!(it.count(), 200);
    let current = db.stats().current_version;
    drop(db);

    let events = rec.0.lock().expect("lock").clone();
    let mut refs: BTreeMap<u64, i64> = BTreeMap::new();
    let (mut dropped, mut deleted, mut opened_by_pinned) = (Vec::new(), Vec::new(), 0);
    let mut compacted: Vec<u64> = Vec::new();
    let mut gc_saw_old = false;
    for e in &events {
        match e {
            Event::VersionInstalled { id, .. } => *refs.entry(*id).or_default() += 1,
            Event::VersionRef { id, refs: after } | Event::VersionUnref { id, refs: after } => {
                let n = refs.entry(*id).or_default();
                *n += if matches!(e, Event::VersionRef { .. }) { 1 } else { -1 };
                assert_eq!(i64::try_from(*after), Ok(*n), "Version {id}: the event's count");
            }
            Event::GcPass { live_versions, .. } => gc_saw_old |= *live_versions >= 2,
            Event::VersionDropped { id } => dropped.push(*id),
            Event::FileDeleted {
                kind: FileKind::Table,
                number,
            } => deleted.push(*number),
            Event::TableOpened { version, .. } if *version == pinned => opened_by_pinned += 1,
            Event::CompactionBegin { inputs, .. } => {
                assert!(!inputs.is_empty(), "a compaction names its inputs");
                compacted.extend(inputs);
            }
            _ => {}
        }
    }
    assert!(
        deleted.iter().all(|t| compacted.contains(t)),
        "every deleted table was a compaction's input: deleted {deleted:?}, inputs {compacted:?}"
    );
    for (id, n) in &refs {
        let want = i64::from(*id == current);
        assert_eq!(
            *n, want,
            "Version {id}: every ref has one unref (current keeps its own)"
        );
        assert_eq!(
            dropped.contains(id),
            *id != current,
            "Version {id} dropped iff not current"
        );
    }
    assert!(
        opened_by_pinned > 0,
        "the iterator opened tables of the Version it pinned"
    );
    assert!(!deleted.is_empty(), "compaction inputs were deleted");
    assert!(events.iter().any(|e| matches!(e, Event::CompactionEnd { .. })));
    assert!(gc_saw_old, "a GC pass ran while the iterator's old Version was live");
}

/// Real files, but every sync of a file whose name `matches` fails once `fail` is set (after
/// the data was written, as in LevelDB's `ManifestWriteError` test).
#[derive(Debug, Clone)]
struct FailingSync {
    fail: Arc<AtomicBool>,
    matches: fn(&str) -> bool,
}

impl FailingSync {
    /// MANIFEST syncs fail.
    fn manifest() -> Self {
        FailingSync {
            fail: Arc::default(),
            matches: |name| name.starts_with("MANIFEST-"),
        }
    }
    /// WAL syncs fail.
    fn wal() -> Self {
        FailingSync {
            fail: Arc::default(),
            matches: |name| name.ends_with(".log"),
        }
    }
}

struct Failing(Box<dyn WritableFile>, Arc<AtomicBool>);

impl WritableFile for Failing {
    fn append(&mut self, data: &[u8]) -> io::Result<()> {
        self.0.append(data)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
    fn sync(&mut self) -> io::Result<()> {
        self.0.sync()?;
        if self.1.load(Ordering::SeqCst) {
            return Err(io::Error::other("injected sync failure"));
        }
        Ok(())
    }
}

impl Fs for FailingSync {
    fn create(&self, path: &Path) -> io::Result<Box<dyn WritableFile>> {
        let f = OsFs.create(path)?;
        let chosen = path.file_name().is_some_and(|n| (self.matches)(&n.to_string_lossy()));
        Ok(if chosen {
            Box::new(Failing(f, self.fail.clone()))
        } else {
            f
        })
    }
    fn open(&self, path: &Path) -> io::Result<Box<dyn RandomAccessFile>> {
        OsFs.open(path)
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

#[test]
fn a_manifest_error_latches_stops_writes_and_gc_and_loses_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fs = FailingSync::manifest();
    let db: Db = Db::open_with(dir.path(), Options::tiny(), Env::with_fs(fs.clone())).expect("open");
    for i in 0..100u32 {
        db.put(format!("k{i:03}"), "before").expect("put");
    }
    db.flush().expect("flush");
    let files_before: Vec<String> = OsFs.list(dir.path()).expect("list");

    fs.fail.store(true, Ordering::SeqCst);
    db.put("late", "x").expect("the WAL is fine");
    let err = db.compact_range(None, None).expect_err("the MANIFEST sync fails");
    assert!(err.to_string().contains("injected"), "{err}");
    assert!(
        matches!(db.put("after", "y"), Err(Error::Background(_))),
        "writes stop (I8)"
    );
    assert!(db.stats().background_error.is_some());
    let files_after: Vec<String> = OsFs.list(dir.path()).expect("list");
    assert!(
        files_before.iter().all(|f| files_after.contains(f)),
        "GC deleted nothing after the error"
    );
    drop(db);

    let db = Db::open(dir.path(), Options::tiny()).expect("reopen on healthy files");
    for i in 0..100u32 {
        assert_eq!(
            db.get(format!("k{i:03}").as_bytes()).expect("get"),
            Some(b"before".to_vec())
        );
    }
    assert_eq!(
        db.get(b"late").expect("get"),
        Some(b"x".to_vec()),
        "the WAL write survived"
    );
}

/// `close` syncs the WAL and reports a failure to (LevelDB: `DB::~DB` cannot report it, which is
/// why we have `close`); only `drop` swallows it.
#[test]
fn close_syncs_the_wal_and_reports_a_failed_sync() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fs = FailingSync::wal();
    let db: Db = Db::open_with(dir.path(), Options::tiny(), Env::with_fs(fs.clone())).expect("open");
    db.put("k", "v").expect("put");
    fs.fail.store(true, Ordering::SeqCst);
    let err = db.close().expect_err("the WAL sync at close fails");
    assert!(err.to_string().contains("injected"), "{err}");
    let db = Db::open(dir.path(), Options::tiny()).expect("reopen");
    assert_eq!(db.get(b"k").expect("get"), Some(b"v".to_vec()));
}

/// Snapshots are counted while they live, read at the sequence they were taken at, and each
/// release says whether it was the oldest (the harness's out-of-order-release mark uses it).
#[test]
fn snapshots_are_counted_and_their_releases_say_which_was_oldest() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rec = Recorder::default();
    let db: Db = Db::open_with(dir.path(), Options::tiny(), Env::os().observed_by(rec.clone())).expect("open");
    db.put("a", "1").expect("put");
    let older = db.snapshot();
    assert_eq!(older.sequence(), db.stats().last_sequence);
    db.put("a", "2").expect("put");
    db.put("b", "3").expect("put");
    let newer = db.snapshot();
    assert_eq!(newer.sequence(), older.sequence() + 2, "two writes apart");
    assert_eq!(db.live_snapshots(), 2);
    drop(newer);
    assert_eq!(db.live_snapshots(), 1);
    drop(older);
    assert_eq!(db.live_snapshots(), 0);
    let releases: Vec<(u64, bool, usize)> = rec
        .0
        .lock()
        .expect("recorder lock")
        .iter()
        .filter_map(|e| match e {
            Event::SnapshotReleased { sequence, oldest, live } => Some((*sequence, *oldest, *live)),
            _ => None,
        })
        .collect();
    assert_eq!(
        releases,
        [(3, false, 1), (1, true, 0)],
        "the newer went first, then the oldest"
    );
}

/// A synced write syncs the WAL before it is acknowledged, whether asked per write or by
/// `sync_writes`: with the WAL's syncs failing, it reports the failure; an unsynced write does
/// not sync and succeeds.
#[test]
fn a_synced_write_syncs_the_wal_before_acknowledging() {
    for per_write in [true, false] {
        let dir = tempfile::tempdir().expect("tempdir");
        let fs = FailingSync::wal();
        let opts = Options {
            sync_writes: !per_write,
            ..Options::tiny()
        };
        let db: Db = Db::open_with(dir.path(), opts, Env::with_fs(fs.clone())).expect("open");
        fs.fail.store(true, Ordering::SeqCst);
        let unsynced = db.write_opt(WriteBatch::new().put("a", "1").clone(), WriteOptions::default());
        assert!(unsynced.is_ok(), "an unsynced write does not sync: {unsynced:?}");
        let err = if per_write {
            db.write_opt(WriteBatch::new().put("b", "2").clone(), WriteOptions::synced())
        } else {
            db.put("b", "2")
        };
        let err = err.expect_err("the WAL sync fails");
        assert!(err.to_string().contains("injected"), "per_write {per_write}: {err}");
    }
}

/// An empty batch writes nothing, uses no sequence number, and names the next unused one.
#[test]
fn an_empty_batch_returns_the_next_sequence_and_uses_none() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db: Db = Db::open(dir.path(), Options::tiny()).expect("open");
    db.put("a", "1").expect("put");
    db.put("b", "2").expect("put");
    let wal_bytes = || -> u64 {
        let logs = OsFs
            .list(dir.path())
            .expect("list")
            .into_iter()
            .filter(|n| n.ends_with(".log"));
        logs.map(|n| std::fs::metadata(dir.path().join(n)).expect("stat").len())
            .sum()
    };
    let before = wal_bytes();
    let next = db
        .write_with_sequence(WriteBatch::new(), WriteOptions::default())
        .expect("write");
    assert_eq!(next, 3);
    assert_eq!(db.stats().last_sequence, 2, "no sequence used");
    assert_eq!(wal_bytes(), before, "nothing logged");
}
