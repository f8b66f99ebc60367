//! The sync facade: every lock, atomic, `Arc` and thread the engine uses comes from here.
//!
//! The primitives are a type parameter, not a compile-time switch. [`Runtime`] names them as
//! generic associated types and has three implementations: [`Std`] (always), [`Loom`] (cargo
//! feature `loom`) and [`Shuttle`] (cargo feature `shuttle`). Engine types carry `R: Runtime`
//! (`Db<R = Std>`, `VersionSet<R>`), so one binary can run the same engine code on real threads,
//! under `loom::model` and under a shuttle scheduler, side by side, without a rebuild.
//!
//! Call sites use the thin wrappers below ([`Mutex`], [`Condvar`], [`AtomicU64`], [`AtomicBool`],
//! [`AtomicPtr`], [`UnsafeCell`], [`spawn`], [`yield_now`], [`fence`]) and `R::Arc<T>` with [`arc`]. They look like `std` and
//! carry no `cfg`.
//!
//! Deliberately missing, because at least one checker lacks or fakes it: `Weak` (loom has none),
//! `RwLock` (shuttle panics on a re-entrant read), `Barrier` (a loom stub), `thread::scope`,
//! timeouts (neither checker has time), and `const` constructors (loom's are not `const`).
//! Under shuttle every atomic is SeqCst; only loom checks weaker orderings.

mod atomic;
mod cell;
mod macros;
pub use atomic::{AtomicBool, AtomicPtr, AtomicU64};
pub use cell::{PlainCell, UnsafeCell};
mod std_rt;
pub use std_rt::Std;

#[cfg(feature = "loom")]
mod loom_rt;
#[cfg(feature = "loom")]
pub use loom_rt::{Loom, LoomTrack};

#[cfg(feature = "shuttle")]
mod shuttle_rt;
#[cfg(feature = "shuttle")]
pub use shuttle_rt::Shuttle;

use std::fmt;
use std::ops::{Deref, DerefMut};

/// Memory orderings (the same type under every runtime).
pub use std::sync::atomic::Ordering;

