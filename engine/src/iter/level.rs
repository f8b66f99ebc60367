//! `LevelIter`: concatenates a sorted, non-overlapping run of table files, opening each one
//! only when the cursor reaches it (LevelDB's two-level iterator).
//!
//! The file list is a copy taken from the pinned Version, never an index into `current`, so a
//! compaction installing a new Version cannot make the iterator skip or repeat files. The lazy
//! open is safe only because the reader's pin keeps every listed file on disk (L6).

use super::InternalIter;
use crate::error::Result;
use crate::key::{Entry, InternalKey};
use crate::sync::Runtime;
use crate::table::TableIter;
use crate::version::FileMeta;

/// Opens tables on behalf of a reader of one pinned Version.
pub(crate) trait TableOpener<R: Runtime>: Send {
    /// Opens (or fetches from the cache) table `file`, recording the read against the pin.
    fn open(&self, file: &FileMeta) -> Result<R::Arc<crate::table::Table>>;
}

/// Iterates `files` (sorted, disjoint) from `start`.
pub(crate) struct LevelIter<R: Runtime, O: TableOpener<R>> {
    opener: O,
    files: Vec<FileMeta>,
    next_file: usize,
    current: Option<TableIter<R>>,
    start: InternalKey,
}

impl<R: Runtime, O: TableOpener<R>> LevelIter<R, O> {
    pub(crate) fn new(opener: O, files: Vec<FileMeta>, start: InternalKey) -> Self {
        let next_file = files.partition_point(|f| f.largest < start);
        LevelIter {
            opener,
            files,
            next_file,
            current: None,
            start,
        }
    }
}

impl<R: Runtime, O: TableOpener<R>> InternalIter for LevelIter<R, O> {
    fn next_entry(&mut self) -> Result<Option<Entry>> {
        loop {
            if let Some(it) = &mut self.current {
                if let Some(e) = it.next_entry()? {
                    return Ok(Some(e));
                }
                self.current = None;
            }
            let Some(file) = self.files.get(self.next_file) else {
                return Ok(None);
            };
            self.next_file += 1;
            let table = self.opener.open(file)?;
            self.current = Some(TableIter::new(table, self.start.clone()));
        }
    }
}
