//! `Select`: the flags that choose explorers, seeds, budgets and a mutant, shared by `run`,
//! `replay` and `sweep`.

use super::show;
use clap::Args;
use std::path::PathBuf;

/// Which explorers, seeds and budgets to use.
#[derive(Args, Debug, Default, Clone)]
pub(crate) struct Select {
    /// Explorer(s) to run: loom, shuttle-random, shuttle-pct, shuttle-dfs, stress, crash. Default:
    /// every explorer the scenario budgets.
    #[arg(long = "explorer")]
    pub(crate) explorers: Vec<String>,
    /// Seed(s). Default: the scenario's.
    #[arg(long = "seed")]
    pub(crate) seeds: Vec<u64>,
    /// Override the number of executions.
    #[arg(long)]
    pub(crate) iterations: Option<usize>,
    /// Override loom's preemption bound.
    #[arg(long)]
    pub(crate) preemption_bound: Option<usize>,
    /// Override PCT's depth.
    #[arg(long)]
    pub(crate) depth: Option<usize>,
    /// Override the crash explorer's crash states per crash model and execution.
    #[arg(long)]
    pub(crate) crash_points: Option<usize>,
    /// Inject a bug (see `list`).
    #[arg(long)]
    pub(crate) mutant: Option<String>,
    /// How much of a failing execution's trace to print: the last N events of every thread
    /// (default 6), or `all` recorded events.
    #[arg(long, value_name = "N|all", value_parser = show::parse_trace)]
    pub(crate) trace: Option<show::TraceShown>,
    /// On a failure, also draw it as one HTML page here (see `lsmcheck timeline`).
    #[arg(long, value_name = "FILE")]
    pub(crate) timeline: Option<PathBuf>,
}
