//! What every command shares at its end: the exit codes, the bad-input line, and writing a
//! failure's timeline page.

/// The exit code of a run that found no violation but missed a required coverage mark.
pub(crate) const VACUOUS: u8 = 4;

/// `lsmcheck timeline REPORT -o FILE`.
pub(super) fn timeline(report: &std::path::Path, out: &std::path::Path) -> u8 {
    let report = match sim::report::Report::read(report) {
        Ok(r) => r,
        Err(e) => return bad_input(e),
    };
    let failing = report.body.runs.iter().find(|r| r.violation.is_some());
    let Some(run) = failing else {
        return bad_input("the report has no failing run to draw");
    };
    write_timeline(run, out)
}

/// Writes `run`'s timeline page to `out`; 0, or 2 if it cannot be written.
pub(crate) fn write_timeline(run: &sim::report::Run, out: &std::path::Path) -> u8 {
    match std::fs::write(out, crate::timeline::render(run)) {
        Ok(()) => {
            println!("timeline: {}", out.display());
            0
        }
        Err(e) => bad_input(format!("{}: cannot write the timeline: {e}", out.display())),
    }
}

/// Prints `msg` as a bad-input error and returns exit code 2.
pub(crate) fn bad_input(msg: impl std::fmt::Display) -> u8 {
    eprintln!("lsmcheck: {msg}");
    2
}
