//! `SimFs`: a strict, deterministic, in-memory filesystem for the harness.
//!
//! Its state sits behind a plain `std` mutex; the checkers see an operation only through the
//! [`gates`] it touches (the directory, the name, the inode), one scheduling point per object,
//! so operations on different files are independent to loom. It is stricter than POSIX on
//! purpose, and each breach fails the execution with a [`Violation`] naming the file and the
//! threads involved:
//! - opening an unlinked file, or reading (or writing) through a handle opened before the
//!   unlink: POSIX allows it, but in an LSM it *is* the bug (the lazy open of a later file);
//! - unlinking a file twice;
//! - unlinking a table that a live Version lists (checked against the ghost ledger, so the bug
//!   is caught even when no reader happens to race);
//! - creating a file name a second time (file numbers are never reused, I10).
//!
//! It also models durability ([`durability`]): a writable handle keeps appended bytes in a
//! buffer of its own (the process's) until `flush`; an inode remembers how many of its bytes a
//! `sync` made durable; and the directory remembers which names a `sync_dir` made durable. With
//! crash recording on, every operation that changes what a crash would leave records a crash
//! point, from which the crash explorer builds the surviving state under each crash model.
//!
//! It keeps names and contents in `BTreeMap`s and never reads the clock or OS randomness.

pub mod durability;
mod gates;
mod paths;
mod readable;
#[cfg(test)]
mod tests;
mod writable;

use crate::world::trace::{self, Detail};
use crate::world::{Violation, World};
use engine::events::FileKind;
use engine::filename;
use engine::fs::{Fs, RandomAccessFile, WritableFile};
use engine::sync::Runtime;
use gates::Access::{Change, Look};
use gates::Gates;
use gates::Object::{self, Dir, Name};
use paths::{key, name_of, name_str, Inside, Key};
use readable::SimRandom;
use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

#[derive(Debug)]
struct Inode {
    name: String,
    /// Bytes handed to the OS (a process crash keeps them).
    data: Vec<u8>,
    /// How many of them a sync made durable (a power loss keeps these).
    synced: usize,
    /// The thread that unlinked it (its name as the world interned it).
    unlinked_by: Option<trace::Text>,
}

#[derive(Debug, Default)]
struct State {
    names: BTreeMap<Key, u64>,
    inodes: BTreeMap<u64, Inode>,
    dirs: BTreeSet<PathBuf>,
    ever_created: BTreeSet<Key>,
    next_inode: u64,
    /// Names as of the last `sync_dir` of their directory: what a power loss keeps.
    durable: BTreeMap<Key, u64>,
    /// The inode that most recently received unsynced bytes (a torn write tears it).
    last_unsynced: Option<u64>,
    /// Crash points, when the crash explorer records them.
    crash: Option<durability::CrashLog>,
}

struct Inner<R: Runtime> {
    /// Invisible to the checkers, like the world's lock: no operation waits while holding it,
    /// and every checker runs one thread at a time, so what it guards changes only where a
    /// thread touched a gate first.
    state: Mutex<State>,
    gates: Gates<R>,
    world: World,
}

/// The strict filesystem of one execution on runtime `R`.
pub struct SimFs<R: Runtime> {
    /// A plain `Arc`, not the runtime's: every open handle holds a clone, and under loom each
    /// clone and drop of a modelled `Arc` would be one more access that all threads share.
    inner: Arc<Inner<R>>,
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
    /// An empty filesystem reporting to `world`. Requires: made before the execution spawns
    /// any thread (its gates are checker objects every thread touches).
    pub fn new(world: World) -> Self {
        SimFs {
            inner: Arc::new(Inner {
                state: Mutex::new(State::default()),
                gates: Gates::new(),
                world,
            }),
        }
    }

    /// The state. Poison is ignored: a panicking thread already reported. Never touch a gate
    /// while holding it (the checker would switch threads inside the critical section).
    fn state(&self) -> MutexGuard<'_, State> {
        self.inner
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Declares the calling thread the execution's only one (`true`: the model's setup before it
    /// spawns, its teardown after it joined every thread), or not (`false`, the start). While it
    /// is alone, operations are not scheduling points: there is nothing to interleave.
    /// Requires: `true` only while no other thread of the execution is alive (no engine
    /// background thread either).
    pub fn set_alone(&self, alone: bool) {
        self.inner.gates.set_alone(alone);
    }

