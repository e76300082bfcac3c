//! Paging: which operations answer one page of a list at a time, and how to walk their pages.
//!
//! An operation pages when it takes an `offset` and a `limit` (query parameters, or fields of its
//! JSON body, as the search operations have them) and answers a JSON object holding the page's
//! items as a list: the object's only list field, or the only list of its only object field that
//! has one (`{data: {data: [...], total}}`). The total is the number `total`, `count` or
//! `total_count` beside the items, when there is one. The page size asked for is the largest
//! `limit` the spec allows (else its default, else [`FALLBACK_PAGE_SIZE`]; at most 1,000), within the spec's
//! range.
//!
//! What the names and shapes cannot tell, an operation's `x-paging` extension says:
//! `offset: pages` (its offset is a page number counted from 0, not a count of records) and
//! `items: FIELD` (the list holding the items, when the answer has several). An operation with an
//! offset and a limit whose answer cannot be paged is kept as [`Paging::Unpageable`] with the
//! reason, for `generator paging` to report, never skipped silently.

use super::{Api, Body, Operation, ParamLocation, ResponseBody, TypeKind, TypeRef};
use crate::diagnostic::Diagnostic;
use crate::place::At;
use crate::spec::Spec;
use openapiv3::{ReferenceOr, Schema, SchemaKind, Type};

/// The page size when the spec gives neither a largest nor a default `limit`.
pub const FALLBACK_PAGE_SIZE: u64 = 100;
/// The largest page asked for by default: some limits allow 999,999 records a page, which would
/// make answers run into the client's body limits; a caller who wants more sets the limit.
const LARGEST_DEFAULT_PAGE_SIZE: u64 = 1000;

/// The extension that says what names and shapes cannot.
const EXTENSION: &str = "x-paging";

/// Whether and how an operation pages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Paging {
    /// Not a list: no `offset` and `limit`.
    #[default]
    None,
    Paged(Pager),
    /// Takes an `offset` and a `limit`, but its answer cannot be paged: why, and how to mend it.
    Unpageable(String),
}

/// How to walk the pages of an operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pager {
    pub style: PageStyle,
    /// Where the offset and limit go.
    pub location: PagePlace,
    /// The Rust names of the offset and limit: builder fields, or fields of the body.
    pub offset: String,
    pub limit: String,
    /// The page size asked for when the caller sets no limit.
    pub page_size: u64,
    /// The range of `limit` the spec gives.
    pub limit_range: (Option<i64>, Option<i64>),
    /// The type of one item.
    pub item: TypeRef,
    /// The path from the answer to its list of items.
    pub items: Vec<Step>,
    /// The path from the answer to the total, when it reports one.
    pub total: Option<Vec<Step>>,
}

/// What the offset counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageStyle {
    /// Records to skip.
    Records,
    /// Pages to skip, counted from 0.
    Pages,
}

/// Where the offset and limit are set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PagePlace {
    Query,
    /// Fields of the JSON body, the builder field of that name.
    Body(String),
}

/// One field on the way from an answer to its items or total.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The Rust name of the field.
    pub field: String,
    /// The field is an `Option`.
    pub optional: bool,
}

/// What an operation's `x-paging` says.
#[derive(Default)]
struct Extension {
    style: Option<PageStyle>,
    items: Option<String>,
}

