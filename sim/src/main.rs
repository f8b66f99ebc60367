//! The `lsmcheck` binary: command-line entry point.
//!
//! Exit codes: 0 success, 1 "not found" (`db get`), 2 bad input or an engine error (corruption,
//! missing directory, I/O), with the error on stderr.

use clap::{Parser, Subcommand};
use sim::tools::db;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "lsmcheck",
    version,
    about = "An LSM engine and the harness that checks its Version lifecycle"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Operate on a database directory (like RocksDB's ldb).
    Db {
        /// The database directory.
        #[arg(long, global = true, default_value = ".")]
        dir: PathBuf,
        /// Print one JSON document instead of text.
        #[arg(long, global = true)]
        json: bool,
        #[command(subcommand)]
        op: DbOp,
    },
}

#[derive(Subcommand, Debug)]
enum DbOp {
    /// Set KEY to VALUE (creates the database if missing).
    Put { key: String, value: String },
    /// Print the value of KEY; exit 1 if absent.
    Get { key: String },
    /// Delete KEY.
    Delete { key: String },
    /// Print keys in [--from, --to) in order.
    Scan {
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        to: Option<String>,
        #[arg(long, default_value_t = usize::MAX)]
        limit: usize,
    },
    /// Write N pseudo-random keys (db_bench fillrandom: 16-byte keys, 100-byte values).
    Load {
        #[arg(long)]
        keys: u64,
        #[arg(long, default_value_t = 0)]
        seed: u64,
        #[arg(long, default_value_t = 100)]
        value_size: usize,
        /// Read every key back and compare with what was written last.
        #[arg(long)]
        verify: bool,
    },
    /// Print levels, files, live Versions with their reference counts, pending outputs.
    Stats,
    /// Compact [--from, --to] down to the deepest level holding data.
    Compact {
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        to: Option<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let Command::Db { dir, json, op } = cli.command;
    let result = match &op {
        DbOp::Put { key, value } => db::put(&dir, key, value),
        DbOp::Get { key } => db::get(&dir, key),
        DbOp::Delete { key } => db::delete(&dir, key),
        DbOp::Scan { from, to, limit } => db::scan(&dir, from.as_deref(), to.as_deref(), *limit),
        DbOp::Load {
            keys,
            seed,
            value_size,
            verify,
        } => db::load(&dir, *keys, *seed, *value_size, *verify),
        DbOp::Stats => db::stats(&dir),
        DbOp::Compact { from, to } => db::compact(&dir, from.as_deref(), to.as_deref()),
    };
    match result {
        Ok(out) => {
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&out.json).expect("JSON values serialize")
                );
            } else if out.code == 0 {
                println!("{}", out.text);
            } else {
                eprintln!("{}", out.text);
            }
            ExitCode::from(out.code as u8)
        }
        Err(e) => {
            eprintln!("lsmcheck: {e}");
            ExitCode::from(2)
        }
    }
}
