//! What open does with what a crash (or a damaged disk) leaves, on real files: torn and
//! zero-filled and garbage WAL tails, corrupt records, `paranoid_checks`, missing tables, a crashed first open, and
//! directories that hold no database.

use engine::{Db, Error, Options};
use std::fs;
use std::path::{Path, PathBuf};

fn files_ending(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(dir)
        .expect("list")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(suffix))
        .collect();
    v.sort();
    v
}

fn listing(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    files_ending(dir, "")
        .into_iter()
        .map(|p| (p.clone(), fs::read(&p).expect("read")))
        .collect()
}

/// `Options::tiny()` with strict WAL recovery.
fn paranoid() -> Options {
    Options {
        paranoid_checks: true,
        ..Options::tiny()
    }
}

/// A database whose last WAL holds `a=1` and `b=2`, closed cleanly.
fn two_writes() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = Db::open(dir.path(), Options::tiny()).expect("open");
    db.put("a", "1").expect("put");
    db.put("b", "2").expect("put");
    db.close().expect("close");
    let wal = files_ending(dir.path(), ".log").pop().expect("a wal");
    (dir, wal)
}

#[test]
fn a_zero_filled_wal_tail_opens_with_the_prefix_and_is_reported() {
    let (dir, wal) = two_writes();
    let mut bytes = fs::read(&wal).expect("read");
    let len = bytes.len();
    bytes.extend(std::iter::repeat_n(0u8, 4096)); // what a crash mid-append can leave
    fs::write(&wal, &bytes).expect("write");
    let db = Db::open(dir.path(), Options::tiny()).expect("a zero tail is a torn write, not corruption");
    assert_eq!(db.get(b"a").expect("get"), Some(b"1".to_vec()));
    assert_eq!(db.get(b"b").expect("get"), Some(b"2".to_vec()));
    let dropped = &db.recovery_report().dropped;
    assert_eq!(dropped.len(), 1, "{dropped:?}");
    assert_eq!(
        (dropped[0].file.clone(), dropped[0].offset, dropped[0].bytes),
        (wal, len as u64, 4096)
    );
}

/// ALICE (OSDI'14): after a power loss the WAL's last record can have its length intact and its
/// bytes garbage. Under the default options that is a dropped tail, reported, never a database
/// that will not open; a paranoid open refuses it, naming the file and offset.
#[test]
fn a_garbage_last_record_is_dropped_by_default_and_fails_a_paranoid_open() {
    let (dir, wal) = two_writes();
    let first_record = 8 + 17; // header + a one-put batch ("a" = "1")
    let mut bytes = fs::read(&wal).expect("read");
    bytes[first_record + 9] ^= 0x5a; // inside the second, last record's payload
    fs::write(&wal, &bytes).expect("write");
    let err = Db::open(dir.path(), paranoid()).expect_err("paranoid");
    assert!(
        matches!(err, Error::Corruption { ref path, offset, .. } if *path == wal && offset == first_record as u64),
        "{err}"
    );
    let db = Db::open(dir.path(), Options::tiny()).expect("opens with the prefix");
    assert_eq!(db.get(b"a").expect("get"), Some(b"1".to_vec()));
    assert_eq!(db.get(b"b").expect("get"), None);
    let dropped = &db.recovery_report().dropped;
    assert_eq!(dropped.len(), 1, "{dropped:?}");
    let d = &dropped[0];
    assert_eq!(
        (d.file.clone(), d.offset, d.bytes),
        (wal, first_record as u64, (bytes.len() - first_record) as u64)
    );
    assert!(d.reason.contains("garbage tail"), "{dropped:?}");
}

