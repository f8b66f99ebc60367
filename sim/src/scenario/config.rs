//! The scenario file's schema, validated while it is parsed.

use super::must_cover::MustCover;
use super::repeats::no_repeats;
use crate::explore::{Budget, Explorer};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A scenario file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Short identifier, used in reports.
    pub name: String,
    /// What it exercises.
    #[serde(default)]
    pub description: String,
    /// Engine options (small, so a short workload flushes and compacts).
    #[serde(default)]
    pub engine: EngineConfig,
    /// Key space, values, and the single-threaded setup before the threads start.
    pub workload: WorkloadConfig,
    /// The concurrent threads (1 to 4: loom allows 5 including main).
    #[serde(deserialize_with = "threads")]
    pub threads: Vec<ThreadConfig>,
    /// Which explorers to run, with their budgets (at least one).
    #[serde(deserialize_with = "some_explorer")]
    pub explorers: ExplorerBudgets,
    /// Seeds for the workload (and for the randomized schedulers).
    #[serde(deserialize_with = "seeds")]
    pub seeds: Vec<u64>,
    /// Coverage marks a run must hit in at least one execution, for every explorer and per
    /// explorer; a passing run that misses one is vacuous (see `sim::world::coverage`).
    #[serde(default, skip_serializing_if = "MustCover::is_empty")]
    pub must_cover: MustCover,
}

/// Engine options a scenario may set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EngineConfig {
    /// Memtable size that triggers a flush.
    pub write_buffer_size: u64,
    /// Data block size.
    pub block_size: usize,
    /// Compaction output file size.
    pub target_file_size: u64,
    /// L0 files that trigger a compaction.
    pub l0_compaction_trigger: usize,
    /// Target size of L1.
    pub max_bytes_for_level_base: u64,
    /// Each deeper level is this many times larger (small values put data deep quickly).
    #[serde(deserialize_with = "positive")]
    pub level_multiplier: u64,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            write_buffer_size: 512,
            block_size: 128,
            target_file_size: 1024,
            l0_compaction_trigger: 2,
            max_bytes_for_level_base: 4096,
            level_multiplier: 10,
        }
    }
}

/// The data a workload touches.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkloadConfig {
    /// Number of distinct keys (`k000`, `k001`, …).
    #[serde(deserialize_with = "positive")]
    pub keys: u32,
    /// Bytes per value (values are unique per write, padded to this size).
    #[serde(default = "default_value_size")]
    pub value_size: usize,
    /// Puts applied by the main thread before the others start.
    #[serde(default)]
    pub setup_writes: u32,
    /// Flush after every this many setup writes (0: never).
    #[serde(default)]
    pub setup_flush_every: u32,
    /// Every this many setup writes is a delete of a key instead of a put (0: none): with
    /// `setup_steps`, tombstones sit above older values in deeper levels.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub setup_delete_every: u32,
    /// One background step (a flush or a compaction) after every this many setup writes (0:
    /// none), so data moves down level by level while the setup writes more above it.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub setup_step_every: u32,
    /// Background steps (flush or compaction) after the setup writes, so deeper levels hold
    /// data before the threads start.
    #[serde(default)]
    pub setup_steps: u32,
    /// Every this many writes of each thread (setup included) is a synced write, which must
    /// survive a power loss (0: none; unsynced writes must survive a process crash).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub sync_every: u32,
    /// After the threads finish, and before the quiescent read, the main thread flushes and
    /// compacts the whole key space with every snapshot the threads still hold alive (default
    /// true; false keeps the final state exactly as the threads left it).
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub final_compaction: bool,
}

fn yes() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

fn default_value_size() -> usize {
    8
}

/// What a thread does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Puts, deletes and batches.
    Writer,
    /// Gets, scans, held iterators and snapshot reads; takes, holds and releases snapshots.
    Reader,
    /// Flushes, background steps and full compactions (owns the compactor).
    Compactor,
    /// Extra obsolete-file GC passes.
    Gc,
}

