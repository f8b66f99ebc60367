//! Whole-engine models: every shipped scenario passes under every explorer on the correct
//! engine; a broken engine is caught by loom and shuttle-pct, and the recorded failure replays
//! to the same violation.

use engine::mutants::Mutant;
use models::workload::Plan;
use sim::explore::{self, Explorer, ReplayInput};
use sim::scenario::Scenario;
use std::time::Instant;

#[test]
fn every_shipped_scenario_passes_under_every_explorer() {
    for scenario in Scenario::embedded() {
        for explorer in Explorer::ALL {
            let Some(budget) = explorer.budget(&scenario.explorers) else {
                continue;
            };
            let seed = scenario.seeds[0];
            let plan = Plan::generate(&scenario, seed, None);
            let t = Instant::now();
            let out = explore::run(explorer, &budget, &plan, None).expect("valid input");
            eprintln!(
                "{:32} {:15} {:6} executions {:>8.2?}",
                scenario.name,
                explorer.name(),
                out.executions,
                t.elapsed()
            );
            if let Some(f) = &out.failure {
                let trace: Vec<String> = f.trace.iter().rev().take(25).rev().map(|e| format!("{e:?}")).collect();
                panic!(
                    "{} under {explorer}: {}\n{}",
                    scenario.name,
                    f.violation,
                    trace.join("\n")
                );
            }
        }
    }
}

/// The canary: a reader that skips its Ref (mutant M01). loom and shuttle-pct must both catch it,
/// and replaying the recorded failure must reproduce the same violation.
#[test]
fn a_reader_that_skips_its_ref_is_caught_by_loom_and_pct_and_replays() {
    let scenario = Scenario::load("readers-vs-compaction").expect("embedded");
    for explorer in [Explorer::Loom, Explorer::ShuttlePct] {
        let budget = explorer.budget(&scenario.explorers).expect("budgeted");
        let plan = Plan::generate(&scenario, scenario.seeds[0], Some(Mutant::GetSkipsRef));
        let out = explore::run(explorer, &budget, &plan, None).expect("valid input");
        let failure = out
            .failure
            .unwrap_or_else(|| panic!("{explorer} missed the mutant in {} executions", out.executions));
        let kind = failure.violation.kind();
        assert!(
            ["open-of-deleted-file", "read-of-deleted-file", "use-after-last-unref"].contains(&kind.as_str()),
            "{explorer}: {}",
            failure.violation
        );
        eprintln!(
            "{explorer}: caught after {} executions: {}",
            failure.execution, failure.violation
        );

        let input = ReplayInput {
            schedule: failure.schedule.clone(),
            loom_checkpoint: failure.loom_checkpoint.clone(),
            crash_point: None,
        };
        let again = explore::run(explorer, &budget, &plan, Some(&input)).expect("valid replay");
        let replayed = again.failure.expect("the replay fails too");
        assert_eq!(
            replayed.violation, failure.violation,
            "{explorer}: replay reproduces the violation"
        );
        assert_eq!(again.executions, 1, "{explorer}: a replay runs one execution");
    }
}
