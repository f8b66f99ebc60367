//! `TableBuilder`: writes entries in order into a new table file.

use super::block::{push_entry, seal, seal_data, Compression};
use super::filter;
use super::{FOOTER_LEN, MAGIC};
use crate::coding::put_bytes;
use crate::error::{IoContext, Result};
use crate::fs::{Fs, WritableFile};
use crate::key::InternalKey;
use std::path::{Path, PathBuf};

/// What a finished table holds.
#[derive(Clone, Debug)]
pub(crate) struct TableSummary {
    pub(crate) size: u64,
    pub(crate) smallest: InternalKey,
    pub(crate) largest: InternalKey,
}

/// Writes a table. Keys must arrive in strictly increasing internal-key order.
pub(crate) struct TableBuilder {
    path: PathBuf,
    file: Box<dyn WritableFile>,
    block_size: usize,
    compression: Compression,
    offset: u64,
    block: Vec<u8>,
    index: Vec<u8>,
    /// Filter hashes of the user keys added, one per distinct user key.
    hashes: Vec<u64>,
    entries: u64,
    smallest: Option<InternalKey>,
    last: Option<InternalKey>,
}

impl TableBuilder {
    /// Creates the file. Requires: its number is already a pending output (I7).
    pub(crate) fn create(fs: &dyn Fs, path: &Path, block_size: usize, compression: Compression) -> Result<Self> {
        let file = fs.create(path).at(path)?;
        Ok(TableBuilder {
            path: path.to_path_buf(),
            file,
            block_size,
            compression,
            offset: 0,
            block: Vec::with_capacity(block_size + 1024),
            index: Vec::new(),
            hashes: Vec::new(),
            entries: 0,
            smallest: None,
            last: None,
        })
    }

    /// Adds an entry. Panics if keys are out of order: that is a bug in the caller.
    pub(crate) fn add(&mut self, key: &InternalKey, value: &[u8]) -> Result<()> {
        if let Some(last) = &self.last {
            assert!(last < key, "table keys out of order: {last:?} then {key:?}");
            if last.user != key.user {
                self.hashes.push(filter::hash(&key.user));
            }
        } else {
            self.smallest = Some(key.clone());
            self.hashes.push(filter::hash(&key.user));
        }
        push_entry(&mut self.block, &key.encode(), value);
        self.last = Some(key.clone());
        self.entries += 1;
        if self.block.len() >= self.block_size {
            self.flush_block()?;
        }
        Ok(())
    }

    /// Bytes written so far, including the open block.
    pub(crate) fn approximate_size(&self) -> u64 {
        self.offset + self.block.len() as u64
    }

    /// Number of entries added.
    pub(crate) fn entries(&self) -> u64 {
        self.entries
    }

    fn flush_block(&mut self) -> Result<()> {
        if self.block.is_empty() {
            return Ok(());
        }
        seal_data(&mut self.block, self.compression);
        let last = self.last.as_ref().expect("a non-empty block has a last key");
        put_bytes(&mut self.index, &last.encode());
        self.index.extend_from_slice(&self.offset.to_le_bytes());
        self.index.extend_from_slice(&(self.block.len() as u32).to_le_bytes());
        self.file.append(&self.block).at(&self.path)?;
        self.offset += self.block.len() as u64;
        self.block.clear();
        Ok(())
    }

    /// Writes the filter, the index and the footer, handing everything to the OS. Requires: at
    /// least one entry. Does not sync: the caller syncs with [`TableBuilder::sync`] before any MANIFEST edit names the table.
    pub(crate) fn finish(&mut self) -> Result<TableSummary> {
        assert!(self.entries > 0, "an empty table is never written");
        self.flush_block()?;
        let filter_offset = self.offset;
        let mut filter = filter::build(&self.hashes);
        seal(&mut filter);
        self.file.append(&filter).at(&self.path)?;
        let index_offset = filter_offset + filter.len() as u64;
        let mut index = std::mem::take(&mut self.index);
        seal(&mut index);
        self.file.append(&index).at(&self.path)?;
        let mut footer = Vec::with_capacity(FOOTER_LEN);
        footer.extend_from_slice(&index_offset.to_le_bytes());
        footer.extend_from_slice(&(index.len() as u64).to_le_bytes());
        footer.extend_from_slice(&filter_offset.to_le_bytes());
        footer.extend_from_slice(&(filter.len() as u64).to_le_bytes());
        footer.extend_from_slice(&self.entries.to_le_bytes());
        footer.extend_from_slice(&MAGIC.to_le_bytes());
        let crc = crc32c::crc32c(&footer);
        footer.extend_from_slice(&crc.to_le_bytes());
        debug_assert_eq!(footer.len(), FOOTER_LEN);
        self.file.append(&footer).at(&self.path)?;
        self.file.flush().at(&self.path)?;
        Ok(TableSummary {
            size: index_offset + index.len() as u64 + FOOTER_LEN as u64,
            smallest: self.smallest.take().expect("entries > 0"),
            largest: self.last.take().expect("entries > 0"),
        })
    }

    /// Makes the finished table durable.
    pub(crate) fn sync(&mut self) -> Result<()> {
        self.file.sync().at(&self.path)
    }
}
