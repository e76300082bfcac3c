//! With the `regenerate` feature (on in this workspace's own builds, off for applications that
//! use the client), regenerates the client from `spec/` at build time, so that editing the spec
//! and building updates the client. The output goes to `generated/` (checked in for review);
//! where the source tree cannot be written (a vendored or packaged copy) it goes to OUT_DIR
//! instead. The published package ships `generated/` but not `spec/`: there the feature stops the
//! build with a message saying to regenerate in a checkout. Files are only rewritten when their content changes, and only the files whose content
//! changes are formatted, so an unchanged spec causes no rebuild. The API families' features in
//! Cargo.toml must list the spec's families: a build with a stale list fails and says what to
//! run.
//!
//! Without the feature the build script does nothing: the checked-in `generated/` is compiled.

fn main() {
    #[cfg(feature = "regenerate")]
    regenerate::run();
    #[cfg(not(feature = "regenerate"))]
    println!("cargo:rerun-if-changed=build.rs");
}

#[cfg(feature = "regenerate")]
mod regenerate {
    use std::path::PathBuf;

    pub fn run() {
        if !std::path::Path::new("spec").is_dir() {
            // The published package: its generated code is complete, and there is no spec to
            // regenerate it from.
            println!("cargo::error=the `regenerate` feature rebuilds the client from spec/, which this copy of secmaster does not have (the published package ships only the generated code); turn the feature off, or depend on a checkout of the repository (a path or git dependency) to regenerate from its spec/");
            std::process::exit(1);
        }
        println!("cargo:rerun-if-changed=spec");
        println!("cargo:rerun-if-changed=generator/src");
        println!("cargo:rerun-if-changed=Cargo.toml");
        let config = secmaster_codegen::Config::new()
            .spec_dir("spec")
            .manifest("Cargo.toml");
        let files = match config.render() {
            Ok(files) => files,
            Err(e) => {
                // Cargo shows each `cargo::error=` line as `error: secmaster@VERSION: ...` at the
                // end of the build; one line per fault (`spec/FILE.yaml:LINE:COL: what is wrong;
                // how to mend it`) reads well there. The full report, with source excerpts, goes
                // to stderr, which cargo prints under `--- stderr`.
                match &e {
                    secmaster_codegen::Error::Spec(diagnostics) => {
                        for line in diagnostics.headlines() {
                            println!("cargo::error={}", line.replace(['\n', '\r'], " "));
                        }
                        println!("cargo::error=the spec has faults (listed above, with excerpts under `--- stderr`); fix them and build again");
                    }
                    other => {
                        for line in other.to_string().lines() {
                            println!("cargo::error={line}");
                        }
                    }
                }
                eprintln!("{e}");
                std::process::exit(1);
            }
        };
        let generated = PathBuf::from("generated");
        if let Err(e) = secmaster_codegen::write_all(&generated, &files) {
            let Some(out_dir) = std::env::var_os("OUT_DIR").map(PathBuf::from) else {
                println!("cargo::error=cannot write generated/ ({e}), and OUT_DIR is not set");
                std::process::exit(1);
            };
            println!(
                "cargo:warning=cannot write generated/ ({e}); using a fresh copy in OUT_DIR instead"
            );
            if let Err(e) = secmaster_codegen::write_all(&out_dir, &files) {
                eprintln!(
                    "cannot write the generated client to {}: {e}",
                    out_dir.display()
                );
                std::process::exit(1);
            }
            // src/lib.rs then includes OUT_DIR's copy. Paths are not passed as values, so a
            // checkout that moves keeps building.
            println!("cargo:rustc-cfg=secmaster_generated_in_out_dir");
        }
    }
}
