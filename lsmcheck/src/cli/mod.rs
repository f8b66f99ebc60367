//! The `lsmcheck` command line.
//!
//! Exit codes everywhere: 0 passed (or success), 1 a violation was found (`db get`: not found),
//! 2 bad input (a malformed scenario, schedule or report; a missing or corrupt database), with
//! the reason on stderr naming the file and place; `replay`: 3 diverged; `run` and `sweep`: 4
//! vacuous (no violation, but a coverage mark the scenario requires was never reached).

mod db;
mod list;
pub(crate) mod output;
mod replay;
pub(crate) mod run;
mod select;
pub(crate) mod show;
mod shrink;
mod sweep;
pub(crate) mod usage;

use clap::{Parser, Subcommand};
use output::{bad_input, timeline};
use select::Select;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "lsmcheck",
    version,
    about = "An LSM engine and the harness that checks its Version lifecycle under loom and shuttle"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run a scenario under its explorers (or the ones named) and report.
    Run {
        /// A scenario file, the name of an embedded scenario (see `list`), or `all` for every
        /// embedded one.
        scenario: String,
        #[command(flatten)]
        select: Select,
        /// Write the JSON report here.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Write JUnit XML here (a testcase per scenario, explorer and seed), for CI systems.
        #[arg(long)]
        junit: Option<PathBuf>,
        /// On a failure, shrink it as `lsmcheck shrink` does, beside the report, within SECS
        /// seconds (default 60).
        #[arg(long, requires = "out", value_name = "SECS", num_args = 0..=1, default_missing_value = "60")]
        shrink: Option<u64>,
    },
    /// Reproduce a failure: from a report file, or from the arguments a failure printed.
    Replay {
        /// A report written by `run --out`; replays its first failing run.
        report: Option<PathBuf>,
        /// The scenario (with the arguments form).
        #[arg(long, conflicts_with = "report")]
        scenario: Option<String>,
        #[command(flatten)]
        select: Select,
        /// shuttle: the failing schedule a failure printed.
        #[arg(long)]
        schedule: Option<String>,
        /// crash: recover from this crash model's state only (process, power, torn, garbage).
        #[arg(long, requires = "crash_point")]
        crash_model: Option<String>,
        /// crash: recover from this crash point only (1-based, as a violation names it).
        #[arg(long, requires = "crash_model")]
        crash_point: Option<u64>,
        /// Keep the failure, if this replay reproduces it, as
        /// `scenarios/regressions/NAME.json`; the test suite replays every saved regression.
        #[arg(long, value_name = "NAME")]
        save_regression: Option<String>,
    },
    /// The correctness gate: every scenario on the correct engine, the mutant kill matrix, and
    /// the harness's self-checks. Writes gate.json and kill-matrix.md.
    Gate {
        /// Stop each cell at its first kill (same verdicts, no detection statistics).
        #[arg(long)]
        quick: bool,
        /// Where to write gate.json and kill-matrix.md.
        #[arg(long, default_value = "reports")]
        out_dir: PathBuf,
        /// An experiment: switch an oracle off (missing-file, double-delete, ledger, model,
        /// quiescence, engine-errors) to see which mutants the gate then misses.
        #[arg(long = "without-oracle")]
        without: Vec<String>,
        /// Also write JUnit XML here: a testcase per scenario run and per kill-matrix cell.
        #[arg(long)]
        junit: Option<PathBuf>,
    },
    /// Benchmarks (the engine's own is the separate `bench/` workspace; see the README).
    Bench {
        #[command(subcommand)]
        which: BenchOp,
    },
    /// Shrink a report's failure: the fewest context switches (shuttle) or the smallest
    /// preemption bound (loom) that still give the same kind of violation; writes a new report.
    Shrink {
        /// A report written by `run --out`.
        report: PathBuf,
        /// Where to write the shrunk report (default: beside it, NAME.shrunk.json).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Stop shrinking after this many seconds (what was found so far is kept).
        #[arg(long, default_value_t = 60)]
        time_budget: u64,
    },
    /// Draw a report's failing execution as one self-contained HTML page: a column per
    /// thread, Version installs and reference counts, file creates and deletes, the violation.
    Timeline {
        /// A report written by `run --out`.
        report: PathBuf,
        /// The HTML file to write.
        #[arg(short, long)]
        out: PathBuf,
    },
    /// Sweep seeds: one scenario over a range of workload seeds, or `--swarm`, a scenario drawn
    /// from each seed. Prints failures as they happen, a progress bar, and a summary.
    Sweep {
        /// A scenario file or embedded name (or use `--swarm`).
        #[arg(required_unless_present = "swarm", conflicts_with = "swarm")]
        scenario: Option<String>,
        /// Draw a whole scenario from each seed (`swarm:SEED`).
        #[arg(long)]
        swarm: bool,
        /// The seeds, `A..B` with both ends included.
        #[arg(long = "seeds", id = "seed_range", value_parser = sweep::args::seeds)]
        seed_range: std::ops::RangeInclusive<u64>,
        /// Run shard I of N (1-based): every N-th seed, starting at the I-th. Merge the shards'
        /// reports with `lsmcheck merge`.
        #[arg(long, value_name = "I/N", value_parser = sweep::args::shard, default_value = "1/1")]
        shard: (u64, u64),
        /// Stop starting new seeds after SECS seconds (the summary says how many ran).
        #[arg(long, value_name = "SECS")]
        time_budget: Option<u64>,
        #[command(flatten)]
        select: Select,
        /// Write the JSON report here.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Write JUnit XML here (a testcase per run).
        #[arg(long)]
        junit: Option<PathBuf>,
    },
    /// Merge the reports of a sweep's shards into the report of the whole sweep.
    Merge {
        /// The shards' reports.
        #[arg(required = true)]
        reports: Vec<PathBuf>,
        /// Write the merged report here.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Print a scenario as JSON: an embedded one, a file, or `swarm:SEED` (save it as
    /// `scenarios/swarm-SEED.json` to keep a swarm failure as a scenario).
    Scenario {
        /// The scenario.
        spec: String,
    },
    /// List the embedded scenarios, the explorers and the mutants.
    List,
    /// Internal: explore one run read as JSON on stdin, write the judged run as JSON on stdout
    /// (how `lsmcheck` runs each loom exploration in a child process; see `models::judge`).
    #[command(name = "judge-one", hide = true)]
    JudgeOne,
    /// Operate on a database directory (like RocksDB's ldb).
    Db {
        /// The database directory (required: no command guesses it).
        #[arg(long, global = true)]
        dir: Option<PathBuf>,
        /// Print one JSON document instead of text.
        #[arg(long, global = true)]
        json: bool,
        #[command(subcommand)]
        op: db::DbOp,
    },
}

