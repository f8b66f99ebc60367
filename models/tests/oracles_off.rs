//! The gate depends on its oracles: a mutant that they catch walks through when they are
//! switched off (the ablation experiment `lsmcheck gate --without-oracle …`, in miniature).

use engine::mutants::Mutant;
use models::workload::Plan;
use sim::explore::{self, Explorer};
use sim::scenario::Scenario;
use sim::world::Oracle;

#[test]
fn switching_the_file_oracles_off_lets_a_gc_bug_through() {
    let scenario = Scenario::load("readers-vs-compaction").expect("embedded");
    let budget = scenario.explorers.budget(Explorer::ShuttlePct).expect("budgeted");
    let plan = Plan::generate(&scenario, 1, Some(Mutant::GcLiveSetFromCurrentOnly));

    let caught = explore::run(Explorer::ShuttlePct, &budget, &plan, None).expect("valid");
    let v = caught.failure.expect("the ledger catches M26").violation;
    assert_eq!(v.kind(), "delete-of-listed-file", "{v}");

    // Without the ledger, the strict file checks and the engine-error check, the filesystem
    // behaves like POSIX and nothing else notices the deleted tables.
    let blind = plan.without(&[Oracle::Ledger, Oracle::MissingFile, Oracle::EngineErrors]);
    let missed = explore::run(Explorer::ShuttlePct, &budget, &blind, None).expect("valid");
    assert!(
        missed.failure.is_none(),
        "survives without its oracles: {:?}",
        missed.failure.map(|f| f.violation)
    );
    assert_eq!(missed.executions, budget.iterations as u64);
}
