//! `Options`: the knobs of an open database, with LevelDB's defaults.

use crate::version::KernelOptions;

/// Who runs flushes and compactions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Background {
    /// A background thread of the runtime does the work as soon as it is needed (LevelDB).
    Thread,
    /// The caller does: [`crate::Db::step_background`] runs one unit of work. Writers flush a
    /// full memtable inline when the previous one is still unflushed. Models use this mode to
    /// own the compactor thread; it is also the deterministic mode for single-threaded tests.
    Manual,
}

/// Database options.
#[derive(Clone, Debug)]
pub struct Options {
    /// Create the directory and an empty database if missing (default true).
    pub create_if_missing: bool,
    /// Fail if the database already exists (default false).
    pub error_if_exists: bool,
    /// Memtable size that triggers a switch to a new memtable and a flush (default 4 MiB).
    pub write_buffer_size: u64,
    /// Target uncompressed size of a table's data block (default 4 KiB).
    pub block_size: usize,
    /// Target size of a compaction output file (default 2 MiB).
    pub target_file_size: u64,
    /// L0 file count that triggers a compaction (default 4).
    pub l0_compaction_trigger: usize,
    /// L0 file count at which writers wait for compaction (default 12; `Thread` mode only).
    pub l0_stop_writes_trigger: usize,
    /// Target size of L1 (default 10 MiB).
    pub max_bytes_for_level_base: u64,
    /// Each level below L1 is this many times larger than the one above (default 10, as in
    /// LevelDB; at least 1).
    pub max_bytes_for_level_multiplier: u64,
    /// Tables kept open (default 500).
    pub max_open_files: usize,
    /// Bytes of data blocks cached in memory, shared by every table (LevelDB's `block_cache`,
    /// 8 MiB by default); 0 turns the cache off.
    pub block_cache_size: u64,
    /// How data blocks are stored: `Compression::None` by default (our comparison runs use no
    /// compression for any engine), or `Compression::Snappy`. Tables of either kind are read
    /// whatever this says.
    pub compression: crate::Compression,
    /// Sync the WAL on every write (default false, as in LevelDB); see [`crate::WriteOptions`].
    pub sync_writes: bool,
    /// Strict WAL recovery (default false, as in LevelDB). On, a bad WAL record found at open
    /// fails the open with the file and offset: a corrupt one (intact records follow it) and a
    /// garbage tail (the last record's bytes are wrong) alike. Off, a garbage tail is dropped
    /// like a torn one (a crash can leave either, and neither was synced), and a corrupt record
    /// ends the recoverable prefix: it and everything after it are dropped. Either way what was
    /// dropped is reported in [`crate::Db::recovery_report`], and a torn tail (cut off by the end
    /// of the file, or zeros) never fails an open. Off by default so that no crash can leave a
    /// database that will not open.
    pub paranoid_checks: bool,
    /// Who runs background work (default [`Background::Thread`]).
    pub background: Background,
    /// An open appends to the MANIFEST it recovered, if that ends cleanly and is smaller than
    /// `target_file_size`, instead of writing a new MANIFEST and CURRENT (default false, as in
    /// LevelDB). LevelDB's `reuse_logs` does this and also reuses the last WAL; we reuse only
    /// the MANIFEST.
    pub reuse_manifest: bool,
    /// An injected bug (harness builds only).
    #[cfg(feature = "mutants")]
    pub mutant: Option<crate::mutants::Mutant>,
}

impl Default for Options {
    /// LevelDB's defaults. The knobs the Version set also reads take their defaults from
    /// [`KernelOptions::default`], so the two never disagree; [`Options::kernel`] maps back.
    fn default() -> Self {
        let kernel = KernelOptions::default();
        Options {
            create_if_missing: true,
            error_if_exists: false,
            write_buffer_size: 4 << 20,
            block_size: 4 << 10,
            target_file_size: 2 << 20,
            l0_compaction_trigger: kernel.l0_compaction_trigger,
            l0_stop_writes_trigger: 12,
            max_bytes_for_level_base: kernel.max_bytes_for_level_base,
            max_bytes_for_level_multiplier: kernel.max_bytes_for_level_multiplier,
            max_open_files: kernel.table_cache_capacity,
            block_cache_size: kernel.block_cache_size,
            compression: crate::Compression::None,
            sync_writes: false,
            paranoid_checks: false,
            background: Background::Thread,
            reuse_manifest: false,
            #[cfg(feature = "mutants")]
            mutant: None,
        }
    }
}

