//! Choosing a compaction: size- and count-triggered (automatic) or by key range (manual).

use crate::sync::Runtime;
use crate::version::{FileMeta, VersionRef, NUM_LEVELS};

/// One compaction: `inputs[0]` from `level`, `inputs[1]` from `level + 1`, read through the
/// pinned `version` (LevelDB's `input_version_`). `grandparents` are the files of `level + 2`
/// the inputs overlap: the outputs are cut so that none overlaps too many of them.
#[derive(Debug)]
pub(crate) struct Compaction<R: Runtime, X: Send + 'static> {
    pub(crate) level: usize,
    pub(crate) inputs: [Vec<FileMeta>; 2],
    pub(crate) grandparents: Vec<FileMeta>,
    /// Asked for by `compact_range`: always rewritten, never moved.
    pub(crate) manual: bool,
    pub(crate) version: VersionRef<R, X>,
}

impl<R: Runtime, X: Send + 'static> Compaction<R, X> {
    /// One file with nothing to merge below it: move it down by editing the MANIFEST only.
    /// As in LevelDB, not when the move would leave it overlapping more than
    /// `max_grandparent_overlap` bytes of the level below its new one (a later compaction of
    /// it would be too expensive), and never in a manual compaction, which rewrites.
    pub(crate) fn is_trivial_move(&self, max_grandparent_overlap: u64) -> bool {
        let overlap: u64 = self.grandparents.iter().map(|f| f.size).sum();
        !self.manual && self.inputs[0].len() == 1 && self.inputs[1].is_empty() && overlap <= max_grandparent_overlap
    }

    /// Numbers of every input file.
    pub(crate) fn input_numbers(&self) -> Vec<u64> {
        self.inputs.iter().flatten().map(|f| f.number).collect()
    }

    /// True if no level below the output level holds `user` (so a tombstone can go).
    pub(crate) fn is_base_level_for(&self, user: &[u8]) -> bool {
        (self.level + 2..NUM_LEVELS).all(|l| self.version.file_for(l, user).is_none())
    }
}

/// The automatic compaction `version` needs, if any. `pointer` is where the last
/// size-triggered compaction of each level ended; it is advanced here.
pub(crate) fn pick<R: Runtime, X: Send + 'static>(
    version: VersionRef<R, X>,
    pointer: &mut [Option<Vec<u8>>],
) -> Option<Compaction<R, X>> {
    let (level, score) = version.compaction;
    if score < 1.0 {
        return None;
    }
    let inputs0 = if level == 0 {
        version.files(0).to_vec()
    } else {
        let files = version.files(level);
        let after = pointer[level].as_deref();
        let f = files
            .iter()
            .find(|f| after.is_none_or(|p| f.largest.user.as_slice() > p))
            .or(files.first())?;
        pointer[level] = Some(f.largest.user.clone());
        vec![f.clone()]
    };
    Some(with_next_level(version, level, inputs0))
}

/// A compaction of every file of `level` that overlaps `[lo, hi]`, if there is one.
pub(crate) fn pick_range<R: Runtime, X: Send + 'static>(
    version: VersionRef<R, X>,
    level: usize,
    lo: Option<&[u8]>,
    hi: Option<&[u8]>,
) -> Option<Compaction<R, X>> {
    assert!(level + 1 < NUM_LEVELS, "the last level has nowhere to go");
    let mut inputs0 = version.overlapping(level, lo, hi);
    if level == 0 {
        // L0 files overlap each other: grow the range until it covers every L0 file that
        // meets it, so no older entry for a key is left above a newer one.
        loop {
            let (a, b) = range(&inputs0)?;
            let grown = version.overlapping(0, Some(&a), Some(&b));
            if grown.len() == inputs0.len() {
                break;
            }
            inputs0 = grown;
        }
    }
    let manual = |c: Compaction<R, X>| Compaction { manual: true, ..c };
    (!inputs0.is_empty()).then(|| manual(with_next_level(version, level, inputs0)))
}

