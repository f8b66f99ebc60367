//! Progress of a long sweep: an indicatif bar (rate and ETA) on a terminal; otherwise, as in a
//! CI log, one line every ten seconds. Both on stdout (stderr is muted while exploring).

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::{Duration, Instant};

/// How often the plain form prints a line.
const EVERY: Duration = Duration::from_secs(10);

/// Progress over `total` seeds.
pub struct Progress {
    bar: Option<ProgressBar>,
    total: u64,
    started: Instant,
    last_line: Instant,
}

impl Progress {
    /// A bar on a terminal, periodic lines elsewhere.
    pub fn new(total: u64) -> Progress {
        let bar = std::io::stdout().is_terminal().then(|| {
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stdout());
            bar.set_style(
                ProgressStyle::with_template(
                    "{elapsed_precise} [{bar:40}] {pos}/{len} seeds  {per_sec}  ETA {eta}  {msg}",
                )
                .expect("valid template")
                .progress_chars("=> "),
            );
            bar
        });
        let now = Instant::now();
        Progress {
            bar,
            total,
            started: now,
            last_line: now,
        }
    }

    /// One more seed is done; `failures` so far.
    pub fn seed_done(&mut self, done: u64, failures: usize) {
        if let Some(bar) = &self.bar {
            bar.set_position(done);
            bar.set_message(format!("{failures} failures"));
            return;
        }
        if self.last_line.elapsed() < EVERY {
            return;
        }
        self.last_line = Instant::now();
        let elapsed = self.started.elapsed().as_secs_f64();
        let rate = done as f64 / elapsed.max(1e-9);
        let eta = (self.total - done) as f64 / rate.max(1e-9);
        println!(
            "sweep: {done}/{} seeds, {rate:.1} seeds/s, ETA {}, {failures} failures",
            self.total,
            humantime::format_duration(Duration::from_secs(eta.round() as u64))
        );
    }

    /// Prints `line` without tearing the bar.
    pub fn println(&self, f: impl FnOnce()) {
        match &self.bar {
            Some(bar) => bar.suspend(f),
            None => f(),
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
