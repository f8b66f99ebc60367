//! `MergingIter`: a merge of child cursors by internal key, movable both ways (LevelDB's
//! `MergingIterator`). On equal keys the child listed first wins, so children are given newest
//! source first.
//!
//! Moving forward, every child sits on its first entry `>=` the merged cursor's key; moving
//! backward, on its last entry `<=` it. Changing direction re-seeks every other child.

use super::InternalIter;
use crate::error::Result;
use crate::key::Entry;
use std::cmp::Ordering;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Direction {
    Forward,
    Reverse,
}

/// Merges children into one ordered cursor.
pub(crate) struct MergingIter {
    children: Vec<Box<dyn InternalIter>>,
    /// The child whose entry is under the cursor.
    current: Option<usize>,
    direction: Direction,
}

impl MergingIter {
    /// A merge of `children`, newest source first. Unpositioned.
    pub(crate) fn new(children: Vec<Box<dyn InternalIter>>) -> Self {
        MergingIter {
            children,
            current: None,
            direction: Direction::Forward,
        }
    }

    /// A new, unpositioned merge over fresh copies of the same children.
    pub(crate) fn fresh_merge(&self) -> MergingIter {
        MergingIter::new(self.children.iter().map(|c| c.fresh()).collect())
    }

    /// Moving in `direction`, points `current` at the child whose entry comes first that way:
    /// the smallest moving forward, the largest moving backward (the first such child on ties).
    fn find(&mut self, direction: Direction) {
        let first = match direction {
            Direction::Forward => Ordering::Less,
            Direction::Reverse => Ordering::Greater,
        };
        self.direction = direction;
        self.current = None;
        for (i, c) in self.children.iter().enumerate().filter(|(_, c)| c.valid()) {
            if self
                .current
                .is_none_or(|j| c.entry().key.cmp(&self.children[j].entry().key) == first)
            {
                self.current = Some(i);
            }
        }
    }

    fn current(&self) -> usize {
        self.current.expect("a valid merging cursor has a current child")
    }

    /// Every child but the current one onto its first entry after the cursor's key. Seeking to
    /// the key is enough: every entry has its own sequence, so no other child holds this key.
    /// (Repair merges sources that can repeat an entry, but only ever moves forward.)
    fn turn_forward(&mut self) -> Result<()> {
        let (cur, key) = (self.current(), self.entry().key.clone());
        for c in self
            .children
            .iter_mut()
            .enumerate()
            .filter(|(i, _)| *i != cur)
            .map(|(_, c)| c)
        {
            c.seek(&key)?;
        }
        Ok(())
    }

    /// Every child but the current one onto its last entry before the cursor's key.
    fn turn_backward(&mut self) -> Result<()> {
        let (cur, key) = (self.current(), self.entry().key.clone());
        for c in self
            .children
            .iter_mut()
            .enumerate()
            .filter(|(i, _)| *i != cur)
            .map(|(_, c)| c)
        {
            c.seek(&key)?;
            if c.valid() {
                c.prev()?;
            } else {
                c.seek_to_last()?;
            }
        }
        Ok(())
    }

    /// Runs `f` on every child; on an error the merged cursor becomes invalid.
    fn all(&mut self, f: impl Fn(&mut dyn InternalIter) -> Result<()>) -> Result<()> {
        self.current = None;
        self.children.iter_mut().try_for_each(|c| f(c.as_mut()))
    }
}

impl InternalIter for MergingIter {
    fn valid(&self) -> bool {
        self.current.is_some()
    }

    fn seek(&mut self, target: &crate::key::InternalKey) -> Result<()> {
        self.all(|c| c.seek(target))?;
        self.find(Direction::Forward);
        Ok(())
    }

    fn seek_to_first(&mut self) -> Result<()> {
        self.all(|c| c.seek_to_first())?;
        self.find(Direction::Forward);
        Ok(())
    }

    fn seek_to_last(&mut self) -> Result<()> {
        self.all(|c| c.seek_to_last())?;
        self.find(Direction::Reverse);
        Ok(())
    }

    fn next(&mut self) -> Result<()> {
        let cur = self.current();
        if self.direction == Direction::Reverse {
            self.turn_forward().inspect_err(|_| self.current = None)?;
        }
        self.current = None;
        self.children[cur].next()?;
        self.find(Direction::Forward);
        Ok(())
    }

    fn prev(&mut self) -> Result<()> {
        let cur = self.current();
        if self.direction == Direction::Forward {
            self.turn_backward().inspect_err(|_| self.current = None)?;
        }
        self.current = None;
        self.children[cur].prev()?;
        self.find(Direction::Reverse);
        Ok(())
    }

    fn entry(&self) -> &Entry {
        self.children[self.current()].entry()
    }

    fn fresh(&self) -> Box<dyn InternalIter> {
        Box::new(self.fresh_merge())
    }
}
