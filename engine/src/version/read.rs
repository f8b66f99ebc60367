//! Reading through a pinned Version: point lookups and the per-level iterators.

use super::{FileMeta, VersionRef};
use crate::error::Result;
use crate::events::{Event, FileKind};
use crate::filename;
use crate::iter::{InternalIter, LevelIter};
use crate::key::{InternalKey, Kind};
use crate::memtable::Lookup;
use crate::sync::Runtime;
use crate::table::Table;

impl<R: Runtime, X: Send + 'static> VersionRef<R, X> {
    /// The open table for `file`, which this Version lists. Records the open and the read
    /// against this pin.
    pub(crate) fn table(&self, file: &FileMeta) -> Result<R::Arc<Table>> {
        let shared = self.shared();
        let path = filename::path(&shared.dir, FileKind::Table, file.number);
        let (table, opened) = shared.tables.get(&*shared.env.fs, &path, file.number)?;
        let (number, version) = (file.number, self.id);
        if opened {
            shared.env.emit(|| Event::TableOpened { number, version });
        }
        shared.env.emit(|| Event::TableRead { number, version });
        Ok(table)
    }

    /// The newest entry for `user` with sequence `<= seq` in this Version's tables: L0 newest
    /// file first, then one file per deeper level.
    pub fn get(&self, user: &[u8], seq: u64) -> Result<Lookup> {
        let target = InternalKey::seek_target(user, seq);
        let l0 = self
            .files(0)
            .iter()
            .rev()
            .filter(|f| f.overlaps(Some(user), Some(user)));
        let deeper = (1..self.levels().len()).filter_map(|l| self.file_for(l, user));
        for file in l0.chain(deeper) {
            if let Some(e) = self.table(file)?.get(&target)? {
                return Ok(match e.key.kind {
                    Kind::Put => Lookup::Value(e.value),
                    Kind::Delete => Lookup::Deleted,
                });
            }
        }
        Ok(Lookup::Absent)
    }

    /// One iterator per L0 file (newest first), then one per non-empty deeper level, each
    /// positioned at `start`. Each holds its own reference to this Version.
    pub(crate) fn iterators(&self, start: &InternalKey) -> Vec<Box<dyn InternalIter>> {
        let mut out: Vec<Box<dyn InternalIter>> = Vec::new();
        for f in self.files(0).iter().rev() {
            out.push(Box::new(LevelIter::new(self.clone(), vec![f.clone()], start.clone())));
        }
        for files in self.levels().iter().skip(1).filter(|fs| !fs.is_empty()) {
            out.push(Box::new(LevelIter::new(self.clone(), files.clone(), start.clone())));
        }
        out
    }
}
