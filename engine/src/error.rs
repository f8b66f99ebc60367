//! The engine's error type: operating errors are values, naming the file and offset.

use std::io;
use std::path::{Path, PathBuf};

/// Everything that can go wrong on an operating path. Broken internal invariants are not errors:
/// they panic.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The filesystem refused an operation.
    #[error("I/O error on {}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: io::Error,
    },
    /// A file's content is not what the engine wrote.
    #[error("corruption in {} at offset {offset}: {reason}", path.display())]
    Corruption {
        /// The damaged file.
        path: PathBuf,
        /// Byte offset of the damaged record or block.
        offset: u64,
        /// What is wrong.
        reason: String,
    },
    /// The caller asked for something impossible (missing directory, bad option).
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    /// A background flush or compaction failed earlier; writes and file deletion are stopped
    /// until the database is reopened.
    #[error("background error latched (reopen the database): {0}")]
    Background(Box<Error>),
    /// The database was closed.
    #[error("database is closed")]
    Closed,
    /// The database was opened read-only: writes, flushes and compactions are refused.
    #[error("database is open read-only")]
    ReadOnly,
}

/// The engine's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An I/O error on `path`.
    pub fn io(path: &Path, source: io::Error) -> Self {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }
    /// A copy of this error that keeps its variant, path, offset and (for I/O) its
    /// [`io::ErrorKind`] and message; `io::Error` itself cannot be cloned. The latched
    /// background error is returned to every later caller this way.
    pub fn duplicate(&self) -> Self {
        match self {
            Error::Io { path, source } => Error::io(path, io::Error::new(source.kind(), source.to_string())),
            Error::Corruption { path, offset, reason } => Error::corruption(path, *offset, reason.clone()),
            Error::InvalidArgument(m) => Error::InvalidArgument(m.clone()),
            Error::Background(e) => Error::Background(Box::new(e.duplicate())),
            Error::Closed => Error::Closed,
            Error::ReadOnly => Error::ReadOnly,
        }
    }
    /// Corruption in `path` at `offset`.
    pub fn corruption(path: &Path, offset: u64, reason: impl Into<String>) -> Self {
        Error::Corruption {
            path: path.to_path_buf(),
            offset,
            reason: reason.into(),
        }
    }
}

/// Attaches a path to an `io::Result`.
pub(crate) trait IoContext<T> {
    fn at(self, path: &Path) -> Result<T>;
}

impl<T> IoContext<T> for io::Result<T> {
    fn at(self, path: &Path) -> Result<T> {
        self.map_err(|e| Error::io(path, e))
    }
}
