//! `Stats`: levels, files, live Versions with their reference counts, pending outputs.

use super::Db;
use crate::sync::Runtime;
use std::fmt;

/// One level's files as `(number, size)`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LevelStats {
    /// `(file number, bytes)` in level order.
    pub files: Vec<(u64, u64)>,
}

impl LevelStats {
    /// Total bytes.
    pub fn bytes(&self) -> u64 {
        self.files.iter().map(|f| f.1).sum()
    }
}

/// One table file of the current Version (RocksDB's `GetLiveFilesMetaData`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiveFile {
    /// Its level.
    pub level: usize,
    /// Its file number.
    pub number: u64,
    /// Its size in bytes.
    pub size: u64,
    /// Its first entry's key.
    pub smallest: crate::key::InternalKey,
    /// Its last entry's key.
    pub largest: crate::key::InternalKey,
}

/// A consistent snapshot of the database's shape, taken under the state lock.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stats {
    /// Per level, L0 first.
    pub levels: Vec<LevelStats>,
    /// Id of the current Version.
    pub current_version: u64,
    /// Live Versions as `(id, refs)`; `current`'s count includes its own reference.
    pub live_versions: Vec<(u64, u64)>,
    /// File numbers being written that no Version lists yet.
    pub pending_outputs: Vec<u64>,
    /// Last published sequence number.
    pub last_sequence: u64,
    /// Approximate bytes in the active memtable.
    pub memtable_bytes: u64,
    /// True if a memtable is waiting to be flushed.
    pub has_imm: bool,
    /// The latched background error, if any.
    pub background_error: Option<String>,
}

impl<R: Runtime> Db<R> {
    /// Every table of the current Version, level by level, in level order.
    pub fn live_files(&self) -> Vec<LiveFile> {
        let st = self.inner.vs.lock();
        let levels = st.current().levels();
        let files = levels
            .iter()
            .enumerate()
            .flat_map(|(level, fs)| fs.iter().map(move |f| (level, f)));
        files
            .map(|(level, f)| LiveFile {
                level,
                number: f.number,
                size: f.size,
                smallest: f.smallest.clone(),
                largest: f.largest.clone(),
            })
            .collect()
    }

    /// About how many bytes of table files hold keys in `[lo, hi)` (LevelDB's
    /// `GetApproximateSizes`): computed from the index blocks of the current Version's tables;
    /// data still in the memtables is not counted.
    pub fn approximate_size(&self, lo: &[u8], hi: &[u8]) -> crate::Result<u64> {
        let version = {
            let st = self.inner.vs.lock();
            self.inner.vs.pin_current(&st)
        };
        let start = version.approximate_offset_of(lo)?;
        let end = version.approximate_offset_of(hi)?;
        Ok(end.saturating_sub(start))
    }

    /// The database's shape right now.
    pub fn stats(&self) -> Stats {
        let st = self.inner.vs.lock();
        let levels = st
            .current()
            .levels()
            .iter()
            .map(|fs| LevelStats {
                files: fs.iter().map(|f| (f.number, f.size)).collect(),
            })
            .collect();
        Stats {
            levels,
            current_version: st.current().id,
            live_versions: st
                .live
                .values()
                .map(|v| (v.id, v.refs.load(crate::sync::Ordering::Relaxed)))
                .collect(),
            pending_outputs: st.pending_outputs.iter().copied().collect(),
            last_sequence: st.last_sequence(),
            memtable_bytes: st.ext.mem.approximate_bytes(),
            has_imm: st.ext.imm.is_some(),
            background_error: st.bg_error().map(|e| e.to_string()),
        }
    }
}

impl fmt::Display for Stats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "level  files        bytes")?;
        for (l, s) in self.levels.iter().enumerate() {
            writeln!(f, "L{l}     {:>5} {:>12}", s.files.len(), s.bytes())?;
        }
        for (l, s) in self.levels.iter().enumerate().filter(|(_, s)| !s.files.is_empty()) {
            let list: Vec<String> = s.files.iter().map(|(n, b)| format!("{n}:{b}")).collect();
            writeln!(f, "L{l} files: {}", list.join(" "))?;
        }
        let versions: Vec<String> = self
            .live_versions
            .iter()
            .map(|(id, r)| format!("v{id}(refs={r})"))
            .collect();
        writeln!(f, "current version: v{}", self.current_version)?;
        writeln!(f, "live versions: {}", versions.join(" "))?;
        writeln!(f, "pending outputs: {:?}", self.pending_outputs)?;
        writeln!(f, "last sequence: {}", self.last_sequence)?;
        write!(
            f,
            "memtable: {} bytes, immutable memtable: {}",
            self.memtable_bytes,
            if self.has_imm { "yes" } else { "no" }
        )?;
        if let Some(e) = &self.background_error {
            write!(f, "\nbackground error: {e}")?;
        }
        Ok(())
    }
}
