//! Recording and replaying shuttle schedules.
//!
//! [`Recording`] wraps any shuttle scheduler and writes down each decision of the current
//! execution: which of the runnable tasks ran (by position), and every random value handed
//! out. [`Replaying`] feeds those decisions back, so one execution reproduces exactly. The
//! encoding is ours, not shuttle's, so it does not change when shuttle's does: runs of equal
//! steps as `varint(count) varint(step)`, where a task choice `i` is `2i`, "the current task
//! goes on" is `3` (no context switch), and a random draw is `1` followed by `varint(value)`;
//! the bytes are written as hex. A schedule with few switches is short, which is what
//! `lsmcheck shrink` aims for.

use shuttle::scheduler::{Schedule, Scheduler, Task, TaskId};
use std::sync::{Arc, Mutex, MutexGuard};

/// One scheduling decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Step {
    /// The runnable task at this position ran (a context switch, unless it was the current).
    Task(usize),
    /// The task that was running went on: no context switch.
    Stay,
    /// This random value was drawn.
    Random(u64),
}

#[derive(Debug, Default)]
struct Log {
    steps: Vec<Step>,
    executions: u64,
}

/// The decisions of the last execution a [`Recording`] saw, readable once it is dropped.
#[derive(Clone, Debug, Default)]
pub struct Steps(Arc<Mutex<Log>>);

impl Steps {
    fn lock(&self) -> MutexGuard<'_, Log> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Executions started so far.
    pub fn executions(&self) -> u64 {
        self.lock().executions
    }

    /// Decisions in the last execution.
    pub fn len(&self) -> usize {
        self.lock().steps.len()
    }

    /// Whether the last execution made no decision (or none was published yet).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The last execution's schedule, encoded.
    pub fn encode(&self) -> String {
        encode(&self.lock().steps)
    }
}

/// Wraps a scheduler and records its decisions. They are kept locally (a scheduling decision
/// is the hottest path of a shuttle run) and published to the shared [`Steps`] when the
/// recording is dropped, that is, when the shuttle `Runner` that owns it is.
pub struct Recording<S> {
    /// Always `Some` until the drop.
    inner: Option<S>,
    current: Vec<Step>,
    shared: Steps,
}

impl<S> Recording<S> {
    /// Records `inner`'s decisions into `steps`.
    pub fn new(inner: S, steps: Steps) -> Self {
        Recording {
            inner: Some(inner),
            current: Vec::new(),
            shared: steps,
        }
    }

    fn inner(&mut self) -> &mut S {
        self.inner.as_mut().expect("present until dropped")
    }
}

impl<S> Drop for Recording<S> {
    fn drop(&mut self) {
        self.shared.lock().steps = std::mem::take(&mut self.current);
        // After a failing execution (this drop runs while the runner unwinds), shuttle's random
        // scheduler prints its own replay recipe from its drop ("failing seed ... set
        // SHUTTLE_RANDOM_SEED"), which does not apply to lsmcheck: ours is the replay command.
        // So it is not dropped then; the leak is one small scheduler per failing exploration.
        if let Some(inner) = self.inner.take() {
            if std::thread::panicking() {
                std::mem::forget(inner);
            }
        }
    }
}

impl<S: Scheduler> Scheduler for Recording<S> {
    fn new_execution(&mut self) -> Option<Schedule> {
        let s = self.inner().new_execution()?;
        self.current.clear();
        self.shared.lock().executions += 1;
        Some(s)
    }

    fn next_task(&mut self, runnable: &[&Task], current: Option<TaskId>, is_yielding: bool) -> Option<TaskId> {
        let t = self.inner().next_task(runnable, current, is_yielding)?;
        if Some(t) == current {
            self.current.push(Step::Stay);
            return Some(t);
        }
        let i = runnable
            .iter()
            .position(|r| r.id() == t)
            .expect("a scheduler picks a runnable task");
        self.current.push(Step::Task(i));
        Some(t)
    }

    fn next_u64(&mut self) -> u64 {
        let v = self.inner().next_u64();
        self.current.push(Step::Random(v));
        v
    }
}

/// How a replayed schedule fitted the execution it drove: the first step where it did not, or
/// whether the execution ended before the schedule did. Readable once the runner is gone.
#[derive(Clone, Debug, Default)]
pub struct Fit(Arc<Mutex<FitState>>);

#[derive(Debug, Default)]
struct FitState {
    diverged: Option<String>,
    used: usize,
    len: usize,
}

impl Fit {
    fn lock(&self) -> MutexGuard<'_, FitState> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// `None` if the execution took exactly the recorded decisions; otherwise where it left them.
    pub fn divergence(&self) -> Option<String> {
        let st = self.lock();
        st.diverged.clone().or_else(|| {
            (st.used < st.len).then(|| {
                format!(
                    "the execution ended after {} of the schedule's {} steps",
                    st.used, st.len
                )
            })
        })
    }
}

/// Replays one recorded execution, noting in its [`Fit`] where the program stopped fitting it
/// (after that it runs on deterministically, on the first runnable task).
#[derive(Debug)]
pub struct Replaying {
    steps: Vec<Step>,
    pos: usize,
    started: bool,
    fit: Fit,
}

