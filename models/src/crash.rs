//! The crash oracle (O6): recover from every recorded crash point and check the durability
//! contract.
//!
//! After an execution with crash recording on, every crash point (see [`sim::fs::durability`])
//! gives one surviving filesystem per crash model. Identical states (same files, same bytes, same
//! acknowledged history) are recovered once. For each, the engine is opened on a fresh strict
//! filesystem holding exactly those files, and:
//! - the open must succeed: a crash never bricks a database;
//! - the recovered contents must equal the reference model at some sequence `P` that ends a
//!   batch (nothing invented, no half batch), with `P` at least the last write the contract
//!   covers: acknowledged writes under `process`, synced acknowledged writes under every model.
//!   Writes in flight at the crash may or may not be there (RocksDB's pending-aware expected
//!   state, restated: a write counts as acknowledged only once the writer has recorded it);
//! - after one GC pass the directory holds exactly the live files: the tables of `current`,
//!   one MANIFEST, WALs not older than the log number, no temp file; the ledger balances;
//! - a write after recovery survives a clean close and reopen.

use crate::oracle;
use crate::reference::VersionedMap;
use crate::workload::{Plan, DIR};
use engine::events::{Env, FileKind};
use engine::fs::Fs;
use engine::sync::{Runtime, Std};
use engine::Db;
use sim::fs::durability::{CrashModel, CrashPoint, Image};
use sim::fs::SimFs;
use sim::world::{Violation, World, WorldObserver};
use std::collections::BTreeSet;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::ops::Bound;
use std::path::Path;

/// The key a recovery writes to check that the recovered database still takes writes.
const PROBE: &[u8] = b"lsmcheck-after-recovery";

/// Recovers from up to `max_points` distinct crash states per model; records the first broken
/// promise in `world` and the number of distinct states checked in `world.crash_states`.
pub fn check_crashes<R: Runtime>(plan: &Plan, world: &World, fs: &SimFs<R>, max_points: usize) {
    let writes = world.lock().writes.clone();
    let history = History::new(writes);
    let mut seen = BTreeSet::new();
    for model in CrashModel::ALL {
        let mut images = fs.crash_images(model);
        if let Some(only) = plan.crash_only {
            // A replay of one crash state: found by its index, whatever the sampling budget.
            images.retain(|(point, _)| only == (model, point.index));
        }
        for (point, image) in sample(images, max_points) {
            let required = if model.keeps_unsynced_acks() {
                point.acked
            } else {
                point.synced_acked
            };
            if !seen.insert((model, required, fingerprint(&image))) {
                continue;
            }
            world.lock().crash_states += 1;
            if let Err(failure) = recover(plan, &image, required, &history) {
                world.violate(Violation::CrashRecovery {
                    thread: "recovery".into(),
                    model: model.name().into(),
                    point: point.index,
                    after: point.after.clone(),
                    detail: failure.to_string(),
                });
                return;
            }
        }
    }
}

/// At most `max` (positive: the explorer rejects 0) of `points`, evenly spaced and always
/// including the last (deterministic).
fn sample(points: Vec<(CrashPoint, Image)>, max: usize) -> Vec<(CrashPoint, Image)> {
    assert!(max > 0, "a crash budget of 0 points is rejected before exploring");
    let n = points.len();
    if n <= max {
        return points;
    }
    let keep: BTreeSet<usize> = (1..=max).map(|i| i * n / max - 1).collect();
    points
        .into_iter()
        .enumerate()
        .filter(|(i, _)| keep.contains(i))
        .map(|(_, p)| p)
        .collect()
}

fn fingerprint(image: &Image) -> u64 {
    let mut h = DefaultHasher::new();
    image.hash(&mut h);
    h.finish()
}

/// The write history as a reference model with the sequences that end a batch.
struct History {
    model: VersionedMap,
    /// 0 (nothing written) and the last sequence of every batch, ascending.
    boundaries: Vec<u64>,
}

impl History {
    fn new(mut writes: Vec<sim::world::WriteRecord>) -> History {
        writes.sort_by_key(|w| w.0);
        let mut model = VersionedMap::new();
        let mut boundaries = vec![0];
        for (first, updates) in &writes {
            model.apply(*first, updates);
            boundaries.push(first + updates.len() as u64 - 1);
        }
        History { model, boundaries }
    }

    /// The highest batch boundary whose state equals `rows`, if any.
    fn matching_prefix(&self, rows: &[(Vec<u8>, Vec<u8>)]) -> Option<u64> {
        self.boundaries
            .iter()
            .rev()
            .copied()
            .find(|&seq| self.model.scan(Bound::Unbounded, Bound::Unbounded, seq) == rows)
    }
}

