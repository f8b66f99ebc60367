//! The `World`: everything the harness knows about one execution.
//!
//! It holds the ghost ledger (which Versions are live and which files they list, built from the
//! engine's events), the trace, the writes and reads to check against the reference model, and
//! the first violation. It is shared by the simulated filesystem, the observer and the scenario
//! body. Its lock is a plain `std` mutex, invisible to the checkers on purpose: recording must
//! not add interleavings, and no checked code path waits on it.
//!
//! The trace can be switched off ([`World::set_tracing`]): the explorers that can replay a
//! failure exactly (shuttle's, loom's) explore without it, and replay the failing execution
//! with it to report its trace. Everything an oracle checks is recorded either way.

pub mod coverage;
mod ledger;
mod observer;
pub mod trace;
mod violation;

pub use ledger::Ledger;
pub use observer::WorldObserver;
pub use violation::{Oracle, Violation};

use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use trace::{Detail, Name, Names, Record, Text};

/// The trace keeps the last this many events of an execution.
const TRACE_CAP: usize = 400;

/// One line of the trace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceEvent {
    /// Position in the execution (counts every event, including dropped early ones).
    pub step: u64,
    /// Who did it.
    pub thread: String,
    /// What happened, e.g. `TableRead`, `remove`, `get`.
    pub event: String,
    /// The Version involved, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<u64>,
    /// The file involved, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Anything else worth knowing.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub detail: String,
}

/// A write the body observed: its first sequence and its updates.
pub type WriteRecord = (u64, Vec<(Vec<u8>, Option<Vec<u8>>)>);

/// A read the body observed, to be checked against the model at `seq`.
#[derive(Clone, Debug)]
pub struct ReadRecord {
    /// The reading thread.
    pub thread: String,
    /// What it did, for messages.
    pub what: String,
    /// The sequence it pinned.
    pub seq: u64,
    /// The Version it pinned.
    pub version: u64,
    /// `Get`: the key; `Scan`: the bounds.
    pub query: Query,
    /// What it returned.
    pub result: Vec<(Vec<u8>, Vec<u8>)>,
}

/// The shape of a recorded read.
#[derive(Clone, Debug)]
pub enum Query {
    /// A point lookup (result has zero or one pair).
    Get(Vec<u8>),
    /// A range scan `[lo, hi)`, unbounded where `None`.
    Scan(Option<Vec<u8>>, Option<Vec<u8>>),
}

/// The mutable state of one execution.
#[derive(Debug, Default)]
pub struct WorldState {
    /// Versions and files, from the engine's events.
    pub ledger: Ledger,
    trace: VecDeque<Record>,
    steps: u64,
    /// Whether [`WorldState::record`] keeps lines (see [`World::set_tracing`]; kept by
    /// [`World::reset`]).
    tracing: bool,
    /// Thread and file names seen so far (kept by [`World::reset`]).
    names: Names,
    /// This execution's threads by [`engine::sync::Runtime::thread_key`].
    threads: Vec<(u64, Name)>,
    /// Writes in completion order.
    pub writes: Vec<WriteRecord>,
    /// Highest sequence of any acknowledged write (what a process crash must keep).
    pub acked_through: u64,
    /// Highest sequence of any acknowledged synced write (what every crash must keep).
    pub synced_through: u64,
    /// Distinct crash states the crash oracle recovered from, over every execution since the
    /// world was made (kept by [`World::reset`]).
    pub crash_states: u64,
    /// Reads in completion order.
    pub reads: Vec<ReadRecord>,
    /// Coverage marks of this execution, and totals over every execution (kept by
    /// [`World::reset`]).
    pub marks: coverage::Marks,
    violation: Option<Violation>,
    /// Oracles switched off for this execution (an ablation experiment).
    disabled: Vec<Oracle>,
}

/// Shared handle to one execution's state.
#[derive(Clone, Debug)]
pub struct World(Arc<Shared>);

#[derive(Debug)]
struct Shared {
    state: Mutex<WorldState>,
    /// A copy of the state's `tracing`, read without the lock.
    tracing: AtomicBool,
}

impl Default for World {
    fn default() -> Self {
        World(Arc::new(Shared {
            state: Mutex::new(WorldState {
                tracing: true,
                ..WorldState::default()
            }),
            tracing: AtomicBool::new(true),
        }))
    }
}

impl World {
    /// A fresh world, tracing.
    pub fn new() -> Self {
        Self::default()
    }

    /// Locks the state. Poison is ignored: a panicking thread already reported.
    pub fn lock(&self) -> MutexGuard<'_, WorldState> {
        self.0.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Keeps trace lines (`true`, the default) or not, from the next line on. Requires: no
    /// execution is running (explorers switch it between explorations).
    pub fn set_tracing(&self, on: bool) {
        let mut st = self.lock();
        st.tracing = on;
        // Relaxed: set between executions, before the threads that read it are spawned.
        self.0.tracing.store(on, Ordering::Relaxed);
    }

    /// Whether trace lines are kept: a caller skips making a line's parts when not.
    pub fn tracing(&self) -> bool {
        // Relaxed: see `set_tracing`.
        self.0.tracing.load(Ordering::Relaxed)
    }

