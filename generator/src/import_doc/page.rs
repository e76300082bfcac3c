//! Reading the page text into its parts: title, function text, URI, tables, examples and the
//! status code list. Nothing here decides OpenAPI shapes; [`super::emit`] does.

use super::types::{looks_like_type, parse_type, FieldType, KNOWN_TYPES};
use super::ImportError;

/// One non-blank line of the page, trimmed, with its 1-based number.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Line<'a> {
    pub no: usize,
    pub text: &'a str,
}

pub(crate) fn err(line: usize, message: impl Into<String>) -> ImportError {
    ImportError {
        line,
        message: message.into(),
    }
}

/// Headings that open a section of the page.
const SECTION_HEADINGS: &[&str] = &[
    "Function",
    "Calling Method",
    "Authorization Information",
    "URI",
    "Request Parameters",
    "Response Parameters",
    "Example Requests",
    "Example Responses",
    "SDK Sample Code",
    "Status Codes",
    "Error Codes",
];

/// Headings that end the table part of the page.
const AFTER_TABLES: &[&str] = &[
    "Example Requests",
    "Example Responses",
    "SDK Sample Code",
    "Status Codes",
    "Error Codes",
];

const METHODS: &[&str] = &["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TableKind {
    Path,
    Query,
    RequestHeader,
    FormData,
    RequestBody,
    ResponseHeader,
    ResponseBody,
    /// A nested object table, titled by the type name.
    Object(String),
}

#[derive(Debug)]
pub(crate) struct Row<'a> {
    pub name: &'a str,
    pub line: usize,
    /// `Some` in tables with a Mandatory column.
    pub required: Option<bool>,
    pub ty: FieldType,
    pub ty_text: &'a str,
    pub ty_line: usize,
    pub desc: Vec<Line<'a>>,
}

#[derive(Debug)]
pub(crate) struct Table<'a> {
    pub kind: TableKind,
    pub title: &'a str,
    pub line: usize,
    /// The `Status code:` a response table belongs to.
    pub status: Option<Status>,
    pub rows: Vec<Row<'a>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Status {
    pub code: u16,
    pub line: usize,
}

#[derive(Debug)]
pub(crate) struct Example {
    pub line: usize,
    pub summary: Option<String>,
    /// The JSON example, as YAML (keys in page order).
    pub value: serde_yaml::Value,
}

#[derive(Debug)]
pub(crate) struct StatusEntry {
    pub code: u16,
    pub line: usize,
    pub description: String,
}

#[derive(Debug)]
pub(crate) struct Page<'a> {
    pub title: &'a str,
    pub title_line: usize,
    pub function: Vec<Line<'a>>,
    pub method: String,
    pub path: String,
    pub uri_line: usize,
    pub tables: Vec<Table<'a>>,
    pub request_examples: Vec<Example>,
    pub response_examples: Vec<(Status, Vec<Example>)>,
    pub statuses: Vec<StatusEntry>,
    pub status_heading: Option<usize>,
    pub last_line: usize,
}

fn is_section_heading(text: &str) -> bool {
    SECTION_HEADINGS.contains(&text)
}

/// `Table 3 Request body parameters` → `Request body parameters`.
fn table_caption(text: &str) -> Option<&str> {
    let rest = text.strip_prefix("Table")?;
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let rest = rest.trim_start();
    let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 {
        return None;
    }
    let title = rest[digits..].trim();
    if title.is_empty() || !rest[digits..].starts_with(char::is_whitespace) {
        return None;
    }
    Some(title)
}

/// `Status code: 200` → 200.
fn status_marker(text: &str) -> Option<Result<u16, ()>> {
    let head = text.get(..12)?;
    if !head.eq_ignore_ascii_case("status code:") {
        return None;
    }
    let rest = text[12..].trim();
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some(match digits.parse::<u16>() {
        Ok(code) if digits.len() == 3 && (100..=599).contains(&code) => Ok(code),
        _ => Err(()),
    })
}

/// The error for a `Status code:` line without a valid status after it.
fn bad_status_marker(l: &Line<'_>) -> ImportError {
    err(
        l.no,
        format!(
            "expected a three-digit HTTP status after `Status code:`, found `{}`",
            l.text
        ),
    )
}

