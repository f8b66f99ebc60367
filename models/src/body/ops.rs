//! One operation of a plan against the engine, recorded for the oracles: writes with the
//! sequence they got (and whether they were synced), reads with the sequence and Version they
//! pinned and what they returned. An engine error is a violation.

use crate::workload::{Op, Plan};
use engine::sync::{self, Runtime};
use engine::{Db, DbIter, Snapshot, WriteBatch, WriteOptions};
use sim::world::{Query, ReadRecord, Violation, World};

/// Rows a read returned.
type Rows = Vec<(Vec<u8>, Vec<u8>)>;

/// Updates of one write batch: `None` deletes.
type Updates = Vec<(Vec<u8>, Option<Vec<u8>>)>;

/// One thread's view while it runs its operations.
struct Actor<'a, R: Runtime> {
    db: &'a Db<R>,
    world: &'a World,
    thread: String,
}

/// What one thread carries from operation to operation.
pub(super) struct Local<R: Runtime> {
    /// This thread's writes so far (the plan syncs every `sync_every`th).
    writes: u64,
    /// Snapshots taken and not yet released, oldest first.
    pub(super) snapshots: Vec<Snapshot<R>>,
}

impl<R: Runtime> Local<R> {
    pub(super) fn new() -> Self {
        Local {
            writes: 0,
            snapshots: Vec::new(),
        }
    }
}

/// Runs one operation, recording writes and reads into `world`.
pub(super) fn run_op<R: Runtime>(db: &Db<R>, world: &World, op: &Op, plan: &Plan, local: &mut Local<R>) {
    let writes = &mut local.writes;
    let a = Actor {
        db,
        world,
        thread: R::thread_name(),
    };
    match op {
        Op::Put(k, v) => a.write(vec![(k.clone(), Some(v.clone()))], plan, writes),
        Op::Delete(k) => a.write(vec![(k.clone(), None)], plan, writes),
        Op::Batch(u) => a.write(u.clone(), plan, writes),
        Op::Get(k) => a.get(k, None),
        Op::Scan(lo, hi) => a.scan(lo, hi, None, false),
        Op::ScanBack(lo, hi) => a.scan(lo, hi, None, true),
        Op::IterHold(lo, hi, pause) => a.scan(lo, hi, Some(*pause), false),
        Op::SnapshotRead(k) => a.snapshot_read(k),
        Op::TakeSnapshot => local.snapshots.push(db.snapshot()),
        Op::ReadAtSnapshot(k, i) => {
            if let Some(snap) = nth(&local.snapshots, *i) {
                a.read_through(snap, k);
            }
        }
        Op::ReleaseSnapshot(i) => {
            if !local.snapshots.is_empty() {
                let n = local.snapshots.len();
                drop(local.snapshots.remove(i % n));
            }
        }
        Op::Flush => a.check("flush", db.flush()),
        Op::Step => a.check("background step", db.step_background().map(drop)),
        Op::Compact => a.check("compact", db.compact_range(None, None)),
        Op::Gc => db.versions().remove_obsolete_files(),
    }
}

