//! The trace as recorded: compact typed records, turned into text only when a report asks.
//!
//! Recording is on the hot path of every execution (each engine event and file operation adds
//! a line), so a record holds no text of its own: thread and file names are interned once per
//! world ([`Names`]), an engine event is kept as the event, and a line becomes a
//! [`TraceEvent`] (the report's form) only in [`Record::text`]. Only the caller-made
//! details of the scenario body's reads and writes are text from the start.

use super::TraceEvent;
use engine::events::Event;
use std::collections::BTreeMap;
use std::sync::Arc;

/// An interned name: its index among the world's [`Names`]. A record holds it as a number, so
/// recording a line and clearing the ring count no references.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Name(u32);

/// A name's text, shared, for callers that keep it beyond the world's lock.
pub type Text = Arc<str>;

/// The names a world has seen: each distinct thread or file name is allocated once, and kept
/// across executions (the same threads and files come back in every one).
#[derive(Debug, Default)]
pub struct Names {
    index: BTreeMap<Text, Name>,
    texts: Vec<Text>,
}

impl Names {
    /// The interned `name`.
    pub fn get(&mut self, name: &str) -> Name {
        if let Some(&n) = self.index.get(name) {
            return n;
        }
        let n = Name(u32::try_from(self.texts.len()).expect("fewer than 2^32 distinct names"));
        let text: Text = Arc::from(name);
        self.texts.push(text.clone());
        self.index.insert(text, n);
        n
    }

    /// The text of `n`. Requires: `n` came from these names.
    pub fn text(&self, n: Name) -> &Text {
        &self.texts[n.0 as usize]
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
    /// The line as the report shows it, its names looked up in `names` (the world's).
    pub fn text(&self, names: &Names) -> TraceEvent {
        let (file, detail) = match &self.detail {
            Detail::None => (None, String::new()),
            Detail::Text(t) => (None, t.clone()),
            Detail::RenamedFrom(from) => (None, format!("from {}", names.text(*from))),
            Detail::Event(e) => describe(e),
        };
        TraceEvent {
            step: self.step,
            thread: names.text(self.thread).to_string(),
            event: self.event.to_string(),
            version: self.version,
            file: self.file.map(|f| names.text(f).to_string()).or(file),
            detail,
        }
    }
}

/// The file `e` concerns and what else it says, as the trace shows them (made only when a
/// report asks for the trace).
fn describe(e: &Event) -> (Option<String>, String) {
    match e {
        Event::VersionInstalled { files, .. } => (None, format!("files {files:?}")),
        Event::VersionRef { refs, .. } | Event::VersionUnref { refs, .. } => (None, format!("refs {refs}")),
        Event::TableRead { number, .. } | Event::TableOpened { number, .. } => (table(*number), String::new()),
        Event::FileCreated { kind, number } | Event::FileDeleted { kind, number } => {
            (Some(format!("{kind:?} {number}")), String::new())
        }
        Event::FlushBegin { memtable_bytes } => (None, format!("{memtable_bytes} bytes")),
        Event::FlushEnd { table: t } => (t.and_then(table), String::new()),
        Event::CompactionBegin {
            level,
            inputs,
            trivial_move,
        } => {
            let trivial = if *trivial_move { " (trivial move)" } else { "" };
            (None, format!("L{level} inputs {inputs:?}{trivial}"))
        }
        Event::CompactionEnd { level, outputs } => (None, format!("L{level} outputs {outputs:?}")),
        Event::CompactionDrops(s) => (None, drops(s)),
        Event::GcPass { live_versions, pending } => (
            None,
            format!("{live_versions} live Versions, {pending} pending outputs"),
        ),
        Event::SnapshotTaken { sequence, live } => (None, format!("at {sequence}, {live} live")),
        Event::SnapshotReleased { sequence, oldest, live } => {
            let order = if *oldest { "oldest" } else { "not the oldest" };
            (None, format!("at {sequence} ({order}), {live} live"))
        }
        Event::BackgroundError { message } => (None, message.clone()),
        Event::WriteGroup { writers, sync } => {
            let synced = if *sync { ", synced" } else { "" };
            (None, format!("{writers} writes in one WAL record{synced}"))
        }
        Event::VersionDropped { .. }
        | Event::GcDone
        | Event::ImmPinned { .. }
        | Event::MemtableInsert { .. }
        | Event::MemtableRead => (None, String::new()),
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

/// A table file's name, for the trace.
fn table(number: u64) -> Option<String> {
    Some(format!("{number:06}.sst"))
}
