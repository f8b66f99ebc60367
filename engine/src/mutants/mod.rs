//! Mutants: deliberate bug injections modelled on real upstream bugs, for proving the harness.
//!
//! Each variant names the bug it reintroduces (numbers from `docs/invariants.md`, `S` numbers for
//! the structural ones) and the oracle that should catch it. A mutant is chosen per database
//! through `Options::mutant`, which exists only with the `mutants` cargo feature; without it
//! [`crate::version::KernelOptions::mutated`] is a constant `false` and every mutation point
//! compiles away.
//!
//! A mutation point has one form, and each mutant has exactly one (checked by
//! `engine/tests/tidy.rs`):
//!
//! ```text
//! if opts.mutated(Mutant::Name) {
//!     // the bug: a short block, or a call into this module's `paths`
//! } else {
//!     // the real code
//! }
//! ```
//!
//! No function signature carries a mutant flag, and code that only a mutant needs lives here.
//! Everything said about a mutant (its name, class, source, summary and the violation kinds it
//! is expected to cause) is one row of the table below; `docs/adding-a-mutant.md` is the recipe.
//! The durability mutants show only when the process or the machine dies; the harness's crash
//! explorer is the one that kills them.

#[macro_use]
mod declare;
pub use declare::BugClass;

mutants! {
    /// M01 (dain/leveldb #78): `get` copies its Version's file lists and drops the reference
    /// before reading tables. O3 (read of a deleted file), O7 (use after last unref).
    GetSkipsRef {
        name: "get-skips-ref",
        class: Interleaving,
        source: "M01 dain/leveldb#78",
        summary: "get drops its Version before reading tables (O3, O7)",
        expects: ["open-of-deleted-file", "read-of-deleted-file", "use-after-last-unref", "file-not-in-pinned-version"],
    },
    /// M01, iterator form: an iterator keeps a copy of the file lists but no reference, so its
    /// lazy opens find deleted files. O3, O7.
    IterSkipsRef {
        name: "iter-skips-ref",
        class: Interleaving,
        source: "M01 dain/leveldb#78 (iterator)",
        summary: "an iterator keeps file lists but no reference (O3, O7)",
        expects: ["open-of-deleted-file", "read-of-deleted-file", "use-after-last-unref", "file-not-in-pinned-version"],
    },
    /// M26 (S5, violates I6): GC's live set comes from `current` only. O7 (delete of a listed
    /// file), O3.
    GcLiveSetFromCurrentOnly {
        name: "gc-live-set-from-current-only",
        class: Interleaving,
        source: "M26 (S5, I6)",
        summary: "GC's live set comes from current only (O7, O3)",
        expects: ["delete-of-listed-file", "open-of-deleted-file", "read-of-deleted-file"],
    },
    /// M17 (basho/leveldb #137): GC computes the live set, releases the lock, then lists the
    /// directory, so a table created in between is deleted. O3, O7, O1; and O5: a listing
    /// taken outside the lock can name a file another pass has already unlinked and unmarked,
    /// which this pass then deletes again (the kind loom finds first).
    GcListsOutsideLock {
        name: "gc-lists-outside-lock",
        class: Interleaving,
        source: "M17 basho/leveldb#137",
        summary: "GC lists the directory outside the live-set critical section (O3, O7, O5)",
        expects: ["delete-of-listed-file", "open-of-deleted-file", "read-of-deleted-file", "write-to-deleted-file", "double-delete"],
    },
    /// S8 (violates I6's other half: a file no live Version lists is deleted): the thread that
    /// drops a Version's last reference unregisters it but runs no GC pass, so the files only
    /// that Version listed stay on disk until some later pass, or forever if none comes. RocksDB
    /// purges obsolete files on the last iterator's cleanup for this reason. O4 (leak).
    LastUnrefSkipsGc {
        name: "last-unref-skips-gc",
        class: Interleaving,
        source: "S8 (I6), rocksdb PurgeObsoleteFiles on cleanup",
        summary: "the last Unref of a Version leaves its obsolete files on disk (O4)",
        expects: ["leak"],
    },
    /// M19 (rocksdb #3573): two GC passes both purge the same files (no "being purged" filter).
    /// O5 (double delete).
    GcSkipsPurgingFilter {
        name: "gc-skips-purging-filter",
        class: Interleaving,
        source: "M19 rocksdb#3573",
        summary: "two GC passes purge the same file (O5)",
        expects: ["double-delete"],
    },
    /// M22 (rocksdb D30249/D33045): a compaction deletes the files its edit removes instead of
    /// leaving deletion to the liveness check, so a trivially moved file, or an input a reader
    /// still pins, is deleted. O7 (delete of a listed file), O3.
    CompactionDeletesInputsDirectly {
        name: "compaction-deletes-inputs-directly",
        class: Logic,
        source: "M22 rocksdb D30249",
        summary: "compaction unlinks its edit's inputs itself (O7, O3)",
        expects: ["delete-of-listed-file", "open-of-deleted-file", "read-of-deleted-file"],
    },
    /// M24 (S2, violates I7): a new table (a compaction or flush output) is not registered as
    /// pending, so a GC pass deletes it while it is being written. O7/O3 (write to a deleted
    /// file).
    OutputNotPending {
        name: "output-not-pending",
        class: Interleaving,
        source: "M24 (S2, I7)",
        summary: "new tables are not pending outputs (O7, O3)",
        expects: ["delete-of-listed-file", "open-of-deleted-file", "read-of-deleted-file", "write-to-deleted-file"],
    },
    /// M25 (S3, violates I7 once GC runs on other threads): a flush releases its table's pending
    /// number before the install, LevelDB's order. O3, O7.
    FlushReleasesPendingEarly {
        name: "flush-releases-pending-early",
        class: Interleaving,
        source: "M25 (S3, I7)",
        summary: "a flush releases its pending number before the install (O3, O7)",
        expects: ["delete-of-listed-file", "open-of-deleted-file", "read-of-deleted-file", "write-to-deleted-file"],
    },
    /// M28/M29 (rocksdb #1816, #6973): the read sequence is taken in a separate critical section
    /// before the view is pinned. O1, O2 (the value vanishes).
    SequenceBeforePin {
        name: "sequence-before-pin",
        class: LongWindow,
        source: "M28/M29 rocksdb#1816,#6973",
        summary: "the read sequence is taken before the pin (O1, O2)",
        expects: ["wrong-read"],
    },
    /// M30 (S1, violates I9): a flush clears `imm` before the install, so readers miss its
    /// entries for the length of the MANIFEST write. O1, O2.
    ImmClearedBeforeInstall {
        name: "imm-cleared-before-install",
        class: Interleaving,
        source: "M30 (S1, I9)",
        summary: "imm is cleared before the install (O1, O2)",
        expects: ["wrong-read"],
    },
    /// M31 (S7, violates I11): the sequence is published before the batch is in the memtable.
    /// O1, O2 (half a batch visible).
    SequencePublishedBeforeInsert {
        name: "sequence-published-before-insert",
        class: Interleaving,
        source: "M31 (S7, I11)",
        summary: "the sequence is published before the batch is inserted (O1, O2)",
        expects: ["wrong-read"],
    },
    /// M32 (rocksdb e919ecedfc): the refcount decrement is `Relaxed`, with no `Acquire` fence
    /// before teardown. O9 (loom reports the race); shuttle runs every atomic as SeqCst.
    RelaxedUnref {
        name: "relaxed-unref",
        class: MemoryOrdering,
        source: "M32 rocksdb e919ecedfc",
        summary: "Relaxed refcount decrement, no Acquire fence (O9, loom only)",
        expects: ["data-race"],
    },
    /// S9 (violates I13; LevelDB `db/skiplist.h` `SetNext` is a release store): a memtable
    /// node is linked with a `Relaxed` store, so a reader that reaches it need not see its
    /// entry. O9 (loom reports the race); shuttle runs every atomic as SeqCst.
    RelaxedLink {
        name: "relaxed-link",
        class: MemoryOrdering,
        source: "S9 (I13), leveldb db/skiplist.h SetNext",
        summary: "a memtable node is linked Relaxed: a reader may not see its entry (O9, loom only)",
        expects: ["data-race"],
    },
    /// S10 (violates I12): a memtable node is linked before its entry is written, so a reader
    /// can reach an unwritten node. loom sees the race; shuttle sees a reader find an empty
    /// node (the engine's I12 assertion).
    NodeLinkedBeforeWritten {
        name: "node-linked-before-written",
        class: Interleaving,
        source: "S10 (I12), leveldb db/skiplist.h NewNode before SetNext",
        summary: "a memtable node is linked before its entry is written (O9, I12 assertion)",
        expects: ["data-race", "panic"],
    },
    /// S11 (violates I13): a node's tower is linked from the top down, so a reader can reach it
    /// at an upper level while its own lower links are still null, and a search falls off the
    /// end of the list. O1, O2 (a present key reads as absent).
    UpperLevelsLinkedFirst {
        name: "upper-levels-linked-first",
        class: Interleaving,
        source: "S11 (I13), leveldb db/skiplist.h Insert links level 0 first",
        summary: "a node's tower is linked top down: a search may miss present keys (O1, O2)",
        expects: ["wrong-read"],
    },
    /// S12 (violates I14; LevelDB `DBImpl::Write` marks followers done only after the log
    /// write): the leader of a write group acknowledges its followers before it appends the
    /// group to the WAL. A crash in between loses acknowledged writes. O6.
    GroupAckedBeforeAppend {
        name: "group-acked-before-append",
        class: Durability,
        source: "S12 (I14), leveldb db/db_impl.cc DBImpl::Write",
        summary: "a write group's followers are acknowledged before its WAL append (O6)",
        expects: ["crash-recovery"],
    },
    /// S13 (violates I14; LevelDB `BuildBatchGroup` stops at a sync writer when the leader is
    /// not sync): a sync write joins a group whose leader does not sync, so it is acknowledged
    /// unsynced and a power loss can take it. O6.
    SyncJoinsNonSyncGroup {
        name: "sync-joins-non-sync-group",
        class: Durability,
        source: "S13 (I14), leveldb db/db_impl.cc BuildBatchGroup",
        summary: "a sync write joins a write group that does not sync (O6, power loss)",
        expects: ["crash-recovery"],
    },
    /// M11 (leveldb #44 family): an L0 compaction takes only the newest L0 file, moving a newer
    /// entry below older ones. O2 (stale reads), O8.
    L0PicksNewestOnly {
        name: "l0-picks-newest-only",
        class: Logic,
        source: "M11 leveldb#44",
        summary: "an L0 compaction moves the newest file below older ones (O2, O8)",
        expects: ["wrong-read", "panic"],
    },
    /// M11 (leveldb #320/#887): a compaction splits one user key's entries across two output
    /// files of a level. O8 (overlap in a level, asserted at install).
    OutputSplitsUserKey {
        name: "output-splits-user-key",
        class: Interleaving,
        source: "M11 leveldb#320,#887",
        summary: "one user key's entries split across two files of a level (O8)",
        expects: ["panic"],
    },
    /// Compaction ignores live snapshots when dropping shadowed entries. O1, O2 (a snapshot read
    /// finds nothing).
    CompactionIgnoresSnapshots {
        name: "compaction-ignores-snapshots",
        class: LongWindow,
        source: "snapshot rule (docs/invariants.md)",
        summary: "compaction drops entries a snapshot still needs (O1, O2)",
        expects: ["wrong-read"],
    },
    /// Compaction drops tombstones without checking that deeper levels hold no older value for
    /// the key. O1, O2 (resurrection).
    TombstoneDroppedAboveBase {
        name: "tombstone-dropped-above-base",
        class: Logic,
        source: "base-level rule (docs/invariants.md)",
        summary: "a tombstone is dropped above an older value (O1, O2)",
        expects: ["wrong-read"],
    },
    /// Durability (the README's contract): a WAL record stays in the process's buffer when the
    /// write is acknowledged (no `flush` after the append). A process crash loses it.
    WalNotFlushedBeforeAck {
        name: "wal-not-flushed-before-ack",
        class: Durability,
        source: "leveldb log_writer AddRecord+Flush",
        summary: "an acknowledged WAL record stays in the process buffer (process crash)",
        expects: ["crash-recovery"],
    },
    /// Durability (LevelDB `SyncDirIfManifest`): the MANIFEST is synced without syncing the
    /// directory first, so after a power loss it can name a table whose name never became durable.
    NoDirSyncBeforeManifest {
        name: "no-dir-sync-before-manifest",
        class: Durability,
        source: "leveldb SyncDirIfManifest",
        summary: "MANIFEST synced before the directory naming its tables (power loss)",
        expects: ["crash-recovery"],
    },
    /// Durability: a flush deletes the WALs it covers before the MANIFEST edit that retires them
    /// is durable; a crash in between loses the memtable's writes.
    OldWalDeletedBeforeInstall {
        name: "old-wal-deleted-before-install",
        class: Durability,
        source: "I4 durability before deletion",
        summary: "a flush deletes the WAL before the edit retiring it is durable",
        expects: ["crash-recovery"],
    },
    /// Durability (catalogue "an edit naming a table that was never fsynced"): a table is
    /// installed without syncing its data; after a power loss the MANIFEST names a short table.
    TableNotSynced {
        name: "table-not-synced",
        class: Durability,
        source: "catalogue (f): edit names an unsynced table",
        summary: "a table is installed with unsynced data (power loss)",
        expects: ["crash-recovery"],
    },
    /// Durability (M34's family, LevelDB issue 68): `CURRENT` is rewritten in place instead of
    /// temp file, sync, rename; a crash in between leaves an empty `CURRENT`.
    CurrentWrittenInPlace {
        name: "current-written-in-place",
        class: Durability,
        source: "M34 leveldb issue 68",
        summary: "CURRENT rewritten in place, not temp + sync + rename",
        expects: ["crash-recovery"],
    },
    /// Durability: a crash during the very first open leaves files but no `CURRENT`, and every
    /// later open refuses the directory (the engine before the fix).
    FirstOpenNotIdempotent {
        name: "first-open-not-idempotent",
        class: Durability,
        source: "leveldb NewDB on a missing CURRENT",
        summary: "a crash during the first open bricks the directory",
        expects: ["crash-recovery"],
    },
    /// Durability: a new WAL's directory entry is never synced, so after a power loss its synced
    /// records vanish with it.
    NewWalNotDirSynced {
        name: "new-wal-not-dir-synced",
        class: Durability,
        source: "rocksdb WAL dir sync",
        summary: "a new WAL's name is never made durable (power loss, synced writes)",
        expects: ["crash-recovery"],
    },
    /// Durability (LevelDB `log::Reader`): WAL recovery treats a torn or zero-filled tail as
    /// corruption, so a machine crash mid-append makes the database unopenable.
    TornTailIsCorruption {
        name: "torn-tail-is-corruption",
        class: Durability,
        source: "leveldb log_reader torn tail = EOF",
        summary: "a torn WAL tail is treated as corruption (torn write)",
        expects: ["crash-recovery"],
    },
    /// Durability (ALICE, OSDI'14, on LevelDB): WAL recovery treats a garbage last record (its
    /// length intact, its bytes not) as corruption, so a power loss that left an unsynced
    /// append's bytes as garbage makes the database unopenable under the default options.
    GarbageTailIsCorruption {
        name: "garbage-tail-is-corruption",
        class: Durability,
        source: "ALICE OSDI'14: LevelDB garbage WAL tail",
        summary: "a garbage WAL tail is treated as corruption (garbage crash)",
        expects: ["crash-recovery"],
    },
}

impl Mutant {
    /// True if a violation of kind `kind` is one this mutant is expected to cause.
    pub fn expects(self, kind: &str) -> bool {
        self.expected_kinds().contains(&kind)
    }

    /// The mutant called `name`.
    pub fn from_name(name: &str) -> Option<Mutant> {
        Mutant::ALL.into_iter().find(|m| m.name() == name)
    }
}

mod paths;

pub(crate) use paths::{delete_inputs_directly, delete_wals_below, newest_l0_only, write_current_in_place};
