//! `lsmcheck bench harness`: what the harness costs next to raw loom and raw shuttle.
//!
//! Two measurements, both side by side in one process:
//! - **Throughput** (executions per second) per explorer: the raw model ([`raw`], written
//!   directly against loom's or shuttle's primitives, run by their own schedulers) against the
//!   kernel model ([`models::kernel`]: the engine's `VersionSet` on `SimFs` with the ledger and
//!   oracles, run through our explorers, recording scheduler and checkpoints included). Runs
//!   alternate raw/ours, ours/raw, … and the medians are compared.
//! - **Exhaustive loom time** of both models (two readers, a compactor, GC) with preemption
//!   bounds 1–4 and with none, each cut off at a time limit, and of the one-reader models. Execution counts are exact and
//!   machine-independent; seconds are not.
//!
//! (The engine benchmark against rusty-leveldb and fjall is the separate `bench/` workspace, so
//! that CI never builds those crates.)

mod machine;
pub mod raw;
mod render;

use crate::cli::usage::Usage;
use models::kernel::KernelModel;
use render::{print_tables, show_bound};
use serde::Serialize;
use shuttle::scheduler::{DfsScheduler, PctScheduler, RandomScheduler, Scheduler};
use sim::explore::schedule::{Recording, Steps};
use sim::explore::{self, Budget, Explorer};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Reader threads in both models (the "2 readers + 1 compactor + GC"), none held to the end.
const READERS: usize = 2;
/// loom's branch limit for the exhaustive runs (the kernel model needs far more than 1,000).
const MAX_BRANCHES: usize = 100_000;
/// PCT's depth in both columns.
const PCT_DEPTH: usize = 3;

/// What to measure.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Side-by-side runs per explorer (the medians are reported).
    pub runs: usize,
    /// Executions per shuttle run, and the cap per loom run.
    pub iterations: usize,
    /// loom's preemption bound in the throughput runs.
    pub loom_bound: usize,
    /// Each exhaustive loom exploration stops here (zero: none are run).
    pub exhaustive_limit: Duration,
    /// The explorers whose throughput is measured.
    pub explorers: Vec<Explorer>,
}

impl Settings {
    /// Checks the command line's values; `explorers` empty means all of them.
    pub fn new(
        runs: usize,
        iterations: usize,
        loom_bound: usize,
        exhaustive_limit_seconds: u64,
        explorers: &[String],
    ) -> Result<Settings, Usage> {
        if runs == 0 {
            return Err(Usage::Zero("--runs"));
        }
        if iterations == 0 {
            return Err(Usage::Zero("--iterations"));
        }
        let explorers = if explorers.is_empty() {
            EXPLORERS.to_vec()
        } else {
            explorers
                .iter()
                .map(|n| {
                    Explorer::from_name(n)
                        .filter(|e| EXPLORERS.contains(e))
                        .ok_or_else(|| Usage::NotBenchmarked(n.clone()))
                })
                .collect::<Result<_, _>>()?
        };
        Ok(Settings {
            runs,
            iterations,
            loom_bound,
            exhaustive_limit: Duration::from_secs(exhaustive_limit_seconds),
            explorers,
        })
    }
}

/// Medians of one explorer's runs.
#[derive(Debug, Serialize)]
struct Throughput {
    explorer: &'static str,
    raw_executions_per_second: f64,
    ours_executions_per_second: f64,
    /// ours / raw.
    ratio: f64,
    raw_samples: Vec<f64>,
    ours_samples: Vec<f64>,
    /// Executions per run (loom: the bounded exploration may end before the cap).
    raw_executions: u64,
    ours_executions: u64,
}

/// One exhaustive loom exploration.
#[derive(Debug, Serialize)]
struct Exhaustive {
    model: &'static str,
    readers: usize,
    /// Readers that hold their pin to the end ([`KernelModel::held`]).
    held: usize,
    preemption_bound: Option<usize>,
    executions: u64,
    seconds: f64,
    /// False if the time limit cut it off.
    complete: bool,
}

#[derive(Debug, Serialize)]
struct HarnessReport {
    benchmark: &'static str,
    date: String,
    machine: machine::Machine,
    runs: usize,
    iterations: usize,
    loom_bound: usize,
    pct_depth: usize,
    exhaustive_limit_seconds: u64,
    /// shuttle scheduling decisions in one execution (seed 0): the work per execution.
    scheduling_points: SchedulingPoints,
    throughput: Vec<Throughput>,
    exhaustive: Vec<Exhaustive>,
}

