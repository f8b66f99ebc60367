//! SSTables: immutable sorted files of internal keys, with a sparse index and per-block CRC32C.
//!
//! Layout of `NNNNNN.sst`:
//!
//! ```text
//! data block 0 | data block 1 | ... | filter block | index block | footer (52 bytes)
//! block  = payload | type: u8 | crc32c(payload, type): u32
//!          payload = (varint klen | internal key | varint vlen | value)*, Snappy-compressed
//!          if type is 1 (see `Compression`), as is if 0
//! filter = Bloom bits | probes: u8 | crc32c: u32
//! index  = (varint klen | last internal key of block | offset: u64 | size: u32)* | crc32c: u32
//! footer = index offset: u64 | index size: u64 | filter offset: u64 | filter size: u64
//!          | entry count: u64 | magic: u64 | crc32c(first 48 bytes): u32
//! ```
//!
//! The index holds one entry per ~4 KiB data block (the sparse index): a lookup asks the
//! table's Bloom filter ([`filter`]) first, then binary-searches the index and reads one block.
//! Every block is checksummed; damage is `Error::Corruption` naming the file and offset.

mod block;
mod block_cache;
mod builder;
mod cache;
mod filter;
mod iter;
mod reader;

pub use block::Compression;
pub(crate) use block_cache::BlockCache;
pub(crate) use builder::TableBuilder;
pub(crate) use cache::TableCache;
pub(crate) use iter::TableIter;
pub(crate) use reader::Table;

/// Identifies an lsmcheck table ("LSMCHK03": version 2 added the filter block, version 3 a
/// compression type byte in every data block). Version 2 tables are still read.
pub(crate) const MAGIC: u64 = u64::from_le_bytes(*b"LSMCHK03");
/// Version 2: data blocks are entries and a checksum, without a type byte.
pub(crate) const MAGIC_V2: u64 = u64::from_le_bytes(*b"LSMCHK02");
/// Footer length in bytes.
pub(crate) const FOOTER_LEN: usize = 52;

#[cfg(test)]
mod tests;
