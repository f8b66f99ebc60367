//! Internal keys: a user key plus a sequence number and a kind (value or tombstone).
//!
//! Order: user key ascending, then sequence descending, so the newest entry for a key comes
//! first and a lookup "at sequence s" seeks to `(key, s)`. Encoded form, as in LevelDB:
//! `user_key ++ fixed64_le(seq << 8 | kind)`.

use std::cmp::Ordering;
use std::fmt;

/// Sequence numbers use 56 bits, leaving 8 for the kind.
pub const MAX_SEQUENCE: u64 = (1 << 56) - 1;

/// What an entry records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// A tombstone.
    Delete = 0,
    /// A value.
    Put = 1,
}

/// `(user key, sequence, kind)`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct InternalKey {
    /// The key the user wrote.
    pub user: Vec<u8>,
    /// Its sequence number.
    pub seq: u64,
    /// Value or tombstone.
    pub kind: Kind,
}

impl InternalKey {
    /// A key. Panics if `seq` exceeds [`MAX_SEQUENCE`] (a programming error).
    pub fn new(user: impl Into<Vec<u8>>, seq: u64, kind: Kind) -> Self {
        assert!(seq <= MAX_SEQUENCE, "sequence {seq} overflows 56 bits");
        InternalKey {
            user: user.into(),
            seq,
            kind,
        }
    }

    /// The smallest internal key for `user` visible at `seq`: seeking to it lands on the newest
    /// entry with sequence `<= seq`.
    pub fn seek_target(user: &[u8], seq: u64) -> Self {
        InternalKey::new(user, seq, Kind::Put)
    }

    /// Appends the encoded form.
    pub fn encode_into(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.user);
        out.extend_from_slice(&((self.seq << 8) | self.kind as u64).to_le_bytes());
    }

    /// The encoded form.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.user.len() + 8);
        self.encode_into(&mut out);
        out
    }

    /// Decodes into `self`, reusing its buffer; false (and `self` unchanged) if the trailer is
    /// missing or the kind is unknown.
    pub(crate) fn decode_into(&mut self, b: &[u8]) -> bool {
        let Some((user, seq, kind)) = split_encoded(b) else {
            return false;
        };
        self.user.clear();
        self.user.extend_from_slice(user);
        (self.seq, self.kind) = (seq, kind);
        true
    }

    /// Decodes; `None` if the trailer is missing or the kind is unknown.
    pub fn decode(b: &[u8]) -> Option<Self> {
        let (user, seq, kind) = split_encoded(b)?;
        Some(InternalKey {
            user: user.to_vec(),
            seq,
            kind,
        })
    }
}

/// An encoded internal key's parts, `None` if malformed; allocates nothing.
pub(crate) fn split_encoded(b: &[u8]) -> Option<(&[u8], u64, Kind)> {
    let split = b.len().checked_sub(8)?;
    let trailer = u64::from_le_bytes(b[split..].try_into().ok()?);
    let kind = match trailer & 0xff {
        0 => Kind::Delete,
        1 => Kind::Put,
        _ => return None,
    };
    Some((&b[..split], trailer >> 8, kind))
}

impl Ord for InternalKey {
    fn cmp(&self, other: &Self) -> Ordering {
        self.user
            .cmp(&other.user)
            .then_with(|| other.seq.cmp(&self.seq))
            .then_with(|| other.kind.cmp(&self.kind))
    }
}

impl PartialOrd for InternalKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Debug for InternalKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tag = if self.kind == Kind::Put { "" } else { ":DEL" };
        write!(f, "{}@{}{}", String::from_utf8_lossy(&self.user), self.seq, tag)
    }
}

/// An entry: key plus value (empty for a tombstone).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The internal key.
    pub key: InternalKey,
    /// The value bytes; empty for a tombstone.
    pub value: Vec<u8>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newer_sequences_sort_first_and_encoding_round_trips() {
        let a = InternalKey::new(b"k".to_vec(), 9, Kind::Delete);
        let b = InternalKey::new(b"k".to_vec(), 2, Kind::Put);
        assert!(a < b);
        assert!(InternalKey::seek_target(b"k", 9) <= a);
        assert_eq!(InternalKey::decode(&a.encode()), Some(a));
        assert_eq!(InternalKey::decode(b"short"), None);
    }
}
