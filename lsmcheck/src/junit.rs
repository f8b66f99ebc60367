//! JUnit XML, the format every CI system reads: one `<testcase>` per scenario × explorer × seed
//! (and, for the gate, per mutant × explorer cell), a `<failure>` carrying the violation and
//! the command that replays it. The schema it follows is `lsmcheck/tests/junit.xsd`.

use std::fmt::Write as _;
use std::path::Path;

/// One test case.
#[derive(Clone, Debug)]
pub struct Case {
    /// The suite it belongs to (a scenario, or the gate's kill matrix).
    pub suite: String,
    /// Its name (explorer, seed, mutant).
    pub name: String,
    /// Wall time.
    pub seconds: f64,
    /// `(kind, message, details)` if it failed.
    pub failure: Option<(String, String, String)>,
}

/// Writes `cases` to `path` as one `<testsuites>` document, suites in first-seen order.
pub fn write(path: &Path, cases: &[Case]) -> std::io::Result<()> {
    std::fs::write(path, render(cases))
}

fn render(cases: &[Case]) -> String {
    let mut suites: Vec<&str> = Vec::new();
    for c in cases {
        if !suites.contains(&c.suite.as_str()) {
            suites.push(&c.suite);
        }
    }
    let failed = |cs: &[&Case]| cs.iter().filter(|c| c.failure.is_some()).count();
    let seconds = |cs: &[&Case]| cs.iter().map(|c| c.seconds).sum::<f64>();
    let all: Vec<&Case> = cases.iter().collect();
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        x,
        "<testsuites name=\"lsmcheck\" tests=\"{}\" failures=\"{}\" time=\"{:.3}\">",
        all.len(),
        failed(&all),
        seconds(&all)
    );
    for suite in suites {
        let cs: Vec<&Case> = cases.iter().filter(|c| c.suite == suite).collect();
        let _ = writeln!(
            x,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"0\" time=\"{:.3}\">",
            escape(suite),
            cs.len(),
            failed(&cs),
            seconds(&cs)
        );
        for c in cs {
            case(&mut x, c);
        }
        x.push_str("  </testsuite>\n");
    }
    x.push_str("</testsuites>\n");
    x
}

fn case(x: &mut String, c: &Case) {
    let head = format!(
        "    <testcase classname=\"lsmcheck.{}\" name=\"{}\" time=\"{:.3}\"",
        escape(&c.suite),
        escape(&c.name),
        c.seconds
    );
    match &c.failure {
        None => {
            let _ = writeln!(x, "{head}/>");
        }
        Some((kind, message, details)) => {
            let _ = writeln!(x, "{head}>");
            let _ = writeln!(
                x,
                "      <failure type=\"{}\" message=\"{}\">{}</failure>",
                escape(kind),
                escape(message),
                escape(details)
            );
            x.push_str("    </testcase>\n");
        }
    }
}

/// XML text and attribute escaping; characters XML 1.0 forbids become `?`.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(ch),
            c if (c as u32) < 0x20 => out.push('?'),
            c => out.push(c),
        }
    }
    out
}

/// The case of one `run`: suite = the scenario, name = explorer, seed and mutant; a violation
/// is a failure whose text holds the replay command and the trace's last events.
pub fn from_run(suite: &str, run: &sim::report::Run, seconds: f64) -> Case {
    let mutant = run.mutant.map(|m| format!(" mutant {}", m.name())).unwrap_or_default();
    let failure = run.violation.as_ref().map(|v| {
        let mut details = format!(
            "{}: {v}\nat execution {}\n",
            v.kind(),
            run.failing_execution.unwrap_or(0)
        );
        if let Some(cmd) = &run.replay {
            let _ = writeln!(details, "replay: {cmd}");
        }
        for e in run.trace.iter().rev().take(20).rev() {
            let _ = writeln!(details, "#{} {} {} {}", e.step, e.thread, e.event, e.detail);
        }
        (v.kind(), format!("{}: {v}", v.kind()), details)
    });
    let failure = failure.or_else(|| run.vacuity().map(|why| ("vacuous".to_string(), why.clone(), why)));
    Case {
        suite: suite.to_string(),
        name: format!("{} seed {}{mutant}", run.explorer, run.seed),
        seconds,
        failure,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suites_group_cases_and_text_is_escaped() {
        let cases = [
            Case {
                suite: "a".into(),
                name: "loom seed 1".into(),
                seconds: 0.5,
                failure: None,
            },
            Case {
                suite: "b".into(),
                name: "x".into(),
                seconds: 1.0,
                failure: Some(("wrong-read".into(), "got <b=\"2\"> & more".into(), "line\u{1}".into())),
            },
        ];
        let x = render(&cases);
        assert!(x.contains("<testsuites name=\"lsmcheck\" tests=\"2\" failures=\"1\" time=\"1.500\">"));
        assert!(x.contains("message=\"got &lt;b=&quot;2&quot;&gt; &amp; more\""), "{x}");
        assert!(x.contains(">line?</failure>"), "{x}");
        assert_eq!(x.matches("<testsuite ").count(), 2);
    }
}