/// A family of synchronization primitives: `std`, loom's or shuttle's.
///
/// Implementations are zero-sized marker types. Everything is an associated function so that the
/// wrappers in this module can give every runtime the same `std`-like API.
pub trait Runtime: Copy + Default + fmt::Debug + Send + Sync + 'static {
    /// Short name used in reports ("std", "loom", "shuttle").
    const NAME: &'static str;
    /// True under a model checker (loom, shuttle): threads are the checker's coroutines, and
    /// a thread that unwinds must not touch the checker's primitives again.
    const CHECKED: bool;

    /// A mutual-exclusion lock.
    type RawMutex<T: Send>: Send + Sync;
    /// Its guard.
    type Guard<'a, T: Send + 'a>: DerefMut<Target = T>;
    /// A condition variable usable with [`Runtime::Guard`].
    type RawCondvar: Send + Sync;
    /// A 64-bit atomic.
    type RawAtomicU64: Send + Sync;
    /// A pointer-sized atomic.
    type RawAtomicPtr<T>: Send + Sync;
    /// A cell whose accesses loom checks for data races (`std`'s `UnsafeCell` elsewhere).
    type RawCell<T>;
    /// A reference-counted pointer. Under loom its clones and drops are modelled and leaks are
    /// reported; under std and shuttle it is `std::sync::Arc`.
    type Arc<T: Send + Sync + 'static>: Clone + Deref<Target = T> + Send + Sync;
    /// A handle to a spawned thread.
    type JoinHandle<T: Send + 'static>: Send;

    /// Creates a mutex.
    fn mutex_new<T: Send>(value: T) -> Self::RawMutex<T>;
    /// Locks a mutex. A poisoned lock is entered anyway: the panic that poisoned it is already
    /// the report, and panicking again inside a `Drop` would abort the process.
    fn mutex_lock<T: Send>(m: &Self::RawMutex<T>) -> Self::Guard<'_, T>;
    /// Creates a condition variable.
    fn condvar_new() -> Self::RawCondvar;
    /// Waits on a condition variable. Callers must loop on their condition.
    fn condvar_wait<'a, T: Send>(cv: &Self::RawCondvar, g: Self::Guard<'a, T>) -> Self::Guard<'a, T>;
    /// Wakes every waiter.
    fn condvar_notify_all(cv: &Self::RawCondvar);
    /// Creates an atomic.
    fn atomic_new(value: u64) -> Self::RawAtomicU64;
    /// Atomic load.
    fn atomic_load(a: &Self::RawAtomicU64, order: Ordering) -> u64;
    /// Atomic store.
    fn atomic_store(a: &Self::RawAtomicU64, value: u64, order: Ordering);
    /// Atomic add; returns the previous value.
    fn atomic_fetch_add(a: &Self::RawAtomicU64, value: u64, order: Ordering) -> u64;
    /// Atomic subtract; returns the previous value.
    fn atomic_fetch_sub(a: &Self::RawAtomicU64, value: u64, order: Ordering) -> u64;
    /// Creates a pointer atomic.
    fn atomic_ptr_new<T>(p: *mut T) -> Self::RawAtomicPtr<T>;
    /// Pointer atomic load.
    fn atomic_ptr_load<T>(a: &Self::RawAtomicPtr<T>, order: Ordering) -> *mut T;
    /// Pointer atomic store.
    fn atomic_ptr_store<T>(a: &Self::RawAtomicPtr<T>, p: *mut T, order: Ordering);
    /// Creates a cell.
    fn cell_new<T>(value: T) -> Self::RawCell<T>;
    /// Reads through the cell (loom records a read access).
    fn cell_with<T, U>(c: &Self::RawCell<T>, f: impl FnOnce(*const T) -> U) -> U;
    /// Writes through the cell (loom records a write access).
    fn cell_with_mut<T, U>(c: &Self::RawCell<T>, f: impl FnOnce(*mut T) -> U) -> U;
    /// A memory fence.
    fn fence(order: Ordering);
    /// Allocates an `Arc`.
    fn arc_new<T: Send + Sync + 'static>(value: T) -> Self::Arc<T>;
    /// True if both point at the same allocation.
    fn arc_ptr_eq<T: Send + Sync + 'static>(a: &Self::Arc<T>, b: &Self::Arc<T>) -> bool;
    /// Spawns a thread (a model thread under loom, a task under shuttle).
    fn spawn<T: Send + 'static>(name: &str, f: impl FnOnce() -> T + Send + 'static) -> Self::JoinHandle<T>;
    /// Waits for a thread; `Err` carries its panic payload.
    fn join<T: Send + 'static>(h: Self::JoinHandle<T>) -> std::thread::Result<T>;
    /// A scheduling point: lets the checker switch threads here.
    fn yield_now();
    /// The current thread's name ("main" if it has none), for traces.
    fn thread_name() -> String;
    /// A cheap identity of the current thread, distinct among the threads alive in one
    /// execution: the harness interns thread names by it instead of asking for the name (an
    /// allocation) on every event.
    fn thread_key() -> u64;
    /// A marker whose accesses loom checks for data races (a no-op elsewhere).
    type RawTrack: TrackCell;
}

/// Accesses that loom checks for causality; see [`Track`].
pub trait TrackCell: Send + Sync {
    /// A fresh marker.
    fn new() -> Self;
    /// Records a read of the guarded object.
    fn read(&self);
    /// Records a write (teardown) of the guarded object.
    fn write(&self);
}

/// No tracking: `std` and shuttle have no data-race detector.
#[derive(Debug, Default)]
pub struct NoTrack;

impl TrackCell for NoTrack {
    fn new() -> Self {
        NoTrack
    }
    fn read(&self) {}
    fn write(&self) {}
}

/// Marks accesses to an object shared through a hand-rolled reference count, so that loom can
/// check that every use happens-before the teardown (the `Release`/`Acquire` pair of the count).
/// Zero-sized and free under `std` and shuttle.
pub struct Track<R: Runtime>(R::RawTrack);

