//! `KernelOptions`: the sizing knobs the Version set needs, and the mutant switch.

/// Sizing knobs the kernel needs (compaction scores, table cache).
#[derive(Clone, Debug)]
pub struct KernelOptions {
    /// L0 file count that triggers a compaction.
    pub l0_compaction_trigger: usize,
    /// Target size of L1; each deeper level is `max_bytes_for_level_multiplier` times larger.
    pub max_bytes_for_level_base: u64,
    /// How much larger each level below L1 is than the one above (LevelDB: 10, fixed; RocksDB
    /// makes it an option of the same name).
    pub max_bytes_for_level_multiplier: u64,
    /// Open tables kept in the table cache.
    pub table_cache_capacity: usize,
    /// Bytes of data blocks kept in the block cache (0: none).
    pub block_cache_size: u64,
    /// Opened read-only: no MANIFEST write and no file deletion, ever.
    pub read_only: bool,
    /// An open appends to the MANIFEST it recovered instead of starting a new one at the first
    /// install, if that MANIFEST ends after a whole record and is smaller than this many bytes
    /// (LevelDB's `ReuseManifest` under `reuse_logs`, with its limit, the target file size).
    /// `None`, the default as in LevelDB: every open starts a new MANIFEST.
    pub reuse_manifest: Option<u64>,
    /// The injected bug, if any.
    #[cfg(feature = "mutants")]
    pub mutant: Option<crate::mutants::Mutant>,
}

impl Default for KernelOptions {
    fn default() -> Self {
        KernelOptions {
            l0_compaction_trigger: 4,
            max_bytes_for_level_base: 10 << 20,
            max_bytes_for_level_multiplier: 10,
            table_cache_capacity: 500,
            block_cache_size: 8 << 20,
            read_only: false,
            reuse_manifest: None,
            #[cfg(feature = "mutants")]
            mutant: None,
        }
    }
}

impl KernelOptions {
    /// True if mutant `m` is active. Always false without the `mutants` feature.
    #[inline]
    pub fn mutated(&self, m: crate::mutants::Mutant) -> bool {
        #[cfg(feature = "mutants")]
        return self.mutant == Some(m);
        #[cfg(not(feature = "mutants"))]
        {
            let _ = m;
            false
        }
    }

    /// Target bytes for `level >= 1`.
    pub fn max_bytes_for_level(&self, level: usize) -> u64 {
        assert!(level >= 1, "L0 is sized by file count");
        let m = self.max_bytes_for_level_multiplier;
        (1..level).fold(self.max_bytes_for_level_base, |b, _| b.saturating_mul(m))
    }
}
