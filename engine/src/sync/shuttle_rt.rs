//! The shuttle runtime: randomized (random, PCT) and bounded-exhaustive (DFS) scheduling.
//!
//! Only usable inside a shuttle runner. Every atomic runs as SeqCst and `Arc` is `std`'s (its
//! clones are not scheduling points), so shuttle finds interleaving bugs, never ordering bugs.
//! `shuttle::sync::Arc` is a re-export of `std::sync::Arc`, which `engine/clippy.toml` bans
//! elsewhere; that one type is allowed here.
#![allow(clippy::disallowed_types)]

use super::macros::impl_runtime;

/// shuttle's primitives; `R::Arc` is `std::sync::Arc`, as in shuttle itself.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Shuttle;

impl_runtime!(
    Shuttle,
    "shuttle",
    checked = true,
    sync = shuttle::sync,
    atomic = shuttle::sync::atomic,
    thread = shuttle::thread,
    arc = std::sync::Arc,
    track = crate::sync::NoTrack,
    cell = crate::sync::PlainCell,
    thread_key = thread_key
);

/// The current thread's key (see `Runtime::thread_key`).
fn thread_key() -> u64 {
    // A task id is a small index, so the widening is lossless.
    usize::from(shuttle::current::me()) as u64
}
