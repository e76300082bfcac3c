//! A schema under construction ([`Schema`], written out with its keys in a fixed order) and the
//! kinds of value a field's constraints can apply to ([`Kind`]): what `schema.rs` builds and
//! `constraints.rs` fills in.

use serde_yaml::{Mapping, Value};

use super::conventions::s;
use super::types::{FieldType, Prim};

/// A schema under construction; [`Schema::to_value`] writes its keys in a fixed order.
#[derive(Debug, Default, Clone)]
pub(super) struct Schema {
    pub(super) ty: Option<&'static str>,
    pub(super) format: Option<&'static str>,
    pub(super) reference: Option<String>,
    pub(super) description: Option<String>,
    pub(super) items: Option<Box<Schema>>,
    /// The schema of every property of a map (`Map<String,T>`).
    pub(super) additional: Option<Box<Schema>>,
    pub(super) enumeration: Vec<Value>,
    pub(super) default: Option<Value>,
    pub(super) minimum: Option<Value>,
    pub(super) maximum: Option<Value>,
    pub(super) min_length: Option<u64>,
    pub(super) max_length: Option<u64>,
    pub(super) min_items: Option<u64>,
    pub(super) max_items: Option<u64>,
}

impl Schema {
    pub(super) fn to_value(&self) -> Value {
        let mut m = Mapping::new();
        let mut put = |k: &str, v: Value| {
            m.insert(s(k), v);
        };
        if let Some(r) = &self.reference {
            put("$ref", s(&format!("#/components/schemas/{r}")));
            return Value::Mapping(m);
        }
        if let Some(t) = self.ty {
            put("type", s(t));
        }
        if let Some(f) = self.format {
            put("format", s(f));
        }
        if let Some(d) = &self.description {
            put("description", s(d));
        }
        if let Some(items) = &self.items {
            put("items", items.to_value());
        }
        if let Some(additional) = &self.additional {
            put("additionalProperties", additional.to_value());
        }
        if !self.enumeration.is_empty() {
            put("enum", Value::Sequence(self.enumeration.clone()));
        }
        if let Some(d) = &self.default {
            put("default", d.clone());
        }
        if let Some(v) = &self.minimum {
            put("minimum", v.clone());
        }
        if let Some(v) = &self.maximum {
            put("maximum", v.clone());
        }
        for (k, v) in [
            ("minLength", self.min_length),
            ("maxLength", self.max_length),
            ("minItems", self.min_items),
            ("maxItems", self.max_items),
        ] {
            if let Some(v) = v {
                put(k, Value::Number(v.into()));
            }
        }
        Value::Mapping(m)
    }
}

/// What constraints can apply to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Str,
    Int,
    Num,
    Bool,
    Obj,
    Ref,
    File,
}

impl Kind {
    pub(super) fn of(ty: &FieldType) -> Kind {
        match ty {
            FieldType::Prim(Prim::String) => Kind::Str,
            FieldType::Prim(Prim::Integer | Prim::Long) => Kind::Int,
            FieldType::Prim(Prim::Number | Prim::Float | Prim::Double) => Kind::Num,
            FieldType::Prim(Prim::Boolean) => Kind::Bool,
            FieldType::Prim(Prim::Object) => Kind::Obj,
            FieldType::Prim(Prim::File) => Kind::File,
            FieldType::Named(_) => Kind::Ref,
            FieldType::Array(_) | FieldType::Map(_) | FieldType::Any => Kind::Obj,
        }
    }
    pub(super) fn noun(self) -> &'static str {
        match self {
            Kind::Str => "String",
            Kind::Int => "Integer",
            Kind::Num => "Number",
            Kind::Bool => "Boolean",
            Kind::Obj => "object or array",
            Kind::Ref => "object",
            Kind::File => "File",
        }
    }
}
