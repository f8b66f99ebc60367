//! Mechanical checks of the workspace's standards, run by `cargo test`.
//!
//! - the sync facade's clippy lists (`engine/clippy.toml`) are silenced nowhere but the
//!   runtimes and tests, and the engine pulls in no primitive crate a checker cannot see;
//! - every source file starts with a `//!` doc line;
//! - no source file grows past 400 lines, and the median stays near 150.

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

/// Files that may lift the facade's disallowed lists (`engine/clippy.toml`): the two runtimes
/// that map the facade onto std (`shuttle::sync::Arc` is std's), and the engine's own tests.
fn may_allow_std(f: &Path, engine: &Path) -> bool {
    f.starts_with(engine.join("tests"))
        || f == engine.join("src/sync/std_rt.rs")
        || f == engine.join("src/sync/shuttle_rt.rs")
}

/// The facade is enforced by clippy (`engine/clippy.toml`: `disallowed-types` and
/// `disallowed-methods` for `std::sync` and `std::thread`, run with `-D warnings` in CI). This
/// checks nobody silenced those lints elsewhere, and that no unseen primitive crate came in.
#[test]
fn engine_uses_only_its_sync_facade() {
    let engine = workspace().join("engine");
    let toml = fs::read_to_string(engine.join("clippy.toml")).expect("engine/clippy.toml");
    for banned in [
        "std::sync::Mutex",
        "std::sync::Arc",
        "std::sync::atomic::AtomicU64",
        "std::thread::spawn",
    ] {
        assert!(
            toml.contains(&format!("\"{banned}\"")),
            "engine/clippy.toml must ban {banned}"
        );
    }
    let manifest = fs::read_to_string(engine.join("Cargo.toml")).expect("engine/Cargo.toml");
    for crate_name in ["parking_lot", "arc-swap", "arc_swap", "crossbeam"] {
        assert!(
            !manifest.contains(crate_name),
            "the engine depends on {crate_name}, which no checker sees"
        );
    }
    let mut files = Vec::new();
    rust_files(&engine, &mut files);
    assert!(files.len() > 20, "found the engine sources");
    let bad: Vec<_> = files
        .iter()
        .filter(|f| !may_allow_std(f, &engine))
        .filter(|f| fs::read_to_string(f).expect("read").contains("clippy::disallowed_"))
        .map(|f| f.display().to_string())
        .collect();
    assert!(
        bad.is_empty(),
        "the facade's lints are silenced outside src/sync/:\n{}",
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
        "models/src",
        "models/tests",
        "lsmcheck/src",
        "lsmcheck/tests",
        "bench/src",
    ] {
        rust_files(&workspace().join(dir), &mut files);
    }
    let (mut bad, mut sizes) = (Vec::new(), Vec::new());
    for f in &files {
        let text = fs::read_to_string(f).expect("read");
        if !text.starts_with("//!") {
            bad.push(format!("{}: does not start with a //! line", f.display()));
        }
        let lines = text.lines().count();
        sizes.push(lines);
        if lines > 400 {
            bad.push(format!("{}: {lines} lines (split it by concept)", f.display()));
        }
    }
    sizes.sort_unstable();
    let median = sizes[sizes.len() / 2];
    if median > 160 {
        bad.push(format!("the median source file has {median} lines (aim for 150)"));
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// The lines of code (not comments) of a mutation point's bug block: from just after its `if`
/// line to its closing brace.
fn bug_lines(after: &[&str]) -> usize {
    let code = |l: &&&str| !l.trim().is_empty() && !l.trim_start().starts_with("//");
    let end = after
        .iter()
        .position(|l| l.trim_start().starts_with('}'))
        .expect("a mutation point's block ends");
    after[..end].iter().filter(code).count()
}

/// Every mutant has exactly one mutation point, in the one form `if <opts>.mutated(Mutant::X) {`
/// whose bug is one line (a short statement or a call into a mutant-only module; comments
/// aside), so the real path reads as the real path (see `engine/src/mutants/mod.rs`).
#[test]
fn each_mutant_has_one_mutation_point_in_one_form() {
    let src = workspace().join("engine/src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut points: Vec<String> = Vec::new();
    let mut bad = Vec::new();
    for f in &files {
        let text = fs::read_to_string(f).expect("read");
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let Some(at) = line.find(".mutated(Mutant::") else {
                continue;
            };
            if line.trim_start().starts_with("//") {
                continue;
            }
            let name: String = line[at + ".mutated(Mutant::".len()..]
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect();
            let form = line.trim_start().starts_with("if ") || line.contains(" = if ");
            if !form || !line.trim_end().ends_with(&format!("mutated(Mutant::{name}) {{")) {
                bad.push(format!(
                    "{}: not `if ….mutated(Mutant::X) {{`: {}",
                    f.display(),
                    line.trim()
                ));
            }
            let bug = bug_lines(&lines[i + 1..]);
            if bug > 1 {
                bad.push(format!(
                    "{}:{}: the bug of Mutant::{name} takes {bug} lines: move it into a mutant-only module and call it",
                    f.display(),
                    i + 1
                ));
            }
            points.push(name);
        }
    }
    let mutants = fs::read_to_string(src.join("mutants/mod.rs")).expect("mutants/mod.rs");
    // The table's rows: `    Name {` lines after `mutants! {` (see engine/src/mutants/mod.rs).
    let table = mutants.split("\nmutants! {").nth(1).expect("the mutants! table");
    let table = &table[..table.find("\n}\n").expect("end of the table")];
    let declared: Vec<&str> = table
        .lines()
        .filter_map(|l| l.strip_prefix("    ")?.strip_suffix(" {"))
        .filter(|l| l.chars().all(char::is_alphanumeric))
        .collect();
    assert!(declared.len() >= 24, "read the mutants! table: {declared:?}");
    for m in &declared {
        let n = points.iter().filter(|p| p == m).count();
        if n != 1 {
            bad.push(format!("Mutant::{m} has {n} mutation points (want exactly 1)"));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