/// The issue's own reproduction, with `Options::default()` exactly: a WAL whose last record is
/// garbage opens and keeps every earlier record.
#[test]
fn default_options_reopen_a_wal_ending_in_a_garbage_record_keeping_every_earlier_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = Db::open(dir.path(), Options::default()).expect("open");
    for i in 0..20u32 {
        db.put(format!("k{i:02}"), format!("v{i}")).expect("put");
    }
    db.close().expect("close");
    let wal = files_ending(dir.path(), ".log").pop().expect("a wal");
    let mut bytes = fs::read(&wal).expect("read");
    let n = bytes.len();
    for b in &mut bytes[n - 6..] {
        *b = b.wrapping_mul(31).wrapping_add(7); // the last record's tail bytes, garbled
    }
    fs::write(&wal, &bytes).expect("write");
    let db = Db::open(dir.path(), Options::default()).expect("a garbage tail never bricks the database");
    for i in 0..19u32 {
        let want = Some(format!("v{i}").into_bytes());
        assert_eq!(db.get(format!("k{i:02}").as_bytes()).expect("get"), want, "k{i:02}");
    }
    assert_eq!(db.get(b"k19").expect("get"), None, "the garbage record is gone");
    assert_eq!(db.recovery_report().dropped.len(), 1);
}

/// A bad record followed by intact ones is damage, not a crash: a paranoid open refuses it;
/// the default keeps the prefix before it and drops (and reports) the rest.
#[test]
fn a_bad_record_followed_by_intact_ones_is_corruption() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = Db::open(dir.path(), Options::tiny()).expect("open");
    for k in ["a", "b", "c"] {
        db.put(k, "1").expect("put");
    }
    db.close().expect("close");
    let wal = files_ending(dir.path(), ".log").pop().expect("a wal");
    let second = 8 + 17;
    let mut bytes = fs::read(&wal).expect("read");
    bytes[second + 9] ^= 0x5a; // inside b's record; c's follows intact
    fs::write(&wal, &bytes).expect("write");
    let err = Db::open(dir.path(), paranoid()).expect_err("paranoid");
    assert!(err.to_string().contains("checksum"), "{err}");
    let db = Db::open(dir.path(), Options::tiny()).expect("opens with the prefix");
    assert_eq!(db.get(b"a").expect("get"), Some(b"1".to_vec()));
    assert_eq!(db.get(b"c").expect("get"), None, "nothing after the damage: a prefix");
    let d = &db.recovery_report().dropped[0];
    assert_eq!((d.offset, d.bytes), (second as u64, (bytes.len() - second) as u64));
    assert!(d.reason.contains("checksum"), "{d:?}");
}

#[test]
fn a_table_the_manifest_lists_but_the_directory_lacks_fails_open_naming_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = Db::open(dir.path(), Options::tiny()).expect("open");
    for i in 0..100u32 {
        db.put(format!("k{i:03}"), "v").expect("put");
    }
    db.flush().expect("flush");
    db.close().expect("close");
    let table = files_ending(dir.path(), ".sst").pop().expect("a table");
    fs::remove_file(&table).expect("rm");
    let before = listing(dir.path());
    let err = Db::open(dir.path(), Options::tiny()).expect_err("a listed table is missing");
    let name = table.file_name().expect("name").to_string_lossy().into_owned();
    assert!(matches!(err, Error::Corruption { .. }), "{err}");
    assert!(err.to_string().contains(&name), "names {name}: {err}");
    assert_eq!(listing(dir.path()), before, "a failed open writes and deletes nothing");
}

#[test]
fn a_first_open_that_crashed_before_current_opens_as_a_new_database() {
    let dir = tempfile::tempdir().expect("tempdir");
    // What a crash between the MANIFEST's sync and CURRENT's rename leaves.
    {
        let db = Db::open(dir.path(), Options::tiny()).expect("open");
        db.close().expect("close");
    }
    fs::remove_file(dir.path().join("CURRENT")).expect("rm");
    assert!(!files_ending(dir.path(), ".log").is_empty());
    let db = Db::open(dir.path(), Options::tiny()).expect("no write was ever acknowledged: start afresh");
    db.put("k", "v").expect("put");
    db.close().expect("close");
    let db = Db::open(dir.path(), Options::tiny()).expect("reopen");
    assert_eq!(db.get(b"k").expect("get"), Some(b"v".to_vec()));
    assert_eq!(
        files_ending(dir.path(), "")
            .iter()
            .filter(|p| p.to_string_lossy().contains("MANIFEST"))
            .count(),
        1
    );
}

