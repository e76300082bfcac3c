//! Rules of OpenAPI 3.0 (and of what the client supports) beyond the types of fields: a
//! parameter's `in` and `style`, a schema's `type` and `format`, a security scheme's fields.

use super::shapes::{Obj, SCHEMA, SCHEMA_TYPES};
use super::Checker;
use crate::place::At;
use crate::text::{describe, key_text, short};
use serde_yaml::{Mapping, Value};

impl Checker {
    /// Rules beyond the types of fields.
    pub(super) fn object_rules(&mut self, map: &Mapping, obj: Obj) {
        match obj {
            Obj::Parameter | Obj::Header => self.parameter_rules(map, obj),
            Obj::Schema => self.schema_rules(map),
            Obj::SecurityScheme => self.security_scheme_rules(map),
            Obj::OAuthFlows => {
                for (flow, needed) in [
                    ("implicit", &["authorizationUrl"][..]),
                    ("password", &["tokenUrl"][..]),
                    ("clientCredentials", &["tokenUrl"][..]),
                    ("authorizationCode", &["authorizationUrl", "tokenUrl"][..]),
                ] {
                    if let Some(Value::Mapping(m)) = map.get(flow) {
                        for field in needed {
                            if !m.contains_key(*field) {
                                self.fault_at(
                                    flow,
                                    At::Key,
                                    format!("the `{flow}` flow has no `{field}`"),
                                    format!("add `{field}:` with its URL"),
                                );
                            }
                        }
                    }
                }
            }
            Obj::Link if !map.contains_key("operationId") && !map.contains_key("operationRef") => {
                self.fault(
                    At::Key,
                    "a link names no operation",
                    "add `operationId:` (or `operationRef:`)",
                );
            }
            _ => {}
        }
    }

    fn parameter_rules(&mut self, map: &Mapping, obj: Obj) {
        let name = map
            .get("name")
            .and_then(Value::as_str)
            .map(|n| format!(" `{}`", short(n)))
            .unwrap_or_default();
        let location = map.get("in").and_then(Value::as_str);
        if obj == Obj::Parameter {
            match location {
                Some("query" | "header" | "path") | None => {}
                Some("cookie") => self.fault_at(
                    "in",
                    At::Value,
                    format!("cookie parameter{name} is not supported"),
                    "SecMaster takes no cookies: remove the parameter, or declare it `in: header` if the API reads it from a header",
                ),
                Some(other) => self.fault_at(
                    "in",
                    At::Value,
                    format!(
                        "`in` of parameter{name} must be query, header or path, not `{}`",
                        short(other)
                    ),
                    "write `in: query`, `in: header` or `in: path`",
                ),
            }
        }
        if let Some(style) = map.get("style").and_then(Value::as_str) {
            let allowed: &[&str] = match (obj, location) {
                (Obj::Header, _) | (_, Some("header")) => &["simple"],
                (_, Some("query")) => &["form", "spaceDelimited", "pipeDelimited", "deepObject"],
                (_, Some("path")) => &["matrix", "label", "simple"],
                _ => &[
                    "form",
                    "spaceDelimited",
                    "pipeDelimited",
                    "deepObject",
                    "matrix",
                    "label",
                    "simple",
                ],
            };
            if !allowed.contains(&style) {
                self.fault_at(
                    "style",
                    At::Value,
                    format!("style `{}` is not allowed here", short(style)),
                    format!("use one of {}, or leave `style` out", allowed.join(", ")),
                );
            }
        }
        match (map.contains_key("schema"), map.contains_key("content")) {
            (false, false) => {
                let what = if obj == Obj::Header {
                    "header"
                } else {
                    "parameter"
                };
                self.fault(
                    At::Key,
                    format!("{what}{name} has neither `schema` nor `content`"),
                    "add its type, e.g. `schema: {type: string}`",
                );
            }
            (true, true) => self.fault_at(
                "content",
                At::Key,
                "`schema` and `content` are given together",
                "keep one of them (usually `schema`)",
            ),
            _ => {}
        }
    }

