//! The schemas of a page's tables: each row's type and description cell become a schema (type,
//! format, bounds, enum, default), a table of rows an object schema, a body table a media type.
//! Keys are written in a fixed order, so the output is deterministic and reads like the
//! hand-written spec files.

use indexmap::IndexMap;
use serde_yaml::{Mapping, Number, Value};

use super::conventions::{map, s};
use super::describe::{self, Bounds, Facts, OnLine, Text, Values};
use super::lines::{err, Example, Row, Table};
use super::naming;
use super::types::{FieldType, Prim};
use super::ImportError;

/// A schema under construction; [`Schema::to_value`] writes its keys in a fixed order.
#[derive(Debug, Default, Clone)]
pub(super) struct Schema {
    ty: Option<&'static str>,
    format: Option<&'static str>,
    reference: Option<String>,
    description: Option<String>,
    items: Option<Box<Schema>>,
    /// The schema of every property of a map (`Map<String,T>`).
    additional: Option<Box<Schema>>,
    enumeration: Vec<Value>,
    default: Option<Value>,
    minimum: Option<Value>,
    maximum: Option<Value>,
    min_length: Option<u64>,
    max_length: Option<u64>,
    min_items: Option<u64>,
    max_items: Option<u64>,
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
enum Kind {
    Str,
    Int,
    Num,
    Bool,
    Obj,
    Ref,
    File,
}

impl Kind {
    fn of(ty: &FieldType) -> Kind {
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
    fn noun(self) -> &'static str {
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

/// A field's type reference to a nested table, for resolution after all tables are read.
#[derive(Debug, Clone)]
pub(super) struct Ref {
    pub(super) type_name: String,
    pub(super) field: String,
    pub(super) type_text: String,
    pub(super) line: usize,
}

/// Where a field sits; decides whether `File` is allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Place {
    FormData,
    /// The `-` row of a body table: the whole body.
    WholeBody,
    Json,
    Parameter,
}

/// The description of a value of any JSON type (`Array<>`'s items).
const ANY_VALUE: &str = "A value of any JSON type: string, number, boolean, array or object.";

fn base_schema(ty: &FieldType, refs: &mut Vec<Ref>, row: &Row<'_>) -> Schema {
    let (t, f) = match ty {
        FieldType::Prim(Prim::String) => ("string", None),
        FieldType::Prim(Prim::Integer) => ("integer", Some("int32")),
        FieldType::Prim(Prim::Long) => ("integer", Some("int64")),
        FieldType::Prim(Prim::Number) => ("number", None),
        FieldType::Prim(Prim::Float) => ("number", Some("float")),
        FieldType::Prim(Prim::Double) => ("number", Some("double")),
        FieldType::Prim(Prim::Boolean) => ("boolean", None),
        FieldType::Prim(Prim::File) => ("string", Some("binary")),
        FieldType::Prim(Prim::Object) => ("object", None),
        FieldType::Named(name) => {
            refs.push(Ref {
                type_name: name.clone(),
                field: row.name.to_string(),
                type_text: row.ty_text.to_string(),
                line: row.ty_line,
            });
            return Schema {
                reference: Some(naming::schema_name(name)),
                ..Schema::default()
            };
        }
        FieldType::Array(inner) => {
            return Schema {
                ty: Some("array"),
                items: Some(Box::new(base_schema(inner, refs, row))),
                ..Schema::default()
            }
        }
        FieldType::Map(inner) => {
            return Schema {
                ty: Some("object"),
                additional: Some(Box::new(base_schema(inner, refs, row))),
                ..Schema::default()
            }
        }
        // No type: any value. Described, so that it is not an empty mapping (which a reader
        // could take for a forgotten schema).
        FieldType::Any => {
            return Schema {
                description: Some(ANY_VALUE.to_string()),
                ..Schema::default()
            }
        }
    };
    Schema {
        ty: Some(t),
        format: f,
        ..Schema::default()
    }
}

fn integer(text: &str, line: usize, what: &str) -> Result<i64, ImportError> {
    describe::number_text(text)
        .and_then(|t| t.parse::<i64>().ok())
        .ok_or_else(|| err(line, format!("expected an integer {what}, found `{text}`")))
}

fn count(text: &str, line: usize, what: &str) -> Result<u64, ImportError> {
    describe::number_text(text)
        .and_then(|t| t.parse::<u64>().ok())
        .ok_or_else(|| {
            err(
                line,
                format!("expected a non-negative integer {what}, found `{text}`"),
            )
        })
}

fn number(text: &str, line: usize, what: &str) -> Result<Value, ImportError> {
    let t = describe::number_text(text)
        .ok_or_else(|| err(line, format!("expected a number {what}, found `{text}`")))?;
    if let Ok(i) = t.parse::<i64>() {
        return Ok(Value::Number(i.into()));
    }
    t.parse::<f64>()
        .ok()
        .filter(|f| f.is_finite())
        .map(|f| Value::Number(Number::from(f)))
        .ok_or_else(|| err(line, format!("expected a number {what}, found `{text}`")))
}

/// Applies bounds to a string/integer/number schema; `Err(())` when the kind has no bounds.
fn apply_bounds(
    target: &mut Schema,
    kind: Kind,
    bounds: &Bounds,
    field: &str,
) -> Result<Result<(), ()>, ImportError> {
    let what = |b: &str| format!("{b} for `{field}`");
    match kind {
        Kind::Str => {
            if let Some(OnLine { value, line }) = &bounds.min {
                let n = count(value, *line, &what("minimum length"))?;
                target.min_length = (n > 0).then_some(n);
            }
            if let Some(OnLine { value, line }) = &bounds.max {
                target.max_length = Some(count(value, *line, &what("maximum length"))?);
            }
        }
        Kind::Int => {
            if let Some(OnLine { value, line }) = &bounds.min {
                target.minimum = Some(Value::Number(
                    integer(value, *line, &what("minimum"))?.into(),
                ));
            }
            if let Some(OnLine { value, line }) = &bounds.max {
                target.maximum = Some(Value::Number(
                    integer(value, *line, &what("maximum"))?.into(),
                ));
            }
        }
        Kind::Num => {
            if let Some(OnLine { value, line }) = &bounds.min {
                target.minimum = Some(number(value, *line, &what("minimum"))?);
            }
            if let Some(OnLine { value, line }) = &bounds.max {
                target.maximum = Some(number(value, *line, &what("maximum"))?);
            }
        }
        _ => return Ok(Err(())),
    }
    Ok(Ok(()))
}

fn typed_value(kind: Kind, text: &str) -> Option<Value> {
    match kind {
        Kind::Str => Some(s(text)),
        Kind::Int => describe::number_text(text)?
            .parse::<i64>()
            .ok()
            .map(|i| Value::Number(i.into())),
        Kind::Num => {
            let t = describe::number_text(text)?;
            match t.parse::<i64>() {
                Ok(i) => Some(Value::Number(i.into())),
                Err(_) => t
                    .parse::<f64>()
                    .ok()
                    .filter(|f| f.is_finite())
                    .map(|f| Value::Number(Number::from(f))),
            }
        }
        Kind::Bool => match text {
            "true" => Some(Value::Bool(true)),
            "false" => Some(Value::Bool(false)),
            _ => None,
        },
        _ => None,
    }
}

/// The schema of one row, and the description that goes beside it (on the property, or on the
/// parameter/header object).
pub(super) fn field_schema(
    row: &Row<'_>,
    place: Place,
    refs: &mut Vec<Ref>,
) -> Result<(Schema, Option<String>), ImportError> {
    let file_ok = matches!(place, Place::FormData | Place::WholeBody);
    let has_file = |t: &FieldType| {
        matches!(t, FieldType::Prim(Prim::File))
            || matches!(t, FieldType::Array(inner) if matches!(**inner, FieldType::Prim(Prim::File)))
    };
    if has_file(&row.ty) && !file_ok {
        return Err(err(
            row.ty_line,
            format!(
                "`{}` is a File; expected File only in a FormData table or as the `-` row (the whole body) of a body table",
                row.name
            ),
        ));
    }
    let structured = match &row.ty {
        FieldType::Named(_)
        | FieldType::Prim(Prim::Object)
        | FieldType::Map(_)
        | FieldType::Any => true,
        FieldType::Array(inner) => {
            !matches!(**inner, FieldType::Prim(_))
                || matches!(**inner, FieldType::Prim(Prim::Object))
        }
        FieldType::Prim(_) => false,
    };
    if place == Place::Parameter && structured {
        return Err(err(
            row.ty_line,
            format!(
                "parameter `{}` is `{}`; expected a string, number, boolean or array of those",
                row.name, row.ty_text
            ),
        ));
    }

    let mut facts: Facts = describe::read(&row.desc)?;
    let mut schema = base_schema(&row.ty, refs, row);
    let kind = Kind::of(&row.ty);
    // Bounds and allowed values of an array of primitives describe its items.
    let item_kind = match &row.ty {
        FieldType::Array(inner) if matches!(**inner, FieldType::Prim(p) if p != Prim::Object) => {
            Some(Kind::of(inner))
        }
        _ => None,
    };
    let type_noun = |k: Kind| {
        if item_kind.is_some() {
            format!("array of {}", k.noun())
        } else {
            k.noun().to_string()
        }
    };

    // Minimum / Maximum lines.
    if facts.bounds.min.is_some() || facts.bounds.max.is_some() {
        let (target, k) = match (item_kind, schema.items.as_deref_mut()) {
            (Some(k), Some(items)) => (items, k),
            _ => (&mut schema, kind),
        };
        if apply_bounds(target, k, &facts.bounds, row.name)?.is_err() {
            let line = facts
                .bounds
                .min
                .as_ref()
                .or(facts.bounds.max.as_ref())
                .map_or(row.line, |a| a.line);
            return Err(err(
                line,
                format!("`Minimum:`/`Maximum:` expected only on String, Integer or Number fields; `{}` is {}", row.name, row.ty_text),
            ));
        }
    }
    // Constraints / Range prose such as `0 to 10,000`.
    if let Some((bounds, prose)) = facts.soft_bounds.take() {
        let applied = if item_kind.is_none() {
            apply_bounds(&mut schema, kind, &bounds, row.name)?.is_ok()
        } else {
            false
        };
        if !applied {
            facts.text.new_para(&prose);
        }
    }
    // Array Length.
    if let Some((min, max)) = &facts.array_length {
        if !matches!(row.ty, FieldType::Array(_)) {
            return Err(err(
                min.line,
                format!(
                    "`Array Length:` expected only on an array; `{}` is {}",
                    row.name, row.ty_text
                ),
            ));
        }
        let n = count(
            &min.value,
            min.line,
            &format!("array length for `{}`", row.name),
        )?;
        schema.min_items = (n > 0).then_some(n);
        schema.max_items = Some(count(
            &max.value,
            max.line,
            &format!("array length for `{}`", row.name),
        )?);
    }
    // Allowed values.
    if let Some(values) = facts.values.take() {
        apply_values(
            &mut schema,
            item_kind.unwrap_or(kind),
            item_kind.is_some(),
            values,
            &mut facts.text,
            row,
            &type_noun,
        )?;
    }
    // Default.
    if let Some(OnLine { value, line }) = &facts.default {
        schema.default = Some(default_value(kind, value, *line, row)?);
    }

    Ok((schema, facts.text.render()))
}

fn apply_values(
    schema: &mut Schema,
    kind: Kind,
    on_items: bool,
    values: Values,
    text: &mut Text,
    row: &Row<'_>,
    type_noun: &dyn Fn(Kind) -> String,
) -> Result<(), ImportError> {
    let keep_as_text = |text: &mut Text| {
        text.new_para("Range:");
        let list = if values.meanings.is_empty() {
            &values.values
        } else {
            &values.meanings
        };
        for m in list {
            text.bullet(m);
        }
    };
    let typed: Option<Vec<Value>> = values.values.iter().map(|v| typed_value(kind, v)).collect();
    match (kind, typed) {
        (Kind::Bool, Some(_)) => {
            // `true`/`false` are all a boolean can be: no enum, but keep what each value means.
            if values.meanings.iter().any(|m| m.contains(": ")) {
                for m in &values.meanings {
                    text.bullet(m);
                }
            }
        }
        (_, Some(typed)) => {
            let target = match (on_items, schema.items.as_deref_mut()) {
                (true, Some(items)) => items,
                _ => schema,
            };
            target.enumeration = typed;
            if values.meanings.iter().any(|m| m.contains(": ")) {
                for m in &values.meanings {
                    text.bullet(m);
                }
            }
        }
        (_, None) if values.explicit => {
            return Err(err(
                values.line,
                format!(
                    "expected enumeration values of the field's type ({}) for `{}`, found {}",
                    type_noun(kind),
                    row.name,
                    values
                        .values
                        .iter()
                        .map(|v| format!("`{v}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ))
        }
        (_, None) => keep_as_text(text),
    }
    Ok(())
}

fn default_value(kind: Kind, text: &str, line: usize, row: &Row<'_>) -> Result<Value, ImportError> {
    if let Some(v) = typed_value(kind, text) {
        return Ok(v);
    }
    if matches!(row.ty, FieldType::Array(_) | FieldType::Prim(Prim::Object)) {
        if let Ok(json) = serde_json::from_str::<serde_json::Value>(text) {
            let shape_ok = match row.ty {
                FieldType::Array(_) => json.is_array(),
                _ => json.is_object(),
            };
            if shape_ok {
                if let Ok(v) = serde_yaml::to_value(&json) {
                    return Ok(v);
                }
            }
        }
    }
    Err(err(
        line,
        format!(
            "expected a default value of type {} for `{}`, found `{text}`",
            row.ty_text, row.name
        ),
    ))
}

/// `{type: object, required: [...], properties: {...}}` for a table's rows.
pub(super) fn object_schema(
    table: &Table<'_>,
    place: Place,
    refs: &mut Vec<Ref>,
) -> Result<Value, ImportError> {
    let mut properties = Mapping::new();
    let mut required = Vec::new();
    let mut seen: IndexMap<&str, usize> = IndexMap::new();
    for row in &table.rows {
        if row.name == "-" {
            return Err(err(
                row.line,
                format!("expected `-` (the whole body) only as the single row of a body table; `{}` has other rows", table.title),
            ));
        }
        if let Some(first) = seen.insert(row.name, row.line) {
            return Err(err(
                row.line,
                format!(
                    "`{}` appears twice in the table `{}` (first at line {first})",
                    row.name, table.title
                ),
            ));
        }
        let (mut schema, description) = field_schema(row, place, refs)?;
        if schema.reference.is_none() {
            schema.description = description;
        }
        properties.insert(s(row.name), schema.to_value());
        if row.required == Some(true) {
            required.push(s(row.name));
        }
    }
    let mut out = vec![("type", s("object"))];
    if !required.is_empty() {
        out.push(("required", Value::Sequence(required)));
    }
    out.push(("properties", Value::Mapping(properties)));
    Ok(map(out))
}

/// A body: the `-` row's schema, or an object of the rows. Returns (media type, schema, required).
pub(super) fn body_schema(
    table: &Table<'_>,
    place: Place,
    refs: &mut Vec<Ref>,
) -> Result<(&'static str, Value, bool), ImportError> {
    if let [row] = table.rows.as_slice() {
        if row.name == "-" {
            let (mut schema, description) = field_schema(row, Place::WholeBody, refs)?;
            if schema.reference.is_none() {
                schema.description = description;
            }
            let media = if matches!(row.ty, FieldType::Prim(Prim::File)) {
                "application/octet-stream"
            } else {
                "application/json"
            };
            return Ok((media, schema.to_value(), row.required == Some(true)));
        }
    }
    let schema = object_schema(table, place, refs)?;
    let media = if place == Place::FormData {
        "multipart/form-data"
    } else {
        "application/json"
    };
    Ok((
        media,
        schema,
        table.rows.iter().any(|r| r.required == Some(true)),
    ))
}

/// `example` for one example, `examples` (named `example1`, ...) for several.
fn examples_value(examples: &[Example]) -> Option<(&'static str, Value)> {
    match examples {
        [] => None,
        [one] => Some(("example", one.value.clone())),
        many => {
            let mut m = Mapping::new();
            for (i, e) in many.iter().enumerate() {
                let mut entry = Vec::new();
                if let Some(summary) = &e.summary {
                    entry.push(("summary", s(summary)));
                }
                entry.push(("value", e.value.clone()));
                m.insert(s(&format!("example{}", i + 1)), map(entry));
            }
            Some(("examples", Value::Mapping(m)))
        }
    }
}

/// A media type object; examples of a binary body are left out (the page shows a placeholder).
pub(super) fn media(schema: Value, examples: &[Example], binary: bool) -> Value {
    let mut out = vec![("schema", schema)];
    if !binary {
        if let Some((key, value)) = examples_value(examples) {
            out.push((key, value));
        }
    }
    map(out)
}
