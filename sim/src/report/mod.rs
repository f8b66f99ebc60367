//! JSON reports.
//!
//! A report has a deterministic `body` (build, scenario, and per run: explorer, seed, mutant,
//! budget, executions, verdict, and for a failure the violation, its trace and how to replay
//! it) and a separate `timing` section. Running the same scenario, seed and build twice gives
//! byte-identical bodies.

pub mod mutant_name;

use crate::explore::{Budget, Explorer, Failure, Outcome};
use crate::world::coverage::{Coverage, Mark};
use crate::world::{TraceEvent, Violation};
use engine::mutants::Mutant;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The report format's version (4: the mutant is typed, loom records no checkpoint).
pub const FORMAT: u32 = 4;

/// A whole report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// [`FORMAT`].
    pub format: u32,
    /// The deterministic part.
    pub body: Body,
    /// Wall-clock figures, one per run, in the same order.
    pub timing: Vec<Timing>,
}

/// The deterministic part of a report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Body {
    /// Which lsmcheck produced it.
    pub lsmcheck: Build,
    /// What was asked for: a scenario path or name, or `all`.
    pub scenario: String,
    /// One entry per scenario, explorer and seed.
    pub runs: Vec<Run>,
}

/// The build.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Build {
    /// Crate version.
    pub version: String,
    /// Git commit, or "unknown".
    pub commit: String,
}

impl Build {
    /// This binary's build.
    pub fn current() -> Build {
        Build {
            version: env!("CARGO_PKG_VERSION").into(),
            commit: env!("LSMCHECK_COMMIT").into(),
        }
    }
}

/// Passed or not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// No violation within the budget.
    Passed,
    /// A violation was found.
    Violation,
    /// No violation, but some execution never reached a coverage mark the scenario requires
    /// (`must_cover`): the run checked less than it claims, so it is not a pass.
    Vacuous,
}

/// One exploration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Run {
    /// The scenario: a path, or the name of an embedded scenario.
    pub scenario: String,
    /// The explorer.
    pub explorer: Explorer,
    /// The workload seed (also seeds shuttle's random and PCT schedulers).
    pub seed: u64,
    /// The injected bug, if any (by name in the file; an unknown name does not load).
    #[serde(default, with = "mutant_name", skip_serializing_if = "Option::is_none")]
    pub mutant: Option<Mutant>,
    /// The budget.
    pub budget: Budget,
    /// Executions explored (including a failing one).
    pub executions: u64,
    /// loom and shuttle-dfs: the whole space (within the preemption bound) was explored before
    /// the budget ran out, so a pass is a proof for this workload, not a sample.
    #[serde(default)]
    pub complete: bool,
    /// The crash explorer: distinct crash states recovered from (each one checked).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub crash_states: u64,
    /// The verdict.
    pub verdict: Verdict,
    /// Executions that hit each coverage mark (none recorded for stress, whose counts vary
    /// from run to run).
    #[serde(default, skip_serializing_if = "Coverage::is_empty")]
    pub coverage: Coverage,
    /// Marks the scenario requires this run to hit (its `must_cover` for this explorer).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub must_cover: Vec<Mark>,
    /// Marks the scenario requires that no execution hit (the verdict is then `vacuous`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub uncovered: Vec<Mark>,
    /// The violation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub violation: Option<Violation>,
    /// 1-based index of the failing execution.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failing_execution: Option<u64>,
    /// A command that reproduces the failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replay: Option<String>,
    /// shuttle: the failing schedule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<String>,
    /// The failing execution's events: thread, event, version, file.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trace: Vec<TraceEvent>,
    /// [`crate::scenario::text_hash`] of the scenario's text when the run was made; a replay
    /// refuses a scenario that changed since.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub scenario_hash: String,
    /// A hash of the operations generated from the seed; a replay refuses a build whose
    /// generator makes different ones.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub plan_hash: String,
    /// The operations themselves, when they are not the seed's (a shrunk workload); replays
    /// run these instead of generating them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ops: Option<serde_json::Value>,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// Wall-clock figures of one run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Timing {
    /// The explorer.
    pub explorer: Explorer,
    /// The seed.
    pub seed: u64,
    /// Seconds spent.
    pub seconds: f64,
    /// Executions per second.
    pub executions_per_second: f64,
}

