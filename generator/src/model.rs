//! Model: the operations and types of the spec, resolved (`$ref`s followed), validated and named
//! once, for the emitters to consume.

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::load::{Spec, SpecFile};
use crate::names::{pascal, snake, Namespace};
use openapiv3::{
    AdditionalProperties, MediaType, Parameter, ParameterSchemaOrContent, ReferenceOr, Schema,
    SchemaKind, StatusCode, StringFormat, Type, VariantOrUnknownOrEmpty,
};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Everything the emitters need.
#[derive(Debug, Clone)]
pub struct Api {
    /// The spec files, as named in the generated header.
    pub sources: Vec<String>,
    pub types: Vec<TypeDef>,
    pub operations: Vec<Operation>,
}

/// A Rust type used by a field, parameter or body.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TypeRef {
    String,
    Bool,
    I32,
    I64,
    F32,
    F64,
    /// Any JSON value (a schema with no type, or `oneOf`/`anyOf`).
    Value,
    /// A JSON object with no declared properties.
    FreeObject,
    /// A generated type, by its Rust name.
    Named(String),
    Vec(Box<TypeRef>),
    Map(Box<TypeRef>),
}

/// Text for a doc comment: title, description and facts such as defaults and ranges.
pub type Docs = Vec<String>;

#[derive(Debug, Clone)]
pub struct TypeDef {
    pub name: String,
    pub docs: Docs,
    pub kind: TypeKind,
}

#[derive(Debug, Clone)]
pub enum TypeKind {
    Struct {
        fields: Vec<Field>,
        /// Type of the values of properties not declared (`additionalProperties`).
        additional: Option<TypeRef>,
    },
    /// A string enum; `other` names the variant that keeps values this client does not know.
    Enum {
        variants: Vec<Variant>,
        other: String,
    },
    Alias(TypeRef),
}

#[derive(Debug, Clone)]
pub struct Field {
    pub name: String,
    pub wire_name: String,
    pub ty: TypeRef,
    pub required: bool,
    pub nullable: bool,
    /// Stored behind a `Box` because the type contains itself.
    pub boxed: bool,
    pub docs: Docs,
}

#[derive(Debug, Clone)]
pub struct Variant {
    pub name: String,
    pub value: String,
}

/// Which handle an operation's method lives on, decided by the path parameters it shares with
/// the handles: `project_id` and `workspace_id` → [`Scope::Workspace`], `project_id` alone →
/// [`Scope::Project`], otherwise [`Scope::Client`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    Client,
    Project,
    Workspace,
}

impl Scope {
    /// The path parameters the handle supplies.
    pub fn parameters(self) -> &'static [&'static str] {
        match self {
            Scope::Client => &[],
            Scope::Project => &["project_id"],
            Scope::Workspace => &["project_id", "workspace_id"],
        }
    }
}

#[derive(Debug, Clone)]
pub struct Operation {
    pub operation_id: String,
    /// snake_case method name.
    pub method_name: String,
    /// PascalCase prefix of the operation's own types (`{prefix}Request`, `{prefix}Error`).
    pub type_name: String,
    pub http_method: String,
    pub path: String,
    pub source: String,
    pub docs: Docs,
    pub scope: Scope,
    pub parameters: Vec<Param>,
    pub body: Option<Body>,
    pub successes: Vec<Outcome>,
    pub errors: Vec<Outcome>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    Path,
    Query,
    Header,
}

#[derive(Debug, Clone)]
pub struct Param {
    pub name: String,
    pub wire_name: String,
    pub location: ParamLocation,
    pub required: bool,
    pub ty: TypeRef,
    pub docs: Docs,
    /// Supplied by the scope handle rather than by the caller.
    pub from_scope: bool,
}

#[derive(Debug, Clone)]
pub enum Body {
    /// A JSON body; `required: false` makes it an optional setter.
    Json {
        ty: TypeRef,
        required: bool,
        docs: Docs,
    },
    /// A `multipart/form-data` body; its fields are the method's arguments and setters.
    Multipart { fields: Vec<FormField> },
    /// A raw binary body (`application/octet-stream`).
    Binary { required: bool, docs: Docs },
}

#[derive(Debug, Clone)]
pub struct FormField {
    pub name: String,
    pub wire_name: String,
    pub required: bool,
    pub docs: Docs,
    /// `None` for a file part; otherwise the type of a text part.
    pub text: Option<TypeRef>,
}

