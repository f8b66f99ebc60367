//! Who does background work, and when: the background thread sleeps while nothing is needed,
//! and `settle` runs work until none is left.
// Test code runs the engine on std (its `Std` runtime) and may use std primitives itself.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

use engine::{Background, Db, Env, Event, Observer, Options, Work};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Counts engine events.
#[derive(Clone, Default)]
struct Counter(Arc<AtomicU64>);

impl Observer for Counter {
    fn on_event(&self, _: &Event) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

impl Counter {
    fn get(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }

    /// True once no event arrived for `quiet`; false if events kept coming until `limit`.
    fn goes_quiet(&self, quiet: Duration, limit: Duration) -> bool {
        let start = Instant::now();
        while start.elapsed() < limit {
            let before = self.get();
            std::thread::sleep(quiet);
            if self.get() == before {
                return true;
            }
        }
        false
    }
}

/// LevelDB's background thread compacts L0 once it reaches its trigger, then waits on a
/// condition variable until a flush or compaction is needed. After the work a write caused
/// has finished, the engine emits no more events: an idle
/// thread that kept stepping would pin and release Versions forever. (The engine's work is
/// finite, so on a correct engine the quiet window always comes; a stalled machine only makes
/// it come sooner.)
#[test]
fn an_idle_background_thread_sleeps() {
    let dir = tempfile::tempdir().expect("tempdir");
    let events = Counter::default();
    let db = fill_and_flush(dir.path(), &events);
    let trigger = Options::tiny().l0_compaction_trigger;
    let start = Instant::now();
    while db.stats().levels[0].files.len() >= trigger {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the background thread never compacted L0 below its trigger in 30 s: {:?}",
            db.stats()
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let busy = events.get();
    assert!(busy > 0, "the writes flushed and compacted, emitting events");
    assert!(
        events.goes_quiet(Duration::from_millis(100), Duration::from_secs(5)),
        "the background thread kept working with nothing to do ({} events after the flush)",
        events.get() - busy
    );
    db.close().expect("close");
}

/// Opens a `Thread`-mode database, writes several memtables' worth and flushes. The writes
/// wait for the background thread whenever a memtable is full and the previous one unflushed,
/// so they finish only if that thread does its work: a watchdog turns a stalled thread into a
/// failure naming it instead of a hung test run.
fn fill_and_flush(dir: &std::path::Path, events: &Counter) -> Db {
    let (tx, rx) = std::sync::mpsc::channel();
    let (dir, events) = (dir.to_path_buf(), events.clone());
    within(Duration::from_secs(30), "writes and flush", move || {
        let opts = Options {
            background: Background::Thread,
            ..Options::tiny()
        };
        let db: Db = Db::open_with(&dir, opts, Env::os().observed_by(events)).expect("open");
        for i in 0..200u32 {
            db.put(format!("k{i:03}"), "value").expect("put");
        }
        db.flush().expect("flush");
        tx.send(db).expect("send");
    });
    rx.recv().expect("the database")
}

/// Records the most L0 files any installed Version listed.
#[derive(Clone, Default)]
struct MaxL0(Arc<AtomicU64>);

impl Observer for MaxL0 {
    fn on_event(&self, e: &Event) {
        if let Event::VersionInstalled { files, .. } = e {
            let l0 = files.iter().filter(|(level, _)| *level == 0).count() as u64;
            self.0.fetch_max(l0, Ordering::SeqCst);
        }
    }
}

/// LevelDB's `kL0_StopWritesTrigger`: writers wait while L0 holds that many files, so the
/// background thread, which always flushes first, gets to compact. Writers that fill
/// memtables faster than they flush would otherwise starve compaction and grow L0 without
/// bound.
#[test]
fn writers_wait_for_compaction_at_the_l0_stop_trigger() {
    let dir = tempfile::tempdir().expect("tempdir");
    let max_l0 = MaxL0::default();
    let opts = Options {
        background: Background::Thread,
        l0_stop_writes_trigger: 4,
        ..Options::tiny()
    };
    let stop = opts.l0_stop_writes_trigger as u64;
    let seen = max_l0.clone();
    // 3,000 small writes take well under a second; a writer that waits with L0 under the
    // trigger waits forever, and this says so in 10 s.
    within(Duration::from_secs(10), "the writes", move || {
        let db: Db = Db::open_with(dir.path(), opts, Env::os().observed_by(seen)).expect("open");
        for i in 0..3000u32 {
            db.put(format!("k{i:05}"), format!("value-{i:05}-{}", "x".repeat(40)))
                .expect("put");
        }
        db.close().expect("close");
    });
    let max = max_l0.0.load(Ordering::SeqCst);
    assert!(max >= 2, "the writes reached L0's compaction trigger ({max} files)");
    // A memtable switches only while L0 is under the trigger, and one flush adds one file.
    assert!(max <= stop, "L0 grew to {max} files past the stop trigger {stop}");
}

/// `settle` returns only when no flush or compaction is needed: one more step is idle, L0 is
/// under its trigger and no memtable waits.
#[test]
fn settle_runs_background_work_until_none_is_needed() {
    within(Duration::from_secs(30), "settle", || {
        let dir = tempfile::tempdir().expect("tempdir");
        let opts = Options::tiny();
        let trigger = opts.l0_compaction_trigger;
        let db: Db = Db::open(dir.path(), opts).expect("open");
        for i in 0..2000u32 {
            db.put(format!("k{:05}", i * 7919 % 2000), format!("value{i}"))
                .expect("put");
        }
        let before = db.stats();
        assert!(
            before.has_imm || before.levels[0].files.len() >= trigger,
            "the writes left work to do: {before:?}"
        );
        db.settle().expect("settle");
        let after = db.stats();
        assert!(!after.has_imm, "settle flushed the waiting memtable");
        assert!(after.levels[0].files.len() < trigger, "settle compacted L0: {after:?}");
        assert_eq!(db.step_background().expect("step"), Work::Idle, "nothing left to do");
        for i in 0..2000u32 {
            let want = format!("value{}", (0..2000u32).rfind(|j| j * 7919 % 2000 == i).expect("key"));
            assert_eq!(
                db.get(format!("k{i:05}").as_bytes()).expect("get"),
                Some(want.into_bytes())
            );
        }
    });
}

/// Runs `f` on its own thread and fails naming `what` if it has not returned after `limit`: a
/// stalled engine then fails this test instead of hanging the run (the stuck thread ends with
/// the test process). A panic in `f` fails the test with `f`'s message.
fn within(limit: Duration, what: &str, f: impl FnOnce() + Send + 'static) {
    let (tx, rx) = std::sync::mpsc::channel();
    let worker = std::thread::spawn(move || {
        f();
        let _ = tx.send(());
    });
    match rx.recv_timeout(limit) {
        Ok(()) => {}
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
            panic!("{what} did not finish in {limit:?}: the engine stalled")
        }
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
            std::panic::resume_unwind(worker.join().expect_err("the worker panicked"))
        }
    }
}

