//! The document's value, made from the tree, so that a spec file's text is parsed once.
//!
//! The value is exactly what `serde_yaml::from_str` gives for the same text: a plain scalar's
//! type is decided as serde_yaml decides it (and, beyond the common cases, by serde_yaml
//! itself). What the tree cannot render exactly (tags, aliases, two keys written differently
//! that are equal as values) is left to serde_yaml: [`Tree::to_value`] then gives `None`.

use super::{NodeId, NodeKind, Tree};
use serde_yaml::{Mapping, Number, Value};

/// Nesting past this is left to serde_yaml, whose own limit (the same) then reports it; the
/// loader refuses documents nested past its much lower limit before they are read anyway.
const DEEPEST: usize = 128;

impl Tree {
    /// The document as serde_yaml's `Value`, or `None` when only serde_yaml can read it exactly
    /// (the caller then parses the text with serde_yaml).
    pub fn to_value(&self) -> Option<Value> {
        if self.tagged {
            return None;
        }
        self.value(self.root?, 0)
    }

    fn value(&self, id: NodeId, depth: usize) -> Option<Value> {
        if depth > DEEPEST {
            return None;
        }
        match &self.nodes[id].kind {
            NodeKind::Scalar {
                text, plain: true, ..
            } => plain_scalar(text),
            NodeKind::Scalar { text, .. } => Some(Value::String(text.clone())),
            NodeKind::Sequence(items) => items
                .iter()
                .map(|&item| self.value(item, depth + 1))
                .collect::<Option<Vec<Value>>>()
                .map(Value::Sequence),
            NodeKind::Mapping(entries) => {
                let mut mapping = Mapping::with_capacity(entries.len());
                for &(key, value) in entries {
                    let key = self.value(key, depth + 1)?;
                    let value = self.value(value, depth + 1)?;
                    // serde_yaml refuses a key equal to an earlier one: let it say so.
                    if mapping.insert(key, value).is_some() {
                        return None;
                    }
                }
                Some(Value::Mapping(mapping))
            }
            NodeKind::Alias(_) => None,
        }
    }
}