/// What one status (or range, or `default`) answers with.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub status: StatusMatch,
    pub variant: String,
    pub docs: Docs,
    pub body: ResponseBody,
    /// Documented response header names.
    pub headers: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusMatch {
    Code(u16),
    /// `4XX` is `Range(4)`.
    Range(u16),
    Default,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResponseBody {
    Empty,
    Json(TypeRef),
    Text,
    Binary,
}

/// Names the Rust types emitted per operation end with; schema names must not take them.
const OPERATION_TYPE_SUFFIXES: &[&str] = &["Request", "Error", "Response"];

/// Builds the model of a merged spec, reporting every fault at once.
pub fn build(spec: &Spec) -> Result<Api, Diagnostics> {
    let mut builder = Builder::new(spec);
    builder.components();
    let operations = builder.operations();
    if !builder.diagnostics.is_empty() {
        return Err(Diagnostics(builder.diagnostics));
    }
    let mut types = builder.types;
    mark_boxed(&mut types);
    Ok(Api {
        sources: spec.files.iter().map(|f| f.name.clone()).collect(),
        types,
        operations,
    })
}

struct Builder<'a> {
    spec: &'a Spec,
    types: Vec<TypeDef>,
    type_names: Namespace,
    /// Component schema name → Rust type name.
    component_types: HashMap<String, String>,
    diagnostics: Vec<Diagnostic>,
    /// The file being read, for messages.
    file: &'a SpecFile,
    /// Header name of the API key scheme, supplied by the client's credentials.
    auth_header: Option<String>,
}

impl<'a> Builder<'a> {
    fn new(spec: &'a Spec) -> Self {
        let auth_header = spec.document.components.as_ref().and_then(|c| {
            c.security_schemes.values().find_map(|s| match s {
                ReferenceOr::Item(openapiv3::SecurityScheme::APIKey {
                    location: openapiv3::APIKeyLocation::Header,
                    name,
                    ..
                }) => Some(name.to_ascii_lowercase()),
                _ => None,
            })
        });
        Builder {
            spec,
            types: Vec::new(),
            type_names: Namespace::default(),
            component_types: HashMap::new(),
            diagnostics: Vec::new(),
            file: &spec.files[0],
            auth_header,
        }
    }

    fn error(&mut self, keys: &[&str], message: impl Into<String>, help: impl Into<String>) {
        let diagnostic = Diagnostic::new(&self.file.name, message)
            .at(self.file.locate(keys))
            .help(help);
        self.diagnostics.push(diagnostic);
    }

    fn components(&mut self) {
        let Some(components) = &self.spec.document.components else {
            return;
        };
        // Names first, so that references resolve whatever the order of definitions.
        for name in components.schemas.keys() {
            let mut rust_name = pascal(name);
            if OPERATION_TYPE_SUFFIXES
                .iter()
                .any(|s| rust_name.ends_with(s))
                && self.operation_prefix_taken(&rust_name)
            {
                rust_name.push_str("Body");
            }
            let rust_name = self.type_names.claim(&rust_name, "");
            self.component_types.insert(name.clone(), rust_name);
        }
        for (name, schema) in &components.schemas {
            self.file = self
                .spec
                .schema_files
                .get(name)
                .map(|i| &self.spec.files[*i])
                .unwrap_or(&self.spec.files[0]);
            let rust_name = self.component_types[name].clone();
            let keys = ["components", "schemas", name.as_str()];
            match schema {
                ReferenceOr::Item(schema) => self.define(rust_name, schema, &keys),
                ReferenceOr::Reference { reference } => {
                    let target = self.reference_type(reference, &keys);
                    self.types.push(TypeDef {
                        name: rust_name,
                        docs: Vec::new(),
                        kind: TypeKind::Alias(target),
                    });
                }
            }
        }
    }

    /// Whether a schema name would clash with the types emitted for an operation.
    fn operation_prefix_taken(&self, name: &str) -> bool {
        self.spec
            .document
            .paths
            .paths
            .values()
            .any(|item| match item {
                ReferenceOr::Item(item) => item.iter().any(|(_, op)| {
                    op.operation_id.as_deref().map(pascal).is_some_and(|p| {
                        OPERATION_TYPE_SUFFIXES
                            .iter()
                            .any(|s| format!("{p}{s}") == name)
                    })
                }),
                ReferenceOr::Reference { .. } => false,
            })
    }

    fn reference_type(&mut self, reference: &str, keys: &[&str]) -> TypeRef {
        let Some(name) = reference.strip_prefix("#/components/schemas/") else {
            self.error(
                keys,
                format!("`$ref: {reference}` is not a reference to a component schema"),
                "refer to `#/components/schemas/NAME` in the same file",
            );
            return TypeRef::Value;
        };
        match self.component_types.get(name) {
            Some(rust_name) => TypeRef::Named(rust_name.clone()),
            None => {
                self.error(keys, format!("`$ref: {reference}` points to no schema: `components/schemas/{name}` does not exist"), format!("define `{name}` under `components: schemas:` or correct the name"));
                TypeRef::Value
            }
        }
    }

