//! The three engines behind one small interface.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rusty_leveldb::LdbIterator;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Which engine.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    Ours,
    RustyLevelDb,
    Fjall,
}

/// An open database.
pub enum Engine {
    Ours(Arc<engine::Db>),
    RustyLevelDb(rusty_leveldb::DB),
    Fjall(fjall::Keyspace, fjall::PartitionHandle),
}

impl Engine {
    /// Opens a fresh database in `dir` with each engine's default options (no sync on write).
    pub fn open(kind: Kind, dir: &Path) -> Engine {
        match kind {
            Kind::Ours => Engine::Ours(Arc::new(
                engine::Db::open(dir, engine::Options::default()).expect("open ours"),
            )),
            Kind::RustyLevelDb => {
                let opts = rusty_leveldb::Options {
                    create_if_missing: true,
                    ..Default::default()
                };
                Engine::RustyLevelDb(rusty_leveldb::DB::open(dir, opts).expect("open rusty-leveldb"))
            }
            Kind::Fjall => {
                let ks = fjall::Config::new(dir).open().expect("open fjall");
                let p = ks
                    .open_partition("bench", fjall::PartitionCreateOptions::default())
                    .expect("partition");
                Engine::Fjall(ks, p)
            }
        }
    }

    pub fn put(&mut self, k: &[u8], v: &[u8]) {
        match self {
            Engine::Ours(db) => db.put(k, v).expect("put"),
            Engine::RustyLevelDb(db) => db.put(k, v).expect("put"),
            Engine::Fjall(_, p) => p.insert(k, v).expect("insert"),
        }
    }

    pub fn get(&mut self, k: &[u8]) -> Option<Vec<u8>> {
        match self {
            Engine::Ours(db) => db.get(k).expect("get"),
            Engine::RustyLevelDb(db) => db.get(k),
            Engine::Fjall(_, p) => p.get(k).expect("get").map(|v| v.to_vec()),
        }
    }

    /// Writes the memtable out, as db_bench does between a fill and the reads.
    pub fn settle(&mut self) {
        match self {
            Engine::Ours(db) => db.flush().expect("flush"),
            Engine::RustyLevelDb(db) => db.flush().expect("flush"),
            Engine::Fjall(ks, _) => ks.persist(fjall::PersistMode::Buffer).expect("persist"),
        }
    }

    /// Iterates every entry; returns how many.
    pub fn scan_all(&mut self) -> u64 {
        match self {
            Engine::Ours(db) => db.iter().expect("iter").map(|r| r.expect("item")).count() as u64,
            Engine::RustyLevelDb(db) => {
                let mut it = db.new_iter().expect("iter");
                let mut n = 0;
                while it.advance() {
                    n += 1;
                }
                n
            }
            Engine::Fjall(_, p) => p.iter().map(|r| r.expect("item")).count() as u64,
        }
    }

    /// `readers` threads do `n` random gets in all while one thread writes random keys;
    /// returns the reads done. `None` for rusty-leveldb, whose handle cannot be shared between
    /// threads (`&mut self` methods over `Rc`s).
    pub fn read_while_writing(&mut self, n: u64, readers: u64, seed: u64) -> Option<u64> {
        let get: Arc<dyn Fn(&[u8]) + Send + Sync> = match self {
            Engine::Ours(db) => {
                let db = db.clone();
                Arc::new(move |k| drop(std::hint::black_box(db.get(k).expect("get"))))
            }
            Engine::Fjall(_, p) => {
                let p = p.clone();
                Arc::new(move |k| drop(std::hint::black_box(p.get(k).expect("get"))))
            }
            Engine::RustyLevelDb(_) => return None,
        };
        let put: Arc<dyn Fn(&[u8], &[u8]) + Send + Sync> = match self {
            Engine::Ours(db) => {
                let db = db.clone();
                Arc::new(move |k, v| db.put(k, v).expect("put"))
            }
            Engine::Fjall(_, p) => {
                let p = p.clone();
                Arc::new(move |k, v| p.insert(k, v).expect("insert"))
            }
            Engine::RustyLevelDb(_) => return None,
        };
        let done = Arc::new(AtomicBool::new(false));
        let writer = {
            let (done, put) = (done.clone(), put.clone());
            std::thread::spawn(move || {
                let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0xffff);
                // Relaxed: a stop flag with no data behind it; the join synchronizes.
                while !done.load(Ordering::Relaxed) {
                    let k = super::key(rng.gen_range(0..n));
                    put(&k, &super::value(&mut rng));
                }
            })
        };
        let per = n / readers;
        let handles: Vec<_> = (0..readers)
            .map(|r| {
                let get = get.clone();
                std::thread::spawn(move || {
                    let mut rng = ChaCha8Rng::seed_from_u64(seed + r);
                    for _ in 0..per {
                        get(&super::key(rng.gen_range(0..n)));
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().expect("reader");
        }
        done.store(true, Ordering::Relaxed); // see the writer's load

        writer.join().expect("writer");
        Some(per * readers)
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
            Engine::Fjall(..) => {}
        }
    }
}
