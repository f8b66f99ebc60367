//! LevelDB's rules for what a compaction writes, checked on the files it leaves.
// Test code runs the engine on std (its `Std` runtime) and may use std primitives itself.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

use engine::{Db, Options};

/// A compaction cuts its output into files of `target_file_size`: every output of a level but
/// its last reaches the target, and none is far past it (a cut comes at the first user-key
/// boundary after the target).
#[test]
fn compaction_outputs_are_cut_at_the_target_file_size() {
    let dir = tempfile::tempdir().expect("tempdir");
    let opts = Options::tiny();
    let target = opts.target_file_size;
    let db: Db = Db::open(dir.path(), opts).expect("open");
    for i in 0..3000u32 {
        db.put(
            format!("k{:05}", i * 7919 % 3000),
            format!("value-{i:05}-{}", "x".repeat(20)),
        )
        .expect("put");
    }
    db.compact_range(None, None).expect("compact");
    let stats = db.stats();
    let levels: Vec<_> = stats.levels.iter().filter(|l| !l.files.is_empty()).collect();
    assert!(!levels.is_empty());
    let outputs: usize = levels.iter().map(|l| l.files.len()).sum();
    assert!(
        outputs >= 10,
        "3000 entries of ~40 bytes make many {target}-byte files: {stats:?}"
    );
    for level in levels {
        let bytes: u64 = level.files.iter().map(|f| f.1).sum();
        assert_eq!(level.bytes(), bytes, "a level's size is its files' sizes");
        let (last, rest) = level.files.split_last().expect("not empty");
        for &(number, bytes) in rest {
            assert!(
                bytes >= target && bytes <= 2 * target,
                "table {number} has {bytes} bytes; outputs are cut at {target}: {stats:?}"
            );
        }
        assert!(last.1 <= 2 * target, "the last table {last:?} is cut at {target} too");
    }
}

fn value(i: u32, len: usize) -> Vec<u8> {
    let mut v = format!("{i:08}").into_bytes();
    v.resize(len, b'v');
    v
}

fn numbers_at(db: &Db, level: usize) -> Vec<u64> {
    db.live_files()
        .iter()
        .filter(|f| f.level == level)
        .map(|f| f.number)
        .collect()
}

fn bytes_at(db: &Db, level: usize) -> u64 {
    db.live_files()
        .iter()
        .filter(|f| f.level == level)
        .map(|f| f.size)
        .sum()
}

/// LevelDB never moves a file down in a manual compaction: a lone 8 MB L0 table is rewritten
/// into L1 files of `target_file_size` (2 MB), not moved whole.
#[test]
fn a_manual_compaction_rewrites_a_lone_l0_table_into_target_size_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let opts = Options {
        write_buffer_size: 64 << 20,
        background: engine::Background::Manual,
        ..Options::default()
    };
    let target = opts.target_file_size;
    let db: Db = Db::open(dir.path(), opts).expect("open");
    for i in 0..80_000u32 {
        db.put(
            format!("key{:08}", i.wrapping_mul(2_654_435_761) % 80_000),
            value(i, 100),
        )
        .expect("put");
    }
    db.flush().expect("flush");
    let l0 = db.live_files();
    assert_eq!(l0.len(), 1, "one L0 table: {l0:?}");
    assert!(l0[0].size >= 8 << 20, "of at least 8 MB: {} bytes", l0[0].size);
    db.compact_range(None, None).expect("compact");
    let l1: Vec<_> = db.live_files();
    assert!(l1.iter().all(|f| f.level == 1), "everything in L1: {l1:?}");
    assert!(l1.len() >= 4, "{} L1 files of ~{target} bytes from 8 MB", l1.len());
    assert!(
        !l1.iter().any(|f| f.number == l0[0].number),
        "the L0 table was rewritten"
    );
    for f in &l1[..l1.len() - 1] {
        assert!(
            f.size >= target && f.size < target + (64 << 10),
            "{f:?} is cut at {target}"
        );
    }
}

/// Pushes every file down to `level` by compacting each level above it in turn.
fn push_down(db: &Db, level: usize) {
    for l in 0..level {
        db.compact_level(l, None, None).expect("compact level");
    }
}

