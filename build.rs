//! Regenerates the client from `spec/` at build time, so that editing the spec and building
//! updates the client. The output goes to `generated/` (checked in for review); where the source
//! tree cannot be written (a vendored or packaged copy) it goes to OUT_DIR instead. Files are
//! only rewritten when their content changes, so an unchanged spec causes no rebuild.

use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=spec");
    println!("cargo:rerun-if-changed=generator/src");
    let config = generator::Config::new().spec_dir("spec");
    let files = match config.render() {
        Ok(files) => files,
        Err(e) => {
            // Cargo shows each `cargo::error=` line as `error: secmaster@VERSION: ...` at the end of
            // the build; one line per fault (`spec/FILE.yaml:LINE:COL: what is wrong; how to mend
            // it`) reads well there. The full report, with source excerpts, goes to stderr, which
            // cargo prints under `--- stderr`.
            match &e {
                generator::Error::Spec(diagnostics) => {
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
    println!("cargo::rustc-check-cfg=cfg(secmaster_generated_in_out_dir)");
    let generated = PathBuf::from("generated");
    if let Err(e) = generator::write_all(&generated, &files) {
        let out_dir = PathBuf::from(
            std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR for build scripts"),
        );
        println!(
            "cargo:warning=cannot write generated/ ({e}); using a fresh copy in OUT_DIR instead"
        );
        if let Err(e) = generator::write_all(&out_dir, &files) {
            eprintln!(
                "cannot write the generated client to {}: {e}",
                out_dir.display()
            );
            std::process::exit(1);
        }
        // src/lib.rs then includes OUT_DIR's copy. Paths are not passed as values, so a checkout
        // that moves keeps building.
        println!("cargo:rustc-cfg=secmaster_generated_in_out_dir");
    }
}
