//! `VersionSet`: `current`, the live Versions, pending outputs, file numbers and the MANIFEST.
//!
//! Concurrency model (LevelDB's, made explicit): everything in [`Locked`] is guarded by one state
//! lock; Versions are immutable and read without it. The set is generic over `X`, extra state
//! the embedding engine keeps under the same lock (the DB's memtables and snapshots), so a
//! reader can pin `(sequence, mem, imm, current)` in one critical section (I3) and a flush can
//! clear `imm` in the critical section that installs its table (I9). With `X = ()` the set is a
//! self-contained kernel that models can explore without a memtable or WAL.
//!
//! Lock order: `manifest` before `state`. No code drops a [`VersionRef`] while holding `state`.
//! The state itself ([`Locked`]) and what every handle shares live in `shared`.

use super::shared::{Locked, Shared};
use super::{apply_edit, KernelOptions, Version, VersionEdit, VersionRef, NUM_LEVELS};
use crate::error::{Error, IoContext, Result};
use crate::events::{Env, Event, FileKind};
use crate::manifest::{self, Recovered};
use crate::mutants::Mutant;
use crate::sync::{Condvar, Mutex, Runtime};
use crate::table::TableCache;
use crate::wal::LogWriter;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The Version set: a cheap, cloneable handle to the shared kernel.
pub struct VersionSet<R: Runtime, X: Send + 'static = ()> {
    shared: R::Arc<Shared<R, X>>,
}

impl<R: Runtime, X: Send + 'static> Clone for VersionSet<R, X> {
    fn clone(&self) -> Self {
        VersionSet {
            shared: self.shared.clone(),
        }
    }
}

impl<R: Runtime, X: Send + 'static> std::fmt::Debug for VersionSet<R, X> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "VersionSet({})", self.shared.dir.display())
    }
}

