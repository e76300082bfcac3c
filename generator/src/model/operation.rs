//! Operations: each path and method of the spec becomes an [`Operation`]: its parameters
//! (the path item's and its own, resolved and checked against the path template), the handle it
//! lives on, its body, its documented answers (`outcome.rs`), and names that do not collide.

use super::docs::{add_constraint_docs, description_lines};
use super::{owned, Builder, Docs, Here, Operation, Param, ParamLocation, Scope, TypeRef};
use crate::diagnostic::{Diagnostic, Location};
use crate::names::{pascal, snake, Namespace};
use crate::place::At;
use crate::reference::Kind;
use openapiv3::{Parameter, ParameterSchemaOrContent, ReferenceOr};
use std::collections::{BTreeSet, HashMap};

/// The names operations claim, shared by all of them: method names per handle, and the
/// prefixes of each operation's own types (`{prefix}Request`, `{prefix}Error`).
#[derive(Default)]
struct OperationNames {
    methods: HashMap<Scope, Namespace>,
    type_prefixes: Namespace,
}

impl OperationNames {
    /// The method of `operation_id` on the handle of `scope`.
    fn method(&mut self, scope: Scope, operation_id: &str) -> String {
        let names = self.methods.entry(scope).or_insert_with(|| {
            // The handles' own methods (public and crate-private), the common trait methods
            // they answer to, and `new`, which clippy expects to return `Self`.
            Namespace::with_reserved(&[
                "new",
                "client",
                "project",
                "workspace",
                "project_id",
                "workspace_id",
                "builder",
                "endpoint",
                "execute",
                "http",
                "credentials",
                "settings",
                "clone",
                "fmt",
            ])
        });
        names.claim_snake(operation_id)
    }
}

/// Names a builder's fields and setters do not take: its own fields and methods (the runtime's
/// `operation!` gives every builder `options` and `send`, `paged!` a paged one `pages` and
/// `items`), and the methods of the binary operators, which clippy takes a setter (`fn add(self,
/// x) -> Self`) to be meant as.
const BUILDER_NAMES: &[&str] = &[
    "base",
    "call",
    "scope",
    "options",
    "send",
    "timeout",
    "into_future",
    "pages",
    "items",
    "add",
    "sub",
    "mul",
    "div",
    "rem",
    "shl",
    "shr",
    "bitand",
    "bitor",
    "bitxor",
];

/// A parameter as resolved, with the place it is written at.
type Placed = (Parameter, Vec<String>);

/// One path and method of the spec.
pub(super) struct Place<'s> {
    pub(super) path: &'s str,
    pub(super) method: &'s str,
    item: &'s openapiv3::PathItem,
    pub(super) operation: &'s openapiv3::Operation,
}

