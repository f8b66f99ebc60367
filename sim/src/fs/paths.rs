//! Paths as `SimFs` keys them: the text of `dir/name` (every path here is made by the engine or
//! the harness with `Path::join`), compared byte by byte rather than component by component.

use std::path::Path;
use std::sync::Arc;

/// The file name of `path`, owned.
pub(super) fn name_of(path: &Path) -> String {
    name_str(path).to_string()
}

/// A path as the state keys it: its text, shared (a crash point copies every name) and compared
/// byte by byte (a `PathBuf` compares component by component, which showed in profiles).
pub(super) type Key = Arc<str>;

/// The key text of `path`. Every path here is made by the engine or the harness from UTF-8
/// parts, so anything else is a bug.
pub(super) fn key(path: &Path) -> &str {
    path.to_str().expect("SimFs paths are UTF-8")
}

/// A directory as a prefix of keys. On the text: parsing `Path` components showed in
/// profiles, and every path here is `dir/name`, made by `Path::join`.
pub(super) struct Inside<'a>(&'a str);

impl<'a> Inside<'a> {
    pub(super) fn new(dir: &'a Path) -> Self {
        Inside(key(dir).trim_end_matches('/'))
    }

    /// The name of the entry `key` names if it is directly inside the directory.
    pub(super) fn name<'k>(&self, key: &'k str) -> Option<&'k str> {
        key.strip_prefix(self.0)
            .and_then(|rest| rest.strip_prefix('/'))
            .filter(|name| !name.is_empty() && !name.contains('/'))
    }

    pub(super) fn holds(&self, key: &str) -> bool {
        self.name(key).is_some()
    }
}

/// The file name of `path` (its last component), without allocating.
pub(super) fn name_str(path: &Path) -> &str {
    key(path).rsplit('/').next().unwrap_or("")
}
