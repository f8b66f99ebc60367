//! The harness core: everything an exploration needs except the programs it explores.
//!
//! - [`fs::SimFs`]: the strict simulated filesystem (open handles, deleted-file reads, the
//!   process/power durability model and crash points).
//! - [`world`]: what one execution records: the trace, reads and writes, the ghost ledger of
//!   Versions and files, and the first [`world::Violation`].
//! - [`explore`]: the explorers (loom, shuttle random/PCT/DFS, stress, crash) that run a
//!   [`explore::Model`] many times and stop at the first violation.
//! - [`scenario`]: scenario files (workloads as data), parsed and validated.
//! - [`report`]: the JSON reports that replay a failure.
//!
//! The programs explored (scenario workloads, the kernel model) and the reference model live in
//! the `models` crate; the command line in `lsmcheck`.

mod error;
pub mod explore;
pub mod fs;
pub mod report;
pub mod scenario;
pub mod world;

pub use error::{Error, Result};
