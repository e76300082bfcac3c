//! `secmaster-codegen`: the generator's command line (see [`secmaster_codegen::cli`]), with its
//! defaults (`spec/`, `generated/`, `Cargo.toml`) in the current directory.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    secmaster_codegen::cli::Command::new("secmaster-codegen").run(&args)
}
