//! Unit tests of the strict simulated filesystem: deleted files stay deleted for every handle
//! (O3), a second delete is a violation (O5), and the crash images keep exactly what each crash
//! model promises.

use super::durability::CrashModel;
use super::SimFs;
use crate::world::{Violation, World};
use engine::fs::Fs;
use engine::sync::Std;
use std::path::Path;

fn fs() -> (World, SimFs<Std>) {
    let world = World::new();
    let fs = SimFs::<Std>::new(world.clone());
    fs.create_dir_all(Path::new("/db")).expect("mkdir");
    (world, fs)
}

#[test]
fn a_deleted_file_cannot_be_read_even_through_a_handle_opened_before() {
    let (world, fs) = fs();
    let p = Path::new("/db/000005.sst");
    let mut w = fs.create(p).expect("create");
    w.append(b"table").expect("append");
    drop(w);
    let r = fs.open(p).expect("open");
    assert_eq!(r.read_at(0, 5).expect("read"), b"table");
    fs.remove(p).expect("remove");
    assert!(
        r.read_at(0, 5).is_err(),
        "stricter than POSIX: the handle dies with the name"
    );
    assert!(matches!(world.violation(), Some(Violation::ReadOfDeletedFile { .. })));
    assert!(fs.open(p).is_err());
}

#[test]
fn a_second_delete_is_a_violation() {
    let (world, fs) = fs();
    let p = Path::new("/db/000007.sst");
    drop(fs.create(p).expect("create"));
    fs.remove(p).expect("first delete");
    assert!(world.violation().is_none());
    assert!(fs.remove(p).is_err());
    assert!(matches!(world.violation(), Some(Violation::DoubleDelete { .. })), "O5");
}

#[test]
fn each_crash_model_keeps_exactly_what_it_promises() {
    let (_world, fs) = fs();
    fs.record_crashes();
    let dir = Path::new("/db");
    let synced = dir.join("000003.log");
    let mut w = fs.create(&synced).expect("create");
    w.append(b"aa").expect("append");
    w.sync().expect("sync");
    fs.sync_dir(dir).expect("sync dir");
    w.append(b"bb").expect("append");
    w.flush().expect("flush"); // handed to the OS, not synced
    w.append(b"cc").expect("append"); // still in the process's buffer
    let unnamed = dir.join("000004.log");
    let mut u = fs.create(&unnamed).expect("create");
    u.append(b"x").expect("append");
    u.sync().expect("sync data, but its name is never made durable");

    let last = |model| fs.crash_images(model).pop().expect("crash points recorded").1;
    let process = last(CrashModel::Process);
    assert_eq!(
        process[&synced], b"aabb",
        "the OS keeps flushed bytes, not the process buffer"
    );
    assert_eq!(process[&unnamed], b"x");
    let power = last(CrashModel::Power);
    assert_eq!(power[&synced], b"aa", "power loss keeps synced bytes only");
    assert!(
        !power.contains_key(&unnamed),
        "and only names a directory sync made durable"
    );
}

#[test]
fn a_reopened_file_appends_at_its_end_and_only_a_sync_makes_that_durable() {
    let (_, fs) = fs();
    fs.record_crashes();
    let p = Path::new("/db/MANIFEST-000003");
    let mut w = fs.create(p).expect("create");
    w.append(b"one").expect("append");
    w.sync().expect("sync");
    drop(w);
    fs.sync_dir(Path::new("/db")).expect("sync dir");
    let mut w = fs.reopen(p).expect("reopen");
    w.append(b"two").expect("append");
    w.flush().expect("flush");
    assert_eq!(fs.open(p).expect("open").read_at(0, 6).expect("read"), b"onetwo");
    let power = fs
        .crash_images(CrashModel::Power)
        .pop()
        .expect("crash points recorded")
        .1;
    assert_eq!(power[p], b"one", "bytes appended after the reopen are not synced yet");
    assert!(
        fs.reopen(Path::new("/db/MANIFEST-000009")).is_err(),
        "nothing to reopen"
    );
}

/// `torn` keeps part of the last unsynced append (its first half, or zeros of its length);
/// `garbage` keeps its length with garbage bytes (all of them, or after an intact first half),
/// alternating by crash point.
#[test]
fn torn_and_garbage_crashes_damage_only_the_last_unsynced_append() {
    let (_world, fs) = fs();
    fs.record_crashes();
    let dir = Path::new("/db");
    let wal = dir.join("000003.log");
    let mut w = fs.create(&wal).expect("create");
    w.append(b"synced").expect("append");
    w.sync().expect("sync");
    fs.sync_dir(dir).expect("sync dir");
    w.append(b"12345678").expect("append");
    w.flush().expect("flush: handed to the OS, never synced");
    w.flush().expect("a second crash point, of the other parity");
    let last_two = |model| fs.crash_images(model).into_iter().rev().take(2).collect::<Vec<_>>();
    for (point, image) in last_two(CrashModel::Torn) {
        let want: &[u8] = if point.index % 2 == 0 {
            b"synced\0\0\0\0\0\0\0\0"
        } else {
            b"synced1234"
        };
        assert_eq!(image[&wal], want, "torn at point {}", point.index);
    }
    for (point, image) in last_two(CrashModel::Garbage) {
        let data = &image[&wal];
        assert!(
            data.starts_with(b"synced") && data.len() == 14,
            "synced bytes, and the append's length"
        );
        let kept = if point.index % 2 == 0 { 0 } else { 4 };
        assert_eq!(
            &data[6..6 + kept],
            &b"1234"[..kept],
            "an intact first half, at odd points"
        );
        assert!(data[6 + kept..].iter().all(|&b| b != 0), "garbage, never zeros");
        assert_ne!(&data[6 + kept..], &b"12345678"[kept..], "the rest is garbage");
    }
}
