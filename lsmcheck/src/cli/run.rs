//! `lsmcheck run`: scenarios under their explorers, a line per run, a report on request; and
//! the selection rules (`--explorer`, `--seed`, budgets, `--mutant`) that `replay` shares.

use super::output::{bad_input, write_timeline};
use super::select::Select;
use super::show::{print_run, TraceShown};
use super::usage::Usage;
use crate::junit;
use engine::mutants::Mutant;
use models::judge::{Quiet, Spec};
use sim::explore::{Budget, Explorer};
use sim::report::{Body, Build, Report, Run, Timing, FORMAT};
use sim::scenario::{first_repeat, Located, Scenario, EMBEDDED};
use std::path::Path;

pub(crate) fn mutant(select: &Select) -> Result<Option<Mutant>, Usage> {
    select
        .mutant
        .as_deref()
        .map(|m| Mutant::from_name(m).ok_or_else(|| Usage::UnknownMutant(m.into())))
        .transpose()
}

/// Rejects selections that would make a green result vacuous: an empty budget, a PCT depth of
/// 0, an explorer or seed named twice.
fn check_select(select: &Select) -> Result<(), Usage> {
    for (flag, v) in [
        ("--iterations", select.iterations),
        ("--depth", select.depth),
        ("--crash-points", select.crash_points),
    ] {
        if v == Some(0) {
            return Err(Usage::Zero(flag));
        }
    }
    if let Some(e) = first_repeat(&select.explorers) {
        return Err(Usage::Repeated {
            flag: "--explorer",
            value: e.clone(),
        });
    }
    if let Some(s) = first_repeat(&select.seeds) {
        return Err(Usage::Repeated {
            flag: "--seed",
            value: s.to_string(),
        });
    }
    Ok(())
}

pub(crate) fn explorers(select: &Select, scenario: &Scenario) -> Result<Vec<Explorer>, Usage> {
    check_select(select)?;
    if select.explorers.is_empty() {
        return Ok(Explorer::ALL
            .into_iter()
            .filter(|e| scenario.explorers.budget(*e).is_some())
            .collect());
    }
    select
        .explorers
        .iter()
        .map(|n| Explorer::from_name(n).ok_or_else(|| Usage::UnknownExplorer(n.clone())))
        .collect()
}

/// Crash states per crash model and execution when a scenario sets no crash budget.
const DEFAULT_CRASH_POINTS: usize = 200;

/// The scenario's budget for `explorer` (100 executions if it has none), with overrides.
pub(super) fn budget(explorer: Explorer, scenario: &Scenario, select: &Select) -> Budget {
    let mut b = scenario.explorers.budget(explorer).unwrap_or(Budget::iterations(100));
    if explorer == Explorer::Crash {
        b.crash_points = select.crash_points.or(b.crash_points).or(Some(DEFAULT_CRASH_POINTS));
    }
    if let Some(n) = select.iterations {
        b.iterations = n;
    }
    if select.preemption_bound.is_some() {
        b.preemption_bound = select.preemption_bound;
    }
    if explorer == Explorer::ShuttlePct {
        b.depth = select.depth.or(b.depth).or(Some(3));
    }
    b
}

/// Where `run` writes its results besides the terminal.
pub(super) struct Outputs<'a> {
    /// The JSON report (`--out`).
    pub report: Option<&'a Path>,
    /// JUnit XML (`--junit`).
    pub junit: Option<&'a Path>,
    /// The first failure as an HTML page (`--timeline`).
    pub timeline: Option<&'a Path>,
}

/// A JUnit suite name for a run's scenario: an embedded name, or a file's stem.
fn suite_name(id: &str) -> String {
    Path::new(id)
        .file_stem()
        .map_or_else(|| id.to_string(), |s| s.to_string_lossy().into_owned())
}

/// `run SPEC`: one scenario, or `all` embedded ones.
pub(super) fn run(spec: &str, select: &Select, out: &Outputs, shown: TraceShown) -> u8 {
    let specs: Vec<String> = if spec == "all" {
        EMBEDDED
            .iter()
            .map(|(name, _)| name.trim_end_matches(".json").to_string())
            .collect()
    } else {
        vec![spec.to_string()]
    };
    let (mut runs, mut timing) = (Vec::new(), Vec::new());
    for s in &specs {
        if let Err(code) = run_one(s, select, shown, &mut runs, &mut timing) {
            return code;
        }
    }
    finish(spec, runs, timing, out)
}

/// Explores one scenario, appending to `runs` and `timing`; `Err` carries the exit code.
fn run_one(
    spec: &str,
    select: &Select,
    shown: TraceShown,
    runs: &mut Vec<Run>,
    timing: &mut Vec<Timing>,
) -> Result<(), u8> {
    let located = models::swarm::locate(spec).map_err(bad_input)?;
    let scenario = &located.scenario;
    let (mutant, explorers) = match (mutant(select), explorers(select, scenario)) {
        (Ok(m), Ok(e)) => (m, e),
        (Err(e), _) | (_, Err(e)) => return Err(bad_input(e)),
    };
    let seeds = if select.seeds.is_empty() {
        scenario.seeds.clone()
    } else {
        select.seeds.clone()
    };
    for explorer in explorers {
        for &seed in &seeds {
            let (run, t) = explore_one(&located, explorer, seed, mutant, select)?;
            print_run(&scenario.name, &run, t.seconds, shown);
            timing.push(t);
            runs.push(run);
        }
    }
    Ok(())
}

/// One run: `located`'s scenario under `explorer` with workload seed `seed`, explored and
/// judged by the one protocol (`models::judge`). `Err` carries the exit code (bad input).
pub(crate) fn explore_one(
    located: &Located,
    explorer: Explorer,
    seed: u64,
    mutant: Option<Mutant>,
    select: &Select,
) -> Result<(Run, Timing), u8> {
    let budget = budget(explorer, &located.scenario, select);
    let spec = Spec::new(located.clone(), explorer, seed, budget).with_mutant(mutant);
    let judged = spec.explore(Quiet::Here).map_err(bad_input)?;
    Ok((judged.run.clone(), judged.timing()))
}

/// Writes the report (if asked) and returns the exit code.
fn finish(spec: &str, runs: Vec<Run>, timing: Vec<Timing>, out: &Outputs) -> u8 {
    let code = super::sweep::Summary::of(&runs).exit_code();
    let failed = code == 1;
    let first_failure = runs.iter().find(|r| r.violation.is_some());
    if let (Some(path), Some(run)) = (out.timeline, first_failure) {
        if write_timeline(run, path) != 0 {
            return 2;
        }
    }
    if let Some(path) = out.junit {
        let cases: Vec<junit::Case> = runs
            .iter()
            .zip(&timing)
            .map(|(r, t)| junit::from_run(&suite_name(&r.scenario), r, t.seconds))
            .collect();
        if let Err(e) = junit::write(path, &cases) {
            return bad_input(format!("{}: cannot write the JUnit report: {e}", path.display()));
        }
    }
    let report = Report {
        format: FORMAT,
        body: Body {
            lsmcheck: Build::current(),
            scenario: spec.to_string(),
            runs,
        },
        timing,
    };
    if let Some(path) = out.report {
        if let Err(e) = report.write(path) {
            return bad_input(format!("{}: cannot write the report: {e}", path.display()));
        }
        if failed {
            println!(
                "report: {} (or replay instantly with `lsmcheck replay {}`)",
                path.display(),
                path.display()
            );
        }
    }
    code
}
