//! `TableCache`: open tables by file number, with least-recently-used eviction.
//!
//! Entries are evicted when the cache is over capacity and when GC deletes a file. A reader
//! that fetched a table keeps its `R::Arc<Table<R>>`, so eviction never invalidates a reader; the
//! file itself stays on disk because the reader's pinned Version lists it (I6).

use super::{BlockCache, Table};
use crate::error::Result;
use crate::events::FileKind;
use crate::filename;
use crate::fs::Fs;
use crate::sync::{Mutex, Runtime};
use std::collections::HashMap;
use std::path::Path;

struct Slot<R: Runtime> {
    table: R::Arc<Table<R>>,
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
    /// Every table it opens reads its data blocks through this cache.
    blocks: R::Arc<BlockCache<R>>,
}

impl<R: Runtime> std::fmt::Debug for TableCache<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TableCache(capacity {})", self.capacity)
    }
}

impl<R: Runtime> TableCache<R> {
    /// A cache of `capacity` open tables sharing a block cache of `block_bytes`.
    pub(crate) fn new(capacity: usize, block_bytes: u64) -> Self {
        assert!(capacity > 0, "table cache capacity must be positive");
        TableCache {
            inner: Mutex::new(Inner {
                tables: HashMap::new(),
                clock: 0,
            }),
            capacity,
            blocks: R::arc_new(BlockCache::new(block_bytes)),
        }
    }

    /// The open table for `number`, opening `path` if needed. Returns whether it was opened now.
    /// The open (file I/O) runs outside the cache lock, so a miss never stalls other readers;
    /// if two readers miss at once, the first to insert wins and the other's copy is dropped.
    /// Requires: the caller has pinned a Version that lists `number`.
    pub(crate) fn get(&self, fs: &dyn Fs, path: &Path, number: u64) -> Result<(R::Arc<Table<R>>, bool)> {
        debug_assert_eq!(
            path.file_name().and_then(|n| n.to_str()).and_then(filename::parse),
            Some((FileKind::Table, number)),
            "the cache is keyed by file number: {} must be table {number}'s path",
            path.display()
        );
        if let Some(table) = self.lookup(number) {
            return Ok((table, false));
        }
        let table = R::arc_new(Table::open(fs, path, Some((self.blocks.clone(), number)))?);
        let mut inner = self.inner.lock();
        inner.clock += 1;
        let now = inner.clock;
        if let Some(slot) = inner.tables.get_mut(&number) {
            slot.used = now;
            assert_eq!(
                slot.table.number(),
                Some(number),
                "a table-cache entry is the table asked for"
            );
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
        assert!(
            inner.tables.len() <= self.capacity,
            "the table cache holds at most {} tables",
            self.capacity
        );
        Ok((table, true))
    }

    fn lookup(&self, number: u64) -> Option<R::Arc<Table<R>>> {
        let mut inner = self.inner.lock();
        inner.clock += 1;
        let now = inner.clock;
        let slot = inner.tables.get_mut(&number)?;
        slot.used = now;
        assert_eq!(
            slot.table.number(),
            Some(number),
            "a table-cache entry is the table asked for"
        );
        Some(slot.table.clone())
    }

    /// Forgets `number` (its file is being deleted).
    pub(crate) fn evict(&self, number: u64) {
        self.inner.lock().tables.remove(&number);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fs::MemFs;
    use crate::key::{InternalKey, Kind};
    use crate::sync::Std;
    use crate::table::TableBuilder;
    use std::path::PathBuf;

    fn write_table(fs: &MemFs<Std>, number: u64) -> PathBuf {
        let path = PathBuf::from(format!("/t/{number:06}.sst"));
        let mut b = TableBuilder::create(fs, &path, 256, Default::default()).expect("create");
        b.add(&InternalKey::new(b"k".to_vec(), number, Kind::Put), b"v")
            .expect("add");
        b.finish().expect("finish");
        b.sync().expect("sync");
        path
    }

    #[test]
    fn a_table_is_opened_once_and_again_only_after_eviction() {
        let fs = MemFs::<Std>::new();
        fs.create_dir_all(Path::new("/t")).expect("mkdir");
        let p = write_table(&fs, 7);
        let cache = TableCache::<Std>::new(4, 0);
        assert!(cache.get(&fs, &p, 7).expect("open").1, "a miss opens");
        assert!(!cache.get(&fs, &p, 7).expect("hit").1, "a hit does not");
        fs.remove(&p).expect("unlink");
        assert!(!cache.get(&fs, &p, 7).expect("a hit reads no file").1);
        let p = write_table(&fs, 7);
        cache.evict(7);
        assert!(cache.get(&fs, &p, 7).expect("reopen").1, "evicted: opened again");
    }

    #[test]
    fn the_least_recently_used_table_goes_first_and_held_tables_stay_usable() {
        let fs = MemFs::<Std>::new();
        fs.create_dir_all(Path::new("/t")).expect("mkdir");
        let (p1, p2, p3) = (write_table(&fs, 1), write_table(&fs, 2), write_table(&fs, 3));
        let cache = TableCache::<Std>::new(2, 0);
        let (held, _) = cache.get(&fs, &p1, 1).expect("1");
        cache.get(&fs, &p2, 2).expect("2");
        cache.get(&fs, &p1, 1).expect("1 again: now 2 is the oldest");
        cache.get(&fs, &p3, 3).expect("3 evicts 2");
        assert!(!cache.get(&fs, &p1, 1).expect("1").1, "1 stayed");
        assert!(cache.get(&fs, &p2, 2).expect("2").1, "2 was evicted");
        assert!(held.size() > 0, "a reader's Arc outlives eviction");
    }

    /// A table just opened is the most recently used one, newer than the table hit just
    /// before it: with two slots, after hitting X and opening Z, opening W evicts X, never Z.
    #[test]
    fn a_newly_opened_table_counts_as_the_most_recently_used() {
        let fs = MemFs::<Std>::new();
        fs.create_dir_all(Path::new("/t")).expect("mkdir");
        let cache = TableCache::<Std>::new(2, 0);
        for round in 0..40u64 {
            let [x, y, z, w] = [0, 1, 2, 3].map(|i| 4 * round + i);
            let open = |n: u64| cache.get(&fs, &write_table(&fs, n), n).expect("table").1;
            assert!(open(x) && open(y), "new tables are opened");
            assert!(!open(x), "x is cached");
            assert!(open(z), "z evicts y");
            assert!(open(w), "w evicts x, the least recently used");
            assert!(!open(z), "round {round}: z, opened after x was hit, stayed");
        }
    }

    #[test]
    fn a_missing_table_is_an_error_naming_the_file_not_a_cache_entry() {
        let fs = MemFs::<Std>::new();
        let cache = TableCache::<Std>::new(2, 0);
        let e = cache.get(&fs, Path::new("/t/000009.sst"), 9).expect_err("no such file");
        assert!(e.to_string().contains("000009.sst"), "{e}");
        assert!(cache.lookup(9).is_none());
    }
}
