//! `GrandparentCut`: ends a compaction output before it overlaps too much of the level below
//! the output level (LevelDB's `Compaction::ShouldStopBefore` and `kMaxGrandParentOverlapBytes`).
//!
//! Why: an output file of level L+1 is compacted later together with every file of level L+2
//! it overlaps. An output spanning a wide key range makes that later compaction rewrite a lot
//! of data for a small file, so outputs are cut once they have passed `max` bytes of
//! grandparent files (LevelDB uses 10 × the target file size).

use crate::key::InternalKey;
use crate::version::FileMeta;

/// Tracks how many grandparent bytes the current output has passed, key by key.
#[derive(Debug)]
pub(crate) struct GrandparentCut<'a> {
    grandparents: &'a [FileMeta],
    /// The first grandparent whose largest key is not yet behind the current key.
    index: usize,
    /// Whether the current compaction has seen a key (the first key's skipped files count for
    /// no output).
    seen_key: bool,
    overlapped: u64,
    max: u64,
}

impl<'a> GrandparentCut<'a> {
    /// A cut over `grandparents` (sorted, disjoint) at `max` bytes.
    pub(crate) fn new(grandparents: &'a [FileMeta], max: u64) -> Self {
        GrandparentCut {
            grandparents,
            index: 0,
            seen_key: false,
            overlapped: 0,
            max,
        }
    }

    /// Called for every input key in order: true if the current output should end before
    /// `key`. Restarts the count when it says so.
    pub(crate) fn should_stop_before(&mut self, key: &InternalKey) -> bool {
        while let Some(g) = self.grandparents.get(self.index).filter(|g| key > &g.largest) {
            if self.seen_key {
                self.overlapped += g.size;
            }
            self.index += 1;
        }
        self.seen_key = true;
        if self.overlapped > self.max {
            self.overlapped = 0;
            return true;
        }
        false
    }

    /// The output ended for another reason (its size): it starts over.
    pub(crate) fn output_ended(&mut self) {
        self.overlapped = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::Kind;

    fn key(u: &str) -> InternalKey {
        InternalKey::new(u.as_bytes().to_vec(), 1, Kind::Put)
    }

    fn file(lo: &str, hi: &str, size: u64) -> FileMeta {
        FileMeta {
            number: 0,
            size,
            smallest: key(lo),
            largest: key(hi),
        }
    }

    #[test]
    fn an_output_ends_once_it_has_passed_more_than_max_grandparent_bytes() {
        let gp = [
            file("a", "b", 10),
            file("c", "d", 10),
            file("e", "f", 10),
            file("g", "h", 10),
        ];
        let mut cut = GrandparentCut::new(&gp, 15);
        assert!(
            !cut.should_stop_before(&key("c")),
            "a..b is behind the first key: not counted"
        );
        assert!(!cut.should_stop_before(&key("e")), "passed c..d: 10 bytes");
        assert!(cut.should_stop_before(&key("g")), "passed e..f too: 20 > 15");
        assert!(!cut.should_stop_before(&key("z")), "a new output: g..h is 10 bytes");
        let mut cut = GrandparentCut::new(&gp, 15);
        cut.should_stop_before(&key("c"));
        cut.should_stop_before(&key("e"));
        cut.output_ended();
        assert!(!cut.should_stop_before(&key("g")), "a size cut restarts the count");
        let mut cut = GrandparentCut::new(&gp, 10);
        cut.should_stop_before(&key("a"));
        assert!(
            !cut.should_stop_before(&key("b")),
            "at a file's last key: not passed yet"
        );
        assert!(
            !cut.should_stop_before(&key("d")),
            "a..b passed: 10 bytes, not more than 10"
        );
        assert!(cut.should_stop_before(&key("e")), "c..d passed too: 20 > 10");
    }
}