    /// Forgets the previous execution; `disabled` oracles report nothing in the next one.
    pub fn reset(&self, disabled: &[Oracle]) {
        let mut st = self.lock();
        let mut marks = std::mem::take(&mut st.marks);
        marks.reset();
        let names = std::mem::take(&mut st.names);
        // The trace ring keeps its buffer: growing a fresh one every execution showed in
        // profiles.
        let mut trace = std::mem::take(&mut st.trace);
        trace.clear();
        *st = WorldState {
            disabled: disabled.to_vec(),
            tracing: st.tracing,
            crash_states: st.crash_states,
            marks,
            names,
            trace,
            ..WorldState::default()
        };
    }

    /// Executions (since the world was made) that hit each coverage mark.
    pub fn coverage(&self) -> coverage::Coverage {
        self.lock().marks.totals().clone()
    }

    /// Appends a line with a caller-made `detail` (made only when tracing) to the trace.
    pub fn trace(&self, thread: &str, event: &'static str, version: Option<u64>, detail: impl FnOnce() -> String) {
        if self.tracing() {
            self.lock().trace(thread, event, version, detail);
        }
    }

    /// Records `v` if it is the first violation of this execution. It does not panic: the
    /// operation that found it fails with an error and the execution runs to its end, where
    /// [`World::fail_if_violated`] fails it. (Panicking in the middle would unwind through the
    /// engine with its locks held, and loom aborts when it then cancels the other threads.)
    /// The trace stops at the first violation, so it ends where the bug showed.
    /// Returns false if `v`'s oracle is switched off: the caller then behaves as a plain
    /// system would (a POSIX filesystem, say).
    pub fn violate(&self, v: Violation) -> bool {
        let mut st = self.lock();
        if v.oracle().is_some_and(|o| st.disabled.contains(&o)) {
            return false;
        }
        if st.violation.is_none() {
            let thread = st.names.get(v.thread());
            st.record(thread, "VIOLATION", None, None, Detail::Text(v.to_string()));
            st.violation = Some(v);
        }
        true
    }

    /// Fails the execution (panics) if a violation was recorded. Call it on the main thread
    /// once every engine object is dropped.
    pub fn fail_if_violated(&self) {
        if let Some(v) = self.violation() {
            panic!("lsmcheck violation: {v}");
        }
    }

    /// The first violation of this execution, if any.
    pub fn violation(&self) -> Option<Violation> {
        self.lock().violation.clone()
    }

    /// The trace of this execution.
    pub fn trace_events(&self) -> Vec<TraceEvent> {
        let st = self.lock();
        st.trace.iter().map(|r| r.text(&st.names)).collect()
    }
}

impl WorldState {
    /// Appends a line with a caller-made `detail` (made only when tracing) to the trace.
    /// Requires: the world lock (this is a method on its guard).
    pub fn trace(&mut self, thread: &str, event: &'static str, version: Option<u64>, detail: impl FnOnce() -> String) {
        if self.tracing {
            let thread = self.names.get(thread);
            self.record(thread, event, version, None, Detail::Text(detail()));
        }
    }

    /// Whether trace lines are kept (see [`World::set_tracing`]).
    pub fn tracing(&self) -> bool {
        self.tracing
    }

    /// The interned name of the thread with key `key` (see
    /// [`engine::sync::Runtime::thread_key`]); `name` is asked only the first time.
    pub fn thread(&mut self, key: u64, name: impl FnOnce() -> String) -> Name {
        if let Some(&(_, n)) = self.threads.iter().find(|(k, _)| *k == key) {
            return n;
        }
        let n = self.names.get(&name());
        self.threads.push((key, n));
        n
    }

    /// The text of the interned name `n`, shared.
    pub fn text(&self, n: Name) -> Text {
        self.names.text(n).clone()
    }

    /// The interned file name `file`.
    pub fn file(&mut self, file: &str) -> Name {
        self.names.get(file)
    }

    /// Appends a typed line to the trace (no text is made until a report asks). Requires: the
    /// world lock.
    pub fn record(
        &mut self,
        thread: Name,
        event: &'static str,
        version: Option<u64>,
        file: Option<Name>,
        detail: Detail,
    ) {
        if self.violation.is_some() || !self.tracing {
            return; // the trace ends at the first violation, and keeps nothing when off
        }
        self.steps += 1;
        if self.trace.len() == TRACE_CAP {
            self.trace.pop_front();
        }
        self.trace.push_back(Record {
            step: self.steps,
            thread,
            event,
            version,
            file,
            detail,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_tracing_nothing_is_kept_or_made() {
        let world = World::new();
        world.set_tracing(false);
        world.reset(&[]);
        world.trace("t", "write", None, || {
            unreachable!("no detail is made when not tracing")
        });
        world
            .lock()
            .trace("t", "read", Some(1), || unreachable!("nor under the lock"));
        assert!(world.violate(Violation::Panic {
            thread: "t".into(),
            message: "boom".into(),
        }));
        assert!(world.trace_events().is_empty());
        assert!(world.violation().is_some(), "the oracles' state is kept either way");
        world.set_tracing(true);
        world.reset(&[]);
        world.trace("t", "write", None, || "x".into());
        let lines = world.trace_events();
        assert_eq!((lines.len(), lines[0].detail.as_str()), (1, "x"));
    }
}
