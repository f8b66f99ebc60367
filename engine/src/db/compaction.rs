//! Running a compaction: merge the inputs, drop what no reader can see, write outputs split at
//! user-key boundaries, install, collect obsolete files.

use super::{BgWork, DbInner, DbState};
use crate::compaction::picker::Compaction;
use crate::compaction::{GrandparentCut, ShadowFilter};
use crate::error::Result;
use crate::events::Event;
use crate::iter::{Forward, InternalIter, MergingIter};
use crate::mutants::Mutant;
use crate::sync::Runtime;
use crate::table::TableBuilder;
use crate::version::{FileMeta, VersionEdit};

impl<R: Runtime> DbInner<R> {
    /// Runs `c`: installs its result (a trivial move, or merged outputs), then lets GC collect
    /// the inputs once no Version lists them. Requires: the `bg_work` lock (proved by `bg`);
    /// the state lock not held.
    pub(crate) fn run_compaction(&self, bg: &mut BgWork, c: Compaction<R, DbState<R>>) -> Result<()> {
        let opts = self.vs.options();
        let c = if opts.mutated(Mutant::L0PicksNewestOnly) {
            crate::mutants::newest_l0_only(c) // mutant M11: an L0 compaction takes one file
        } else {
            c
        };
        let (level, trivial) = (c.level, c.is_trivial_move(self.max_grandparent_overlap()));
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
        let outputs = if trivial {
            let moved = c.inputs[0][0].clone();
            edit.add_file(level + 1, moved.clone());
            self.vs.log_and_apply(edit, |_| {})?;
            vec![moved.number]
        } else {
            self.write_and_install(bg, &c, edit)?
        };
        env.emit(|| Event::CompactionEnd { level, outputs });
        if opts.mutated(Mutant::CompactionDeletesInputsDirectly) {
            crate::mutants::delete_inputs_directly(&*self.vs.env().fs, self.vs.dir(), &c.input_numbers());
        }
        drop(c); // releases the input Version (LevelDB's ReleaseInputs)
        self.vs.remove_obsolete_files();
        Ok(())
    }

    /// Writes the merged inputs of `c` and installs `edit` plus the outputs, releasing the
    /// outputs' pending numbers in the install (or on failure). Returns the output numbers.
    fn write_and_install(
        &self,
        bg: &mut BgWork,
        c: &Compaction<R, DbState<R>>,
        mut edit: VersionEdit,
    ) -> Result<Vec<u64>> {
        let mut pending = Vec::new();
        let written = self.merge_inputs(bg, c, &mut pending);
        let result = written.and_then(|files| {
            let numbers = files.iter().map(|f| f.number).collect();
            for f in files {
                edit.add_file(c.level + 1, f);
            }
            self.vs
                .log_and_apply(edit, |st| st.release_pending_outputs(&mut pending))
                .map(|()| numbers)
        });
        if result.is_err() {
            self.vs.lock().release_pending_outputs(&mut pending);
        }
        result
    }

    /// Writes the merged, filtered inputs of `c` to new tables. Every output number is pushed
    /// to `pending` when it becomes a pending output, before its file is created (I7).
    fn merge_inputs(
        &self,
        bg: &mut BgWork,
        c: &Compaction<R, DbState<R>>,
        pending: &mut Vec<u64>,
    ) -> Result<Vec<FileMeta>> {
        let opts = self.vs.options();
        let mut merged = Self::merged_inputs(c);
        let mut filter = ShadowFilter::new(self.smallest_snapshot());
        let mut files = Vec::new();
        let mut out: Option<(u64, TableBuilder)> = None;
        let mut cut = GrandparentCut::new(&c.grandparents, self.max_grandparent_overlap());
        let mut cut_wanted = false; // the grandparent overlap says: end the output
        let mut seen = 0u64;
        while let Some(e) = merged.next_entry()? {
            seen += 1;
            self.flush_waiting_memtable(bg, seen)?;
            cut_wanted |= cut.should_stop_before(&e.key) && out.is_some();
            let boundary = filter.is_new_user_key(&e.key);
            let base = || {
                if opts.mutated(Mutant::TombstoneDroppedAboveBase) {
                    true // mutant: every level counts as the base level
                } else {
                    c.is_base_level_for(&e.key.user)
                }
            };
            if filter.should_drop(&e.key, base) {
                continue;
            }
            // Outputs split only between user keys.
            let may_split = if opts.mutated(Mutant::OutputSplitsUserKey) {
                true // mutant M11: split anywhere, even inside one user key's entries
            } else {
                boundary
            };
            let full = |b: &TableBuilder| b.approximate_size() >= self.opts.target_file_size;
            if may_split && out.as_ref().is_some_and(|(_, b)| cut_wanted || full(b)) {
                let (n, b) = out.take().expect("checked above");
                files.push(self.seal_table(n, b)?);
                cut.output_ended();
                cut_wanted = false;
            }
            if out.is_none() {
                out = Some(self.new_table(pending)?);
            }
            out.as_mut().expect("opened above").1.add(&e.key, &e.value)?;
        }
        if let Some((n, b)) = out {
            assert!(b.entries() > 0, "an output is opened only for an entry to add");
            files.push(self.seal_table(n, b)?);
        }
        self.vs.env().emit(|| Event::CompactionDrops(filter.stats()));
        Ok(files)
    }

    /// How many bytes of the level below its own a compaction output may overlap before it is
    /// cut (LevelDB's `kMaxGrandParentOverlapBytes`: 10 target-size files).
    fn max_grandparent_overlap(&self) -> u64 {
        self.opts.target_file_size.saturating_mul(10)
    }

    /// Keeps writers moving during a long compaction: every 256 input entries, flushes the
    /// memtable waiting to be flushed, if any. Its GC pass must spare the compaction's outputs,
    /// which are pending. Requires: the `bg_work` lock (proved by `bg`).
    fn flush_waiting_memtable(&self, bg: &mut BgWork, seen: u64) -> Result<()> {
        if seen.is_multiple_of(256) && self.vs.lock().ext.imm.is_some() {
            self.flush_imm(bg)?;
        }
        Ok(())
    }

    /// The oldest sequence a reader may still read at: the oldest live snapshot, or the last
    /// sequence. Entries shadowed at or below it may go (LevelDB's `smallest_snapshot`).
    fn smallest_snapshot(&self) -> u64 {
        let st = self.vs.lock();
        let oldest = st.ext.snapshots.keys().next().copied();
        let oldest = if self.vs.options().mutated(Mutant::CompactionIgnoresSnapshots) {
            None // mutant: compaction forgets the snapshots
        } else {
            oldest
        };
        oldest.unwrap_or_else(|| st.last_sequence())
    }

    /// Every input file of `c` (newest first within a level), merged in internal-key order.
    fn merged_inputs(c: &Compaction<R, DbState<R>>) -> Forward<MergingIter> {
        let children: Vec<Box<dyn InternalIter>> = c
            .inputs
            .iter()
            .flat_map(|files| files.iter().rev())
            .map(|f| {
                let it = crate::iter::LevelIter::new(c.version.clone(), vec![f.clone()]);
                Box::new(it) as Box<dyn InternalIter>
            })
            .collect();
        Forward::from_first(MergingIter::new(children))
    }
}
