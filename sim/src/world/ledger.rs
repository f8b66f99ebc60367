//! The ghost ledger (O7): which Versions are live, what they list, how many references each
//! has, built from the engine's events and checked at every transition.

use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Default)]
struct LiveVersion {
    files: BTreeSet<u64>,
    refs: i64,
}

/// Versions and the files they list.
#[derive(Debug, Default)]
pub struct Ledger {
    live: BTreeMap<u64, LiveVersion>,
    dropped: BTreeSet<u64>,
    /// The last table each thread announced it was about to read, with its pinned Version.
    intents: BTreeMap<String, (u64, u64)>,
}

impl Ledger {
    /// A Version was installed holding `files`; it starts with one reference (current's).
    pub fn installed(&mut self, id: u64, files: impl IntoIterator<Item = u64>) -> Result<(), String> {
        if self.dropped.contains(&id) || self.live.contains_key(&id) {
            return Err(format!("Version {id} installed twice"));
        }
        self.live.insert(
            id,
            LiveVersion {
                files: files.into_iter().collect(),
                refs: 1,
            },
        );
        Ok(())
    }

    /// A reference was taken.
    pub fn reffed(&mut self, id: u64) -> Result<(), String> {
        match self.live.get_mut(&id) {
            Some(v) => {
                v.refs += 1;
                Ok(())
            }
            None => Err(format!("ref of Version {id}, which is not live")),
        }
    }

    /// A reference was released.
    pub fn unreffed(&mut self, id: u64) -> Result<(), String> {
        let v = self
            .live
            .get_mut(&id)
            .ok_or_else(|| format!("unref of Version {id}, which is not live"))?;
        v.refs -= 1;
        if v.refs < 0 {
            return Err("unreferenced more often than referenced".into());
        }
        Ok(())
    }

    /// The Version left the live set.
    pub fn dropped(&mut self, id: u64) -> Result<(), String> {
        let v = self
            .live
            .remove(&id)
            .ok_or_else(|| format!("drop of Version {id}, which is not live"))?;
        self.dropped.insert(id);
        if v.refs != 0 {
            return Err(format!("dropped with {} references left", v.refs));
        }
        Ok(())
    }

    /// True if Version `id` has been dropped.
    pub fn is_dropped(&self, id: u64) -> bool {
        self.dropped.contains(&id)
    }

    /// True if live Version `id` lists table `number`.
    pub fn lists(&self, id: u64, number: u64) -> bool {
        self.live.get(&id).is_some_and(|v| v.files.contains(&number))
    }

    /// Live Versions that list table `number`.
    pub fn listing(&self, number: u64) -> Vec<u64> {
        self.live
            .iter()
            .filter(|(_, v)| v.files.contains(&number))
            .map(|(id, _)| *id)
            .collect()
    }

    /// Every table number some live Version lists.
    pub fn live_files(&self) -> BTreeSet<u64> {
        self.live.values().flat_map(|v| v.files.iter().copied()).collect()
    }

    /// Live Versions as `(id, refs)`.
    pub fn live_versions(&self) -> Vec<(u64, i64)> {
        self.live.iter().map(|(id, v)| (*id, v.refs)).collect()
    }

    /// Records that `thread` is about to read table `number` through Version `version`.
    pub fn intend(&mut self, thread: &str, number: u64, version: u64) {
        self.intents.insert(thread.to_string(), (number, version));
    }

    /// The Version `thread` pinned for its last announced read of table `number`.
    pub fn pin_of(&self, thread: &str, number: u64) -> Option<u64> {
        self.intents.get(thread).filter(|(n, _)| *n == number).map(|(_, v)| *v)
    }
}
