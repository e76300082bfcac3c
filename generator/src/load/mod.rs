//! Load: spec files (YAML) to OpenAPI documents, merged into one, remembering where each operation
//! and component came from.
//!
//! Each file is read twice: by serde_yaml, for the document the generator uses, and by a
//! position-keeping YAML reader ([`crate::yaml`]), so that every fault is reported at its line and
//! column. Before the document is read into openapiv3's types, [`validate`] checks its
//! shape, so that a wrong field is reported where it is written rather than as "data did not match
//! any variant of untagged enum". Every fault of every file is reported at once.
//!
//! The steps, one module each: [`read`] (one file: YAML, version, shape via [`validate`], and
//! openapiv3's types) and [`merge`] (the documents into one, each operation and component
//! defined once). This module runs them over all files and checks every reference.

mod merge;
mod read;
mod validate;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::limits::{self, thousands, MAX_DEPTH, MAX_FILE_BYTES, MAX_OPERATIONS, MAX_TOTAL_BYTES};
use crate::place::At;
use crate::reference::{Catalog, Reference};
use crate::spec::{Spec, SpecFile};
use crate::text::key_text;
use crate::yaml::{NodeKind, Span};
use serde_yaml::Value;
use std::path::{Path, PathBuf};

/// The YAML files of a folder (not recursive), sorted by name so output does not depend on the
/// order the file system lists them in.
pub fn spec_files_in(dir: &Path) -> Result<Vec<PathBuf>, Diagnostics> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        Diagnostic::new(
            dir.display().to_string(),
            format!("cannot read the spec folder: {e}"),
        )
        .help("pass an existing folder of OpenAPI YAML files")
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file() && matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml"))
        })
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(Diagnostic::new(
            dir.display().to_string(),
            "no .yaml or .yml file in the spec folder",
        )
        .help("add an OpenAPI 3.0 document, e.g. spec/workflows.yaml")
        .into());
    }
    Ok(files)
}

/// What loading found: the merged spec and every fault.
#[derive(Debug)]
pub struct Loaded {
    /// The files that could be read, merged; `None` when there was no file to read.
    pub spec: Option<Spec>,
    /// Whether every file could be read as an OpenAPI 3.0 document. When not, `spec` is good
    /// only for finding more faults, never for generating.
    pub complete: bool,
    pub diagnostics: Vec<Diagnostic>,
}

impl Loaded {
    /// Nothing loaded, for these faults.
    fn refused(diagnostics: Vec<Diagnostic>) -> Loaded {
        Loaded {
            spec: None,
            complete: false,
            diagnostics,
        }
    }
}

/// Reads the given spec files and merges what can be merged, collecting every fault.
///
/// A file over [`MAX_FILE_BYTES`] is refused from its size, unread; files together over
/// [`MAX_TOTAL_BYTES`] end the run at the file that passes the limit, before any is read.
pub fn load_all(paths: &[PathBuf]) -> Loaded {
    let mut diagnostics = Vec::new();
    let mut sources = Vec::new();
    let mut total: u64 = 0;
    let mut readable = Vec::new();
    for path in paths {
        let name = display_name(path);
        // The size the file system states; a file that is not a regular one (a pipe, `/proc`)
        // states none, and is held to the limit while it is read instead.
        let stated = std::fs::metadata(path).map_or(0, |m| m.len());
        if stated > MAX_FILE_BYTES {
            diagnostics.push(too_large(&name, stated));
            continue;
        }
        total += stated;
        if total > MAX_TOTAL_BYTES {
            diagnostics.push(too_large_together(&name, total));
            return Loaded::refused(diagnostics);
        }
        readable.push((path, name));
    }
    for (path, name) in readable {
        match read_bounded(path) {
            Ok(bytes) if bytes.len() as u64 > MAX_FILE_BYTES => {
                diagnostics.push(too_large(&name, bytes.len() as u64));
            }
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => sources.push((name, text)),
                Err(e) => {
                    let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
                    let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
                    let before = String::from_utf8_lossy(valid);
                    let line = before.matches('\n').count() + 1;
                    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
                    let file = SpecFile::unparsed(name.clone(), text);
                    let location = file.location(Span {
                        pos: crate::yaml::Pos { line, column },
                        width: 1,
                    });
                    diagnostics.push(
                        Diagnostic::new(name, "the file is not UTF-8 text")
                            .at(Some(location))
                            .help("save the file as UTF-8"),
                    );
                }
            },
            Err(e) => diagnostics.push(
                Diagnostic::new(name, format!("cannot read the file: {e}"))
                    .help("check that the spec file exists and can be read"),
            ),
        }
    }
    if sources.is_empty() && !diagnostics.is_empty() {
        return Loaded::refused(diagnostics);
    }
    let mut loaded = load_sources(sources);
    if !diagnostics.is_empty() {
        diagnostics.append(&mut loaded.diagnostics);
        loaded.diagnostics = diagnostics;
        loaded.complete = false;
    }
    loaded
}

