//! Recovery steps of `open`: checks of the directory against the MANIFEST, and WAL replay.
//!
//! WAL replay follows LevelDB's reader and RocksDB's point-in-time recovery. A torn tail (a
//! record cut off by the end of the file, or a tail of zeros) is what a crash in the middle of an
//! unsynced append leaves: it ends the log, reported, and replay goes on. A garbage tail (a last
//! record whole by its length but wrong, with no intact record after it) is what a machine crash
//! leaves when an unsynced append reached the disk as garbage: the same, unless
//! `paranoid_checks` is on (off by default, as in LevelDB), which makes it an error naming the
//! file and offset. A bad record followed by intact ones is corruption: an error if paranoid,
//! else the end of the recoverable prefix: it, the rest of its WAL and every later WAL are
//! dropped and reported, so the recovered state is always a prefix of the acknowledged history.

use super::{DbInner, Vs};
use crate::error::{Error, IoContext, Result};
use crate::events::FileKind;
use crate::filename;
use crate::key::InternalKey;
use crate::memtable::Memtable;
use crate::mutants::Mutant;
use crate::sync::Runtime;
use crate::version::VersionEdit;
use crate::wal::{read_log, Tail, WriteBatch};
use std::path::PathBuf;

/// What recovery found damaged in the WALs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RecoveryReport {
    /// Each damaged or dropped stretch of a WAL, in order.
    pub dropped: Vec<Dropped>,
}

/// One stretch of a WAL that recovery did not replay.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dropped {
    /// The WAL.
    pub file: PathBuf,
    /// Where the stretch starts.
    pub offset: u64,
    /// Its length in bytes.
    pub bytes: u64,
    /// Why: a torn tail (never acknowledged as synced), or corruption.
    pub reason: String,
}

/// Fails unless every table `current` lists is in the directory listing `names` (LevelDB fails
/// open the same way, naming the missing files).
pub(crate) fn check_tables_present<R: Runtime>(vs: &Vs<R>, names: &[String]) -> Result<()> {
    let st = vs.lock();
    let missing: Vec<String> = st
        .current()
        .all_files()
        .into_iter()
        .map(|(_, n)| filename::name(FileKind::Table, n))
        .filter(|name| !names.contains(name))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let manifest = filename::path(vs.dir(), FileKind::Manifest, st.manifest_number);
    Err(Error::corruption(
        &manifest,
        0,
        format!(
            "the MANIFEST lists {} missing table(s): {}",
            missing.len(),
            missing.join(", ")
        ),
    ))
}

/// With no `CURRENT`, the directory may hold what a crash during a first open left: a
/// MANIFEST, a temp file, an empty WAL. No write was acknowledged then, so they are adopted as
/// garbage (file numbers continue above them; GC removes them). Tables or a WAL with data mean
/// a database lost its `CURRENT`: that is refused, never overwritten.
pub(crate) fn adopt_first_open_leftovers<R: Runtime>(vs: &Vs<R>, names: &[String]) -> Result<()> {
    let fs = &*vs.env().fs;
    for (kind, number) in names.iter().filter_map(|n| filename::parse(n)) {
        let path = filename::path(vs.dir(), kind, number);
        let data = if vs.options().mutated(Mutant::FirstOpenNotIdempotent) {
            true // durability mutant: any leftover of a crashed first open bricks the directory
        } else {
            match kind {
                FileKind::Table => true,
                FileKind::Log => fs.open(&path).at(&path)?.size() > 0,
                FileKind::Manifest | FileKind::Temp => false,
            }
        };
        if data {
            return Err(Error::corruption(
                &vs.dir().join(filename::CURRENT),
                0,
                format!(
                    "CURRENT is missing but {} holds data; refusing to overwrite it (try `db repair`)",
                    path.display()
                ),
            ));
        }
    }
    Ok(())
}

/// Moves the next file number above every numbered file in the directory (I10: never reuse a
/// number). A crash can leave files the MANIFEST never heard of: a table written but not
/// installed, a WAL created after the last edit; their numbers must not be handed out again.
pub(crate) fn reserve_numbers<R: Runtime>(vs: &Vs<R>, names: &[String]) {
    let highest = names.iter().filter_map(|n| filename::parse(n)).map(|(_, n)| n).max();
    let mut st = vs.lock();
    while st.new_file_number() <= highest.unwrap_or(0) {}
}

