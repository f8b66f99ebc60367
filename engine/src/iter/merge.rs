//! `MergingIter`: a k-way merge by internal key. On equal keys the child listed first wins,
//! so children are given newest source first.

use super::InternalIter;
use crate::error::Result;
use crate::key::{Entry, InternalKey};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Merges children into one ordered stream.
pub(crate) struct MergingIter {
    children: Vec<Box<dyn InternalIter>>,
    heads: Vec<Option<Entry>>,
    heap: BinaryHeap<Reverse<(InternalKey, usize)>>,
    primed: bool,
}

impl MergingIter {
    /// A merge of `children`, newest source first.
    pub(crate) fn new(children: Vec<Box<dyn InternalIter>>) -> Self {
        let heads = vec![None; children.len()];
        MergingIter {
            children,
            heads,
            heap: BinaryHeap::new(),
            primed: false,
        }
    }

    fn refill(&mut self, i: usize) -> Result<()> {
        if let Some(e) = self.children[i].next_entry()? {
            self.heap.push(Reverse((e.key.clone(), i)));
            self.heads[i] = Some(e);
        }
        Ok(())
    }
}

impl InternalIter for MergingIter {
    fn next_entry(&mut self) -> Result<Option<Entry>> {
        if !self.primed {
            self.primed = true;
            for i in 0..self.children.len() {
                self.refill(i)?;
            }
        }
        let Some(Reverse((_, i))) = self.heap.pop() else {
            return Ok(None);
        };
        let e = self.heads[i].take().expect("a child in the heap has a head entry");
        self.refill(i)?;
        Ok(Some(e))
    }
}