/// Decides the paging of every operation; faults are those of `x-paging` extensions.
pub(super) fn decide(spec: &Spec, api: &mut Api) -> Vec<Diagnostic> {
    let mut faults = Vec::new();
    let mut decisions = Vec::with_capacity(api.operations.len());
    for op in &api.operations {
        let method = op.http_method.to_ascii_lowercase();
        let raw = raw_operation(spec, &op.path, &method);
        let file = spec.file_of_operation(&op.path, &method);
        let fault = |message: String, help: &str| {
            Diagnostic::new(&file.name, message)
                .at(file.locate_at(&["paths", &op.path, &method, EXTENSION], At::Key))
                .help(help)
        };
        let extension = match raw.and_then(|raw| raw.extensions.get(EXTENSION)) {
            None => Extension::default(),
            Some(value) => match extension(value) {
                Ok(extension) => extension,
                Err(message) => {
                    faults.push(fault(
                        format!("`{EXTENSION}` of `{}`: {message}", op.operation_id),
                        "write `x-paging: {offset: pages}` (the offset is a page number counted from 0) and/or `items: FIELD` (the answer's list of items)",
                    ));
                    Extension::default()
                }
            },
        };
        let decision = paging(spec, api, op, raw, &extension);
        if raw.is_some_and(|raw| raw.extensions.contains_key(EXTENSION)) && decision == Paging::None
        {
            faults.push(fault(
                format!(
                    "`{}` has `{EXTENSION}` but no `offset` and `limit` to page with",
                    op.operation_id
                ),
                "remove `x-paging`, or declare the operation's `offset` and `limit`",
            ));
        }
        // An `items` the spec names explicitly must lead to the items.
        if let (Some(_), Paging::Unpageable(reason)) = (&extension.items, &decision) {
            faults.push(fault(
                format!("`{}` cannot be paged as its `{EXTENSION}` says: {reason}", op.operation_id),
                "name in `items` the field of the answer that holds the list of items (`data`, or `data.records` when nested)",
            ));
        }
        decisions.push(decision);
    }
    for (op, decision) in api.operations.iter_mut().zip(decisions) {
        op.paging = decision;
    }
    faults
}

fn raw_operation<'s>(spec: &'s Spec, path: &str, method: &str) -> Option<&'s openapiv3::Operation> {
    match spec.document.paths.paths.get(path)? {
        ReferenceOr::Item(item) => item.iter().find(|(m, _)| *m == method).map(|(_, op)| op),
        ReferenceOr::Reference { .. } => None,
    }
}

fn extension(value: &serde_json::Value) -> Result<Extension, String> {
    let serde_json::Value::Object(map) = value else {
        return Err("it is not a mapping".to_owned());
    };
    let mut extension = Extension::default();
    for (key, value) in map {
        match (key.as_str(), value.as_str()) {
            ("offset", Some("pages")) => extension.style = Some(PageStyle::Pages),
            ("offset", Some("records")) => extension.style = Some(PageStyle::Records),
            ("offset", text) => {
                let written = text.map_or_else(|| value.to_string(), str::to_owned);
                return Err(format!(
                    "`offset: {written}` is neither `records` nor `pages`"
                ));
            }
            ("items", Some(field)) => extension.items = Some(field.to_owned()),
            ("items", None) => return Err("`items` is not a field name".to_owned()),
            (other, _) => return Err(format!("unknown key `{other}`")),
        }
    }
    Ok(extension)
}

/// The paging of one operation.
fn paging(
    spec: &Spec,
    api: &Api,
    op: &Operation,
    raw: Option<&openapiv3::Operation>,
    extension: &Extension,
) -> Paging {
    let Some((place, limit_schema)) = offset_and_limit(spec, api, op, raw) else {
        return Paging::None;
    };
    match pager(api, op, extension, place, limit_schema) {
        Ok(pager) => Paging::Paged(pager),
        Err(reason) => Paging::Unpageable(reason),
    }
}

/// Where the offset and limit are set, and their Rust names.
type Place = (PagePlace, String, String);

