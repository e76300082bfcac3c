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
            // Each line is a `file:line:col: message; help` diagnostic.
            for line in e.to_string().lines() {
                println!("cargo:warning={line}");
            }
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let generated = PathBuf::from("generated");
    let target = match generator::write::write_all(&generated, &files) {
        Ok(_) => generated,
        Err(e) => {
            let out_dir = PathBuf::from(
                std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR for build scripts"),
            );
            println!(
                "cargo:warning=cannot write generated/ ({e}); using a fresh copy in OUT_DIR instead"
            );
            if let Err(e) = generator::write::write_all(&out_dir, &files) {
                eprintln!(
                    "cannot write the generated client to {}: {e}",
                    out_dir.display()
                );
                std::process::exit(1);
            }
            out_dir
        }
    };
    let path = std::fs::canonicalize(target.join(generator::OUTPUT_FILE))
        .unwrap_or_else(|_| target.join(generator::OUTPUT_FILE));
    println!("cargo:rustc-env=SECMASTER_GENERATED={}", path.display());
}
