//! A YAML tree that remembers where every key and value is written, for diagnostics.
//!
//! The document itself is read by serde_yaml (what the generator uses is exactly what it reads);
//! this tree, built from the events of a second, position-keeping parser, answers "where in the
//! file is `paths./v1/x.post.parameters[2].required`?" with a line and column. Building it is
//! iterative, so no input, however deeply nested, can overflow the stack here.

use crate::limits::MAX_LISTED_PER_FILE;
use std::collections::HashMap;
use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// A place in the text: 1-based line and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

impl Pos {
    fn from_marker(marker: &Marker) -> Pos {
        Pos {
            line: marker.line().max(1),
            column: marker.col() + 1,
        }
    }
}

/// A place and how many characters from it the thing written there spans on its line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub pos: Pos,
    pub width: usize,
}

pub type NodeId = usize;

#[derive(Debug, Clone)]
pub enum NodeKind {
    Scalar {
        text: String,
        /// Characters the scalar takes on its first line (at least 1).
        width: usize,
    },
    Sequence(Vec<NodeId>),
    /// Key and value nodes, in order.
    Mapping(Vec<(NodeId, NodeId)>),
    /// An alias (`*name`) of an earlier node.
    Alias(NodeId),
}

#[derive(Debug, Clone)]
pub struct Node {
    pub kind: NodeKind,
    pub pos: Pos,
}

/// A fault the YAML reader found, with its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub pos: Pos,
    pub message: String,
}

/// A key written twice in one mapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateKey {
    pub key: String,
    pub first: Span,
    pub second: Span,
}

/// The parsed tree of one YAML document.
#[derive(Debug, Clone, Default)]
pub struct Tree {
    pub nodes: Vec<Node>,
    pub root: Option<NodeId>,
    /// The first [`MAX_LISTED_PER_FILE`] keys written twice in one mapping.
    pub duplicates: Vec<DuplicateKey>,
    /// How many more there were (counted only).
    pub duplicates_unlisted: usize,
    /// For each mapping of more than [`INDEXED`] keys, the entry of each key's first writing,
    /// so that finding a key in `paths` of thousands of operations takes no longer than in a
    /// small mapping.
    index: HashMap<NodeId, HashMap<String, usize>>,
}

/// Mappings with more keys than this are indexed; smaller ones are searched in order.
const INDEXED: usize = 16;

/// What a path leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    /// The key naming the last step (`None` for list items and the root).
    pub key: Option<Span>,
    /// The value reached.
    pub value: Span,
    /// Whether every step of the path was found (otherwise the place is of the deepest step that
    /// was).
    pub complete: bool,
}

struct Frame {
    node: NodeId,
    pending_key: Option<NodeId>,
    /// Each scalar key's first writing: its node and its entry's index in the mapping.
    keys: HashMap<String, (NodeId, usize)>,
}