impl Builder<'_> {
    /// Every operation, in file order, then in the order of each file.
    pub(super) fn operations(&mut self) -> Vec<Operation> {
        let spec = self.spec;
        let mut ordered: Vec<(usize, Place)> = Vec::new();
        for (path, item) in &spec.document.paths.paths {
            let ReferenceOr::Item(item) = item else {
                self.error(
                    &owned(&["paths", path]),
                    "a path item given by `$ref` is not supported",
                    "write the path item in place",
                );
                continue;
            };
            for (method, operation) in item.iter() {
                let file = spec
                    .operation_files
                    .get(&(path.clone(), method.to_owned()))
                    .copied()
                    .unwrap_or(0);
                let place = Place {
                    path,
                    method,
                    item,
                    operation,
                };
                ordered.push((file, place));
            }
        }
        ordered.sort_by_key(|(file, _)| *file);
        let mut names = OperationNames::default();
        let mut operations = Vec::new();
        for (_, place) in ordered {
            self.file = spec.file_of_operation(place.path, place.method);
            operations.extend(self.operation(&place, &mut names));
        }
        operations
    }

    /// One operation; `None` when it has no operationId (its other faults are still reported).
    fn operation(&mut self, place: &Place, names: &mut OperationNames) -> Option<Operation> {
        let Place {
            path,
            method,
            operation,
            ..
        } = *place;
        let named = operation.operation_id.is_some();
        let operation_id = self.operation_id(place);
        for unsupported in operation.callbacks.keys() {
            self.error(
                &owned(&["paths", path, method, "callbacks"]),
                format!("callback `{unsupported}` is not supported"),
                "remove `callbacks`: the client makes requests and serves none",
            );
        }
        let resolved = self.resolved_parameters(place);
        let declared = self.check_path_template(place, &resolved);
        let scope = Scope::of_path_parameters(&declared);
        let type_name = names.type_prefixes.claim_pascal(&operation_id);
        let mut arg_names = Namespace::with_reserved(BUILDER_NAMES);
        let parameters = resolved
            .iter()
            .filter_map(|parameter| {
                self.parameter(parameter, scope, &type_name, &operation_id, &mut arg_names)
            })
            .collect();
        let body = operation.request_body.as_ref().and_then(|body| {
            let here = Here::new(
                format!("The request body of `{operation_id}`."),
                &["paths", path, method, "requestBody"],
            );
            self.request_body(body, &type_name, &here, &mut arg_names)
        });
        let (successes, errors) = self.outcomes(place, &operation_id, &type_name);
        let docs = operation_docs(operation, &operation_id);
        if !named {
            return None;
        }
        Some(Operation {
            method_name: names.method(scope, &operation_id),
            operation_id,
            type_name,
            http_method: method.to_uppercase(),
            path: path.to_owned(),
            source: self.file.name.clone(),
            family: 0,
            docs,
            scope,
            parameters,
            body,
            successes,
            errors,
            paging: Default::default(),
        })
    }

    /// The operationId, or a stand-in after reporting that it is missing.
    fn operation_id(&mut self, place: &Place) -> String {
        let Place { path, method, .. } = *place;
        place.operation.operation_id.clone().unwrap_or_else(|| {
            self.error(
                &owned(&["paths", path, method]),
                format!("`{} {path}` has no operationId", method.to_uppercase()),
                "add `operationId:` with the official operation name of the API reference (e.g. `ListWorkflows`); it names the generated method",
            );
            format!("{method} {path}")
        })
    }

    /// The parameters of the path item and of the operation, resolved; the operation's own
    /// override the path item's of the same name and place. Each is kept with its place.
    fn resolved_parameters(&mut self, place: &Place) -> Vec<Placed> {
        let Place { path, method, .. } = *place;
        let mut resolved: Vec<Placed> = Vec::new();
        let written = place
            .item
            .parameters
            .iter()
            .enumerate()
            .map(|(i, p)| (p, owned(&["paths", path, "parameters", &i.to_string()])))
            .chain(place.operation.parameters.iter().enumerate().map(|(i, p)| {
                (
                    p,
                    owned(&["paths", path, method, "parameters", &i.to_string()]),
                )
            }));
        for (parameter, origin) in written {
            let Some(parameter) = self.resolve_parameter(parameter, &origin) else {
                continue;
            };
            let data = parameter.parameter_data_ref();
            resolved.retain(|(p, _)| {
                !(p.parameter_data_ref().name == data.name && same_location(p, &parameter))
            });
            resolved.push((parameter, origin));
        }
        resolved
    }

    /// Checks that the path parameters declared and the `{placeholders}` of the path agree;
    /// returns the names of the path parameters declared.
    fn check_path_template(&mut self, place: &Place, resolved: &[Placed]) -> BTreeSet<String> {
        let template: Vec<String> = template_parameters(place.path);
        let declared: BTreeSet<String> = resolved
            .iter()
            .filter(|(p, _)| matches!(p, Parameter::Path { .. }))
            .map(|(p, _)| p.parameter_data_ref().name.clone())
            .collect();
        for name in template.iter().filter(|name| !declared.contains(*name)) {
            self.undeclared_path_parameter(place, name, resolved);
        }
        let path = place.path;
        for (parameter, origin) in resolved {
            let name = &parameter.parameter_data_ref().name;
            if matches!(parameter, Parameter::Path { .. }) && !template.contains(name) {
                let mut at = origin.clone();
                at.push("name".to_owned());
                self.error_at(
                    &at,
                    At::Value,
                    format!("path parameter `{name}` is declared but `{path}` has no `{{{name}}}`"),
                    format!("remove the parameter, or add `{{{name}}}` to the path"),
                );
            }
        }
        declared
    }

    /// Reports a `{name}` of the path that no path parameter declares, pointing into the path.
    fn undeclared_path_parameter(&mut self, place: &Place, name: &str, resolved: &[Placed]) {
        let Place { path, method, .. } = *place;
        let elsewhere = resolved
            .iter()
            .find(|(p, _)| p.parameter_data_ref().name == *name)
            .map(|(p, _)| {
                let location = match p {
                    Parameter::Query { .. } => "query",
                    Parameter::Header { .. } => "header",
                    Parameter::Cookie { .. } => "cookie",
                    Parameter::Path { .. } => "path",
                };
                format!(" (a parameter `{name}` is declared `in: {location}`)")
            })
            .unwrap_or_default();
        let location = self
            .file
            .locate(&["paths", path])
            .map(|l| point_into_key(l, path, &format!("{{{name}}}")));
        self.diagnostics.push(
            Diagnostic::new(
                &self.file.name,
                format!(
                    "path parameter `{{{name}}}` of `{} {path}` is not declared{elsewhere}",
                    method.to_uppercase()
                ),
            )
            .at(location)
            .help(format!(
                "declare it under `parameters:` of the operation or the path: `- {{name: {name}, in: path, required: true, schema: {{type: string}}}}`"
            )),
        );
    }

    /// Where a parameter goes; `None` for one the client does not take (a header the
    /// credentials or the body supply, or a cookie, which is reported).
    fn parameter_location(&mut self, (parameter, origin): &Placed) -> Option<ParamLocation> {
        let data = parameter.parameter_data_ref();
        match parameter {
            Parameter::Path { .. } => Some(ParamLocation::Path),
            Parameter::Query { .. } => Some(ParamLocation::Query),
            Parameter::Header { .. } => {
                let lower = data.name.to_ascii_lowercase();
                // OpenAPI: Accept, Content-Type and Authorization header parameters are ignored.
                let ignored = ["accept", "content-type", "authorization"].contains(&lower.as_str())
                    || self.auth_header.as_deref() == Some(lower.as_str());
                (!ignored).then_some(ParamLocation::Header)
            }
            Parameter::Cookie { .. } => {
                self.error(
                    origin,
                    format!("cookie parameter `{}` is not supported", data.name),
                    "SecMaster takes no cookies: remove the parameter, or declare it `in: header` if the API reads it from a header",
                );
                None
            }
        }
    }

    /// One parameter of the operation; `None` when the client does not take it or it is faulty.
    fn parameter(
        &mut self,
        placed: &Placed,
        scope: Scope,
        type_name: &str,
        operation_id: &str,
        arg_names: &mut Namespace,
    ) -> Option<Param> {
        let location = self.parameter_location(placed)?;
        let (parameter, origin) = placed;
        let data = parameter.parameter_data_ref();
        let mut at = origin.clone();
        at.push("schema".to_owned());
        let ty = match &data.format {
            ParameterSchemaOrContent::Schema(schema) => {
                // For a parameter given by `$ref` this place does not exist in the file; the
                // `$ref` item is then shown.
                let here = Here {
                    doc: format!(
                        "Values of the `{}` parameter of `{operation_id}`.",
                        data.name
                    ),
                    path: at.clone(),
                };
                let place = format!("{type_name}{}", pascal(&data.name));
                self.schema_type(schema, &place, &here)
            }
            ParameterSchemaOrContent::Content(_) => TypeRef::String,
        };
        if !self.is_plain_value(&ty) {
            self.error(
                &at,
                format!(
                    "parameter `{}` is an object, which a path, query or header cannot carry",
                    data.name
                ),
                "give it a string, number, boolean or enum schema (or a list of them), or move it into the request body",
            );
            return None;
        }
        let from_scope =
            location == ParamLocation::Path && scope.parameters().contains(&data.name.as_str());
        Some(Param {
            name: if from_scope {
                snake(&data.name)
            } else {
                arg_names.claim_snake(&data.name)
            },
            wire_name: data.name.clone(),
            location,
            required: data.required || location == ParamLocation::Path,
            ty,
            docs: parameter_docs(data, location),
            from_scope,
        })
    }

    fn resolve_parameter(
        &mut self,
        parameter: &ReferenceOr<Parameter>,
        origin: &[String],
    ) -> Option<Parameter> {
        let here = Here {
            doc: String::new(),
            path: origin.to_vec(),
        };
        self.resolve(parameter, Kind::Parameter, "parameter", &here, |c| {
            &c.parameters
        })
    }
}

