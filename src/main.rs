//! The `dyad` binary: everything is in the library.
fn main() -> std::process::ExitCode {
    dyad::cli::main()
}
