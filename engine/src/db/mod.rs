//! `Db`: the public database handle, and the state it keeps under the Version set's lock.
//!
//! Locks, in acquisition order: `writer` (serializes writers, owns the WAL), `bg_work`
//! (serializes flushes and compactions), the MANIFEST lock inside `log_and_apply`, and the
//! state lock (the Version set's, which also guards [`DbState`]). A thread never takes an
//! earlier lock while holding a later one, and never drops a Version reference while holding
//! the state lock.

mod background;
mod compaction;
mod cursor;
mod group;
mod iter;
mod mutated;
mod open;
mod options;
mod properties;
mod read;
mod read_only;
mod recover;
mod stats;
mod tables;
mod write;

pub use cursor::DbCursor;
pub use iter::DbIter;
pub use options::{Background, Options};
pub use properties::TableProperties;
pub use read::{ReadInfo, Snapshot};
pub use recover::{Dropped, RecoveryReport};
pub use stats::{LevelStats, LiveFile, Stats};
pub use write::WriteOptions;

use crate::memtable::Memtable;
use crate::sync::{Condvar, Mutex, Runtime, Std};
use crate::version::{KernelOptions, VersionSet};
use crate::wal::LogWriter;
use std::collections::BTreeMap;

/// What one call of [`Db::step_background`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Work {
    /// Nothing was needed.
    Idle,
    /// The immutable memtable was flushed to L0.
    Flushed,
    /// One compaction ran (or one file was moved down a level).
    Compacted,
}

/// The DB's state under the Version set's state lock.
#[derive(Debug)]
pub(crate) struct DbState<R: Runtime> {
    /// The memtable receiving writes.
    pub(crate) mem: R::Arc<Memtable<R>>,
    /// The memtable being flushed, if any. Cleared in the critical section that installs the
    /// Version holding its L0 table (I9).
    pub(crate) imm: Option<R::Arc<Memtable<R>>>,
    /// The WAL of `mem`.
    pub(crate) wal_number: u64,
    /// Live snapshots: sequence -> count.
    pub(crate) snapshots: BTreeMap<u64, usize>,
    /// Where the next size-triggered compaction of each level starts (LevelDB's compact pointer).
    pub(crate) compact_pointer: Vec<Option<Vec<u8>>>,
    /// Set by `close`.
    pub(crate) shutting_down: bool,
}

impl<R: Runtime> DbState<R> {
    /// The state of a database just opened: an empty memtable, nothing else.
    pub(crate) fn fresh(opts: &KernelOptions) -> Self {
        DbState {
            mem: R::arc_new(Memtable::new(opts)),
            imm: None,
            wal_number: 0,
            snapshots: BTreeMap::new(),
            compact_pointer: vec![None; crate::version::NUM_LEVELS],
            shutting_down: false,
        }
    }
}

pub(crate) type Vs<R> = VersionSet<R, DbState<R>>;

/// Proof that the caller holds the `bg_work` lock.
#[derive(Debug)]
pub(crate) struct BgWork;

/// Everything shared by the handle, its iterators, snapshots and the background thread.
pub(crate) struct DbInner<R: Runtime> {
    pub(crate) vs: Vs<R>,
    pub(crate) opts: Options,
    /// The WAL writer; `None` once closed. The leader of a write group holds it while it
    /// commits; a flush and `close` take it too.
    pub(crate) writer: Mutex<R, Option<LogWriter>>,
    /// Writes waiting to commit (group commit), and the condition its waiters wait on.
    pub(crate) queue: Mutex<R, group::WriteQueue>,
    pub(crate) queue_cv: Condvar<R>,
    pub(crate) bg_work: Mutex<R, BgWork>,
    /// What the open that made this handle dropped from damaged WALs.
    pub(crate) recovery: recover::RecoveryReport,
    /// The `LOCK` file's lock, held while the database is open.
    pub(crate) _lock: Box<dyn crate::fs::FileLock>,
}

impl<R: Runtime> DbInner<R> {
    /// The shared state of a database just opened, with no WAL open yet.
    pub(crate) fn new(
        vs: Vs<R>,
        opts: Options,
        recovery: recover::RecoveryReport,
        lock: Box<dyn crate::fs::FileLock>,
    ) -> Self {
        DbInner {
            vs,
            opts,
            writer: Mutex::new(None),
            queue: Mutex::new(group::WriteQueue::default()),
            queue_cv: Condvar::new(),
            bg_work: Mutex::new(BgWork),
            recovery,
            _lock: lock,
        }
    }

    /// Fails with [`crate::Error::ReadOnly`] if the database was opened read-only.
    pub(crate) fn check_writable(&self) -> crate::Result<()> {
        match self.vs.options().read_only {
            true => Err(crate::Error::ReadOnly),
            false => Ok(()),
        }
    }
}

impl<R: Runtime> std::fmt::Debug for DbInner<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DbInner({:?})", self.vs)
    }
}

/// An LSM database. `Db` is `Db<Std>`; models use `Db<Loom>` or `Db<Shuttle>`.
///
/// Share it between threads by reference or inside an `Arc`. Dropping it closes it.
pub struct Db<R: Runtime = Std> {
    pub(crate) inner: R::Arc<DbInner<R>>,
    bg_thread: Mutex<R, Option<crate::sync::JoinHandle<R, ()>>>,
}

impl<R: Runtime> std::fmt::Debug for Db<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Db<{}>({})", R::NAME, self.inner.vs.dir().display())
    }
}

impl<R: Runtime> Db<R> {
    /// The Version set (for harnesses and stats).
    pub fn versions(&self) -> &VersionSet<R, impl Send + 'static> {
        &self.inner.vs
    }

    /// Stops the background thread and closes the WAL. Reads through existing iterators and
    /// snapshots keep working; new operations fail with `Error::Closed`.
    pub fn close(self) -> crate::Result<()> {
        self.shutdown()
    }

    fn shutdown(&self) -> crate::Result<()> {
        {
            let mut st = self.inner.vs.lock();
            st.ext.shutting_down = true;
        }
        self.inner.vs.notify_all();
        if let Some(h) = self.bg_thread.lock().take() {
            if let Err(panic) = h.join() {
                std::panic::resume_unwind(panic);
            }
        }
        let wal = self.inner.writer.lock().take();
        match wal {
            Some(mut w) => w.sync(),
            None => Ok(()),
        }
    }
}

impl<R: Runtime> Drop for Db<R> {
    fn drop(&mut self) {
        if !crate::sync::panicking() {
            // An error syncing the WAL at drop has no one to report to; `close` reports it.
            let _ = self.shutdown();
        }
    }
}
