//! `cargo run -p generator`: the generator's command line (see [`secmaster_codegen::cli`]) with its
//! defaults at the root of the workspace it was built in, so that it works from any folder of the
//! checkout.

use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // This package is `generator/cli/` in the workspace.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    secmaster_codegen::cli::Command::new("cargo run -p generator --")
        .root(root)
        .run(&args)
}
