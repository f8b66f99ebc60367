//! `LevelIter`: a cursor over a sorted, non-overlapping run of table files, opening each one
//! only when the cursor reaches it (LevelDB's two-level iterator).
//!
//! The file list is a copy taken from the pinned Version, never an index into `current`, so a
//! compaction installing a new Version cannot make the cursor skip or repeat files. The lazy
//! open is safe only because the reader's pin keeps every listed file on disk (I6).

use super::InternalIter;
use crate::error::Result;
use crate::key::{Entry, InternalKey};
use crate::sync::Runtime;
use crate::table::TableIter;
use crate::version::FileMeta;

/// Opens tables on behalf of a reader of one pinned Version.
pub(crate) trait TableOpener<R: Runtime>: Send + Clone + 'static {
    /// Opens (or fetches from the cache) table `file`, recording the read against the pin.
    fn open(&self, file: &FileMeta) -> Result<R::Arc<crate::table::Table<R>>>;
}

/// A cursor over `files` (sorted, disjoint). Invalid when `current` is `None` or invalid.
pub(crate) struct LevelIter<R: Runtime, O: TableOpener<R>> {
    opener: O,
    files: Vec<FileMeta>,
    /// The index in `files` of the table `current` reads.
    at_file: usize,
    current: Option<TableIter<R>>,
}

impl<R: Runtime, O: TableOpener<R>> LevelIter<R, O> {
    /// An unpositioned cursor; no file is opened until it moves.
    pub(crate) fn new(opener: O, files: Vec<FileMeta>) -> Self {
        debug_assert!(
            files.windows(2).all(|w| w[0].largest.user < w[1].smallest.user),
            "O8: a level cursor's files are sorted with no user key in two files"
        );
        LevelIter {
            opener,
            files,
            at_file: 0,
            current: None,
        }
    }

    /// Opens file `i` (or becomes invalid if there is none).
    fn open(&mut self, i: Option<usize>) -> Result<Option<&mut TableIter<R>>> {
        self.current = None;
        let Some(file) = i.and_then(|i| self.files.get(i)) else {
            return Ok(None);
        };
        let table = self.opener.open(file)?;
        self.at_file = i.expect("checked");
        Ok(Some(self.current.insert(TableIter::new(table))))
    }

    /// While the current table is exhausted, moves to the first entry of the next file.
    fn skip_forward(&mut self) -> Result<()> {
        while self.current.as_ref().is_some_and(|t| !t.valid()) {
            if let Some(t) = self.open(Some(self.at_file + 1))? {
                t.seek_to_first()?;
            }
        }
        Ok(())
    }

    /// While the current table is exhausted, moves to the last entry of the previous file.
    fn skip_backward(&mut self) -> Result<()> {
        while self.current.as_ref().is_some_and(|t| !t.valid()) {
            if let Some(t) = self.open(self.at_file.checked_sub(1))? {
                t.seek_to_last()?;
            }
        }
        Ok(())
    }

    fn current(&mut self) -> &mut TableIter<R> {
        self.current.as_mut().expect("a valid level cursor has a table")
    }
}

impl<R: Runtime, O: TableOpener<R>> InternalIter for LevelIter<R, O> {
    fn valid(&self) -> bool {
        self.current.as_ref().is_some_and(|t| t.valid())
    }

    fn seek(&mut self, target: &InternalKey) -> Result<()> {
        let i = self.files.partition_point(|f| &f.largest < target);
        if let Some(t) = self.open(Some(i))? {
            t.seek(target)?;
        }
        self.skip_forward()
    }

    fn seek_to_first(&mut self) -> Result<()> {
        if let Some(t) = self.open(Some(0))? {
            t.seek_to_first()?;
        }
        self.skip_forward()
    }

    fn seek_to_last(&mut self) -> Result<()> {
        if let Some(t) = self.open(self.files.len().checked_sub(1))? {
            t.seek_to_last()?;
        }
        self.skip_backward()
    }

    fn next(&mut self) -> Result<()> {
        assert!(self.valid(), "next on an invalid level cursor");
        self.current().next()?;
        self.skip_forward()
    }

    fn prev(&mut self) -> Result<()> {
        assert!(self.valid(), "prev on an invalid level cursor");
        self.current().prev()?;
        self.skip_backward()
    }

    fn entry(&self) -> &Entry {
        self.current.as_ref().expect("a valid level cursor has a table").entry()
    }

    fn fresh(&self) -> Box<dyn InternalIter> {
        Box::new(LevelIter::<R, O>::new(self.opener.clone(), self.files.clone()))
    }
}