/// An output of level L+1 is cut once it overlaps more than 10 × target_file_size of level
/// L+2 (LevelDB's `kMaxGrandParentOverlapBytes`), even when it is small itself: sparse keys
/// compacted into L2 over a dense L3 make many small L2 files.
#[test]
fn no_output_overlaps_more_than_ten_target_files_of_the_level_below() {
    let dir = tempfile::tempdir().expect("tempdir");
    let opts = Options::tiny(); // target 2 KB: at most ~20 KB of L3 per L2 file
    let max = 10 * opts.target_file_size;
    let db: Db = Db::open(dir.path(), opts).expect("open");
    for i in 0..4000u32 {
        db.put(format!("k{i:05}"), value(i, 100)).expect("put");
    }
    db.flush().expect("flush");
    push_down(&db, 3);
    let l3 = db.live_files();
    assert!(l3.iter().all(|f| f.level == 3) && bytes_at(&db, 3) > 20 * max);
    for i in (0..4000u32).step_by(40) {
        db.put(format!("k{i:05}"), b"new").expect("put");
    }
    db.flush().expect("flush");
    push_down(&db, 2);
    let files = db.live_files();
    let l2: Vec<_> = files.iter().filter(|f| f.level == 2).collect();
    let biggest_l3 = l3.iter().map(|f| f.size).max().expect("L3 files");
    for f in &l2 {
        let overlap: u64 = l3
            .iter()
            .filter(|g| g.largest.user >= f.smallest.user && g.smallest.user <= f.largest.user)
            .map(|g| g.size)
            .sum();
        assert!(
            overlap <= max + 2 * biggest_l3,
            "L2 file {} ({} bytes) overlaps {overlap} bytes of L3; the bound is {max} plus the files at its ends",
            f.number,
            f.size
        );
    }
    let l2_bytes: u64 = l2.iter().map(|f| f.size).sum();
    assert!(
        l2.len() >= 10,
        "{} L2 files hold {l2_bytes} bytes: cut by overlap, not size",
        l2.len()
    );
    assert!(l2_bytes < 2 * 10 * 1024, "the sparse keys are small");
}

/// Deleting every key and compacting the whole range leaves no table: tombstones meet the
/// values they hide and both go, at the base level. Tombstones for keys that were never
/// written go too: a manual compaction rewrites their table instead of moving it down.
#[test]
fn compacting_after_deleting_everything_leaves_no_table() {
    let dir = tempfile::tempdir().expect("tempdir");
    let opts = Options {
        write_buffer_size: 1 << 20, // every tombstone in one L0 table
        ..Options::tiny()
    };
    let db: Db = Db::open(dir.path(), opts).expect("open");
    for i in 0..2000u32 {
        db.put(format!("k{i:05}"), value(i, 60)).expect("put");
    }
    db.compact_range(None, None).expect("compact");
    assert!(!db.live_files().is_empty());
    for i in 0..2000u32 {
        db.delete(format!("k{i:05}")).expect("delete");
    }
    db.compact_range(None, None).expect("compact");
    let left = db.live_files();
    assert!(left.is_empty(), "{} tables left: {left:?}", left.len());
    for i in 0..2000u32 {
        db.delete(format!("z{i:05}")).expect("delete a key never written");
    }
    db.compact_range(None, None).expect("compact");
    let left = db.live_files();
    assert!(left.is_empty(), "tombstones of absent keys left: {left:?}");
    assert_eq!(db.iter().expect("iter").count(), 0);
}

fn key(i: u32) -> Vec<u8> {
    format!("k{i:05}").into_bytes()
}

/// Sizes of ranges of 1000-byte values, each within 10 % and two blocks of the values' bytes.
fn check_sizes(db: &Db) {
    for (a, b) in [(0, 100), (100, 600), (500, 999), (250, 251)] {
        let got = db.approximate_size(&key(a), &key(b)).expect("size");
        let want = u64::from(b - a) * 1000;
        assert!(
            got >= want && got <= want + want / 10 + 2048,
            "[{a}, {b}): {got} bytes for {want} bytes of values"
        );
    }
    for f in db.live_files() {
        // The range from a file's last key to the next key holds that key's 1000-byte entry:
        // the file counts up to the block holding it, not whole.
        let i: u32 = String::from_utf8_lossy(&f.largest.user[1..]).parse().expect("k#####");
        let got = db.approximate_size(&key(i), &key(i + 1)).expect("size");
        assert!(
            got >= 1000,
            "[k{i:05}, k{:05}) at the end of table {}: {got} bytes",
            i + 1,
            f.number
        );
    }
    assert_eq!(
        db.approximate_size(&key(7), &key(7)).expect("size"),
        0,
        "an empty range"
    );
    assert_eq!(db.approximate_size(b"z", b"zz").expect("size"), 0, "past every key");
}

