//! The models: what the explorers run, and what they compare the engine against.
//!
//! - [`reference::VersionedMap`]: the reference model, the logical database as a function of the
//!   sequence number, independent of the engine's code.
//! - [`workload::Plan`]: a scenario's concrete operations, generated from a seed, and
//!   [`body`]: the program that runs a plan against the engine's real [`engine::Db`] on
//!   [`sim::fs::SimFs`] under any runtime.
//! - [`kernel`]: the kernel model, the engine's own `VersionSet` alone (readers pinning
//!   `current` against a compactor and GC), and [`memtable`], the engine's own memtable alone
//!   (one inserter against readers that take no lock).
//! - [`oracle`] and [`crash`]: the checks at the end of an execution (reads against the reference
//!   model, the quiescent file set, recovery from every crash state).
//!
//! - [`swarm`]: whole scenarios drawn from a seed (`swarm:SEED`), for sweeps.
//! - [`regression`]: saved failures that the test suite replays forever; [`shrink`]: a failing
//!   workload made smaller (the schedule is shrunk by `sim::explore::shrink`).
//!
//! - [`judge`]: the judged run, the one place where a run is explored and judged and a recording
//!   is replayed and judged; every command, the gate and the regressions go through it.
//!
//! The three programs implement [`sim::explore::Model`], so every exploration goes through
//! `sim::explore::run`.

pub mod body;
pub mod crash;
pub mod judge;
pub mod kernel;
pub mod memtable;
pub mod oracle;
pub mod reference;
pub mod regression;
pub mod shrink;
pub mod swarm;
pub mod workload;

pub use reference::VersionedMap;
