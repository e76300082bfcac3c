//! Layout: Rust source text from the emitted tokens, without parsing them into a syntax tree.
//!
//! Parsing every generated file with syn and printing it back with prettyplease took about 40%
//! of the generator's time and most of its allocations. The emitted code is a small, regular
//! part of Rust (items, attributes, builder methods, method chains, closures, `match`), so it is
//! laid out here directly from the token trees. Only whitespace is decided here (and a trailing
//! comma after the last element of a list broken over lines, outside macro invocations): the
//! tokens are written in order as they were emitted, so the layout cannot change what the code
//! means. The tests check this on every fixture spec by lexing the text again.
//!
//! The rules, as rustfmt's defaults write such code: four spaces of indent; a block's
//! statements, a struct's fields, an enum's variants and a match's arms one per line; a blank
//! line between the items of a module or an `impl`; a list in parentheses or brackets on one
//! line when it fits in 100 columns, otherwise one element per line; a method chain that does
//! not fit broken before each call that follows a call; `#[doc]` attributes as `///` comments.

use super::tokens::{
    holds_items, is_chain_call, split_commas, statements, string_value, Angles, Tok,
};
use proc_macro2::Delimiter;

/// The column a line should not pass.
const WIDTH: usize = 100;

/// Words after which an opening parenthesis, a path or a unary operator is set apart by a space.
const KEYWORDS: &[&str] = &[
    "as", "box", "break", "dyn", "else", "for", "if", "impl", "in", "let", "loop", "match", "move",
    "mut", "ref", "return", "unsafe", "where", "while", "yield",
];

/// The generated file's text for `toks` (from [`super::tokens::convert`]).
pub fn layout(toks: &[Tok]) -> String {
    let mut printer = Printer::new(false);
    printer.block(toks, 0, true);
    printer.out.push('\n');
    printer.out
}

/// What was written last on the line, which decides the space before the next token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Prev {
    /// The start of a line or group, or a prefix (`&`, `.`, `::`, `#`, `!`): no space follows.
    Start,
    Word,
    Keyword,
    /// A binary operator or separator: a space follows.
    Op,
    /// A closing delimiter, a generic's `>` or `?`.
    Close,
}

/// The state of one sequence of tokens being written.
struct Line {
    prev: Prev,
    /// Open `<` of generics.
    angles: usize,
    /// Inside a closure's `|...|`.
    closure: bool,
    /// The last token was the `!` of a macro invocation.
    bang: bool,
}

impl Line {
    fn new() -> Line {
        Line {
            prev: Prev::Start,
            angles: 0,
            closure: false,
            bang: false,
        }
    }

    /// Whether a prefix operator here applies to what follows (`&x`) rather than joining two
    /// operands (`a & b`).
    fn unary(&self) -> bool {
        matches!(self.prev, Prev::Start | Prev::Op | Prev::Keyword)
    }
}

struct Printer {
    out: String,
    line_start: usize,
    /// Writing one line only: a block that cannot be written on one line fails it.
    flat: bool,
    failed: bool,
    /// Inside a macro invocation's arguments, whose grammar may not take an added comma.
    in_macro: bool,
}

impl Printer {
    fn new(flat: bool) -> Printer {
        Printer {
            out: String::new(),
            line_start: 0,
            flat,
            failed: false,
            in_macro: false,
        }
    }

    fn column(&self) -> usize {
        self.out[self.line_start..].chars().count()
    }

    fn newline(&mut self, indent: usize, blank: bool) {
        let trimmed = self.out.trim_end_matches(' ').len();
        self.out.truncate(trimmed);
        if !self.out.is_empty() {
            self.out.push('\n');
            if blank {
                self.out.push('\n');
            }
        }
        self.line_start = self.out.len();
        for _ in 0..indent {
            self.out.push_str("    ");
        }
    }

    fn space(&mut self, wanted: bool) {
        if wanted && !self.out.is_empty() && !self.out.ends_with([' ', '\n']) {
            self.out.push(' ');
        }
    }