/// Holds the first non-trivial compaction at its start until released, and records every
/// event in order.
#[derive(Clone, Default)]
struct HoldCompaction {
    events: Arc<std::sync::Mutex<Vec<Event>>>,
    held: Arc<(std::sync::Mutex<(bool, bool)>, std::sync::Condvar)>, // (entered, released)
}

impl Observer for HoldCompaction {
    fn on_event(&self, e: &Event) {
        self.events.lock().expect("events lock").push(e.clone());
        if let Event::CompactionBegin {
            trivial_move: false, ..
        } = e
        {
            let (m, cv) = &*self.held;
            let mut g = m.lock().expect("hold lock");
            g.0 = true;
            cv.notify_all();
            while !g.1 {
                g = cv.wait(g).expect("hold wait");
            }
        }
    }
}

/// LevelDB's compaction loop flushes a waiting immutable memtable between input entries, so a
/// long compaction does not stall writers for its whole length. A writer fills the memtable
/// while a compaction of more than 256 entries is held at its start; once released, the flush
/// must come before the compaction ends.
#[test]
fn a_long_compaction_flushes_the_waiting_memtable_midway() {
    let dir = tempfile::tempdir().expect("tempdir");
    let hold = HoldCompaction::default();
    let db: Db = Db::open_with(dir.path(), Options::tiny(), Env::os().observed_by(hold.clone())).expect("open");
    for round in 0..2 {
        for i in 0..600u32 {
            db.put(format!("k{i:04}"), format!("v{round}")).expect("put");
        }
        db.flush().expect("flush");
    }
    std::thread::scope(|s| {
        let compactor = s.spawn(|| db.compact_level(0, None, None));
        let (m, cv) = &*hold.held;
        let mut g = m.lock().expect("hold lock");
        while !g.0 {
            g = cv.wait(g).expect("hold wait");
        }
        drop(g);
        let mut n = 0u32;
        while !db.stats().has_imm {
            db.put(format!("w{n:05}"), "x")
                .expect("put while the compaction is held");
            n += 1;
        }
        m.lock().expect("hold lock").1 = true;
        cv.notify_all();
        compactor.join().expect("compactor thread").expect("compaction");
    });
    let events = hold.events.lock().expect("events lock").clone();
    let begin = events
        .iter()
        .position(|e| {
            matches!(
                e,
                Event::CompactionBegin {
                    trivial_move: false,
                    ..
                }
            )
        })
        .expect("a merging compaction ran");
    let end = begin
        + events[begin..]
            .iter()
            .position(|e| matches!(e, Event::CompactionEnd { .. }))
            .expect("it ended");
    assert!(
        events[begin..end].iter().any(|e| matches!(e, Event::FlushBegin { .. })),
        "the waiting memtable was flushed during the compaction, not after it ({} events between \
         its begin and end, none a flush)",
        end - begin - 1
    );
}
