//! Load: spec files (YAML) to OpenAPI documents, merged into one, remembering where each operation
//! and component came from.
//!
//! Each file is read twice: by serde_yaml, for the document the generator uses, and by a
//! position-keeping YAML reader ([`crate::yaml`]), so that every fault is reported at its line and
//! column. Before the document is read into openapiv3's types, [`crate::validate`] checks its
//! shape, so that a wrong field is reported where it is written rather than as "data did not match
//! any variant of untagged enum". Every fault of every file is reported at once.

use crate::diagnostic::{Diagnostic, Diagnostics, Location};
use crate::reference::{component_names, Catalog, ComponentNames, SECTIONS};
use crate::validate::{self, At, Reference};
use crate::yaml::{Span, Tree};
use openapiv3::{OpenAPI, ReferenceOr};
use serde_yaml::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Deepest nesting of mappings and lists a spec may have. Real specs stay far below; the bound
/// keeps every recursive reader (serde, the checks, the model) far from the end of its stack.
pub const MAX_DEPTH: usize = 64;

/// One spec file as read from disk.
#[derive(Debug)]
pub struct SpecFile {
    /// The name used in messages and in the generated header (as given, with `/` separators).
    pub name: String,
    pub text: String,
    /// Where every key and value is written; `None` when the text is not YAML.
    pub tree: Option<Tree>,
}

impl SpecFile {
    /// A file read from `text` (no parsing yet).
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        let tree = Tree::parse(&text).ok();
        SpecFile {
            name: name.into(),
            text,
            tree,
        }
    }

    /// The place of the key reached by following `keys` (mapping keys, or list indices such as
    /// `"2"`) from the top, e.g. `["paths", "/v1/x", "post", "parameters", "2"]`: the key of the last
    /// step, or the value when the step has no key (a list item). When the path leads nowhere, the
    /// deepest step that exists.
    pub fn locate(&self, keys: &[&str]) -> Option<Location> {
        self.locate_at(keys, At::Key)
    }

    /// Like [`SpecFile::locate`], but the value of the last step (`maybe` in `required: maybe`).
    pub fn locate_value(&self, keys: &[&str]) -> Option<Location> {
        self.locate_at(keys, At::Value)
    }

    pub fn locate_at(&self, keys: &[&str], at: At) -> Option<Location> {
        let Some(tree) = &self.tree else {
            // serde_yaml read the file, the position-keeping reader did not (the two disagree on
            // a few lenient constructs): look for the keys in the text instead.
            return Some(search_key(&self.text, keys).map_or_else(
                || self.start(),
                |(line, column, width)| {
                    self.location(Span {
                        pos: crate::yaml::Pos { line, column },
                        width,
                    })
                },
            ));
        };
        let found = tree.find(keys)?;
        let span = match (at, found.key) {
            (At::Value, _) if found.complete => found.value,
            (_, Some(key)) => key,
            (_, None) => found.value,
        };
        Some(self.location(span))
    }

    /// Like [`SpecFile::locate_at`] for a path of owned steps.
    pub fn locate_path(&self, path: &[String], at: At) -> Option<Location> {
        let keys: Vec<&str> = path.iter().map(String::as_str).collect();
        self.locate_at(&keys, at)
    }

    /// A location with the text of its line.
    pub fn location(&self, span: Span) -> Location {
        let source = self
            .text
            .split('\n')
            .nth(span.pos.line.saturating_sub(1))
            .unwrap_or("")
            .trim_end_matches('\r')
            .to_owned();
        Location {
            line: span.pos.line,
            column: span.pos.column,
            width: span.width,
            source,
        }
    }

    /// The start of the file.
    pub fn start(&self) -> Location {
        self.location(Span {
            pos: crate::yaml::Pos { line: 1, column: 1 },
            width: 1,
        })
    }

    /// `FILE:LINE:COL` of a path, for messages that name another place.
    pub fn place_text(&self, keys: &[&str]) -> String {
        match self.locate(keys) {
            Some(l) => format!("{}:{}:{}", self.name, l.line, l.column),
            None => self.name.clone(),
        }
    }
}

/// The merged spec: one OpenAPI document plus the file each piece came from.
#[derive(Debug)]
pub struct Spec {
    pub files: Vec<SpecFile>,
    pub document: OpenAPI,
    /// (path, method) → index into `files`.
    pub operation_files: BTreeMap<(String, String), usize>,
    /// Component schema name → index into `files`.
    pub schema_files: BTreeMap<String, usize>,
    /// (components section, name) → index into `files` of the first definition.
    pub component_files: BTreeMap<(String, String), usize>,
    /// The components each file defines, for judging references.
    pub catalog: Catalog,
}

