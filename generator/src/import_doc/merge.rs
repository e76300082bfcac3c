//! `--into spec/FILE.yaml`: adding an imported operation to an existing spec file.
//!
//! The file is edited as text, so its comments, key order and quoting stay as they are: the new
//! path (or method, under an existing path) goes at the end of `paths`, new components at the
//! end of their `components` section. The result is parsed again and must equal the existing
//! document plus exactly the imported parts, and must still be valid OpenAPI; otherwise nothing
//! is returned.

use serde_yaml::{Mapping, Value};
use std::fmt;

use super::conventions::s;

/// Why an imported document cannot be merged into a spec file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeError {
    pub message: String,
}

impl fmt::Display for MergeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for MergeError {}

fn fail<T>(message: impl Into<String>) -> Result<T, MergeError> {
    Err(MergeError {
        message: message.into(),
    })
}

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];
const SECTIONS: &[&str] = &[
    "securitySchemes",
    "parameters",
    "headers",
    "schemas",
    "responses",
    "requestBodies",
    "examples",
    "links",
    "callbacks",
];

fn get<'v>(v: &'v Value, key: &str) -> Option<&'v Value> {
    v.as_mapping().and_then(|m| m.get(key))
}

/// The parts of an imported document: one path, one method, its operation, and components.
struct Imported<'v> {
    path: &'v str,
    method: &'v str,
    operation: &'v Value,
    components: Vec<(&'v str, Vec<(&'v str, &'v Value)>)>,
    security: Option<&'v Value>,
}

fn imported_parts(doc: &Value) -> Result<Imported<'_>, MergeError> {
    let paths = get(doc, "paths").and_then(Value::as_mapping);
    let Some((path, item)) = paths.filter(|p| p.len() == 1).and_then(|p| p.iter().next()) else {
        return fail("expected an imported document with exactly one path");
    };
    let Some((method, operation)) = item
        .as_mapping()
        .filter(|m| m.len() == 1)
        .and_then(|m| m.iter().next())
    else {
        return fail("expected an imported document with exactly one operation");
    };
    let (Some(path), Some(method)) = (path.as_str(), method.as_str()) else {
        return fail("expected string keys for the imported path and method");
    };
    let mut components = Vec::new();
    if let Some(c) = get(doc, "components").and_then(Value::as_mapping) {
        for (section, entries) in c {
            let Some(section) = section.as_str() else {
                continue;
            };
            let mut list = Vec::new();
            for (name, value) in entries.as_mapping().into_iter().flatten() {
                if let Some(name) = name.as_str() {
                    list.push((name, value));
                }
            }
            components.push((section, list));
        }
    }
    Ok(Imported {
        path,
        method,
        operation,
        components,
        security: get(doc, "security"),
    })
}

