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
    checked = true,
    sync = loom::sync,
    atomic = loom::sync::atomic,
    thread = loom::thread,
    arc = loom::sync::Arc,
    track = LoomTrack,
    cell = loom::cell::UnsafeCell,
    thread_key = thread_key
);

/// A loom `UnsafeCell` used only for its access tracking: `read` and `write` touch it through
/// `with`/`with_mut` and never dereference the pointers, so loom reports a write (teardown) that
/// is not ordered after every read.
#[derive(Debug)]
pub struct LoomTrack(loom::cell::UnsafeCell<()>);

// SAFETY: the cell holds `()` and its pointers are never dereferenced; sharing it across
// threads is the point (loom checks the accesses' ordering itself).
#[allow(unsafe_code)]
unsafe impl Sync for LoomTrack {}

impl super::TrackCell for LoomTrack {
    fn new() -> Self {
        LoomTrack(loom::cell::UnsafeCell::new(()))
    }
    fn read(&self) {
        self.0.with(|_| ());
    }
    fn write(&self) {
        self.0.with_mut(|_| ());
    }
}

/// The current thread's key (see `Runtime::thread_key`).
fn thread_key() -> u64 {
    super::hash_key(loom::thread::current().id())
}
