//! The `lsmcheck` binary; everything lives in `sim::cli`.

fn main() -> std::process::ExitCode {
    sim::cli::main()
}
