//! Command-line tools over a database directory.

pub mod db;
pub mod manifest;

use serde_json::Value;

/// What a command produced: text for humans and the same facts as JSON.
#[derive(Debug)]
pub struct Output {
    /// Human-readable lines.
    pub text: String,
    /// Machine-readable form.
    pub json: Value,
    /// Process exit code: 0 success, 1 "not found".
    pub code: i32,
}

impl Output {
    fn ok(text: String, json: Value) -> Self {
        Output { text, json, code: 0 }
    }
}
