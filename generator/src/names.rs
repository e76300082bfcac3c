//! Rust identifiers from the names a spec uses.
//!
//! Wire names (operationIds, property names, enum values) may be keywords, contain hyphens or
//! spaces, start with a digit or collide once converted. Everything here is deterministic: the same
//! spec always gives the same names, and a collision is resolved by numbering the later name in
//! spec order (`name`, `name_2`, `name_3`, ...). Numbers never make a name rustc warns about: a
//! snake case keyword is escaped with a trailing `_` (`type_`) and numbered from its word
//! (`type_2`, not `type__2`); `Self`, the one keyword in Pascal case, is numbered at once
//! (`Self2`, not `Self_` or `Self_2`).

use heck::{ToPascalCase, ToSnakeCase};
use std::collections::{HashMap, HashSet};

/// Words that cannot be plain identifiers (strict and reserved keywords of every edition).
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield", "union",
];

/// Whether `name` is a keyword, which cannot be a plain identifier.
pub fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name)
}

/// Replaces every character that cannot appear in an identifier by a word break, so that case
/// conversion treats `x-request id` like `x_request_id`.
fn words(raw: &str) -> String {
    raw.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect()
}

/// `snake_case` identifier for a field, parameter or method.
pub fn snake(raw: &str) -> String {
    let mut name = words(raw).to_snake_case();
    if name.is_empty() {
        name = "value".to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert_str(0, "n_");
    }
    if KEYWORDS.contains(&name.as_str()) {
        name.push('_');
    }
    name
}

/// `PascalCase` words for a type or enum variant, or for a part of one (`{Parent}{Property}`).
/// A keyword is not escaped here (`Self` stays `Self`): [`Namespace::claim`] numbers it when it
/// is claimed as a name, and as a part of a longer name it needs nothing.
pub fn pascal(raw: &str) -> String {
    let mut name = words(raw).to_pascal_case();
    if name.is_empty() {
        name = "Value".to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'N');
    }
    name
}

/// Hands out names unique within one scope (the fields of a struct, the types of a module, ...).
#[derive(Debug, Default)]
pub struct Namespace {
    taken: HashSet<String>,
    /// For each name claimed more than once, the number to try next, so that the ten-thousandth
    /// `name` is numbered at once rather than after trying every number before it.
    next: HashMap<String, usize>,
}

impl Namespace {
    /// A namespace in which `reserved` are already taken.
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Namespace {
            taken: reserved.iter().map(|s| (*s).to_owned()).collect(),
            next: HashMap::new(),
        }
    }

    /// Returns `wanted`, or the first of `wanted_2`, `wanted_3`, ... that is free, and takes it.
    /// `separator` is `"_"` for snake case names and `""` for Pascal case names. A keyword is
    /// numbered at once (`Self2`), and a keyword escaped with `_` is numbered from its word
    /// (`type_` is first, then `type_2`).
    pub fn claim(&mut self, wanted: &str, separator: &str) -> String {
        let usable = !KEYWORDS.contains(&wanted);
        if usable && self.taken.insert(wanted.to_owned()) {
            return wanted.to_owned();
        }
        let base = match wanted.strip_suffix('_') {
            Some(word) if KEYWORDS.contains(&word) => word,
            _ => wanted,
        };
        let n = self.next.entry(base.to_owned()).or_insert(2);
        loop {
            let candidate = format!("{base}{separator}{n}");
            *n += 1;
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
        }
    }

    pub fn claim_snake(&mut self, raw: &str) -> String {
        self.claim(&snake(raw), "_")
    }

    pub fn claim_pascal(&mut self, raw: &str) -> String {
        self.claim(&pascal(raw), "")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_wire_names() {
        assert_eq!(snake("ListWorkflows"), "list_workflows");
        assert_eq!(snake("ImportAopworkflow"), "import_aopworkflow");
        assert_eq!(snake("X-request-id"), "x_request_id");
        assert_eq!(snake("type"), "type_");
        assert_eq!(snake("self"), "self_");
        assert_eq!(snake("2fa code"), "n_2fa_code");
        assert_eq!(snake("???"), "value");
        assert_eq!(pascal("aop_type"), "AopType");
        assert_eq!(pascal("create_time"), "CreateTime");
        assert_eq!(pascal("ASC"), "Asc");
        assert_eq!(pascal("Self"), "Self");
        assert_eq!(pascal("404"), "N404");
        assert_eq!(pascal(""), "Value");
    }

    #[test]
    fn numbers_collisions_in_order() {
        let mut ns = Namespace::default();
        assert_eq!(ns.claim_snake("createTime"), "create_time");
        assert_eq!(ns.claim_snake("create_time"), "create_time_2");
        assert_eq!(ns.claim_snake("create-time"), "create_time_3");
        let mut types = Namespace::with_reserved(&["Other"]);
        assert_eq!(types.claim_pascal("other"), "Other2");
    }

    /// Keywords and their collisions give names rustc does not warn about.
    #[test]
    fn numbers_keywords_cleanly() {
        let mut ns = Namespace::default();
        assert_eq!(ns.claim_snake("type"), "type_");
        assert_eq!(ns.claim_snake("Type"), "type_2");
        assert_eq!(ns.claim_snake("type_"), "type_3");
        assert_eq!(ns.claim_snake("type_2"), "type_2_2");
        let mut types = Namespace::default();
        assert_eq!(types.claim_pascal("Self"), "Self2");
        assert_eq!(types.claim_pascal("self"), "Self3");
        assert_eq!(types.claim_pascal("Self2"), "Self22");
        assert_eq!(types.claim_pascal("SelfType"), "SelfType");
    }
}
