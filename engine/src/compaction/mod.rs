//! Leveled compaction, as in LevelDB: what to compact ([`picker`]) and which entries a
//! compaction may drop ([`ShadowFilter`]). The job that runs one lives in `db::compaction`.

pub(crate) mod picker;

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
}

impl ShadowFilter {
    pub(crate) fn new(smallest_snapshot: u64) -> Self {
        ShadowFilter {
            smallest_snapshot,
            current_user: None,
            last_sequence_for_key: u64::MAX,
        }
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
        }
        assert!(
            key.seq < self.last_sequence_for_key,
            "compaction input out of order at {key:?}"
        );
        let drop = self.last_sequence_for_key <= self.smallest_snapshot
            || (key.kind == Kind::Delete && key.seq <= self.smallest_snapshot && is_base_level());
        self.last_sequence_for_key = key.seq;
        drop
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
}
