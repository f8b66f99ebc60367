//! The reference model of the database's logical state, independent of the engine.
//!
//! [`VersionedMap`] is the logical database as a function of the sequence number: every write
//! the harness observed, applied in sequence order. A read that pinned sequence `s` must return
//! exactly what the model holds at `s`: nothing missing, duplicated, stale or resurrected. This
//! module uses nothing from `engine`, by design, so an engine bug cannot hide in its model.

use std::collections::BTreeMap;
use std::ops::Bound;

/// A key's history: `(sequence, value)` with `None` for a delete, in increasing sequence.
type History = Vec<(u64, Option<Vec<u8>>)>;

/// The logical state at every sequence number.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VersionedMap {
    keys: BTreeMap<Vec<u8>, History>,
    last: u64,
}

impl VersionedMap {
    /// An empty database.
    pub fn new() -> Self {
        Self::default()
    }

    /// Applies a batch whose updates got sequences `first, first + 1, …`. Batches must arrive
    /// in sequence order; a gap is allowed (an empty batch), a repeat is a harness bug.
    pub fn apply(&mut self, first: u64, updates: &[(Vec<u8>, Option<Vec<u8>>)]) {
        assert!(
            first > self.last,
            "batch at {first} does not follow sequence {}",
            self.last
        );
        for (i, (k, v)) in updates.iter().enumerate() {
            self.keys
                .entry(k.clone())
                .or_default()
                .push((first + i as u64, v.clone()));
        }
        self.last = self
            .last
            .max(first + updates.len() as u64 - u64::from(!updates.is_empty()));
    }

    /// The last sequence applied.
    pub fn last_sequence(&self) -> u64 {
        self.last
    }

    fn at(history: &History, seq: u64) -> Option<&[u8]> {
        let i = history.partition_point(|(s, _)| *s <= seq);
        i.checked_sub(1).and_then(|i| history[i].1.as_deref())
    }

    /// The value of `key` as of `seq`.
    pub fn get(&self, key: &[u8], seq: u64) -> Option<&[u8]> {
        self.keys.get(key).and_then(|h| Self::at(h, seq))
    }

    /// Every live `(key, value)` in `range` as of `seq`, in key order.
    pub fn scan(&self, lo: Bound<&[u8]>, hi: Bound<&[u8]>, seq: u64) -> Vec<(Vec<u8>, Vec<u8>)> {
        self.keys
            .range::<[u8], _>((lo, hi))
            .filter_map(|(k, h)| Self::at(h, seq).map(|v| (k.clone(), v.to_vec())))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kv(k: &str, v: Option<&str>) -> (Vec<u8>, Option<Vec<u8>>) {
        (k.as_bytes().to_vec(), v.map(|v| v.as_bytes().to_vec()))
    }

    #[test]
    fn reads_see_exactly_the_state_at_their_sequence() {
        let mut m = VersionedMap::new();
        m.apply(1, &[kv("a", Some("x")), kv("b", Some("old")), kv("c", Some("y"))]);
        m.apply(9, &[kv("b", None)]);
        assert_eq!(m.get(b"b", 3), Some(&b"old"[..]));
        assert_eq!(m.get(b"b", 9), None);
        assert_eq!(m.get(b"a", 0), None);
        let all = |s| {
            m.scan(Bound::Unbounded, Bound::Unbounded, s)
                .into_iter()
                .map(|(k, _)| k)
                .collect::<Vec<_>>()
        };
        assert_eq!(all(8), vec![b"a".to_vec(), b"b".to_vec(), b"c".to_vec()]);
        assert_eq!(all(9), vec![b"a".to_vec(), b"c".to_vec()]);
        assert_eq!(m.last_sequence(), 9);
    }

    #[test]
    #[should_panic(expected = "does not follow")]
    fn a_repeated_sequence_is_a_harness_bug() {
        let mut m = VersionedMap::new();
        m.apply(1, &[kv("a", Some("x"))]);
        m.apply(1, &[kv("a", Some("y"))]);
    }
}
