//! The four engines behind one small interface, each with its default options and the same
//! durability: every write's WAL record handed to the OS (a `write` system call), no fsync.

use crate::leveldb::LevelDb;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rusty_leveldb::LdbIterator;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

/// How many items an iterator of results yields; panics on the first error.
fn count<T, E: std::fmt::Debug>(it: impl Iterator<Item = Result<T, E>>) -> u64 {
    it.map(|r| r.map(|_| 1u64)).sum::<Result<u64, E>>().expect("scan")
}

/// Our engine's WAL records (write groups) and the writes they held, while counted.
pub static GROUPS: [AtomicU64; 2] = [AtomicU64::new(0), AtomicU64::new(0)];

/// Counts our write groups into [`GROUPS`].
struct GroupCounter;

impl engine::Observer for GroupCounter {
    fn on_event(&self, e: &engine::Event) {
        if let engine::Event::WriteGroup { writers, .. } = e {
            // Relaxed: counters read after every writer is joined.
            GROUPS[0].fetch_add(1, Ordering::Relaxed);
            GROUPS[1].fetch_add(*writers as u64, Ordering::Relaxed);
        }
    }
}

/// Which engine.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    Ours,
    RustyLevelDb,
    Fjall,
    LevelDb,
}

/// An open database.
pub enum Engine {
    Ours(Arc<engine::Db>),
    RustyLevelDb(rusty_leveldb::DB),
    Fjall(fjall::Database, fjall::Keyspace),
    LevelDb(Arc<LevelDb>, PathBuf),
}

impl Engine {
    /// Opens a fresh database in `dir` with each engine's default options (no sync on write).
    /// `count_groups`: ours counts its WAL records and the writes in them ([`GROUPS`]).
    pub fn open(kind: Kind, dir: &Path, count_groups: bool) -> Engine {
        match kind {
            Kind::Ours => {
                let env = match count_groups {
                    true => engine::Env::os().observed_by(GroupCounter),
                    false => engine::Env::os(),
                };
                let db = engine::Db::open_with(dir, engine::Options::default(), env).expect("open ours");
                Engine::Ours(Arc::new(db))
            }
            Kind::RustyLevelDb => {
                let opts = rusty_leveldb::Options {
                    create_if_missing: true,
                    ..Default::default()
                };
                Engine::RustyLevelDb(rusty_leveldb::DB::open(dir, opts).expect("open rusty-leveldb"))
            }
            Kind::Fjall => {
                // fjall's default (manual_journal_persist = false) hands each write to the OS.
                let db = fjall::Database::builder(dir).open().expect("open fjall");
                let ks = db
                    .keyspace("bench", fjall::KeyspaceCreateOptions::default)
                    .expect("keyspace");
                Engine::Fjall(db, ks)
            }
            Kind::LevelDb => Engine::LevelDb(Arc::new(LevelDb::open(dir)), dir.to_path_buf()),
        }
    }

    pub fn put(&mut self, k: &[u8], v: &[u8]) {
        match self {
            Engine::Ours(db) => db.put(k, v).expect("put"),
            Engine::RustyLevelDb(db) => {
                db.put(k, v).expect("put");
                // rusty-leveldb buffers its log in user space; flush hands the record to the
                // OS (a write, no fsync), as the other three do on every write.
                db.flush().expect("flush");
            }
            Engine::Fjall(_, p) => p.insert(k, v).expect("insert"),
            Engine::LevelDb(db, _) => db.put(k, v),
        }
    }

    pub fn get(&mut self, k: &[u8]) -> Option<Vec<u8>> {
        match self {
            Engine::Ours(db) => db.get(k).expect("get"),
            Engine::RustyLevelDb(db) => db.get(k).map(|v| v.to_vec()),
            Engine::Fjall(_, p) => p.get(k).expect("get").map(|v| v.to_vec()),
            Engine::LevelDb(db, _) => db.get(k),
        }
    }

    /// Writes the memtable out, as db_bench does between a fill and the reads.
    pub fn settle(&mut self) {
        match self {
            Engine::Ours(db) => db.flush().expect("flush"),
            Engine::RustyLevelDb(db) => db.flush().expect("flush"),
            Engine::Fjall(db, _) => db.persist(fjall::PersistMode::Buffer).expect("persist"),
            // LevelDB's C API has no flush; reopening writes the recovered memtable to L0.
            Engine::LevelDb(db, dir) => Arc::get_mut(db).expect("no reader shares it").reopen(dir),
        }
    }