fn is_three_digit_status(text: &str) -> Option<u16> {
    if text.len() == 3 && text.bytes().all(|b| b.is_ascii_digit()) {
        text.parse().ok().filter(|c| (100..=599).contains(c))
    } else {
        None
    }
}

/// A cell that can be a parameter name: no spaces, not a bullet, not `N/A`.
fn is_param_name(text: &str) -> bool {
    text == "-"
        || (!text.is_empty()
            && text.len() <= 128
            && text
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_-.[]$@:".contains(c))
            && text
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$' || c == '@'))
}

/// A name that would start a row in a response table if the next cell were a type; used only to
/// report a misspelt type instead of swallowing the row into the previous description.
fn is_lowercase_param_name(text: &str) -> bool {
    is_param_name(text)
        && text != "-"
        && (text.contains('_') || text.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
}

fn method_and_path(text: &str) -> Option<(&str, &str)> {
    let (method, path) = text.split_once(char::is_whitespace)?;
    let path = path.trim();
    if METHODS.contains(&method) && path.starts_with('/') && !path.contains(char::is_whitespace) {
        Some((method, path))
    } else {
        None
    }
}

fn non_blank_lines(text: &str) -> Vec<Line<'_>> {
    text.lines()
        .enumerate()
        .filter_map(|(i, raw)| {
            let t = raw.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
            (!t.is_empty()).then_some(Line { no: i + 1, text: t })
        })
        .collect()
}

struct Cursor<'a> {
    lines: Vec<Line<'a>>,
    pos: usize,
    last_line: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<Line<'a>> {
        self.lines.get(self.pos).copied()
    }
    fn peek_at(&self, offset: usize) -> Option<Line<'a>> {
        self.lines.get(self.pos + offset).copied()
    }
    /// The line to name when the page ends where something was expected.
    fn end_line(&self) -> usize {
        self.last_line.max(1)
    }
}

pub(crate) fn parse(text: &str) -> Result<Page<'_>, ImportError> {
    let lines = non_blank_lines(text);
    let last_line = text.lines().count();
    let mut cur = Cursor {
        lines,
        pos: 0,
        last_line,
    };

    // Title, after the optional breadcrumb and "Updated on" lines.
    while let Some(l) = cur.peek() {
        if l.text.starts_with("Help Center") || l.text.starts_with("Updated on") {
            cur.pos += 1;
        } else {
            break;
        }
    }
    let title = cur
        .peek()
        .ok_or_else(|| err(cur.end_line(), "expected the page title (the operation's name, e.g. `Importing Workflow Information`); the page is empty"))?;
    if is_section_heading(title.text) || table_caption(title.text).is_some() {
        return Err(err(
            title.no,
            format!(
                "expected the page title (the operation's name) before `{}`",
                title.text
            ),
        ));
    }
    cur.pos += 1;

    // Preamble: Function text, Calling Method, anything else up to URI.
    let mut function = Vec::new();
    let mut in_function = false;
    loop {
        let Some(l) = cur.peek() else {
            return Err(err(
                cur.end_line(),
                "expected a `URI` line followed by the method and path (e.g. `POST /v1/{project_id}/...`); the page ended first",
            ));
        };
        if l.text == "URI" {
            break;
        }
        if method_and_path(l.text).is_some() {
            return Err(err(
                l.no,
                "expected a `URI` line before the method and path",
            ));
        }
        if table_caption(l.text).is_some()
            || status_marker(l.text).is_some()
            || (is_section_heading(l.text)
                && !matches!(
                    l.text,
                    "Function" | "Calling Method" | "Authorization Information"
                ))
        {
            return Err(err(
                l.no,
                format!(
                    "expected a `URI` line followed by the method and path (e.g. `POST /v1/{{project_id}}/...`) before `{}`",
                    l.text
                ),
            ));
        }
        match l.text {
            "Function" => in_function = true,
            "Calling Method" | "Authorization Information" | "Constraints" => in_function = false,
            _ if in_function => function.push(l),
            _ => {}
        }
        cur.pos += 1;
    }
    let uri_heading = cur.peek().map_or(1, |l| l.no);
    cur.pos += 1;
    let uri = cur.peek().ok_or_else(|| {
        err(
            uri_heading,
            "expected the method and path on the line after `URI` (e.g. `POST /v1/{project_id}/...`)",
        )
    })?;
    let (method, raw_path) = method_and_path(uri.text).ok_or_else(|| {
        err(
            uri.no,
            format!(
                "expected the method and path after `URI` (e.g. `POST /v1/{{project_id}}/...`), found `{}`",
                uri.text
            ),
        )
    })?;
    // A query string in the URI repeats the Query Parameters table; the table is what counts.
    let path = raw_path.split('?').next().unwrap_or(raw_path);
    check_path_template(path, uri.no)?;
    cur.pos += 1;

    let tables = parse_tables(&mut cur)?;

    let mut page = Page {
        title: title.text,
        title_line: title.no,
        function,
        method: method.to_ascii_lowercase(),
        path: path.to_string(),
        uri_line: uri.no,
        tables,
        request_examples: Vec::new(),
        response_examples: Vec::new(),
        statuses: Vec::new(),
        status_heading: None,
        last_line,
    };

    // Sections after the tables.
    while let Some(l) = cur.peek() {
        cur.pos += 1;
        match l.text {
            "Example Requests" => {
                let body = take_section(&mut cur);
                page.request_examples = parse_examples(&body, l.no)?;
            }
            "Example Responses" => {
                let body = take_section(&mut cur);
                page.response_examples = parse_response_examples(&body)?;
            }
            "SDK Sample Code" => {
                take_section(&mut cur);
            }
            "Status Codes" => {
                if page.status_heading.is_some() {
                    return Err(err(l.no, "expected one `Status Codes` section; this is a second one"));
                }
                page.status_heading = Some(l.no);
                let body = take_section(&mut cur);
                page.statuses = parse_status_codes(&body, l.no)?;
            }
            "Error Codes" => {
                // "See Error Codes." and whatever footer follows: nothing for the spec.
                cur.pos = cur.lines.len();
            }
            other => {
                return Err(err(
                    l.no,
                    format!("expected a section heading (`Example Requests`, `Example Responses`, `Status Codes` or `Error Codes`), found `{other}`"),
                ))
            }
        }
    }
    Ok(page)
}

