//! An LSM storage engine whose file lifecycle follows LevelDB, over swappable sync primitives.
//!
//! Start at [`Db`]. The Version lifecycle lives in [`version`], the sync facade in [`sync`],
//! and all file I/O goes through [`fs::Fs`]. `ARCHITECTURE.md` at the repository root has the
//! map and the invariants.
//!
//! ```
//! use engine::{Db, Options, WriteBatch};
//!
//! # fn main() -> engine::Result<()> {
//! # let tmp = std::env::temp_dir().join(format!("engine-doc-{}", std::process::id()));
//! let db = Db::open(&tmp, Options::default())?;
//! db.put("k", "v")?;
//! let mut batch = WriteBatch::new();
//! batch.put("a", "1").delete("k");
//! db.write(batch)?; // all or nothing
//! let snap = db.snapshot();
//! db.put("a", "2")?;
//! assert_eq!(db.get_at(&snap, b"a")?, Some(b"1".to_vec()));
//! let all: Vec<_> = db.iter()?.collect::<engine::Result<_>>()?;
//! assert_eq!(all, vec![(b"a".to_vec(), b"2".to_vec())]);
//! drop(snap);
//! db.close()?;
//! # std::fs::remove_dir_all(&tmp).ok();
//! # Ok(())
//! # }
//! ```

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
pub mod mutants;
mod repair;
pub mod sync;
mod table;
pub mod version;
mod wal;

pub use db::{
    Background, Db, DbCursor, DbIter, Dropped, LevelStats, LiveFile, Options, ReadInfo, RecoveryReport, Snapshot,
    Stats, TableProperties, Work, WriteOptions,
};
pub use error::{Error, Result};
pub use events::{DropStats, Env, Event, FileKind, Observer};
pub use repair::{repair, repair_with, RepairReport};
pub use table::Compression;
pub use wal::WriteBatch;

/// The edits of the MANIFEST that `dir`'s `CURRENT` names, oldest first, each with its byte
/// offset, and the MANIFEST's path (RocksDB's `ldb manifest_dump`). Reads only; a corrupt
/// record is `Error::Corruption` naming the file and offset.
pub fn dump_manifest(dir: &std::path::Path) -> Result<(std::path::PathBuf, Vec<(u64, version::VersionEdit)>)> {
    manifest::dump(&fs::OsFs, dir)
}
