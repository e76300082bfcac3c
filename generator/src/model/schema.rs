//! Schemas to types: component schemas become named types, inline objects and enums become
//! types named after their place, everything else a [`TypeRef`] to a Rust type. `allOf` is merged
//! into one struct; an `allOf` of a single `$ref` is the referenced type.

use super::docs::schema_docs;
use super::{
    Builder, Directions, Docs, Field, Here, TypeDef, TypeKind, TypeRef, Variant, MAX_INLINE_DEPTH,
};
use crate::names::{pascal, Namespace};
use crate::place::At;
use openapiv3::{
    AdditionalProperties, ReferenceOr, Schema, SchemaKind, Type, VariantOrUnknownOrEmpty,
};
use std::collections::{BTreeSet, HashMap};

impl Builder<'_> {
    pub(super) fn components(&mut self) {
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
                    self.push_type(TypeDef {
                        name: rust_name,
                        docs: Vec::new(),
                        kind: TypeKind::Alias(target),
                        families: Vec::new(),
                        wide: false,
                        directions: Directions::default(),
                    });
                }
            }
        }
    }

    /// Whether values of `ty` have a text form for a path, query or header parameter: scalars,
    /// enums, and lists of those.
    pub(super) fn is_plain_value(&self, ty: &TypeRef) -> bool {
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
            TypeRef::Named(name) => match self.type_index.get(name).map(|&i| &self.types[i]) {
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

    pub(super) fn schema_type(
        &mut self,
        schema: &ReferenceOr<Schema>,
        place: &str,
        here: &Here,
    ) -> TypeRef {
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
    pub(super) fn inline_type(&mut self, schema: &Schema, place: &str, here: &Here) -> TypeRef {
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
            self.push_type(TypeDef {
                name,
                docs: vec!["A schema nested too deeply.".to_owned()],
                kind: TypeKind::Alias(TypeRef::Value),
                families: Vec::new(),
                wide: false,
                directions: Directions::default(),
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
                string_enum(s.enumeration.iter().flatten())
            }
            SchemaKind::Type(Type::Object(_)) | SchemaKind::AllOf { .. } | SchemaKind::Any(_) => {
                self.object(&name, schema, here)
            }
            _ => {
                let ty = self.inline_type(schema, &format!("{name}Value"), here);
                TypeKind::Alias(ty)
            }
        };
        self.push_type(TypeDef {
            name,
            docs,
            kind,
            families: Vec::new(),
            wide: false,
            directions: Directions::default(),
        });
    }

    /// Adds a defined type, findable by name at once.
    fn push_type(&mut self, def: TypeDef) {
        self.type_index
            .entry(def.name.clone())
            .or_insert(self.types.len());
        self.types.push(def);
    }

    /// The struct of an object schema, with the properties `allOf` brings in.
    fn object(&mut self, name: &str, schema: &Schema, here: &Here) -> TypeKind {
        let mut parts = ObjectParts::default();
        // The `allOf` references being expanded stay known through the inline types defined
        // meanwhile: a schema whose inline property includes it again through `allOf` would
        // otherwise be expanded without end. The references merged into this type are its own.
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
        self.collect_object(schema, name, here, &mut parts, 0);
        if pushed.is_some() {
            self.all_of_stack.pop();
        }
        self.all_of_seen = saved_seen;
        let mut field_names = Namespace::default();
        let fields: Vec<Field> = parts
            .properties
            .into_iter()
            .map(|property| {
                let Property {
                    wire_name,
                    ty,
                    nullable,
                    mut docs,
                } = property;
                if docs.iter().all(|l| l.trim().is_empty()) {
                    docs = vec![format!("The `{wire_name}` property.")];
                }
                Field {
                    name: field_names.claim_snake(&wire_name),
                    required: parts.required.contains(&wire_name),
                    wire_name,
                    ty,
                    nullable,
                    boxed: false,
                    docs,
                }
            })
            .collect();
        // `Default` would fill a required field with an empty value the service refuses.
        let derives_default = fields.iter().all(Field::is_optional);
        TypeKind::Struct {
            fields,
            additional: parts.additional,
            derives_default,
        }
    }

    /// Gathers the properties of an object schema into `parts`, following `allOf` (and
    /// references inside it).
    fn collect_object(
        &mut self,
        schema: &Schema,
        type_name: &str,
        here: &Here,
        parts: &mut ObjectParts,
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
                        ReferenceOr::Item(part) => {
                            self.collect_object(part, type_name, &part_here, parts, depth + 1)
                        }
                        ReferenceOr::Reference { reference } => {
                            let included = Included {
                                reference,
                                type_name,
                                here: &part_here,
                                depth,
                            };
                            self.collect_all_of_reference(&included, parts);
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
        parts.required.extend(req.iter().cloned());
        for (wire_name, property) in props {
            let place = format!("{type_name}{}", pascal(wire_name));
            let (nullable, docs) = match property {
                ReferenceOr::Item(s) => (s.schema_data.nullable, schema_docs(s)),
                ReferenceOr::Reference { .. } => (false, Vec::new()),
            };
            let ty = self.boxed_schema_type(property, &place, &here.property(wire_name));
            parts.add(Property {
                wire_name: wire_name.clone(),
                ty,
                nullable,
                docs,
            });
        }
        match extra {
            Some(AdditionalProperties::Schema(value)) => {
                parts.additional = Some(self.schema_type(
                    value,
                    &format!("{type_name}Value"),
                    &here.join(&["additionalProperties"]),
                ));
            }
            Some(AdditionalProperties::Any(true)) => parts.additional = Some(TypeRef::Value),
            _ => {}
        }
    }

    /// Merges the schema an `allOf` part refers to into `parts`, unless that would expand it
    /// without end.
    fn collect_all_of_reference(&mut self, included: &Included, parts: &mut ObjectParts) {
        let Included {
            reference,
            type_name,
            here,
            depth,
        } = *included;
        if self.all_of_stack.iter().any(|r| r == reference) {
            self.error_at(
                &here.join(&["$ref"]).path,
                At::Value,
                format!(
                    "`allOf` includes `$ref: '{}'`, which is being expanded already: the type would contain itself without end",
                    crate::text::short(reference)
                ),
                "remove the cycle of `allOf` references, or move the inline schema that repeats it to `components: schemas:` and refer to it with `$ref`",
            );
            return;
        }
        if self.all_of_seen.iter().any(|r| r == reference) {
            // Already merged into this type: merging again changes nothing.
            return;
        }
        let name = reference
            .strip_prefix("#/components/schemas/")
            .map(str::to_owned);
        let target = name
            .as_ref()
            .and_then(|n| self.spec.document.components.as_ref()?.schemas.get(n));
        match (target, name) {
            (Some(ReferenceOr::Item(target)), Some(name)) => {
                let target = target.clone();
                self.all_of_seen.push(reference.to_owned());
                self.all_of_stack.push(reference.to_owned());
                // Faults inside the target are its own, reported where it is defined.
                let reported = self.diagnostics.len();
                let file = self.file;
                let target_here = Here::new(
                    format!("The `{name}` schema."),
                    &["components", "schemas", &name],
                );
                self.collect_object(&target, type_name, &target_here, parts, depth + 1);
                self.file = file;
                self.diagnostics.truncate(reported);
                self.all_of_stack.pop();
            }
            (Some(ReferenceOr::Reference { .. }), _) => {
                self.error_at(
                    &here.join(&["$ref"]).path,
                    At::Value,
                    format!(
                        "`allOf` includes `{}`, which is itself only a `$ref`",
                        crate::text::short(reference)
                    ),
                    "refer to the schema that defines the properties",
                );
            }
            _ => {
                self.reference_type(reference, here);
            }
        }
    }
}

/// One property of an object schema, before it is named as a field.
struct Property {
    wire_name: String,
    ty: TypeRef,
    nullable: bool,
    docs: Docs,
}

/// What the parts of an object schema (its own properties and those `allOf` brings in) add up
/// to.
#[derive(Default)]
struct ObjectParts {
    properties: Vec<Property>,
    /// Each property's index in `properties`, by wire name (an object may have thousands).
    positions: HashMap<String, usize>,
    required: BTreeSet<String>,
    /// The type of the values of properties not declared (`additionalProperties`).
    additional: Option<TypeRef>,
}

impl ObjectParts {
    /// Adds a property; one of the same name added before is replaced (a later `allOf` part
    /// redefines it), keeping its position.
    fn add(&mut self, property: Property) {
        match self.positions.get(&property.wire_name) {
            Some(&i) => self.properties[i] = property,
            None => {
                self.positions
                    .insert(property.wire_name.clone(), self.properties.len());
                self.properties.push(property);
            }
        }
    }
}

/// An `allOf` part that refers to a schema, and where it is.
struct Included<'a> {
    reference: &'a str,
    type_name: &'a str,
    here: &'a Here,
    depth: usize,
}

/// The string enum of the listed values; a value listed twice is one variant (a second match
/// arm would be unreachable). The last variant keeps values this client does not know.
fn string_enum<'v>(values: impl Iterator<Item = &'v String>) -> TypeKind {
    let mut names = Namespace::default();
    let mut seen = BTreeSet::new();
    let variants: Vec<Variant> = values
        .filter(|value| seen.insert(value.as_str()))
        .map(|value| Variant {
            name: names.claim_pascal(value),
            value: value.clone(),
        })
        .collect();
    let other = names.claim("Other", "");
    TypeKind::Enum { variants, other }
}
