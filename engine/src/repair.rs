//! `repair`: rebuild a database that will not open from whatever can still be read (LevelDB's
//! `RepairDB`, restated).
//!
//! Every table that opens and reads to its end, and every WAL record before the first damaged
//! one, is merged — all versions of every key, in internal-key order, nothing dropped — into
//! fresh tables forming one sorted run at the bottom level; a fresh MANIFEST lists them and
//! `CURRENT` names it. Nothing is deleted: every file the repair replaced or could not read is
//! moved into `lost/`, and the report says what was salvaged and what was dropped, file by file.
//! Requires: no process has the database open (repair takes its lock).

use crate::error::{Error, IoContext, Result};
use crate::events::{Env, FileKind};
use crate::filename;
use crate::iter::{Forward, InternalIter, MemIter, MergingIter};
use crate::key::InternalKey;
use crate::memtable::Memtable;
use crate::sync::{Runtime, Std};
use crate::table::{Table, TableBuilder, TableIter};
use crate::version::{FileMeta, VersionEdit, NUM_LEVELS};
use crate::wal::{read_log, LogWriter, Tail, WriteBatch};
use crate::Options;
use std::path::{Path, PathBuf};

/// What a repair found and did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RepairReport {
    /// Tables read whole, with their entry counts.
    pub tables_salvaged: Vec<(String, u64)>,
    /// WALs replayed, with the number of batches recovered from each.
    pub wals_salvaged: Vec<(String, u64)>,
    /// What could not be read: file, and why (a table is dropped whole; a WAL from the damage on).
    pub dropped: Vec<(String, String)>,
    /// The tables written, one sorted run at the bottom level.
    pub tables_written: Vec<u64>,
    /// Entries (all versions) in them.
    pub entries: u64,
    /// Files moved into `lost/`.
    pub archived: Vec<String>,
}

/// Repairs the database in `dir` on real files.
pub fn repair(dir: &Path, opts: &Options) -> Result<RepairReport> {
    repair_with(dir, opts, &Env::os())
}

/// Repairs the database in `dir` through `env`'s filesystem.
pub fn repair_with(dir: &Path, opts: &Options, env: &Env) -> Result<RepairReport> {
    let fs = &*env.fs;
    if !fs.exists(dir) {
        return Err(Error::InvalidArgument(format!("{} does not exist", dir.display())));
    }
    let lock_path = dir.join(filename::LOCK);
    let _lock = fs.lock(&lock_path).at(&lock_path)?;
    let names = fs.list(dir).at(dir)?;
    let files: Vec<(FileKind, u64)> = names.iter().filter_map(|n| filename::parse(n)).collect();
    let mut report = RepairReport::default();
    let mut next = files.iter().map(|f| f.1).max().unwrap_or(0) + 1;
    let mut children: Vec<Box<dyn InternalIter>> = Vec::new();
    let mut last_seq = 0;
    for &(_, n) in files.iter().filter(|f| f.0 == FileKind::Table) {
        if let Some((it, seq)) = salvage_table(fs, dir, n, &mut report) {
            children.push(it);
            last_seq = last_seq.max(seq);
        }
    }
    let mem = <Std as Runtime>::arc_new(Memtable::<Std>::new(&opts.kernel()));
    for &(_, n) in files.iter().filter(|f| f.0 == FileKind::Log) {
        last_seq = last_seq.max(salvage_wal(fs, dir, n, &mem, &mut report)?);
    }
    children.push(Box::new(MemIter::<Std>::new(mem, crate::iter::WINDOW)));
    let merged = Forward::from_first(MergingIter::new(children));
    let tables = write_run(fs, dir, opts, merged, &mut next, &mut report)?;
    write_manifest(fs, dir, &tables, &mut next, last_seq)?;
    archive(fs, dir, &files, &mut report)?;
    Ok(report)
}

/// Checks that table `n` opens and reads to its end; returns an iterator over it and its
/// highest sequence, or records why it is dropped.
fn salvage_table(
    fs: &dyn crate::fs::Fs,
    dir: &Path,
    n: u64,
    report: &mut RepairReport,
) -> Option<(Box<dyn InternalIter>, u64)> {
    let path = filename::path(dir, FileKind::Table, n);
    let name = filename::name(FileKind::Table, n);
    let scan = || -> Result<(<Std as Runtime>::Arc<Table<Std>>, u64, u64)> {
        let table = <Std as Runtime>::arc_new(Table::open(fs, &path, None)?);
        let mut it = Forward::from_first(TableIter::<Std>::new(table.clone()));
        let (mut count, mut max_seq) = (0, 0);
        while let Some(e) = it.next_entry()? {
            count += 1;
            max_seq = max_seq.max(e.key.seq);
        }
        Ok((table, count, max_seq))
    };
    match scan() {
        Ok((table, count, max_seq)) => {
            report.tables_salvaged.push((name, count));
            Some((Box::new(TableIter::<Std>::new(table)), max_seq))
        }
        Err(e) => {
            report.dropped.push((name, format!("table dropped whole: {e}")));
            None
        }
    }
}

