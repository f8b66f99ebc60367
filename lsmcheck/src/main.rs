//! The `lsmcheck` command: the command line over the harness (`sim`) and the models
//! (`models`), the correctness gate, the `db` tools and the harness benchmark.

mod bench;
mod cli;
mod gate;
mod junit;
mod sweep;
mod timeline;
mod tools;

fn main() -> std::process::ExitCode {
    // Like every Unix tool: `lsmcheck ... | head` ends quietly when the reader goes away,
    // instead of panicking on the next write to the closed pipe.
    sigpipe::reset();
    cli::main()
}