impl Tree {
    /// Parses one YAML document. An empty text gives a tree with no root.
    pub fn parse(text: &str) -> Result<Tree, SyntaxError> {
        let mut tree = Tree::default();
        let mut parser = Parser::new_from_str(text);
        let mut stack: Vec<Frame> = Vec::new();
        let mut anchors: HashMap<usize, NodeId> = HashMap::new();
        // Characters per line, counted once: a scalar's width is clamped to what is left of its
        // line, which must not cost the length of the line for every scalar on it.
        let line_chars: Vec<usize> = text.split('\n').map(|l| l.chars().count()).collect();
        loop {
            let (event, marker) = parser.next_token().map_err(|e| SyntaxError {
                pos: Pos::from_marker(e.marker()),
                message: e.info().to_owned(),
            })?;
            let pos = Pos::from_marker(&marker);
            let (kind, anchor, opens) = match event {
                Event::StreamEnd => break,
                Event::DocumentStart => {
                    if tree.root.is_some() {
                        return Err(SyntaxError {
                            pos,
                            message: "a second YAML document in the same file".to_owned(),
                        });
                    }
                    continue;
                }
                Event::Nothing | Event::StreamStart | Event::DocumentEnd => continue,
                Event::SequenceEnd | Event::MappingEnd => {
                    if let Some(frame) = stack.pop() {
                        if frame.keys.len() > INDEXED {
                            let entries = frame.keys.into_iter().map(|(k, (_, i))| (k, i));
                            tree.index.insert(frame.node, entries.collect());
                        }
                    }
                    continue;
                }
                Event::Alias(id) => match anchors.get(&id) {
                    Some(target) => (NodeKind::Alias(*target), 0, false),
                    None => {
                        return Err(SyntaxError {
                            pos,
                            message: "an alias of an unknown anchor".to_owned(),
                        })
                    }
                },
                Event::Scalar(text, style, anchor, _) => {
                    let width = scalar_width(&line_chars, pos, &text, style);
                    (NodeKind::Scalar { text, width }, anchor, false)
                }
                Event::SequenceStart(anchor, _) => (NodeKind::Sequence(Vec::new()), anchor, true),
                Event::MappingStart(anchor, _) => (NodeKind::Mapping(Vec::new()), anchor, true),
            };
            let id = tree.nodes.len();
            tree.nodes.push(Node { kind, pos });
            if anchor > 0 {
                anchors.insert(anchor, id);
            }
            tree.attach(&mut stack, id);
            if opens {
                stack.push(Frame {
                    node: id,
                    pending_key: None,
                    keys: HashMap::new(),
                });
            }
        }
        Ok(tree)
    }

    fn attach(&mut self, stack: &mut [Frame], id: NodeId) {
        let Some(frame) = stack.last_mut() else {
            self.root.get_or_insert(id);
            return;
        };
        let parent = frame.node;
        if let NodeKind::Sequence(items) = &mut self.nodes[parent].kind {
            items.push(id);
            return;
        }
        let Some(key) = frame.pending_key.take() else {
            frame.pending_key = Some(id);
            return;
        };
        let entry = match &self.nodes[parent].kind {
            NodeKind::Mapping(entries) => entries.len(),
            _ => 0,
        };
        if let Some(text) = self.scalar(key).map(str::to_owned) {
            if let Some((first, _)) = frame.keys.get(&text) {
                if self.duplicates.len() < MAX_LISTED_PER_FILE {
                    let duplicate = DuplicateKey {
                        key: text,
                        first: self.span(*first),
                        second: self.span(key),
                    };
                    self.duplicates.push(duplicate);
                } else {
                    self.duplicates_unlisted += 1;
                }
            } else {
                frame.keys.insert(text, (key, entry));
            }
        }
        let key_pos = self.nodes[key].pos;
        let mapping = &mut self.nodes[parent];
        if let NodeKind::Mapping(entries) = &mut mapping.kind {
            // A block mapping's start event is marked at its first `:`; its first key is where it
            // is written.
            if entries.is_empty() && key_pos < mapping.pos {
                mapping.pos = key_pos;
            }
            entries.push((key, id));
        }
    }

    /// The node an alias stands for (the node itself otherwise).
    pub fn resolve(&self, mut id: NodeId) -> NodeId {
        // Aliases only point backwards, so this ends; the bound is a second guard.
        for _ in 0..self.nodes.len() {
            match self.nodes[id].kind {
                NodeKind::Alias(target) if target != id => id = target,
                _ => break,
            }
        }
        id
    }

