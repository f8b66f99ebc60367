//! A sweep's summary, computed from its runs alone: the same runs give the same summary, so
//! shards merged (`lsmcheck merge`) summarize exactly like one unsharded sweep.

use sim::report::{Run, Verdict};
use sim::world::coverage::{self, Coverage, Mark};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// Totals over a set of runs.
#[derive(Debug, PartialEq, Eq)]
pub struct Summary {
    /// Runs (scenario × explorer × seed).
    pub runs: usize,
    /// Distinct seeds.
    pub seeds: usize,
    /// Executions over all runs.
    pub executions: u64,
    /// Runs that passed.
    pub passed: usize,
    /// Runs that found a violation, by kind.
    pub violations: BTreeMap<String, usize>,
    /// Runs that missed a required coverage mark.
    pub vacuous: usize,
    /// Executions that hit each mark, over all runs.
    pub coverage: Coverage,
}

impl Summary {
    /// The summary of `runs`.
    pub fn of(runs: &[Run]) -> Summary {
        let mut s = Summary {
            runs: runs.len(),
            seeds: runs.iter().map(|r| r.seed).collect::<BTreeSet<_>>().len(),
            executions: runs.iter().map(|r| r.executions).sum(),
            passed: 0,
            violations: BTreeMap::new(),
            vacuous: 0,
            coverage: Coverage::new(),
        };
        for r in runs {
            match (&r.verdict, &r.violation) {
                (Verdict::Violation, Some(v)) => *s.violations.entry(v.kind()).or_insert(0) += 1,
                (Verdict::Violation, None) => *s.violations.entry("unknown".into()).or_insert(0) += 1,
                (Verdict::Vacuous, _) => s.vacuous += 1,
                (Verdict::Passed, _) => s.passed += 1,
            }
            coverage::merge(&mut s.coverage, &r.coverage);
        }
        s
    }

    /// The exit code the runs call for: 1 a violation, 4 vacuous (or nothing ran), 0 passed.
    pub fn exit_code(&self) -> u8 {
        match () {
            _ if !self.violations.is_empty() => 1,
            _ if self.vacuous > 0 || self.runs == 0 => crate::cli::output::VACUOUS,
            _ => 0,
        }
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "summary: {} runs over {} seeds, {} executions: {} passed, {} with a violation, {} vacuous",
            self.runs,
            self.seeds,
            self.executions,
            self.passed,
            self.violations.values().sum::<usize>(),
            self.vacuous
        )?;
        for (kind, n) in &self.violations {
            writeln!(f, "  violation {kind}: {n} runs")?;
        }
        let hit: Vec<String> = self.coverage.iter().map(|(m, n)| format!("{} {n}", m.name())).collect();
        writeln!(f, "  coverage (executions that hit each mark): {}", hit.join(", "))?;
        let never: Vec<String> = Mark::ALL
            .into_iter()
            .filter(|m| !self.coverage.contains_key(m))
            .map(Mark::name)
            .collect();
        if !never.is_empty() {
            writeln!(f, "  never reached: {}", never.join(", "))?;
        }
        Ok(())
    }
}
