//! Building the OpenAPI document of a parsed page, step by step: the operationId, the tables
//! of each kind, the parameters, the request body, the responses in the order of the Status
//! Codes list, the component schemas of the nested object tables, and the document around the
//! operation. Each step reports the first fault it meets, at its line.

use indexmap::IndexMap;
use serde_yaml::{Mapping, Value};

use super::conventions::{self, map, s};
use super::describe::Text;
use super::lines::{err, Example, Row, Status, Table, TableKind};
use super::naming;
use super::page::{path_params, Page};
use super::schema::{body_schema, field_schema, media, object_schema, Place, Ref};
use super::types::{FieldType, Prim};
use super::{ImportError, ImportOptions};

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

/// The tables of a page by kind: at most one of each request kind, and per status one response
/// header table and one response body table.
struct Tables {
    single: IndexMap<&'static str, usize>,
    /// (status, is the body table) → table index.
    responses: IndexMap<(u16, bool), usize>,
}

/// A page being transcribed: the components it defines so far, and the nested types each table
/// uses (`refs[i]` for table `i`).
struct Transcription<'p, 'a> {
    page: &'p Page<'a>,
    components: Components,
    table_refs: Vec<Vec<Ref>>,
    uses_error_body: bool,
}

/// The OpenAPI document of one page.
pub(crate) fn document(page: &Page<'_>, options: &ImportOptions) -> Result<Value, ImportError> {
    let operation_id = operation_id(page, options)?;
    let mut transcription = Transcription {
        page,
        components: Components::default(),
        table_refs: vec![Vec::new(); page.tables.len()],
        uses_error_body: false,
    };
    let tables = find_tables(page)?;
    let (parameters, authenticated) = transcription.parameters(&tables)?;
    let request_body = transcription.request_body(&tables)?;
    let responses = transcription.responses(&tables)?;
    transcription.object_components()?;

    let mut op = vec![
        ("operationId", s(&operation_id)),
        ("summary", s(page.title)),
    ];
    if let Some(d) = function_text(page) {
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
    Ok(around_operation(page, map(op), transcription.components))
}

fn operation_id(page: &Page<'_>, options: &ImportOptions) -> Result<String, ImportError> {
    match &options.operation_id {
        Some(id) if naming::is_operation_id(id) => Ok(id.clone()),
        Some(id) => Err(err(
            page.title_line,
            format!("`--operation-id {id}`: expected an ASCII letter followed by letters, digits or `_`"),
        )),
        None => naming::official_operation_id(&page.method, &page.path)
            .or_else(|| naming::operation_id_from_title(page.title))
            .ok_or_else(|| {
                err(page.title_line, "expected a title with at least one word to name the operation (or pass --operation-id)")
            }),
    }
}

/// Finds the request tables (at most one of each kind) and the response tables per status.
fn find_tables(page: &Page<'_>) -> Result<Tables, ImportError> {
    let mut single: IndexMap<&'static str, usize> = IndexMap::new();
    let mut responses: IndexMap<(u16, bool), usize> = IndexMap::new();
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
                if let Some(first) = responses.insert((status.code, is_body), i) {
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
    Ok(Tables { single, responses })
}

impl Transcription<'_, '_> {
    /// The path, query and header parameters, and whether the page takes an `X-Auth-Token`.
    fn parameters(&mut self, tables: &Tables) -> Result<(Vec<Value>, bool), ImportError> {
        let page = self.page;
        let mut parameters = Vec::new();
        let mut authenticated = false;
        let declared = path_params(&page.path);
        let mut path_rows: Vec<&str> = Vec::new();
        for (kind, location) in [
            ("path", "path"),
            ("query", "query"),
            ("request header", "header"),
        ] {
            let Some(&ti) = tables.single.get(kind) else {
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
                    check_path_row(page, &declared, row)?;
                    path_rows.push(row.name);
                    if matches!(row.ty, FieldType::Prim(Prim::String)) {
                        if let Some(shared) = conventions::shared_path_parameter(row.name) {
                            // Validate the description anyway, so a malformed cell is still reported.
                            field_schema(row, Place::Parameter, &mut self.table_refs[ti])?;
                            self.components
                                .parameters
                                .insert(row.name.to_string(), shared);
                            parameters.push(conventions::reference("parameters", row.name));
                            continue;
                        }
                    }
                }
                let (schema, description) =
                    field_schema(row, Place::Parameter, &mut self.table_refs[ti])?;
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
            let at = tables
                .single
                .get("path")
                .map_or(page.uri_line, |&ti| page.tables[ti].line);
            return Err(err(
                at,
                format!("expected a row for the path parameter `{missing}` of `{}` in a Path Parameters table", page.path),
            ));
        }
        Ok((parameters, authenticated))
    }

    /// The request body of the FormData or Request body table, if any.
    fn request_body(&mut self, tables: &Tables) -> Result<Option<Value>, ImportError> {
        let page = self.page;
        let body_table = tables
            .single
            .get("FormData")
            .map(|&i| (i, Place::FormData))
            .or_else(|| tables.single.get("request body").map(|&i| (i, Place::Json)));
        let Some((ti, place)) = body_table else {
            if let Some(e) = page.request_examples.first() {
                return Err(err(
                    e.line,
                    "this example request has a body, but the page has no FormData or Request body parameters table to describe it",
                ));
            }
            return Ok(None);
        };
        let (media_type, schema, required) =
            body_schema(&page.tables[ti], place, &mut self.table_refs[ti])?;
        let binary = media_type == "application/octet-stream";
        let mut rb = Vec::new();
        if required {
            rb.push(("required", Value::Bool(true)));
        }
        rb.push((
            "content",
            map([(media_type, media(schema, &page.request_examples, binary))]),
        ));
        Ok(Some(map(rb)))
    }

    /// The responses, in the order of the Status Codes list.
    fn responses(&mut self, tables: &Tables) -> Result<Mapping, ImportError> {
        let page = self.page;
        if page.statuses.is_empty() {
            return Err(err(
                page.last_line.max(1),
                "expected a `Status Codes` section listing every status code with its description; the page ended first",
            ));
        }
        let examples_by_status = examples_by_status(page, tables)?;
        let mut responses = Mapping::new();
        for entry in &page.statuses {
            let mut r = vec![("description", s(&entry.description))];
            if let Some(&ti) = tables.responses.get(&(entry.code, false)) {
                r.push(("headers", self.response_headers(ti)?));
            }
            let examples: &[Example] = examples_by_status
                .get(&entry.code)
                .map_or(&[], |g| g.1.as_slice());
            match tables.responses.get(&(entry.code, true)) {
                Some(&ti) => r.push(("content", self.response_content(entry.code, ti, examples)?)),
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
        Ok(responses)
    }

    fn response_headers(&mut self, ti: usize) -> Result<Value, ImportError> {
        let mut headers = Mapping::new();
        for row in &self.page.tables[ti].rows {
            let (schema, description) =
                field_schema(row, Place::Parameter, &mut self.table_refs[ti])?;
            let mut h = Vec::new();
            if let Some(d) = description {
                h.push(("description", s(&d)));
            }
            h.push(("schema", schema.to_value()));
            headers.insert(s(row.name), map(h));
        }
        Ok(Value::Mapping(headers))
    }

    /// The body of one status: `ErrorBody` for an error of exactly `code` and `message`, else
    /// the schema of its table.
    fn response_content(
        &mut self,
        code: u16,
        ti: usize,
        examples: &[Example],
    ) -> Result<Value, ImportError> {
        let table = &self.page.tables[ti];
        let (media_type, schema, binary) = if code >= 400 && is_error_body(table) {
            self.uses_error_body = true;
            (
                "application/json",
                conventions::reference("schemas", conventions::ERROR_BODY),
                false,
            )
        } else {
            let (media_type, schema, _) =
                body_schema(table, Place::Json, &mut self.table_refs[ti])?;
            (media_type, schema, media_type == "application/octet-stream")
        };
        Ok(map([(media_type, media(schema, examples, binary))]))
    }

    /// The nested object tables as component schemas: each built, every reference to one
    /// resolved, and every one used.
    fn object_components(&mut self) -> Result<(), ImportError> {
        let page = self.page;
        let mut object_schemas: Vec<Option<Value>> = vec![None; page.tables.len()];
        for (i, t) in page.tables.iter().enumerate() {
            if let TableKind::Object(_) = &t.kind {
                let mut refs = Vec::new();
                object_schemas[i] = Some(object_schema(t, Place::Json, &mut refs)?);
                self.table_refs[i] = refs;
            }
        }
        let reachable = self.reachable_tables()?;
        for (i, t) in page.tables.iter().enumerate() {
            if let (TableKind::Object(name), Some(schema)) = (&t.kind, object_schemas[i].take()) {
                if !reachable[i] {
                    return Err(err(
                        t.line,
                        format!("the table `{name}` describes a type no field uses; expected a field of type `{name} object` or `Array of {name} objects` on the page"),
                    ));
                }
                self.components.schema(
                    naming::schema_name(name),
                    schema,
                    t.line,
                    format!("the table `{name}`"),
                )?;
            }
        }
        if self.uses_error_body {
            self.components.schema(
                conventions::ERROR_BODY.to_string(),
                conventions::error_body(),
                page.title_line,
                "the `{code, message}` error body".to_string(),
            )?;
        }
        Ok(())
    }

    /// Which tables the operation's fields use, directly or through other tables; a type no
    /// table describes is an error.
    fn reachable_tables(&self) -> Result<Vec<bool>, ImportError> {
        let page = self.page;
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
            .flat_map(|(i, _)| self.table_refs[i].clone())
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
                    let mut more = self.table_refs[t].clone();
                    more.sort_by_key(|r| r.line);
                    queue.extend(more);
                }
            }
        }
        Ok(reachable)
    }
}

/// A row of the Path Parameters table must name a parameter of the URI and be mandatory.
fn check_path_row(page: &Page<'_>, declared: &[&str], row: &Row<'_>) -> Result<(), ImportError> {
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
    Ok(())
}

/// The example responses by status; each status must be in the Status Codes list, and so must
/// each status with response tables.
fn examples_by_status<'p>(
    page: &'p Page<'_>,
    tables: &Tables,
) -> Result<IndexMap<u16, &'p (Status, Vec<Example>)>, ImportError> {
    let listed = |code: u16| page.statuses.iter().any(|e| e.code == code);
    for (&(code, _), &ti) in &tables.responses {
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
    let mut by_status: IndexMap<u16, &(Status, Vec<Example>)> = IndexMap::new();
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
        if let Some(first) = by_status.insert(status.code, group) {
            return Err(err(
                status.line,
                format!(
                    "expected one example group per status; {} is already at line {}",
                    status.code, first.0.line
                ),
            ));
        }
    }
    Ok(by_status)
}

/// The text under **Function**, as the operation's description.
fn function_text(page: &Page<'_>) -> Option<String> {
    let mut function = Text::default();
    for l in &page.function {
        match ["•", "·"].iter().find_map(|b| l.text.strip_prefix(b)) {
            Some(b) => function.bullet(b.trim()),
            None => function.para(l.text),
        }
    }
    function.render()
}

/// The document around the operation: info, servers, security and components.
fn around_operation(page: &Page<'_>, operation: Value, components: Components) -> Value {
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
    map([
        ("openapi", s("3.0.3")),
        (
            "info",
            map([("title", s(page.title)), ("version", s(version))]),
        ),
        ("servers", conventions::servers()),
        ("security", conventions::security_requirement()),
        (
            "paths",
            map([(page.path.clone(), map([(page.method.clone(), operation)]))]),
        ),
        ("components", map(comps)),
    ])
}
