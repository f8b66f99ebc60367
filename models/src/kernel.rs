//! The kernel model: the Version-set kernel alone (no memtable, no WAL) on the strict simulated
//! filesystem. Readers pin `current` and read every file it lists after a pause (a lazy open),
//! while a compactor installs a Version that replaces those files and runs GC. The ghost ledger
//! and `SimFs` fail the execution on any delete of a listed file or read of a deleted one, and at
//! quiescence the disk must hold exactly the files of `current`. Every execution starts from the
//! same database (one table at L1), made once by the engine on std threads: it reopens that
//! image with MANIFEST reuse (the engine's recovery runs each time), so the compactor's install
//! appends to the recovered MANIFEST and no execution spends its start writing the first one.
//!
//! It is the harness's smallest model of the Ref/Unref-versus-install race (LevelDB's
//! `Version::Ref`/`Unref` against `LogAndApply` and `RemoveObsoleteFiles`), and it drives the
//! engine's own [`VersionSet`], never a copy. The models crate's tests and `lsmcheck bench
//! harness` run it.

use crate::oracle;
use engine::events::{Env, FileKind};
use engine::filename;
use engine::fs::Fs;
use engine::key::{InternalKey, Kind};
use engine::mutants::Mutant;
use engine::sync::{self, Runtime};
use engine::version::{FileMeta, KernelOptions, VersionEdit, VersionSet};
use sim::explore::Model;
use sim::fs::SimFs;
use sim::world::{World, WorldObserver};
use std::path::Path;

const DIR: &str = "/db";

/// The kernel model's parameters; the default is two readers, one compactor and GC.
#[derive(Clone, Debug)]
pub struct KernelModel {
    /// Reader threads.
    pub readers: usize,
    /// How many of the readers (the last ones) hold their pin to the end, like a long-lived
    /// snapshot: they pin and read as the others do, but their `Unref` comes after every thread
    /// has finished, from the model's own thread. Only the other readers' `Unref`s race the
    /// install and GC (each of them may be the last, and then runs GC itself). `0` by default;
    /// the unbounded two-reader loom test holds one (reports/bench/README.md, "Harness speed").
    pub held: usize,
    /// The injected bug, if any.
    pub mutant: Option<Mutant>,
    /// Seeds the randomized schedulers (the model itself has no data to generate).
    pub seed: u64,
}

impl Default for KernelModel {
    fn default() -> Self {
        KernelModel {
            readers: 2,
            held: 0,
            mutant: None,
            seed: 0,
        }
    }
}

impl Model for KernelModel {
    fn seed(&self) -> u64 {
        self.seed
    }

    fn execute<R: Runtime>(&self, world: &World) {
        execute::<R>(world, self.mutant, self.readers, self.held)
    }
}

/// A tiny "table" (the kernel never parses tables), created as a pending output.
fn new_table<R: Runtime>(vs: &VersionSet<R>) -> FileMeta {
    let number = {
        let mut st = vs.lock();
        let n = st.new_file_number();
        st.add_pending_output(n);
        n
    };
    let path = filename::path(Path::new(DIR), FileKind::Table, number);
    let mut f = vs.env().fs.create(&path).expect("create");
    f.append(b"table").expect("append");
    let k = |s: &str| InternalKey::new(s.as_bytes().to_vec(), 1, Kind::Put);
    FileMeta {
        number,
        size: 5,
        smallest: k("a"),
        largest: k("z"),
    }
}

fn install<R: Runtime>(vs: &VersionSet<R>, level: usize, add: FileMeta, delete: Option<&FileMeta>) {
    let mut edit = VersionEdit::default();
    if let Some(d) = delete {
        edit.delete_file(1, d.number);
    }
    let n = add.number;
    edit.add_file(level, add);
    vs.log_and_apply(edit, |st| st.remove_pending_output(n))
        .expect("install");
}