    /// The text of a scalar node.
    pub fn scalar(&self, id: NodeId) -> Option<&str> {
        match &self.nodes[self.resolve(id)].kind {
            NodeKind::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// Where a node is written, and how wide (scalars: their text; collections: one character).
    pub fn span(&self, id: NodeId) -> Span {
        let node = &self.nodes[id];
        let width = match &node.kind {
            NodeKind::Scalar { width, .. } => *width,
            _ => 1,
        };
        Span {
            pos: node.pos,
            width,
        }
    }

    /// The value of `key` in a mapping node.
    pub fn get(&self, id: NodeId, key: &str) -> Option<(NodeId, NodeId)> {
        let id = self.resolve(id);
        match &self.nodes[id].kind {
            NodeKind::Mapping(entries) => match self.index.get(&id) {
                Some(index) => index.get(key).and_then(|&i| entries.get(i)).copied(),
                None => entries
                    .iter()
                    .find(|(k, _)| self.scalar(*k) == Some(key))
                    .copied(),
            },
            _ => None,
        }
    }

    /// Follows `path` from the root: mapping keys, or list indices (`"2"`) in sequences.
    pub fn find(&self, path: &[&str]) -> Option<Found> {
        let root = self.root?;
        let mut found = Found {
            key: None,
            value: self.span(root),
            complete: true,
        };
        let mut current = root;
        for step in path {
            let next = match &self.nodes[self.resolve(current)].kind {
                NodeKind::Mapping(_) => self.get(current, step).map(|(k, v)| (Some(k), v)),
                NodeKind::Sequence(items) => step
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| items.get(i))
                    .map(|v| (None, *v)),
                _ => None,
            };
            let Some((key, value)) = next else {
                found.complete = false;
                return Some(found);
            };
            found = Found {
                key: key.map(|k| self.span(k)),
                value: self.span(value),
                complete: true,
            };
            current = value;
        }
        Some(found)
    }
}

/// How many characters a scalar takes on its first line, so that a caret line can underline it.
fn scalar_width(line_chars: &[usize], pos: Pos, text: &str, style: TScalarStyle) -> usize {
    let rest = line_chars
        .get(pos.line - 1)
        .map_or(0, |chars| chars.saturating_sub(pos.column - 1));
    let wanted = match style {
        TScalarStyle::Plain => text.lines().next().unwrap_or("").chars().count(),
        TScalarStyle::SingleQuoted | TScalarStyle::DoubleQuoted => {
            text.lines().next().unwrap_or("").chars().count() + 2
        }
        _ => 1,
    };
    wanted.min(rest).max(1)
}

/// The first place where a YAML text nests deeper than `limit` collections, judged from its
/// bytes alone, in one pass.
///
/// YAML parsers take time growing with the square of the depth of `[[[...]]]` (each token is
/// checked against every open level), so a text must be refused before a parser sees it. The
/// scan counts flow collections (`[`, `{`) where they can open one (not in quoted or plain text,
/// comments or block scalars) and block collections by their columns (a line indented under a
/// key or `-` that has no value on its line, and each `- `/`? ` of a compact `- - x`). It never
/// counts more levels than the text has, so a text it refuses is one the loader's exact check
/// would refuse too; it may count fewer (a block sequence written at its parent key's
/// indentation), which that exact check, on the parsed document, catches.
///
/// `limit` is in levels of nesting of the parsed value: a value at path `a.b` is 2 deep.
pub fn nesting_past(text: &str, limit: usize) -> Option<Pos> {
    let mut scan = DepthScan {
        limit,
        ..DepthScan::default()
    };
    for (index, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if let Some(offset) = scan.line(line.as_bytes()) {
            return Some(Pos {
                line: index + 1,
                column: line[..offset].chars().count() + 1,
            });
        }
    }
    None
}

/// The state of [`nesting_past`] between lines.
#[derive(Default)]
struct DepthScan {
    limit: usize,
    /// Open flow collections.
    flow: usize,
    /// Columns of the open block collections, innermost last.
    blocks: Vec<usize>,
    /// The quote of a quoted scalar that goes on to the next line.
    quote: Option<u8>,
    /// In a block scalar (`|`, `>`): the column of its parent, which its lines are indented past.
    block_scalar: Option<usize>,
    /// Whether the last line ended with a node still to come (`key:`, `-`, an anchor): a line
    /// indented deeper then opens a level; otherwise it continues a plain scalar.
    opens: bool,
    /// In flow context, whether a quote here would start a quoted scalar (after `[`, `{`, `,`
    /// or `:`), rather than be a character of plain text.
    token_start: bool,
}

impl DepthScan {
    fn depth(&self) -> usize {
        self.blocks.len() + self.flow
    }

