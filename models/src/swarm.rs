//! Swarm scenarios: a whole scenario drawn from one seed.
//!
//! Swarm testing (Groce et al., ISSTA 2012) observes that random test *configurations* find more
//! bugs than one configuration with every feature on: a workload without deletes, or with no
//! reader, or with a huge memtable, reaches states the "everything" mix makes unlikely. So each
//! seed draws the number of threads and their roles, each thread's operation mix (a random subset
//! of its role's operations), the key space and value size, the engine's sizes, how deep the
//! setup puts data (writes, deletes, flushes and background steps as it goes), whether a final
//! compaction runs, and the workload seed. `swarm:SEED` names the scenario anywhere a scenario
//! is expected (`lsmcheck run swarm:42`, reports, replays), and [`locate`] regenerates it; the
//! report also keeps its text, so a failure can be saved as a scenario file.

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sim::scenario::{
    EngineConfig, ExplorerBudgets, Iterations, Located, OpKind, PctBudget, Role, Scenario, ScenarioError, ThreadConfig,
    WorkloadConfig,
};
use std::collections::BTreeMap;

/// The prefix that names a swarm scenario: `swarm:SEED`.
pub const PREFIX: &str = "swarm:";

/// Resolves `spec`: `swarm:SEED` is generated, anything else is a file or an embedded scenario
/// ([`Scenario::locate`]).
pub fn locate(spec: &str) -> Result<Located, ScenarioError> {
    let Some(seed) = spec.strip_prefix(PREFIX) else {
        return Scenario::locate(spec);
    };
    let seed: u64 = seed.parse().map_err(|_| ScenarioError {
        file: spec.to_string(),
        line: 0,
        column: 0,
        message: format!("`{PREFIX}SEED` takes a number, not {seed:?}"),
    })?;
    let scenario = generate(seed);
    let text = serde_json::to_string_pretty(&scenario).expect("a scenario serializes");
    Ok(Located {
        scenario,
        id: format!("{PREFIX}{seed}"),
        hash: sim::scenario::text_hash(&text),
    })
}

/// The scenario of swarm seed `seed`.
pub fn generate(seed: u64) -> Scenario {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5a5a_7761_726d);
    let engine = engine_config(&mut rng);
    let workload = workload_config(&mut rng);
    let threads = threads(&mut rng);
    Scenario {
        name: format!("swarm-{seed}"),
        description: format!("drawn by the swarm generator from seed {seed}"),
        engine,
        workload,
        threads,
        explorers: ExplorerBudgets {
            shuttle_random: Some(Iterations { iterations: 60 }),
            shuttle_pct: Some(PctBudget {
                iterations: 60,
                depth: rng.gen_range(2..=3),
            }),
            ..ExplorerBudgets::default()
        },
        seeds: vec![seed],
        must_cover: Default::default(),
    }
}

fn engine_config(rng: &mut ChaCha8Rng) -> EngineConfig {
    EngineConfig {
        write_buffer_size: rng.gen_range(96..=512),
        block_size: *[32, 64, 128].choose(rng).expect("non-empty"),
        target_file_size: rng.gen_range(48..=400),
        l0_compaction_trigger: rng.gen_range(2..=4),
        max_bytes_for_level_base: rng.gen_range(150..=1200),
        level_multiplier: rng.gen_range(2..=10),
    }
}

/// Zero (off) half the time, else a value in `range`.
fn maybe(rng: &mut ChaCha8Rng, range: std::ops::RangeInclusive<u32>) -> u32 {
    if rng.gen_bool(0.5) {
        0
    } else {
        rng.gen_range(range)
    }
}

fn workload_config(rng: &mut ChaCha8Rng) -> WorkloadConfig {
    let setup_writes = *[0, 8, 24, 60, 120].choose(rng).expect("non-empty");
    WorkloadConfig {
        keys: rng.gen_range(2..=24),
        value_size: rng.gen_range(4..=24),
        setup_writes,
        setup_flush_every: maybe(rng, 2..=8),
        setup_delete_every: maybe(rng, 3..=7),
        setup_step_every: maybe(rng, 4..=12),
        setup_steps: rng.gen_range(0..=4),
        sync_every: maybe(rng, 2..=5),
        final_compaction: rng.gen_bool(0.75),
    }
}

/// Two to four threads (loom allows five with main; shuttle's PCT refuses a test with one), the
/// first a writer, each with a random non-empty subset of its role's operations.
fn threads(rng: &mut ChaCha8Rng) -> Vec<ThreadConfig> {
    let n = rng.gen_range(2..=4);
    let roles = [Role::Writer, Role::Reader, Role::Compactor, Role::Gc];
    let weights = [4, 4, 3, 1];
    (0..n)
        .map(|i| {
            let role = if i == 0 {
                Role::Writer
            } else {
                let total: u32 = weights.iter().sum();
                let mut pick = rng.gen_range(0..total);
                let at = weights.iter().position(|w| {
                    let hit = pick < *w;
                    pick = pick.saturating_sub(*w);
                    hit
                });
                roles[at.expect("weights sum to total")]
            };
            ThreadConfig {
                role,
                ops: rng.gen_range(2..=6),
                mix: mix(rng, role.ops()),
            }
        })
        .collect()
}

/// A random non-empty subset of `ops`, each with a weight from 1 to 3.
fn mix(rng: &mut ChaCha8Rng, ops: &[OpKind]) -> BTreeMap<OpKind, u32> {
    let mut mix = BTreeMap::new();
    for op in ops {
        if rng.gen_bool(0.6) {
            mix.insert(*op, rng.gen_range(1..=3));
        }
    }
    if mix.is_empty() {
        mix.insert(*ops.choose(rng).expect("a role has operations"), 1);
    }
    mix
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seed_always_draws_the_same_valid_scenario() {
        for seed in 0..200 {
            let s = generate(seed);
            assert_eq!(s, generate(seed));
            let text = serde_json::to_string(&s).expect("serializes");
            let back = Scenario::parse("swarm.json", &text).expect("the generator writes valid scenarios");
            assert_eq!(back, s, "seed {seed}");
        }
        assert_ne!(generate(1), generate(2));
    }

    #[test]
    fn swarm_specs_resolve_and_bad_ones_are_errors() {
        let l = locate("swarm:7").expect("generated");
        assert_eq!((l.id.as_str(), l.scenario.name.as_str()), ("swarm:7", "swarm-7"));
        assert_eq!(l.hash, locate("swarm:7").expect("again").hash);
        let e = locate("swarm:x").expect_err("not a number");
        assert!(e.message.contains("takes a number"), "{e}");
        assert_eq!(locate("snapshots").expect("embedded").id, "snapshots");
    }
}
