//! The scenario body: one execution of a [`Plan`] on runtime `R`. Written once, run under
//! every explorer.
//!
//! It opens a fresh database on a fresh [`SimFs`], runs the setup on the main thread, spawns one
//! runtime thread per scenario thread, joins them, then checks every recorded read against the
//! reference model and the quiescent state against the ledger. All of it must be deterministic
//! given the runtime's schedule: no clock, no OS randomness, no hash-ordered iteration.

use crate::oracle;
use crate::workload::{Op, Plan, DIR};
use engine::events::Env;
use engine::fs::Fs;
use engine::sync::{self, Runtime};

mod ops;
use engine::Snapshot;
use engine::{Background, Db};
use ops::{read_all, run_op, Local};
use sim::explore::Model;
use sim::fs::durability::CrashModel;
use sim::fs::SimFs;
use sim::world::{Violation, World, WorldObserver};
use std::path::Path;

/// A plan is a model the explorers run: its body is [`execute`].
impl Model for Plan {
    fn seed(&self) -> u64 {
        self.seed
    }
    fn execute<R: Runtime>(&self, world: &World) {
        execute::<R>(self, world)
    }
    fn crashing(&self, points: usize, sequential: bool, only: Option<(CrashModel, u64)>) -> Option<Self> {
        let plan = Plan {
            crash_points: Some(points),
            crash_only: only,
            ..self.clone()
        };
        Some(if sequential { plan.sequential() } else { plan })
    }
}

/// Runs one execution of `plan` on runtime `R`, reporting into `world`. If the execution
/// recorded a violation, it panics at the very end, once every engine object is dropped (that
/// is how loom and shuttle learn an execution failed); `world` holds the details.
pub fn execute<R: Runtime>(plan: &Plan, world: &World) {
    world.reset(&plan.disabled_oracles);
    let fs = SimFs::<R>::new(world.clone());
    if plan.crash_points.is_some() {
        fs.record_crashes();
    }
    // Without an engine background thread, the main thread is alone until it spawns the
    // scenario's threads, and again once it joined them.
    let alone = plan.options().background != Background::Thread;
    fs.set_alone(alone);
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
    let mut main = Local::new();
    for op in &plan.setup {
        run_op::<R>(&db, world, op, plan, &mut main);
    }
    world.lock().marks.set_concurrent(true);
    fs.set_alone(false);
    let handles: Vec<_> = plan
        .threads
        .iter()
        .map(|(name, ops)| {
            let (db, world, ops, plan) = (db.clone(), world.clone(), ops.clone(), plan.clone());
            sync::spawn::<R, _>(name, move || {
                let mut local = Local::new();
                for op in &ops {
                    run_op::<R>(&db, &world, op, &plan, &mut local);
                }
                local.snapshots
            })
        })
        .collect();
    let mut first_panic = None;
    let mut held = std::mem::take(&mut main.snapshots);
    for h in handles {
        match h.join() {
            Ok(snapshots) => held.extend(snapshots),
            Err(p) => drop(first_panic.get_or_insert(p)),
        }
    }
    world.lock().marks.set_concurrent(false);
    fs.set_alone(alone);
    if let Some(p) = first_panic {
        std::panic::resume_unwind(p);
    }
    quiesce::<R>(&db, world, plan, held);
    oracle::check_reads(world);
    // Quiescence: every reader is gone, and each Version's last `Unref` ran its GC pass, so the
    // disk must hold exactly the files of the live Versions, and only `current` is live. No GC
    // pass of the harness's own first: it would hide a last `Unref` that leaves its obsolete
    // files on disk (O4 reports that as a `leak`).
    oracle::check_quiescent(world, &fs.tables());
    drop(db);
    if let Some(max_points) = plan.crash_points {
        crate::crash::check_crashes(plan, world, &fs, max_points);
    }
    drop(fs);
    world.fail_if_violated();
}

/// The quiescent phase, once the threads are done: a final flush and compaction of the whole
/// key space (if the scenario allows it) while the snapshots the threads left behind are still
/// held, then the quiescent read (a full scan and a `get` of every key) now and at each held
/// snapshot, checked against the model like every other read; then the snapshots go, after
/// which none may remain registered. A compaction that dropped or resurrected data after the
/// last reader finished, or that dropped what a held snapshot still reads, is seen here.
fn quiesce<R: Runtime>(db: &Db<R>, world: &World, plan: &Plan, held: Vec<Snapshot<R>>) {
    let mut main = Local::new();
    if plan.scenario.workload.final_compaction {
        run_op::<R>(db, world, &Op::Flush, plan, &mut main);
        run_op::<R>(db, world, &Op::Compact, plan, &mut main);
    }
    let keys: Vec<Vec<u8>> = (0..plan.scenario.workload.keys).map(crate::workload::key).collect();
    read_all::<R>(db, world, None, &keys);
    for snap in &held {
        read_all::<R>(db, world, Some(snap), &keys);
    }
    drop(held);
    let left = db.live_snapshots();
    if left != 0 {
        world.violate(Violation::EngineError {
            thread: "main".into(),
            op: "quiescence".into(),
            error: format!("{left} snapshots still registered after every holder released its own"),
        });
    }
}

fn engine_error(op: &str, e: engine::Error) -> Violation {
    Violation::EngineError {
        thread: "main".into(),
        op: op.to_string(),
        error: e.to_string(),
    }
}
