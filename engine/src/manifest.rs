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
use crate::wal::{read_log, Tail};
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

/// Replays the MANIFEST named by `CURRENT`; `None` if there is no `CURRENT`.
pub(crate) fn recover(fs: &dyn Fs, dir: &Path) -> Result<Option<Recovered>> {
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
    let log = read_log(fs, &path)?;
    if let Tail::Corrupt { offset, reason, .. } = log.tail {
        return Err(Error::corruption(&path, offset, reason));
    }
    let mut r = Recovered {
        manifest_number,
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
