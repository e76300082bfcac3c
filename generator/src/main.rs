//! Command line of the generator:
//!
//! - `generator` regenerates `generated/` from `spec/` (both at the workspace root);
//! - `generator --check` writes nothing and fails, naming the stale files, when `generated/`
//!   (or the features block of `Cargo.toml`, one feature per API family) differs from what
//!   `spec/` gives; without options the generator also rewrites that block;
//! - `generator paging` lists the paged operations and their style, and those that cannot be paged;
//! - `generator --spec PATH [--spec PATH ...] --out DIR` generates from any spec files or folders
//!   into any folder.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
usage: generator [--check] [--spec PATH]... [--out DIR] [--manifest Cargo.toml]
       generator import-doc PAGE.txt [--into spec/FILE.yaml] [--operation-id NAME]
       generator coverage [--spec PATH]... [--missing] [--require-complete]
       generator paging [--spec PATH]...

Generates the SecMaster client from OpenAPI 3.0 YAML files.

  (no options)   regenerate generated/ from spec/ at the workspace root, and the API
                 families' features in its Cargo.toml
  --check        write nothing; exit 1 and name the stale files if generated/ (or the
                 features block of Cargo.toml) is out of date
  --spec PATH    a spec file, or a folder whose .yaml/.yml files are read (repeatable)
  --out DIR      the folder to write into (default: generated)
  --manifest F   the Cargo.toml whose features block lists the API families (default:
                 the workspace root's, when neither --spec nor --out is given)
  -h, --help     print this help

  import-doc     transcribe an API reference page (as text) into an OpenAPI operation;
                 see `generator import-doc --help`

  coverage       per API family, how many of SecMaster's official operations the spec
                 has; --missing lists the missing ones, --require-complete exits 1
                 unless the spec has all of them

  paging         the operations whose builders get `pages()` and `items()`, their
                 paging style, and those with an offset and a limit that cannot be
                 paged, and why";

struct Args {
    check: bool,
    specs: Vec<PathBuf>,
    out: Option<PathBuf>,
    manifest: Option<PathBuf>,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut parsed = Args {
        check: false,
        specs: Vec::new(),
        out: None,
        manifest: None,
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "--check" => parsed.check = true,
            "--spec" => parsed
                .specs
                .push(args.next().ok_or("--spec needs a path")?.into()),
            "--out" => parsed.out = Some(args.next().ok_or("--out needs a folder")?.into()),
            "--manifest" => {
                parsed.manifest = Some(args.next().ok_or("--manifest needs a Cargo.toml")?.into())
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(Some(parsed))
}

fn main() -> ExitCode {
    let raw: Vec<String> = std::env::args().skip(1).collect();
    if raw.first().map(String::as_str) == Some("import-doc") {
        return generator::import_doc::cli(&raw[1..]);
    }
    if raw.first().map(String::as_str) == Some("coverage") {
        return coverage(&raw[1..]);
    }
    if raw.first().map(String::as_str) == Some("paging") {
        return paging(&raw[1..]);
    }
    let args = match parse_args(raw.into_iter()) {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("error: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let defaults = args.specs.is_empty() && args.out.is_none();
    if defaults {
        // The defaults name the workspace's own folders, so that the command works from anywhere in
        // the checkout and the generated header names `spec/...` the same way on every machine.
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        if let Err(e) = std::env::set_current_dir(&root) {
            eprintln!(
                "error: cannot enter the workspace root {}: {e}",
                root.display()
            );
            return ExitCode::FAILURE;
        }
    }
    let mut config = generator::Config::new();
    if args.specs.is_empty() {
        config = config.spec_dir("spec");
    }
    for spec in args.specs {
        config = if spec.is_dir() {
            config.spec_dir(spec)
        } else {
            config.spec_file(spec)
        };
    }
    let out = args.out.unwrap_or_else(|| PathBuf::from("generated"));
    config = config.out_dir(&out);
    // The client's features, one per family, follow the spec (with the defaults, the root's
    // Cargo.toml).
    match (args.manifest, defaults) {
        (Some(manifest), _) => config = config.manifest(manifest),
        (None, true) => config = config.manifest("Cargo.toml"),
        (None, false) => {}
    }

    if args.check {
        return match config.check() {
            Ok(stale) if stale.is_empty() => {
                println!("{} is up to date", out.display());
                ExitCode::SUCCESS
            }
            Ok(stale) => {
                for path in &stale {
                    eprintln!("stale: {}", path.display());
                }
                eprintln!(
                    "error: the files above differ from what the spec gives; run `cargo run -p generator` and commit the result"
                );
                ExitCode::FAILURE
            }
            Err(e) => {
                eprintln!("{e}");
                ExitCode::FAILURE
            }
        };
    }
    match config.generate() {
        Ok(outcomes) => {
            for (path, outcome) in outcomes {
                match outcome {
                    generator::WriteOutcome::Written => println!("wrote {}", path.display()),
                    generator::WriteOutcome::Unchanged => println!("unchanged {}", path.display()),
                    generator::WriteOutcome::Removed => println!("removed {}", path.display()),
                }
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

/// `generator coverage`: the spec's reach, per family, against the official operation list.
fn coverage(raw: &[String]) -> ExitCode {
    let (mut list_missing, mut require_complete, mut specs) = (false, false, Vec::new());
    let mut args = raw.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--missing" => list_missing = true,
            "--require-complete" => require_complete = true,
            "--spec" => match args.next() {
                Some(path) => specs.push(PathBuf::from(path)),
                None => {
                    eprintln!("error: --spec needs a path\n\n{USAGE}");
                    return ExitCode::from(2);
                }
            },
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => {
                eprintln!("error: unknown argument `{other}`\n\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    if specs.is_empty() {
        specs.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec"));
    }
    match generator::Coverage::of_paths(&specs) {
        Ok(coverage) => {
            print!("{}", coverage.report(list_missing));
            if require_complete && !coverage.is_complete() {
                eprintln!(
                    "error: the spec has {} of {} official operations; `generator coverage --missing` lists the rest",
                    coverage.present(),
                    coverage.official()
                );
                return ExitCode::FAILURE;
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `generator paging`: the paged operations and their style, and those that cannot be paged.
fn paging(raw: &[String]) -> ExitCode {
    let mut specs = Vec::new();
    let mut args = raw.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--spec" => match args.next() {
                Some(path) => specs.push(PathBuf::from(path)),
                None => {
                    eprintln!("error: --spec needs a path\n\n{USAGE}");
                    return ExitCode::from(2);
                }
            },
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => {
                eprintln!("error: unknown argument `{other}`\n\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    if specs.is_empty() {
        // As the generator's own default: `spec/` of the workspace, named so in the report.
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        if let Err(e) = std::env::set_current_dir(&root) {
            eprintln!(
                "error: cannot enter the workspace root {}: {e}",
                root.display()
            );
            return ExitCode::FAILURE;
        }
        specs.push(PathBuf::from("spec"));
    }
    let mut config = generator::Config::new();
    for spec in specs {
        config = if spec.is_dir() {
            config.spec_dir(spec)
        } else {
            config.spec_file(spec)
        };
    }
    match generator::paging::Report::of(&config) {
        Ok(report) => {
            print!("{}", report.render());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
