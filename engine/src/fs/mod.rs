//! The `Fs` trait: every byte the engine reads or writes goes through it.
//!
//! [`OsFs`] uses real files. The harness supplies a strict simulated filesystem that sees every
//! create, open, read and remove (and the engine never caches a directory listing or bypasses
//! this trait), so it can fail a run on a read of a deleted file.

mod mem;
mod os;
pub use mem::MemFs;
pub use os::OsFs;

use std::fmt;
use std::io;
use std::path::Path;

/// A filesystem. Paths are the engine's own: `<dir>/<name>`.
pub trait Fs: Send + Sync + fmt::Debug {
    /// Creates (or truncates) a file for appending.
    fn create(&self, path: &Path) -> io::Result<Box<dyn WritableFile>>;
    /// Opens an existing file to append at its end (LevelDB's `NewAppendableFile`; how an open
    /// reuses its MANIFEST). The default refuses with `Unsupported`, and the engine then writes
    /// a new file instead.
    fn reopen(&self, path: &Path) -> io::Result<Box<dyn WritableFile>> {
        Err(io::Error::new(
            io::ErrorKind::Unsupported,
            format!("{}: this filesystem cannot append to an existing file", path.display()),
        ))
    }
    /// Opens an existing file for positional reads.
    fn open(&self, path: &Path) -> io::Result<Box<dyn RandomAccessFile>>;
    /// Atomically replaces `to` with `from`.
    fn rename(&self, from: &Path, to: &Path) -> io::Result<()>;
    /// Removes a file. Removing a missing file is an error.
    fn remove(&self, path: &Path) -> io::Result<()>;
    /// The names (not paths) of the entries of a directory, sorted.
    fn list(&self, dir: &Path) -> io::Result<Vec<String>>;
    /// True if the path exists.
    fn exists(&self, path: &Path) -> bool;
    /// Creates a directory and its parents.
    fn create_dir_all(&self, dir: &Path) -> io::Result<()>;
    /// Makes the directory's entries (creations, renames, removals) durable.
    fn sync_dir(&self, dir: &Path) -> io::Result<()>;
    /// Takes an exclusive lock on `path` (creating it) for as long as the guard lives, so two
    /// processes never open one database. The default does nothing: an in-memory filesystem
    /// has only one process.
    fn lock(&self, path: &Path) -> io::Result<Box<dyn FileLock>> {
        let _ = path;
        Ok(Box::new(NoLock))
    }
}

/// Holds a lock taken by [`Fs::lock`] until dropped.
pub trait FileLock: Send + Sync {}

/// A lock that locks nothing (in-memory filesystems, read-only opens).
pub(crate) struct NoLock;
impl FileLock for NoLock {}

/// A file being written sequentially.
///
/// Three steps stand between an `append` and a byte that survives a crash, and the engine takes
/// each one explicitly: `append` may keep bytes in a buffer inside the process (lost if the
/// process dies); `flush` hands them to the operating system (they then survive a process
/// crash, not a power loss); `sync` makes them durable (they survive a power loss). A new file's
/// *name* is durable only after [`Fs::sync_dir`] on its directory.
pub trait WritableFile: Send {
    /// Appends bytes (possibly buffered inside the process).
    fn append(&mut self, data: &[u8]) -> io::Result<()>;
    /// Hands every appended byte to the operating system (`write()`), without syncing.
    fn flush(&mut self) -> io::Result<()>;
    /// Flushes, then makes the content durable (`fdatasync`).
    fn sync(&mut self) -> io::Result<()>;
}

/// A file open for positional reads. Shared by concurrent readers.
pub trait RandomAccessFile: Send + Sync {
    /// Reads exactly `len` bytes at `offset`; a short file is an `UnexpectedEof` error.
    fn read_at(&self, offset: u64, len: usize) -> io::Result<Vec<u8>>;
    /// The file's size in bytes.
    fn size(&self) -> u64;
}

/// Reads a whole file.
pub fn read_all(fs: &dyn Fs, path: &Path) -> io::Result<Vec<u8>> {
    let f = fs.open(path)?;
    let len = usize::try_from(f.size()).map_err(|_| io::Error::other("file too large"))?;
    f.read_at(0, len)
}
