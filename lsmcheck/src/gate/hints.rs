//! What the previous gate report remembers: where each kill-matrix cell first killed its
//! mutant, and how long each cell took. `--quick` tries the remembered killing run of a cell
//! first (so a quick gate finds every kill early), and every gate deals the cells out to the
//! workers longest first (so the last worker does not start a long cell when the others are
//! done). Neither changes a verdict: a quick cell still runs until its first kill, and a full
//! cell runs everything; only the order differs. Test prioritisation from the last run's
//! failures, as test runners that rerun failures first do.

use engine::mutants::Mutant;
use serde_json::Value;
use sim::explore::Explorer;
use std::collections::HashMap;
use std::path::Path;

/// A cell's key in the report: `mutant/explorer`.
fn key(m: Mutant, e: Explorer) -> String {
    format!("{}/{e}", m.name())
}

/// The previous report's first kills and cell times; empty when there is none.
#[derive(Debug, Default)]
pub struct Hints {
    kills: HashMap<String, (String, u64)>,
    seconds: HashMap<String, f64>,
}

impl Hints {
    /// The hints in the gate report at `path`. A missing or unreadable report (a first run,
    /// another format) gives none: the gate then runs in its plain order.
    pub fn load(path: &Path) -> Hints {
        let Some(report) = std::fs::read(path)
            .ok()
            .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
        else {
            return Hints::default();
        };
        let mut hints = Hints::default();
        for row in report["body"]["mutants"].as_array().into_iter().flatten() {
            let Some(mutant) = row["mutant"].as_str() else { continue };
            for cell in row["cells"].as_array().into_iter().flatten() {
                let (explorer, kill) = (&cell["explorer"], &cell["first_kill"]);
                if let (Some(e), Some(s), Some(seed)) =
                    (explorer.as_str(), kill["scenario"].as_str(), kill["seed"].as_u64())
                {
                    hints.kills.insert(format!("{mutant}/{e}"), (s.to_string(), seed));
                }
            }
        }
        for cell in report["timing"]["cells"].as_array().into_iter().flatten() {
            if let (Some(k), Some(s)) = (cell[0].as_str(), cell[1].as_f64()) {
                hints.seconds.insert(k.to_string(), s);
            }
        }
        hints
    }

    /// The scenario and seed that killed `m` under `e` last time, if any.
    pub fn first_kill(&self, m: Mutant, e: Explorer) -> Option<(&str, u64)> {
        self.kills.get(&key(m, e)).map(|(s, seed)| (s.as_str(), *seed))
    }

    /// Indices of `jobs`, the longest last time first; cells with no time first of all (they
    /// may be long), then by their place in `jobs`.
    pub fn longest_first(&self, jobs: &[(Mutant, Explorer)]) -> Vec<usize> {
        let time = |i: usize| {
            self.seconds
                .get(&key(jobs[i].0, jobs[i].1))
                .copied()
                .unwrap_or(f64::INFINITY)
        };
        let mut order: Vec<usize> = (0..jobs.len()).collect();
        order.sort_by(|&a, &b| time(b).total_cmp(&time(a)).then(a.cmp(&b)));
        order
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_first_kills_and_times_and_orders_longest_first() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("gate.json");
        let (m, e) = (Mutant::ALL[0], Explorer::ALL[0]);
        let report = serde_json::json!({
            "body": {"mutants": [{"mutant": m.name(), "cells": [
                {"explorer": e.name(), "first_kill": {"scenario": "deep-levels", "seed": 11}},
                {"explorer": Explorer::ALL[1].name()}
            ]}]},
            "timing": {"cells": [[key(m, e), 2.0], [key(m, Explorer::ALL[1]), 9.0]]}
        });
        std::fs::write(&path, report.to_string()).expect("write");
        let hints = Hints::load(&path);
        assert_eq!(hints.first_kill(m, e), Some(("deep-levels", 11)));
        assert_eq!(hints.first_kill(m, Explorer::ALL[1]), None);
        let jobs = [(m, e), (m, Explorer::ALL[1]), (m, Explorer::ALL[2])];
        assert_eq!(hints.longest_first(&jobs), vec![2, 1, 0], "unknown, 9 s, 2 s");
        assert!(Hints::load(&dir.path().join("missing.json")).kills.is_empty());
    }
}
