//! LevelDB's C++ implementation through `leveldb-sys` (its vendored source, built with cmake;
//! no Snappy): a thin safe handle over the C API, enough for db_bench's workloads.
#![allow(unsafe_code)]

use leveldb_sys::*;
use std::ffi::{c_char, CString};
use std::path::Path;
use std::ptr;

/// An open LevelDB database. The C handle is thread-safe (LevelDB's `DB` is).
pub struct LevelDb {
    db: *mut leveldb_t,
    read: *mut leveldb_readoptions_t,
    write: *mut leveldb_writeoptions_t,
}

// SAFETY: leveldb_t is documented thread-safe for concurrent get/put/iterate; the option
// handles are only read after creation.
unsafe impl Send for LevelDb {}
unsafe impl Sync for LevelDb {}

fn check(err: *mut c_char, what: &str) {
    if !err.is_null() {
        // SAFETY: LevelDB returns a NUL-terminated message allocated with malloc.
        let msg = unsafe { std::ffi::CStr::from_ptr(err) }.to_string_lossy().into_owned();
        unsafe { leveldb_free(err.cast()) };
        panic!("leveldb {what}: {msg}");
    }
}

/// Opens `dir` (creating it) with LevelDB's defaults, compression off.
fn open_handle(dir: &Path) -> *mut leveldb_t {
    let name = CString::new(dir.to_str().expect("utf8 path")).expect("no NUL");
    let mut err = ptr::null_mut();
    // SAFETY: plain C API calls with valid arguments; the options handle is freed here.
    let db = unsafe {
        let opts = leveldb_options_create();
        leveldb_options_set_create_if_missing(opts, 1);
        leveldb_options_set_compression(opts, Compression::No);
        let db = leveldb_open(opts, name.as_ptr(), &mut err);
        leveldb_options_destroy(opts);
        db
    };
    check(err, "open");
    db
}

impl LevelDb {
    /// Opens (creating) `dir` with LevelDB's defaults, compression off.
    pub fn open(dir: &Path) -> LevelDb {
        // SAFETY: option handles are created here and destroyed in Drop.
        unsafe {
            LevelDb {
                db: open_handle(dir),
                read: leveldb_readoptions_create(),
                write: leveldb_writeoptions_create(),
            }
        }
    }

    /// Closes and reopens the database: recovery writes the logged memtable to a level-0
    /// table, which is how LevelDB's C API can flush.
    pub fn reopen(&mut self, dir: &Path) {
        // SAFETY: the handle is open and no iterator outlives this call (`&mut self`).
        unsafe { leveldb_close(self.db) };
        self.db = open_handle(dir);
    }

    pub fn put(&self, k: &[u8], v: &[u8]) {
        let mut err = ptr::null_mut();
        // SAFETY: key and value are valid for their lengths during the call.
        unsafe {
            leveldb_put(
                self.db,
                self.write,
                k.as_ptr().cast(),
                k.len(),
                v.as_ptr().cast(),
                v.len(),
                &mut err,
            );
        }
        check(err, "put");
    }

    pub fn get(&self, k: &[u8]) -> Option<Vec<u8>> {
        let (mut err, mut len) = (ptr::null_mut(), 0);
        // SAFETY: the returned buffer is malloc'ed by LevelDB, copied, then freed.
        unsafe {
            let v = leveldb_get(self.db, self.read, k.as_ptr().cast(), k.len(), &mut len, &mut err);
            check(err, "get");
            if v.is_null() {
                return None;
            }
            let out = std::slice::from_raw_parts(v as *const u8, len).to_vec();
            leveldb_free(v.cast());
            Some(out)
        }
    }

    /// Walks every key forward (or backward); returns how many.
    pub fn scan(&self, backward: bool) -> u64 {
        let mut n = 0;
        // SAFETY: the iterator is created, used while the DB is open, and destroyed here.
        unsafe {
            let it = leveldb_create_iterator(self.db, self.read);
            if backward {
                leveldb_iter_seek_to_last(it)
            } else {
                leveldb_iter_seek_to_first(it)
            }
            while leveldb_iter_valid(it) != 0 {
                let mut len = 0;
                std::hint::black_box(leveldb_iter_key(it, &mut len));
                n += 1;
                if backward {
                    leveldb_iter_prev(it)
                } else {
                    leveldb_iter_next(it)
                }
            }
            leveldb_iter_destroy(it);
        }
        n
    }

    /// db_bench's seekrandom step: a new iterator, one seek; true if it landed on `k`.
    pub fn seek(&self, k: &[u8]) -> bool {
        // SAFETY: as in `scan`; the key slice outlives the borrowed pointer.
        unsafe {
            let it = leveldb_create_iterator(self.db, self.read);
            leveldb_iter_seek(it, k.as_ptr().cast(), k.len());
            let mut len = 0;
            let found = leveldb_iter_valid(it) != 0
                && std::slice::from_raw_parts(leveldb_iter_key(it, &mut len) as *const u8, len) == k;
            leveldb_iter_destroy(it);
            found
        }
    }
}

impl Drop for LevelDb {
    fn drop(&mut self) {
        // SAFETY: each handle was created in `open` and is destroyed once.
        unsafe {
            leveldb_close(self.db);
            leveldb_readoptions_destroy(self.read);
            leveldb_writeoptions_destroy(self.write);
        }
    }
}
