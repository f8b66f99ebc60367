//! The write path: WAL append, memtable insert, then publish the sequence (I11).
//!
//! Durability follows LevelDB: every WAL record is handed to the OS before the write is
//! acknowledged, so an acknowledged write survives a process crash; a write with
//! [`WriteOptions::sync`] is also synced, so it survives a power loss.

use super::{Background, Db, DbInner};
use crate::error::{Error, IoContext, Result};
use crate::events::{Event, FileKind};
use crate::filename;
use crate::key::{InternalKey, MAX_SEQUENCE};
use crate::memtable::Memtable;
use crate::mutants::Mutant;
use crate::sync::Runtime;
use crate::wal::{LogWriter, WriteBatch};

/// Per-write options (LevelDB's `WriteOptions`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WriteOptions {
    /// Sync the WAL before acknowledging: the write then survives a power loss, not only a
    /// process crash.
    pub sync: bool,
}

impl WriteOptions {
    /// A synced write.
    pub fn synced() -> Self {
        WriteOptions { sync: true }
    }
}

impl<R: Runtime> Db<R> {
    /// Sets `key` to `value`.
    pub fn put(&self, key: impl Into<Vec<u8>>, value: impl Into<Vec<u8>>) -> Result<()> {
        let mut b = WriteBatch::new();
        b.put(key, value);
        self.write(b)
    }

    /// Deletes `key`.
    pub fn delete(&self, key: impl Into<Vec<u8>>) -> Result<()> {
        let mut b = WriteBatch::new();
        b.delete(key);
        self.write(b)
    }

    /// Applies a batch atomically: readers see all of it or none of it. Synced if
    /// [`Options::sync_writes`](crate::Options::sync_writes) is set.
    pub fn write(&self, batch: WriteBatch) -> Result<()> {
        self.write_opt(batch, self.default_write_options())
    }

    /// Applies a batch atomically with explicit per-write options.
    pub fn write_opt(&self, batch: WriteBatch, wo: WriteOptions) -> Result<()> {
        self.inner.write(batch, wo).map(drop)
    }

    /// Like [`Db::write_opt`], and returns the sequence number of the batch's first update (the
    /// batch occupies `first .. first + len`). Harnesses use it to build their model.
    pub fn write_with_sequence(&self, batch: WriteBatch, wo: WriteOptions) -> Result<u64> {
        self.inner.write(batch, wo)
    }

    /// The write options [`Db::write`] uses.
    pub fn default_write_options(&self) -> WriteOptions {
        WriteOptions {
            sync: self.inner.opts.sync_writes,
        }
    }
}

impl<R: Runtime> DbInner<R> {
    /// Returns the first sequence number of the batch (the next unused one if it is empty).
    /// Joins the writer queue; the writer at its head commits its group (`group.rs`).
    pub(crate) fn write(&self, batch: WriteBatch, wo: WriteOptions) -> Result<u64> {
        self.check_writable()?;
        if batch.is_empty() {
            return Ok(self.vs.lock().last_sequence() + 1);
        }
        let mut q = self.queue.lock();
        let ticket = q.join(batch, wo.sync);
        loop {
            if let Some(result) = q.outcome(ticket) {
                return result; // a leader committed this write's group
            }
            if q.leads(ticket) {
                break;
            }
            q = self.queue_cv.wait(q);
        }
        let mut group = q.build_group(self.vs.options());
        if self.vs.options().mutated(Mutant::GroupAckedBeforeAppend) {
            self.ack_followers_early(&mut q, &group); // durability mutant: acknowledged before the WAL has it
        }
        drop(q);
        let batch = std::mem::take(&mut group.batch);
        let result = self.commit(batch, group.sync, group.writers());
        let mine = self.queue.lock().finish(&group, &result);
        self.queue_cv.notify_all();
        mine
    }