    /// The statements of a block (or the file), one per line at `indent`; `items` when they
    /// are the items of a module or an `impl`, which get a blank line between them.
    /// A list of fields, variants or arms gets a comma after its last one, as rustfmt writes.
    fn block(&mut self, toks: &[Tok], indent: usize, items: bool) {
        let statements = statements(toks);
        let list = statements
            .iter()
            .any(|s| matches!(s.last(), Some(Tok::Op(op)) if op == ","));
        let last = statements.len().saturating_sub(1);
        for (i, statement) in statements.iter().enumerate() {
            // A macro call that completes the type or `impl` just above it (`string_enum!`,
            // `json_struct!`, `operation!`) stays with it, without a blank line.
            let completes =
                i > 0 && is_macro_call(statement) && defines_type_or_impl(statements[i - 1]);
            self.newline(indent, items && i > 0 && !completes);
            self.statement(statement, indent);
            let ended = matches!(statement.last(), Some(Tok::Op(op)) if op == "," || op == ";");
            if i == last && list && !ended && !self.in_macro {
                self.out.push(',');
            }
        }
    }

    /// One statement, item, field or arm: its attributes on lines of their own, then the rest.
    fn statement(&mut self, mut toks: &[Tok], indent: usize) {
        loop {
            match toks {
                [Tok::Op(hash), Tok::Group(Delimiter::Bracket, inner), rest @ ..]
                    if hash == "#" =>
                {
                    self.attribute(inner, false);
                    toks = rest;
                }
                [Tok::Op(hash), Tok::Op(bang), Tok::Group(Delimiter::Bracket, inner), rest @ ..]
                    if hash == "#" && bang == "!" =>
                {
                    self.attribute(inner, true);
                    toks = rest;
                }
                _ => break,
            }
            if toks.is_empty() {
                return;
            }
            self.newline(indent, false);
        }
        self.sequence(toks, indent);
    }

    /// `#[...]`, or a `///` (`//!`) comment for documentation that fits on one line.
    fn attribute(&mut self, inner: &[Tok], inner_attribute: bool) {
        if let [Tok::Word(doc), Tok::Op(eq), Tok::Word(literal)] = inner {
            if doc == "doc" && eq == "=" {
                if let Some(text) = string_value(literal).filter(|t| !t.contains(['\n', '\r'])) {
                    self.out
                        .push_str(if inner_attribute { "//!" } else { "///" });
                    self.out.push_str(&text);
                    return;
                }
            }
        }
        self.out
            .push_str(if inner_attribute { "#![" } else { "#[" });
        let text = flat(inner).unwrap_or_default();
        self.out.push_str(&text);
        self.out.push(']');
    }

    /// Tokens on the current line, breaking where they do not fit.
    fn sequence(&mut self, toks: &[Tok], indent: usize) {
        let chain = !self.flat && self.breaks_chain(toks);
        let indent = if chain { indent + 1 } else { indent };
        let mut line = Line::new();
        let mut skip_to = 0;
        for (i, tok) in toks.iter().enumerate() {
            if self.failed {
                return;
            }
            if i < skip_to {
                continue;
            }
            if chain && is_chain_call(toks, i) {
                self.newline(indent, false);
                line.prev = Prev::Start;
            }
            let bang = std::mem::replace(&mut line.bang, false);
            match tok {
                Tok::Word(word) => {
                    self.space(line.prev != Prev::Start);
                    self.out.push_str(word);
                    line.prev = if KEYWORDS.contains(&word.as_str()) {
                        Prev::Keyword
                    } else {
                        Prev::Word
                    };
                }
                Tok::Op(op) if op == "<" && !self.flat && line.prev == Prev::Word => {
                    match self.long_generics(toks, i, indent, chain) {
                        Some(close) => {
                            line.prev = Prev::Close;
                            skip_to = close + 1;
                        }
                        None => self.operator(op, &mut line),
                    }
                }
                Tok::Op(op) => self.operator(op, &mut line),
                Tok::Group(Delimiter::Brace, inner) => {
                    self.brace(inner, &toks[..i], indent, &mut line)
                }
                Tok::Group(delimiter, inner) => {
                    let tail = if self.flat {
                        0
                    } else {
                        tail_width(toks, i + 1, chain)
                    };
                    self.list(*delimiter, inner, indent, &mut line, bang, tail);
                }
            }
        }
    }

