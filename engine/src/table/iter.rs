//! `TableIter`: a cursor over one table, holding one decoded data block at a time.

use super::Table;
use crate::error::Result;
use crate::iter::InternalIter;
use crate::key::{Entry, InternalKey};
use crate::sync::Runtime;

/// A cursor over one table. Invalid when `block` is empty.
pub(crate) struct TableIter<R: Runtime> {
    table: R::Arc<Table<R>>,
    /// The index of the decoded block in `block`.
    at_block: usize,
    block: Vec<Entry>,
    pos: usize,
}

impl<R: Runtime> TableIter<R> {
    /// An unpositioned cursor over `table`.
    pub(crate) fn new(table: R::Arc<Table<R>>) -> Self {
        TableIter {
            table,
            at_block: 0,
            block: Vec::new(),
            pos: 0,
        }
    }

    /// Decodes block `i` (or becomes invalid if there is none) and sits on entry `pos(len)`.
    fn load(&mut self, i: Option<usize>, pos: impl FnOnce(&[Entry]) -> usize) -> Result<()> {
        self.block.clear();
        let Some(i) = i.filter(|&i| i < self.table.blocks()) else {
            return Ok(());
        };
        self.block = self.table.read_block(i)?;
        self.at_block = i;
        self.pos = pos(&self.block);
        Ok(())
    }

    /// From a position past the end of the block, the first entry of the next block.
    fn skip_forward(&mut self) -> Result<()> {
        while !self.block.is_empty() && self.pos == self.block.len() {
            self.load(Some(self.at_block + 1), |_| 0)?;
        }
        Ok(())
    }
}

impl<R: Runtime> InternalIter for TableIter<R> {
    fn valid(&self) -> bool {
        self.pos < self.block.len()
    }

    fn seek(&mut self, target: &InternalKey) -> Result<()> {
        let i = self.table.block_for(target);
        self.load(Some(i), |b| b.partition_point(|e| &e.key < target))?;
        self.skip_forward()
    }

    fn seek_to_first(&mut self) -> Result<()> {
        self.load(Some(0), |_| 0)?;
        self.skip_forward()
    }

    fn seek_to_last(&mut self) -> Result<()> {
        self.load(self.table.blocks().checked_sub(1), |b| b.len().saturating_sub(1))
    }

    fn next(&mut self) -> Result<()> {
        assert!(self.valid(), "next on an invalid table cursor");
        self.pos += 1;
        self.skip_forward()
    }

    fn prev(&mut self) -> Result<()> {
        assert!(self.valid(), "prev on an invalid table cursor");
        if self.pos > 0 {
            self.pos -= 1;
            return Ok(());
        }
        self.load(self.at_block.checked_sub(1), |b| b.len().saturating_sub(1))
    }

    fn entry(&self) -> &Entry {
        &self.block[self.pos]
    }

    fn fresh(&self) -> Box<dyn InternalIter> {
        Box::new(TableIter::<R>::new(self.table.clone()))
    }
}