    /// Iterates every entry, forward or backward; returns how many, or `None` if the engine's
    /// iterator cannot start from the end (rusty-leveldb 4 has no `seek_to_last`).
    pub fn scan_all(&mut self, backward: bool) -> Option<u64> {
        Some(match self {
            Engine::Ours(db) if backward => count(db.iter().expect("iter").rev()),
            Engine::Ours(db) => count(db.iter().expect("iter")),
            Engine::RustyLevelDb(_) if backward => return None,
            Engine::RustyLevelDb(db) => {
                let mut it = db.new_iter().expect("iter");
                let mut n = 0;
                while it.advance() {
                    n += 1;
                }
                n
            }
            Engine::Fjall(_, p) if backward => count(p.iter().rev().map(|g| g.key())),
            Engine::Fjall(_, p) => count(p.iter().map(|g| g.key())),
            Engine::LevelDb(db, _) => db.scan(backward),
        })
    }

    /// db_bench's seekrandom step: a new iterator, one seek to `k`; true if it landed on `k`.
    pub fn seek(&mut self, k: &[u8]) -> bool {
        match self {
            Engine::Ours(db) => {
                let mut c = db.cursor().expect("cursor");
                c.seek(k).expect("seek");
                c.valid() && c.key() == k
            }
            Engine::RustyLevelDb(db) => {
                let mut it = db.new_iter().expect("iter");
                it.seek(k);
                it.current().is_some_and(|(key, _)| &key[..] == k)
            }
            Engine::Fjall(_, p) => p.range(k..).next().is_some_and(|g| &g.key().expect("item")[..] == k),
            Engine::LevelDb(db, _) => db.seek(k),
        }
    }

    /// A `get` that any thread may call, if the engine can be shared between threads.
    fn shared_get(&self) -> Option<Arc<dyn Fn(&[u8]) + Send + Sync>> {
        Some(match self {
            Engine::Ours(db) => {
                let db = db.clone();
                Arc::new(move |k| drop(std::hint::black_box(db.get(k).expect("get"))))
            }
            Engine::Fjall(_, p) => {
                let p = p.clone();
                Arc::new(move |k| drop(std::hint::black_box(p.get(k).expect("get"))))
            }
            Engine::LevelDb(db, _) => {
                let db = db.clone();
                Arc::new(move |k| drop(std::hint::black_box(db.get(k))))
            }
            Engine::RustyLevelDb(_) => return None,
        })
    }

    /// A `put` that any thread may call, if the engine can be shared between threads.
    fn shared_put(&self) -> Option<Arc<dyn Fn(&[u8], &[u8]) + Send + Sync>> {
        Some(match self {
            Engine::Ours(db) => {
                let db = db.clone();
                Arc::new(move |k, v| db.put(k, v).expect("put"))
            }
            Engine::Fjall(_, p) => {
                let p = p.clone();
                Arc::new(move |k, v| p.insert(k, v).expect("insert"))
            }
            Engine::LevelDb(db, _) => {
                let db = db.clone();
                Arc::new(move |k, v| db.put(k, v))
            }
            Engine::RustyLevelDb(_) => return None,
        })
    }

    /// db_bench's readwhilewriting with `writers` writer threads: one reader makes `n` random
    /// `get`s while the writers overwrite random keys until it is done. Returns the reads.
    pub fn read_while_writing(&mut self, n: u64, writers: u64, seed: u64) -> Option<u64> {
        let (get, put) = (self.shared_get()?, self.shared_put()?);
        let done = Arc::new(AtomicBool::new(false));
        let writer_threads: Vec<_> = (0..writers)
            .map(|w| {
                let (done, put) = (done.clone(), put.clone());
                std::thread::spawn(move || {
                    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0xffff ^ (w << 32));
                    // Relaxed: a stop flag with no data behind it; the join synchronizes.
                    while !done.load(Ordering::Relaxed) {
                        let k = super::key(rng.gen_range(0..n));
                        put(&k, &super::value(&mut rng));
                    }
                })
            })
            .collect();
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        for _ in 0..n {
            get(&super::key(rng.gen_range(0..n)));
        }
        done.store(true, Ordering::Relaxed); // see the writers' load
        for w in writer_threads {
            w.join().expect("writer");
        }
        Some(n)
    }

    /// `writers` threads each put `n / writers` random keys at once. Returns the writes.
    pub fn fill_concurrently(&mut self, n: u64, writers: u64, seed: u64) -> Option<u64> {
        let put = self.shared_put()?;
        let per = n / writers;
        let threads: Vec<_> = (0..writers)
            .map(|w| {
                let put = put.clone();
                std::thread::spawn(move || {
                    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ (w << 40));
                    for _ in 0..per {
                        put(&super::key(rng.gen_range(0..n)), &super::value(&mut rng));
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().expect("writer");
        }
        Some(per * writers)
    }

    /// Closes the database.
    pub fn finish(self) {
        match self {
            Engine::Ours(db) => {
                if let Ok(db) = Arc::try_unwrap(db) {
                    db.close().expect("close");
                }
            }
            Engine::RustyLevelDb(mut db) => db.close().expect("close"),
            Engine::Fjall(..) | Engine::LevelDb(..) => {}
        }
    }
}
