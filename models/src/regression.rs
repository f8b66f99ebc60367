//! Saved regressions: a failure, minimal and replayable, kept in `scenarios/regressions/` so
//! the test suite replays it forever (`lsmcheck replay ... --save-regression NAME` writes one).
//!
//! A regression holds the scenario (by name or absolute path, with the hash of its text), the
//! explorer, seed, budget and mutant, the recorded schedule, loom checkpoint or crash state,
//! and the kind of violation it must produce. [`check`] proves both halves: under its mutant the
//! recording reproduces that kind; on the correct engine the same seed and budget explore
//! without a failure.

use crate::workload::{Ops, Plan};
use engine::mutants::Mutant;
use serde::{Deserialize, Serialize};
use sim::explore::{self, Budget, Explorer, ReplayInput};
use sim::fs::durability::CrashModel;
use std::path::Path;

/// The regression format's version.
pub const FORMAT: u32 = 1;

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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mutant: Option<String>,
    /// The budget (the correct engine must pass it).
    pub budget: Budget,
    /// The operations, when they are not the seed's (a shrunk workload).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ops: Option<Ops>,
    /// shuttle and crash: the failing schedule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<String>,
    /// loom: the failing execution's checkpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loom_checkpoint: Option<String>,
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

    fn mutant(&self) -> Result<Option<Mutant>, String> {
        self.mutant
            .as_deref()
            .map(|m| Mutant::from_name(m).ok_or_else(|| format!("unknown mutant `{m}`")))
            .transpose()
    }
}

/// Replays `r` and explores its seed and budget. Under a mutant the recording must produce its
/// violation kind, and the correct engine must explore the seed and budget without a failure.
/// Without a mutant (a bug of the engine itself, since fixed) nothing may fail at all. `Err`
/// says which half broke and how.
pub fn check(r: &Regression) -> Result<(), String> {
    let located = crate::swarm::locate(&r.scenario).map_err(|e| e.to_string())?;
    if located.hash != r.scenario_hash {
        return Err(format!(
            "scenario {} changed since the regression was saved (hash {}, now {}): save it again",
            r.scenario, r.scenario_hash, located.hash
        ));
    }
    let mutant = r.mutant()?;
    let input = ReplayInput {
        schedule: r.schedule.clone(),
        loom_checkpoint: r.loom_checkpoint.clone(),
        crash_point: r.crash_point,
    };
    let with_ops = |p: Plan| match &r.ops {
        Some(ops) => p.with_ops(ops.clone()),
        None => p,
    };
    let plan = with_ops(Plan::generate(&located.scenario, r.seed, mutant));
    let replayed = explore::run(r.explorer, &r.budget, &plan, Some(&input)).map_err(|e| e.to_string())?;
    match (mutant, &replayed.failure, &replayed.diverged) {
        (Some(_), Some(f), _) if f.violation.kind() == r.violation => {}
        (Some(_), _, Some(why)) => return Err(format!("the recording no longer fits the program: {why}")),
        (Some(_), Some(f), None) => {
            return Err(format!(
                "a different violation: {}: {}",
                f.violation.kind(),
                f.violation
            ))
        }
        (Some(_), None, None) => return Err(format!("the recording no longer produces {}", r.violation)),
        (None, Some(f), _) => return Err(format!("the bug is back: {}: {}", f.violation.kind(), f.violation)),
        (None, None, _) => {}
    }
    let correct = with_ops(Plan::generate(&located.scenario, r.seed, None));
    let explored = explore::run(r.explorer, &r.budget, &correct, None).map_err(|e| e.to_string())?;
    match explored.failure {
        Some(f) => Err(format!(
            "the correct engine fails the same seed and budget: {}: {}",
            f.violation.kind(),
            f.violation
        )),
        None => Ok(()),
    }
}
