//! Text that came from a server, made safe to show: control characters escaped, and long text
//! cut to a short excerpt.
//!
//! A server decides what its error codes, messages, names and bodies contain. Printed raw, an
//! escape sequence in them can clear a terminal, set its title or colour a forged "succeeded"
//! line, and a carriage return or line break can overwrite or add lines of a log. Every piece of
//! server text this crate shows (in [`Error`](crate::Error)'s `Display`, for instance) goes
//! through [`escape`] or [`excerpt`]; applications printing fields of an answer themselves should
//! do the same.
//!
//! ```
//! use secmaster::sanitize::{escape, excerpt};
//! assert_eq!(escape("ok\r\n\u{1b}[2J"), r"ok\r\n\u{1b}[2J");
//! assert_eq!(excerpt("a long message", 6), "a long…");
//! ```

use std::borrow::Cow;
use std::fmt::Write as _;

/// `text` with every character that can change how a terminal or log shows the text written as
/// an escape: `\n`, `\r` and `\t` as such, the other control characters (C0, DEL, C1) and the
/// invisible characters that reorder or hide text (bidirectional overrides and isolates,
/// zero-width characters, line and paragraph separators) as `\u{..}`. Everything else is kept,
/// so ordinary text of any language reads unchanged. Borrows when there is nothing to escape.
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut escaped = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        push_escaped(&mut escaped, c);
    }
    Cow::Owned(escaped)
}

/// The start of `text`, escaped as by [`escape`] and at most `max_chars` characters long; `…`
/// marks a cut. An escape is never split.
pub fn excerpt(text: &str, max_chars: usize) -> String {
    let mut out = String::new();
    let mut shown = 0;
    let mut one = String::new();
    for c in text.chars() {
        one.clear();
        push_escaped(&mut one, c);
        let width = one.chars().count();
        if shown + width > max_chars {
            out.push('…');
            return out;
        }
        out.push_str(&one);
        shown += width;
    }
    out
}

/// Whether [`escape`] writes `c` as an escape: a control character, or an invisible character
/// that reorders or hides text. Useful to make other formats safe (JSON, say, where such
/// characters can be written as `\uXXXX`).
pub fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            // Bidirectional marks, embeddings, overrides and isolates: they reorder what follows.
            '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
            // Zero-width characters and the word joiner / BOM: they hide text.
            | '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}'
            // Line and paragraph separators: some viewers break lines on them.
            | '\u{2028}' | '\u{2029}'
        )
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if needs_escape(c) => {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
        c => out.push(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_controls_and_invisible_reordering_characters() {
        assert_eq!(
            escape("a\x1b]0;title\x07b\r\nc\td\x7f\u{9b}e\u{202e}f\u{200b}g"),
            r"a\u{1b}]0;title\u{7}b\r\nc\td\u{7f}\u{9b}e\u{202e}f\u{200b}g"
        );
        assert!(matches!(escape("plain ünïcödé 漢字"), Cow::Borrowed(_)));
    }

    #[test]
    fn excerpts_are_cut_on_whole_characters_and_escapes() {
        assert_eq!(excerpt("short", 10), "short");
        assert_eq!(excerpt("exactly10!", 10), "exactly10!");
        assert_eq!(excerpt("exactly 11!", 10), "exactly 11…");
        // `\u{1b}` is 6 characters: it is shown whole or not at all.
        assert_eq!(excerpt("abc\x1b[2J", 8), "abc…");
        assert_eq!(excerpt("abc\x1b[2J", 9), r"abc\u{1b}…");
        assert_eq!(excerpt("漢字漢字", 2), "漢字…");
        assert_eq!(excerpt("", 0), "");
    }
}
