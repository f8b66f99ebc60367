//! `WorldObserver`: turns the engine's events into ledger transitions and trace lines, and
//! reports the lifecycle violations they reveal as they happen.

use super::ledger::{Fault, Ledger};
use super::trace::Detail;
use super::{Violation, World};
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
        let violation = {
            let mut guard = self.world.lock();
            let st = &mut *guard;
            let thread = st.thread(R::thread_key(), R::thread_name);
            let (name, version) = label(e);
            // The thread's text borrowed from the names while the ledger and marks change.
            let text = st.names.text(thread);
            let violation = check(&mut st.ledger, text, e, name);
            st.marks.observe(text, e);
            if st.tracing() {
                st.record(thread, name, version, None, Detail::Event(e.clone()));
            }
            violation
        };
        // Outside the world's lock: recording a violation takes it again.
        if let Some(v) = violation {
            self.world.violate(v);
        }
    }
}

/// How `e` is named in the trace, and the Version it concerns.
fn label(e: &Event) -> (&'static str, Option<u64>) {
    match e {
        Event::VersionInstalled { id, .. } => ("VersionInstalled", Some(*id)),
        Event::VersionRef { id, .. } => ("Ref", Some(*id)),
        Event::VersionUnref { id, .. } => ("Unref", Some(*id)),
        Event::VersionDropped { id } => ("VersionDropped", Some(*id)),
        Event::TableRead { version, .. } => ("TableRead", Some(*version)),
        Event::TableOpened { version, .. } => ("TableOpened", Some(*version)),
        Event::FileCreated { .. } => ("FileCreated", None),
        Event::FileDeleted { .. } => ("FileDeleted", None),
        Event::FlushBegin { .. } => ("FlushBegin", None),
        Event::FlushEnd { .. } => ("FlushEnd", None),
        Event::CompactionBegin { .. } => ("CompactionBegin", None),
        Event::CompactionEnd { .. } => ("CompactionEnd", None),
        Event::CompactionDrops(_) => ("CompactionDrops", None),
        Event::GcPass { .. } => ("GcPass", None),
        Event::GcDone => ("GcDone", None),
        Event::ImmPinned { version } => ("ImmPinned", Some(*version)),
        Event::MemtableInsert { begin: true } => ("MemtableInsertBegin", None),
        Event::MemtableInsert { begin: false } => ("MemtableInsertEnd", None),
        Event::MemtableRead => ("MemtableRead", None),
        Event::WriteGroup { .. } => ("WriteGroup", None),
        Event::SnapshotTaken { .. } => ("SnapshotTaken", None),
        Event::SnapshotReleased { .. } => ("SnapshotReleased", None),
        Event::BackgroundError { .. } => ("BackgroundError", None),
    }
}

/// Applies `e`'s ledger transition and returns the violation it reveals, if any. Requires: the
/// world's lock (`ledger` is part of its state).
fn check(ledger: &mut Ledger, thread: &str, e: &Event, name: &str) -> Option<Violation> {
    let (version, result) = match e {
        Event::VersionInstalled { id, files } => (*id, ledger.installed(*id, files.iter().map(|f| f.1))),
        Event::VersionRef { id, .. } => (*id, ledger.reffed(*id)),
        Event::VersionUnref { id, .. } => (*id, ledger.unreffed(*id)),
        Event::VersionDropped { id } => (*id, ledger.dropped(*id)),
        Event::TableRead { number, version } => return table_read(ledger, thread, *number, *version),
        _ => return None,
    };
    // Decided by the fault's kind, never by its wording.
    Some(match result.err()? {
        Fault::NotLive(_) if ledger.is_dropped(version) => Violation::UseAfterLastUnref {
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
/// referenced and must list the table. Requires: the world's lock (`ledger` is part of its
/// state).
fn table_read(ledger: &mut Ledger, thread: &str, number: u64, version: u64) -> Option<Violation> {
    ledger.intend(thread, number, version);
    if ledger.is_dropped(version) {
        Some(Violation::UseAfterLastUnref {
            thread: thread.to_string(),
            version,
            what: format!("read of table {number}"),
        })
    } else if !ledger.lists(version, number) {
        Some(Violation::FileNotInPinnedVersion {
            thread: thread.to_string(),
            file: number,
            version,
        })
    } else {
        None
    }
}
