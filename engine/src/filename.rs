//! File names inside a database directory, as in LevelDB.

use crate::events::FileKind;
use std::path::{Path, PathBuf};

/// The name of `CURRENT`, which names the active MANIFEST.
pub const CURRENT: &str = "CURRENT";

/// The name of `LOCK`, held while a process has the database open.
pub const LOCK: &str = "LOCK";

/// The path of file `number` of `kind` in `dir`.
pub fn path(dir: &Path, kind: FileKind, number: u64) -> PathBuf {
    dir.join(name(kind, number))
}

/// The name of file `number` of `kind`.
pub fn name(kind: FileKind, number: u64) -> String {
    match kind {
        FileKind::Log => format!("{number:06}.log"),
        FileKind::Table => format!("{number:06}.sst"),
        FileKind::Manifest => format!("MANIFEST-{number:06}"),
        FileKind::Temp => format!("{number:06}.dbtmp"),
    }
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
