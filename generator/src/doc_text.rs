//! Spec descriptions made safe as Rust doc comments.
//!
//! Descriptions are Markdown written by hand for people, not for rustdoc. Whatever they contain,
//! the generated code must compile without warnings and pass `cargo doc` and clippy with
//! `-D warnings` and the doc tests. So:
//!
//! - control characters and tabs become spaces, text-direction characters are dropped (a bare CR
//!   in a doc comment does not compile, bidirectional overrides are denied, tabs are a clippy
//!   warning);
//! - fenced code blocks (```` ``` ```` or `~~~`) are marked `text`, so they are never compiled as
//!   doc tests, and an unclosed fence is closed;
//! - outside code spans, `[` and `]` are escaped (rustdoc would read `[name]` as a link to an item),
//!   bare `http(s)://` URLs are made links (`rustdoc::bare_urls`), and `<` is escaped unless every
//!   tag of the description is a known HTML element, properly closed (`rustdoc::invalid_html_tags`
//!   rejects `<id>`, `<T>` or an unclosed `<b>`);
//! - an unmatched backtick is escaped, so that no code span runs from one line into another;
//! - a line continuing a list item or a quote is indented or marked as such
//!   (`clippy::doc_lazy_continuation`).

/// HTML elements a description may use as they are, when all its tags are balanced.
const KNOWN_ELEMENTS: &[&str] = &[
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "dd",
    "del",
    "details",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "samp",
    "small",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "tt",
    "u",
    "ul",
    "var",
    "wbr",
];

/// Elements that have no closing tag.
const VOID_ELEMENTS: &[&str] = &["br", "hr", "img", "wbr"];

/// The lines of a doc comment for `lines` (without the leading space of `/// `).
pub fn doc_lines(lines: &[String]) -> Vec<String> {
    let cleaned: Vec<String> = lines
        .iter()
        .flat_map(|l| l.split('\r'))
        .map(|l| clean_characters(l).trim().to_owned())
        .collect();
    let keep_html = html_is_balanced(&cleaned);
    let mut out: Vec<String> = Vec::new();
    let mut fence: Option<(char, usize)> = None;
    let mut list_indent: Option<usize> = None;
    let mut in_quote = false;
    for line in &cleaned {
        if let Some((fence_char, fence_len)) = fence {
            if is_closing_fence(line, fence_char, fence_len) {
                out.push("```".to_owned());
                fence = None;
            } else {
                // Content of a text block: a line of backticks inside could close the block early
                // once the fence is rewritten as backticks.
                out.push(if line.starts_with("```") {
                    format!("\u{200B}{line}")
                } else {
                    line.clone()
                });
            }
            continue;
        }
        if let Some(opening) = opening_fence(line) {
            fence = Some(opening);
            list_indent = None;
            in_quote = false;
            out.push("```text".to_owned());
            continue;
        }
        if line.is_empty() {
            list_indent = None;
            in_quote = false;
            out.push(String::new());
            continue;
        }
        let mut prefix = String::new();
        let mut body = line.as_str();
        if let Some(width) = list_marker_width(line) {
            list_indent = Some(width);
            in_quote = false;
            prefix.push_str(&line[..width]);
            body = &line[width..];
        } else if let Some(rest) = line.strip_prefix('>') {
            in_quote = true;
            list_indent = None;
            prefix.push('>');
            body = rest;
        } else if in_quote {
            prefix.push_str("> ");
        } else if let Some(width) = list_indent {
            prefix.push_str(&" ".repeat(width));
        }
        out.push(format!("{prefix}{}", inline(body, keep_html)));
    }
    if fence.is_some() {
        out.push("```".to_owned());
    }
    // No leading, trailing or doubled blank lines.
    let mut result: Vec<String> = Vec::new();
    for line in out {
        if line.is_empty() && result.last().is_none_or(|l: &String| l.is_empty()) {
            continue;
        }
        result.push(line);
    }
    while result.last().is_some_and(|l| l.is_empty()) {
        result.pop();
    }
    if result.is_empty() && lines.iter().any(|l| !l.is_empty()) {
        result.push("(No description.)".to_owned());
    }
    result
}

