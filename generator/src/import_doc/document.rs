//! Building the OpenAPI document from a parsed page, as a `serde_yaml::Value` whose keys are in
//! a fixed order (so the output is deterministic and reads like the hand-written spec files).

use indexmap::IndexMap;
use serde_yaml::{Mapping, Number, Value};

use super::conventions::{self, map, s};
use super::describe::{self, Bounds, Facts, OnLine, Text, Values};
use super::naming;
use super::page::{err, path_params, Example, Page, Row, Status, Table, TableKind};
use super::types::{FieldType, Prim};
use super::{ImportError, ImportOptions};

/// A schema under construction; [`Schema::to_value`] writes its keys in a fixed order.
#[derive(Debug, Default, Clone)]
struct Schema {
    ty: Option<&'static str>,
    format: Option<&'static str>,
    reference: Option<String>,
    description: Option<String>,
    items: Option<Box<Schema>>,
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
    fn to_value(&self) -> Value {
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
            FieldType::Array(_) => Kind::Obj,
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
struct Ref {
    type_name: String,
    field: String,
    type_text: String,
    line: usize,
}

/// Where a field sits; decides whether `File` is allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    FormData,
    /// The `-` row of a body table: the whole body.
    WholeBody,
    Json,
    Parameter,
}

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
fn field_schema(
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
        FieldType::Named(_) | FieldType::Prim(Prim::Object) => true,
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
        FieldType::Array(inner)
            if !matches!(**inner, FieldType::Named(_) | FieldType::Prim(Prim::Object)) =>
        {
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
fn object_schema(
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
fn body_schema(
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
fn media(schema: Value, examples: &[Example], binary: bool) -> Value {
    let mut out = vec![("schema", schema)];
    if !binary {
        if let Some((key, value)) = examples_value(examples) {
            out.push((key, value));
        }
    }
    map(out)
}

/// Component registry: same name and same content is one component; different content is an error.
#[derive(Default)]
struct Components {
    parameters: IndexMap<String, Value>,
    schemas: IndexMap<String, (Value, usize, String)>,
}

impl Components {
    fn schema(
        &mut self,
        name: String,
        value: Value,
        line: usize,
        origin: String,
    ) -> Result<(), ImportError> {
        if let Some((existing, first_line, first_origin)) = self.schemas.get(&name) {
            if *existing != value {
                return Err(err(
                    line,
                    format!(
                        "{origin} would become component schema `{name}`, but {first_origin} (line {first_line}) already does with different content"
                    ),
                ));
            }
            return Ok(());
        }
        self.schemas.insert(name, (value, line, origin));
        Ok(())
    }
}

fn is_error_body(table: &Table<'_>) -> bool {
    let mut names: Vec<&str> = table
        .rows
        .iter()
        .filter(|r| matches!(r.ty, FieldType::Prim(Prim::String)))
        .map(|r| r.name)
        .collect();
    names.sort_unstable();
    table.rows.len() == 2 && names == ["code", "message"]
}

pub(crate) fn document(page: &Page<'_>, options: &ImportOptions) -> Result<Value, ImportError> {
    let operation_id = match &options.operation_id {
        Some(id) if naming::is_operation_id(id) => id.clone(),
        Some(id) => {
            return Err(err(
                page.title_line,
                format!("`--operation-id {id}`: expected an ASCII letter followed by letters, digits or `_`"),
            ))
        }
        None => naming::official_operation_id(&page.method, &page.path)
            .or_else(|| naming::operation_id_from_title(page.title))
            .ok_or_else(|| {
            err(page.title_line, "expected a title with at least one word to name the operation (or pass --operation-id)")
        })?,
    };

    let mut components = Components::default();
    // refs[i] = the nested types table i uses.
    let mut table_refs: Vec<Vec<Ref>> = vec![Vec::new(); page.tables.len()];

    // Find the request tables (at most one of each kind) and the response tables per status.
    let mut single: IndexMap<&'static str, usize> = IndexMap::new();
    let mut response_tables: IndexMap<(u16, bool), usize> = IndexMap::new();
    for (i, t) in page.tables.iter().enumerate() {
        let key = match t.kind {
            TableKind::Path => "path",
            TableKind::Query => "query",
            TableKind::RequestHeader => "request header",
            TableKind::FormData => "FormData",
            TableKind::RequestBody => "request body",
            TableKind::ResponseHeader | TableKind::ResponseBody => {
                let Some(status) = t.status else { continue };
                let is_body = t.kind == TableKind::ResponseBody;
                if let Some(first) = response_tables.insert((status.code, is_body), i) {
                    return Err(err(
                        t.line,
                        format!(
                            "expected one `{}` table for status {} (the first is at line {})",
                            t.title, status.code, page.tables[first].line
                        ),
                    ));
                }
                continue;
            }
            TableKind::Object(_) => continue,
        };
        if let Some(first) = single.insert(key, i) {
            return Err(err(
                t.line,
                format!(
                    "expected one `{}` table (the first is at line {})",
                    t.title, page.tables[first].line
                ),
            ));
        }
    }
    if let (Some(&a), Some(&b)) = (single.get("FormData"), single.get("request body")) {
        return Err(err(
            page.tables[a.max(b)].line,
            "expected either a FormData table or a Request body table, not both",
        ));
    }

    // Parameters: path, query, header.
    let mut parameters = Vec::new();
    let mut authenticated = false;
    let declared = path_params(&page.path);
    let mut path_rows: Vec<&str> = Vec::new();
    for (kind, location) in [
        ("path", "path"),
        ("query", "query"),
        ("request header", "header"),
    ] {
        let Some(&ti) = single.get(kind) else {
            continue;
        };
        let table = &page.tables[ti];
        let mut seen: IndexMap<String, usize> = IndexMap::new();
        for row in &table.rows {
            if let Some(first) = seen.insert(row.name.to_ascii_lowercase(), row.line) {
                return Err(err(
                    row.line,
                    format!(
                        "`{}` appears twice in the table `{}` (first at line {first})",
                        row.name, table.title
                    ),
                ));
            }
            if location == "header" {
                if row.name.eq_ignore_ascii_case("X-Auth-Token") {
                    authenticated = true;
                    continue;
                }
                if row.name.eq_ignore_ascii_case("Content-Type") {
                    continue;
                }
            }
            if location == "path" {
                if !declared.contains(&row.name) {
                    return Err(err(
                        row.line,
                        format!(
                            "`{}` is in the Path Parameters table but not in the URI path `{}`",
                            row.name, page.path
                        ),
                    ));
                }
                if row.required != Some(true) {
                    return Err(err(
                        row.line,
                        format!(
                            "expected path parameter `{}` to be mandatory (`Yes`)",
                            row.name
                        ),
                    ));
                }
                path_rows.push(row.name);
                if matches!(row.ty, FieldType::Prim(Prim::String)) {
                    if let Some(shared) = conventions::shared_path_parameter(row.name) {
                        // Validate the description anyway, so a malformed cell is still reported.
                        field_schema(row, Place::Parameter, &mut table_refs[ti])?;
                        components.parameters.insert(row.name.to_string(), shared);
                        parameters.push(conventions::reference("parameters", row.name));
                        continue;
                    }
                }
            }
            let (schema, description) = field_schema(row, Place::Parameter, &mut table_refs[ti])?;
            let mut p = vec![("name", s(row.name)), ("in", s(location))];
            if location == "path" || row.required == Some(true) {
                p.push(("required", Value::Bool(true)));
            }
            if let Some(d) = description {
                p.push(("description", s(&d)));
            }
            p.push(("schema", schema.to_value()));
            parameters.push(map(p));
        }
    }
    if let Some(missing) = declared.iter().find(|p| !path_rows.contains(p)) {
        let at = single
            .get("path")
            .map_or(page.uri_line, |&ti| page.tables[ti].line);
        return Err(err(
            at,
            format!("expected a row for the path parameter `{missing}` of `{}` in a Path Parameters table", page.path),
        ));
    }

    // Request body.
    let body_table = single
        .get("FormData")
        .map(|&i| (i, Place::FormData))
        .or_else(|| single.get("request body").map(|&i| (i, Place::Json)));
    let request_body = match body_table {
        Some((ti, place)) => {
            let (media_type, schema, required) =
                body_schema(&page.tables[ti], place, &mut table_refs[ti])?;
            let binary = media_type == "application/octet-stream";
            let mut rb = Vec::new();
            if required {
                rb.push(("required", Value::Bool(true)));
            }
            rb.push((
                "content",
                map([(media_type, media(schema, &page.request_examples, binary))]),
            ));
            Some(map(rb))
        }
        None => {
            if let Some(e) = page.request_examples.first() {
                return Err(err(
                    e.line,
                    "this example request has a body, but the page has no FormData or Request body parameters table to describe it",
                ));
            }
            None
        }
    };

    // Responses, in the order of the Status Codes list.
    if page.statuses.is_empty() {
        return Err(err(
            page.last_line.max(1),
            "expected a `Status Codes` section listing every status code with its description; the page ended first",
        ));
    }
    let listed = |code: u16| page.statuses.iter().any(|e| e.code == code);
    for (&(code, _), &ti) in &response_tables {
        if !listed(code) {
            let line = page.tables[ti]
                .status
                .map_or(page.tables[ti].line, |st| st.line);
            return Err(err(
                line,
                format!("status {code} has response tables but is not in the Status Codes list"),
            ));
        }
    }
    let mut examples_by_status: IndexMap<u16, &(Status, Vec<Example>)> = IndexMap::new();
    for group in &page.response_examples {
        let (status, _) = group;
        if !listed(status.code) {
            return Err(err(
                status.line,
                format!(
                    "status {} has an example response but is not in the Status Codes list",
                    status.code
                ),
            ));
        }
        if let Some(first) = examples_by_status.insert(status.code, group) {
            return Err(err(
                status.line,
                format!(
                    "expected one example group per status; {} is already at line {}",
                    status.code, first.0.line
                ),
            ));
        }
    }
    let mut uses_error_body = false;
    let mut responses = Mapping::new();
    for entry in &page.statuses {
        let mut r = vec![("description", s(&entry.description))];
        if let Some(&ti) = response_tables.get(&(entry.code, false)) {
            let mut headers = Mapping::new();
            for row in &page.tables[ti].rows {
                let (schema, description) =
                    field_schema(row, Place::Parameter, &mut table_refs[ti])?;
                let mut h = Vec::new();
                if let Some(d) = description {
                    h.push(("description", s(&d)));
                }
                h.push(("schema", schema.to_value()));
                headers.insert(s(row.name), map(h));
            }
            r.push(("headers", Value::Mapping(headers)));
        }
        let examples: &[Example] = examples_by_status
            .get(&entry.code)
            .map_or(&[], |g| g.1.as_slice());
        match response_tables.get(&(entry.code, true)) {
            Some(&ti) => {
                let table = &page.tables[ti];
                let (media_type, schema, binary) = if entry.code >= 400 && is_error_body(table) {
                    uses_error_body = true;
                    (
                        "application/json",
                        conventions::reference("schemas", conventions::ERROR_BODY),
                        false,
                    )
                } else {
                    let (media_type, schema, _) =
                        body_schema(table, Place::Json, &mut table_refs[ti])?;
                    (media_type, schema, media_type == "application/octet-stream")
                };
                r.push((
                    "content",
                    map([(media_type, media(schema, examples, binary))]),
                ));
            }
            None => {
                if let Some(e) = examples.first() {
                    return Err(err(
                        e.line,
                        format!("this example response for status {} has a body, but the page has no Response body table for that status", entry.code),
                    ));
                }
            }
        }
        responses.insert(s(&entry.code.to_string()), map(r));
    }

    // Nested object tables: build each, then check every reference resolves and every table is used.
    let mut object_schemas: Vec<Option<Value>> = vec![None; page.tables.len()];
    for (i, t) in page.tables.iter().enumerate() {
        if let TableKind::Object(_) = &t.kind {
            let mut refs = Vec::new();
            object_schemas[i] = Some(object_schema(t, Place::Json, &mut refs)?);
            table_refs[i] = refs;
        }
    }
    let titled = |name: &str| -> Vec<usize> {
        page.tables
            .iter()
            .enumerate()
            .filter(|(_, t)| matches!(&t.kind, TableKind::Object(n) if n == name))
            .map(|(i, _)| i)
            .collect()
    };
    let mut reachable = vec![false; page.tables.len()];
    let mut queue: Vec<Ref> = page
        .tables
        .iter()
        .enumerate()
        .filter(|(_, t)| !matches!(t.kind, TableKind::Object(_)))
        .flat_map(|(i, _)| table_refs[i].clone())
        .collect();
    queue.sort_by_key(|r| r.line);
    let mut qi = 0;
    while qi < queue.len() {
        let r = queue[qi].clone();
        qi += 1;
        let targets = titled(&r.type_name);
        if targets.is_empty() {
            return Err(err(
                r.line,
                format!(
                    "`{}` has type `{}`, but no table on the page is titled `{}` to describe it",
                    r.field, r.type_text, r.type_name
                ),
            ));
        }
        for t in targets {
            if !reachable[t] {
                reachable[t] = true;
                let mut more = table_refs[t].clone();
                more.sort_by_key(|r| r.line);
                queue.extend(more);
            }
        }
    }
    for (i, t) in page.tables.iter().enumerate() {
        if let (TableKind::Object(name), Some(schema)) = (&t.kind, object_schemas[i].take()) {
            if !reachable[i] {
                return Err(err(
                    t.line,
                    format!("the table `{name}` describes a type no field uses; expected a field of type `{name} object` or `Array of {name} objects` on the page"),
                ));
            }
            components.schema(
                naming::schema_name(name),
                schema,
                t.line,
                format!("the table `{name}`"),
            )?;
        }
    }
    if uses_error_body {
        components.schema(
            conventions::ERROR_BODY.to_string(),
            conventions::error_body(),
            page.title_line,
            "the `{code, message}` error body".to_string(),
        )?;
    }

    // The operation.
    let mut op = vec![
        ("operationId", s(&operation_id)),
        ("summary", s(page.title)),
    ];
    let mut function = Text::default();
    for l in &page.function {
        match ["•", "·"].iter().find_map(|b| l.text.strip_prefix(b)) {
            Some(b) => function.bullet(b.trim()),
            None => function.para(l.text),
        }
    }
    if let Some(d) = function.render() {
        op.push(("description", s(&d)));
    }
    if !parameters.is_empty() {
        op.push(("parameters", Value::Sequence(parameters)));
    }
    if let Some(rb) = request_body {
        op.push(("requestBody", rb));
    }
    op.push(("responses", Value::Mapping(responses)));
    if !authenticated {
        // The page lists no X-Auth-Token: the operation takes no credentials.
        op.push(("security", Value::Sequence(vec![])));
    }

    let version = page
        .path
        .split('/')
        .find(|seg| {
            seg.len() > 1 && seg.starts_with('v') && seg[1..].bytes().all(|b| b.is_ascii_digit())
        })
        .unwrap_or("v1");

    let mut comps = vec![(
        "securitySchemes",
        map([(
            conventions::SECURITY_SCHEME,
            conventions::iam_token_scheme(),
        )]),
    )];
    if !components.parameters.is_empty() {
        comps.push(("parameters", map(components.parameters)));
    }
    if !components.schemas.is_empty() {
        comps.push((
            "schemas",
            map(components.schemas.into_iter().map(|(k, (v, _, _))| (k, v))),
        ));
    }

    Ok(map([
        ("openapi", s("3.0.3")),
        (
            "info",
            map([("title", s(page.title)), ("version", s(version))]),
        ),
        ("servers", conventions::servers()),
        ("security", conventions::security_requirement()),
        (
            "paths",
            map([(page.path.clone(), map([(page.method.clone(), map(op))]))]),
        ),
        ("components", map(comps)),
    ]))
}
