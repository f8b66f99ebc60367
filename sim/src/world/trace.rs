//! The trace as recorded: compact typed records, turned into text only when a report asks.
//!
//! Recording is on the hot path of every execution (each engine event and file operation adds
//! a line), so a record holds no text of its own: thread and file names are interned once per
//! world ([`Names`]), an engine event is kept as the event, and a line becomes a
//! [`TraceEvent`] (the report's form) only in [`Record::text`]. Only the caller-made
//! details of the scenario body's reads and writes are text from the start.

use super::observer::describe;
use super::TraceEvent;
use engine::events::Event;
use std::collections::BTreeSet;
use std::sync::Arc;

/// An interned name: cloning it copies a pointer.
pub type Name = Arc<str>;

/// The names a world has seen: each distinct thread or file name is allocated once, and kept
/// across executions (the same threads and files come back in every one).
#[derive(Debug, Default)]
pub struct Names(BTreeSet<Name>);

impl Names {
    /// The interned `name`.
    pub fn get(&mut self, name: &str) -> Name {
        if let Some(n) = self.0.get(name) {
            return n.clone();
        }
        let n: Name = Arc::from(name);
        self.0.insert(n.clone());
        n
    }
}

/// What a line says beyond its event, file and Version, in the form it came in.
#[derive(Clone, Debug)]
pub enum Detail {
    /// Nothing more.
    None,
    /// Text the caller made (the scenario body's reads and writes, violations).
    Text(String),
    /// An engine event, described when the trace is read.
    Event(Event),
    /// The old name of a renamed file.
    RenamedFrom(Name),
}

/// One line of the trace as recorded.
#[derive(Clone, Debug)]
pub struct Record {
    /// Position in the execution.
    pub step: u64,
    /// Who did it.
    pub thread: Name,
    /// What happened.
    pub event: &'static str,
    /// The Version involved, if any.
    pub version: Option<u64>,
    /// The file involved, if any.
    pub file: Option<Name>,
    /// The rest.
    pub detail: Detail,
}

impl Record {
    /// The line as the report shows it.
    pub fn text(&self) -> TraceEvent {
        let (file, detail) = match &self.detail {
            Detail::None => (None, String::new()),
            Detail::Text(t) => (None, t.clone()),
            Detail::RenamedFrom(from) => (None, format!("from {from}")),
            Detail::Event(e) => describe(e),
        };
        TraceEvent {
            step: self.step,
            thread: self.thread.to_string(),
            event: self.event.to_string(),
            version: self.version,
            file: self.file.as_deref().map(str::to_string).or(file),
            detail,
        }
    }
}
