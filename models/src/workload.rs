//! Turning a scenario and a seed into concrete operations, deterministically (ChaCha8).

use engine::mutants::Mutant;
use engine::{Background, Options};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use sim::scenario::{OpKind, Role, Scenario};

/// One concrete operation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Op {
    /// Set a key.
    Put(Vec<u8>, Vec<u8>),
    /// Delete a key.
    Delete(Vec<u8>),
    /// Several updates at once (`None` deletes).
    Batch(Vec<(Vec<u8>, Option<Vec<u8>>)>),
    /// A point lookup.
    Get(Vec<u8>),
    /// A scan of `[lo, hi)`.
    Scan(Vec<u8>, Vec<u8>),
    /// A scan of `[lo, hi)` read backward (`rev()`), from the last key down.
    ScanBack(Vec<u8>, Vec<u8>),
    /// A scan of `[lo, hi)` that pauses (yields) after `pause_after` items, so compactions can
    /// run while the iterator holds its Version.
    IterHold(Vec<u8>, Vec<u8>, usize),
    /// Take a snapshot, yield, then read a key and scan everything through it.
    SnapshotRead(Vec<u8>),
    /// Take a snapshot and hold it (past the thread's end, until the quiescent read).
    TakeSnapshot,
    /// Read a key and scan everything through held snapshot `i` (modulo how many the thread
    /// holds; nothing if it holds none).
    ReadAtSnapshot(Vec<u8>, usize),
    /// Release held snapshot `i` (modulo how many; any of them, so releases come out of order).
    ReleaseSnapshot(usize),
    /// Flush the memtable.
    Flush,
    /// One unit of background work.
    Step,
    /// Compact everything.
    Compact,
    /// One obsolete-file GC pass.
    Gc,
}

/// A plan's operations without the scenario: what a shrunk report stores.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ops {
    /// The main thread's, before the others start.
    pub setup: Vec<Op>,
    /// `(thread name, operations)` per thread.
    pub threads: Vec<(String, Vec<Op>)>,
}

/// The database directory inside the simulated filesystem: where a plan's database lives (the
/// body opens it there, the crash oracle reopens each crash state there).
pub const DIR: &str = "/db";

/// A scenario made concrete for one seed: what the main thread does first, then each
/// thread's operations.
#[derive(Clone, Debug)]
pub struct Plan {
    /// The scenario.
    pub scenario: Scenario,
    /// The seed the operations came from.
    pub seed: u64,
    /// Run by the main thread before any other thread starts.
    pub setup: Vec<Op>,
    /// `(thread name, operations)` per thread.
    pub threads: Vec<(String, Vec<Op>)>,
    /// The injected bug, if any.
    pub mutant: Option<Mutant>,
    /// Oracles switched off (an ablation experiment; normally empty).
    pub disabled_oracles: Vec<sim::world::Oracle>,
    /// Set by the crash explorer: record crash points, and after the execution recover from
    /// at most this many per crash model.
    pub crash_points: Option<usize>,
    /// A crash replay: recover from this one crash state (model, 1-based point) only.
    pub crash_only: Option<(sim::fs::durability::CrashModel, u64)>,
}

impl Plan {
    /// Generates the operations of `scenario` for `seed`.
    pub fn generate(scenario: &Scenario, seed: u64, mutant: Option<Mutant>) -> Plan {
        let mut g = Gen {
            rng: ChaCha8Rng::seed_from_u64(seed),
            ways: ChaCha8Rng::seed_from_u64(seed ^ WAYS_STREAM),
            keys: scenario.workload.keys,
            size: scenario.workload.value_size,
            seed,
            written: 0,
        };
        let w = &scenario.workload;
        let mut setup = Vec::new();
        for i in 1..=w.setup_writes {
            if w.setup_delete_every > 0 && i % w.setup_delete_every == 0 {
                setup.push(Op::Delete(g.key()));
            } else {
                setup.push(Op::Put(g.key(), g.value()));
            }
            if w.setup_flush_every > 0 && i % w.setup_flush_every == 0 {
                setup.push(Op::Flush);
            }
            if w.setup_step_every > 0 && i % w.setup_step_every == 0 {
                setup.push(Op::Step);
            }
        }
        setup.extend((0..w.setup_steps).map(|_| Op::Step));
        let threads = scenario
            .threads
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let name = format!("{}-{i}", t.role.name());
                let weights: Vec<(OpKind, u32)> = t.mix.iter().map(|(k, w)| (*k, *w)).collect();
                let ops = (0..t.ops).map(|_| g.op(t.role, &weights)).collect();
                (name, ops)
            })
            .collect();
        Plan {
            scenario: scenario.clone(),
            seed,
            setup,
            threads,
            mutant,
            disabled_oracles: Vec::new(),
            crash_points: None,
            crash_only: None,
        }
    }

    /// A hash of the operations (setup and every thread's), as [`sim::scenario::text_hash`] of
    /// their debug form: equal plans have equal fingerprints on every machine, and a generator
    /// that changed gives a different one.
    pub fn fingerprint(&self) -> String {
        sim::scenario::text_hash(&format!("{:?}{:?}", self.setup, self.threads))
    }

    /// The operations alone (what a report stores when they are not the seed's).
    pub fn ops(&self) -> Ops {
        Ops {
            setup: self.setup.clone(),
            threads: self.threads.clone(),
        }
    }

    /// This plan with `ops` instead of its own (a shrunk workload).
    pub fn with_ops(self, ops: Ops) -> Plan {
        Plan {
            setup: ops.setup,
            threads: ops.threads,
            ..self
        }
    }

    /// Operations in all: the size a workload shrink reduces.
    pub fn size(&self) -> usize {
        self.setup.len() + self.threads.iter().map(|(_, ops)| ops.len()).sum::<usize>()
    }

    /// The same operations on the main thread alone: the setup, then each thread's operations
    /// in thread order (the crash explorer's sequential pass).
    pub fn sequential(mut self) -> Plan {
        for (_, ops) in std::mem::take(&mut self.threads) {
            self.setup.extend(ops);
        }
        self
    }

    /// True if the `n`th write (1-based) of a thread is a synced write.
    pub fn synced(&self, n: u64) -> bool {
        let every = u64::from(self.scenario.workload.sync_every);
        every > 0 && n.is_multiple_of(every)
    }

    /// The same plan with `oracles` switched off (an ablation experiment).
    pub fn without(mut self, oracles: &[sim::world::Oracle]) -> Plan {
        self.disabled_oracles = oracles.to_vec();
        self
    }

    /// Engine options: the scenario's sizes, background work stepped by the compactor role.
    pub fn options(&self) -> Options {
        let e = &self.scenario.engine;
        Options {
            write_buffer_size: e.write_buffer_size,
            block_size: e.block_size,
            target_file_size: e.target_file_size,
            l0_compaction_trigger: e.l0_compaction_trigger,
            l0_stop_writes_trigger: e.l0_compaction_trigger.max(12),
            max_bytes_for_level_base: e.max_bytes_for_level_base,
            max_bytes_for_level_multiplier: e.level_multiplier,
            max_open_files: 64,
            background: Background::Manual,
            mutant: self.mutant,
            ..Options::default()
        }
    }
}