    fn operator(&mut self, op: &str, line: &mut Line) {
        let (space_before, after) = match op {
            "," | ";" => (false, Prev::Op),
            "." => (false, Prev::Start),
            "?" => (false, Prev::Close),
            ":" => (false, Prev::Op),
            "::" => (matches!(line.prev, Prev::Keyword | Prev::Op), Prev::Start),
            "#" => (line.prev != Prev::Start, Prev::Start),
            ".." | "..=" => (line.unary() && line.prev != Prev::Start, Prev::Start),
            "!" if line.prev == Prev::Word => {
                line.bang = true;
                (false, Prev::Start)
            }
            "&" | "&&" | "*" | "-" | "!" if line.unary() => (line.prev != Prev::Start, Prev::Start),
            "<" if matches!(line.prev, Prev::Word | Prev::Start | Prev::Keyword) => {
                line.angles += 1;
                (false, Prev::Start)
            }
            ">" if line.angles > 0 => {
                line.angles -= 1;
                (false, Prev::Close)
            }
            "|" | "||" if !line.closure && line.unary() => {
                if op == "|" {
                    line.closure = true;
                    (line.prev != Prev::Start, Prev::Start)
                } else {
                    (line.prev != Prev::Start, Prev::Op)
                }
            }
            "|" if line.closure => {
                line.closure = false;
                (false, Prev::Op)
            }
            _ => (line.prev != Prev::Start, Prev::Op),
        };
        self.space(space_before);
        self.out.push_str(op);
        line.prev = after;
    }

    /// A brace group: a block on lines of its own, or `{}` and a `use` tree on the line.
    fn brace(&mut self, inner: &[Tok], before: &[Tok], indent: usize, line: &mut Line) {
        let use_tree =
            line.prev == Prev::Start && matches!(before.last(), Some(Tok::Op(op)) if op == "::");
        self.space(line.prev != Prev::Start);
        if inner.is_empty() {
            self.out.push_str("{}");
        } else if use_tree {
            self.use_tree(inner, indent);
        } else if self.flat {
            self.failed = true;
            return;
        } else if let Some(text) = self.short_literal(inner, before) {
            self.out.push_str("{ ");
            self.out.push_str(&text);
            self.out.push_str(" }");
        } else {
            self.out.push('{');
            self.block(inner, indent + 1, holds_items(before));
            self.newline(indent, false);
            self.out.push('}');
        }
        line.prev = Prev::Close;
    }

    /// The names a `use` takes from a path: on the line when they fit, else one per line.
    fn use_tree(&mut self, inner: &[Tok], indent: usize) {
        let text = flat(inner).unwrap_or_default();
        if self.flat || self.column() + text.chars().count() + 3 <= WIDTH {
            self.out.push('{');
            self.out.push_str(&text);
            self.out.push('}');
            return;
        }
        self.out.push('{');
        for (element, _) in split_commas(inner) {
            if !element.is_empty() {
                self.newline(indent + 1, false);
                self.sequence(element, indent + 1);
                self.out.push(',');
            }
        }
        self.newline(indent, false);
        self.out.push('}');
    }

