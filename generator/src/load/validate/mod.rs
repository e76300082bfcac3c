//! Shape checks of one OpenAPI 3.0 document, before it is read into typed structures.
//!
//! openapiv3 reads much of a document through untagged enums (`$ref` or an object, the kinds of
//! schema), which report a wrong field only as "data did not match any variant", with no place.
//! These checks walk the YAML value with the structure of OpenAPI 3.0 in hand ([`shapes`]) and
//! report each fault with its path (`paths./x.get.parameters.2.required`); the loader turns paths
//! into lines and columns. Rules beyond the types of fields (a parameter's `in`, a schema's
//! `type`, ...) are in [`rules`]. The walk also collects every `$ref` with the kind of object
//! expected there, so that references can be checked once all files are merged.

mod rules;
mod shapes;

use crate::limits::MAX_LISTED_PER_FILE;
use crate::place::At;
use crate::reference::Reference;
use crate::text::{describe, edit_distance, key_text, short};
use serde_yaml::{Mapping, Value};
use shapes::{describe_object, fields, kind_of, noun, required, Obj, Shape};

/// A fault in the shape of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    pub path: Vec<String>,
    pub at: At,
    pub message: String,
    pub help: String,
}

/// What checking one document found.
#[derive(Debug, Default)]
pub struct Report {
    /// The first [`MAX_LISTED_PER_FILE`] faults.
    pub faults: Vec<Fault>,
    /// How many more there were (counted, not kept: a document may have millions).
    pub unlisted: usize,
    pub references: Vec<Reference>,
}

/// Checks a whole document (a mapping whose `openapi` version was already checked).
pub fn check(document: &Value) -> Report {
    let mut checker = Checker::default();
    checker.value(document, Shape::Of(Obj::Document));
    Report {
        faults: checker.faults,
        unlisted: checker.unlisted,
        references: checker.references,
    }
}

#[derive(Default)]
struct Checker {
    path: Vec<String>,
    faults: Vec<Fault>,
    unlisted: usize,
    references: Vec<Reference>,
}

impl Checker {
    fn fault(&mut self, at: At, message: impl Into<String>, help: impl Into<String>) {
        if self.faults.len() >= MAX_LISTED_PER_FILE {
            self.unlisted += 1;
            return;
        }
        self.faults.push(Fault {
            path: self.path.clone(),
            at,
            message: message.into(),
            help: help.into(),
        });
    }

    fn fault_at(
        &mut self,
        step: &str,
        at: At,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.path.push(step.to_owned());
        self.fault(at, message, help);
        self.path.pop();
    }

    /// How the current place is named in a message: `` `required` `` or `item 3 of `parameters``.
    fn subject(&self) -> String {
        match self.path.as_slice() {
            [] => "the document".to_owned(),
            [.., parent, last] if last.parse::<usize>().is_ok() => {
                let n: usize = last.parse().unwrap_or(0);
                format!("item {} of `{parent}`", n + 1)
            }
            [.., last] => format!("`{last}`"),
        }
    }

    fn last_key(&self) -> String {
        self.path
            .iter()
            .rev()
            .find(|s| s.parse::<usize>().is_err())
            .cloned()
            .unwrap_or_default()
    }

    fn value(&mut self, value: &Value, shape: Shape) {
        if let Value::Tagged(tagged) = value {
            self.fault(
                At::Value,
                format!("the YAML tag `{}` is not supported", tagged.tag),
                "remove the tag (`!...`) and write the plain value",
            );
            return;
        }
        if let Value::Number(n) = value {
            if n.as_f64().is_some_and(|f| !f.is_finite()) {
                let key = self.last_key();
                self.fault(
                    At::Value,
                    format!(
                        "{} is `{n}`, which is not a number JSON can carry",
                        self.subject()
                    ),
                    format!("write a finite number after `{key}:`"),
                );
                return;
            }
        }
        match shape {
            Shape::Any => self.any(value),
            Shape::Str | Shape::Bool | Shape::Num | Shape::Count => self.scalar(value, shape),
            Shape::Unsupported(what, help) => self.fault(At::Key, what, help),
            Shape::List(item) => {
                let Value::Sequence(items) = value else {
                    let key = self.last_key();
                    self.mismatch(
                        value,
                        "a list",
                        format!("write the items of `{key}` as a YAML list (`- item` lines, or `[a, b]`)"),
                    );
                    return;
                };
                for (i, v) in items.iter().enumerate() {
                    self.path.push(i.to_string());
                    self.value(v, *item);
                    self.path.pop();
                }
            }
            Shape::Map(entry) => {
                let Some(map) = self.mapping(value, "a mapping") else {
                    return;
                };
                for (k, v) in map {
                    let Some(key) = self.text_key(k) else {
                        continue;
                    };
                    self.path.push(key);
                    self.value(v, *entry);
                    self.path.pop();
                }
            }
            Shape::Of(obj) => {
                let Some(map) = self.mapping(value, noun(obj)) else {
                    return;
                };
                self.object(map, obj);
            }
            Shape::RefOr(obj) => self.ref_or(value, obj),
        }
    }