#[test]
fn create_if_missing_off_refuses_a_directory_without_a_database() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut o = Options::tiny();
    o.create_if_missing = false;
    let err = Db::open(dir.path(), o).expect_err("an empty directory is no database");
    assert!(err.to_string().contains("no database"), "{err}");
    let left: Vec<PathBuf> = files_ending(dir.path(), "")
        .into_iter()
        .filter(|p| !p.ends_with("LOCK"))
        .collect();
    assert!(left.is_empty(), "nothing created but the lock: {left:?}");
}

#[test]
fn a_synced_write_is_acknowledged_like_any_other() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = Db::open(dir.path(), Options::tiny()).expect("open");
    let mut b = engine::WriteBatch::new();
    b.put("k", "v");
    db.write_opt(b, engine::WriteOptions::synced()).expect("synced write");
    drop(db);
    let db = Db::open(dir.path(), Options::tiny()).expect("reopen");
    assert_eq!(db.get(b"k").expect("get"), Some(b"v".to_vec()));
}

#[test]
fn repair_recovers_a_database_with_a_flipped_wal_byte_and_reports_what_it_lost() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = Db::open(dir.path(), Options::tiny()).expect("open");
    for i in 0..300u32 {
        db.put(format!("k{i:03}"), format!("v{i}")).expect("put");
    }
    db.flush().expect("flush");
    db.compact_range(None, None).expect("compact");
    db.put("w1", "in the wal").expect("put");
    db.put("w2", "after the damage").expect("put");
    db.close().expect("close");
    let wal = files_ending(dir.path(), ".log").pop().expect("a wal");
    let mut bytes = fs::read(&wal).expect("read");
    let at = bytes.len() - 3;
    bytes[at] ^= 0x5a; // inside the last record (w2)
    fs::write(&wal, &bytes).expect("write");
    Db::open(dir.path(), paranoid()).expect_err("the damage stops a paranoid open");

    let report = engine::repair(dir.path(), &Options::tiny()).expect("repair");
    assert!(!report.tables_salvaged.is_empty(), "{report:?}");
    assert!(
        report
            .dropped
            .iter()
            .any(|(f, why)| wal.ends_with(f) && why.contains("garbage tail")),
        "{report:?}"
    );
    assert!(
        !report.archived.is_empty() && dir.path().join("lost").is_dir(),
        "nothing deleted: {report:?}"
    );
    let db = Db::open(dir.path(), Options::tiny()).expect("a repaired database opens");
    for i in 0..300u32 {
        assert_eq!(
            db.get(format!("k{i:03}").as_bytes()).expect("get"),
            Some(format!("v{i}").into_bytes())
        );
    }
    assert_eq!(db.get(b"w1").expect("get"), Some(b"in the wal".to_vec()));
    assert_eq!(
        db.get(b"w2").expect("get"),
        None,
        "the damaged record is gone, and reported"
    );
    db.put("after", "repair").expect("writes work");
    assert_eq!(db.iter().expect("iter").count(), 302);
}

#[test]
fn repair_keeps_the_newest_value_of_every_key_across_levels() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = Db::open(dir.path(), Options::tiny()).expect("open");
    for round in 0..3u32 {
        for i in 0..150u32 {
            db.put(format!("k{i:03}"), format!("r{round}-{i}")).expect("put");
        }
        db.flush().expect("flush");
        if round == 0 {
            db.compact_range(None, None).expect("compact"); // older values deeper
        }
    }
    db.delete("k007").expect("delete");
    db.close().expect("close");
    engine::repair(dir.path(), &Options::tiny()).expect("repair");
    let db = Db::open(dir.path(), Options::tiny()).expect("open");
    for i in 0..150u32 {
        let want = (i != 7).then(|| format!("r2-{i}").into_bytes());
        assert_eq!(db.get(format!("k{i:03}").as_bytes()).expect("get"), want, "k{i:03}");
    }
}

