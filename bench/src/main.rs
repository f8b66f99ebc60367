//! lsmbench: LevelDB's db_bench workloads run side by side on four engines in one process.
//!
//! Workloads (db_bench's defaults: 16-byte keys, 100-byte values, no sync): fillseq,
//! fillrandom, overwrite, readrandom, readseq, readreverse, seekrandom (a new iterator and one
//! seek per operation), readwhilewriting (1 reader and 1 writer, as db_bench runs it with one
//! thread, for a fixed number of reads; `readwhilewriting2` and `4`: 2 and 4 writers),
//! fillconcurrent4 (4 threads fill at once: group commit's case). For the concurrent workloads
//! our engine also reports its WAL records per write (under 1 when group commit merges them). Engines: this project's `engine`, rusty-leveldb 4,
//! fjall 3 and LevelDB's C++ implementation (`leveldb-sys`), each with its default options and
//! every write's WAL record handed to the OS, on real files in a fresh temporary directory.
//! Runs are interleaved A/B/C/D, A/B/C/D… so machine noise hits every engine alike; each figure
//! is the median of the runs, and a ratio is ours/theirs.
//!
//! Usage: `lsmbench [ENTRIES] [RUNS] [WORKLOAD,…] [ENGINE,…]` (default 200000 entries, 5 runs,
//! every workload, every engine; naming engines is for profiling one alone). Writes
//! `../reports/bench/engine.json`.

mod engines;
mod leveldb;

use engines::{Engine, Kind};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::time::Instant;

const VALUE_SIZE: usize = 100;
const WORKLOADS: [&str; 11] = [
    "fillseq",
    "fillrandom",
    "overwrite",
    "fillconcurrent4",
    "readrandom",
    "readseq",
    "readreverse",
    "seekrandom",
    "readwhilewriting",
    "readwhilewriting2",
    "readwhilewriting4",
];
const KINDS: [(Kind, &str); 4] = [
    (Kind::Ours, "ours"),
    (Kind::RustyLevelDb, "rusty-leveldb"),
    (Kind::Fjall, "fjall"),
    (Kind::LevelDb, "leveldb"),
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
    let concurrent = workload.starts_with("fillconcurrent") || workload.starts_with("readwhilewriting");
    let mut db = Engine::open(kind, dir.path(), concurrent);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    // Workloads that read or overwrite start from a database filled with random keys.
    if workload != "fillseq" && workload != "fillrandom" {
        for _ in 0..n {
            let k = key(rng.gen_range(0..n));
            db.put(&k, &value(&mut rng));
        }
        db.settle();
    }
    for g in &engines::GROUPS {
        g.store(0, std::sync::atomic::Ordering::Relaxed); // counted from here
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
        "readseq" => db.scan_all(false)?,
        "readreverse" => db.scan_all(true)?,
        "seekrandom" => {
            for _ in 0..n {
                std::hint::black_box(db.seek(&key(rng.gen_range(0..n))));
            }
            n
        }
        "fillconcurrent4" => db.fill_concurrently(n, 4, seed)?,
        "readwhilewriting" => db.read_while_writing(n, 1, seed)?,
        "readwhilewriting2" => db.read_while_writing(n, 2, seed)?,
        "readwhilewriting4" => db.read_while_writing(n, 4, seed)?,
        other => unreachable!("unknown workload {other}"),
    };
    let elapsed = started.elapsed().as_secs_f64();
    if matches!(kind, Kind::Ours) && concurrent {
        let [records, writes] = [0, 1].map(|i| engines::GROUPS[i].load(std::sync::atomic::Ordering::Relaxed));
        if writes > 0 {
            WAL_PER_WRITE.lock().expect("ratios").push(records as f64 / writes as f64);
        }
    }
    db.finish();
    Some(ops as f64 / elapsed)
}

/// Our WAL records per write in each run of the current workload (concurrent workloads only).
static WAL_PER_WRITE: std::sync::Mutex<Vec<f64>> = std::sync::Mutex::new(Vec::new());

/// Runs `workload` `runs` times on every engine, interleaved; the median per engine (`None` if
/// the engine cannot run it) and every sample.
fn measure(workload: &str, n: u64, runs: usize, engines: &Option<Vec<String>>) -> (Vec<Option<f64>>, Vec<Vec<f64>>) {
    let mut samples: Vec<Vec<f64>> = vec![Vec::new(); KINDS.len()];
    let mut missing = [false; KINDS.len()];
    for r in 0..runs {
        for (i, (k, name)) in KINDS.iter().enumerate() {
            if engines.as_ref().is_some_and(|e| !e.iter().any(|x| x == name)) {
                missing[i] = true; // not asked for (used to profile one engine alone)
                continue;
            }
            match run(*k, workload, n, 1000 + r as u64) {
                Some(x) => samples[i].push(x),
                None => missing[i] = true,
            }
        }
    }
    let med = samples
        .iter()
        .zip(missing)
        .map(|(s, m)| (!m && !s.is_empty()).then(|| median(s.clone())))
        .collect();
    (med, samples)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: u64 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(200_000);
    let runs: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(5);
    let list = |i: usize| -> Option<Vec<String>> { args.get(i).map(|s| s.split(',').map(str::to_string).collect()) };
    let (only, engines) = (list(3), list(4));
    let mut results = serde_json::Map::new();
    println!("{n} entries, {VALUE_SIZE}-byte values, median of {runs} interleaved runs, ops/s\n");
    print!("{:18}", "workload");
    KINDS.iter().for_each(|(_, name)| print!(" {name:>13}"));
    KINDS[1..]
        .iter()
        .for_each(|(_, name)| print!(" {:>16}", format!("ours/{name}")));
    println!();
    for workload in WORKLOADS {
        if only.as_ref().is_some_and(|o| !o.iter().any(|w| w == workload)) {
            continue;
        }
        WAL_PER_WRITE.lock().expect("ratios").clear();
        let (med, samples) = measure(workload, n, runs, &engines);
        let per_write = WAL_PER_WRITE.lock().expect("ratios").clone();
        let wal_per_write = (!per_write.is_empty()).then(|| median(per_write));
        let fmt = |x: Option<f64>| x.map_or("n/a".to_string(), |v| format!("{v:.0}"));
        print!("{workload:18}");
        med.iter().for_each(|m| print!(" {:>13}", fmt(*m)));
        for m in &med[1..] {
            let ratio = med[0].zip(*m).map_or("n/a".into(), |(a, b)| format!("{:.2}", a / b));
            print!(" {ratio:>16}");
        }
        if let Some(r) = wal_per_write {
            print!("   (ours: {r:.3} WAL records per write)");
        }
        println!();
        let by_name = |f: &dyn Fn(usize) -> serde_json::Value| {
            KINDS
                .iter()
                .enumerate()
                .map(|(i, (_, name))| (name.to_string(), f(i)))
                .collect::<serde_json::Map<_, _>>()
        };
        results.insert(
            workload.into(),
            serde_json::json!({
                "ops_per_second": by_name(&|i| serde_json::json!(med[i])),
                "samples": by_name(&|i| serde_json::json!(samples[i])),
                "ours_wal_records_per_write": wal_per_write,
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
        "versions": { "rusty-leveldb": "4.0.2", "fjall": "3.1.13", "leveldb-sys": "2.0.9 (LevelDB 1.22, compression off)" },
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
