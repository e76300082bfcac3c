//! The long fuzz run of the generator (see `fuzz.rs` beside this file):
//!
//! ```text
//! cargo run --release -p generator --bin fuzz-specs -- [--seconds N] [--seed S] [--crashes DIR] [CORPUS...]
//! ```
//!
//! The corpus defaults to the workspace's spec files, fixture specs and bad specs. Prints the
//! executions and crashes; each crashing input is saved under `--crashes` (default
//! `target/fuzz-crashes`). Exits with 1 when a crash was found.

mod fuzz;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

fn main() -> ExitCode {
    let mut seconds = 60u64;
    let mut seed: Option<u64> = None;
    let mut crashes = PathBuf::from("target/fuzz-crashes");
    let mut corpus_paths = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next().unwrap_or_else(|| {
                eprintln!("error: {name} needs a value");
                std::process::exit(2)
            })
        };
        match arg.as_str() {
            "--seconds" => seconds = value("--seconds").parse().unwrap_or(60),
            "--seed" => seed = value("--seed").parse().ok(),
            "--crashes" => crashes = value("--crashes").into(),
            "-h" | "--help" => {
                println!("usage: fuzz-specs [--seconds N] [--seed S] [--crashes DIR] [CORPUS...]");
                return ExitCode::SUCCESS;
            }
            other => corpus_paths.push(PathBuf::from(other)),
        }
    }
    if corpus_paths.is_empty() {
        // This package is `generator/cli/` in the workspace.
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        corpus_paths = vec![root.join("spec"), root.join("generator/tests/fixtures")];
    }
    let seeds = fuzz::corpus(&corpus_paths);
    let seed = seed.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(1)
    });
    println!(
        "fuzzing for {seconds} s with seed {seed} over {} corpus files",
        seeds.len()
    );
    println!(
        "(a stack overflow aborts the run: its input is then left in {})",
        std::env::temp_dir()
            .join(format!("generator-fuzz-{}-{seed}", std::process::id()))
            .display()
    );
    // Cases run on a thread with the stack of a test thread (2 MiB), smaller than a main thread's:
    // what overflows here is found before it overflows in a build script or the command.
    let crash_dir = crashes.clone();
    let stats = std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(move || {
            fuzz::run(
                &seeds,
                seed,
                fuzz::Budget {
                    executions: None,
                    time: Some(Duration::from_secs(seconds)),
                },
                |crash| {
                    let saved = fuzz::save_crash(&crash_dir, crash)
                        .map(|p| p.display().to_string())
                        .unwrap_or_else(|e| format!("(not saved: {e})"));
                    println!("CRASH: {} -> {saved}", crash.what);
                },
            )
        })
        .expect("a thread for the fuzz run")
        .join()
        .expect("the fuzz run ends");
    println!(
        "executions: {} in {:.1} s ({:.0}/s); accepted {}, rejected {}, crashes {}; slowest case {:.2} s",
        stats.executions,
        stats.elapsed.as_secs_f64(),
        stats.executions as f64 / stats.elapsed.as_secs_f64().max(0.001),
        stats.accepted,
        stats.rejected,
        stats.crashes.len(),
        stats.slowest.as_secs_f64()
    );
    println!("spec errors without a place: {}", stats.unplaced);
    for example in &stats.unplaced_examples {
        println!("  {example}");
    }
    for input in &stats.unplaced_inputs {
        if let Ok(saved) = fuzz::save_crash(&crashes.join("unplaced"), input) {
            println!("  input saved in {}", saved.display());
        }
    }
    if stats.crashes.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