impl Replaying {
    /// Decodes a schedule string; `Err` says what is wrong with it.
    pub fn decode(s: &str) -> crate::Result<Self> {
        let steps = decode(s)?;
        let fit = Fit::default();
        fit.lock().len = steps.len();
        Ok(Replaying {
            steps,
            pos: 0,
            started: false,
            fit,
        })
    }

    /// Where the replay reports how the schedule fitted.
    pub fn fit(&self) -> Fit {
        self.fit.clone()
    }

    fn next(&mut self) -> Option<Step> {
        let s = self.steps.get(self.pos).copied();
        self.pos += 1;
        self.fit.lock().used = self.pos.min(self.steps.len());
        s
    }

    fn diverge(&self, why: String) {
        let mut st = self.fit.lock();
        st.diverged.get_or_insert(format!("step {}: {why}", self.pos));
    }
}

impl Scheduler for Replaying {
    fn new_execution(&mut self) -> Option<Schedule> {
        if self.started {
            return None;
        }
        self.started = true;
        Some(Schedule::new(0))
    }

    fn next_task(&mut self, runnable: &[&Task], current: Option<TaskId>, _yielding: bool) -> Option<TaskId> {
        let n = runnable.len();
        let running = current.filter(|c| runnable.iter().any(|t| t.id() == *c));
        match self.next() {
            Some(Step::Task(i)) if i < n => return Some(runnable[i].id()),
            Some(Step::Task(i)) => self.diverge(format!("the schedule picks task {i}, but {n} are runnable")),
            Some(Step::Stay) if running.is_some() => return running,
            Some(Step::Stay) => self.diverge("the schedule goes on with the current task, which cannot run".into()),
            Some(Step::Random(_)) => {
                self.diverge("the schedule holds a random value where the program chooses a task".into())
            }
            None => self.diverge("the schedule has ended, but the program goes on".into()),
        }
        // Past the schedule: on deterministically, switching only when the current task cannot
        // run (a schedule being shrunk ends up with as few switches as the program needs).
        running.or_else(|| runnable.first().map(|t| t.id()))
    }

    fn next_u64(&mut self) -> u64 {
        match self.next() {
            Some(Step::Random(v)) => v,
            Some(Step::Task(_) | Step::Stay) => {
                self.diverge("the schedule holds a task choice where the program draws a random value".into());
                0
            }
            None => {
                self.diverge("the schedule has ended, but the program goes on".into());
                0
            }
        }
    }
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Context switches in an encoded schedule: the decisions that picked another task than the
/// one running.
pub fn switches(s: &str) -> crate::Result<usize> {
    Ok(decode(s)?.iter().filter(|s| matches!(s, Step::Task(_))).count())
}

/// The steps of an encoded schedule (for shrinking).
pub(crate) fn steps_of(s: &str) -> crate::Result<Vec<Step>> {
    decode(s)
}

/// A schedule's encoding (for shrinking).
pub(crate) fn encode(steps: &[Step]) -> String {
    let mut bytes = Vec::new();
    let mut i = 0;
    while i < steps.len() {
        let run = steps[i..].iter().take_while(|s| **s == steps[i]).count();
        put_varint(&mut bytes, run as u64);
        match steps[i] {
            Step::Task(t) => put_varint(&mut bytes, 2 * t as u64),
            Step::Stay => put_varint(&mut bytes, 3),
            Step::Random(v) => {
                put_varint(&mut bytes, 1);
                put_varint(&mut bytes, v);
            }
        }
        i += run;
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn bad(what: impl Into<String>) -> crate::Error {
    crate::Error::Schedule(what.into())
}

fn decode(s: &str) -> crate::Result<Vec<Step>> {
    let s = s.trim();
    if !s.len().is_multiple_of(2) || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad("a schedule is an even number of hex digits"));
    }
    let bytes: Vec<u8> = (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("checked hex"))
        .collect();
    let mut r = Cursor { bytes: &bytes, pos: 0 };
    let mut steps = Vec::new();
    while r.pos < bytes.len() {
        let run = r.varint()?;
        let step = match r.varint()? {
            1 => Step::Random(r.varint()?),
            3 => Step::Stay,
            t if t % 2 == 0 => Step::Task((t / 2) as usize),
            t => return Err(bad(format!("unknown schedule step tag {t}"))),
        };
        if run == 0 || run > 10_000_000 {
            return Err(bad(format!("implausible run length {run}")));
        }
        steps.extend(std::iter::repeat_n(step, run as usize));
    }
    Ok(steps)
}

struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn varint(&mut self) -> crate::Result<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = *self
                .bytes
                .get(self.pos)
                .ok_or_else(|| bad("the schedule ends in the middle of a step"))?;
            self.pos += 1;
            v |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Ok(v);
            }
        }
        Err(bad("a number in the schedule is too long"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules_round_trip_and_garbage_is_rejected() {
        let steps = vec![
            Step::Task(0),
            Step::Task(0),
            Step::Task(2),
            Step::Random(1 << 40),
            Step::Task(1),
            Step::Stay,
            Step::Stay,
        ];
        assert_eq!(decode(&encode(&steps)).expect("round trip"), steps);
        assert_eq!(decode("").expect("empty"), vec![]);
        assert!(decode("zz").is_err());
        assert!(decode("0").is_err());
        assert!(
            matches!(decode("0105"), Err(crate::Error::Schedule(m)) if m.contains("tag 5")),
            "odd tag"
        );
        assert!(decode("01").is_err(), "truncated step");
    }
}
