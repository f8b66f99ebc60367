//! Crash points and crash models: what survives if the process or the machine dies now.
//!
//! With recording on ([`SimFs::record_crashes`]), every operation that changes what a crash
//! would leave (create, flush, sync, rename, remove, directory sync, close) records a
//! [`CrashPoint`]: the names, lengths and synced lengths at that instant, and how much of the
//! write history had been acknowledged. If writes were acknowledged since the previous point,
//! the instant just before the operation is recorded too: the previous files with the new
//! acknowledgements (a crash right after an acknowledgement). File data is append-only and inodes are never freed, so
//! a point stores lengths, not bytes; [`SimFs::crash_images`] cuts the final contents back to
//! them after the execution.
//!
//! The crash models (the README's "Durability" contract, per failure):
//! - `process`: every byte handed to the OS survives, and every name; bytes still in a
//!   handle's buffer inside the process do not;
//! - `power`: only synced bytes survive, and only names made durable by a directory sync
//!   (strict POSIX);
//! - `torn`: like `power`, and the file that last received unsynced bytes keeps part of them:
//!   the first half, or as many zeros (alternating by point);
//! - `garbage`: like `power`, and the file that last received unsynced bytes keeps as many bytes
//!   as it was handed, but they are garbage: all of them, or the second half after an intact
//!   first half (alternating by point). ALICE (OSDI'14) found this after power losses on ext4
//!   (`data=writeback`): appends are not atomic, and a file can grow before its data lands.

use super::{key, name_of, Inode, Key, SimFs, State};
use crate::world::World;
use engine::sync::Runtime;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The files of a crashed filesystem: path to content.
pub type Image = BTreeMap<PathBuf, Vec<u8>>;

/// What a crash keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CrashModel {
    /// The process dies; the OS keeps what it was handed.
    Process,
    /// The machine loses power: synced data and synced names only.
    Power,
    /// Power loss in the middle of a write: as `Power`, plus a torn last append.
    Torn,
    /// Power loss after a file grew but before its data landed: as `Power`, plus the last
    /// unsynced append kept at full length with garbage bytes.
    Garbage,
}

impl CrashModel {
    /// Every model.
    pub const ALL: [CrashModel; 4] = [
        CrashModel::Process,
        CrashModel::Power,
        CrashModel::Torn,
        CrashModel::Garbage,
    ];

    /// The kebab-case name.
    pub fn name(self) -> &'static str {
        match self {
            CrashModel::Process => "process",
            CrashModel::Power => "power",
            CrashModel::Torn => "torn",
            CrashModel::Garbage => "garbage",
        }
    }

    /// The model called `name`.
    pub fn from_name(name: &str) -> Option<CrashModel> {
        CrashModel::ALL.into_iter().find(|m| m.name() == name)
    }

    /// True if a write acknowledged without sync must survive this crash.
    pub fn keeps_unsynced_acks(self) -> bool {
        self == CrashModel::Process
    }
}

/// One instant at which the execution could have crashed.
#[derive(Clone, Debug)]
pub struct CrashPoint {
    /// 1-based, in the order the points were recorded.
    pub index: u64,
    /// The operation just done, e.g. `sync 000005.log (writer-0)`.
    pub after: String,
    /// Highest sequence acknowledged to a writer at this instant (0: none).
    pub acked: u64,
    /// Highest sequence acknowledged by a synced write at this instant (0: none).
    pub synced_acked: u64,
    process: Vec<(Key, u64, usize)>,
    power: Vec<(Key, u64, usize)>,
    torn: Option<(u64, usize, usize)>,
}

/// The crash points recorded so far.
#[derive(Debug, Default)]
pub(crate) struct CrashLog {
    points: Vec<CrashPoint>,
}

impl CrashLog {
    /// If writes were acknowledged since the last point, records the instant just before the
    /// operation now being recorded: the files as the last point left them (nothing that a
    /// crash keeps changes between two recorded operations), with the acknowledgements made
    /// since. A crash there finds an acknowledged write whose bytes no operation has handed to
    /// the OS yet, if one exists: an acknowledgement that came before its WAL append.
    fn acknowledged_since_last(&mut self, acked: u64, synced_acked: u64) {
        let Some(last) = self.points.last() else { return };
        if (last.acked, last.synced_acked) == (acked, synced_acked) {
            return;
        }
        let point = CrashPoint {
            index: last.index + 1,
            after: format!("{}, then acknowledgements through sequence {acked}", last.after),
            acked,
            synced_acked,
            ..last.clone()
        };
        self.points.push(point);
    }
}

