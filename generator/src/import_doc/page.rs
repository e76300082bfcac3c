//! Reading the page text into its parts: title, function text, URI, tables, examples and the
//! status code list. Nothing here decides OpenAPI shapes; [`super::document`] does. The
//! parameter tables are read by [`super::tables`], the examples and the status code list by
//! [`super::sections`].

use super::lines::*;
use super::sections::{parse_examples, parse_response_examples, parse_status_codes};
use super::tables::parse_tables;
use super::ImportError;

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

/// Reads a page: title, preamble (the Function text), URI, tables, then the sections after them.
pub(crate) fn parse(text: &str) -> Result<Page<'_>, ImportError> {
    let lines = non_blank_lines(text);
    let last_line = text.lines().count();
    let mut cur = Cursor {
        lines,
        pos: 0,
        last_line,
    };
    let title = read_title(&mut cur)?;
    let function = read_preamble(&mut cur)?;
    let (method, path, uri) = read_uri(&mut cur)?;
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
    read_sections(&mut cur, &mut page)?;
    Ok(page)
}

/// The title, after the optional breadcrumb and "Updated on" lines.
fn read_title<'a>(cur: &mut Cursor<'a>) -> Result<Line<'a>, ImportError> {
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

    Ok(title)
}

/// The preamble up to `URI`: the Function text (kept), Calling Method and the like (skipped).
fn read_preamble<'a>(cur: &mut Cursor<'a>) -> Result<Vec<Line<'a>>, ImportError> {
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
    Ok(function)
}

/// The method and path on the line after `URI` (a query string dropped), and that line.
fn read_uri<'a>(cur: &mut Cursor<'a>) -> Result<(&'a str, &'a str, Line<'a>), ImportError> {
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

    Ok((method, path, uri))
}

/// The sections after the tables: examples, status codes, and the error-code footer.
fn read_sections(cur: &mut Cursor<'_>, page: &mut Page<'_>) -> Result<(), ImportError> {
    while let Some(l) = cur.peek() {
        cur.pos += 1;
        match l.text {
            "Example Requests" => {
                let body = take_section(cur);
                page.request_examples = parse_examples(&body, l.no)?;
            }
            "Example Responses" => {
                let body = take_section(cur);
                page.response_examples = parse_response_examples(&body)?;
            }
            "SDK Sample Code" => {
                take_section(cur);
            }
            "Status Codes" => {
                if page.status_heading.is_some() {
                    return Err(err(l.no, "expected one `Status Codes` section; this is a second one"));
                }
                page.status_heading = Some(l.no);
                let body = take_section(cur);
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
    Ok(())
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
