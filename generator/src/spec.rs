//! The loaded spec: every spec file with its text and the places of its keys, and the merged
//! OpenAPI document with the file each operation and component came from. The loader makes it;
//! the model reads it, and turns paths of keys into `FILE:LINE:COL` with it.

use crate::diagnostic::Location;
use crate::place::At;
use crate::reference::Catalog;
use crate::yaml::{Span, Tree};
use openapiv3::OpenAPI;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

/// One spec file as read from disk.
#[derive(Debug)]
pub struct SpecFile {
    /// The name used in messages and in the generated header (as given, with `/` separators).
    pub name: String,
    pub text: String,
    /// Where every key and value is written; `None` when the text is not YAML.
    pub tree: Option<Tree>,
    /// Where each line starts in `text` (byte offsets), so that finding a line's text for an
    /// excerpt takes no longer in a long file than in a short one.
    line_starts: Vec<usize>,
    /// Places looked for in the text itself so far (see [`SpecFile::locate_at`]).
    /// Atomic: files are checked on all cores, each shared by the threads that read it.
    text_searches: AtomicUsize,
}

/// Most places looked for by reading the text (each reads up to the whole file); the rest of a
/// file's faults are placed at its start, so that a long file of many faults stays linear.
const MAX_TEXT_SEARCHES: usize = 1_000;

/// Characters of a line kept on each side of a fault's column for its excerpt (more than the
/// excerpt shows, which is cut again when printed).
const SOURCE_WINDOW: usize = 200;

impl SpecFile {
    /// A file read from `text`, its YAML parsed for the places of its keys.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        let mut file = SpecFile::unparsed(name, text);
        file.tree = Tree::parse(&file.text).ok();
        file
    }

    /// A file whose YAML is not parsed (it was refused before): its places are lines and
    /// columns only.
    pub fn unparsed(name: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        SpecFile {
            name: name.into(),
            text,
            tree: None,
            line_starts,
            text_searches: AtomicUsize::new(0),
        }
    }

    /// The place of the key reached by following `keys` (mapping keys, or list indices such as
    /// `"2"`) from the top, e.g. `["paths", "/v1/x", "post", "parameters", "2"]`: the key of the last
    /// step, or the value when the step has no key (a list item). When the path leads nowhere, the
    /// deepest step that exists.
    pub fn locate(&self, keys: &[&str]) -> Option<Location> {
        self.locate_at(keys, At::Key)
    }

    /// Like [`SpecFile::locate`], but the value of the last step (`maybe` in `required: maybe`).
    pub fn locate_value(&self, keys: &[&str]) -> Option<Location> {
        self.locate_at(keys, At::Value)
    }

    pub fn locate_at(&self, keys: &[&str], at: At) -> Option<Location> {
        let Some(tree) = &self.tree else {
            // serde_yaml read the file, the position-keeping reader did not (the two disagree on
            // a few lenient constructs): look for the keys in the text instead.
            if self.text_searches.fetch_add(1, Ordering::Relaxed) >= MAX_TEXT_SEARCHES {
                return Some(self.start());
            }
            return Some(search_key(&self.text, keys).map_or_else(
                || self.start(),
                |(line, column, width)| {
                    self.location(Span {
                        pos: crate::yaml::Pos { line, column },
                        width,
                    })
                },
            ));
        };
        let found = tree.find(keys)?;
        let span = match (at, found.key) {
            (At::Value, _) if found.complete => found.value,
            (_, Some(key)) => key,
            (_, None) => found.value,
        };
        Some(self.location(span))
    }

    /// Like [`SpecFile::locate_at`] for a path of owned steps.
    pub fn locate_path(&self, path: &[String], at: At) -> Option<Location> {
        let keys: Vec<&str> = path.iter().map(String::as_str).collect();
        self.locate_at(&keys, at)
    }

    /// A location with the text of its line (of a long line, the part around the column).
    pub fn location(&self, span: Span) -> Location {
        let index = span.pos.line.saturating_sub(1);
        let line = match self.line_starts.get(index) {
            Some(&start) => {
                let end = self
                    .line_starts
                    .get(index + 1)
                    .map_or(self.text.len(), |next| next - 1);
                self.text[start..end].trim_end_matches('\r')
            }
            None => "",
        };
        let skip = span.pos.column.saturating_sub(SOURCE_WINDOW + 1);
        let mut chars = line.chars().skip(skip);
        let source: String = chars.by_ref().take(2 * SOURCE_WINDOW).collect();
        Location {
            line: span.pos.line,
            column: span.pos.column,
            width: span.width,
            source,
            source_offset: skip,
            source_cut: chars.next().is_some(),
        }
    }

    /// The start of the file.
    pub fn start(&self) -> Location {
        self.location(Span {
            pos: crate::yaml::Pos { line: 1, column: 1 },
            width: 1,
        })
    }

    /// `FILE:LINE:COL` of a path, for messages that name another place.
    pub fn place_text(&self, keys: &[&str]) -> String {
        match self.locate(keys) {
            Some(l) => format!("{}:{}:{}", self.name, l.line, l.column),
            None => self.name.clone(),
        }
    }
}

