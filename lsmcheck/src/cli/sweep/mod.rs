//! `lsmcheck sweep`: one scenario over a range of workload seeds, or `--swarm`, a whole scenario
//! drawn from each seed (`models::swarm`); split across machines with `--shard i/n` and joined
//! again with `lsmcheck merge`.
//!
//! A sweep's report body holds its runs in seed order and names the sweep without the shard,
//! so the merged shards' body is byte-identical to the unsharded sweep's.

pub(super) mod args;
mod merge;
mod progress;
mod summary;

pub use merge::merge;
pub use summary::Summary;

use super::output::bad_input;
use super::select::Select;
use progress::Progress;
use sim::report::{Body, Build, Report, Run, Timing, Verdict, FORMAT};
use std::ops::RangeInclusive;
use std::path::Path;
use std::time::{Duration, Instant};

/// What to sweep.
pub enum Source {
    /// One scenario (a file or an embedded name), each seed a workload.
    Scenario(String),
    /// Each seed draws a scenario (`swarm:SEED`).
    Swarm,
}

/// A sweep's settings.
pub struct Sweep<'a> {
    /// What to run.
    pub source: Source,
    /// The seeds, both ends included.
    pub seeds: RangeInclusive<u64>,
    /// `(i, n)`: this process runs shard i (1-based) of n.
    pub shard: (u64, u64),
    /// Stop starting new seeds after this long.
    pub time_budget: Option<Duration>,
    /// Explorers, budget overrides and mutant, as for `run`.
    pub select: &'a Select,
}

impl Sweep<'_> {
    /// This shard's seeds: every n-th seed of the range, starting at the i-th.
    pub fn shard_seeds(&self) -> Vec<u64> {
        let (i, n) = self.shard;
        self.seeds
            .clone()
            .filter(|s| (s - self.seeds.start()) % n == i - 1)
            .collect()
    }

    /// The sweep's name in its report: the same for every shard.
    pub fn name(&self) -> String {
        let what = match &self.source {
            Source::Scenario(s) => s.clone(),
            Source::Swarm => "swarm".into(),
        };
        format!("sweep {what} seeds {}..={}", self.seeds.start(), self.seeds.end())
    }

    /// The scenario spec for seed `seed`.
    fn spec(&self, seed: u64) -> String {
        match &self.source {
            Source::Scenario(s) => s.clone(),
            Source::Swarm => format!("{}{seed}", models::swarm::PREFIX),
        }
    }
}

/// Runs the sweep; writes the report and JUnit file if asked; returns the exit code.
pub fn run(sweep: &Sweep, out: Option<&Path>, junit: Option<&Path>) -> u8 {
    let seeds = sweep.shard_seeds();
    let mutant = match super::run::mutant(sweep.select) {
        Ok(m) => m,
        Err(e) => return bad_input(e),
    };
    let (i, n) = sweep.shard;
    println!("{}: shard {i}/{n}, {} seeds", sweep.name(), seeds.len());
    let started = Instant::now();
    let mut progress = Progress::new(seeds.len() as u64);
    let (mut runs, mut timing): (Vec<Run>, Vec<Timing>) = (Vec::new(), Vec::new());
    let mut ran = seeds.len();
    for (done, &seed) in seeds.iter().enumerate() {
        if sweep.time_budget.is_some_and(|b| started.elapsed() >= b) {
            ran = done;
            break;
        }
        let located = match models::swarm::locate(&sweep.spec(seed)) {
            Ok(l) => l,
            Err(e) => return bad_input(e),
        };
        let mut explorers = match super::run::explorers(sweep.select, &located.scenario) {
            Ok(e) => e,
            Err(e) => return bad_input(e),
        };
        // The report's order, whatever order the command line named them in (see `merge`).
        explorers.sort_by_key(|e| sim::explore::Explorer::ALL.iter().position(|x| x == e));
        for explorer in explorers {
            let (run, t) = match super::run::explore_one(&located, explorer, seed, mutant, sweep.select) {
                Ok(x) => x,
                Err(code) => return code,
            };
            if run.verdict != Verdict::Passed {
                progress
                    .println(|| super::show::print_run(&located.scenario.name, &run, t.seconds, Default::default()));
            }
            runs.push(run);
            timing.push(t);
        }
        let failures = runs.iter().filter(|r| r.verdict != Verdict::Passed).count();
        progress.seed_done(done as u64 + 1, failures);
    }
    progress.finish();
    if ran < seeds.len() {
        println!(
            "time budget: stopped after {ran} of {} seeds ({:.0} s)",
            seeds.len(),
            started.elapsed().as_secs_f64()
        );
    }
    finish(&sweep.name(), runs, timing, out, junit)
}

/// Prints the summary, writes the report and JUnit file if asked, and returns the exit code.
pub fn finish(name: &str, runs: Vec<Run>, timing: Vec<Timing>, out: Option<&Path>, junit: Option<&Path>) -> u8 {
    let summary = Summary::of(&runs);
    print!("{summary}");
    if let Some(path) = junit {
        let cases: Vec<crate::junit::Case> = runs
            .iter()
            .zip(&timing)
            .map(|(r, t)| crate::junit::from_run(&r.scenario, r, t.seconds))
            .collect();
        if let Err(e) = crate::junit::write(path, &cases) {
            return bad_input(format!("{}: cannot write the JUnit report: {e}", path.display()));
        }
    }
    let report = Report {
        format: FORMAT,
        body: Body {
            lsmcheck: Build::current(),
            scenario: name.to_string(),
            runs,
        },
        timing,
    };
    if let Some(path) = out {
        if let Err(e) = report.write(path) {
            return bad_input(format!("{}: cannot write the report: {e}", path.display()));
        }
    }
    summary.exit_code()
}