    /// Scans one line (without its line break); the byte offset where the nesting passes the
    /// limit, if it does.
    fn line(&mut self, line: &[u8]) -> Option<usize> {
        let indent = line.iter().take_while(|&&b| b == b' ').count();
        let blank = line[indent..].iter().all(|b| b.is_ascii_whitespace());
        if let Some(parent) = self.block_scalar {
            if blank || indent > parent {
                return None;
            }
            self.block_scalar = None;
        }
        let mut i = 0;
        if let Some(quote) = self.quote {
            match quote_end(line, 0, quote) {
                Some(end) => {
                    self.quote = None;
                    i = end;
                }
                None => return None,
            }
            if self.flow == 0 {
                // The rest of a line that ends a multi-line quoted scalar holds no collection.
                self.opens = false;
                return None;
            }
        } else if self.flow == 0 {
            if blank || line[indent] == b'#' {
                return None;
            }
            if indent == 0 && (line.starts_with(b"---") || line.starts_with(b"...")) {
                self.blocks.clear();
                self.opens = false;
                return None;
            }
            while self.blocks.last().is_some_and(|&col| col > indent) {
                self.blocks.pop();
            }
            match self.blocks.last() {
                Some(&col) if col == indent => {}
                Some(_) if !self.opens => {
                    // Indented deeper under a value: a plain scalar's next line, text only.
                    return None;
                }
                _ => {
                    self.blocks.push(indent);
                    if self.depth() > self.limit {
                        return Some(indent);
                    }
                }
            }
            return self.block_content(line, indent);
        }
        self.flow_content(line, i)
    }

    /// The nodes of a block line from `i`: `- `, keys, and the value after them.
    fn block_content(&mut self, line: &[u8], mut i: usize) -> Option<usize> {
        self.opens = false;
        // Whether the node at `i` is the first on its line (its column was counted already) or
        // follows a `- `/`? ` (a collection there opens a level of its own).
        let mut first = true;
        loop {
            i = skip_properties(line, i);
            let Some(&b) = line.get(i) else {
                self.opens = true;
                return None;
            };
            match b {
                b'#' => {
                    self.opens = true;
                    return None;
                }
                b'-' | b'?' if line.get(i + 1).is_none_or(|c| *c == b' ' || *c == b'\t') => {
                    if !first {
                        self.blocks.push(i);
                        if self.depth() > self.limit {
                            return Some(i);
                        }
                    }
                    first = false;
                    i = skip_spaces(line, i + 1);
                }
                b'[' | b'{' => return self.flow_content(line, i),
                b'|' | b'>' => {
                    self.block_scalar = Some(self.blocks.last().copied().unwrap_or(0));
                    return None;
                }
                b'\'' | b'"' => {
                    let Some(end) = quote_end(line, i + 1, b) else {
                        self.quote = Some(b);
                        return None;
                    };
                    return self.after_key(line, skip_spaces(line, end), i, first);
                }
                _ => {
                    let end = plain_key_end(line, i);
                    return self.after_key(line, end, i, first);
                }
            }
        }
    }