#[derive(Debug, Serialize)]
struct SchedulingPoints {
    raw: usize,
    ours: usize,
}

impl SchedulingPoints {
    /// Counts one execution of each model under a recording random scheduler.
    fn count() -> SchedulingPoints {
        fn one(f: impl Fn() + Send + Sync + 'static) -> usize {
            let steps = Steps::default();
            let recording = Recording::new(RandomScheduler::new_from_seed(0, 1), steps.clone());
            shuttle::Runner::new(recording, explore::shuttle_config()).run(f);
            steps.len()
        }
        let world = sim::world::World::new();
        SchedulingPoints {
            raw: one(|| raw::on_shuttle::execute(READERS, 0)),
            ours: one(move || models::kernel::execute::<engine::sync::Shuttle>(&world, None, READERS, 0)),
        }
    }
}

/// The explorers measured, in table order.
const EXPLORERS: [Explorer; 4] = [
    Explorer::Loom,
    Explorer::ShuttleRandom,
    Explorer::ShuttlePct,
    Explorer::ShuttleDfs,
];

/// Runs the benchmark, prints the tables and writes `out` (JSON). Returns the exit code.
pub fn harness(settings: &Settings, out: &Path) -> u8 {
    let mut throughput = Vec::new();
    for &explorer in &settings.explorers {
        let t = measure_throughput(explorer, settings);
        eprintln!(
            "{:<15} raw {:>9.0}/s  ours {:>9.0}/s  ratio {:.2}",
            explorer.name(),
            t.raw_executions_per_second,
            t.ours_executions_per_second,
            t.ratio
        );
        throughput.push(t);
    }
    let mut exhaustive = Vec::new();
    // (readers, of them held to the end, bound): the model (two readers) at every
    // bound, and the two models the `--cfg loom` test tier explores with no bound: two readers
    // of which one holds its pin to the end, and one reader.
    let cases = [
        (2, 0, Some(1)),
        (2, 0, Some(2)),
        (2, 0, Some(3)),
        (2, 0, Some(4)),
        (2, 0, None),
        (2, 1, None),
        (1, 0, None),
    ];
    let cases = if settings.exhaustive_limit.is_zero() {
        &[][..]
    } else {
        &cases[..]
    };
    for &(readers, held, bound) in cases {
        for model in ["raw", "kernel"] {
            let shape = Shape { readers, held, bound };
            let e = explore::quietly(|| explore_exhaustively(model, shape, settings.exhaustive_limit));
            eprintln!(
                "loom exhaustive {model:<6} readers {readers} held {held} bound {:<4} {:>9} executions {:>8.1} s{}",
                show_bound(bound),
                e.executions,
                e.seconds,
                if e.complete { "" } else { "  (cut off)" }
            );
            exhaustive.push(e);
        }
    }
    let report = HarnessReport {
        benchmark: "harness",
        date: humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string(),
        machine: machine::Machine::this(),
        runs: settings.runs,
        iterations: settings.iterations,
        loom_bound: settings.loom_bound,
        pct_depth: PCT_DEPTH,
        scheduling_points: explore::quietly(SchedulingPoints::count),
        exhaustive_limit_seconds: settings.exhaustive_limit.as_secs(),
        throughput,
        exhaustive,
    };
    print_tables(&report);
    let text = serde_json::to_string_pretty(&report).expect("the report serializes");
    let written = out
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| std::fs::write(out, text + "\n"));
    match written {
        Ok(()) => {
            println!("wrote {}", out.display());
            0
        }
        Err(e) => {
            eprintln!("lsmcheck: {}: cannot write the report: {e}", out.display());
            2
        }
    }
}

fn measure_throughput(explorer: Explorer, s: &Settings) -> Throughput {
    let (mut raw, mut ours) = (Vec::new(), Vec::new());
    let (mut raw_n, mut ours_n) = (0, 0);
    for run in 0..s.runs {
        let seed = run as u64;
        // Alternate which side goes first, so drift in machine speed hits both.
        for side in if run % 2 == 0 { [false, true] } else { [true, false] } {
            let start = Instant::now();
            // Both sides run under the explorers' panic-hook regime (see `explore::quietly`).
            let n = if side {
                run_ours(explorer, s, seed)
            } else {
                explore::quietly(|| run_raw(explorer, s, seed))
            };
            let rate = n as f64 / start.elapsed().as_secs_f64();
            if side {
                ours.push(rate);
                ours_n = n;
            } else {
                raw.push(rate);
                raw_n = n;
            }
        }
    }
    let (r, o) = (median(&raw), median(&ours));
    Throughput {
        explorer: explorer.name(),
        raw_executions_per_second: r,
        ours_executions_per_second: o,
        ratio: o / r,
        raw_samples: raw,
        ours_samples: ours,
        raw_executions: raw_n,
        ours_executions: ours_n,
    }
}

