//! The harness benchmark's tables, as the README shows them.

use super::{Exhaustive, HarnessReport};

/// Prints the throughput and exhaustive-loom tables of `r` as markdown.
pub(super) fn print_tables(r: &HarnessReport) {
    println!(
        "\nharness benchmark, {} ({} CPUs, {}), median of {} runs\n",
        &r.date[..10],
        r.machine.cpus,
        r.machine.cpu_model,
        r.runs
    );
    let p = &r.scheduling_points;
    println!(
        "scheduling points per execution (shuttle): raw {}, ours {}\n",
        p.raw, p.ours
    );
    println!("| explorer | raw exec/s | ours exec/s | ours/raw |");
    println!("|---|---:|---:|---:|");
    for t in &r.throughput {
        let name = t.explorer;
        let label = if name == "loom" {
            format!("loom (bound {})", r.loom_bound)
        } else {
            name.to_string()
        };
        println!(
            "| {label} | {:.0} | {:.0} | {:.2}x |",
            t.raw_executions_per_second, t.ours_executions_per_second, t.ratio
        );
    }
    if r.exhaustive.is_empty() {
        return;
    }
    println!("\n| loom, exhaustive | raw executions | raw s | ours (kernel) executions | ours s |");
    println!("|---|---:|---:|---:|---:|");
    for pair in r.exhaustive.chunks(2) {
        let cell = |e: &Exhaustive| {
            let cut = if e.complete { "" } else { " (cut off)" };
            (format!("{}{cut}", e.executions), format!("{:.1}", e.seconds))
        };
        let ((rn, rs), (kn, ks)) = (cell(&pair[0]), cell(&pair[1]));
        let (readers, bound) = (pair[0].readers, show_bound(pair[0].preemption_bound));
        let held = match pair[0].held {
            0 => String::new(),
            n => format!(" ({n} held to the end)"),
        };
        println!("| {readers} reader(s){held}, bound {bound} | {rn} | {rs} | {kn} | {ks} |");
    }
}

pub(super) fn show_bound(bound: Option<usize>) -> String {
    bound.map_or("none".into(), |b| b.to_string())
}
