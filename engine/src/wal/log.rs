//! Log records: writer and reader.

use crate::error::{Error, IoContext, Result};
use crate::fs::{read_all, Fs, WritableFile};
use std::path::{Path, PathBuf};

const HEADER: usize = 8;

/// Appends checksummed records to a file.
pub(crate) struct LogWriter {
    path: PathBuf,
    file: Box<dyn WritableFile>,
}

impl LogWriter {
    /// Creates the file (through `fs`) and returns a writer at offset 0.
    pub(crate) fn create(fs: &dyn Fs, path: &Path) -> Result<Self> {
        let file = fs.create(path).at(path)?;
        Ok(LogWriter {
            path: path.to_path_buf(),
            file,
        })
    }

    /// Reopens an existing log (through `fs`) to append records after its last one. Requires:
    /// the file ends cleanly (a record appended after a torn tail would be lost behind it).
    pub(crate) fn reopen(fs: &dyn Fs, path: &Path) -> Result<Self> {
        let file = fs.reopen(path).at(path)?;
        Ok(LogWriter {
            path: path.to_path_buf(),
            file,
        })
    }

    /// Appends one record. It may stay in the process's buffer until [`LogWriter::flush`] or
    /// [`LogWriter::sync`].
    pub(crate) fn add_record(&mut self, payload: &[u8]) -> Result<()> {
        let len = u32::try_from(payload.len())
            .map_err(|_| Error::InvalidArgument(format!("log record of {} bytes", payload.len())))?;
        let mut rec = Vec::with_capacity(HEADER + payload.len());
        rec.extend_from_slice(&[0; 4]);
        rec.extend_from_slice(&len.to_le_bytes());
        rec.extend_from_slice(payload);
        let crc = crc32c::crc32c(&rec[4..]);
        rec[..4].copy_from_slice(&crc.to_le_bytes());
        self.file.append(&rec).at(&self.path)
    }

    /// Hands every appended record to the OS: from now on they survive a process crash.
    pub(crate) fn flush(&mut self) -> Result<()> {
        self.file.flush().at(&self.path)
    }

    /// Makes every appended record durable: from now on they survive a power loss.
    pub(crate) fn sync(&mut self) -> Result<()> {
        self.file.sync().at(&self.path)
    }
}

impl std::fmt::Debug for LogWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LogWriter({})", self.path.display())
    }
}

/// How a log file ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Tail {
    /// After the last whole record, nothing.
    Clean,
    /// The last record was cut off by the end of the file, or the rest of the file is zeros:
    /// what a crash in the middle of an unsynced append leaves. Never acknowledged as synced,
    /// so it is not corruption (LevelDB's `log::Reader` reports it as end of file).
    Torn {
        /// Where the unfinished record starts.
        offset: u64,
    },
    /// The last record is whole by its length but its bytes are wrong, and nothing after it is
    /// an intact record: what a machine crash leaves when an unsynced append reached the disk as
    /// garbage (ALICE, OSDI'14: appends are not atomic; ext4 `data=writeback`). Never synced, so
    /// not corruption unless the open is paranoid.
    Garbage {
        /// Where the bad record starts.
        offset: u64,
        /// Bytes from there to the end of the file.
        dropped: u64,
    },
    /// A bad record (wrong checksum, or a length that runs past the end) followed by at least
    /// one intact record: the file was damaged, not cut short by a crash.
    Corrupt {
        /// Where the bad record starts.
        offset: u64,
        /// Bytes from there to the end of the file.
        dropped: u64,
        /// What is wrong.
        reason: &'static str,
    },
}

/// The records of a log file, each with its offset, and how it ends.
#[derive(Debug)]
pub(crate) struct LogContents {
    pub(crate) records: Vec<(u64, Vec<u8>)>,
    pub(crate) tail: Tail,
    /// The file's size in bytes.
    pub(crate) size: u64,
}

/// Reads every whole record of a log file, up to the first torn, garbage or corrupt one.
///
/// A record that is cut off by the end of the file, or a tail of zeros, is a torn tail; a bad
/// record with no intact record anywhere after it is a garbage tail; a bad record followed by
/// an intact one is corruption. (Only records after the bad one can tell a crash from damage.)
pub(crate) fn read_log(fs: &dyn Fs, path: &Path) -> Result<LogContents> {
    let data = read_all(fs, path).at(path)?;
    let mut records = Vec::new();
    let mut pos = 0usize;
    let tail = loop {
        if pos == data.len() {
            break Tail::Clean;
        }
        if data[pos..].iter().all(|&b| b == 0) {
            break Tail::Torn { offset: pos as u64 };
        }
        match record_at(&data, pos) {
            Record::Whole(end) => {
                records.push((pos as u64, data[pos + HEADER..end].to_vec()));
                pos = end;
            }
            bad => break classify(&data, pos, bad),
        }
    };
    Ok(LogContents {
        records,
        tail,
        size: data.len() as u64,
    })
}