impl<R: Runtime> Track<R> {
    /// A fresh marker.
    pub fn new() -> Self {
        Track(R::RawTrack::new())
    }
    /// A use of the object.
    pub fn read(&self) {
        self.0.read()
    }
    /// The object's teardown.
    pub fn write(&self) {
        self.0.write()
    }
}

impl<R: Runtime> Default for Track<R> {
    fn default() -> Self {
        Self::new()
    }
}

impl<R: Runtime> fmt::Debug for Track<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Track<{}>", R::NAME)
    }
}

/// Allocates an `R::Arc`.
pub fn arc<R: Runtime, T: Send + Sync + 'static>(value: T) -> R::Arc<T> {
    R::arc_new(value)
}

/// Spawns a named thread on runtime `R`.
pub fn spawn<R: Runtime, T: Send + 'static>(name: &str, f: impl FnOnce() -> T + Send + 'static) -> JoinHandle<R, T> {
    JoinHandle(R::spawn(name, f))
}

/// A scheduling point on runtime `R`.
pub fn yield_now<R: Runtime>() {
    R::yield_now()
}

/// The current thread's name on runtime `R`.
pub fn thread_name<R: Runtime>() -> String {
    R::thread_name()
}

/// A hash of a thread id, the same in every run of the process (fixed hasher keys).
fn hash_key(id: impl std::hash::Hash) -> u64 {
    use std::hash::Hasher;
    let mut h = std::hash::DefaultHasher::new();
    id.hash(&mut h);
    h.finish()
}

/// A memory fence on runtime `R`.
pub fn fence<R: Runtime>(order: Ordering) {
    R::fence(order)
}

/// True if the current thread is unwinding from a panic (a `Drop` must not panic again).
pub fn panicking() -> bool {
    std::thread::panicking()
}

/// A thread handle; join it to wait for the thread.
pub struct JoinHandle<R: Runtime, T: Send + 'static>(R::JoinHandle<T>);

impl<R: Runtime, T: Send + 'static> JoinHandle<R, T> {
    /// Waits for the thread; `Err` carries its panic payload.
    pub fn join(self) -> std::thread::Result<T> {
        R::join(self.0)
    }
}

impl<R: Runtime, T: Send + 'static> fmt::Debug for JoinHandle<R, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "JoinHandle<{}>", R::NAME)
    }
}

/// A mutex on runtime `R`, with a poison-free `lock()`.
pub struct Mutex<R: Runtime, T: Send>(R::RawMutex<T>);

impl<R: Runtime, T: Send> Mutex<R, T> {
    /// Creates a mutex holding `value`.
    pub fn new(value: T) -> Self {
        Mutex(R::mutex_new(value))
    }
    /// Locks it.
    pub fn lock(&self) -> R::Guard<'_, T> {
        R::mutex_lock(&self.0)
    }
}

impl<R: Runtime, T: Send> fmt::Debug for Mutex<R, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Mutex<{}>", R::NAME)
    }
}

/// A condition variable on runtime `R`.
pub struct Condvar<R: Runtime>(R::RawCondvar);

impl<R: Runtime> Condvar<R> {
    /// Creates a condition variable.
    pub fn new() -> Self {
        Condvar(R::condvar_new())
    }
    /// Releases the lock, waits for a notification, re-locks. Callers loop on their condition.
    pub fn wait<'a, T: Send>(&self, guard: R::Guard<'a, T>) -> R::Guard<'a, T> {
        R::condvar_wait(&self.0, guard)
    }
    /// Wakes every waiter.
    pub fn notify_all(&self) {
        R::condvar_notify_all(&self.0)
    }
}

impl<R: Runtime> Default for Condvar<R> {
    fn default() -> Self {
        Self::new()
    }
}

impl<R: Runtime> fmt::Debug for Condvar<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Condvar<{}>", R::NAME)
    }
}

#[cfg(test)]
mod tests;