fn same_location(a: &Parameter, b: &Parameter) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}

/// Narrows the location of a path key to `part` of it (`{id}` in `/v1/{id}`), when the key is
/// written on its line as given (plain or quoted).
fn point_into_key(mut location: Location, key: &str, part: &str) -> Location {
    let Some(offset) = key.find(part) else {
        return location;
    };
    let line: Vec<char> = location.source.chars().collect();
    let start = location
        .column
        .saturating_sub(1)
        .saturating_sub(location.source_offset);
    let quoted = matches!(line.get(start), Some('"' | '\''));
    let written: String = line.iter().skip(start + usize::from(quoted)).collect();
    if written.starts_with(key) {
        location.column += usize::from(quoted) + key[..offset].chars().count();
        location.width = part.chars().count();
    }
    location
}

impl Scope {
    /// The handle for an operation with these path parameters.
    fn of_path_parameters(declared: &BTreeSet<String>) -> Scope {
        if declared.contains("project_id") && declared.contains("workspace_id") {
            Scope::Workspace
        } else if declared.contains("project_id") {
            Scope::Project
        } else {
            Scope::Client
        }
    }
}

/// The docs of an operation: summary and description, or its name.
fn operation_docs(operation: &openapiv3::Operation, operation_id: &str) -> Docs {
    let mut docs = Vec::new();
    if let Some(summary) = &operation.summary {
        docs.extend(description_lines(summary));
    }
    if let Some(description) = &operation.description {
        if !docs.is_empty() {
            docs.push(String::new());
        }
        docs.extend(description_lines(description));
    }
    if docs.is_empty() {
        docs.push(format!("The `{operation_id}` operation."));
    }
    docs
}

/// The docs of a parameter: its description or its name and place, and its constraints.
fn parameter_docs(data: &openapiv3::ParameterData, location: ParamLocation) -> Docs {
    let mut docs = Vec::new();
    if let Some(description) = &data.description {
        docs.extend(description_lines(description));
    }
    if docs.is_empty() {
        let place = match location {
            ParamLocation::Path => "path",
            ParamLocation::Query => "query",
            ParamLocation::Header => "header",
        };
        docs.push(format!("The `{}` {place} parameter.", data.name));
    }
    if let ParameterSchemaOrContent::Schema(ReferenceOr::Item(schema)) = &data.format {
        add_constraint_docs(&mut docs, schema);
    }
    docs
}

/// Names of the `{name}` placeholders of a path template, in order.
fn template_parameters(path: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        names.push(after[..close].to_owned());
        rest = &after[close + 1..];
    }
    names
}