/// Lines up to the next section heading.
fn take_section<'a>(cur: &mut Cursor<'a>) -> Vec<Line<'a>> {
    let mut out = Vec::new();
    while let Some(l) = cur.peek() {
        if AFTER_TABLES.contains(&l.text) {
            break;
        }
        out.push(l);
        cur.pos += 1;
    }
    out
}

fn check_path_template(path: &str, line: usize) -> Result<(), ImportError> {
    let mut rest = path;
    while let Some(open) = rest.find(['{', '}']) {
        if rest[open..].starts_with('}') {
            return Err(err(
                line,
                format!("expected `{{` before `}}` in the path `{path}`"),
            ));
        }
        let after = &rest[open + 1..];
        let close = after.find('}').ok_or_else(|| {
            err(
                line,
                format!("expected `}}` to close a parameter in the path `{path}`"),
            )
        })?;
        let name = &after[..close];
        if name.is_empty() || name.contains(['{', '/']) {
            return Err(err(
                line,
                format!("expected a parameter name between `{{` and `}}` in the path `{path}`"),
            ));
        }
        rest = &after[close + 1..];
    }
    Ok(())
}

/// The `{name}` parameters of a path, in order.
pub(crate) fn path_params(path: &str) -> Vec<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|part| part.split_once('}').map(|(name, _)| name))
        .collect()
}

fn table_kind(title: &str) -> Option<TableKind> {
    let lower = title.to_ascii_lowercase();
    Some(match lower.as_str() {
        "path parameters" => TableKind::Path,
        "query parameters" => TableKind::Query,
        "request header parameters" => TableKind::RequestHeader,
        "formdata parameters" => TableKind::FormData,
        "request body parameters" => TableKind::RequestBody,
        "response header parameters" => TableKind::ResponseHeader,
        "response body parameters" => TableKind::ResponseBody,
        _ if super::types::is_type_name(title) => TableKind::Object(title.to_string()),
        _ => return None,
    })
}

#[derive(PartialEq, PartialOrd)]
enum Phase {
    Uri,
    Request,
    Response,
}

