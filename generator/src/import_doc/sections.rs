//! Reading the sections after the tables: example requests and responses (JSON), and the
//! Status Codes list.

use super::lines::*;
use super::ImportError;

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

pub(super) fn parse_examples(
    lines: &[Line<'_>],
    _heading: usize,
) -> Result<Vec<Example>, ImportError> {
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

pub(super) fn parse_response_examples(
    lines: &[Line<'_>],
) -> Result<Vec<(Status, Vec<Example>)>, ImportError> {
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

pub(super) fn parse_status_codes(
    lines: &[Line<'_>],
    heading: usize,
) -> Result<Vec<StatusEntry>, ImportError> {
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
            if let Some(prev) = out.iter().find(|e| e.code == code) {
                return Err(err(
                    line,
                    format!(
                        "status {code} is listed twice in the Status Codes list (first at line {})",
                        prev.line
                    ),
                ));
            }
            // Real pages list some statuses with an empty description; such a status gets a
            // neutral one rather than the page being refused.
            let description = if desc.is_empty() {
                reason_phrase(code)
            } else {
                desc.join(" ")
            };
            out.push(StatusEntry {
                code,
                line,
                description,
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

/// The HTTP reason phrase of a status (RFC 9110), the neutral description of a status the page
/// lists without one; `Status N` for a code without a registered phrase.
fn reason_phrase(code: u16) -> String {
    let phrase = match code {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        203 => "Non-Authoritative Information",
        204 => "No Content",
        205 => "Reset Content",
        206 => "Partial Content",
        300 => "Multiple Choices",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        407 => "Proxy Authentication Required",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        412 => "Precondition Failed",
        413 => "Content Too Large",
        414 => "URI Too Long",
        415 => "Unsupported Media Type",
        416 => "Range Not Satisfiable",
        417 => "Expectation Failed",
        421 => "Misdirected Request",
        422 => "Unprocessable Content",
        426 => "Upgrade Required",
        428 => "Precondition Required",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        _ => return format!("Status {code}"),
    };
    phrase.to_string()
}
