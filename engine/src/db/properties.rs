//! `TableProperties`: what one table holds, counted by reading it (RocksDB's `sst_dump`).

use super::Db;
use crate::error::{Error, Result};
use crate::iter::Forward;
use crate::iter::TableOpener;
use crate::key::Kind;
use crate::sync::Runtime;
use crate::table::TableIter;

/// Counts over one table's entries.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TableProperties {
    /// Entries (values and tombstones).
    pub entries: u64,
    /// Tombstones among them.
    pub tombstones: u64,
    /// The smallest and largest sequence numbers in the table.
    pub sequences: Option<(u64, u64)>,
}

impl<R: Runtime> Db<R> {
    /// Reads table `number` of the current Version to its end and counts what it holds. An
    /// error if no live Version lists it; corruption names the file and offset.
    pub fn table_properties(&self, number: u64) -> Result<TableProperties> {
        let version = {
            let st = self.inner.vs.lock();
            self.inner.vs.pin_current(&st)
        };
        let file = version.levels().iter().flatten().find(|f| f.number == number).cloned();
        let file = file.ok_or_else(|| Error::InvalidArgument(format!("table {number} is not live")))?;
        let mut it = Forward::from_first(TableIter::<R>::new(version.open(&file)?));
        let mut p = TableProperties::default();
        while let Some(e) = it.next_entry()? {
            p.entries += 1;
            p.tombstones += u64::from(e.key.kind == Kind::Delete);
            let (lo, hi) = p.sequences.unwrap_or((e.key.seq, e.key.seq));
            p.sequences = Some((lo.min(e.key.seq), hi.max(e.key.seq)));
        }
        Ok(p)
    }
}
