//! `lsmcheck replay`: one recorded execution again, with an honest verdict.
//!
//! From a report, the replay first checks that it replays the same thing: the scenario's text
//! and the generated operations must hash as recorded (a different build is only noted: that is
//! how a fix is checked). Then it runs the recorded schedule (shuttle, crash), checkpoint (loom)
//! or exploration and says which of four things happened, each with its own exit code:
//! *reproduced* (1), *passed*: the schedule fit to its end and nothing failed, the bug is gone
//! (0), *diverged*: the program no longer fits the schedule, at a named step (3), or bad input
//! (2). A stress failure does not replay, and says so.

use super::run::{budget, explorers, mutant};
use super::show::{print_trace, TraceShown};
use super::{bad_input, Select};
use engine::mutants::Mutant;
use models::regression::Regression;
use models::workload::Plan;
use sim::explore::{self, Budget, Explorer, Outcome, ReplayInput};
use sim::fs::durability::CrashModel;
use sim::report::{Build, Report, Run, Verdict};
use sim::scenario::Located;
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
    pub(super) located: Located,
    pub(super) explorer: Explorer,
    pub(super) seed: u64,
    pub(super) mutant: Option<Mutant>,
    pub(super) budget: Budget,
    /// The operations: the seed's, or a shrunk report's own.
    pub(super) plan: Plan,
    pub(super) input: Option<ReplayInput>,
    /// From a report: the violation it recorded.
    pub(super) expected: Option<Violation>,
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
            None => return bad_input(format!("--crash-model {name}: expected process, power or torn")),
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
    let target = Target {
        budget: budget(*explorer, &located.scenario, select),
        plan: Plan::generate(&located.scenario, *seed, mutant),
        located,
        explorer: *explorer,
        seed: *seed,
        mutant,
        input: input.schedule.map(|s| ReplayInput {
            schedule: Some(s.to_string()),
            loom_checkpoint: None,
            crash_point,
        }),
        expected: None,
    };
    go(&target, input)
}

/// Replays `t`, prints the verdict and returns its exit code; saves a reproduced failure if
/// asked.
fn go(t: &Target, input: &Input) -> u8 {
    let outcome = match explore::run(t.explorer, &t.budget, &t.plan, t.input.as_ref()) {
        Ok(o) => o,
        Err(e) => return bad_input(e),
    };
    let code = judge(&outcome, t.expected.as_ref(), input.shown);
    if let (Some(path), Some(_)) = (input.timeline, &outcome.failure) {
        let mutant = t.mutant.map(Mutant::name);
        let run = Run::new(t.explorer, t.seed, mutant, &t.budget, &outcome, &t.located.id);
        if super::write_timeline(&run, path) != 0 {
            return 2;
        }
    }
    let Some(name) = input.save else { return code };
    let reproduced = outcome.diverged.is_none()
        && outcome
            .failure
            .as_ref()
            .is_some_and(|f| t.expected.as_ref().is_none_or(|e| *e == f.violation));
    match outcome.failure.as_ref().filter(|_| reproduced) {
        Some(f) => save(name, t, f).unwrap_or_else(bad_input),
        None => bad_input("--save-regression: only a failure this replay reproduced is saved"),
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
    let r = Regression {
        format: models::regression::FORMAT,
        scenario: t.located.id.clone(),
        scenario_hash: t.located.hash.clone(),
        explorer: t.explorer,
        seed: t.seed,
        mutant: t.mutant.map(|m| m.name().to_string()),
        budget: t.budget.clone(),
        ops: {
            let generated = Plan::generate(&t.located.scenario, t.seed, t.mutant);
            (generated.ops() != t.plan.ops()).then(|| t.plan.ops())
        },
        schedule: f.schedule.clone(),
        loom_checkpoint: f.loom_checkpoint.clone(),
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
    let Some(run) = report.body.runs.iter().find(|r| r.verdict == Verdict::Violation) else {
        return Err(bad_input(format!("{}: no failing run to replay", path.display())));
    };
    if run.explorer == Explorer::Stress {
        return Err(bad_input(STRESS));
    }
    let located = models::swarm::locate(&run.scenario).map_err(bad_input)?;
    let mutant = run.mutant.as_deref().and_then(Mutant::from_name);
    let mut plan = Plan::generate(&located.scenario, run.seed, mutant);
    if let Some(ops) = &run.ops {
        let ops = serde_json::from_value(ops.clone())
            .map_err(|e| bad_input(format!("{}: the report's `ops` are malformed: {e}", path.display())))?;
        plan = plan.with_ops(ops);
    }
    if let Err(mismatch) = same_input(&report, run, &located, &plan) {
        return Err(bad_input(format!("mismatch: {mismatch}; nothing was replayed")));
    }
    let crash_point = match &run.violation {
        Some(Violation::CrashRecovery { model, point, .. }) => CrashModel::from_name(model).map(|m| (m, *point)),
        _ => None,
    };
    Ok(Target {
        located,
        explorer: run.explorer,
        seed: run.seed,
        mutant,
        budget: run.budget.clone(),
        plan,
        input: Some(ReplayInput {
            schedule: run.schedule.clone(),
            loom_checkpoint: run.loom_checkpoint.clone(),
            crash_point,
        }),
        expected: run.violation.clone(),
    })
}

/// Checks that `run` replays what was recorded: the same scenario text and the same generated
/// operations. A different build is noted, not refused.
fn same_input(report: &Report, run: &Run, located: &Located, plan: &Plan) -> Result<(), String> {
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
fn judge(outcome: &Outcome, expected: Option<&Violation>, shown: TraceShown) -> u8 {
    let found = outcome.failure.as_ref();
    if let (Some(f), Some(want)) = (found, expected) {
        if f.violation == *want {
            println!(
                "reproduced at execution {}: {}: {}",
                f.execution,
                f.violation.kind(),
                f.violation
            );
            print_trace(&f.trace, shown);
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
    let Some(f) = found else {
        println!(
            "passed: {} executions, nothing failed (a schedule, if given, fit to its last step)",
            outcome.executions
        );
        return 0;
    };
    match expected {
        Some(want) => println!(
            "a different violation at execution {}: {}\n  the report says: {want}",
            f.execution, f.violation
        ),
        None => println!(
            "violation at execution {}: {}: {}",
            f.execution,
            f.violation.kind(),
            f.violation
        ),
    }
    print_trace(&f.trace, shown);
    1
}