fn parse_tables<'a>(cur: &mut Cursor<'a>) -> Result<Vec<Table<'a>>, ImportError> {
    let mut tables = Vec::new();
    let mut phase = Phase::Uri;
    let mut status: Option<Status> = None;
    while let Some(l) = cur.peek() {
        if AFTER_TABLES.contains(&l.text) {
            break;
        }
        cur.pos += 1;
        match l.text {
            "Request Parameters" => {
                if phase == Phase::Response {
                    return Err(err(
                        l.no,
                        "expected `Request Parameters` before `Response Parameters`, not after",
                    ));
                }
                phase = Phase::Request;
                continue;
            }
            "Response Parameters" => {
                phase = Phase::Response;
                continue;
            }
            "None" => continue,
            _ => {}
        }
        if let Some(code) = status_marker(l.text) {
            let code = code.map_err(|()| bad_status_marker(&l))?;
            if phase != Phase::Response {
                return Err(err(
                    l.no,
                    "expected `Response Parameters` before the first `Status code:`",
                ));
            }
            status = Some(Status { code, line: l.no });
            continue;
        }
        let Some(title) = table_caption(l.text) else {
            return Err(err(
                l.no,
                format!(
                    "expected a table caption (`Table N ...`), `Status code: N` or the next section heading (`Example Requests`, `Status Codes`), found `{}`",
                    l.text
                ),
            ));
        };
        let kind = table_kind(title).ok_or_else(|| {
            err(
                l.no,
                format!("expected a table of Path, Query, Request header, FormData, Request body, Response header or Response body parameters, or a table titled by a type name, found `{title}`"),
            )
        })?;
        let table_status = match kind {
            TableKind::Path
            | TableKind::Query
            | TableKind::RequestHeader
            | TableKind::FormData
            | TableKind::RequestBody => {
                if phase == Phase::Response {
                    return Err(err(
                        l.no,
                        format!("expected `{title}` before `Response Parameters`, not after"),
                    ));
                }
                None
            }
            TableKind::ResponseHeader | TableKind::ResponseBody => {
                Some(status.ok_or_else(|| {
                    err(
                        l.no,
                        format!("expected `Status code: N` before the `{title}` table"),
                    )
                })?)
            }
            TableKind::Object(_) => status,
        };
        let rows = parse_table_body(cur, title, l.no)?;
        tables.push(Table {
            kind,
            title,
            line: l.no,
            status: table_status,
            rows,
        });
    }
    Ok(tables)
}

fn ends_table(text: &str) -> bool {
    table_caption(text).is_some()
        || status_marker(text).is_some()
        || matches!(text, "Request Parameters" | "Response Parameters")
        || AFTER_TABLES.contains(&text)
}

fn parse_table_body<'a>(
    cur: &mut Cursor<'a>,
    title: &str,
    caption_line: usize,
) -> Result<Vec<Row<'a>>, ImportError> {
    const HEADER_HELP: &str = "expected the table header `Parameter`, `Mandatory`, `Type`, `Description` (or `Parameter`, `Type`, `Description`)";
    let header_at = |cur: &Cursor<'a>, k: usize| cur.peek_at(k).map(|l| l.text);
    let here = |cur: &Cursor<'a>| cur.peek().map_or(caption_line, |l| l.no);
    if header_at(cur, 0) != Some("Parameter") {
        return Err(err(
            here(cur),
            format!("{HEADER_HELP} after `Table ... {title}`"),
        ));
    }
    let has_mandatory = match (header_at(cur, 1), header_at(cur, 2), header_at(cur, 3)) {
        (Some("Mandatory"), Some("Type"), Some("Description")) => true,
        (Some("Type"), Some("Description"), _) => false,
        _ => {
            let at = cur.peek_at(1).map_or(caption_line, |l| l.no);
            return Err(err(at, format!("{HEADER_HELP} after `Table ... {title}`")));
        }
    };
    cur.pos += if has_mandatory { 4 } else { 3 };

    let mut cells: Vec<Line<'a>> = Vec::new();
    while let Some(l) = cur.peek() {
        if ends_table(l.text) {
            break;
        }
        cells.push(l);
        cur.pos += 1;
    }
    if cells.is_empty() {
        return Err(err(
            cur.peek().map_or(cur.end_line(), |l| l.no),
            format!(
                "expected at least one parameter row in the table `{title}` (line {caption_line})"
            ),
        ));
    }
    split_rows(&cells, has_mandatory)
}

fn yes_no(text: &str) -> Option<bool> {
    match text {
        "Yes" => Some(true),
        "No" => Some(false),
        _ => None,
    }
}