    /// A `$ref` (noted with the kind of component it must point to) or the object in place.
    fn ref_or(&mut self, value: &Value, obj: Obj) {
        let Some(map) = self.mapping(value, noun(obj)) else {
            return;
        };
        match map.get("$ref") {
            Some(Value::String(target)) => {
                if let Some(kind) = kind_of(obj) {
                    let mut path = self.path.clone();
                    path.push("$ref".to_owned());
                    self.references.push(Reference {
                        path,
                        target: target.clone(),
                        kind,
                    });
                }
                if obj == Obj::PathItem {
                    self.fault_at(
                        "$ref",
                        At::Key,
                        "a path item given by `$ref` is not supported",
                        "write the path item's operations in place",
                    );
                }
            }
            Some(other) => {
                let other = other.clone();
                self.path.push("$ref".to_owned());
                self.mismatch(
                    &other,
                    "text",
                    "write the reference as text, e.g. `$ref: '#/components/schemas/Name'`",
                );
                self.path.pop();
            }
            None => self.object(map, obj),
        }
    }

    /// Text, a boolean, a number or a count, each with how to write it when it is not.
    fn scalar(&mut self, value: &Value, shape: Shape) {
        let key = self.last_key();
        match shape {
            Shape::Str if !value.is_string() => {
                let help = match value {
                    Value::Number(n) => format!("quote it to make it text: `{key}: '{n}'`"),
                    Value::Bool(b) => format!("quote it to make it text: `{key}: '{b}'`"),
                    _ => format!("write text after `{key}:`"),
                };
                self.mismatch(value, "text", help);
            }
            Shape::Bool if !value.is_bool() => self.mismatch(
                value,
                "true or false",
                format!("write `{key}: true` or `{key}: false`"),
            ),
            Shape::Num if !value.is_number() => self.mismatch(
                value,
                "a number",
                format!("write a number without quotes, e.g. `{key}: 10`"),
            ),
            Shape::Count if value.as_u64().is_none() => self.mismatch(
                value,
                "a whole number (0 or more)",
                format!("write a whole number without quotes, e.g. `{key}: 10`"),
            ),
            _ => {}
        }
    }

    /// A value of any shape (examples, defaults, enum values): no tags, no numbers JSON cannot
    /// carry, anywhere inside.
    fn any(&mut self, value: &Value) {
        match value {
            Value::Sequence(items) => {
                for (i, v) in items.iter().enumerate() {
                    self.path.push(i.to_string());
                    self.value(v, Shape::Any);
                    self.path.pop();
                }
            }
            Value::Mapping(map) => {
                for (k, v) in map {
                    self.path.push(key_text(k));
                    self.value(v, Shape::Any);
                    self.path.pop();
                }
            }
            _ => {}
        }
    }

    fn mismatch(&mut self, value: &Value, expected: &str, help: impl Into<String>) {
        let message = format!(
            "{} must be {expected}, not {}",
            self.subject(),
            describe(value)
        );
        self.fault(At::Value, message, help);
    }

