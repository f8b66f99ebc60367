//! Read-only open (RocksDB's `OpenForReadOnly`): a view of the database that changes no file.
//!
//! It recovers the Version set from the MANIFEST and replays the WALs the MANIFEST does not
//! cover into the memtable, as a normal open does, but writes no table, no WAL, no MANIFEST and
//! no `CURRENT`, deletes nothing (GC is off), takes no lock, and starts no background thread.
//! Writes, flushes and compactions fail with [`Error::ReadOnly`]. A directory without a database
//! is an error, never created. Another process may hold the database open for writing; what
//! this view sees is the state at open.

use super::recover::{self, RecoveryReport};
use super::{Db, DbInner, DbState, Options};
use crate::error::{Error, IoContext, Result};
use crate::events::Env;
use crate::fs::NoLock;
use crate::key::InternalKey;
use crate::sync::{Mutex, Runtime, Std};
use crate::version::VersionSet;
use std::path::Path;

impl Db<Std> {
    /// Opens the database in `dir` read-only, on real files.
    pub fn open_read_only(dir: impl AsRef<Path>, opts: Options) -> Result<Self> {
        Db::open_read_only_with(dir.as_ref(), opts, Env::os())
    }
}

impl<R: Runtime> Db<R> {
    /// Opens the database in `dir` read-only with the given environment, on runtime `R`.
    pub fn open_read_only_with(dir: &Path, opts: Options, env: Env) -> Result<Self> {
        opts.validate()?;
        let names = env.fs.list(dir).at(dir)?;
        let mut kernel = opts.kernel();
        kernel.read_only = true;
        let (vs, found) = VersionSet::<R, DbState<R>>::open(dir, env, kernel.clone(), DbState::fresh(&kernel))?;
        if !found {
            return Err(Error::InvalidArgument(format!(
                "{} holds no database (no CURRENT)",
                dir.display()
            )));
        }
        recover::check_tables_present(&vs, &names)?;
        let mut report = RecoveryReport::default();
        let logs = recover::wals_to_replay(&vs, &names);
        let batches = recover::read_wals(&vs, &logs, opts.paranoid_checks, &mut report)?;
        {
            let mut st = vs.lock();
            let mut last = st.last_sequence();
            for (first, batch) in batches {
                for (i, (kind, key, value)) in batch.ops.into_iter().enumerate() {
                    let seq = first + i as u64;
                    st.ext.mem.insert(InternalKey::new(key, seq, kind), value);
                    last = last.max(seq);
                }
            }
            st.set_last_sequence(last);
        }
        let inner = R::arc_new(DbInner::new(vs, opts, report, Box::new(NoLock)));
        Ok(Db {
            inner,
            bg_thread: Mutex::new(None),
        })
    }
}
