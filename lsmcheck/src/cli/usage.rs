//! Command-line input the harness refuses: each becomes one line on stderr and exit code 2.

/// A command line that names something unknown, or would make a green result vacuous.
#[derive(Debug, thiserror::Error)]
pub enum Usage {
    /// No mutant of that name.
    #[error("unknown mutant `{0}` (see `lsmcheck list`)")]
    UnknownMutant(String),
    /// No explorer of that name.
    #[error("unknown explorer `{0}` (see `lsmcheck list`)")]
    UnknownExplorer(String),
    /// An explorer the harness benchmark does not measure.
    #[error("cannot benchmark explorer `{0}` (loom, shuttle-random, shuttle-pct, shuttle-dfs)")]
    NotBenchmarked(String),
    /// A budget of zero: nothing would be checked.
    #[error("{0} 0 would check nothing: give at least 1")]
    Zero(&'static str),
    /// The same explorer or seed twice: the second run would add nothing.
    #[error("{flag} {value} is given twice")]
    Repeated {
        /// The flag.
        flag: &'static str,
        /// The repeated value.
        value: String,
    },
}