/// Where the offset and limit are, and the spec's schema of `limit`.
fn offset_and_limit<'s>(
    spec: &'s Spec,
    api: &Api,
    op: &Operation,
    raw: Option<&'s openapiv3::Operation>,
) -> Option<(Place, Option<&'s Schema>)> {
    let query = |wire: &str| {
        op.parameters
            .iter()
            .find(|p| p.location == ParamLocation::Query && p.wire_name == wire && is_count(&p.ty))
    };
    if let (Some(offset), Some(limit)) = (query("offset"), query("limit")) {
        let schema = raw.and_then(|raw| query_schema(spec, raw, "limit"));
        let place = (PagePlace::Query, offset.name.clone(), limit.name.clone());
        return Some((place, schema));
    }
    let Some(Body::Json {
        name,
        ty: TypeRef::Named(body),
        ..
    }) = &op.body
    else {
        return None;
    };
    let fields = struct_fields(api, body)?;
    let field = |wire: &str| {
        fields
            .iter()
            .find(|f| f.wire_name == wire && is_count(&f.ty))
    };
    let (offset, limit) = (field("offset")?, field("limit")?);
    let schema = raw.and_then(|raw| body_property_schema(spec, raw, "limit"));
    let place = (
        PagePlace::Body(name.clone()),
        offset.name.clone(),
        limit.name.clone(),
    );
    Some((place, schema))
}

/// A type a count can be written in: an integer, or text (one operation declares its limit a
/// string).
fn is_count(ty: &TypeRef) -> bool {
    matches!(ty, TypeRef::I32 | TypeRef::I64 | TypeRef::String)
}

/// A type a total can be written in (some answers give theirs as a float).
fn is_number(ty: &TypeRef) -> bool {
    matches!(
        ty,
        TypeRef::I32 | TypeRef::I64 | TypeRef::F32 | TypeRef::F64
    )
}

fn struct_fields<'a>(api: &'a Api, name: &str) -> Option<&'a [super::Field]> {
    match &api.types.iter().find(|t| t.name == name)?.kind {
        TypeKind::Struct { fields, .. } => Some(fields),
        _ => None,
    }
}

/// The list type `ty` is, through aliases: its item type.
fn list_item(api: &Api, ty: &TypeRef) -> Option<TypeRef> {
    match ty {
        TypeRef::Vec(item) => Some((**item).clone()),
        TypeRef::Named(name) => match &api.types.iter().find(|t| &t.name == name)?.kind {
            TypeKind::Alias(TypeRef::Vec(item)) => Some((**item).clone()),
            _ => None,
        },
        _ => None,
    }
}

/// How to walk the answers of an operation that takes an offset and a limit.
fn pager(
    api: &Api,
    op: &Operation,
    extension: &Extension,
    (location, offset, limit): Place,
    limit_schema: Option<&Schema>,
) -> Result<Pager, String> {
    let id = &op.operation_id;
    if let Some(taken) = op
        .parameters
        .iter()
        .find(|p| !p.from_scope && (p.name == "items" || p.name == "pages"))
    {
        return Err(format!(
            "its parameter `{}` would share its name with the paging methods `items()` and `pages()`",
            taken.wire_name
        ));
    }
    if matches!(op.body, Some(Body::Multipart { .. } | Body::Binary { .. })) {
        return Err("its body is an upload, which cannot be sent again for each page".to_owned());
    }
    let answer = match op.successes.as_slice() {
        [one] => match &one.body {
            ResponseBody::Json(TypeRef::Named(name)) if struct_fields(api, name).is_some() => {
                name.clone()
            }
            _ => return Err("its success answer is not a JSON object".to_owned()),
        },
        _ => {
            return Err(format!(
                "it documents {} success answers; a page needs one",
                op.successes.len()
            ))
        }
    };
    let (items, parent, item) =
        items_path(api, &answer, extension.items.as_deref()).map_err(|why| {
            match extension.items {
                Some(_) => why,
                None => format!(
                    "{why}; name the list of items in `{id}`'s `x-paging: {{items: FIELD}}`"
                ),
            }
        })?;
    let total = struct_fields(api, &parent).and_then(|fields| {
        ["total", "count", "total_count"].iter().find_map(|wire| {
            let field = fields
                .iter()
                .find(|f| f.wire_name == *wire && is_number(&f.ty))?;
            let mut path = items[..items.len() - 1].to_vec();
            path.push(Step {
                field: field.name.clone(),
                optional: field.is_optional(),
            });
            Some(path)
        })
    });
    let (min, max, default) = limit_schema.map(limit_range).unwrap_or_default();
    let lowest = min.unwrap_or(1).max(1);
    if max.is_some_and(|max| max < lowest) {
        return Err(format!(
            "its `limit` allows no page size of 1 or more (maximum {})",
            max.unwrap_or_default()
        ));
    }
    let wanted = max
        .or(default)
        .and_then(|n| u64::try_from(n).ok())
        .unwrap_or(FALLBACK_PAGE_SIZE)
        .min(LARGEST_DEFAULT_PAGE_SIZE);
    let mut page_size = wanted.max(lowest.unsigned_abs());
    if let Some(max) = max.and_then(|m| u64::try_from(m).ok()) {
        page_size = page_size.min(max);
    }
    Ok(Pager {
        style: extension.style.unwrap_or(PageStyle::Records),
        location,
        offset,
        limit,
        page_size,
        limit_range: (min, max),
        item,
        items,
        total,
    })
}

