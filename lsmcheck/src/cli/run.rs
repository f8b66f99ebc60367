//! `lsmcheck run` and `lsmcheck replay`.

use super::usage::Usage;
use super::{bad_input, Select};
use engine::mutants::Mutant;
use models::workload::Plan;
use sim::explore::{self, Budget, Explorer, Outcome, ReplayInput};
use sim::fs::durability::CrashModel;
use sim::report::{Body, Build, Report, Run, Timing, Verdict, FORMAT};
use sim::scenario::{Scenario, EMBEDDED};
use std::path::Path;
use std::time::Instant;

/// How many trace events a failure prints (the report holds the whole trace).
const TRACE_SHOWN: usize = 12;

fn mutant(select: &Select) -> Result<Option<Mutant>, Usage> {
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

/// The first item that already appeared earlier in `items`.
fn first_repeat<T: PartialEq>(items: &[T]) -> Option<&T> {
    items
        .iter()
        .enumerate()
        .find(|(i, x)| items[..*i].contains(x))
        .map(|(_, x)| x)
}

fn explorers(select: &Select, scenario: &Scenario) -> Result<Vec<Explorer>, Usage> {
    check_select(select)?;
    if select.explorers.is_empty() {
        return Ok(Explorer::ALL
            .into_iter()
            .filter(|e| e.budget(&scenario.explorers).is_some())
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
fn budget(explorer: Explorer, scenario: &Scenario, select: &Select) -> Budget {
    let mut b = explorer.budget(&scenario.explorers).unwrap_or(Budget::iterations(100));
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

fn print_run(name: &str, run: &Run, seconds: f64) {
    let head = format!("{name}  {}  seed {}", run.explorer, run.seed);
    match &run.violation {
        None => {
            let complete = if run.complete {
                " (complete: every execution within the bound)"
            } else {
                ""
            };
            let crashes = match run.crash_states {
                0 => String::new(),
                n => format!(", {n} crash states recovered"),
            };
            println!(
                "passed     {head}  {} executions{crashes}{complete}  {seconds:.2}s",
                run.executions
            )
        }
        Some(v) => {
            println!(
                "VIOLATION  {head}  at execution {}  {seconds:.2}s",
                run.failing_execution.unwrap_or(0)
            );
            println!("  {}: {v}", v.kind());
            println!("  last events of the failing execution:");
            for e in run.trace.iter().rev().take(TRACE_SHOWN).rev() {
                let what = [
                    e.version.map(|v| format!("v{v}")),
                    e.file.clone(),
                    Some(e.detail.clone()),
                ];
                let what: Vec<String> = what.into_iter().flatten().filter(|s| !s.is_empty()).collect();
                println!("    #{:<5} {:12} {:16} {}", e.step, e.thread, e.event, what.join(" "));
            }
            if let Some(cmd) = &run.replay {
                println!("  replay: {cmd}");
            }
        }
    }
}

/// `run SPEC`: one scenario, or `all` embedded ones.
pub(super) fn run(spec: &str, select: &Select, out: Option<&Path>) -> u8 {
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
        if let Err(code) = run_one(s, select, &mut runs, &mut timing) {
            return code;
        }
    }
    finish(spec, runs, timing, out)
}

/// Explores one scenario, appending to `runs` and `timing`; `Err` carries the exit code.
fn run_one(spec: &str, select: &Select, runs: &mut Vec<Run>, timing: &mut Vec<Timing>) -> Result<(), u8> {
    let scenario = Scenario::load(spec).map_err(bad_input)?;
    let (mutant, explorers) = match (mutant(select), explorers(select, &scenario)) {
        (Ok(m), Ok(e)) => (m, e),
        (Err(e), _) | (_, Err(e)) => return Err(bad_input(e)),
    };
    let seeds = if select.seeds.is_empty() {
        scenario.seeds.clone()
    } else {
        select.seeds.clone()
    };
    for explorer in explorers {
        let budget = budget(explorer, &scenario, select);
        for &seed in &seeds {
            let plan = Plan::generate(&scenario, seed, mutant);
            let started = Instant::now();
            let outcome = explore::run(explorer, &budget, &plan, None).map_err(bad_input)?;
            let seconds = started.elapsed().as_secs_f64();
            let run = Run::new(explorer, seed, mutant.map(Mutant::name), &budget, &outcome, spec);
            print_run(&scenario.name, &run, seconds);
            let executions_per_second = outcome.executions as f64 / seconds.max(1e-9);
            timing.push(Timing {
                explorer,
                seed,
                seconds,
                executions_per_second,
            });
            runs.push(run);
        }
    }
    Ok(())
}

/// Writes the report (if asked) and returns the exit code.
fn finish(spec: &str, runs: Vec<Run>, timing: Vec<Timing>, out: Option<&Path>) -> u8 {
    let failed = runs.iter().any(|r| r.verdict == Verdict::Violation);
    let report = Report {
        format: FORMAT,
        body: Body {
            lsmcheck: Build::current(),
            scenario: spec.to_string(),
            runs,
        },
        timing,
    };
    if let Some(path) = out {
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
    u8::from(failed)
}

/// Prints how a replay went; exit 1 if it found a violation (reproduced or not), 0 otherwise.
/// Exit code of `replay`: the violation reproduced (or another one found) 1; the program no
/// longer fits the recorded schedule (*diverged*: a changed program, scenario or build, or a
/// schedule of something else) 3; it ran to its end under the schedule and nothing failed
/// (*passed*: the bug is gone) 0.
const DIVERGED: u8 = 3;

fn judge(outcome: &Outcome, expected: Option<&sim::world::Violation>) -> u8 {
    let found = outcome.failure.as_ref();
    if let (Some(f), Some(want)) = (found, expected) {
        if f.violation == *want {
            println!(
                "reproduced at execution {}: {}: {}",
                f.execution,
                f.violation.kind(),
                f.violation
            );
            return 1;
        }
    }
    if let Some(why) = &outcome.diverged {
        println!(
            "diverged: the program no longer fits the recorded schedule ({why}); nothing past that step was replayed"
        );
        if let Some(f) = found {
            println!(
                "  after diverging it failed anyway: {}: {}",
                f.violation.kind(),
                f.violation
            );
        }
        return DIVERGED;
    }
    match (found, expected) {
        (Some(f), Some(want)) => {
            println!(
                "a different violation at execution {}: {}\n  the report says: {want}",
                f.execution, f.violation
            );
            1
        }
        (Some(f), None) => {
            println!(
                "violation at execution {}: {}: {}",
                f.execution,
                f.violation.kind(),
                f.violation
            );
            1
        }
        (None, _) => {
            println!(
                "passed: {} executions, nothing failed (a schedule, if given, fit to its last step)",
                outcome.executions
            );
            0
        }
    }
}

pub(super) fn replay(
    report: Option<&Path>,
    spec: Option<&str>,
    select: &Select,
    schedule: Option<&str>,
    crash: Option<(String, u64)>,
) -> u8 {
    let crash_point = match crash {
        None => None,
        Some((name, point)) => match CrashModel::from_name(&name) {
            Some(model) => Some((model, point)),
            None => return bad_input(format!("--crash-model {name}: expected process, power or torn")),
        },
    };
    if let Some(path) = report {
        let report = match Report::read(path) {
            Ok(r) => r,
            Err(e) => return bad_input(e),
        };
        let Some(run) = report.body.runs.iter().find(|r| r.verdict == Verdict::Violation) else {
            return bad_input(format!("{}: no failing run to replay", path.display()));
        };
        let scenario = match Scenario::load(&run.scenario) {
            Ok(s) => s,
            Err(e) => return bad_input(e),
        };
        let mutant = run.mutant.as_deref().and_then(Mutant::from_name);
        let plan = Plan::generate(&scenario, run.seed, mutant);
        let crash_point = match &run.violation {
            Some(sim::world::Violation::CrashRecovery { model, point, .. }) => {
                CrashModel::from_name(model).map(|m| (m, *point))
            }
            _ => None,
        };
        let input = ReplayInput {
            schedule: run.schedule.clone(),
            loom_checkpoint: run.loom_checkpoint.clone(),
            crash_point,
        };
        return match explore::run(run.explorer, &run.budget, &plan, Some(&input)) {
            Ok(outcome) => judge(&outcome, run.violation.as_ref()),
            Err(e) => bad_input(e),
        };
    }
    let Some(spec) = spec else {
        return bad_input("replay needs a report file, or --scenario with --explorer and --seed");
    };
    let scenario = match Scenario::load(spec) {
        Ok(s) => s,
        Err(e) => return bad_input(e),
    };
    let (mutant, explorers) = match (mutant(select), explorers(select, &scenario)) {
        (Ok(m), Ok(e)) => (m, e),
        (Err(e), _) | (_, Err(e)) => return bad_input(e),
    };
    let ([explorer], [seed]) = (explorers.as_slice(), select.seeds.as_slice()) else {
        return bad_input("replay takes exactly one --explorer and one --seed");
    };
    let plan = Plan::generate(&scenario, *seed, mutant);
    let input = schedule.map(|s| ReplayInput {
        schedule: Some(s.to_string()),
        loom_checkpoint: None,
        crash_point,
    });
    match explore::run(*explorer, &budget(*explorer, &scenario, select), &plan, input.as_ref()) {
        Ok(outcome) => judge(&outcome, None),
        Err(e) => bad_input(format!("--schedule: {e}")),
    }
}
