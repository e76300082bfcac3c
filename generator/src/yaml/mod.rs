//! A YAML tree that remembers where every key and value is written.
//!
//! The tree answers "where in the file is `paths./v1/x.post.parameters[2].required`?" with a
//! line and column, and is also what the document's value is made from ([`Tree::to_value`]), so
//! the text is parsed once and what the generator reads is what the diagnostics point at.
//! Building it is iterative, so no input, however deeply nested, can overflow the stack here.

use crate::limits::MAX_LISTED_PER_FILE;
use std::collections::HashMap;
use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

mod nesting;
mod value;

pub use nesting::nesting_past;

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
        /// Written without quotes or a block indicator: its type (null, boolean, number or
        /// text) is read from its text.
        plain: bool,
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
    /// Whether any node has a tag (`!!str 1`, `!custom`).
    pub tagged: bool,
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
                Event::Scalar(text, style, anchor, tag) => {
                    tree.tagged |= tag.is_some();
                    let width = scalar_width(&line_chars, pos, &text, style);
                    let plain = style == TScalarStyle::Plain;
                    (NodeKind::Scalar { text, width, plain }, anchor, false)
                }
                Event::SequenceStart(anchor, tag) => {
                    tree.tagged |= tag.is_some();
                    (NodeKind::Sequence(Vec::new()), anchor, true)
                }
                Event::MappingStart(anchor, tag) => {
                    tree.tagged |= tag.is_some();
                    (NodeKind::Mapping(Vec::new()), anchor, true)
                }
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
