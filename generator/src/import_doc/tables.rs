//! Reading the parameter tables of a page (`Table N <title>`, a header row, then one row per
//! parameter), in the three layouts the reference uses.

use super::lines::*;
use super::types::{looks_like_type, parse_type, KNOWN_TYPES};
use super::ImportError;

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

pub(super) fn parse_tables<'a>(cur: &mut Cursor<'a>) -> Result<Vec<Table<'a>>, ImportError> {
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

/// Splits a table's cells into rows. A row is `name`, \[`Yes`|`No`\], `type`, description lines.
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
