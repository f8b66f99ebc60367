//! One body, run under every runtime this build has: the facade's API is the same everywhere.

use super::*;

/// Two threads increment a shared counter under a mutex and signal through a condvar.
fn counter_body<R: Runtime>() {
    let shared = arc::<R, _>((Mutex::<R, u64>::new(0), Condvar::<R>::new(), AtomicU64::<R>::new(0)));
    let s2 = shared.clone();
    let h = spawn::<R, _>("incr", move || {
        *s2.0.lock() += 1;
        s2.2.fetch_add(1, Ordering::SeqCst);
        s2.1.notify_all();
    });
    {
        let mut g = shared.0.lock();
        while *g == 0 {
            g = shared.1.wait(g);
        }
        assert_eq!(*g, 1);
    }
    h.join().expect("thread panicked");
    assert_eq!(shared.2.load(Ordering::SeqCst), 1);
}

#[test]
fn std_runtime_runs_the_body() {
    counter_body::<Std>();
}

#[cfg(feature = "loom")]
#[test]
fn loom_runtime_runs_the_body() {
    loom::model(counter_body::<Loom>);
}

#[cfg(feature = "shuttle")]
#[test]
fn shuttle_runtime_runs_the_body() {
    shuttle::check_random(counter_body::<Shuttle>, 200);
}
