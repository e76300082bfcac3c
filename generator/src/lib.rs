//! Generates the SecMaster client from OpenAPI 3.0 documents.
//!
//! # Public API
//!
//! As small as prost-build's; everything else is private:
//!
//! - [`Config`]: what to generate from (spec folders and files) and where to; its calls
//!   [`Config::render`] (the output files, nothing written), [`Config::generate`] (render and
//!   write what changed) and [`Config::check`] (the output files that are stale);
//! - [`write_all`]: writes rendered files atomically, only those whose content changed (what the
//!   build script calls, with a fallback folder), with [`OutputFile`] and [`WriteOutcome`];
//! - [`Error`], and [`Diagnostics`] (each a [`Diagnostic`] with its [`Location`] and [`Note`]s):
//!   every fault of the spec, placed and with how to mend it;
//! - [`paging`]: which operations page and how (`generator paging`);
//! - [`import_doc`]: transcribing an API reference page into an OpenAPI operation
//!   (`generator import-doc`);
//! - [`limits`]: the bounds on what a spec may be (file and total size, operations, items of
//!   the client, nesting), each refused at once with a message naming it;
//! - [`cli`]: the command line, which the `secmaster-codegen` binary and the workspace's
//!   `cargo run -p generator` both run.
//!
//! # Pipeline
//!
//! One module per stage, data flowing one way: `load` (YAML files → one merged OpenAPI document
//! with the places of its keys: reading, shape checks and merging, each a module of its own) →
//! `model` (resolved, validated, named operations and types) → `emit` (Rust tokens, one function
//! per item) → `write` (formatted text, compared and written atomically). The stages share a
//! vocabulary that lives in modules of its own, and none imports from a sibling: `spec` (the
//! loaded spec and its places), `place` (which part of a key a fault points at), `reference` (the
//! kinds of components, `$ref`s and their faults), `text` (short values, described values, edit
//! distance), `names` (Rust identifiers), `diagnostic` (faults and how they are shown), `yaml`
//! (where each key is written, and how deep a text nests, from its bytes), `limits` and
//! `doc_text` (spec text made safe for rustdoc).
//!
//! Faults in the spec are reported all at once, each at its line and column with an excerpt of
//! the source and how to mend it; on any fault nothing is written.
//!
//! ```no_run
//! // In a build script or a tool:
//! let report = secmaster_codegen::Config::new()
//!     .spec_dir("spec")
//!     .out_dir("generated")
//!     .generate()
//!     .map_err(|e| e.to_string())?;
//! for (path, outcome) in &report {
//!     println!("{}: {outcome:?}", path.display());
//! }
//! # Ok::<(), String>(())
//! ```

pub mod cli;
pub mod coverage;
mod diagnostic;
mod doc_text;
mod emit;
pub mod import_doc;
pub mod limits;
mod load;
mod manifest;
mod model;
mod names;
mod official;
pub mod paging;
mod parallel;
mod place;
mod reference;
mod spec;
mod text;
mod write;
mod yaml;

pub use coverage::Coverage;
pub use diagnostic::{Diagnostic, Diagnostics, Location, Note};
pub use write::{write_all, OutputFile, WriteOutcome};

use std::fmt;
use std::path::{Path, PathBuf};

/// What to generate from, and where to.
#[derive(Debug, Clone, Default)]
pub struct Config {
    spec_dirs: Vec<PathBuf>,
    spec_files: Vec<PathBuf>,
    out_dir: Option<PathBuf>,
    manifest: Option<PathBuf>,
}

