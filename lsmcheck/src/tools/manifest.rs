//! `lsmcheck db dump-manifest` (RocksDB's `ldb manifest_dump`), and how the database tools
//! describe one table file.

use super::Output;
use engine::key::InternalKey;
use engine::version::{FileMeta, VersionEdit};
use engine::{LiveFile, TableProperties};
use serde_json::{json, Value};
use std::path::Path;

/// `key@seq` for a put, `key@seq(del)` for a tombstone.
fn show_key(k: &InternalKey) -> String {
    let del = if k.kind == engine::key::Kind::Delete {
        "(del)"
    } else {
        ""
    };
    format!("{}@{}{del}", String::from_utf8_lossy(&k.user), k.seq)
}

fn key_json(k: &InternalKey) -> Value {
    json!({ "key": String::from_utf8_lossy(&k.user), "seq": k.seq, "tombstone": k.kind == engine::key::Kind::Delete })
}

/// One line for table `f`: level, number, size, key range and what reading it counted.
pub fn describe_table(f: &LiveFile, p: &TableProperties) -> String {
    let seqs = p.sequences.map_or("-".into(), |(lo, hi)| format!("{lo}..{hi}"));
    format!(
        "L{} #{:06} {:>10} B  [{} .. {}]  {} entries ({} tombstones), sequences {seqs}",
        f.level,
        f.number,
        f.size,
        show_key(&f.smallest),
        show_key(&f.largest),
        p.entries,
        p.tombstones
    )
}

/// Table `f` as JSON, with its properties if they were read.
pub fn table_json(f: &LiveFile, p: Option<&TableProperties>) -> Value {
    let mut v = json!({
        "level": f.level, "number": f.number, "bytes": f.size,
        "smallest": key_json(&f.smallest), "largest": key_json(&f.largest),
    });
    if let Some(p) = p {
        v["entries"] = json!(p.entries);
        v["tombstones"] = json!(p.tombstones);
        v["sequences"] = json!(p.sequences.map(|(lo, hi)| [lo, hi]));
    }
    v
}

fn added(level: usize, f: &FileMeta) -> LiveFile {
    LiveFile {
        level,
        number: f.number,
        size: f.size,
        smallest: f.smallest.clone(),
        largest: f.largest.clone(),
    }
}

/// One edit as text lines: its counters, then each file it removes and adds.
fn describe_edit(offset: u64, e: &VersionEdit) -> String {
    let counters = [
        ("log", e.log_number),
        ("prev-log", e.prev_log_number),
        ("next-file", e.next_file_number),
        ("last-seq", e.last_sequence),
    ];
    let set: Vec<String> = counters
        .iter()
        .filter_map(|(n, v)| v.map(|v| format!("{n} {v}")))
        .collect();
    let mut out = format!("@{offset}: {}", set.join(", "));
    for (level, number) in &e.deleted {
        out.push_str(&format!("\n  - L{level} #{number:06}"));
    }
    for (level, f) in &e.added {
        let f = added(*level, f);
        out.push_str(&format!(
            "\n  + L{level} #{:06} {} B [{} .. {}]",
            f.number,
            f.size,
            show_key(&f.smallest),
            show_key(&f.largest)
        ));
    }
    out
}

fn edit_json(offset: u64, e: &VersionEdit) -> Value {
    json!({
        "offset": offset,
        "log_number": e.log_number, "prev_log_number": e.prev_log_number,
        "next_file_number": e.next_file_number, "last_sequence": e.last_sequence,
        "deleted": e.deleted.iter().map(|(l, n)| json!({ "level": l, "number": n })).collect::<Vec<_>>(),
        "added": e.added.iter().map(|(l, f)| table_json(&added(*l, f), None)).collect::<Vec<_>>(),
    })
}

/// `db dump-manifest`: every edit of the MANIFEST `CURRENT` names, oldest first.
pub fn dump(dir: &Path) -> engine::Result<Output> {
    let (path, edits) = engine::dump_manifest(dir)?;
    let mut text = format!("{}: {} edits", path.display(), edits.len());
    for (offset, e) in &edits {
        text.push('\n');
        text.push_str(&describe_edit(*offset, e));
    }
    let json = json!({
        "manifest": path.display().to_string(),
        "edits": edits.iter().map(|(o, e)| edit_json(*o, e)).collect::<Vec<_>>(),
    });
    Ok(Output { text, json, code: 0 })
}
