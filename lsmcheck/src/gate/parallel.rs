//! Runs the gate's independent jobs (scenario runs, kill-matrix cells) on every core.
//!
//! Each job is one exploration with its own `World` and its own checker state (loom's and
//! shuttle's schedulers live on the thread that runs them), so jobs share nothing but the
//! process-wide panic hook, which the caller silences once around the whole section
//! (`sim::explore::quietly`). Results come back in job order, so the report body does not
//! depend on which worker finished first.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Stack of each worker thread: loom and shuttle run model threads on stacks of their own, but
/// the stress explorer and the crash explorer's recovery run on the worker's.
const WORKER_STACK: usize = 64 << 20;

/// Worker threads for `jobs` jobs: one per core, at most one per job.
pub fn workers(jobs: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    cores.min(jobs).max(1)
}

/// `f` applied to every job on `workers` threads; the results in job order.
pub fn map<J: Sync, T: Send>(jobs: &[J], workers: usize, f: impl Fn(&J) -> T + Sync) -> Vec<T> {
    let order: Vec<usize> = (0..jobs.len()).collect();
    map_ordered(jobs, &order, workers, f)
}

/// [`map`], the workers taking the jobs in `order` (a permutation of the job indices, say
/// the longest first); the results still in job order.
pub fn map_ordered<J: Sync, T: Send>(
    jobs: &[J],
    order: &[usize],
    workers: usize,
    f: impl Fn(&J) -> T + Sync,
) -> Vec<T> {
    assert_eq!(order.len(), jobs.len(), "the order is a permutation of the jobs");
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<T>>> = jobs.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for i in 0..workers.max(1) {
            std::thread::Builder::new()
                .name(format!("gate-worker-{i}"))
                .stack_size(WORKER_STACK)
                .spawn_scoped(scope, || {
                    // Relaxed: the counter only hands out places in `order`; results are
                    // published by the slots' mutexes and the scope's join.
                    while let Some(&i) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
                        let result = f(&jobs[i]);
                        *slots[i].lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(result);
                    }
                })
                .expect("spawn a gate worker");
        }
    });
    slots
        .into_iter()
        .map(|slot| {
            slot.into_inner()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .expect("every job ran (a worker's panic propagates out of the scope)")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn results_come_back_in_job_order_whatever_the_workers() {
        let jobs: Vec<u64> = (0..50).collect();
        for workers in [1, 2, 7] {
            let out = super::map(&jobs, workers, |&j| {
                std::thread::sleep(std::time::Duration::from_micros((j * 37) % 11));
                j * j
            });
            assert_eq!(out, jobs.iter().map(|j| j * j).collect::<Vec<_>>());
            let reversed: Vec<usize> = (0..jobs.len()).rev().collect();
            let out = super::map_ordered(&jobs, &reversed, workers, |&j| j + 1);
            assert_eq!(out, jobs.iter().map(|j| j + 1).collect::<Vec<_>>());
        }
    }
}