/// One kind of operation in a mix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OpKind {
    Put,
    Delete,
    Batch,
    Get,
    Scan,
    IterHold,
    SnapshotRead,
    TakeSnapshot,
    ReadAtSnapshot,
    ReleaseSnapshot,
    Flush,
    Step,
    Compact,
    Gc,
}

impl Role {
    /// The operations this role may perform.
    pub fn ops(self) -> &'static [OpKind] {
        use OpKind::*;
        match self {
            Role::Writer => &[Put, Delete, Batch],
            Role::Reader => &[
                Get,
                Scan,
                IterHold,
                SnapshotRead,
                TakeSnapshot,
                ReadAtSnapshot,
                ReleaseSnapshot,
            ],
            Role::Compactor => &[Flush, Step, Compact],
            Role::Gc => &[Gc],
        }
    }

    /// The kebab-case name.
    pub fn name(self) -> &'static str {
        match self {
            Role::Writer => "writer",
            Role::Reader => "reader",
            Role::Compactor => "compactor",
            Role::Gc => "gc",
        }
    }
}

/// One thread of the scenario.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, try_from = "RawThread")]
pub struct ThreadConfig {
    /// Its role.
    pub role: Role,
    /// How many operations it performs.
    pub ops: u32,
    /// Relative weights of its operations.
    pub mix: BTreeMap<OpKind, u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawThread {
    role: Role,
    ops: u32,
    mix: BTreeMap<OpKind, u32>,
}

/// Why a thread's configuration is impossible (serde reports it with the file position).
#[derive(Debug, thiserror::Error)]
pub enum ThreadError {
    /// `ops` is 0.
    #[error("field `ops`: a thread needs at least one operation")]
    NoOps,
    /// Every weight is 0.
    #[error("field `mix`: give at least one operation a positive weight")]
    NoWeight,
    /// The mix names an operation the role cannot perform.
    #[error("field `mix`: {op:?} is not an operation of a {role} (allowed: {allowed:?})")]
    NotOfRole {
        /// The operation.
        op: OpKind,
        /// The role's name.
        role: &'static str,
        /// What the role can do.
        allowed: &'static [OpKind],
    },
}

impl TryFrom<RawThread> for ThreadConfig {
    type Error = ThreadError;
    fn try_from(t: RawThread) -> Result<Self, ThreadError> {
        if t.ops == 0 {
            return Err(ThreadError::NoOps);
        }
        if t.mix.is_empty() || t.mix.values().all(|w| *w == 0) {
            return Err(ThreadError::NoWeight);
        }
        if let Some(&op) = t.mix.keys().find(|k| !t.role.ops().contains(k)) {
            return Err(ThreadError::NotOfRole {
                op,
                role: t.role.name(),
                allowed: t.role.ops(),
            });
        }
        Ok(ThreadConfig {
            role: t.role,
            ops: t.ops,
            mix: t.mix,
        })
    }
}

/// Budgets per explorer; an explorer without one is not run for this scenario.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExplorerBudgets {
    /// loom: exhaustive within the bound, stopped after `max_executions` (counted as explored).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loom: Option<LoomBudget>,
    /// shuttle's random scheduler: `iterations` executions.
    #[serde(default, rename = "shuttle-random", skip_serializing_if = "Option::is_none")]
    pub shuttle_random: Option<Iterations>,
    /// shuttle's PCT scheduler.
    #[serde(default, rename = "shuttle-pct", skip_serializing_if = "Option::is_none")]
    pub shuttle_pct: Option<PctBudget>,
    /// shuttle's DFS scheduler (exhaustive, no reduction), stopped after `iterations`.
    #[serde(default, rename = "shuttle-dfs", skip_serializing_if = "Option::is_none")]
    pub shuttle_dfs: Option<Iterations>,
    /// OS threads, `iterations` runs: the baseline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stress: Option<Iterations>,
    /// The crash explorer: a sequential pass, then `iterations` shuttle schedules, recovering
    /// from at most `points` crash states per crash model and execution.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crash: Option<CrashBudget>,
}

