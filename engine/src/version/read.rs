//! Reading through a Version: point lookups and the per-level iterators.

use super::shared::Shared;
use super::{file_for, FileMeta, VersionRef};
use crate::error::Result;
use crate::events::{Event, FileKind};
use crate::filename;
use crate::iter::{InternalIter, LevelIter, TableOpener};
use crate::key::{InternalKey, Kind};
use crate::memtable::Lookup;
use crate::sync::Runtime;
use crate::table::Table;

/// Opens table `file` for a reader of Version `version`. The read is announced before the
/// table is touched, so an observer can name the pinned Version if the access fails.
pub(super) fn open_table<R: Runtime, X: Send + 'static>(
    shared: &Shared<R, X>,
    version: u64,
    file: &FileMeta,
) -> Result<R::Arc<Table<R>>> {
    let number = file.number;
    shared.env.emit(|| Event::TableRead { number, version });
    let path = filename::path(&shared.dir, FileKind::Table, number);
    let (table, opened) = shared.tables.get(&*shared.env.fs, &path, number)?;
    if opened {
        shared.env.emit(|| Event::TableOpened { number, version });
    }
    Ok(table)
}

/// The newest entry for `user` with sequence `<= seq` in `levels`: L0 newest file first, then
/// one file per deeper level.
pub(super) fn lookup<R: Runtime, O: TableOpener<R>>(
    levels: &[Vec<FileMeta>],
    opener: &O,
    user: &[u8],
    seq: u64,
) -> Result<Lookup> {
    let target = InternalKey::seek_target(user, seq);
    let l0 = levels[0].iter().rev().filter(|f| f.overlaps(Some(user), Some(user)));
    let deeper = levels.iter().skip(1).filter_map(|files| file_for(files, user));
    for file in l0.chain(deeper) {
        if let Some(e) = opener.open(file)?.get(&target)? {
            return Ok(match e.key.kind {
                Kind::Put => Lookup::Value(e.value),
                Kind::Delete => Lookup::Deleted,
            });
        }
    }
    Ok(Lookup::Absent)
}

impl<R: Runtime, X: Send + 'static> TableOpener<R> for VersionRef<R, X> {
    fn open(&self, file: &FileMeta) -> Result<R::Arc<Table<R>>> {
        self.track.read();
        open_table(self.shared(), self.id, file)
    }
}

impl<R: Runtime, X: Send + 'static> VersionRef<R, X> {
    /// The newest entry for `user` with sequence `<= seq` in this Version's tables.
    pub fn get(&self, user: &[u8], seq: u64) -> Result<Lookup> {
        lookup(self.levels(), self, user, seq)
    }

    /// About how many bytes of this Version's tables hold keys before `user` (LevelDB's
    /// `VersionSet::ApproximateOffsetOf`): whole files that end before it, plus the offset of
    /// `user` inside the files that span it, from their index blocks.
    pub fn approximate_offset_of(&self, user: &[u8]) -> Result<u64> {
        let key = InternalKey::seek_target(user, crate::key::MAX_SEQUENCE);
        let mut total = 0;
        for f in self.levels().iter().flatten() {
            if f.largest.user.as_slice() < user {
                total += f.size;
            } else if f.overlaps(Some(user), Some(user)) {
                total += self.open(f)?.approximate_offset_of(&key);
            }
        }
        Ok(total)
    }

    /// One cursor per L0 file (newest first), then one per non-empty deeper level. Each holds
    /// its own reference to this Version.
    pub(crate) fn iterators(&self) -> Vec<Box<dyn InternalIter>> {
        let mut out: Vec<Box<dyn InternalIter>> = Vec::new();
        for f in self.files(0).iter().rev() {
            out.push(Box::new(LevelIter::new(self.clone(), vec![f.clone()])));
        }
        for files in self.levels().iter().skip(1).filter(|fs| !fs.is_empty()) {
            out.push(Box::new(LevelIter::new(self.clone(), files.clone())));
        }
        out
    }
}
