//! Merging the documents of all spec files into one: operations and components keep the file
//! that defines them; an operation or operationId defined twice, or a component defined twice with
//! different contents, is a fault naming both places.

use crate::diagnostic::Diagnostic;
use crate::reference::{component_names, Catalog, SECTIONS};
use crate::spec::{Spec, SpecFile};
use crate::text::short;
use openapiv3::{OpenAPI, ReferenceOr};
use std::collections::BTreeMap;

/// Merges the documents read (each with the index of its file), reporting conflicts.
pub(super) fn merge(
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
                                short(id),
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
                                        short(&name)
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
