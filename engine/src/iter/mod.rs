//! Internal iterators: positioned cursors over entries in internal-key order, movable both ways.
//!
//! The interface is LevelDB's internal `Iterator`: `seek`, `seek_to_first`, `seek_to_last`,
//! `next`, `prev`, `valid`, and the entry under the cursor. Sources are the memtable
//! ([`MemIter`]), one level's files opened lazily as the cursor reaches them ([`LevelIter`]),
//! and a merge of those ([`MergingIter`]). The user-facing cursor (`DbCursor`) filters the
//! merged stream by its pinned sequence; flush, compaction and repair read forward through
//! [`Forward`].

mod level;
mod mem;
mod merge;
#[cfg(test)]
mod tests;

pub(crate) use level::{LevelIter, TableOpener};
pub(crate) use mem::{MemIter, WINDOW};
pub(crate) use merge::MergingIter;

use crate::error::Result;
use crate::key::{Entry, InternalKey};

/// A cursor over entries in internal-key order. A move that fails returns the error and leaves
/// the cursor invalid.
pub(crate) trait InternalIter: Send {
    /// True if the cursor is on an entry.
    fn valid(&self) -> bool;
    /// Moves to the first entry `>= target`.
    fn seek(&mut self, target: &InternalKey) -> Result<()>;
    /// Moves to the first entry.
    fn seek_to_first(&mut self) -> Result<()>;
    /// Moves to the last entry.
    fn seek_to_last(&mut self) -> Result<()>;
    /// Moves to the next entry. Requires: `valid()`.
    fn next(&mut self) -> Result<()>;
    /// Moves to the previous entry. Requires: `valid()`.
    fn prev(&mut self) -> Result<()>;
    /// The entry under the cursor. Requires: `valid()`.
    fn entry(&self) -> &Entry;
    /// A new, unpositioned cursor over the same source (and the same pins).
    fn fresh(&self) -> Box<dyn InternalIter>;
}

/// Reads a cursor forward from `start` as a stream of owned entries: what flush, compaction
/// and repair need.
pub(crate) struct Forward<I: InternalIter> {
    it: I,
    start: Option<InternalKey>,
}

impl<I: InternalIter> Forward<I> {
    /// Reads `it` from its first entry.
    pub(crate) fn from_first(it: I) -> Self {
        Forward {
            it,
            start: Some(InternalKey::seek_target(&[], crate::key::MAX_SEQUENCE)),
        }
    }

    /// The next entry, or `None` at the end.
    pub(crate) fn next_entry(&mut self) -> Result<Option<Entry>> {
        if let Some(start) = self.start.take() {
            self.it.seek(&start)?;
        } else if self.it.valid() {
            self.it.next()?;
        }
        Ok(self.it.valid().then(|| self.it.entry().clone()))
    }
}