impl<R: Runtime> SimFs<R> {
    /// A filesystem holding `files` (a crash image), every name and byte durable. The names
    /// count as created already: the engine must never create them again (I10).
    pub fn from_image(world: World, dir: &Path, files: &Image) -> Self {
        let fs = Self::new(world);
        {
            let mut st = fs.state();
            st.dirs.extend(dir.ancestors().map(Path::to_path_buf));
            for (path, data) in files {
                st.next_inode += 1;
                let ino = st.next_inode;
                let inode = Inode {
                    name: name_of(path),
                    data: data.clone(),
                    synced: data.len(),
                    unlinked_by: None,
                };
                st.inodes.insert(ino, inode);
                let path = Key::from(key(path));
                st.names.insert(path.clone(), ino);
                st.durable.insert(path.clone(), ino);
                st.ever_created.insert(path);
            }
        }
        fs
    }

    /// Starts recording crash points (the crash explorer calls it before opening the engine).
    pub fn record_crashes(&self) {
        self.state().crash.get_or_insert_with(CrashLog::default);
    }

    /// Records a crash point after `op` on the operand `what` names if recording is on (the
    /// name is made only then: most runs record nothing). Requires: the state lock (`st`). Kept
    /// tiny: it runs inside every file operation, deep in the engine's stack, and loom's
    /// coroutines have small stacks.
    pub(super) fn crash_point(&self, st: &mut State, op: &str, what: impl FnOnce(&State) -> String) {
        if st.crash.is_some() {
            let what = what(st);
            self.record_crash_point(st, op, &what);
        }
    }

    fn record_crash_point(&self, st: &mut State, op: &str, what: &str) {
        let (acked, synced_acked) = {
            let w = self.inner.world.lock();
            (w.acked_through, w.synced_through)
        };
        let process = st.names.iter().map(|(p, &i)| (p.clone(), i, st.inodes[&i].data.len()));
        let power = st.durable.iter().map(|(p, &i)| (p.clone(), i, st.inodes[&i].synced));
        let torn = st
            .last_unsynced
            .map(|i| (i, st.inodes[&i].synced, st.inodes[&i].data.len()))
            .filter(|&(_, synced, len)| len > synced);
        let (process, power) = (process.collect(), power.collect());
        let log = st.crash.as_mut().expect("checked above");
        log.acknowledged_since_last(acked, synced_acked);
        let index = log.points.len() as u64 + 1;
        let after = format!("{op} {what} ({})", R::thread_name());
        log.points.push(CrashPoint {
            index,
            after,
            acked,
            synced_acked,
            process,
            power,
            torn,
        });
    }

    /// The files as they are now, everything handed to the OS (a clean shutdown's state).
    pub fn image(&self) -> Image {
        let st = self.state();
        st.names
            .iter()
            .map(|(p, i)| (PathBuf::from(&**p), st.inodes[i].data.clone()))
            .collect()
    }

    /// Every recorded crash point with the files a crash there leaves under `model`.
    pub fn crash_images(&self, model: CrashModel) -> Vec<(CrashPoint, Image)> {
        let st = self.state();
        let Some(log) = &st.crash else { return Vec::new() };
        let bytes = |ino: u64, len: usize| st.inodes[&ino].data[..len].to_vec();
        let image = |p: &CrashPoint| -> Image {
            if model == CrashModel::Process {
                return p
                    .process
                    .iter()
                    .map(|(path, i, len)| (PathBuf::from(&**path), bytes(*i, *len)))
                    .collect();
            }
            let mut files: Image = p
                .power
                .iter()
                .map(|(path, i, len)| (PathBuf::from(&**path), bytes(*i, *len)))
                .collect();
            if let Some((ino, synced, len)) = p.torn.filter(|_| model != CrashModel::Power) {
                let torn_path = p.power.iter().find(|(_, i, _)| *i == ino).map(|(path, ..)| path);
                if let Some(data) = torn_path.and_then(|path| files.get_mut(Path::new(&**path))) {
                    let unsynced = &st.inodes[&ino].data[synced..len];
                    data.extend(last_append(model, p.index, unsynced));
                }
            }
            files
        };
        log.points.iter().map(|p| (p.clone(), image(p))).collect()
    }
}

/// What a crash under `model` at point `index` leaves of the `unsynced` bytes last appended to
/// a file (`torn` and `garbage`; the others keep none or all, elsewhere).
fn last_append(model: CrashModel, index: u64, unsynced: &[u8]) -> Vec<u8> {
    let half = unsynced.len() / 2;
    match (model, index % 2) {
        (CrashModel::Torn, 0) => vec![0; unsynced.len()],
        (CrashModel::Torn, _) => unsynced[..half].to_vec(),
        (CrashModel::Garbage, 0) => garbage(index, unsynced.len()),
        (CrashModel::Garbage, _) => [&unsynced[..half], &garbage(index, unsynced.len() - half)[..]].concat(),
        (CrashModel::Process | CrashModel::Power, _) => Vec::new(),
    }
}

/// `len` bytes of deterministic garbage (never all zeros), different per crash point.
fn garbage(index: u64, len: usize) -> Vec<u8> {
    let mut x = index.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8 | 1
        })
        .collect()
}
