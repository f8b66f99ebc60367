//! The loom runtime: exhaustive exploration of interleavings and of the C11 memory model.
//!
//! Only usable inside `loom::model`. loom caps a model at 5 threads (main included), treats
//! SeqCst as AcqRel, and reports an `Arc` still alive at the end of an execution as a leak.

use super::macros::impl_runtime;

/// loom's primitives; `R::Arc` is loom's modelled, leak-checked `Arc`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Loom;

impl_runtime!(
    Loom,
    "loom",
    sync = loom::sync,
    atomic = loom::sync::atomic,
    thread = loom::thread,
    arc = loom::sync::Arc
);