/// The path to the answer's items, the type holding them, and the item type.
fn items_path(
    api: &Api,
    answer: &str,
    named: Option<&str>,
) -> Result<(Vec<Step>, String, TypeRef), String> {
    let fields = struct_fields(api, answer).unwrap_or_default();
    let step = |f: &super::Field| Step {
        field: f.name.clone(),
        optional: f.is_optional(),
    };
    if let Some(named) = named {
        let mut steps = Vec::new();
        let mut holder = answer.to_owned();
        let parts: Vec<&str> = named.split('.').collect();
        for (i, part) in parts.iter().enumerate() {
            let fields = struct_fields(api, &holder).unwrap_or_default();
            let field = fields
                .iter()
                .find(|f| f.wire_name == *part)
                .ok_or_else(|| {
                    format!("`x-paging` names `{named}`, but the answer has no `{part}` there")
                })?;
            steps.push(step(field));
            if i + 1 == parts.len() {
                let item = list_item(api, &field.ty)
                    .ok_or_else(|| format!("`x-paging` names `{named}`, which is not a list"))?;
                return Ok((steps, holder, item));
            }
            match &field.ty {
                TypeRef::Named(inner) if struct_fields(api, inner).is_some() => {
                    holder = inner.clone()
                }
                _ => {
                    return Err(format!(
                        "`x-paging` names `{named}`, but `{part}` is not an object"
                    ))
                }
            }
        }
        return Err("`x-paging` names no field".to_owned());
    }
    let lists: Vec<&super::Field> = fields
        .iter()
        .filter(|f| list_item(api, &f.ty).is_some())
        .collect();
    match lists.as_slice() {
        [one] => {
            let item = list_item(api, &one.ty).unwrap_or(TypeRef::Value);
            return Ok((vec![step(one)], answer.to_owned(), item));
        }
        [] => {}
        several => {
            let names: Vec<String> = several
                .iter()
                .map(|f| format!("`{}`", f.wire_name))
                .collect();
            return Err(format!(
                "its answer has several lists ({})",
                names.join(", ")
            ));
        }
    }
    // No list beside the envelope: the only object field holding exactly one list.
    let mut nested = Vec::new();
    for field in fields {
        let TypeRef::Named(inner) = &field.ty else {
            continue;
        };
        let Some(inner_fields) = struct_fields(api, inner) else {
            continue;
        };
        let lists: Vec<&super::Field> = inner_fields
            .iter()
            .filter(|f| list_item(api, &f.ty).is_some())
            .collect();
        if let [list] = lists.as_slice() {
            nested.push((field, inner.clone(), *list));
        }
    }
    match nested.as_slice() {
        [(outer, inner, list)] => {
            let item = list_item(api, &list.ty).unwrap_or(TypeRef::Value);
            Ok((vec![step(outer), step(list)], inner.clone(), item))
        }
        [] => Err("its answer has no list of items".to_owned()),
        _ => Err("its answer has lists in several of its objects".to_owned()),
    }
}

