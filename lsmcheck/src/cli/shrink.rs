//! `lsmcheck shrink REPORT`: the report's failure made small while it keeps its kind of
//! violation: first the workload (fewer threads and operations, `models::shrink`), then the
//! schedule (fewest context switches for shuttle, smallest preemption bound for loom,
//! `sim::explore::shrink`); written as a new report whose replay reproduces it.

use super::output::bad_input;
use super::replay::{from_report, Target};
use super::show::{print_run, TraceShown};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use models::judge::{Quiet, Spec};
use sim::explore::{self, shrink};
use sim::report::{Body, Build, Report, Timing, FORMAT};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Shrinks the first failure of the report at `path` within `seconds`, writing the result to
/// `out` (default: beside the report, `NAME.shrunk.json`).
pub fn run(path: &Path, out: Option<&Path>, seconds: u64) -> u8 {
    if seconds == 0 {
        return bad_input("--time-budget 0 would shrink nothing: give at least 1 second");
    }
    let t = match from_report(path) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let spec = &t.spec;
    if spec.explorer == explore::Explorer::Crash {
        return bad_input("a crash failure is one crash state of one schedule already: shrink is for shuttle and loom");
    }
    let recorded = match spec.replay(&t.input, &t.expect, Quiet::Here) {
        Ok(r) if r.verdict.reproduced() => r.judged.outcome,
        Ok(_) => return bad_input("the report's failure does not reproduce: replay it to see why"),
        Err(e) => return bad_input(e),
    };
    let original = spec.plan();
    let started = Instant::now();
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stdout());
    bar.set_style(ProgressStyle::with_template("{spinner} {elapsed} {pos} replays {msg}").expect("valid template"));
    bar.set_message(format!("(budget {seconds} s)"));
    // Half the time for the workload, the rest (and whatever it left) for the schedule.
    let halfway = started + Duration::from_secs(seconds) / 2;
    let smaller = models::shrink::workload(spec, &recorded, halfway, &mut |n| bar.set_position(n as u64));
    let (before, plan) = (original.size(), smaller.plan);
    let deadline = started + Duration::from_secs(seconds);
    let shrunk = shrink::shrink(
        spec.explorer,
        &spec.budget,
        &plan,
        &smaller.outcome,
        deadline,
        &mut |n| bar.set_position((smaller.attempts + n) as u64),
    );
    bar.finish_and_clear();
    println!(
        "workload {before} -> {} operations ({} threads) in {} explorations",
        plan.size(),
        plan.threads.len(),
        smaller.attempts
    );
    let mut s = match shrunk {
        Ok(s) => s,
        Err(e) => return bad_input(e),
    };
    // Measured against the report's own schedule, not the shrunk workload's first one.
    if let Some(original) = t.input.schedule.as_deref() {
        s.before = original.len();
        s.switches.0 = explore::schedule::switches(original).unwrap_or(s.switches.0);
    }
    let seconds = started.elapsed().as_secs_f64();
    describe(&t, &s, seconds);
    let shrunk_ops = (plan.ops() != original.ops()).then(|| plan.ops());
    write(path, out, &t, shrunk_ops, &s, seconds)
}

fn describe(t: &Target, s: &shrink::Shrunk, seconds: f64) {
    let what = if t.spec.explorer == explore::Explorer::Loom {
        format!("preemption bound {} -> {}", s.before, s.after)
    } else {
        format!(
            "schedule {} -> {} characters ({:.1}x shorter), context switches {} -> {}",
            s.before,
            s.after,
            s.before as f64 / s.after.max(1) as f64,
            s.switches.0,
            s.switches.1
        )
    };
    println!("shrunk in {} replays, {seconds:.1} s: {what}", s.attempts);
}

fn write(
    path: &Path,
    out: Option<&Path>,
    t: &Target,
    ops: Option<models::workload::Ops>,
    s: &shrink::Shrunk,
    seconds: f64,
) -> u8 {
    let spec = Spec {
        budget: s.budget.clone(),
        ops,
        ..t.spec.clone()
    };
    let mut run = spec.judge(&spec.plan(), s.outcome.clone(), seconds).run;
    if run.ops.is_some() {
        // A shrunk workload is not the seed's: only the report replays it.
        run.replay = Some(format!(
            "lsmcheck replay {}",
            out.map_or_else(|| path.with_extension("shrunk.json"), Path::to_path_buf)
                .display()
        ));
    }
    print_run(&spec.located.scenario.name, &run, seconds, TraceShown::default());
    let report = Report {
        format: FORMAT,
        body: Body {
            lsmcheck: Build::current(),
            scenario: spec.located.id.clone(),
            runs: vec![run],
        },
        timing: vec![Timing {
            explorer: spec.explorer,
            seed: spec.seed,
            seconds,
            executions_per_second: s.attempts as f64 / seconds.max(1e-9),
        }],
    };
    let dest: PathBuf = out.map_or_else(|| path.with_extension("shrunk.json"), Path::to_path_buf);
    if let Err(e) = report.write(&dest) {
        return bad_input(format!("{}: cannot write the shrunk report: {e}", dest.display()));
    }
    println!(
        "shrunk report: {} (replay it with `lsmcheck replay {}`)",
        dest.display(),
        dest.display()
    );
    1
}
