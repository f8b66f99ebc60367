//! Block encoding: entries followed by a CRC32C of the entries.

use crate::coding::{put_bytes, Reader};
use crate::key::{Entry, InternalKey};

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

/// Decodes a verified data block.
pub(super) fn decode_entries(body: &[u8]) -> Result<Vec<Entry>, &'static str> {
    let mut r = Reader::new(body);
    let mut out = Vec::new();
    while !r.is_empty() {
        let k = r.bytes().ok_or("truncated entry key")?;
        let v = r.bytes().ok_or("truncated entry value")?;
        let key = InternalKey::decode(k).ok_or("malformed internal key")?;
        out.push(Entry { key, value: v.to_vec() });
    }
    Ok(out)
}
