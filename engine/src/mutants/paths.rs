//! Mutant-only code paths, kept out of the real ones so the real paths read as the real paths.

use crate::compaction::picker::{self, Compaction};
use crate::error::{IoContext, Result};
use crate::events::FileKind;
use crate::filename;
use crate::fs::Fs;
use crate::sync::Runtime;
use std::path::Path;

/// `L0PicksNewestOnly`: the L0 compaction `c` narrowed to its newest L0 file (and the L1
/// files that one overlaps), so older L0 entries end up above newer ones.
pub(crate) fn newest_l0_only<R: Runtime, X: Send + 'static>(c: Compaction<R, X>) -> Compaction<R, X> {
    if c.level > 0 {
        return c;
    }
    let Compaction {
        level,
        inputs,
        version,
        manual,
        ..
    } = c;
    let newest = inputs[0].last().cloned().into_iter().collect();
    Compaction {
        manual,
        ..picker::with_next_level(version, level, newest)
    }
}

/// `CompactionDeletesInputsDirectly`: unlink the compaction's inputs without asking whether
/// any live Version still lists them (after a trivial move, the new `current` does).
pub(crate) fn delete_inputs_directly(fs: &dyn Fs, dir: &Path, inputs: &[u64]) {
    for &n in inputs {
        let _ = fs.remove(&filename::path(dir, FileKind::Table, n));
    }
}

/// `CurrentWrittenInPlace`: truncate `CURRENT` and write the new name into it.
pub(crate) fn write_current_in_place(fs: &dyn Fs, dir: &Path, number: u64) -> Result<()> {
    let current = dir.join(filename::CURRENT);
    let mut f = fs.create(&current).at(&current)?;
    f.append(format!("MANIFEST-{number:06}\n").as_bytes()).at(&current)?;
    f.sync().at(&current)
}

/// `OldWalDeletedBeforeInstall`: unlink every WAL numbered below `keep`.
pub(crate) fn delete_wals_below(fs: &dyn Fs, dir: &Path, keep: u64) {
    let names = fs.list(dir).unwrap_or_default();
    for (kind, n) in names.iter().filter_map(|n| filename::parse(n)) {
        if kind == FileKind::Log && n < keep {
            let _ = fs.remove(&filename::path(dir, kind, n));
        }
    }
}