/// Reads spec documents given as (name, text), as [`load_all`] does with files.
///
/// Two passes: the first reads every file's YAML and checks its shape, learning which components
/// each file defines; the second, with all of them known, turns references that name a spec file
/// (`common.yaml#/components/...`) into local ones and reads each document into openapiv3's
/// types. The documents are then merged and every reference is checked.
///
/// Before that, each text is scanned for nesting deeper than [`MAX_DEPTH`] (before any YAML
/// parser reads it), and the operations of all files are counted as each file's YAML is read;
/// a file past either limit ends the run with that fault alone.
pub fn load_sources(sources: Vec<(String, String)>) -> Loaded {
    let too_deep: Vec<Diagnostic> = sources
        .iter()
        .filter_map(|(name, text)| nested_too_deep(name, text))
        .collect();
    if !too_deep.is_empty() {
        return Loaded::refused(too_deep);
    }
    let mut diagnostics = Vec::new();
    let mut files = Vec::new();
    let mut parsed_files = Vec::new();
    let mut catalog = Catalog::default();
    // Each file's position tree is built on its own, on all cores; the operations of all files
    // are counted on those trees before anything more is done with them.
    let trees = crate::parallel::map(sources, |(name, text)| SpecFile::new(name, text));
    let mut operations = 0;
    for file in &trees {
        if let Some(fault) = count_operations(file, &mut operations) {
            return Loaded::refused(vec![fault]);
        }
    }
    // Each file is read on its own, on all cores.
    let read = crate::parallel::map(trees, |file| {
        let parsed = read::parse(&file);
        (file, parsed)
    });
    for (file, mut parsed) in read {
        diagnostics.append(&mut parsed.faults);
        catalog.add(&file.name, std::mem::take(&mut parsed.names));
        parsed_files.push(parsed);
        files.push(file);
    }
    if files.is_empty() {
        diagnostics.push(
            Diagnostic::new("spec", "no spec file to read").help("name a spec folder or file"),
        );
        return Loaded::refused(diagnostics);
    }
    let mut documents = Vec::new();
    let mut all_read = true;
    let mut references = Vec::new();
    let jobs: Vec<(usize, read::Parsed)> = parsed_files.into_iter().enumerate().collect();
    let deserialized = crate::parallel::map(jobs, |(file_index, mut parsed)| {
        let file = &files[file_index];
        let document = parsed.value.take().map(|mut value| {
            localize_references(&mut value, &parsed.references, &file.name, &catalog);
            read::deserialize(file, value)
        });
        (file_index, document, parsed.references)
    });
    for (file_index, document, file_references) in deserialized {
        match document {
            Some(Ok(document)) => documents.push((file_index, document)),
            Some(Err(mut faults)) => {
                diagnostics.append(&mut faults);
                all_read = false;
            }
            None => all_read = false,
        }
        references.push((file_index, file_references));
    }
    let (mut spec, conflicts) = merge::merge(files, documents);
    diagnostics.extend(conflicts);
    // References are checked against the components of every file, also those whose document
    // could not be read, so that their faults are reported in the same run.
    for (file_index, references) in references {
        let file = &spec.files[file_index];
        for reference in references {
            if let Some((message, help)) =
                catalog.fault(&file.name, &reference.target, reference.kind)
            {
                diagnostics.push(
                    Diagnostic::new(&file.name, message)
                        .at(file.locate_path(&reference.path, At::Value))
                        .help(help),
                );
            }
        }
    }
    spec.catalog = catalog;
    Loaded {
        spec: Some(spec),
        complete: all_read,
        diagnostics,
    }
}

