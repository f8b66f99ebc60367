//! A sorted list that one inserter grows while readers walk it without any lock: LevelDB's
//! `db/skiplist.h` design, in our own code. The memtable's `unsafe` lives here and only here.
//!
//! Why a reader needs no lock (restated from LevelDB):
//! - A node holds one entry and a tower of 1 to 12 forward links; each level above the first is
//!   kept with probability 1/4 (LevelDB's branching factor).
//! - A node is written completely before any link reaches it, and is never changed or removed
//!   afterwards (I12). The list only grows.
//! - Insert links the new node level by level, from level 0 up. At each level it first sets the
//!   node's own link (Relaxed: nobody can reach the node there yet), then points the
//!   predecessor's link at the node with a Release store. Readers load every link with Acquire,
//!   so a reader that reaches a node through any link also sees its entry and its own links at
//!   that level and below (I13). Level 0 is the truth: a node is in the list once level 0
//!   links it.
//! - The list's height rises (Relaxed) before the new levels are linked. A reader that sees the
//!   new height early finds null at the head's new levels and drops to the level below, which
//!   costs nothing.
//! - Nodes are freed only when the list is dropped, which needs `&mut self`: no reader can still
//!   hold a node. The memtable's `Arc` delays that until the last reader lets go.
//!
//! Inserts must be serialized by the caller (the DB's writer lock does it). Two racing inserters
//! would lose nodes (leaked, never freed twice), but nothing here would be undefined behaviour:
//! every location two threads share is an atomic or an entry written before publication.
#![allow(unsafe_code)]

mod mutated;

use crate::mutants::Mutant;
use crate::sync::{AtomicPtr, AtomicU64, Ordering, Runtime, UnsafeCell};
use crate::version::KernelOptions;
use std::fmt;
use std::ptr;

/// The tallest tower (LevelDB's `kMaxHeight`).
const MAX_HEIGHT: usize = 12;

/// A link to a node (null: the end of the list at that level).
type Link<R, K, V> = AtomicPtr<R, Node<R, K, V>>;

/// What a walk down the levels stopped at: the last node before the target at level 0 (maybe
/// the head), and the node after it, if any.
type Stop<'a, R, K, V> = (&'a Node<R, K, V>, Option<&'a Node<R, K, V>>);

/// A node: an entry and its tower of links.
struct Node<R: Runtime, K, V> {
    /// `None` in the head, and in a new node until it is written (before it is linked, I12).
    entry: UnsafeCell<R, Option<(K, V)>>,
    /// `next[i]`: the following node at level `i`, or null.
    next: Box<[Link<R, K, V>]>,
}

impl<R: Runtime, K, V> Node<R, K, V> {
    /// A new, unwritten, unlinked node with a tower of `height` links, owned by the caller.
    fn alloc(height: usize) -> *mut Self {
        let next = (0..height).map(|_| AtomicPtr::new(ptr::null_mut())).collect();
        Box::into_raw(Box::new(Node {
            entry: UnsafeCell::new(None),
            next,
        }))
    }
}

/// A skiplist of `K -> V` whose readers take no lock. Keys are unique.
pub(crate) struct SkipList<R: Runtime, K, V> {
    /// The head: no entry, a full tower. Owned (from `Node::alloc`), freed in `drop`.
    head: *mut Node<R, K, V>,
    /// How many levels are in use (1..=MAX_HEIGHT).
    height: AtomicU64<R>,
    /// The tower-height generator's state (xorshift, fixed seed: runs are reproducible).
    rng: AtomicU64<R>,
    /// Where the mutants come from.
    opts: KernelOptions,
}

// SAFETY: the list owns its nodes. Threads share a node only through its links (atomics) and
// its entry, which is written before any link publishes the node (I12) and read after an
// Acquire load of such a link (I13). Entries move between threads inside nodes, hence the
// bounds.
unsafe impl<R: Runtime, K: Send + Sync, V: Send + Sync> Send for SkipList<R, K, V> {}
// SAFETY: as for `Send`; `&SkipList` only reads through Acquire loads and inserts under the
// caller's serialization.
unsafe impl<R: Runtime, K: Send + Sync, V: Send + Sync> Sync for SkipList<R, K, V> {}

/// A node of a list, as a reader holds it: valid for as long as it borrows the list.
pub(crate) struct Pos<'a, R: Runtime, K, V> {
    list: &'a SkipList<R, K, V>,
    node: &'a Node<R, K, V>,
}

