//! The facade's atomics: `AtomicU64`, `AtomicBool` and `AtomicPtr` over any [`Runtime`].

use super::{Ordering, Runtime};
use std::fmt;

/// A 64-bit atomic on runtime `R`.
pub struct AtomicU64<R: Runtime>(R::RawAtomicU64);

impl<R: Runtime> AtomicU64<R> {
    /// Creates an atomic holding `value`.
    pub fn new(value: u64) -> Self {
        AtomicU64(R::atomic_new(value))
    }
    /// Loads the value.
    pub fn load(&self, order: Ordering) -> u64 {
        R::atomic_load(&self.0, order)
    }
    /// Stores a value.
    pub fn store(&self, value: u64, order: Ordering) {
        R::atomic_store(&self.0, value, order)
    }
    /// Adds, returning the previous value.
    pub fn fetch_add(&self, value: u64, order: Ordering) -> u64 {
        R::atomic_fetch_add(&self.0, value, order)
    }
    /// Subtracts, returning the previous value.
    pub fn fetch_sub(&self, value: u64, order: Ordering) -> u64 {
        R::atomic_fetch_sub(&self.0, value, order)
    }
}

impl<R: Runtime> fmt::Debug for AtomicU64<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AtomicU64<{}>", R::NAME)
    }
}

/// A pointer atomic on runtime `R`.
pub struct AtomicPtr<R: Runtime, T>(R::RawAtomicPtr<T>);

impl<R: Runtime, T> AtomicPtr<R, T> {
    /// Creates an atomic holding `p`.
    pub fn new(p: *mut T) -> Self {
        AtomicPtr(R::atomic_ptr_new(p))
    }
    /// Loads the pointer.
    pub fn load(&self, order: Ordering) -> *mut T {
        R::atomic_ptr_load(&self.0, order)
    }
    /// Stores a pointer.
    pub fn store(&self, p: *mut T, order: Ordering) {
        R::atomic_ptr_store(&self.0, p, order)
    }
}

impl<R: Runtime, T> fmt::Debug for AtomicPtr<R, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AtomicPtr<{}>", R::NAME)
    }
}

/// A boolean atomic on runtime `R` (an [`AtomicU64`] holding 0 or 1).
pub struct AtomicBool<R: Runtime>(AtomicU64<R>);

impl<R: Runtime> AtomicBool<R> {
    /// Creates an atomic holding `value`.
    pub fn new(value: bool) -> Self {
        AtomicBool(AtomicU64::new(u64::from(value)))
    }
    /// Loads the value.
    pub fn load(&self, order: Ordering) -> bool {
        self.0.load(order) != 0
    }
    /// Stores a value.
    pub fn store(&self, value: bool, order: Ordering) {
        self.0.store(u64::from(value), order)
    }
}

impl<R: Runtime> fmt::Debug for AtomicBool<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AtomicBool<{}>", R::NAME)
    }
}
