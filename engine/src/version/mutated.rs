//! Mutant-only variants of the Version lifecycle's code, kept off the real paths: they need the
//! lifecycle's private parts, so they live beside it rather than in `crate::mutants`. Nothing
//! here runs unless its mutant is chosen (`KernelOptions::mutated`); cargo-mutants skips the
//! file (the gate's kill matrix checks it).

use super::read::{lookup, open_table};
use super::shared::Shared;
use super::{FileMeta, VersionRef};
use crate::error::Result;
use crate::iter::{InternalIter, LevelIter, TableOpener};
use crate::memtable::Lookup;
use crate::sync::Runtime;
use crate::table::Table;

impl<R: Runtime, X: Send + 'static> VersionRef<R, X> {
    /// Mutant M01 only: the file lists of this Version with the reference dropped.
    pub(crate) fn into_unpinned(self) -> Unpinned<R, X> {
        Unpinned {
            shared: self.shared_arc(),
            version: self.id,
            levels: self.levels().to_vec(),
        }
    }
}

/// A copy of a Version's file lists held *without* a reference: what a reader that skipped
/// its `Ref` holds (mutant M01). Nothing keeps its files on disk.
pub(crate) struct Unpinned<R: Runtime, X: Send + 'static> {
    shared: R::Arc<Shared<R, X>>,
    version: u64,
    levels: Vec<Vec<FileMeta>>,
}

impl<R: Runtime, X: Send + 'static> Clone for Unpinned<R, X> {
    fn clone(&self) -> Self {
        Unpinned {
            shared: self.shared.clone(),
            version: self.version,
            levels: self.levels.clone(),
        }
    }
}

impl<R: Runtime, X: Send + 'static> TableOpener<R> for Unpinned<R, X> {
    fn open(&self, file: &FileMeta) -> Result<R::Arc<Table<R>>> {
        open_table(&self.shared, self.version, file)
    }
}

impl<R: Runtime, X: Send + 'static> Unpinned<R, X> {
    /// Like [`VersionRef::iterators`], holding no reference (mutant M01, iterator form).
    pub(crate) fn iterators(&self) -> Vec<Box<dyn InternalIter>> {
        let opener = || Unpinned::<R, X> {
            shared: self.shared.clone(),
            version: self.version,
            levels: Vec::new(),
        };
        let mut out: Vec<Box<dyn InternalIter>> = Vec::new();
        for f in self.levels[0].iter().rev() {
            out.push(Box::new(LevelIter::new(opener(), vec![f.clone()])));
        }
        for files in self.levels.iter().skip(1).filter(|fs| !fs.is_empty()) {
            out.push(Box::new(LevelIter::new(opener(), files.clone())));
        }
        out
    }
    /// Like [`VersionRef::get`], unprotected.
    pub(crate) fn get(&self, user: &[u8], seq: u64) -> Result<Lookup> {
        lookup(&self.levels, self, user, seq)
    }
}

impl<R: Runtime, X: Send + 'static> Shared<R, X> {
    /// Mutant M17: the live set and the listing come from two critical sections.
    pub(super) fn remove_obsolete_files_listing_unlocked(&self) {
        let live = {
            let st = self.lock();
            if st.bg_error.is_some() {
                return;
            }
            self.announce_pass(&st);
            self.live_set(&st)
        };
        let Ok(names) = self.env.fs.list(&self.dir) else { return };
        let doomed = {
            let mut st = self.lock();
            self.classify(&mut st, &live, names)
        };
        self.purge(doomed);
    }
}
