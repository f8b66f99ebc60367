//! `lsmcheck list`.

use engine::mutants::Mutant;
use sim::explore::Explorer;
use sim::scenario::{Scenario, EMBEDDED};

pub(super) fn list() -> u8 {
    println!("scenarios (embedded; `lsmcheck run NAME`, or pass a path to your own):");
    for ((file, _), s) in EMBEDDED.iter().zip(Scenario::embedded()) {
        let explorers: Vec<&str> = Explorer::ALL
            .iter()
            .filter(|e| s.explorers.budget(**e).is_some())
            .map(|e| e.name())
            .collect();
        println!("  {:32} {}", file.trim_end_matches(".json"), s.description);
        println!(
            "  {:32} threads: {}; explorers: {}; seeds: {:?}",
            "",
            s.threads.len(),
            explorers.join(", "),
            s.seeds
        );
    }
    println!("\nexplorers:");
    for e in Explorer::ALL {
        println!("  {}", e.name());
    }
    println!("\ncoverage marks (a scenario's `must_cover`):");
    for m in sim::world::coverage::Mark::ALL {
        println!("  {:32} {}", m.name(), m.describe());
    }
    println!("\nmutants (`--mutant NAME`):");
    for m in Mutant::ALL {
        println!("  {:32} {}", m.name(), m.summary());
    }
    0
}