    /// The inode `path` names now, if any (to choose the gate an unlink must touch).
    fn peek(&self, path: &Path) -> Option<u64> {
        self.state().names.get(key(path)).copied()
    }

    /// The calling thread's name as the world interns it (no allocation after its first use).
    fn me(&self) -> trace::Text {
        let mut w = self.inner.world.lock();
        let me = w.thread(R::thread_key(), R::thread_name);
        w.text(me)
    }

    /// Appends `op` on `path` (renamed `from`, if given) to the trace.
    fn trace(&self, op: &'static str, path: &Path, from: Option<&Path>) {
        if !self.inner.world.tracing() {
            return;
        }
        let mut w = self.inner.world.lock();
        let thread = w.thread(R::thread_key(), R::thread_name);
        let file = w.file(name_str(path));
        let detail = match from {
            Some(from) => Detail::RenamedFrom(w.file(name_str(from))),
            None => Detail::None,
        };
        w.record(thread, op, None, Some(file), detail);
    }

    /// Numbers of the table files that exist (are not unlinked), in order. The harness's own
    /// query at quiescence: no scheduling point.
    pub fn tables(&self) -> Vec<u64> {
        let st = self.state();
        st.names
            .keys()
            .filter_map(|p| filename::parse(name_str(Path::new(&**p))))
            .filter(|(k, _)| *k == FileKind::Table)
            .map(|(_, n)| n)
            .collect()
    }
}

