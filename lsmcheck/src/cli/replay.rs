//! `lsmcheck replay`: one recorded execution again, with an honest verdict.
//!
//! From a report, the replay first checks that it replays the same thing: the scenario's text
//! and the generated operations must hash as recorded (a different build is only noted: that is
//! how a fix is checked). Then `models::judge` replays the recorded schedule (shuttle, crash) or
//! explores again with the recorded budget (loom, which is deterministic) and judges it; this
//! module prints the verdict, each with its own exit code: *reproduced* (1), *passed*: the
//! schedule fit to its end (loom: the whole budget) and nothing failed, the bug is gone (0),
//! *diverged*: the program no longer fits the schedule, at a named step (3), a different
//! violation (1), or bad input (2): a report naming a mutant or scenario this build does not
//! have, or a recording another explorer made. A stress failure does not replay, and says so.

use super::output::{bad_input, write_timeline};
use super::run::{budget, explorers, mutant};
use super::select::Select;
use super::show::{print_trace, TraceShown};
use models::judge::replay::{Expect, Replayed, Verdict};
use models::judge::{Quiet, Spec};
use models::regression::Regression;
use sim::explore::{Explorer, Failure, ReplayInput};
use sim::fs::durability::CrashModel;
use sim::report::{self, Build, Report, Run};
use sim::world::Violation;
use std::path::Path;

/// Exit code: the program no longer fits the recorded schedule.
const DIVERGED: u8 = 3;

/// What to replay, besides the report or the scenario.
pub struct Input<'a> {
    /// shuttle or crash: the schedule a failure printed.
    pub schedule: Option<&'a str>,
    /// crash: one crash state only.
    pub crash: Option<(String, u64)>,
    /// How much of the reproduced trace to print.
    pub shown: TraceShown,
    /// `--save-regression NAME`: keep a reproduced failure in `scenarios/regressions/NAME.json`.
    pub save: Option<&'a str>,
    /// `--timeline FILE`: draw what the replay found.
    pub timeline: Option<&'a Path>,
}

/// One replay, resolved from a report or from the command line.
pub(super) struct Target {
    /// The run.
    pub(super) spec: Spec,
    /// The recording (none: loom, which explores again).
    pub(super) input: ReplayInput,
    /// What it must show: a report's violation, or nothing (a command line).
    pub(super) expect: Expect,
}

/// `replay REPORT`, or `replay --scenario S --explorer E --seed N [--schedule ...]`.
pub fn replay(report: Option<&Path>, spec: Option<&str>, select: &Select, input: &Input) -> u8 {
    if let Some(path) = report {
        return match from_report(path) {
            Ok(target) => go(&target, input),
            Err(code) => code,
        };
    }
    let Some(spec) = spec else {
        return bad_input("replay needs a report file, or --scenario with --explorer and --seed");
    };
    let crash_point = match &input.crash {
        None => None,
        Some((name, point)) => match CrashModel::from_name(name) {
            Some(model) => Some((model, *point)),
            None => {
                return bad_input(format!(
                    "--crash-model {name}: expected process, power, torn or garbage"
                ))
            }
        },
    };
    let located = match models::swarm::locate(spec) {
        Ok(l) => l,
        Err(e) => return bad_input(e),
    };
    let (mutant, explorers) = match (mutant(select), explorers(select, &located.scenario)) {
        (Ok(m), Ok(e)) => (m, e),
        (Err(e), _) | (_, Err(e)) => return bad_input(e),
    };
    let ([explorer], [seed]) = (explorers.as_slice(), select.seeds.as_slice()) else {
        return bad_input("replay takes exactly one --explorer and one --seed");
    };
    if *explorer == Explorer::Stress {
        return bad_input(STRESS);
    }
    let budget = budget(*explorer, &located.scenario, select);
    let target = Target {
        spec: Spec::new(located, *explorer, *seed, budget).with_mutant(mutant),
        input: ReplayInput {
            schedule: input.schedule.map(str::to_string),
            crash_point,
        },
        expect: Expect::Nothing,
    };
    go(&target, input)
}

/// Replays `t`, prints the verdict and returns its exit code; saves a reproduced failure if
/// asked.
fn go(t: &Target, input: &Input) -> u8 {
    let replayed = match t.spec.replay(&t.input, &t.expect, Quiet::Here) {
        Ok(r) => r,
        Err(e) => return bad_input(e),
    };
    let code = judge(&replayed, input.shown);
    if let (Some(path), Some(_)) = (input.timeline, &replayed.judged.outcome.failure) {
        if write_timeline(&replayed.judged.run, path) != 0 {
            return 2;
        }
    }
    let Some(name) = input.save else { return code };
    match &replayed.verdict {
        Verdict::Reproduced(f) | Verdict::Found(f) => save(name, t, f).unwrap_or_else(bad_input),
        _ => bad_input("--save-regression: only a failure this replay reproduced is saved"),
    }
}

