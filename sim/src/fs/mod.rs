//! `SimFs`: a strict, deterministic, in-memory filesystem for the harness.
//!
//! Every operation takes the runtime's mutex, so under loom and shuttle each one is a
//! scheduling point. It is stricter than POSIX on purpose, and each breach fails the execution
//! with a [`Violation`] naming the file and the threads involved:
//! - opening an unlinked file, or reading (or writing) through a handle opened before the
//!   unlink: POSIX allows it, but in an LSM it *is* the bug (the lazy open of a later file);
//! - unlinking a file twice;
//! - unlinking a table that a live Version lists (checked against the ghost ledger, so the bug
//!   is caught even when no reader happens to race);
//! - creating a file name a second time (file numbers are never reused, L10).
//!
//! It also models durability ([`durability`]): a writable handle keeps appended bytes in a
//! buffer of its own (the process's) until `flush`; an inode remembers how many of its bytes a
//! `sync` made durable; and the directory remembers which names a `sync_dir` made durable. With
//! crash recording on, every operation that changes what a crash would leave records a crash
//! point, from which the crash explorer builds the surviving state under each crash model.
//!
//! It keeps names and contents in `BTreeMap`s and never reads the clock or OS randomness.

pub mod durability;
#[cfg(test)]
mod tests;
mod writable;

use crate::world::{Violation, World};
use engine::events::FileKind;
use engine::filename;
use engine::fs::{Fs, RandomAccessFile, WritableFile};
use engine::sync::{Mutex, Runtime};
use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::path::{Path, PathBuf};

#[derive(Debug)]
struct Inode {
    name: String,
    /// Bytes handed to the OS (a process crash keeps them).
    data: Vec<u8>,
    /// How many of them a sync made durable (a power loss keeps these).
    synced: usize,
    unlinked_by: Option<String>,
}

#[derive(Debug, Default)]
struct State {
    names: BTreeMap<PathBuf, u64>,
    inodes: BTreeMap<u64, Inode>,
    dirs: BTreeSet<PathBuf>,
    ever_created: BTreeSet<PathBuf>,
    next_inode: u64,
    /// Names as of the last `sync_dir` of their directory: what a power loss keeps.
    durable: BTreeMap<PathBuf, u64>,
    /// The inode that most recently received unsynced bytes (a torn write tears it).
    last_unsynced: Option<u64>,
    /// Crash points, when the crash explorer records them.
    crash: Option<durability::CrashLog>,
}

struct Inner<R: Runtime> {
    state: Mutex<R, State>,
    world: World,
}

/// The strict filesystem of one execution on runtime `R`.
pub struct SimFs<R: Runtime> {
    inner: R::Arc<Inner<R>>,
}

impl<R: Runtime> Clone for SimFs<R> {
    fn clone(&self) -> Self {
        SimFs {
            inner: self.inner.clone(),
        }
    }
}

impl<R: Runtime> std::fmt::Debug for SimFs<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SimFs<{}>", R::NAME)
    }
}

fn name_of(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The error a refused operation returns after its violation is recorded.
fn refused(why: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::PermissionDenied,
        format!("lsmcheck refused the operation: {why}"),
    )
}

fn not_found(path: &Path) -> io::Error {
    io::Error::new(io::ErrorKind::NotFound, format!("{}: no such file", path.display()))
}

impl<R: Runtime> SimFs<R> {
    /// An empty filesystem reporting to `world`.
    pub fn new(world: World) -> Self {
        SimFs {
            inner: R::arc_new(Inner {
                state: Mutex::new(State::default()),
                world,
            }),
        }
    }

    fn trace(&self, op: &str, file: String, detail: String) {
        self.inner.world.trace(&R::thread_name(), op, None, Some(file), detail);
    }

    /// Numbers of the table files that exist (are not unlinked), in order.
    pub fn tables(&self) -> Vec<u64> {
        let st = self.inner.state.lock();
        st.names
            .keys()
            .filter_map(|p| filename::parse(&name_of(p)))
            .filter(|(k, _)| *k == FileKind::Table)
            .map(|(_, n)| n)
            .collect()
    }

    /// Records a violation and refuses the operation if inode `ino` was unlinked.
    fn check_live(&self, st: &State, ino: u64, op: &str) -> io::Result<()> {
        let inode = &st.inodes[&ino];
        let Some(by) = &inode.unlinked_by else { return Ok(()) };
        let thread = R::thread_name();
        let table = filename::parse(&inode.name)
            .filter(|(k, _)| *k == FileKind::Table)
            .map(|(_, n)| n);
        let pinned_version = table.and_then(|n| self.inner.world.lock().ledger.pin_of(&thread, n));
        let (file, deleted_by) = (inode.name.clone(), by.clone());
        let counted = self.inner.world.violate(match op {
            "read" => Violation::ReadOfDeletedFile {
                thread,
                file,
                pinned_version,
                deleted_by,
            },
            _ => Violation::WriteToDeletedFile {
                thread,
                file,
                deleted_by,
            },
        });
        // With the missing-file oracle off, behave like POSIX: the handle still works.
        if counted {
            Err(refused("the file was deleted"))
        } else {
            Ok(())
        }
    }
}

struct SimRandom<R: Runtime> {
    fs: SimFs<R>,
    ino: u64,
    size: u64,
}

impl<R: Runtime> RandomAccessFile for SimRandom<R> {
    fn read_at(&self, offset: u64, len: usize) -> io::Result<Vec<u8>> {
        let st = self.fs.inner.state.lock();
        self.fs.check_live(&st, self.ino, "read")?;
        let data = &st.inodes[&self.ino].data;
        let start = usize::try_from(offset).map_err(|_| io::Error::from(io::ErrorKind::UnexpectedEof))?;
        data.get(start..start.saturating_add(len))
            .map(<[u8]>::to_vec)
            .ok_or_else(|| io::ErrorKind::UnexpectedEof.into())
    }
    fn size(&self) -> u64 {
        self.size
    }
}

