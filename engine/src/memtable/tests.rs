//! The memtable on one thread: lookups, scans both ways and seeks over the skiplist.

use super::{Lookup, Memtable};
use crate::key::{InternalKey, Kind};
use crate::sync::{AtomicU64, Ordering, Runtime, Std};
use crate::version::KernelOptions;
use std::ops::Bound;

fn key(user: &str, seq: u64) -> InternalKey {
    InternalKey::new(user.as_bytes().to_vec(), seq, Kind::Put)
}

#[test]
fn inserts_in_any_order_read_back_in_key_order() {
    let mem = Memtable::<Std>::new(&KernelOptions::default());
    for (i, u) in ["a", "c", "e", "b", "d"].iter().enumerate() {
        mem.insert(key(u, i as u64 + 1), u.as_bytes().to_vec());
    }
    for u in ["a", "b", "c", "d", "e"] {
        assert_eq!(
            mem.get(u.as_bytes(), 100),
            Lookup::Value(u.as_bytes().to_vec()),
            "get {u}"
        );
    }
}

/// Entries `k000@1 .. k{n-1}@n`, inserted in a scrambled order, with values equal to their keys.
fn filled(n: u64) -> Memtable<Std> {
    let mem = Memtable::<Std>::new(&KernelOptions::default());
    for i in (0..n).map(|i| (i * 7) % n) {
        let u = format!("k{i:03}");
        mem.insert(key(&u, i + 1), u.into_bytes());
    }
    mem
}

fn users(entries: &[crate::key::Entry]) -> Vec<String> {
    entries
        .iter()
        .map(|e| String::from_utf8_lossy(&e.key.user).into_owned())
        .collect()
}

#[test]
fn windows_from_a_bound_go_up_and_windows_below_one_go_down() {
    let mem = filled(50); // 50 is prime to 7: every key once
    let k = |i: u64| key(&format!("k{i:03}"), i + 1);
    let all: Vec<String> = (0..50).map(|i| format!("k{i:03}")).collect();
    assert_eq!(users(&mem.batch_from(Bound::Unbounded, 100)), all);
    assert_eq!(users(&mem.batch_below(Bound::Unbounded, 100)), all);
    assert_eq!(users(&mem.batch_from(Bound::Included(&k(10)), 3)), all[10..13]);
    assert_eq!(users(&mem.batch_from(Bound::Excluded(&k(10)), 3)), all[11..14]);
    assert_eq!(users(&mem.batch_below(Bound::Included(&k(10)), 3)), all[8..11]);
    assert_eq!(users(&mem.batch_below(Bound::Excluded(&k(10)), 3)), all[7..10]);
    assert_eq!(users(&mem.batch_below(Bound::Excluded(&k(0)), 3)), Vec::<String>::new());
    assert_eq!(users(&mem.batch_from(Bound::Excluded(&k(49)), 3)), Vec::<String>::new());
    for e in mem.batch_from(Bound::Unbounded, 100) {
        assert_eq!(e.value, e.key.user, "each entry keeps its own value");
    }
}

#[test]
fn a_lookup_sees_the_newest_entry_at_or_below_its_sequence() {
    let mem = Memtable::<Std>::new(&KernelOptions::default());
    assert!(mem.is_empty());
    mem.insert(key("a", 1), b"one".to_vec());
    mem.insert(key("a", 5), b"five".to_vec());
    mem.insert(InternalKey::new(b"a".to_vec(), 9, Kind::Delete), Vec::new());
    assert!(!mem.is_empty());
    assert_eq!(mem.get(b"a", 0), Lookup::Absent);
    assert_eq!(mem.get(b"a", 4), Lookup::Value(b"one".to_vec()));
    assert_eq!(mem.get(b"a", 8), Lookup::Value(b"five".to_vec()));
    assert_eq!(mem.get(b"a", 9), Lookup::Deleted);
    assert_eq!(mem.get(b"b", 9), Lookup::Absent);
    assert!(mem.approximate_bytes() >= 3 * 24, "counts what it holds");
}

#[test]
#[should_panic(expected = "inserted twice")]
fn an_internal_key_inserted_twice_is_a_bug() {
    let mem = Memtable::<Std>::new(&KernelOptions::default());
    mem.insert(key("a", 1), b"x".to_vec());
    mem.insert(key("a", 1), b"y".to_vec());
}

#[test]
fn thousands_of_keys_build_tall_towers_and_stay_in_order() {
    let mem = filled(4099); // prime: a scrambled order covering every key
    let all = mem.batch_from(Bound::Unbounded, 5000);
    assert_eq!(all.len(), 4099);
    // Towers of height h come once in 4^(h-1) inserts: 4,099 keys make the list about 6 levels
    // high, so a search does not walk level 0 alone.
    assert!((5..=8).contains(&mem.list.height()), "height {}", mem.list.height());
    assert!(all.windows(2).all(|w| w[0].key < w[1].key));
    for i in [0u64, 1, 777, 4098] {
        let u = format!("k{i:03}");
        assert_eq!(
            mem.get(u.as_bytes(), u64::MAX >> 8),
            Lookup::Value(u.clone().into_bytes()),
            "{u}"
        );
    }
}

#[test]
fn the_size_estimate_counts_each_entry_with_a_bounded_overhead() {
    let mem = Memtable::<Std>::new(&KernelOptions::default());
    let mut held = 0;
    for (user, value) in [(100, 0), (1, 300), (50, 50)] {
        mem.insert(key(&"k".repeat(user), 1 + held as u64), vec![7u8; value]);
        held += user + value;
        let bytes = mem.approximate_bytes() as usize;
        assert!(
            (held..=held + 3 * 64).contains(&bytes),
            "{bytes} bytes estimated for {held} held"
        );
    }
}

/// Counts its drops, to check that dropping a list frees every node.
struct Counted(<Std as Runtime>::Arc<AtomicU64<Std>>);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn dropping_the_list_frees_every_node_once() {
    let dropped = crate::sync::arc::<Std, _>(AtomicU64::new(0));
    let list = super::skiplist::SkipList::<Std, u64, Counted>::new(&KernelOptions::default());
    for i in (0..1000u64).map(|i| (i * 7) % 1000) {
        list.insert(i, Counted(dropped.clone()));
    }
    assert_eq!(dropped.load(Ordering::SeqCst), 0);
    drop(list);
    assert_eq!(dropped.load(Ordering::SeqCst), 1000);
}
