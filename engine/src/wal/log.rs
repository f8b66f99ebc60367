//! Log records: writer and reader.

use crate::error::{Error, IoContext, Result};
use crate::fs::{read_all, Fs, WritableFile};
use std::path::{Path, PathBuf};

const HEADER: usize = 8;

/// Appends checksummed records to a file.
pub(crate) struct LogWriter {
    path: PathBuf,
    file: Box<dyn WritableFile>,
    /// Bytes written so far.
    pub(crate) size: u64,
}

impl LogWriter {
    /// Creates the file (through `fs`) and returns a writer at offset 0.
    pub(crate) fn create(fs: &dyn Fs, path: &Path) -> Result<Self> {
        let file = fs.create(path).at(path)?;
        Ok(LogWriter {
            path: path.to_path_buf(),
            file,
            size: 0,
        })
    }

    /// Appends one record (buffered until [`LogWriter::sync`]).
    pub(crate) fn add_record(&mut self, payload: &[u8]) -> Result<()> {
        let len = u32::try_from(payload.len())
            .map_err(|_| Error::InvalidArgument(format!("log record of {} bytes", payload.len())))?;
        let mut rec = Vec::with_capacity(HEADER + payload.len());
        rec.extend_from_slice(&[0; 4]);
        rec.extend_from_slice(&len.to_le_bytes());
        rec.extend_from_slice(payload);
        let crc = crc32c::crc32c(&rec[4..]);
        rec[..4].copy_from_slice(&crc.to_le_bytes());
        self.file.append(&rec).at(&self.path)?;
        self.size += rec.len() as u64;
        Ok(())
    }

    /// Makes every appended record durable.
    pub(crate) fn sync(&mut self) -> Result<()> {
        self.file.sync().at(&self.path)
    }
}

impl std::fmt::Debug for LogWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LogWriter({}, {} bytes)", self.path.display(), self.size)
    }
}

/// The records of a log file, each with its offset. A record cut off by the end of the file
/// (an unsynced tail) is not included.
#[derive(Debug)]
pub(crate) struct LogContents {
    pub(crate) records: Vec<(u64, Vec<u8>)>,
}

/// Reads every record of a log file. A checksum mismatch is `Error::Corruption`.
pub(crate) fn read_log(fs: &dyn Fs, path: &Path) -> Result<LogContents> {
    let data = read_all(fs, path).at(path)?;
    let mut records = Vec::new();
    let mut pos = 0usize;
    while pos < data.len() {
        let Some(header) = data.get(pos..pos + HEADER) else {
            return Ok(LogContents { records });
        };
        let crc = u32::from_le_bytes([header[0], header[1], header[2], header[3]]);
        let len = u32::from_le_bytes([header[4], header[5], header[6], header[7]]) as usize;
        let Some(payload) = data.get(pos + HEADER..pos + HEADER + len) else {
            return Ok(LogContents { records });
        };
        if crc32c::crc32c(&data[pos + 4..pos + HEADER + len]) != crc {
            return Err(Error::corruption(path, pos as u64, "log record checksum mismatch"));
        }
        records.push((pos as u64, payload.to_vec()));
        pos += HEADER + len;
    }
    Ok(LogContents { records })
}