/// Why generation failed.
#[derive(Debug)]
pub enum Error {
    /// The spec has faults; nothing was written.
    Spec(Diagnostics),
    /// The output could not be written.
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The manifest's features block does not list the API families of the spec (or the manifest
    /// cannot be read, or has no block): the message says which and what to run.
    Manifest { path: PathBuf, message: String },
    /// The generator produced code it cannot format: a generator bug.
    Internal(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Spec(diagnostics) => {
                write!(f, "{diagnostics}")?;
                let n = diagnostics.total();
                let faults = if n == 1 { "fault" } else { "faults" };
                let n = limits::thousands(n as u64);
                write!(f, "\nerror: the spec has {n} {faults}; nothing was written")
            }
            Error::Io { path, source } => write!(f, "cannot write {}: {source}", path.display()),
            Error::Manifest { path, message } => write!(f, "{}: {message}", path.display()),
            Error::Internal(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl From<Diagnostic> for Error {
    fn from(diagnostic: Diagnostic) -> Self {
        Error::Spec(diagnostic.into())
    }
}

impl From<Diagnostics> for Error {
    fn from(diagnostics: Diagnostics) -> Self {
        Error::Spec(diagnostics)
    }
}

impl Config {
    pub fn new() -> Self {
        Config::default()
    }

    /// Reads every `.yaml`/`.yml` file of `dir` (sorted by name).
    pub fn spec_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.spec_dirs.push(dir.into());
        self
    }

    /// Reads one spec file.
    pub fn spec_file(mut self, file: impl Into<PathBuf>) -> Self {
        self.spec_files.push(file.into());
        self
    }

    /// Where [`Config::generate`] writes; `generated` when not set.
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// The client's `Cargo.toml`, whose `[features]` table has one feature per API family in a
    /// marked block: [`Config::generate`] rewrites the block, [`Config::check`] names the manifest
    /// when the block is stale, and [`Config::render`] fails when it is (a build must not drop a
    /// family silently).
    pub fn manifest(mut self, path: impl Into<PathBuf>) -> Self {
        self.manifest = Some(path.into());
        self
    }

    fn output_dir(&self) -> PathBuf {
        self.out_dir
            .clone()
            .unwrap_or_else(|| PathBuf::from("generated"))
    }

    /// The spec files this configuration reads, in order.
    fn inputs(&self) -> Result<Vec<PathBuf>, Error> {
        let mut files = Vec::new();
        for dir in &self.spec_dirs {
            files.extend(load::spec_files_in(dir)?);
        }
        files.extend(self.spec_files.iter().cloned());
        if files.is_empty() {
            return Err(Diagnostic::new("spec", "no spec given")
                .help("name a spec folder or file")
                .into());
        }
        Ok(files)
    }

    /// The files the spec gives, without touching the disk beyond reading the spec and the
    /// output folder (a file whose content would not change is taken from there, not formatted
    /// again). Every fault of every file is reported at once: those found reading and merging
    /// the files, and those found building the model of the files that could be read. With a
    /// [`Config::manifest`], a features block that does not list the spec's families is an error
    /// that says what to run.
    pub fn render(&self) -> Result<Vec<OutputFile>, Error> {
        let rendered = guarded(|| self.render_parts(Some(&self.output_dir())))?;
        if let Some(path) = &self.manifest {
            let text = read_manifest(path)?;
            let stale =
                manifest::missing_and_extra(&text, &rendered.features).map_err(|message| {
                    Error::Manifest {
                        path: path.clone(),
                        message: format!("{message}; add them, then run `cargo run -p generator`"),
                    }
                })?;
            if let Some(manifest::Stale { missing, extra }) = stale {
                let mut what = Vec::new();
                if !missing.is_empty() {
                    what.push(format!(
                        "lacks the features of the API families {}",
                        listed(&missing)
                    ));
                }
                if !extra.is_empty() {
                    what.push(format!(
                        "has features of families no spec file gives ({})",
                        listed(&extra)
                    ));
                }
                if what.is_empty() {
                    what.push("is not as the generator writes it".to_owned());
                }
                return Err(Error::Manifest {
                    path: path.clone(),
                    message: format!(
                        "the features block {}; run `cargo run -p generator` (it rewrites the block between `{}` and `{}`) and build again",
                        what.join(" and "),
                        manifest::BEGIN,
                        manifest::END
                    ),
                });
            }
        }
        Ok(rendered.files)
    }

    /// [`Config::render`] without turning a panic into an error, without reusing earlier output
    /// and without the manifest: what the fuzzer runs (it catches panics itself, to report them
    /// as crashes). Not for other uses.
    #[doc(hidden)]
    pub fn render_unguarded(&self) -> Result<Vec<OutputFile>, Error> {
        self.render_parts(None).map(|r| r.files)
    }

    fn render_parts(&self, previous: Option<&Path>) -> Result<Rendered, Error> {
        let inputs = self.inputs()?;
        let names: Vec<String> = inputs.iter().map(|p| load::display_name(p)).collect();
        let loaded = load::load_all(&inputs);
        let mut diagnostics = loaded.diagnostics;
        // The model is built also when some file could not be read, to report the faults of the
        // others in the same run; it is rendered only when everything was read without fault.
        if let Some(spec) = loaded.spec {
            let built = model::build(&spec);
            // The documents and their text are not needed for rendering.
            drop(spec);
            match built {
                Ok(api) if loaded.complete && diagnostics.is_empty() => {
                    return Ok(Rendered {
                        files: render_api(&api, previous)?,
                        features: api.families.iter().map(|f| f.feature.clone()).collect(),
                    });
                }
                Ok(_) => {}
                Err(found) => {
                    // The model meets again some faults the loader reported (a dangling `$ref`
                    // it follows): keep the loader's report.
                    let reported: std::collections::HashSet<(&str, &str)> = diagnostics
                        .iter()
                        .map(|d| (d.file.as_str(), d.message.as_str()))
                        .collect();
                    let new: Vec<Diagnostic> = found
                        .0
                        .into_iter()
                        .filter(|d| !reported.contains(&(d.file.as_str(), d.message.as_str())))
                        .collect();
                    diagnostics.extend(new);
                }
            }
        }
        let mut diagnostics = Diagnostics(diagnostics);
        diagnostics.sort(&names);
        if diagnostics.is_empty() {
            return Err(Error::Internal(
                "the spec could not be read, but no fault was reported; this is a generator bug"
                    .to_owned(),
            ));
        }
        Err(Error::Spec(diagnostics))
    }

    /// Generates into the output folder, writing only files whose content changed (and
    /// formatting only those), and rewrites the [`Config::manifest`]'s features block when it
    /// changed. On any error nothing is written.
    pub fn generate(&self) -> Result<Vec<(PathBuf, WriteOutcome)>, Error> {
        let out = self.output_dir();
        let rendered = guarded(|| self.render_parts(Some(&out)))?;
        let manifest = match &self.manifest {
            Some(path) => {
                let text = read_manifest(path)?;
                let synced = manifest::sync(&text, &rendered.features).map_err(|message| {
                    Error::Manifest {
                        path: path.clone(),
                        message: format!("{message}; add them and run the generator again"),
                    }
                })?;
                Some((path, text, synced))
            }
            None => None,
        };
        let mut outcomes = write::write_all(&out, &rendered.files)
            .map_err(|source| Error::Io { path: out, source })?;
        if let Some((path, text, synced)) = manifest {
            let outcome = if text == synced {
                WriteOutcome::Unchanged
            } else {
                write::write_atomic(path, synced.as_bytes()).map_err(|source| Error::Io {
                    path: path.clone(),
                    source,
                })?;
                WriteOutcome::Written
            };
            outcomes.push((path.clone(), outcome));
        }
        Ok(outcomes)
    }

    /// The output files that are missing or differ from what the spec gives (every file is
    /// formatted anew, none taken from the output folder), generated files no longer made, and
    /// the [`Config::manifest`] when its features block is stale.
    pub fn check(&self) -> Result<Vec<PathBuf>, Error> {
        let rendered = guarded(|| self.render_parts(None))?;
        let mut stale = write::stale(&self.output_dir(), &rendered.files);
        if let Some(path) = &self.manifest {
            let text = read_manifest(path)?;
            let synced =
                manifest::sync(&text, &rendered.features).map_err(|message| Error::Manifest {
                    path: path.clone(),
                    message,
                })?;
            if synced != text {
                stale.push(path.clone());
            }
        }
        Ok(stale)
    }
}

/// What rendering gives: the files, and the features of the API families.
struct Rendered {
    files: Vec<OutputFile>,
    features: Vec<String>,
}

/// Runs `render`, turning a panic into an error. A panic is a generator bug; it must still end in
/// an error that says so, not in a crash of the build script or the command (and nothing is
/// written either way).
fn guarded<T>(render: impl FnOnce() -> Result<T, Error>) -> Result<T, Error> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(render)) {
        Ok(result) => result,
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Err(Error::Internal(format!(
                "error: the generator crashed on this spec ({what}); this is a generator bug, please report it with the spec; nothing was written"
            )))
        }
    }
}

