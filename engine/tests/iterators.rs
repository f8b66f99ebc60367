//! LevelDB's iterator semantics on the engine's cursor and range iterator: seeks land on the
//! next key, `prev` from the first key is invalid, both directions agree at a snapshot, and a
//! cursor keeps reading its own view while compactions delete the files under newer Versions.

use engine::{Db, DbCursor, Options};

fn db_with(keys: &[&str], dir: &std::path::Path) -> Db {
    let db = Db::open(dir, Options::tiny()).expect("open");
    for k in keys {
        db.put(k.as_bytes(), format!("v-{k}").as_bytes()).expect("put");
    }
    db
}

fn at(c: &DbCursor) -> Option<String> {
    c.valid().then(|| String::from_utf8(c.key().to_vec()).expect("utf8"))
}

#[test]
fn seek_to_an_absent_key_lands_on_the_next_one_and_past_the_end_is_invalid() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = db_with(&["b", "d", "f"], dir.path());
    let mut c = db.cursor().expect("cursor");
    assert!(!c.valid(), "a new cursor is unpositioned");
    c.seek(b"c").expect("seek");
    assert_eq!(at(&c).as_deref(), Some("d"));
    assert_eq!(c.value(), b"v-d");
    c.seek(b"d").expect("seek");
    assert_eq!(at(&c).as_deref(), Some("d"), "an exact seek lands on the key");
    c.seek(b"g").expect("seek");
    assert_eq!(at(&c), None, "nothing at or after g");
    c.seek_for_prev(b"e").expect("seek_for_prev");
    assert_eq!(at(&c).as_deref(), Some("d"), "the last key <= e");
    c.seek_for_prev(b"a").expect("seek_for_prev");
    assert_eq!(at(&c), None, "nothing at or before a");
    c.status().expect("no error");
}

#[test]
fn prev_from_the_first_key_and_next_from_the_last_are_invalid() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = db_with(&["a", "b"], dir.path());
    let mut c = db.cursor().expect("cursor");
    c.seek_to_first().expect("first");
    assert_eq!(at(&c).as_deref(), Some("a"));
    c.prev().expect("prev");
    assert_eq!(at(&c), None);
    c.seek_to_last().expect("last");
    assert_eq!(at(&c).as_deref(), Some("b"));
    c.next().expect("next");
    assert_eq!(at(&c), None);
    let empty = tempfile::tempdir().expect("tempdir");
    let mut c = db_with(&[], empty.path()).cursor().expect("cursor");
    c.seek_to_first().expect("first");
    assert!(!c.valid(), "an empty database has no first key");
    c.seek_to_last().expect("last");
    assert!(!c.valid(), "nor a last one");
}

/// Keys spread over every source (L1, L0, the immutable-free memtable), overwritten and
/// deleted across them: walking forward, backward and changing direction at every step sees
/// each live key once, with its newest value.
#[test]
fn direction_changes_over_every_source_see_each_live_key_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = db_with(&["a", "c", "e", "g", "i"], dir.path());
    db.compact_range(None, None).expect("to L1");
    for (k, v) in [("b", "1"), ("c", "2"), ("g", "3")] {
        db.put(k, v).expect("put");
    }
    db.flush().expect("to L0");
    db.delete("e").expect("delete");
    db.put("h", "4").expect("put");
    db.delete("i").expect("delete");
    let want = ["a", "b", "c", "g", "h"];
    let mut c = db.cursor().expect("cursor");
    c.seek_to_first().expect("first");
    for (i, k) in want.iter().enumerate() {
        assert_eq!(at(&c).as_deref(), Some(*k));
        if i > 0 {
            c.prev().expect("prev");
            assert_eq!(at(&c).as_deref(), Some(want[i - 1]), "back from {k}");
            c.next().expect("next");
            assert_eq!(at(&c).as_deref(), Some(*k), "forward again");
        }
        c.next().expect("next");
    }
    assert!(!c.valid());
    assert_eq!(db.get(b"c").expect("get").as_deref(), Some(&b"2"[..]));
    c.seek(b"c").expect("seek");
    assert_eq!(c.value(), b"2", "the newest value, from L0 over L1");
    let back: Vec<_> = db.iter().expect("iter").rev().map(|r| r.expect("item").0).collect();
    assert_eq!(
        back,
        want.iter().rev().map(|k| k.as_bytes().to_vec()).collect::<Vec<_>>()
    );
}

#[test]
fn a_cursor_reads_its_snapshot_both_ways_while_compaction_replaces_its_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = db_with(&["a", "b", "c", "d"], dir.path());
    db.flush().expect("flush");
    let snap = db.snapshot();
    let mut c = db.cursor_at(&snap).expect("cursor");
    c.seek_to_last().expect("last");
    db.delete("b").expect("delete");
    db.put("c", "new").expect("put");
    db.compact_range(None, None).expect("compact");
    let mut seen = Vec::new();
    while c.valid() {
        seen.push((at(&c).expect("valid"), c.value().to_vec()));
        c.prev().expect("prev reads the pinned tables");
    }
    let want: Vec<_> = ["d", "c", "b", "a"]
        .iter()
        .map(|k| (k.to_string(), format!("v-{k}").into_bytes()))
        .collect();
    assert_eq!(seen, want, "the snapshot's view, backward");
    let now: Vec<_> = db
        .scan(b"b".to_vec()..)
        .expect("scan")
        .rev()
        .map(|r| r.expect("item").0)
        .collect();
    assert_eq!(
        now,
        [b"d".to_vec(), b"c".to_vec()],
        "the current view skips the deleted b"
    );
}

/// A damaged block fails the move that reads it: the cursor is invalid with the corruption as
/// its status, a later move that reads only healthy tables succeeds and clears it, and a range
/// iterator yields the error once, then ends.
#[test]
fn a_corrupt_block_fails_the_move_that_reads_it_and_only_that_move() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = db_with(&["a1", "a2"], dir.path());
    db.flush().expect("first table");
    db.put("z1", "v-z1").expect("put");
    db.flush().expect("second table");
    let first = db.live_files().into_iter().min_by_key(|f| f.number).expect("a table");
    db.close().expect("close");
    let path = dir.path().join(format!("{:06}.sst", first.number));
    let mut bytes = std::fs::read(&path).expect("read");
    bytes[3] ^= 0x20; // inside the first data block
    std::fs::write(&path, &bytes).expect("write");
    let db = Db::open(dir.path(), Options::tiny()).expect("reopen: tables are read lazily");
    let mut c = db.cursor().expect("cursor");
    let err = c.seek_to_first().expect_err("the damaged block");
    assert!(err.to_string().contains("corruption"), "{err}");
    assert!(!c.valid());
    assert!(c.status().is_err_and(|e| e.to_string() == err.to_string()));
    c.seek(b"z").expect("only the healthy table is read");
    assert_eq!(at(&c).as_deref(), Some("z1"));
    c.status().expect("a good move clears the status");
    let mut it = db.iter().expect("iter");
    assert!(matches!(it.next(), Some(Err(_))), "the error, once");
    assert!(it.next().is_none(), "then the end");
}
