//! Every saved regression (`scenarios/regressions/*.json`) replays: under its mutant the
//! recording still produces its violation, and the correct engine explores the same seed and
//! budget without a failure. The saved set covers every class of bug the gate knows.

use engine::mutants::{BugClass, Mutant};
use models::regression::{self, Regression};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn saved() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/regressions");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_saved_regression_replays_and_every_bug_class_has_one() {
    let mut classes = BTreeSet::new();
    let mut broken = Vec::new();
    for path in saved() {
        let r = Regression::read(&path).unwrap_or_else(|e| panic!("{e}"));
        if let Some(m) = r.mutant.as_deref().and_then(Mutant::from_name) {
            classes.insert(m.class());
        }
        let started = std::time::Instant::now();
        if let Err(e) = regression::check(&r) {
            broken.push(format!("{}: {e}", path.display()));
        }
        eprintln!("{}: {:.1} s", path.display(), started.elapsed().as_secs_f64());
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
    let missing: Vec<_> = BugClass::ALL.iter().filter(|c| !classes.contains(c)).collect();
    assert!(missing.is_empty(), "no saved regression of class {missing:?}");
}