fn read_manifest(path: &Path) -> Result<String, Error> {
    std::fs::read_to_string(path).map_err(|e| Error::Manifest {
        path: path.to_owned(),
        message: format!("cannot read it: {e}"),
    })
}

/// `a`, `b` and `c` as text.
fn listed(names: &[String]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    quoted.join(", ")
}

/// Renders a built model to output files: one per family, the shared types and the root, each
/// laid out apart, on as many threads as there are cores. A file whose tokens are those of the
/// file already in `previous` (its fingerprint says so, and its text is as written) is taken as it
/// is, not laid out again: regenerating after an edit lays out only the files it changes.
fn render_api(api: &model::Api, previous: Option<&Path>) -> Result<Vec<OutputFile>, Error> {
    // The largest files first, so that no core is left with a large one at the end.
    let mut units: Vec<(usize, emit::Unit)> = emit::units(api).into_iter().enumerate().collect();
    units.sort_by_key(|(_, unit)| std::cmp::Reverse(unit.weight(api)));
    let mut files = parallel::map(units, |(i, unit)| (i, render_unit(api, unit, previous)));
    files.sort_by_key(|(i, _)| *i);
    Ok(files.into_iter().map(|(_, file)| file).collect())
}

/// One output file: its previous text when its tokens did not change, else laid out anew.
fn render_unit(api: &model::Api, unit: emit::Unit, previous: Option<&Path>) -> OutputFile {
    let name = unit.file_name(api);
    let prepared = write::prepare(unit.tokens(api));
    if let Some(text) =
        previous.and_then(|dir| write::reusable(&dir.join(&name), prepared.fingerprint))
    {
        return OutputFile {
            name,
            contents: text,
        };
    }
    let contents = write::format(&prepared, &unit.sources(api));
    OutputFile { name, contents }
}

/// The README's example, compiled as a doctest so that it stays true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
