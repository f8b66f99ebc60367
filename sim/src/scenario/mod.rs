//! Scenarios: workloads as data.
//!
//! A scenario file (JSON) names thread roles with operation mixes, the key space and value
//! size, engine options, the explorers to run with their budgets, and seeds. The concrete
//! operations are generated from a 64-bit seed with ChaCha8 ([`workload::Plan::generate`]), so a
//! seed always yields the same operations. Unknown fields, impossible values and operations a
//! role cannot perform are rejected while parsing, with the file, line, column and field.

mod config;
mod must_cover;
mod repeats;

pub use config::{
    CrashBudget, EngineConfig, ExplorerBudgets, Iterations, LoomBudget, OpKind, PctBudget, Role, Scenario,
    ThreadConfig, WorkloadConfig,
};
pub use must_cover::MustCover;
pub use repeats::first_repeat;

use std::fmt;
use std::path::Path;

/// Scenarios compiled into the binary: `(file name, contents)`, one per `scenarios/*.json`,
/// found by the build script (`sim/build.rs`) in file-name order, so a new file is never skipped.
pub const EMBEDDED: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/embedded_scenarios.rs"));

/// Why a scenario was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioError {
    /// The file (or embedded name).
    pub file: String,
    /// 1-based line, 0 if unknown.
    pub line: usize,
    /// 1-based column, 0 if unknown.
    pub column: usize,
    /// What is wrong, naming the field.
    pub message: String,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "{}:{}:{}: {}", self.file, self.line, self.column, self.message)
        } else {
            write!(f, "{}: {}", self.file, self.message)
        }
    }
}

impl std::error::Error for ScenarioError {}

impl Scenario {
    /// Parses scenario text; `file` names it in errors.
    pub fn parse(file: &str, text: &str) -> Result<Scenario, ScenarioError> {
        serde_json::from_str::<Scenario>(text).map_err(|e| ScenarioError {
            file: file.to_string(),
            line: e.line(),
            column: e.column(),
            message: strip_position(&e.to_string()),
        })
    }

    /// Loads a scenario: a path to a JSON file, or the name of an embedded scenario (with or
    /// without `.json`).
    pub fn load(spec: &str) -> Result<Scenario, ScenarioError> {
        Scenario::locate(spec).map(|l| l.scenario)
    }

    /// Loads a scenario like [`Scenario::load`] and says how a report names it: a file by its
    /// absolute path (so a replay works from any directory), an embedded scenario by its name;
    /// with the hash of its text, so a replay can tell that it changed.
    pub fn locate(spec: &str) -> Result<Located, ScenarioError> {
        let path = Path::new(spec);
        let err = |message: String| ScenarioError {
            file: spec.to_string(),
            line: 0,
            column: 0,
            message,
        };
        if path.exists() {
            let text = std::fs::read_to_string(path).map_err(|e| err(format!("cannot read: {e}")))?;
            let id = std::fs::canonicalize(path).map_err(|e| err(format!("cannot resolve: {e}")))?;
            return Ok(Located {
                scenario: Scenario::parse(spec, &text)?.named_like(spec)?,
                id: id.display().to_string(),
                hash: text_hash(&text),
            });
        }
        let wanted = spec.rsplit('/').next().unwrap_or(spec).trim_end_matches(".json");
        let Some((name, text)) = EMBEDDED.iter().find(|(n, _)| n.trim_end_matches(".json") == wanted) else {
            return Err(err(
                "no such file, and no embedded scenario of that name (see `lsmcheck list`)".into(),
            ));
        };
        Ok(Located {
            scenario: Scenario::parse(&format!("scenarios/{name}"), text)?.named_like(name)?,
            id: wanted.to_string(),
            hash: text_hash(text),
        })
    }

    /// `self`, if its `name` is the stem of `file` (a scenario has one identity); an error
    /// naming both otherwise.
    fn named_like(self, file: &str) -> Result<Scenario, ScenarioError> {
        let stem = Path::new(file).file_stem().and_then(|s| s.to_str()).unwrap_or(file);
        if self.name == stem {
            return Ok(self);
        }
        Err(ScenarioError {
            file: file.to_string(),
            line: 0,
            column: 0,
            message: format!(
                "field `name` is {:?} but the file is named {stem:?}.json: they must match",
                self.name
            ),
        })
    }

    /// Every embedded scenario, parsed.
    pub fn embedded() -> Vec<Scenario> {
        EMBEDDED
            .iter()
            .map(|(name, text)| {
                Scenario::parse(name, text)
                    .and_then(|s| s.named_like(name))
                    .unwrap_or_else(|e| panic!("embedded scenario is invalid: {e}"))
            })
            .collect()
    }
}

/// A loaded scenario and its identity in reports.
#[derive(Clone, Debug)]
pub struct Located {
    /// The scenario.
    pub scenario: Scenario,
    /// How reports name it: an embedded scenario's name, or a file's absolute path.
    pub id: String,
    /// [`text_hash`] of its file's text.
    pub hash: String,
}

/// A stable hash of a text (xxh3, 64 bits, hex): the same text gives the same hash on every
/// machine and build.
pub fn text_hash(text: &str) -> String {
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(text.as_bytes()))
}

/// serde_json appends " at line L column C"; the position is reported separately.
fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

#[cfg(test)]
mod tests;