    /// After a scalar that started at `start` and ends at `end`: if a `:` follows, it was a key,
    /// and its value starts after it.
    fn after_key(&mut self, line: &[u8], end: usize, start: usize, first: bool) -> Option<usize> {
        let is_key = line.get(end) == Some(&b':')
            && line.get(end + 1).is_none_or(|c| *c == b' ' || *c == b'\t');
        if !is_key {
            return None;
        }
        if !first {
            self.blocks.push(start);
            if self.depth() > self.limit {
                return Some(start);
            }
        }
        let i = skip_properties(line, skip_spaces(line, end + 1));
        match line.get(i) {
            None | Some(b'#') => {
                self.opens = true;
                None
            }
            Some(b'[' | b'{') => self.flow_content(line, i),
            Some(b'|' | b'>') => {
                self.block_scalar = Some(self.blocks.last().copied().unwrap_or(0));
                None
            }
            Some(&q @ (b'\'' | b'"')) => {
                if quote_end(line, i + 1, q).is_none() {
                    self.quote = Some(q);
                }
                None
            }
            Some(_) => None,
        }
    }

    /// Flow context from `i` (at a bracket, or inside a collection opened on an earlier line).
    fn flow_content(&mut self, line: &[u8], mut i: usize) -> Option<usize> {
        while let Some(&b) = line.get(i) {
            match b {
                b'[' | b'{' => {
                    self.flow += 1;
                    if self.depth() > self.limit {
                        return Some(i);
                    }
                    self.token_start = true;
                }
                b']' | b'}' => {
                    self.flow = self.flow.saturating_sub(1);
                    self.token_start = false;
                    if self.flow == 0 {
                        // Back in block context; what may follow on the line (`: value` of a
                        // flow key, a comment) opens nothing the scan needs.
                        self.opens = false;
                        return None;
                    }
                }
                b',' | b':' => self.token_start = true,
                b'#' if i == 0 || line[i - 1] == b' ' || line[i - 1] == b'\t' => return None,
                b'\'' | b'"' if self.token_start => {
                    self.token_start = false;
                    match quote_end(line, i + 1, b) {
                        Some(end) => {
                            i = end;
                            continue;
                        }
                        None => {
                            self.quote = Some(b);
                            return None;
                        }
                    }
                }
                b' ' | b'\t' => {}
                _ => self.token_start = false,
            }
            i += 1;
        }
        None
    }
}

/// The offset just past the quote closing a quoted scalar whose text starts at `i`, if it closes
/// on this line.
fn quote_end(line: &[u8], mut i: usize, quote: u8) -> Option<usize> {
    while let Some(&b) = line.get(i) {
        match b {
            b'\\' if quote == b'"' => i += 2,
            b'\'' if quote == b'\'' && line.get(i + 1) == Some(&b'\'') => i += 2,
            _ if b == quote => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

fn skip_spaces(line: &[u8], mut i: usize) -> usize {
    while line.get(i).is_some_and(|b| *b == b' ' || *b == b'\t') {
        i += 1;
    }
    i
}

/// Past the anchors (`&a`) and tags (`!!map`) at `i`, and the spaces after them.
fn skip_properties(line: &[u8], mut i: usize) -> usize {
    i = skip_spaces(line, i);
    while matches!(line.get(i), Some(b'&' | b'!')) {
        while line.get(i).is_some_and(|b| *b != b' ' && *b != b'\t') {
            i += 1;
        }
        i = skip_spaces(line, i);
    }
    i
}

/// Where a plain scalar starting at `i` ends: at `: ` (or `:` ending the line) if it is a key,
/// at ` #` (a comment) or at the end of the line.
fn plain_key_end(line: &[u8], mut i: usize) -> usize {
    while let Some(&b) = line.get(i) {
        match b {
            b':' if line.get(i + 1).is_none_or(|c| *c == b' ' || *c == b'\t') => return i,
            b'#' if i > 0 && (line[i - 1] == b' ' || line[i - 1] == b'\t') => return line.len(),
            _ => i += 1,
        }
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_keys_values_and_items() {
        let text = "a:\n  b:\n    c: 1\n  'd':\n    - x\n    - name: y\n      in: \"query\"\ne: &e\n  f: 2\ng: *e\n";
        let tree = Tree::parse(text).unwrap();
        let found = tree.find(&["a", "b", "c"]).unwrap();
        assert_eq!(found.key.unwrap().pos, Pos { line: 3, column: 5 });
        assert_eq!(found.value.pos, Pos { line: 3, column: 8 });
        assert!(found.complete);
        let found = tree.find(&["a", "d", "1", "in"]).unwrap();
        assert_eq!(
            found.value.pos,
            Pos {
                line: 7,
                column: 11
            }
        );
        assert_eq!(found.value.width, 7);
        let item = tree.find(&["a", "d", "1"]).unwrap();
        assert_eq!(item.value.pos, Pos { line: 6, column: 7 });
        let through_alias = tree.find(&["g", "f"]).unwrap();
        assert_eq!(through_alias.value.pos, Pos { line: 9, column: 6 });
        let partial = tree.find(&["a", "b", "zz"]).unwrap();
        assert!(!partial.complete);
        assert_eq!(partial.key.unwrap().pos, Pos { line: 2, column: 3 });
    }

    #[test]
    fn reports_duplicates_and_syntax_errors() {
        let tree = Tree::parse("a: 1\nb: 2\na: 3\n").unwrap();
        assert_eq!(tree.duplicates.len(), 1);
        assert_eq!(tree.duplicates[0].first.pos, Pos { line: 1, column: 1 });
        assert_eq!(tree.duplicates[0].second.pos, Pos { line: 3, column: 1 });
        let error = Tree::parse("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(error.pos.line >= 1);
        assert!(Tree::parse("").unwrap().root.is_none());
        assert!(Tree::parse("a: 1\n---\nb: 2\n").is_err());
    }

    #[test]
    fn nesting_is_judged_from_the_bytes() {
        let past = |text: &str, limit| nesting_past(text, limit).map(|p| (p.line, p.column));
        // `a` is level 1, each bracket one more.
        assert_eq!(past("a: [[[1]]]\n", 3), Some((1, 6)));
        assert_eq!(past("a: [[[1]]]\n", 4), None);
        assert_eq!(past("a: {b: {c: 1}}\n", 2), Some((1, 8)));
        assert_eq!(past("a:\n  b:\n    c: 1\n", 2), Some((3, 5)));
        assert_eq!(past("a:\n  b:\n    c: 1\n", 3), None);
        assert_eq!(past("a:\n  - - - x\n", 3), Some((2, 7)));
        // A sequence at its key's indentation is not counted (the loader's exact check is).
        assert_eq!(past("a:\n- - - x\n", 3), None);
        assert_eq!(past("- a: 1\n  b:\n    - x\n", 2), Some((3, 5)));
        assert_eq!(past("- a: 1\n  b:\n    - x\n", 3), None);
        // Siblings and the lines of a plain scalar are not deeper.
        assert_eq!(past("a:\n  b: 1\n  c: 2\nd: 3\n", 2), None);
        assert_eq!(past("a: some text\n   [[[ more text\n", 1), None);
        // Brackets in text: quotes (also over lines), comments, block scalars, plain scalars.
        let text = "a: '[[['\nb: \"[[[\\\" [[[\"\nc: x [[[\nd: 1 # [[[\ne: |\n  [[[\n  {{{\nf: [ 'x]'\n  , \"[[\n  [[\" ]\ng: 'it''s [[['\n";
        assert_eq!(past(text, 2), None);
        assert_eq!(past("- [[x]]\n", 2), Some((1, 4)));
        // Anchors and tags before a value.
        assert_eq!(past("a: &x !!seq [[1]]\n", 2), Some((1, 14)));
        assert_eq!(past("a: &x\n  b: 1\n", 1), Some((2, 3)));
    }

    /// Deep nesting is read without recursion (the depth a spec may have is the loader's to
    /// bound); nesting past the parser's own limit is an error, not a crash.
    #[test]
    fn reads_deep_nesting_without_a_crash() {
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert!(Tree::parse(&deep).is_ok());
        let deeper = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(Tree::parse(&deeper).is_err());
    }
}
