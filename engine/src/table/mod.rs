//! SSTables: immutable sorted files of internal keys, with a sparse index and per-block CRC32C.
//!
//! Layout of `NNNNNN.sst`:
//!
//! ```text
//! data block 0 | data block 1 | ... | index block | footer (36 bytes)
//! block  = (varint klen | internal key | varint vlen | value)* | crc32c(entries): u32
//! index  = (varint klen | last internal key of block | offset: u64 | size: u32)* | crc32c: u32
//! footer = index offset: u64 | index size: u64 | entry count: u64 | magic: u64 | crc32c(first 32 bytes): u32
//! ```
//!
//! The index holds one entry per ~4 KiB data block (the sparse index): a lookup binary-searches
//! it and reads one block. Every block is checksummed; damage is `Error::Corruption` naming the
//! file and offset.

mod block;
mod builder;
mod cache;
mod reader;

pub(crate) use builder::TableBuilder;
pub(crate) use cache::TableCache;
pub(crate) use reader::{Table, TableIter};

/// Identifies an lsmcheck table ("LSMCHK01").
pub(crate) const MAGIC: u64 = u64::from_le_bytes(*b"LSMCHK01");
/// Footer length in bytes.
pub(crate) const FOOTER_LEN: usize = 36;
