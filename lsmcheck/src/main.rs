//! The `lsmcheck` command: the command line over the harness (`sim`) and the models
//! (`models`), the correctness gate, the `db` tools and the harness benchmark.

mod bench;
mod cli;
mod gate;
mod tools;

fn main() -> std::process::ExitCode {
    cli::main()
}
