//! The facade's `UnsafeCell`: loom's race-checked cell under loom, `std`'s elsewhere.

use super::Runtime;
use std::fmt;

/// An `UnsafeCell` on runtime `R`: under loom, every access goes through loom's cell, which
/// panics ("Causality violation") on a read and a write that no happens-before orders. The
/// pointers it hands out are for the closure's duration only. Not `Sync`: the type that shares
/// one across threads says why its accesses are ordered.
pub struct UnsafeCell<R: Runtime, T>(R::RawCell<T>);

impl<R: Runtime, T> UnsafeCell<R, T> {
    /// Creates a cell holding `value`.
    pub fn new(value: T) -> Self {
        UnsafeCell(R::cell_new(value))
    }
    /// Calls `f` with a pointer for reading.
    pub fn with<U>(&self, f: impl FnOnce(*const T) -> U) -> U {
        R::cell_with(&self.0, f)
    }
    /// Calls `f` with a pointer for writing.
    pub fn with_mut<U>(&self, f: impl FnOnce(*mut T) -> U) -> U {
        R::cell_with_mut(&self.0, f)
    }
}

impl<R: Runtime, T> fmt::Debug for UnsafeCell<R, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "UnsafeCell<{}>", R::NAME)
    }
}

/// `std`'s `UnsafeCell` with loom's `with`/`with_mut` shape, for the runtimes without a
/// race detector.
#[derive(Debug)]
pub struct PlainCell<T>(std::cell::UnsafeCell<T>);

impl<T> PlainCell<T> {
    /// Creates a cell holding `value`.
    pub fn new(value: T) -> Self {
        PlainCell(std::cell::UnsafeCell::new(value))
    }
    /// Calls `f` with a pointer for reading.
    pub fn with<U>(&self, f: impl FnOnce(*const T) -> U) -> U {
        f(self.0.get())
    }
    /// Calls `f` with a pointer for writing.
    pub fn with_mut<U>(&self, f: impl FnOnce(*mut T) -> U) -> U {
        f(self.0.get())
    }
}
