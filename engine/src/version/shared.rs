//! The Version set's shared state: [`Locked`], everything the state lock guards, and `Shared`,
//! what the set and every [`VersionRef`](super::VersionRef) hold (the state lock, the MANIFEST
//! lock, the table cache and the environment).

use super::{KernelOptions, Version};
use crate::error::{Error, Result};
use crate::events::{Env, FileKind};
use crate::sync::{Condvar, Mutex, Runtime};
use crate::table::TableCache;
use crate::wal::LogWriter;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// State guarded by the state lock. Fields are the kernel's; `ext` is the embedder's.
pub struct Locked<R: Runtime, X> {
    pub(crate) current: R::Arc<Version<R>>,
    /// Every Version with a reference, by id; `current` included.
    pub(crate) live: BTreeMap<u64, R::Arc<Version<R>>>,
    /// Numbers of files being written that no Version lists yet (I7).
    pub(crate) pending_outputs: BTreeSet<u64>,
    /// Files a GC pass is unlinking right now.
    pub(crate) purging: BTreeSet<(FileKind, u64)>,
    pub(crate) next_file_number: u64,
    pub(crate) last_sequence: u64,
    pub(crate) log_number: u64,
    pub(crate) prev_log_number: u64,
    pub(crate) manifest_number: u64,
    pub(super) next_version_id: u64,
    /// Set once by the first failed background write; stops GC and writes (I8).
    pub(crate) bg_error: Option<Error>,
    /// The embedder's state.
    pub ext: X,
}

impl<R: Runtime, X> std::fmt::Debug for Locked<R, X> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Locked")
            .field("current", &self.current.id)
            .field("live", &self.live.keys().collect::<Vec<_>>())
            .field("pending_outputs", &self.pending_outputs)
            .field("next_file_number", &self.next_file_number)
            .field("last_sequence", &self.last_sequence)
            .finish_non_exhaustive()
    }
}

impl<R: Runtime, X> Locked<R, X> {
    /// A fresh file number (I10: never reused).
    pub fn new_file_number(&mut self) -> u64 {
        let n = self.next_file_number;
        self.next_file_number += 1;
        n
    }
    /// Registers a file number as a pending output. Requires: before the file is created (I7).
    pub fn add_pending_output(&mut self, number: u64) {
        assert!(
            self.pending_outputs.insert(number),
            "file {number} is already a pending output"
        );
    }
    /// Releases a pending output. Requires: the file is listed by `current`, or its job failed.
    pub fn remove_pending_output(&mut self, number: u64) {
        assert!(
            self.pending_outputs.remove(&number),
            "file {number} was not a pending output"
        );
    }
    /// Releases every pending output in `numbers` (a job's own, see `DbInner::new_table`) and
    /// empties it. Requires: each is a pending output, and is listed by `current` or its job
    /// failed.
    pub fn release_pending_outputs(&mut self, numbers: &mut Vec<u64>) {
        for n in numbers.drain(..) {
            self.remove_pending_output(n);
        }
    }
    /// The last sequence number visible to new readers.
    pub fn last_sequence(&self) -> u64 {
        self.last_sequence
    }
    /// Publishes writes up to `seq`. Requires: they are all in the memtable (I11).
    pub fn set_last_sequence(&mut self, seq: u64) {
        assert!(
            seq >= self.last_sequence,
            "last sequence moved backwards: {} -> {seq}",
            self.last_sequence
        );
        self.last_sequence = seq;
    }
    /// The current Version (borrowed; pin it with [`VersionSet::pin_current`](super::VersionSet::pin_current)).
    pub fn current(&self) -> &Version<R> {
        &self.current
    }
    /// The latched background error, if any.
    pub fn bg_error(&self) -> Option<&Error> {
        self.bg_error.as_ref()
    }
    /// `Err(Error::Background(..))` if a background error is latched (I8): every write, flush
    /// and MANIFEST edit stops here until reopen.
    pub fn check_bg_error(&self) -> Result<()> {
        match &self.bg_error {
            Some(e) => Err(Error::Background(Box::new(e.duplicate()))),
            None => Ok(()),
        }
    }
    /// WALs older than this are obsolete.
    pub fn log_number(&self) -> u64 {
        self.log_number
    }
}

pub(crate) struct Shared<R: Runtime, X: Send + 'static> {
    pub(crate) dir: PathBuf,
    pub(crate) env: Env,
    /// Boxed to keep `Shared` under 1 KiB: glibc's allocator consolidates its free lists on
    /// every larger request, which showed in the harness's profile (one `Shared` per open).
    pub(crate) tables: Box<TableCache<R>>,
    pub(crate) opts: KernelOptions,
    pub(super) state: Mutex<R, Locked<R, X>>,
    /// Serializes `log_and_apply` (I5) and owns the open MANIFEST.
    pub(super) manifest: Mutex<R, Option<LogWriter>>,
    /// Signalled when background work may be needed or has finished; waits on `state`.
    pub(crate) cv: Condvar<R>,
}

impl<R: Runtime, X: Send + 'static> Shared<R, X> {
    pub(crate) fn lock(&self) -> R::Guard<'_, Locked<R, X>> {
        self.state.lock()
    }
}