impl<'a, R: Runtime, K: Ord, V> Pos<'a, R, K, V> {
    /// The entry here.
    pub(crate) fn entry(&self) -> &'a (K, V) {
        self.list.entry(self.node)
    }
    /// The next node at level 0, if any.
    pub(crate) fn next(&self) -> Option<Self> {
        self.list.pos(self.list.next(self.node, 0))
    }
    /// The node before this one, if any (LevelDB's `FindLessThan`: a search from the top).
    pub(crate) fn prev(&self) -> Option<Self> {
        let key = &self.entry().0;
        self.list.last_before(|k| k < key)
    }
}

impl<R: Runtime, K: Ord, V> SkipList<R, K, V> {
    /// An empty list.
    pub(crate) fn new(opts: &KernelOptions) -> Self {
        SkipList {
            head: Node::alloc(MAX_HEIGHT),
            height: AtomicU64::new(1),
            rng: AtomicU64::new(0xdead_beef),
            opts: opts.clone(),
        }
    }

    /// Inserts `key -> value`. Requires: no other insert runs at the same time (the DB's writer
    /// lock), and `key` is not in the list.
    pub(crate) fn insert(&self, key: K, value: V) {
        let mut prev = [self.head(); MAX_HEIGHT];
        let (_, after) = self.descend(|k| k < &key, Some(&mut prev));
        assert!(
            after.is_none_or(|n| self.entry(n).0 != key),
            "a key inserted twice into a memtable"
        );
        let height = self.random_height();
        if height > self.height() {
            // Relaxed: a reader that sees the new height before the new levels are linked finds
            // null at the head's new levels and drops a level; one that sees the old height
            // never looks at them. (`prev` already holds the head at the new levels.)
            self.height.store(height as u64, Ordering::Relaxed);
        }
        let raw = Node::alloc(height);
        // SAFETY: `raw` is fresh from `Node::alloc`; from here the list owns it (it is freed in
        // `drop`, once level 0 links it), and it is never freed while `&self` lives.
        let node = unsafe { &*raw };
        if self.opts.mutated(Mutant::NodeLinkedBeforeWritten) {
            self.link_then_write(node, raw, &prev, (key, value)); // mutant: readers can reach an unwritten node
        } else {
            Self::write(node, key, value);
            self.link(node, raw, &prev);
        }
    }

    /// True if nothing was inserted.
    pub(crate) fn is_empty(&self) -> bool {
        self.next(self.head(), 0).is_none()
    }

