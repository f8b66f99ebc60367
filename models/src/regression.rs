//! Saved regressions: a failure, minimal and replayable, kept in `scenarios/regressions/` so
//! the test suite replays it forever (`lsmcheck replay ... --save-regression NAME` writes one).
//!
//! A regression keeps what stays true across refactors: the scenario (by name or absolute path,
//! with the hash of its text), the explorer, seed, budget and mutant, and the kind of violation
//! it must produce. The recorded schedule (shuttle, crash) is only a fast path: when the program
//! no longer fits it, [`check`] says so and explores the seed and budget again, which must still
//! catch the mutant. loom records no schedule (exploring again is deterministic). Either way the
//! correct engine must then explore the same seed and budget without a failure.

use crate::judge::replay::{Expect, Verdict};
use crate::judge::{relocate, Quiet, Spec};
use crate::workload::Ops;
use engine::mutants::Mutant;
use serde::{Deserialize, Serialize};
use sim::explore::{Budget, Explorer, ReplayInput};
use sim::fs::durability::CrashModel;
use std::path::Path;

/// The regression format's version (2: the mutant must exist, no loom checkpoint).
pub const FORMAT: u32 = 2;

/// One saved failure.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Regression {
    /// [`FORMAT`].
    pub format: u32,
    /// The scenario: an embedded name, or an absolute path.
    pub scenario: String,
    /// The hash of its text when saved ([`sim::scenario::text_hash`]).
    pub scenario_hash: String,
    /// The explorer that found it.
    pub explorer: Explorer,
    /// The workload seed.
    pub seed: u64,
    /// The bug under which it fails; `None` for a bug of the engine itself.
    #[serde(default, with = "sim::report::mutant_name", skip_serializing_if = "Option::is_none")]
    pub mutant: Option<Mutant>,
    /// The budget: it finds the bug, and the correct engine must pass it.
    pub budget: Budget,
    /// The operations, when they are not the seed's (a shrunk workload).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ops: Option<Ops>,
    /// shuttle and crash: the failing schedule, a fast path to the failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<String>,
    /// crash: the crash state (model, 1-based point).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crash_point: Option<(CrashModel, u64)>,
    /// The violation kind it must produce.
    pub violation: String,
}

impl Regression {
    /// Reads one regression file.
    pub fn read(path: &Path) -> Result<Regression, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let r: Regression = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        if r.format != FORMAT {
            return Err(format!(
                "{}: regression format {} (expected {FORMAT})",
                path.display(),
                r.format
            ));
        }
        Ok(r)
    }

    /// Writes it as pretty JSON.
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        let text = serde_json::to_string_pretty(self).map_err(std::io::Error::other)?;
        std::fs::write(path, text + "\n")
    }

    /// The run it records.
    fn spec(&self) -> Result<Spec, String> {
        let located = relocate(&self.scenario, &self.scenario_hash).map_err(|e| format!("{e}: save it again"))?;
        let mut spec = Spec::new(located, self.explorer, self.seed, self.budget.clone()).with_mutant(self.mutant);
        spec.ops = self.ops.clone();
        Ok(spec)
    }
}

/// How a regression held: `Ok` carries a note when the fast path no longer fits.
pub type Checked = Result<Option<String>, String>;

/// Checks `r`: under its mutant the recording (or, if it no longer fits, a new exploration of
/// the seed and budget) must produce its violation kind, and the correct engine must explore
/// the seed and budget without a failure. Without a mutant (a bug of the engine itself, since
/// fixed) nothing may fail at all. `Err` says which half broke and how.
pub fn check(r: &Regression) -> Checked {
    let spec = r.spec()?;
    let note = match r.mutant {
        Some(_) => caught(&spec, r)?,
        None => None,
    };
    let correct = Spec { mutant: None, ..spec };
    let explored = correct.explore(Quiet::Here).map_err(|e| e.to_string())?;
    match explored.outcome.failure {
        Some(f) => Err(format!(
            "{} on the correct engine, seed {} and budget {}: {}: {}",
            if r.mutant.is_some() {
                "the correct engine fails"
            } else {
                "the bug is back"
            },
            r.seed,
            r.budget.flags(),
            f.violation.kind(),
            f.violation
        )),
        None => Ok(note),
    }
}

/// The mutant half: the fast path if it fits, else a new exploration.
fn caught(spec: &Spec, r: &Regression) -> Checked {
    let expect = Expect::Kind(r.violation.clone());
    let note = if let Some(schedule) = &r.schedule {
        let input = ReplayInput {
            schedule: Some(schedule.clone()),
            crash_point: r.crash_point,
        };
        match spec
            .replay(&input, &expect, Quiet::Here)
            .map_err(|e| e.to_string())?
            .verdict
        {
            Verdict::Reproduced(_) => return Ok(None),
            Verdict::Diverged { why, .. } => format!("the saved schedule no longer fits the program ({why})"),
            Verdict::Different { found, .. } => format!(
                "the saved schedule now ends in {}: {}",
                found.violation.kind(),
                found.violation
            ),
            Verdict::Passed { .. } | Verdict::Found(_) => "the saved schedule no longer fails".to_string(),
        }
    } else {
        String::new()
    };
    let explored = spec.explore(Quiet::Here).map_err(|e| e.to_string())?;
    let prefix = if note.is_empty() {
        String::new()
    } else {
        format!("{note}; ")
    };
    match explored.outcome.failure {
        Some(f) if f.violation.kind() == r.violation => Ok((!note.is_empty()).then(|| {
            format!(
                "{prefix}explored again: {} at execution {} (save it again to restore the fast path)",
                r.violation, f.execution
            )
        })),
        Some(f) => Err(format!(
            "{prefix}exploring the seed and budget finds {} ({}), not {}",
            f.violation.kind(),
            f.violation,
            r.violation
        )),
        None => Err(format!(
            "{prefix}exploring the seed and budget ({} executions) no longer produces {}",
            explored.outcome.executions, r.violation
        )),
    }
}
