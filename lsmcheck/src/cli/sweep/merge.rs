//! `lsmcheck merge`: the reports of a sweep's shards joined into the report of the whole sweep.
//!
//! Shards must come from the same sweep and build, and no run may appear twice (overlapping
//! shards); runs are put back in the sweep's order (seed, then explorer), so the merged body
//! equals the body one unsharded sweep writes.

use sim::report::{Report, Run, Timing};
use std::path::{Path, PathBuf};

/// Merges `inputs` into `out` (if given) and prints the summary; returns the exit code of the
/// merged runs (2 for reports that do not belong together).
pub fn merge(inputs: &[PathBuf], out: Option<&Path>) -> u8 {
    match read_all(inputs) {
        Ok((name, pairs)) => {
            let (runs, timing) = pairs.into_iter().unzip();
            super::finish(&name, runs, timing, out, None)
        }
        Err(e) => crate::cli::output::bad_input(e),
    }
}

type Key = (u64, usize, String, Option<engine::mutants::Mutant>);

fn key(r: &Run) -> Key {
    let explorer = sim::explore::Explorer::ALL
        .iter()
        .position(|e| *e == r.explorer)
        .expect("every explorer is in ALL");
    (r.seed, explorer, r.scenario.clone(), r.mutant)
}

/// Every run with its timing, in sweep order, and the sweep's name.
fn read_all(inputs: &[PathBuf]) -> Result<(String, Vec<(Run, Timing)>), String> {
    let Some(first) = inputs.first() else {
        return Err("merge: give at least one report".into());
    };
    let base = Report::read(first).map_err(|e| e.to_string())?;
    let mut pairs: Vec<(Run, Timing)> = Vec::new();
    for path in inputs {
        let r = Report::read(path).map_err(|e| e.to_string())?;
        if r.body.scenario != base.body.scenario || r.body.lsmcheck != base.body.lsmcheck {
            return Err(format!(
                "{}: from `{}` ({}), but {} is from `{}` ({}): only shards of one sweep and one build merge",
                path.display(),
                r.body.scenario,
                r.body.lsmcheck.commit,
                first.display(),
                base.body.scenario,
                base.body.lsmcheck.commit
            ));
        }
        if r.body.runs.len() != r.timing.len() {
            return Err(format!("{}: runs and timing differ in length", path.display()));
        }
        pairs.extend(r.body.runs.into_iter().zip(r.timing));
    }
    pairs.sort_by_key(|(r, _)| key(r));
    if let Some(w) = pairs.windows(2).find(|w| key(&w[0].0) == key(&w[1].0)) {
        let r = &w[0].0;
        return Err(format!(
            "{} under {} seed {} appears twice: the shards overlap",
            r.scenario, r.explorer, r.seed
        ));
    }
    Ok((base.body.scenario, pairs))
}
