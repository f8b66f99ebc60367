//! File names inside a database directory, as in LevelDB.

use crate::events::FileKind;
use std::path::{Path, PathBuf};

/// The name of `CURRENT`, which names the active MANIFEST.
pub const CURRENT: &str = "CURRENT";

/// The name of `LOCK`, held while a process has the database open.
pub const LOCK: &str = "LOCK";

/// The path of file `number` of `kind` in `dir`.
pub fn path(dir: &Path, kind: FileKind, number: u64) -> PathBuf {
    let name = name(kind, number);
    let mut path = PathBuf::with_capacity(dir.as_os_str().len() + 1 + name.len());
    path.push(dir);
    path.push(name);
    path
}

/// The name of file `number` of `kind`.
pub fn name(kind: FileKind, number: u64) -> String {
    let (prefix, suffix) = match kind {
        FileKind::Log => ("", ".log"),
        FileKind::Table => ("", ".sst"),
        FileKind::Manifest => ("MANIFEST-", ""),
        FileKind::Temp => ("", ".dbtmp"),
    };
    // By hand rather than `format!`: names are made on every file access, and the formatting
    // machinery showed in the harness's profiles.
    let mut digits = [b'0'; 20]; // u64::MAX has 20 digits
    let mut start = digits.len();
    let mut rest = number;
    while rest > 0 || start > digits.len() - 6 {
        start -= 1;
        digits[start] = b'0' + (rest % 10) as u8; // a remainder below 10: lossless
        rest /= 10;
    }
    let mut name = String::with_capacity(prefix.len() + digits.len() - start + suffix.len());
    name.push_str(prefix);
    name.extend(digits[start..].iter().map(|&d| char::from(d)));
    name.push_str(suffix);
    name
}

/// Parses a directory entry; `None` for `CURRENT` and for names the engine does not own.
pub fn parse(name: &str) -> Option<(FileKind, u64)> {
    if let Some(n) = name.strip_prefix("MANIFEST-") {
        return n.parse().ok().map(|n| (FileKind::Manifest, n));
    }
    let (stem, ext) = name.split_once('.')?;
    let number = stem.parse().ok()?;
    let kind = match ext {
        "log" => FileKind::Log,
        "sst" => FileKind::Table,
        "dbtmp" => FileKind::Temp,
        _ => return None,
    };
    Some((kind, number))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_zero_padded_to_six_digits() {
        for n in [0, 7, 42, 999_999, 1_000_000, 123_456_789, u64::MAX] {
            assert_eq!(name(FileKind::Table, n), format!("{n:06}.sst"));
            assert_eq!(name(FileKind::Manifest, n), format!("MANIFEST-{n:06}"));
        }
        assert_eq!(path(Path::new("/d/"), FileKind::Log, 3), Path::new("/d/000003.log"));
    }

    #[test]
    fn names_round_trip() {
        for kind in [FileKind::Log, FileKind::Table, FileKind::Manifest, FileKind::Temp] {
            let p = path(Path::new("/d"), kind, 42);
            let name = p.file_name().and_then(|n| n.to_str()).expect("utf-8 name");
            assert_eq!(parse(name), Some((kind, 42)));
        }
        assert_eq!(parse(CURRENT), None);
        assert_eq!(parse("LOCK"), None);
    }
}
