//! `VersionEdit`: the delta between two Versions, and one MANIFEST record.
//!
//! Encoding: a sequence of `tag: varint` fields. Tags 2, 3, 4, 9 carry a varint; 6 carries
//! `level, number`; 7 carries `level, number, size, smallest, largest`.

use super::FileMeta;
use crate::coding::{put_bytes, put_varint, Reader};
use crate::key::InternalKey;
use std::collections::BTreeSet;

const LOG_NUMBER: u64 = 2;
const NEXT_FILE: u64 = 3;
const LAST_SEQUENCE: u64 = 4;
const DELETED_FILE: u64 = 6;
const NEW_FILE: u64 = 7;
const PREV_LOG_NUMBER: u64 = 9;

/// Files removed and added, plus counters persisted with every edit (I10).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VersionEdit {
    /// WALs older than this are obsolete once the edit is installed.
    pub log_number: Option<u64>,
    /// The WAL of a memtable being flushed (kept until the flush is installed).
    pub prev_log_number: Option<u64>,
    /// The next unused file number.
    pub next_file_number: Option<u64>,
    /// The last sequence number in use.
    pub last_sequence: Option<u64>,
    /// `(level, number)` pairs to remove.
    pub deleted: BTreeSet<(usize, u64)>,
    /// Files to add, with their levels.
    pub added: Vec<(usize, FileMeta)>,
}

impl VersionEdit {
    /// Adds a file.
    pub fn add_file(&mut self, level: usize, file: FileMeta) {
        self.added.push((level, file));
    }
    /// Removes a file.
    pub fn delete_file(&mut self, level: usize, number: u64) {
        self.deleted.insert((level, number));
    }

    /// The MANIFEST record.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for (tag, v) in [
            (LOG_NUMBER, self.log_number),
            (PREV_LOG_NUMBER, self.prev_log_number),
            (NEXT_FILE, self.next_file_number),
            (LAST_SEQUENCE, self.last_sequence),
        ] {
            if let Some(v) = v {
                put_varint(&mut out, tag);
                put_varint(&mut out, v);
            }
        }
        for &(level, number) in &self.deleted {
            put_varint(&mut out, DELETED_FILE);
            put_varint(&mut out, level as u64);
            put_varint(&mut out, number);
        }
        for (level, f) in &self.added {
            put_varint(&mut out, NEW_FILE);
            put_varint(&mut out, *level as u64);
            put_varint(&mut out, f.number);
            put_varint(&mut out, f.size);
            put_bytes(&mut out, &f.smallest.encode());
            put_bytes(&mut out, &f.largest.encode());
        }
        out
    }

    /// Decodes a MANIFEST record; `Err` says what is malformed.
    pub fn decode(rec: &[u8]) -> Result<Self, String> {
        let mut r = Reader::new(rec);
        let mut e = VersionEdit::default();
        while !r.is_empty() {
            let tag = r.varint().ok_or("truncated tag")?;
            let mut num = |what: &str| r.varint().ok_or_else(|| format!("truncated {what}"));
            match tag {
                LOG_NUMBER => e.log_number = Some(num("log number")?),
                PREV_LOG_NUMBER => e.prev_log_number = Some(num("prev log number")?),
                NEXT_FILE => e.next_file_number = Some(num("next file number")?),
                LAST_SEQUENCE => e.last_sequence = Some(num("last sequence")?),
                DELETED_FILE => {
                    let level = level(num("level")?)?;
                    e.deleted.insert((level, num("file number")?));
                }
                NEW_FILE => {
                    let level = level(num("level")?)?;
                    let number = num("file number")?;
                    let size = num("file size")?;
                    let mut key = || r.bytes().and_then(InternalKey::decode).ok_or("malformed file key");
                    let (smallest, largest) = (key()?, key()?);
                    e.added.push((
                        level,
                        FileMeta {
                            number,
                            size,
                            smallest,
                            largest,
                        },
                    ));
                }
                other => return Err(format!("unknown edit tag {other}")),
            }
        }
        Ok(e)
    }
}

fn level(v: u64) -> Result<usize, String> {
    usize::try_from(v)
        .ok()
        .filter(|&l| l < super::NUM_LEVELS)
        .ok_or_else(|| format!("level {v} out of range"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::Kind;

    #[test]
    fn edit_round_trips_and_rejects_garbage() {
        let mut e = VersionEdit {
            log_number: Some(3),
            next_file_number: Some(9),
            last_sequence: Some(77),
            ..Default::default()
        };
        e.delete_file(1, 4);
        let k = |s: &str, q| InternalKey::new(s.as_bytes().to_vec(), q, Kind::Put);
        e.add_file(
            2,
            FileMeta {
                number: 8,
                size: 100,
                smallest: k("a", 5),
                largest: k("m", 1),
            },
        );
        assert_eq!(VersionEdit::decode(&e.encode()), Ok(e.clone()));
        let enc = e.encode();
        assert!(VersionEdit::decode(&enc[..enc.len() - 2]).is_err());
        assert!(VersionEdit::decode(&[99, 1]).is_err());
    }

    /// A level is in `0..NUM_LEVELS`: the deepest one decodes, the next is corruption.
    #[test]
    fn a_level_past_the_deepest_is_rejected() {
        let deepest = super::super::NUM_LEVELS - 1;
        let mut ok = VersionEdit::default();
        ok.delete_file(deepest, 4);
        assert_eq!(VersionEdit::decode(&ok.encode()), Ok(ok.clone()));
        let mut bad = VersionEdit::default();
        bad.delete_file(deepest + 1, 4);
        let err = VersionEdit::decode(&bad.encode()).expect_err("level out of range");
        assert!(err.contains("out of range"), "{err}");
    }
}
