//! The production runtime: `std::sync` and OS threads.
//!
//! The one place outside tests where the engine names `std::sync` and `std::thread`: the
//! disallowed lists in `engine/clippy.toml` are lifted here, and only here.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

use super::macros::impl_runtime;

/// Plain `std` primitives and OS threads. The default runtime: `Db` means `Db<Std>`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Std;

impl_runtime!(
    Std,
    "std",
    checked = false,
    sync = std::sync,
    atomic = std::sync::atomic,
    thread = std::thread,
    arc = std::sync::Arc,
    track = crate::sync::NoTrack,
    cell = crate::sync::PlainCell,
    thread_key = thread_key
);

/// The current thread's key (see `Runtime::thread_key`).
fn thread_key() -> u64 {
    super::hash_key(std::thread::current().id())
}
