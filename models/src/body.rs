//! The scenario body: one execution of a [`Plan`] on runtime `R`. Written once, run under
//! every explorer.
//!
//! It opens a fresh database on a fresh [`SimFs`], runs the setup on the main thread, spawns one
//! runtime thread per scenario thread, joins them, then checks every recorded read against the
//! reference model and the quiescent state against the ledger. All of it must be deterministic
//! given the runtime's schedule: no clock, no OS randomness, no hash-ordered iteration.

use crate::oracle;
use crate::workload::{Op, Plan};
use engine::events::Env;
use engine::fs::Fs;
use engine::sync::{self, Runtime};
use engine::{Db, DbIter, WriteBatch, WriteOptions};
use sim::fs::SimFs;
use sim::world::{Query, ReadRecord, Violation, World, WorldObserver};
use std::path::Path;

/// The database directory inside the simulated filesystem.
pub const DIR: &str = "/db";

/// Runs one execution of `plan` on runtime `R`, reporting into `world`. If the execution
/// recorded a violation, it panics at the very end, once every engine object is dropped (that
/// is how loom and shuttle learn an execution failed); `world` holds the details.
pub fn execute<R: Runtime>(plan: &Plan, world: &World) {
    world.reset(&plan.disabled_oracles);
    let fs = SimFs::<R>::new(world.clone());
    if plan.crash_points.is_some() {
        fs.record_crashes();
    }
    let dir = Path::new(DIR);
    fs.create_dir_all(dir).expect("in-memory mkdir");
    let env = Env {
        fs: Box::new(fs.clone()),
        observer: Some(Box::new(WorldObserver::<R>::new(world.clone()))),
    };
    let db = match Db::<R>::open_with(dir, plan.options(), env) {
        Ok(db) => sync::arc::<R, _>(db),
        Err(e) => {
            world.violate(engine_error("open", e));
            return world.fail_if_violated();
        }
    };
    let mut setup_writes = 0;
    for op in &plan.setup {
        run_op::<R>(&db, world, op, plan, &mut setup_writes);
    }
    let handles: Vec<_> = plan
        .threads
        .iter()
        .map(|(name, ops)| {
            let (db, world, ops, plan) = (db.clone(), world.clone(), ops.clone(), plan.clone());
            sync::spawn::<R, _>(name, move || {
                let mut writes = 0;
                for op in &ops {
                    run_op::<R>(&db, &world, op, &plan, &mut writes);
                }
            })
        })
        .collect();
    let mut first_panic = None;
    for h in handles {
        if let Err(p) = h.join() {
            first_panic.get_or_insert(p);
        }
    }
    if let Some(p) = first_panic {
        std::panic::resume_unwind(p);
    }
    read_everything::<R>(&db, world, plan);
    oracle::check_reads(world);
    // Quiescence: every reader is gone. One more GC pass (as a reopen would run), then the
    // disk must hold exactly the files of the live Versions, and only `current` is live.
    db.versions().remove_obsolete_files();
    oracle::check_quiescent(world, &fs.tables());
    drop(db);
    if let Some(max_points) = plan.crash_points {
        crate::crash::check_crashes(plan, world, &fs, max_points);
    }
    drop(fs);
    world.fail_if_violated();
}

/// The quiescent read: once the threads are done, a full scan and a `get` of every key of the
/// key space, checked against the model like every other read. A compaction that dropped or
/// resurrected data after the last reader finished is seen here.
fn read_everything<R: Runtime>(db: &Db<R>, world: &World, plan: &Plan) {
    let mut none = 0;
    run_op::<R>(db, world, &Op::Scan(Vec::new(), vec![0xff]), plan, &mut none);
    for k in 0..plan.scenario.workload.keys {
        run_op::<R>(db, world, &Op::Get(crate::workload::key(k)), plan, &mut none);
    }
}

fn engine_error(op: &str, e: engine::Error) -> Violation {
    Violation::EngineError {
        thread: "main".into(),
        op: op.to_string(),
        error: e.to_string(),
    }
}