fn unknown_type(cell: Line<'_>, name: &str) -> ImportError {
    err(
        cell.no,
        format!(
            "unknown type `{}` for `{name}`; expected {KNOWN_TYPES}",
            cell.text
        ),
    )
}

/// Splits a table's cells into rows. A row is `name`, [`Yes`|`No`], `type`, description lines.
fn split_rows<'a>(cells: &[Line<'a>], has_mandatory: bool) -> Result<Vec<Row<'a>>, ImportError> {
    let type_offset = if has_mandatory { 2 } else { 1 };
    let starts_row = |i: usize| -> bool {
        let Some(name) = cells.get(i) else {
            return false;
        };
        if !is_param_name(name.text) {
            return false;
        }
        if has_mandatory {
            cells.get(i + 1).and_then(|c| yes_no(c.text)).is_some() && cells.get(i + 2).is_some()
        } else {
            cells
                .get(i + 1)
                .is_some_and(|c| parse_type(c.text).is_some())
        }
    };

    let mut rows = Vec::new();
    let mut i = 0;
    while i < cells.len() {
        let name = cells[i];
        if !is_param_name(name.text) {
            return Err(err(
                name.no,
                format!(
                    "expected a parameter name (one word) to start a table row, found `{}`",
                    name.text
                ),
            ));
        }
        let required = if has_mandatory {
            let m = cells.get(i + 1).ok_or_else(|| {
                err(
                    name.no,
                    format!(
                        "expected `Yes` or `No` (the Mandatory column) after `{}`",
                        name.text
                    ),
                )
            })?;
            Some(yes_no(m.text).ok_or_else(|| {
                err(
                    m.no,
                    format!(
                        "expected `Yes` or `No` (the Mandatory column) after `{}`, found `{}`",
                        name.text, m.text
                    ),
                )
            })?)
        } else {
            None
        };
        let ty_cell = cells.get(i + type_offset).ok_or_else(|| {
            err(
                name.no,
                format!("expected the type of `{}` on a line after it", name.text),
            )
        })?;
        let ty = parse_type(ty_cell.text).ok_or_else(|| unknown_type(*ty_cell, name.text))?;
        let mut j = i + type_offset + 1;
        let mut desc = Vec::new();
        while j < cells.len() && !starts_row(j) {
            if !has_mandatory
                && is_lowercase_param_name(cells[j].text)
                && cells.get(j + 1).is_some_and(|c| looks_like_type(c.text))
            {
                return Err(unknown_type(cells[j + 1], cells[j].text));
            }
            desc.push(cells[j]);
            j += 1;
        }
        rows.push(Row {
            name: name.text,
            line: name.no,
            required,
            ty,
            ty_text: ty_cell.text,
            ty_line: ty_cell.no,
            desc,
        });
        i = j;
    }
    Ok(rows)
}

fn is_url_line(text: &str) -> bool {
    let t = text
        .split_once(char::is_whitespace)
        .filter(|(m, _)| METHODS.contains(m))
        .map_or(text, |(_, rest)| rest.trim_start());
    t.starts_with("https://") || t.starts_with("http://")
}

/// Reads a JSON value that starts at `lines[start]`; returns it and the index after it.
/// Whether a YAML reading of a JSON text means the same as the JSON reading.
fn same_json(yaml: &serde_yaml::Value, json: &serde_json::Value) -> bool {
    serde_json::to_value(yaml).is_ok_and(|v| v == *json)
}

fn read_json(lines: &[Line<'_>], start: usize) -> Result<(serde_yaml::Value, usize), ImportError> {
    let first = lines[start];
    let mut text = String::new();
    let mut depth: i64 = 0;
    let mut in_string = false;
    let mut escaped = false;
    let mut end = start;
    for (k, l) in lines.iter().enumerate().skip(start) {
        if k > start && AFTER_TABLES.contains(&l.text) {
            break;
        }
        text.push_str(l.text);
        text.push('\n');
        end = k + 1;
        for c in l.text.chars() {
            if in_string {
                match (escaped, c) {
                    (true, _) => escaped = false,
                    (false, '\\') => escaped = true,
                    (false, '"') => in_string = false,
                    _ => {}
                }
            } else {
                match c {
                    '"' => in_string = true,
                    '{' | '[' => depth += 1,
                    '}' | ']' => depth -= 1,
                    _ => {}
                }
            }
        }
        if depth <= 0 && !in_string {
            break;
        }
    }
    if depth > 0 || in_string {
        return Err(err(
            first.no,
            "expected a complete JSON example starting here; its brackets are not closed before the section ends",
        ));
    }
    let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        let at = lines
            .get(start + e.line().saturating_sub(1))
            .map_or(first.no, |l| l.no);
        err(
            at,
            format!("expected a JSON example here; it does not parse: {e}"),
        )
    })?;
    // JSON is valid YAML; reading it as YAML keeps the page's key order (serde_json sorts keys).
    let value = match serde_yaml::from_str::<serde_yaml::Value>(&text) {
        Ok(v) if same_json(&v, &json) => v,
        _ => serde_yaml::to_value(&json).map_err(|e| {
            err(
                first.no,
                format!("expected a JSON example that YAML can hold: {e}"),
            )
        })?,
    };
    Ok((value, end))
}

