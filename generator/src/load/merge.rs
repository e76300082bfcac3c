//! Merging the documents of all spec files into one: operations and components keep the file
//! that defines them; an operation or operationId defined twice, or a component defined twice with
//! different contents, is a fault naming both places.

use crate::diagnostic::Diagnostic;
use crate::reference::{component_names, Catalog, SECTIONS};
use crate::spec::{Spec, SpecFile};
use crate::text::short;
use indexmap::IndexMap;
use openapiv3::{Components, OpenAPI, ReferenceOr};
use std::collections::BTreeMap;

/// Merges the documents read (each with the index of its file); the faults are conflicts
/// between files.
pub(super) fn merge(
    files: Vec<SpecFile>,
    documents: Vec<(usize, OpenAPI)>,
) -> (Spec, Vec<Diagnostic>) {
    let mut merger = Merger {
        files: &files,
        merged: None,
        operation_files: BTreeMap::new(),
        component_files: BTreeMap::new(),
        operation_ids: BTreeMap::new(),
        faults: Vec::new(),
    };
    for (file_index, document) in documents {
        merger.add(file_index, document);
    }
    let Merger {
        merged,
        operation_files,
        component_files,
        faults,
        ..
    } = merger;
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
    let spec = Spec {
        files,
        document,
        operation_files,
        schema_files,
        component_files,
        catalog: Catalog::default(),
    };
    (spec, faults)
}

/// The merge so far.
struct Merger<'f> {
    files: &'f [SpecFile],
    merged: Option<OpenAPI>,
    /// (path, method) → the file defining the operation.
    operation_files: BTreeMap<(String, String), usize>,
    /// (section, name) → the file of the first definition of a component.
    component_files: BTreeMap<(String, String), usize>,
    /// operationId → the file, path and method using it first.
    operation_ids: BTreeMap<String, (usize, String, String)>,
    faults: Vec<Diagnostic>,
}

impl Merger<'_> {
    fn add(&mut self, file_index: usize, document: OpenAPI) {
        self.register_operations(file_index, &document);
        let Some(target) = self.merged.as_mut() else {
            if let Some(components) = &document.components {
                for section in SECTIONS {
                    for name in component_names(components, section) {
                        self.component_files
                            .insert((section.to_string(), name.clone()), file_index);
                    }
                }
            }
            self.merged = Some(document);
            return;
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
            self.merge_components(file_index, components);
        }
    }

    /// Notes where each operation and operationId of a document is defined; one defined before
    /// is a fault.
    fn register_operations(&mut self, file_index: usize, document: &OpenAPI) {
        for (path, item) in &document.paths.paths {
            let ReferenceOr::Item(item) = item else {
                continue;
            };
            for (method, operation) in item.iter() {
                let key = (path.clone(), method.to_owned());
                if let Some(first) = self.operation_files.get(&key).copied() {
                    self.operation_defined_twice(file_index, first, path, method);
                    continue;
                }
                self.operation_files.insert(key, file_index);
                let Some(id) = &operation.operation_id else {
                    continue;
                };
                if let Some(first) = self.operation_ids.get(id).cloned() {
                    self.operation_id_used_twice(file_index, first, (path, method), id);
                } else {
                    let first = (file_index, path.clone(), method.to_owned());
                    self.operation_ids.insert(id.clone(), first);
                }
            }
        }
    }

    fn operation_defined_twice(
        &mut self,
        file_index: usize,
        first: usize,
        path: &str,
        method: &str,
    ) {
        let file = &self.files[file_index];
        let first = &self.files[first];
        self.faults.push(
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
    }

    fn operation_id_used_twice(
        &mut self,
        file_index: usize,
        (first_file, first_path, first_method): (usize, String, String),
        (path, method): (&str, &str),
        id: &str,
    ) {
        let file = &self.files[file_index];
        let first = &self.files[first_file];
        let keys = ["paths", path, method, "operationId"];
        let first_keys = [
            "paths",
            first_path.as_str(),
            first_method.as_str(),
            "operationId",
        ];
        self.faults.push(
            Diagnostic::new(
                &file.name,
                format!(
                    "operationId `{}` is used twice; first by `{} {first_path}` at {}",
                    short(id),
                    first_method.to_uppercase(),
                    first.place_text(&first_keys)
                ),
            )
            .at(file.locate_value(&keys))
            .note(&first.name, first.locate_value(&first_keys), "first used here")
            .help("give each operation its own operationId: the official operation name of the API reference"),
        );
    }

    fn merge_components(&mut self, file_index: usize, components: Components) {
        let Some(merged) = self.merged.as_mut() else {
            return;
        };
        let mut target = merged.components.take().unwrap_or_default();
        self.merge_section(
            file_index,
            "schemas",
            &mut target.schemas,
            components.schemas,
        );
        self.merge_section(
            file_index,
            "responses",
            &mut target.responses,
            components.responses,
        );
        self.merge_section(
            file_index,
            "parameters",
            &mut target.parameters,
            components.parameters,
        );
        self.merge_section(
            file_index,
            "examples",
            &mut target.examples,
            components.examples,
        );
        self.merge_section(
            file_index,
            "requestBodies",
            &mut target.request_bodies,
            components.request_bodies,
        );
        self.merge_section(
            file_index,
            "headers",
            &mut target.headers,
            components.headers,
        );
        self.merge_section(
            file_index,
            "securitySchemes",
            &mut target.security_schemes,
            components.security_schemes,
        );
        self.merge_section(file_index, "links", &mut target.links, components.links);
        self.merge_section(
            file_index,
            "callbacks",
            &mut target.callbacks,
            components.callbacks,
        );
        if let Some(merged) = self.merged.as_mut() {
            merged.components = Some(target);
        }
    }

    /// Adds the components of one section; a name defined before with other contents is a fault.
    fn merge_section<T: serde::Serialize>(
        &mut self,
        file_index: usize,
        section: &str,
        target: &mut IndexMap<String, T>,
        source: IndexMap<String, T>,
    ) {
        for (name, value) in source {
            match target.get(&name) {
                None => {
                    self.component_files
                        .insert((section.to_owned(), name.clone()), file_index);
                    target.insert(name, value);
                }
                Some(existing) if same(existing, &value) => {}
                Some(_) => self.component_differs(file_index, section, &name),
            }
        }
    }

    fn component_differs(&mut self, file_index: usize, section: &str, name: &str) {
        let file = &self.files[file_index];
        let keys = ["components", section, name];
        let first = self
            .component_files
            .get(&(section.to_owned(), name.to_owned()))
            .map(|i| &self.files[*i]);
        let first_place = first
            .map(|f| format!(" at {}", f.place_text(&keys)))
            .unwrap_or_default();
        let mut diagnostic = Diagnostic::new(
            &file.name,
            format!(
                "`components: {section}: {}` differs from the definition of the same name{first_place}",
                short(name)
            ),
        )
        .at(file.locate(&keys))
        .help("make both definitions identical, or rename one of them (and its `$ref`s)");
        if let Some(first) = first {
            diagnostic = diagnostic.note(&first.name, first.locate(&keys), "first defined here");
        }
        self.faults.push(diagnostic);
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
