//! The ghost ledger (O7): which Versions are live, what they list, how many references each
//! took and released, built from the engine's events and checked at every transition.
//!
//! Events are emitted just after the atomic operation they describe, so on real threads two
//! `Unref` events can reach the ledger in the opposite order of their decrements, and a `Unref`
//! can even arrive after `VersionDropped`. Happens-before still guarantees that a reference's
//! `Ref` event precedes its own `Unref`, and that every `Ref` precedes the drop. So the ledger
//! counts references taken and released instead of a running value, reports a `Ref` after the
//! drop and more releases than takes at once, and checks the exact balance at quiescence.

use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Default)]
struct Counts {
    files: BTreeSet<u64>,
    /// References taken, counting `current`'s at install.
    refs: u64,
    /// References released.
    unrefs: u64,
}

/// What a ledger transition found wrong. The kind decides the verdict; the message only
/// explains it to a human.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// A reference was taken, or the Version dropped, while it was not live: a use after its
    /// last unref if it had been dropped.
    NotLive(String),
    /// References taken and released do not balance, or a Version was installed twice.
    Imbalance(String),
}

impl Fault {
    /// The explanation.
    pub fn message(&self) -> &str {
        match self {
            Fault::NotLive(m) | Fault::Imbalance(m) => m,
        }
    }
}

/// Versions and the files they list.
#[derive(Debug, Default)]
pub struct Ledger {
    live: BTreeMap<u64, Counts>,
    dead: BTreeMap<u64, Counts>,
    /// The last table each thread announced it was about to read, with its pinned Version.
    intents: BTreeMap<String, (u64, u64)>,
}

impl Ledger {
    fn counts(&mut self, id: u64) -> Option<&mut Counts> {
        match self.live.get_mut(&id) {
            Some(c) => Some(c),
            None => self.dead.get_mut(&id),
        }
    }

    /// A Version was installed holding `files`, with one reference (current's).
    pub fn installed(&mut self, id: u64, files: impl IntoIterator<Item = u64>) -> Result<(), Fault> {
        if self.dead.contains_key(&id) || self.live.contains_key(&id) {
            return Err(Fault::Imbalance(format!("Version {id} installed twice")));
        }
        self.live.insert(
            id,
            Counts {
                files: files.into_iter().collect(),
                refs: 1,
                unrefs: 0,
            },
        );
        Ok(())
    }

    /// A reference was taken. `Err` if the Version is gone (a use after its last unref).
    pub fn reffed(&mut self, id: u64) -> Result<(), Fault> {
        match self.live.get_mut(&id) {
            Some(c) => {
                c.refs += 1;
                Ok(())
            }
            None => Err(Fault::NotLive(format!("ref of Version {id}, which is not live"))),
        }
    }

    /// A reference was released.
    pub fn unreffed(&mut self, id: u64) -> Result<(), Fault> {
        let c = self
            .counts(id)
            .ok_or_else(|| Fault::Imbalance(format!("unref of Version {id}, which was never installed")))?;
        c.unrefs += 1;
        if c.unrefs > c.refs {
            return Err(Fault::Imbalance(format!(
                "released {} references but took {}",
                c.unrefs, c.refs
            )));
        }
        Ok(())
    }

    /// The Version left the live set (its last reference went).
    pub fn dropped(&mut self, id: u64) -> Result<(), Fault> {
        let c = self
            .live
            .remove(&id)
            .ok_or_else(|| Fault::NotLive(format!("drop of Version {id}, which is not live")))?;
        self.dead.insert(id, c);
        Ok(())
    }

    /// True if Version `id` has been dropped.
    pub fn is_dropped(&self, id: u64) -> bool {
        self.dead.contains_key(&id)
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

    /// Live Versions as `(id, references held)`.
    pub fn live_versions(&self) -> Vec<(u64, u64)> {
        self.live.iter().map(|(id, c)| (*id, c.refs - c.unrefs)).collect()
    }

    /// Dropped Versions whose references did not balance, as `(id, taken, released)`.
    pub fn unbalanced_dropped(&self) -> Vec<(u64, u64, u64)> {
        self.dead
            .iter()
            .filter(|(_, c)| c.refs != c.unrefs)
            .map(|(id, c)| (*id, c.refs, c.unrefs))
            .collect()
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

#[cfg(test)]
mod tests {
    use super::{Fault, Ledger};
    use crate::world::{Violation, World, WorldObserver};
    use engine::events::{Event, Observer};
    use engine::sync::Std;

    #[test]
    fn transitions_report_typed_faults() {
        let mut l = Ledger::default();
        l.installed(1, [7, 8]).expect("install");
        assert!(matches!(l.installed(1, []), Err(Fault::Imbalance(_))));
        l.reffed(1).expect("ref");
        l.unreffed(1).expect("unref");
        l.unreffed(1).expect("current's unref");
        assert!(
            matches!(l.unreffed(1), Err(Fault::Imbalance(_))),
            "more releases than takes"
        );
        l.dropped(1).expect("drop");
        assert!(l.is_dropped(1));
        assert!(matches!(l.reffed(1), Err(Fault::NotLive(_))));
        assert!(matches!(l.dropped(1), Err(Fault::NotLive(_))));
    }

    /// The verdict comes from the fault's kind: a ref after the drop is a use after the last
    /// unref, whatever the message says; a second install is an imbalance.
    #[test]
    fn verdicts_follow_the_fault_kind() {
        let world = World::new();
        let observer = WorldObserver::<Std>::new(world.clone());
        observer.on_event(&Event::VersionInstalled { id: 1, files: vec![] });
        observer.on_event(&Event::VersionUnref { id: 1, refs: 0 });
        observer.on_event(&Event::VersionDropped { id: 1 });
        observer.on_event(&Event::VersionRef { id: 1, refs: 1 });
        assert!(matches!(
            world.violation(),
            Some(Violation::UseAfterLastUnref { version: 1, .. })
        ));

        let world = World::new();
        let observer = WorldObserver::<Std>::new(world.clone());
        observer.on_event(&Event::VersionInstalled { id: 2, files: vec![] });
        observer.on_event(&Event::VersionInstalled { id: 2, files: vec![] });
        assert!(matches!(
            world.violation(),
            Some(Violation::RefImbalance { version: 2, .. })
        ));
    }
}