    /// A parenthesised or bracketed list: on the line when it fits (with `tail`, what must
    /// follow it on the line), else one element per line.
    fn list(
        &mut self,
        delimiter: Delimiter,
        inner: &[Tok],
        indent: usize,
        line: &mut Line,
        macro_call: bool,
        tail: usize,
    ) {
        let (open, close) = match delimiter {
            Delimiter::Parenthesis => ('(', ')'),
            _ => ('[', ']'),
        };
        // After a name (a call, a function's parameters, a tuple struct) the parentheses hold a
        // list, which takes a comma after its last element; elsewhere they may group one
        // expression, which a comma would make a tuple.
        let arguments = matches!(line.prev, Prev::Word | Prev::Close);
        self.space(matches!(line.prev, Prev::Keyword | Prev::Op));
        line.prev = Prev::Close;
        if self.flat {
            self.out.push(open);
            let mut nested = Printer::new(true);
            nested.sequence(inner, 0);
            self.failed |= nested.failed;
            self.out.push_str(&nested.out);
            self.out.push(close);
            return;
        }
        if inner.is_empty() {
            self.out.push(open);
            self.out.push(close);
            return;
        }
        let one_line = flat(inner);
        if let Some(text) = &one_line {
            if self.column() + text.chars().count() + 2 + tail <= WIDTH {
                self.out.push(open);
                self.out.push_str(text);
                self.out.push(close);
                return;
            }
        }
        let elements = split_commas(inner);
        let was_in_macro = self.in_macro;
        self.in_macro |= macro_call;
        self.out.push(open);
        let overflows = matches!(elements.as_slice(), [(element, false)]
            if one_line.is_none() || matches!(element.last(), Some(Tok::Group(d, _)) if *d != Delimiter::Brace));
        if overflows {
            // One element holding a block (a closure, a struct literal) or ending with a list
            // (`&[...]`): that block or list breaks instead.
            self.sequence(inner, indent);
        } else {
            let last = elements.len() - 1;
            for (i, (element, comma)) in elements.into_iter().enumerate() {
                if element.is_empty() {
                    continue;
                }
                self.newline(indent + 1, false);
                self.sequence(element, indent + 1);
                if comma || (i == last && (last > 0 || arguments) && !self.in_macro) {
                    self.out.push(',');
                }
            }
            self.newline(indent, false);
        }
        self.out.push(close);
        self.in_macro = was_in_macro;
    }

    /// A struct literal's fields on one line, when they are as short as rustfmt keeps on one
    /// line (`Self { id }`).
    fn short_literal(&self, inner: &[Tok], before: &[Tok]) -> Option<String> {
        const SHORT: usize = 18;
        let named = matches!(before.last(), Some(Tok::Word(w)) if w.starts_with(|c: char| c.is_ascii_uppercase()));
        let item_or_block = before.iter().any(|t| {
            matches!(t, Tok::Word(w) if matches!(w.as_str(),
                "fn" | "impl" | "struct" | "enum" | "union" | "trait" | "mod" | "match" | "if"
                    | "while" | "for" | "loop" | "unsafe" | "else"))
        });
        if self.in_macro || !named || item_or_block {
            return None;
        }
        let fields = match inner.split_last() {
            Some((Tok::Op(comma), fields)) if comma == "," => fields,
            _ => inner,
        };
        flat(fields).filter(|text| text.chars().count() <= SHORT)
    }

    /// Generic arguments too long for the line (`Expectation<'_, Body, Answer, Error>`), one per
    /// line: the index of their closing `>`, or `None` (nothing written) when they fit.
    fn long_generics(
        &mut self,
        toks: &[Tok],
        open: usize,
        indent: usize,
        chain: bool,
    ) -> Option<usize> {
        let mut angles = Angles::default();
        let mut close = None;
        for (j, tok) in toks.iter().enumerate().skip(open) {
            match tok {
                Tok::Op(op) => {
                    angles.track(op);
                    if angles.outside() {
                        close = Some(j);
                        break;
                    }
                    if op == ";" {
                        return None;
                    }
                }
                Tok::Group(Delimiter::Brace, _) => return None,
                _ => {}
            }
        }
        let close = close?;
        let inner = &toks[open + 1..close];
        let elements = split_commas(inner);
        let width = flat(&toks[open..=close])?.chars().count() + tail_width(toks, close + 1, chain);
        if elements.len() < 2 || self.column() + width <= WIDTH {
            return None;
        }
        self.out.push('<');
        for (element, _) in elements {
            if !element.is_empty() {
                self.newline(indent + 1, false);
                self.sequence(element, indent + 1);
                self.out.push(',');
            }
        }
        self.newline(indent, false);
        self.out.push('>');
        Some(close)
    }

    /// Whether `toks` is a method chain too long for the line: two calls or more, each after
    /// a call.
    fn breaks_chain(&self, toks: &[Tok]) -> bool {
        let calls = (0..toks.len()).filter(|&i| is_chain_call(toks, i)).count();
        if calls < 2 {
            return false;
        }
        match flat(toks) {
            Some(text) => self.column() + text.chars().count() > WIDTH,
            None => true,
        }
    }
}

