//! The internal cursors against a sorted vector: random moves (seeks both ways, `next`, `prev`,
//! direction changes) over a merge of a memtable, a table of many blocks and a level of several
//! tables must land where a binary search of all entries lands.

use super::*;
use crate::fs::{Fs, MemFs};
use crate::key::{InternalKey, Kind};
use crate::memtable::Memtable;
use crate::sync::{Runtime, Std};
use crate::table::{Table, TableBuilder, TableIter};
use crate::version::FileMeta;
use proptest::prelude::*;
use std::path::{Path, PathBuf};

type Arc<T> = <Std as Runtime>::Arc<T>;

/// Opens the test's tables by number (no Version, no cache).
#[derive(Clone)]
struct Opener(Vec<Arc<Table<Std>>>);

impl TableOpener<Std> for Opener {
    fn open(&self, file: &FileMeta) -> Result<Arc<Table<Std>>> {
        Ok(self.0[file.number as usize].clone())
    }
}

fn table(fs: &MemFs<Std>, n: usize, entries: &[Entry]) -> (Arc<Table<Std>>, FileMeta) {
    let path = PathBuf::from(format!("/t/{n:06}.sst"));
    let mut b = TableBuilder::create(fs, &path, 64, Default::default()).expect("create");
    for e in entries {
        b.add(&e.key, &e.value).expect("add");
    }
    let s = b.finish().expect("finish");
    let meta = FileMeta {
        number: n as u64,
        size: s.size,
        smallest: s.smallest,
        largest: s.largest,
    };
    (Std::arc_new(Table::open(fs, &path, None).expect("open")), meta)
}

/// A merge of a memtable (`parts[0]`), one table (`parts[1]`) and a level of tables cut from
/// `parts[2]` between user keys every `cut` entries.
fn merged(parts: &[Vec<Entry>; 3], cut: usize, window: usize) -> MergingIter {
    let fs = MemFs::<Std>::new();
    fs.create_dir_all(Path::new("/t")).expect("mkdir");
    let mem = Std::arc_new(Memtable::<Std>::new(&crate::version::KernelOptions::default()));
    for e in &parts[0] {
        mem.insert(e.key.clone(), e.value.clone());
    }
    let mut children: Vec<Box<dyn InternalIter>> = vec![Box::new(MemIter::<Std>::new(mem, window))];
    let mut tables = Vec::new();
    if !parts[1].is_empty() {
        let (t, _) = table(&fs, 0, &parts[1]);
        children.push(Box::new(TableIter::<Std>::new(t)));
    }
    let mut files = Vec::new();
    for run in runs(&parts[2], cut) {
        let (t, meta) = table(&fs, tables.len(), run);
        tables.push(t);
        files.push(meta);
    }
    children.push(Box::new(LevelIter::<Std, _>::new(Opener(tables), files)));
    MergingIter::new(children)
}

/// `entries` (sorted) cut into runs of about `cut`, never splitting a user key.
fn runs(entries: &[Entry], cut: usize) -> Vec<&[Entry]> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=entries.len() {
        let boundary = i == entries.len() || entries[i].key.user != entries[i - 1].key.user;
        if boundary && (i - start >= cut || i == entries.len()) {
            out.push(&entries[start..i]);
            start = i;
        }
    }
    out
}

#[derive(Clone, Debug)]
enum Move {
    First,
    Last,
    Seek(Vec<u8>, u64),
    Next,
    Prev,
    /// Many steps one way (`true`: forward), far enough to cross memtable windows.
    Run(bool, usize),
}

/// Random moves, weighted 1:1:2:4:4:1 (first, last, seek, next, prev, run). Built without
/// `prop_oneof!`, whose union uses std's Arc (a lint error in the engine's sources).
fn moves() -> impl Strategy<Value = Vec<Move>> {
    let m =
        (0..13u8, prop::collection::vec(b'a'..b'f', 0..3), 0..200u64, 1..150usize).prop_map(
            |(pick, k, s, n)| match pick {
                0 => Move::First,
                1 => Move::Last,
                2 | 3 => Move::Seek(k, s),
                4..=7 => Move::Next,
                8..=11 => Move::Prev,
                _ => Move::Run(s % 2 == 0, n),
            },
        );
    prop::collection::vec(m, 1..60)
}

