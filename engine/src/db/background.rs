//! Background work: flushing the immutable memtable and compacting, on the runtime's background
//! thread (`Background::Thread`) or one step at a time for a caller (`Background::Manual`).

use super::{Background, BgWork, Db, DbInner, Work};
use crate::compaction::picker;
use crate::error::{Error, Result};
use crate::events::Event;
use crate::mutants::Mutant;
use crate::sync::Runtime;
use crate::version::{VersionEdit, NUM_LEVELS};

impl<R: Runtime> DbInner<R> {
    /// The background thread: sleep until work is needed, do one step, repeat until closed.
    pub(crate) fn background_main(&self) {
        loop {
            {
                let mut st = self.vs.lock();
                loop {
                    if st.ext.shutting_down {
                        return;
                    }
                    let needed = st.ext.imm.is_some() || st.current().compaction.1 >= 1.0;
                    if needed && st.bg_error().is_none() {
                        break;
                    }
                    st = self.vs.wait(st);
                }
            }
            let mut bg = self.bg_work.lock();
            // A failure is latched as the background error, which stops this loop's work.
            let _ = self.step(&mut bg);
        }
    }

    /// One unit of background work. Any failure latches the background error (I8).
    pub(crate) fn step(&self, bg: &mut BgWork) -> Result<Work> {
        self.latch(self.step_unlatched(bg))
    }

    /// `r`, after latching its error as the background error (I8) if it failed. Requires: the
    /// state lock not held.
    pub(crate) fn latch<T>(&self, r: Result<T>) -> Result<T> {
        if let Err(e) = &r {
            let mut st = self.vs.lock();
            self.vs.record_bg_error(&mut st, e);
        }
        r
    }

    fn step_unlatched(&self, bg: &mut BgWork) -> Result<Work> {
        if self.flush_imm(bg)? {
            return Ok(Work::Flushed);
        }
        let (version, mut pointer) = {
            let st = self.vs.lock();
            (self.vs.pin_current(&st), st.ext.compact_pointer.clone())
        };
        // Unlocked: `pick` may drop the pin, which may run GC.
        let picked = picker::pick(version, &mut pointer);
        self.vs.lock().ext.compact_pointer = pointer;
        match picked {
            Some(c) => self.run_compaction(bg, c).map(|()| Work::Compacted),
            None => Ok(Work::Idle),
        }
    }

    /// Writes `imm` to an L0 table and installs it, clearing `imm` in the same critical section
    /// (I9). Returns false if there was no `imm`. Requires: the `bg_work` lock.
    pub(crate) fn flush_imm(&self, _bg: &mut BgWork) -> Result<bool> {
        let (imm, wal_number) = {
            let st = self.vs.lock();
            match &st.ext.imm {
                Some(imm) => (imm.clone(), st.ext.wal_number),
                None => return Ok(false),
            }
        };
        let env = self.vs.env();
        env.emit(|| Event::FlushBegin {
            memtable_bytes: imm.approximate_bytes(),
        });
        let mut pending = Vec::new();
        let table = self.write_level0(&imm, &mut pending);
        let table = match table {
            Ok(t) => t,
            Err(e) => {
                self.vs.lock().release_pending_outputs(&mut pending);
                return Err(e);
            }
        };
        assert!(
            pending.iter().all(|&n| table.as_ref().is_some_and(|t| t.number == n)),
            "I7: a flush's only pending output is its own table ({pending:?})"
        );
        let mut edit = VersionEdit::default();
        if let Some(t) = &table {
            edit.add_file(0, t.clone());
        }
        // Every WAL before the one of `mem` is now covered by tables.
        edit.log_number = Some(wal_number);
        edit.prev_log_number = Some(0);
        let opts = self.vs.options();
        if opts.mutated(Mutant::FlushReleasesPendingEarly) {
            // Mutant M25 (LevelDB's order): the table is unprotected until the install.
            self.vs.lock().release_pending_outputs(&mut pending);
        }
        if opts.mutated(Mutant::ImmClearedBeforeInstall) {
            // Mutant M30: readers miss `imm`'s entries until the install.
            self.vs.lock().ext.imm = None;
        }
        if opts.mutated(Mutant::OldWalDeletedBeforeInstall) {
            crate::mutants::delete_wals_below(&*env.fs, self.vs.dir(), wal_number);
        }
        let installed = self.vs.log_and_apply(edit, |st| {
            st.ext.imm = None;
            st.release_pending_outputs(&mut pending);
        });
        if let Err(e) = installed {
            self.vs.lock().release_pending_outputs(&mut pending);
            return Err(e);
        }
        env.emit(|| Event::FlushEnd {
            table: table.as_ref().map(|t| t.number),
        });
        self.vs.remove_obsolete_files();
        Ok(true)
    }
}

