//! `lsmcheck db …`: operate on a database directory, as RocksDB's `ldb` does.
//!
//! Every command opens the database, does its work, and closes it; `get`, `scan` and `stats`
//! open it read-only and change no file. Output is human-readable, or one JSON document with
//! `--json`.

use super::Output;
use engine::{Db, Options, Stats};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

/// Opens `dir` (creating it only if `create`).
fn open(dir: &Path, create: bool) -> engine::Result<Db> {
    let opts = Options {
        create_if_missing: create,
        ..Options::default()
    };
    Db::open(dir, opts)
}

/// `db put KEY VALUE`.
pub fn put(dir: &Path, key: &str, value: &str) -> engine::Result<Output> {
    let db = open(dir, true)?;
    db.put(key, value)?;
    db.close()?;
    Ok(Output::ok("OK".into(), json!({ "ok": true })))
}

/// `db get KEY`: exit code 1 when the key is absent.
pub fn get(dir: &Path, key: &str) -> engine::Result<Output> {
    let db = Db::open_read_only(dir, Options::default())?;
    let value = db.get(key.as_bytes())?;
    db.close()?;
    Ok(match value {
        Some(v) => {
            let v = String::from_utf8_lossy(&v).into_owned();
            Output::ok(v.clone(), json!({ "key": key, "value": v }))
        }
        None => Output {
            text: format!("{key}: not found"),
            json: json!({ "key": key, "value": null }),
            code: 1,
        },
    })
}

/// `db delete KEY`.
pub fn delete(dir: &Path, key: &str) -> engine::Result<Output> {
    let db = open(dir, false)?;
    db.delete(key)?;
    db.close()?;
    Ok(Output::ok("OK".into(), json!({ "ok": true })))
}

/// `db scan [--from K] [--to K] [--limit N]`: keys in `[from, to)`.
pub fn scan(dir: &Path, from: Option<&str>, to: Option<&str>, limit: usize) -> engine::Result<Output> {
    use std::ops::Bound;
    let db = Db::open_read_only(dir, Options::default())?;
    let lo = from.map_or(Bound::Unbounded, |k| Bound::Included(k.as_bytes().to_vec()));
    let hi = to.map_or(Bound::Unbounded, |k| Bound::Excluded(k.as_bytes().to_vec()));
    let mut rows = Vec::new();
    for item in db.scan((lo, hi))?.take(limit) {
        let (k, v) = item?;
        rows.push((
            String::from_utf8_lossy(&k).into_owned(),
            String::from_utf8_lossy(&v).into_owned(),
        ));
    }
    db.close()?;
    let text = rows
        .iter()
        .map(|(k, v)| format!("{k} => {v}"))
        .collect::<Vec<_>>()
        .join("\n");
    let json = json!(rows
        .iter()
        .map(|(k, v)| json!({ "key": k, "value": v }))
        .collect::<Vec<_>>());
    Ok(Output::ok(text, json))
}

/// The key and value of the `i`-th write of `load`: db_bench's fillrandom, 16-byte keys drawn
/// from `[0, keys)` and 100-byte values, all from one seeded ChaCha stream.
fn generated(rng: &mut ChaCha8Rng, keys: u64, value_size: usize) -> (String, String) {
    let key = format!("{:016}", rng.gen_range(0..keys));
    let value = (0..value_size)
        .map(|_| char::from(b'a' + rng.gen_range(0..26u8)))
        .collect();
    (key, value)
}

