//! `TableIter`: a cursor over one table. It holds one block's bytes (shared with the block
//! cache) and where each entry starts, and decodes only the entry under the cursor, into a
//! buffer it reuses: a step allocates nothing once the buffers have grown.

use super::block::{cmp_key, entry_at, entry_starts};
use super::Table;
use crate::error::Result;
use crate::iter::InternalIter;
use crate::key::{Entry, InternalKey, Kind};
use crate::sync::Runtime;
use std::cmp::Ordering;

/// A cursor over one table. Invalid when `pos` is past `starts`.
pub(crate) struct TableIter<R: Runtime> {
    table: R::Arc<Table<R>>,
    /// The index of the block in `body`.
    at_block: usize,
    body: Option<R::Arc<Vec<u8>>>,
    starts: Vec<u32>,
    pos: usize,
    /// The entry at `pos`, decoded.
    current: Entry,
}

impl<R: Runtime> TableIter<R> {
    /// An unpositioned cursor over `table`.
    pub(crate) fn new(table: R::Arc<Table<R>>) -> Self {
        TableIter {
            table,
            at_block: 0,
            body: None,
            starts: Vec::new(),
            pos: 0,
            current: Entry {
                key: InternalKey::new(Vec::new(), 0, Kind::Put),
                value: Vec::new(),
            },
        }
    }

    /// Loads block `i` (or becomes invalid if there is none) and sits on entry
    /// `pos(body, starts)`.
    fn load(&mut self, i: Option<usize>, pos: impl FnOnce(&[u8], &[u32]) -> usize) -> Result<()> {
        self.starts.clear();
        self.body = None;
        let Some(i) = i.filter(|&i| i < self.table.blocks()) else {
            return Ok(());
        };
        let body = self.table.block_body(i)?;
        self.starts = entry_starts(&body).map_err(|e| self.table.corruption(i, e))?;
        self.pos = pos(&body, &self.starts);
        (self.at_block, self.body) = (i, Some(body));
        self.decode();
        Ok(())
    }

    /// Decodes the entry at `pos` into `current`, if the cursor is on one.
    fn decode(&mut self) {
        let (Some(body), Some(&start)) = (&self.body, self.starts.get(self.pos)) else {
            return;
        };
        let (k, v) = entry_at(body, start);
        assert!(self.current.key.decode_into(k), "entry_starts checked the key");
        self.current.value.clear();
        self.current.value.extend_from_slice(v);
    }

    /// From a position past the end of the block, the first entry of the next block.
    fn skip_forward(&mut self) -> Result<()> {
        while self.body.is_some() && self.pos == self.starts.len() {
            self.load(Some(self.at_block + 1), |_, _| 0)?;
        }
        Ok(())
    }
}

impl<R: Runtime> InternalIter for TableIter<R> {
    fn valid(&self) -> bool {
        self.pos < self.starts.len()
    }

    fn seek(&mut self, target: &InternalKey) -> Result<()> {
        let i = self.table.block_for(target);
        let first_not_less = |body: &[u8], starts: &[u32]| {
            starts.partition_point(|&s| cmp_key(entry_at(body, s).0, target) == Ordering::Less)
        };
        self.load(Some(i), first_not_less)?;
        self.skip_forward()
    }

    fn seek_to_first(&mut self) -> Result<()> {
        self.load(Some(0), |_, _| 0)?;
        self.skip_forward()
    }

    fn seek_to_last(&mut self) -> Result<()> {
        self.load(self.table.blocks().checked_sub(1), |_, s| s.len().saturating_sub(1))
    }

    fn next(&mut self) -> Result<()> {
        assert!(self.valid(), "next on an invalid table cursor");
        self.pos += 1;
        self.decode();
        self.skip_forward()
    }

    fn prev(&mut self) -> Result<()> {
        assert!(self.valid(), "prev on an invalid table cursor");
        if self.pos > 0 {
            self.pos -= 1;
            self.decode();
            return Ok(());
        }
        self.load(self.at_block.checked_sub(1), |_, s| s.len().saturating_sub(1))
    }

    fn entry(&self) -> &Entry {
        assert!(self.valid(), "entry of an invalid table cursor");
        &self.current
    }

    fn fresh(&self) -> Box<dyn InternalIter> {
        Box::new(TableIter::<R>::new(self.table.clone()))
    }
}