impl Options {
    /// Tiny sizes that make flushes and compactions happen after a handful of writes; used by
    /// tests and models so that a short workload exercises every path.
    pub fn tiny() -> Self {
        Options {
            write_buffer_size: 1 << 10,
            block_size: 256,
            target_file_size: 2 << 10,
            l0_compaction_trigger: 2,
            max_bytes_for_level_base: 8 << 10,
            max_open_files: 64,
            background: Background::Manual,
            ..Options::default()
        }
    }

    /// The Version set's options: the subset of these it reads (and the mutant).
    pub(crate) fn kernel(&self) -> KernelOptions {
        KernelOptions {
            l0_compaction_trigger: self.l0_compaction_trigger,
            max_bytes_for_level_base: self.max_bytes_for_level_base,
            max_bytes_for_level_multiplier: self.max_bytes_for_level_multiplier,
            table_cache_capacity: self.max_open_files.max(1),
            block_cache_size: self.block_cache_size,
            read_only: false,
            reuse_manifest: self.reuse_manifest.then_some(self.target_file_size),
            #[cfg(feature = "mutants")]
            mutant: self.mutant,
        }
    }

    pub(crate) fn validate(&self) -> crate::Result<()> {
        let bad = |what: &str| Err(crate::Error::InvalidArgument(what.to_string()));
        if self.write_buffer_size == 0 || self.block_size == 0 || self.target_file_size == 0 {
            return bad("sizes must be positive");
        }
        if self.max_bytes_for_level_multiplier == 0 {
            return bad("max_bytes_for_level_multiplier must be at least 1");
        }
        if self.l0_compaction_trigger < 1 || self.l0_stop_writes_trigger < self.l0_compaction_trigger {
            return bad("need 1 <= l0_compaction_trigger <= l0_stop_writes_trigger");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kernel_options_are_derived_with_the_same_defaults() {
        let (o, k) = (Options::default(), KernelOptions::default());
        let derived = o.kernel();
        assert_eq!(derived.l0_compaction_trigger, k.l0_compaction_trigger);
        assert_eq!(derived.max_bytes_for_level_base, k.max_bytes_for_level_base);
        assert_eq!(derived.table_cache_capacity, k.table_cache_capacity);
        assert!(!derived.read_only);
        let tiny = Options::tiny().kernel();
        assert_eq!(tiny.l0_compaction_trigger, 2);
        assert_eq!(tiny.max_bytes_for_level(2), 80 << 10);
    }

    #[test]
    fn validate_refuses_each_bad_knob_and_accepts_the_boundaries() {
        let with = |f: fn(&mut Options)| {
            let mut o = Options::tiny();
            f(&mut o);
            o.validate()
        };
        let refused: [fn(&mut Options); 6] = [
            |o| o.write_buffer_size = 0,
            |o| o.block_size = 0,
            |o| o.target_file_size = 0,
            |o| o.max_bytes_for_level_multiplier = 0,
            |o| o.l0_compaction_trigger = 0,
            |o| o.l0_stop_writes_trigger = o.l0_compaction_trigger - 1,
        ];
        for (i, f) in refused.into_iter().enumerate() {
            assert!(with(f).is_err(), "bad knob {i} accepted");
        }
        assert!(Options::default().validate().is_ok());
        assert!(with(|o| o.l0_compaction_trigger = 1).is_ok(), "a trigger of 1");
        assert!(
            with(|o| o.l0_stop_writes_trigger = o.l0_compaction_trigger).is_ok(),
            "stop = trigger"
        );
        assert!(
            with(|o| o.max_bytes_for_level_multiplier = 1).is_ok(),
            "a multiplier of 1"
        );
    }
}