/// A compaction of `inputs0` from `level` and every file of `level + 1` they overlap.
pub(crate) fn with_next_level<R: Runtime, X: Send + 'static>(
    version: VersionRef<R, X>,
    level: usize,
    inputs0: Vec<FileMeta>,
) -> Compaction<R, X> {
    let (lo, hi) = range(&inputs0).expect("a compaction has inputs");
    let inputs1 = version.overlapping(level + 1, Some(&lo), Some(&hi));
    let all: Vec<FileMeta> = inputs0.iter().chain(&inputs1).cloned().collect();
    let (lo, hi) = range(&all).expect("a compaction has inputs");
    let grandparents = match version.levels().get(level + 2) {
        Some(_) => version.overlapping(level + 2, Some(&lo), Some(&hi)),
        None => Vec::new(), // the output level is the last
    };
    Compaction {
        level,
        inputs: [inputs0, inputs1],
        grandparents,
        manual: false,
        version,
    }
}

/// The user-key range `[smallest, largest]` covered by `files`.
fn range(files: &[FileMeta]) -> Option<(Vec<u8>, Vec<u8>)> {
    let lo = files.iter().map(|f| &f.smallest.user).min()?;
    let hi = files.iter().map(|f| &f.largest.user).max()?;
    Some((lo.clone(), hi.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::Std;
    use crate::version::tests::{install, kernel_with, new_table, pin};
    use crate::version::KernelOptions;

    fn numbers(files: &[FileMeta]) -> Vec<u64> {
        files.iter().map(|f| f.number).collect()
    }

    #[test]
    fn an_l0_compaction_takes_every_l0_file_and_the_l1_files_they_overlap() {
        let vs = kernel_with::<Std>(KernelOptions::default());
        let below = new_table(&vs, "c", "e");
        install(&vs, 1, &below, &[]);
        let far = new_table(&vs, "x", "z");
        install(&vs, 1, &far, &[]);
        let l0: Vec<_> = [("a", "c"), ("b", "d"), ("a", "b"), ("d", "d")]
            .iter()
            .map(|(lo, hi)| {
                let t = new_table(&vs, lo, hi);
                install(&vs, 0, &t, &[]);
                t
            })
            .collect();
        let mut pointer = vec![None; NUM_LEVELS];
        let c = pick(pin(&vs), &mut pointer).expect("4 L0 files reach the trigger");
        assert_eq!(c.level, 0);
        assert_eq!(numbers(&c.inputs[0]), numbers(&l0));
        assert_eq!(numbers(&c.inputs[1]), vec![below.number], "not x..z");
        assert!(!c.is_trivial_move(u64::MAX));
    }

    #[test]
    fn a_manual_l0_range_grows_until_no_overlapping_l0_file_is_left_out() {
        let vs = kernel_with::<Std>(KernelOptions::default());
        let a = new_table(&vs, "a", "c");
        let b = new_table(&vs, "b", "f");
        let x = new_table(&vs, "x", "z");
        for t in [&a, &b, &x] {
            install(&vs, 0, t, &[]);
        }
        let c = pick_range(pin(&vs), 0, Some(b"a"), Some(b"a")).expect("a..a meets a file");
        let mut got = numbers(&c.inputs[0]);
        got.sort_unstable();
        assert_eq!(got, vec![a.number, b.number], "b..f overlaps a..c; x..z stays");
        assert!(pick_range(pin(&vs), 0, Some(b"m"), Some(b"n")).is_none());
    }

    #[test]
    fn size_triggered_picks_go_round_robin_through_a_level() {
        let opts = KernelOptions {
            max_bytes_for_level_base: 8, // three 5-byte files overflow L1
            ..KernelOptions::default()
        };
        let vs = kernel_with::<Std>(opts);
        let files: Vec<_> = [("a", "b"), ("c", "d"), ("e", "f")]
            .iter()
            .map(|(lo, hi)| {
                let t = new_table(&vs, lo, hi);
                install(&vs, 1, &t, &[]);
                t.number
            })
            .collect();
        let mut pointer = vec![None; NUM_LEVELS];
        let picked: Vec<u64> = (0..4)
            .map(|_| {
                let c = pick(pin(&vs), &mut pointer).expect("L1 is over its size");
                assert_eq!(c.level, 1);
                assert!(c.is_trivial_move(u64::MAX), "nothing below to merge with");
                c.inputs[0][0].number
            })
            .collect();
        assert_eq!(picked, vec![files[0], files[1], files[2], files[0]]);
    }
}