/// Entries with distinct sequences over a small key space, split among three sources.
fn sources() -> impl Strategy<Value = [Vec<Entry>; 3]> {
    prop::collection::vec(
        (prop::collection::vec(b'a'..b'f', 1..3), 0..3usize, any::<bool>()),
        0..300,
    )
    .prop_map(|v| {
        let mut parts: [Vec<Entry>; 3] = Default::default();
        for (seq, (user, part, put)) in v.into_iter().enumerate() {
            let kind = if put { Kind::Put } else { Kind::Delete };
            let value = format!("{seq}").into_bytes();
            parts[part].push(Entry {
                key: InternalKey::new(user, seq as u64 + 1, kind),
                value,
            });
        }
        parts.iter_mut().for_each(|p| p.sort_by(|a, b| a.key.cmp(&b.key)));
        parts
    })
}

proptest! {
    #[test]
    fn every_move_lands_where_a_sorted_vector_says(parts in sources(), cut in 1..20usize, window in 1..=64usize, moves in moves()) {
        let mut all: Vec<Entry> = parts.iter().flatten().cloned().collect();
        all.sort_by(|a, b| a.key.cmp(&b.key));
        let mut it = merged(&parts, cut, window);
        let mut at: Option<usize> = None; // the model cursor: an index into `all`
        for m in moves {
            let steps = match m {
                Move::Run(forward, n) => vec![if forward { Move::Next } else { Move::Prev }; n],
                m => vec![m],
            };
            for m in steps {
                at = step(&mut it, &all, at, m);
                prop_assert_eq!(it.valid(), at.is_some());
                if let Some(i) = at {
                    prop_assert_eq!(&it.entry().key, &all[i].key);
                    prop_assert_eq!(&it.entry().value, &all[i].value);
                }
            }
        }
    }
}

/// Applies `m` to the cursor and returns where the model cursor lands.
fn step(it: &mut MergingIter, all: &[Entry], at: Option<usize>, m: Move) -> Option<usize> {
    match m {
        Move::First => {
            it.seek_to_first().expect("mem");
            (!all.is_empty()).then_some(0)
        }
        Move::Last => {
            it.seek_to_last().expect("mem");
            all.len().checked_sub(1)
        }
        Move::Seek(k, s) => {
            let t = InternalKey::seek_target(&k, s);
            it.seek(&t).expect("mem");
            Some(all.partition_point(|e| e.key < t)).filter(|&i| i < all.len())
        }
        Move::Next if at.is_some() => {
            it.next().expect("mem");
            at.map(|i| i + 1).filter(|&i| i < all.len())
        }
        Move::Prev if at.is_some() => {
            it.prev().expect("mem");
            at.and_then(|i| i.checked_sub(1))
        }
        Move::Next | Move::Prev | Move::Run(..) => at,
    }
}

#[test]
fn a_fresh_cursor_reads_the_same_sources_from_the_start() {
    let e = |u: &str, s| Entry {
        key: InternalKey::new(u.as_bytes().to_vec(), s, Kind::Put),
        value: vec![],
    };
    let parts = [vec![e("b", 3)], vec![e("a", 1)], vec![e("c", 2), e("d", 4)]];
    let mut it = merged(&parts, 1, 2);
    it.seek_to_last().expect("mem");
    let mut fresh = Forward::from_first(it.fresh_merge());
    let mut keys = Vec::new();
    while let Some(x) = fresh.next_entry().expect("mem") {
        keys.push(String::from_utf8(x.key.user).expect("utf8"));
    }
    assert_eq!(keys, ["a", "b", "c", "d"]);
    assert_eq!(it.entry().key.user, b"d", "the original stays where it was");
}
