//! `TableCache`: open tables by file number, with least-recently-used eviction.
//!
//! Entries are evicted when the cache is over capacity and when GC deletes a file. A reader
//! that fetched a table keeps its `R::Arc<Table>`, so eviction never invalidates a reader; the
//! file itself stays on disk because the reader's pinned Version lists it (L6).

use super::Table;
use crate::error::Result;
use crate::fs::Fs;
use crate::sync::{Mutex, Runtime};
use std::collections::HashMap;
use std::path::Path;

struct Slot<R: Runtime> {
    table: R::Arc<Table>,
    used: u64,
}

struct Inner<R: Runtime> {
    tables: HashMap<u64, Slot<R>>,
    clock: u64,
}

/// Open tables, keyed by file number.
pub(crate) struct TableCache<R: Runtime> {
    inner: Mutex<R, Inner<R>>,
    capacity: usize,
}

impl<R: Runtime> std::fmt::Debug for TableCache<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TableCache(capacity {})", self.capacity)
    }
}

impl<R: Runtime> TableCache<R> {
    pub(crate) fn new(capacity: usize) -> Self {
        assert!(capacity > 0, "table cache capacity must be positive");
        TableCache {
            inner: Mutex::new(Inner {
                tables: HashMap::new(),
                clock: 0,
            }),
            capacity,
        }
    }

    /// The open table for `number`, opening `path` if needed. Returns whether it was opened now.
    /// The open (file I/O) runs outside the cache lock, so a miss never stalls other readers;
    /// if two readers miss at once, the first to insert wins and the other's copy is dropped.
    /// Requires: the caller has pinned a Version that lists `number`.
    pub(crate) fn get(&self, fs: &dyn Fs, path: &Path, number: u64) -> Result<(R::Arc<Table>, bool)> {
        if let Some(table) = self.lookup(number) {
            return Ok((table, false));
        }
        let table = R::arc_new(Table::open(fs, path)?);
        let mut inner = self.inner.lock();
        inner.clock += 1;
        let now = inner.clock;
        if let Some(slot) = inner.tables.get_mut(&number) {
            slot.used = now;
            return Ok((slot.table.clone(), false));
        }
        if inner.tables.len() >= self.capacity {
            let oldest = inner.tables.iter().min_by_key(|(_, s)| s.used).map(|(n, _)| *n);
            if let Some(n) = oldest {
                inner.tables.remove(&n);
            }
        }
        inner.tables.insert(
            number,
            Slot {
                table: table.clone(),
                used: now,
            },
        );
        Ok((table, true))
    }

    fn lookup(&self, number: u64) -> Option<R::Arc<Table>> {
        let mut inner = self.inner.lock();
        inner.clock += 1;
        let now = inner.clock;
        let slot = inner.tables.get_mut(&number)?;
        slot.used = now;
        Some(slot.table.clone())
    }

    /// Forgets `number` (its file is being deleted).
    pub(crate) fn evict(&self, number: u64) {
        self.inner.lock().tables.remove(&number);
    }
}
