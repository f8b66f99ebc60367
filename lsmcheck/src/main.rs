//! The `lsmcheck` command: the command line over the harness (`sim`) and the models
//! (`models`), the correctness gate, the `db` tools and the harness benchmark.

mod bench;
mod cli;
mod gate;
mod junit;
mod timeline;
mod tools;

/// mimalloc rather than the system allocator: an execution of the kernel model under shuttle
/// allocates a few hundred times (the engine's own objects, the trace, the checker's tasks),
/// and glibc's allocator took about a fifth of it in profiles (`lsmcheck bench harness`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    // Like every Unix tool: `lsmcheck ... | head` ends quietly when the reader goes away,
    // instead of panicking on the next write to the closed pipe.
    sigpipe::reset();
    cli::main()
}
