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
//! - [`import_doc`]: transcribing an API reference page into an OpenAPI operation
//!   (`generator import-doc`).
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
//! (where each key is written) and `doc_text` (spec text made safe for rustdoc).
//!
//! Faults in the spec are reported all at once, each at its line and column with an excerpt of
//! the source and how to mend it; on any fault nothing is written.
//!
//! ```no_run
//! // In a build script or a tool:
//! let report = generator::Config::new()
//!     .spec_dir("spec")
//!     .out_dir("generated")
//!     .generate()
//!     .map_err(|e| e.to_string())?;
//! for (path, outcome) in &report {
//!     println!("{}: {outcome:?}", path.display());
//! }
//! # Ok::<(), String>(())
//! ```

pub mod coverage;
mod diagnostic;
mod doc_text;
mod emit;
pub mod import_doc;
mod load;
mod model;
mod names;
mod official;
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
use std::path::PathBuf;

/// Name of the generated file inside the output folder.
const OUTPUT_FILE: &str = "secmaster.rs";

/// What to generate from, and where to.
#[derive(Debug, Clone, Default)]
pub struct Config {
    spec_dirs: Vec<PathBuf>,
    spec_files: Vec<PathBuf>,
    out_dir: Option<PathBuf>,
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
    /// The generator produced code it cannot format: a generator bug.
    Internal(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Spec(diagnostics) => {
                write!(f, "{diagnostics}")?;
                let n = diagnostics.len();
                let faults = if n == 1 { "fault" } else { "faults" };
                write!(f, "\nerror: the spec has {n} {faults}; nothing was written")
            }
            Error::Io { path, source } => write!(f, "cannot write {}: {source}", path.display()),
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

    /// The files the spec gives, without touching the disk beyond reading the spec. Every fault
    /// of every file is reported at once: those found reading and merging the files, and those
    /// found building the model of the files that could be read.
    pub fn render(&self) -> Result<Vec<OutputFile>, Error> {
        // A panic is a generator bug; it must still end in an error that says so, not in a crash
        // of the build script or the command (and nothing is written either way).
        match std::panic::catch_unwind(|| self.render_unguarded()) {
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

    /// [`Config::render`] without turning a panic into an error: what the fuzzer runs (it catches
    /// panics itself, to report them as crashes). Not for other uses.
    #[doc(hidden)]
    pub fn render_unguarded(&self) -> Result<Vec<OutputFile>, Error> {
        let inputs = self.inputs()?;
        let names: Vec<String> = inputs.iter().map(|p| load::display_name(p)).collect();
        let loaded = load::load_all(&inputs);
        let mut diagnostics = loaded.diagnostics;
        // The model is built also when some file could not be read, to report the faults of the
        // others in the same run; it is rendered only when everything was read without fault.
        if let Some(spec) = &loaded.spec {
            match model::build(spec) {
                Ok(api) if loaded.complete && diagnostics.is_empty() => return render_api(&api),
                Ok(_) => {}
                Err(found) => {
                    // The model meets again some faults the loader reported (a dangling `$ref`
                    // it follows): keep the loader's report.
                    let reported: Vec<(String, String)> = diagnostics
                        .iter()
                        .map(|d| (d.file.clone(), d.message.clone()))
                        .collect();
                    diagnostics.extend(
                        found
                            .0
                            .into_iter()
                            .filter(|d| !reported.contains(&(d.file.clone(), d.message.clone()))),
                    );
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

    /// Generates into the output folder, writing only files whose content changed. On any error
    /// nothing is written.
    pub fn generate(&self) -> Result<Vec<(PathBuf, WriteOutcome)>, Error> {
        let files = self.render()?;
        let out = self.output_dir();
        write::write_all(&out, &files).map_err(|source| Error::Io { path: out, source })
    }

    /// The output files that are missing or differ from what the spec gives.
    pub fn check(&self) -> Result<Vec<PathBuf>, Error> {
        let files = self.render()?;
        Ok(write::stale(&self.output_dir(), &files))
    }
}

/// Renders a built model to output files.
fn render_api(api: &model::Api) -> Result<Vec<OutputFile>, Error> {
    let contents = write::format(emit::file(api), &api.sources).map_err(Error::Internal)?;
    Ok(vec![OutputFile {
        name: OUTPUT_FILE.to_owned(),
        contents,
    }])
}
