//! Coverage marks: named race windows and rule firings, recognised from the engine's events and
//! counted per execution, so a green run proves it reached what its scenario exists for.
//!
//! The idea is TigerBeetle's coverage marks and Antithesis's "sometimes assertions": a check that
//! never saw the interesting state proves nothing, so each scenario lists the marks it must hit
//! (`must_cover`), and a run that misses one is *vacuous*, not green. `docs/invariants.md`
//! explains each window; [`Mark::ALL`] is the list.

use engine::events::{DropStats, Event};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One named state an execution can reach.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mark {
    /// A reader read a table through a Version that was no longer `current`.
    StaleVersionRead,
    /// A reader opened a table lazily through a Version that was no longer `current`.
    StaleTableOpen,
    /// A GC pass ran while two or more Versions were live.
    GcWithOldVersions,
    /// A GC pass ran while a flush or compaction had reserved output numbers (pending outputs).
    GcWithPendingOutput,
    /// A Version was torn down while another thread's GC pass was unlinking files.
    VersionDroppedDuringGc,
    /// A read pinned the immutable memtable while another thread was flushing it.
    ImmReadDuringFlush,
    /// A reader set out to walk the active memtable while another thread was inserting into
    /// it (readers take no lock there).
    MemReadDuringInsert,
    /// A write group's leader committed two or more writers' batches with one WAL record.
    GroupCommit,
    /// A compaction dropped an entry shadowed by a newer one (no reader could see it).
    ShadowedDropped,
    /// A compaction kept a shadowed entry because a snapshot reads it.
    KeptForSnapshot,
    /// A compaction kept an entry for a snapshot and dropped the one below it: the snapshot
    /// boundary split one key's history.
    SnapshotSplitsKey,
    /// A compaction ran under a snapshot older than every one of its input entries.
    SnapshotBelowInputs,
    /// A compaction dropped a tombstone at its key's base level.
    TombstoneDroppedAtBase,
    /// A compaction kept a tombstone because a deeper level may hold an older value.
    TombstoneKeptAboveBase,
    /// A compaction moved a file down a level without rewriting it.
    TrivialMove,
    /// While the threads ran, compactions started on two different threads.
    TwoCompactingThreads,
    /// A Version with a table at level 3 or deeper was installed.
    DeepLevels,
    /// Two or more snapshots were registered at once.
    TwoSnapshots,
    /// A snapshot was released while an older one stayed registered.
    SnapshotReleasedOutOfOrder,
}

impl Mark {
    /// Every mark, in report order.
    pub const ALL: [Mark; 19] = [
        Mark::StaleVersionRead,
        Mark::StaleTableOpen,
        Mark::GcWithOldVersions,
        Mark::GcWithPendingOutput,
        Mark::VersionDroppedDuringGc,
        Mark::ImmReadDuringFlush,
        Mark::MemReadDuringInsert,
        Mark::GroupCommit,
        Mark::ShadowedDropped,
        Mark::KeptForSnapshot,
        Mark::SnapshotSplitsKey,
        Mark::SnapshotBelowInputs,
        Mark::TombstoneDroppedAtBase,
        Mark::TombstoneKeptAboveBase,
        Mark::TrivialMove,
        Mark::TwoCompactingThreads,
        Mark::DeepLevels,
        Mark::TwoSnapshots,
        Mark::SnapshotReleasedOutOfOrder,
    ];

    /// The kebab-case name scenarios use.
    pub fn name(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .expect("a unit variant serializes as its name")
    }

