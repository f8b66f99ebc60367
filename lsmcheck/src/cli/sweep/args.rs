//! Parsers for `sweep`'s `--seeds A..B` and `--shard I/N`.

use std::ops::RangeInclusive;

/// `A..B`, both ends included, `A <= B`.
pub fn seeds(s: &str) -> Result<RangeInclusive<u64>, String> {
    let (a, b) = s
        .split_once("..")
        .ok_or_else(|| format!("{s:?}: give the seeds as A..B (both included)"))?;
    let b = b.strip_prefix('=').unwrap_or(b);
    let (a, b): (u64, u64) = match (a.parse(), b.parse()) {
        (Ok(a), Ok(b)) => (a, b),
        _ => return Err(format!("{s:?}: A and B must be numbers")),
    };
    if a > b {
        return Err(format!("{s:?}: an empty range would check nothing (A > B)"));
    }
    Ok(a..=b)
}

/// `I/N` with `1 <= I <= N`.
pub fn shard(s: &str) -> Result<(u64, u64), String> {
    let parsed = s
        .split_once('/')
        .and_then(|(i, n)| Some((i.parse::<u64>().ok()?, n.parse::<u64>().ok()?)));
    match parsed {
        Some((i, n)) if (1..=n).contains(&i) => Ok((i, n)),
        _ => Err(format!("{s:?}: give the shard as I/N with 1 <= I <= N (1-based)")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_and_shards_parse_and_bad_ones_say_why() {
        assert_eq!(seeds("1..10000"), Ok(1..=10000));
        assert_eq!(seeds("5..=5"), Ok(5..=5));
        assert!(seeds("9..1").unwrap_err().contains("empty"));
        assert!(seeds("1-9").unwrap_err().contains("A..B"));
        assert_eq!(shard("2/4"), Ok((2, 4)));
        assert!(shard("0/4").is_err() && shard("5/4").is_err() && shard("x").is_err());
    }
}