/// Merges `imported` (one operation, as [`super::import_page`] builds it) into the YAML text of
/// an existing spec file, and returns the new text. Refuses an operation the file already has
/// (same path and method, or same operationId) and a component whose name the file already uses
/// for different content; identical components are not repeated.
pub fn merge_into(existing: &str, imported: &Value) -> Result<String, MergeError> {
    let parts = imported_parts(imported)?;
    let current: Value = match serde_yaml::from_str(existing) {
        Ok(v) => v,
        Err(e) => return fail(format!("expected a YAML document: {e}")),
    };
    if !current.is_mapping() {
        return fail("expected a YAML mapping (an OpenAPI document) at the top level");
    }

    // Refusals.
    let op_id = get(parts.operation, "operationId")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if let Some(paths) = get(&current, "paths").and_then(Value::as_mapping) {
        for (p, item) in paths {
            for m in METHODS {
                let Some(op) = get(item, m) else { continue };
                let p = p.as_str().unwrap_or_default();
                if p == parts.path && *m == parts.method {
                    let existing_id = get(op, "operationId")
                        .and_then(Value::as_str)
                        .unwrap_or("without an operationId");
                    return fail(format!(
                        "already has {} {} ({existing_id}); refusing to add it again",
                        m.to_uppercase(),
                        p
                    ));
                }
                if !op_id.is_empty()
                    && get(op, "operationId").and_then(Value::as_str) == Some(op_id)
                {
                    return fail(format!(
                        "already has an operation named {op_id} ({} {p}); pass --operation-id to choose another name",
                        m.to_uppercase()
                    ));
                }
            }
        }
    } else if get(&current, "paths").is_some_and(|p| !p.is_null()) {
        return fail("expected `paths` to be a mapping");
    }
    if let Some(sec) = parts.security {
        if get(&current, "security") != Some(sec) {
            return fail(format!(
                "expected the file's top-level `security` to be `{}`, as the imported operation relies on it",
                serde_yaml::to_string(sec).unwrap_or_default().trim().replace('\n', " ")
            ));
        }
    }
    let mut new_components: Vec<(&str, Vec<(&str, &Value)>)> = Vec::new();
    for (section, entries) in &parts.components {
        let mut fresh = Vec::new();
        for (name, value) in entries {
            match get(&current, "components").and_then(|c| get(c, section)).and_then(|sec| get(sec, name)) {
                Some(existing) if existing == *value => {}
                Some(_) => {
                    return fail(format!(
                        "already has a component `{section}/{name}` with different content; rename one of them (a nested table's title names its schema)"
                    ))
                }
                None => fresh.push((*name, *value)),
            }
        }
        if !fresh.is_empty() {
            new_components.push((section, fresh));
        }
    }

    // What the result must parse to.
    let mut expected = current.clone();
    {
        let Some(root) = expected.as_mapping_mut() else {
            return fail("expected a YAML mapping at the top level");
        };
        let paths = sub_mapping(root, "paths")?;
        let item = sub_mapping(paths, parts.path)?;
        item.insert(s(parts.method), parts.operation.clone());
        for (section, entries) in &new_components {
            let comps = sub_mapping(root, "components")?;
            let sec = sub_mapping(comps, section)?;
            for (name, value) in entries {
                sec.insert(s(name), (*value).clone());
            }
        }
    }

    let text = edit_text(existing, &parts, &new_components)?;
    let reparsed: Value = match serde_yaml::from_str(&text) {
        Ok(v) => v,
        Err(e) => {
            return fail(format!(
                "could not merge as text (the result is not YAML: {e}); nothing written"
            ))
        }
    };
    if reparsed != expected {
        return fail("could not merge as text (the file's layout is not one this tool edits: block-style `paths` and `components` at the top level); nothing written");
    }
    if let Err(e) = serde_yaml::from_str::<openapiv3::OpenAPI>(&text) {
        return fail(format!(
            "the merged document is not valid OpenAPI ({e}); nothing written"
        ));
    }
    Ok(text)
}

fn sub_mapping<'m>(parent: &'m mut Mapping, key: &str) -> Result<&'m mut Mapping, MergeError> {
    let entry = parent
        .entry(s(key))
        .or_insert_with(|| Value::Mapping(Mapping::new()));
    if entry.is_null() {
        *entry = Value::Mapping(Mapping::new());
    }
    match entry.as_mapping_mut() {
        Some(m) => Ok(m),
        None => fail(format!("expected `{key}` to be a mapping")),
    }
}

/// Indentation of a content line; `None` for blank and comment lines.
fn indent_of(line: &str) -> Option<usize> {
    let trimmed = line.trim_start_matches(' ');
    if trimmed.is_empty() || trimmed.starts_with('#') {
        None
    } else {
        Some(line.len() - trimmed.len())
    }
}