    /// One line saying when the mark is hit (`lsmcheck list`).
    pub fn describe(self) -> &'static str {
        match self {
            Mark::StaleVersionRead => "a reader read a table through a Version that was no longer current",
            Mark::StaleTableOpen => "a table was opened lazily through a non-current Version",
            Mark::GcWithOldVersions => "a GC pass ran with two or more Versions live",
            Mark::GcWithPendingOutput => "a GC pass ran while a flush or compaction had pending outputs",
            Mark::VersionDroppedDuringGc => "a Version was torn down while another thread's GC pass unlinked",
            Mark::ImmReadDuringFlush => "a read pinned imm while another thread was flushing it",
            Mark::MemReadDuringInsert => "a reader walked the active memtable while another thread inserted into it",
            Mark::GroupCommit => "a write group's leader committed two or more writers' batches in one WAL record",
            Mark::ShadowedDropped => "a compaction dropped an entry shadowed below the oldest snapshot",
            Mark::KeptForSnapshot => "a compaction kept a shadowed entry because a snapshot reads it",
            Mark::SnapshotSplitsKey => "a compaction kept an entry for a snapshot and dropped the one below",
            Mark::SnapshotBelowInputs => "a compaction ran under a snapshot older than all its inputs",
            Mark::TombstoneDroppedAtBase => "a compaction dropped a tombstone at its key's base level",
            Mark::TombstoneKeptAboveBase => "a compaction kept a tombstone above a deeper level holding its key",
            Mark::TrivialMove => "a compaction moved a file down without rewriting it",
            Mark::TwoCompactingThreads => "compactions started on two threads while the threads ran",
            Mark::DeepLevels => "a Version with a table at level 3 or deeper was installed",
            Mark::TwoSnapshots => "two or more snapshots were registered at once",
            Mark::SnapshotReleasedOutOfOrder => "a snapshot was released while an older one stayed",
        }
    }

    /// The mark called `name`.
    pub fn from_name(name: &str) -> Option<Mark> {
        Mark::ALL.into_iter().find(|m| m.name() == name)
    }

    fn bit(self) -> u32 {
        1 << (self as u32)
    }
}

/// Executions that hit each mark (marks never hit are absent).
pub type Coverage = BTreeMap<Mark, u64>;

/// Adds `more` into `total`.
pub fn merge(total: &mut Coverage, more: &Coverage) {
    for (m, n) in more {
        *total.entry(*m).or_insert(0) += n;
    }
}

/// What one execution has shown so far, and the running totals over executions.
#[derive(Debug, Default)]
pub struct Marks {
    /// Marks hit in this execution (one bit per [`Mark`]).
    hit: u32,
    /// The Version installed last.
    current: Option<u64>,
    /// Threads inside a flush, a memtable insert, a GC pass.
    flushing: Vec<String>,
    inserting: Vec<String>,
    gc: Vec<String>,
    /// Threads that started a compaction while the scenario's threads ran.
    compactors: Vec<String>,
    /// Set by the body while its threads run.
    concurrent: bool,
    /// Totals over every execution since the world was made.
    totals: Coverage,
}

impl Marks {
    /// Starts a new execution; the totals stay.
    pub fn reset(&mut self) {
        *self = Marks {
            totals: std::mem::take(&mut self.totals),
            ..Marks::default()
        };
    }

    /// The scenario's threads started (`true`) or were joined (`false`).
    pub fn set_concurrent(&mut self, on: bool) {
        self.concurrent = on;
    }

    /// Executions that hit each mark.
    pub fn totals(&self) -> &Coverage {
        &self.totals
    }

    /// Records that this execution hit `m` (counted once per execution).
    pub fn hit(&mut self, m: Mark) {
        if self.hit & m.bit() == 0 {
            self.hit |= m.bit();
            *self.totals.entry(m).or_insert(0) += 1;
        }
    }

    fn hit_if(&mut self, cond: bool, m: Mark) {
        if cond {
            self.hit(m);
        }
    }