/// How recovery from one crash state broke the contract.
#[derive(Debug, thiserror::Error)]
enum RecoveryFailure {
    #[error("open failed: {0}")]
    Open(engine::Error),
    #[error("reading the recovered database failed: {0}")]
    Read(engine::Error),
    #[error("the recovered contents {0:?} are no prefix of the write history")]
    NotAPrefix(Vec<(Vec<u8>, Vec<u8>)>),
    #[error("acknowledged writes lost: the recovered contents end at sequence {recovered}, but writes through {required} were acknowledged")]
    AcknowledgedLost { recovered: u64, required: u64 },
    #[error("listing the recovered directory failed: {0}")]
    List(std::io::Error),
    #[error("after recovery and GC the directory holds {names:?}: {manifests} MANIFESTs, stray {stray:?}")]
    StrayFiles {
        names: Vec<String>,
        manifests: usize,
        stray: Vec<(FileKind, u64)>,
    },
    #[error("a write after recovery failed: {0}")]
    Write(engine::Error),
    #[error("closing after recovery failed: {0}")]
    Close(engine::Error),
    #[error("during recovery: {0}")]
    DuringRecovery(Violation),
    #[error("a clean reopen after recovery failed: {0}")]
    Reopen(engine::Error),
    #[error("a write made after recovery was lost by a clean reopen")]
    ProbeLost,
    #[error("reading after the reopen failed: {0}")]
    ReadAfterReopen(engine::Error),
    #[error("during the reopen after recovery: {0}")]
    DuringReopen(Violation),
}

/// Opens the engine on `image` and checks the contract; `Err` says what broke.
fn recover(plan: &Plan, image: &Image, required: u64, history: &History) -> Result<(), RecoveryFailure> {
    use RecoveryFailure as F;
    let dir = Path::new(DIR);
    let rworld = World::new();
    let fs = SimFs::<Std>::from_image(rworld.clone(), dir, image);
    let db = open(plan, &fs, &rworld).map_err(F::Open)?;
    let rows = all_rows(&db).map_err(F::Read)?;
    match history.matching_prefix(&rows) {
        None => return Err(F::NotAPrefix(rows)),
        Some(recovered) if recovered < required => return Err(F::AcknowledgedLost { recovered, required }),
        Some(_) => {}
    }
    db.versions().remove_obsolete_files();
    oracle::check_quiescent(&rworld, &fs.tables());
    stray_files(&db, &fs)?;
    db.put(PROBE, "1").map_err(F::Write)?;
    db.close().map_err(F::Close)?;
    if let Some(v) = rworld.violation() {
        return Err(F::DuringRecovery(v));
    }
    // The reopen is a new process: a new ledger, on the same files.
    let reopened = World::new();
    let fs = SimFs::<Std>::from_image(reopened.clone(), dir, &fs.image());
    let db = open(plan, &fs, &reopened).map_err(F::Reopen)?;
    match db.get(PROBE) {
        Ok(Some(_)) => {}
        Ok(None) => return Err(F::ProbeLost),
        Err(e) => return Err(F::ReadAfterReopen(e)),
    }
    drop(db);
    match reopened.violation() {
        Some(v) => Err(F::DuringReopen(v)),
        None => Ok(()),
    }
}

fn open(plan: &Plan, fs: &SimFs<Std>, world: &World) -> engine::Result<Db<Std>> {
    let env = Env {
        fs: Box::new(fs.clone()),
        observer: Some(Box::new(WorldObserver::<Std>::new(world.clone()))),
    };
    Db::<Std>::open_with(Path::new(DIR), plan.options(), env)
}

fn all_rows<R: Runtime>(db: &Db<R>) -> engine::Result<Vec<(Vec<u8>, Vec<u8>)>> {
    db.iter()?.collect()
}

/// Fails if the directory holds a file the recovered database does not use.
fn stray_files<R: Runtime>(db: &Db<R>, fs: &SimFs<Std>) -> Result<(), RecoveryFailure> {
    let log_number = db.versions().lock().log_number();
    let names = fs.list(Path::new(DIR)).map_err(RecoveryFailure::List)?;
    let parsed: Vec<(FileKind, u64)> = names.iter().filter_map(|n| engine::filename::parse(n)).collect();
    let manifests = parsed.iter().filter(|(k, _)| *k == FileKind::Manifest).count();
    let stray: Vec<(FileKind, u64)> = parsed
        .into_iter()
        .filter(|(k, n)| *k == FileKind::Temp || *k == FileKind::Log && *n < log_number)
        .collect();
    if manifests != 1 || !stray.is_empty() {
        return Err(RecoveryFailure::StrayFiles {
            names,
            manifests,
            stray,
        });
    }
    Ok(())
}
