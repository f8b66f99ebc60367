//! The gate's outputs: `gate.json`, `kill-matrix.md`, and the one-screen summary.

use super::{GateReport, Status};
use sim::explore::Explorer;
use std::fmt::Write as _;
use std::path::Path;

/// Writes `gate.json`, `kill-matrix.md` and `coverage.md` into `dir` (each through a
/// temporary file).
pub fn write(report: &GateReport, dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let json = serde_json::to_string_pretty(report).map_err(std::io::Error::other)? + "\n";
    let coverage = super::coverage::markdown(report);
    for (name, text) in [
        ("gate.json", json),
        ("kill-matrix.md", matrix_markdown(report)),
        ("coverage.md", coverage),
    ] {
        let tmp = dir.join(format!("{name}.tmp"));
        std::fs::write(&tmp, text)?;
        std::fs::rename(&tmp, dir.join(name))?;
    }
    Ok(())
}

fn cell_text(c: &super::Cell) -> String {
    let result = match (&c.detection, c.killed_runs) {
        _ if c.runs == 0 => "not run".to_string(),
        (Some(d), k) => format!("killed {}/{} · median {} · p90 {}", k, c.runs, d.median, d.p90),
        (None, _) => format!("survived 0/{}", c.runs),
    };
    // The violation kinds the runs failed with: a kill counts only by a kind the mutant is
    // expected to cause, so the cell shows which.
    let kinds: Vec<String> = c.violations.iter().map(|(k, n)| format!("{k} ×{n}")).collect();
    let result = if kinds.is_empty() {
        result
    } else {
        format!("{result} · {}", kinds.join(", "))
    };
    match c.status {
        Status::NotApplicable => format!("n/a ({result})"),
        Status::Survived => format!("**SURVIVED** ({result})"),
        Status::WrongViolation => format!("**NOT KILLED: unexpected violations** ({result})"),
        Status::Killed => result,
    }
}

/// The table a human reads.
pub fn matrix_markdown(r: &GateReport) -> String {
    let b = &r.body;
    let mut s = String::new();
    let _ = writeln!(s, "# Kill matrix\n");
    let _ = writeln!(
        s,
        "Written by `lsmcheck gate` ({} mode, lsmcheck {} at {}), {:.0} s. Each mutant runs under each explorer \
         over every scenario and seed. A cell reads *killed k/n · median · p90*: k of n runs found a violation of a kind the mutant is expected \
         to cause (the kinds found follow, with their run counts; any other kind is no kill), with the median and 90th percentile of executions to the first failure, then the cell's wall time. `n/a` cells are not asked to \
         kill the mutant (reasons below); their result is shown for information.\n",
        b.mode, b.lsmcheck.version, b.lsmcheck.commit, r.timing.total_seconds
    );
    let _ = writeln!(
        s,
        "On the correct engine the crash explorer recovered from {} distinct crash states (process, power, torn and garbage \
         crashes at every file-operation boundary of its executions), every one within the durability contract. \
         Which race windows and drop rules each scenario's runs reached, explorer by explorer, is in \
         [coverage.md](coverage.md).\n",
        b.crash_states
    );
    let header: Vec<&str> = Explorer::ALL.iter().map(|e| e.name()).collect();
    let _ = writeln!(s, "| mutant | mirrors | {} |", header.join(" | "));
    let _ = writeln!(s, "|---|---|{}", "---|".repeat(header.len()));
    for row in &b.mutants {
        let seconds = |e: Explorer| {
            let key = format!("{}/{e}", row.mutant);
            r.timing.cells.iter().find(|(k, _)| *k == key).map_or(0.0, |(_, s)| *s)
        };
        let cells: Vec<String> = row
            .cells
            .iter()
            .map(|c| format!("{} · {:.1} s", cell_text(c), seconds(c.explorer)))
            .collect();
        let _ = writeln!(s, "| `{}` | {} | {} |", row.mutant, row.source, cells.join(" | "));
    }
    let _ = writeln!(s, "\n## Why some cells are not applicable\n");
    let mut reasons: Vec<&str> = b
        .mutants
        .iter()
        .flat_map(|m| m.cells.iter().filter_map(|c| c.reason.as_deref()))
        .collect();
    reasons.sort_unstable();
    reasons.dedup();
    for reason in reasons {
        let _ = writeln!(s, "- {reason}.");
    }
    let _ = writeln!(s, "\n## What each mutant does\n");
    for row in &b.mutants {
        let _ = writeln!(s, "- `{}`: {}", row.mutant, row.summary);
    }
    let _ = writeln!(s, "\n## First kill per mutant\n");
    for row in &b.mutants {
        let first = row
            .cells
            .iter()
            .filter_map(|c| c.first_kill.as_ref().map(|k| (c.explorer, k)))
            .min_by_key(|(_, k)| k.execution);
        if let Some((e, k)) = first {
            let _ = writeln!(
                s,
                "- `{}` under {e}, {} seed {}, execution {}: {}\n  `{}`",
                row.mutant, k.scenario, k.seed, k.execution, k.violation, k.replay
            );
        }
    }
    if !b.failures.is_empty() {
        let _ = writeln!(s, "\n## Gate failures\n");
        for f in &b.failures {
            let _ = writeln!(s, "- {f}");
        }
    }
    s
}

/// The one-screen summary printed at the end.
pub fn summary(r: &GateReport) -> String {
    let b = &r.body;
    let mut s = String::new();
    let passed = b.scenarios.iter().filter(|x| x.violation.is_none()).count();
    let _ = writeln!(
        s,
        "scenarios: {passed}/{} runs passed on the correct engine",
        b.scenarios.len()
    );
    let _ = writeln!(
        s,
        "crashes:   {} distinct crash states recovered (process, power, torn, garbage)",
        b.crash_states
    );
    let killed = b
        .mutants
        .iter()
        .filter(|m| {
            m.cells
                .iter()
                .any(|c| c.killed_runs > 0 && c.status != Status::NotApplicable)
        })
        .count();
    let _ = writeln!(s, "mutants:   {killed}/{} killed", b.mutants.len());
    for m in &b.mutants {
        let by: Vec<String> = m
            .cells
            .iter()
            .filter(|c| c.killed_runs > 0)
            .map(|c| match &c.detection {
                Some(d) => format!("{}@{}", c.explorer, d.median),
                None => c.explorer.to_string(),
            })
            .collect();
        let missed: Vec<&str> = m
            .cells
            .iter()
            .filter(|c| c.status == Status::Survived)
            .map(|c| c.explorer.name())
            .collect();
        let tail = if missed.is_empty() {
            String::new()
        } else {
            format!("  SURVIVED: {}", missed.join(", "))
        };
        let _ = writeln!(
            s,
            "  {:36} {}{tail}",
            m.mutant,
            if by.is_empty() { "-".into() } else { by.join(" ") }
        );
    }
    for c in &b.self_checks {
        let _ = writeln!(
            s,
            "self-check {}: {}",
            if c.passed { "ok    " } else { "FAILED" },
            c.what
        );
    }
    let _ = writeln!(
        s,
        "(explorer@N: median executions to the first failure)  {:.0} s",
        r.timing.total_seconds
    );
    if b.failures.is_empty() {
        let _ = writeln!(s, "GATE PASSED");
    } else {
        let _ = writeln!(s, "GATE FAILED:");
        for f in &b.failures {
            let _ = writeln!(s, "  - {f}");
        }
    }
    s
}
