//! The tokens as the layout reads them: proc-macro2's token trees converted once, with joined
//! punctuation as one operator and a lifetime as one word (and hashed on the way, for the
//! file's fingerprint); and the shape of a list of them: where a block's statements and a list's
//! elements end, how deep in generic arguments a token is, where a method chain may break.

use super::Fnv;
use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};

/// Punctuation written as one operator when its characters come joined.
const OPERATORS: &[&str] = &[
    "::", "->", "=>", "..", "..=", "...", "!=", "==", "<=", ">=", "+=", "-=", "&&", "||",
];

/// A token tree, with joined punctuation combined into one operator and a lifetime into a word.
#[derive(Debug)]
pub enum Tok {
    /// An identifier, keyword, literal or lifetime.
    Word(String),
    Op(String),
    Group(Delimiter, Vec<Tok>),
}

/// `stream` as the printer reads it, hashing every token into `hash` on the way (the file's
/// fingerprint, so that an unchanged file need not be laid out again).
pub fn convert(stream: TokenStream, hash: &mut Fnv) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut trees = stream.into_iter().peekable();
    while let Some(tree) = trees.next() {
        match tree {
            TokenTree::Ident(ident) => out.push(Tok::Word(ident.to_string())),
            TokenTree::Literal(literal) => out.push(Tok::Word(literal.to_string())),
            TokenTree::Group(group) => {
                let delimiter = group.delimiter();
                let stream = group.stream();
                // The group's own reference to its tokens goes first, so that iterating them
                // takes them rather than copying them.
                drop(group);
                hash.write(&[delimiter as u8 + 1]);
                let inner = convert(stream, hash);
                hash.write(&[0xfe]);
                match delimiter {
                    Delimiter::None => out.extend(inner),
                    delimiter => out.push(Tok::Group(delimiter, inner)),
                }
                continue;
            }
            TokenTree::Punct(punct) => {
                let mut op = punct.as_char().to_string();
                let mut joint = punct.spacing() == Spacing::Joint;
                if op == "'" && joint {
                    if let Some(TokenTree::Ident(_)) = trees.peek() {
                        if let Some(TokenTree::Ident(name)) = trees.next() {
                            let lifetime = format!("'{name}");
                            hash.write(lifetime.as_bytes());
                            hash.write(&[0xff]);
                            out.push(Tok::Word(lifetime));
                        }
                        continue;
                    }
                }
                while joint {
                    let Some(TokenTree::Punct(next)) = trees.peek() else {
                        break;
                    };
                    let longer = format!("{op}{}", next.as_char());
                    if !OPERATORS.iter().any(|o| o.starts_with(longer.as_str())) {
                        break;
                    }
                    joint = next.spacing() == Spacing::Joint;
                    op = longer;
                    trees.next();
                }
                out.push(Tok::Op(op));
            }
        }
        if let Some(Tok::Word(text) | Tok::Op(text)) = out.last() {
            hash.write(text.as_bytes());
            hash.write(&[0xff]);
        }
    }
    out
}

/// Whether `toks[i]` is the `.` of a method call (`.g(y)`, `.g::<T>(y)`), where a chain breaks;
/// field accesses before the first call stay with the receiver (`self.base`).
pub(super) fn is_chain_call(toks: &[Tok], i: usize) -> bool {
    if i == 0 || !matches!(toks.get(i), Some(Tok::Op(dot)) if dot == ".") {
        return false;
    }
    if !matches!(toks.get(i + 1), Some(Tok::Word(_))) {
        return false;
    }
    let mut next = i + 2;
    if matches!(toks.get(next), Some(Tok::Op(op)) if op == "::") {
        // A turbofish: up to its closing `>`.
        let mut angles = Angles::default();
        next += 1;
        while let Some(tok) = toks.get(next) {
            next += 1;
            if let Tok::Op(op) = tok {
                angles.track(op);
                if angles.outside() {
                    break;
                }
            }
        }
    }
    matches!(toks.get(next), Some(Tok::Group(Delimiter::Parenthesis, _)))
}

