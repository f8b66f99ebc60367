//! The table format: Snappy blocks round-trip and are kept only when they pay, a damaged type
//! byte is corruption, and version 2 tables (no type byte) are still read.

use super::block::{open_data, push_entry, seal, seal_data, Compression};
use super::{filter, Table, TableBuilder, FOOTER_LEN, MAGIC_V2};
use crate::coding::put_bytes;
use crate::fs::{Fs, MemFs};
use crate::key::{InternalKey, Kind};
use crate::sync::Std;
use std::path::Path;

fn entries(n: u32, value: impl Fn(u32) -> Vec<u8>) -> Vec<(InternalKey, Vec<u8>)> {
    (0..n)
        .map(|i| {
            (
                InternalKey::new(format!("k{i:04}").into_bytes(), u64::from(i) + 1, Kind::Put),
                value(i),
            )
        })
        .collect()
}

fn block_of(entries: &[(InternalKey, Vec<u8>)]) -> Vec<u8> {
    let mut b = Vec::new();
    for (k, v) in entries {
        push_entry(&mut b, &k.encode(), v);
    }
    b
}

#[test]
fn snappy_blocks_round_trip_and_are_kept_only_when_they_pay() {
    let plain = block_of(&entries(50, |_| vec![b'x'; 100]));
    let mut sealed = plain.clone();
    seal_data(&mut sealed, Compression::Snappy);
    assert!(sealed.len() < plain.len() / 2, "repetitive values compress");
    assert_eq!(open_data(sealed.clone()).as_deref(), Ok(&plain[..]));
    let mut x = 0x9E37_79B9_7F4A_7C15u64; // xorshift64: bytes Snappy cannot shrink
    let noise: Vec<u8> = (0..4096)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 32) as u8
        })
        .collect();
    let mut sealed = noise.clone();
    seal_data(&mut sealed, Compression::Snappy);
    assert_eq!(
        sealed.len(),
        noise.len() + 5,
        "incompressible: stored as is, type byte + CRC"
    );
    assert_eq!(open_data(sealed).as_deref(), Ok(&noise[..]));
    let mut bad_type = plain.clone();
    bad_type.push(9);
    seal(&mut bad_type);
    assert_eq!(open_data(bad_type), Err("unknown block compression type"));
}

#[test]
fn a_table_reads_the_same_with_and_without_compression() {
    let fs = MemFs::<Std>::new();
    fs.create_dir_all(Path::new("/t")).expect("mkdir");
    let es = entries(500, |i| format!("value-{i}-{}", "y".repeat(60)).into_bytes());
    let mut sizes = Vec::new();
    for (n, c) in [(1, Compression::None), (2, Compression::Snappy)] {
        let path = Path::new("/t").join(format!("{n:06}.sst"));
        let mut b = TableBuilder::create(&fs, &path, 1024, c).expect("create");
        for (k, v) in &es {
            b.add(k, v).expect("add");
        }
        sizes.push(b.finish().expect("finish").size);
        let t = Table::<Std>::open(&fs, &path, None).expect("open");
        for (k, v) in es.iter().step_by(37) {
            let got = t
                .get(&InternalKey::seek_target(&k.user, 1000))
                .expect("get")
                .expect("found");
            assert_eq!(&got.value, v);
        }
    }
    assert!(sizes[1] < sizes[0] / 2, "snappy tables are smaller: {sizes:?}");
}

/// Writes a version 2 table by hand: data blocks without a type byte.
fn v2_table(es: &[(InternalKey, Vec<u8>)]) -> Vec<u8> {
    let mut block = block_of(es);
    seal(&mut block);
    let hashes: Vec<u64> = es.iter().map(|(k, _)| filter::hash(&k.user)).collect();
    let mut f = filter::build(&hashes);
    seal(&mut f);
    let mut index = Vec::new();
    put_bytes(&mut index, &es.last().expect("entries").0.encode());
    index.extend_from_slice(&0u64.to_le_bytes());
    index.extend_from_slice(&(block.len() as u32).to_le_bytes());
    seal(&mut index);
    let (filter_at, index_at) = (block.len() as u64, (block.len() + f.len()) as u64);
    let mut out = [block, f, index.clone()].concat();
    let start = out.len();
    for x in [
        index_at,
        index.len() as u64,
        filter_at,
        (index_at - filter_at),
        es.len() as u64,
        MAGIC_V2,
    ] {
        out.extend_from_slice(&x.to_le_bytes());
    }
    let crc = crc32c::crc32c(&out[start..]);
    out.extend_from_slice(&crc.to_le_bytes());
    assert_eq!(out.len() - start, FOOTER_LEN);
    out
}

#[test]
fn version_2_tables_are_still_read() {
    let fs = MemFs::<Std>::new();
    fs.create_dir_all(Path::new("/t")).expect("mkdir");
    let es = entries(20, |i| format!("old-{i}").into_bytes());
    let path = Path::new("/t/000009.sst");
    let mut w = fs.create(path).expect("create");
    w.append(&v2_table(&es)).expect("write");
    w.flush().expect("flush");
    drop(w);
    let t = Table::<Std>::open(&fs, path, None).expect("a version 2 table opens");
    for (k, v) in &es {
        let got = t
            .get(&InternalKey::seek_target(&k.user, 1000))
            .expect("get")
            .expect("found");
        assert_eq!(&got.value, v);
    }
}
