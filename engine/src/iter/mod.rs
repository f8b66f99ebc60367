//! Internal iterators: streams of entries in internal-key order, from a start key.
//!
//! Sources are the memtable ([`MemIter`]), one level's files opened lazily as the cursor reaches
//! them ([`LevelIter`]), and a k-way merge of those ([`MergingIter`]). The user-facing iterator
//! (`DbIter`) filters the merged stream by its pinned sequence.

mod level;
mod mem;
mod merge;

pub(crate) use level::{LevelIter, TableOpener};
pub(crate) use mem::MemIter;
pub(crate) use merge::MergingIter;

use crate::error::Result;
use crate::key::Entry;

/// A forward stream of entries in internal-key order.
pub(crate) trait InternalIter: Send {
    /// The next entry, or `None` at the end.
    fn next_entry(&mut self) -> Result<Option<Entry>>;
}
