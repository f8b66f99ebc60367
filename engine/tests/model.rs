//! Random operation sequences against a `BTreeMap` model, reopening in the middle (proptest,
//! which shrinks a failure to a minimal operation list). A second suite uses sizes that push
//! data three and more levels deep, with snapshots held and released out of order, tombstones
//! written over deep values, and manual compactions of sub-ranges; a third test proves the
//! generated sequences really get there.

use engine::{Db, Options, WriteBatch};
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::ops::{Bound, RangeBounds};

type Model = BTreeMap<Vec<u8>, Vec<u8>>;

/// Keys `a` to `b` with each end included, excluded or unbounded (`kinds` in 0..9 picks one of
/// the nine pairs).
fn bounds(a: u8, b: u8, kinds: u8) -> (Bound<Vec<u8>>, Bound<Vec<u8>>) {
    let end = |kind: u8, k: u8| match kind {
        0 => Bound::Included(key(k)),
        1 => Bound::Excluded(key(k)),
        _ => Bound::Unbounded,
    };
    (end(kinds % 3, a), end(kinds / 3, b))
}

#[derive(Clone, Debug)]
enum Op {
    Put(u8, u16),
    Delete(u8),
    Batch(Vec<(u8, Option<u16>)>),
    Get(u8),
    /// Keys from the first to the second; the third picks each end's bound (`bounds`).
    Scan(u8, u8, u8),
    TakeSnapshot,
    ReadSnapshot(u8),
    ReleaseSnapshot(u8),
    Flush,
    Step,
    Compact,
    CompactRange(u8, u8),
    Reopen,
}

/// Sizes that put a few hundred small writes three or more levels deep: a small L1 and a level
/// multiplier of 2 instead of 10.
fn deep() -> Options {
    Options {
        write_buffer_size: 512,
        target_file_size: 256,
        max_bytes_for_level_base: 512,
        max_bytes_for_level_multiplier: 2,
        block_size: 128,
        ..Options::tiny()
    }
}

fn key(k: u8) -> Vec<u8> {
    format!("key{k:03}").into_bytes()
}

fn value(v: u16) -> Vec<u8> {
    // Values of varying length so that tables split into several blocks and files.
    format!("value{v}-{}", "x".repeat(usize::from(v % 40))).into_bytes()
}

/// Mostly writes and background steps, so data moves down while more is written above it.
fn deep_op() -> impl Strategy<Value = Op> {
    prop_oneof![
        10 => (0u8..40, any::<u16>()).prop_map(|(k, v)| Op::Put(k, v)),
        4 => (0u8..40).prop_map(Op::Delete),
        2 => prop::collection::vec((0u8..40, prop::option::of(any::<u16>())), 1..6).prop_map(Op::Batch),
        2 => (0u8..40).prop_map(Op::Get),
        1 => (0u8..40, 0u8..40, 0u8..9).prop_map(|(a, b, k)| Op::Scan(a.min(b), a.max(b), k)),
        2 => Just(Op::TakeSnapshot),
        2 => any::<u8>().prop_map(Op::ReadSnapshot),
        2 => any::<u8>().prop_map(Op::ReleaseSnapshot),
        2 => Just(Op::Flush),
        6 => Just(Op::Step),
        1 => (0u8..40, 0u8..40).prop_map(|(a, b)| Op::CompactRange(a.min(b), a.max(b))),
        1 => Just(Op::Reopen),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        8 => (0u8..40, any::<u16>()).prop_map(|(k, v)| Op::Put(k, v)),
        3 => (0u8..40).prop_map(Op::Delete),
        2 => prop::collection::vec((0u8..40, prop::option::of(any::<u16>())), 1..6).prop_map(Op::Batch),
        3 => (0u8..40).prop_map(Op::Get),
        2 => (0u8..40, 0u8..40, 0u8..9).prop_map(|(a, b, k)| Op::Scan(a.min(b), a.max(b), k)),
        1 => Just(Op::TakeSnapshot),
        1 => any::<u8>().prop_map(Op::ReadSnapshot),
        1 => Just(Op::Flush),
        2 => Just(Op::Step),
        1 => Just(Op::Compact),
        1 => Just(Op::Reopen),
    ]
}

/// What a sequence reached: the deepest level holding a table, and the most snapshots alive.
#[derive(Default)]
struct Reached {
    depth: usize,
    snapshots: usize,
}