impl<R: Runtime> Db<R> {
    /// Runs one unit of background work now (flush, else one compaction), on this thread.
    /// In `Background::Thread` mode it runs beside the background thread, excluded by the same
    /// lock.
    pub fn step_background(&self) -> Result<Work> {
        self.inner.check_writable()?;
        let mut bg = self.inner.bg_work.lock();
        self.inner.step(&mut bg)
    }

    /// Runs background work until none is needed.
    pub fn settle(&self) -> Result<()> {
        while self.step_background()? != Work::Idle {}
        Ok(())
    }

    /// Writes the memtable to an L0 table and waits until it is installed.
    pub fn flush(&self) -> Result<()> {
        self.inner.check_writable()?;
        {
            let mut wal = self.inner.writer.lock();
            if wal.is_none() {
                return Err(Error::Closed);
            }
            self.inner.make_room_for_write(&mut wal, true)?;
        }
        match self.inner.opts.background {
            Background::Manual => {
                let mut bg = self.inner.bg_work.lock();
                self.inner.step_flush(&mut bg)
            }
            Background::Thread => {
                let mut st = self.inner.vs.lock();
                while st.ext.imm.is_some() {
                    st.check_bg_error()?;
                    st = self.inner.vs.wait(st);
                }
                Ok(())
            }
        }
    }

    /// Flushes, then compacts every file overlapping `[lo, hi]` (`None` = unbounded) level by
    /// level down to the deepest level that holds data. Every file is rewritten, never moved,
    /// so tombstones and overwritten values in the range are dropped where the rules allow.
    pub fn compact_range(&self, lo: Option<&[u8]>, hi: Option<&[u8]>) -> Result<()> {
        self.flush()?;
        let deepest = {
            let st = self.inner.vs.lock();
            (1..NUM_LEVELS)
                .rev()
                .find(|&l| !st.current().files(l).is_empty())
                .unwrap_or(1)
        };
        for level in 0..deepest {
            self.compact_level(level, lo, hi)?;
        }
        Ok(())
    }

    /// Compacts the files of `level` that overlap `[lo, hi]` with the files of `level + 1`
    /// they overlap, writing the result into `level + 1` (LevelDB's `TEST_CompactRange`). Does
    /// not flush. Requires: `level + 1 < 7`.
    pub fn compact_level(&self, level: usize, lo: Option<&[u8]>, hi: Option<&[u8]>) -> Result<()> {
        self.inner.check_writable()?;
        if level + 1 >= NUM_LEVELS {
            return Err(Error::InvalidArgument(format!("level {level} has no level below it")));
        }
        let mut bg = self.inner.bg_work.lock();
        let version = {
            let st = self.inner.vs.lock();
            self.inner.vs.pin_current(&st)
        };
        // One compaction takes every file of `level` that overlaps the range.
        match picker::pick_range(version, level, lo, hi) {
            Some(c) => {
                assert_eq!(c.level, level, "a range compaction compacts the level asked for");
                self.inner.latch(self.inner.run_compaction(&mut bg, c))
            }
            None => Ok(()),
        }
    }
}

impl<R: Runtime> DbInner<R> {
    fn step_flush(&self, bg: &mut BgWork) -> Result<()> {
        self.latch(self.flush_imm(bg).map(|_| ()))
    }
}
