//! Whole-engine models: every shipped scenario passes under every explorer on the correct
//! engine; a broken engine is caught by loom and shuttle-pct, and the recorded failure replays
//! to the same violation.

use engine::mutants::Mutant;
use models::judge::replay::Expect;
use models::judge::{Quiet, Spec};
use models::workload::Plan;
use sim::explore::{self, Explorer, ReplayInput};
use sim::scenario::Scenario;
use std::time::Instant;

#[test]
fn every_shipped_scenario_passes_under_every_explorer() {
    for scenario in Scenario::embedded() {
        for explorer in Explorer::ALL {
            let Some(budget) = scenario.explorers.budget(explorer) else {
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
/// and replaying the recorded failure through the judged-run protocol must reproduce it.
#[test]
fn a_reader_that_skips_its_ref_is_caught_by_loom_and_pct_and_replays() {
    let located = models::swarm::locate("readers-vs-compaction").expect("embedded");
    for explorer in [Explorer::Loom, Explorer::ShuttlePct] {
        let budget = located.scenario.explorers.budget(explorer).expect("budgeted");
        let seed = located.scenario.seeds[0];
        let spec = Spec::new(located.clone(), explorer, seed, budget).with_mutant(Some(Mutant::GetSkipsRef));
        let judged = spec.explore(Quiet::Here).expect("valid input");
        let failure = judged.outcome.failure.unwrap_or_else(|| {
            panic!(
                "{explorer} missed the mutant in {} executions",
                judged.outcome.executions
            )
        });
        let kind = failure.violation.kind();
        assert!(Mutant::GetSkipsRef.expects(&kind), "{explorer}: {}", failure.violation);
        eprintln!(
            "{explorer}: caught after {} executions: {}",
            failure.execution, failure.violation
        );
        let input = ReplayInput {
            schedule: failure.schedule.clone(),
            crash_point: None,
        };
        let again = spec
            .replay(&input, &Expect::Exactly(failure.violation.clone()), Quiet::Here)
            .expect("valid replay");
        assert!(again.verdict.reproduced(), "{explorer}: {:?}", again.verdict);
        let expected_executions = if explorer == Explorer::Loom {
            failure.execution
        } else {
            1
        };
        assert_eq!(
            again.judged.outcome.executions, expected_executions,
            "{explorer}: a shuttle replay runs one execution, a loom replay explores to the failure again"
        );
    }
}
