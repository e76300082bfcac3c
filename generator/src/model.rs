//! Model: the operations and types of the spec, resolved (`$ref`s followed), validated and named
//! once, for the emitters to consume.

use crate::diagnostic::{Diagnostic, Diagnostics, Location};
use crate::names::{pascal, snake, Namespace};
use crate::place::At;
use crate::reference::Kind;
use crate::spec::{Spec, SpecFile};
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
        /// The argument's name (`body`, unless a parameter has that name).
        name: String,
        ty: TypeRef,
        required: bool,
        docs: Docs,
    },
    /// A `multipart/form-data` body; its fields are the method's arguments and setters.
    Multipart { fields: Vec<FormField> },
    /// A raw binary body (`application/octet-stream`).
    Binary {
        /// The argument's name (`body`, unless a parameter has that name).
        name: String,
        required: bool,
        docs: Docs,
    },
}

#[derive(Debug, Clone)]
pub struct FormField {
    pub name: String,
    pub wire_name: String,
    pub required: bool,
    pub docs: Docs,
    /// `None` for a file part; otherwise the type of a text part.
    pub text: Option<TypeRef>,
    /// The text part carries the value as JSON (objects, maps and lists of them).
    pub json: bool,
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

/// Names the generated `types` module uses unqualified (prelude types and serde's derives): a
/// schema of such a name is numbered instead (`Option2`) so that it does not shadow them.
const RESERVED_TYPE_NAMES: &[&str] = &[
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
    "Default",
    "Serialize",
    "Deserialize",
    "Clone",
    "Debug",
    "PartialEq",
    "Eq",
    "Hash",
    "PartialOrd",
    "Ord",
    "Self",
];

/// Builds the model of a merged spec, reporting every fault at once.
pub fn build(spec: &Spec) -> Result<Api, Diagnostics> {
    let mut builder = Builder::new(spec);
    builder.components();
    builder.alias_cycles();
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
    /// The `allOf` references being followed for the type being defined, outermost first.
    all_of_stack: Vec<String>,
    /// The `allOf` references already merged into the type being defined.
    all_of_seen: Vec<String>,
    /// How many types are being defined, one inside another.
    define_depth: usize,
}

/// Most types defined one inside another (see `Builder::define`).
const MAX_INLINE_DEPTH: usize = 24;

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
            type_names: Namespace::with_reserved(RESERVED_TYPE_NAMES),
            component_types: HashMap::new(),
            diagnostics: Vec::new(),
            file: &spec.files[0],
            auth_header,
            all_of_stack: Vec::new(),
            all_of_seen: Vec::new(),
            define_depth: 0,
        }
    }

    /// A fault at the key `path` leads to (or its deepest existing step).
    fn error(&mut self, path: &[String], message: impl Into<String>, help: impl Into<String>) {
        self.error_at(path, At::Key, message, help);
    }

    fn error_at(
        &mut self,
        path: &[String],
        at: At,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        let diagnostic = Diagnostic::new(&self.file.name, message)
            .at(self.file.locate_path(path, at))
            .help(help);
        self.diagnostics.push(diagnostic);
    }

    fn components(&mut self) {
        let Some(components) = &self.spec.document.components else {
            return;
        };
        // Names first, so that references resolve whatever the order of definitions.
        for name in components.schemas.keys() {
            let rust_name = self.type_names.claim_pascal(name);
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
            let here = Here::new(
                format!("The `{name}` schema."),
                &["components", "schemas", name.as_str()],
            );
            match schema {
                ReferenceOr::Item(schema) => self.define(rust_name, schema, &here),
                ReferenceOr::Reference { reference } => {
                    let target = self.reference_type(reference, &here);
                    self.types.push(TypeDef {
                        name: rust_name,
                        docs: Vec::new(),
                        kind: TypeKind::Alias(target),
                    });
                }
            }
        }
    }

    /// Reports component schemas that are type aliases of themselves (`A: {$ref: B}`, `B: {$ref:
    /// A}`, or `A: {type: array, items: {$ref: A}}`): Rust has no recursive type aliases.
    fn alias_cycles(&mut self) {
        let edges: HashMap<String, Vec<String>> = self
            .types
            .iter()
            .filter_map(|t| match &t.kind {
                TypeKind::Alias(ty) => {
                    let mut names = Vec::new();
                    named_in(ty, &mut names);
                    Some((t.name.clone(), names))
                }
                _ => None,
            })
            .collect();
        let Some(components) = &self.spec.document.components else {
            return;
        };
        for name in components.schemas.keys() {
            let Some(rust_name) = self.component_types.get(name) else {
                continue;
            };
            // Whether following aliases from this one leads back to it.
            let mut seen = BTreeSet::new();
            let mut stack: Vec<&String> = edges.get(rust_name).into_iter().flatten().collect();
            let mut cyclic = false;
            while let Some(next) = stack.pop() {
                if next == rust_name {
                    cyclic = true;
                    break;
                }
                if seen.insert(next.clone()) {
                    stack.extend(edges.get(next).into_iter().flatten());
                }
            }
            if cyclic {
                self.file = self.spec.file_of_component("schemas", name);
                self.error(
                    &owned(&["components", "schemas", name]),
                    format!(
                        "schema `{}` is made only of itself (through `$ref`, lists or maps), which has no Rust type",
                        crate::text::short(name)
                    ),
                    "give it a definition of its own, e.g. an object with properties, instead of a `$ref` or a list of itself",
                );
            }
        }
    }

    /// Whether values of `ty` have a text form for a path, query or header parameter: scalars,
    /// enums, and lists of those.
    fn is_plain_value(&self, ty: &TypeRef) -> bool {
        self.is_plain_value_within(ty, 16)
    }

    fn is_plain_value_within(&self, ty: &TypeRef, depth: usize) -> bool {
        if depth == 0 {
            return false;
        }
        match ty {
            TypeRef::String
            | TypeRef::Bool
            | TypeRef::I32
            | TypeRef::I64
            | TypeRef::F32
            | TypeRef::F64
            | TypeRef::Value => true,
            TypeRef::FreeObject | TypeRef::Map(_) => false,
            TypeRef::Vec(item) => {
                !matches!(**item, TypeRef::Vec(_)) && self.is_plain_value_within(item, depth - 1)
            }
            TypeRef::Named(name) => match self.types.iter().find(|t| &t.name == name) {
                Some(TypeDef {
                    kind: TypeKind::Enum { .. },
                    ..
                }) => true,
                Some(TypeDef {
                    kind: TypeKind::Alias(inner),
                    ..
                }) => self.is_plain_value_within(inner, depth - 1),
                _ => false,
            },
        }
    }

    /// Reports a `$ref` at `here` that does not point to a component of `kind`; true when it does.
    fn check_reference(&mut self, reference: &str, kind: Kind, here: &Here) -> bool {
        match self.spec.catalog.fault(&self.file.name, reference, kind) {
            Some((message, help)) => {
                self.error_at(&here.join(&["$ref"]).path, At::Value, message, help);
                false
            }
            None => true,
        }
    }

    fn reference_type(&mut self, reference: &str, here: &Here) -> TypeRef {
        if !self.check_reference(reference, Kind::Schema, here) {
            return TypeRef::Value;
        }
        let name = reference
            .strip_prefix("#/components/schemas/")
            .unwrap_or_default();
        match self.component_types.get(name) {
            Some(rust_name) => TypeRef::Named(rust_name.clone()),
            None => TypeRef::Value,
        }
    }

    fn schema_type(&mut self, schema: &ReferenceOr<Schema>, place: &str, here: &Here) -> TypeRef {
        match schema {
            ReferenceOr::Reference { reference } => self.reference_type(reference, here),
            ReferenceOr::Item(schema) => self.inline_type(schema, place, here),
        }
    }

    fn boxed_schema_type(
        &mut self,
        schema: &ReferenceOr<Box<Schema>>,
        place: &str,
        here: &Here,
    ) -> TypeRef {
        match schema {
            ReferenceOr::Reference { reference } => self.reference_type(reference, here),
            ReferenceOr::Item(schema) => self.inline_type(schema, place, here),
        }
    }

    /// The type of an inline schema; objects and enums become new types named after `place`.
    fn inline_type(&mut self, schema: &Schema, place: &str, here: &Here) -> TypeRef {
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s))
                if s.enumeration.iter().flatten().next().is_some() =>
            {
                let name = self.type_names.claim_pascal(place);
                self.define(name.clone(), schema, here);
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
                    Some(items) => self.boxed_schema_type(
                        items,
                        &format!("{place}Item"),
                        &here.join(&["items"]),
                    ),
                    None => TypeRef::Value,
                };
                TypeRef::Vec(Box::new(item))
            }
            SchemaKind::Type(Type::Object(o)) if o.properties.is_empty() => {
                match &o.additional_properties {
                    Some(AdditionalProperties::Schema(value)) => {
                        TypeRef::Map(Box::new(self.schema_type(
                            value,
                            &format!("{place}Value"),
                            &here.join(&["additionalProperties"]),
                        )))
                    }
                    _ => TypeRef::FreeObject,
                }
            }
            // `allOf` of a single `$ref` is how OpenAPI 3.0 gives a reference a description or a
            // default of its own: it is the referenced type.
            SchemaKind::AllOf { all_of }
                if all_of.len() == 1 && matches!(all_of[0], ReferenceOr::Reference { .. }) =>
            {
                self.schema_type(&all_of[0], place, &here.join(&["allOf", "0"]))
            }
            SchemaKind::Type(Type::Object(_)) | SchemaKind::AllOf { .. } => {
                let name = self.type_names.claim_pascal(place);
                self.define(name.clone(), schema, here);
                TypeRef::Named(name)
            }
            SchemaKind::Any(any) if !any.properties.is_empty() => {
                let name = self.type_names.claim_pascal(place);
                self.define(name.clone(), schema, here);
                TypeRef::Named(name)
            }
            SchemaKind::OneOf { .. }
            | SchemaKind::AnyOf { .. }
            | SchemaKind::Not { .. }
            | SchemaKind::Any(_) => TypeRef::Value,
        }
    }

    /// Defines the type `name` for `schema`.
    fn define(&mut self, name: String, schema: &Schema, here: &Here) {
        // Inline schemas inside inline schemas, each a type: a bound keeps the recursion (through
        // `allOf` references, which are expanded in place) far from the end of the stack.
        if self.define_depth >= MAX_INLINE_DEPTH {
            self.error(
                &here.path,
                "schemas nest too deeply here (inline objects inside inline objects, or `allOf` expanding into more of them)",
                "move nested schemas to `components: schemas:` and refer to them with `$ref`",
            );
            self.types.push(TypeDef {
                name,
                docs: vec!["A schema nested too deeply.".to_owned()],
                kind: TypeKind::Alias(TypeRef::Value),
            });
            return;
        }
        self.define_depth += 1;
        self.define_inner(name, schema, here);
        self.define_depth -= 1;
    }

    fn define_inner(&mut self, name: String, schema: &Schema, here: &Here) {
        let mut docs = schema_docs(schema);
        if docs.iter().all(|l| l.trim().is_empty()) {
            docs = vec![here.doc.clone()];
        }
        let kind = match &schema.schema_kind {
            SchemaKind::Type(Type::String(s))
                if s.enumeration.iter().flatten().next().is_some() =>
            {
                let mut names = Namespace::default();
                // A value listed twice is one variant (a second match arm would be unreachable).
                let mut seen = BTreeSet::new();
                let variants: Vec<Variant> = s
                    .enumeration
                    .iter()
                    .flatten()
                    .filter(|value| seen.insert(value.as_str()))
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
                // The `allOf` references being expanded stay known through the inline types
                // defined meanwhile: a schema whose inline property includes it again through
                // `allOf` would otherwise be expanded without end. The references merged into
                // this type are its own.
                let saved_seen = std::mem::take(&mut self.all_of_seen);
                let own = match here.path.as_slice() {
                    [first, second, own] if first == "components" && second == "schemas" => {
                        Some(format!("#/components/schemas/{own}"))
                    }
                    _ => None,
                };
                let pushed = own.filter(|own| !self.all_of_stack.contains(own));
                if let Some(own) = &pushed {
                    self.all_of_stack.push(own.clone());
                }
                self.collect_object(
                    schema,
                    &name,
                    here,
                    &mut properties,
                    &mut required,
                    &mut additional,
                    0,
                );
                if pushed.is_some() {
                    self.all_of_stack.pop();
                }
                self.all_of_seen = saved_seen;
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
                let ty = self.inline_type(schema, &format!("{name}Value"), here);
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
        here: &Here,
        properties: &mut Vec<(String, TypeRef, bool, Docs)>,
        required: &mut BTreeSet<String>,
        additional: &mut Option<TypeRef>,
        depth: usize,
    ) {
        if depth > 32 {
            self.error(
                &here.path,
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
                for (i, part) in all_of.iter().enumerate() {
                    let part_here = here.join(&["allOf", &i.to_string()]);
                    match part {
                        ReferenceOr::Item(part) => self.collect_object(
                            part,
                            type_name,
                            &part_here,
                            properties,
                            required,
                            additional,
                            depth + 1,
                        ),
                        ReferenceOr::Reference { reference } => {
                            if self.all_of_stack.contains(reference) {
                                self.error_at(
                                    &part_here.join(&["$ref"]).path,
                                    At::Value,
                                    format!(
                                        "`allOf` includes `$ref: '{}'`, which is being expanded already: the type would contain itself without end",
                                        crate::text::short(reference)
                                    ),
                                    "remove the cycle of `allOf` references, or move the inline schema that repeats it to `components: schemas:` and refer to it with `$ref`",
                                );
                                continue;
                            }
                            if self.all_of_seen.contains(reference) {
                                // Already merged into this type: merging again changes nothing.
                                continue;
                            }
                            let name = reference
                                .strip_prefix("#/components/schemas/")
                                .map(str::to_owned);
                            let target = name.as_ref().and_then(|n| {
                                self.spec.document.components.as_ref()?.schemas.get(n)
                            });
                            match (target, name) {
                                (Some(ReferenceOr::Item(target)), Some(name)) => {
                                    let target = target.clone();
                                    self.all_of_seen.push(reference.clone());
                                    self.all_of_stack.push(reference.clone());
                                    // Faults inside the target are its own, reported where it is
                                    // defined.
                                    let reported = self.diagnostics.len();
                                    let file = self.file;
                                    self.collect_object(
                                        &target,
                                        type_name,
                                        &Here::new(
                                            format!("The `{name}` schema."),
                                            &["components", "schemas", &name],
                                        ),
                                        properties,
                                        required,
                                        additional,
                                        depth + 1,
                                    );
                                    self.file = file;
                                    self.diagnostics.truncate(reported);
                                    self.all_of_stack.pop();
                                }
                                (Some(ReferenceOr::Reference { .. }), _) => {
                                    self.error_at(
                                        &part_here.join(&["$ref"]).path,
                                        At::Value,
                                        format!(
                                            "`allOf` includes `{}`, which is itself only a `$ref`",
                                            crate::text::short(reference)
                                        ),
                                        "refer to the schema that defines the properties",
                                    );
                                }
                                _ => {
                                    self.reference_type(reference, &part_here);
                                }
                            }
                        }
                    }
                }
                return;
            }
            _ => {
                self.error(
                    &here.path,
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
            let ty = self.boxed_schema_type(property, &place, &here.property(wire_name));
            if let Some(existing) = properties.iter_mut().find(|(name, ..)| name == wire_name) {
                *existing = (wire_name.clone(), ty, nullable, docs);
            } else {
                properties.push((wire_name.clone(), ty, nullable, docs));
            }
        }
        match extra {
            Some(AdditionalProperties::Schema(value)) => {
                *additional = Some(self.schema_type(
                    value,
                    &format!("{type_name}Value"),
                    &here.join(&["additionalProperties"]),
                ));
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
                    &owned(&["paths", path]),
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
        let keys = owned(&["paths", path, method]);
        // Without an operationId the operation is still checked, so that its other faults are
        // reported in the same run; it is not generated.
        let named = operation.operation_id.is_some();
        let operation_id = operation.operation_id.clone().unwrap_or_else(|| {
            self.error(
                &keys,
                format!("`{} {path}` has no operationId", method.to_uppercase()),
                "add `operationId:` with the official operation name of the API reference (e.g. `ListWorkflows`); it names the generated method",
            );
            format!("{method} {path}")
        });
        for unsupported in operation.callbacks.keys() {
            self.error(
                &owned(&["paths", path, method, "callbacks"]),
                format!("callback `{unsupported}` is not supported"),
                "remove `callbacks`: the client makes requests and serves none",
            );
        }

        // Parameters: the operation's own override the path item's of the same name and place.
        // Each is kept with the place it is written at.
        let mut resolved: Vec<(Parameter, Vec<String>)> = Vec::new();
        let written = item
            .parameters
            .iter()
            .enumerate()
            .map(|(i, p)| (p, owned(&["paths", path, "parameters", &i.to_string()])))
            .chain(operation.parameters.iter().enumerate().map(|(i, p)| {
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

        let template: Vec<String> = template_parameters(path);
        let declared: BTreeSet<String> = resolved
            .iter()
            .filter(|(p, _)| matches!(p, Parameter::Path { .. }))
            .map(|(p, _)| p.parameter_data_ref().name.clone())
            .collect();
        for name in &template {
            if !declared.contains(name) {
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
        }
        for (parameter, origin) in &resolved {
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
        for (parameter, origin) in &resolved {
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
                        origin,
                        format!("cookie parameter `{}` is not supported", data.name),
                        "SecMaster takes no cookies: remove the parameter, or declare it `in: header` if the API reads it from a header",
                    );
                    continue;
                }
            };
            let place = format!("{type_name}{}", pascal(&data.name));
            let ty = match &data.format {
                ParameterSchemaOrContent::Schema(schema) => {
                    // For a parameter given by `$ref` this place does not exist in the file; the
                    // `$ref` item is then shown.
                    let mut at = origin.clone();
                    at.push("schema".to_owned());
                    let here = Here {
                        doc: format!(
                            "Values of the `{}` parameter of `{operation_id}`.",
                            data.name
                        ),
                        path: at,
                    };
                    self.schema_type(schema, &place, &here)
                }
                ParameterSchemaOrContent::Content(_) => TypeRef::String,
            };
            if !self.is_plain_value(&ty) {
                let mut at = origin.clone();
                at.push("schema".to_owned());
                self.error(
                    &at,
                    format!(
                        "parameter `{}` is an object, which a path, query or header cannot carry",
                        data.name
                    ),
                    "give it a string, number, boolean or enum schema (or a list of them), or move it into the request body",
                );
                continue;
            }
            let from_scope =
                location == ParamLocation::Path && scope.parameters().contains(&data.name.as_str());
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

        let body = operation.request_body.as_ref().and_then(|body| {
            let here = Here::new(
                format!("The request body of `{operation_id}`."),
                &["paths", path, method, "requestBody"],
            );
            self.request_body(body, &type_name, &here, &mut arg_names)
        });

        let mut successes = Vec::new();
        let mut errors = Vec::new();
        let two_xx = operation
            .responses
            .responses
            .keys()
            .filter(|s| StatusMatch::from(*s).is_success())
            .count();
        let mut variants = Namespace::default();
        let responses = operation
            .responses
            .responses
            .iter()
            .map(|(s, r)| (Some(s), r))
            .chain(operation.responses.default.iter().map(|r| (None, r)));
        for (status, response) in responses {
            let status_key = match status {
                Some(StatusCode::Code(code)) => code.to_string(),
                Some(StatusCode::Range(range)) => format!("{range}XX"),
                None => "default".to_owned(),
            };
            let here = Here::new(
                format!("The `{status_key}` answer of `{operation_id}`."),
                &["paths", path, method, "responses", &status_key],
            );
            let Some(response) = self.resolve(response, Kind::Response, "response", &here, |c| {
                &c.responses
            }) else {
                continue;
            };
            let status = status.map_or(StatusMatch::Default, StatusMatch::from);
            let variant = match status {
                StatusMatch::Code(code) => status_variant(code),
                StatusMatch::Range(range) => format!("Status{range}xx"),
                StatusMatch::Default => "Other".to_owned(),
            };
            let variant = variants.claim(&variant, "");
            let success = status.is_success();
            let place = if success && two_xx == 1 {
                format!("{type_name}Response")
            } else {
                format!("{type_name}{variant}")
            };
            let body = match self.response_body(&response.content, &place, &here) {
                // An error body is read whole, as text, whatever its media type.
                ResponseBody::Binary if !success => ResponseBody::Text,
                body => body,
            };
            let mut docs: Docs = description_lines(&response.description).collect();
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
        if !named {
            return None;
        }
        let method_name = method_names.entry(scope).or_insert_with(|| {
            // The handles' own methods, and the common trait methods they answer to.
            Namespace::with_reserved(&[
                "client",
                "project",
                "workspace",
                "project_id",
                "workspace_id",
                "builder",
                "endpoint",
                "execute",
                "clone",
                "fmt",
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

    /// The object `item` is or refers to. A reference that does not resolve is reported where it
    /// stands (a target in a file that could not be read was reported with that file).
    fn resolve<T: Clone>(
        &mut self,
        item: &ReferenceOr<T>,
        kind: Kind,
        what: &str,
        here: &Here,
        components: impl Fn(&openapiv3::Components) -> &indexmap::IndexMap<String, ReferenceOr<T>>,
    ) -> Option<T> {
        let reference = match item {
            ReferenceOr::Item(item) => return Some(item.clone()),
            ReferenceOr::Reference { reference } => reference,
        };
        if !self.check_reference(reference, kind, here) {
            return None;
        }
        let name = reference.rsplit('/').next().unwrap_or_default();
        match self
            .spec
            .document
            .components
            .as_ref()
            .and_then(|c| components(c).get(name))
        {
            Some(ReferenceOr::Item(item)) => Some(item.clone()),
            None => None,
            Some(ReferenceOr::Reference { .. }) => {
                self.error_at(
                    &here.join(&["$ref"]).path,
                    At::Value,
                    format!(
                        "`$ref: '{}'` points to a {what} that is itself only a `$ref`",
                        crate::text::short(reference)
                    ),
                    format!("refer to the {what} that is written out"),
                );
                None
            }
        }
    }

    fn request_body(
        &mut self,
        body: &ReferenceOr<openapiv3::RequestBody>,
        type_name: &str,
        here: &Here,
        arg_names: &mut Namespace,
    ) -> Option<Body> {
        let body = self.resolve(body, Kind::RequestBody, "request body", here, |c| {
            &c.request_bodies
        })?;
        let docs: Docs = body
            .description
            .iter()
            .flat_map(|d| description_lines(d))
            .collect();
        if let Some((key, media)) = find_media_entry(&body.content, is_json) {
            let ty = match &media.schema {
                Some(schema) => self.schema_type(
                    schema,
                    &format!("{type_name}Body"),
                    &here.join(&["content", key, "schema"]),
                ),
                None => TypeRef::Value,
            };
            return Some(Body::Json {
                name: arg_names.claim("body", "_"),
                ty,
                required: body.required,
                docs,
            });
        }
        if let Some((key, media)) = find_media_entry(&body.content, |m| m == "multipart/form-data")
        {
            let here = here.join(&["content", key, "schema"]);
            return Some(self.multipart(media, body.required, type_name, &here, arg_names));
        }
        if find_media(&body.content, |m| m == "application/octet-stream").is_some() {
            return Some(Body::Binary {
                name: arg_names.claim("body", "_"),
                required: body.required,
                docs,
            });
        }
        let types: Vec<String> = body
            .content
            .keys()
            .map(|t| format!("`{}`", crate::text::short(t)))
            .collect();
        let (at, message) = match body.content.keys().next() {
            Some(first) => (
                here.join(&["content", first]),
                format!(
                    "the client cannot send a request body of type {}",
                    types.join(", ")
                ),
            ),
            None => (
                here.join(&["content"]),
                "the request body has no content type".to_owned(),
            ),
        };
        self.error(
            &at.path,
            message,
            "describe the body as `application/json`, `multipart/form-data` or `application/octet-stream`",
        );
        None
    }

    fn multipart(
        &mut self,
        media: &MediaType,
        body_required: bool,
        type_name: &str,
        here: &Here,
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
                    self.reference_type(reference, here);
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
                &here.path,
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
                        Some(self.inline_type(
                            s,
                            &format!("{type_name}{}", pascal(wire_name)),
                            &here.join(&["properties", wire_name]),
                        ))
                    };
                    (is_file, schema_docs(s), ty)
                }
                ReferenceOr::Reference { reference } => (
                    false,
                    Vec::new(),
                    Some(self.reference_type(reference, &here.join(&["properties", wire_name]))),
                ),
            };
            let docs = if docs.iter().all(|l| l.trim().is_empty()) {
                vec![format!("The `{wire_name}` form field.")]
            } else {
                docs
            };
            let json = ty.as_ref().is_some_and(|ty| !self.is_plain_value(ty));
            fields.push(FormField {
                name: arg_names.claim_snake(wire_name),
                wire_name: wire_name.clone(),
                required: body_required && object.required.contains(wire_name),
                docs,
                text: if is_file { None } else { ty },
                json,
            });
        }
        Body::Multipart { fields }
    }

    fn response_body(
        &mut self,
        content: &indexmap::IndexMap<String, MediaType>,
        place: &str,
        here: &Here,
    ) -> ResponseBody {
        if content.is_empty() {
            return ResponseBody::Empty;
        }
        if let Some((key, media)) = find_media_entry(content, is_json) {
            return match &media.schema {
                Some(schema) => ResponseBody::Json(self.schema_type(
                    schema,
                    place,
                    &here.join(&["content", key, "schema"]),
                )),
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

impl From<&StatusCode> for StatusMatch {
    fn from(status: &StatusCode) -> Self {
        match status {
            StatusCode::Code(code) => StatusMatch::Code(*code),
            StatusCode::Range(range) => StatusMatch::Range(*range),
        }
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
    find_media_entry(content, wanted).map(|(_, media)| media)
}

/// The first media type of `content` that is `wanted`, with its key.
fn find_media_entry(
    content: &indexmap::IndexMap<String, MediaType>,
    wanted: impl Fn(&str) -> bool,
) -> Option<(&str, &MediaType)> {
    content
        .iter()
        .find(|(name, _)| wanted(&media_essence(name)))
        .map(|(name, media)| (name.as_str(), media))
}

/// The lines of a description, with a code block it leaves open closed, so that the lines the
/// generator adds after it (the operation's method and path, response headers) stay text.
fn description_lines(text: &str) -> impl Iterator<Item = String> {
    crate::doc_text::close_fences(text.lines().map(str::to_owned).collect()).into_iter()
}

/// Steps of a path as owned strings.
fn owned(steps: &[&str]) -> Vec<String> {
    steps.iter().map(|s| (*s).to_owned()).collect()
}

/// Narrows the location of a path key to `part` of it (`{id}` in `/v1/{id}`), when the key is
/// written on its line as given (plain or quoted).
fn point_into_key(mut location: Location, key: &str, part: &str) -> Location {
    let Some(offset) = key.find(part) else {
        return location;
    };
    let line: Vec<char> = location.source.chars().collect();
    let start = location.column.saturating_sub(1);
    let quoted = matches!(line.get(start), Some('"' | '\''));
    let written: String = line.iter().skip(start + usize::from(quoted)).collect();
    if written.starts_with(key) {
        location.column += usize::from(quoted) + key[..offset].chars().count();
        location.width = part.chars().count();
    }
    location
}

/// Where a schema (or other piece) is written, for messages: the path of keys to it, and the name
/// its fallback documentation uses.
#[derive(Debug, Clone)]
struct Here {
    /// The doc line of a type defined here when its schema has no description.
    doc: String,
    path: Vec<String>,
}

impl Here {
    fn new(doc: String, path: &[&str]) -> Here {
        Here {
            doc,
            path: owned(path),
        }
    }

    /// A place further down, documented by the same name.
    fn join(&self, steps: &[&str]) -> Here {
        let mut path = self.path.clone();
        path.extend(steps.iter().map(|s| (*s).to_owned()));
        Here {
            doc: self.doc.clone(),
            path,
        }
    }

    /// The place of a property, documented by its name.
    fn property(&self, wire_name: &str) -> Here {
        let mut here = self.join(&["properties", wire_name]);
        here.doc = format!("The `{wire_name}` property.");
        here
    }
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
        docs.extend(description_lines(title));
    }
    if let Some(description) = &schema.schema_data.description {
        if !docs.is_empty() {
            docs.push(String::new());
        }
        docs.extend(description_lines(description));
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

/// Every generated type a type reference names.
fn named_in(ty: &TypeRef, out: &mut Vec<String>) {
    match ty {
        TypeRef::Named(name) => out.push(name.clone()),
        TypeRef::Vec(inner) | TypeRef::Map(inner) => named_in(inner, out),
        _ => {}
    }
}

/// The generated type a field holds inline (not behind a `Vec` or map, which already box).
fn direct_named(ty: &TypeRef) -> Option<String> {
    match ty {
        TypeRef::Named(name) => Some(name.clone()),
        _ => None,
    }
}