/// `approximate_size` reads the index blocks: the bytes a key range takes on disk, over
/// tables of every level, the same after a reopen; data only in the memtable counts nothing
/// (LevelDB's `ApproximateSizes` test).
#[test]
fn approximate_sizes_follow_the_bytes_on_disk() {
    let dir = tempfile::tempdir().expect("tempdir");
    let opts = Options {
        write_buffer_size: 256 << 10,
        ..Options::tiny()
    };
    let db: Db = Db::open(dir.path(), opts.clone()).expect("open");
    for i in 0..1000u32 {
        db.put(key(i), value(i, 1000)).expect("put");
        if i == 100 {
            assert_eq!(
                db.approximate_size(&key(0), &key(100)).expect("size"),
                0,
                "in the memtable"
            );
        }
    }
    db.flush().expect("flush");
    check_sizes(&db); // L0 tables
    db.compact_range(None, None).expect("compact");
    check_sizes(&db); // L1 tables
    db.close().expect("close");
    check_sizes(&Db::open(dir.path(), opts).expect("reopen"));
}

/// `compact_level` names a level with a level below it; the last one has none.
#[test]
fn compact_level_refuses_the_last_level() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db: Db = Db::open(dir.path(), Options::tiny()).expect("open");
    db.put("k", "v").expect("put");
    db.flush().expect("flush");
    let err = db.compact_level(6, None, None).expect_err("L6 has no level below");
    assert!(err.to_string().contains("level 6"), "{err}");
    push_down(&db, 6);
    assert_eq!(db.live_files().iter().map(|f| f.level).collect::<Vec<_>>(), [6]);
    assert_eq!(db.get(b"k").expect("get"), Some(b"v".to_vec()));
}

/// Flushes the memtable into L1 (over its 8 KiB budget), then lets the background work run
/// until idle; returns the L1 file numbers before and the L2 ones after.
fn l1_compacted_automatically(db: &Db) -> (Vec<u64>, Vec<u64>) {
    db.flush().expect("flush");
    push_down(db, 1);
    let l1 = numbers_at(db, 1);
    assert!(bytes_at(db, 1) > 8 << 10, "L1 is over its 8 KiB budget");
    while db.step_background().expect("step") != engine::Work::Idle {}
    (l1, numbers_at(db, 2))
}

/// An automatic compaction moves a lone file down whole only if that leaves it overlapping
/// at most 10 target files of the level below its new one (LevelDB's `IsTrivialMove`): sparse
/// L1 files over a dense L3 are rewritten, not moved.
#[test]
fn a_lone_file_over_a_dense_grandparent_level_is_rewritten_not_moved() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db: Db = Db::open(dir.path(), Options::tiny()).expect("open");
    for i in 0..4000u32 {
        db.put(format!("k{i:05}"), value(i, 100)).expect("put");
    }
    db.flush().expect("flush");
    push_down(&db, 3);
    for i in (0..4000u32).step_by(20) {
        db.put(format!("k{i:05}"), value(i, 100)).expect("put");
    }
    let (l1, l2) = l1_compacted_automatically(&db);
    assert!(!l2.is_empty(), "L1 files went down to L2");
    assert!(
        l2.iter().all(|n| !l1.contains(n)),
        "rewritten, not moved: L1 {l1:?}, L2 {l2:?}"
    );
}

/// The other half of LevelDB's `IsTrivialMove`: a lone file whose keys overlap only a little
/// of the level below its new one (at most 10 target files) is moved down whole, keeping its
/// number, when L1 is over its budget.
#[test]
fn a_lone_file_over_a_sparse_grandparent_level_is_moved_whole() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db: Db = Db::open(dir.path(), Options::tiny()).expect("open");
    for i in 0..400u32 {
        db.put(format!("k{i:05}"), value(i, 100)).expect("put");
    }
    db.flush().expect("flush");
    push_down(&db, 3);
    // About 12 KiB of new values for the first 12 keys, over L3's first 2 KiB file.
    for i in 0..12u32 {
        db.put(format!("k{i:05}"), value(i, 1000)).expect("put");
    }
    let (l1, l2) = l1_compacted_automatically(&db);
    assert!(
        l2.iter().any(|n| l1.contains(n)),
        "an L1 file went down to L2 whole: L1 was {l1:?}, L2 is {l2:?}"
    );
    for i in 0..12u32 {
        assert_eq!(
            db.get(format!("k{i:05}").as_bytes()).expect("get"),
            Some(value(i, 1000))
        );
    }
}
