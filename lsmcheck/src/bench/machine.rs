//! The machine a benchmark ran on, for its report.

use serde::Serialize;

/// Cores and CPU model.
#[derive(Debug, Serialize)]
pub struct Machine {
    pub cpus: usize,
    pub cpu_model: String,
}

impl Machine {
    /// This machine (the CPU model from /proc/cpuinfo, where there is one).
    pub fn this() -> Machine {
        let cpu_model = std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("model name"))
                    .and_then(|l| l.split_once(':'))
                    .map(|(_, m)| m.trim().to_string())
            })
            .unwrap_or_else(|| "unknown".into());
        Machine {
            cpus: std::thread::available_parallelism().map_or(1, |p| p.get()),
            cpu_model,
        }
    }
}