/// `toks` on one line, or `None` when it holds a block.
fn flat(toks: &[Tok]) -> Option<String> {
    let mut printer = Printer::new(true);
    printer.sequence(toks, 0);
    (!printer.failed).then_some(printer.out)
}

/// The width of what follows a list on its line: up to a block's brace (and ` {`), or a chain's
/// next call.
fn tail_width(toks: &[Tok], from: usize, chain: bool) -> usize {
    let mut end = from;
    let mut brace = 0;
    while end < toks.len() {
        if matches!(&toks[end], Tok::Group(Delimiter::Brace, inner) if !inner.is_empty()) {
            brace = 2;
            break;
        }
        if chain && is_chain_call(toks, end) {
            break;
        }
        end += 1;
    }
    let Some(text) = flat(&toks[from..end]) else {
        return brace;
    };
    // `flat` writes the first token as if it started a line.
    let space = match toks.get(from) {
        Some(Tok::Word(_)) => 1,
        Some(Tok::Op(op)) => usize::from(![",", ";", ".", "?", ":", "::"].contains(&op.as_str())),
        _ => 0,
    };
    if text.is_empty() {
        brace
    } else {
        text.chars().count() + space + brace
    }
}

/// A statement without its outer attributes.
fn without_attributes(mut statement: &[Tok]) -> &[Tok] {
    while let [Tok::Op(hash), Tok::Group(Delimiter::Bracket, _), rest @ ..] = statement {
        if hash != "#" {
            break;
        }
        statement = rest;
    }
    statement
}

/// Whether a statement is a macro call as an item (`path::name!(...);`), after its attributes.
fn is_macro_call(statement: &[Tok]) -> bool {
    let statement = without_attributes(statement);
    let words = statement
        .iter()
        .take_while(|t| matches!(t, Tok::Word(_)) || matches!(t, Tok::Op(op) if op == "::"))
        .count();
    words > 0
        && matches!(
            &statement[words..],
            [Tok::Op(bang), Tok::Group(Delimiter::Parenthesis, _), Tok::Op(semi)]
                if bang == "!" && semi == ";"
        )
}

/// Whether a statement defines a struct or an enum (its attributes, `pub`, the keyword, a name
/// and the body), or is an `impl` block.
fn defines_type_or_impl(statement: &[Tok]) -> bool {
    let is_impl = matches!(without_attributes(statement).first(), Some(Tok::Word(keyword)) if keyword == "impl");
    is_impl
        || statement.windows(3).any(|w| {
            matches!(w, [Tok::Word(keyword), Tok::Word(_), Tok::Group(Delimiter::Brace, _)]
                if keyword == "struct" || keyword == "enum")
        })
}

#[cfg(test)]
mod tests {
    use quote::quote;

    fn layout(tokens: proc_macro2::TokenStream) -> String {
        super::layout(&crate::write::tokens::convert(
            tokens,
            &mut crate::write::Fnv::new(),
        ))
    }

    #[test]
    fn items_fields_and_docs() {
        let tokens = quote! {
            #[doc = " A thing."]
            #[derive(Debug, Clone)]
            pub struct Thing {
                #[doc = " Its name."]
                pub name: String,
                #[serde(skip_serializing_if = "Option::is_none")]
                pub tags: Option<Vec<std::collections::BTreeMap<String, i64>>>,
            }
            impl Thing {
                pub fn new(name: impl Into<String>) -> Self {
                    Self { name: name.into(), tags: None }
                }
                pub fn tags(&self) -> &[u8] { &[] }
            }
            use serde::{Deserialize, Serialize};
            use crate::shared::{AlertDataSource, AlertDetailDataclassRef, AlertFileInfo, AlertMalware, AlertNetworkList};
        };
        assert_eq!(
            layout(tokens),
            "/// A thing.\n#[derive(Debug, Clone)]\npub struct Thing {\n    /// Its name.\n    pub name: String,\n    #[serde(skip_serializing_if = \"Option::is_none\")]\n    pub tags: Option<Vec<std::collections::BTreeMap<String, i64>>>,\n}\n\nimpl Thing {\n    pub fn new(name: impl Into<String>) -> Self {\n        Self {\n            name: name.into(),\n            tags: None,\n        }\n    }\n\n    pub fn tags(&self) -> &[u8] {\n        &[]\n    }\n}\n\nuse serde::{Deserialize, Serialize};\n\nuse crate::shared::{\n    AlertDataSource,\n    AlertDetailDataclassRef,\n    AlertFileInfo,\n    AlertMalware,\n    AlertNetworkList,\n};\n"
        );
    }