#[derive(Subcommand, Debug)]
enum BenchOp {
    /// Executions per second of the kernel model through the harness against the same race
    /// written on raw loom and raw shuttle, per explorer; and loom's exhaustive time for both.
    Harness {
        /// Side-by-side runs per explorer (medians are reported).
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// Executions per shuttle run (the cap per loom run).
        #[arg(long, default_value_t = 2000)]
        iterations: usize,
        /// loom's preemption bound in the throughput runs.
        #[arg(long, default_value_t = 2)]
        loom_bound: usize,
        /// Seconds after which each exhaustive loom exploration is cut off (0: skip them).
        #[arg(long, default_value_t = 300)]
        exhaustive_limit: u64,
        /// Explorer(s) to measure: loom, shuttle-random, shuttle-pct, shuttle-dfs. Default: all.
        #[arg(long = "explorer")]
        explorers: Vec<String>,
        /// Where to write the JSON results.
        #[arg(long, default_value = "reports/bench/harness.json")]
        out: PathBuf,
    },
}

/// Runs the command line; returns the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    // An abort inside a loom exploration ends one child process, not this command.
    match std::env::current_exe() {
        Ok(exe) => models::judge::isolate::isolate_loom_runs(exe),
        Err(e) => eprintln!("lsmcheck: note: loom runs stay in this process ({e})"),
    }
    let code = match cli.command {
        Command::Run {
            scenario,
            select,
            out,
            junit,
            shrink,
        } => {
            let outputs = run::Outputs {
                report: out.as_deref(),
                junit: junit.as_deref(),
                timeline: select.timeline.as_deref(),
            };
            let code = run::run(&scenario, &select, &outputs, select.trace.unwrap_or_default());
            match (code, out.as_deref(), shrink) {
                (1, Some(report), Some(seconds)) => shrink::run(report, None, seconds),
                _ => code,
            }
        }
        Command::Replay {
            report,
            scenario,
            select,
            schedule,
            crash_model,
            crash_point,
            save_regression,
        } => {
            let input = replay::Input {
                schedule: schedule.as_deref(),
                crash: crash_model.zip(crash_point),
                shown: select.trace.unwrap_or_default(),
                save: save_regression.as_deref(),
                timeline: select.timeline.as_deref(),
            };
            replay::replay(report.as_deref(), scenario.as_deref(), &select, &input)
        }
        Command::Gate {
            quick,
            out_dir,
            without,
            junit,
        } => {
            let parsed: Result<Vec<_>, _> = without
                .iter()
                .map(|n| sim::world::Oracle::from_name(n).ok_or_else(|| format!("unknown oracle `{n}`")))
                .collect();
            match parsed {
                Ok(oracles) => crate::gate::run(quick, &out_dir, &oracles, junit.as_deref()),
                Err(e) => bad_input(e),
            }
        }
        Command::Bench {
            which:
                BenchOp::Harness {
                    runs,
                    iterations,
                    loom_bound,
                    exhaustive_limit,
                    explorers,
                    out,
                },
        } => match crate::bench::Settings::new(runs, iterations, loom_bound, exhaustive_limit, &explorers) {
            Ok(settings) => crate::bench::harness(&settings, &out),
            Err(e) => bad_input(e),
        },
        Command::Timeline { report, out } => timeline(&report, &out),
        Command::Shrink {
            report,
            out,
            time_budget,
        } => shrink::run(&report, out.as_deref(), time_budget),
        Command::Sweep {
            scenario,
            swarm: _,
            seed_range,
            shard,
            time_budget,
            select,
            out,
            junit,
        } => {
            let sweep = sweep::Sweep {
                source: match scenario {
                    Some(s) => sweep::Source::Scenario(s),
                    None => sweep::Source::Swarm,
                },
                seeds: seed_range,
                shard,
                time_budget: time_budget.map(std::time::Duration::from_secs),
                select: &select,
            };
            if !select.seeds.is_empty() {
                bad_input("sweep: give the seeds as --seeds A..B, not --seed")
            } else if time_budget == Some(0) {
                bad_input(usage::Usage::Zero("--time-budget"))
            } else {
                sweep::run(&sweep, out.as_deref(), junit.as_deref())
            }
        }
        Command::Merge { reports, out } => sweep::merge(&reports, out.as_deref()),
        Command::Scenario { spec } => match models::swarm::locate(&spec) {
            Ok(l) => {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&l.scenario).expect("a scenario serializes")
                );
                0
            }
            Err(e) => bad_input(e),
        },
        Command::List => list::list(),
        Command::JudgeOne => models::judge::isolate::child_main(),
        Command::Db { dir, json, op } => match dir {
            Some(dir) => db::db(&dir, json, &op),
            None => bad_input("db: --dir DIR is required (no command guesses the database)"),
        },
    };
    ExitCode::from(code)
}
