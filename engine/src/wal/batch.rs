//! `WriteBatch`: several puts and deletes applied atomically, and its WAL encoding.
//!
//! Encoding: `first_seq: u64 | count: u32 | (kind: u8 | key | [value])*`, byte strings
//! length-prefixed. The batch occupies sequences `first_seq .. first_seq + count`.

use crate::coding::{put_bytes, Reader};
use crate::key::Kind;

/// An ordered list of updates applied all-or-nothing by `Db::write`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WriteBatch {
    pub(crate) ops: Vec<(Kind, Vec<u8>, Vec<u8>)>,
}

impl WriteBatch {
    /// An empty batch.
    pub fn new() -> Self {
        Self::default()
    }
    /// Adds a put.
    pub fn put(&mut self, key: impl Into<Vec<u8>>, value: impl Into<Vec<u8>>) -> &mut Self {
        self.ops.push((Kind::Put, key.into(), value.into()));
        self
    }
    /// Adds a delete.
    pub fn delete(&mut self, key: impl Into<Vec<u8>>) -> &mut Self {
        self.ops.push((Kind::Delete, key.into(), Vec::new()));
        self
    }
    /// Number of updates.
    pub fn len(&self) -> usize {
        self.ops.len()
    }
    /// True if there are no updates.
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }
    /// Appends `other`'s updates after this batch's (a write group's merged batch).
    pub(crate) fn append(&mut self, other: WriteBatch) {
        self.ops.extend(other.ops);
    }
    /// Approximate encoded size in bytes.
    pub(crate) fn approximate_size(&self) -> usize {
        self.ops.iter().map(|(_, k, v)| k.len() + v.len() + 8).sum::<usize>() + 12
    }

    /// Encodes with `first_seq` as the sequence of the first update.
    pub(crate) fn encode(&self, first_seq: u64) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.approximate_size());
        out.extend_from_slice(&first_seq.to_le_bytes());
        out.extend_from_slice(&(self.ops.len() as u32).to_le_bytes());
        for (kind, k, v) in &self.ops {
            out.push(*kind as u8);
            put_bytes(&mut out, k);
            if *kind == Kind::Put {
                put_bytes(&mut out, v);
            }
        }
        out
    }

    /// Decodes a WAL record into `(first_seq, batch)`; `None` if malformed.
    pub(crate) fn decode(rec: &[u8]) -> Option<(u64, WriteBatch)> {
        let mut r = Reader::new(rec);
        let first_seq = r.fixed64()?;
        let count = r.fixed32()?;
        let mut ops = Vec::new();
        for _ in 0..count {
            let kind = match r.u8()? {
                0 => Kind::Delete,
                1 => Kind::Put,
                _ => return None,
            };
            let key = r.bytes()?.to_vec();
            let value = if kind == Kind::Put {
                r.bytes()?.to_vec()
            } else {
                Vec::new()
            };
            ops.push((kind, key, value));
        }
        r.is_empty().then_some((first_seq, WriteBatch { ops }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_round_trips_and_rejects_truncation() {
        let mut b = WriteBatch::new();
        b.put("a", "1").delete("b");
        let enc = b.encode(42);
        assert_eq!(WriteBatch::decode(&enc), Some((42, b)));
        assert_eq!(WriteBatch::decode(&enc[..enc.len() - 1]), None);
    }
}
