//! lsmbench: LevelDB's db_bench workloads run side by side on three engines in one process.
//!
//! Workloads (db_bench's defaults: 16-byte keys, 100-byte values, no sync): fillseq,
//! fillrandom, overwrite, readrandom, readseq, readwhilewriting (3 readers and 1 writer for a
//! fixed number of reads). Engines: this project's `engine`, rusty-leveldb and fjall, each on
//! real files in a fresh temporary directory. Runs are interleaved A/B/C, A/B/C… so machine noise
//! hits every engine alike; each figure is the median of the runs, and the ratio is ours/theirs.
//!
//! Usage: `lsmbench [ENTRIES] [RUNS] [WORKLOAD,…]` (default 200000 entries, 5 runs, every
//! workload). Writes `../reports/bench/engine.json`.

mod engines;

use engines::{Engine, Kind};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::time::Instant;

const VALUE_SIZE: usize = 100;
const WORKLOADS: [&str; 6] = [
    "fillseq",
    "fillrandom",
    "overwrite",
    "readrandom",
    "readseq",
    "readwhilewriting",
];

fn key(i: u64) -> Vec<u8> {
    format!("{i:016}").into_bytes()
}

fn value(rng: &mut ChaCha8Rng) -> Vec<u8> {
    (0..VALUE_SIZE).map(|_| b'a' + rng.gen_range(0..26u8)).collect()
}

/// Runs one workload on a fresh database; returns operations per second, or `None` if the
/// engine cannot run it.
fn run(kind: Kind, workload: &str, n: u64, seed: u64) -> Option<f64> {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut db = Engine::open(kind, dir.path());
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    // Workloads that read or overwrite start from a database filled with random keys.
    if matches!(workload, "overwrite" | "readrandom" | "readseq" | "readwhilewriting") {
        for _ in 0..n {
            let k = key(rng.gen_range(0..n));
            db.put(&k, &value(&mut rng));
        }
        db.settle();
    }
    let started = Instant::now();
    let ops = match workload {
        "fillseq" => {
            for i in 0..n {
                db.put(&key(i), &value(&mut rng));
            }
            n
        }
        "fillrandom" | "overwrite" => {
            for _ in 0..n {
                db.put(&key(rng.gen_range(0..n)), &value(&mut rng));
            }
            n
        }
        "readrandom" => {
            for _ in 0..n {
                std::hint::black_box(db.get(&key(rng.gen_range(0..n))));
            }
            n
        }
        "readseq" => db.scan_all(),
        "readwhilewriting" => db.read_while_writing(n, 3, seed)?,
        other => unreachable!("unknown workload {other}"),
    };
    db.finish();
    Some(ops as f64 / started.elapsed().as_secs_f64())
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: u64 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(200_000);
    let runs: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(5);
    let only: Option<Vec<String>> = args.get(3).map(|s| s.split(',').map(str::to_string).collect());
    let kinds = [Kind::Ours, Kind::RustyLevelDb, Kind::Fjall];
    let mut results = serde_json::Map::new();
    println!("{n} entries, {VALUE_SIZE}-byte values, median of {runs} interleaved runs, ops/s\n");
    println!(
        "{:18} {:>12} {:>12} {:>12} {:>10} {:>10}",
        "workload", "ours", "rusty-leveldb", "fjall", "ours/ldb", "ours/fjall"
    );
    for workload in WORKLOADS {
        if only.as_ref().is_some_and(|o| !o.iter().any(|w| w == workload)) {
            continue;
        }
        let mut samples: Vec<Vec<f64>> = vec![Vec::new(); kinds.len()];
        let mut missing = [false; 3];
        for r in 0..runs {
            for (i, &k) in kinds.iter().enumerate() {
                match run(k, workload, n, 1000 + r as u64) {
                    Some(x) => samples[i].push(x),
                    None => missing[i] = true,
                }
            }
        }
        let med: Vec<Option<f64>> = samples
            .iter()
            .zip(missing)
            .map(|(s, m)| (!m && !s.is_empty()).then(|| median(s.clone())))
            .collect();
        let fmt = |x: Option<f64>| x.map_or("n/a".to_string(), |v| format!("{v:.0}"));
        let ratio = |a: Option<f64>, b: Option<f64>| match (a, b) {
            (Some(a), Some(b)) => format!("{:.2}", a / b),
            _ => "n/a".into(),
        };
        println!(
            "{workload:18} {:>12} {:>12} {:>12} {:>10} {:>10}",
            fmt(med[0]),
            fmt(med[1]),
            fmt(med[2]),
            ratio(med[0], med[1]),
            ratio(med[0], med[2])
        );
        results.insert(
            workload.into(),
            serde_json::json!({
                "ops_per_second": { "ours": med[0], "rusty-leveldb": med[1], "fjall": med[2] },
                "samples": { "ours": samples[0], "rusty-leveldb": samples[1], "fjall": samples[2] },
            }),
        );
    }
    let cpu_model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, m)| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into());
    let out = serde_json::json!({
        "benchmark": "engine",
        "date": humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string(),
        "entries": n, "value_size": VALUE_SIZE, "runs": runs,
        "cpus": std::thread::available_parallelism().map(|p| p.get()).unwrap_or(1),
        "cpu_model": cpu_model,
        "workloads": results,
    });
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../reports/bench/engine.json");
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir reports/bench");
    std::fs::write(&path, serde_json::to_string_pretty(&out).expect("json") + "\n").expect("write");
    println!("\nwrote {}", path.display());
}
