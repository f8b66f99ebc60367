//! Internal iterators: streams of entries in internal-key order, from a start key.
//!
//! Sources are the memtable ([`MemIter`]), one level's files opened lazily as the cursor reaches
//! them ([`LevelIter`]), and a k-way merge of those ([`MergingIter`]). The user-facing iterator
//! (`DbIter`) filters the merged stream by its pinned sequence.

mod level;
mod mem;
mod merge;

pub(crate) use level::{LevelIter, TableOpener};
pub(crate) use mem::MemIter;
pub(crate) use merge::MergingIter;

use crate::error::Result;
use crate::key::Entry;

/// A forward stream of entries in internal-key order.
pub(crate) trait InternalIter: Send {
    /// The next entry, or `None` at the end.
    fn next_entry(&mut self) -> Result<Option<Entry>>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::{InternalKey, Kind, MAX_SEQUENCE};
    use crate::memtable::Memtable;
    use crate::sync::{Runtime, Std};

    type Mem = <Std as Runtime>::Arc<Memtable<Std>>;

    fn mem(entries: &[(&str, u64)]) -> Mem {
        let m = Std::arc_new(Memtable::<Std>::new());
        for &(k, seq) in entries {
            m.insert(
                InternalKey::new(k.as_bytes().to_vec(), seq, Kind::Put),
                format!("{k}@{seq}").into_bytes(),
            );
        }
        m
    }

    fn drain(it: &mut dyn InternalIter) -> Vec<String> {
        let mut out = Vec::new();
        while let Some(e) = it.next_entry().expect("in memory") {
            out.push(String::from_utf8(e.value).expect("utf8"));
        }
        out
    }

    #[test]
    fn a_merge_yields_user_keys_ascending_and_sequences_descending() {
        let newer = mem(&[("b", 9), ("d", 7)]);
        let older = mem(&[("a", 1), ("b", 2), ("c", 3), ("d", 4)]);
        let start = InternalKey::seek_target(&[], MAX_SEQUENCE);
        let children: Vec<Box<dyn InternalIter>> = vec![
            Box::new(MemIter::<Std>::new(older, start.clone())),
            Box::new(MemIter::<Std>::new(newer, start)),
        ];
        let mut merged = MergingIter::new(children);
        assert_eq!(drain(&mut merged), ["a@1", "b@9", "b@2", "c@3", "d@7", "d@4"]);
    }

    #[test]
    fn iterators_start_at_their_seek_target() {
        let m = mem(&[("a", 1), ("b", 5), ("b", 3), ("c", 2)]);
        let from_b4 = InternalKey::seek_target(b"b", 4);
        assert_eq!(drain(&mut MemIter::<Std>::new(m.clone(), from_b4)), ["b@3", "c@2"]);
        let from_c = InternalKey::seek_target(b"c", MAX_SEQUENCE);
        assert_eq!(
            drain(&mut MergingIter::new(vec![Box::new(MemIter::<Std>::new(m, from_c))])),
            ["c@2"]
        );
    }
}
