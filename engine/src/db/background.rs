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

    /// One unit of background work. Any failure latches the background error (L8).
    pub(crate) fn step(&self, bg: &mut BgWork) -> Result<Work> {
        let r = self.step_unlatched(bg);
        if let Err(e) = &r {
            let mut st = self.vs.lock();
            self.vs.record_bg_error(&mut st, e.to_string());
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
        let newest_l0_only = self.vs.options().mutated(Mutant::L0PicksNewestOnly);
        let picked = picker::pick(version, &mut pointer, newest_l0_only);
        self.vs.lock().ext.compact_pointer = pointer;
        match picked {
            Some(c) => self.run_compaction(bg, c).map(|()| Work::Compacted),
            None => Ok(Work::Idle),
        }
    }

    /// Writes `imm` to an L0 table and installs it, clearing `imm` in the same critical section
    /// (L9). Returns false if there was no `imm`. Requires: the `bg_work` lock.
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
        let table = self.write_level0(&imm)?;
        let mut edit = VersionEdit::default();
        if let Some(t) = &table {
            edit.add_file(0, t.clone());
        }
        // Every WAL before the one of `mem` is now covered by tables.
        edit.log_number = Some(wal_number);
        edit.prev_log_number = Some(0);
        let opts = self.vs.options();
        let early_release = table.is_some() && opts.mutated(Mutant::FlushReleasesPendingEarly);
        if early_release || opts.mutated(Mutant::ImmClearedBeforeInstall) {
            let mut st = self.vs.lock();
            if early_release {
                st.remove_pending_output(table.as_ref().expect("checked").number);
                // M25: LevelDB's order
            }
            if opts.mutated(Mutant::ImmClearedBeforeInstall) {
                st.ext.imm = None; // M30
            }
        }
        if opts.mutated(Mutant::OldWalDeletedBeforeInstall) {
            crate::mutants::delete_wals_below(&*env.fs, self.vs.dir(), wal_number);
        }
        let installed = self.vs.log_and_apply(edit, |st| {
            st.ext.imm = None;
            if let (Some(t), false) = (&table, early_release) {
                st.remove_pending_output(t.number);
            }
        });
        if let Err(e) = installed {
            if let Some(t) = &table {
                self.vs.lock().pending_outputs.remove(&t.number);
            }
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
                    if let Some(e) = st.bg_error() {
                        return Err(Error::Background(e.to_string()));
                    }
                    st = self.inner.vs.wait(st);
                }
                Ok(())
            }
        }
    }

    /// Flushes, then compacts every file overlapping `[lo, hi]` (`None` = unbounded) level by
    /// level down to the deepest level that holds data.
    pub fn compact_range(&self, lo: Option<&[u8]>, hi: Option<&[u8]>) -> Result<()> {
        self.flush()?;
        let mut bg = self.inner.bg_work.lock();
        let deepest = {
            let st = self.inner.vs.lock();
            (1..NUM_LEVELS)
                .rev()
                .find(|&l| !st.current().files(l).is_empty())
                .unwrap_or(1)
        };
        for level in 0..deepest {
            let version = {
                let st = self.inner.vs.lock();
                self.inner.vs.pin_current(&st)
            };
            // One compaction takes every file of `level` that overlaps the range.
            let newest_l0_only = self.inner.vs.options().mutated(Mutant::L0PicksNewestOnly);
            let Some(c) = picker::pick_range(version, level, lo, hi, newest_l0_only) else {
                continue;
            };
            if let Err(e) = self.inner.run_compaction(&mut bg, c) {
                let mut st = self.inner.vs.lock();
                self.inner.vs.record_bg_error(&mut st, e.to_string());
                return Err(e);
            }
        }
        Ok(())
    }
}

impl<R: Runtime> DbInner<R> {
    fn step_flush(&self, bg: &mut BgWork) -> Result<()> {
        let r = self.flush_imm(bg).map(|_| ());
        if let Err(e) = &r {
            let mut st = self.vs.lock();
            self.vs.record_bg_error(&mut st, e.to_string());
        }
        r
    }
}