/// The kernel model through our explorer; returns the executions run.
fn run_ours(explorer: Explorer, s: &Settings, seed: u64) -> u64 {
    let budget = Budget {
        iterations: s.iterations,
        preemption_bound: (explorer == Explorer::Loom).then_some(s.loom_bound),
        depth: (explorer == Explorer::ShuttlePct).then_some(PCT_DEPTH),
        crash_points: None,
    };
    let model = KernelModel {
        readers: READERS,
        held: 0,
        mutant: None,
        seed,
    };
    let outcome = explore::run(explorer, &budget, &model, None).expect("no replay input");
    assert!(
        outcome.failure.is_none(),
        "the correct kernel failed: {:?}",
        outcome.failure
    );
    outcome.executions
}

/// `f`, counting its executions, and the counter (read after the explorer returns).
fn counted(f: impl Fn() + Send + Sync + 'static) -> (Arc<AtomicU64>, impl Fn() + Send + Sync + 'static) {
    let n = Arc::new(AtomicU64::new(0));
    let count = n.clone();
    let body = move || {
        // Relaxed: a counter read after the model returns, on the same OS thread.
        count.fetch_add(1, Ordering::Relaxed);
        f()
    };
    (n, body)
}

/// The raw model under loom's or shuttle's own runner; returns the executions run.
fn run_raw(explorer: Explorer, s: &Settings, seed: u64) -> u64 {
    let iterations = s.iterations;
    let scheduler: Box<dyn Scheduler + Send> = match explorer {
        Explorer::Loom => return run_raw_loom(s),
        Explorer::ShuttleRandom => Box::new(RandomScheduler::new_from_seed(seed, iterations)),
        Explorer::ShuttlePct => Box::new(PctScheduler::new_from_seed(seed, PCT_DEPTH, iterations)),
        Explorer::ShuttleDfs => Box::new(DfsScheduler::new(Some(iterations), false)),
        Explorer::Stress | Explorer::Crash => unreachable!("{explorer} is not benchmarked"),
    };
    let mut config = shuttle::Config::new();
    config.silence_warnings = true; // the SeqCst-only warning, printed for every Runner
    let (n, body) = counted(|| raw::on_shuttle::execute(READERS, 0));
    shuttle::Runner::new(scheduler, config).run(body);
    n.load(Ordering::Relaxed)
}

fn run_raw_loom(s: &Settings) -> u64 {
    let mut b = loom::model::Builder::new();
    b.preemption_bound = Some(s.loom_bound);
    b.max_permutations = Some(s.iterations + 1); // loom's counter is 1-based
    let (n, body) = counted(|| raw::on_loom::execute(READERS, 0));
    b.check(body);
    n.load(Ordering::Relaxed)
}

/// One exhaustive loom exploration's model shape.
#[derive(Clone, Copy)]
struct Shape {
    readers: usize,
    held: usize,
    bound: Option<usize>,
}

fn explore_exhaustively(model: &'static str, shape: Shape, limit: Duration) -> Exhaustive {
    let Shape { readers, held, bound } = shape;
    let mut b = loom::model::Builder::new();
    b.preemption_bound = bound;
    b.max_branches = MAX_BRANCHES;
    b.max_permutations = None;
    b.max_duration = Some(limit);
    // loom checks its time limit only every `checkpoint_interval` executions (20,000 by default).
    b.checkpoint_interval = 100;
    let start = Instant::now();
    let n = if model == "raw" {
        let (n, body) = counted(move || raw::on_loom::execute(readers, held));
        b.check(body);
        n
    } else {
        let world = sim::world::World::new();
        world.set_tracing(false); // as the loom explorer explores
        let (n, body) = counted(move || models::kernel::execute::<engine::sync::Loom>(&world, None, readers, held));
        b.check(body);
        n
    };
    let seconds = start.elapsed().as_secs_f64();
    Exhaustive {
        model,
        readers,
        held,
        preemption_bound: bound,
        executions: n.load(Ordering::Relaxed),
        seconds,
        // loom checks its time limit between executions; reaching it means it was cut off.
        complete: seconds < limit.as_secs_f64(),
    }
}

fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}
