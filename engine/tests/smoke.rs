//! Smoke test: put, get, delete, scan, flush, compact, reopen on real files.

use engine::{Background, Db, Options};

#[test]
fn put_get_delete_scan_flush_compact_reopen() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut opts = Options::tiny();
    opts.background = Background::Manual;
    let db = Db::open(dir.path(), opts.clone()).expect("open");
    for i in 0..500u32 {
        db.put(format!("k{i:04}"), format!("v{i}")).expect("put");
    }
    db.delete("k0007").expect("delete");
    db.settle().expect("settle");
    assert_eq!(db.get(b"k0001").expect("get"), Some(b"v1".to_vec()));
    assert_eq!(db.get(b"k0007").expect("get"), None);
    let n = db.iter().expect("iter").count();
    assert_eq!(n, 499);
    db.compact_range(None, None).expect("compact");
    println!("{}", db.stats());
    assert_eq!(db.stats().levels[0].files.len(), 0);
    db.close().expect("close");
    let db = Db::open(dir.path(), opts).expect("reopen");
    assert_eq!(db.get(b"k0499").expect("get"), Some(b"v499".to_vec()));
    assert_eq!(db.iter().expect("iter").count(), 499);
}