/// One line of text from the spec, to be written inside a sentence of the generator: made safe
/// as [`doc_lines`] makes a line outside code blocks.
pub fn inline_text(text: &str) -> String {
    let cleaned = clean_characters(text).trim().to_owned();
    let keep_html = html_is_balanced(std::slice::from_ref(&cleaned));
    inline(&cleaned, keep_html)
}

/// Text from the spec (a path, an operationId, an enum value) as an inline code span: control
/// characters removed, and delimited by more backticks than it contains in a row, so that it
/// cannot end the span early.
pub fn code_span(text: &str) -> String {
    let cleaned = clean_characters(text);
    if cleaned.is_empty() {
        // An empty code span cannot be written; two escaped backticks show the empty text.
        return "\\`\\`".to_owned();
    }
    let longest_run = cleaned.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    if longest_run == 0 {
        return format!("`{cleaned}`");
    }
    let fence = "`".repeat(longest_run + 1);
    format!("{fence} {cleaned} {fence}")
}

/// `lines` with a closing fence added when they leave a fenced code block open.
pub fn close_fences(mut lines: Vec<String>) -> Vec<String> {
    let mut fence: Option<(char, usize)> = None;
    for line in &lines {
        let line = line.trim();
        match fence {
            Some((c, n)) if is_closing_fence(line, c, n) => fence = None,
            Some(_) => {}
            None => fence = opening_fence(line),
        }
    }
    if let Some((c, n)) = fence {
        lines.push(std::iter::repeat_n(c, n).collect());
    }
    lines
}

/// Control characters and tabs to spaces; text-direction controls dropped.
fn clean_characters(line: &str) -> String {
    line.chars()
        .filter(|c| {
            !matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
        })
        .flat_map(|c| match c {
            '\t' => vec![' '; 4],
            c if c.is_control() => vec![' '],
            c => vec![c],
        })
        .collect()
}

fn opening_fence(line: &str) -> Option<(char, usize)> {
    let first = line.chars().next()?;
    if first != '`' && first != '~' {
        return None;
    }
    let len = line.chars().take_while(|c| *c == first).count();
    if len < 3 {
        return None;
    }
    // A backtick fence's info string cannot contain backticks (otherwise it is inline code).
    if first == '`' && line[len..].contains('`') {
        return None;
    }
    Some((first, len))
}

fn is_closing_fence(line: &str, fence_char: char, fence_len: usize) -> bool {
    let len = line.chars().take_while(|c| *c == fence_char).count();
    len >= fence_len && line[len * fence_char.len_utf8()..].trim().is_empty()
}

/// Width of a list marker and the space after it (`- `, `* `, `+ `, `1. `, `2) `).
fn list_marker_width(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    if bytes.len() >= 2 && matches!(bytes[0], b'-' | b'*' | b'+') && bytes[1] == b' ' {
        return Some(2);
    }
    let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    if (1..=9).contains(&digits)
        && bytes.len() > digits + 1
        && matches!(bytes[digits], b'.' | b')')
        && bytes[digits + 1] == b' '
    {
        return Some(digits + 2);
    }
    None
}

/// Whether every HTML tag outside code spans is a known element, opened and closed in order.
fn html_is_balanced(lines: &[String]) -> bool {
    let mut stack: Vec<String> = Vec::new();
    let mut fence: Option<(char, usize)> = None;
    for line in lines {
        if let Some((c, n)) = fence {
            if is_closing_fence(line, c, n) {
                fence = None;
            }
            continue;
        }
        if let Some(opening) = opening_fence(line) {
            fence = Some(opening);
            continue;
        }
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            match chars[i] {
                '\\' => i += 2,
                '`' => i = skip_code_span(&chars, i).unwrap_or(i + run_length(&chars, i)),
                '<' => {
                    if let Some(end) = autolink_end(&chars, i) {
                        i = end;
                        continue;
                    }
                    match parse_tag(&chars, i) {
                        Some((name, closing, self_closing, end)) => {
                            if !KNOWN_ELEMENTS.contains(&name.as_str()) {
                                return false;
                            }
                            if closing {
                                if stack.pop().as_deref() != Some(name.as_str()) {
                                    return false;
                                }
                            } else if !self_closing && !VOID_ELEMENTS.contains(&name.as_str()) {
                                stack.push(name);
                            }
                            i = end;
                        }
                        None => i += 1,
                    }
                }
                _ => i += 1,
            }
        }
    }
    stack.is_empty()
}

