//! The MANIFEST (a log of `VersionEdit`s) and `CURRENT` (the name of the active MANIFEST).
//!
//! A new MANIFEST starts with a snapshot edit listing every file. `CURRENT` is replaced
//! atomically: write `N.dbtmp`, sync it, rename it onto `CURRENT`, sync the directory (the
//! temp-file sync is the fix for LevelDB issue 68). Recovery replays the MANIFEST that
//! `CURRENT` names; a record cut off at the end was never synced, hence never installed, and is
//! dropped; anything else malformed is `Error::Corruption` and nothing is written or deleted.

use crate::error::{Error, IoContext, Result};
use crate::events::FileKind;
use crate::filename::{self, CURRENT};
use crate::fs::{read_all, Fs};
use crate::version::{apply_edit, FileMeta, VersionEdit, NUM_LEVELS};
use crate::wal::{read_log, LogContents, Tail};
use std::path::Path;

/// What recovery found.
#[derive(Debug)]
pub(crate) struct Recovered {
    pub(crate) levels: Vec<Vec<FileMeta>>,
    pub(crate) next_file_number: u64,
    pub(crate) last_sequence: u64,
    pub(crate) log_number: u64,
    pub(crate) prev_log_number: u64,
    pub(crate) manifest_number: u64,
    /// The MANIFEST's size if it ends right after a whole record: only then may an open
    /// append to it (a record written after a torn tail would be lost behind it).
    pub(crate) clean_manifest_size: Option<u64>,
}

impl Default for Recovered {
    fn default() -> Self {
        Recovered {
            levels: vec![Vec::new(); NUM_LEVELS],
            next_file_number: 2,
            last_sequence: 0,
            log_number: 0,
            prev_log_number: 0,
            manifest_number: 0,
            clean_manifest_size: None,
        }
    }
}

/// An edit that recreates `levels` from nothing, carrying `edit`'s counters.
pub(crate) fn snapshot_edit(levels: &[Vec<FileMeta>], edit: &VersionEdit) -> VersionEdit {
    let mut snap = VersionEdit {
        log_number: edit.log_number,
        prev_log_number: edit.prev_log_number,
        next_file_number: edit.next_file_number,
        last_sequence: edit.last_sequence,
        ..Default::default()
    };
    for (level, files) in levels.iter().enumerate() {
        for f in files {
            snap.add_file(level, f.clone());
        }
    }
    snap
}

/// Points `CURRENT` at `MANIFEST-number`: temp file, sync, rename, sync the directory.
pub(crate) fn set_current_file(fs: &dyn Fs, dir: &Path, number: u64) -> Result<()> {
    let tmp = filename::path(dir, FileKind::Temp, number);
    let mut f = fs.create(&tmp).at(&tmp)?;
    f.append(format!("MANIFEST-{number:06}\n").as_bytes()).at(&tmp)?;
    f.sync().at(&tmp)?;
    drop(f);
    let current = dir.join(CURRENT);
    fs.rename(&tmp, &current).at(&current)?;
    fs.sync_dir(dir).at(dir)
}

/// Every edit of the MANIFEST that `CURRENT` names, with its offset, oldest first: what
/// `lsmcheck db dump-manifest` prints (RocksDB's `ldb manifest_dump`). Reads only. A record cut
/// off at the end (never synced) is left out, as recovery leaves it out.
pub fn dump(fs: &dyn Fs, dir: &Path) -> Result<(std::path::PathBuf, Vec<(u64, VersionEdit)>)> {
    let Some((_, path)) = current_manifest(fs, dir)? else {
        let current = dir.join(CURRENT);
        return Err(Error::InvalidArgument(format!(
            "{} does not exist: no database",
            current.display()
        )));
    };
    let mut edits = Vec::new();
    for (offset, rec) in read_manifest(fs, &path)?.records {
        edits.push((
            offset,
            VersionEdit::decode(&rec).map_err(|e| Error::corruption(&path, offset, e))?,
        ));
    }
    Ok((path, edits))
}

/// The records of MANIFEST `path` and how it ends; a corrupt record (one with intact records
/// after it) is an error. A torn or garbage tail is an edit whose sync never finished, so never
/// installed: the MANIFEST ends before it.
fn read_manifest(fs: &dyn Fs, path: &Path) -> Result<LogContents> {
    let log = read_log(fs, path)?;
    if let Tail::Corrupt { offset, reason, .. } = log.tail {
        return Err(Error::corruption(path, offset, reason));
    }
    Ok(log)
}

/// The number and path of the MANIFEST that `CURRENT` names; `None` if there is no `CURRENT`.
fn current_manifest(fs: &dyn Fs, dir: &Path) -> Result<Option<(u64, std::path::PathBuf)>> {
    let current = dir.join(CURRENT);
    if !fs.exists(&current) {
        return Ok(None);
    }
    let content = read_all(fs, &current).at(&current)?;
    let name = std::str::from_utf8(&content)
        .ok()
        .and_then(|s| s.strip_suffix('\n'))
        .ok_or_else(|| Error::corruption(&current, 0, "CURRENT is not one line of text"))?;
    let Some((FileKind::Manifest, manifest_number)) = filename::parse(name) else {
        return Err(Error::corruption(
            &current,
            0,
            format!("CURRENT names {name:?}, not a MANIFEST"),
        ));
    };
    let path = dir.join(name);
    if !fs.exists(&path) {
        return Err(Error::corruption(
            &current,
            0,
            format!("CURRENT names {name}, which does not exist"),
        ));
    }
    Ok(Some((manifest_number, path)))
}

