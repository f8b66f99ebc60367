//! Kill-matrix cells: one mutant under one explorer, over every scenario and seed.

use super::applicability::{not_applicable, runs as observable};
use engine::mutants::Mutant;
use models::judge::{Judged, Quiet, Spec};
use serde::Serialize;
use sim::explore::{Budget, Explorer, Failure};
use sim::scenario::Located;
use std::collections::BTreeMap;

/// Crash states per crash model and execution in a crash cell: more than any shipped
/// scenario's execution records, so every crash point is checked. Measured cost: the 8 crash
/// cells take about 2 s together (every one is killed in its first, sequential execution).
const CRASH_POINTS: usize = 1000;

/// Executions per run in a cell that does not gate (information only, one seed per scenario).
/// Measured: at 300 these cells took 59 s of the matrix's 449 s of work (shuttle-dfs's 38 s),
/// each a full budget on every scenario the bug never shows in.
const NOT_APPLICABLE_ITERATIONS: usize = 100;

/// Per-run budgets of the matrix. Costs on the 2-core machine: a whole-engine execution takes
/// 0.3 to 1 ms, so a surviving cell costs at most about runs × iterations × 1 ms.
#[derive(Debug)]
pub struct Budgets {
    quick: bool,
}

impl Budgets {
    /// Full mode, or `--quick` (stop each cell at its first kill).
    pub fn new(quick: bool) -> Self {
        Budgets { quick }
    }

    /// The same in both modes: quick mode saves its time by stopping each cell at its first
    /// kill (skipping the detection statistics), so it reaches the same verdicts.
    fn budget(&self, e: Explorer) -> Budget {
        let (iterations, preemption_bound, depth, crash_points) = match e {
            // Bound 2 is loom's recommended bound ("enough to catch most bugs").
            Explorer::Loom => (500, Some(2), None, None),
            Explorer::ShuttlePct => (1000, None, Some(3), None),
            Explorer::ShuttleRandom | Explorer::ShuttleDfs => (1000, None, None, None),
            Explorer::Stress => (100, None, None, None),
            // A sequential pass and 2 schedules, every crash state of each (see CRASH_POINTS).
            Explorer::Crash => (2, None, None, Some(CRASH_POINTS)),
        };
        Budget {
            iterations,
            preemption_bound,
            depth,
            crash_points,
        }
    }

    fn seeds(&self, s: &Located) -> Vec<u64> {
        s.scenario.seeds.clone()
    }
}

/// A cell's verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Some run found a violation of a kind the mutant is expected to cause.
    Killed,
    /// The explorer must kill this mutant and did not: the gate fails.
    Survived,
    /// The explorer must kill this mutant, and its runs failed only with violations the mutant
    /// is not expected to cause (another bug, or the harness's own error): not a kill, and the
    /// gate fails.
    WrongViolation,
    /// Not asked of this explorer (see `reason`); the observed result is still recorded.
    NotApplicable,
}

/// Executions to the first failure over the runs that killed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Detection {
    /// Fewest.
    pub min: u64,
    /// Median.
    pub median: u64,
    /// 90th percentile.
    pub p90: u64,
}

/// One killed run, for the report.
#[derive(Clone, Debug, Serialize)]
pub struct CellRun {
    /// The scenario.
    pub scenario: String,
    /// The seed.
    pub seed: u64,
    /// The failing execution.
    pub execution: u64,
    /// The violation's kind and text.
    pub violation: String,
    /// How to reproduce it.
    pub replay: String,
}

/// One mutant × explorer cell.
#[derive(Clone, Debug, Serialize)]
pub struct Cell {
    /// The explorer.
    pub explorer: Explorer,
    /// The verdict.
    pub status: Status,
    /// Why the explorer is not asked to kill this mutant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Runs made (scenario × seed).
    pub runs: usize,
    /// Runs that found a violation of a kind the mutant is expected to cause.
    pub killed_runs: usize,
    /// Every violation kind the cell's runs failed with, and in how many runs; the ones the
    /// mutant is not expected to cause are listed in `unexpected` too.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub violations: BTreeMap<String, usize>,
    /// Runs that failed with a violation the mutant is not expected to cause (not kills), each
    /// as `scenario seed N: kind: text`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unexpected: Vec<String>,
    /// Executions to first failure over the killing runs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detection: Option<Detection>,
    /// The first killing run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_kill: Option<CellRun>,
}

/// The first killing run of a cell, kept whole for the self-checks.
#[derive(Debug)]
pub struct FirstKill {
    /// The run.
    pub spec: Spec,
    /// What it found, judged.
    pub judged: Judged,
    /// Its failure.
    pub failure: Failure,
}

fn detection(mut v: Vec<u64>) -> Option<Detection> {
    if v.is_empty() {
        return None;
    }
    v.sort_unstable();
    let p90 = v[(v.len() * 9).div_ceil(10) - 1];
    Some(Detection {
        min: v[0],
        median: v[v.len() / 2],
        p90,
    })
}