    fn schema_type(&mut self, schema: &ReferenceOr<Schema>, place: &str, keys: &[&str]) -> TypeRef {
        match schema {
            ReferenceOr::Reference { reference } => self.reference_type(reference, keys),
            ReferenceOr::Item(schema) => self.inline_type(schema, place, keys),
        }
    }

    fn boxed_schema_type(
        &mut self,
        schema: &ReferenceOr<Box<Schema>>,
        place: &str,
        keys: &[&str],
    ) -> TypeRef {
        match schema {
            ReferenceOr::Reference { reference } => self.reference_type(reference, keys),
            ReferenceOr::Item(schema) => self.inline_type(schema, place, keys),
        }
    }

    /// The type of an inline schema; objects and enums become new types named after `place`.
    fn inline_type(&mut self, schema: &Schema, place: &str, keys: &[&str]) -> TypeRef {
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s))
                if s.enumeration.iter().flatten().next().is_some() =>
            {
                let name = self.type_names.claim_pascal(place);
                self.define(name.clone(), schema, keys);
                TypeRef::Named(name)
            }
            SchemaKind::Type(Type::String(_)) => TypeRef::String,
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Bool,
            SchemaKind::Type(Type::Integer(i)) => match &i.format {
                VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int64) => TypeRef::I64,
                _ => TypeRef::I32,
            },
            SchemaKind::Type(Type::Number(n)) => match &n.format {
                VariantOrUnknownOrEmpty::Item(openapiv3::NumberFormat::Float) => TypeRef::F32,
                _ => TypeRef::F64,
            },
            SchemaKind::Type(Type::Array(a)) => {
                let item = match &a.items {
                    Some(items) => self.boxed_schema_type(items, &format!("{place}Item"), keys),
                    None => TypeRef::Value,
                };
                TypeRef::Vec(Box::new(item))
            }
            SchemaKind::Type(Type::Object(o)) if o.properties.is_empty() => {
                match &o.additional_properties {
                    Some(AdditionalProperties::Schema(value)) => TypeRef::Map(Box::new(
                        self.schema_type(value, &format!("{place}Value"), keys),
                    )),
                    _ => TypeRef::FreeObject,
                }
            }
            SchemaKind::Type(Type::Object(_)) | SchemaKind::AllOf { .. } => {
                let name = self.type_names.claim_pascal(place);
                self.define(name.clone(), schema, keys);
                TypeRef::Named(name)
            }
            SchemaKind::Any(any) if !any.properties.is_empty() => {
                let name = self.type_names.claim_pascal(place);
                self.define(name.clone(), schema, keys);
                TypeRef::Named(name)
            }
            SchemaKind::OneOf { .. }
            | SchemaKind::AnyOf { .. }
            | SchemaKind::Not { .. }
            | SchemaKind::Any(_) => TypeRef::Value,
        }
    }

    /// Defines the type `name` for `schema`.
    fn define(&mut self, name: String, schema: &Schema, keys: &[&str]) {
        let mut docs = schema_docs(schema);
        if docs.iter().all(|l| l.trim().is_empty()) {
            docs = vec![format!(
                "The `{}` schema.",
                keys.last().copied().unwrap_or(name.as_str())
            )];
        }
        let kind = match &schema.schema_kind {
            SchemaKind::Type(Type::String(s))
                if s.enumeration.iter().flatten().next().is_some() =>
            {
                let mut names = Namespace::default();
                let variants: Vec<Variant> = s
                    .enumeration
                    .iter()
                    .flatten()
                    .map(|value| Variant {
                        name: names.claim_pascal(value),
                        value: value.clone(),
                    })
                    .collect();
                let other = names.claim("Other", "");
                TypeKind::Enum { variants, other }
            }
            SchemaKind::Type(Type::Object(_)) | SchemaKind::AllOf { .. } | SchemaKind::Any(_) => {
                let mut properties = Vec::new();
                let mut required = BTreeSet::new();
                let mut additional = None;
                self.collect_object(
                    schema,
                    &name,
                    keys,
                    &mut properties,
                    &mut required,
                    &mut additional,
                    0,
                );
                let mut field_names = Namespace::default();
                let fields = properties
                    .into_iter()
                    .map(|(wire_name, ty, nullable, mut docs)| {
                        if docs.iter().all(|l| l.trim().is_empty()) {
                            docs = vec![format!("The `{wire_name}` property.")];
                        }
                        Field {
                            name: field_names.claim_snake(&wire_name),
                            required: required.contains(&wire_name),
                            wire_name,
                            ty,
                            nullable,
                            boxed: false,
                            docs,
                        }
                    })
                    .collect();
                TypeKind::Struct { fields, additional }
            }
            _ => {
                let ty = self.inline_type(schema, &format!("{name}Value"), keys);
                TypeKind::Alias(ty)
            }
        };
        self.types.push(TypeDef { name, docs, kind });
    }

    /// Gathers the properties of an object schema, following `allOf` (and references inside it).
    #[allow(clippy::too_many_arguments)]
    fn collect_object(
        &mut self,
        schema: &Schema,
        type_name: &str,
        keys: &[&str],
        properties: &mut Vec<(String, TypeRef, bool, Docs)>,
        required: &mut BTreeSet<String>,
        additional: &mut Option<TypeRef>,
        depth: usize,
    ) {
        if depth > 32 {
            self.error(
                keys,
                "`allOf` refers to itself",
                "remove the cycle of `allOf` references",
            );
            return;
        }
        let (props, req, extra) = match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => {
                (&o.properties, &o.required, &o.additional_properties)
            }
            SchemaKind::Any(a) => (&a.properties, &a.required, &a.additional_properties),
            SchemaKind::AllOf { all_of } => {
                for part in all_of {
                    match part {
                        ReferenceOr::Item(part) => self.collect_object(
                            part,
                            type_name,
                            keys,
                            properties,
                            required,
                            additional,
                            depth + 1,
                        ),
                        ReferenceOr::Reference { reference } => {
                            let target =
                                reference
                                    .strip_prefix("#/components/schemas/")
                                    .and_then(|n| {
                                        self.spec.document.components.as_ref()?.schemas.get(n)
                                    });
                            match target {
                                Some(ReferenceOr::Item(target)) => {
                                    let target = target.clone();
                                    self.collect_object(
                                        &target,
                                        type_name,
                                        keys,
                                        properties,
                                        required,
                                        additional,
                                        depth + 1,
                                    )
                                }
                                _ => {
                                    self.reference_type(reference, keys);
                                }
                            }
                        }
                    }
                }
                return;
            }
            _ => {
                self.error(
                    keys,
                    "`allOf` combines a schema that is not an object",
                    "combine only object schemas with `allOf`",
                );
                return;
            }
        };
        required.extend(req.iter().cloned());
        for (wire_name, property) in props {
            let place = format!("{type_name}{}", pascal(wire_name));
            let (nullable, docs) = match property {
                ReferenceOr::Item(s) => (s.schema_data.nullable, schema_docs(s)),
                ReferenceOr::Reference { .. } => (false, Vec::new()),
            };
            let mut property_keys: Vec<&str> = keys.to_vec();
            property_keys.extend(["properties", wire_name.as_str()]);
            let ty = self.boxed_schema_type(property, &place, &property_keys);
            if let Some(existing) = properties.iter_mut().find(|(name, ..)| name == wire_name) {
                *existing = (wire_name.clone(), ty, nullable, docs);
            } else {
                properties.push((wire_name.clone(), ty, nullable, docs));
            }
        }
        match extra {
            Some(AdditionalProperties::Schema(value)) => {
                *additional = Some(self.schema_type(value, &format!("{type_name}Value"), keys));
            }
            Some(AdditionalProperties::Any(true)) => *additional = Some(TypeRef::Value),
            _ => {}
        }
    }

    fn operations(&mut self) -> Vec<Operation> {
        let mut operations = Vec::new();
        let mut method_names: HashMap<Scope, Namespace> = HashMap::new();
        let mut type_prefixes = Namespace::default();
        let paths = &self.spec.document.paths.paths;
        // Operations in file order, then in the order of each file.
        let mut ordered: Vec<(
            usize,
            &String,
            &openapiv3::PathItem,
            &str,
            &openapiv3::Operation,
        )> = Vec::new();
        for (path, item) in paths {
            let ReferenceOr::Item(item) = item else {
                self.error(
                    &["paths", path],
                    "a path item given by `$ref` is not supported",
                    "write the path item in place",
                );
                continue;
            };
            for (method, operation) in item.iter() {
                let file = self
                    .spec
                    .operation_files
                    .get(&(path.clone(), method.to_owned()))
                    .copied()
                    .unwrap_or(0);
                ordered.push((file, path, item, method, operation));
            }
        }
        ordered.sort_by_key(|(file, ..)| *file);
        for (_, path, item, method, operation) in ordered {
            self.file = self.spec.file_of_operation(path, method);
            if let Some(op) = self.operation(
                path,
                item,
                method,
                operation,
                &mut method_names,
                &mut type_prefixes,
            ) {
                operations.push(op);
            }
        }
        operations
    }

    fn operation(
        &mut self,
        path: &str,
        item: &openapiv3::PathItem,
        method: &str,
        operation: &openapiv3::Operation,
        method_names: &mut HashMap<Scope, Namespace>,
        type_prefixes: &mut Namespace,
    ) -> Option<Operation> {
        let keys = ["paths", path, method];
        let Some(operation_id) = operation.operation_id.clone() else {
            self.error(&keys, format!("`{} {path}` has no operationId", method.to_uppercase()), "add `operationId:` with the operation's official name (e.g. `ListWorkflows`); it names the generated method");
            return None;
        };
        for unsupported in operation.callbacks.keys() {
            self.error(
                &keys,
                format!("callback `{unsupported}` is not supported"),
                "remove `callbacks`; the client does not serve requests",
            );
        }

        // Parameters: the operation's own override the path item's of the same name and place.
        let mut resolved: Vec<Parameter> = Vec::new();
        for parameter in item.parameters.iter().chain(&operation.parameters) {
            let Some(parameter) = self.resolve_parameter(parameter, &keys) else {
                continue;
            };
            let data = parameter.parameter_data_ref();
            resolved.retain(|p: &Parameter| {
                !(p.parameter_data_ref().name == data.name && same_location(p, &parameter))
            });
            resolved.push(parameter);
        }

        let template: Vec<String> = template_parameters(path);
        let declared: BTreeSet<String> = resolved
            .iter()
            .filter(|p| matches!(p, Parameter::Path { .. }))
            .map(|p| p.parameter_data_ref().name.clone())
            .collect();
        for name in &template {
            if !declared.contains(name) {
                self.error(
                    &keys,
                    format!("path parameter `{{{name}}}` of `{path}` is not declared"),
                    format!("add a parameter with `name: {name}`, `in: path`, `required: true`"),
                );
            }
        }
        for name in &declared {
            if !template.contains(name) {
                self.error(
                    &keys,
                    format!("path parameter `{name}` is declared but `{path}` has no `{{{name}}}`"),
                    "remove the parameter or add it to the path",
                );
            }
        }

        let scope = if declared.contains("project_id") && declared.contains("workspace_id") {
            Scope::Workspace
        } else if declared.contains("project_id") {
            Scope::Project
        } else {
            Scope::Client
        };
        let type_name = type_prefixes.claim_pascal(&operation_id);
        let mut arg_names =
            Namespace::with_reserved(&["scope", "options", "send", "timeout", "into_future"]);
        let mut parameters = Vec::new();
        for parameter in &resolved {
            let data = parameter.parameter_data_ref();
            let location = match parameter {
                Parameter::Path { .. } => ParamLocation::Path,
                Parameter::Query { .. } => ParamLocation::Query,
                Parameter::Header { .. } => {
                    let lower = data.name.to_ascii_lowercase();
                    // OpenAPI: Accept, Content-Type and Authorization header parameters are ignored.
                    if ["accept", "content-type", "authorization"].contains(&lower.as_str())
                        || self.auth_header.as_deref() == Some(lower.as_str())
                    {
                        continue;
                    }
                    ParamLocation::Header
                }
                Parameter::Cookie { .. } => {
                    self.error(
                        &keys,
                        format!("cookie parameter `{}` is not supported", data.name),
                        "SecMaster takes no cookies: remove it, or declare it as a header",
                    );
                    continue;
                }
            };
            let place = format!("{type_name}{}", pascal(&data.name));
            let ty = match &data.format {
                ParameterSchemaOrContent::Schema(schema) => self.schema_type(schema, &place, &keys),
                ParameterSchemaOrContent::Content(_) => TypeRef::String,
            };
            let from_scope =
                location == ParamLocation::Path && scope.parameters().contains(&data.name.as_str());
            let mut docs = Vec::new();
            if let Some(description) = &data.description {
                docs.extend(description.lines().map(str::to_owned));
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
                docs.extend(constraint_docs(schema));
            }
            parameters.push(Param {
                name: if from_scope {
                    snake(&data.name)
                } else {
                    arg_names.claim_snake(&data.name)
                },
                wire_name: data.name.clone(),
                location,
                required: data.required || location == ParamLocation::Path,
                ty,
                docs,
                from_scope,
            });
        }

        let body = operation
            .request_body
            .as_ref()
            .and_then(|body| self.request_body(body, &type_name, &keys, &mut arg_names));

        let mut successes = Vec::new();
        let mut errors = Vec::new();
        let two_xx = operation
            .responses
            .responses
            .keys()
            .filter(|s| is_success(s))
            .count();
        let mut variants = Namespace::default();
        let responses = operation
            .responses
            .responses
            .iter()
            .map(|(s, r)| (Some(s), r))
            .chain(operation.responses.default.iter().map(|r| (None, r)));
        for (status, response) in responses {
            let response = match response {
                ReferenceOr::Item(r) => r.clone(),
                ReferenceOr::Reference { reference } => {
                    let target = reference
                        .strip_prefix("#/components/responses/")
                        .and_then(|n| self.spec.document.components.as_ref()?.responses.get(n));
                    match target {
                        Some(ReferenceOr::Item(r)) => r.clone(),
                        _ => {
                            self.error(
                                &keys,
                                format!("`$ref: {reference}` points to no response"),
                                "define it under `components: responses:` or correct the name",
                            );
                            continue;
                        }
                    }
                }
            };
            let (status, variant) = match status {
                Some(StatusCode::Code(code)) => (StatusMatch::Code(*code), status_variant(*code)),
                Some(StatusCode::Range(range)) => {
                    (StatusMatch::Range(*range), format!("Status{range}xx"))
                }
                None => (StatusMatch::Default, "Other".to_owned()),
            };
            let variant = variants.claim(&variant, "");
            let success = status.is_success();
            let place = if success && two_xx == 1 {
                format!("{type_name}Response")
            } else {
                format!("{type_name}{variant}")
            };
            let body = self.response_body(&response.content, &place, &keys);
            let mut docs: Docs = response.description.lines().map(str::to_owned).collect();
            let headers: Vec<String> = response.headers.keys().cloned().collect();
            if !headers.is_empty() {
                docs.push(String::new());
                docs.push(format!(
                    "Response headers: {}.",
                    headers
                        .iter()
                        .map(|h| format!("`{h}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            let outcome = Outcome {
                status,
                variant,
                docs,
                body,
                headers,
            };
            if success {
                successes.push(outcome);
            } else {
                errors.push(outcome);
            }
        }

        let mut docs = Vec::new();
        if let Some(summary) = &operation.summary {
            docs.extend(summary.lines().map(str::to_owned));
        }
        if let Some(description) = &operation.description {
            if !docs.is_empty() {
                docs.push(String::new());
            }
            docs.extend(description.lines().map(str::to_owned));
        }
        if docs.is_empty() {
            docs.push(format!("The `{operation_id}` operation."));
        }
        let method_name = method_names.entry(scope).or_insert_with(|| {
            Namespace::with_reserved(&[
                "client",
                "project",
                "workspace",
                "project_id",
                "workspace_id",
                "builder",
            ])
        });
        Some(Operation {
            method_name: method_name.claim_snake(&operation_id),
            operation_id,
            type_name,
            http_method: method.to_uppercase(),
            path: path.to_owned(),
            source: self.file.name.clone(),
            docs,
            scope,
            parameters,
            body,
            successes,
            errors,
        })
    }

    fn resolve_parameter(
        &mut self,
        parameter: &ReferenceOr<Parameter>,
        keys: &[&str],
    ) -> Option<Parameter> {
        match parameter {
            ReferenceOr::Item(p) => Some(p.clone()),
            ReferenceOr::Reference { reference } => {
                let target = reference
                    .strip_prefix("#/components/parameters/")
                    .and_then(|n| self.spec.document.components.as_ref()?.parameters.get(n));
                match target {
                    Some(ReferenceOr::Item(p)) => Some(p.clone()),
                    _ => {
                        self.error(
                            keys,
                            format!("`$ref: {reference}` points to no parameter"),
                            "define it under `components: parameters:` or correct the name",
                        );
                        None
                    }
                }
            }
        }
    }

    fn request_body(
        &mut self,
        body: &ReferenceOr<openapiv3::RequestBody>,
        type_name: &str,
        keys: &[&str],
        arg_names: &mut Namespace,
    ) -> Option<Body> {
        let body = match body {
            ReferenceOr::Item(b) => b.clone(),
            ReferenceOr::Reference { reference } => {
                let target = reference
                    .strip_prefix("#/components/requestBodies/")
                    .and_then(|n| {
                        self.spec
                            .document
                            .components
                            .as_ref()?
                            .request_bodies
                            .get(n)
                    });
                match target {
                    Some(ReferenceOr::Item(b)) => b.clone(),
                    _ => {
                        self.error(
                            keys,
                            format!("`$ref: {reference}` points to no request body"),
                            "define it under `components: requestBodies:` or correct the name",
                        );
                        return None;
                    }
                }
            }
        };
        let docs: Docs = body
            .description
            .iter()
            .flat_map(|d| d.lines().map(str::to_owned))
            .collect();
        if let Some(media) = find_media(&body.content, is_json) {
            let ty = match &media.schema {
                Some(schema) => self.schema_type(schema, &format!("{type_name}Body"), keys),
                None => TypeRef::Value,
            };
            arg_names.claim("body", "_");
            return Some(Body::Json {
                ty,
                required: body.required,
                docs,
            });
        }
        if let Some(media) = find_media(&body.content, |m| m == "multipart/form-data") {
            return Some(self.multipart(media, body.required, keys, arg_names));
        }
        if find_media(&body.content, |m| m == "application/octet-stream").is_some() {
            arg_names.claim("body", "_");
            return Some(Body::Binary {
                required: body.required,
                docs,
            });
        }
        let types: Vec<&str> = body.content.keys().map(String::as_str).collect();
        self.error(
            keys,
            format!(
                "request body content type {} cannot be sent by the client",
                types.join(", ")
            ),
            "use application/json, multipart/form-data or application/octet-stream",
        );
        None
    }

    fn multipart(
        &mut self,
        media: &MediaType,
        body_required: bool,
        keys: &[&str],
        arg_names: &mut Namespace,
    ) -> Body {
        let schema = match &media.schema {
            Some(ReferenceOr::Item(s)) => Some(s.clone()),
            Some(ReferenceOr::Reference { reference }) => match reference
                .strip_prefix("#/components/schemas/")
                .and_then(|n| self.spec.document.components.as_ref()?.schemas.get(n))
            {
                Some(ReferenceOr::Item(s)) => Some(s.clone()),
                _ => {
                    self.reference_type(reference, keys);
                    None
                }
            },
            None => None,
        };
        let Some(Schema {
            schema_kind: SchemaKind::Type(Type::Object(object)),
            ..
        }) = schema
        else {
            self.error(
                keys,
                "a multipart/form-data body needs an object schema with properties",
                "describe each form field under `schema: properties:`",
            );
            return Body::Multipart { fields: Vec::new() };
        };
        let mut fields = Vec::new();
        for (wire_name, property) in &object.properties {
            let (is_file, docs, ty) = match property {
                ReferenceOr::Item(s) => {
                    let is_file = matches!(&s.schema_kind, SchemaKind::Type(Type::String(st)) if matches!(st.format, VariantOrUnknownOrEmpty::Item(StringFormat::Binary)));
                    let ty = if is_file {
                        None
                    } else {
                        Some(self.inline_type(s, &pascal(wire_name), keys))
                    };
                    (is_file, schema_docs(s), ty)
                }
                ReferenceOr::Reference { reference } => (
                    false,
                    Vec::new(),
                    Some(self.reference_type(reference, keys)),
                ),
            };
            let docs = if docs.iter().all(|l| l.trim().is_empty()) {
                vec![format!("The `{wire_name}` form field.")]
            } else {
                docs
            };
            fields.push(FormField {
                name: arg_names.claim_snake(wire_name),
                wire_name: wire_name.clone(),
                required: body_required && object.required.contains(wire_name),
                docs,
                text: if is_file { None } else { ty },
            });
        }
        Body::Multipart { fields }
    }

    fn response_body(
        &mut self,
        content: &indexmap::IndexMap<String, MediaType>,
        place: &str,
        keys: &[&str],
    ) -> ResponseBody {
        if content.is_empty() {
            return ResponseBody::Empty;
        }
        if let Some(media) = find_media(content, is_json) {
            return match &media.schema {
                Some(schema) => ResponseBody::Json(self.schema_type(schema, place, keys)),
                None => ResponseBody::Json(TypeRef::Value),
            };
        }
        if find_media(content, |m| m.starts_with("text/")).is_some() {
            return ResponseBody::Text;
        }
        ResponseBody::Binary
    }
}

impl StatusMatch {
    fn is_success(&self) -> bool {
        match self {
            StatusMatch::Code(code) => (200..300).contains(code),
            StatusMatch::Range(range) => *range == 2,
            StatusMatch::Default => false,
        }
    }
}

fn is_success(status: &StatusCode) -> bool {
    match status {
        StatusCode::Code(code) => (200..300).contains(code),
        StatusCode::Range(range) => *range == 2,
    }
}

fn same_location(a: &Parameter, b: &Parameter) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}

fn media_essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

fn is_json(media_type: &str) -> bool {
    media_type == "application/json" || media_type.ends_with("+json")
}

fn find_media(
    content: &indexmap::IndexMap<String, MediaType>,
    wanted: impl Fn(&str) -> bool,
) -> Option<&MediaType> {
    content
        .iter()
        .find(|(name, _)| wanted(&media_essence(name)))
        .map(|(_, media)| media)
}

/// Names of the `{name}` placeholders of a path template, in order.
pub fn template_parameters(path: &str) -> Vec<String> {
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

/// Enum variant for a documented status code.
fn status_variant(code: u16) -> String {
    let name = match code {
        200 => "Ok",
        201 => "Created",
        202 => "Accepted",
        204 => "NoContent",
        400 => "BadRequest",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        409 => "Conflict",
        412 => "PreconditionFailed",
        413 => "PayloadTooLarge",
        415 => "UnsupportedMediaType",
        422 => "UnprocessableEntity",
        429 => "TooManyRequests",
        500 => "InternalServerError",
        501 => "NotImplemented",
        502 => "BadGateway",
        503 => "ServiceUnavailable",
        504 => "GatewayTimeout",
        _ => return format!("Status{code}"),
    };
    name.to_owned()
}

fn schema_docs(schema: &Schema) -> Docs {
    let mut docs = Vec::new();
    if let Some(title) = &schema.schema_data.title {
        docs.extend(title.lines().map(str::to_owned));
    }
    if let Some(description) = &schema.schema_data.description {
        if !docs.is_empty() {
            docs.push(String::new());
        }
        docs.extend(description.lines().map(str::to_owned));
    }
    docs.extend(constraint_docs(schema));
    docs
}

/// Facts a caller needs that the Rust type does not carry: defaults, ranges, lengths.
fn constraint_docs(schema: &Schema) -> Docs {
    let mut facts = Vec::new();
    match &schema.schema_kind {
        SchemaKind::Type(Type::Integer(i)) => match (i.minimum, i.maximum) {
            (Some(min), Some(max)) => facts.push(format!("from {min} to {max}")),
            (Some(min), None) => facts.push(format!("at least {min}")),
            (None, Some(max)) => facts.push(format!("at most {max}")),
            (None, None) => {}
        },
        SchemaKind::Type(Type::String(s)) => match (s.min_length, s.max_length) {
            (Some(min), Some(max)) => facts.push(format!("{min} to {max} characters")),
            (Some(min), None) => facts.push(format!("at least {min} characters")),
            (None, Some(max)) => facts.push(format!("at most {max} characters")),
            (None, None) => {}
        },
        _ => {}
    }
    if let Some(default) = &schema.schema_data.default {
        facts.push(format!(
            "default `{}`",
            serde_json::to_string(default)
                .unwrap_or_default()
                .trim_matches('"')
        ));
    }
    if facts.is_empty() {
        return Vec::new();
    }
    let mut text = facts.join("; ");
    if let Some(first) = text.get(0..1) {
        text = first.to_uppercase() + &text[1..];
    }
    vec![String::new(), format!("{text}.")]
}

/// Boxes every field whose type leads back, by value, to the struct holding it.
fn mark_boxed(types: &mut [TypeDef]) {
    let by_value: BTreeMap<String, Vec<String>> = types
        .iter()
        .map(|t| {
            let targets = match &t.kind {
                TypeKind::Struct { fields, .. } => {
                    fields.iter().filter_map(|f| direct_named(&f.ty)).collect()
                }
                TypeKind::Alias(ty) => direct_named(ty).into_iter().collect(),
                TypeKind::Enum { .. } => Vec::new(),
            };
            (t.name.clone(), targets)
        })
        .collect();
    let reaches = |from: &str, to: &str| -> bool {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.to_owned()];
        while let Some(name) = stack.pop() {
            if name == to {
                return true;
            }
            if seen.insert(name.clone()) {
                stack.extend(by_value.get(&name).into_iter().flatten().cloned());
            }
        }
        false
    };
    for t in types.iter_mut() {
        let owner = t.name.clone();
        if let TypeKind::Struct { fields, .. } = &mut t.kind {
            for field in fields {
                if let Some(target) = direct_named(&field.ty) {
                    field.boxed = reaches(&target, &owner);
                }
            }
        }
    }
}

/// The generated type a field holds inline (not behind a `Vec` or map, which already box).
fn direct_named(ty: &TypeRef) -> Option<String> {
    match ty {
        TypeRef::Named(name) => Some(name.clone()),
        _ => None,
    }
}
