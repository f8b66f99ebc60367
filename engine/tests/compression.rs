//! Snappy compression end to end: a database written with it is smaller on disk, reads the
//! same, and opens with compression off (tables carry their own block types).

use engine::{Compression, Db, Options};

fn fill(dir: &std::path::Path, compression: Compression) -> u64 {
    let opts = Options {
        compression,
        ..Options::tiny()
    };
    let db: Db = Db::open(dir, opts).expect("open");
    for i in 0..2000u32 {
        db.put(format!("k{i:05}"), format!("value {i} {}", "abc".repeat(30)))
            .expect("put");
    }
    db.compact_range(None, None).expect("compact");
    let bytes = db.live_files().iter().map(|f| f.size).sum();
    db.close().expect("close");
    bytes
}

#[test]
fn snappy_tables_are_smaller_and_read_back_with_compression_off() {
    let (plain, packed) = (
        tempfile::tempdir().expect("tempdir"),
        tempfile::tempdir().expect("tempdir"),
    );
    let plain_bytes = fill(plain.path(), Compression::None);
    let packed_bytes = fill(packed.path(), Compression::Snappy);
    assert!(packed_bytes * 2 < plain_bytes, "{packed_bytes} vs {plain_bytes} bytes");
    let db: Db = Db::open(packed.path(), Options::tiny()).expect("reopen, compression off");
    let rows: Vec<_> = db.iter().expect("iter").map(|r| r.expect("item")).collect();
    assert_eq!(rows.len(), 2000);
    for (i, (k, v)) in rows.iter().enumerate() {
        assert_eq!(k, format!("k{i:05}").as_bytes());
        assert_eq!(v, format!("value {i} {}", "abc".repeat(30)).as_bytes());
    }
}
