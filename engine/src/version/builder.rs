//! Builds a new Version's file lists from a base and an edit, checking their structure (O8).

use super::{FileMeta, VersionEdit, NUM_LEVELS};

/// `base + edit`, or a description of why the result would be malformed: a deleted file missing
/// from the base, an added number already present, or two files of a level `>= 1` sharing a user
/// key. `log_and_apply` treats `Err` as a bug and panics; recovery reports it as corruption.
pub(crate) fn apply_edit(base: &[Vec<FileMeta>], edit: &VersionEdit) -> Result<Vec<Vec<FileMeta>>, String> {
    // A scan per deleted file rather than a set of the base: edits delete few files, and
    // building the set allocated on every install.
    for d in &edit.deleted {
        let listed = base.get(d.0).is_some_and(|files| files.iter().any(|f| f.number == d.1));
        if !listed {
            return Err(format!(
                "edit deletes file {} from level {}, which the base does not list",
                d.1, d.0
            ));
        }
    }
    let mut levels: Vec<Vec<FileMeta>> = base
        .iter()
        .enumerate()
        .map(|(l, files)| {
            files
                .iter()
                .filter(|f| !edit.deleted.contains(&(l, f.number)))
                .cloned()
                .collect()
        })
        .collect();
    levels.resize(NUM_LEVELS, Vec::new());
    for (level, f) in &edit.added {
        if levels.iter().flatten().any(|g| g.number == f.number) {
            return Err(format!("edit adds file {} twice", f.number));
        }
        if f.smallest > f.largest {
            return Err(format!(
                "file {} has smallest key {:?} > largest {:?}",
                f.number, f.smallest, f.largest
            ));
        }
        levels[*level].push(f.clone());
    }
    levels[0].sort_by_key(|f| f.number);
    for (level, files) in levels.iter_mut().enumerate().skip(1) {
        files.sort_by(|a, b| a.smallest.cmp(&b.smallest));
        for w in files.windows(2) {
            if w[0].largest.user >= w[1].smallest.user {
                return Err(format!(
                    "level {level}: files {} and {} overlap ({:?} >= {:?})",
                    w[0].number, w[1].number, w[0].largest, w[1].smallest
                ));
            }
        }
    }
    Ok(levels)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::{InternalKey, Kind};

    fn file(number: u64, lo: &str, hi: &str) -> FileMeta {
        let k = |s: &str| InternalKey::new(s.as_bytes().to_vec(), 1, Kind::Put);
        FileMeta {
            number,
            size: 10,
            smallest: k(lo),
            largest: k(hi),
        }
    }

    #[test]
    fn applies_deletes_and_adds_and_rejects_bad_edits() {
        let base = vec![vec![]; NUM_LEVELS];
        let mut e = VersionEdit::default();
        e.add_file(1, file(5, "m", "z"));
        e.add_file(1, file(4, "a", "c"));
        let v = apply_edit(&base, &e).expect("valid edit");
        assert_eq!(v[1].iter().map(|f| f.number).collect::<Vec<_>>(), vec![4, 5]);

        let mut overlap = VersionEdit::default();
        overlap.add_file(1, file(6, "b", "d"));
        assert!(apply_edit(&v, &overlap).unwrap_err().contains("overlap"));

        let mut missing = VersionEdit::default();
        missing.delete_file(2, 4);
        assert!(apply_edit(&v, &missing).unwrap_err().contains("does not list"));
    }
}
