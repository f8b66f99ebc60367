//! The memtable model: the engine's own [`Memtable`] alone, one inserter against two readers
//! that take no lock. Every execution starts from the same three entries (`a`, `c`, `e`); the
//! inserter adds `b` (and `d`, for `inserts: 2`) while reader 0 looks up keys and reader 1
//! seeks and scans forwards, then scans backwards. A reader must find every entry that was there
//! before it started, with its own value, in order, and anything else it finds must be an entry
//! being inserted, whole.
//!
//! The entries are placed so that the inserter's first node is the list's first tower of height
//! 2 (the skiplist's height generator has a fixed seed: heights 1, 1, 1, 2, 3, …), and `e` lies
//! past it: a reader that reaches the new node at level 1 before its own level-0 link is set
//! would miss `e`. Under loom the orderings are real (a node linked `Relaxed` shows as a data
//! race); under shuttle every atomic is SeqCst and only interleavings are explored.

use engine::key::{Entry, InternalKey, Kind};
use engine::memtable::{Lookup, Memtable};
use engine::mutants::Mutant;
use engine::sync::{self, Runtime};
use engine::version::KernelOptions;
use sim::explore::Model;
use sim::world::{Violation, World};
use std::ops::Bound;

/// The entries every execution starts from, and the ones the inserter adds, in order.
const BEFORE: [&str; 3] = ["a", "c", "e"];
const INSERTED: [&str; 2] = ["b", "d"];

/// The memtable model's parameters.
#[derive(Clone, Debug)]
pub struct MemtableModel {
    /// How many entries the inserter adds (1 or 2).
    pub inserts: usize,
    /// The injected bug, if any.
    pub mutant: Option<Mutant>,
    /// Seeds the randomized schedulers (the model has no data to generate).
    pub seed: u64,
}

impl Model for MemtableModel {
    fn seed(&self) -> u64 {
        self.seed
    }

    fn execute<R: Runtime>(&self, world: &World) {
        execute::<R>(world, self.mutant, self.inserts)
    }
}

fn value(user: &str) -> Vec<u8> {
    format!("v-{user}").into_bytes()
}

fn key(user: &str, seq: u64) -> InternalKey {
    InternalKey::new(user.as_bytes().to_vec(), seq, Kind::Put)
}

/// One execution on runtime `R`. Panics at its end if `world` recorded a violation.
pub fn execute<R: Runtime>(world: &World, mutant: Option<Mutant>, inserts: usize) {
    assert!((1..=INSERTED.len()).contains(&inserts), "{inserts} inserts");
    world.reset(&[]);
    let opts = KernelOptions {
        mutant,
        ..KernelOptions::default()
    };
    let mem = sync::arc::<R, _>(Memtable::<R>::new(&opts));
    for (i, u) in BEFORE.iter().enumerate() {
        mem.insert(key(u, i as u64 + 1), value(u));
    }
    let inserter = {
        let mem = mem.clone();
        sync::spawn::<R, _>("inserter", move || {
            for (i, u) in INSERTED.iter().take(inserts).enumerate() {
                mem.insert(key(u, (BEFORE.len() + i) as u64 + 1), value(u));
            }
        })
    };
    let getter = {
        let (mem, world) = (mem.clone(), world.clone());
        sync::spawn::<R, _>("reader-0", move || lookups(&world, &mem))
    };
    let scanner = {
        let (mem, world) = (mem.clone(), world.clone());
        sync::spawn::<R, _>("reader-1", move || scans(&world, &mem))
    };
    for h in [inserter, getter, scanner] {
        if let Err(p) = h.join() {
            std::panic::resume_unwind(p);
        }
    }
    drop(mem); // the last reference: frees every node
    world.fail_if_violated();
}

/// Reader 0: lookups at the newest sequence of `e` (past the new nodes) and of the inserted
/// keys.
fn lookups<R: Runtime>(world: &World, mem: &Memtable<R>) {
    for u in ["e"].iter().chain(&INSERTED) {
        let got = mem.get(u.as_bytes(), u64::MAX >> 8);
        let whole = Lookup::Value(value(u));
        let ok = got == whole || (INSERTED.contains(u) && got == Lookup::Absent);
        if !ok {
            wrong(
                world,
                "reader-0",
                &format!("get {u}"),
                &format!("{whole:?}"),
                &format!("{got:?}"),
            );
        }
    }
}

/// Reader 1: a seek to `b` and a forward scan from there, then a backward scan from the end.
/// (A scan from the start is a seek whose target nothing precedes: the same walk.)
fn scans<R: Runtime>(world: &World, mem: &Memtable<R>) {
    let seek = key("b", u64::MAX >> 8);
    let views = [
        ("seek b, scan forwards", mem.batch_from(Bound::Included(&seek), 16), "b"),
        ("scan backwards", mem.batch_below(Bound::Unbounded, 16), "a"),
    ];
    for (what, got, from) in views {
        if let Err(why) = check_scan(&got, from) {
            let shown: Vec<String> = got
                .iter()
                .map(|e| String::from_utf8_lossy(&e.key.user).into_owned())
                .collect();
            wrong(world, "reader-1", what, &why, &format!("{shown:?}"));
        }
    }
}

/// A scan from `from`: ascending, every entry that was there before from `from` on, and any
/// other entry one being inserted, with its own value.
fn check_scan(got: &[Entry], from: &str) -> Result<(), String> {
    if !got.windows(2).all(|w| w[0].key < w[1].key) {
        return Err("entries in ascending order".into());
    }
    for u in BEFORE.iter().filter(|u| **u >= from) {
        if !got.iter().any(|e| e.key.user == u.as_bytes()) {
            return Err(format!("{u}, there before the scan"));
        }
    }
    for e in got {
        let u = String::from_utf8_lossy(&e.key.user).into_owned();
        let known = BEFORE.contains(&u.as_str()) || INSERTED.contains(&u.as_str());
        if !known || e.value != value(&u) || u.as_str() < from {
            return Err(format!("only known entries with their own values, from {from}"));
        }
    }
    Ok(())
}

fn wrong(world: &World, thread: &str, what: &str, expected: &str, got: &str) {
    world.violate(Violation::WrongRead {
        thread: thread.into(),
        what: what.into(),
        seq: u64::MAX >> 8,
        version: 0,
        expected: expected.into(),
        got: got.into(),
    });
}
