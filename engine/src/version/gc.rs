//! Obsolete-file GC: delete a file only if no live Version lists it and it is not pending.
//!
//! Collection runs under the state lock and computes the live set and the directory listing in
//! the same critical section (I6); the unlinks run with the lock released. A file being unlinked
//! is recorded in `purging`, so a second GC pass that lists it meanwhile leaves it alone (the fix
//! for RocksDB #3573). Nothing is collected after a background error (I8).

use super::shared::{Locked, Shared};
use super::Version;
use crate::events::{Event, FileKind};
use crate::filename;
use crate::mutants::Mutant;
use crate::sync::Runtime;
use std::collections::BTreeSet;

impl<R: Runtime, X: Send + 'static> Shared<R, X> {
    /// Numbers no GC pass may delete now: pending outputs and every file of every live
    /// Version. Requires: state lock held (`st` is its guard).
    pub(super) fn live_set(&self, st: &Locked<R, X>) -> BTreeSet<u64> {
        let mut live: BTreeSet<u64> = st.pending_outputs.clone();
        let versions: Vec<&R::Arc<Version<R>>> = if self.opts.mutated(Mutant::GcLiveSetFromCurrentOnly) {
            vec![&st.current] // mutant M26: Versions that readers pin are ignored
        } else {
            st.live.values().collect()
        };
        for v in versions {
            live.extend(v.levels().iter().flatten().map(|f| f.number));
        }
        debug_assert!(st.live.contains_key(&st.current.id), "current is always live");
        live
    }

    /// Of the directory entries `names`, the files to delete now, marked as being purged.
    /// Requires: state lock held, and `live` and `names` computed under it without a break (I6).
    pub(super) fn classify(
        &self,
        st: &mut Locked<R, X>,
        live: &BTreeSet<u64>,
        names: Vec<String>,
    ) -> Vec<(FileKind, u64)> {
        let mut doomed = Vec::new();
        for name in names {
            let Some((kind, number)) = filename::parse(&name) else {
                continue;
            };
            let keep = match kind {
                FileKind::Log => number >= st.log_number || number == st.prev_log_number,
                FileKind::Manifest => number >= st.manifest_number,
                FileKind::Table | FileKind::Temp => live.contains(&number),
            };
            if keep {
                continue;
            }
            // A file another pass is already unlinking is skipped.
            let fresh = st.purging.insert((kind, number));
            let delete = if self.opts.mutated(Mutant::GcSkipsPurgingFilter) {
                true // mutant M19: two passes both delete it
            } else {
                fresh
            };
            if delete {
                doomed.push((kind, number));
            }
        }
        doomed
    }

    /// The files to delete now, marked as being purged.
    /// Requires: state lock held (`st` is its guard).
    pub(crate) fn collect_obsolete(&self, st: &mut Locked<R, X>) -> Vec<(FileKind, u64)> {
        if st.bg_error.is_some() || self.opts.read_only {
            return Vec::new();
        }
        let live = self.live_set(st);
        self.announce_pass(st);
        // Listed while still holding the lock that computed `live` (I6).
        let Ok(names) = self.env.fs.list(&self.dir) else {
            return Vec::new();
        };
        self.classify(st, &live, names)
    }

    /// Tells the observer a pass computed its live set. Requires: state lock held.
    pub(super) fn announce_pass(&self, st: &Locked<R, X>) {
        self.env.emit(|| Event::GcPass {
            live_versions: st.live.len(),
            pending: st.pending_outputs.len(),
        });
    }

    /// Unlinks collected files. Requires: state lock not held.
    pub(crate) fn purge(&self, doomed: Vec<(FileKind, u64)>) {
        if doomed.is_empty() {
            self.env.emit(|| Event::GcDone);
            return;
        }
        for &(kind, number) in &doomed {
            if kind == FileKind::Table {
                self.tables.evict(number);
            }
            // An unlink error leaves a stray file that the next pass retries; like LevelDB, GC
            // does not fail the operation that triggered it.
            if self.env.fs.remove(&filename::path(&self.dir, kind, number)).is_ok() {
                self.env.emit(|| Event::FileDeleted { kind, number });
            }
        }
        let mut st = self.lock();
        for d in &doomed {
            st.purging.remove(d);
        }
        drop(st);
        self.env.emit(|| Event::GcDone);
    }

    /// One GC pass. Requires: state lock not held.
    pub(crate) fn remove_obsolete_files(&self) {
        if self.opts.mutated(Mutant::GcListsOutsideLock) {
            return self.remove_obsolete_files_listing_unlocked();
        }
        let doomed = {
            let mut st = self.lock();
            self.collect_obsolete(&mut st)
        };
        self.purge(doomed);
    }

    /// Called by the thread that dropped a Version's last reference: unregisters it and runs
    /// GC, since its files may now be obsolete. Requires: state lock not held.
    pub(crate) fn version_died(&self, id: u64) {
        let doomed = {
            let mut st = self.lock();
            let v = st
                .live
                .remove(&id)
                .unwrap_or_else(|| panic!("dead Version {id} was not live"));
            assert!(
                !R::arc_ptr_eq(&v, &st.current),
                "the current Version {id} lost its last reference"
            );
            self.env.emit(|| Event::VersionDropped { id });
            if self.opts.mutated(Mutant::LastUnrefSkipsGc) {
                Vec::new() // mutant: the dead Version's obsolete files stay until some later pass
            } else {
                self.collect_obsolete(&mut st)
            }
        };
        self.purge(doomed);
    }
}
