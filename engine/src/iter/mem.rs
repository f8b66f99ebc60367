//! `MemIter`: a cursor over a memtable that holds a window of up to 64 entries, so a reader
//! takes the memtable's lock once per window, not once per step. A cursor made for seeks starts
//! with a small window after each seek and doubles it as it keeps moving one way, so a seek
//! copies a few entries, not 64.

use super::InternalIter;
use crate::error::Result;
use crate::key::{Entry, InternalKey};
use crate::memtable::Memtable;
use crate::sync::Runtime;
use std::ops::Bound;

/// The largest window.
pub(crate) const WINDOW: usize = 64;

/// A cursor over a (possibly still growing) memtable. Entries inserted after the reader
/// pinned its sequence carry larger sequences and are filtered out by the reader, so a window
/// fetched late still holds every entry the reader can see in its key range.
pub(crate) struct MemIter<R: Runtime> {
    mem: R::Arc<Memtable<R>>,
    window: Vec<Entry>,
    pos: usize,
    /// The memtable may hold entries below `window[0]` / above the window's last entry.
    more_below: bool,
    more_above: bool,
    /// The window size after a seek, and the next window's size.
    first: usize,
    size: usize,
}

impl<R: Runtime> MemIter<R> {
    /// An unpositioned cursor over `mem` whose window after a seek holds `first` entries
    /// (`WINDOW` for a scan).
    pub(crate) fn new(mem: R::Arc<Memtable<R>>, first: usize) -> Self {
        assert!((1..=WINDOW).contains(&first), "a window of {first} entries");
        MemIter {
            mem,
            window: Vec::new(),
            pos: 0,
            more_below: false,
            more_above: false,
            first,
            size: first,
        }
    }

    /// The size of the next window: each one in a row doubles, up to `WINDOW`.
    fn grow(&mut self) -> usize {
        let n = self.size;
        self.size = (n * 2).min(WINDOW);
        n
    }

    /// Loads the window from `lower` upwards and sits on its first entry.
    fn load_up(&mut self, lower: Bound<&InternalKey>) {
        let n = self.grow();
        self.window = self.mem.batch_from(lower, n);
        self.more_below = !matches!(lower, Bound::Unbounded);
        self.more_above = self.window.len() == n;
        self.pos = 0;
    }

    /// Loads the window from `upper` downwards and sits on its last entry.
    fn load_down(&mut self, upper: Bound<&InternalKey>) {
        let n = self.grow();
        self.window = self.mem.batch_below(upper, n);
        self.more_below = self.window.len() == n;
        self.more_above = !matches!(upper, Bound::Unbounded);
        self.pos = self.window.len().saturating_sub(1);
    }

    /// A seek starts over with the first window size.
    fn restart(&mut self) -> &mut Self {
        self.size = self.first;
        self
    }
}

impl<R: Runtime> InternalIter for MemIter<R> {
    fn valid(&self) -> bool {
        self.pos < self.window.len()
    }

    fn seek(&mut self, target: &InternalKey) -> Result<()> {
        self.restart().load_up(Bound::Included(target));
        Ok(())
    }

    fn seek_to_first(&mut self) -> Result<()> {
        self.restart().load_up(Bound::Unbounded);
        Ok(())
    }

    fn seek_to_last(&mut self) -> Result<()> {
        self.restart().load_down(Bound::Unbounded);
        Ok(())
    }

    fn next(&mut self) -> Result<()> {
        assert!(self.valid(), "next on an invalid memtable cursor");
        self.pos += 1;
        if self.pos == self.window.len() {
            if self.more_above {
                let last = self.window.pop().expect("a full window").key;
                self.load_up(Bound::Excluded(&last));
            } else {
                self.window.clear();
            }
        }
        Ok(())
    }

    fn prev(&mut self) -> Result<()> {
        assert!(self.valid(), "prev on an invalid memtable cursor");
        if self.pos > 0 {
            self.pos -= 1;
        } else if self.more_below {
            let first = self.window.swap_remove(0).key;
            self.load_down(Bound::Excluded(&first));
        } else {
            self.window.clear();
        }
        Ok(())
    }

    fn entry(&self) -> &Entry {
        &self.window[self.pos]
    }

    fn fresh(&self) -> Box<dyn InternalIter> {
        Box::new(MemIter::<R>::new(self.mem.clone(), self.first))
    }
}
