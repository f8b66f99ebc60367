//! Reference models of the database's logical state, independent of the engine.
//!
//! Reserved for the harness issue (#3): a versioned map of the logical state by sequence
//! number, against which every read is checked. This crate depends on nothing in `engine/`, by
//! design, so a bug in the engine cannot hide in its own model.
