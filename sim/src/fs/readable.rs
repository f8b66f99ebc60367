//! `SimRandom`, a handle for reading, and the check every handle makes: an unlinked file is
//! dead to every handle, even one opened before the unlink (stricter than POSIX, O3).

use super::gates::Access::Look;
use super::gates::Object::Inode;
use super::{refused, SimFs, State};
use crate::world::Violation;
use engine::events::FileKind;
use engine::filename;
use engine::fs::RandomAccessFile;
use engine::sync::Runtime;
use std::io;

impl<R: Runtime> SimFs<R> {
    /// Records a violation and refuses the operation if inode `ino` was unlinked.
    pub(super) fn check_live(&self, st: &State, ino: u64, op: &str) -> io::Result<()> {
        let inode = &st.inodes[&ino];
        let Some(by) = &inode.unlinked_by else { return Ok(()) };
        let thread = R::thread_name();
        let table = filename::parse(&inode.name)
            .filter(|(k, _)| *k == FileKind::Table)
            .map(|(_, n)| n);
        let pinned_version = table.and_then(|n| self.inner.world.lock().ledger.pin_of(&thread, n));
        let (file, deleted_by) = (inode.name.clone(), by.to_string());
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

pub(super) struct SimRandom<R: Runtime> {
    pub(super) fs: SimFs<R>,
    pub(super) ino: u64,
    pub(super) size: u64,
}

impl<R: Runtime> RandomAccessFile for SimRandom<R> {
    fn read_at(&self, offset: u64, len: usize) -> io::Result<Vec<u8>> {
        self.fs.inner.gates.pass(&[(Inode(self.ino), Look)]);
        let st = self.fs.state();
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