    fn schema_rules(&mut self, map: &Mapping) {
        let ty = map.get("type");
        let ty = match ty {
            None => None,
            Some(Value::String(t)) if SCHEMA_TYPES.contains(&t.as_str()) => Some(t.as_str()),
            Some(Value::Sequence(_)) => {
                self.fault_at(
                    "type",
                    At::Value,
                    "a list of types is OpenAPI 3.1; OpenAPI 3.0 takes one type",
                    "write one type, and `nullable: true` if the value may be null",
                );
                return;
            }
            Some(Value::String(t)) if t == "null" => {
                self.fault_at(
                    "type",
                    At::Value,
                    "`type: null` is OpenAPI 3.1",
                    "write the type of the value and `nullable: true`",
                );
                return;
            }
            Some(other) => {
                let found = describe(other);
                self.fault_at(
                    "type",
                    At::Value,
                    format!(
                        "`type` of a schema must be one of {}, not {found}",
                        SCHEMA_TYPES.join(", ")
                    ),
                    "write one of them, e.g. `type: string`",
                );
                return;
            }
        };
        if let Some(extra) = map.get("additionalProperties") {
            match extra {
                Value::Bool(_) => {}
                Value::Mapping(_) => {
                    self.path.push("additionalProperties".to_owned());
                    self.value(extra, SCHEMA);
                    self.path.pop();
                }
                other => {
                    self.path.push("additionalProperties".to_owned());
                    self.mismatch(
                        other,
                        "true, false or a schema",
                        "write `additionalProperties: true`, or the schema of the values",
                    );
                    self.path.pop();
                }
            }
        }
        if ty == Some("integer") {
            for field in ["minimum", "maximum", "multipleOf"] {
                if let Some(Value::Number(n)) = map.get(field) {
                    if n.as_i64().is_none() {
                        self.fault_at(
                            field,
                            At::Value,
                            format!(
                                "`{field}` of an integer schema must be a whole number, not `{n}`"
                            ),
                            "write a whole number, or make the schema `type: number`",
                        );
                    }
                }
            }
        }
        if let Some(Value::Sequence(values)) = map.get("enum") {
            for (i, v) in values.iter().enumerate() {
                let Some(text) = v.as_str() else { continue };
                if let Some(c) = text.chars().find(|c| c.is_control() || is_bidi_control(*c)) {
                    self.path.push("enum".to_owned());
                    self.fault_at(
                        &i.to_string(),
                        At::Value,
                        format!(
                            "the enum value `{}` contains the invisible character U+{:04X}, which generated code cannot show",
                            short(text),
                            c as u32
                        ),
                        "remove the character from the value",
                    );
                    self.path.pop();
                }
            }
        }
        if let (Some(ty), Some(Value::Sequence(values))) = (ty, map.get("enum")) {
            let (fits, what): (fn(&Value) -> bool, &str) = match ty {
                "string" => (Value::is_string, "text"),
                "integer" => (|v| v.as_i64().is_some(), "a whole number"),
                "number" => (Value::is_number, "a number"),
                "boolean" => (Value::is_bool, "true or false"),
                _ => return,
            };
            for (i, v) in values.iter().enumerate() {
                if !fits(v) && !v.is_null() {
                    let (message, help) = match (ty, v) {
                        ("string", Value::Number(_) | Value::Bool(_)) => {
                            let text = key_text(v);
                            (
                                format!("the enum value `{text}` of a `type: string` schema is not text"),
                                format!("quote it: `'{text}'`"),
                            )
                        }
                        _ => (
                            format!(
                                "the enum values of a `type: {ty}` schema must be {what}, not {}",
                                describe(v)
                            ),
                            format!("write {what}, or change the `type` of the schema"),
                        ),
                    };
                    self.path.push("enum".to_owned());
                    self.fault_at(&i.to_string(), At::Value, message, help);
                    self.path.pop();
                }
            }
        }
    }

    fn security_scheme_rules(&mut self, map: &Mapping) {
        let Some(Value::String(ty)) = map.get("type") else {
            return;
        };
        let needed: &[&str] = match ty.as_str() {
            "apiKey" => &["name", "in"],
            "http" => &["scheme"],
            "oauth2" => &["flows"],
            "openIdConnect" => &["openIdConnectUrl"],
            other => {
                let other = short(other);
                self.fault_at(
                    "type",
                    At::Value,
                    format!("`{other}` is not a type of security scheme"),
                    "write `type: apiKey`, `http`, `oauth2` or `openIdConnect`",
                );
                return;
            }
        };
        for field in needed {
            if !map.contains_key(*field) {
                self.fault(
                    At::Key,
                    format!("a security scheme of `type: {ty}` has no `{field}`"),
                    format!("add `{field}:`"),
                );
            }
        }
        if ty == "apiKey" {
            if let Some(location) = map.get("in").and_then(Value::as_str) {
                if !["query", "header", "cookie"].contains(&location) {
                    self.fault_at(
                        "in",
                        At::Value,
                        format!(
                            "`in` of an API key must be query, header or cookie, not `{}`",
                            short(location)
                        ),
                        "write `in: header`",
                    );
                }
            }
        }
    }
}

/// Characters that change the direction of text, which Rust denies in comments and literals.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}