fn show(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Runs one operation, recording writes and reads into `world`. `writes` counts this
/// thread's writes (the plan syncs every `sync_every`th).
fn run_op<R: Runtime>(db: &Db<R>, world: &World, op: &Op, plan: &Plan, writes: &mut u64) {
    let thread = R::thread_name();
    let fail = |what: &str, e: engine::Error| {
        world.violate(Violation::EngineError {
            thread: thread.clone(),
            op: what.to_string(),
            error: e.to_string(),
        });
    };
    match op {
        Op::Put(..) | Op::Delete(_) | Op::Batch(_) => {
            let updates: Vec<(Vec<u8>, Option<Vec<u8>>)> = match op {
                Op::Put(k, v) => vec![(k.clone(), Some(v.clone()))],
                Op::Delete(k) => vec![(k.clone(), None)],
                Op::Batch(u) => u.clone(),
                _ => unreachable!("matched above"),
            };
            let mut batch = WriteBatch::new();
            for (k, v) in &updates {
                match v {
                    Some(v) => batch.put(k.clone(), v.clone()),
                    None => batch.delete(k.clone()),
                };
            }
            *writes += 1;
            let sync = plan.synced(*writes);
            let what = format!("{}{}", if sync { "synced: " } else { "" }, describe(&updates));
            world.trace(&thread, "write", None, None, what);
            match db.write_with_sequence(batch, WriteOptions { sync }) {
                Ok(first) => acknowledged(world, first, updates, sync),
                Err(e) => fail("write", e),
            }
        }
        Op::Get(k) => match db.get_info(k, None) {
            Ok((value, info)) => {
                let result = value.map(|v| vec![(k.clone(), v)]).unwrap_or_default();
                record(
                    world,
                    &thread,
                    format!("get {}", show(k)),
                    info.sequence,
                    info.version,
                    Query::Get(k.clone()),
                    result,
                );
            }
            Err(e) => fail("get", e),
        },
        Op::Scan(lo, hi) | Op::IterHold(lo, hi, _) => {
            let pause = if let Op::IterHold(_, _, p) = op { Some(*p) } else { None };
            match db.scan(lo.clone()..hi.clone()) {
                Ok(it) => {
                    let what = format!("scan [{}, {})", show(lo), show(hi));
                    match drain::<R>(it, pause) {
                        Ok((seq, version, rows)) => record(
                            world,
                            &thread,
                            what,
                            seq,
                            version,
                            Query::Scan(Some(lo.clone()), Some(hi.clone())),
                            rows,
                        ),
                        Err(e) => fail("scan", e),
                    }
                }
                Err(e) => fail("scan", e),
            }
        }
        Op::SnapshotRead(k) => {
            let snap = db.snapshot();
            // Hold the snapshot across a few scheduling points, so writes and compactions can
            // run while it is live (a random scheduler rarely keeps one thread waiting otherwise).
            for _ in 0..4 {
                sync::yield_now::<R>();
            }
            match db.get_info(k, Some(&snap)) {
                Ok((value, info)) => {
                    let result = value.map(|v| vec![(k.clone(), v)]).unwrap_or_default();
                    let what = format!("get {} at snapshot {}", show(k), snap.sequence());
                    record(
                        world,
                        &thread,
                        what,
                        info.sequence,
                        info.version,
                        Query::Get(k.clone()),
                        result,
                    );
                }
                Err(e) => fail("get at snapshot", e),
            }
            match db.scan_at(&snap, ..).map(|it| drain::<R>(it, None)) {
                Ok(Ok((seq, version, rows))) => {
                    let what = format!("scan at snapshot {}", snap.sequence());
                    record(world, &thread, what, seq, version, Query::Scan(None, None), rows);
                }
                Ok(Err(e)) | Err(e) => fail("scan at snapshot", e),
            }
        }
        Op::Flush => db.flush().unwrap_or_else(|e| fail("flush", e)),
        Op::Step => {
            if let Err(e) = db.step_background() {
                fail("background step", e);
            }
        }
        Op::Compact => db.compact_range(None, None).unwrap_or_else(|e| fail("compact", e)),
        Op::Gc => db.versions().remove_obsolete_files(),
    }
}

/// Records an acknowledged write: from now on the durability contract covers it.
fn acknowledged(world: &World, first: u64, updates: Vec<(Vec<u8>, Option<Vec<u8>>)>, synced: bool) {
    let last = first + updates.len() as u64 - 1;
    let mut st = world.lock();
    st.acked_through = st.acked_through.max(last);
    if synced {
        st.synced_through = st.synced_through.max(last);
    }
    st.writes.push((first, updates));
}

/// Rows a read returned.
type Rows = Vec<(Vec<u8>, Vec<u8>)>;

/// Reads an iterator to the end, yielding `3` times after `pause` items if given.
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

fn record(
    world: &World,
    thread: &str,
    what: String,
    seq: u64,
    version: u64,
    query: Query,
    result: Vec<(Vec<u8>, Vec<u8>)>,
) {
    let detail = format!("{what} -> {} rows at seq {seq}", result.len());
    let mut st = world.lock();
    st.trace(thread, "read", Some(version), None, detail);
    st.reads.push(ReadRecord {
        thread: thread.to_string(),
        what,
        seq,
        version,
        query,
        result,
    });
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