/// The merged spec: one OpenAPI document plus the file each piece came from.
#[derive(Debug)]
pub struct Spec {
    pub files: Vec<SpecFile>,
    pub document: OpenAPI,
    /// (path, method) → index into `files`.
    pub operation_files: BTreeMap<(String, String), usize>,
    /// Component schema name → index into `files`.
    pub schema_files: BTreeMap<String, usize>,
    /// (components section, name) → index into `files` of the first definition.
    pub component_files: BTreeMap<(String, String), usize>,
    /// The components each file defines, for judging references.
    pub catalog: Catalog,
}

impl Spec {
    pub fn file_of_operation(&self, path: &str, method: &str) -> &SpecFile {
        let index = self
            .operation_files
            .get(&(path.to_owned(), method.to_owned()))
            .copied()
            .unwrap_or(0);
        &self.files[index]
    }

    /// The file defining a component (the first file, when unknown).
    pub fn file_of_component(&self, section: &str, name: &str) -> &SpecFile {
        let index = self
            .component_files
            .get(&(section.to_owned(), name.to_owned()))
            .copied()
            .unwrap_or(0);
        &self.files[index]
    }
}

/// Finds a key by following `keys` down block-style YAML mappings in the text (list indices are
/// skipped): the line, column and width of the deepest key found.
fn search_key(text: &str, keys: &[&str]) -> Option<(usize, usize, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut start = 0;
    let mut parent_indent: Option<usize> = None;
    let mut found = None;
    for key in keys.iter().filter(|k| k.parse::<usize>().is_err()) {
        let mut hit = None;
        for (index, line) in lines.iter().enumerate().skip(start) {
            let trimmed = line.trim_start();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let indent = line.len() - trimmed.len();
            if parent_indent.is_some_and(|parent| indent <= parent) {
                break;
            }
            let (trimmed, indent) = match trimmed.strip_prefix("- ") {
                Some(rest) => (rest, indent + 2),
                None => (trimmed, indent),
            };
            if [
                format!("{key}:"),
                format!("'{key}':"),
                format!("\"{key}\":"),
            ]
            .iter()
            .any(|k| trimmed.starts_with(k.as_str()))
            {
                hit = Some((index, indent));
                break;
            }
        }
        let Some((index, indent)) = hit else {
            break;
        };
        let column = lines[index][..indent].chars().count() + 1;
        found = Some((index + 1, column, key.chars().count().max(1)));
        start = index + 1;
        parent_indent = Some(indent);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_keys_values_and_list_items() {
        let file = SpecFile::new(
            "spec/x.yaml",
            "a:\n  b:\n    c: 1\n  'd':\n    - c: 2\n    - c: maybe\ne:\n  c: 3\n",
        );
        let at = |l: Option<Location>| l.map(|l| (l.line, l.column));
        assert_eq!(at(file.locate(&["a", "b", "c"])), Some((3, 5)));
        assert_eq!(at(file.locate(&["a", "d", "1", "c"])), Some((6, 7)));
        assert_eq!(at(file.locate_value(&["a", "d", "1", "c"])), Some((6, 10)));
        assert_eq!(at(file.locate(&["a", "d", "1"])), Some((6, 7)));
        assert_eq!(at(file.locate(&["e", "c"])), Some((8, 3)));
        // Not there: the deepest step that is.
        assert_eq!(at(file.locate(&["a", "e"])), Some((1, 1)));
        assert_eq!(file.locate(&["e", "c"]).unwrap().source, "  c: 3");
    }
}