    #[test]
    fn a_macro_call_completing_the_item_above_stays_with_it() {
        let tokens = quote! {
            pub struct Alert { pub id: String, }
            crate::call::json_struct!(Alert => [id]);
            #[cfg(feature = "a")]
            impl Alert { fn get(self) {} }
            #[cfg(feature = "a")]
            crate::call::operation!(Alert => (), Error);
            crate::paging::paged!(Alert => ());
            pub type Id = String;
            crate::call::other!(x);
        };
        assert_eq!(
            layout(tokens),
            "pub struct Alert {\n    pub id: String,\n}\ncrate::call::json_struct!(Alert => [id]);\n\n#[cfg(feature = \"a\")]\nimpl Alert {\n    fn get(self) {}\n}\n#[cfg(feature = \"a\")]\ncrate::call::operation!(Alert => (), Error);\n\ncrate::paging::paged!(Alert => ());\n\npub type Id = String;\n\ncrate::call::other!(x);\n"
        );
    }

    #[test]
    fn chains_closures_and_long_lists() {
        let tokens = quote! {
            fn call(self) -> crate::Call<types::ListWorkflowsResponse, ListWorkflowsError> {
                let request = crate::call::ApiRequest::new("ListWorkflows", crate::call::Method::GET, "/v1/{project_id}/workflows")
                    .path_param("project_id", self.base.scope.project_id())
                    .query("offset", &self.offset)
                    .options(self.base.options);
                crate::Call::new(self.base.scope.client(), request, |answer| match answer.status() {
                    200 => answer.json(),
                    _ => answer.unexpected(),
                })
            }
        };
        assert_eq!(
            layout(tokens),
            "fn call(self) -> crate::Call<types::ListWorkflowsResponse, ListWorkflowsError> {\n    let request = crate::call::ApiRequest::new(\n            \"ListWorkflows\",\n            crate::call::Method::GET,\n            \"/v1/{project_id}/workflows\",\n        )\n        .path_param(\"project_id\", self.base.scope.project_id())\n        .query(\"offset\", &self.offset)\n        .options(self.base.options);\n    crate::Call::new(\n        self.base.scope.client(),\n        request,\n        |answer| match answer.status() {\n            200 => answer.json(),\n            _ => answer.unexpected(),\n        },\n    )\n}\n"
        );
    }

    #[test]
    fn macros_keep_their_commas_and_operators_their_spaces() {
        let tokens = quote! {
            crate::call::string_enum!(SortField { CreateTime = "create_time", UpdateTime = "update_time", } else Other);
            impl ::std::future::IntoFuture for Request {
                type Output = ::std::result::Result<crate::Response<'static, T>, E>;
                fn into_future(self) -> Self::IntoFuture { if !self.a && *self.b != -1 { x..=y } else { ..Default::default() } }
            }
        };
        assert_eq!(
            layout(tokens),
            "crate::call::string_enum!(SortField {\n    CreateTime = \"create_time\",\n    UpdateTime = \"update_time\",\n} else Other);\n\nimpl ::std::future::IntoFuture for Request {\n    type Output = ::std::result::Result<crate::Response<'static, T>, E>;\n\n    fn into_future(self) -> Self::IntoFuture {\n        if !self.a && *self.b != -1 {\n            x..=y\n        } else {\n            ..Default::default()\n        }\n    }\n}\n"
        );
    }

