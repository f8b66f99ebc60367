//! Every saved regression (`scenarios/regressions/*.json`) replays: under its mutant the
//! recording still produces its violation, and the correct engine explores the same seed and
//! budget without a failure. The saved set covers every class of bug the gate knows.

use engine::mutants::BugClass;
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
        if let Some(m) = r.mutant {
            classes.insert(m.class());
        }
        let started = std::time::Instant::now();
        match regression::check(&r) {
            Ok(None) => {}
            Ok(Some(note)) => eprintln!("{}: {note}", path.display()),
            Err(e) => broken.push(format!("{}: {e}", path.display())),
        }
        eprintln!("{}: {:.1} s", path.display(), started.elapsed().as_secs_f64());
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
    let missing: Vec<_> = BugClass::ALL.iter().filter(|c| !classes.contains(c)).collect();
    assert!(missing.is_empty(), "no saved regression of class {missing:?}");
}

/// A saved schedule that no longer fits the program (here: cut short, as a refactor that adds
/// or moves a lock would leave it) is a fast path lost, not a failure: the check says so,
/// explores the seed and budget again, and still demands the mutant be caught.
#[test]
fn a_schedule_that_no_longer_fits_is_explored_again_never_an_abort() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/regressions");
    let mut r = Regression::read(&dir.join("get-skips-ref-pct.json")).unwrap_or_else(|e| panic!("{e}"));
    let schedule = r.schedule.take().expect("a shuttle regression has a schedule");
    r.schedule = Some(schedule[..schedule.len() / 2].to_string());
    let note = regression::check(&r)
        .unwrap_or_else(|e| panic!("{e}"))
        .expect("a note that the fast path was lost");
    assert!(note.contains("explored again"), "{note}");

    // And a mutant that the budget cannot catch is an error, not a pass.
    r.budget.iterations = 1;
    r.seed = 2;
    let e = regression::check(&r).expect_err("one execution does not catch the mutant");
    assert!(e.contains("no longer produces") || e.contains("finds"), "{e}");
}
