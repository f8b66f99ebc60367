//! `OsFs`: the `Fs` trait over real files.

use super::{FileLock, Fs, RandomAccessFile, WritableFile};
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::os::unix::fs::FileExt;
use std::path::Path;

/// Real files through `std::fs`; positional reads through `pread`.
#[derive(Debug, Default, Clone, Copy)]
pub struct OsFs;

struct OsWritable(BufWriter<File>);

impl WritableFile for OsWritable {
    fn append(&mut self, data: &[u8]) -> io::Result<()> {
        self.0.write_all(data)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
    fn sync(&mut self) -> io::Result<()> {
        self.0.flush()?;
        self.0.get_ref().sync_data()
    }
}

impl Drop for OsWritable {
    fn drop(&mut self) {
        // Unsynced data may be lost on a crash anyway; flushing here keeps a cleanly closed
        // process from losing it. An error here has no one to report to.
        let _ = self.0.flush();
    }
}

struct OsRandom {
    file: File,
    size: u64,
}

impl RandomAccessFile for OsRandom {
    fn read_at(&self, offset: u64, len: usize) -> io::Result<Vec<u8>> {
        let mut buf = vec![0; len];
        self.file.read_exact_at(&mut buf, offset)?;
        Ok(buf)
    }
    fn size(&self) -> u64 {
        self.size
    }
}

impl Fs for OsFs {
    fn create(&self, path: &Path) -> io::Result<Box<dyn WritableFile>> {
        Ok(Box::new(OsWritable(BufWriter::with_capacity(
            64 << 10,
            File::create(path)?,
        ))))
    }
    fn reopen(&self, path: &Path) -> io::Result<Box<dyn WritableFile>> {
        let file = fs::OpenOptions::new().append(true).open(path)?;
        Ok(Box::new(OsWritable(BufWriter::with_capacity(64 << 10, file))))
    }
    fn open(&self, path: &Path) -> io::Result<Box<dyn RandomAccessFile>> {
        let file = File::open(path)?;
        let size = file.metadata()?.len();
        Ok(Box::new(OsRandom { file, size }))
    }
    fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        fs::rename(from, to)
    }
    fn remove(&self, path: &Path) -> io::Result<()> {
        fs::remove_file(path)
    }
    fn list(&self, dir: &Path) -> io::Result<Vec<String>> {
        let mut names = Vec::new();
        for entry in fs::read_dir(dir)? {
            if let Ok(name) = entry?.file_name().into_string() {
                names.push(name);
            }
        }
        names.sort();
        Ok(names)
    }
    fn exists(&self, path: &Path) -> bool {
        path.exists()
    }
    fn create_dir_all(&self, dir: &Path) -> io::Result<()> {
        fs::create_dir_all(dir)
    }
    fn sync_dir(&self, dir: &Path) -> io::Result<()> {
        File::open(dir)?.sync_all()
    }
    fn lock(&self, path: &Path) -> io::Result<Box<dyn FileLock>> {
        let file = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)?;
        match file.try_lock() {
            Ok(()) => Ok(Box::new(OsLock(file))),
            Err(fs::TryLockError::WouldBlock) => Err(io::Error::new(
                io::ErrorKind::WouldBlock,
                "held by another process or handle (is the database already open?)",
            )),
            Err(fs::TryLockError::Error(e)) => Err(e),
        }
    }
}

/// An advisory lock (`flock`), released when the file is closed.
struct OsLock(#[allow(dead_code)] File);
impl FileLock for OsLock {}
