//! The parts of a page as the readers see them: its non-blank lines, how a line is classified
//! (a section heading, a table caption, a status marker, a parameter name, the URI), and the
//! tables, rows, statuses and examples read from them.

use super::types::FieldType;
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
pub(crate) const SECTION_HEADINGS: &[&str] = &[
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
pub(crate) const AFTER_TABLES: &[&str] = &[
    "Example Requests",
    "Example Responses",
    "SDK Sample Code",
    "Status Codes",
    "Error Codes",
];

pub(crate) const METHODS: &[&str] = &["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];

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

pub(crate) fn is_section_heading(text: &str) -> bool {
    SECTION_HEADINGS.contains(&text)
}

/// `Table 3 Request body parameters` → `Request body parameters`.
pub(crate) fn table_caption(text: &str) -> Option<&str> {
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
pub(crate) fn status_marker(text: &str) -> Option<Result<u16, ()>> {
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
pub(crate) fn bad_status_marker(l: &Line<'_>) -> ImportError {
    err(
        l.no,
        format!(
            "expected a three-digit HTTP status after `Status code:`, found `{}`",
            l.text
        ),
    )
}

pub(crate) fn is_three_digit_status(text: &str) -> Option<u16> {
    if text.len() == 3 && text.bytes().all(|b| b.is_ascii_digit()) {
        text.parse().ok().filter(|c| (100..=599).contains(c))
    } else {
        None
    }
}

/// A cell that can be a parameter name: no spaces, not a bullet, not `N/A`.
pub(crate) fn is_param_name(text: &str) -> bool {
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
pub(crate) fn is_lowercase_param_name(text: &str) -> bool {
    is_param_name(text)
        && text != "-"
        && (text.contains('_') || text.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
}

pub(crate) fn method_and_path(text: &str) -> Option<(&str, &str)> {
    let (method, path) = text.split_once(char::is_whitespace)?;
    let path = path.trim();
    if METHODS.contains(&method) && path.starts_with('/') && !path.contains(char::is_whitespace) {
        Some((method, path))
    } else {
        None
    }
}

pub(crate) fn non_blank_lines(text: &str) -> Vec<Line<'_>> {
    text.lines()
        .enumerate()
        .filter_map(|(i, raw)| {
            let t = raw.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
            (!t.is_empty()).then_some(Line { no: i + 1, text: t })
        })
        .collect()
}

/// The readers' place in the lines of a page.
pub(crate) struct Cursor<'a> {
    pub(crate) lines: Vec<Line<'a>>,
    pub(crate) pos: usize,
    pub(crate) last_line: usize,
}

impl<'a> Cursor<'a> {
    pub(crate) fn peek(&self) -> Option<Line<'a>> {
        self.lines.get(self.pos).copied()
    }
    pub(crate) fn peek_at(&self, offset: usize) -> Option<Line<'a>> {
        self.lines.get(self.pos + offset).copied()
    }
    /// The line to name when the page ends where something was expected.
    pub(crate) fn end_line(&self) -> usize {
        self.last_line.max(1)
    }
}
