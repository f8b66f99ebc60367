//! Random operation sequences against a `BTreeMap` model, reopening in the middle (proptest,
//! which shrinks a failure to a minimal operation list). A second suite uses sizes that push
//! data three and more levels deep, with snapshots held and released out of order, tombstones
//! written over deep values, and manual compactions of sub-ranges; a third test proves the
//! generated sequences really get there.

#![allow(clippy::disallowed_types)] // proptest's `prop_oneof!` builds its union with std's Arc

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

/// How a scan is read: forward, backward (`rev()`), or from both ends in turn.
#[derive(Clone, Copy, Debug)]
enum Way {
    Forward,
    Backward,
    BothEnds,
}

/// One move of a cursor.
#[derive(Clone, Debug)]
enum Move {
    First,
    Last,
    Seek(u8),
    Next,
    Prev,
}

fn way() -> impl Strategy<Value = Way> {
    prop_oneof![Just(Way::Forward), Just(Way::Backward), Just(Way::BothEnds)]
}

fn walk() -> impl Strategy<Value = Op> {
    let m = prop_oneof![
        1 => Just(Move::First),
        1 => Just(Move::Last),
        2 => (0u8..42).prop_map(Move::Seek),
        3 => Just(Move::Next),
        3 => Just(Move::Prev),
    ];
    (prop::collection::vec(m, 1..30), prop::option::of(any::<u8>())).prop_map(|(m, s)| Op::Walk(m, s))
}

#[derive(Clone, Debug)]
enum Op {
    Put(u8, u16),
    Delete(u8),
    Batch(Vec<(u8, Option<u16>)>),
    Get(u8),
    /// Keys from the first to the second; the third picks each end's bound (`bounds`), the
    /// fourth the way it is read (`Way`).
    Scan(u8, u8, u8, Way),
    /// LevelDB-style cursor moves, now or at a held snapshot (picked like `ReadSnapshot`).
    Walk(Vec<Move>, Option<u8>),
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
        1 => (0u8..40, 0u8..40, 0u8..9, way()).prop_map(|(a, b, k, w)| Op::Scan(a.min(b), a.max(b), k, w)),
        1 => walk(),
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
        2 => (0u8..40, 0u8..40, 0u8..9, way()).prop_map(|(a, b, k, w)| Op::Scan(a.min(b), a.max(b), k, w)),
        1 => walk(),
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
    let got: Vec<_> = db
        .scan_at(snap, ..)
        .expect("scan")
        .rev()
        .map(|r| r.expect("item"))
        .collect();
    let want: Vec<_> = want.into_iter().rev().collect();
    assert_eq!(got, want, "reverse snapshot scan");
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
        Op::Scan(a, b, kinds, way) => {
            let range = bounds(a, b, kinds);
            let got = read(db.scan(range.clone()).expect("scan"), way);
            let want: Vec<_> = model
                .iter()
                .filter(|(k, _)| range.contains(*k))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            assert_eq!(got, arrange(want, way), "scan {range:?} {way:?}");
        }
        Op::Walk(moves, at) => match at.and_then(|i| snapshots.get(usize::from(i) % snapshots.len().max(1))) {
            Some((snap, old)) => walk_cursor(db.cursor_at(snap).expect("cursor"), old, &moves),
            None => walk_cursor(db.cursor().expect("cursor"), model, &moves),
        },
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

type Rows = Vec<(Vec<u8>, Vec<u8>)>;

/// Reads a scan the given way: for `BothEnds`, alternately from the front and the back.
fn read(mut it: engine::DbIter, way: Way) -> Rows {
    let item = |r: engine::Result<(Vec<u8>, Vec<u8>)>| r.expect("scan item");
    match way {
        Way::Forward => it.map(item).collect(),
        Way::Backward => it.rev().map(item).collect(),
        Way::BothEnds => {
            let mut out = Vec::new();
            for i in 0.. {
                match if i % 2 == 0 { it.next() } else { it.next_back() } {
                    Some(r) => out.push(item(r)),
                    None => break,
                }
            }
            assert!(
                it.next().is_none() && it.next_back().is_none(),
                "the ends met: nothing left"
            );
            out
        }
    }
}

/// The model's rows in the order `read` returns them.
fn arrange(rows: Rows, way: Way) -> Rows {
    match way {
        Way::Forward => rows,
        Way::Backward => rows.into_iter().rev().collect(),
        Way::BothEnds => {
            let mut rows = std::collections::VecDeque::from(rows);
            let mut out = Vec::new();
            for i in 0.. {
                match if i % 2 == 0 { rows.pop_front() } else { rows.pop_back() } {
                    Some(r) => out.push(r),
                    None => break,
                }
            }
            out
        }
    }
}

/// Applies `moves` to a cursor and to a cursor over `model` (a key, or `None` when invalid),
/// checking the cursor's key and value after each move. `Next`/`Prev` only when valid.
fn walk_cursor(mut c: engine::DbCursor, model: &Model, moves: &[Move]) {
    let mut at: Option<&Vec<u8>> = None;
    for m in moves {
        at = match m {
            Move::First => (c.seek_to_first().map(|_| model.keys().next())).expect("first"),
            Move::Last => (c.seek_to_last().map(|_| model.keys().next_back())).expect("last"),
            Move::Seek(k) => (c.seek(&key(*k)).map(|_| model.range(key(*k)..).next().map(|e| e.0))).expect("seek"),
            Move::Next if at.is_some() => {
                c.next().expect("next");
                model
                    .range::<Vec<u8>, _>((Bound::Excluded(at.expect("valid")), Bound::Unbounded))
                    .next()
                    .map(|e| e.0)
            }
            Move::Prev if at.is_some() => {
                c.prev().expect("prev");
                model.range::<Vec<u8>, _>(..at.expect("valid")).next_back().map(|e| e.0)
            }
            Move::Next | Move::Prev => at,
        };
        assert_eq!(c.valid(), at.is_some(), "valid after {m:?}");
        if let Some(k) = at {
            assert_eq!((c.key(), c.value()), (k.as_slice(), model[k].as_slice()), "after {m:?}");
        }
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
