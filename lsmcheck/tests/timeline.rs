//! `lsmcheck timeline` end to end: a real failure drawn as one self-contained HTML page, which
//! headless Chromium (Debian package `chromium`; `.ci/run` installs it) renders with a column
//! for every thread of the failing execution and the violation marked.

use serde_json::Value;
use std::collections::BTreeSet;
use std::process::Command;

mod common;
use common::{canary_with, lsmcheck};

#[test]
fn a_failure_renders_in_chromium_with_every_thread_and_the_violation() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (report, page, beside) = (
        tmp.path().join("r.json"),
        tmp.path().join("failure.html"),
        tmp.path().join("run.html"),
    );
    let o = lsmcheck(&canary_with(&[
        "--out",
        report.to_str().expect("utf-8"),
        "--timeline",
        beside.to_str().expect("utf-8"),
    ]));
    assert_eq!(o.status.code(), Some(1));
    assert!(beside.exists(), "run --timeline draws the failure");
    let o = lsmcheck(&[
        "timeline",
        report.to_str().expect("utf-8"),
        "-o",
        page.to_str().expect("utf-8"),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let html = std::fs::read_to_string(&page).expect("page");
    for external in ["http://", "https://", " src=", "<link"] {
        assert!(!html.contains(external), "self-contained: no {external}");
    }

    let recorded: Value = serde_json::from_str(&std::fs::read_to_string(&report).expect("report")).expect("JSON");
    let threads: BTreeSet<String> = recorded["body"]["runs"][0]["trace"]
        .as_array()
        .expect("a trace")
        .iter()
        .map(|e| e["thread"].as_str().expect("thread").to_string())
        .collect();
    assert!(threads.len() >= 3, "a race needs threads: {threads:?}");

    let dom = Command::new("chromium")
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--dump-dom"])
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium (Debian package `chromium`; .ci/run installs it)");
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(dom.contains("data-rendered=\""), "the page's script ran:\n{dom:.400}");
    for t in &threads {
        assert!(
            dom.contains(&format!("<th class=\"thread\">{t}</th>")),
            "a column for {t}"
        );
    }
    assert!(dom.contains("<tr class=\"violation"), "the violation's row is marked");
    assert!(dom.contains("use-after-last-unref"), "the violation is named");
}