fn run(ops: Vec<Op>, options: fn() -> Options) -> Reached {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut db = Db::open(dir.path(), options()).expect("open");
    let mut model = Model::new();
    let mut snapshots: Vec<(engine::Snapshot, Model)> = Vec::new();
    let mut reached = Reached::default();
    for op in ops {
        match op {
            Op::Reopen => {
                snapshots.clear();
                db.close().expect("close");
                db = Db::open(dir.path(), options()).expect("reopen");
            }
            op => apply(&db, &mut model, &mut snapshots, op),
        }
        reached.snapshots = reached.snapshots.max(snapshots.len());
        let levels = db.stats().levels;
        let deepest = levels.iter().rposition(|l| !l.files.is_empty()).unwrap_or(0);
        reached.depth = reached.depth.max(deepest);
    }
    for (snap, old) in &snapshots {
        check_snapshot(&db, snap, old);
    }
    drop(snapshots);
    assert_eq!(db.live_snapshots(), 0, "every snapshot released");
    let all: Model = db.iter().expect("iter").map(|r| r.expect("item")).collect();
    assert_eq!(all, model, "final scan");
    reached
}

/// Everything `snap` reads equals the model as it was when it was taken.
fn check_snapshot(db: &Db, snap: &engine::Snapshot, old: &Model) {
    let got: Vec<_> = db.scan_at(snap, ..).expect("scan").map(|r| r.expect("item")).collect();
    let want: Vec<_> = old.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    assert_eq!(got, want, "snapshot scan");
    for k in 0..40 {
        assert_eq!(db.get_at(snap, &key(k)).expect("get_at"), old.get(&key(k)).cloned());
    }
}

/// Applies one operation to the database and the model, checking reads.
fn apply(db: &Db, model: &mut Model, snapshots: &mut Vec<(engine::Snapshot, Model)>, op: Op) {
    match op {
        Op::Put(k, v) => {
            db.put(key(k), value(v)).expect("put");
            model.insert(key(k), value(v));
        }
        Op::Delete(k) => {
            db.delete(key(k)).expect("delete");
            model.remove(&key(k));
        }
        Op::Batch(ops) => {
            let mut b = WriteBatch::new();
            for (k, v) in ops {
                match v {
                    Some(v) => {
                        b.put(key(k), value(v));
                        model.insert(key(k), value(v));
                    }
                    None => {
                        b.delete(key(k));
                        model.remove(&key(k));
                    }
                }
            }
            db.write(b).expect("write");
        }
        Op::Get(k) => assert_eq!(db.get(&key(k)).expect("get"), model.get(&key(k)).cloned(), "get {k}"),
        Op::Scan(a, b, kinds) => {
            let range = bounds(a, b, kinds);
            let got: Vec<_> = db
                .scan(range.clone())
                .expect("scan")
                .map(|r| r.expect("scan item"))
                .collect();
            let want: Vec<_> = model
                .iter()
                .filter(|(k, _)| range.contains(*k))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            assert_eq!(got, want, "scan {range:?}");
        }
        Op::TakeSnapshot => snapshots.push((db.snapshot(), model.clone())),
        Op::ReadSnapshot(i) => {
            if let Some((snap, old)) = snapshots.get(usize::from(i) % snapshots.len().max(1)) {
                check_snapshot(db, snap, old);
            }
        }
        Op::ReleaseSnapshot(i) => {
            if !snapshots.is_empty() {
                let n = snapshots.len();
                drop(snapshots.remove(usize::from(i) % n));
            }
        }
        Op::Flush => db.flush().expect("flush"),
        Op::Step => {
            db.step_background().expect("step");
        }
        Op::Compact => db.compact_range(None, None).expect("compact"),
        Op::CompactRange(a, b) => {
            let (lo, hi) = (key(a), key(b));
            db.compact_range(Some(lo.as_slice()), Some(hi.as_slice()))
                .expect("compact range");
        }
        Op::Reopen => unreachable!("handled by run"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn engine_matches_a_btreemap(ops in prop::collection::vec(op(), 1..250)) {
        run(ops, Options::tiny);
    }

    #[test]
    fn deep_sequences_match_a_btreemap(ops in prop::collection::vec(deep_op(), 100..400)) {
        run(ops, deep);
    }
}

/// The deep suite is not vacuous: of 40 sequences drawn as it draws them, most put data at
/// level 3 or deeper and most hold two snapshots at once.
#[test]
fn deep_sequences_reach_deep_levels_and_several_snapshots() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{Config, TestRng, TestRunner};
    let mut runner = TestRunner::new_with_rng(Config::default(), TestRng::deterministic_rng(Default::default()));
    let strategy = prop::collection::vec(deep_op(), 100..400);
    let (mut deep_enough, mut two_snapshots) = (0, 0);
    for _ in 0..40 {
        let ops = strategy.new_tree(&mut runner).expect("a sequence").current();
        let reached = run(ops, deep);
        deep_enough += usize::from(reached.depth >= 3);
        two_snapshots += usize::from(reached.snapshots >= 2);
    }
    eprintln!("deep suite: {deep_enough}/40 sequences reached level 3, {two_snapshots}/40 held two snapshots");
    assert!(deep_enough >= 20, "{deep_enough} of 40 sequences reached level 3");
    assert!(
        two_snapshots >= 20,
        "{two_snapshots} of 40 sequences held two snapshots"
    );
}
