//! Typed events for the harness: version installs, refs and unrefs, file creation and deletion,
//! table opens and reads by pinned version, flush and compaction boundaries.
//!
//! With no observer installed, emitting is one `Option` check and the event is never built.

use std::fmt;

/// What kind of file an event is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FileKind {
    /// A write-ahead log, `NNNNNN.log`.
    Log,
    /// A table, `NNNNNN.sst`.
    Table,
    /// A MANIFEST, `MANIFEST-NNNNNN`.
    Manifest,
    /// A temporary file, `NNNNNN.dbtmp`.
    Temp,
}

/// One thing that happened inside the engine. Field names follow the variant docs.
#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// A Version became `current`; `files` are `(level, number)` pairs.
    VersionInstalled { id: u64, files: Vec<(usize, u64)> },
    /// A reference was taken; `refs` is the count after.
    VersionRef { id: u64, refs: u64 },
    /// A reference was released; `refs` is the count after.
    VersionUnref { id: u64, refs: u64 },
    /// The last reference went and the Version left the live set.
    VersionDropped { id: u64 },
    /// A file was created.
    FileCreated { kind: FileKind, number: u64 },
    /// A file was deleted by GC.
    FileDeleted { kind: FileKind, number: u64 },
    /// A table was opened (lazily) by a reader holding Version `version`.
    TableOpened { number: u64, version: u64 },
    /// A reader holding Version `version` is about to read table `number` (emitted before the
    /// access, once per point lookup and once per table an iterator enters).
    TableRead { number: u64, version: u64 },
    /// A memtable flush started.
    FlushBegin { memtable_bytes: u64 },
    /// A flush ended; `table` is the new L0 file, if the memtable was not empty.
    FlushEnd { table: Option<u64> },
    /// A compaction from `level` to `level + 1` started.
    CompactionBegin {
        level: usize,
        inputs: Vec<u64>,
        trivial_move: bool,
    },
    /// It ended, installing `outputs`.
    CompactionEnd { level: usize, outputs: Vec<u64> },
    /// What a compaction's drop rules decided over all its input entries (emitted before its
    /// outputs install; not emitted for a trivial move, which reads no entry).
    CompactionDrops(DropStats),
    /// A GC pass computed what it may not delete: `live_versions` Versions were live and
    /// `pending` output numbers were reserved by a flush or compaction still writing.
    GcPass { live_versions: usize, pending: usize },
    /// That GC pass finished its unlinks.
    GcDone,
    /// The leader of a write group is about to append it to the WAL as one record: `writers`
    /// writes' batches, synced if `sync`.
    WriteGroup { writers: usize, sync: bool },
    /// A writer starts inserting a batch into the active memtable (`true`), or has inserted it
    /// (`false`). Readers may walk the memtable meanwhile: they take no lock.
    MemtableInsert { begin: bool },
    /// A reader is about to walk the active memtable (a `get`, or a cursor's creation).
    MemtableRead,
    /// A read pinned an immutable memtable (one whose flush has not installed yet), together
    /// with Version `version`.
    ImmPinned { version: u64 },
    /// A snapshot at `sequence` was taken; `live` snapshots are registered now.
    SnapshotTaken { sequence: u64, live: usize },
    /// A snapshot was released; `oldest` if no older one was registered; `live` remain.
    SnapshotReleased { sequence: u64, oldest: bool, live: usize },
    /// A background error latched.
    BackgroundError { message: String },
}

/// Counts of a compaction's drop decisions (LevelDB's `DoCompactionWork` rules), entry by
/// entry. The harness turns them into coverage marks: a green run must show it reached the
/// rules it claims to check.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DropStats {
    /// The oldest sequence a reader may read at (the oldest snapshot, else the last sequence).
    pub smallest_snapshot: u64,
    /// The smallest sequence among the input entries (`u64::MAX` if there were none).
    pub min_input_sequence: u64,
    /// Input entries seen.
    pub entries: u64,
    /// Dropped: a newer entry of the same key is at or below `smallest_snapshot`.
    pub shadowed: u64,
    /// Kept only because a snapshot reads them (the newer entry is above the snapshot).
    pub kept_for_snapshot: u64,
    /// Dropped right below an entry kept for a snapshot: the snapshot boundary split the key.
    pub dropped_below_snapshot: u64,
    /// Tombstones dropped because the output level is their key's base level.
    pub tombstones_dropped_at_base: u64,
    /// Tombstones kept because a deeper level may hold an older value of their key.
    pub tombstones_kept_above_base: u64,
}

/// Receives events. Called on the acting thread, sometimes with the state lock held: an
/// observer must not call back into the engine.
pub trait Observer: Send + Sync {
    /// Handles one event.
    fn on_event(&self, event: &Event);
}

/// The engine's environment: its filesystem and optional observer.
pub struct Env {
    /// Where every file operation goes.
    pub fs: Box<dyn crate::fs::Fs>,
    /// Who hears about events.
    pub observer: Option<Box<dyn Observer>>,
}

impl Env {
    /// Real files, no observer.
    pub fn os() -> Self {
        Env {
            fs: Box::new(crate::fs::OsFs),
            observer: None,
        }
    }
    /// The given filesystem, no observer.
    pub fn with_fs(fs: impl crate::fs::Fs + 'static) -> Self {
        Env {
            fs: Box::new(fs),
            observer: None,
        }
    }
    /// Adds an observer.
    pub fn observed_by(mut self, observer: impl Observer + 'static) -> Self {
        self.observer = Some(Box::new(observer));
        self
    }
    /// Emits an event built by `f`, if anyone listens.
    #[inline]
    pub(crate) fn emit(&self, f: impl FnOnce() -> Event) {
        if let Some(o) = &self.observer {
            o.on_event(&f());
        }
    }
}

impl fmt::Debug for Env {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Env({:?}, observer: {})", self.fs, self.observer.is_some())
    }
}