impl<R: Runtime> Fs for SimFs<R> {
    fn create(&self, path: &Path) -> io::Result<Box<dyn WritableFile>> {
        let ino = {
            let mut st = self.inner.state.lock();
            let numbered = filename::parse(&name_of(path)).is_some();
            if !st.ever_created.insert(path.to_path_buf()) && numbered {
                let counted = self.inner.world.violate(Violation::FileNumberReused {
                    thread: R::thread_name(),
                    file: name_of(path),
                });
                if counted {
                    return Err(refused("the file name was used before"));
                }
            }
            st.next_inode += 1;
            let ino = st.next_inode;
            st.inodes.insert(
                ino,
                Inode {
                    name: name_of(path),
                    data: Vec::new(),
                    synced: 0,
                    unlinked_by: None,
                },
            );
            st.names.insert(path.to_path_buf(), ino);
            self.crash_point(&mut st, "create", &name_of(path));
            ino
        };
        self.trace("create", name_of(path), String::new());
        Ok(Box::new(writable::SimWritable::new(self.clone(), ino)))
    }

    fn open(&self, path: &Path) -> io::Result<Box<dyn RandomAccessFile>> {
        let st = self.inner.state.lock();
        let Some(&ino) = st.names.get(path) else {
            let gone = st
                .inodes
                .values()
                .rev()
                .find(|i| i.name == name_of(path) && i.unlinked_by.is_some());
            if let Some(inode) = gone {
                let thread = R::thread_name();
                let table = filename::parse(&inode.name)
                    .filter(|(k, _)| *k == FileKind::Table)
                    .map(|(_, n)| n);
                let pinned_version = table.and_then(|n| self.inner.world.lock().ledger.pin_of(&thread, n));
                let deleted_by = inode.unlinked_by.clone().unwrap_or_default();
                self.inner.world.violate(Violation::OpenOfDeletedFile {
                    thread,
                    file: name_of(path),
                    pinned_version,
                    deleted_by,
                });
            }
            return Err(not_found(path));
        };
        let size = st.inodes[&ino].data.len() as u64;
        drop(st);
        self.trace("open", name_of(path), String::new());
        Ok(Box::new(SimRandom {
            fs: self.clone(),
            ino,
            size,
        }))
    }

    fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        let mut st = self.inner.state.lock();
        let ino = st.names.remove(from).ok_or_else(|| not_found(from))?;
        if let Some(old) = st.names.insert(to.to_path_buf(), ino) {
            st.inodes.get_mut(&old).expect("named inode").unlinked_by = Some(R::thread_name());
        }
        st.inodes.get_mut(&ino).expect("named inode").name = name_of(to);
        self.crash_point(&mut st, "rename", &format!("{} to {}", name_of(from), name_of(to)));
        drop(st);
        self.trace("rename", name_of(to), format!("from {}", name_of(from)));
        Ok(())
    }

    fn remove(&self, path: &Path) -> io::Result<()> {
        let thread = R::thread_name();
        let mut st = self.inner.state.lock();
        let Some(ino) = st.names.remove(path) else {
            let by = st
                .inodes
                .values()
                .rev()
                .find(|i| i.name == name_of(path))
                .and_then(|i| i.unlinked_by.clone());
            if let Some(deleted_by) = by {
                self.inner.world.violate(Violation::DoubleDelete {
                    thread,
                    file: name_of(path),
                    deleted_by,
                });
            }
            return Err(not_found(path));
        };
        if let Some((FileKind::Table, n)) = filename::parse(&name_of(path)) {
            let versions = self.inner.world.lock().ledger.listing(n);
            if !versions.is_empty() {
                let counted = self.inner.world.violate(Violation::DeleteOfListedFile {
                    thread: thread.clone(),
                    file: name_of(path),
                    versions,
                });
                if counted {
                    st.names.insert(path.to_path_buf(), ino);
                    return Err(refused("a live Version lists the file"));
                }
            }
        }
        st.inodes.get_mut(&ino).expect("named inode").unlinked_by = Some(thread);
        self.crash_point(&mut st, "remove", &name_of(path));
        drop(st);
        self.trace("remove", name_of(path), String::new());
        Ok(())
    }

    fn list(&self, dir: &Path) -> io::Result<Vec<String>> {
        let st = self.inner.state.lock();
        Ok(st
            .names
            .keys()
            .filter(|p| p.parent() == Some(dir))
            .map(|p| name_of(p))
            .collect())
    }

    fn exists(&self, path: &Path) -> bool {
        let st = self.inner.state.lock();
        st.names.contains_key(path) || st.dirs.contains(path)
    }

    fn create_dir_all(&self, dir: &Path) -> io::Result<()> {
        self.inner
            .state
            .lock()
            .dirs
            .extend(dir.ancestors().map(Path::to_path_buf));
        Ok(())
    }

    fn sync_dir(&self, dir: &Path) -> io::Result<()> {
        let mut st = self.inner.state.lock();
        st.durable.retain(|p, _| p.parent() != Some(dir));
        let now: Vec<(PathBuf, u64)> = st
            .names
            .iter()
            .filter(|(p, _)| p.parent() == Some(dir))
            .map(|(p, &i)| (p.clone(), i))
            .collect();
        st.durable.extend(now);
        self.crash_point(&mut st, "sync_dir", &dir.display().to_string());
        Ok(())
    }
}
