//! The harness as the test command of a mutation run (cargo-mutants, `reports/mutation/`):
//! every shipped scenario on its first seed under loom, shuttle-pct, shuttle-random and the
//! crash explorer, with budgets cut so that one mutant's whole test run stays well under a
//! minute in a debug build; each run must also reach the coverage marks its scenario requires
//! of every explorer. A mutant the harness catches fails this test; the full budgets are
//! the gate's (`models/tests/engine.rs` and `lsmcheck gate`).

use models::workload::Plan;
use sim::explore::{self, Budget, Explorer};
use sim::scenario::Scenario;

/// At most this many executions per explorer and scenario.
const EXECUTIONS: usize = 40;
/// Crash states per crash model and execution for the crash explorer.
const CRASH_POINTS: usize = 60;

fn mutation_budget(explorer: Explorer, scenario: &Scenario) -> Option<Budget> {
    let mut b = scenario.explorers.budget(explorer)?;
    b.iterations = b
        .iterations
        .min(if explorer == Explorer::Crash { 1 } else { EXECUTIONS });
    b.crash_points = b.crash_points.map(|p| p.min(CRASH_POINTS));
    Some(b)
}

#[test]
fn every_scenario_passes_under_mutation_budgets() {
    let explorers = [
        Explorer::ShuttlePct,
        Explorer::ShuttleRandom,
        Explorer::Loom,
        Explorer::Crash,
    ];
    for scenario in Scenario::embedded() {
        for explorer in explorers {
            let Some(budget) = mutation_budget(explorer, &scenario) else {
                continue;
            };
            let plan = Plan::generate(&scenario, scenario.seeds[0], None);
            let out = explore::run(explorer, &budget, &plan, None).expect("valid input");
            assert!(
                out.executions > 0,
                "{} under {explorer} explored nothing",
                scenario.name
            );
            if let Some(f) = out.failure {
                panic!("{} under {explorer}: {}", scenario.name, f.violation);
            }
            // The marks the scenario requires of every explorer are reached by (nearly) every
            // execution, so even cut budgets must reach them: a mutant that stops a rule from
            // firing (or the engine from reporting it) is caught here.
            for mark in scenario.must_cover.every() {
                assert!(
                    out.coverage.contains_key(&mark),
                    "{} under {explorer}: no execution reached {}",
                    scenario.name,
                    mark.name()
                );
            }
        }
    }
}
