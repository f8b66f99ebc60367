//! Writing new tables: the one protocol every flush and compaction output follows.
//!
//! A table's number is registered as a pending output before its file exists (I7), the file is
//! created and announced, filled, finished, synced, and then opened again and checked before any
//! MANIFEST edit may name it (LevelDB's `BuildTable` does the same read-back): a table written
//! short by a failing disk is an error here, never an installed table with missing keys.

use super::DbInner;
use crate::error::{Error, Result};
use crate::events::{Event, FileKind};
use crate::filename;
use crate::iter::{Forward, MemIter};

use crate::memtable::Memtable;
use crate::mutants::Mutant;
use crate::sync::Runtime;
use crate::table::{Table, TableBuilder};
use crate::version::FileMeta;

impl<R: Runtime> DbInner<R> {
    /// Writes `mem` to a new table and returns its metadata, or `None` if `mem` is empty.
    /// The table's number is pushed to `pending`; the caller releases it when the table is
    /// installed or abandoned.
    pub(crate) fn write_level0(&self, mem: &R::Arc<Memtable<R>>, pending: &mut Vec<u64>) -> Result<Option<FileMeta>> {
        if mem.is_empty() {
            return Ok(None);
        }
        let (number, mut b) = self.new_table(pending)?;
        let mut it = Forward::from_first(MemIter::<R>::new(mem.clone(), crate::iter::WINDOW));
        while let Some(e) = it.next_entry()? {
            b.add(&e.key, &e.value)?;
        }
        self.seal_table(number, b).map(Some)
    }

    /// Starts a new table: takes a file number, registers it as a pending output *before* the
    /// file exists (I7) and pushes it to `pending` (the numbers the caller must release when
    /// its job installs or fails), creates the file and announces it. Every flush and
    /// compaction output starts here.
    pub(crate) fn new_table(&self, pending: &mut Vec<u64>) -> Result<(u64, TableBuilder)> {
        let number = {
            let mut st = self.vs.lock();
            let n = st.new_file_number();
            if self.vs.options().mutated(Mutant::OutputNotPending) {
                // Mutant M24: the output is never registered, so GC may delete it while written.
            } else {
                st.add_pending_output(n);
                pending.push(n);
            }
            n
        };
        let path = filename::path(self.vs.dir(), FileKind::Table, number);
        let b = TableBuilder::create(&*self.vs.env().fs, &path, self.opts.block_size, self.opts.compression)?;
        self.vs.env().emit(|| Event::FileCreated {
            kind: FileKind::Table,
            number,
        });
        Ok((number, b))
    }

    /// Finishes and syncs table `number`, then reads it back: it must open (footer, index and
    /// filter checksums) and have exactly the size written. Only then may an edit name it.
    pub(crate) fn seal_table(&self, number: u64, mut b: TableBuilder) -> Result<FileMeta> {
        let t = b.finish()?;
        assert!(
            t.smallest <= t.largest,
            "table {number}'s keys were added in order, so its range is ordered"
        );
        if self.vs.options().mutated(Mutant::TableNotSynced) {
            // Durability mutant: the table is named by the MANIFEST with its data unsynced.
        } else {
            b.sync()?;
        }
        drop(b);
        let path = filename::path(self.vs.dir(), FileKind::Table, number);
        let table = Table::<R>::open(&*self.vs.env().fs, &path, None)?;
        if table.size() != t.size {
            return Err(Error::corruption(
                &path,
                table.size(),
                format!("new table reads back {} bytes, {} were written", table.size(), t.size),
            ));
        }
        Ok(FileMeta {
            number,
            size: t.size,
            smallest: t.smallest,
            largest: t.largest,
        })
    }
}
