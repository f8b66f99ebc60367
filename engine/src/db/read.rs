//! The read path: pin `(sequence, mem, imm, version)` in one critical section (I3), then look
//! up without the lock. Snapshots register their sequence so compaction keeps what they see.

use super::{Db, DbCursor, DbInner, DbIter};
use crate::error::{Error, Result};
use crate::events::Event;
use crate::iter::{InternalIter, MemIter, MergingIter, WINDOW};

/// A cursor's first memtable window after a seek: db_bench's seekrandom reads one entry.
const SEEK_WINDOW: usize = 4;
use crate::memtable::{Lookup, Memtable};
use crate::mutants::Mutant;
use crate::sync::Runtime;
use crate::version::VersionRef;
use std::ops::Bound;

/// What a read pinned: its sequence number and its Version.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadInfo {
    /// Entries with larger sequence numbers were invisible to the read.
    pub sequence: u64,
    /// The id of the Version it read through.
    pub version: u64,
}

/// A consistent read view. Dropping it releases the pins.
pub(crate) struct ReadView<R: Runtime> {
    pub(crate) seq: u64,
    pub(crate) mem: R::Arc<Memtable<R>>,
    pub(crate) imm: Option<R::Arc<Memtable<R>>>,
    pub(crate) version: VersionRef<R, super::DbState<R>>,
}

impl<R: Runtime> DbInner<R> {
    /// Pins the read view at `snapshot`, or at the last published sequence.
    pub(crate) fn pin(&self, snapshot: Option<u64>) -> Result<ReadView<R>> {
        let early = if self.vs.options().mutated(Mutant::SequenceBeforePin) {
            Some(self.sequence_before_pin(snapshot)) // mutant M28/M29
        } else {
            None
        };
        let st = self.vs.lock();
        if st.ext.shutting_down {
            return Err(Error::Closed);
        }
        let view = ReadView {
            seq: early.or(snapshot).unwrap_or_else(|| st.last_sequence()),
            mem: st.ext.mem.clone(),
            imm: st.ext.imm.clone(),
            version: self.vs.pin_current(&st),
        };
        // A snapshot's sequence was published when it was taken; without one, the read's is the
        // published one (or an earlier one, mutant M28): never ahead of what writers published.
        assert!(
            snapshot.is_some() || view.seq <= st.last_sequence(),
            "I11: a read pins a published sequence ({} > {})",
            view.seq,
            st.last_sequence()
        );
        assert!(
            view.imm.as_ref().is_none_or(|imm| !R::arc_ptr_eq(imm, &view.mem)),
            "a read view's imm and mem are two memtables (a frozen memtable is never mem)"
        );
        drop(st);
        self.vs.env().emit(|| Event::MemtableRead);
        if view.imm.is_some() {
            let version = view.version.id;
            self.vs.env().emit(|| Event::ImmPinned { version });
        }
        Ok(view)
    }

    pub(crate) fn get(&self, key: &[u8], snapshot: Option<u64>) -> Result<(Option<Vec<u8>>, ReadInfo)> {
        let view = self.pin(snapshot)?;
        let info = ReadInfo {
            sequence: view.seq,
            version: view.version.id,
        };
        let mut found = view.mem.get(key, view.seq);
        if found == Lookup::Absent {
            if let Some(imm) = &view.imm {
                found = imm.get(key, view.seq);
            }
        }
        if found == Lookup::Absent {
            found = if self.vs.options().mutated(Mutant::GetSkipsRef) {
                view.version.into_unpinned().get(key, view.seq)? // mutant M01: no reference held
            } else {
                view.version.get(key, view.seq)?
            };
        }
        let value = match found {
            Lookup::Value(v) => Some(v),
            Lookup::Deleted | Lookup::Absent => None,
        };
        Ok((value, info))
    }

    /// A cursor over the view pinned at `snapshot` (or now): the memtables, then the level
    /// cursors of the pinned Version, newest first. `window`: how many memtable entries it
    /// copies after a seek (`WINDOW` for a scan, which reads on; fewer for seeks).
    pub(crate) fn cursor(&self, snapshot: Option<u64>, window: usize) -> Result<DbCursor<R>> {
        let view = self.pin(snapshot)?;
        let levels = if self.vs.options().mutated(Mutant::IterSkipsRef) {
            // Mutant M01, iterator form: the file lists without a reference.
            view.version.clone().into_unpinned().iterators()
        } else {
            view.version.iterators() // each holds its own reference
        };
        let ReadView { seq, mem, imm, version } = view;
        let mut children: Vec<Box<dyn InternalIter>> = vec![Box::new(MemIter::<R>::new(mem, window))];
        if let Some(imm) = imm {
            children.push(Box::new(MemIter::<R>::new(imm, window)));
        }
        children.extend(levels);
        Ok(DbCursor::new(seq, version.id, MergingIter::new(children)))
    }