/// WAL numbers that the MANIFEST does not cover, in order.
pub(crate) fn wals_to_replay<R: Runtime>(vs: &Vs<R>, names: &[String]) -> Vec<u64> {
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

/// Decodes every batch of every WAL in `logs`, before anything is written; records what it
/// dropped in `report`.
pub(crate) fn read_wals<R: Runtime>(
    vs: &Vs<R>,
    logs: &[u64],
    paranoid: bool,
    report: &mut RecoveryReport,
) -> Result<Vec<(u64, WriteBatch)>> {
    let mut batches = Vec::new();
    let mut replayed = 0;
    while let Some(&n) = logs.get(replayed) {
        replayed += 1;
        let path = filename::path(vs.dir(), FileKind::Log, n);
        let tail = decode_wal(vs, &path, replayed < logs.len(), &mut batches)?;
        if !accept_tail(vs, &path, tail, paranoid, report)? {
            break;
        }
    }
    for &n in &logs[replayed..] {
        let path = filename::path(vs.dir(), FileKind::Log, n);
        let bytes = vs.env().fs.open(&path).at(&path)?.size();
        let reason = "after an earlier corrupt WAL".to_string();
        report.dropped.push(Dropped {
            file: path,
            offset: 0,
            bytes,
            reason,
        });
    }
    Ok(batches)
}

/// Decodes the records of WAL `path` into `batches`, and says how it ends. A WAL is synced whole
/// before the next one begins, so garbage at the end of one that has a `later` WAL is damage,
/// not a crash: corruption.
fn decode_wal<R: Runtime>(
    vs: &Vs<R>,
    path: &std::path::Path,
    later: bool,
    batches: &mut Vec<(u64, WriteBatch)>,
) -> Result<Tail> {
    let contents = read_log(&*vs.env().fs, path)?;
    for (offset, rec) in contents.records {
        let Some(batch) = WriteBatch::decode(&rec) else {
            let reason = "malformed write batch";
            let dropped = contents.size - offset;
            return Ok(Tail::Corrupt {
                offset,
                dropped,
                reason,
            });
        };
        batches.push(batch);
    }
    Ok(match contents.tail {
        Tail::Garbage { offset, dropped } if later => Tail::Corrupt {
            offset,
            dropped,
            reason: "garbage at the end of a WAL that was synced before a later one began",
        },
        tail => tail,
    })
}

/// Decides what a WAL's tail means. Returns whether replay may go on to the next WAL.
fn accept_tail<R: Runtime>(
    vs: &Vs<R>,
    path: &std::path::Path,
    tail: Tail,
    paranoid: bool,
    report: &mut RecoveryReport,
) -> Result<bool> {
    let size = || vs.env().fs.open(path).map(|f| f.size()).at(path);
    match tail {
        Tail::Clean => Ok(true),
        Tail::Torn { offset } => {
            if vs.options().mutated(Mutant::TornTailIsCorruption) {
                // Durability mutant: a machine crash mid-append makes the database unopenable.
                return Err(Error::corruption(path, offset, "torn log record"));
            }
            let bytes = size()? - offset;
            let reason = "torn tail: an unfinished, unsynced append".to_string();
            report.dropped.push(Dropped {
                file: path.to_path_buf(),
                offset,
                bytes,
                reason,
            });
            Ok(true)
        }
        Tail::Garbage { offset, .. } if paranoid => Err(Error::corruption(
            path,
            offset,
            "log record checksum mismatch at the tail",
        )),
        Tail::Garbage { offset, dropped } => {
            if vs.options().mutated(Mutant::GarbageTailIsCorruption) {
                return Err(Error::corruption(path, offset, "log record checksum mismatch"));
                // durability mutant
            }
            let reason = "garbage tail: the last record's bytes are wrong and no intact record follows \
                          (an unsynced append that reached the disk as garbage)"
                .to_string();
            report.dropped.push(Dropped {
                file: path.to_path_buf(),
                offset,
                bytes: dropped,
                reason,
            });
            Ok(true)
        }
        Tail::Corrupt { offset, reason, .. } if paranoid => Err(Error::corruption(path, offset, reason)),
        Tail::Corrupt {
            offset,
            dropped,
            reason,
        } => {
            let reason = format!("{reason} (paranoid_checks is off: the rest is dropped)");
            report.dropped.push(Dropped {
                file: path.to_path_buf(),
                offset,
                bytes: dropped,
                reason,
            });
            Ok(false)
        }
    }
}

/// Replays `batches` into L0 tables, starts a new WAL and installs it all in one edit.
pub(crate) fn recover_wals<R: Runtime>(
    inner: &DbInner<R>,
    logs: &[u64],
    batches: Vec<(u64, WriteBatch)>,
) -> Result<()> {
    let vs = &inner.vs;
    debug_assert!(
        logs.windows(2).all(|w| w[0] < w[1]),
        "WALs replay in file-number order (wals_to_replay sorts them): {logs:?}"
    );
    let mut edit = VersionEdit::default();
    let (mut tables, mut pending) = (Vec::new(), Vec::new());
    let mut max_seq = {
        let mut st = vs.lock();
        // WAL numbers are file numbers: never hand them out again (I10).
        while st.new_file_number() <= logs.last().copied().unwrap_or(0) {}
        st.last_sequence()
    };
    let mut mem = R::arc_new(Memtable::<R>::new(inner.vs.options()));
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
            tables.extend(inner.write_level0(&mem, &mut pending)?);
            mem = R::arc_new(Memtable::new(inner.vs.options()));
        }
    }
    tables.extend(inner.write_level0(&mem, &mut pending)?);
    for t in &tables {
        edit.add_file(0, t.clone());
    }
    let (wal_number, wal) = inner.new_wal()?;
    // I10: the replayed WALs' numbers were reserved above, so every file made now is newer.
    let newest_replayed = logs.last().copied().unwrap_or(0);
    assert!(
        wal_number > newest_replayed,
        "I10: the new WAL {wal_number} is numbered above every replayed WAL (up to {newest_replayed})"
    );
    debug_assert!(
        tables
            .iter()
            .all(|t| t.number > newest_replayed && t.number < wal_number),
        "I10: the recovered tables are numbered between the replayed WALs and the new WAL"
    );
    edit.log_number = Some(wal_number);
    edit.prev_log_number = Some(0);
    vs.lock().set_last_sequence(max_seq);
    vs.log_and_apply(edit, |st| {
        st.release_pending_outputs(&mut pending);
        st.ext.wal_number = wal_number;
    })?;
    *inner.writer.lock() = Some(wal);
    Ok(())
}
