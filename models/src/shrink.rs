//! Shrinking a failing workload: fewer threads, fewer operations per thread, less setup, with
//! the same kind of violation (proptest-style shrinking of the plan, before the schedule is
//! shrunk). Each candidate is explored again with the failure's explorer and budget (a smaller
//! workload has a different schedule space), and kept if it still fails with that kind.
//! Candidates go from coarse to fine: a whole thread, half a thread's operations, a single
//! operation; passes repeat until none helps or the time is up. Deterministic when it converges
//! within its time budget; a budget cut keeps the smallest plan found so far.

use crate::judge::{Quiet, Spec};
use crate::workload::{Op, Plan};
use sim::explore::Outcome;
use std::time::Instant;

/// The smallest plan found and its failing exploration.
pub struct Smaller {
    /// The plan.
    pub plan: Plan,
    /// Its exploration, which failed with the same kind.
    pub outcome: Outcome,
    /// Explorations tried.
    pub attempts: usize,
}

/// Every plan one step smaller than `p`: without one thread, without a chunk of one thread's
/// or the setup's operations (chunks of half, then quarters, down to one).
fn candidates(p: &Plan) -> Vec<Plan> {
    let mut out = Vec::new();
    if p.threads.len() > 1 {
        for i in 0..p.threads.len() {
            let mut c = p.clone();
            c.threads.remove(i);
            out.push(c);
        }
    }
    let mut chunk = p
        .threads
        .iter()
        .map(|(_, ops)| ops.len())
        .chain([p.setup.len()])
        .max()
        .unwrap_or(0)
        / 2;
    while chunk >= 1 {
        for t in 0..=p.threads.len() {
            let len = if t == p.threads.len() {
                p.setup.len()
            } else {
                p.threads[t].1.len()
            };
            for start in (0..len).step_by(chunk) {
                let mut c = p.clone();
                let ops: &mut Vec<Op> = if t == p.threads.len() {
                    &mut c.setup
                } else {
                    &mut c.threads[t].1
                };
                ops.drain(start..(start + chunk).min(len));
                if t == p.threads.len() || !ops.is_empty() {
                    out.push(c);
                }
            }
        }
        chunk /= 2;
    }
    out
}

/// Shrinks the workload of `spec`, whose exploration `failed` failed, keeping the violation
/// kind, until `deadline`; each candidate is explored and judged by the judged-run protocol.
/// `tick` hears the attempts so far.
pub fn workload(spec: &Spec, failed: &Outcome, deadline: Instant, tick: &mut dyn FnMut(usize)) -> Smaller {
    let kind = failed.failure.as_ref().map(|f| f.violation.kind()).unwrap_or_default();
    let mut best = Smaller {
        plan: spec.plan(),
        outcome: failed.clone(),
        attempts: 0,
    };
    let mut improved = true;
    while improved && Instant::now() < deadline {
        improved = false;
        for c in candidates(&best.plan) {
            if Instant::now() >= deadline {
                break;
            }
            best.attempts += 1;
            let candidate = Spec {
                ops: Some(c.ops()),
                ..spec.clone()
            };
            let judged = candidate.explore(Quiet::Here);
            tick(best.attempts);
            let Ok(judged) = judged else { continue };
            if judged
                .outcome
                .failure
                .as_ref()
                .is_some_and(|f| f.violation.kind() == kind)
            {
                (best.plan, best.outcome, improved) = (c, judged.outcome, true);
                break;
            }
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim::scenario::Scenario;

    #[test]
    fn every_candidate_is_smaller_and_keeps_a_thread() {
        let s = Scenario::load("readers-vs-compaction").expect("embedded");
        let p = Plan::generate(&s, 1, None);
        let cs = candidates(&p);
        assert!(cs.len() > p.threads.len(), "thread and chunk candidates");
        for c in &cs {
            assert!(c.size() < p.size() || c.threads.len() < p.threads.len());
            assert!(!c.threads.is_empty());
        }
    }
}
