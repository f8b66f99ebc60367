//! Mutants: deliberate bug injections modelled on real upstream bugs, for proving the harness.
//!
//! Each variant names the bug it reintroduces (numbers from `bug-catalogue.md`) and the oracle
//! that should catch it. A mutant is chosen per database through `Options::mutant`, which
//! exists only with the `mutants` cargo feature; without it [`crate::version::KernelOptions::mutated`]
//! is a constant `false` and every mutation point compiles away.

/// A selectable bug.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Mutant {
    /// M01 (dain/leveldb #78): `get` copies the pinned Version's file lists and drops its
    /// reference before the table lookups, so GC may delete a file it is about to open.
    /// Caught by O3 (read of a deleted file) and O7 (use after the last unref).
    GetSkipsRef,
    /// M26 (structural, violates L6): GC computes the live set from `current` only, deleting
    /// files of older Versions that readers still pin. Caught by O7 (delete of a listed file)
    /// and O3.
    GcLiveSetFromCurrentOnly,
}

impl Mutant {
    /// Every mutant.
    pub const ALL: [Mutant; 2] = [Mutant::GetSkipsRef, Mutant::GcLiveSetFromCurrentOnly];

    /// The name used on command lines and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Mutant::GetSkipsRef => "get-skips-ref",
            Mutant::GcLiveSetFromCurrentOnly => "gc-live-set-from-current-only",
        }
    }

    /// One line: the upstream bug and the oracle that should catch it.
    pub fn summary(self) -> &'static str {
        match self {
            Mutant::GetSkipsRef => "M01 dain/leveldb#78: get drops its Version before reading tables (O3, O7)",
            Mutant::GcLiveSetFromCurrentOnly => {
                "M26: GC's live set comes from current only (O7 delete of a listed file, O3)"
            }
        }
    }

    /// The mutant called `name`.
    pub fn from_name(name: &str) -> Option<Mutant> {
        Mutant::ALL.into_iter().find(|m| m.name() == name)
    }
}