    /// Commits a write group's merged `batch` (of `writers` writes): one WAL record handed to the
    /// OS (synced if `sync`), the memtable insert, then the published last sequence (I11, I14).
    /// Returns the group's first sequence. Requires: the caller leads the group (the head of the
    /// writer queue).
    fn commit(&self, batch: WriteBatch, sync: bool, writers: usize) -> Result<u64> {
        let mut wal = self.writer.lock();
        if wal.is_none() {
            return Err(Error::Closed);
        }
        self.make_room_for_write(&mut wal, false)?;
        let (first, mem) = {
            let st = self.vs.lock();
            st.check_bg_error()?;
            (st.last_sequence() + 1, st.ext.mem.clone())
        };
        let last = first + batch.len() as u64 - 1;
        assert!(last <= MAX_SEQUENCE, "sequence numbers exhausted");
        self.vs.env().emit(|| Event::WriteGroup { writers, sync });
        let w = wal.as_mut().ok_or(Error::Closed)?;
        let logged = w.add_record(&batch.encode(first)).and_then(|()| {
            if sync {
                return w.sync();
            }
            if self.vs.options().mutated(Mutant::WalNotFlushedBeforeAck) {
                Ok(()) // durability mutant: the record stays in the process's buffer
            } else {
                w.flush() // to the OS: survives a process crash (LevelDB's Flush after AddRecord)
            }
        });
        // On failure the WAL may hold part of the record: nothing more may be written to it.
        self.latch(logged)?;
        if self.vs.options().mutated(Mutant::SequencePublishedBeforeInsert) {
            self.vs.lock().set_last_sequence(last);
        }
        self.vs.env().emit(|| Event::MemtableInsert { begin: true });
        for (i, (kind, key, value)) in batch.ops.into_iter().enumerate() {
            mem.insert(InternalKey::new(key, first + i as u64, kind), value);
        }
        self.vs.env().emit(|| Event::MemtableInsert { begin: false });
        // Publish only now that the whole group is in the memtable (I11).
        self.vs.lock().set_last_sequence(last);
        Ok(first)
    }

    /// Ensures `mem` has room, switching to a new memtable and WAL when it is full (or when
    /// `force` is set and it is not empty). Requires: `wal` is the locked writer.
    pub(crate) fn make_room_for_write(&self, wal: &mut Option<LogWriter>, force: bool) -> Result<()> {
        loop {
            let st = self.vs.lock();
            st.check_bg_error()?;
            let threaded = self.opts.background == Background::Thread;
            if threaded && st.current().files(0).len() >= self.opts.l0_stop_writes_trigger && !st.ext.shutting_down {
                drop(self.vs.wait(st));
                continue;
            }
            let full = st.ext.mem.approximate_bytes() >= self.opts.write_buffer_size;
            if !(full || force && !st.ext.mem.is_empty()) {
                return Ok(());
            }
            if st.ext.imm.is_some() {
                if threaded && !st.ext.shutting_down {
                    drop(self.vs.wait(st));
                } else {
                    drop(st);
                    let mut bg = self.bg_work.lock();
                    self.flush_imm(&mut bg)?;
                }
                continue;
            }
            drop(st);
            let (number, new_wal) = self.new_wal()?;
            if let Some(old) = wal.as_mut() {
                // The old WAL is complete; make it durable before its memtable is frozen.
                old.sync()?;
            }
            *wal = Some(new_wal);
            let mut st = self.vs.lock();
            let mem = std::mem::replace(&mut st.ext.mem, R::arc_new(Memtable::new(self.vs.options())));
            st.ext.imm = Some(mem);
            st.ext.wal_number = number;
            drop(st);
            self.vs.notify_all();
            return Ok(());
        }
    }

    /// Starts a new WAL: takes a file number (above the current log number, so GC keeps the
    /// file), creates and announces it, and makes its directory entry durable, so synced
    /// records in it survive a power loss even before a MANIFEST edit names it. Every WAL
    /// starts here.
    pub(crate) fn new_wal(&self) -> Result<(u64, LogWriter)> {
        let number = self.vs.lock().new_file_number();
        let (fs, dir) = (&*self.vs.env().fs, self.vs.dir());
        let path = filename::path(dir, FileKind::Log, number);
        let wal = LogWriter::create(fs, &path)?;
        self.vs.env().emit(|| Event::FileCreated {
            kind: FileKind::Log,
            number,
        });
        if self.vs.options().mutated(Mutant::NewWalNotDirSynced) {
            // Durability mutant: the new WAL's name is never made durable.
        } else {
            fs.sync_dir(dir).at(dir)?;
        }
        Ok((number, wal))
    }
}
