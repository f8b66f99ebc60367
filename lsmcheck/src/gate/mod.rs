//! `lsmcheck gate`: the correctness gate.
//!
//! (a) Every embedded scenario runs on the correct engine under every explorer it budgets; all
//! must pass. (b) The kill matrix: every mutant under every explorer, over every scenario and
//! seed, with the matrix budgets below; every mutant must be killed by at least one explorer,
//! and every cell not declared not-applicable ([`applicability`]) must be killed. (c) The
//! harness checks itself: a sample of killed runs is replayed from what they recorded and must
//! reproduce the same violation, and rerun, must give a byte-identical report body.
//! Writes `gate.json` and `kill-matrix.md` to the output directory.

pub mod applicability;
mod coverage;
mod hints;
mod matrix;
mod parallel;
mod render;

use engine::mutants::Mutant;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
pub use matrix::{Cell, Status};
use models::judge::replay::Expect;
use models::judge::{Quiet, Spec};
use serde::Serialize;
use sim::explore::{self, Explorer, ReplayInput};
use sim::report::{Build, Run, Verdict, FORMAT};
use sim::scenario::{Located, EMBEDDED};
use sim::world::Oracle;
use std::path::Path;
use std::time::Instant;

/// The fewest distinct crash states a gate run must recover from on the correct engine.
const MIN_CRASH_STATES: u64 = 1000;

/// The whole gate's result.
#[derive(Debug, Serialize)]
pub struct GateReport {
    /// Report format version.
    pub format: u32,
    /// The deterministic part.
    pub body: GateBody,
    /// Wall time in seconds: total, scenarios, matrix.
    pub timing: GateTiming,
}

/// The deterministic part of the gate report.
#[derive(Debug, Serialize)]
pub struct GateBody {
    /// The build.
    pub lsmcheck: Build,
    /// `quick` or `full`.
    pub mode: String,
    /// Oracles switched off for an experiment (empty for a real gate run).
    pub without_oracles: Vec<Oracle>,
    /// (a) The scenario runs on the correct engine.
    pub scenarios: Vec<Run>,
    /// (a) Distinct crash states the crash explorer recovered from, over every scenario run.
    pub crash_states: u64,
    /// (b) One row per mutant.
    pub mutants: Vec<MutantRow>,
    /// (c) The self-checks.
    pub self_checks: Vec<SelfCheck>,
    /// Why the gate failed, empty if it passed.
    pub failures: Vec<String>,
}

/// Wall-clock figures.
#[derive(Debug, Serialize)]
pub struct GateTiming {
    /// The whole gate.
    pub total_seconds: f64,
    /// Part (a).
    pub scenarios_seconds: f64,
    /// Part (b).
    pub matrix_seconds: f64,
    /// Per cell, `mutant/explorer` -> seconds.
    pub cells: Vec<(String, f64)>,
}

/// One mutant's row of the matrix.
#[derive(Debug, Serialize)]
pub struct MutantRow {
    /// Its name.
    pub mutant: String,
    /// The upstream bug it mirrors.
    pub source: String,
    /// What goes wrong.
    pub summary: String,
    /// One cell per explorer.
    pub cells: Vec<Cell>,
}

/// One self-check of the harness.
#[derive(Debug, Serialize)]
pub struct SelfCheck {
    /// What was checked.
    pub what: String,
    /// Whether it held.
    pub passed: bool,
}

/// Runs the gate; returns the exit code (0 passed, 1 failed, 2 cannot write the output).
pub fn run(quick: bool, out_dir: &Path, without: &[Oracle], junit: Option<&Path>) -> u8 {
    let started = Instant::now();
    let scenarios: Vec<Located> = EMBEDDED
        .iter()
        .map(|(n, _)| models::swarm::locate(n.trim_end_matches(".json")).expect("embedded scenarios are valid"))
        .collect();
    let mut gate = Gate {
        scenarios: &scenarios,
        without,
        bar: progress_bar(&scenarios),
        failures: Vec::new(),
        cases: Vec::new(),
    };
    let scenario_results = gate.scenarios_on_the_correct_engine();
    let scenarios_seconds = started.elapsed().as_secs_f64();
    let crash_states: u64 = scenario_results.iter().map(|r| r.crash_states).sum();
    if crash_states < MIN_CRASH_STATES {
        gate.failures.push(format!(
            "the crash explorer recovered from {crash_states} crash states, fewer than {MIN_CRASH_STATES}: the crash check is vacuous"
        ));
    }
    // Read before this run's report replaces it.
    let hints = hints::Hints::load(&out_dir.join("gate.json"));
    let (rows, cell_times, firsts) = gate.kill_matrix(&matrix::Budgets::new(quick), &hints);
    let matrix_seconds = started.elapsed().as_secs_f64() - scenarios_seconds;
    let self_checks = gate.self_checks(&firsts);
    gate.bar.finish_and_clear();

    let report = GateReport {
        format: FORMAT,
        body: GateBody {
            lsmcheck: Build::current(),
            mode: if quick { "quick" } else { "full" }.into(),
            without_oracles: without.to_vec(),
            scenarios: scenario_results,
            crash_states,
            mutants: rows,
            self_checks,
            failures: gate.failures,
        },
        timing: GateTiming {
            total_seconds: started.elapsed().as_secs_f64(),
            scenarios_seconds,
            matrix_seconds,
            cells: cell_times,
        },
    };
    let mut written = render::write(&report, out_dir);
    if let (Some(path), Ok(())) = (junit, &written) {
        written = crate::junit::write(path, &gate.cases);
    }
    print!("{}", render::summary(&report));
    if let Err(e) = written {
        eprintln!("lsmcheck: cannot write the gate report to {}: {e}", out_dir.display());
        return 2;
    }
    u8::from(!report.body.failures.is_empty())
}

