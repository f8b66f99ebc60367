//! Which explorers each mutant must be killed by, and why the others are not asked to.
//!
//! The rule is by bug class, not by results:
//! - loom, shuttle-random and shuttle-pct must kill every interleaving bug and every logic bug,
//!   except that shuttle-random is not asked to kill a *long-window* bug: one whose window must
//!   contain another thread's whole flush and compaction (hundreds of scheduling points). A
//!   uniform random scheduler leaves a thread unscheduled that long with vanishing probability;
//!   PCT's priority changes exist for exactly this (Burckhardt et al., ASPLOS 2010);
//! - shuttle-dfs must kill the logic bugs that need no particular interleaving. DFS without
//!   partial-order reduction spends any affordable budget permuting the last few scheduling
//!   decisions of an execution, so a race that needs an early preemption is out of its reach;
//! - a memory-ordering bug is loom's alone: shuttle runs every atomic as SeqCst;
//! - stress is OS scheduling: its result is reported, but it is not reproducible, so it never
//!   gates. It does not run a mutant that is expected to cause a data race: on OS threads a
//!   data race is undefined behaviour (a reader may follow a torn pointer), which could bring
//!   the harness down rather than fail one run;
//! - a durability bug shows only when the process or the machine dies, and only the crash
//!   explorer crashes: it must kill every durability mutant, and the others are not run on
//!   them. Conversely the crash explorer spends its budget on the crash states of a few
//!   schedules; the interleaving and rule bugs are the other explorers' job, so it is not run
//!   on them.

use engine::mutants::{BugClass, Mutant};
use sim::explore::Explorer;

/// `None` if `explorer` must kill `m`; otherwise why it is not asked to.
pub fn not_applicable(m: Mutant, explorer: Explorer) -> Option<&'static str> {
    match (m.class(), explorer) {
        (BugClass::Durability, Explorer::Crash) => None,
        (BugClass::Durability, _) => Some("a durability bug shows only when the process or machine dies: only the crash explorer crashes (not run)"),
        (_, Explorer::Crash) => Some("the crash explorer checks what survives crashes of a few schedules; this bug is the interleaving explorers' (not run)"),
        (_, Explorer::Stress) if m.expected_kinds().contains(&"data-race") => {
            Some("a data race on OS threads is undefined behaviour, which could bring the harness down (not run)")
        }
        (_, Explorer::Stress) => Some("OS scheduling is not reproducible: reported, never gating"),
        (BugClass::MemoryOrdering, Explorer::ShuttleRandom | Explorer::ShuttlePct | Explorer::ShuttleDfs) => {
            Some("shuttle runs every atomic as SeqCst: ordering bugs are invisible to it")
        }
                (BugClass::Interleaving | BugClass::LongWindow, Explorer::ShuttleDfs) => {
            Some("DFS without reduction only permutes the last scheduling decisions within its budget")
        }
        (BugClass::LongWindow, Explorer::ShuttleRandom) => {
            Some("the window spans another thread's whole compaction: uniform random scheduling almost never stalls a thread that long (PCT does)")
        }
        _ => None,
    }
}

/// False if `explorer` cannot observe `m` at all, or must not run it (a data race on OS
/// threads), so its cell is not run.
pub fn runs(m: Mutant, explorer: Explorer) -> bool {
    let racy = m.expected_kinds().contains(&"data-race");
    (m.class() == BugClass::Durability) == (explorer == Explorer::Crash) && !(racy && explorer == Explorer::Stress)
}
