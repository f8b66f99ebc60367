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
    /// A record whose checksum or length is wrong, with bytes after it that are not all zero.
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

/// Reads every whole record of a log file, up to the first torn or corrupt one.
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
        let Some(header) = data.get(pos..pos + HEADER) else {
            break Tail::Torn { offset: pos as u64 };
        };
        let crc = u32::from_le_bytes([header[0], header[1], header[2], header[3]]);
        let len = u32::from_le_bytes([header[4], header[5], header[6], header[7]]) as usize;
        let end = pos.checked_add(HEADER + len).filter(|&e| e <= data.len());
        let Some(end) = end else {
            break Tail::Torn { offset: pos as u64 };
        };
        if crc32c::crc32c(&data[pos + 4..end]) != crc {
            break Tail::Corrupt {
                offset: pos as u64,
                dropped: (data.len() - pos) as u64,
                reason: "log record checksum mismatch",
            };
        }
        records.push((pos as u64, data[pos + HEADER..end].to_vec()));
        pos = end;
    };
    Ok(LogContents {
        records,
        tail,
        size: data.len() as u64,
    })
}