    /// The first node whose key is not `before` (LevelDB's `FindGreaterOrEqual`). `before` must
    /// hold for a prefix of the keys in order.
    pub(crate) fn first_from(&self, before: impl Fn(&K) -> bool) -> Option<Pos<'_, R, K, V>> {
        self.pos(self.descend(before, None).1)
    }

    /// The last node whose key is `before`, if any (LevelDB's `FindLessThan`).
    pub(crate) fn last_before(&self, before: impl Fn(&K) -> bool) -> Option<Pos<'_, R, K, V>> {
        let (at, _) = self.descend(before, None);
        self.pos((!ptr::eq(at, self.head())).then_some(at))
    }

    /// The last node, if any (LevelDB's `FindLast`).
    pub(crate) fn last(&self) -> Option<Pos<'_, R, K, V>> {
        self.last_before(|_| true)
    }

    /// From the top level down: moves right while the next node's key is `before`, and drops a
    /// level when it is not. Returns the last node visited at level 0 (the head if none) and the
    /// node after it that stopped the walk (the very node compared: loading the link again
    /// could find a node inserted since, whose key is `before`), and fills `prev` with the last
    /// node visited at each level.
    fn descend<'a>(
        &'a self,
        before: impl Fn(&K) -> bool,
        mut prev: Option<&mut [&'a Node<R, K, V>; MAX_HEIGHT]>,
    ) -> Stop<'a, R, K, V> {
        let mut x = self.head();
        let mut level = self.height() - 1;
        loop {
            match self.next(x, level) {
                Some(n) if before(&self.entry(n).0) => x = n,
                stop => {
                    if let Some(p) = prev.as_deref_mut() {
                        p[level] = x;
                    }
                    if level == 0 {
                        return (x, stop);
                    }
                    level -= 1;
                }
            }
        }
    }

    /// Links the written `node` (`raw`) after `prev[i]` at each level of its tower, bottom up
    /// (I13). Requires: the only insert running.
    fn link(&self, node: &Node<R, K, V>, raw: *mut Node<R, K, V>, prev: &[&Node<R, K, V>; MAX_HEIGHT]) {
        let height = node.next.len();
        for i in 0..height {
            let level = if self.opts.mutated(Mutant::UpperLevelsLinkedFirst) {
                Self::top_down(height, i) // mutant: the tower is linked top down
            } else {
                i
            };
            // Relaxed (both): the inserter wrote every link it reads (inserts are ordered by
            // the caller's lock), and nobody can reach `node` at `level` before the store below.
            let succ = prev[level].next[level].load(Ordering::Relaxed);
            node.next[level].store(succ, Ordering::Relaxed);
            let publish = if self.opts.mutated(Mutant::RelaxedLink) {
                Ordering::Relaxed // mutant: a reader may see the node but not its entry
            } else {
                Ordering::Release // pairs with the readers' Acquire loads (I13)
            };
            prev[level].next[level].store(raw, publish);
        }
    }

    /// Writes `node`'s entry. Requires: no reader can reach `node` yet (I12).
    fn write(node: &Node<R, K, V>, key: K, value: V) {
        node.entry.with_mut(|p| {
            // SAFETY: nobody else can reach `node` (it is not linked yet, and the caller is the
            // only inserter), so this write races nothing.
            unsafe { *p = Some((key, value)) }
        });
    }

    /// `node`'s entry. Requires: `node` was reached through a link of this list.
    fn entry<'a>(&'a self, node: &'a Node<R, K, V>) -> &'a (K, V) {
        node.entry
            .with(|p| {
                // SAFETY: the entry was written before the Release store that published the node,
                // which the reader's Acquire load of that link synchronized with (I12, I13),
                // and it is never written again; the node lives as long as `&'a self`.
                unsafe { (*p).as_ref() }
            })
            .expect("a memtable node is reachable only once its entry is written (I12)")
    }

    /// The node after `node` at `level`, or `None`.
    fn next<'a>(&'a self, node: &'a Node<R, K, V>, level: usize) -> Option<&'a Node<R, K, V>> {
        // Acquire: pairs with the Release store that linked the node, so its entry and its own
        // links at this level and below are visible (I13).
        let p = node.next[level].load(Ordering::Acquire);
        // SAFETY: a non-null link points at a node of this list, and nodes are freed only by
        // `drop`, which needs `&mut self`: it outlives `&'a self`.
        unsafe { p.as_ref() }
    }

    fn pos<'a>(&'a self, node: Option<&'a Node<R, K, V>>) -> Option<Pos<'a, R, K, V>> {
        node.map(|node| Pos { list: self, node })
    }

    fn head(&self) -> &Node<R, K, V> {
        // SAFETY: the head is allocated in `new` and freed only in `drop`.
        unsafe { &*self.head }
    }

    /// How many levels are in use.
    pub(crate) fn height(&self) -> usize {
        // Relaxed: see `insert`; any height a reader sees is safe to start from.
        self.height.load(Ordering::Relaxed) as usize
    }

    /// 1, then one more level with probability 1/4 each, up to `MAX_HEIGHT`.
    fn random_height(&self) -> usize {
        // Relaxed: only the inserter uses the generator, and inserts are ordered by the
        // caller's lock.
        let mut x = self.rng.load(Ordering::Relaxed);
        let mut height = 1;
        loop {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            if height == MAX_HEIGHT || !x.is_multiple_of(4) {
                break;
            }
            height += 1;
        }
        self.rng.store(x, Ordering::Relaxed);
        height
    }
}

impl<R: Runtime, K, V> Drop for SkipList<R, K, V> {
    fn drop(&mut self) {
        let mut p = self.head;
        while !p.is_null() {
            // SAFETY: `&mut self`: no reader is left. Every node came from `Node::alloc`, and
            // every completed insert linked its node exactly once at level 0, so walking level 0
            // from the head frees each node once.
            let node = unsafe { Box::from_raw(p) };
            // Relaxed: `&mut self` orders every earlier store before this.
            p = node.next[0].load(Ordering::Relaxed);
        }
    }
}

impl<R: Runtime, K, V> fmt::Debug for SkipList<R, K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SkipList<{}>", R::NAME)
    }
}
