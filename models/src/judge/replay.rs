//! Replaying a recorded run and judging the replay: the one test of "reproduced".
//!
//! A recording is what a failure leaves behind (`sim::explore::ReplayInput`): shuttle's and
//! the crash explorer's schedule (and crash state); loom keeps none, because exploring again
//! with the same budget is deterministic. The verdict is one of five, and a schedule that no
//! longer fits the program is always *diverged*, never a pass or a reproduction.

use super::{Judged, Quiet, Spec};
use sim::explore::{Failure, ReplayInput};
use sim::world::Violation;
use std::time::Instant;

/// What the replay must show to count as a reproduction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expect {
    /// Exactly this violation (a report's own failure).
    Exactly(Violation),
    /// A violation of this kind (a saved regression: its details may change with the engine).
    Kind(String),
    /// Nothing recorded: any violation is a finding.
    Nothing,
}

impl Expect {
    fn matches(&self, v: &Violation) -> bool {
        match self {
            Expect::Exactly(want) => want == v,
            Expect::Kind(kind) => v.kind() == *kind,
            Expect::Nothing => false,
        }
    }

    fn describe(&self) -> String {
        match self {
            Expect::Exactly(v) => format!("{}: {v}", v.kind()),
            Expect::Kind(k) => k.clone(),
            Expect::Nothing => "nothing".into(),
        }
    }
}

/// How a replay went.
#[derive(Clone, Debug)]
pub enum Verdict {
    /// The expected violation again, the recording fitting to its failing step.
    Reproduced(Failure),
    /// The recording fit to its end (loom: the whole budget was explored) and nothing failed:
    /// the bug is gone.
    Passed {
        /// Executions run.
        executions: u64,
    },
    /// The program no longer fits the recording, at the step `why` names; nothing past it was
    /// replayed. `after` is a failure the program hit anyway.
    Diverged {
        /// Where and why.
        why: String,
        /// A violation found after diverging, if any.
        after: Option<Failure>,
    },
    /// A violation other than the expected one.
    Different {
        /// What was found.
        found: Failure,
        /// What was expected, as text.
        expected: String,
    },
    /// A violation, where nothing was expected (a replay from a command line).
    Found(Failure),
}

impl Verdict {
    /// True for a reproduction.
    pub fn reproduced(&self) -> bool {
        matches!(self, Verdict::Reproduced(_))
    }
}

/// A replay: its verdict and the judged run it made.
#[derive(Clone, Debug)]
pub struct Replayed {
    /// What happened.
    pub verdict: Verdict,
    /// The run, judged as [`Spec::explore`] judges one.
    pub judged: Judged,
}

impl Spec {
    /// Replays `input`, a recording of this run, and judges it against `expect`. `Err` is bad
    /// input: a schedule that does not decode, or a recording another explorer made
    /// (`sim::explore::run` checks it).
    pub fn replay(&self, input: &ReplayInput, expect: &Expect, quiet: Quiet) -> sim::Result<Replayed> {
        let started = Instant::now();
        let plan = self.plan();
        let outcome = self.outcome(&plan, Some(input), quiet)?;
        let verdict = verdict(
            outcome.failure.clone(),
            outcome.diverged.clone(),
            outcome.executions,
            expect,
        );
        let judged = self.judge(&plan, outcome, started.elapsed().as_secs_f64());
        Ok(Replayed { verdict, judged })
    }
}

/// The verdict of a replay that found `failure` and (shuttle, crash) diverged as `diverged` says.
fn verdict(failure: Option<Failure>, diverged: Option<String>, executions: u64, expect: &Expect) -> Verdict {
    if let Some(why) = diverged {
        return Verdict::Diverged { why, after: failure };
    }
    match failure {
        None => Verdict::Passed { executions },
        Some(f) if expect.matches(&f.violation) => Verdict::Reproduced(f),
        Some(f) if *expect == Expect::Nothing => Verdict::Found(f),
        Some(found) => Verdict::Different {
            found,
            expected: expect.describe(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(kind_thread: &str) -> Failure {
        Failure {
            violation: Violation::Panic {
                thread: kind_thread.into(),
                message: "boom".into(),
            },
            trace: Vec::new(),
            execution: 3,
            schedule: None,
        }
    }

    #[test]
    fn a_schedule_that_stopped_fitting_is_diverged_even_if_it_failed_as_expected() {
        let f = failure("t");
        let v = verdict(Some(f.clone()), Some("step 4".into()), 1, &Expect::Exactly(f.violation));
        assert!(matches!(v, Verdict::Diverged { after: Some(_), .. }), "{v:?}");
    }

    #[test]
    fn each_verdict_follows_from_what_was_found_and_expected() {
        let f = failure("t");
        let exact = Expect::Exactly(f.violation.clone());
        assert!(verdict(Some(f.clone()), None, 1, &exact).reproduced());
        assert!(verdict(Some(f.clone()), None, 1, &Expect::Kind("panic".into())).reproduced());
        let other = failure("u");
        assert!(matches!(
            verdict(Some(other), None, 1, &exact),
            Verdict::Different { .. }
        ));
        assert!(matches!(
            verdict(None, None, 7, &exact),
            Verdict::Passed { executions: 7 }
        ));
        assert!(matches!(verdict(Some(f), None, 1, &Expect::Nothing), Verdict::Found(_)));
    }
}
