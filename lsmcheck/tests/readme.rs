//! The README's examples stay true: every `$ lsmcheck ...` command in a `console` block runs,
//! and its output has the shape the README shows: each line shown (but `...`) appears in
//! order, compared by its first two words with numbers blurred (timings, counts and step
//! numbers may differ; the kinds of lines and what they name may not).

use std::path::Path;
use std::process::Command;

/// `(command line, expected output lines)` of every console example.
fn examples(readme: &str) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    let mut inside = false;
    for line in readme.lines() {
        if line.starts_with("```") {
            inside = line == "```console";
            continue;
        }
        if !inside {
            continue;
        }
        match line.strip_prefix("$ ") {
            Some(cmd) => out.push((cmd.split(" #").next().unwrap_or(cmd).trim().to_string(), Vec::new())),
            None => {
                if let Some(last) = out.last_mut() {
                    last.1.push(line.to_string());
                }
            }
        }
    }
    out
}

/// A line's shape: its first two words, every run of digits as `N`.
fn shape(line: &str) -> String {
    let words: Vec<&str> = line.split_whitespace().take(2).collect();
    let mut s = String::new();
    let mut digits = false;
    for c in words.join(" ").chars() {
        if c.is_ascii_digit() {
            if !digits {
                s.push('N');
            }
            digits = true;
        } else {
            s.push(c);
            digits = false;
        }
    }
    s
}

#[test]
fn every_console_example_in_the_readme_runs_and_prints_what_it_shows() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let examples = examples(&readme);
    assert!(examples.len() >= 5, "found the README's examples: {examples:?}");
    let tmp = tempfile::tempdir().expect("tempdir");
    std::os::unix::fs::symlink(root.join("scenarios"), tmp.path().join("scenarios")).expect("symlink");
    for (cmd, expected) in examples {
        let args: Vec<&str> = cmd.split_whitespace().collect();
        assert_eq!(args[0], "lsmcheck", "{cmd}");
        let o = Command::new(env!("CARGO_BIN_EXE_lsmcheck"))
            .args(&args[1..])
            .current_dir(tmp.path())
            .output()
            .expect("run");
        let text = String::from_utf8_lossy(&o.stdout);
        assert!(
            matches!(o.status.code(), Some(0 | 1 | 4)),
            "`{cmd}` failed: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let mut actual = text.lines().map(shape);
        for line in expected.iter().filter(|l| l.trim() != "..." && !l.trim().is_empty()) {
            let want = shape(line);
            assert!(
                actual.any(|got| got == want),
                "`{cmd}`: the README shows a line like {line:?}, the output has none in that place:\n{text}"
            );
        }
    }
}

#[test]
fn shapes_blur_numbers_only() {
    assert_eq!(shape("passed     x  loom  seed 1"), "passed x");
    assert_eq!(shape("    #112   reader-0     Unref"), "#N reader-N");
    assert_ne!(shape("VIOLATION x"), shape("passed x"));
}