impl Spec {
    pub fn file_of_operation(&self, path: &str, method: &str) -> &SpecFile {
        let index = self
            .operation_files
            .get(&(path.to_owned(), method.to_owned()))
            .copied()
            .unwrap_or(0);
        &self.files[index]
    }

    /// The file defining a component (the first file, when unknown).
    pub fn file_of_component(&self, section: &str, name: &str) -> &SpecFile {
        let index = self
            .component_files
            .get(&(section.to_owned(), name.to_owned()))
            .copied()
            .unwrap_or(0);
        &self.files[index]
    }
}

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

/// Reads and merges the given spec files. Every fault of every file is reported at once.
pub fn load(paths: &[PathBuf]) -> Result<Spec, Diagnostics> {
    let loaded = load_all(paths);
    match loaded.spec {
        Some(spec) if loaded.complete && loaded.diagnostics.is_empty() => Ok(spec),
        _ => Err(Diagnostics(loaded.diagnostics)),
    }
}

/// Reads the given spec files and merges what can be merged, collecting every fault.
pub fn load_all(paths: &[PathBuf]) -> Loaded {
    let mut diagnostics = Vec::new();
    let mut sources = Vec::new();
    for path in paths {
        let name = display_name(path);
        match std::fs::read(path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => sources.push((name, text)),
                Err(e) => {
                    let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
                    let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
                    let before = String::from_utf8_lossy(valid);
                    let line = before.matches('\n').count() + 1;
                    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
                    let file = SpecFile {
                        name: name.clone(),
                        text,
                        tree: None,
                    };
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
        return Loaded {
            spec: None,
            complete: false,
            diagnostics,
        };
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
pub fn load_sources(sources: Vec<(String, String)>) -> Loaded {
    let mut diagnostics = Vec::new();
    let mut files = Vec::new();
    let mut parsed_files = Vec::new();
    let mut catalog = Catalog::default();
    for (name, text) in sources {
        let file = SpecFile::new(name, text);
        let mut parsed = parse(&file);
        diagnostics.append(&mut parsed.faults);
        catalog.add(&file.name, std::mem::take(&mut parsed.names));
        parsed_files.push(parsed);
        files.push(file);
    }
    if files.is_empty() {
        diagnostics.push(
            Diagnostic::new("spec", "no spec file to read").help("name a spec folder or file"),
        );
        return Loaded {
            spec: None,
            complete: false,
            diagnostics,
        };
    }
    let mut documents = Vec::new();
    let mut all_read = true;
    let mut references = Vec::new();
    for (file_index, parsed) in parsed_files.into_iter().enumerate() {
        let file = &files[file_index];
        match parsed.value {
            Some(mut value) => {
                localize_references(&mut value, &parsed.references, &file.name, &catalog);
                match deserialize(file, value) {
                    Ok(document) => documents.push((file_index, document)),
                    Err(mut faults) => {
                        diagnostics.append(&mut faults);
                        all_read = false;
                    }
                }
            }
            None => all_read = false,
        }
        references.push((file_index, parsed.references));
    }
    let mut spec = merge(files, documents, &mut diagnostics);
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

/// How a spec file is named in messages and in the generated header.
pub fn display_name(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// What reading one file's YAML gave.
#[derive(Default)]
struct Parsed {
    /// The document, its shape checked, ready to be read into openapiv3's types.
    value: Option<Value>,
    /// Its `$ref`s, also when the document could not be read (but its YAML could).
    references: Vec<Reference>,
    /// The components it defines, as written.
    names: ComponentNames,
    faults: Vec<Diagnostic>,
}

fn parse(file: &SpecFile) -> Parsed {
    let mut parsed = Parsed::default();
    match read(file, &mut parsed) {
        Ok(value) => parsed.value = Some(value),
        Err(faults) => parsed.faults = faults,
    }
    parsed
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
            Value::Mapping(map) => map
                .iter_mut()
                .find(|(key, _)| validate::key_text(key) == *step)
                .map(|(_, value)| value)?,
            Value::Sequence(items) => items.get_mut(step.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(here)
}

/// Reads one file's YAML and checks the OpenAPI version and the shape, noting in `parsed` the
/// components the file defines and its references.
fn read(file: &SpecFile, parsed: &mut Parsed) -> Result<Value, Vec<Diagnostic>> {
    let fault = |location: Option<Location>, message: String, help: &str| {
        Diagnostic::new(&file.name, message).at(location).help(help)
    };
    if file.text.trim().is_empty() || file.tree.as_ref().is_some_and(|t| t.root.is_none()) {
        return Err(vec![fault(
            Some(file.start()),
            "the file is empty".to_owned(),
            "write an OpenAPI 3.0 document in it: `openapi: 3.0.3`, `info:` and `paths:`",
        )]);
    }
    if let Some(tree) = &file.tree {
        if !tree.duplicates.is_empty() {
            return Err(tree
                .duplicates
                .iter()
                .map(|d| {
                    Diagnostic::new(
                        &file.name,
                        format!(
                            "the key `{}` is written twice in one mapping",
                            validate::short(&d.key)
                        ),
                    )
                    .at(Some(file.location(d.second)))
                    .note(
                        &file.name,
                        Some(file.location(d.first)),
                        "first written here",
                    )
                    .help("keep one of them, with the contents of both")
                })
                .collect());
        }
    }
    let value: Value = match serde_yaml::from_str(&file.text) {
        Ok(value) => value,
        Err(e) => return Err(vec![yaml_error(file, &e)]),
    };
    let Value::Mapping(mapping) = &value else {
        let what = validate::describe(&value);
        return Err(vec![fault(
            file.locate(&[]).or(Some(file.start())),
            format!("the file is not a mapping but {what}"),
            "a spec file is one OpenAPI 3.0 document: a mapping with `openapi:`, `info:` and `paths:`",
        )]);
    };
    if let Some(swagger) = mapping.get("swagger") {
        let version = match swagger {
            Value::String(s) => format!(" {}", validate::short(s)),
            Value::Number(n) => format!(" {n}"),
            _ => String::new(),
        };
        return Err(vec![fault(
            file.locate(&["swagger"]),
            format!("this is a Swagger{version} document; the generator reads OpenAPI 3.0"),
            "convert it to OpenAPI 3.0 (`openapi: 3.0.3`, with `components:` for `definitions:`), e.g. with swagger2openapi",
        )]);
    }
    match mapping.get("openapi") {
        Some(Value::String(v)) if v.starts_with("3.0.") || v == "3.0" => {}
        Some(Value::String(v)) if v.starts_with("3.1") => {
            return Err(vec![fault(
                file.locate_value(&["openapi"]),
                format!("OpenAPI {} documents are not supported", validate::short(v)),
                "write the document as OpenAPI 3.0 (`openapi: 3.0.3`): one `type` per schema, `nullable: true` for null, no `webhooks`",
            )]);
        }
        Some(Value::String(v)) => {
            return Err(vec![fault(
                file.locate_value(&["openapi"]),
                format!("OpenAPI version `{}` is not supported", validate::short(v)),
                "write the document as OpenAPI 3.0 (`openapi: 3.0.3`)",
            )]);
        }
        Some(other) => {
            return Err(vec![fault(
                file.locate_value(&["openapi"]),
                format!("`openapi` must be a version in quotes, not {}", validate::describe(other)),
                "write `openapi: 3.0.3` (a bare `3.0` is read as a number; quote it: `openapi: '3.0'`)",
            )]);
        }
        None => {
            return Err(vec![fault(
                file.locate(&[]).or(Some(file.start())),
                "the document has no `openapi` version".to_owned(),
                "start it with `openapi: 3.0.3`",
            )]);
        }
    }
    if let Some(found) = too_deep(&value) {
        return Err(vec![fault(
            file.locate_path(&found, At::Key),
            format!("the document nests deeper than {MAX_DEPTH} levels"),
            "flatten it: move nested schemas to `components: schemas:` and refer to them with `$ref`",
        )]);
    }
    let report = validate::check(&value);
    parsed.references = report.references;
    if let Some(Value::Mapping(components)) = mapping.get("components") {
        for (section, entries) in components {
            if let (Some(section), Value::Mapping(entries)) = (section.as_str(), entries) {
                for name in entries.keys().filter_map(Value::as_str) {
                    parsed.names.insert(section, name);
                }
            }
        }
    }
    if !report.faults.is_empty() {
        return Err(report
            .faults
            .into_iter()
            .map(|f| {
                Diagnostic::new(&file.name, f.message)
                    .at(file.locate_path(&f.path, f.at))
                    .help(f.help)
            })
            .collect());
    }
    Ok(value)
}

/// Reads a document whose shape was checked into openapiv3's types.
fn deserialize(file: &SpecFile, value: Value) -> Result<OpenAPI, Vec<Diagnostic>> {
    match serde_path_to_error::deserialize::<_, OpenAPI>(value) {
        Ok(document) => Ok(document),
        Err(e) => {
            let path: Vec<String> = e
                .path()
                .iter()
                .filter_map(|segment| match segment {
                    serde_path_to_error::Segment::Seq { index } => Some(index.to_string()),
                    serde_path_to_error::Segment::Map { key } => Some(key.clone()),
                    serde_path_to_error::Segment::Enum { variant } => Some(variant.clone()),
                    serde_path_to_error::Segment::Unknown => None,
                })
                .collect();
            Err(vec![Diagnostic::new(
                &file.name,
                format!("not a valid OpenAPI 3.0 document: {}", e.inner()),
            )
            .at(file.locate_path(&path, At::Value))
            .help("compare this place with the OpenAPI 3.0 specification")])
        }
    }
}

/// The path to a place nested deeper than [`MAX_DEPTH`], if any (iterative: any depth is safe).
fn too_deep(value: &Value) -> Option<Vec<String>> {
    let mut stack: Vec<(&Value, Vec<String>)> = vec![(value, Vec::new())];
    while let Some((value, path)) = stack.pop() {
        if path.len() > MAX_DEPTH {
            return Some(path);
        }
        match value {
            Value::Sequence(items) => {
                for (i, item) in items.iter().enumerate() {
                    let mut p = path.clone();
                    p.push(i.to_string());
                    stack.push((item, p));
                }
            }
            Value::Mapping(map) => {
                for (k, v) in map {
                    let mut p = path.clone();
                    p.push(k.as_str().unwrap_or("?").to_owned());
                    stack.push((v, p));
                }
            }
            Value::Tagged(tagged) => stack.push((&tagged.value, path)),
            _ => {}
        }
    }
    None
}

fn yaml_error(file: &SpecFile, error: &serde_yaml::Error) -> Diagnostic {
    // serde_yaml's text: `PROBLEM at line L column C[, while CONTEXT at line L column C]`.
    let text = error.to_string();
    let (problem, context) = match text.split_once(", while ") {
        Some((problem, context)) => (problem, Some(context)),
        None => (text.as_str(), None),
    };
    let problem = problem.split(" at line ").next().unwrap_or(problem);
    let location = error.location().map(|l| {
        file.location(Span {
            pos: crate::yaml::Pos {
                line: l.line(),
                column: l.column(),
            },
            width: 1,
        })
    });
    // The context: what was being read, and where it started.
    let context = context.and_then(|c| {
        let (what, place) = c.split_once(" at line ")?;
        let (line, column) = place.split_once(" column ")?;
        let what = what
            .trim_start_matches("parsing ")
            .trim_start_matches("scanning ")
            .to_owned();
        Some((
            what,
            line.parse::<usize>().ok()?,
            column.parse::<usize>().ok()?,
        ))
    });
    let help = match &context {
        _ if problem.contains("more than one document") => "keep one document per file: remove the `---` line and what follows, or move it to a file of its own".to_owned(),
        _ if problem.contains("recursion limit") || problem.contains("repetition limit") => "write the document without so many nested levels or repeated aliases".to_owned(),
        _ if problem.contains("duplicate entry") => "keep one of the two entries, with the contents of both".to_owned(),
        Some((what, line, _)) if what.contains("flow sequence") => format!("close the list `[...]` that starts on line {line} with `]`, and separate its items with `,`"),
        Some((what, line, _)) if what.contains("flow mapping") => format!("close the mapping `{{...}}` that starts on line {line} with `}}`, and separate its entries with `,`"),
        Some((what, line, _)) if what.contains("quoted scalar") => format!("close the quoted text that starts on line {line} with the same quote"),
        Some((what, _, _)) if what.contains("block mapping") || what.contains("simple key") => "indent the keys of one mapping equally, write `: ` after each key, and quote values that contain `: ` or start with a special character".to_owned(),
        _ => "fix the YAML syntax at this place (indentation, a missing `:` or quote, a stray character)".to_owned(),
    };
    let mut diagnostic = Diagnostic::new(&file.name, format!("invalid YAML: {problem}"))
        .at(location.or(Some(file.start())))
        .help(help);
    if let Some((what, line, column)) = context {
        let location = file.location(Span {
            pos: crate::yaml::Pos { line, column },
            width: 1,
        });
        diagnostic = diagnostic.note(&file.name, Some(location), format!("{what} starts here"));
    }
    diagnostic
}

fn merge(
    files: Vec<SpecFile>,
    documents: Vec<(usize, OpenAPI)>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Spec {
    let mut merged: Option<OpenAPI> = None;
    let mut operation_files = BTreeMap::new();
    let mut component_files: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut operation_ids: BTreeMap<String, (usize, String, String)> = BTreeMap::new();

    for (file_index, document) in documents {
        let file = &files[file_index];
        for (path, item) in &document.paths.paths {
            let ReferenceOr::Item(item) = item else {
                continue;
            };
            for (method, operation) in item.iter() {
                let first_definition = operation_files
                    .get(&(path.clone(), method.to_owned()))
                    .copied();
                if let Some(first) = first_definition {
                    let first: &SpecFile = &files[first];
                    diagnostics.push(
                        Diagnostic::new(
                            &file.name,
                            format!(
                                "`{} {path}` is defined twice; first at {}",
                                method.to_uppercase(),
                                first.place_text(&["paths", path, method])
                            ),
                        )
                        .at(file.locate(&["paths", path, method]))
                        .note(
                            &first.name,
                            first.locate(&["paths", path, method]),
                            "first defined here",
                        )
                        .help("keep one definition of each operation"),
                    );
                    continue;
                }
                operation_files.insert((path.clone(), method.to_owned()), file_index);
                let Some(id) = &operation.operation_id else {
                    continue;
                };
                let keys = ["paths", path.as_str(), method, "operationId"];
                if let Some((first_file, first_path, first_method)) = operation_ids.get(id) {
                    let first = &files[*first_file];
                    let first_keys = [
                        "paths",
                        first_path.as_str(),
                        first_method.as_str(),
                        "operationId",
                    ];
                    diagnostics.push(
                        Diagnostic::new(
                            &file.name,
                            format!(
                                "operationId `{}` is used twice; first by `{} {first_path}` at {}",
                                validate::short(id),
                                first_method.to_uppercase(),
                                first.place_text(&first_keys)
                            ),
                        )
                        .at(file.locate_value(&keys))
                        .note(&first.name, first.locate_value(&first_keys), "first used here")
                        .help("give each operation its own operationId: the official operation name of the API reference"),
                    );
                } else {
                    operation_ids.insert(id.clone(), (file_index, path.clone(), method.to_owned()));
                }
            }
        }
        let Some(target) = merged.as_mut() else {
            if let Some(components) = &document.components {
                for section in SECTIONS {
                    for name in component_names(components, section) {
                        component_files.insert((section.to_string(), name.clone()), file_index);
                    }
                }
            }
            merged = Some(document);
            continue;
        };
        for (path, item) in document.paths.paths {
            match target.paths.paths.get_mut(&path) {
                None => {
                    target.paths.paths.insert(path, item);
                }
                Some(ReferenceOr::Item(existing)) => {
                    if let ReferenceOr::Item(item) = item {
                        merge_path_item(existing, item);
                    }
                }
                Some(ReferenceOr::Reference { .. }) => {}
            }
        }
        if let Some(components) = document.components {
            let target_components = target.components.get_or_insert_with(Default::default);
            macro_rules! merge_components {
                ($field:ident, $section:literal) => {
                    for (name, value) in components.$field {
                        match target_components.$field.get(&name) {
                            None => {
                                component_files.insert(($section.to_owned(), name.clone()), file_index);
                                target_components.$field.insert(name, value);
                            }
                            Some(existing) if same(existing, &value) => {}
                            Some(_) => {
                                let keys = ["components", $section, name.as_str()];
                                let first = component_files
                                    .get(&($section.to_owned(), name.clone()))
                                    .map(|i| &files[*i]);
                                let first_place = first
                                    .map(|f| format!(" at {}", f.place_text(&keys)))
                                    .unwrap_or_default();
                                let mut diagnostic = Diagnostic::new(
                                    &file.name,
                                    format!(
                                        "`components: {}: {}` differs from the definition of the same name{first_place}",
                                        $section,
                                        validate::short(&name)
                                    ),
                                )
                                .at(file.locate(&keys))
                                .help("make both definitions identical, or rename one of them (and its `$ref`s)");
                                if let Some(first) = first {
                                    diagnostic = diagnostic.note(&first.name, first.locate(&keys), "first defined here");
                                }
                                diagnostics.push(diagnostic);
                            }
                        }
                    }
                };
            }
            merge_components!(schemas, "schemas");
            merge_components!(responses, "responses");
            merge_components!(parameters, "parameters");
            merge_components!(examples, "examples");
            merge_components!(request_bodies, "requestBodies");
            merge_components!(headers, "headers");
            merge_components!(security_schemes, "securitySchemes");
            merge_components!(links, "links");
            merge_components!(callbacks, "callbacks");
        }
    }
    // With no document read, the files are still needed for the places of other faults.
    let document = merged.unwrap_or_else(|| OpenAPI {
        openapi: String::new(),
        ..Default::default()
    });
    let schema_files = component_files
        .iter()
        .filter(|((section, _), _)| section == "schemas")
        .map(|((_, name), index)| (name.clone(), *index))
        .collect();
    Spec {
        files,
        document,
        operation_files,
        schema_files,
        component_files,
        catalog: Catalog::default(),
    }
}

/// Adds the operations of `item` that `existing` lacks (the same operation in two files was
/// reported already).
fn merge_path_item(existing: &mut openapiv3::PathItem, item: openapiv3::PathItem) {
    let slots = [
        (item.get, &mut existing.get),
        (item.put, &mut existing.put),
        (item.post, &mut existing.post),
        (item.delete, &mut existing.delete),
        (item.options, &mut existing.options),
        (item.head, &mut existing.head),
        (item.patch, &mut existing.patch),
        (item.trace, &mut existing.trace),
    ];
    for (new, slot) in slots {
        if slot.is_none() {
            *slot = new;
        }
    }
    existing.parameters.extend(item.parameters);
}

fn same<T: serde::Serialize>(a: &T, b: &T) -> bool {
    match (serde_json::to_value(a), serde_json::to_value(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Finds a key by following `keys` down block-style YAML mappings in the text (list indices are
/// skipped): the line, column and width of the deepest key found.
fn search_key(text: &str, keys: &[&str]) -> Option<(usize, usize, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut start = 0;
    let mut parent_indent: Option<usize> = None;
    let mut found = None;
    for key in keys.iter().filter(|k| k.parse::<usize>().is_err()) {
        let mut hit = None;
        for (index, line) in lines.iter().enumerate().skip(start) {
            let trimmed = line.trim_start();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let indent = line.len() - trimmed.len();
            if parent_indent.is_some_and(|parent| indent <= parent) {
                break;
            }
            let (trimmed, indent) = match trimmed.strip_prefix("- ") {
                Some(rest) => (rest, indent + 2),
                None => (trimmed, indent),
            };
            if [
                format!("{key}:"),
                format!("'{key}':"),
                format!("\"{key}\":"),
            ]
            .iter()
            .any(|k| trimmed.starts_with(k.as_str()))
            {
                hit = Some((index, indent));
                break;
            }
        }
        let Some((index, indent)) = hit else {
            break;
        };
        let column = lines[index][..indent].chars().count() + 1;
        found = Some((index + 1, column, key.chars().count().max(1)));
        start = index + 1;
        parent_indent = Some(indent);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_keys_values_and_list_items() {
        let file = SpecFile::new(
            "spec/x.yaml",
            "a:\n  b:\n    c: 1\n  'd':\n    - c: 2\n    - c: maybe\ne:\n  c: 3\n",
        );
        let at = |l: Option<Location>| l.map(|l| (l.line, l.column));
        assert_eq!(at(file.locate(&["a", "b", "c"])), Some((3, 5)));
        assert_eq!(at(file.locate(&["a", "d", "1", "c"])), Some((6, 7)));
        assert_eq!(at(file.locate_value(&["a", "d", "1", "c"])), Some((6, 10)));
        assert_eq!(at(file.locate(&["a", "d", "1"])), Some((6, 7)));
        assert_eq!(at(file.locate(&["e", "c"])), Some((8, 3)));
        // Not there: the deepest step that is.
        assert_eq!(at(file.locate(&["a", "e"])), Some((1, 1)));
        assert_eq!(file.locate(&["e", "c"]).unwrap().source, "  c: 3");
    }
}