    #[test]
    fn long_generic_arguments_break_one_per_line() {
        let tokens = quote! {
            impl Server {
                pub fn list_workflows(&self) -> crate::mock::Expectation<'_, crate::mock::NoBody, types::ListWorkflowsResponse, ListWorkflowsError> { x }
            }
        };
        assert_eq!(
            layout(tokens),
            "impl Server {\n    pub fn list_workflows(\n        &self,\n    ) -> crate::mock::Expectation<\n        '_,\n        crate::mock::NoBody,\n        types::ListWorkflowsResponse,\n        ListWorkflowsError,\n    > {\n        x\n    }\n}\n"
        );
    }

    #[test]
    fn doc_text_is_unescaped_and_multi_line_docs_stay_attributes() {
        let tokens = quote! {
            #[doc = " Quotes \" and \\ and \u{e9}."]
            #[doc = "two\nlines"]
            pub struct A;
        };
        assert_eq!(
            layout(tokens),
            "/// Quotes \" and \\ and \u{e9}.\n#[doc = \"two\\nlines\"]\npub struct A;\n"
        );
    }

    /// Each token of `stream` as text, with a string literal as its value (a `///` comment
    /// lexes to a raw string) and without a comma right before a closing delimiter.
    fn normalized(stream: proc_macro2::TokenStream, out: &mut Vec<String>) {
        for tree in stream {
            match tree {
                proc_macro2::TokenTree::Group(group) => {
                    let (open, close) = match group.delimiter() {
                        proc_macro2::Delimiter::Parenthesis => ("(", ")"),
                        proc_macro2::Delimiter::Bracket => ("[", "]"),
                        proc_macro2::Delimiter::Brace => ("{", "}"),
                        proc_macro2::Delimiter::None => ("", ""),
                    };
                    out.push(open.to_owned());
                    normalized(group.stream(), out);
                    if out.last().is_some_and(|t| t == ",") {
                        out.pop();
                    }
                    out.push(close.to_owned());
                }
                proc_macro2::TokenTree::Literal(literal) => {
                    let text = literal.to_string();
                    out.push(super::string_value(&text).map_or(text, |v| format!("string {v:?}")));
                }
                // A comma the layout adds after the last generic argument.
                proc_macro2::TokenTree::Punct(p)
                    if p.as_char() == '>' && out.last().is_some_and(|t| t == ",") =>
                {
                    out.pop();
                    out.push(">".to_owned());
                }
                other => out.push(other.to_string()),
            }
        }
    }

    /// Laying out changes only whitespace (and adds trailing commas): the text of every file
    /// generated from every fixture spec and the real spec lexes to the tokens emitted.
    #[test]
    fn layout_keeps_every_token_of_every_fixture() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut specs: Vec<Vec<std::path::PathBuf>> =
            std::fs::read_dir(root.join("tests/fixtures/specs"))
                .unwrap()
                .map(|e| vec![e.unwrap().path()])
                .collect();
        specs.push(crate::load::spec_files_in(&root.join("../spec")).unwrap());
        let mut files = 0;
        for paths in specs {
            let loaded = crate::load::load_all(&paths);
            let spec = loaded.spec.unwrap_or_else(|| panic!("{paths:?} loads"));
            let api = crate::model::build(&spec).unwrap_or_else(|_| panic!("{paths:?} builds"));
            for unit in crate::emit::units(&api) {
                let tokens = unit.tokens(&api);
                let text = layout(tokens.clone());
                let relexed: proc_macro2::TokenStream = text
                    .parse()
                    .unwrap_or_else(|e| panic!("{paths:?}: the layout does not lex: {e}\n{text}"));
                let (mut emitted, mut written) = (Vec::new(), Vec::new());
                normalized(tokens, &mut emitted);
                normalized(relexed, &mut written);
                if let Some(at) = emitted.iter().zip(&written).position(|(a, b)| a != b) {
                    panic!(
                        "{paths:?}: token {at} differs: emitted {:?}, written {:?}",
                        &emitted[at.saturating_sub(5)..(at + 5).min(emitted.len())],
                        &written[at.saturating_sub(5)..(at + 5).min(written.len())],
                    );
                }
                assert_eq!(emitted.len(), written.len(), "{paths:?}");
                files += 1;
            }
        }
        assert!(files > 30, "{files} files checked");
    }
}