/// What the bytes at an offset hold.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Record {
    /// A record that checks, ending at this offset.
    Whole(usize),
    /// A header or payload that runs past the end of the file.
    CutOff,
    /// A record that fits but whose checksum is wrong.
    BadChecksum,
}

fn record_at(data: &[u8], pos: usize) -> Record {
    let Some(header) = data.get(pos..pos + HEADER) else {
        return Record::CutOff;
    };
    let crc = u32::from_le_bytes([header[0], header[1], header[2], header[3]]);
    let len = u32::from_le_bytes([header[4], header[5], header[6], header[7]]) as usize;
    match pos.checked_add(HEADER + len).filter(|&e| e <= data.len()) {
        None => Record::CutOff,
        Some(end) if crc32c::crc32c(&data[pos + 4..end]) == crc => Record::Whole(end),
        Some(_) => Record::BadChecksum,
    }
}

/// How a log ends at `pos`, where a `bad` record starts: corruption if an intact record follows
/// anywhere after it, else a torn (cut off) or garbage (bad checksum) tail.
fn classify(data: &[u8], pos: usize, bad: Record) -> Tail {
    let (offset, dropped) = (pos as u64, (data.len() - pos) as u64);
    // From `pos` itself, which is bad: does any offset after it frame an intact record?
    let intact_after = (pos..data.len()).any(|q| matches!(record_at(data, q), Record::Whole(_)));
    match (intact_after, bad) {
        (true, Record::CutOff) => Tail::Corrupt {
            offset,
            dropped,
            reason: "log record length runs past the end, and intact records follow",
        },
        (true, _) => Tail::Corrupt {
            offset,
            dropped,
            reason: "log record checksum mismatch",
        },
        (false, Record::BadChecksum) => Tail::Garbage { offset, dropped },
        (false, _) => Tail::Torn { offset },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Three framed records, as `add_record` writes them.
    fn three() -> (Vec<u8>, [usize; 3]) {
        let mut data = Vec::new();
        let mut starts = [0; 3];
        for (i, payload) in [&b"first"[..], b"second", b"third"].iter().enumerate() {
            starts[i] = data.len();
            let mut rec = vec![0; 4];
            rec.extend_from_slice(&(payload.len() as u32).to_le_bytes());
            rec.extend_from_slice(payload);
            let crc = crc32c::crc32c(&rec[4..]);
            rec[..4].copy_from_slice(&crc.to_le_bytes());
            data.extend(rec);
        }
        (data, starts)
    }

    fn tail_of(data: &[u8]) -> Tail {
        let mut pos = 0;
        while let Record::Whole(end) = record_at(data, pos) {
            pos = end;
            if pos == data.len() {
                return Tail::Clean;
            }
        }
        classify(data, pos, record_at(data, pos))
    }

    #[test]
    fn a_bad_last_record_is_a_garbage_tail_and_a_bad_middle_one_is_corruption() {
        let (mut data, [_, second, third]) = three();
        assert_eq!(tail_of(&data), Tail::Clean);
        data[third + 9] ^= 1;
        let dropped = (data.len() - third) as u64;
        assert_eq!(
            tail_of(&data),
            Tail::Garbage {
                offset: third as u64,
                dropped
            }
        );
        data[third + 9] ^= 1;
        data[second + 9] ^= 1;
        assert!(matches!(tail_of(&data), Tail::Corrupt { offset, .. } if offset == second as u64));
    }

    #[test]
    fn a_length_past_the_end_is_torn_unless_intact_records_follow() {
        let (mut data, [_, second, third]) = three();
        data.truncate(third + 10);
        assert_eq!(tail_of(&data), Tail::Torn { offset: third as u64 });
        let (mut data, _) = three();
        data[second + 7] = 0x7f; // the second record's length now runs far past the end
        assert!(matches!(tail_of(&data), Tail::Corrupt { offset, reason, .. }
            if offset == second as u64 && reason.contains("intact records follow")));
    }
}
