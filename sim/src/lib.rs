//! lsmcheck: the harness around the engine.
//!
//! Today this crate holds the `lsmcheck db` tools ([`tools::db`]), modelled on RocksDB's `ldb`:
//! put, get, delete, scan, load, stats and compact on a real database directory. The explorers,
//! oracles and scenarios of the harness arrive with their own issue.

pub mod tools;
