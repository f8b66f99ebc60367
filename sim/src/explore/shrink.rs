//! Shrinking a failure to a minimal schedule (proptest's shrinking, for schedules; the aim of
//! Coyote's and CHESS's preemption-bounded reproductions): the same violation kind with as few
//! context switches as possible.
//!
//! A shuttle schedule is a list of decisions; a context switch is a decision that picks another
//! task than the one running. Delta debugging (Zeller): replace a chunk of switches with "the
//! current task goes on", replay, and keep the change if the execution still fails with the same
//! kind of violation; chunks halve down to single switches, and passes repeat until none
//! helps or the time budget is spent. A changed decision usually changes everything after it,
//! so each kept candidate is replaced by the schedule the replay actually ran (recorded, and
//! fitting by construction). Deterministic when it converges within its time budget (the same
//! input shrinks to the same schedule); a budget cut keeps the best schedule found so far.
//! For loom, the smallest preemption bound that still fails is found instead.

use super::schedule::{encode, steps_of, Step};
use super::{Budget, Explorer, Model, Outcome, ReplayInput};
use std::time::Instant;

/// What shrinking achieved.
#[derive(Clone, Debug)]
pub struct Shrunk {
    /// The shrunk failure (replaying its schedule reproduces the violation kind).
    pub outcome: Outcome,
    /// The explorer's budget to replay it with (loom: the smallest bound that fails).
    pub budget: Budget,
    /// Schedule length in characters (shuttle) or the preemption bound (loom), before.
    pub before: usize,
    /// The same, after.
    pub after: usize,
    /// Context switches before and after (shuttle).
    pub switches: (usize, usize),
    /// Replays tried.
    pub attempts: usize,
}

fn switches(steps: &[Step]) -> usize {
    steps.iter().filter(|s| matches!(s, Step::Task(_))).count()
}

/// Shrinks the failure `failed` of `model` under `explorer` (its kind must recur), until
/// `deadline`. `tick` is called after every replay with the attempts so far. `Err` for a
/// failure that cannot be shrunk (stress, crash, no schedule).
pub fn shrink<M: Model>(
    explorer: Explorer,
    budget: &Budget,
    model: &M,
    failed: &Outcome,
    deadline: Instant,
    tick: &mut dyn FnMut(usize),
) -> crate::Result<Shrunk> {
    let failure = failed
        .failure
        .as_ref()
        .ok_or(crate::Error::Unsupported("nothing failed: nothing to shrink"))?;
    let kind = failure.violation.kind();
    match explorer {
        Explorer::Loom => Ok(smallest_bound(budget, model, failed, &kind, tick)),
        Explorer::ShuttleRandom | Explorer::ShuttlePct | Explorer::ShuttleDfs => {
            let schedule = failure
                .schedule
                .as_deref()
                .ok_or(crate::Error::Unsupported("the failure has no schedule"))?;
            fewest_switches(explorer, budget, model, schedule, &kind, deadline, tick).map(|mut s| {
                s.outcome.executions = 1;
                s
            })
        }
        Explorer::Stress => Err(crate::Error::Unsupported(
            "stress failures do not replay, so they cannot be shrunk",
        )),
        Explorer::Crash => Err(crate::Error::Unsupported(
            "crash failures are one crash state of one schedule already; shrink is for shuttle and loom",
        )),
    }
}

/// Replays `steps`; the outcome if it fails with `kind`.
fn attempt<M: Model>(explorer: Explorer, budget: &Budget, model: &M, steps: &[Step], kind: &str) -> Option<Outcome> {
    let input = ReplayInput {
        schedule: Some(encode(steps)),
        ..ReplayInput::default()
    };
    let o = super::run(explorer, budget, model, Some(&input)).ok()?;
    o.failure
        .as_ref()
        .is_some_and(|f| f.violation.kind() == kind)
        .then_some(o)
}

fn fewest_switches<M: Model>(
    explorer: Explorer,
    budget: &Budget,
    model: &M,
    schedule: &str,
    kind: &str,
    deadline: Instant,
    tick: &mut dyn FnMut(usize),
) -> crate::Result<Shrunk> {
    let start = steps_of(schedule)?;
    let mut best = start.clone();
    let mut best_outcome = attempt(explorer, budget, model, &best, kind).ok_or(crate::Error::Unsupported(
        "the recorded schedule does not reproduce its violation",
    ))?;
    let mut attempts = 1;
    tick(attempts);
    let mut improved = true;
    while improved && Instant::now() < deadline {
        improved = false;
        let mut chunk = switches(&best).div_ceil(2).max(1);
        while chunk >= 1 && Instant::now() < deadline {
            let at: Vec<usize> = (0..best.len()).filter(|&i| matches!(best[i], Step::Task(_))).collect();
            let mut kept = false;
            for window in at.chunks(chunk) {
                let mut cand = best.clone();
                for &i in window {
                    cand[i] = Step::Stay;
                }
                attempts += 1;
                let found = attempt(explorer, budget, model, &cand, kind);
                tick(attempts);
                let Some(o) = found else { continue };
                let ran = o.failure.as_ref().and_then(|f| f.schedule.as_deref()).map(steps_of);
                let Some(Ok(ran)) = ran else { continue };
                if (switches(&ran), ran.len()) < (switches(&best), best.len()) {
                    (best, best_outcome, kept, improved) = (ran, o, true, true);
                    break;
                }
                if Instant::now() >= deadline {
                    break;
                }
            }
            if !kept {
                chunk /= 2;
            }
        }
    }
    Ok(Shrunk {
        outcome: best_outcome,
        budget: budget.clone(),
        before: schedule.len(),
        after: encode(&best).len(),
        switches: (switches(&start), switches(&best)),
        attempts,
    })
}

/// loom: explores with preemption bounds 0, 1, … up to the failure's, and keeps the first that
/// fails with `kind` (a failure within fewer preemptions is easier to follow).
fn smallest_bound<M: Model>(
    budget: &Budget,
    model: &M,
    failed: &Outcome,
    kind: &str,
    tick: &mut dyn FnMut(usize),
) -> Shrunk {
    // Unbounded failures are tried at bounds 0 to 3 (a race needs few preemptions, usually).
    let original = budget.preemption_bound.unwrap_or(4);
    let mut attempts = 0;
    for bound in 0..original {
        let b = Budget {
            preemption_bound: Some(bound),
            ..budget.clone()
        };
        attempts += 1;
        let o = super::run(Explorer::Loom, &b, model, None);
        tick(attempts);
        if let Ok(o) = o {
            if o.failure.as_ref().is_some_and(|f| f.violation.kind() == kind) {
                return Shrunk {
                    outcome: o,
                    budget: b,
                    before: original,
                    after: bound,
                    switches: (0, 0),
                    attempts,
                };
            }
        }
    }
    Shrunk {
        outcome: failed.clone(),
        budget: budget.clone(),
        before: original,
        after: original,
        switches: (0, 0),
        attempts,
    }
}