impl<R: Runtime, X: Send + 'static> VersionSet<R, X> {
    /// Opens the set in `dir`: recovers from `CURRENT` and its MANIFEST if present, else starts
    /// empty. Writes nothing; the first [`VersionSet::log_and_apply`] starts a new MANIFEST,
    /// unless the recovered one is reused ([`KernelOptions::reuse_manifest`]).
    /// Returns the set and whether it was recovered.
    pub fn open(dir: &Path, env: Env, opts: KernelOptions, ext: X) -> Result<(Self, bool)> {
        let recovered = manifest::recover(&*env.fs, dir)?;
        let found = recovered.is_some();
        let r = recovered.unwrap_or_default();
        let reused = reuse_manifest(&*env.fs, dir, &r, &opts);
        let score = compaction_score(&r.levels, &opts);
        let current = R::arc_new(Version::new(1, r.levels, score));
        // The recovered Version is the first `current`: announce it like any other install,
        // so a ledger sees where its reference comes from.
        env.emit(|| Event::VersionInstalled {
            id: 1,
            files: current.all_files(),
        });
        let live = BTreeMap::from([(1, current.clone())]);
        let state = Locked {
            current,
            live,
            pending_outputs: BTreeSet::new(),
            purging: BTreeSet::new(),
            next_file_number: r.next_file_number.max(2),
            last_sequence: r.last_sequence,
            log_number: r.log_number,
            prev_log_number: r.prev_log_number,
            manifest_number: r.manifest_number,
            next_version_id: 2,
            bg_error: None,
            ext,
        };
        let tables = Box::new(TableCache::new(opts.table_cache_capacity, opts.block_cache_size));
        let shared = Shared {
            dir: dir.to_path_buf(),
            env,
            tables,
            opts,
            state: Mutex::new(state),
            manifest: Mutex::new(reused),
            cv: Condvar::new(),
        };
        Ok((
            VersionSet {
                shared: R::arc_new(shared),
            },
            found,
        ))
    }

    /// Locks the state.
    pub fn lock(&self) -> R::Guard<'_, Locked<R, X>> {
        self.shared.lock()
    }

    /// A new reference to `current`. Requires: `st` is this set's locked state.
    pub fn pin_current(&self, st: &Locked<R, X>) -> VersionRef<R, X> {
        VersionRef::acquire(self.shared.clone(), st.current.clone())
    }

    /// The database directory.
    pub fn dir(&self) -> &Path {
        &self.shared.dir
    }

    /// The environment (filesystem and observer).
    pub fn env(&self) -> &Env {
        &self.shared.env
    }

    /// The sizing options.
    pub fn options(&self) -> &KernelOptions {
        &self.shared.opts
    }

    /// Waits on the background condition variable. Requires: `g` is this set's state guard.
    pub fn wait<'a>(&self, g: R::Guard<'a, Locked<R, X>>) -> R::Guard<'a, Locked<R, X>> {
        self.shared.cv.wait(g)
    }

    /// Wakes every waiter on the background condition variable.
    pub fn notify_all(&self) {
        self.shared.cv.notify_all()
    }

    /// Applies `edit` to `current`, makes it durable in the MANIFEST, then installs the result
    /// as `current` and runs `on_install` in that same critical section. On failure the
    /// background error latches and `current` is unchanged.
    ///
    /// Requires: the state lock is not held. At most one call runs at a time (I5: enforced by
    /// the manifest lock). The state lock is released only for MANIFEST I/O.
    pub fn log_and_apply(&self, mut edit: VersionEdit, on_install: impl FnOnce(&mut Locked<R, X>)) -> Result<()> {
        if self.shared.opts.read_only {
            return Err(Error::ReadOnly);
        }
        let mut manifest = self.shared.manifest.lock();
        let (levels, new_manifest, snapshot) = {
            let mut st = self.shared.lock();
            st.check_bg_error()?;
            let new_manifest = manifest.is_none().then(|| {
                let n = st.new_file_number();
                st.add_pending_output(n); // protects MANIFEST-n and n.dbtmp from GC
                n
            });
            edit.log_number.get_or_insert(st.log_number);
            edit.prev_log_number.get_or_insert(st.prev_log_number);
            edit.next_file_number = Some(st.next_file_number);
            edit.last_sequence = Some(st.last_sequence);
            if let Some(l) = edit.log_number {
                assert!(
                    l >= st.log_number,
                    "log number moved backwards: {} -> {l}",
                    st.log_number
                );
            }
            let levels = apply_edit(st.current.levels(), &edit).unwrap_or_else(|e| panic!("log_and_apply: {e}"));
            let snapshot = new_manifest.map(|_| manifest::snapshot_edit(st.current.levels(), &edit));
            (levels, new_manifest, snapshot)
        };

        // Unlocked: MANIFEST I/O. Durability before visibility (I4).
        let io = self.write_manifest(&mut manifest, &edit, new_manifest, snapshot.as_ref());

        let mut st = self.shared.lock();
        if let Some(n) = new_manifest {
            st.remove_pending_output(n);
        }
        if let Err(e) = io {
            self.record_bg_error(&mut st, &e);
            *manifest = None;
            return Err(e);
        }
        let id = st.next_version_id;
        st.next_version_id += 1;
        let score = compaction_score(&levels, &self.shared.opts);
        let v = R::arc_new(Version::new(id, levels, score));
        st.live.insert(id, v.clone());
        let old = std::mem::replace(&mut st.current, v);
        if let Some(n) = new_manifest {
            st.manifest_number = n;
        }
        st.log_number = edit.log_number.expect("filled above");
        st.prev_log_number = edit.prev_log_number.expect("filled above");
        on_install(&mut st);
        self.shared.env.emit(|| Event::VersionInstalled {
            id,
            files: st.current.all_files(),
        });
        drop(st);
        drop(manifest);
        self.shared.cv.notify_all();
        // `current`'s reference on the old Version; may run GC on this thread.
        drop(VersionRef::<R, X>::adopt(self.shared.clone(), old));
        Ok(())
    }

    fn write_manifest(
        &self,
        manifest: &mut Option<LogWriter>,
        edit: &VersionEdit,
        new_manifest: Option<u64>,
        snapshot: Option<&VersionEdit>,
    ) -> Result<()> {
        let (fs, dir) = (&*self.shared.env.fs, &self.shared.dir);
        if let (Some(n), Some(snap)) = (new_manifest, snapshot) {
            let mut w = LogWriter::create(fs, &crate::filename::path(dir, FileKind::Manifest, n))?;
            self.shared.env.emit(|| Event::FileCreated {
                kind: FileKind::Manifest,
                number: n,
            });
            w.add_record(&snap.encode())?;
            *manifest = Some(w);
        }
        let w = manifest.as_mut().expect("a MANIFEST is open");
        w.add_record(&edit.encode())?;
        // Every file the edit names (tables, the new WAL, the MANIFEST itself) must have a
        // durable name before a durable MANIFEST names it (LevelDB's SyncDirIfManifest).
        if self.shared.opts.mutated(Mutant::NoDirSyncBeforeManifest) {
            // Durability mutant: the MANIFEST may name files whose names are not yet durable.
        } else {
            fs.sync_dir(dir).at(dir)?;
        }
        w.sync()?;
        if let Some(n) = new_manifest {
            if self.shared.opts.mutated(Mutant::CurrentWrittenInPlace) {
                crate::mutants::write_current_in_place(fs, dir, n)?;
            } else {
                manifest::set_current_file(fs, dir, n)?;
            }
        }
        Ok(())
    }

    /// Runs one obsolete-file GC pass. Requires: the state lock is not held.
    pub fn remove_obsolete_files(&self) {
        self.shared.remove_obsolete_files()
    }

    /// Latches `error` as the background error (I8), once: the first error is kept, and
    /// announced once. Wakes every waiter (they recheck and see it). The one latch: every
    /// path that stops the database goes through here. Requires: `st` is this set's state guard.
    pub fn record_bg_error(&self, st: &mut Locked<R, X>, error: &Error) {
        if st.bg_error.is_none() {
            self.shared.env.emit(|| Event::BackgroundError {
                message: error.to_string(),
            });
            st.bg_error = Some(error.duplicate());
        }
        self.shared.cv.notify_all();
    }
}

/// The recovered MANIFEST opened for appending, if `opts` asks for reuse and it qualifies: it
/// ends after a whole record and is under the limit (LevelDB's `VersionSet::ReuseManifest`).
/// A failure to reopen it only means a new MANIFEST at the first install, as in LevelDB.
fn reuse_manifest(fs: &dyn crate::fs::Fs, dir: &Path, r: &Recovered, opts: &KernelOptions) -> Option<LogWriter> {
    let limit = opts.reuse_manifest?;
    if opts.read_only || r.clean_manifest_size? >= limit {
        return None;
    }
    LogWriter::reopen(fs, &crate::filename::path(dir, FileKind::Manifest, r.manifest_number)).ok()
}

/// The level most in need of compaction and its score: L0 by file count against the trigger,
/// deeper levels by bytes against their target.
pub(crate) fn compaction_score(levels: &[Vec<super::FileMeta>], opts: &KernelOptions) -> (usize, f64) {
    let mut best = (0, levels[0].len() as f64 / opts.l0_compaction_trigger as f64);
    for (level, files) in levels.iter().enumerate().take(NUM_LEVELS - 1).skip(1) {
        let bytes: u64 = files.iter().map(|f| f.size).sum();
        let score = bytes as f64 / opts.max_bytes_for_level(level) as f64;
        if score > best.1 {
            best = (level, score);
        }
    }
    best
}
