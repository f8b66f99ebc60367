//! `WorldObserver`: turns the engine's events into ledger transitions and trace lines, and
//! reports the lifecycle violations they reveal as they happen.

use super::ledger::Fault;
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
        let thread = R::thread_name();
        let violation = {
            let mut st = self.world.lock();
            let (name, version, file, detail, check) = match e {
                Event::VersionInstalled { id, files } => {
                    let r = st.ledger.installed(*id, files.iter().map(|f| f.1));
                    (
                        "VersionInstalled",
                        Some(*id),
                        None,
                        format!("files {files:?}"),
                        r.err().map(|d| (*id, d)),
                    )
                }
                Event::VersionRef { id, refs } => {
                    let r = st.ledger.reffed(*id);
                    (
                        "Ref",
                        Some(*id),
                        None,
                        format!("refs {refs}"),
                        r.err().map(|d| (*id, d)),
                    )
                }
                Event::VersionUnref { id, refs } => {
                    let r = st.ledger.unreffed(*id);
                    (
                        "Unref",
                        Some(*id),
                        None,
                        format!("refs {refs}"),
                        r.err().map(|d| (*id, d)),
                    )
                }
                Event::VersionDropped { id } => {
                    let r = st.ledger.dropped(*id);
                    (
                        "VersionDropped",
                        Some(*id),
                        None,
                        String::new(),
                        r.err().map(|d| (*id, d)),
                    )
                }
                Event::TableRead { number, version } => {
                    st.ledger.intend(&thread, *number, *version);
                    let v = if st.ledger.is_dropped(*version) {
                        Some(Violation::UseAfterLastUnref {
                            thread: thread.clone(),
                            version: *version,
                            what: format!("read of table {number}"),
                        })
                    } else if !st.ledger.lists(*version, *number) {
                        Some(Violation::FileNotInPinnedVersion {
                            thread: thread.clone(),
                            file: *number,
                            version: *version,
                        })
                    } else {
                        None
                    };
                    st.trace(
                        &thread,
                        "TableRead",
                        Some(*version),
                        Some(format!("{number:06}.sst")),
                        String::new(),
                    );
                    drop(st);
                    if let Some(v) = v {
                        self.world.violate(v);
                    }
                    return;
                }
                Event::TableOpened { number, version } => (
                    "TableOpened",
                    Some(*version),
                    Some(format!("{number:06}.sst")),
                    String::new(),
                    None,
                ),
                Event::FileCreated { kind, number } => (
                    "FileCreated",
                    None,
                    Some(format!("{kind:?} {number}")),
                    String::new(),
                    None,
                ),
                Event::FileDeleted { kind, number } => (
                    "FileDeleted",
                    None,
                    Some(format!("{kind:?} {number}")),
                    String::new(),
                    None,
                ),
                Event::FlushBegin { memtable_bytes } => {
                    ("FlushBegin", None, None, format!("{memtable_bytes} bytes"), None)
                }
                Event::FlushEnd { table } => (
                    "FlushEnd",
                    None,
                    table.map(|n| format!("{n:06}.sst")),
                    String::new(),
                    None,
                ),
                Event::CompactionBegin {
                    level,
                    inputs,
                    trivial_move,
                } => (
                    "CompactionBegin",
                    None,
                    None,
                    format!(
                        "L{level} inputs {inputs:?}{}",
                        if *trivial_move { " (trivial move)" } else { "" }
                    ),
                    None,
                ),
                Event::CompactionEnd { level, outputs } => (
                    "CompactionEnd",
                    None,
                    None,
                    format!("L{level} outputs {outputs:?}"),
                    None,
                ),
                Event::BackgroundError { message } => ("BackgroundError", None, None, message.clone(), None),
            };
            st.trace(&thread, name, version, file, detail);
            check.map(|(version, fault)| match fault {
                // Decided by the fault's kind, never by its wording.
                Fault::NotLive(_) if st.ledger.is_dropped(version) => Violation::UseAfterLastUnref {
                    thread: thread.clone(),
                    version,
                    what: name.to_string(),
                },
                other => Violation::RefImbalance {
                    thread: thread.clone(),
                    version,
                    detail: other.message().to_string(),
                },
            })
        };
        if let Some(v) = violation {
            self.world.violate(v);
        }
    }
}
