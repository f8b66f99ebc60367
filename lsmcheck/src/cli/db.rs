//! `lsmcheck db …`: argument parsing for the database tools in `crate::tools::db`.

use crate::tools::db;
use clap::Subcommand;
use std::path::Path;

#[derive(Subcommand, Debug)]
pub(super) enum DbOp {
    /// Set KEY to VALUE (creates the database if missing).
    Put { key: String, value: String },
    /// Print the value of KEY; exit 1 if absent (read-only: changes no file).
    Get { key: String },
    /// Delete KEY.
    Delete { key: String },
    /// Print keys in [--from, --to) in order (read-only: changes no file).
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
    /// Print levels, live Versions with their reference counts, pending outputs, and every
    /// table with its key range, size, entry count and sequence range, read from the table
    /// (read-only: changes no file).
    Stats,
    /// Print every edit of the MANIFEST, oldest first (read-only: changes no file).
    DumpManifest,
    /// Rebuild a damaged database from every readable table and WAL record (LevelDB's RepairDB);
    /// prints what was salvaged and what was lost; old files move into lost/.
    Repair,
    /// Compact [--from, --to] down to the deepest level holding data.
    Compact {
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        to: Option<String>,
    },
}

pub(super) fn db(dir: &Path, json: bool, op: &DbOp) -> u8 {
    let result = match op {
        DbOp::Put { key, value } => db::put(dir, key, value),
        DbOp::Get { key } => db::get(dir, key),
        DbOp::Delete { key } => db::delete(dir, key),
        DbOp::Scan { from, to, limit } => db::scan(dir, from.as_deref(), to.as_deref(), *limit),
        DbOp::Load {
            keys,
            seed,
            value_size,
            verify,
        } => db::load(dir, *keys, *seed, *value_size, *verify),
        DbOp::Stats => db::stats(dir),
        DbOp::DumpManifest => crate::tools::manifest::dump(dir),
        DbOp::Repair => db::repair(dir),
        DbOp::Compact { from, to } => db::compact(dir, from.as_deref(), to.as_deref()),
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
            out.code as u8
        }
        Err(e) => super::output::bad_input(e),
    }
}
