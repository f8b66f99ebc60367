//! `Table`: an open table file (footer and sparse index in memory).

use super::block::open_data;
use super::block::{seek, verify};
use super::block_cache::BlockCache;
use super::filter::{self, Filter};
use super::{FOOTER_LEN, MAGIC, MAGIC_V2};
use crate::coding::Reader;
use crate::error::{Error, IoContext, Result};
use crate::fs::{Fs, RandomAccessFile};
use crate::key::{Entry, InternalKey};
use crate::sync::Runtime;
use std::path::{Path, PathBuf};

/// One data block's place in the file, keyed by its last internal key.
#[derive(Debug)]
struct IndexEntry {
    last: InternalKey,
    offset: u64,
    size: u32,
}

/// The block cache a table reads through, and the table's file number (its key there).
pub(crate) type CacheHandle<R> = Option<(<R as Runtime>::Arc<BlockCache<R>>, u64)>;

/// An open table. Immutable; shared by readers as `R::Arc<Table<R>>`.
pub(crate) struct Table<R: Runtime> {
    path: PathBuf,
    file: Box<dyn RandomAccessFile>,
    index: Vec<IndexEntry>,
    filter: Filter,
    /// Where the data blocks end (the filter block starts).
    data_end: u64,
    /// Format 3: data blocks carry a compression type byte.
    typed_blocks: bool,
    cache: CacheHandle<R>,
}

impl<R: Runtime> std::fmt::Debug for Table<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Table({}, {} blocks)", self.path.display(), self.index.len())
    }
}

impl<R: Runtime> Table<R> {
    /// The file's size in bytes.
    pub(crate) fn size(&self) -> u64 {
        self.file.size()
    }

    /// The file number its blocks are cached under, if it reads through a block cache.
    pub(crate) fn number(&self) -> Option<u64> {
        self.cache.as_ref().map(|(_, n)| *n)
    }

    /// Opens a table, checking the footer and the index block. Its data blocks are read
    /// through `cache`, if given.
    pub(crate) fn open(fs: &dyn Fs, path: &Path, cache: CacheHandle<R>) -> Result<Self> {
        let file = fs.open(path).at(path)?;
        let size = file.size();
        if size < FOOTER_LEN as u64 {
            return Err(Error::corruption(
                path,
                0,
                format!("file of {size} bytes is too short for a table"),
            ));
        }
        let footer_at = size - FOOTER_LEN as u64;
        let footer = file.read_at(footer_at, FOOTER_LEN).at(path)?;
        let bad = |reason: &str| Error::corruption(path, footer_at, reason.to_string());
        let mut r = Reader::new(&footer);
        let mut field = || r.fixed64().ok_or_else(|| bad("truncated footer"));
        let (index_offset, index_size, filter_offset, filter_size, _entries, magic) =
            (field()?, field()?, field()?, field()?, field()?, field()?);
        let crc = r.fixed32().ok_or_else(|| bad("truncated footer"))?;
        if magic != MAGIC && magic != MAGIC_V2 {
            return Err(bad("bad magic number: not a table (or an older table format)"));
        }
        if crc32c::crc32c(&footer[..FOOTER_LEN - 4]) != crc {
            return Err(bad("footer checksum mismatch"));
        }
        if index_offset.checked_add(index_size) != Some(footer_at) {
            return Err(bad("index block does not end at the footer"));
        }
        if filter_offset.checked_add(filter_size) != Some(index_offset) {
            return Err(bad("filter block does not end at the index block"));
        }
        let raw = file.read_at(filter_offset, filter_size as usize).at(path)?;
        let filter = verify(&raw)
            .and_then(Filter::decode)
            .map_err(|e| Error::corruption(path, filter_offset, e))?;
        let raw = file.read_at(index_offset, index_size as usize).at(path)?;
        let body = verify(&raw).map_err(|e| Error::corruption(path, index_offset, e))?;
        let index = decode_index(body, index_offset).map_err(|e| Error::corruption(path, index_offset, e))?;
        Ok(Table {
            path: path.to_path_buf(),
            file,
            index,
            filter,
            data_end: filter_offset,
            typed_blocks: magic == MAGIC,
            cache,
        })
    }

    /// How many data blocks the table has.
    pub(super) fn blocks(&self) -> usize {
        self.index.len()
    }

    /// Data block `i`'s verified entry bytes: from the block cache, or read from the file,
    /// checked and cached.
    pub(super) fn block_body(&self, i: usize) -> Result<R::Arc<Vec<u8>>> {
        let h = &self.index[i];
        if let Some(body) = self.cache.as_ref().and_then(|(c, n)| c.get(*n, h.offset)) {
            return Ok(body);
        }
        let mut raw = self.file.read_at(h.offset, h.size as usize).at(&self.path)?;
        let corrupt = |e| Error::corruption(&self.path, h.offset, e);
        if self.typed_blocks {
            raw = open_data(raw).map_err(corrupt)?;
        } else {
            raw.truncate(verify(&raw).map_err(corrupt)?.len());
        }
        let body = R::arc_new(raw);
        if let Some((c, n)) = &self.cache {
            c.insert(*n, h.offset, body.clone());
        }
        Ok(body)
    }

    /// A corruption error for data block `i`.
    pub(super) fn corruption(&self, i: usize, reason: &str) -> Error {
        Error::corruption(&self.path, self.index[i].offset, reason)
    }

    /// The first block that can hold keys `>= target`.
    pub(super) fn block_for(&self, target: &InternalKey) -> usize {
        self.index.partition_point(|h| &h.last < target)
    }

    /// About where in the file the entries `>= target` start: the offset of the block that
    /// would hold `target`, or the end of the data blocks if every entry is smaller
    /// (LevelDB's `Table::ApproximateOffsetOf`, read from the index alone).
    pub(crate) fn approximate_offset_of(&self, target: &InternalKey) -> u64 {
        self.index
            .get(self.block_for(target))
            .map_or(self.data_end, |h| h.offset)
    }

    /// The first entry `>= target` if it has the same user key: the newest version of
    /// `target.user` at or below `target.seq`.
    pub(crate) fn get(&self, target: &InternalKey) -> Result<Option<Entry>> {
        if !self.filter.may_contain(filter::hash(&target.user)) {
            return Ok(None);
        }
        let i = self.block_for(target);
        if i == self.index.len() {
            return Ok(None);
        }
        let body = self.block_body(i)?;
        let found = seek(&body, target).map_err(|e| Error::corruption(&self.path, self.index[i].offset, e))?;
        Ok(found.filter(|e| e.key.user == target.user))
    }
}

fn decode_index(body: &[u8], at: u64) -> std::result::Result<Vec<IndexEntry>, String> {
    let mut r = Reader::new(body);
    let mut index = Vec::new();
    while !r.is_empty() {
        let entry = (|| {
            let last = InternalKey::decode(r.bytes()?)?;
            Some(IndexEntry {
                last,
                offset: r.fixed64()?,
                size: r.fixed32()?,
            })
        })();
        let entry = entry.ok_or_else(|| format!("malformed index entry at index offset {}", r.pos()))?;
        if entry
            .offset
            .checked_add(u64::from(entry.size))
            .is_none_or(|end| end > at)
        {
            return Err("index points past the data blocks".into());
        }
        index.push(entry);
    }
    Ok(index)
}
