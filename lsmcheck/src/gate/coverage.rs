//! `coverage.md`: for every scenario, which coverage marks its runs on the correct engine hit
//! under each explorer (executions that hit the mark, summed over seeds), the marks it requires
//! in bold, and every mark no scenario reaches.

use super::GateReport;
use sim::explore::Explorer;
use sim::report::Run;
use sim::world::coverage::Mark;
use std::fmt::Write as _;

/// The coverage tables, one per scenario.
pub fn markdown(r: &GateReport) -> String {
    let runs = &r.body.scenarios;
    let mut s = String::new();
    let _ = writeln!(s, "# Coverage marks\n");
    let _ = writeln!(
        s,
        "Written by `lsmcheck gate` ({} mode, lsmcheck {} at {}). A cell is *executions that hit the mark / \
         executions*, summed over the scenario's seeds, on the correct engine. **Bold** marks are required by \
         the scenario's `must_cover` for that explorer: a run that misses one fails the gate as vacuous. \
         Stress (OS threads, never gating) records no coverage: its counts vary from run to run. \
         `docs/invariants.md` (Coverage marks) says what each mark means.\n",
        r.body.mode, r.body.lsmcheck.version, r.body.lsmcheck.commit
    );
    let mut scenarios: Vec<&str> = runs.iter().map(|r| r.scenario.as_str()).collect();
    scenarios.dedup();
    for name in &scenarios {
        table(&mut s, name, runs);
    }
    let never: Vec<String> = Mark::ALL
        .into_iter()
        .filter(|m| runs.iter().all(|r| !r.coverage.contains_key(m)))
        .map(|m| format!("`{}`", m.name()))
        .collect();
    let _ = writeln!(s, "## Marks no scenario reaches\n");
    let _ = writeln!(
        s,
        "{}",
        if never.is_empty() {
            "None.".into()
        } else {
            never.join(", ")
        }
    );
    s
}

/// One scenario's table: a row per mark any of its runs hit or requires, a column per explorer.
fn table(s: &mut String, name: &str, runs: &[Run]) {
    let mine: Vec<&Run> = runs.iter().filter(|r| r.scenario == name).collect();
    // Stress records no coverage (its counts vary from run to run).
    let explorers: Vec<Explorer> = Explorer::ALL
        .into_iter()
        .filter(|e| *e != Explorer::Stress && mine.iter().any(|r| r.explorer == *e))
        .collect();
    let cell = |m: Mark, e: Explorer| {
        let of_e = mine.iter().filter(|r| r.explorer == e);
        let (hit, total) = of_e.fold((0, 0), |(h, t), r| {
            (h + r.coverage.get(&m).copied().unwrap_or(0), t + r.executions)
        });
        let required = mine.iter().any(|r| r.explorer == e && r.must_cover.contains(&m));
        match required {
            true => format!("**{hit}/{total}**"),
            false if hit == 0 => "·".to_string(),
            false => format!("{hit}/{total}"),
        }
    };
    let _ = writeln!(s, "## {name}\n");
    let header: Vec<&str> = explorers.iter().map(|e| e.name()).collect();
    let _ = writeln!(s, "| mark | {} |", header.join(" | "));
    let _ = writeln!(s, "|---|{}", "---|".repeat(header.len()));
    for m in Mark::ALL {
        let touched = mine
            .iter()
            .any(|r| r.coverage.contains_key(&m) || r.must_cover.contains(&m));
        if touched {
            let cells: Vec<String> = explorers.iter().map(|e| cell(m, *e)).collect();
            let _ = writeln!(s, "| `{}` | {} |", m.name(), cells.join(" | "));
        }
    }
    let _ = writeln!(s);
}
