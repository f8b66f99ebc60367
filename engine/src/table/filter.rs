//! A whole-table Bloom filter over user keys (LevelDB's `FilterPolicy` with 10 bits per key,
//! RocksDB's "full filter"): a point lookup skips a table, and its block read, when the filter
//! says the key is absent. False positives cost one block read; there are no false negatives.
//!
//! Layout: `bit array | probes: u8`, sealed with a CRC32C like every block. Probes use double
//! hashing (Kirsch–Mitzenmacher) from one 64-bit xxh3 hash of the user key.

use xxhash_rust::xxh3::xxh3_64;

/// Bits per key: about a 1% false-positive rate, as LevelDB's default policy.
const BITS_PER_KEY: usize = 10;
/// Probes per key: `BITS_PER_KEY * ln 2`, rounded down.
const PROBES: u8 = 6;

/// The hash a filter stores for a user key.
pub(super) fn hash(user: &[u8]) -> u64 {
    xxh3_64(user)
}

/// The bit positions of `h` in a filter of `bits` bits.
fn positions(h: u64, probes: u8, bits: u64) -> impl Iterator<Item = u64> {
    let (mut a, b) = (h & 0xffff_ffff, (h >> 32) | 1);
    (0..probes).map(move |_| {
        let p = a % bits;
        a = a.wrapping_add(b);
        p
    })
}

/// Builds the unsealed filter for the given key hashes (duplicates are harmless).
pub(super) fn build(hashes: &[u64]) -> Vec<u8> {
    let bytes = (hashes.len() * BITS_PER_KEY).div_ceil(8).max(8);
    let bits = bytes as u64 * 8;
    let mut out = vec![0u8; bytes + 1];
    for &h in hashes {
        for p in positions(h, PROBES, bits) {
            out[(p / 8) as usize] |= 1 << (p % 8);
        }
    }
    out[bytes] = PROBES;
    out
}

/// A verified filter, as read back from a table.
#[derive(Debug)]
pub(super) struct Filter {
    bits: Vec<u8>,
    probes: u8,
}

impl Filter {
    /// Parses a verified (unsealed) filter body.
    pub(super) fn decode(body: &[u8]) -> Result<Filter, &'static str> {
        let (&probes, bits) = body.split_last().ok_or("empty filter block")?;
        if bits.is_empty() || probes == 0 || probes > 30 {
            return Err("malformed filter block");
        }
        Ok(Filter {
            bits: bits.to_vec(),
            probes,
        })
    }

    /// False only if no key with hash `h` was added.
    pub(super) fn may_contain(&self, h: u64) -> bool {
        let bits = self.bits.len() as u64 * 8;
        positions(h, self.probes, bits).all(|p| self.bits[(p / 8) as usize] & (1 << (p % 8)) != 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_false_negatives_and_few_false_positives() {
        let keys: Vec<Vec<u8>> = (0..10_000u32).map(|i| format!("key{i:08}").into_bytes()).collect();
        let hashes: Vec<u64> = keys.iter().map(|k| hash(k)).collect();
        let f = Filter::decode(&build(&hashes)).expect("a built filter decodes");
        assert!(keys.iter().all(|k| f.may_contain(hash(k))), "a false negative");
        let false_positives = (0..10_000u32)
            .filter(|i| f.may_contain(hash(format!("other{i:08}").as_bytes())))
            .count();
        // 10 bits per key and 6 probes: ~0.8% expected; 3% would mean a broken hash or probe.
        assert!(false_positives < 300, "{false_positives} false positives in 10,000");
    }

    #[test]
    fn malformed_filters_are_refused() {
        assert!(Filter::decode(&[]).is_err());
        assert!(Filter::decode(&[6]).is_err());
        assert!(Filter::decode(&[0xff, 0]).is_err());
    }
}