fn run_length(chars: &[char], start: usize) -> usize {
    chars[start..]
        .iter()
        .take_while(|c| **c == chars[start])
        .count()
}

/// The end (exclusive) of the code span opening at `start`, if it is closed on this line.
fn skip_code_span(chars: &[char], start: usize) -> Option<usize> {
    let n = run_length(chars, start);
    let mut i = start + n;
    while i < chars.len() {
        if chars[i] == '`' {
            let m = run_length(chars, i);
            if m == n {
                return Some(i + m);
            }
            i += m;
        } else {
            i += 1;
        }
    }
    None
}

/// `<scheme://...>`: the end (exclusive) of an autolink starting at `start`.
fn autolink_end(chars: &[char], start: usize) -> Option<usize> {
    let rest: String = chars[start + 1..].iter().take(10).collect();
    if !(rest.starts_with("http://") || rest.starts_with("https://")) {
        return None;
    }
    let mut i = start + 1;
    while i < chars.len() {
        match chars[i] {
            '>' => return Some(i + 1),
            '<' => return None,
            c if c.is_whitespace() => return None,
            _ => i += 1,
        }
    }
    None
}

/// An HTML tag at `start`: (name, closing, self-closing, end exclusive).
fn parse_tag(chars: &[char], start: usize) -> Option<(String, bool, bool, usize)> {
    let mut i = start + 1;
    let closing = chars.get(i) == Some(&'/');
    if closing {
        i += 1;
    }
    if !chars.get(i)?.is_ascii_alphabetic() {
        return None;
    }
    let name_start = i;
    while chars
        .get(i)
        .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '-')
    {
        i += 1;
    }
    let name: String = chars[name_start..i]
        .iter()
        .collect::<String>()
        .to_ascii_lowercase();
    match chars.get(i)? {
        '>' => return Some((name, closing, false, i + 1)),
        '/' if chars.get(i + 1) == Some(&'>') => return Some((name, closing, true, i + 2)),
        c if c.is_whitespace() => {}
        _ => return None,
    }
    // Attributes: anything but `<` and `>` up to the end of the tag; quotes must be closed.
    let mut quote: Option<char> = None;
    while let Some(&c) = chars.get(i) {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '<') => return None,
            (None, '>') => {
                let self_closing = chars[i - 1] == '/';
                return Some((name, closing, self_closing, i + 1));
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Escapes one line of text outside fenced code.
fn inline(text: &str, keep_html: bool) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' => {
                match chars.get(i + 1) {
                    Some(next) if next.is_ascii_punctuation() => {
                        out.push('\\');
                        out.push(*next);
                        i += 2;
                    }
                    _ => {
                        // A backslash before anything else is text; doubled, it stays text even
                        // when an escape of ours follows it.
                        out.push_str("\\\\");
                        i += 1;
                    }
                }
            }
            '`' => match skip_code_span(&chars, i) {
                Some(end) => {
                    out.extend(&chars[i..end]);
                    i = end;
                }
                None => {
                    let n = run_length(&chars, i);
                    for _ in 0..n {
                        out.push_str("\\`");
                    }
                    i += n;
                }
            },
            '[' | ']' => {
                out.push('\\');
                out.push(c);
                i += 1;
            }
            '<' => {
                if let Some(end) = autolink_end(&chars, i) {
                    out.extend(&chars[i..end]);
                    i = end;
                } else if let (true, Some((_, _, _, end))) = (keep_html, parse_tag(&chars, i)) {
                    out.extend(&chars[i..end]);
                    i = end;
                } else {
                    out.push_str("\\<");
                    i += 1;
                }
            }
            'h' if starts_url(&chars, i) => {
                let end = url_end(&chars, i);
                out.push('<');
                out.extend(&chars[i..end]);
                out.push('>');
                i = end;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

fn starts_url(chars: &[char], i: usize) -> bool {
    if i > 0 && (chars[i - 1].is_alphanumeric() || matches!(chars[i - 1], '/' | ':' | '.')) {
        return false;
    }
    let rest: String = chars[i..].iter().take(9).collect();
    let scheme = if rest.starts_with("https://") {
        8
    } else if rest.starts_with("http://") {
        7
    } else {
        return false;
    };
    // Something must follow the scheme.
    chars
        .get(i + scheme)
        .is_some_and(|c| !c.is_whitespace() && !matches!(c, '<' | '>' | '`'))
}

/// The end (exclusive) of a bare URL: up to a space or a character that cannot be in an autolink,
/// without trailing punctuation.
fn url_end(chars: &[char], start: usize) -> usize {
    let mut end = start;
    while end < chars.len()
        && !chars[end].is_whitespace()
        && !matches!(chars[end], '<' | '>' | '`' | '"' | '\\')
    {
        end += 1;
    }
    while end > start
        && matches!(
            chars[end - 1],
            '.' | ',' | ';' | ':' | '!' | '?' | '\'' | ')' | ']' | '}' | '*' | '_'
        )
    {
        end -= 1;
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Vec<String> {
        doc_lines(&text.lines().map(str::to_owned).collect::<Vec<_>>())
    }

    #[test]
    fn escapes_links_html_and_urls_outside_code() {
        assert_eq!(doc("See [id] and `[id]`."), ["See \\[id\\] and `[id]`."]);
        assert_eq!(doc("Takes <id> or <br>."), ["Takes \\<id> or \\<br>."]);
        assert_eq!(doc("<b>bold</b> and <br>"), ["<b>bold</b> and <br>"]);
        assert_eq!(doc("<b>open"), ["\\<b>open"]);
        assert_eq!(
            doc("Docs at https://example.com/x?a=1."),
            ["Docs at <https://example.com/x?a=1>."]
        );
        assert_eq!(
            doc("Kept <https://example.com>"),
            ["Kept <https://example.com>"]
        );
        assert_eq!(doc("a `b` c ` d"), ["a `b` c \\` d"]);
        assert_eq!(doc("ends */ here"), ["ends */ here"]);
        assert_eq!(doc("C:\\path \\[x\\]"), ["C:\\\\path \\[x\\]"]);
    }

    #[test]
    fn marks_code_blocks_as_text_and_closes_them() {
        assert_eq!(
            doc("Example:\n```rust\nfn main() {}\n```\nafter"),
            ["Example:", "```text", "fn main() {}", "```", "after"]
        );
        assert_eq!(doc("~~~\ncode\n"), ["```text", "code", "```"]);
        assert_eq!(doc("```json\n{}"), ["```text", "{}", "```"]);
    }

    #[test]
    fn continues_lists_and_quotes() {
        assert_eq!(
            doc("Values:\n- one\ncontinued\n\nnext"),
            ["Values:", "- one", "  continued", "", "next"]
        );
        assert_eq!(doc("> quoted\nlazy"), ["> quoted", "> lazy"]);
    }

    #[test]
    fn cleans_characters() {
        assert_eq!(doc("a\rb\tc\u{202E}d\u{7}"), ["a", "b    cd"]);
        assert_eq!(doc("\u{7}"), ["(No description.)"]);
        assert!(doc("").is_empty());
    }

    #[test]
    fn closes_a_description_that_leaves_a_fence_open() {
        let lines = |t: &str| t.lines().map(str::to_owned).collect::<Vec<_>>();
        assert_eq!(
            close_fences(lines("a\n```\ncode")),
            ["a", "```", "code", "```"]
        );
        assert_eq!(close_fences(lines("~~~~\n~~~\n")), ["~~~~", "~~~", "~~~~"]);
        assert_eq!(close_fences(lines("```\nx\n```")), ["```", "x", "```"]);
    }

    /// The generator's own link to a request builder is written as it is, never through
    /// `doc_lines` (the snapshots show it); a description that reads like it is escaped as any.
    #[test]
    fn a_description_cannot_pass_for_the_builder_link() {
        let line = "Optional parameters are set on the returned [`ListWorkflowsRequest`].";
        assert_eq!(
            doc(line),
            ["Optional parameters are set on the returned \\[`ListWorkflowsRequest`\\]."]
        );
    }

    #[test]
    fn code_spans_hold_any_text() {
        assert_eq!(code_span("GET /v1/x"), "`GET /v1/x`");
        assert_eq!(code_span("a`b"), "`` a`b ``");
        assert_eq!(code_span("a\u{202E}b\n"), "`ab `");
        assert_eq!(code_span(""), "\\`\\`");
    }
}