/// Writes `scenarios/regressions/NAME.json` (under the current directory) for failure `f` of
/// `t`, and returns 1 (the replay found a violation).
fn save(name: &str, t: &Target, f: &sim::explore::Failure) -> Result<u8, String> {
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        return Err(format!("--save-regression {name:?}: use letters, digits, '-' and '_'"));
    }
    let crash_point = match &f.violation {
        Violation::CrashRecovery { model, point, .. } => CrashModel::from_name(model).map(|m| (m, *point)),
        _ => None,
    };
    let s = &t.spec;
    let r = Regression {
        format: models::regression::FORMAT,
        scenario: s.located.id.clone(),
        scenario_hash: s.located.hash.clone(),
        explorer: s.explorer,
        seed: s.seed,
        mutant: s.mutant,
        budget: s.budget.clone(),
        ops: s.ops.clone(),
        schedule: f.schedule.clone(),
        crash_point,
        violation: f.violation.kind(),
    };
    let dir = Path::new("scenarios/regressions");
    let path = dir.join(format!("{name}.json"));
    std::fs::create_dir_all(dir)
        .and_then(|()| r.write(&path))
        .map_err(|e| format!("{}: {e}", path.display()))?;
    println!("saved regression: {} (the test suite replays it)", path.display());
    Ok(1)
}

const STRESS: &str = "stress failures do not replay: OS threads were scheduled by the OS, not by \
lsmcheck. Rerun the seed with `lsmcheck run` (it may or may not fail again), or find the race with \
a replayable explorer (loom, shuttle-*)";

/// The replay a report describes, once its provenance checks pass; `Err` is the exit code of
/// a bad report (the reason is printed).
pub(super) fn from_report(path: &Path) -> Result<Target, u8> {
    let report = Report::read(path).map_err(bad_input)?;
    let Some(run) = report
        .body
        .runs
        .iter()
        .find(|r| r.verdict == report::Verdict::Violation)
    else {
        return Err(bad_input(format!("{}: no failing run to replay", path.display())));
    };
    if run.explorer == Explorer::Stress {
        return Err(bad_input(STRESS));
    }
    let located = models::swarm::locate(&run.scenario).map_err(bad_input)?;
    let mut spec = Spec::new(located, run.explorer, run.seed, run.budget.clone()).with_mutant(run.mutant);
    if let Some(ops) = &run.ops {
        let ops = serde_json::from_value(ops.clone())
            .map_err(|e| bad_input(format!("{}: the report's `ops` are malformed: {e}", path.display())))?;
        spec.ops = Some(ops);
    }
    if let Err(mismatch) = same_input(&report, run, &spec) {
        return Err(bad_input(format!("mismatch: {mismatch}; nothing was replayed")));
    }
    let crash_point = match &run.violation {
        Some(Violation::CrashRecovery { model, point, .. }) => CrashModel::from_name(model).map(|m| (m, *point)),
        _ => None,
    };
    let expect = run.violation.clone().map_or(Expect::Nothing, Expect::Exactly);
    let input = ReplayInput {
        schedule: run.schedule.clone(),
        crash_point,
    };
    Ok(Target { spec, input, expect })
}

/// Checks that `run` replays what was recorded: the same scenario text and the same generated
/// operations. A different build is noted, not refused.
fn same_input(report: &Report, run: &Run, spec: &Spec) -> Result<(), String> {
    let (located, plan) = (&spec.located, spec.plan());
    let (then, now) = (&report.body.lsmcheck, Build::current());
    if *then != now {
        println!(
            "note: recorded by lsmcheck {} ({}); replaying on {} ({})",
            then.version, then.commit, now.version, now.commit
        );
    }
    if run.scenario_hash.is_empty() || run.plan_hash.is_empty() {
        return Err("the report records no scenario or plan hash, so what it replays cannot be checked".into());
    }
    if run.scenario_hash != located.hash {
        return Err(format!(
            "scenario {} changed since the report was written (text hash {}, now {})",
            located.id, run.scenario_hash, located.hash
        ));
    }
    if run.plan_hash != plan.fingerprint() {
        return Err(format!(
            "this build generates different operations for seed {} (plan hash {}, now {})",
            run.seed,
            run.plan_hash,
            plan.fingerprint()
        ));
    }
    Ok(())
}

/// Prints how a replay went and returns its exit code (see the module doc).
fn judge(replayed: &Replayed, shown: TraceShown) -> u8 {
    let line = |f: &Failure| format!("{}: {}", f.violation.kind(), f.violation);
    match &replayed.verdict {
        Verdict::Reproduced(f) => {
            println!("reproduced at execution {}: {}", f.execution, line(f));
            print_trace(&f.trace, shown);
            1
        }
        Verdict::Diverged { why, after } => {
            println!(
                "diverged: the program no longer fits the recorded schedule ({why}); nothing past that step was replayed"
            );
            if let Some(f) = after {
                println!("  after diverging it failed anyway: {}", line(f));
            }
            DIVERGED
        }
        Verdict::Passed { executions } => {
            println!("passed: {executions} executions, nothing failed (a schedule, if given, fit to its last step)");
            0
        }
        Verdict::Different { found, expected } => {
            println!(
                "a different violation at execution {}: {}\n  the report says: {expected}",
                found.execution, found.violation
            );
            print_trace(&found.trace, shown);
            1
        }
        Verdict::Found(f) => {
            println!("violation at execution {}: {}", f.execution, line(f));
            print_trace(&f.trace, shown);
            1
        }
    }
}
