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

mod ops;
use engine::Db;
use ops::run_op;
use sim::fs::SimFs;
use sim::world::{Violation, World, WorldObserver};
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
