//! Explorers: run one scenario body many times under a scheduler, stop at the first violation.
//!
//! - `loom`: exhaustive (DPOR) within an optional preemption bound, stopped after a budget of
//!   executions; models every interleaving and the C11 memory model.
//! - `shuttle-random`, `shuttle-pct`, `shuttle-dfs`: shuttle's schedulers, seeded, through a
//!   recording wrapper ([`schedule`]) so a failure carries a replayable schedule string.
//! - `stress`: plain OS threads; the baseline that shows why the others exist (its failures
//!   rarely replay).
//! - `crash`: runs the workload once sequentially and then under seeded random shuttle
//!   schedules, recording a crash point at every file operation, and recovers from each
//!   (the crash oracle in `models::crash`).

mod crash_explorer;
mod loom_explorer;
mod panic_notes;
pub mod schedule;
pub mod shrink;
mod shuttle_explorer;

pub use panic_notes::note_panics_to;
pub use shuttle_explorer::config as shuttle_config;

use crate::fs::durability::CrashModel;
use crate::world::coverage::Coverage;
use crate::world::{TraceEvent, Violation, World};
use engine::sync::Runtime;
use serde::{Deserialize, Serialize};
use std::any::Any;
use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// One way of exploring interleavings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Explorer {
    /// loom, exhaustive within the bound.
    Loom,
    /// shuttle, uniformly random.
    ShuttleRandom,
    /// shuttle, probabilistic concurrency testing.
    ShuttlePct,
    /// shuttle, depth-first (exhaustive, no reduction).
    ShuttleDfs,
    /// OS threads.
    Stress,
    /// Crashes at every file-operation boundary and recovers (shuttle schedules).
    Crash,
}

impl Explorer {
    /// Every explorer, in report order.
    pub const ALL: [Explorer; 6] = [
        Explorer::Loom,
        Explorer::ShuttleRandom,
        Explorer::ShuttlePct,
        Explorer::ShuttleDfs,
        Explorer::Stress,
        Explorer::Crash,
    ];

    /// The kebab-case name.
    pub fn name(self) -> &'static str {
        match self {
            Explorer::Loom => "loom",
            Explorer::ShuttleRandom => "shuttle-random",
            Explorer::ShuttlePct => "shuttle-pct",
            Explorer::ShuttleDfs => "shuttle-dfs",
            Explorer::Stress => "stress",
            Explorer::Crash => "crash",
        }
    }

    /// The explorer called `name`.
    pub fn from_name(name: &str) -> Option<Explorer> {
        Explorer::ALL.into_iter().find(|e| e.name() == name)
    }
}

impl fmt::Display for Explorer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How much exploring to do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Budget {
    /// Executions at most.
    pub iterations: usize,
    /// loom's preemption bound (none: unbounded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preemption_bound: Option<usize>,
    /// PCT's depth.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depth: Option<usize>,
    /// The crash explorer: crash states recovered per crash model and execution, at most.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crash_points: Option<usize>,
}

impl Budget {
    /// The budget as the command-line flags that set it.
    pub fn flags(&self) -> String {
        let mut t = format!("--iterations {}", self.iterations);
        for (flag, v) in [
            ("--preemption-bound", self.preemption_bound),
            ("--depth", self.depth),
            ("--crash-points", self.crash_points),
        ] {
            if let Some(v) = v {
                t.push_str(&format!(" {flag} {v}"));
            }
        }
        t
    }

    /// `n` executions and nothing else.
    pub fn iterations(n: usize) -> Budget {
        Budget {
            iterations: n,
            preemption_bound: None,
            depth: None,
            crash_points: None,
        }
    }
}

/// What an exploration found.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Outcome {
    /// Executions run (including the failing one).
    pub executions: u64,
    /// The crash explorer: distinct crash states recovered from, over all executions.
    pub crash_states: u64,
    /// A shuttle replay: where the recorded schedule stopped fitting the program, if it did.
    pub diverged: Option<String>,
    /// The first failure, if any.
    pub failure: Option<Failure>,
    /// Executions that hit each coverage mark.
    pub coverage: Coverage,
}