/// The key of a `key: value` line (unquoted) and the text after the colon, comments removed.
fn split_key(line: &str) -> Option<(String, String)> {
    let t = line.trim_start();
    let (key, rest) = if let Some(body) = t.strip_prefix('\'') {
        let mut key = String::new();
        let mut chars = body.char_indices().peekable();
        let mut end = None;
        while let Some((i, c)) = chars.next() {
            if c == '\'' {
                if chars.peek().map(|(_, n)| *n) == Some('\'') {
                    key.push('\'');
                    chars.next();
                } else {
                    end = Some(i + 1);
                    break;
                }
            } else {
                key.push(c);
            }
        }
        (key, &body[end?..])
    } else if let Some(body) = t.strip_prefix('"') {
        let close = body.find('"')?;
        (body[..close].to_string(), &body[close + 1..])
    } else {
        let colon = t
            .find(": ")
            .or_else(|| t.strip_suffix(':').map(|k| k.len()))?;
        (t[..colon].trim_end().to_string(), &t[colon..])
    };
    let rest = rest.trim_start().strip_prefix(':')?;
    let rest = match rest.find(" #") {
        Some(i) => &rest[..i],
        None => rest,
    };
    Some((key, rest.trim().to_string()))
}

struct Lines {
    lines: Vec<String>,
    edits: Vec<(usize, usize, Edit)>,
}

enum Edit {
    Insert(String),
    Replace(String),
}

impl Lines {
    /// End (exclusive) of the content of the block whose key is at `start` with indentation
    /// `indent`: just after its last more-indented content line.
    fn block_end(&self, start: usize, indent: usize) -> usize {
        let mut end = start + 1;
        for (i, l) in self.lines.iter().enumerate().skip(start + 1) {
            match indent_of(l) {
                Some(n) if n <= indent => break,
                Some(_) => end = i + 1,
                None => {}
            }
        }
        end
    }
    fn child_indent(&self, start: usize, indent: usize) -> Option<usize> {
        self.lines[start + 1..self.block_end(start, indent)]
            .iter()
            .find_map(|l| indent_of(l))
    }
    fn find_key(
        &self,
        from: usize,
        to: usize,
        indent: usize,
        key: &str,
    ) -> Option<(usize, String)> {
        (from..to).find_map(|i| {
            let l = &self.lines[i];
            if indent_of(l) != Some(indent) {
                return None;
            }
            split_key(l)
                .filter(|(k, _)| k == key)
                .map(|(_, rest)| (i, rest))
        })
    }
    fn push(&mut self, at: usize, edit: Edit) {
        let seq = self.edits.len();
        self.edits.push((at, seq, edit));
    }
    fn finish(mut self, had_newline: bool) -> String {
        self.edits.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)));
        for (at, _, edit) in self.edits {
            match edit {
                Edit::Insert(text) => {
                    let at = at.min(self.lines.len());
                    self.lines
                        .insert(at, text.trim_end_matches('\n').to_string());
                }
                Edit::Replace(text) => {
                    if let Some(l) = self.lines.get_mut(at) {
                        *l = text;
                    }
                }
            }
        }
        let mut out = self.lines.join("\n");
        if had_newline || !out.is_empty() {
            out.push('\n');
        }
        out
    }
}

