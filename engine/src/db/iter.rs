//! `DbIter`: the Rust iterator over a key range at one sequence, both ways. It drives a
//! [`DbCursor`] from the front and, once `next_back` is called, a second cursor over the same
//! pinned view from the back; the two stop where they meet.

use super::DbCursor;
use crate::error::Result;
use crate::sync::Runtime;
use std::ops::Bound;

/// Where each end of the range is, for one cursor.
#[derive(Default)]
struct End {
    /// The cursor has been positioned.
    started: bool,
    /// The last key this end yielded (if `yielded`): the other end stops before it. A buffer
    /// reused from item to item.
    last: Vec<u8>,
    yielded: bool,
    /// The end is exhausted (or failed).
    done: bool,
}

/// Iterates `(key, value)` pairs of a range in key order; `.rev()` iterates it backward. Both
/// ends read the same pinned view, which stays (with its files) until the iterator is dropped.
pub struct DbIter<R: Runtime = crate::sync::Std> {
    front: DbCursor<R>,
    back: Option<DbCursor<R>>,
    lo: Bound<Vec<u8>>,
    hi: Bound<Vec<u8>>,
    ends: [End; 2],
}

type Item = Result<(Vec<u8>, Vec<u8>)>;

impl<R: Runtime> DbIter<R> {
    /// Iterates `[lo, hi]` (each bound as given) through `cursor`.
    pub(crate) fn new(cursor: DbCursor<R>, lo: Bound<&[u8]>, hi: Bound<&[u8]>) -> Self {
        DbIter {
            front: cursor,
            back: None,
            lo: lo.map(<[u8]>::to_vec),
            hi: hi.map(<[u8]>::to_vec),
            ends: Default::default(),
        }
    }

    /// The sequence number this iterator reads at.
    pub fn sequence(&self) -> u64 {
        self.front.sequence()
    }

    /// The id of the Version it pinned.
    pub fn version_id(&self) -> u64 {
        self.front.version_id()
    }

    fn below_hi(&self, k: &[u8]) -> bool {
        match &self.hi {
            Bound::Included(h) => k <= h.as_slice(),
            Bound::Excluded(h) => k < h.as_slice(),
            Bound::Unbounded => true,
        }
    }

    fn above_lo(&self, k: &[u8]) -> bool {
        match &self.lo {
            Bound::Included(l) => k >= l.as_slice(),
            Bound::Excluded(l) => k > l.as_slice(),
            Bound::Unbounded => true,
        }
    }

    /// Positions the front cursor at the range's first key, or steps it.
    fn move_front(&mut self) -> Result<()> {
        if std::mem::replace(&mut self.ends[0].started, true) {
            return self.front.next();
        }
        match &self.lo {
            Bound::Unbounded => self.front.seek_to_first(),
            Bound::Included(l) | Bound::Excluded(l) => {
                self.front.seek(l)?;
                if matches!(&self.lo, Bound::Excluded(l) if self.front.valid() && self.front.key() == l.as_slice()) {
                    self.front.next()?;
                }
                Ok(())
            }
        }
    }

    /// Positions the back cursor at the range's last key, or steps it.
    fn move_back(&mut self) -> Result<()> {
        let back = self.back.get_or_insert_with(|| self.front.sibling());
        if std::mem::replace(&mut self.ends[1].started, true) {
            return back.prev();
        }
        match &self.hi {
            Bound::Unbounded => back.seek_to_last(),
            Bound::Included(h) | Bound::Excluded(h) => {
                back.seek_for_prev(h)?;
                if matches!(&self.hi, Bound::Excluded(h) if back.valid() && back.key() == h.as_slice()) {
                    back.prev()?;
                }
                Ok(())
            }
        }
    }

    /// Yields the entry under cursor `end` (0 front, 1 back) if it is inside the range and has
    /// not been yielded by the other end.
    fn take(&mut self, end: usize) -> Option<Item> {
        let cursor = if end == 0 {
            &self.front
        } else {
            self.back.as_ref().expect("moved")
        };
        let other = &self.ends[1 - end];
        let other = other.yielded.then_some(other.last.as_slice());
        let inside = cursor.valid()
            && if end == 0 {
                self.below_hi(cursor.key()) && other.is_none_or(|o| cursor.key() < o)
            } else {
                self.above_lo(cursor.key()) && other.is_none_or(|o| cursor.key() > o)
            };
        if !inside {
            self.ends[end].done = true;
            return None;
        }
        let (k, v) = (cursor.key().to_vec(), cursor.value().to_vec());
        let mine = &mut self.ends[end];
        mine.last.clone_from(&k);
        mine.yielded = true;
        Some(Ok((k, v)))
    }

    fn step(&mut self, end: usize) -> Option<Item> {
        if self.ends[end].done {
            return None;
        }
        let moved = if end == 0 { self.move_front() } else { self.move_back() };
        if let Err(e) = moved {
            self.ends[end].done = true;
            return Some(Err(e));
        }
        self.take(end)
    }
}

impl<R: Runtime> Iterator for DbIter<R> {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        self.step(0)
    }
}

impl<R: Runtime> DoubleEndedIterator for DbIter<R> {
    fn next_back(&mut self) -> Option<Item> {
        self.step(1)
    }
}

impl<R: Runtime> std::fmt::Debug for DbIter<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DbIter(seq {}, version {})", self.sequence(), self.version_id())
    }
}
