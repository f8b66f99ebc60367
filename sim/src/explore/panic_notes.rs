//! A line per silenced panic, for a process whose parent must learn why it aborted.
//!
//! While exploring, [`super::quietly`] silences the panic hook and mutes stderr: loom and shuttle
//! unwind through panics by the thousand. A child process that explores for a parent (see
//! `models::judge::isolate`) first points the notes at a copy of its original stderr; the silent
//! hook then writes one line for each panic whose payload is text (an engine assertion, a
//! checker's report, the "panic in a destructor" that precedes a loom abort), and nothing for
//! loom's and the generator crate's internal unwinding, whose payloads are not text. Without a
//! sink the hook does nothing, as before.

use std::fs::File;
use std::io::Write;
use std::panic::PanicHookInfo;
use std::sync::{Mutex, OnceLock};

static SINK: OnceLock<Mutex<File>> = OnceLock::new();

/// From now on, silenced panics with a text payload are noted, a line each, in `file`.
pub fn note_panics_to(file: File) {
    let _ = SINK.set(Mutex::new(file));
}

/// The silent hook: notes the panic if a sink is set and its payload is text.
pub(super) fn note(info: &PanicHookInfo<'_>) {
    let Some(sink) = SINK.get() else { return };
    let payload = info.payload();
    let Some(message) = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
    else {
        return;
    };
    let at = info.location().map_or_else(String::new, |l| format!(" at {l}"));
    let thread = std::thread::current().name().unwrap_or("main").to_string();
    let mut file = sink.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    // A note that cannot be written is lost; the abort itself still reaches the parent.
    let _ = writeln!(file, "thread '{thread}' panicked{at}: {}", message.replace('\n', " / "));
}