/// A failing execution.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Failure {
    /// What broke.
    pub violation: Violation,
    /// The failing execution's trace.
    pub trace: Vec<TraceEvent>,
    /// Its 1-based index.
    pub execution: u64,
    /// shuttle: the recorded schedule, replayable with `lsmcheck replay --schedule`.
    pub schedule: Option<String>,
}

/// How to replay one execution instead of exploring.
#[derive(Clone, Debug, Default)]
pub struct ReplayInput {
    /// shuttle: a schedule from a failure.
    pub schedule: Option<String>,
    /// crash: recover from this one crash state only (model, 1-based point) instead of all.
    pub crash_point: Option<(CrashModel, u64)>,
}

impl ReplayInput {
    /// Checks that `explorer` made this recording: shuttle's schedulers and the crash explorer
    /// replay a schedule, loom replays by exploring again and takes none, stress cannot replay.
    /// A recording replayed under another explorer would explore afresh and could pass.
    pub fn check(&self, explorer: Explorer) -> crate::Result<()> {
        let bad = |why: &str| Err(crate::Error::Recording(format!("{explorer}: {why}")));
        match (explorer, &self.schedule, &self.crash_point) {
            (Explorer::Stress, ..) => bad("OS threads were scheduled by the OS: a stress run does not replay"),
            (Explorer::Loom, Some(_), _) => bad(
                "the recording holds a shuttle schedule, so another explorer made it (loom replays by exploring again)",
            ),
            (Explorer::Loom, None, Some(_)) => {
                bad("the recording holds a crash state, which only the crash explorer makes")
            }
            (Explorer::ShuttleRandom | Explorer::ShuttlePct | Explorer::ShuttleDfs, None, _) => {
                bad("the recording holds no schedule to replay")
            }
            (Explorer::ShuttleRandom | Explorer::ShuttlePct | Explorer::ShuttleDfs, Some(_), Some(_)) => {
                bad("the recording holds a crash state, which only the crash explorer makes")
            }
            (Explorer::Crash, None, _) => bad("the recording holds no schedule to replay"),
            _ => Ok(()),
        }
    }
}

/// What the explorers run: one execution on any runtime, reporting into a [`World`], written
/// once. The `models` crate has two: a scenario's plan and the kernel model.
pub trait Model: Clone + Send + Sync + 'static {
    /// Seeds the randomized schedulers.
    fn seed(&self) -> u64;
    /// Runs one execution on runtime `R`; panics at its end if `world` recorded a violation.
    fn execute<R: Runtime>(&self, world: &World);
    /// The same model with crash checking (at most `points` crash states per crash model and
    /// execution, or only `only`), run sequentially if `sequential`; `None` if this model cannot
    /// crash.
    fn crashing(&self, points: usize, sequential: bool, only: Option<(CrashModel, u64)>) -> Option<Self> {
        let _ = (points, sequential, only);
        None
    }
}

/// Explores `model` with `explorer` within `budget`, or replays one execution if `replay` says
/// how. Returns `Err` only for bad input (a malformed schedule).
pub fn run<M: Model>(
    explorer: Explorer,
    budget: &Budget,
    model: &M,
    replay: Option<&ReplayInput>,
) -> crate::Result<Outcome> {
    quietly(|| run_quieted(explorer, budget, model, replay))
}

/// [`run`] for a caller that already silenced panics with [`quietly`] around a section that
/// explores on several threads at once (the gate's workers): each exploration keeps its state
/// on its own thread (loom's and shuttle's schedulers are per thread, each run has its own
/// [`World`]), so only the process-wide panic hook had to be shared.
pub fn run_quieted<M: Model>(
    explorer: Explorer,
    budget: &Budget,
    model: &M,
    replay: Option<&ReplayInput>,
) -> crate::Result<Outcome> {
    if let Some(r) = replay {
        r.check(explorer)?;
    }
    let world = World::new();
    let outcome = match explorer {
        // loom replays by exploring again: its order is deterministic (see `loom_explorer`).
        Explorer::Loom => Ok(loom_explorer::run(budget, model, &world)),
        Explorer::ShuttleRandom | Explorer::ShuttlePct | Explorer::ShuttleDfs => shuttle_explorer::run(
            explorer,
            budget,
            model,
            &world,
            replay.and_then(|r| r.schedule.as_deref()),
        ),
        Explorer::Stress => Ok(stress(budget, model, &world)),
        Explorer::Crash => crash_explorer::run(budget, model, &world, replay),
    }?;
    Ok(Outcome {
        coverage: world.coverage(),
        ..outcome
    })
}

