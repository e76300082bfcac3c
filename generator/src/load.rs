//! Load: spec files (YAML) to OpenAPI documents, merged into one, remembering where each operation
//! and component came from.

use crate::diagnostic::{Diagnostic, Diagnostics};
use openapiv3::{OpenAPI, ReferenceOr};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One spec file as read from disk.
#[derive(Debug)]
pub struct SpecFile {
    /// The name used in messages and in the generated header (as given, with `/` separators).
    pub name: String,
    pub text: String,
}

impl SpecFile {
    /// 1-based line and column of the key reached by following `keys` down block-style YAML
    /// mappings, e.g. `["paths", "/v1/x", "post"]`. `None` when the key is not found that way.
    pub fn locate(&self, keys: &[&str]) -> Option<(usize, usize)> {
        locate_key(&self.text, keys)
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

/// Reads and merges the given spec files. Every fault of every file is reported at once.
pub fn load(paths: &[PathBuf]) -> Result<Spec, Diagnostics> {
    let mut diagnostics = Vec::new();
    let mut files = Vec::new();
    let mut documents = Vec::new();
    for path in paths {
        let name = display_name(path);
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) => {
                diagnostics.push(Diagnostic::new(name, format!("cannot read the file: {e}")));
                continue;
            }
        };
        let file = SpecFile { name, text };
        match parse(&file) {
            Ok(document) => {
                documents.push((files.len(), document));
            }
            Err(d) => diagnostics.push(d),
        }
        files.push(file);
    }
    if !diagnostics.is_empty() {
        return Err(Diagnostics(diagnostics));
    }
    merge(files, documents)
}

