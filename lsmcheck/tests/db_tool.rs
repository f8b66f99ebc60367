//! `lsmcheck db …` end to end through the binary, on real files.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

fn lsmcheck(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lsmcheck"))
        .arg("db")
        .arg("--dir")
        .arg(dir)
        .args(args)
        .output()
        .expect("run lsmcheck")
}

fn json(out: &Output) -> Value {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("JSON output")
}

fn files_per_level(stats: &Value) -> Vec<usize> {
    stats["levels"]
        .as_array()
        .expect("levels")
        .iter()
        .map(|l| l["files"].as_array().expect("files").len())
        .collect()
}

#[test]
fn load_stats_get_compact_on_real_files() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("db");
    let load = json(&lsmcheck(
        &dir,
        &["load", "--keys", "120000", "--seed", "7", "--verify", "--json"],
    ));
    assert_eq!(load["writes"], 120000);
    assert!(load["verified_keys"].as_u64().expect("count") > 70000);

    let stats = json(&lsmcheck(&dir, &["stats", "--json"]));
    let levels = files_per_level(&stats);
    assert!(
        levels.iter().skip(1).any(|&n| n > 0),
        "compaction moved data below L0: {levels:?}"
    );
    assert_eq!(stats["live_versions"].as_array().expect("versions").len(), 1);

    let first = json(&lsmcheck(&dir, &["scan", "--limit", "1", "--json"]));
    let key = first[0]["key"].as_str().expect("a key");
    let got = json(&lsmcheck(&dir, &["get", key, "--json"]));
    assert_eq!(got["value"], first[0]["value"]);
    assert_eq!(got["value"].as_str().expect("value").len(), 100);

    let compacted = json(&lsmcheck(&dir, &["compact", "--json"]));
    let (before, after) = (
        files_per_level(&compacted["before"]),
        files_per_level(&compacted["after"]),
    );
    assert!(before[0] > 0, "a writable open wrote the WAL to L0: {before:?}");
    assert_eq!(after[0], 0, "compact empties L0: {before:?} -> {after:?}");
    let again = json(&lsmcheck(&dir, &["get", key, "--json"]));
    assert_eq!(again["value"], first[0]["value"], "values survive compaction");
}

#[test]
fn exit_codes_name_what_went_wrong() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("db");
    assert!(lsmcheck(&dir, &["put", "k", "v"]).status.success());
    let missing = lsmcheck(&dir, &["get", "absent"]);
    assert_eq!(missing.status.code(), Some(1));

    let nowhere = tmp.path().join("nowhere");
    let err = lsmcheck(&nowhere, &["stats"]);
    assert_eq!(err.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&err.stderr).contains("nowhere"),
        "names the directory"
    );

    std::fs::write(dir.join("CURRENT"), "junk").expect("damage CURRENT");
    let corrupt = lsmcheck(&dir, &["get", "k"]);
    assert_eq!(corrupt.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&corrupt.stderr).contains("CURRENT"));
}

#[test]
fn repair_salvages_a_database_with_a_flipped_wal_byte_and_says_what_it_lost() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("db");
    for (k, v) in [("a", "1"), ("b", "2"), ("c", "3")] {
        assert!(lsmcheck(&dir, &["put", k, v]).status.success());
    }
    // Each `put` above ran in its own process: the newest WAL holds only `c`'s record.
    let mut wals: Vec<_> = std::fs::read_dir(&dir)
        .expect("list")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "log"))
        .collect();
    wals.sort();
    let wal = wals.pop().expect("a wal");
    let mut bytes = std::fs::read(&wal).expect("read");
    assert!(!bytes.is_empty(), "the last process's WAL holds c's record");
    let last = bytes.len() - 1;
    bytes[last] ^= 0x5a;
    std::fs::write(&wal, bytes).expect("damage the WAL");
    // (A default open would drop that garbage tail too, and report it; repair says so as well.)

    let repaired = lsmcheck(&dir, &["repair"]);
    let text = String::from_utf8_lossy(&repaired.stdout);
    assert!(
        repaired.status.success(),
        "{}",
        String::from_utf8_lossy(&repaired.stderr)
    );
    assert!(
        text.contains("LOST") && text.contains("garbage tail"),
        "says what it lost: {text}"
    );
    assert!(dir.join("lost").is_dir(), "old files are archived, not deleted");
    for (k, v) in [("a", "1"), ("b", "2")] {
        let got = json(&lsmcheck(&dir, &["get", k, "--json"]));
        assert_eq!(got["value"], v);
    }
    assert_eq!(
        lsmcheck(&dir, &["get", "c"]).status.code(),
        Some(1),
        "the damaged record is gone"
    );
}

