//! The harness's error type: bad input to an exploration or a replay, named precisely. (A bug
//! the harness finds is a `world::Violation`, never an `Error`.)

use crate::scenario::ScenarioError;
use std::path::PathBuf;

/// Why an exploration or a replay could not run. Every variant is bad input: the command line
/// reports it and exits 2.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A replay schedule that does not decode.
    #[error("bad schedule: {0}")]
    Schedule(String),
    /// A budget under which the explorer would check nothing.
    #[error("bad budget: {0}")]
    Budget(&'static str),
    /// A model this explorer cannot run.
    #[error("{0}")]
    Unsupported(&'static str),
    /// An exploration that ran but checked nothing: a pass would mean nothing.
    #[error("vacuous run: {0}")]
    Vacuous(&'static str),
    /// A recording that the named explorer did not make, or cannot replay.
    #[error("bad recording: {0}")]
    Recording(String),
    /// A report file that cannot be read.
    #[error("{}: {reason}", path.display())]
    Report {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// A scenario that cannot be loaded.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
}

/// The harness's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
