//! Leveled compaction, as in LevelDB: what to compact ([`picker`]), which entries a
//! compaction may drop ([`ShadowFilter`]) and where its outputs end ([`GrandparentCut`]). The job that runs one lives in `db::compaction`.

mod cut;
pub(crate) mod picker;

pub(crate) use cut::GrandparentCut;

use crate::events::DropStats;
use crate::key::{InternalKey, Kind};

/// Decides, entry by entry in internal-key order, what a compaction drops (LevelDB's
/// `DoCompactionWork` rules):
/// - an entry is dropped if a newer entry for the same user key has sequence
///   `<= smallest_snapshot` (no reader can see past that newer entry);
/// - a tombstone with sequence `<= smallest_snapshot` is dropped if no deeper level can hold
///   an older value for its key (the output level is the key's base level).
#[derive(Debug)]
pub(crate) struct ShadowFilter {
    smallest_snapshot: u64,
    current_user: Option<Vec<u8>>,
    last_sequence_for_key: u64,
    /// Whether an entry of the current user key was kept only for a snapshot.
    kept_for_snapshot: bool,
    stats: DropStats,
}

impl ShadowFilter {
    pub(crate) fn new(smallest_snapshot: u64) -> Self {
        ShadowFilter {
            smallest_snapshot,
            current_user: None,
            last_sequence_for_key: u64::MAX,
            kept_for_snapshot: false,
            stats: DropStats {
                smallest_snapshot,
                min_input_sequence: u64::MAX,
                ..DropStats::default()
            },
        }
    }

    /// What the rules decided so far (the harness's coverage marks read it).
    pub(crate) fn stats(&self) -> DropStats {
        self.stats
    }

    /// True if `key` is the first entry seen for its user key.
    pub(crate) fn is_new_user_key(&self, key: &InternalKey) -> bool {
        self.current_user.as_deref() != Some(key.user.as_slice())
    }

    /// Whether to drop `key`. `is_base_level` answers "does no deeper level hold this key?".
    pub(crate) fn should_drop(&mut self, key: &InternalKey, is_base_level: impl FnOnce() -> bool) -> bool {
        if self.is_new_user_key(key) {
            self.current_user = Some(key.user.clone());
            self.last_sequence_for_key = u64::MAX;
            self.kept_for_snapshot = false;
        }
        assert!(
            key.seq < self.last_sequence_for_key,
            "compaction input out of order at {key:?}"
        );
        let newer = self.last_sequence_for_key;
        let visible = key.seq <= self.smallest_snapshot;
        let shadowed = newer <= self.smallest_snapshot;
        let tombstone_rule = !shadowed && key.kind == Kind::Delete && visible;
        let base = tombstone_rule && is_base_level();
        self.count(key, newer, shadowed, tombstone_rule, base);
        self.last_sequence_for_key = key.seq;
        shadowed || base
    }

    /// Counts one decision for [`DropStats`]. Bookkeeping only: it decides nothing.
    fn count(&mut self, key: &InternalKey, newer: u64, shadowed: bool, tombstone_rule: bool, base: bool) {
        let s = &mut self.stats;
        s.entries += 1;
        s.min_input_sequence = s.min_input_sequence.min(key.seq);
        if shadowed {
            s.shadowed += 1;
            if self.kept_for_snapshot {
                s.dropped_below_snapshot += 1;
            }
        } else if newer != u64::MAX && key.seq <= self.smallest_snapshot {
            // A newer entry exists, but above the snapshot: the snapshot reads this one.
            s.kept_for_snapshot += 1;
            self.kept_for_snapshot = true;
        }
        if tombstone_rule && base {
            s.tombstones_dropped_at_base += 1;
        } else if tombstone_rule {
            s.tombstones_kept_above_base += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(user: &str, seq: u64, kind: Kind) -> InternalKey {
        InternalKey::new(user.as_bytes().to_vec(), seq, kind)
    }

    #[test]
    fn drops_shadowed_entries_and_base_level_tombstones_only() {
        // The running example of docs/invariants.md: b@9 DEL over b@2.
        let mut f = ShadowFilter::new(9);
        assert!(!f.should_drop(&k("a", 1, Kind::Put), || true));
        assert!(f.should_drop(&k("b", 9, Kind::Delete), || true), "base-level tombstone");
        assert!(f.should_drop(&k("b", 2, Kind::Put), || true), "shadowed by b@9");

        // A snapshot at 5 still sees b@2, so neither may go.
        let mut f = ShadowFilter::new(5);
        assert!(!f.should_drop(&k("b", 9, Kind::Delete), || true));
        assert!(!f.should_drop(&k("b", 2, Kind::Put), || true));

        // Not the base level: the tombstone must stay to mask deeper values.
        let mut f = ShadowFilter::new(9);
        assert!(!f.should_drop(&k("b", 9, Kind::Delete), || false));
    }

    #[test]
    fn counts_every_decision_by_the_rule_that_made_it() {
        // A snapshot at 5 splits c: c@8 (current), c@4 (the snapshot's), c@2 (nobody's).
        let mut f = ShadowFilter::new(5);
        for (key, dropped) in [
            (k("a", 3, Kind::Delete), false),
            (k("c", 8, Kind::Put), false),
            (k("c", 4, Kind::Put), false),
            (k("c", 2, Kind::Put), true),
            (k("d", 1, Kind::Delete), true),
        ] {
            let base = key.user != b"a";
            assert_eq!(f.should_drop(&key, || base), dropped, "{key:?}");
        }
        let s = f.stats();
        assert_eq!(
            (s.entries, s.shadowed, s.kept_for_snapshot, s.dropped_below_snapshot),
            (5, 1, 1, 1)
        );
        assert_eq!((s.tombstones_dropped_at_base, s.tombstones_kept_above_base), (1, 1));
        assert_eq!((s.min_input_sequence, s.smallest_snapshot), (1, 5));
    }
}