/// `key: value` rendered as block YAML, indented by `indent` spaces.
fn render(key: &str, value: &Value, indent: usize) -> String {
    let mut m = Mapping::new();
    m.insert(s(key), value.clone());
    let text = serde_yaml::to_string(&Value::Mapping(m)).unwrap_or_default();
    let pad = " ".repeat(indent);
    text.lines()
        .map(|l| {
            if l.is_empty() {
                String::new()
            } else {
                format!("{pad}{l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Checks the text after `key:` allows block children; `{}` is replaced by nothing.
fn open_block(
    lines: &mut Lines,
    at: usize,
    key: &str,
    rest: &str,
    indent: usize,
) -> Result<(), MergeError> {
    match rest {
        "" => Ok(()),
        "{}" => {
            lines.push(at, Edit::Replace(format!("{}{key}:", " ".repeat(indent))));
            Ok(())
        }
        _ => fail(format!(
            "`{key}` is written in flow style on one line; expected a block mapping to add to"
        )),
    }
}

fn edit_text(
    existing: &str,
    parts: &Imported<'_>,
    new_components: &[(&str, Vec<(&str, &Value)>)],
) -> Result<String, MergeError> {
    if existing.contains('\t') {
        return fail("the file contains tab characters; expected spaces only");
    }
    let had_newline = existing.ends_with('\n');
    let mut lines = Lines {
        lines: existing.lines().map(str::to_string).collect(),
        edits: Vec::new(),
    };
    let total = lines.lines.len();
    let mut appended = String::new();

    // paths
    match lines.find_key(0, total, 0, "paths") {
        Some((pi, rest)) => {
            open_block(&mut lines, pi, "paths", &rest, 0)?;
            let end = lines.block_end(pi, 0);
            let c = lines.child_indent(pi, 0).unwrap_or(2);
            match lines.find_key(pi + 1, end, c, parts.path) {
                Some((k, rest)) => {
                    open_block(&mut lines, k, parts.path, &rest, c)?;
                    let m = lines.child_indent(k, c).unwrap_or(c + 2);
                    let at = lines.block_end(k, c);
                    lines.push(at, Edit::Insert(render(parts.method, parts.operation, m)));
                }
                None => {
                    let item = Value::Mapping(Mapping::from_iter([(
                        s(parts.method),
                        parts.operation.clone(),
                    )]));
                    lines.push(end, Edit::Insert(render(parts.path, &item, c)));
                }
            }
        }
        None => {
            let item = Value::Mapping(Mapping::from_iter([(
                s(parts.method),
                parts.operation.clone(),
            )]));
            let paths = Value::Mapping(Mapping::from_iter([(s(parts.path), item)]));
            appended.push_str(&render("paths", &paths, 0));
            appended.push('\n');
        }
    }

    // components
    if !new_components.is_empty() {
        match lines.find_key(0, total, 0, "components") {
            Some((ci, rest)) => {
                open_block(&mut lines, ci, "components", &rest, 0)?;
                let end = lines.block_end(ci, 0);
                let cc = lines.child_indent(ci, 0).unwrap_or(2);
                let mut ordered: Vec<&(&str, Vec<(&str, &Value)>)> =
                    new_components.iter().collect();
                ordered.sort_by_key(|(sec, _)| {
                    SECTIONS.iter().position(|x| x == sec).unwrap_or(usize::MAX)
                });
                // Sections the file has get their new entries first: the last of them ends where
                // new sections are appended, and its entries must stay inside it.
                let mut missing = Vec::new();
                for (section, entries) in ordered {
                    match lines.find_key(ci + 1, end, cc, section) {
                        Some((k, rest)) => {
                            open_block(&mut lines, k, section, &rest, cc)?;
                            let e = lines.child_indent(k, cc).unwrap_or(cc + 2);
                            let at = lines.block_end(k, cc);
                            for (name, value) in entries {
                                lines.push(at, Edit::Insert(render(name, value, e)));
                            }
                        }
                        None => missing.push((section, entries)),
                    }
                }
                for (section, entries) in missing {
                    let sec =
                        Value::Mapping(entries.iter().map(|(n, v)| (s(n), (*v).clone())).collect());
                    lines.push(end, Edit::Insert(render(section, &sec, cc)));
                }
            }
            None => {
                let comps = Value::Mapping(
                    new_components
                        .iter()
                        .map(|(sec, entries)| {
                            (
                                s(sec),
                                Value::Mapping(
                                    entries.iter().map(|(n, v)| (s(n), (*v).clone())).collect(),
                                ),
                            )
                        })
                        .collect(),
                );
                appended.push_str(&render("components", &comps, 0));
                appended.push('\n');
            }
        }
    }

    let mut out = lines.finish(had_newline);
    out.push_str(&appended);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys() {
        assert_eq!(split_key("paths:"), Some(("paths".into(), String::new())));
        assert_eq!(
            split_key("  '/v1/{a}':  # c"),
            Some(("/v1/{a}".into(), String::new()))
        );
        assert_eq!(
            split_key("  /v1/x: {}"),
            Some(("/v1/x".into(), "{}".into()))
        );
        assert_eq!(split_key("  \"a b\": 1"), Some(("a b".into(), "1".into())));
        assert_eq!(split_key("- x"), None);
    }
}
