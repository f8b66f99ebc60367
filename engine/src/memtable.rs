//! The memtable: a sorted in-memory map of internal keys, shared by the writer and readers.
//!
//! Writers insert under the memtable's own lock (writers are already serialized by the DB's
//! writer lock). Readers look up or scan under the same lock, filtering by the sequence they
//! pinned, so entries inserted after the pin are invisible: an iterator over a growing memtable
//! still sees one point in time.

use crate::key::{Entry, InternalKey, Kind};
use crate::sync::{AtomicU64, Mutex, Ordering, Runtime};
use std::collections::BTreeMap;
use std::ops::Bound;

/// A memtable. Shared as `R::Arc<Memtable<R>>` by the DB state and read views.
#[derive(Debug)]
pub struct Memtable<R: Runtime> {
    map: Mutex<R, BTreeMap<InternalKey, Vec<u8>>>,
    /// Approximate bytes held. Relaxed: a size hint read to decide when to switch memtables,
    /// under the writer lock that serializes every update.
    bytes: AtomicU64<R>,
}

/// What a lookup found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lookup {
    /// The newest visible entry is a value.
    Value(Vec<u8>),
    /// The newest visible entry is a tombstone.
    Deleted,
    /// No visible entry here; look further down.
    Absent,
}

impl<R: Runtime> Memtable<R> {
    /// An empty memtable.
    pub fn new() -> Self {
        Memtable {
            map: Mutex::new(BTreeMap::new()),
            bytes: AtomicU64::new(0),
        }
    }

    /// Inserts one entry. Requires: the DB writer lock (sequences are assigned in order).
    pub fn insert(&self, key: InternalKey, value: Vec<u8>) {
        let size = (key.user.len() + value.len() + 24) as u64;
        let old = self.map.lock().insert(key, value);
        assert!(old.is_none(), "memtable entry inserted twice (sequence reused)");
        self.bytes.fetch_add(size, Ordering::Relaxed);
    }

    /// Approximate memory used, in bytes.
    pub fn approximate_bytes(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }

    /// True if nothing was inserted.
    pub fn is_empty(&self) -> bool {
        self.map.lock().is_empty()
    }

    /// The newest entry for `user` with sequence `<= seq`.
    pub fn get(&self, user: &[u8], seq: u64) -> Lookup {
        let target = InternalKey::seek_target(user, seq);
        let map = self.map.lock();
        match map.range(target..).next() {
            Some((k, v)) if k.user == user => match k.kind {
                Kind::Put => Lookup::Value(v.clone()),
                Kind::Delete => Lookup::Deleted,
            },
            _ => Lookup::Absent,
        }
    }

    /// Up to `max` entries from `lower` upwards, ascending. Cursors call this (and
    /// [`Memtable::batch_below`]) repeatedly, holding the lock for one batch at a time.
    pub(crate) fn batch_from(&self, lower: Bound<&InternalKey>, max: usize) -> Vec<Entry> {
        let map = self.map.lock();
        map.range((lower, Bound::Unbounded)).take(max).map(entry).collect()
    }

    /// Up to `max` entries from `upper` downwards, returned ascending.
    pub(crate) fn batch_below(&self, upper: Bound<&InternalKey>, max: usize) -> Vec<Entry> {
        let map = self.map.lock();
        let mut out: Vec<Entry> = map
            .range((Bound::Unbounded, upper))
            .rev()
            .take(max)
            .map(entry)
            .collect();
        out.reverse();
        out
    }
}

fn entry((k, v): (&InternalKey, &Vec<u8>)) -> Entry {
    Entry {
        key: k.clone(),
        value: v.clone(),
    }
}

impl<R: Runtime> Default for Memtable<R> {
    fn default() -> Self {
        Self::new()
    }
}
