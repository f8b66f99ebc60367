//! Group commit seen from outside: concurrent writers share WAL records, every write gets its
//! own sequence and reads back, and every write is in exactly one group (one WAL record).
// Test code runs the engine on std (its `Std` runtime) and may use std primitives itself.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

use engine::{Db, Env, Event, Observer, Options, WriteBatch, WriteOptions};
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

/// The `(writers, sync)` of every write group, in order.
#[derive(Clone, Default)]
struct Groups(Arc<Mutex<Vec<(usize, bool)>>>);

impl Observer for Groups {
    fn on_event(&self, e: &Event) {
        if let Event::WriteGroup { writers, sync } = e {
            self.0.lock().expect("groups lock").push((*writers, *sync));
        }
    }
}

#[test]
fn concurrent_writers_each_get_their_own_sequences_and_every_write_reads_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let groups = Groups::default();
    let opts = Options {
        write_buffer_size: 64 << 10,
        ..Options::default()
    };
    let db: Db = Db::open_with(dir.path(), opts, Env::os().observed_by(groups.clone())).expect("open");
    let (threads, writes) = (6u64, 300u64);
    let seqs: Vec<Vec<(u64, u64)>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let db = &db;
                s.spawn(move || {
                    (0..writes)
                        .map(|i| {
                            let mut b = WriteBatch::new();
                            b.put(format!("t{t}-{i:04}"), format!("v{t}-{i}"))
                                .put(format!("u{t}-{i:04}"), "x");
                            let wo = WriteOptions { sync: i % 50 == 0 };
                            (db.write_with_sequence(b, wo).expect("write"), 2)
                        })
                        .collect()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("writer")).collect()
    });
    let mut used = BTreeSet::new();
    for (first, len) in seqs.iter().flatten() {
        for s in *first..first + len {
            assert!(used.insert(s), "sequence {s} given to two writes");
        }
    }
    assert_eq!(used.len() as u64, threads * writes * 2, "every update its own sequence");
    assert_eq!(
        (used.first(), used.last()),
        (Some(&1), Some(&(threads * writes * 2))),
        "no gaps"
    );
    for t in 0..threads {
        for i in (0..writes).step_by(37) {
            let got = db.get(format!("t{t}-{i:04}").as_bytes()).expect("get");
            assert_eq!(got, Some(format!("v{t}-{i}").into_bytes()));
        }
    }
    let groups = groups.0.lock().expect("groups lock").clone();
    let grouped: usize = groups.iter().map(|g| g.0).sum();
    assert_eq!(grouped as u64, threads * writes, "every write was in exactly one group");
    assert!(groups.iter().all(|g| g.0 >= 1));
    assert!(groups.iter().any(|g| g.1), "the sync writes went in synced groups");
}