    fn mapping<'v>(&mut self, value: &'v Value, what: &str) -> Option<&'v Mapping> {
        match value {
            Value::Mapping(map) => Some(map),
            other => {
                let key = self.last_key();
                let expected = format!("a mapping ({what})");
                let help = if key.is_empty() {
                    "write `name: value` lines".to_owned()
                } else {
                    format!("write its fields as `name: value` lines indented under `{key}:`")
                };
                self.mismatch(other, &expected, help);
                None
            }
        }
    }

    /// The text of a mapping key; non-text keys are faults.
    fn text_key(&mut self, key: &Value) -> Option<String> {
        match key {
            Value::String(s) => Some(s.clone()),
            other => {
                let text = key_text(other);
                self.fault_at(
                    &text,
                    At::Key,
                    format!("the key `{text}` must be text, not {}", describe(other)),
                    format!("quote the key: `'{text}':`"),
                );
                None
            }
        }
    }

    fn object(&mut self, map: &Mapping, obj: Obj) {
        for (k, v) in map {
            if obj == Obj::Responses {
                self.response_entry(k, v);
                continue;
            }
            let Some(key) = self.text_key(k) else {
                continue;
            };
            if key.starts_with("x-") {
                continue;
            }
            if obj == Obj::Paths {
                self.path.push(key.clone());
                if key.starts_with('/') {
                    self.value(v, Shape::RefOr(Obj::PathItem));
                } else {
                    self.fault(
                        At::Key,
                        format!("the path `{}` does not start with `/`", short(&key)),
                        format!("write it as `/{}`", short(&key)),
                    );
                }
                self.path.pop();
                continue;
            }
            match fields(obj).iter().find(|(name, _)| *name == key) {
                Some((_, shape)) => {
                    self.path.push(key);
                    self.value(v, *shape);
                    self.path.pop();
                }
                None => self.unknown_field(&key, v, obj),
            }
        }
        for field in required(obj) {
            if !map.contains_key(*field) {
                let example = match *field {
                    "responses" => "`responses:` with at least one status, e.g. `'200': {description: OK}`".to_owned(),
                    "content" => "`content:` with a media type, e.g. `application/json: {schema: {type: object}}`".to_owned(),
                    "info" => "`info:` with `title:` and `version:`".to_owned(),
                    "paths" => "`paths:` (it may be empty: `paths: {}`)".to_owned(),
                    "in" => "`in:` with where the value goes: `query`, `header` or `path`".to_owned(),
                    "name" => "`name:` with the name the API uses".to_owned(),
                    "version" => "`version:` with the API's version, e.g. `'1'`".to_owned(),
                    "description" => "`description:` with a sentence on what it is".to_owned(),
                    "type" => "`type:` with `apiKey`, `http`, `oauth2` or `openIdConnect`".to_owned(),
                    other => format!("`{other}:`"),
                };
                self.fault(
                    At::Key,
                    format!(
                        "{} has no `{field}`",
                        capitalized(&describe_object(map, obj))
                    ),
                    format!("add {example}"),
                );
            }
        }
        self.object_rules(map, obj);
    }

    fn unknown_field(&mut self, key: &str, value: &Value, obj: Obj) {
        let known: Vec<&str> = fields(obj).iter().map(|(name, _)| *name).collect();
        let suggestion = known
            .iter()
            .copied()
            .filter(|k| k.eq_ignore_ascii_case(key) || edit_distance(k, key) <= 2)
            .min_by_key(|k| edit_distance(k, key));
        let (message, help) = match suggestion {
            Some(s) => (
                format!(
                    "unknown field `{}` in {} (a misspelt `{s}`?)",
                    short(key),
                    noun(obj)
                ),
                format!("rename it to `{s}`"),
            ),
            None if value.is_null() && key.contains(char::is_whitespace) => (
                format!(
                    "`{}` is read as a field of {}: in `{{...}}` a comma ends the value before it",
                    short(key),
                    noun(obj)
                ),
                "quote the value that contains the comma, e.g. `title: 'First, second'`".to_owned(),
            ),
            None if obj == Obj::Document && key == "webhooks" => (
                "`webhooks` are OpenAPI 3.1 and not supported".to_owned(),
                "remove `webhooks`".to_owned(),
            ),
            None if known.is_empty() => (
                format!("unknown field `{}` in {}", short(key), noun(obj)),
                "remove it, or name an extension `x-...`".to_owned(),
            ),
            None => (
                format!("unknown field `{}` in {}", short(key), noun(obj)),
                format!(
                    "remove it, or name an extension `x-...`; the fields of {} are {}",
                    noun(obj),
                    known.join(", ")
                ),
            ),
        };
        self.fault_at(key, At::Key, message, help);
    }

    fn response_entry(&mut self, key: &Value, value: &Value) {
        let text = key_text(key);
        if text.starts_with("x-") && key.is_string() {
            return;
        }
        let is_status = match key {
            Value::Number(n) => n.as_u64().is_some_and(|n| (100..1000).contains(&n)),
            Value::String(s) => {
                let b = s.as_bytes();
                s == "default"
                    || (b.len() == 3
                        && b[0].is_ascii_digit()
                        && ((b[1].is_ascii_digit()
                            && b[2].is_ascii_digit()
                            && s.parse::<u16>().is_ok_and(|n| n >= 100))
                            || (b[1].eq_ignore_ascii_case(&b'X')
                                && b[2].eq_ignore_ascii_case(&b'X'))))
            }
            _ => false,
        };
        self.path.push(text.clone());
        if is_status {
            self.value(value, Shape::RefOr(Obj::Response));
        } else {
            self.fault(
                At::Key,
                format!("`{}` is not a status code", short(&text)),
                "use a status such as `'200'`, a range such as `'4XX'`, or `default`",
            );
        }
        self.path.pop();
    }
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn faults(yaml: &str) -> Vec<String> {
        let value: Value = serde_yaml::from_str(yaml).unwrap();
        check(&value)
            .faults
            .into_iter()
            .map(|f| format!("{}: {}", f.path.join("."), f.message))
            .collect()
    }

    #[test]
    fn finds_wrong_types_with_their_paths() {
        let found = faults(
            "openapi: 3.0.3\ninfo: {title: t, version: v}\npaths:\n  /x:\n    get:\n      operationId: X\n      parameters:\n        - {name: a, in: query, required: maybe, schema: {type: 5}}\n      responses: {'200': {description: ok}}\n",
        );
        assert_eq!(
            found,
            [
                "paths./x.get.parameters.0.required: `required` must be true or false, not the text `maybe`",
                "paths./x.get.parameters.0.schema.type: `type` of a schema must be one of string, number, integer, boolean, array, object, not the number `5`",
            ]
        );
    }

    #[test]
    fn suggests_known_fields() {
        let found = faults("openapi: 3.0.3\ninfo: {title: t, version: v}\npaths: {}\ncomponents:\n  schemas:\n    A: {type: object, requried: [a]}\n");
        assert_eq!(
            found,
            ["components.schemas.A.requried: unknown field `requried` in a schema (a misspelt `required`?)"]
        );
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
