//! A scenario's `must_cover`: the coverage marks its runs must reach, for every explorer
//! (`"every"`) and for one explorer (its name). An explorer's requirement is the union.
//!
//! ```json
//! "must_cover": { "every": ["shadowed-dropped"], "shuttle-pct": ["stale-version-read"] }
//! ```

use crate::explore::Explorer;
use crate::world::coverage::Mark;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Required marks by explorer name, or `every`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct MustCover(BTreeMap<String, Vec<Mark>>);

/// The key whose marks every explorer must reach.
const EVERY: &str = "every";

impl MustCover {
    /// True if nothing is required.
    pub fn is_empty(&self) -> bool {
        self.0.values().all(Vec::is_empty)
    }

    /// The marks every explorer must reach (those that nearly every execution reaches).
    pub fn every(&self) -> Vec<Mark> {
        self.0.get(EVERY).cloned().unwrap_or_default()
    }

    /// What a run of `explorer` must reach: the `every` marks, then the explorer's own.
    pub fn of(&self, explorer: Explorer) -> Vec<Mark> {
        let mut marks: Vec<Mark> = Vec::new();
        for key in [EVERY, explorer.name()] {
            for m in self.0.get(key).into_iter().flatten() {
                if !marks.contains(m) {
                    marks.push(*m);
                }
            }
        }
        marks
    }
}

impl<'de> Deserialize<'de> for MustCover {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let map = BTreeMap::<String, Vec<Mark>>::deserialize(d)?;
        for (key, marks) in &map {
            if key != EVERY && Explorer::from_name(key).is_none() {
                return Err(serde::de::Error::custom(format!(
                    "field `must_cover`: `{key}` is neither `{EVERY}` nor an explorer"
                )));
            }
            super::repeats::no_repeats(&format!("must_cover.{key}"), marks)?;
        }
        Ok(MustCover(map))
    }
}
