//! The end-of-execution oracles: reads against the reference model (O1, O2) and the quiescent
//! state against the ghost ledger (O4, O7). The file-lifecycle oracles (O3, O5, O7 on deletes)
//! fire as they happen, in `SimFs` and `WorldObserver`.

use crate::reference::VersionedMap;
use sim::world::{Query, Violation, World};
use std::ops::Bound;

fn show(rows: &[(Vec<u8>, Vec<u8>)]) -> String {
    if rows.is_empty() {
        return "nothing".into();
    }
    let parts: Vec<String> = rows
        .iter()
        .map(|(k, v)| format!("{}={}", String::from_utf8_lossy(k), String::from_utf8_lossy(v)))
        .collect();
    format!("[{}]", parts.join(", "))
}

/// Checks every recorded read against the model at the sequence it pinned: nothing missing,
/// duplicated, stale or resurrected.
pub fn check_reads(world: &World) {
    let (mut writes, reads) = {
        let st = world.lock();
        (st.writes.clone(), st.reads.clone())
    };
    writes.sort_by_key(|w| w.0);
    let mut model = VersionedMap::new();
    for (first, updates) in &writes {
        model.apply(*first, updates);
    }
    for r in reads {
        let expected: Vec<(Vec<u8>, Vec<u8>)> = match &r.query {
            Query::Get(k) => model
                .get(k, r.seq)
                .map(|v| vec![(k.clone(), v.to_vec())])
                .unwrap_or_default(),
            Query::Scan(lo, hi) => {
                let bound = |b: &Option<Vec<u8>>, inclusive: bool| match b {
                    None => Bound::Unbounded,
                    Some(k) if inclusive => Bound::Included(k.clone()),
                    Some(k) => Bound::Excluded(k.clone()),
                };
                let (lo, hi) = (bound(lo, true), bound(hi, false));
                model.scan(lo.as_ref().map(Vec::as_slice), hi.as_ref().map(Vec::as_slice), r.seq)
            }
        };
        if expected != r.result {
            world.violate(Violation::WrongRead {
                thread: r.thread,
                what: r.what,
                seq: r.seq,
                version: r.version,
                expected: show(&expected),
                got: show(&r.result),
            });
        }
    }
}

/// At quiescence (every reader gone; each last `Unref` ran its GC pass): every dropped Version released exactly
/// the references it took, only one Version is live, holding one reference (`current`'s), and
/// the table files on disk are exactly the ones it lists.
pub fn check_quiescent(world: &World, tables_on_disk: &[u64]) {
    let (live_versions, live_files, unbalanced) = {
        let st = world.lock();
        (
            st.ledger.live_versions(),
            st.ledger.live_files(),
            st.ledger.unbalanced_dropped(),
        )
    };
    if let Some(&(version, taken, released)) = unbalanced.first() {
        let detail = format!("dropped after taking {taken} references and releasing {released}");
        world.violate(Violation::RefImbalance {
            thread: "main".into(),
            version,
            detail,
        });
        return;
    }
    let leak = |detail: String| {
        world.violate(Violation::Leak {
            thread: "main".into(),
            detail,
        });
    };
    if live_versions.len() != 1 || live_versions[0].1 != 1 {
        return leak(format!(
            "Versions {live_versions:?} are live (as (id, refs)); only current should be, with 1"
        ));
    }
    let on_disk: Vec<u64> = tables_on_disk.to_vec();
    let listed: Vec<u64> = live_files.into_iter().collect();
    if on_disk != listed {
        leak(format!(
            "tables on disk are {on_disk:?} but the live Versions list {listed:?}"
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim::world::ReadRecord;

    fn kv(k: &str, v: &str) -> (Vec<u8>, Vec<u8>) {
        (k.as_bytes().to_vec(), v.as_bytes().to_vec())
    }

    fn world_with_writes() -> World {
        let world = World::new();
        let put = |k: &str, v: &str| (k.as_bytes().to_vec(), Some(v.as_bytes().to_vec()));
        let del = |k: &str| (k.as_bytes().to_vec(), None);
        let mut st = world.lock();
        // Recorded out of order on purpose: the oracle sorts by sequence.
        st.writes.push((3, vec![del("b")]));
        st.writes.push((1, vec![put("a", "1"), put("b", "2")]));
        drop(st);
        world
    }

    fn read(world: &World, seq: u64, query: Query, result: Vec<(Vec<u8>, Vec<u8>)>) {
        world.lock().reads.push(ReadRecord {
            thread: "reader".into(),
            what: "scan".into(),
            seq,
            version: 1,
            query,
            result,
        });
    }

    #[test]
    fn reads_that_match_the_model_at_their_sequence_pass() {
        let world = world_with_writes();
        read(&world, 2, Query::Scan(None, None), vec![kv("a", "1"), kv("b", "2")]);
        read(&world, 3, Query::Scan(None, None), vec![kv("a", "1")]);
        read(&world, 3, Query::Get(b"b".to_vec()), vec![]);
        check_reads(&world);
        assert!(world.violation().is_none(), "{:?}", world.violation());
    }

    #[test]
    fn a_resurrected_value_is_a_wrong_read() {
        let world = world_with_writes();
        read(&world, 3, Query::Scan(None, None), vec![kv("a", "1"), kv("b", "2")]);
        check_reads(&world);
        match world.violation() {
            Some(Violation::WrongRead { expected, got, seq, .. }) => {
                assert_eq!((expected.as_str(), got.as_str(), seq), ("[a=1]", "[a=1, b=2]", 3));
            }
            other => panic!("expected a wrong read, got {other:?}"),
        }
    }

    /// The batch took sequences 1 and 2; a reader pinned at 2 that sees only `a` saw half of it.
    #[test]
    fn half_a_batch_is_a_wrong_read() {
        let world = world_with_writes();
        read(&world, 2, Query::Scan(None, None), vec![kv("a", "1")]);
        check_reads(&world);
        assert!(
            matches!(world.violation(), Some(Violation::WrongRead { .. })),
            "b@2 is missing"
        );
    }

    #[test]
    fn an_empty_ledger_with_files_on_disk_is_a_leak() {
        let world = World::new();
        check_quiescent(&world, &[7]);
        assert!(
            matches!(world.violation(), Some(Violation::Leak { .. })),
            "{:?}",
            world.violation()
        );
    }
}
