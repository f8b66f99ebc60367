//! How runs and failures look on the terminal: one line per run, and for a failure the
//! violation, the events of every thread around it, and the command that replays it.

use sim::report::Run;
use sim::world::TraceEvent;
use std::collections::BTreeMap;

/// How much of a failing execution's trace to print (`--trace N|all`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TraceShown {
    /// The last `n` events of every thread, in execution order.
    PerThread(usize),
    /// Every recorded event.
    All,
}

/// Events per thread a failure prints unless `--trace` says otherwise.
pub const DEFAULT_PER_THREAD: usize = 6;

impl Default for TraceShown {
    fn default() -> Self {
        TraceShown::PerThread(DEFAULT_PER_THREAD)
    }
}

/// Parses `--trace`: `all`, or a positive number of events per thread.
pub fn parse_trace(s: &str) -> Result<TraceShown, String> {
    match s {
        "all" => Ok(TraceShown::All),
        n => match n.parse::<usize>() {
            Ok(0) | Err(_) => Err(format!("`{n}`: give `all` or a positive number of events per thread")),
            Ok(n) => Ok(TraceShown::PerThread(n)),
        },
    }
}

/// One line for `run`'s result; for a failure, the violation, its trace and its replay command.
pub fn print_run(name: &str, run: &Run, seconds: f64, shown: TraceShown) {
    let head = format!("{name}  {}  seed {}", run.explorer, run.seed);
    let Some(v) = &run.violation else {
        let complete = if run.complete {
            " (complete: every execution within the bound)"
        } else {
            ""
        };
        let crashes = match run.crash_states {
            0 => String::new(),
            n => format!(", {n} crash states recovered"),
        };
        if let Some(why) = run.vacuity() {
            println!(
                "VACUOUS    {head}  {} executions{crashes}  {seconds:.2}s",
                run.executions
            );
            println!("  {why}: raise the budget or change the workload");
            return;
        }
        println!(
            "passed     {head}  {} executions{crashes}{complete}  {seconds:.2}s",
            run.executions
        );
        return;
    };
    println!(
        "VIOLATION  {head}  at execution {}  {seconds:.2}s",
        run.failing_execution.unwrap_or(0)
    );
    println!("  {}: {v}", v.kind());
    print_trace(&run.trace, shown);
    if let Some(cmd) = &run.replay {
        let label = if run.explorer == sim::explore::Explorer::Stress {
            "rerun (stress failures do not replay)"
        } else {
            "replay"
        };
        println!("  {label}: {cmd}");
    }
}

/// Prints the part of `trace` that `shown` asks for, in execution order.
pub fn print_trace(trace: &[TraceEvent], shown: TraceShown) {
    let keep = selected(trace, shown);
    let threads: Vec<&str> = {
        let mut t: Vec<&str> = trace.iter().map(|e| e.thread.as_str()).collect();
        t.sort_unstable();
        t.dedup();
        t
    };
    match shown {
        TraceShown::All => println!("  the failing execution's {} recorded events:", trace.len()),
        TraceShown::PerThread(n) => println!(
            "  the last {n} events of each thread ({}), in execution order:",
            threads.join(", ")
        ),
    }
    for e in trace.iter().zip(&keep).filter(|(_, k)| **k).map(|(e, _)| e) {
        println!("    {}", line(e));
    }
    let hidden = keep.iter().filter(|k| !**k).count();
    if hidden > 0 {
        println!("    ({hidden} earlier events hidden: --trace all, or the report's `trace`)");
    }
}

/// Which events of `trace` to print.
fn selected(trace: &[TraceEvent], shown: TraceShown) -> Vec<bool> {
    let TraceShown::PerThread(n) = shown else {
        return vec![true; trace.len()];
    };
    let mut left: BTreeMap<&str, usize> = BTreeMap::new();
    let mut keep = vec![false; trace.len()];
    for (i, e) in trace.iter().enumerate().rev() {
        let l = left.entry(e.thread.as_str()).or_insert(n);
        if *l > 0 {
            *l -= 1;
            keep[i] = true;
        }
    }
    keep
}

fn line(e: &TraceEvent) -> String {
    let what = [
        e.version.map(|v| format!("v{v}")),
        e.file.clone(),
        Some(e.detail.clone()),
    ];
    let what: Vec<String> = what.into_iter().flatten().filter(|s| !s.is_empty()).collect();
    format!("#{:<5} {:12} {:16} {}", e.step, e.thread, e.event, what.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(step: u64, thread: &str) -> TraceEvent {
        TraceEvent {
            step,
            thread: thread.into(),
            event: "e".into(),
            version: None,
            file: None,
            detail: String::new(),
        }
    }

    #[test]
    fn every_thread_keeps_its_last_events() {
        let t = [ev(1, "a"), ev(2, "b"), ev(3, "a"), ev(4, "a"), ev(5, "b")];
        assert_eq!(
            selected(&t, TraceShown::PerThread(1)),
            [false, false, false, true, true]
        );
        assert_eq!(selected(&t, TraceShown::PerThread(2)), [false, true, true, true, true]);
        assert_eq!(selected(&t, TraceShown::All), [true; 5]);
        assert_eq!(parse_trace("all"), Ok(TraceShown::All));
        assert_eq!(parse_trace("3"), Ok(TraceShown::PerThread(3)));
        assert!(parse_trace("0").is_err() && parse_trace("x").is_err());
    }
}