/// Replays the MANIFEST named by `CURRENT`; `None` if there is no `CURRENT`.
pub(crate) fn recover(fs: &dyn Fs, dir: &Path) -> Result<Option<Recovered>> {
    let Some((manifest_number, path)) = current_manifest(fs, dir)? else {
        return Ok(None);
    };
    let log = read_manifest(fs, &path)?;
    let mut r = Recovered {
        manifest_number,
        clean_manifest_size: (log.tail == Tail::Clean).then_some(log.size),
        ..Recovered::default()
    };
    let (mut next_file, mut last_seq, mut log_number) = (None, None, None);
    for (offset, rec) in &log.records {
        let edit = VersionEdit::decode(rec).map_err(|e| Error::corruption(&path, *offset, e))?;
        r.levels = apply_edit(&r.levels, &edit).map_err(|e| Error::corruption(&path, *offset, e))?;
        next_file = edit.next_file_number.or(next_file);
        last_seq = edit.last_sequence.or(last_seq);
        log_number = edit.log_number.or(log_number);
        r.prev_log_number = edit.prev_log_number.unwrap_or(r.prev_log_number);
    }
    let missing = |what: &str| Error::corruption(&path, 0, format!("MANIFEST has no {what}"));
    r.next_file_number = next_file.ok_or_else(|| missing("next file number"))?;
    r.last_sequence = last_seq.ok_or_else(|| missing("last sequence"))?;
    r.log_number = log_number.ok_or_else(|| missing("log number"))?;
    let max_used = r
        .levels
        .iter()
        .flatten()
        .map(|f| f.number)
        .chain([manifest_number])
        .max()
        .unwrap_or(0);
    if r.next_file_number <= max_used {
        return Err(Error::corruption(
            &path,
            0,
            format!("next file number {} is already used", r.next_file_number),
        ));
    }
    Ok(Some(r))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fs::MemFs;
    use crate::key::{InternalKey, Kind};
    use crate::sync::Std;
    use crate::wal::LogWriter;

    fn file(number: u64, lo: &str, hi: &str) -> FileMeta {
        let key = |k: &str| InternalKey::new(k.as_bytes().to_vec(), 1, Kind::Put);
        FileMeta {
            number,
            size: 100,
            smallest: key(lo),
            largest: key(hi),
        }
    }

    fn counters(edit: &mut VersionEdit, next: u64) {
        edit.next_file_number = Some(next);
        edit.last_sequence = Some(42);
        edit.log_number = Some(3);
        edit.prev_log_number = Some(0);
    }

    /// Writes MANIFEST-`number` with `edits` and points `CURRENT` at it.
    fn write_manifest(fs: &MemFs<Std>, dir: &Path, number: u64, edits: &[VersionEdit]) {
        let mut w = LogWriter::create(fs, &filename::path(dir, FileKind::Manifest, number)).expect("create");
        for e in edits {
            w.add_record(&e.encode()).expect("append");
        }
        w.sync().expect("sync");
        set_current_file(fs, dir, number).expect("CURRENT");
    }

    #[test]
    fn recovery_replays_edits_and_a_snapshot_recreates_the_same_levels() {
        let (fs, dir) = (MemFs::<Std>::new(), Path::new("/db"));
        fs.create_dir_all(dir).expect("mkdir");
        let mut first = VersionEdit::default();
        first.add_file(1, file(5, "a", "f"));
        first.add_file(1, file(6, "g", "m"));
        counters(&mut first, 8);
        let mut second = VersionEdit::default();
        second.delete_file(1, 5);
        second.add_file(2, file(7, "a", "f"));
        counters(&mut second, 11);
        write_manifest(&fs, dir, 4, &[first, second.clone()]);
        let r = recover(&fs, dir).expect("valid").expect("CURRENT exists");
        assert_eq!(
            (r.manifest_number, r.next_file_number, r.last_sequence, r.log_number),
            (4, 11, 42, 3)
        );
        assert_eq!(r.levels[1], vec![file(6, "g", "m")]);
        assert_eq!(r.levels[2], vec![file(7, "a", "f")]);

        let snap = snapshot_edit(&r.levels, &second);
        write_manifest(&fs, dir, 10, &[snap]);
        let again = recover(&fs, dir).expect("valid").expect("CURRENT exists");
        assert_eq!(again.levels, r.levels, "a new MANIFEST's snapshot loses nothing");
        assert_eq!(again.manifest_number, 10);
        assert!(
            !fs.exists(&filename::path(dir, FileKind::Temp, 10)),
            "the temp file was renamed"
        );
    }

    #[test]
    fn no_current_is_no_database_and_a_bad_manifest_is_corruption_naming_it() {
        let (fs, dir) = (MemFs::<Std>::new(), Path::new("/db"));
        fs.create_dir_all(dir).expect("mkdir");
        assert!(recover(&fs, dir).expect("no error").is_none());

        let mut e = VersionEdit::default();
        e.add_file(1, file(5, "a", "f"));
        counters(&mut e, 5); // 5 is already used by a table
        write_manifest(&fs, dir, 4, &[e]);
        let err = recover(&fs, dir).expect_err("next file number reuses a table's");
        assert!(matches!(err, Error::Corruption { .. }), "{err}");
        assert!(err.to_string().contains("MANIFEST-000004"), "{err}");

        let mut f = fs.create(&dir.join(CURRENT)).expect("create");
        f.append(b"000004.log\n").expect("append");
        let err = recover(&fs, dir).expect_err("CURRENT names a WAL");
        assert!(err.to_string().contains("not a MANIFEST"), "{err}");
    }
}