fn options(mutant: Option<Mutant>) -> KernelOptions {
    KernelOptions {
        mutant,
        // The kernel never reads a table through the cache: no shards to make per execution.
        block_cache_size: 0,
        // Every execution opens the prepared image and appends to its MANIFEST (below LevelDB's
        // limit, its 2 MiB target file size).
        reuse_manifest: Some(2 << 20),
        ..KernelOptions::default()
    }
}

/// The database every execution starts from, made once by the engine itself on std threads.
fn image() -> &'static sim::fs::durability::Image {
    static IMAGE: std::sync::OnceLock<sim::fs::durability::Image> = std::sync::OnceLock::new();
    IMAGE.get_or_init(|| {
        let world = World::new();
        world.reset(&[]);
        let fs = SimFs::<sync::Std>::new(world);
        fs.create_dir_all(Path::new(DIR)).expect("mkdir");
        let env = Env {
            fs: Box::new(fs.clone()),
            observer: None,
        };
        let (vs, _) = VersionSet::<sync::Std>::open(Path::new(DIR), env, options(None), ()).expect("open");
        let first = new_table(&vs);
        install(&vs, 1, first, None);
        drop(vs);
        fs.image()
    })
}

/// One execution of the kernel model on runtime `R` with `readers` reader threads, the last
/// `held` of which keep their pin to the end ([`KernelModel::held`]). Panics at its end if
/// `world` recorded a violation.
pub fn execute<R: Runtime>(world: &World, mutant: Option<Mutant>, readers: usize, held: usize) {
    assert!(held <= readers, "{held} held pins among {readers} readers");
    world.reset(&[]);
    let fs = SimFs::<R>::from_image(world.clone(), Path::new(DIR), image());
    fs.set_alone(true); // until the readers and the compactor are spawned
    let env = Env {
        fs: Box::new(fs.clone()),
        observer: Some(Box::new(WorldObserver::<R>::new(world.clone()))),
    };
    let (vs, _) = VersionSet::<R>::open(Path::new(DIR), env, options(mutant), ()).expect("open");
    let first = vs.lock().current().levels()[1][0].clone();
    // A plain `Arc` shares the VersionSet between the model's threads: how the model hands it
    // out is not the engine's protocol, and under loom a modelled `Arc`'s drop at each thread's
    // end would be one more access every thread shares (the engine's own `Arc`s stay modelled).
    let vs = std::sync::Arc::new(vs);
    fs.set_alone(false);

    let first_held = readers - held;
    let readers: Vec<_> = (0..readers)
        .map(|i| {
            let vs = vs.clone();
            sync::spawn::<R, _>(&format!("reader-{i}"), move || {
                let v = {
                    let st = vs.lock();
                    vs.pin_current(&st)
                };
                sync::yield_now::<R>(); // the lazy open comes later
                for (_, number) in v.all_files() {
                    let path = filename::path(Path::new(DIR), FileKind::Table, number);
                    // A missing file is recorded by SimFs itself; the reader just moves on.
                    if let Ok(bytes) = vs.env().fs.open(&path).and_then(|f| f.read_at(0, 5)) {
                        assert_eq!(bytes, b"table");
                    }
                }
                (i >= first_held).then_some(v) // a held pin outlives the thread
            })
        })
        .collect();
    let compactor = {
        let vs = vs.clone();
        sync::spawn::<R, _>("compactor", move || {
            let out = new_table(&vs);
            install(&vs, 2, out, Some(&first));
            vs.remove_obsolete_files(); // as after every compaction
        })
    };
    let held: Vec<_> = readers.into_iter().map(|h| h.join()).collect();
    if let Err(p) = compactor.join() {
        std::panic::resume_unwind(p);
    }
    fs.set_alone(true);
    for pin in held {
        drop(pin.unwrap_or_else(|p| std::panic::resume_unwind(p))); // the last Unref runs GC
    }
    // No GC pass of the model's own: every Version that died ran one (its last Unref), and so
    // did the compactor after its install, so the engine's own passes must have left exactly
    // `current`'s files.
    oracle::check_quiescent(world, &fs.tables());
    drop(vs);
    drop(fs);
    world.fail_if_violated();
}
