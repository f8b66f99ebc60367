//! `Violation`: what an oracle found, with enough context to understand it without the trace.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A broken invariant. Every variant names the acting thread.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Violation {
    /// O3: a reader opened a file that had been unlinked.
    OpenOfDeletedFile {
        thread: String,
        file: String,
        pinned_version: Option<u64>,
        deleted_by: String,
    },
    /// O3: a read through a handle opened before the unlink.
    ReadOfDeletedFile {
        thread: String,
        file: String,
        pinned_version: Option<u64>,
        deleted_by: String,
    },
    /// A write or sync to a file that had been unlinked (an in-progress output was collected).
    WriteToDeletedFile {
        thread: String,
        file: String,
        deleted_by: String,
    },
    /// O5: a file was unlinked twice.
    DoubleDelete {
        thread: String,
        file: String,
        deleted_by: String,
    },
    /// O7: a file was unlinked while live Versions still listed it.
    DeleteOfListedFile {
        thread: String,
        file: String,
        versions: Vec<u64>,
    },
    /// I10: a file name was created twice.
    FileNumberReused { thread: String, file: String },
    /// O1/O8: a reader touched a table its pinned Version does not list.
    FileNotInPinnedVersion { thread: String, file: u64, version: u64 },
    /// O7: a Version was used or referenced after its last unref.
    UseAfterLastUnref { thread: String, version: u64, what: String },
    /// O7: a reference count went wrong (unref below zero, dropped with references).
    RefImbalance {
        thread: String,
        version: u64,
        detail: String,
    },
    /// O1/O2: a read returned something other than the model's state at its sequence.
    WrongRead {
        thread: String,
        what: String,
        seq: u64,
        version: u64,
        expected: String,
        got: String,
    },
    /// O4: at quiescence the disk and the live Versions disagree.
    Leak { thread: String, detail: String },
    /// An operation failed although no fault was injected.
    EngineError { thread: String, op: String, error: String },
    /// A panic that is not an oracle's: an engine assertion, or the checker's own report
    /// (deadlock, livelock).
    Panic { thread: String, message: String },
    /// A data race the checker saw: loom's "Causality violation", a read and a write of one
    /// cell that no happens-before orders (a too-weak ordering, or a publication too early).
    DataRace { thread: String, message: String },
    /// Not the engine's: the harness itself failed during the run (a panic that escaped the
    /// explorer). Reported for that run, which is neither a pass nor a kill.
    Harness { thread: String, message: String },
    /// O6: after a simulated crash at `point` (just after `after`), recovery under crash
    /// `model` failed the durability contract: the open failed, an acknowledged write was lost,
    /// the state is no prefix of the history, or files leaked.
    CrashRecovery {
        thread: String,
        model: String,
        point: u64,
        after: String,
        detail: String,
    },
}

/// The oracles, as groups of violations that can be switched off for an ablation experiment
/// (`lsmcheck gate --without-oracle NAME`) to show what the gate would miss without them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Oracle {
    /// O3: no open, read or write of an unlinked file (SimFs turns POSIX-like without it).
    MissingFile,
    /// O5: no double delete.
    DoubleDelete,
    /// O7/O8: the ghost ledger (delete of a listed file, use after last unref, refcount
    /// balance, reads outside the pinned Version, reused file names).
    Ledger,
    /// O1/O2: reads equal the reference model at their sequence.
    Model,
    /// O4: the quiescent disk equals the live Versions' files.
    Quiescence,
    /// No operation fails without an injected fault.
    EngineErrors,
    /// O6: every simulated crash recovers to a state the durability contract allows.
    Crash,
}

impl Oracle {
    /// Every oracle.
    pub const ALL: [Oracle; 7] = [
        Oracle::MissingFile,
        Oracle::DoubleDelete,
        Oracle::Ledger,
        Oracle::Model,
        Oracle::Quiescence,
        Oracle::EngineErrors,
        Oracle::Crash,
    ];

    /// The kebab-case name.
    pub fn name(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }

    /// The oracle called `name`.
    pub fn from_name(name: &str) -> Option<Oracle> {
        Oracle::ALL.into_iter().find(|o| o.name() == name)
    }
}

impl Violation {
    /// The violation a panic that no oracle raised stands for: a data race if it is loom's
    /// causality report, otherwise a panic (an engine assertion, or the checker's deadlock or
    /// livelock report).
    pub fn from_panic(thread: String, message: String) -> Violation {
        if message.contains("Causality violation") {
            Violation::DataRace { thread, message }
        } else {
            Violation::Panic { thread, message }
        }
    }

    /// Every kind, as [`Violation::kind`] and reports name them.
    pub const KINDS: [&'static str; 16] = [
        "open-of-deleted-file",
        "read-of-deleted-file",
        "write-to-deleted-file",
        "double-delete",
        "delete-of-listed-file",
        "file-number-reused",
        "file-not-in-pinned-version",
        "use-after-last-unref",
        "ref-imbalance",
        "wrong-read",
        "leak",
        "engine-error",
        "panic",
        "data-race",
        "harness",
        "crash-recovery",
    ];