impl Run {
    /// The report of `outcome`. `scenario` is how the replay command names the scenario.
    pub fn new(
        explorer: Explorer,
        seed: u64,
        mutant: Option<Mutant>,
        budget: &Budget,
        outcome: &Outcome,
        scenario: &str,
    ) -> Run {
        let f = outcome.failure.as_ref();
        Run {
            scenario: scenario.to_string(),
            explorer,
            seed,
            mutant,
            budget: budget.clone(),
            executions: outcome.executions,
            complete: f.is_none()
                && matches!(explorer, Explorer::Loom | Explorer::ShuttleDfs)
                && outcome.executions < budget.iterations as u64,
            crash_states: outcome.crash_states,
            verdict: if f.is_some() {
                Verdict::Violation
            } else {
                Verdict::Passed
            },
            coverage: if explorer == Explorer::Stress {
                Coverage::new() // what OS threads reach varies run to run: not in the body
            } else {
                outcome.coverage.clone()
            },
            must_cover: Vec::new(),
            uncovered: Vec::new(),
            violation: f.map(|f| f.violation.clone()),
            failing_execution: f.map(|f| f.execution),
            replay: f.map(|f| replay_command(explorer, seed, mutant, budget, scenario, f)),
            schedule: f.and_then(|f| f.schedule.clone()),
            trace: f.map(|f| f.trace.clone()).unwrap_or_default(),
            scenario_hash: String::new(),
            plan_hash: String::new(),
            ops: None,
        }
    }

    /// The run, judged against the marks its scenario must cover: a passing run that missed
    /// one is vacuous.
    /// Stress runs (OS threads, never gating, not reproducible) are exempt: they record no
    /// coverage, so that a report's body stays byte-identical from run to run.
    pub fn requiring(self, must_cover: &[Mark]) -> Run {
        if self.explorer == Explorer::Stress {
            return self;
        }
        let uncovered: Vec<Mark> = must_cover
            .iter()
            .copied()
            .filter(|m| !self.coverage.contains_key(m))
            .collect();
        let verdict = match self.verdict {
            Verdict::Passed if !uncovered.is_empty() => Verdict::Vacuous,
            v => v,
        };
        Run {
            must_cover: must_cover.to_vec(),
            uncovered,
            verdict,
            ..self
        }
    }

    /// For a vacuous run: which required marks no execution reached, in how many executions
    /// and with what budget.
    pub fn vacuity(&self) -> Option<String> {
        if self.verdict != Verdict::Vacuous {
            return None;
        }
        let missed: Vec<String> = self.uncovered.iter().map(|m| m.name()).collect();
        Some(format!(
            "vacuous: none of {} executions reached {} (required by the scenario's must_cover; budget: {})",
            self.executions,
            missed.join(", "),
            self.budget.flags()
        ))
    }

    /// The run, recording the hashes of its scenario's text and of its generated operations.
    pub fn with_provenance(self, scenario_hash: &str, plan_hash: &str) -> Run {
        Run {
            scenario_hash: scenario_hash.to_string(),
            plan_hash: plan_hash.to_string(),
            ..self
        }
    }
}

/// One copy-paste command reproducing a failure: shuttle replays its schedule; loom explores
/// again with the same budget (its order is deterministic, so it stops at the same execution).
/// A stress failure does not replay (the OS scheduled it): its command reruns the seed with
/// `lsmcheck run`, which may or may not fail again.
pub fn replay_command(
    explorer: Explorer,
    seed: u64,
    mutant: Option<Mutant>,
    budget: &Budget,
    scenario: &str,
    failure: &Failure,
) -> String {
    let verb = if explorer == Explorer::Stress {
        "run"
    } else {
        "replay --scenario"
    };
    let mut cmd = format!("lsmcheck {verb} {scenario} --explorer {explorer} --seed {seed}");
    if let Some(m) = mutant {
        cmd.push_str(&format!(" --mutant {}", m.name()));
    }
    match (explorer, failure.schedule.as_deref()) {
        (Explorer::ShuttleRandom | Explorer::ShuttlePct | Explorer::ShuttleDfs, Some(s)) => {
            cmd.push_str(&format!(" --schedule {s}"))
        }
        (Explorer::Crash, Some(s)) => {
            let points = budget.crash_points.unwrap_or_default();
            cmd.push_str(&format!(" --crash-points {points}"));
            if let Violation::CrashRecovery { model, point, .. } = &failure.violation {
                cmd.push_str(&format!(" --crash-model {model} --crash-point {point}"));
            }
            cmd.push_str(&format!(" --schedule {s}"))
        }
        _ => cmd.push_str(&format!(" {}", budget.flags())),
    }
    cmd
}

impl Report {
    /// Writes the report as pretty JSON, atomically (temp file, then rename): a failure never
    /// leaves half a report behind.
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        let text = serde_json::to_string_pretty(self).map_err(std::io::Error::other)?;
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, text + "\n")?;
        std::fs::rename(&tmp, path)
    }

    /// Reads a report.
    pub fn read(path: &Path) -> crate::Result<Report> {
        let bad = |reason: String| crate::Error::Report {
            path: path.to_path_buf(),
            reason,
        };
        let text = std::fs::read_to_string(path).map_err(|e| bad(e.to_string()))?;
        let report: Report = serde_json::from_str(&text)
            .map_err(|e| bad(format!("line {} column {}: not a report: {e}", e.line(), e.column())))?;
        if report.format != FORMAT {
            return Err(bad(format!(
                "report format {} (this lsmcheck reads {FORMAT})",
                report.format
            )));
        }
        Ok(report)
    }
}
