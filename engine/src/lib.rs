//! An LSM storage engine whose file lifecycle follows LevelDB, over swappable sync primitives.
//!
//! Start at [`Db`]. The Version lifecycle lives in [`version`], the sync facade in [`sync`],
//! and all file I/O goes through [`fs::Fs`]. `ARCHITECTURE.md` at the repository root has the
//! map and the invariants.

#![warn(missing_docs, missing_debug_implementations)]

mod coding;
mod compaction;
mod db;
pub mod error;
pub mod events;
pub mod filename;
pub mod fs;
mod iter;
pub mod key;
mod manifest;
pub mod memtable;
pub mod sync;
mod table;
pub mod version;
mod wal;

pub use db::{Background, Db, DbIter, LevelStats, Options, Snapshot, Stats, Work};
pub use error::{Error, Result};
pub use events::{Env, Event, FileKind, Observer};
pub use wal::WriteBatch;
