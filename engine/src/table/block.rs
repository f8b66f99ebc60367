//! Block encoding: entries followed by a CRC32C of the entries.

use crate::coding::{put_bytes, Reader};
use crate::key::{Entry, InternalKey};
use std::cmp::Ordering;

/// Appends one entry to an unfinished block.
pub(super) fn push_entry(block: &mut Vec<u8>, key: &[u8], value: &[u8]) {
    put_bytes(block, key);
    put_bytes(block, value);
}

/// Seals a block by appending its checksum.
pub(super) fn seal(block: &mut Vec<u8>) {
    let crc = crc32c::crc32c(block);
    block.extend_from_slice(&crc.to_le_bytes());
}

/// How a data block's entries are stored (table format 3).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Compression {
    /// As they are (the default, as in our comparison runs).
    #[default]
    None,
    /// Snappy (the `snap` crate's raw format), kept only if it saves at least an eighth, as
    /// LevelDB does.
    Snappy,
}

const PLAIN: u8 = 0;
const SNAPPY: u8 = 1;

/// Seals a data block (format 3): its entries, compressed if that pays, then a type byte and
/// a CRC32C of both.
pub(super) fn seal_data(block: &mut Vec<u8>, compression: Compression) {
    let mut kind = PLAIN;
    if compression == Compression::Snappy {
        let packed = snap::raw::Encoder::new()
            .compress_vec(block)
            .expect("snappy compresses any input below 4 GiB");
        if packed.len() < block.len() - block.len() / 8 {
            *block = packed;
            kind = SNAPPY;
        }
    }
    block.push(kind);
    seal(block);
}

/// Checks a sealed data block (format 3) and returns its entries, uncompressed.
pub(super) fn open_data(mut sealed: Vec<u8>) -> Result<Vec<u8>, &'static str> {
    let len = verify(&sealed)?.len();
    let kind = *sealed[..len].last().ok_or("data block without a type byte")?;
    sealed.truncate(len - 1);
    match kind {
        PLAIN => Ok(sealed),
        SNAPPY => snap::raw::Decoder::new()
            .decompress_vec(&sealed)
            .map_err(|_| "snappy block does not decompress"),
        _ => Err("unknown block compression type"),
    }
}

/// Checks a sealed block's checksum and returns its entry bytes.
pub(super) fn verify(sealed: &[u8]) -> Result<&[u8], &'static str> {
    let split = sealed.len().checked_sub(4).ok_or("block shorter than its checksum")?;
    let (body, crc) = sealed.split_at(split);
    let want = u32::from_le_bytes([crc[0], crc[1], crc[2], crc[3]]);
    if crc32c::crc32c(body) != want {
        return Err("block checksum mismatch");
    }
    Ok(body)
}

/// Where each entry of a verified block starts, checking that every entry is framed and its
/// key well formed, so a cursor can then read any entry without failing.
pub(super) fn entry_starts(body: &[u8]) -> Result<Vec<u32>, &'static str> {
    let mut r = Reader::new(body);
    let mut starts = Vec::new();
    while !r.is_empty() {
        starts.push(r.pos() as u32);
        let k = r.bytes().ok_or("truncated entry key")?;
        r.bytes().ok_or("truncated entry value")?;
        crate::key::split_encoded(k).ok_or("malformed internal key")?;
    }
    Ok(starts)
}

/// The encoded key and the value of the entry at `start` (from [`entry_starts`]).
pub(super) fn entry_at(body: &[u8], start: u32) -> (&[u8], &[u8]) {
    let mut r = Reader::new(&body[start as usize..]);
    let k = r.bytes().expect("entry_starts checked the framing");
    (k, r.bytes().expect("entry_starts checked the framing"))
}

/// Orders the encoded key of a checked entry against `target` (see [`cmp_encoded`]).
pub(super) fn cmp_key(k: &[u8], target: &InternalKey) -> Ordering {
    cmp_encoded(k, target).expect("entry_starts checked the key")
}

/// Orders an encoded internal key against `target` without allocating: user key ascending,
/// then the `seq << 8 | kind` trailer descending. `None` if the key is malformed.
fn cmp_encoded(k: &[u8], target: &InternalKey) -> Option<Ordering> {
    let split = k.len().checked_sub(8)?;
    let trailer = u64::from_le_bytes(k[split..].try_into().ok()?);
    let target_trailer = (target.seq << 8) | target.kind as u64;
    Some(k[..split].cmp(&target.user[..]).then(target_trailer.cmp(&trailer)))
}

/// The first entry of a verified block that is `>= target`, decoding only that one; `None` if
/// every entry is smaller. Point lookups use it instead of decoding the whole block.
pub(super) fn seek(body: &[u8], target: &InternalKey) -> Result<Option<Entry>, &'static str> {
    let mut r = Reader::new(body);
    while !r.is_empty() {
        let k = r.bytes().ok_or("truncated entry key")?;
        let v = r.bytes().ok_or("truncated entry value")?;
        if cmp_encoded(k, target).ok_or("malformed internal key")? != Ordering::Less {
            let key = InternalKey::decode(k).ok_or("malformed internal key")?;
            return Ok(Some(Entry { key, value: v.to_vec() }));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::Kind;

    #[test]
    fn seek_matches_decoding_the_whole_block() {
        let keys = [("a", 5), ("b", 9), ("b", 2), ("c", 1)];
        let mut block = Vec::new();
        for (u, s) in keys {
            push_entry(
                &mut block,
                &InternalKey::new(u.as_bytes().to_vec(), s, Kind::Put).encode(),
                b"v",
            );
        }
        let all: Vec<Entry> = entry_starts(&block)
            .expect("valid block")
            .into_iter()
            .map(|s| {
                let (k, v) = entry_at(&block, s);
                Entry {
                    key: InternalKey::decode(k).expect("key"),
                    value: v.to_vec(),
                }
            })
            .collect();
        for (u, s) in [("a", 9), ("b", 9), ("b", 5), ("b", 1), ("c", 3), ("d", 1), ("", 0)] {
            let target = InternalKey::seek_target(u.as_bytes(), s);
            let want = all.iter().find(|e| e.key >= target).cloned();
            assert_eq!(seek(&block, &target), Ok(want), "target {target:?}");
        }
    }
}
