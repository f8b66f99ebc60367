//! `VersionRef`: an explicit, counted reference to a Version (LevelDB's `Ref`/`Unref`).
//!
//! ## Orderings
//! A reference is only ever created from an existing one (a clone, or `current`'s under the
//! state lock), so the count never rises from zero and the increment needs no synchronization:
//! `Relaxed`, as in `Arc::clone`. The decrement is `Release` so that every use of the Version
//! through this reference happens-before the decrement; the thread that takes the count to zero
//! then issues an `Acquire` fence to synchronize with all of them before tearing down, as in
//! `Arc::drop`. Once zero, the count is final: `current` no longer holds the Version and no
//! other reference exists to clone.

use super::shared::Shared;
use super::Version;
use crate::events::Event;
use crate::mutants::Mutant;
use crate::sync::{fence, Ordering, Runtime};
use std::fmt;
use std::ops::Deref;

/// A pinned Version. While it lives, every file the Version lists stays on disk (I6).
/// Dropping the last reference to a Version that is no longer `current` runs file GC on the
/// dropping thread, so it must never be dropped with the state lock held.
pub struct VersionRef<R: Runtime, X: Send + 'static = ()> {
    shared: R::Arc<Shared<R, X>>,
    version: R::Arc<Version<R>>,
}

impl<R: Runtime, X: Send + 'static> VersionRef<R, X> {
    /// Wraps a reference that is already counted (the one `current` held).
    pub(crate) fn adopt(shared: R::Arc<Shared<R, X>>, version: R::Arc<Version<R>>) -> Self {
        VersionRef { shared, version }
    }

    /// Takes a new reference. Requires: the caller holds a reference to `version` already, or
    /// the state lock while `version` is `current`.
    pub(crate) fn acquire(shared: R::Arc<Shared<R, X>>, version: R::Arc<Version<R>>) -> Self {
        // Relaxed: see the module doc; the count is > 0 and cannot reach zero meanwhile.
        let old = version.refs.fetch_add(1, Ordering::Relaxed);
        assert!(old > 0, "Version {} referenced after its last Unref", version.id);
        shared.env.emit(|| Event::VersionRef {
            id: version.id,
            refs: old + 1,
        });
        VersionRef { shared, version }
    }

    pub(crate) fn shared(&self) -> &Shared<R, X> {
        &self.shared
    }

    pub(crate) fn shared_arc(&self) -> R::Arc<Shared<R, X>> {
        self.shared.clone()
    }
}

impl<R: Runtime, X: Send + 'static> Clone for VersionRef<R, X> {
    fn clone(&self) -> Self {
        Self::acquire(self.shared.clone(), self.version.clone())
    }
}

impl<R: Runtime, X: Send + 'static> Drop for VersionRef<R, X> {
    fn drop(&mut self) {
        if R::CHECKED && crate::sync::panicking() {
            // Under loom and shuttle an unwinding thread belongs to an execution that already
            // failed, and touching the checker's primitives from it (a lock another panic
            // poisoned, a cancelled coroutine) aborts the whole exploration: the reference is
            // leaked instead. On std it is released as always, so a panic in user code (a
            // closure holding an iterator, say) never pins files until reopen.
            return;
        }
        // Release: see the module doc.
        let order = if self.shared.opts.mutated(Mutant::RelaxedUnref) {
            Ordering::Relaxed // mutant M32: and no Acquire fence below
        } else {
            Ordering::Release
        };
        let old = self.version.refs.fetch_sub(1, order);
        assert!(
            old >= 1,
            "Version {} unreferenced more often than referenced",
            self.version.id
        );
        let id = self.version.id;
        self.shared.env.emit(|| Event::VersionUnref { id, refs: old - 1 });
        if old == 1 {
            if order == Ordering::Release {
                fence::<R>(Ordering::Acquire);
            }
            // Teardown: every use through any reference must happen-before this.
            self.version.track.write();
            self.shared.version_died(id);
        }
    }
}

impl<R: Runtime, X: Send + 'static> Deref for VersionRef<R, X> {
    type Target = Version<R>;
    fn deref(&self) -> &Version<R> {
        &self.version
    }
}

impl<R: Runtime, X: Send + 'static> fmt::Debug for VersionRef<R, X> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VersionRef({})", self.version.id)
    }
}