fn starts_json(text: &str) -> bool {
    text.starts_with('{') || text.starts_with('[') || text.starts_with('"')
}

fn parse_examples(lines: &[Line<'_>], _heading: usize) -> Result<Vec<Example>, ImportError> {
    let mut out = Vec::new();
    let mut summary: Option<String> = None;
    let mut i = 0;
    while i < lines.len() {
        let l = lines[i];
        if starts_json(l.text) {
            let (value, next) = read_json(lines, i)?;
            out.push(Example {
                line: l.no,
                summary: summary.take(),
                value,
            });
            i = next;
            continue;
        }
        if l.text != "None" && !is_url_line(l.text) {
            summary = Some(l.text.to_string());
        }
        i += 1;
    }
    Ok(out)
}

fn parse_response_examples(lines: &[Line<'_>]) -> Result<Vec<(Status, Vec<Example>)>, ImportError> {
    let mut groups: Vec<(Status, Vec<Line<'_>>)> = Vec::new();
    for l in lines {
        if let Some(code) = status_marker(l.text) {
            let code = code.map_err(|()| bad_status_marker(l))?;
            groups.push((Status { code, line: l.no }, Vec::new()));
        } else if let Some((_, body)) = groups.last_mut() {
            body.push(*l);
        } else if l.text != "None" {
            return Err(err(
                l.no,
                format!(
                    "expected `Status code: N` before the example response, found `{}`",
                    l.text
                ),
            ));
        }
    }
    groups
        .into_iter()
        .map(|(status, body)| Ok((status, parse_examples(&body, status.line)?)))
        .collect()
}

fn parse_status_codes(lines: &[Line<'_>], heading: usize) -> Result<Vec<StatusEntry>, ImportError> {
    match lines {
        [a, b, ..] if a.text == "Status Code" && b.text == "Description" => {}
        _ => {
            let at = lines.first().map_or(heading, |l| l.no);
            return Err(err(
                at,
                "expected the header `Status Code`, `Description` after `Status Codes`",
            ));
        }
    }
    let mut out: Vec<StatusEntry> = Vec::new();
    let mut pending: Option<(u16, usize, Vec<&str>)> = None;
    let finish = |p: Option<(u16, usize, Vec<&str>)>,
                  out: &mut Vec<StatusEntry>|
     -> Result<(), ImportError> {
        if let Some((code, line, desc)) = p {
            if desc.is_empty() {
                return Err(err(
                    line,
                    format!("expected a description after status {code} in the Status Codes list"),
                ));
            }
            if let Some(prev) = out.iter().find(|e| e.code == code) {
                return Err(err(
                    line,
                    format!(
                        "status {code} is listed twice in the Status Codes list (first at line {})",
                        prev.line
                    ),
                ));
            }
            out.push(StatusEntry {
                code,
                line,
                description: desc.join(" "),
            });
        }
        Ok(())
    };
    for l in &lines[2..] {
        if let Some(code) = is_three_digit_status(l.text) {
            finish(pending.take(), &mut out)?;
            pending = Some((code, l.no, Vec::new()));
        } else if let Some((_, _, desc)) = pending.as_mut() {
            desc.push(l.text);
        } else {
            return Err(err(
                l.no,
                format!(
                    "expected a three-digit status code in the Status Codes list, found `{}`",
                    l.text
                ),
            ));
        }
    }
    finish(pending.take(), &mut out)?;
    if out.is_empty() {
        return Err(err(
            heading,
            "expected at least one status code in the Status Codes list",
        ));
    }
    Ok(out)
}
