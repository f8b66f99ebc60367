//! Opening a database: recover the Version set from the MANIFEST, replay the WALs it does not
//! cover into L0 tables, start a new WAL and MANIFEST, collect obsolete files.
//!
//! Recovery only reads until every WAL has been decoded, so a corrupt file stops `open` with an
//! error before anything is written or deleted. A directory left by a crash during the very
//! first open (no `CURRENT` yet, so no write was ever acknowledged) is opened as a new database.

use super::recover::{self, RecoveryReport};
use super::{Background, Db, DbInner, DbState, Options};
use crate::error::{Error, IoContext, Result};
use crate::events::Env;
use crate::filename;
use crate::sync::{Mutex, Runtime, Std};
use crate::version::VersionSet;
use std::path::Path;

impl Db<Std> {
    /// Opens (or creates) the database in `dir` on real files and OS threads.
    pub fn open(dir: impl AsRef<Path>, opts: Options) -> Result<Self> {
        Db::open_with(dir.as_ref(), opts, Env::os())
    }
}

impl<R: Runtime> Db<R> {
    /// Opens (or creates) the database in `dir` with the given environment, on runtime `R`.
    pub fn open_with(dir: &Path, opts: Options, env: Env) -> Result<Self> {
        opts.validate()?;
        if !env.fs.exists(dir) {
            if !opts.create_if_missing {
                return Err(Error::InvalidArgument(format!(
                    "database directory {} does not exist",
                    dir.display()
                )));
            }
            env.fs.create_dir_all(dir).at(dir)?;
        }
        let lock_path = dir.join(filename::LOCK);
        let lock = env.fs.lock(&lock_path).at(&lock_path)?;
        let names = env.fs.list(dir).at(dir)?;
        let (vs, found) = VersionSet::<R, DbState<R>>::open(dir, env, opts.kernel(), DbState::fresh(&opts.kernel()))?;
        if found {
            if opts.error_if_exists {
                return Err(Error::InvalidArgument(format!(
                    "database {} already exists",
                    dir.display()
                )));
            }
            recover::check_tables_present(&vs, &names)?;
        } else {
            if !opts.create_if_missing {
                return Err(Error::InvalidArgument(format!(
                    "{} holds no database (no CURRENT) and create_if_missing is off",
                    dir.display()
                )));
            }
            recover::adopt_first_open_leftovers(&vs, &names)?;
        }
        recover::reserve_numbers(&vs, &names);
        let mut report = RecoveryReport::default();
        let logs = recover::wals_to_replay(&vs, &names);
        let batches = recover::read_wals(&vs, &logs, opts.paranoid_checks, &mut report)?;
        let inner = R::arc_new(DbInner::new(vs, opts, report, lock));
        recover::recover_wals(&inner, &logs, batches)?;
        inner.vs.remove_obsolete_files();
        let bg_thread = (inner.opts.background == Background::Thread).then(|| {
            let inner = inner.clone();
            crate::sync::spawn::<R, ()>("lsm-background", move || inner.background_main())
        });
        Ok(Db {
            inner,
            bg_thread: Mutex::new(bg_thread),
        })
    }

    /// What the last open found damaged in the WALs and dropped (torn tails, and with
    /// [`Options::paranoid_checks`] off, garbage tails and corrupt records with what followed them).
    pub fn recovery_report(&self) -> &RecoveryReport {
        &self.inner.recovery
    }
}
