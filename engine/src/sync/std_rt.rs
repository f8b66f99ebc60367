//! The production runtime: `std::sync` and OS threads.

use super::macros::impl_runtime;

/// Plain `std` primitives and OS threads. The default runtime: `Db` means `Db<Std>`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Std;

impl_runtime!(
    Std,
    "std",
    sync = std::sync,
    atomic = std::sync::atomic,
    thread = std::thread,
    arc = std::sync::Arc,
    track = crate::sync::NoTrack
);
