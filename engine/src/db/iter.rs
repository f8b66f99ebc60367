//! `DbIter`: the user-facing iterator. Merges the pinned memtables and tables, hides entries
//! newer than its sequence, keeps the newest entry per user key and skips tombstones.

use super::read::{start_key, ReadView};
use crate::error::Result;
use crate::iter::{InternalIter, MemIter, MergingIter};
use crate::key::{InternalKey, Kind};
use crate::sync::Runtime;
use std::marker::PhantomData;
use std::ops::Bound;

/// Iterates `(key, value)` pairs in key order at one sequence. Its level iterators each hold a
/// reference to the pinned Version, so the Version's files stay until it is dropped.
pub struct DbIter<R: Runtime = crate::sync::Std> {
    seq: u64,
    version_id: u64,
    merge: MergingIter,
    lo_excluded: Option<Vec<u8>>,
    hi: Bound<Vec<u8>>,
    last_user: Option<Vec<u8>>,
    done: bool,
    _runtime: PhantomData<R>,
}

impl<R: Runtime> DbIter<R> {
    /// Where an iterator over `[lo, ..)` starts: the first internal key of `lo`'s user key.
    pub(crate) fn start(lo: Bound<&[u8]>) -> InternalKey {
        match lo {
            Bound::Included(k) | Bound::Excluded(k) => start_key(k),
            Bound::Unbounded => start_key(&[]),
        }
    }

    /// Iterates the memtables of `view` and `levels` (the level iterators of `view`'s Version,
    /// positioned at [`DbIter::start`] of `lo`) over `[lo, hi)` at `view`'s sequence.
    pub(crate) fn new(
        view: ReadView<R>,
        levels: Vec<Box<dyn InternalIter>>,
        lo: Bound<&[u8]>,
        hi: Bound<&[u8]>,
    ) -> Self {
        let start = Self::start(lo);
        let ReadView { seq, mem, imm, version } = view;
        let mut children: Vec<Box<dyn InternalIter>> = vec![Box::new(MemIter::<R>::new(mem, start.clone()))];
        if let Some(imm) = imm {
            children.push(Box::new(MemIter::<R>::new(imm, start)));
        }
        children.extend(levels);
        DbIter {
            seq,
            version_id: version.id,
            merge: MergingIter::new(children),
            lo_excluded: match lo {
                Bound::Excluded(k) => Some(k.to_vec()),
                _ => None,
            },
            hi: hi.map(<[u8]>::to_vec),
            last_user: None,
            done: false,
            _runtime: PhantomData,
        }
    }

    /// The sequence number this iterator reads at.
    pub fn sequence(&self) -> u64 {
        self.seq
    }

    /// The id of the Version it pinned.
    pub fn version_id(&self) -> u64 {
        self.version_id
    }

    fn step(&mut self) -> Result<Option<(Vec<u8>, Vec<u8>)>> {
        while let Some(e) = self.merge.next_entry()? {
            if e.key.seq > self.seq || self.last_user.as_ref() == Some(&e.key.user) {
                continue;
            }
            self.last_user = Some(e.key.user.clone());
            if self.lo_excluded.as_ref() == Some(&e.key.user) {
                continue;
            }
            let past_end = match &self.hi {
                Bound::Included(h) => e.key.user > *h,
                Bound::Excluded(h) => e.key.user >= *h,
                Bound::Unbounded => false,
            };
            if past_end {
                return Ok(None);
            }
            if e.key.kind == Kind::Put {
                return Ok(Some((e.key.user, e.value)));
            }
        }
        Ok(None)
    }
}

impl<R: Runtime> Iterator for DbIter<R> {
    type Item = Result<(Vec<u8>, Vec<u8>)>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let r = self.step().transpose();
        self.done = !matches!(r, Some(Ok(_)));
        r
    }
}

impl<R: Runtime> std::fmt::Debug for DbIter<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DbIter(seq {}, version {})", self.seq, self.version_id)
    }
}
