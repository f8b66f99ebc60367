//! Group commit's writer queue: the writer at its head commits the batches queued behind it
//! with one WAL record (LevelDB's `DBImpl::Write` and `BuildBatchGroup`, in our words).
//!
//! The rules, restated from LevelDB:
//! - Every write joins the queue and waits until it is done or at the head.
//! - The head, the leader, takes its own batch, then the batches behind it in order while the
//!   group stays within 1 MiB, or within its first batch plus 128 KiB when that batch is at most
//!   128 KiB (a small write is not made to wait for a big group).
//! - A sync write never joins a group whose leader does not sync: the group stops before it.
//! - The leader commits the group (`DbInner::commit`: one WAL record, synced if the leader
//!   asked, the memtable insert, then the published sequence), takes the group off the queue,
//!   gives each member its result (its first sequence, or the group's error: one error fails
//!   every batch of the group) and wakes the waiters; the new head leads next.
//! - No writer is acknowledged before the group's record has been handed to the OS, and synced
//!   if it asked (I14).

use crate::error::Result;
use crate::mutants::Mutant;
use crate::version::KernelOptions;
use crate::wal::WriteBatch;
use std::collections::{BTreeMap, VecDeque};

/// A group may grow to this many bytes (LevelDB's 1 MiB).
const MAX_GROUP_BYTES: usize = 1 << 20;
/// A first batch this small caps its group at its own size plus this much.
const SMALL_BATCH_BYTES: usize = 128 << 10;

/// The writers waiting to commit, oldest first, and the results of those whose group is done.
/// Requires: the DB's queue lock for every method.
#[derive(Debug, Default)]
pub(crate) struct WriteQueue {
    next_ticket: u64,
    waiting: VecDeque<Queued>,
    done: BTreeMap<u64, Result<u64>>,
}

/// One waiting write.
#[derive(Debug)]
struct Queued {
    ticket: u64,
    /// Taken by the leader whose group it joins.
    batch: Option<WriteBatch>,
    sync: bool,
}

/// A group a leader commits: its members (their tickets, oldest first, each with the offset of
/// its first update in the merged batch), and the merged batch.
#[derive(Debug)]
pub(crate) struct Group {
    members: Vec<(u64, u64)>,
    /// Every member's updates, in queue order.
    pub(crate) batch: WriteBatch,
    /// The leader's sync flag: the group is synced if and only if its leader asked.
    pub(crate) sync: bool,
}

impl Group {
    /// How many writers' batches the group holds.
    pub(crate) fn writers(&self) -> usize {
        self.members.len()
    }
}

impl WriteQueue {
    /// Queues a write; returns its ticket.
    pub(crate) fn join(&mut self, batch: WriteBatch, sync: bool) -> u64 {
        let ticket = self.next_ticket;
        self.next_ticket += 1;
        self.waiting.push_back(Queued {
            ticket,
            batch: Some(batch),
            sync,
        });
        ticket
    }

    /// The result of write `ticket`, once a leader has committed its group.
    pub(crate) fn outcome(&mut self, ticket: u64) -> Option<Result<u64>> {
        self.done.remove(&ticket)
    }

    /// True if write `ticket` is at the head of the queue: it leads the next group.
    pub(crate) fn leads(&self, ticket: u64) -> bool {
        self.waiting.front().is_some_and(|q| q.ticket == ticket)
    }

    /// The group the head leads: its own batch and those behind it, by the rules above.
    /// Requires: the caller leads.
    pub(crate) fn build_group(&mut self, opts: &KernelOptions) -> Group {
        let head = self.waiting.front_mut().expect("a leader is at the head of the queue");
        let first = head.batch.take().expect("the leader's batch is still queued");
        let sync = head.sync;
        let mut size = first.approximate_size();
        let cap = if size <= SMALL_BATCH_BYTES {
            size + SMALL_BATCH_BYTES
        } else {
            MAX_GROUP_BYTES
        };
        let mut members = vec![(head.ticket, 0)];
        let mut batch = first;
        for q in self.waiting.iter_mut().skip(1) {
            let b = q.batch.as_ref().expect("a write behind the head is not in a group yet");
            if q.sync && !sync {
                if opts.mutated(Mutant::SyncJoinsNonSyncGroup) {
                    // durability mutant: the sync write joins a group that will not sync
                } else {
                    break; // a sync write waits for a group that syncs
                }
            }
            size += b.approximate_size();
            if size > cap {
                break;
            }
            members.push((q.ticket, batch.len() as u64));
            batch.append(q.batch.take().expect("checked above"));
        }
        Group { members, batch, sync }
    }