/// A scalar written without quotes: null, a boolean, a number or text, as serde_yaml reads it.
fn plain_scalar(text: &str) -> Option<Value> {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Some(Value::Null),
        "true" | "True" | "TRUE" => return Some(Value::Bool(true)),
        "false" | "False" | "FALSE" => return Some(Value::Bool(false)),
        _ => {}
    }
    let first = text.as_bytes()[0];
    // Only these can start a number (`.5`, `.inf`, `+1`, `-0x1F`); anything else is text.
    if !(first.is_ascii_digit() || matches!(first, b'+' | b'-' | b'.')) {
        return Some(Value::String(text.to_owned()));
    }
    // Decimal digits with no leading zero, and short enough for a u64: the usual number of a
    // spec (a status, a limit).
    let decimal = text.len() <= 19
        && (text == "0" || first != b'0')
        && text.bytes().all(|b| b.is_ascii_digit());
    if decimal {
        return text
            .parse::<u64>()
            .ok()
            .map(|n| Value::Number(Number::from(n)));
    }
    // Otherwise (`-1`, `1.5`, `1e3`, `0x1F`, `007`, `.inf`, `1.2.3`, `12:30`) serde_yaml reads
    // the scalar alone. Texts that alone would read as YAML structure (`-`, `- x`, `---`, `...`)
    // are left to serde_yaml reading the whole document; so is any text that alone reads as
    // something other than a scalar, or as other text.
    let structure =
        text == "-" || text.starts_with("- ") || text.starts_with("---") || text.starts_with("...");
    if structure {
        return None;
    }
    match serde_yaml::from_str::<Value>(text).ok()? {
        Value::String(read) if read == text => Some(Value::String(read)),
        value @ (Value::Null | Value::Bool(_) | Value::Number(_)) => Some(value),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn both(text: &str) -> (Option<Value>, Value) {
        let tree = Tree::parse(text).unwrap();
        (tree.to_value(), serde_yaml::from_str(text).unwrap())
    }

    #[test]
    fn scalars_are_typed_as_serde_yaml_types_them() {
        let scalars = [
            "1",
            "0",
            "007",
            "-1",
            "+1",
            "-0",
            "1.5",
            "-1.5",
            "1e3",
            "1E-3",
            ".5",
            "5.",
            ".inf",
            "-.inf",
            "+.inf",
            ".Inf",
            "0x1F",
            "-0x1F",
            "0o17",
            "0b101",
            "0x",
            "1_000",
            "1.2.3",
            "18446744073709551615",
            "18446744073709551616",
            "99999999999999999999999999999999999999999",
            "-9223372036854775809",
            "inf",
            "nan",
            "NaN",
            "infinity",
            "true",
            "True",
            "TRUE",
            "yes",
            "no",
            "on",
            "off",
            "y",
            "n",
            "null",
            "Null",
            "NULL",
            "~",
            "",
            "3.0",
            "3.0.3",
            "+",
            "-x",
            "+-1",
            "1 2",
            "1, 2",
            "1[2]",
            "2020-01-01",
            "12:30",
            "0.1.0",
            "v1",
            "-a-b",
            "1e",
            "e1",
            ".",
            "..",
            ". .",
            "-.",
            "+.5",
            "0.",
            "00",
            "0.0",
            "-0.0",
            "1#2",
            "2024-01-01T00:00:00Z",
            "1:2:3",
            "-1:30",
            "...x",
            "-- x",
            "1 - 2",
        ];
        for scalar in scalars {
            for text in [
                format!("a: {scalar}\n"),
                format!("- {scalar}\n"),
                format!("[{scalar}]\n"),
                format!("{scalar}: x\n"),
            ] {
                let Ok(expected) = serde_yaml::from_str::<Value>(&text) else {
                    continue;
                };
                let Ok(tree) = Tree::parse(&text) else {
                    continue;
                };
                if let Some(value) = tree.to_value() {
                    assert_eq!(value, expected, "{text:?}");
                }
            }
        }
    }

    #[test]
    fn quoted_and_block_scalars_are_text() {
        let text = "a: '1'\nb: \"true\"\nc: |\n  null\nd: >-\n  2\n  3\ne: \"\\u00e9\\n\"\n";
        let (value, expected) = both(text);
        assert_eq!(value, Some(expected));
    }

    #[test]
    fn mappings_keep_their_order_and_keys() {
        let text = "z: 1\na:\n  200: {description: ok}\n  '404': x\n  - 1\n";
        // Not YAML: a sequence entry after mapping entries.
        assert!(Tree::parse(text).is_err() || serde_yaml::from_str::<Value>(text).is_err());
        let text = "z: 1\na:\n  200: {description: ok}\n  '404': x\nb: [1, [2, {c: d}]]\n";
        let (value, expected) = both(text);
        assert_eq!(value, Some(expected));
    }

    #[test]
    fn what_only_serde_yaml_reads_exactly_is_left_to_it() {
        for text in [
            "a: !!str 1\n",
            "a: !custom x\n",
            "a: &x 1\nb: *x\n",
            "1: a\n0x1: b\n",
            "null: a\n~: b\n",
        ] {
            let tree = Tree::parse(text).unwrap();
            assert_eq!(tree.to_value(), None, "{text:?}");
        }
        let deep = format!("{}1{}", "[".repeat(200), "]".repeat(200));
        assert_eq!(Tree::parse(&deep).unwrap().to_value(), None);
    }

    /// Quoted and block scalars carry no tag (a tag anywhere sends the whole file to serde_yaml,
    /// which would parse every spec twice again).
    #[test]
    fn only_written_tags_count() {
        let text = "a: 'x'\nb: \"y\"\nc: |\n  z\nd: >\n  w\ne: [1, {f: g}]\n";
        assert!(!Tree::parse(text).unwrap().tagged);
        assert!(Tree::parse("a: !!str 1\n").unwrap().tagged);
    }

    /// Every spec and fixture of the workspace reads the same both ways, and every file of the
    /// spec is read from its tree alone.
    #[test]
    fn the_workspace_specs_read_as_serde_yaml_reads_them() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut folders = vec![root.join("../spec"), root.join("tests/fixtures")];
        let mut compared = 0;
        let mut spec_files = 0;
        while let Some(folder) = folders.pop() {
            let Ok(entries) = std::fs::read_dir(&folder) else {
                continue;
            };
            for path in entries.map(|e| e.unwrap().path()) {
                if path.is_dir() {
                    folders.push(path);
                    continue;
                }
                if path.extension().is_none_or(|e| e != "yaml" && e != "yml") {
                    continue;
                }
                let Ok(text) = std::fs::read_to_string(&path) else {
                    continue; // a fixture that is not UTF-8
                };
                let from_tree = Tree::parse(&text).ok().and_then(|t| t.to_value());
                let in_spec = path.parent() == Some(root.join("../spec").as_path());
                spec_files += usize::from(in_spec);
                assert!(
                    from_tree.is_some() || !in_spec,
                    "{} is left to serde_yaml",
                    path.display()
                );
                let Some(value) = from_tree else {
                    continue;
                };
                let expected = serde_yaml::from_str::<Value>(&text);
                assert_eq!(Some(value), expected.ok(), "{}", path.display());
                compared += 1;
            }
        }
        assert!(compared > 50, "only {compared} files compared");
        assert!(spec_files >= 28, "only {spec_files} files of spec/ read");
    }
}
