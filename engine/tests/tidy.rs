//! Mechanical checks of the workspace's standards, run by `cargo test`.
//!
//! - engine code names `std::sync` / `std::thread` only inside its sync facade (`src/sync/`),
//!   and never `parking_lot` or `arc_swap`, which no checker can see;
//! - every source file starts with a `//!` doc line;
//! - no source file grows past 600 lines.

use std::fs;
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

/// Lines of `src` that bypass the sync facade (comments excluded).
fn facade_bypasses(src: &str) -> Vec<String> {
    const BANNED: [&str; 4] = ["std::sync", "std::thread", "parking_lot", "arc_swap"];
    src.lines()
        .map(str::trim)
        .filter(|l| !l.starts_with("//"))
        .filter(|l| BANNED.iter().any(|b| l.contains(b)))
        .map(str::to_string)
        .collect()
}

#[test]
fn the_checker_flags_a_bypass() {
    assert_eq!(
        facade_bypasses("use std::sync::Mutex;\n// std::sync in a comment\nlet x = 1;"),
        vec!["use std::sync::Mutex;"]
    );
    assert!(facade_bypasses("use crate::sync::Mutex;").is_empty());
}

#[test]
fn engine_uses_only_its_sync_facade() {
    let src = workspace().join("engine/src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(files.len() > 20, "found the engine sources");
    let mut bad = Vec::new();
    for f in files.iter().filter(|f| !f.starts_with(src.join("sync"))) {
        for line in facade_bypasses(&fs::read_to_string(f).expect("read")) {
            bad.push(format!("{}: {line}", f.display()));
        }
    }
    assert!(
        bad.is_empty(),
        "engine code outside src/sync/ bypasses the facade:\n{}",
        bad.join("\n")
    );
}

#[test]
fn every_source_file_has_a_doc_line_and_a_sane_size() {
    let mut files = Vec::new();
    for dir in [
        "engine/src",
        "engine/tests",
        "sim/src",
        "sim/tests",
        "models/src",
        "models/tests",
    ] {
        rust_files(&workspace().join(dir), &mut files);
    }
    let mut bad = Vec::new();
    for f in &files {
        let text = fs::read_to_string(f).expect("read");
        if !text.starts_with("//!") {
            bad.push(format!("{}: does not start with a //! line", f.display()));
        }
        let lines = text.lines().count();
        if lines > 600 {
            bad.push(format!("{}: {lines} lines (split it by concept)", f.display()));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
