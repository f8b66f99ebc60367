//! The raw baseline of the harness benchmark: the kernel model's Ref/Unref-versus-install race
//! written directly against loom's and shuttle's own primitives, with no engine, no facade, no
//! simulated filesystem and no oracles beyond two asserts. It is what a loom or shuttle user
//! would write by hand, so "ours / raw" prices everything the harness adds.
//!
//! The shape is LevelDB's: readers `Ref` `current` under the mutex and read its files after a
//! pause; the compactor allocates a pending output, creates it, installs a Version without the
//! old file (unreffing the old `current`), then deletes every file no live Version lists.

/// Writes one copy of the model against the crate `$rt` (`loom` or `shuttle`, whose `sync` and
/// `thread` modules mirror std's).
macro_rules! raw_model {
    ($rt:ident) => {
        use std::collections::BTreeSet;
        use $rt::sync::atomic::{fence, AtomicUsize, Ordering};
        use $rt::sync::{Arc, Mutex};

        struct Version {
            files: Vec<u64>,
            refs: AtomicUsize,
        }

        struct State {
            current: Arc<Version>,
            /// Every Version ever installed; GC skips those with no refs.
            versions: Vec<Arc<Version>>,
            pending: BTreeSet<u64>,
            next_file: u64,
        }

        struct Db {
            state: Mutex<State>,
            /// The files on "disk".
            disk: Mutex<BTreeSet<u64>>,
        }

        fn unref(v: &Version) {
            // Release/Acquire: the last unref happens-after every read through the Version.
            if v.refs.fetch_sub(1, Ordering::Release) == 1 {
                fence(Ordering::Acquire);
            }
        }

        fn gc(db: &Db) {
            let st = db.state.lock().unwrap();
            let mut live: BTreeSet<u64> = st.pending.clone();
            for v in st.versions.iter().filter(|v| v.refs.load(Ordering::Acquire) > 0) {
                live.extend(v.files.iter().copied());
            }
            db.disk.lock().unwrap().retain(|f| live.contains(f));
        }

        /// One execution with `readers` reader threads, the last `held` of which unref their
        /// Version only after every thread has finished (a long-lived snapshot).
        pub fn execute(readers: usize, held: usize) {
            let first = Arc::new(Version {
                files: vec![1],
                refs: AtomicUsize::new(1), // `current`'s own ref
            });
            let db = Arc::new(Db {
                state: Mutex::new(State {
                    current: first.clone(),
                    versions: vec![first],
                    pending: BTreeSet::new(),
                    next_file: 2,
                }),
                disk: Mutex::new(BTreeSet::from([1])),
            });
            let handles: Vec<_> = (0..readers)
                .map(|i| {
                    let db = db.clone();
                    $rt::thread::spawn(move || {
                        let v = {
                            let st = db.state.lock().unwrap();
                            // Relaxed: taken under the state lock, like LevelDB's Ref.
                            st.current.refs.fetch_add(1, Ordering::Relaxed);
                            st.current.clone()
                        };
                        $rt::thread::yield_now(); // the lazy open comes later
                        for f in &v.files {
                            assert!(db.disk.lock().unwrap().contains(f), "read of deleted file {f}");
                        }
                        if i + held < readers {
                            unref(&v);
                            return None;
                        }
                        Some(v)
                    })
                })
                .collect();
            let compactor = {
                let db = db.clone();
                $rt::thread::spawn(move || {
                    let out = {
                        let mut st = db.state.lock().unwrap();
                        let n = st.next_file;
                        st.next_file += 1;
                        st.pending.insert(n);
                        n
                    };
                    db.disk.lock().unwrap().insert(out);
                    {
                        let mut st = db.state.lock().unwrap();
                        let v = Arc::new(Version {
                            files: vec![out],
                            refs: AtomicUsize::new(1),
                        });
                        let old = std::mem::replace(&mut st.current, v.clone());
                        st.versions.push(v);
                        st.pending.remove(&out);
                        unref(&old);
                    }
                    gc(&db);
                })
            };
            let held: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
            compactor.join().unwrap();
            for v in held.into_iter().flatten() {
                unref(&v);
            }
            gc(&db);
            let current = db.state.lock().unwrap().current.files.clone();
            let disk: Vec<u64> = db.disk.lock().unwrap().iter().copied().collect();
            assert_eq!(
                disk, current,
                "at quiescence the disk holds exactly current's files"
            );
        }
    };
}

/// The raw model on loom's primitives.
pub mod on_loom {
    raw_model!(loom);
}

/// The raw model on shuttle's primitives.
pub mod on_shuttle {
    raw_model!(shuttle);
}