/// Replays the readable prefix of WAL `n` into `mem`; returns the highest sequence it held.
fn salvage_wal(
    fs: &dyn crate::fs::Fs,
    dir: &Path,
    n: u64,
    mem: &<Std as Runtime>::Arc<Memtable<Std>>,
    report: &mut RepairReport,
) -> Result<u64> {
    let path = filename::path(dir, FileKind::Log, n);
    let name = filename::name(FileKind::Log, n);
    let log = read_log(fs, &path)?;
    let (mut batches, mut max_seq) = (0, 0);
    for (offset, rec) in &log.records {
        let Some((first, batch)) = WriteBatch::decode(rec) else {
            report.dropped.push((
                name.clone(),
                format!("malformed batch at offset {offset}: the rest is dropped"),
            ));
            break;
        };
        for (i, (kind, key, value)) in batch.ops.into_iter().enumerate() {
            mem.insert(InternalKey::new(key, first + i as u64, kind), value);
            max_seq = max_seq.max(first + i as u64);
        }
        batches += 1;
    }
    match log.tail {
        Tail::Clean => {}
        Tail::Torn { offset } => report
            .dropped
            .push((name.clone(), format!("torn tail at offset {offset}"))),
        Tail::Garbage { offset, dropped } => report.dropped.push((
            name.clone(),
            format!("garbage tail at offset {offset}: {dropped} bytes dropped"),
        )),
        Tail::Corrupt {
            offset,
            dropped,
            reason,
        } => report.dropped.push((
            name.clone(),
            format!("{reason} at offset {offset}: {dropped} bytes dropped"),
        )),
    }
    report.wals_salvaged.push((name, batches));
    Ok(max_seq)
}

/// Writes `it` into tables of about `target_file_size`, split only between user keys. An entry
/// found twice (a WAL whose records a surviving table already holds) is written once.
fn write_run(
    fs: &dyn crate::fs::Fs,
    dir: &Path,
    opts: &Options,
    mut it: Forward<MergingIter>,
    next: &mut u64,
    report: &mut RepairReport,
) -> Result<Vec<FileMeta>> {
    let mut tables = Vec::new();
    let mut out: Option<(u64, TableBuilder)> = None;
    let mut last: Option<InternalKey> = None;
    while let Some(e) = it.next_entry()? {
        if last.as_ref() == Some(&e.key) {
            continue;
        }
        let new_user = last.as_ref().is_none_or(|l| l.user != e.key.user);
        if new_user
            && out
                .as_ref()
                .is_some_and(|(_, b)| b.approximate_size() >= opts.target_file_size)
        {
            let (n, b) = out.take().expect("checked");
            tables.push(seal(fs, dir, n, b)?);
        }
        if out.is_none() {
            let path = filename::path(dir, FileKind::Table, *next);
            out = Some((
                *next,
                TableBuilder::create(fs, &path, opts.block_size, opts.compression)?,
            ));
            *next += 1;
        }
        out.as_mut().expect("opened").1.add(&e.key, &e.value)?;
        report.entries += 1;
        last = Some(e.key);
    }
    if let Some((n, b)) = out {
        tables.push(seal(fs, dir, n, b)?);
    }
    report.tables_written = tables.iter().map(|t| t.number).collect();
    Ok(tables)
}

fn seal(fs: &dyn crate::fs::Fs, dir: &Path, number: u64, mut b: TableBuilder) -> Result<FileMeta> {
    let t = b.finish()?;
    b.sync()?;
    let path = filename::path(dir, FileKind::Table, number);
    Table::<Std>::open(fs, &path, None)?; // read back before a MANIFEST names it
    Ok(FileMeta {
        number,
        size: t.size,
        smallest: t.smallest,
        largest: t.largest,
    })
}

/// Writes a fresh MANIFEST listing `tables` at the bottom level, and points `CURRENT` at it.
fn write_manifest(
    fs: &dyn crate::fs::Fs,
    dir: &Path,
    tables: &[FileMeta],
    next: &mut u64,
    last_seq: u64,
) -> Result<()> {
    let number = *next;
    *next += 1;
    let mut edit = VersionEdit {
        log_number: Some(*next), // no WAL below this is replayed again
        prev_log_number: Some(0),
        next_file_number: Some(*next + 1),
        last_sequence: Some(last_seq),
        ..Default::default()
    };
    for t in tables {
        edit.add_file(NUM_LEVELS - 1, t.clone());
    }
    let mut w = LogWriter::create(fs, &filename::path(dir, FileKind::Manifest, number))?;
    w.add_record(&edit.encode())?;
    fs.sync_dir(dir).at(dir)?;
    w.sync()?;
    crate::manifest::set_current_file(fs, dir, number)
}

/// Moves every file that was there before the repair into `dir/lost/`: the new MANIFEST uses
/// none of them.
fn archive(fs: &dyn crate::fs::Fs, dir: &Path, files: &[(FileKind, u64)], report: &mut RepairReport) -> Result<()> {
    let lost: PathBuf = dir.join("lost");
    fs.create_dir_all(&lost).at(&lost)?;
    for &(kind, n) in files {
        let name = filename::name(kind, n);
        let (from, to) = (dir.join(&name), lost.join(&name));
        fs.rename(&from, &to).at(&from)?;
        report.archived.push(name);
    }
    fs.sync_dir(dir).at(dir)
}
