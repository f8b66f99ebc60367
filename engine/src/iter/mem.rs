//! `MemIter`: iterates a memtable a batch at a time, so a reader never holds its lock long.

use super::InternalIter;
use crate::error::Result;
use crate::key::{Entry, InternalKey};
use crate::memtable::Memtable;
use crate::sync::Runtime;
use std::collections::VecDeque;

const BATCH: usize = 64;

/// Iterates a (possibly still growing) memtable from `start`. Entries inserted after the
/// reader pinned its sequence carry larger sequences and are filtered out by the reader.
pub(crate) struct MemIter<R: Runtime> {
    mem: R::Arc<Memtable<R>>,
    start: InternalKey,
    last: Option<InternalKey>,
    buf: VecDeque<Entry>,
    done: bool,
}

impl<R: Runtime> MemIter<R> {
    pub(crate) fn new(mem: R::Arc<Memtable<R>>, start: InternalKey) -> Self {
        MemIter {
            mem,
            start,
            last: None,
            buf: VecDeque::new(),
            done: false,
        }
    }
}

impl<R: Runtime> InternalIter for MemIter<R> {
    fn next_entry(&mut self) -> Result<Option<Entry>> {
        if self.buf.is_empty() && !self.done {
            self.buf = self.mem.batch_after(self.last.as_ref(), &self.start, BATCH).into();
            self.done = self.buf.len() < BATCH;
            self.last = self.buf.back().map(|e| e.key.clone());
        }
        Ok(self.buf.pop_front())
    }
}