impl<R: Runtime> Fs for SimFs<R> {
    fn create(&self, path: &Path) -> io::Result<Box<dyn WritableFile>> {
        self.inner.gates.pass(&[(Dir, Change), (Name(path), Change)]);
        let ino = {
            let mut st = self.state();
            let numbered = filename::parse(name_str(path)).is_some();
            let path_key = Key::from(key(path));
            if !st.ever_created.insert(path_key.clone()) && numbered {
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
            st.names.insert(path_key, ino);
            self.crash_point(&mut st, "create", |_| name_of(path));
            ino
        };
        self.trace("create", path, None);
        Ok(Box::new(writable::SimWritable::new(self.clone(), ino)))
    }

    /// Looks the name up; the handle's bytes reach the inode when flushed, synced or closed,
    /// as a new file's do.
    fn reopen(&self, path: &Path) -> io::Result<Box<dyn WritableFile>> {
        self.inner.gates.pass(&[(Name(path), Look)]);
        let ino = self
            .state()
            .names
            .get(key(path))
            .copied()
            .ok_or_else(|| not_found(path))?;
        self.trace("reopen", path, None);
        Ok(Box::new(writable::SimWritable::new(self.clone(), ino)))
    }

    fn open(&self, path: &Path) -> io::Result<Box<dyn RandomAccessFile>> {
        self.inner.gates.pass(&[(Name(path), Look)]);
        let st = self.state();
        let Some(&ino) = st.names.get(key(path)) else {
            let gone = st
                .inodes
                .values()
                .rev()
                .find(|i| i.name == name_str(path) && i.unlinked_by.is_some());
            if let Some(inode) = gone {
                let thread = R::thread_name();
                let table = filename::parse(&inode.name)
                    .filter(|(k, _)| *k == FileKind::Table)
                    .map(|(_, n)| n);
                let pinned_version = table.and_then(|n| self.inner.world.lock().ledger.pin_of(&thread, n));
                let deleted_by = inode.unlinked_by.as_deref().unwrap_or_default().to_string();
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
        self.trace("open", path, None);
        Ok(Box::new(SimRandom {
            fs: self.clone(),
            ino,
            size,
        }))
    }

    /// Touches the inode `to` names when the rename starts (the engine renames only under its
    /// MANIFEST lock, so nothing rebinds `to` in between).
    fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        let gates = &self.inner.gates;
        let (from_name, to_name) = (Name(from), Name(to));
        match self.peek(to) {
            Some(old) => gates.pass(&[
                (Dir, Change),
                (from_name, Change),
                (to_name, Change),
                (Object::Inode(old), Change),
            ]),
            None => gates.pass(&[(Dir, Change), (from_name, Change), (to_name, Change)]),
        }
        let mut st = self.state();
        let ino = st.names.remove(key(from)).ok_or_else(|| not_found(from))?;
        if let Some(old) = st.names.insert(Key::from(key(to)), ino) {
            st.inodes.get_mut(&old).expect("named inode").unlinked_by = Some(self.me());
        }
        st.inodes.get_mut(&ino).expect("named inode").name = name_of(to);
        self.crash_point(&mut st, "rename", |_| format!("{} to {}", name_str(from), name_str(to)));
        drop(st);
        self.trace("rename", to, Some(from));
        Ok(())
    }

    /// Touches the inode `path` names when the remove starts (file names are never reused and
    /// only CURRENT is renamed over, so nothing rebinds `path` in between).
    fn remove(&self, path: &Path) -> io::Result<()> {
        let gates = &self.inner.gates;
        let name = Name(path);
        match self.peek(path) {
            Some(ino) => gates.pass(&[(Dir, Change), (name, Change), (Object::Inode(ino), Change)]),
            None => gates.pass(&[(Dir, Change), (name, Change)]),
        }
        let mut st = self.state();
        let Some(ino) = st.names.remove(key(path)) else {
            let by = st
                .inodes
                .values()
                .rev()
                .find(|i| i.name == name_str(path))
                .and_then(|i| i.unlinked_by.as_deref().map(str::to_string));
            if let Some(deleted_by) = by {
                self.inner.world.violate(Violation::DoubleDelete {
                    thread: R::thread_name(),
                    file: name_of(path),
                    deleted_by,
                });
            }
            return Err(not_found(path));
        };
        if let Some((FileKind::Table, n)) = filename::parse(name_str(path)) {
            let versions = self.inner.world.lock().ledger.listing(n);
            if !versions.is_empty() {
                let counted = self.inner.world.violate(Violation::DeleteOfListedFile {
                    thread: R::thread_name(),
                    file: name_of(path),
                    versions,
                });
                if counted {
                    st.names.insert(Key::from(key(path)), ino);
                    return Err(refused("a live Version lists the file"));
                }
            }
        }
        st.inodes.get_mut(&ino).expect("named inode").unlinked_by = Some(self.me());
        self.crash_point(&mut st, "remove", |_| name_of(path));
        drop(st);
        self.trace("remove", path, None);
        Ok(())
    }

    fn list(&self, dir: &Path) -> io::Result<Vec<String>> {
        self.inner.gates.pass(&[(Dir, Look)]);
        let inside = Inside::new(dir);
        let st = self.state();
        Ok(st
            .names
            .keys()
            .filter_map(|p| inside.name(p))
            .map(str::to_string)
            .collect())
    }

    fn exists(&self, path: &Path) -> bool {
        self.inner.gates.pass(&[(Dir, Look)]);
        let st = self.state();
        st.names.contains_key(key(path)) || st.dirs.contains(path)
    }

    fn create_dir_all(&self, dir: &Path) -> io::Result<()> {
        self.inner.gates.pass(&[(Dir, Change)]);
        self.state().dirs.extend(dir.ancestors().map(Path::to_path_buf));
        Ok(())
    }

    fn sync_dir(&self, dir: &Path) -> io::Result<()> {
        self.inner.gates.pass(&[(Dir, Change)]);
        let mut st = self.state();
        let State { names, durable, .. } = &mut *st;
        let inside = Inside::new(dir);
        durable.retain(|p, _| !inside.holds(p));
        durable.extend(
            names
                .iter()
                .filter(|(p, _)| inside.holds(p))
                .map(|(p, &i)| (p.clone(), i)),
        );
        self.crash_point(&mut st, "sync_dir", |_| dir.display().to_string());
        Ok(())
    }
}