/// One gate run in progress: its inputs, its progress bar and the failures found so far.
struct Gate<'a> {
    scenarios: &'a [Located],
    without: &'a [Oracle],
    bar: ProgressBar,
    failures: Vec<String>,
    /// One JUnit case per scenario run and per kill-matrix cell.
    cases: Vec<crate::junit::Case>,
}

/// A bar over every scenario run and every matrix cell.
fn progress_bar(scenarios: &[Located]) -> ProgressBar {
    let scenario_runs: usize = scenarios
        .iter()
        .map(|l| &l.scenario)
        .map(|s| {
            s.seeds.len()
                * Explorer::ALL
                    .iter()
                    .filter(|e| s.explorers.budget(**e).is_some())
                    .count()
        })
        .sum();
    // On stdout: stderr is muted while exploring (see `sim::explore::quietly`).
    let total = (scenario_runs + Mutant::ALL.len() * Explorer::ALL.len()) as u64;
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stdout());
    bar.set_style(
        ProgressStyle::with_template("{elapsed_precise} [{bar:40}] {pos}/{len} {msg}")
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar
}

/// Each kill-matrix cell's wall time, by `mutant/explorer`.
type CellTimes = Vec<(String, f64)>;

impl Gate<'_> {
    /// (a) Every scenario under every explorer it budgets, every seed, on the correct engine,
    /// on every core.
    fn scenarios_on_the_correct_engine(&mut self) -> Vec<Run> {
        let mut jobs: Vec<Spec> = Vec::new();
        for located in self.scenarios {
            let scenario = &located.scenario;
            if scenario.must_cover.is_empty() {
                self.failures.push(format!(
                    "scenario {} declares no must_cover: nothing proves its runs reach what it exists for",
                    located.id
                ));
            }
            for explorer in Explorer::ALL {
                if let Some(budget) = scenario.explorers.budget(explorer) {
                    jobs.extend(scenario.seeds.iter().map(|&seed| Spec {
                        without: self.without.to_vec(),
                        ..Spec::new(located.clone(), explorer, seed, budget.clone())
                    }));
                }
            }
        }
        let bar = &self.bar;
        let done = explore::quietly(|| {
            parallel::map(&jobs, parallel::workers(jobs.len()), |spec| {
                bar.set_message(format!("{} / {} / seed {}", spec.located.id, spec.explorer, spec.seed));
                let judged = spec
                    .explore(Quiet::Already)
                    .expect("embedded scenarios' budgets are valid");
                bar.inc(1);
                (judged.run, judged.seconds)
            })
        });
        let mut results = Vec::new();
        for (spec, (run, seconds)) in jobs.iter().zip(done) {
            let (name, explorer, seed) = (&spec.located.id, spec.explorer, spec.seed);
            self.cases.push(crate::junit::from_run(name, &run, seconds));
            if let Some(v) = &run.violation {
                self.failures
                    .push(format!("scenario {name} failed under {explorer} (seed {seed}): {v}"));
            }
            if let Some(why) = run.vacuity() {
                self.failures
                    .push(format!("scenario {name} under {explorer} (seed {seed}) is {why}"));
            }
            results.push(run);
        }
        results
    }

    /// (b) The kill matrix: every mutant under every explorer, over every scenario and seed;
    /// the cells on every core.
    fn kill_matrix(
        &mut self,
        budgets: &matrix::Budgets,
        hints: &hints::Hints,
    ) -> (Vec<MutantRow>, CellTimes, Vec<matrix::FirstKill>) {
        let jobs: Vec<(Mutant, Explorer)> = Mutant::ALL
            .iter()
            .flat_map(|&m| Explorer::ALL.map(|e| (m, e)))
            .collect();
        let (scenarios, without, bar) = (self.scenarios, self.without, &self.bar);
        let order = hints.longest_first(&jobs);
        let done = explore::quietly(|| {
            parallel::map_ordered(&jobs, &order, parallel::workers(jobs.len()), |&(m, explorer)| {
                bar.set_message(format!("{} / {explorer}", m.name()));
                let t = Instant::now();
                let first_try = hints.first_kill(m, explorer);
                let (cell, first) = matrix::run_cell(m, explorer, scenarios, budgets, without, first_try);
                bar.inc(1);
                (cell, first, t.elapsed().as_secs_f64())
            })
        });
        let (mut rows, mut cell_times, mut firsts) = (Vec::new(), Vec::new(), Vec::new());
        let mut done = done.into_iter();
        for m in Mutant::ALL {
            let mut cells = Vec::new();
            for (explorer, (cell, first, seconds)) in Explorer::ALL.into_iter().zip(done.by_ref()) {
                cell_times.push((format!("{}/{explorer}", m.name()), seconds));
                self.cases.push(matrix::junit_case(m, &cell, seconds));
                match cell.status {
                    Status::Survived => self
                        .failures
                        .push(format!("{} survived {explorer}, which must kill it", m.name())),
                    Status::WrongViolation => self.failures.push(format!(
                        "{} under {explorer} failed only with violations it is not expected to cause ({}), which are no kill",
                        m.name(),
                        cell.unexpected.join("; ")
                    )),
                    Status::Killed | Status::NotApplicable => {}
                }
                firsts.extend(first);
                cells.push(cell);
            }
            if !cells
                .iter()
                .any(|c| c.killed_runs > 0 && c.status != Status::NotApplicable)
            {
                self.failures
                    .push(format!("{} was killed by no gating explorer", m.name()));
            }
            rows.push(MutantRow {
                mutant: m.name().into(),
                source: m.source().into(),
                summary: m.summary().into(),
                cells,
            });
        }
        (rows, cell_times, firsts)
    }

    /// (c) The harness checks itself on a sample of killed runs: one per explorer kind.
    fn self_checks(&mut self, firsts: &[matrix::FirstKill]) -> Vec<SelfCheck> {
        self.bar.set_message("self-checks");
        let mut checks = Vec::new();
        for f in sample(firsts) {
            checks.extend(self_check(f));
        }
        if checks.is_empty() {
            self.failures.push("no killed run to self-check".into());
        }
        let failed = checks.iter().filter(|c| !c.passed);
        self.failures
            .extend(failed.map(|c| format!("self-check failed: {}", c.what)));
        checks
    }
}

