//! Opening a database: recover the Version set from the MANIFEST, replay the WALs it does not
//! cover into L0 tables, start a new WAL and MANIFEST, collect obsolete files.
//!
//! Recovery only reads until every WAL has been decoded, so a corrupt file stops `open` with an
//! error before anything is written or deleted.

use super::{Background, BgWork, Db, DbInner, DbState, Options};
use crate::error::{Error, IoContext, Result};
use crate::events::{Env, Event, FileKind};
use crate::filename;
use crate::iter::MemIter;
use crate::key::InternalKey;
use crate::memtable::Memtable;
use crate::sync::{Mutex, Runtime, Std};
use crate::version::{FileMeta, VersionEdit, VersionSet, NUM_LEVELS};
use crate::wal::{read_log, LogWriter, WriteBatch};
use std::collections::BTreeMap;
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
        let state = DbState {
            mem: R::arc_new(Memtable::new()),
            imm: None,
            wal_number: 0,
            snapshots: BTreeMap::new(),
            compact_pointer: vec![None; NUM_LEVELS],
            shutting_down: false,
        };
        let (vs, found) = VersionSet::open(dir, env, opts.kernel(), state)?;
        if found && opts.error_if_exists {
            return Err(Error::InvalidArgument(format!(
                "database {} already exists",
                dir.display()
            )));
        }
        if !found && names.iter().any(|n| filename::parse(n).is_some()) {
            return Err(Error::corruption(
                &dir.join(filename::CURRENT),
                0,
                "CURRENT is missing but the directory holds database files; refusing to overwrite them",
            ));
        }
        let logs = wals_to_replay(&vs, &names);
        let batches = read_wals(&vs, &logs)?;
        let inner = R::arc_new(DbInner {
            vs,
            opts,
            writer: Mutex::new(None),
            bg_work: Mutex::new(BgWork),
            _lock: lock,
        });
        recover_wals(&inner, &logs, batches)?;
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
}

/// WAL numbers that the MANIFEST does not cover, in order.
fn wals_to_replay<R: Runtime>(vs: &super::Vs<R>, names: &[String]) -> Vec<u64> {
    let st = vs.lock();
    let mut logs: Vec<u64> = names
        .iter()
        .filter_map(|n| filename::parse(n))
        .filter(|&(k, n)| k == FileKind::Log && n >= st.log_number())
        .map(|(_, n)| n)
        .collect();
    logs.sort_unstable();
    logs
}

/// Decodes every batch of every WAL, before anything is written.
fn read_wals<R: Runtime>(vs: &super::Vs<R>, logs: &[u64]) -> Result<Vec<(u64, WriteBatch)>> {
    let mut batches = Vec::new();
    for &n in logs {
        let path = filename::path(vs.dir(), FileKind::Log, n);
        for (offset, rec) in read_log(&*vs.env().fs, &path)?.records {
            let batch =
                WriteBatch::decode(&rec).ok_or_else(|| Error::corruption(&path, offset, "malformed write batch"))?;
            batches.push(batch);
        }
    }
    Ok(batches)
}

/// Replays `batches` into L0 tables, starts a new WAL and installs it all in one edit.
fn recover_wals<R: Runtime>(inner: &DbInner<R>, logs: &[u64], batches: Vec<(u64, WriteBatch)>) -> Result<()> {
    let vs = &inner.vs;
    let mut edit = VersionEdit::default();
    let mut tables = Vec::new();
    let mut max_seq = {
        let mut st = vs.lock();
        // WAL numbers are file numbers: never hand them out again (L10).
        while st.new_file_number() <= logs.last().copied().unwrap_or(0) {}
        st.last_sequence()
    };
    let mut mem = R::arc_new(Memtable::<R>::new());
    for (first_seq, batch) in batches {
        // Every record of a WAL at or above `log_number` is missing from the tables, whatever
        // its sequence: a later edit (say, a compaction's) may already have persisted a
        // `last_sequence` that covers it.
        for (i, (kind, key, value)) in batch.ops.into_iter().enumerate() {
            let seq = first_seq + i as u64;
            mem.insert(InternalKey::new(key, seq, kind), value);
            max_seq = max_seq.max(seq);
        }
        if mem.approximate_bytes() >= inner.opts.write_buffer_size {
            tables.extend(inner.write_level0(&mem)?);
            mem = R::arc_new(Memtable::new());
        }
    }
    tables.extend(inner.write_level0(&mem)?);
    for t in &tables {
        edit.add_file(0, t.clone());
    }
    let wal_number = vs.lock().new_file_number();
    let wal_path = filename::path(vs.dir(), FileKind::Log, wal_number);
    let wal = LogWriter::create(&*vs.env().fs, &wal_path)?;
    vs.env().emit(|| Event::FileCreated {
        kind: FileKind::Log,
        number: wal_number,
    });
    edit.log_number = Some(wal_number);
    edit.prev_log_number = Some(0);
    vs.lock().set_last_sequence(max_seq);
    vs.log_and_apply(edit, |st| {
        for t in &tables {
            st.remove_pending_output(t.number);
        }
        st.ext.wal_number = wal_number;
    })?;
    *inner.writer.lock() = Some(wal);
    Ok(())
}

impl<R: Runtime> DbInner<R> {
    /// Writes `mem` to a new table and returns its metadata, or `None` if `mem` is empty.
    /// The table's number stays a pending output; the caller releases it when the table is
    /// installed or abandoned.
    pub(crate) fn write_level0(&self, mem: &R::Arc<crate::memtable::Memtable<R>>) -> Result<Option<FileMeta>> {
        if mem.is_empty() {
            return Ok(None);
        }
        let number = {
            let mut st = self.vs.lock();
            let n = st.new_file_number();
            st.add_pending_output(n);
            n
        };
        let mut it = MemIter::<R>::new(mem.clone(), InternalKey::seek_target(&[], crate::key::MAX_SEQUENCE));
        let result = self.build_table(number, &mut it);
        if result.is_err() {
            self.vs.lock().remove_pending_output(number);
        }
        result.map(Some)
    }

    /// Writes every entry of `it` to table `number`. Requires: `number` is a pending output.
    pub(crate) fn build_table(&self, number: u64, it: &mut dyn crate::iter::InternalIter) -> Result<FileMeta> {
        let vs = &self.vs;
        let path = filename::path(vs.dir(), FileKind::Table, number);
        let mut b = crate::table::TableBuilder::create(&*vs.env().fs, &path, self.opts.block_size)?;
        vs.env().emit(|| Event::FileCreated {
            kind: FileKind::Table,
            number,
        });
        while let Some(e) = it.next_entry()? {
            b.add(&e.key, &e.value)?;
        }
        let t = b.finish()?;
        Ok(FileMeta {
            number,
            size: t.size,
            smallest: t.smallest,
            largest: t.largest,
        })
    }
}
