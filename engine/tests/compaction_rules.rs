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