/// Whether a block opened after `head` holds items (a module's, a trait's or an `impl`'s).
pub(super) fn holds_items(head: &[Tok]) -> bool {
    let has = |word: &str| head.iter().any(|t| matches!(t, Tok::Word(w) if w == word));
    has("mod") || has("trait") || (has("impl") && !has("fn"))
}

/// A block's statements: each ends with `;` or `,`, or with a block not continued by `else`,
/// `.`, `?` or a separator.
pub(super) fn statements(toks: &[Tok]) -> Vec<&[Tok]> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut angles = Angles::default();
    for (i, tok) in toks.iter().enumerate() {
        let ends = match tok {
            Tok::Op(op) if op == ";" => {
                angles = Angles::default();
                true
            }
            Tok::Op(op) if op == "," => angles.outside(),
            Tok::Op(op) => {
                angles.track(op);
                false
            }
            Tok::Group(Delimiter::Brace, inner) if !inner.is_empty() => {
                let use_tree =
                    matches!(toks.get(i.wrapping_sub(1)), Some(Tok::Op(op)) if op == "::");
                !use_tree
                    && !matches!(
                        toks.get(i + 1),
                        Some(Tok::Op(next)) if [",", ";", ".", "?"].contains(&next.as_str())
                    )
                    && !matches!(toks.get(i + 1), Some(Tok::Word(next)) if next == "else" || next == "as")
            }
            _ => false,
        };
        if ends {
            out.push(&toks[start..=i]);
            start = i + 1;
        }
    }
    if start < toks.len() {
        out.push(&toks[start..]);
    }
    out
}

/// The elements of a list between its top-level commas, each with whether a comma followed it.
pub(super) fn split_commas(toks: &[Tok]) -> Vec<(&[Tok], bool)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut angles = Angles::default();
    for (i, tok) in toks.iter().enumerate() {
        let Tok::Op(op) = tok else { continue };
        if op == "," && angles.outside() {
            out.push((&toks[start..i], true));
            start = i + 1;
        }
        angles.track(op);
    }
    out.push((&toks[start..], false));
    out
}

/// How deep in a generic's `<...>` a comma is: those commas separate type arguments, not
/// elements. (A `<` that compares leaves the count high; the comma after it then stays inside
/// its element, which changes only where a line breaks.)
#[derive(Default)]
pub(super) struct Angles(usize);

impl Angles {
    pub(super) fn track(&mut self, op: &str) {
        match op {
            "<" => self.0 += 1,
            ">" => self.0 = self.0.saturating_sub(1),
            _ => {}
        }
    }

    pub(super) fn outside(&self) -> bool {
        self.0 == 0
    }
}

/// The value of a string literal as `proc_macro2` writes it (`"..."` with escapes, or raw).
pub(super) fn string_value(literal: &str) -> Option<String> {
    if let Some(raw) = literal.strip_prefix('r') {
        let hashes = raw.len() - raw.trim_start_matches('#').len();
        let body = raw.get(hashes..raw.len().checked_sub(hashes)?)?;
        return Some(body.strip_prefix('"')?.strip_suffix('"')?.to_owned());
    }
    let body = literal.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            '0' => out.push('\0'),
            '\\' => out.push('\\'),
            '"' => out.push('"'),
            '\'' => out.push('\''),
            'u' => {
                let rest: String = chars.by_ref().take_while(|&c| c != '}').collect();
                let code = u32::from_str_radix(rest.strip_prefix('{')?, 16).ok()?;
                out.push(char::from_u32(code)?);
            }
            'x' => {
                let hex: String = chars.by_ref().take(2).collect();
                out.push(char::from(u8::from_str_radix(&hex, 16).ok()?));
            }
            _ => return None,
        }
    }
    Some(out)
}