fn display_name(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

fn parse(file: &SpecFile) -> Result<OpenAPI, Diagnostic> {
    let value: serde_yaml::Value =
        serde_yaml::from_str(&file.text).map_err(|e| yaml_error(file, &e))?;
    let Some(mapping) = value.as_mapping() else {
        return Err(Diagnostic::new(&file.name, "the file is not a YAML mapping")
            .at(Some((1, 1)))
            .help("a spec file is one OpenAPI 3.0 document: a mapping with `openapi`, `info` and `paths`"));
    };
    match mapping.get("openapi").and_then(|v| v.as_str()) {
        Some(v) if v.starts_with("3.0.") => {}
        Some(v) => {
            return Err(Diagnostic::new(
                &file.name,
                format!("OpenAPI version {v} is not supported"),
            )
            .at(file.locate(&["openapi"]))
            .help("write the document as OpenAPI 3.0 (`openapi: 3.0.3`)"));
        }
        None => {
            let help = if mapping.contains_key("swagger") {
                "this is a Swagger 2.0 document; convert it to OpenAPI 3.0 (`openapi: 3.0.3`)"
            } else {
                "start the document with `openapi: 3.0.3`"
            };
            return Err(
                Diagnostic::new(&file.name, "missing `openapi` version field")
                    .at(Some((1, 1)))
                    .help(help),
            );
        }
    }
    serde_yaml::from_value(value).map_err(|e| {
        Diagnostic::new(&file.name, format!("not a valid OpenAPI 3.0 document: {e}"))
            .help("compare the structure with the OpenAPI 3.0 specification")
    })
}

fn yaml_error(file: &SpecFile, error: &serde_yaml::Error) -> Diagnostic {
    let place = error.location().map(|l| (l.line(), l.column()));
    let mut message = error.to_string();
    // serde_yaml appends " at line L column C"; the place is printed in front already.
    if let Some(cut) = message.find(" at line ") {
        message.truncate(cut);
    }
    Diagnostic::new(&file.name, format!("invalid YAML: {message}"))
        .at(place)
        .help("fix the YAML syntax at that place")
}

fn merge(files: Vec<SpecFile>, documents: Vec<(usize, OpenAPI)>) -> Result<Spec, Diagnostics> {
    let mut diagnostics = Vec::new();
    let mut merged: Option<OpenAPI> = None;
    let mut operation_files = BTreeMap::new();
    let mut schema_files: BTreeMap<String, usize> = BTreeMap::new();
    let mut operation_ids: BTreeMap<String, (usize, String, String)> = BTreeMap::new();

    for (file_index, document) in documents {
        let file = &files[file_index];
        for (path, item) in &document.paths.paths {
            let ReferenceOr::Item(item) = item else {
                continue;
            };
            for (method, operation) in item.iter() {
                operation_files.insert((path.clone(), method.to_owned()), file_index);
                if let Some(id) = &operation.operation_id {
                    if let Some((first_file, first_path, first_method)) = operation_ids.get(id) {
                        let first = &files[*first_file];
                        let first_place = place_text(first, &["paths", first_path, first_method]);
                        diagnostics.push(
                            Diagnostic::new(
                                &file.name,
                                format!("operationId `{id}` is used twice; first at {first_place}"),
                            )
                            .at(file.locate(&["paths", path, method, "operationId"]))
                            .help("give each operation its own operationId"),
                        );
                    } else {
                        operation_ids
                            .insert(id.clone(), (file_index, path.clone(), method.to_owned()));
                    }
                }
            }
        }
        let Some(target) = merged.as_mut() else {
            if let Some(components) = &document.components {
                for name in components.schemas.keys() {
                    schema_files.insert(name.clone(), file_index);
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
                        merge_path_item(
                            existing,
                            item,
                            &path,
                            file,
                            &files,
                            &operation_files,
                            &mut diagnostics,
                        );
                    }
                }
                Some(ReferenceOr::Reference { .. }) => {}
            }
        }
        if let Some(components) = document.components {
            let target_components = target.components.get_or_insert_with(Default::default);
            macro_rules! merge_components {
                ($field:ident, $kind:literal) => {
                    for (name, value) in components.$field {
                        match target_components.$field.get(&name) {
                            None => {
                                target_components.$field.insert(name, value);
                            }
                            Some(existing) if same(existing, &value) => {}
                            Some(_) => {
                                let first = schema_files
                                    .get(&name)
                                    .map(|i| &files[*i])
                                    .filter(|_| $kind == "schemas");
                                let first_place = first
                                    .map(|f| format!(" (first at {})", place_text(f, &["components", $kind, &name])))
                                    .unwrap_or_default();
                                diagnostics.push(
                                    Diagnostic::new(
                                        &file.name,
                                        format!("component `{}/{name}` differs from the one of the same name in another file{first_place}", $kind),
                                    )
                                    .at(file.locate(&["components", $kind, &name]))
                                    .help("make both definitions identical, or rename one of them"),
                                );
                            }
                        }
                    }
                };
            }
            for name in components.schemas.keys() {
                schema_files.entry(name.clone()).or_insert(file_index);
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
    if !diagnostics.is_empty() {
        return Err(Diagnostics(diagnostics));
    }
    let Some(document) = merged else {
        return Err(Diagnostic::new("spec", "no spec file to read").into());
    };
    Ok(Spec {
        files,
        document,
        operation_files,
        schema_files,
    })
}

fn merge_path_item(
    existing: &mut openapiv3::PathItem,
    item: openapiv3::PathItem,
    path: &str,
    file: &SpecFile,
    files: &[SpecFile],
    operation_files: &BTreeMap<(String, String), usize>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let slots = [
        ("get", item.get, &mut existing.get),
        ("put", item.put, &mut existing.put),
        ("post", item.post, &mut existing.post),
        ("delete", item.delete, &mut existing.delete),
        ("options", item.options, &mut existing.options),
        ("head", item.head, &mut existing.head),
        ("patch", item.patch, &mut existing.patch),
        ("trace", item.trace, &mut existing.trace),
    ];
    for (method, new, slot) in slots {
        let Some(new) = new else { continue };
        if slot.is_some() {
            let first = files
                .iter()
                .find(|f| f.name != file.name && f.locate(&["paths", path, method]).is_some())
                .map(|f| place_text(f, &["paths", path, method]))
                .unwrap_or_else(|| "another file".to_owned());
            let _ = operation_files;
            diagnostics.push(
                Diagnostic::new(
                    &file.name,
                    format!(
                        "`{} {path}` is defined twice; first at {first}",
                        method.to_uppercase()
                    ),
                )
                .at(file.locate(&["paths", path, method]))
                .help("keep one definition of each operation"),
            );
        } else {
            *slot = Some(new);
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

fn place_text(file: &SpecFile, keys: &[&str]) -> String {
    match file.locate(keys) {
        Some((line, column)) => format!("{}:{line}:{column}", file.name),
        None => file.name.clone(),
    }
}

/// Finds a key in block-style YAML by following `keys` from the top. Good enough for the
/// hand-written specs this project keeps (block mappings, optionally quoted keys).
pub fn locate_key(text: &str, keys: &[&str]) -> Option<(usize, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut start = 0;
    let mut parent_indent: Option<usize> = None;
    let mut found = None;
    for key in keys {
        let mut hit = None;
        for (index, line) in lines.iter().enumerate().skip(start) {
            let trimmed = line.trim_start();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let indent = line.len() - trimmed.len();
            if let Some(parent) = parent_indent {
                if indent <= parent {
                    break;
                }
            }
            let trimmed = trimmed.strip_prefix("- ").unwrap_or(trimmed);
            let bare = [
                format!("{key}:"),
                format!("'{key}':"),
                format!("\"{key}\":"),
            ];
            if bare
                .iter()
                .any(|b| trimmed == b.as_str() || trimmed.starts_with(&format!("{b} ")))
            {
                hit = Some((index, indent));
                break;
            }
        }
        let (index, indent) = hit?;
        found = Some((index + 1, indent + 1));
        start = index + 1;
        parent_indent = Some(indent);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::locate_key;

    #[test]
    fn locates_nested_keys() {
        let text = "a:\n  b:\n    c: 1\n  'd':\n    c: 2\ne:\n  c: 3\n";
        assert_eq!(locate_key(text, &["a", "b", "c"]), Some((3, 5)));
        assert_eq!(locate_key(text, &["a", "d", "c"]), Some((5, 5)));
        assert_eq!(locate_key(text, &["e", "c"]), Some((7, 3)));
        assert_eq!(locate_key(text, &["a", "e"]), None);
    }
}