/// The spec's schema of the query parameter `name` of an operation.
fn query_schema<'s>(
    spec: &'s Spec,
    raw: &'s openapiv3::Operation,
    name: &str,
) -> Option<&'s Schema> {
    let components = spec.document.components.as_ref();
    raw.parameters.iter().find_map(|p| {
        let parameter = match p {
            ReferenceOr::Item(p) => p,
            ReferenceOr::Reference { reference } => {
                match components?.parameters.get(component_name(reference))? {
                    ReferenceOr::Item(p) => p,
                    ReferenceOr::Reference { .. } => return None,
                }
            }
        };
        let data = parameter.parameter_data_ref();
        if data.name != name || !matches!(parameter, openapiv3::Parameter::Query { .. }) {
            return None;
        }
        match &data.format {
            openapiv3::ParameterSchemaOrContent::Schema(schema) => schema_of(spec, schema),
            openapiv3::ParameterSchemaOrContent::Content(_) => None,
        }
    })
}

/// The spec's schema of the property `name` of an operation's JSON body.
fn body_property_schema<'s>(
    spec: &'s Spec,
    raw: &'s openapiv3::Operation,
    name: &str,
) -> Option<&'s Schema> {
    let components = spec.document.components.as_ref();
    let body = match raw.request_body.as_ref()? {
        ReferenceOr::Item(body) => body,
        ReferenceOr::Reference { reference } => {
            match components?.request_bodies.get(component_name(reference))? {
                ReferenceOr::Item(body) => body,
                ReferenceOr::Reference { .. } => return None,
            }
        }
    };
    let schema = schema_of(spec, body.content.get("application/json")?.schema.as_ref()?)?;
    let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
        return None;
    };
    match object.properties.get(name)? {
        ReferenceOr::Item(schema) => match &schema.schema_kind {
            SchemaKind::AllOf { all_of } if all_of.len() == 1 => schema_of(spec, &all_of[0]),
            _ => Some(schema),
        },
        ReferenceOr::Reference { reference } => schema_of(
            spec,
            spec.document
                .components
                .as_ref()?
                .schemas
                .get(component_name(reference))?,
        ),
    }
}

/// A schema, through a `$ref` and a single-`allOf` wrapper.
fn schema_of<'s>(spec: &'s Spec, schema: &'s ReferenceOr<Schema>) -> Option<&'s Schema> {
    schema_within(spec, schema, 8)
}

fn schema_within<'s>(
    spec: &'s Spec,
    schema: &'s ReferenceOr<Schema>,
    depth: usize,
) -> Option<&'s Schema> {
    let depth = depth.checked_sub(1)?;
    let schema = match schema {
        ReferenceOr::Item(schema) => schema,
        ReferenceOr::Reference { reference } => {
            let target = spec
                .document
                .components
                .as_ref()?
                .schemas
                .get(component_name(reference))?;
            return schema_within(spec, target, depth);
        }
    };
    match &schema.schema_kind {
        SchemaKind::AllOf { all_of } if all_of.len() == 1 => schema_within(spec, &all_of[0], depth),
        _ => Some(schema),
    }
}

fn component_name(reference: &str) -> &str {
    reference.rsplit('/').next().unwrap_or_default()
}

/// The minimum, maximum and default of a `limit` schema.
fn limit_range(schema: &Schema) -> (Option<i64>, Option<i64>, Option<i64>) {
    let default = schema.schema_data.default.as_ref().and_then(|d| {
        d.as_i64()
            .or_else(|| d.as_str().and_then(|s| s.trim().parse().ok()))
    });
    match &schema.schema_kind {
        SchemaKind::Type(Type::Integer(integer)) => (integer.minimum, integer.maximum, default),
        SchemaKind::Type(Type::Number(number)) => (
            number.minimum.map(|n| n.ceil() as i64),
            number.maximum.map(|n| n.floor() as i64),
            default,
        ),
        _ => (None, None, default),
    }
}