impl ExplorerBudgets {
    /// `explorer`'s budget, if the scenario runs it.
    pub fn budget(&self, explorer: Explorer) -> Option<Budget> {
        let b = self;
        match explorer {
            Explorer::Loom => b.loom.as_ref().map(|l| Budget {
                preemption_bound: l.preemption_bound,
                ..Budget::iterations(l.max_executions)
            }),
            Explorer::ShuttleRandom => b.shuttle_random.as_ref().map(|i| Budget::iterations(i.iterations)),
            Explorer::ShuttlePct => b.shuttle_pct.as_ref().map(|p| Budget {
                depth: Some(p.depth),
                ..Budget::iterations(p.iterations)
            }),
            Explorer::ShuttleDfs => b.shuttle_dfs.as_ref().map(|i| Budget::iterations(i.iterations)),
            Explorer::Stress => b.stress.as_ref().map(|i| Budget::iterations(i.iterations)),
            Explorer::Crash => b.crash.as_ref().map(|c| Budget {
                crash_points: Some(c.points),
                ..Budget::iterations(c.iterations)
            }),
        }
    }
}

/// The crash explorer's budget.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrashBudget {
    /// Concurrent executions after the sequential pass.
    #[serde(deserialize_with = "positive")]
    pub iterations: usize,
    /// Crash states recovered per crash model and execution, at most (a deterministic, evenly
    /// spaced sample when an execution records more).
    #[serde(deserialize_with = "positive")]
    pub points: usize,
}

/// loom's budget.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoomBudget {
    /// `LOOM_MAX_PREEMPTIONS`; none means unbounded.
    #[serde(default)]
    pub preemption_bound: Option<usize>,
    /// Stop after this many executions.
    #[serde(deserialize_with = "positive")]
    pub max_executions: usize,
}

/// An execution count.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Iterations {
    /// Executions to run.
    #[serde(deserialize_with = "positive")]
    pub iterations: usize,
}

/// PCT's budget.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PctBudget {
    /// Executions to run.
    #[serde(deserialize_with = "positive")]
    pub iterations: usize,
    /// Bug depth `d`: `d - 1` priority change points per execution.
    #[serde(deserialize_with = "positive")]
    pub depth: usize,
}

fn some_explorer<'de, D: serde::Deserializer<'de>>(d: D) -> Result<ExplorerBudgets, D::Error> {
    let b = ExplorerBudgets::deserialize(d)?;
    let any = b.loom.is_some()
        || b.shuttle_random.is_some()
        || b.shuttle_pct.is_some()
        || b.shuttle_dfs.is_some()
        || b.stress.is_some()
        || b.crash.is_some();
    if !any {
        return Err(serde::de::Error::custom(
            "field `explorers`: budget at least one explorer (an empty list would check nothing)",
        ));
    }
    Ok(b)
}

/// A count that must not be 0 (an empty budget or key space would check nothing).
fn positive<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de> + PartialEq + Default,
{
    let v = T::deserialize(d)?;
    if v == T::default() {
        return Err(serde::de::Error::custom("must be at least 1"));
    }
    Ok(v)
}

fn threads<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<ThreadConfig>, D::Error> {
    let v = Vec::<ThreadConfig>::deserialize(d)?;
    if v.is_empty() || v.len() > 4 {
        return Err(serde::de::Error::custom(format!(
            "field `threads`: give 1 to 4 threads (loom allows 5 including main), found {}",
            v.len()
        )));
    }
    Ok(v)
}

fn seeds<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<u64>, D::Error> {
    let v = Vec::<u64>::deserialize(d)?;
    if v.is_empty() {
        return Err(serde::de::Error::custom("field `seeds`: give at least one seed"));
    }
    no_repeats("seeds", &v)?;
    Ok(v)
}
