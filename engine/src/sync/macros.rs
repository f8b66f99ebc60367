//! One macro that implements [`super::Runtime`] for a primitive family shaped like `std::sync`.
//!
//! `std`, loom and shuttle expose the same names and signatures for everything the facade needs,
//! so the three implementations differ only in the module paths they read from.

/// Implements `Runtime` for `$ty` from a `std::sync`-shaped module, its `atomic` module,
/// a `thread` module, an `Arc` type, a race marker and a loom-shaped `UnsafeCell` (with
/// `with`/`with_mut`), each given as a path.
macro_rules! impl_runtime {
    (
        $ty:ty, $name:literal, checked = $checked:literal,
        sync = $($sync:ident)::+, atomic = $($atomic:ident)::+,
        thread = $($thread:ident)::+, arc = $($arc:ident)::+, track = $($track:ident)::+,
        cell = $($cell:ident)::+, thread_key = $thread_key:path
    ) => {
        impl $crate::sync::Runtime for $ty {
            const NAME: &'static str = $name;
            const CHECKED: bool = $checked;
            type RawTrack = $($track)::+;
            type RawMutex<T: Send> = $($sync)::+::Mutex<T>;
            type Guard<'a, T: Send + 'a> = $($sync)::+::MutexGuard<'a, T>;
            type RawCondvar = $($sync)::+::Condvar;
            type RawAtomicU64 = $($atomic)::+::AtomicU64;
            type RawAtomicPtr<T> = $($atomic)::+::AtomicPtr<T>;
            type RawCell<T> = $($cell)::+<T>;
            type Arc<T: Send + Sync + 'static> = $($arc)::+<T>;
            type JoinHandle<T: Send + 'static> = $($thread)::+::JoinHandle<T>;

            fn mutex_new<T: Send>(value: T) -> Self::RawMutex<T> {
                $($sync)::+::Mutex::new(value)
            }
            fn mutex_lock<T: Send>(m: &Self::RawMutex<T>) -> Self::Guard<'_, T> {
                m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
            }
            fn condvar_new() -> Self::RawCondvar {
                $($sync)::+::Condvar::new()
            }
            fn condvar_wait<'a, T: Send>(cv: &Self::RawCondvar, g: Self::Guard<'a, T>) -> Self::Guard<'a, T> {
                cv.wait(g).unwrap_or_else(std::sync::PoisonError::into_inner)
            }
            fn condvar_notify_all(cv: &Self::RawCondvar) {
                cv.notify_all()
            }
            fn atomic_new(value: u64) -> Self::RawAtomicU64 {
                $($atomic)::+::AtomicU64::new(value)
            }
            fn atomic_load(a: &Self::RawAtomicU64, order: $crate::sync::Ordering) -> u64 {
                a.load(order)
            }
            fn atomic_store(a: &Self::RawAtomicU64, value: u64, order: $crate::sync::Ordering) {
                a.store(value, order)
            }
            fn atomic_fetch_add(a: &Self::RawAtomicU64, value: u64, order: $crate::sync::Ordering) -> u64 {
                a.fetch_add(value, order)
            }
            fn atomic_fetch_sub(a: &Self::RawAtomicU64, value: u64, order: $crate::sync::Ordering) -> u64 {
                a.fetch_sub(value, order)
            }
            fn atomic_ptr_new<T>(p: *mut T) -> Self::RawAtomicPtr<T> {
                $($atomic)::+::AtomicPtr::new(p)
            }
            fn atomic_ptr_load<T>(a: &Self::RawAtomicPtr<T>, order: $crate::sync::Ordering) -> *mut T {
                a.load(order)
            }
            fn atomic_ptr_store<T>(a: &Self::RawAtomicPtr<T>, p: *mut T, order: $crate::sync::Ordering) {
                a.store(p, order)
            }
            fn cell_new<T>(value: T) -> Self::RawCell<T> {
                $($cell)::+::new(value)
            }
            fn cell_with<T, U>(c: &Self::RawCell<T>, f: impl FnOnce(*const T) -> U) -> U {
                c.with(f)
            }
            fn cell_with_mut<T, U>(c: &Self::RawCell<T>, f: impl FnOnce(*mut T) -> U) -> U {
                c.with_mut(f)
            }
            fn fence(order: $crate::sync::Ordering) {
                $($atomic)::+::fence(order)
            }
            fn arc_new<T: Send + Sync + 'static>(value: T) -> Self::Arc<T> {
                $($arc)::+::new(value)
            }
            fn arc_ptr_eq<T: Send + Sync + 'static>(a: &Self::Arc<T>, b: &Self::Arc<T>) -> bool {
                $($arc)::+::ptr_eq(a, b)
            }
            fn spawn<T: Send + 'static>(name: &str, f: impl FnOnce() -> T + Send + 'static) -> Self::JoinHandle<T> {
                $($thread)::+::Builder::new()
                    .name(name.to_string())
                    .spawn(f)
                    .unwrap_or_else(|e| panic!("cannot spawn thread {name}: {e}"))
            }
            fn join<T: Send + 'static>(h: Self::JoinHandle<T>) -> std::thread::Result<T> {
                h.join()
            }
            fn yield_now() {
                $($thread)::+::yield_now()
            }
            fn thread_name() -> String {
                $($thread)::+::current().name().unwrap_or("main").to_string()
            }
            fn thread_key() -> u64 {
                $thread_key()
            }
        }
    };
}

pub(crate) use impl_runtime;
