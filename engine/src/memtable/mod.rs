//! The memtable: a sorted in-memory map of internal keys, shared by the writer and readers.
//!
//! Entries live in a [`skiplist`] that readers walk without any lock while the one writer (the
//! DB's writer lock serializes writers) inserts. Readers filter by the sequence they pinned, so
//! entries inserted after the pin are invisible: an iterator over a growing memtable still sees
//! one point in time.

mod skiplist;

use crate::key::{Entry, InternalKey, Kind};
use crate::sync::{AtomicU64, Ordering, Runtime};
use crate::version::KernelOptions;
use skiplist::SkipList;
use std::ops::Bound;

/// A memtable. Shared as `R::Arc<Memtable<R>>` by the DB state and read views.
#[derive(Debug)]
pub struct Memtable<R: Runtime> {
    list: SkipList<R, InternalKey, Vec<u8>>,
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
    /// An empty memtable (its mutant, if any, from `opts`).
    pub fn new(opts: &KernelOptions) -> Self {
        Memtable {
            list: SkipList::new(opts),
            bytes: AtomicU64::new(0),
        }
    }

    /// Inserts one entry. Requires: the DB writer lock (one inserter at a time; sequences are
    /// assigned in order, so a key is never inserted twice).
    pub fn insert(&self, key: InternalKey, value: Vec<u8>) {
        let size = (key.user.len() + value.len() + 24) as u64;
        self.list.insert(key, value);
        self.bytes.fetch_add(size, Ordering::Relaxed);
    }

    /// Approximate memory used, in bytes.
    pub fn approximate_bytes(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }

    /// True if nothing was inserted.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The newest entry for `user` with sequence `<= seq`.
    pub fn get(&self, user: &[u8], seq: u64) -> Lookup {
        let target = InternalKey::seek_target(user, seq);
        match self.list.first_from(|k| k < &target).map(|p| p.entry()) {
            Some((k, v)) if k.user == user => match k.kind {
                Kind::Put => Lookup::Value(v.clone()),
                Kind::Delete => Lookup::Deleted,
            },
            _ => Lookup::Absent,
        }
    }

    /// Up to `max` entries from `lower` upwards, ascending. Cursors call this (and
    /// [`Memtable::batch_below`]) once per window of entries.
    pub fn batch_from(&self, lower: Bound<&InternalKey>, max: usize) -> Vec<Entry> {
        let mut at = match lower {
            Bound::Included(t) => self.list.first_from(|k| k < t),
            Bound::Excluded(t) => self.list.first_from(|k| k <= t),
            Bound::Unbounded => self.list.first_from(|_| false),
        };
        let mut out = Vec::with_capacity(max.min(64));
        while let Some(p) = at.filter(|_| out.len() < max) {
            out.push(entry(p.entry()));
            at = p.next();
        }
        out
    }

    /// Up to `max` entries from `upper` downwards, returned ascending.
    pub fn batch_below(&self, upper: Bound<&InternalKey>, max: usize) -> Vec<Entry> {
        let mut at = match upper {
            Bound::Included(t) => self.list.last_before(|k| k <= t),
            Bound::Excluded(t) => self.list.last_before(|k| k < t),
            Bound::Unbounded => self.list.last(),
        };
        let mut out = Vec::with_capacity(max.min(64));
        while let Some(p) = at.filter(|_| out.len() < max) {
            out.push(entry(p.entry()));
            at = p.prev();
        }
        out.reverse();
        out
    }
}

fn entry((k, v): &(InternalKey, Vec<u8>)) -> Entry {
    Entry {
        key: k.clone(),
        value: v.clone(),
    }
}

#[cfg(test)]
mod tests;