/// Runs mutant `m` under `explorer` over every scenario and seed. A cell that does not gate, and
/// every cell in quick mode, stops at its first kill; in quick mode the run `first_try` names
/// (the previous report's first kill, see `hints.rs`) goes first. Requires: called inside
/// `explore::quietly` (the gate runs cells on several threads at once).
pub fn run_cell(
    m: Mutant,
    explorer: Explorer,
    scenarios: &[Located],
    budgets: &Budgets,
    without: &[sim::world::Oracle],
    first_try: Option<(&str, u64)>,
) -> (Cell, Option<FirstKill>) {
    let reason = not_applicable(m, explorer);
    if !observable(m, explorer) {
        let cell = Cell {
            explorer,
            status: Status::NotApplicable,
            reason: reason.map(str::to_string),
            runs: 0,
            killed_runs: 0,
            violations: BTreeMap::new(),
            unexpected: Vec::new(),
            detection: None,
            first_kill: None,
        };
        return (cell, None);
    }
    let stop_at_first = budgets.quick || reason.is_some();
    let mut budget = budgets.budget(explorer);
    if reason.is_some() {
        // Not gating, so information only: a smaller budget and one seed per scenario.
        budget.iterations = budget.iterations.min(NOT_APPLICABLE_ITERATIONS);
    }
    let seeds_of = |s: &Located| {
        let seeds = budgets.seeds(s);
        if reason.is_some() {
            seeds[..1].to_vec()
        } else {
            seeds
        }
    };
    let target = Target {
        mutant: m,
        explorer,
        budget: &budget,
        without,
    };
    let mut order: Vec<(usize, u64)> = (scenarios.iter().enumerate())
        .flat_map(|(i, s)| seeds_of(s).into_iter().map(move |seed| (i, seed)))
        .collect();
    if let (true, Some((name, seed))) = (budgets.quick, first_try) {
        if let Some(at) = order.iter().position(|&(i, s)| scenarios[i].id == name && s == seed) {
            let run = order.remove(at);
            order.insert(0, run);
        }
    }
    let hunt = target.hunt(scenarios, &order, stop_at_first);
    let killed_runs = hunt.executions.len();
    let status = match (reason, killed_runs, hunt.unexpected.is_empty()) {
        (Some(_), ..) => Status::NotApplicable,
        (None, 0, true) => Status::Survived,
        (None, 0, false) => Status::WrongViolation,
        (None, ..) => Status::Killed,
    };
    let first_kill = hunt.first.as_ref().map(|f| CellRun {
        scenario: f.spec.located.id.clone(),
        seed: f.spec.seed,
        execution: f.failure.execution,
        violation: format!("{}: {}", f.failure.violation.kind(), f.failure.violation),
        replay: f.judged.run.replay.clone().unwrap_or_default(),
    });
    let cell = Cell {
        explorer,
        status,
        reason: reason.map(str::to_string),
        runs: hunt.runs,
        killed_runs,
        violations: hunt.violations,
        unexpected: hunt.unexpected,
        detection: detection(hunt.executions),
        first_kill,
    };
    (cell, hunt.first)
}

/// What one kill-matrix cell runs: a mutant under an explorer with a budget.
struct Target<'a> {
    mutant: Mutant,
    explorer: Explorer,
    budget: &'a Budget,
    without: &'a [sim::world::Oracle],
}

/// What a cell's runs found.
#[derive(Default)]
struct Hunt {
    /// Runs made.
    runs: usize,
    /// The failing execution of each run killed by an expected violation.
    executions: Vec<u64>,
    /// Runs per violation kind found, expected or not.
    violations: BTreeMap<String, usize>,
    /// The runs that failed with a violation the mutant is not expected to cause.
    unexpected: Vec<String>,
    /// The first kill.
    first: Option<FirstKill>,
}

impl Target<'_> {
    /// Runs the scenario and seed pairs of `order` (scenario index, seed) with the mutant on,
    /// each through the judged-run protocol. A run counts as a kill only if its violation is of
    /// a kind the mutant is expected to cause; stops at the first kill if `stop_at_first`.
    fn hunt(&self, scenarios: &[Located], order: &[(usize, u64)], stop_at_first: bool) -> Hunt {
        let mut hunt = Hunt::default();
        for &(i, seed) in order {
            let mut spec = Spec::new(scenarios[i].clone(), self.explorer, seed, self.budget.clone())
                .with_mutant(Some(self.mutant));
            spec.without = self.without.to_vec();
            let judged = spec.explore(Quiet::Already).expect("the matrix's budgets are valid");
            hunt.runs += 1;
            let Some(f) = judged.outcome.failure.clone() else {
                continue;
            };
            let kind = f.violation.kind();
            *hunt.violations.entry(kind.clone()).or_default() += 1;
            if !self.mutant.expects(&kind) {
                let id = &spec.located.id;
                hunt.unexpected
                    .push(format!("{id} seed {seed}: {kind}: {}", f.violation));
                continue;
            }
            hunt.executions.push(f.execution);
            hunt.first.get_or_insert(FirstKill {
                spec,
                judged,
                failure: f,
            });
            if stop_at_first {
                break;
            }
        }
        hunt
    }
}

/// The JUnit case of a cell: it fails only when a gating explorer let the mutant survive.
pub fn junit_case(m: Mutant, cell: &Cell, seconds: f64) -> crate::junit::Case {
    let name = match cell.status {
        Status::NotApplicable => format!("{} under {} (not gating)", m.name(), cell.explorer),
        _ => format!("{} under {}", m.name(), cell.explorer),
    };
    let failure = matches!(cell.status, Status::Survived | Status::WrongViolation).then(|| {
        let message = match cell.status {
            Status::WrongViolation => format!(
                "{} under {} failed only with violations it is not expected to cause: {}",
                m.name(),
                cell.explorer,
                cell.unexpected.join("; ")
            ),
            _ => format!("{} survived {} in {} runs", m.name(), cell.explorer, cell.runs),
        };
        (
            "survived".to_string(),
            message.clone(),
            format!("{message}: {}", m.summary()),
        )
    });
    crate::junit::Case {
        suite: "kill-matrix".into(),
        name,
        seconds,
        failure,
    }
}
