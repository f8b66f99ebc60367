//! `SimWritable`: a file being written, with a buffer of its own standing for the process's
//! user-space buffer (what a process crash loses). Appending touches no gate (nobody else can
//! see the buffer); handing bytes to the inode (flush, sync, close) touches the inode's.

use super::gates::Access::Change;
use super::gates::Object::Inode;
use super::{SimFs, State};
use engine::fs::WritableFile;
use engine::sync::Runtime;
use std::io;

pub(super) struct SimWritable<R: Runtime> {
    fs: SimFs<R>,
    ino: u64,
    /// Appended bytes still inside the process (lost by a process crash).
    buf: Vec<u8>,
}

impl<R: Runtime> SimWritable<R> {
    /// A handle on inode `ino` of `fs`, with an empty buffer.
    pub(super) fn new(fs: SimFs<R>, ino: u64) -> Self {
        SimWritable {
            fs,
            ino,
            buf: Vec::new(),
        }
    }
}

/// Hands a handle's buffer to the "OS". Requires: the state lock (`st`).
fn hand_over(st: &mut State, ino: u64, buf: &mut Vec<u8>) {
    if buf.is_empty() {
        return;
    }
    let inode = st.inodes.get_mut(&ino).expect("inodes are never freed");
    inode.data.append(buf);
    st.last_unsynced = Some(ino);
}

impl<R: Runtime> WritableFile for SimWritable<R> {
    fn append(&mut self, data: &[u8]) -> io::Result<()> {
        let st = self.fs.state();
        self.fs.check_live(&st, self.ino, "write")?;
        self.buf.extend_from_slice(data);
        Ok(())
    }
    fn flush(&mut self) -> io::Result<()> {
        let SimWritable { fs, ino, buf } = self;
        fs.inner.gates.pass(&[(Inode(*ino), Change)]);
        let mut st = fs.state();
        fs.check_live(&st, *ino, "write")?;
        hand_over(&mut st, *ino, buf);
        fs.crash_point(&mut st, "flush", |st| st.inodes[ino].name.clone());
        Ok(())
    }
    fn sync(&mut self) -> io::Result<()> {
        let SimWritable { fs, ino, buf } = self;
        fs.inner.gates.pass(&[(Inode(*ino), Change)]);
        let mut st = fs.state();
        fs.check_live(&st, *ino, "sync")?;
        hand_over(&mut st, *ino, buf);
        let inode = st.inodes.get_mut(ino).expect("inodes are never freed");
        inode.synced = inode.data.len();
        fs.crash_point(&mut st, "sync", |st| st.inodes[ino].name.clone());
        Ok(())
    }
}

impl<R: Runtime> Drop for SimWritable<R> {
    /// Closing a file hands its buffer to the OS, as `OsFs` does.
    fn drop(&mut self) {
        let SimWritable { fs, ino, buf } = self;
        if buf.is_empty() {
            return;
        }
        // A thread unwinding under a checker must not touch its primitives again.
        if !(R::CHECKED && std::thread::panicking()) {
            fs.inner.gates.pass(&[(Inode(*ino), Change)]);
        }
        let mut st = fs.state();
        hand_over(&mut st, *ino, buf);
        fs.crash_point(&mut st, "close", |st| st.inodes[ino].name.clone());
    }
}