/// The name of key `i` of a scenario's key space.
pub fn key(i: u32) -> Vec<u8> {
    format!("k{i:03}").into_bytes()
}

/// Mixed into the seed for the stream that picks each scan's direction.
const WAYS_STREAM: u64 = 0x5CA9_D1CE_0F0F_BAC4;

struct Gen {
    rng: ChaCha8Rng,
    /// Picks scan directions only, so adding backward scans left every seed's operations
    /// (keys, values, kinds, order) as they were.
    ways: ChaCha8Rng,
    keys: u32,
    size: usize,
    seed: u64,
    written: u64,
}

impl Gen {
    fn key(&mut self) -> Vec<u8> {
        key(self.rng.gen_range(0..self.keys))
    }

    /// A value unique to this write, so a stale read can never pass for a fresh one.
    fn value(&mut self) -> Vec<u8> {
        self.written += 1;
        let mut v = format!("v{}.{}", self.seed, self.written).into_bytes();
        v.resize(v.len().max(self.size), b'.');
        v
    }

    fn range(&mut self) -> (Vec<u8>, Vec<u8>) {
        let (a, b) = (self.rng.gen_range(0..self.keys), self.rng.gen_range(0..self.keys));
        let (lo, hi) = (a.min(b), a.max(b) + 1);
        (format!("k{lo:03}").into_bytes(), format!("k{hi:03}").into_bytes())
    }

    fn op(&mut self, role: Role, weights: &[(OpKind, u32)]) -> Op {
        debug_assert!(
            weights.iter().all(|(k, _)| role.ops().contains(k)),
            "validated at parse time"
        );
        let total: u32 = weights.iter().map(|w| w.1).sum();
        let mut pick = self.rng.gen_range(0..total);
        let kind = weights
            .iter()
            .find(|(_, w)| {
                let hit = pick < *w;
                pick = pick.saturating_sub(*w);
                hit
            })
            .map(|(k, _)| *k)
            .expect("weights sum to total");
        match kind {
            OpKind::Put => Op::Put(self.key(), self.value()),
            OpKind::Delete => Op::Delete(self.key()),
            OpKind::Batch => {
                let n = self.rng.gen_range(2..=4);
                Op::Batch(
                    (0..n)
                        .map(|_| (self.key(), self.rng.gen_bool(0.75).then(|| self.value())))
                        .collect(),
                )
            }
            OpKind::Get => Op::Get(self.key()),
            OpKind::Scan => {
                let (lo, hi) = self.range();
                if self.ways.gen_bool(0.5) {
                    Op::Scan(lo, hi)
                } else {
                    Op::ScanBack(lo, hi)
                }
            }
            OpKind::IterHold => {
                let (lo, hi) = self.range();
                let pause = self.rng.gen_range(0..3);
                Op::IterHold(lo, hi, pause)
            }
            OpKind::SnapshotRead => Op::SnapshotRead(self.key()),
            OpKind::TakeSnapshot => Op::TakeSnapshot,
            OpKind::ReadAtSnapshot => Op::ReadAtSnapshot(self.key(), self.rng.gen_range(0..4)),
            OpKind::ReleaseSnapshot => Op::ReleaseSnapshot(self.rng.gen_range(0..4)),
            OpKind::Flush => Op::Flush,
            OpKind::Step => Op::Step,
            OpKind::Compact => Op::Compact,
            OpKind::Gc => Op::Gc,
        }
    }
}