    /// Takes `group` off the head of the queue and records each follower's result: its first
    /// sequence (the group's first plus its offset), or the group's error. Returns the leader's.
    pub(crate) fn finish(&mut self, group: &Group, result: &Result<u64>) -> Result<u64> {
        for &(ticket, offset) in &group.members {
            let q = self.waiting.pop_front().expect("the group is at the head of the queue");
            assert_eq!(q.ticket, ticket, "a group is the head of the queue, in order");
            assert!(q.batch.is_none(), "a member's batch went into the group");
            let mine = match result {
                Ok(first) => Ok(first + offset),
                Err(e) => Err(e.duplicate()),
            };
            self.done.insert(ticket, mine);
        }
        let leader = group.members[0].0;
        self.done.remove(&leader).expect("the leader is a member")
    }

    /// Mutant `group-acked-before-append` only: records every follower of `group` as done at
    /// `first` plus its offset now, before the group is committed. (`finish` records them
    /// again; a ticket is never reused, so the second record is never read.)
    pub(crate) fn ack_followers_early(&mut self, group: &Group, first: u64) {
        for &(ticket, offset) in &group.members[1..] {
            self.done.insert(ticket, Ok(first + offset));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    fn batch(bytes: usize) -> WriteBatch {
        let mut b = WriteBatch::new();
        b.put("k", vec![0u8; bytes]);
        b
    }

    /// Queues `writes` (value bytes, sync) and returns the group the head builds.
    fn group_of(writes: &[(usize, bool)]) -> (WriteQueue, Group) {
        let mut q = WriteQueue::default();
        for &(bytes, sync) in writes {
            q.join(batch(bytes), sync);
        }
        assert!(q.leads(0) && !q.leads(1));
        let g = q.build_group(&KernelOptions::default());
        (q, g)
    }

    #[test]
    fn the_head_takes_the_writes_behind_it_and_each_gets_its_own_sequence() {
        let (mut q, g) = group_of(&[(10, false), (10, false), (10, true)]);
        assert_eq!(
            (g.writers(), g.batch.len(), g.sync),
            (2, 2, false),
            "stops before the sync write"
        );
        assert_eq!(q.finish(&g, &Ok(100)).ok(), Some(100), "the leader's first sequence");
        assert_eq!(
            q.outcome(1).and_then(|r| r.ok()),
            Some(101),
            "the follower's is after it"
        );
        assert!(q.outcome(2).is_none(), "the sync write is not done");
        assert!(q.leads(2), "and leads the next group");
    }

    #[test]
    fn a_sync_leader_takes_sync_and_non_sync_writes() {
        let (_, g) = group_of(&[(10, true), (10, false), (10, true)]);
        assert_eq!((g.writers(), g.sync), (3, true));
    }

    #[test]
    fn a_small_first_batch_caps_its_group_at_its_size_plus_128_kib() {
        let (_, g) = group_of(&[(100, false), (100 << 10, false), (40 << 10, false)]);
        assert_eq!(g.writers(), 2, "100 B + 100 KiB fits, + 40 KiB more does not");
        let (_, g) = group_of(&[(200 << 10, false), (500 << 10, false), (400 << 10, false)]);
        assert_eq!(g.writers(), 2, "a large first batch caps the group at 1 MiB");
    }

    #[test]
    fn a_group_may_fill_its_cap_exactly() {
        // `batch(n)` is n + 21 bytes by `approximate_size`: the second batch brings the group to
        // its cap (the first batch plus 128 KiB) and no further.
        let (_, g) = group_of(&[(100, false), ((128 << 10) - 21, false), (0, false)]);
        assert_eq!(g.writers(), 2);
    }

    #[test]
    fn one_error_fails_every_write_of_the_group() {
        let (mut q, g) = group_of(&[(10, false), (10, false), (10, false)]);
        let failed: Result<u64> = Err(Error::InvalidArgument("disk on fire".into()));
        assert!(q.finish(&g, &failed).is_err());
        for t in [1, 2] {
            let r = q.outcome(t).expect("done");
            assert!(r.is_err_and(|e| e.to_string().contains("disk on fire")), "write {t}");
        }
        assert!(!q.leads(0) && q.waiting.is_empty());
    }
}
