//! Mutant-only variants of the skiplist's insert, kept off the real path (see
//! `version/mutated.rs`). Nothing here runs unless its mutant is chosen.

use super::{Node, SkipList, MAX_HEIGHT};
use crate::sync::Runtime;

impl<R: Runtime, K: Ord, V> SkipList<R, K, V> {
    /// Mutant S10 (`node-linked-before-written`): links the node, then writes its entry, so a
    /// reader can reach a node whose entry is not there yet (breaks I12).
    pub(super) fn link_then_write(
        &self,
        node: &Node<R, K, V>,
        raw: *mut Node<R, K, V>,
        prev: &[&Node<R, K, V>; MAX_HEIGHT],
        entry: (K, V),
    ) {
        self.link(node, raw, prev);
        Self::write(node, entry.0, entry.1);
    }

    /// Mutant S11 (`upper-levels-linked-first`): the level linked at step `i` of a tower of
    /// `height`, from the top down (breaks I13).
    pub(super) fn top_down(height: usize, i: usize) -> usize {
        height - 1 - i
    }
}
