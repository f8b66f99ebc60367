//! Random operation sequences against a `BTreeMap` model, reopening in the middle (proptest).

use engine::{Db, Options, WriteBatch};
use proptest::prelude::*;
use std::collections::BTreeMap;

type Model = BTreeMap<Vec<u8>, Vec<u8>>;

#[derive(Clone, Debug)]
enum Op {
    Put(u8, u16),
    Delete(u8),
    Batch(Vec<(u8, Option<u16>)>),
    Get(u8),
    Scan(u8, u8),
    TakeSnapshot,
    ReadSnapshot(u8),
    Flush,
    Step,
    Compact,
    Reopen,
}

fn key(k: u8) -> Vec<u8> {
    format!("key{k:03}").into_bytes()
}

fn value(v: u16) -> Vec<u8> {
    // Values of varying length so that tables split into several blocks and files.
    format!("value{v}-{}", "x".repeat(usize::from(v % 40))).into_bytes()
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        8 => (0u8..40, any::<u16>()).prop_map(|(k, v)| Op::Put(k, v)),
        3 => (0u8..40).prop_map(Op::Delete),
        2 => prop::collection::vec((0u8..40, prop::option::of(any::<u16>())), 1..6).prop_map(Op::Batch),
        3 => (0u8..40).prop_map(Op::Get),
        2 => (0u8..40, 0u8..40).prop_map(|(a, b)| Op::Scan(a.min(b), a.max(b))),
        1 => Just(Op::TakeSnapshot),
        1 => any::<u8>().prop_map(Op::ReadSnapshot),
        1 => Just(Op::Flush),
        2 => Just(Op::Step),
        1 => Just(Op::Compact),
        1 => Just(Op::Reopen),
    ]
}

fn run(ops: Vec<Op>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut db = Db::open(dir.path(), Options::tiny()).expect("open");
    let mut model = Model::new();
    let mut snapshots: Vec<(engine::Snapshot, Model)> = Vec::new();
    for op in ops {
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
            Op::Scan(a, b) => {
                let got: Vec<_> = db
                    .scan(key(a)..key(b))
                    .expect("scan")
                    .map(|r| r.expect("scan item"))
                    .collect();
                let want: Vec<_> = model
                    .range(key(a)..key(b))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                assert_eq!(got, want, "scan {a}..{b}");
            }
            Op::TakeSnapshot => snapshots.push((db.snapshot(), model.clone())),
            Op::ReadSnapshot(i) => {
                if let Some((snap, old)) = snapshots.get(usize::from(i) % snapshots.len().max(1)) {
                    let got: Vec<_> = db.scan_at(snap, ..).expect("scan").map(|r| r.expect("item")).collect();
                    let want: Vec<_> = old.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
                    assert_eq!(got, want, "snapshot scan");
                    for k in 0..40 {
                        assert_eq!(db.get_at(snap, &key(k)).expect("get_at"), old.get(&key(k)).cloned());
                    }
                }
            }
            Op::Flush => db.flush().expect("flush"),
            Op::Step => {
                db.step_background().expect("step");
            }
            Op::Compact => db.compact_range(None, None).expect("compact"),
            Op::Reopen => {
                snapshots.clear();
                db.close().expect("close");
                db = Db::open(dir.path(), Options::tiny()).expect("reopen");
            }
        }
    }
    let all: Model = db.iter().expect("iter").map(|r| r.expect("item")).collect();
    assert_eq!(all, model, "final scan");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn engine_matches_a_btreemap(ops in prop::collection::vec(op(), 1..250)) {
        run(ops);
    }
}