/// A record whose checksum is right but whose batch does not decode (a bad op kind) is
/// corruption too: a paranoid open refuses it; by default the prefix opens and the rest is
/// reported, with its size.
#[test]
fn a_well_framed_record_holding_a_malformed_batch_drops_the_rest_and_says_so() {
    let (dir, wal) = two_writes();
    let second = 8 + 17; // header + a one-put batch ("a" = "1")
    let mut bytes = fs::read(&wal).expect("read");
    let len = u32::from_le_bytes(bytes[second + 4..second + 8].try_into().expect("4 bytes")) as usize;
    bytes[second + 8 + 12] = 7; // the first op's kind, after the sequence and the count
    let crc = crc32c::crc32c(&bytes[second + 4..second + 8 + len]);
    bytes[second..second + 4].copy_from_slice(&crc.to_le_bytes());
    fs::write(&wal, &bytes).expect("write");
    Db::open(dir.path(), paranoid()).expect_err("paranoid");
    let db = Db::open(dir.path(), Options::tiny()).expect("opens with the prefix");
    assert_eq!(db.get(b"a").expect("get"), Some(b"1".to_vec()));
    assert_eq!(db.get(b"b").expect("get"), None);
    let dropped = &db.recovery_report().dropped;
    assert_eq!(dropped.len(), 1, "{dropped:?}");
    let d = &dropped[0];
    assert_eq!(
        (d.file.clone(), d.offset, d.bytes),
        (wal, second as u64, (bytes.len() - second) as u64)
    );
    assert!(d.reason.contains("malformed write batch"), "{dropped:?}");
}

/// A WAL older than the MANIFEST's log number is already in a table; if a crash left it on
/// disk (before GC unlinked it), open must not replay it over the newer data.
#[test]
fn a_wal_the_manifest_covers_is_not_replayed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = Db::open(dir.path(), Options::tiny()).expect("open");
    db.put("a", "old").expect("put");
    let wal = files_ending(dir.path(), ".log").pop().expect("a wal");
    let old_wal = fs::read(&wal).expect("read");
    db.flush().expect("flush: a new WAL, the old one is obsolete");
    db.put("a", "new").expect("put");
    db.flush().expect("flush");
    db.close().expect("close");
    assert!(!wal.exists(), "GC removed the obsolete WAL");
    fs::write(&wal, old_wal).expect("what a crash before GC leaves");
    let db = Db::open(dir.path(), Options::tiny()).expect("reopen");
    assert_eq!(db.get(b"a").expect("get"), Some(b"new".to_vec()));
}

/// A WAL is synced whole before the next one begins, so garbage at the end of an older WAL is
/// damage, not a crash: a paranoid open refuses it, and by default recovery keeps the prefix
/// before it and drops (and reports) the later WAL too, so what opens is a prefix of history.
#[test]
fn garbage_at_the_end_of_an_older_wal_is_corruption() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = Db::open(dir.path(), Options::tiny()).expect("open");
    let mut i = 0u32;
    while files_ending(dir.path(), ".log").len() < 2 {
        db.put(format!("k{i:04}"), "x".repeat(40)).expect("put");
        i += 1;
    }
    db.put("newest", "in the later WAL").expect("put");
    db.close().expect("close");
    let wals = files_ending(dir.path(), ".log");
    assert_eq!(wals.len(), 2, "{wals:?}");
    let mut older = fs::read(&wals[0]).expect("read");
    let n = older.len();
    older[n - 2] ^= 0x5a; // the older WAL's last record
    fs::write(&wals[0], &older).expect("write");
    let err = Db::open(dir.path(), paranoid()).expect_err("paranoid");
    assert!(err.to_string().contains("synced before a later one"), "{err}");
    let db = Db::open(dir.path(), Options::tiny()).expect("opens with the prefix");
    assert_eq!(db.get(b"k0000").expect("get"), Some("x".repeat(40).into_bytes()));
    assert_eq!(
        db.get(b"newest").expect("get"),
        None,
        "nothing after the damage: a prefix"
    );
    let dropped = &db.recovery_report().dropped;
    assert_eq!(dropped.len(), 2, "{dropped:?}");
    assert_eq!(dropped[1].file, wals[1]);
}
