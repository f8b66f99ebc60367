//! `BlockCache`: verified data blocks of every open table, kept in memory up to a byte budget,
//! so hot reads skip the file and the checksum (LevelDB's block cache: a sharded LRU cache,
//! 8 MiB by default).
//!
//! A block is keyed by `(file number, offset)`. File numbers are never reused (I10), so a
//! deleted table's blocks can never be served for another file; they age out like any other.
//! Blocks are shared as `R::Arc<Vec<u8>>`: eviction never invalidates a reader holding one.

use crate::sync::{Mutex, Runtime};
use std::collections::{BTreeMap, HashMap};

/// LevelDB's default: 16 shards, so concurrent readers rarely wait on one lock.
const SHARDS: usize = 16;

type Key = (u64, u64);

struct Slot<R: Runtime> {
    block: R::Arc<Vec<u8>>,
    stamp: u64,
}

/// One shard: its blocks, and their use stamps in age order.
struct Shard<R: Runtime> {
    blocks: HashMap<Key, Slot<R>>,
    by_age: BTreeMap<u64, Key>,
    clock: u64,
    bytes: u64,
}

/// A sharded LRU cache of block bodies. With a budget of 0 it holds nothing.
pub(crate) struct BlockCache<R: Runtime> {
    shards: Vec<Mutex<R, Shard<R>>>,
    shard_budget: u64,
}

impl<R: Runtime> BlockCache<R> {
    /// A cache of about `budget` bytes of blocks.
    pub(crate) fn new(budget: u64) -> Self {
        let n = if budget == 0 { 0 } else { SHARDS };
        let shard = || {
            Mutex::new(Shard {
                blocks: HashMap::new(),
                by_age: BTreeMap::new(),
                clock: 0,
                bytes: 0,
            })
        };
        BlockCache {
            shards: (0..n).map(|_| shard()).collect(),
            shard_budget: budget.div_ceil(SHARDS as u64),
        }
    }

    fn shard(&self, key: Key) -> Option<&Mutex<R, Shard<R>>> {
        let h = (key.0.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ key.1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let len = self.shards.len();
        (len > 0).then(|| &self.shards[(h >> 32) as usize % len])
    }

    /// The block of file `number` at `offset`, if cached; marks it most recently used.
    pub(crate) fn get(&self, number: u64, offset: u64) -> Option<R::Arc<Vec<u8>>> {
        let mut s = self.shard((number, offset))?.lock();
        s.clock += 1;
        let stamp = s.clock;
        let slot = s.blocks.get_mut(&(number, offset))?;
        let old = std::mem::replace(&mut slot.stamp, stamp);
        let block = slot.block.clone();
        s.by_age.remove(&old);
        s.by_age.insert(stamp, (number, offset));
        Some(block)
    }

    /// Caches `block` as file `number`'s block at `offset`, evicting the least recently used
    /// blocks of its shard beyond the budget. A block larger than a shard's budget is not kept.
    pub(crate) fn insert(&self, number: u64, offset: u64, block: R::Arc<Vec<u8>>) {
        let Some(shard) = self.shard((number, offset)) else {
            return;
        };
        let size = block.len() as u64;
        if size > self.shard_budget {
            return;
        }
        let mut s = shard.lock();
        s.clock += 1;
        let stamp = s.clock;
        if let Some(old) = s.blocks.insert((number, offset), Slot { block, stamp }) {
            s.by_age.remove(&old.stamp); // two readers missed at once: the later copy wins
            s.bytes -= old.block.len() as u64;
        }
        s.by_age.insert(stamp, (number, offset));
        s.bytes += size;
        while s.bytes > self.shard_budget {
            let (_, key) = s.by_age.pop_first().expect("bytes over budget means blocks held");
            let gone = s.blocks.remove(&key).expect("every aged key is held");
            s.bytes -= gone.block.len() as u64;
        }
    }

    /// Bytes held, over every shard.
    #[cfg(test)]
    fn bytes(&self) -> u64 {
        self.shards.iter().map(|s| s.lock().bytes).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::Std;

    fn block(n: usize) -> <Std as Runtime>::Arc<Vec<u8>> {
        Std::arc_new(vec![7; n])
    }

    #[test]
    fn blocks_are_served_until_the_budget_pushes_the_least_recently_used_out() {
        let cache = BlockCache::<Std>::new(16 * 100); // 100 bytes a shard
        cache.insert(1, 0, block(60));
        assert_eq!(cache.get(1, 0).map(|b| b.len()), Some(60));
        assert!(cache.get(1, 4096).is_none(), "another offset is another block");
        assert!(cache.get(2, 0).is_none(), "another file is another block");
        let same_shard: Vec<u64> = (0..4096u64)
            .map(|o| o * 4096)
            .filter(|&o| std::ptr::eq(cache.shard((1, o)).expect("on"), cache.shard((1, 0)).expect("on")))
            .take(3)
            .collect();
        let (a, b, c) = (same_shard[0], same_shard[1], same_shard[2]);
        cache.insert(1, b, block(30));
        cache.get(1, a); // a is now newer than b
        cache.insert(1, c, block(30)); // 120 bytes: b, the least recently used, goes
        assert!(cache.get(1, b).is_none());
        assert!(cache.get(1, a).is_some() && cache.get(1, c).is_some());
        assert_eq!(cache.bytes(), 90);
        cache.insert(1, 8, block(101));
        assert!(cache.get(1, 8).is_none(), "a block over a shard's budget is not kept");
    }

    #[test]
    fn a_zero_budget_holds_nothing() {
        let cache = BlockCache::<Std>::new(0);
        cache.insert(1, 0, block(1));
        assert!(cache.get(1, 0).is_none());
    }
}
