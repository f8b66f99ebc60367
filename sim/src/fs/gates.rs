//! Gates: the only places where `SimFs` lets the checkers switch threads.
//!
//! `SimFs` keeps its state behind a plain `std` mutex, invisible to loom and shuttle (no
//! operation waits inside it, and the checkers run one thread at a time). What the checkers
//! see instead is one atomic access per *object* an operation touches, just before the
//! operation takes effect:
//! - the **directory** (creating, removing or renaming a name, listing, `exists`, `sync_dir`);
//! - the **name** (one of [`STRIPES`] gates chosen by hashing the file name): `open`, and every
//!   change of that name;
//! - the **inode** (one of [`STRIPES`] gates by inode number): reading its bytes, handing it
//!   bytes (`flush`, `sync`, close) and unlinking it.
//!
//! An operation that only looks (open, read, list, `exists`) loads the gate; one that changes
//! the object writes it (a read-modify-write). So loom orders two operations both ways only
//! when they share a gate and one of them changes the object (or when two unrelated files
//! hash to the same stripe, which only costs pruning): operations on different files are
//! independent, and two readers of one table commute. shuttle, which has no reduction, sees
//! one gate for everything and one access per operation ([`Gates::pass`]), where a mutex would
//! cost two scheduling decisions (lock and unlock). Appending to a writable handle touches
//! nothing: the bytes stay in the process's own buffer, which no other thread can observe,
//! until a flush.
//!
//! While the model declares its thread alone ([`Gates::set_alone`]: its setup before it spawns,
//! its teardown after it joined them all), no gate is touched at all: with one thread there is
//! nothing to interleave, and each access would only ask the checker to run the thread it has.
//!
//! This is the checker's view of the protocol's real interleaving points: in the engine, a
//! reader's open and read of a table race only the unlink of that table, a GC listing races
//! every create, and the bytes of a MANIFEST being appended race nobody until they are synced.

use engine::sync::{AtomicU64, Ordering, Runtime};
use std::path::Path;
use std::sync::atomic::AtomicBool;

/// Gates per kind of object (names and inodes are striped over them). Few: every gate is made
/// with the filesystem, and making a checker's atomic costs more than touching it.
pub(super) const STRIPES: usize = 8;

/// What an operation does to an object.
#[derive(Clone, Copy, Debug)]
pub(super) enum Access {
    /// Only looks at it: commutes with every other look.
    Look,
    /// Changes it.
    Change,
}

/// The gates of one filesystem, all made with it, on the thread that makes the filesystem
/// before it spawns any other. (Not on first use: loom requires every thread that touches an
/// atomic to be causally after its creation, and two unrelated files share a stripe.)
///
/// Only loom reduces by independence; shuttle needs the scheduling point, not the object. So
/// under any other runtime there is one gate, which stands for all of them: making a
/// checker's atomic costs more than touching it.
pub(super) struct Gates<R: Runtime> {
    alone: AtomicBool,
    /// The directory's, then the names' stripes, then the inodes' (loom); or one.
    gates: Vec<AtomicU64<R>>,
}

impl<R: Runtime> Gates<R> {
    /// Fresh gates. Requires: no other thread of the execution is alive yet.
    pub(super) fn new() -> Self {
        let n = if R::NAME == "loom" { 1 + 2 * STRIPES } else { 1 };
        Gates {
            alone: AtomicBool::new(false),
            gates: (0..n).map(|_| AtomicU64::new(0)).collect(),
        }
    }

    /// Declares the calling thread the execution's only one (`true`), or not. Requires: `true`
    /// only while no other thread of the execution is alive.
    pub(super) fn set_alone(&self, alone: bool) {
        // Relaxed: only the lone thread reads or writes the flag while it is set, and the
        // `false` that ends it comes before that thread spawns anyone (a spawn synchronizes).
        self.alone.store(alone, Ordering::Relaxed);
    }

    /// Passes the gates of one operation, just before it takes effect. Under loom, one access
    /// per object, in turn (they are distinct atomics). Under any other runtime all gates are
    /// one: a single access, a change if any of `objects` is changed (touching it again would
    /// add a scheduling point before which nothing more has happened).
    pub(super) fn pass(&self, objects: &[(Object<'_>, Access)]) {
        // Relaxed: see `set_alone`.
        if self.alone.load(Ordering::Relaxed) {
            return;
        }
        if let [gate] = &self.gates[..] {
            let change = objects.iter().any(|(_, a)| matches!(a, Access::Change));
            return touch(gate, if change { Access::Change } else { Access::Look });
        }
        for (object, access) in objects {
            touch(&self.gates[object.gate()], *access);
        }
    }
}

/// An object a file operation touches.
#[derive(Clone, Copy, Debug)]
pub(super) enum Object<'a> {
    /// The directory: its set of names.
    Dir,
    /// The name of the file at this path (hashed only under loom, where stripes exist).
    Name(&'a Path),
    /// An inode.
    Inode(u64),
}

impl Object<'_> {
    /// Its gate's index among loom's `1 + 2 * STRIPES`.
    fn gate(self) -> usize {
        match self {
            Object::Dir => 0,
            Object::Name(path) => 1 + stripe_of(super::name_str(path)),
            // Consecutive inodes get distinct stripes. The remainder is below STRIPES: lossless.
            Object::Inode(ino) => 1 + STRIPES + (ino % STRIPES as u64) as usize,
        }
    }
}

/// A change is a read-modify-write, a look is a load. Both SeqCst: a SeqCst load sees only the
/// newest SeqCst write, so loom never branches on which value it reads (the value is never
/// used; only the access matters, and it carries no data between threads).
fn touch<R: Runtime>(gate: &AtomicU64<R>, access: Access) {
    match access {
        Access::Change => gate.fetch_add(1, Ordering::SeqCst),
        Access::Look => gate.load(Ordering::SeqCst),
    };
}

/// FNV-1a of the name: deterministic in every process (no per-process hash keys), so a
/// recorded schedule replays.
fn stripe_of(name: &str) -> usize {
    let hash = name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    // The remainder is below STRIPES, so the cast is lossless.
    (hash % STRIPES as u64) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_names_spread_over_the_stripes() {
        let used: std::collections::BTreeSet<usize> = (1..=16).map(|n| stripe_of(&format!("{n:06}.sst"))).collect();
        assert!(
            used.len() >= 6,
            "16 consecutive tables use only {} of the stripes",
            used.len()
        );
    }
}