/// A file's bytes, at most one more than [`MAX_FILE_BYTES`] (enough to tell it is too large),
/// whatever size the file system stated.
fn read_bounded(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

fn too_large(name: &str, bytes: u64) -> Diagnostic {
    Diagnostic::new(
        name,
        format!(
            "the file is {} ({} bytes), over the limit of {} for one spec file",
            limits::size(bytes),
            thousands(bytes),
            limits::size(MAX_FILE_BYTES)
        ),
    )
    .help("split it into files of one API family each (the generator reads every file of the spec folder; shared components go to one of them, referred to as `FILE#/components/...`)")
}

fn too_large_together(name: &str, bytes: u64) -> Diagnostic {
    Diagnostic::new(
        name,
        format!(
            "with this file the spec is {} ({} bytes), over the limit of {} for all spec files together",
            limits::size(bytes),
            thousands(bytes),
            limits::size(MAX_TOTAL_BYTES)
        ),
    )
    .help("generate one client per group of API families, giving the generator the files of one group at a time (`--spec FILE` for each)")
}

/// The fault of a text nested deeper than [`MAX_DEPTH`], judged from its bytes
/// ([`crate::yaml::nesting_past`]) before any parser reads it.
fn nested_too_deep(name: &str, text: &str) -> Option<Diagnostic> {
    // One level more than the limit: the scan counts a collection's level where it opens, the
    // loader's exact check (`read::too_deep`) the level of what is in it.
    let pos = crate::yaml::nesting_past(text, MAX_DEPTH + 1)?;
    let file = SpecFile::unparsed(name, text);
    Some(
        Diagnostic::new(
            name,
            format!("the document nests deeper than {MAX_DEPTH} levels"),
        )
        .at(Some(file.location(Span { pos, width: 1 })))
        .help(read::FLATTEN),
    )
}

/// HTTP methods of a path item, the keys that are operations.
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Adds the operations of a file (its `paths:`, as the position tree has them) to `count`; the
/// fault of the first one past [`MAX_OPERATIONS`], if any.
fn count_operations(file: &SpecFile, count: &mut usize) -> Option<Diagnostic> {
    let tree = file.tree.as_ref()?;
    let (_, paths) = tree.get(tree.root?, "paths")?;
    let NodeKind::Mapping(items) = &tree.nodes[tree.resolve(paths)].kind else {
        return None;
    };
    for (_, item) in items {
        let NodeKind::Mapping(entries) = &tree.nodes[tree.resolve(*item)].kind else {
            continue;
        };
        for (key, _) in entries {
            if !tree.scalar(*key).is_some_and(|k| METHODS.contains(&k)) {
                continue;
            }
            *count += 1;
            if *count > MAX_OPERATIONS {
                return Some(
                    Diagnostic::new(
                        &file.name,
                        format!(
                            "the spec has more than {} operations (this is number {}), the limit of one client",
                            thousands(MAX_OPERATIONS as u64),
                            thousands(*count as u64)
                        ),
                    )
                    .at(Some(file.location(tree.span(*key))))
                    .help("generate one client per group of API families, giving the generator the files of one group at a time (`--spec FILE` for each)"),
                );
            }
        }
    }
    None
}

/// How a spec file is named in messages and in the generated header.
pub fn display_name(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// Rewrites each reference that names a spec file and resolves (`common.yaml#/components/...`)
/// to its local form, which finds the same component in the merged document. References that do
/// not resolve are left as written: they are reported with the words of [`Catalog::fault`].
fn localize_references(
    value: &mut Value,
    references: &[Reference],
    file_name: &str,
    catalog: &Catalog,
) {
    for reference in references {
        let Some(local) = catalog.localized(file_name, &reference.target, reference.kind) else {
            continue;
        };
        if let Some(slot) = value_at_mut(value, &reference.path) {
            *slot = Value::String(local);
        }
    }
}

/// The value at a path of mapping keys (as text) and list indices.
fn value_at_mut<'v>(value: &'v mut Value, path: &[String]) -> Option<&'v mut Value> {
    let mut here = value;
    for step in path {
        here = match here {
            // Keys are text nearly always: found by hash; others (numbers, `true`) by their text.
            Value::Mapping(map) => {
                if map.contains_key(step.as_str()) {
                    map.get_mut(step.as_str())?
                } else {
                    map.iter_mut()
                        .find(|(key, _)| key_text(key) == *step)
                        .map(|(_, value)| value)?
                }
            }
            Value::Sequence(items) => items.get_mut(step.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(here)
}
