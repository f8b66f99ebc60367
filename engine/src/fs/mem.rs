//! `MemFs`: an in-memory filesystem (LevelDB's `memenv`), with POSIX-like semantics.
//!
//! Its lock is the runtime's, so under loom or shuttle every file operation is a scheduling
//! point. Unlike the harness's strict filesystem it behaves like POSIX: a handle opened before
//! an unlink keeps reading the old content. The engine's unit tests run on it (the Version
//! lifecycle's, including a loom model of unrefs against GC in `version/tests.rs`; the table
//! cache's; the MANIFEST's).

use super::{Fs, RandomAccessFile, WritableFile};
use crate::sync::{Mutex, Runtime};
use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::path::{Path, PathBuf};

type Data<R> = <R as Runtime>::Arc<Mutex<R, Vec<u8>>>;

struct Tree<R: Runtime> {
    files: BTreeMap<PathBuf, Data<R>>,
    dirs: BTreeSet<PathBuf>,
}

/// An in-memory filesystem on runtime `R`.
pub struct MemFs<R: Runtime> {
    tree: Mutex<R, Tree<R>>,
}

impl<R: Runtime> MemFs<R> {
    /// An empty filesystem.
    pub fn new() -> Self {
        MemFs {
            tree: Mutex::new(Tree {
                files: BTreeMap::new(),
                dirs: BTreeSet::new(),
            }),
        }
    }
}

impl<R: Runtime> MemFs<R> {
    /// The contents of the file at `path`, shared with every handle on it.
    fn data(&self, path: &Path) -> io::Result<Data<R>> {
        let tree = self.tree.lock();
        tree.files.get(path).cloned().ok_or_else(|| not_found(path))
    }
}

impl<R: Runtime> Default for MemFs<R> {
    fn default() -> Self {
        Self::new()
    }
}

impl<R: Runtime> std::fmt::Debug for MemFs<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MemFs<{}>", R::NAME)
    }
}

fn not_found(path: &Path) -> io::Error {
    io::Error::new(io::ErrorKind::NotFound, format!("{}: no such file", path.display()))
}

struct MemWritable<R: Runtime>(Data<R>);

impl<R: Runtime> WritableFile for MemWritable<R> {
    fn append(&mut self, data: &[u8]) -> io::Result<()> {
        self.0.lock().extend_from_slice(data);
        Ok(())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
    fn sync(&mut self) -> io::Result<()> {
        Ok(())
    }
}

struct MemRandom<R: Runtime>(Data<R>);

impl<R: Runtime> RandomAccessFile for MemRandom<R> {
    fn read_at(&self, offset: u64, len: usize) -> io::Result<Vec<u8>> {
        let d = self.0.lock();
        let start = usize::try_from(offset).map_err(|_| io::Error::from(io::ErrorKind::UnexpectedEof))?;
        d.get(start..start.saturating_add(len))
            .map(<[u8]>::to_vec)
            .ok_or_else(|| io::ErrorKind::UnexpectedEof.into())
    }
    fn size(&self) -> u64 {
        self.0.lock().len() as u64
    }
}

impl<R: Runtime> Fs for MemFs<R> {
    fn create(&self, path: &Path) -> io::Result<Box<dyn WritableFile>> {
        let data: Data<R> = R::arc_new(Mutex::new(Vec::new()));
        self.tree.lock().files.insert(path.to_path_buf(), data.clone());
        Ok(Box::new(MemWritable::<R>(data)))
    }
    fn reopen(&self, path: &Path) -> io::Result<Box<dyn WritableFile>> {
        Ok(Box::new(MemWritable::<R>(self.data(path)?)))
    }
    fn open(&self, path: &Path) -> io::Result<Box<dyn RandomAccessFile>> {
        Ok(Box::new(MemRandom::<R>(self.data(path)?)))
    }
    fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        let mut t = self.tree.lock();
        let data = t.files.remove(from).ok_or_else(|| not_found(from))?;
        t.files.insert(to.to_path_buf(), data);
        Ok(())
    }
    fn remove(&self, path: &Path) -> io::Result<()> {
        self.tree
            .lock()
            .files
            .remove(path)
            .map(drop)
            .ok_or_else(|| not_found(path))
    }
    fn list(&self, dir: &Path) -> io::Result<Vec<String>> {
        let t = self.tree.lock();
        let names = t.files.keys().filter(|p| p.parent() == Some(dir));
        Ok(names
            .filter_map(|p| p.file_name()?.to_str().map(str::to_string))
            .collect())
    }
    fn exists(&self, path: &Path) -> bool {
        let t = self.tree.lock();
        t.files.contains_key(path) || t.dirs.contains(path)
    }
    fn create_dir_all(&self, dir: &Path) -> io::Result<()> {
        self.tree.lock().dirs.extend(dir.ancestors().map(Path::to_path_buf));
        Ok(())
    }
    fn sync_dir(&self, _dir: &Path) -> io::Result<()> {
        Ok(())
    }
}