impl<R: Runtime> Actor<'_, R> {
    /// An engine error on a correct workload is a violation.
    fn check(&self, what: &str, r: engine::Result<()>) {
        if let Err(e) = r {
            self.world.violate(Violation::EngineError {
                thread: self.thread.clone(),
                op: what.to_string(),
                error: e.to_string(),
            });
        }
    }

    fn write(&self, updates: Updates, plan: &Plan, writes: &mut u64) {
        let mut batch = WriteBatch::new();
        for (k, v) in &updates {
            match v {
                Some(v) => batch.put(k.clone(), v.clone()),
                None => batch.delete(k.clone()),
            };
        }
        *writes += 1;
        let sync = plan.synced(*writes);
        let what = || format!("{}{}", if sync { "synced: " } else { "" }, describe(&updates));
        self.world.trace(&self.thread, "write", None, what);
        let written = self.db.write_with_sequence(batch, WriteOptions { sync });
        self.check(
            "write",
            written.map(|first| acknowledged(self.world, first, updates, sync)),
        );
    }

    /// A `get` of `k`, at `snap` if given.
    fn get(&self, k: &[u8], snap: Option<&Snapshot<R>>) {
        let got = self.db.get_info(k, snap).map(|(value, info)| {
            let result = value.map(|v| vec![(k.to_vec(), v)]).unwrap_or_default();
            let what = match snap {
                Some(s) => format!("get {} at snapshot {}", show(k), s.sequence()),
                None => format!("get {}", show(k)),
            };
            self.record(what, info.sequence, info.version, Query::Get(k.to_vec()), result);
        });
        self.check(if snap.is_some() { "get at snapshot" } else { "get" }, got);
    }

    /// A scan of `[lo, hi)`, pausing after `pause` rows if given, read backward if `back`.
    /// A backward scan's rows are recorded turned back into key order, so the oracle checks
    /// both directions against the same model scan (rows out of order fail it).
    fn scan(&self, lo: &[u8], hi: &[u8], pause: Option<usize>, back: bool) {
        let scanned = self.db.scan(lo.to_vec()..hi.to_vec()).and_then(|it| {
            let (seq, version) = (it.sequence(), it.version_id());
            let mut rows = if back {
                it.rev().collect::<engine::Result<Rows>>()?
            } else {
                drain(it, pause)?.2
            };
            if back {
                rows.reverse();
            }
            Ok((seq, version, rows))
        });
        let query = Query::Scan(Some(lo.to_vec()), Some(hi.to_vec()));
        let way = if back { "backward " } else { "" };
        let what = format!("scan {way}[{}, {})", show(lo), show(hi));
        self.check(
            "scan",
            scanned.map(|(seq, version, rows)| self.record(what, seq, version, query, rows)),
        );
    }

    /// A `get` and a full scan at one snapshot, held across a few scheduling points so writes
    /// and compactions can run while it is live (a random scheduler rarely keeps one thread
    /// waiting otherwise).
    fn snapshot_read(&self, k: &[u8]) {
        let snap = self.db.snapshot();
        for _ in 0..4 {
            sync::yield_now::<R>();
        }
        self.read_through(&snap, k);
    }

    /// A `get` of `k` and a full scan, both at `snap`.
    fn read_through(&self, snap: &Snapshot<R>, k: &[u8]) {
        self.get(k, Some(snap));
        self.scan_all_at(snap);
    }

    /// A scan of every key at `snap`.
    fn scan_all_at(&self, snap: &Snapshot<R>) {
        let scanned = self.db.scan_at(snap, ..).and_then(|it| drain(it, None));
        let what = format!("scan at snapshot {}", snap.sequence());
        self.check(
            "scan at snapshot",
            scanned.map(|(seq, version, rows)| self.record(what, seq, version, Query::Scan(None, None), rows)),
        );
    }

    fn record(&self, what: String, seq: u64, version: u64, query: Query, result: Rows) {
        let detail = || format!("{what} -> {} rows at seq {seq}", result.len());
        let mut st = self.world.lock();
        st.trace(&self.thread, "read", Some(version), detail);
        st.reads.push(ReadRecord {
            thread: self.thread.clone(),
            what,
            seq,
            version,
            query,
            result,
        });
    }
}

/// The quiescent read, at `snap` or now: a full scan, then a `get` of every one of `keys`.
pub(super) fn read_all<R: Runtime>(db: &Db<R>, world: &World, snap: Option<&Snapshot<R>>, keys: &[Vec<u8>]) {
    let a = Actor {
        db,
        world,
        thread: R::thread_name(),
    };
    match snap {
        Some(s) => a.scan_all_at(s),
        None => a.scan(&[], &[0xff], None, false),
    }
    for k in keys {
        a.get(k, snap);
    }
}

/// Held snapshot `i`, counted modulo how many are held.
fn nth<T>(held: &[T], i: usize) -> Option<&T> {
    (!held.is_empty()).then(|| &held[i % held.len()])
}

/// Records an acknowledged write: from now on the durability contract covers it.
fn acknowledged(world: &World, first: u64, updates: Updates, synced: bool) {
    let last = first + updates.len() as u64 - 1;
    let mut st = world.lock();
    st.acked_through = st.acked_through.max(last);
    if synced {
        st.synced_through = st.synced_through.max(last);
    }
    st.writes.push((first, updates));
}

/// Reads an iterator to the end, yielding 3 times after `pause` items if given.
fn drain<R: Runtime>(mut it: DbIter<R>, pause: Option<usize>) -> engine::Result<(u64, u64, Rows)> {
    let (seq, version) = (it.sequence(), it.version_id());
    let mut rows = Vec::new();
    if let Some(n) = pause {
        for item in it.by_ref().take(n) {
            rows.push(item?);
        }
        for _ in 0..3 {
            sync::yield_now::<R>();
        }
    }
    for item in it {
        rows.push(item?);
    }
    Ok((seq, version, rows))
}

fn show(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn describe(updates: &[(Vec<u8>, Option<Vec<u8>>)]) -> String {
    let parts: Vec<String> = updates
        .iter()
        .map(|(k, v)| match v {
            Some(v) => format!("put {}={}", show(k), show(v)),
            None => format!("delete {}", show(k)),
        })
        .collect();
    parts.join(", ")
}