/// Picks at most one killed run per explorer (loom, each shuttle scheduler, stress excluded).
fn sample(firsts: &[matrix::FirstKill]) -> Vec<&matrix::FirstKill> {
    let mut out: Vec<&matrix::FirstKill> = Vec::new();
    for f in firsts {
        let e = f.spec.explorer;
        if e != Explorer::Stress && !out.iter().any(|o| o.spec.explorer == e) {
            out.push(f);
        }
    }
    out
}

/// Replays a killed run from its recording and reruns it for determinism, both through the
/// judged-run protocol.
fn self_check(f: &matrix::FirstKill) -> Vec<SelfCheck> {
    let s = &f.spec;
    let mutant = s.mutant.map_or("the correct engine", |m| m.name());
    let what = format!("{mutant} / {} / {} seed {}", s.explorer, s.located.id, s.seed);
    let input = ReplayInput {
        schedule: f.failure.schedule.clone(),
        crash_point: None,
    };
    let expect = Expect::Exactly(f.failure.violation.clone());
    let reproduced = s
        .replay(&input, &expect, Quiet::Here)
        .is_ok_and(|r| r.verdict.reproduced());
    let same = s.explore(Quiet::Here).is_ok_and(|again| {
        let (a, b) = (&f.judged.run, &again.run);
        serde_json::to_string(a).ok() == serde_json::to_string(b).ok() && a.verdict == Verdict::Violation
    });
    vec![
        SelfCheck {
            what: format!("replay of {what} reproduces its violation"),
            passed: reproduced,
        },
        SelfCheck {
            what: format!("rerun of {what} gives a byte-identical report body"),
            passed: same,
        },
    ]
}
