//! `WorldObserver`: turns the engine's events into ledger transitions and trace lines, and
//! reports the lifecycle violations they reveal as they happen.

use super::ledger::Fault;
use super::{Violation, World, WorldState};
use engine::events::{Event, Observer};
use engine::sync::Runtime;
use std::marker::PhantomData;

/// The engine's observer for one execution on runtime `R`.
#[derive(Debug)]
pub struct WorldObserver<R: Runtime> {
    world: World,
    _runtime: PhantomData<R>,
}

impl<R: Runtime> WorldObserver<R> {
    /// Observes into `world`.
    pub fn new(world: World) -> Self {
        WorldObserver {
            world,
            _runtime: PhantomData,
        }
    }
}

impl<R: Runtime> Observer for WorldObserver<R> {
    fn on_event(&self, e: &Event) {
        let thread = R::thread_name();
        let violation = {
            let mut st = self.world.lock();
            let (name, version, file, detail) = describe(e);
            let violation = check(&mut st, &thread, e, name);
            st.marks.observe(&thread, e);
            st.trace(&thread, name, version, file, detail);
            violation
        };
        // Outside the world's lock: recording a violation takes it again.
        if let Some(v) = violation {
            self.world.violate(v);
        }
    }
}

fn table(number: u64) -> Option<String> {
    Some(format!("{number:06}.sst"))
}

/// How `e` appears in the trace: its name, the Version and file it concerns, and details.
fn describe(e: &Event) -> (&'static str, Option<u64>, Option<String>, String) {
    match e {
        Event::VersionInstalled { id, files } => ("VersionInstalled", Some(*id), None, format!("files {files:?}")),
        Event::VersionRef { id, refs } => ("Ref", Some(*id), None, format!("refs {refs}")),
        Event::VersionUnref { id, refs } => ("Unref", Some(*id), None, format!("refs {refs}")),
        Event::VersionDropped { id } => ("VersionDropped", Some(*id), None, String::new()),
        Event::TableRead { number, version } => ("TableRead", Some(*version), table(*number), String::new()),
        Event::TableOpened { number, version } => ("TableOpened", Some(*version), table(*number), String::new()),
        Event::FileCreated { kind, number } => ("FileCreated", None, Some(format!("{kind:?} {number}")), String::new()),
        Event::FileDeleted { kind, number } => ("FileDeleted", None, Some(format!("{kind:?} {number}")), String::new()),
        Event::FlushBegin { memtable_bytes } => ("FlushBegin", None, None, format!("{memtable_bytes} bytes")),
        Event::FlushEnd { table: t } => ("FlushEnd", None, t.and_then(table), String::new()),
        Event::CompactionBegin {
            level,
            inputs,
            trivial_move,
        } => {
            let trivial = if *trivial_move { " (trivial move)" } else { "" };
            (
                "CompactionBegin",
                None,
                None,
                format!("L{level} inputs {inputs:?}{trivial}"),
            )
        }
        Event::CompactionEnd { level, outputs } => {
            ("CompactionEnd", None, None, format!("L{level} outputs {outputs:?}"))
        }
        Event::CompactionDrops(s) => ("CompactionDrops", None, None, drops(s)),
        Event::GcPass { live_versions, pending } => (
            "GcPass",
            None,
            None,
            format!("{live_versions} live Versions, {pending} pending outputs"),
        ),
        Event::GcDone => ("GcDone", None, None, String::new()),
        Event::ImmPinned { version } => ("ImmPinned", Some(*version), None, String::new()),
        Event::SnapshotTaken { sequence, live } => ("SnapshotTaken", None, None, format!("at {sequence}, {live} live")),
        Event::SnapshotReleased { sequence, oldest, live } => {
            let order = if *oldest { "oldest" } else { "not the oldest" };
            (
                "SnapshotReleased",
                None,
                None,
                format!("at {sequence} ({order}), {live} live"),
            )
        }
        Event::BackgroundError { message } => ("BackgroundError", None, None, message.clone()),
    }
}

/// A compaction's drop decisions, for the trace.
fn drops(s: &engine::DropStats) -> String {
    format!(
        "{} entries, smallest snapshot {}: {} shadowed, {} kept for a snapshot, {} dropped below one, \
         tombstones {} dropped at base / {} kept above",
        s.entries,
        s.smallest_snapshot,
        s.shadowed,
        s.kept_for_snapshot,
        s.dropped_below_snapshot,
        s.tombstones_dropped_at_base,
        s.tombstones_kept_above_base
    )
}

/// Applies `e`'s ledger transition and returns the violation it reveals, if any. Requires: the
/// world's lock (`st`).
fn check(st: &mut WorldState, thread: &str, e: &Event, name: &str) -> Option<Violation> {
    let (version, result) = match e {
        Event::VersionInstalled { id, files } => (*id, st.ledger.installed(*id, files.iter().map(|f| f.1))),
        Event::VersionRef { id, .. } => (*id, st.ledger.reffed(*id)),
        Event::VersionUnref { id, .. } => (*id, st.ledger.unreffed(*id)),
        Event::VersionDropped { id } => (*id, st.ledger.dropped(*id)),
        Event::TableRead { number, version } => return table_read(st, thread, *number, *version),
        _ => return None,
    };
    // Decided by the fault's kind, never by its wording.
    Some(match result.err()? {
        Fault::NotLive(_) if st.ledger.is_dropped(version) => Violation::UseAfterLastUnref {
            thread: thread.to_string(),
            version,
            what: name.to_string(),
        },
        other => Violation::RefImbalance {
            thread: thread.to_string(),
            version,
            detail: other.message().to_string(),
        },
    })
}

/// A reader of `version` is about to read table `number`: the Version must still be
/// referenced and must list the table. Requires: the world's lock (`st`).
fn table_read(st: &mut WorldState, thread: &str, number: u64, version: u64) -> Option<Violation> {
    st.ledger.intend(thread, number, version);
    if st.ledger.is_dropped(version) {
        Some(Violation::UseAfterLastUnref {
            thread: thread.to_string(),
            version,
            what: format!("read of table {number}"),
        })
    } else if !st.ledger.lists(version, number) {
        Some(Violation::FileNotInPinnedVersion {
            thread: thread.to_string(),
            file: number,
            version,
        })
    } else {
        None
    }
}
