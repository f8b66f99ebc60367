//! `DbCursor`: LevelDB's user-facing iterator. A cursor over the pinned view (memtables and
//! every level) at one sequence: `seek`, `seek_to_first`, `seek_to_last`, `next`, `prev`,
//! `valid`, `key`, `value`, `status`. It hides entries newer than its sequence, keeps the newest
//! visible entry per user key and skips tombstones.
//!
//! Moving forward, the merged cursor sits on the entry that produced `key()`; moving backward,
//! just before every entry of `key()` (LevelDB's `DBIter` keeps the same two states).

use crate::error::{Error, Result};
use crate::iter::{InternalIter, MergingIter};
use crate::key::{InternalKey, Kind};
use crate::sync::Runtime;
use std::marker::PhantomData;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Direction {
    Forward,
    Reverse,
}

/// A cursor over every live key at one sequence. Its level cursors each hold a reference to
/// the pinned Version, so the Version's files stay until it is dropped. A new cursor is
/// unpositioned (invalid) until one of the `seek` methods.
pub struct DbCursor<R: Runtime = crate::sync::Std> {
    seq: u64,
    version_id: u64,
    merge: MergingIter,
    direction: Direction,
    valid: bool,
    key: Vec<u8>,
    value: Vec<u8>,
    /// The user key whose entries a forward move skips (the previous key, or a deleted one);
    /// a buffer of its own so that steps reuse memory instead of allocating.
    skip: Vec<u8>,
    status: Option<Error>,
    _runtime: PhantomData<R>,
}

impl<R: Runtime> DbCursor<R> {
    /// A cursor over `merge` (the view's memtables and levels, newest first) at `seq`.
    pub(crate) fn new(seq: u64, version_id: u64, merge: MergingIter) -> Self {
        DbCursor {
            seq,
            version_id,
            merge,
            direction: Direction::Forward,
            valid: false,
            key: Vec::new(),
            value: Vec::new(),
            skip: Vec::new(),
            status: None,
            _runtime: PhantomData,
        }
    }

    /// Another unpositioned cursor over the same view, holding its own pins.
    pub(crate) fn sibling(&self) -> Self {
        DbCursor::new(self.seq, self.version_id, self.merge.fresh_merge())
    }

    /// The sequence number this cursor reads at.
    pub fn sequence(&self) -> u64 {
        self.seq
    }

    /// The id of the Version it pinned.
    pub fn version_id(&self) -> u64 {
        self.version_id
    }

    /// True if the cursor is on a key.
    pub fn valid(&self) -> bool {
        self.valid
    }

    /// The key under the cursor. Panics unless `valid()`.
    pub fn key(&self) -> &[u8] {
        assert!(self.valid, "key() on an invalid cursor");
        &self.key
    }

    /// The value under the cursor. Panics unless `valid()`.
    pub fn value(&self) -> &[u8] {
        assert!(self.valid, "value() on an invalid cursor");
        &self.value
    }

    /// The error that made the cursor invalid, if a move failed; `Ok` otherwise.
    pub fn status(&self) -> Result<()> {
        self.status.as_ref().map_or(Ok(()), |e| Err(e.duplicate()))
    }

    /// Moves to the first key.
    pub fn seek_to_first(&mut self) -> Result<()> {
        self.moving(|c| {
            c.merge.seek_to_first()?;
            c.find_next(false)
        })
    }

    /// Moves to the last key.
    pub fn seek_to_last(&mut self) -> Result<()> {
        self.moving(|c| {
            c.merge.seek_to_last()?;
            c.find_prev()
        })
    }

    /// Moves to the first key `>= key`.
    pub fn seek(&mut self, key: &[u8]) -> Result<()> {
        self.moving(|c| {
            c.merge.seek(&InternalKey::seek_target(key, c.seq))?;
            c.find_next(false)
        })
    }

    /// Moves to the last key `<= key` (RocksDB's `SeekForPrev`).
    pub fn seek_for_prev(&mut self, key: &[u8]) -> Result<()> {
        self.seek(key)?;
        if !self.valid {
            return self.seek_to_last();
        }
        if self.key.as_slice() > key {
            return self.prev();
        }
        Ok(())
    }

    /// Moves to the next key. Panics unless `valid()`.
    #[allow(clippy::should_implement_trait)] // LevelDB's name for a move; `DbIter` is the Iterator
    pub fn next(&mut self) -> Result<()> {
        assert!(self.valid, "next() on an invalid cursor");
        self.moving(|c| {
            if c.direction == Direction::Reverse {
                // The merged cursor is just before `key`'s entries: step into them.
                if c.merge.valid() {
                    c.merge.next()?;
                } else {
                    c.merge.seek_to_first()?;
                }
            }
            std::mem::swap(&mut c.key, &mut c.skip);
            c.find_next(true)
        })
    }

    /// Moves to the previous key. Panics unless `valid()`.
    pub fn prev(&mut self) -> Result<()> {
        assert!(self.valid, "prev() on an invalid cursor");
        self.moving(|c| {
            if c.direction == Direction::Forward {
                // The merged cursor is on `key`'s entry: step back before all of `key`'s entries.
                loop {
                    c.merge.prev()?;
                    if !c.merge.valid() || c.merge.entry().key.user < c.key {
                        break;
                    }
                }
            }
            c.find_prev()
        })
    }

    /// Runs a move; a failed move leaves the cursor invalid with the error as its status.
    fn moving(&mut self, f: impl FnOnce(&mut Self) -> Result<()>) -> Result<()> {
        self.status = None;
        f(self).inspect_err(|e| {
            self.valid = false;
            self.status = Some(e.duplicate());
        })
    }

    /// From the merged cursor's position forward: the first visible value whose user key is
    /// not `self.skip` (if `skipping`), skipping keys whose newest visible entry is a tombstone.
    fn find_next(&mut self, mut skipping: bool) -> Result<()> {
        self.direction = Direction::Forward;
        self.valid = false;
        while self.merge.valid() {
            let e = self.merge.entry();
            if e.key.seq <= self.seq && !(skipping && self.skip == e.key.user) {
                match e.key.kind {
                    Kind::Delete => {
                        self.skip.clone_from(&e.key.user);
                        skipping = true;
                    }
                    Kind::Put => {
                        self.key.clone_from(&e.key.user);
                        self.value.clone_from(&e.value);
                        self.valid = true;
                        return Ok(());
                    }
                }
            }
            self.merge.next()?;
        }
        Ok(())
    }

    /// From the merged cursor's position backward: the last user key whose newest visible
    /// entry is a value. Ends with the merged cursor just before that key's entries.
    fn find_prev(&mut self) -> Result<()> {
        self.direction = Direction::Reverse;
        let mut newest = Kind::Delete; // the newest visible kind of the key being assembled
        while self.merge.valid() {
            let e = self.merge.entry();
            if e.key.seq <= self.seq {
                if newest == Kind::Put && e.key.user < self.key {
                    break; // `self.key` is complete
                }
                newest = e.key.kind;
                if newest == Kind::Put {
                    self.key.clone_from(&e.key.user);
                    self.value.clone_from(&e.value);
                }
            }
            self.merge.prev()?;
        }
        self.valid = newest == Kind::Put;
        Ok(())
    }
}

impl<R: Runtime> std::fmt::Debug for DbCursor<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DbCursor(seq {}, version {})", self.seq, self.version_id)
    }
}