    pub(crate) fn iter(&self, snapshot: Option<u64>, lo: Bound<&[u8]>, hi: Bound<&[u8]>) -> Result<DbIter<R>> {
        Ok(DbIter::new(self.cursor(snapshot, WINDOW)?, lo, hi))
    }
}

impl<R: Runtime> Db<R> {
    /// The newest value of `key`, or `None` if absent or deleted.
    pub fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        Ok(self.inner.get(key, None)?.0)
    }

    /// The value of `key` as of `snapshot`.
    pub fn get_at(&self, snapshot: &Snapshot<R>, key: &[u8]) -> Result<Option<Vec<u8>>> {
        Ok(self.inner.get(key, Some(snapshot.seq))?.0)
    }

    /// Like [`Db::get`] (or [`Db::get_at`] with a snapshot), and says which sequence and Version
    /// the read pinned. Harnesses check the value against their model at that sequence.
    pub fn get_info(&self, key: &[u8], snapshot: Option<&Snapshot<R>>) -> Result<(Option<Vec<u8>>, ReadInfo)> {
        self.inner.get(key, snapshot.map(|s| s.seq))
    }

    /// An iterator over every live key in order, as of now. It pins its view (and keeps the
    /// view's files on disk) until dropped.
    pub fn iter(&self) -> Result<DbIter<R>> {
        self.inner.iter(None, Bound::Unbounded, Bound::Unbounded)
    }

    /// A LevelDB-style cursor (`seek`, `next`, `prev`, ...) over every live key, as of now.
    /// Unpositioned until a `seek` method; it pins its view until dropped.
    pub fn cursor(&self) -> Result<DbCursor<R>> {
        self.inner.cursor(None, SEEK_WINDOW)
    }

    /// A cursor as of `snapshot`.
    pub fn cursor_at(&self, snapshot: &Snapshot<R>) -> Result<DbCursor<R>> {
        self.inner.cursor(Some(snapshot.seq), SEEK_WINDOW)
    }

    /// An iterator over keys in `range`, as of now; `.rev()` walks it backward.
    pub fn scan(&self, range: impl std::ops::RangeBounds<Vec<u8>>) -> Result<DbIter<R>> {
        self.inner
            .iter(None, bound(range.start_bound()), bound(range.end_bound()))
    }

    /// An iterator over keys in `range`, as of `snapshot`.
    pub fn scan_at(&self, snapshot: &Snapshot<R>, range: impl std::ops::RangeBounds<Vec<u8>>) -> Result<DbIter<R>> {
        self.inner
            .iter(Some(snapshot.seq), bound(range.start_bound()), bound(range.end_bound()))
    }

    /// Takes a snapshot of the current state. Compaction keeps every entry it can see.
    pub fn snapshot(&self) -> Snapshot<R> {
        let mut st = self.inner.vs.lock();
        let seq = st.last_sequence();
        *st.ext.snapshots.entry(seq).or_insert(0) += 1;
        let live = st.ext.snapshots.values().sum();
        self.inner
            .vs
            .env()
            .emit(|| Event::SnapshotTaken { sequence: seq, live });
        Snapshot {
            inner: self.inner.clone(),
            seq,
        }
    }

    /// How many snapshots are registered (taken and not yet dropped).
    pub fn live_snapshots(&self) -> usize {
        self.inner.vs.lock().ext.snapshots.values().sum()
    }
}

fn bound(b: Bound<&Vec<u8>>) -> Bound<&[u8]> {
    b.map(Vec::as_slice)
}

/// A point-in-time view of the database, released on drop.
pub struct Snapshot<R: Runtime = crate::sync::Std> {
    inner: R::Arc<DbInner<R>>,
    seq: u64,
}

impl<R: Runtime> Snapshot<R> {
    /// The sequence number this snapshot reads at.
    pub fn sequence(&self) -> u64 {
        self.seq
    }
}

impl<R: Runtime> Drop for Snapshot<R> {
    fn drop(&mut self) {
        if crate::sync::panicking() {
            return; // see VersionRef's drop: never lock while unwinding
        }
        let mut st = self.inner.vs.lock();
        let oldest = st.ext.snapshots.keys().next() == Some(&self.seq);
        let n = st
            .ext
            .snapshots
            .get_mut(&self.seq)
            .expect("a live snapshot is registered");
        *n -= 1;
        if *n == 0 {
            st.ext.snapshots.remove(&self.seq);
        }
        let (sequence, live) = (self.seq, st.ext.snapshots.values().sum());
        self.inner
            .vs
            .env()
            .emit(|| Event::SnapshotReleased { sequence, oldest, live });
    }
}

impl<R: Runtime> std::fmt::Debug for Snapshot<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Snapshot({})", self.seq)
    }
}
