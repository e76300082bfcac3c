//! Doc text from the spec: descriptions and titles as lines, with a code block they leave open
//! closed, and the facts the Rust type does not carry (defaults, ranges, lengths).

use super::Docs;
use openapiv3::{Schema, SchemaKind, Type};

/// The lines of a description, with a code block it leaves open closed, so that the lines the
/// generator adds after it (the operation's method and path, response headers) stay text.
pub(super) fn description_lines(text: &str) -> impl Iterator<Item = String> {
    crate::doc_text::close_fences(text.lines().map(str::to_owned).collect()).into_iter()
}

pub(super) fn schema_docs(schema: &Schema) -> Docs {
    let mut docs = Vec::new();
    if let Some(title) = &schema.schema_data.title {
        docs.extend(description_lines(title));
    }
    if let Some(description) = &schema.schema_data.description {
        if !docs.is_empty() {
            docs.push(String::new());
        }
        docs.extend(description_lines(description));
    }
    add_constraint_docs(&mut docs, schema);
    docs
}

/// Appends to `docs` the facts a caller needs that the Rust type does not carry (defaults,
/// ranges, lengths): on the last line of a description that ends in plain text, else in a
/// paragraph of their own (after a list or a code block, a line would join them).
pub(super) fn add_constraint_docs(docs: &mut Docs, schema: &Schema) {
    let Some(sentence) = constraint_sentence(schema) else {
        return;
    };
    let plain = docs.last().is_some_and(|line| {
        let line = line.trim_end();
        !line.is_empty()
            && !line.starts_with([' ', '\t', '-', '*', '+', '|', '>', '#', '`'])
            && !line
                .split_once(". ")
                .is_some_and(|(n, _)| n.chars().all(|c| c.is_ascii_digit()))
    });
    match docs.last_mut() {
        Some(last) if plain => {
            last.push(' ');
            last.push_str(&sentence);
        }
        Some(_) => {
            docs.push(String::new());
            docs.push(sentence);
        }
        None => docs.push(sentence),
    }
}

/// The defaults, ranges and lengths of `schema` as a sentence.
fn constraint_sentence(schema: &Schema) -> Option<String> {
    let mut facts = Vec::new();
    match &schema.schema_kind {
        SchemaKind::Type(Type::Integer(i)) => match (i.minimum, i.maximum) {
            (Some(min), Some(max)) => facts.push(format!("from {min} to {max}")),
            (Some(min), None) => facts.push(format!("at least {min}")),
            (None, Some(max)) => facts.push(format!("at most {max}")),
            (None, None) => {}
        },
        SchemaKind::Type(Type::String(s)) => match (s.min_length, s.max_length) {
            (Some(min), Some(max)) => facts.push(format!("{min} to {max} characters")),
            (Some(min), None) => facts.push(format!("at least {min} characters")),
            (None, Some(max)) => facts.push(format!("at most {max} characters")),
            (None, None) => {}
        },
        _ => {}
    }
    if let Some(default) = &schema.schema_data.default {
        facts.push(format!(
            "default `{}`",
            serde_json::to_string(default)
                .unwrap_or_default()
                .trim_matches('"')
        ));
    }
    if facts.is_empty() {
        return None;
    }
    let mut text = facts.join("; ");
    if let Some(first) = text.get(0..1) {
        text = first.to_uppercase() + &text[1..];
    }
    Some(format!("{text}."))
}