    /// Recognises the marks `e`, done by `thread`, reveals.
    pub fn observe(&mut self, thread: &str, e: &Event) {
        match e {
            Event::VersionInstalled { id, files } => {
                self.current = Some(*id);
                self.hit_if(files.iter().any(|f| f.0 >= 3), Mark::DeepLevels);
            }
            Event::TableRead { version, .. } => self.hit_if(self.stale(*version), Mark::StaleVersionRead),
            Event::TableOpened { version, .. } => self.hit_if(self.stale(*version), Mark::StaleTableOpen),
            Event::GcPass { live_versions, pending } => {
                enter(&mut self.gc, thread);
                self.hit_if(*live_versions >= 2, Mark::GcWithOldVersions);
                self.hit_if(*pending >= 1, Mark::GcWithPendingOutput);
            }
            Event::GcDone => self.gc.retain(|t| t != thread),
            Event::VersionDropped { .. } => {
                let elsewhere = self.gc.iter().any(|t| t != thread);
                self.hit_if(elsewhere, Mark::VersionDroppedDuringGc);
            }
            Event::FlushBegin { .. } => enter(&mut self.flushing, thread),
            Event::FlushEnd { .. } => self.flushing.retain(|t| t != thread),
            Event::MemtableInsert { begin: true } => enter(&mut self.inserting, thread),
            Event::MemtableInsert { begin: false } => self.inserting.retain(|t| t != thread),
            Event::WriteGroup { writers, .. } => self.hit_if(*writers >= 2, Mark::GroupCommit),
            Event::MemtableRead => {
                let elsewhere = self.inserting.iter().any(|t| t != thread);
                self.hit_if(elsewhere, Mark::MemReadDuringInsert);
            }
            Event::ImmPinned { .. } => {
                let elsewhere = self.flushing.iter().any(|t| t != thread);
                self.hit_if(elsewhere, Mark::ImmReadDuringFlush);
            }
            Event::CompactionBegin { trivial_move, .. } => {
                self.hit_if(*trivial_move, Mark::TrivialMove);
                if self.concurrent {
                    enter(&mut self.compactors, thread);
                }
                self.hit_if(self.compactors.len() >= 2, Mark::TwoCompactingThreads);
            }
            Event::CompactionDrops(s) => self.drops(s),
            Event::SnapshotTaken { live, .. } => self.hit_if(*live >= 2, Mark::TwoSnapshots),
            Event::SnapshotReleased { oldest, .. } => self.hit_if(!oldest, Mark::SnapshotReleasedOutOfOrder),
            _ => {}
        }
    }

    /// True if `version` is known and is not the one installed last.
    fn stale(&self, version: u64) -> bool {
        self.current.is_some_and(|c| c != version)
    }

    fn drops(&mut self, s: &DropStats) {
        self.hit_if(s.shadowed > 0, Mark::ShadowedDropped);
        self.hit_if(s.kept_for_snapshot > 0, Mark::KeptForSnapshot);
        self.hit_if(s.dropped_below_snapshot > 0, Mark::SnapshotSplitsKey);
        let below = s.entries > 0 && s.smallest_snapshot < s.min_input_sequence;
        self.hit_if(below, Mark::SnapshotBelowInputs);
        self.hit_if(s.tombstones_dropped_at_base > 0, Mark::TombstoneDroppedAtBase);
        self.hit_if(s.tombstones_kept_above_base > 0, Mark::TombstoneKeptAboveBase);
    }
}

fn enter(threads: &mut Vec<String>, thread: &str) {
    if !threads.iter().any(|t| t == thread) {
        threads.push(thread.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for m in Mark::ALL {
            assert_eq!(Mark::from_name(&m.name()), Some(m));
        }
        assert_eq!(Mark::StaleVersionRead.name(), "stale-version-read");
        assert_eq!(Mark::from_name("no-such-mark"), None);
    }

    #[test]
    fn a_mark_counts_once_per_execution() {
        let mut m = Marks::default();
        let install = |id| Event::VersionInstalled { id, files: vec![] };
        m.observe("c", &install(1));
        m.observe("c", &install(2));
        let read = Event::TableRead { number: 7, version: 1 };
        m.observe("r", &read);
        m.observe("r", &read);
        m.observe("r", &Event::TableRead { number: 7, version: 2 });
        assert_eq!(m.totals().get(&Mark::StaleVersionRead), Some(&1));
        m.reset();
        m.observe("c", &install(3));
        m.observe("r", &Event::TableRead { number: 7, version: 3 });
        assert_eq!(m.totals().get(&Mark::StaleVersionRead), Some(&1), "current: not stale");
        m.observe("r", &Event::TableRead { number: 7, version: 2 });
        assert_eq!(m.totals().get(&Mark::StaleVersionRead), Some(&2));
    }

    #[test]
    fn windows_need_another_thread_inside() {
        let mut m = Marks::default();
        m.observe("f", &Event::FlushBegin { memtable_bytes: 9 });
        m.observe("f", &Event::ImmPinned { version: 1 });
        assert!(m.totals().is_empty(), "the flusher's own read is no race");
        m.observe("r", &Event::ImmPinned { version: 1 });
        m.observe(
            "g",
            &Event::GcPass {
                live_versions: 1,
                pending: 0,
            },
        );
        m.observe("g", &Event::VersionDropped { id: 1 });
        m.observe("g", &Event::GcDone);
        m.observe("r", &Event::VersionDropped { id: 2 });
        let hit: Vec<Mark> = m.totals().keys().copied().collect();
        assert_eq!(hit, vec![Mark::ImmReadDuringFlush]);
    }
}
