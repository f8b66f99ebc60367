//! Running a compaction: merge the inputs, drop what no reader can see, write outputs split at
//! user-key boundaries, install, collect obsolete files.

use super::{BgWork, DbInner, DbState};
use crate::compaction::picker::Compaction;
use crate::compaction::ShadowFilter;
use crate::error::Result;
use crate::events::{Event, FileKind};
use crate::filename;
use crate::iter::{InternalIter, MergingIter};
use crate::key::InternalKey;
use crate::mutants::Mutant;
use crate::sync::Runtime;
use crate::table::TableBuilder;
use crate::version::{FileMeta, VersionEdit};

impl<R: Runtime> DbInner<R> {
    /// Runs `c`. Requires: the `bg_work` lock (proved by `bg`); the state lock not held.
    pub(crate) fn run_compaction(&self, bg: &mut BgWork, c: Compaction<R, DbState<R>>) -> Result<()> {
        let (level, trivial) = (c.level, c.is_trivial_move());
        let env = self.vs.env();
        env.emit(|| Event::CompactionBegin {
            level,
            inputs: c.input_numbers(),
            trivial_move: trivial,
        });
        let mut edit = VersionEdit::default();
        for (i, files) in c.inputs.iter().enumerate() {
            for f in files {
                edit.delete_file(level + i, f.number);
            }
        }
        let opts = self.vs.options();
        if trivial {
            edit.add_file(level + 1, c.inputs[0][0].clone());
            self.vs.log_and_apply(edit, |_| {})?;
            self.delete_inputs_directly(&c);
            env.emit(|| Event::CompactionEnd {
                level,
                outputs: vec![c.inputs[0][0].number],
            });
            return Ok(());
        }
        let mut outputs: Vec<u64> = Vec::new();
        let written = self.merge_inputs(bg, &c, &mut outputs);
        let result = written.and_then(|files| {
            for f in &files {
                edit.add_file(level + 1, f.clone());
            }
            self.vs.log_and_apply(edit, |st| {
                for n in outputs.iter().filter(|_| !opts.mutated(Mutant::OutputNotPending)) {
                    st.remove_pending_output(*n);
                }
            })
        });
        if result.is_err() {
            let mut st = self.vs.lock();
            for n in &outputs {
                st.pending_outputs.remove(n);
            }
            return result;
        }
        env.emit(|| Event::CompactionEnd {
            level,
            outputs: outputs.clone(),
        });
        self.delete_inputs_directly(&c);
        drop(c); // releases the input Version (LevelDB's ReleaseInputs)
        self.vs.remove_obsolete_files();
        Ok(())
    }

    /// Writes the merged, filtered inputs of `c` to new tables. Every output number is pushed
    /// to `outputs` when it becomes a pending output, before its file is created (L7).
    fn merge_inputs(
        &self,
        bg: &mut BgWork,
        c: &Compaction<R, DbState<R>>,
        outputs: &mut Vec<u64>,
    ) -> Result<Vec<FileMeta>> {
        let opts = self.vs.options();
        let smallest_snapshot = {
            let st = self.vs.lock();
            let oldest = st.ext.snapshots.keys().next().copied();
            // Mutant: compaction forgets the snapshots.
            let oldest = oldest.filter(|_| !opts.mutated(Mutant::CompactionIgnoresSnapshots));
            oldest.unwrap_or_else(|| st.last_sequence())
        };
        let start = InternalKey::seek_target(&[], crate::key::MAX_SEQUENCE);
        let children: Vec<Box<dyn InternalIter>> = c
            .inputs
            .iter()
            .flat_map(|files| files.iter().rev())
            .map(|f| {
                let it = crate::iter::LevelIter::new(c.version.clone(), vec![f.clone()], start.clone());
                Box::new(it) as Box<dyn InternalIter>
            })
            .collect();
        let mut merged = MergingIter::new(children);
        let mut filter = ShadowFilter::new(smallest_snapshot);
        let mut files = Vec::new();
        let mut out: Option<(u64, TableBuilder)> = None;
        let mut seen = 0u64;
        while let Some(e) = merged.next_entry()? {
            seen += 1;
            if seen.is_multiple_of(256) && self.vs.lock().ext.imm.is_some() {
                // Keep writers moving: flush the full memtable in the middle of a long compaction.
                // Its GC pass must spare our outputs, which are pending.
                self.flush_imm(bg)?;
            }
            let boundary = filter.is_new_user_key(&e.key);
            let base = || opts.mutated(Mutant::TombstoneDroppedAboveBase) || c.is_base_level_for(&e.key.user);
            if filter.should_drop(&e.key, base) {
                continue;
            }
            // Outputs split only between user keys (mutant M11 splits anywhere).
            if (boundary || opts.mutated(Mutant::OutputSplitsUserKey))
                && out
                    .as_ref()
                    .is_some_and(|(_, b)| b.approximate_size() >= self.opts.target_file_size)
            {
                let (n, b) = out.take().expect("checked above");
                files.push(self.seal_table(n, b)?);
            }
            if out.is_none() {
                out = Some(self.open_output(outputs)?);
            }
            out.as_mut().expect("opened above").1.add(&e.key, &e.value)?;
        }
        if let Some((n, b)) = out {
            if b.entries() > 0 {
                files.push(self.seal_table(n, b)?);
            }
        }
        Ok(files)
    }

    /// Mutant M22: unlink the inputs the edit removed, without asking whether any live Version
    /// still lists them (after a trivial move, the new `current` does).
    fn delete_inputs_directly(&self, c: &Compaction<R, DbState<R>>) {
        if self.vs.options().mutated(Mutant::CompactionDeletesInputsDirectly) {
            for n in c.input_numbers() {
                let _ = self
                    .vs
                    .env()
                    .fs
                    .remove(&filename::path(self.vs.dir(), FileKind::Table, n));
            }
        }
    }

    fn open_output(&self, outputs: &mut Vec<u64>) -> Result<(u64, TableBuilder)> {
        let number = {
            let mut st = self.vs.lock();
            let n = st.new_file_number();
            if !self.vs.options().mutated(Mutant::OutputNotPending) {
                st.add_pending_output(n); // before the file exists (L7)
            }
            n
        };
        outputs.push(number);
        Ok((number, self.create_table(number)?))
    }
}
