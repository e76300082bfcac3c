//! The schemas of a page's tables: each row's type and description cell become a schema (type,
//! format, bounds, enum, default; the constraints read by `constraints.rs`), a table of rows an object schema, a body table a media type.
//! Keys are written in a fixed order, so the output is deterministic and reads like the
//! hand-written spec files.

use indexmap::IndexMap;
use serde_yaml::{Mapping, Value};

use super::constraints::{apply_bounds, apply_values, count, default_value};
use super::conventions::{map, s};
use super::describe::{self, Facts, OnLine};
use super::draft::{Kind, Schema};
use super::lines::{err, Example, Row, Table};
use super::naming;
use super::types::{FieldType, Prim};
use super::ImportError;

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