/// Runs `f` with panic messages silenced: a failing execution is reported through the
/// `World`, and loom unwinds unfinished model threads with panics of its own. The panic hook is
/// process-wide, so explorations in one process run one at a time (calls must not nest).
///
/// Two libraries install hooks once per process, each wrapping whatever hook is current: the
/// `generator` crate under loom (it hides the panic that ends every loom thread) and shuttle (it
/// prints every failing execution). Both are installed first, here, so that swapping hooks
/// later never loses the generator's: without it every loom thread exit prints a message (and,
/// with RUST_BACKTRACE set, a backtrace), which made later loom runs ten times slower.
pub fn quietly<T>(f: impl FnOnce() -> T) -> T {
    static EXPLORING: std::sync::Mutex<()> = std::sync::Mutex::new(());
    static HOOKS: std::sync::Once = std::sync::Once::new();
    let _one_at_a_time = EXPLORING.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    HOOKS.call_once(|| {
        // The generator's hook stays: a trivial loom model installs it over the current hook.
        loom::model::Builder::new().check(|| {});
        // shuttle's goes: let it install on a trivial test, and throw it away.
        let previous = std::panic::take_hook();
        shuttle::check_random(|| {}, 1);
        drop(std::panic::take_hook());
        std::panic::set_hook(previous);
    });
    let previous = std::panic::take_hook();
    // LSMCHECK_SHOW_PANICS=1 keeps every panic message and shuttle's own output (read once,
    // before exploring).
    let quiet = std::env::var_os("LSMCHECK_SHOW_PANICS").is_none();
    if quiet {
        std::panic::set_hook(Box::new(panic_notes::note));
    }
    // shuttle writes a line of its own to stderr for every failing execution ("test panicked in
    // task ..."), unconditionally; lsmcheck reports the failure itself. So the process's stderr
    // is muted while exploring (progress bars draw to stdout). If it cannot be (already
    // redirected), exploring goes on unmuted.
    let muted = quiet.then(|| gag::Gag::stderr().ok()).flatten();
    let r = f();
    drop(muted);
    std::panic::set_hook(previous);
    r
}

fn stress<M: Model>(budget: &Budget, model: &M, world: &World) -> Outcome {
    for i in 1..=budget.iterations as u64 {
        if let Err(p) = catch_unwind(AssertUnwindSafe(|| model.execute::<engine::sync::Std>(world))) {
            return Outcome {
                executions: i,
                crash_states: 0,
                coverage: Coverage::new(),
                diverged: None,
                failure: Some(failure(world, p, i, None)),
            };
        }
    }
    Outcome {
        executions: budget.iterations as u64,
        crash_states: 0,
        coverage: Coverage::new(),
        diverged: None,
        failure: None,
    }
}

/// The failure of the execution that just panicked with `payload`.
fn failure(world: &World, payload: Box<dyn Any + Send>, execution: u64, schedule: Option<String>) -> Failure {
    let violation = world
        .violation()
        .unwrap_or_else(|| Violation::from_panic("checker".into(), panic_message(payload.as_ref())));
    Failure {
        violation,
        trace: world.trace_events(),
        execution,
        schedule,
    }
}

/// The trace of a failure whose trace could not be made, saying why.
fn trace_missing(why: &str) -> Vec<TraceEvent> {
    vec![TraceEvent {
        step: 0,
        thread: "checker".into(),
        event: "NO TRACE".into(),
        version: None,
        file: None,
        detail: format!("the exploration ran without its trace, and {why}"),
    }]
}

/// The text of a panic payload.
pub fn panic_message(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "a panic with a non-text payload".into())
}
