//! Versions: immutable snapshots of the LSM tree's shape, and the set that publishes them.
//!
//! A [`Version`] lists the table files of each level. It is built once from
//! `current + VersionEdit` (see `builder`) and never modified (I1). The [`VersionSet`] makes a
//! new Version `current` only under the state lock, after its edit is durable in the MANIFEST
//! (I4). Readers hold a [`VersionRef`]; a table file is deleted only when its number is in no
//! live Version and not a pending output (I6, I7). Invariant numbers are defined in
//! `docs/invariants.md`.

mod builder;
mod edit;
mod gc;
mod handle;
mod mutated;
mod options;
mod read;
mod set;
mod shared;
#[cfg(test)]
pub(crate) mod tests;

pub use edit::VersionEdit;
pub use handle::VersionRef;
pub use options::KernelOptions;
pub use set::VersionSet;
pub use shared::Locked;

pub(crate) use builder::apply_edit;

use crate::key::InternalKey;
use crate::sync::{AtomicU64, Runtime, Track};

/// Number of levels (L0 to L6), as in LevelDB.
pub const NUM_LEVELS: usize = 7;

/// One table file as a Version lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileMeta {
    /// File number (never reused, I10).
    pub number: u64,
    /// Size in bytes.
    pub size: u64,
    /// Smallest internal key in the file.
    pub smallest: InternalKey,
    /// Largest internal key in the file.
    pub largest: InternalKey,
}

impl FileMeta {
    /// True if the file's user-key range meets `[lo, hi]` (`None` = unbounded).
    pub fn overlaps(&self, lo: Option<&[u8]>, hi: Option<&[u8]>) -> bool {
        lo.is_none_or(|lo| self.largest.user.as_slice() >= lo)
            && hi.is_none_or(|hi| self.smallest.user.as_slice() <= hi)
    }
}

/// An immutable list of files per level.
///
/// ## Invariant
/// `levels` never changes after construction. L0 is ordered by file number (oldest first;
/// readers walk it newest first); every level `>= 1` is sorted by key with no user key in two
/// files. `refs` counts the [`VersionRef`]s, plus one while the Version is `current`.
#[derive(Debug)]
pub struct Version<R: Runtime> {
    /// Unique id, increasing in install order.
    pub id: u64,
    levels: Vec<Vec<FileMeta>>,
    /// Reference count; see [`VersionRef`] for the orderings.
    pub(crate) refs: AtomicU64<R>,
    /// The level most in need of compaction and its score (`>= 1.0` means "compact").
    pub(crate) compaction: (usize, f64),
    /// Marks uses of this Version and its teardown, for loom's race detector.
    pub(crate) track: Track<R>,
}

impl<R: Runtime> Version<R> {
    /// A Version with one reference (the one `current` will hold).
    pub(crate) fn new(id: u64, levels: Vec<Vec<FileMeta>>, compaction: (usize, f64)) -> Self {
        assert_eq!(levels.len(), NUM_LEVELS, "a Version has {NUM_LEVELS} levels");
        Version {
            id,
            levels,
            refs: AtomicU64::new(1),
            compaction,
            track: Track::new(),
        }
    }

    /// The files of `level`.
    pub fn files(&self, level: usize) -> &[FileMeta] {
        &self.levels[level]
    }

    /// Every level.
    pub fn levels(&self) -> &[Vec<FileMeta>] {
        &self.levels
    }

    /// Every `(level, number)`.
    pub fn all_files(&self) -> Vec<(usize, u64)> {
        self.levels
            .iter()
            .enumerate()
            .flat_map(|(l, fs)| fs.iter().map(move |f| (l, f.number)))
            .collect()
    }

    /// Files of `level` whose range meets `[lo, hi]`.
    pub fn overlapping(&self, level: usize, lo: Option<&[u8]>, hi: Option<&[u8]>) -> Vec<FileMeta> {
        self.levels[level]
            .iter()
            .filter(|f| f.overlaps(lo, hi))
            .cloned()
            .collect()
    }

    /// For a level `>= 1`: the file that could hold `user`, found by binary search.
    pub(crate) fn file_for(&self, level: usize, user: &[u8]) -> Option<&FileMeta> {
        debug_assert!(level >= 1, "L0 files overlap; search them all");
        file_for(&self.levels[level], user)
    }
}

/// For a sorted, disjoint level: the file that could hold `user`.
fn file_for<'a>(files: &'a [FileMeta], user: &[u8]) -> Option<&'a FileMeta> {
    debug_assert!(
        files.windows(2).all(|w| w[0].largest.user < w[1].smallest.user),
        "O8: a level >= 1 is sorted with no user key in two files (the binary search needs it)"
    );
    let i = files.partition_point(|f| f.largest.user.as_slice() < user);
    files.get(i).filter(|f| f.smallest.user.as_slice() <= user)
}
