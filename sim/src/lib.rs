//! lsmcheck: a deterministic concurrency harness around the engine.
//!
//! A scenario ([`scenario`]) is data: thread roles, operation mixes, engine options, explorers
//! and seeds. Its workload is generated from a seed. One body ([`body`]) runs it on any runtime,
//! on the strict simulated filesystem ([`fs::SimFs`]), recording into a [`world::World`]; the
//! explorers ([`explore`]) run that body under loom, shuttle (random, PCT, DFS) or plain
//! threads; the oracles check every read against the reference model (`models`) and every file
//! operation against the ghost ledger. Results become JSON reports ([`report`]).
//!
//! The `lsmcheck db` tools live in [`tools::db`].

pub mod bench;
pub mod body;
pub mod cli;
pub mod crash;
pub mod explore;
pub mod fs;
pub mod gate;
pub mod kernel;
pub mod oracle;
pub mod report;
pub mod scenario;
pub mod tools;
pub mod world;