fn snapshot(dir: &Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .expect("list")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .map(|p| (p.clone(), std::fs::read(&p).expect("read")))
        .collect();
    v.sort();
    v
}

#[test]
fn read_commands_leave_every_file_byte_identical_and_create_nothing() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("db");
    assert!(lsmcheck(&dir, &["load", "--keys", "500"]).status.success());
    assert!(lsmcheck(&dir, &["put", "in-the-wal", "1"]).status.success());
    let before = snapshot(&dir);
    for args in [
        &["get", "in-the-wal"][..],
        &["scan", "--limit", "3"],
        &["stats"],
        &["stats", "--json"],
        &["dump-manifest"],
        &["dump-manifest", "--json"],
    ] {
        let o = lsmcheck(&dir, args);
        assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
        assert_eq!(snapshot(&dir), before, "`db {args:?}` changed a file");
    }
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).expect("mkdir");
    for args in [&["get", "k"][..], &["scan"], &["stats"], &["dump-manifest"]] {
        let o = lsmcheck(&empty, args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&o.stderr).contains("no database"), "{args:?}");
        assert!(snapshot(&empty).is_empty(), "`db {args:?}` created a file");
    }
    let o = Command::new(env!("CARGO_BIN_EXE_lsmcheck"))
        .args(["db", "stats"])
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(2), "--dir is required");
}

/// `db stats` describes every table as `sst_dump` would (key range, size, entries, tombstones,
/// sequences, read from the table) and `db dump-manifest` lists the edits that made them.
#[test]
fn stats_describe_every_table_and_dump_manifest_lists_the_edits() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("db");
    assert!(lsmcheck(&dir, &["load", "--keys", "2000"]).status.success());
    assert!(lsmcheck(&dir, &["delete", "0000000000000007"]).status.success());
    assert!(lsmcheck(&dir, &["compact"]).status.success());
    let stats = json(&lsmcheck(&dir, &["stats", "--json"]));
    let tables = stats["tables"].as_array().expect("tables");
    assert!(!tables.is_empty());
    let entries: u64 = tables.iter().map(|t| t["entries"].as_u64().expect("entries")).sum();
    assert!(entries > 1000 && entries <= 2001, "{entries} entries in the tables");
    for t in tables {
        let (lo, hi) = (&t["smallest"]["key"], &t["largest"]["key"]);
        assert!(lo.as_str() <= hi.as_str(), "{t}");
        let seqs = t["sequences"].as_array().expect("sequences");
        assert!(seqs[0].as_u64() <= seqs[1].as_u64(), "{t}");
    }
    let dump = json(&lsmcheck(&dir, &["dump-manifest", "--json"]));
    let edits = dump["edits"].as_array().expect("edits");
    let added: Vec<u64> = edits
        .iter()
        .flat_map(|e| e["added"].as_array().expect("added").iter())
        .map(|f| f["number"].as_u64().expect("number"))
        .collect();
    for t in tables {
        assert!(
            added.contains(&t["number"].as_u64().expect("number")),
            "an edit added {t}"
        );
    }
    let text = String::from_utf8(lsmcheck(&dir, &["dump-manifest"]).stdout).expect("utf8");
    assert!(text.contains("MANIFEST-") && text.contains("+ L"), "{text}");
    let manifest = dump["manifest"].as_str().expect("path");
    let mut bytes = std::fs::read(manifest).expect("read");
    bytes[12] ^= 0x40; // inside the first record
    std::fs::write(manifest, &bytes).expect("write");
    let o = lsmcheck(&dir, &["dump-manifest"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("corruption in") && err.contains("MANIFEST-"), "{err}");
}