    /// The oracle that reports this violation (`None` for panics, which nothing can switch off).
    pub fn oracle(&self) -> Option<Oracle> {
        use Violation::*;
        Some(match self {
            OpenOfDeletedFile { .. } | ReadOfDeletedFile { .. } | WriteToDeletedFile { .. } => Oracle::MissingFile,
            DoubleDelete { .. } => Oracle::DoubleDelete,
            DeleteOfListedFile { .. }
            | FileNumberReused { .. }
            | FileNotInPinnedVersion { .. }
            | UseAfterLastUnref { .. }
            | RefImbalance { .. } => Oracle::Ledger,
            WrongRead { .. } => Oracle::Model,
            Leak { .. } => Oracle::Quiescence,
            EngineError { .. } => Oracle::EngineErrors,
            CrashRecovery { .. } => Oracle::Crash,
            Panic { .. } | DataRace { .. } | Harness { .. } => return None,
        })
    }

    /// The thread that acted.
    pub fn thread(&self) -> &str {
        use Violation::*;
        match self {
            OpenOfDeletedFile { thread, .. }
            | ReadOfDeletedFile { thread, .. }
            | WriteToDeletedFile { thread, .. }
            | DoubleDelete { thread, .. }
            | DeleteOfListedFile { thread, .. }
            | FileNumberReused { thread, .. }
            | FileNotInPinnedVersion { thread, .. }
            | UseAfterLastUnref { thread, .. }
            | RefImbalance { thread, .. }
            | WrongRead { thread, .. }
            | Leak { thread, .. }
            | EngineError { thread, .. }
            | CrashRecovery { thread, .. }
            | Panic { thread, .. }
            | DataRace { thread, .. }
            | Harness { thread, .. } => thread,
        }
    }

    /// The kebab-case kind, as in reports.
    pub fn kind(&self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.get("kind").and_then(|k| k.as_str()).map(str::to_string))
            .unwrap_or_default()
    }
}

fn pinned(v: &Option<u64>) -> String {
    v.map_or_else(|| "no known pin".to_string(), |v| format!("pinned Version {v}"))
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Violation::*;
        match self {
            OpenOfDeletedFile {
                thread,
                file,
                pinned_version,
                deleted_by,
            } => write!(
                f,
                "{thread} opened {file}, which {deleted_by} had deleted ({})",
                pinned(pinned_version)
            ),
            ReadOfDeletedFile {
                thread,
                file,
                pinned_version,
                deleted_by,
            } => write!(
                f,
                "{thread} read {file} through an open handle after {deleted_by} deleted it ({})",
                pinned(pinned_version)
            ),
            WriteToDeletedFile {
                thread,
                file,
                deleted_by,
            } => {
                write!(f, "{thread} wrote to {file} after {deleted_by} deleted it")
            }
            DoubleDelete {
                thread,
                file,
                deleted_by,
            } => {
                write!(f, "{thread} deleted {file}, which {deleted_by} had already deleted")
            }
            DeleteOfListedFile { thread, file, versions } => {
                write!(
                    f,
                    "{thread} deleted {file} while live Versions {versions:?} still list it"
                )
            }
            FileNumberReused { thread, file } => write!(f, "{thread} created {file} a second time"),
            FileNotInPinnedVersion { thread, file, version } => {
                write!(
                    f,
                    "{thread} read table {file}, which its pinned Version {version} does not list"
                )
            }
            UseAfterLastUnref { thread, version, what } => {
                write!(f, "{thread} used Version {version} after its last unref ({what})")
            }
            RefImbalance {
                thread,
                version,
                detail,
            } => write!(f, "{thread}: Version {version}: {detail}"),
            WrongRead {
                thread,
                what,
                seq,
                version,
                expected,
                got,
            } => write!(
                f,
                "{thread} {what} at sequence {seq} through Version {version} returned {got}, the model says {expected}"
            ),
            Leak { detail, .. } => write!(f, "at quiescence {detail}"),
            EngineError { thread, op, error } => write!(f, "{thread} {op} failed: {error}"),
            Panic { thread, message } => write!(f, "{thread} panicked: {message}"),
            DataRace { thread, message } => write!(f, "{thread}: data race: {message}"),
            Harness { thread, message } => write!(f, "the harness failed ({thread}), not the engine: {message}"),
            CrashRecovery {
                model,
                point,
                after,
                detail,
                ..
            } => write!(f, "{model} crash at point {point} (after {after}): {detail}"),
        }
    }
}

#[cfg(test)]
mod kinds {
    use super::Violation;

    /// A kind serde does not know fails with "unknown variant"; a known one only lacks fields.
    fn is_kind(k: &str) -> bool {
        let err = serde_json::from_str::<Violation>(&format!(r#"{{"kind":"{k}"}}"#)).unwrap_err();
        !err.to_string().contains("unknown variant")
    }

    #[test]
    fn every_listed_kind_exists_and_every_mutant_expects_only_listed_kinds() {
        let kinds = Violation::KINDS;
        for k in &kinds {
            assert!(is_kind(k), "{k} is not a violation kind");
        }
        assert!(!is_kind("no-such-kind"));
        for m in engine::mutants::Mutant::ALL {
            assert!(!m.expected_kinds().is_empty(), "{} expects no violation", m.name());
            for k in m.expected_kinds() {
                assert!(
                    kinds.contains(k),
                    "{} expects {k}, which is no violation kind",
                    m.name()
                );
            }
        }
    }
}
