//! Mutant-only variants of the database's code, kept off the real paths (see
//! `version/mutated.rs`). Nothing here runs unless its mutant is chosen.

use super::group::{Group, WriteQueue};
use super::DbInner;
use crate::sync::Runtime;

impl<R: Runtime> DbInner<R> {
    /// Mutant M28/M29 (`sequence-before-pin`): the read's sequence, taken in a critical section
    /// of its own before the one that pins the view, with scheduling points in between.
    pub(super) fn sequence_before_pin(&self, snapshot: Option<u64>) -> u64 {
        let seq = snapshot.unwrap_or_else(|| self.vs.lock().last_sequence());
        for _ in 0..3 {
            crate::sync::yield_now::<R>(); // the window between the two critical sections
        }
        seq
    }

    /// Mutant `group-acked-before-append`: the leader hands every follower its result before it
    /// appends the group to the WAL, and wakes them. Requires: the queue lock (proved by `q`).
    pub(super) fn ack_followers_early(&self, q: &mut WriteQueue, group: &Group) {
        let first = self.vs.lock().last_sequence() + 1;
        q.ack_followers_early(group, first);
        self.queue_cv.notify_all();
    }
}
