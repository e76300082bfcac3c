//! The command line, shared by the `secmaster-codegen` binary and the workspace's `generator`
//! command (which differ only in their name and in the folder the defaults name):
//!
//! - `NAME` regenerates `generated/` from `spec/` (both in the root folder);
//! - `NAME --check` writes nothing and fails, naming the stale files, when `generated/`
//!   (or the features block of `Cargo.toml`, one feature per API family) differs from what
//!   `spec/` gives; without options the generator also rewrites that block;
//! - `NAME --spec PATH [--spec PATH ...] --out DIR` generates from any spec files or folders
//!   into any folder;
//! - `NAME import-doc ...`, `NAME coverage ...` and `NAME paging ...` (see
//!   [`crate::import_doc`], [`crate::coverage`] and [`crate::paging`]).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
usage: {name} [--check] [--spec PATH]... [--out DIR] [--manifest Cargo.toml]
       {name} import-doc PAGE.txt [--into spec/FILE.yaml] [--operation-id NAME]
       {name} coverage [--spec PATH]... [--missing] [--require-complete]
       {name} paging [--spec PATH]...

Generates the SecMaster client from OpenAPI 3.0 YAML files.

  (no options)   regenerate generated/ from spec/ in {root}, and the API
                 families' features in its Cargo.toml
  --check        write nothing; exit 1 and name the stale files if generated/ (or the
                 features block of Cargo.toml) is out of date
  --spec PATH    a spec file, or a folder whose .yaml/.yml files are read (repeatable)
  --out DIR      the folder to write into (default: generated)
  --manifest F   the Cargo.toml whose features block lists the API families (default:
                 the root's, when neither --spec nor --out is given)
  -h, --help     print this help

  import-doc     transcribe an API reference page (as text) into an OpenAPI operation;
                 see `{name} import-doc --help`

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

/// The program's name in its help and messages, and the folder its defaults name.
#[derive(Debug, Clone)]
pub struct Command {
    name: String,
    root: Option<PathBuf>,
}

impl Command {
    /// A command called `name` (as its help and messages show it: `secmaster-codegen`, or
    /// `cargo run -p generator --` for the workspace's command) whose defaults (`spec/`, `generated/`,
    /// `Cargo.toml`) are in the current directory.
    pub fn new(name: impl Into<String>) -> Command {
        Command {
            name: name.into(),
            root: None,
        }
    }

    /// The defaults are in `root` instead, which the command enters when run without `--spec`
    /// and `--out`, so that it works from anywhere in a checkout and the generated headers name
    /// `spec/...` the same way on every machine.
    pub fn root(mut self, root: impl Into<PathBuf>) -> Command {
        self.root = Some(root.into());
        self
    }

    fn usage(&self) -> String {
        let root = match &self.root {
            Some(_) => "the checkout it was built in",
            None => "the current directory",
        };
        USAGE.replace("{name}", &self.name).replace("{root}", root)
    }

    /// Runs the command on its arguments (without the program's name); the exit code is 0 when
    /// done, 1 on spec faults or stale files, 2 on bad usage.
    pub fn run(&self, raw: &[String]) -> ExitCode {
        if raw.first().map(String::as_str) == Some("import-doc") {
            return crate::import_doc::cli(&raw[1..]);
        }
        if raw.first().map(String::as_str) == Some("coverage") {
            return self.coverage(&raw[1..]);
        }
        if raw.first().map(String::as_str) == Some("paging") {
            return self.paging(&raw[1..]);
        }
        let usage = self.usage();
        let args = match parse_args(raw.iter().cloned()) {
            Ok(Some(args)) => args,
            Ok(None) => {
                println!("{usage}");
                return ExitCode::SUCCESS;
            }
            Err(message) => {
                eprintln!("error: {message}\n\n{usage}");
                return ExitCode::from(2);
            }
        };
        let defaults = args.specs.is_empty() && args.out.is_none();
        if defaults {
            if let Some(root) = &self.root {
                if let Err(e) = std::env::set_current_dir(root) {
                    eprintln!("error: cannot enter the folder {}: {e}", root.display());
                    return ExitCode::FAILURE;
                }
            }
            if !Path::new("spec").is_dir() {
                let here = std::env::current_dir()
                    .map(|d| d.display().to_string())
                    .unwrap_or_else(|_| "the current directory".to_owned());
                eprintln!(
                    "error: there is no spec/ folder in {here}; run `{}` at the root of a checkout of the client (where spec/, generated/ and Cargo.toml are), or name the files with --spec PATH and --out DIR",
                    self.name.trim_end_matches(" --")
                );
                return ExitCode::FAILURE;
            }
        }
        self.generate(args, defaults)
    }

    fn generate(&self, args: Args, defaults: bool) -> ExitCode {
        let mut config = crate::Config::new();
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
                    "error: the files above differ from what the spec gives; run `{}` and commit the result",
                    self.name.trim_end_matches(" --")
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
                        crate::WriteOutcome::Written => println!("wrote {}", path.display()),
                        crate::WriteOutcome::Unchanged => println!("unchanged {}", path.display()),
                        crate::WriteOutcome::Removed => println!("removed {}", path.display()),
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

    /// `NAME coverage`: the spec's reach, per family, against the official operation list.
    fn coverage(&self, raw: &[String]) -> ExitCode {
        let usage = self.usage();
        let (mut list_missing, mut require_complete, mut specs) = (false, false, Vec::new());
        let mut args = raw.iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--missing" => list_missing = true,
                "--require-complete" => require_complete = true,
                "--spec" => match args.next() {
                    Some(path) => specs.push(PathBuf::from(path)),
                    None => {
                        eprintln!("error: --spec needs a path\n\n{usage}");
                        return ExitCode::from(2);
                    }
                },
                "-h" | "--help" => {
                    println!("{usage}");
                    return ExitCode::SUCCESS;
                }
                other => {
                    eprintln!("error: unknown argument `{other}`\n\n{usage}");
                    return ExitCode::from(2);
                }
            }
        }
        if specs.is_empty() {
            specs.push(match &self.root {
                Some(root) => root.join("spec"),
                None => PathBuf::from("spec"),
            });
        }
        match crate::Coverage::of_paths(&specs) {
            Ok(coverage) => {
                print!("{}", coverage.report(list_missing));
                if require_complete && !coverage.is_complete() {
                    eprintln!(
                    "error: the spec has {} of {} official operations; `{} coverage --missing` lists the rest",
                    coverage.present(),
                    coverage.official(),
                    self.name
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

    /// `NAME paging`: the operations that get paging streams, and those that cannot.
    fn paging(&self, raw: &[String]) -> ExitCode {
        let usage = self.usage();
        let mut specs = Vec::new();
        let mut args = raw.iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--spec" => match args.next() {
                    Some(path) => specs.push(PathBuf::from(path)),
                    None => {
                        eprintln!("error: --spec needs a path\n\n{usage}");
                        return ExitCode::from(2);
                    }
                },
                "-h" | "--help" => {
                    println!("{usage}");
                    return ExitCode::SUCCESS;
                }
                other => {
                    eprintln!("error: unknown argument `{other}`\n\n{usage}");
                    return ExitCode::from(2);
                }
            }
        }
        if specs.is_empty() {
            specs.push(match &self.root {
                Some(root) => root.join("spec"),
                None => PathBuf::from("spec"),
            });
        }
        let mut config = crate::Config::new();
        for spec in specs {
            config = if spec.is_dir() {
                config.spec_dir(spec)
            } else {
                config.spec_file(spec)
            };
        }
        match crate::paging::Report::of(&config) {
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
}