/// `db load --keys N [--seed S] [--value-size B] [--verify]`.
pub fn load(dir: &Path, keys: u64, seed: u64, value_size: usize, verify: bool) -> engine::Result<Output> {
    let db = open(dir, true)?;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut last = HashMap::new();
    let started = Instant::now();
    for _ in 0..keys {
        let (k, v) = generated(&mut rng, keys, value_size);
        db.put(k.as_bytes(), v.as_bytes())?;
        if verify {
            last.insert(k, v);
        }
    }
    let secs = started.elapsed().as_secs_f64();
    let mut checked = 0;
    if verify {
        for (k, v) in &last {
            let got = db.get(k.as_bytes())?;
            if got.as_deref() != Some(v.as_bytes()) {
                return Err(engine::Error::InvalidArgument(format!(
                    "verify failed: key {k} reads {got:?}"
                )));
            }
            checked += 1;
        }
    }
    db.close()?;
    let rate = keys as f64 / secs.max(1e-9);
    let mut text = format!("loaded {keys} writes (seed {seed}) in {secs:.2}s: {rate:.0} writes/s");
    if verify {
        text.push_str(&format!("\nverified {checked} distinct keys"));
    }
    let json =
        json!({ "writes": keys, "seed": seed, "seconds": secs, "writes_per_second": rate, "verified_keys": checked });
    Ok(Output::ok(text, json))
}

/// `db stats`: the shape, then every table as `sst_dump` would describe it.
pub fn stats(dir: &Path) -> engine::Result<Output> {
    let db = Db::open_read_only(dir, Options::default())?;
    let s = db.stats();
    let mut text = s.to_string();
    let mut json = stats_json(&s);
    let mut tables = Vec::new();
    text.push_str("\ntables:");
    for f in db.live_files() {
        let p = db.table_properties(f.number)?;
        text.push_str(&format!("\n  {}", crate::tools::manifest::describe_table(&f, &p)));
        tables.push(crate::tools::manifest::table_json(&f, Some(&p)));
    }
    db.close()?;
    json["tables"] = Value::Array(tables);
    Ok(Output::ok(text, json))
}

/// `db repair`: rebuilds the database from what can still be read (see `engine::repair`).
pub fn repair(dir: &Path) -> engine::Result<Output> {
    let r = engine::repair(dir, &Options::default())?;
    let mut text = String::new();
    for (f, n) in &r.tables_salvaged {
        text.push_str(&format!("salvaged {f}: {n} entries\n"));
    }
    for (f, n) in &r.wals_salvaged {
        text.push_str(&format!("salvaged {f}: {n} write batches\n"));
    }
    for (f, why) in &r.dropped {
        text.push_str(&format!("LOST     {f}: {why}\n"));
    }
    text.push_str(&format!(
        "wrote {} table(s) with {} entries and a new MANIFEST; moved {} old file(s) into lost/",
        r.tables_written.len(),
        r.entries,
        r.archived.len()
    ));
    let json = json!({
        "tables_salvaged": r.tables_salvaged,
        "wals_salvaged": r.wals_salvaged,
        "dropped": r.dropped,
        "tables_written": r.tables_written,
        "entries": r.entries,
        "archived": r.archived,
    });
    Ok(Output::ok(text, json))
}

/// `db compact [--from K] [--to K]`: compacts the range down to the deepest level with data.
pub fn compact(dir: &Path, from: Option<&str>, to: Option<&str>) -> engine::Result<Output> {
    let db = open(dir, false)?;
    let before = db.stats();
    db.compact_range(from.map(str::as_bytes), to.map(str::as_bytes))?;
    let after = db.stats();
    db.close()?;
    let l0 = |s: &Stats| s.levels[0].files.len();
    let text = format!("compacted: L0 files {} -> {}\n{after}", l0(&before), l0(&after));
    Ok(Output::ok(
        text,
        json!({ "before": stats_json(&before), "after": stats_json(&after) }),
    ))
}

fn stats_json(s: &Stats) -> Value {
    json!({
        "levels": s.levels.iter().enumerate().map(|(l, ls)| json!({
            "level": l,
            "files": ls.files.iter().map(|(n, b)| json!({ "number": n, "bytes": b })).collect::<Vec<_>>(),
            "bytes": ls.bytes(),
        })).collect::<Vec<_>>(),
        "current_version": s.current_version,
        "live_versions": s.live_versions.iter().map(|(id, refs)| json!({ "id": id, "refs": refs })).collect::<Vec<_>>(),
        "pending_outputs": s.pending_outputs,
        "last_sequence": s.last_sequence,
        "memtable_bytes": s.memtable_bytes,
        "has_imm": s.has_imm,
        "background_error": s.background_error,
    })
}
