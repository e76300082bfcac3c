//! Shape checks of one OpenAPI 3.0 document, before it is read into typed structures.
//!
//! openapiv3 reads much of a document through untagged enums (`$ref` or an object, the kinds of
//! schema), which report a wrong field only as "data did not match any variant", with no place.
//! These checks walk the YAML value with the structure of OpenAPI 3.0 in hand and report each
//! fault with its path (`paths./x.get.parameters.2.required`), the loader turns paths into lines
//! and columns. They also collect every `$ref` with the kind of object expected there, so that
//! references can be checked once all files are merged.

use serde_yaml::{Mapping, Value};

/// Which part of a path's last step a fault points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum At {
    /// The key (`required` in `required: maybe`); the value when there is no key (list items).
    Key,
    /// The value (`maybe`).
    Value,
}

/// A fault in the shape of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    pub path: Vec<String>,
    pub at: At,
    pub message: String,
    pub help: String,
}

/// The kinds of reusable objects, as named under `components`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Schema,
    Response,
    Parameter,
    Example,
    RequestBody,
    Header,
    SecurityScheme,
    Link,
    PathItem,
}

impl Kind {
    /// The section of `components` holding this kind.
    pub fn section(self) -> &'static str {
        match self {
            Kind::Schema => "schemas",
            Kind::Response => "responses",
            Kind::Parameter => "parameters",
            Kind::Example => "examples",
            Kind::RequestBody => "requestBodies",
            Kind::Header => "headers",
            Kind::SecurityScheme => "securitySchemes",
            Kind::Link => "links",
            Kind::PathItem => "pathItems",
        }
    }

    /// The kind in prose.
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Schema => "schema",
            Kind::Response => "response",
            Kind::Parameter => "parameter",
            Kind::Example => "example",
            Kind::RequestBody => "request body",
            Kind::Header => "header",
            Kind::SecurityScheme => "security scheme",
            Kind::Link => "link",
            Kind::PathItem => "path item",
        }
    }

    /// The kind whose `components` section is `section`.
    pub fn of_section(section: &str) -> Option<Kind> {
        [
            Kind::Schema,
            Kind::Response,
            Kind::Parameter,
            Kind::Example,
            Kind::RequestBody,
            Kind::Header,
            Kind::SecurityScheme,
            Kind::Link,
        ]
        .into_iter()
        .find(|k| k.section() == section)
    }
}

/// A `$ref` found in a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// Path to the `$ref` key's value.
    pub path: Vec<String>,
    pub target: String,
    /// What the place of the reference expects.
    pub kind: Kind,
}

/// What checking one document found.
#[derive(Debug, Default)]
pub struct Report {
    pub faults: Vec<Fault>,
    pub references: Vec<Reference>,
}

/// Checks a whole document (a mapping whose `openapi` version was already checked).
pub fn check(document: &Value) -> Report {
    let mut checker = Checker::default();
    checker.value(document, Shape::Of(Obj::Document));
    Report {
        faults: checker.faults,
        references: checker.references,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Obj {
    Document,
    Info,
    Contact,
    License,
    Server,
    ServerVariable,
    Paths,
    PathItem,
    Operation,
    ExternalDocs,
    Parameter,
    RequestBody,
    MediaType,
    Encoding,
    Responses,
    Response,
    Header,
    Example,
    Link,
    Components,
    Schema,
    Discriminator,
    Xml,
    SecurityScheme,
    OAuthFlows,
    OAuthFlow,
    Tag,
}

#[derive(Debug, Clone, Copy)]
enum Shape {
    Str,
    Bool,
    Num,
    /// A whole number, 0 or more.
    Count,
    Any,
    Of(Obj),
    /// `$ref: ...`, or the object in place.
    RefOr(Obj),
    List(&'static Shape),
    /// A mapping with text keys.
    Map(&'static Shape),
    /// Known to OpenAPI, not supported by this generator: (what, how to mend).
    Unsupported(&'static str, &'static str),
}

const SCHEMA: Shape = Shape::RefOr(Obj::Schema);
const SCHEMAS: Shape = Shape::List(&SCHEMA);
const STRINGS: Shape = Shape::List(&Shape::Str);
const SERVERS: Shape = Shape::List(&Shape::Of(Obj::Server));
const SECURITY: Shape = Shape::List(&Shape::Map(&STRINGS));
const PARAMETERS: Shape = Shape::List(&Shape::RefOr(Obj::Parameter));
const EXAMPLES: Shape = Shape::Map(&Shape::RefOr(Obj::Example));
const CONTENT: Shape = Shape::Map(&Shape::Of(Obj::MediaType));
const HEADERS: Shape = Shape::Map(&Shape::RefOr(Obj::Header));
const EXTERNAL_DOCS: Shape = Shape::Of(Obj::ExternalDocs);
const OPERATION: Shape = Shape::Of(Obj::Operation);
const CALLBACKS: Shape = Shape::Unsupported(
    "callbacks are not supported",
    "remove `callbacks`: the client makes requests and serves none",
);

fn fields(obj: Obj) -> &'static [(&'static str, Shape)] {
    use Shape::*;
    match obj {
        Obj::Document => &[
            ("openapi", Str),
            ("info", Of(Obj::Info)),
            ("servers", SERVERS),
            ("paths", Of(Obj::Paths)),
            ("components", Of(Obj::Components)),
            ("security", SECURITY),
            ("tags", List(&Of(Obj::Tag))),
            ("externalDocs", EXTERNAL_DOCS),
        ],
        Obj::Info => &[
            ("title", Str),
            ("description", Str),
            ("termsOfService", Str),
            ("contact", Of(Obj::Contact)),
            ("license", Of(Obj::License)),
            ("version", Str),
        ],
        Obj::Contact => &[("name", Str), ("url", Str), ("email", Str)],
        Obj::License => &[("name", Str), ("url", Str)],
        Obj::Server => &[
            ("url", Str),
            ("description", Str),
            ("variables", Map(&Of(Obj::ServerVariable))),
        ],
        Obj::ServerVariable => &[("enum", STRINGS), ("default", Str), ("description", Str)],
        Obj::Paths => &[],
        Obj::PathItem => &[
            ("summary", Str),
            ("description", Str),
            ("get", OPERATION),
            ("put", OPERATION),
            ("post", OPERATION),
            ("delete", OPERATION),
            ("options", OPERATION),
            ("head", OPERATION),
            ("patch", OPERATION),
            ("trace", OPERATION),
            ("servers", SERVERS),
            ("parameters", PARAMETERS),
        ],
        Obj::Operation => &[
            ("tags", STRINGS),
            ("summary", Str),
            ("description", Str),
            ("externalDocs", EXTERNAL_DOCS),
            ("operationId", Str),
            ("parameters", PARAMETERS),
            ("requestBody", RefOr(self::Obj::RequestBody)),
            ("responses", Of(Obj::Responses)),
            ("callbacks", CALLBACKS),
            ("deprecated", Bool),
            ("security", SECURITY),
            ("servers", SERVERS),
        ],
        Obj::ExternalDocs => &[("description", Str), ("url", Str)],
        Obj::Parameter => &[
            ("name", Str),
            ("in", Str),
            ("description", Str),
            ("required", Bool),
            ("deprecated", Bool),
            ("allowEmptyValue", Bool),
            ("style", Str),
            ("explode", Bool),
            ("allowReserved", Bool),
            ("schema", SCHEMA),
            ("example", Any),
            ("examples", EXAMPLES),
            ("content", CONTENT),
        ],
        Obj::Header => &[
            ("description", Str),
            ("required", Bool),
            ("deprecated", Bool),
            ("allowEmptyValue", Bool),
            ("style", Str),
            ("explode", Bool),
            ("allowReserved", Bool),
            ("schema", SCHEMA),
            ("example", Any),
            ("examples", EXAMPLES),
            ("content", CONTENT),
        ],
        Obj::RequestBody => &[
            ("description", Str),
            ("content", CONTENT),
            ("required", Bool),
        ],
        Obj::MediaType => &[
            ("schema", SCHEMA),
            ("example", Any),
            ("examples", EXAMPLES),
            ("encoding", Map(&Of(Obj::Encoding))),
        ],
        Obj::Encoding => &[
            ("contentType", Str),
            ("headers", HEADERS),
            ("style", Str),
            ("explode", Bool),
            ("allowReserved", Bool),
        ],
        Obj::Responses => &[],
        Obj::Response => &[
            ("description", Str),
            ("headers", HEADERS),
            ("content", CONTENT),
            ("links", Map(&RefOr(self::Obj::Link))),
        ],
        Obj::Example => &[
            ("summary", Str),
            ("description", Str),
            ("value", Any),
            ("externalValue", Str),
        ],
        Obj::Link => &[
            ("operationRef", Str),
            ("operationId", Str),
            ("parameters", Map(&Any)),
            ("requestBody", Any),
            ("description", Str),
            ("server", Of(Obj::Server)),
        ],
        Obj::Components => &[
            ("schemas", Map(&SCHEMA)),
            ("responses", Map(&RefOr(self::Obj::Response))),
            ("parameters", Map(&RefOr(self::Obj::Parameter))),
            ("examples", EXAMPLES),
            ("requestBodies", Map(&RefOr(self::Obj::RequestBody))),
            ("headers", HEADERS),
            ("securitySchemes", Map(&RefOr(self::Obj::SecurityScheme))),
            ("links", Map(&RefOr(self::Obj::Link))),
            ("callbacks", CALLBACKS),
        ],
        Obj::Schema => &[
            ("title", Str),
            ("multipleOf", Num),
            ("maximum", Num),
            ("exclusiveMaximum", Bool),
            ("minimum", Num),
            ("exclusiveMinimum", Bool),
            ("maxLength", Count),
            ("minLength", Count),
            ("pattern", Str),
            ("maxItems", Count),
            ("minItems", Count),
            ("uniqueItems", Bool),
            ("maxProperties", Count),
            ("minProperties", Count),
            ("required", STRINGS),
            ("enum", List(&Any)),
            // Checked by `schema_rules`.
            ("type", Any),
            ("allOf", SCHEMAS),
            ("oneOf", SCHEMAS),
            ("anyOf", SCHEMAS),
            ("not", SCHEMA),
            ("items", SCHEMA),
            ("properties", Map(&SCHEMA)),
            ("additionalProperties", Any),
            ("description", Str),
            ("format", Str),
            ("default", Any),
            ("nullable", Bool),
            ("discriminator", Of(Obj::Discriminator)),
            ("readOnly", Bool),
            ("writeOnly", Bool),
            ("xml", Of(Obj::Xml)),
            ("externalDocs", EXTERNAL_DOCS),
            ("example", Any),
            ("deprecated", Bool),
        ],
        Obj::Discriminator => &[("propertyName", Str), ("mapping", Map(&Str))],
        Obj::Xml => &[
            ("name", Str),
            ("namespace", Str),
            ("prefix", Str),
            ("attribute", Bool),
            ("wrapped", Bool),
        ],
        Obj::SecurityScheme => &[
            ("type", Str),
            ("description", Str),
            ("name", Str),
            ("in", Str),
            ("scheme", Str),
            ("bearerFormat", Str),
            ("flows", Of(Obj::OAuthFlows)),
            ("openIdConnectUrl", Str),
        ],
        Obj::OAuthFlows => &[
            ("implicit", Of(Obj::OAuthFlow)),
            ("password", Of(Obj::OAuthFlow)),
            ("clientCredentials", Of(Obj::OAuthFlow)),
            ("authorizationCode", Of(Obj::OAuthFlow)),
        ],
        Obj::OAuthFlow => &[
            ("authorizationUrl", Str),
            ("tokenUrl", Str),
            ("refreshUrl", Str),
            ("scopes", Map(&Str)),
        ],
        Obj::Tag => &[
            ("name", Str),
            ("description", Str),
            ("externalDocs", EXTERNAL_DOCS),
        ],
    }
}

fn required(obj: Obj) -> &'static [&'static str] {
    match obj {
        Obj::Document => &["info", "paths"],
        Obj::Info => &["title", "version"],
        Obj::License | Obj::Tag => &["name"],
        Obj::Server | Obj::ExternalDocs => &["url"],
        Obj::ServerVariable => &["default"],
        Obj::Operation => &["responses"],
        Obj::Parameter => &["name", "in"],
        Obj::RequestBody => &["content"],
        Obj::Response => &["description"],
        Obj::Discriminator => &["propertyName"],
        Obj::SecurityScheme => &["type"],
        Obj::OAuthFlow => &["scopes"],
        _ => &[],
    }
}

fn noun(obj: Obj) -> &'static str {
    match obj {
        Obj::Document => "the document",
        Obj::Info => "`info`",
        Obj::Contact => "a contact",
        Obj::License => "a license",
        Obj::Server => "a server",
        Obj::ServerVariable => "a server variable",
        Obj::Paths => "`paths`",
        Obj::PathItem => "a path item",
        Obj::Operation => "an operation",
        Obj::ExternalDocs => "`externalDocs`",
        Obj::Parameter => "a parameter",
        Obj::RequestBody => "a request body",
        Obj::MediaType => "a media type",
        Obj::Encoding => "an encoding",
        Obj::Responses => "`responses`",
        Obj::Response => "a response",
        Obj::Header => "a header",
        Obj::Example => "an example",
        Obj::Link => "a link",
        Obj::Components => "`components`",
        Obj::Schema => "a schema",
        Obj::Discriminator => "a discriminator",
        Obj::Xml => "`xml`",
        Obj::SecurityScheme => "a security scheme",
        Obj::OAuthFlows => "`flows`",
        Obj::OAuthFlow => "an OAuth flow",
        Obj::Tag => "a tag",
    }
}

fn kind_of(obj: Obj) -> Option<Kind> {
    Some(match obj {
        Obj::Schema => Kind::Schema,
        Obj::Response => Kind::Response,
        Obj::Parameter => Kind::Parameter,
        Obj::Example => Kind::Example,
        Obj::RequestBody => Kind::RequestBody,
        Obj::Header => Kind::Header,
        Obj::SecurityScheme => Kind::SecurityScheme,
        Obj::Link => Kind::Link,
        Obj::PathItem => Kind::PathItem,
        _ => return None,
    })
}

const SCHEMA_TYPES: &[&str] = &["string", "number", "integer", "boolean", "array", "object"];

#[derive(Default)]
struct Checker {
    path: Vec<String>,
    faults: Vec<Fault>,
    references: Vec<Reference>,
}

/// How a YAML value reads in a message.
pub fn describe(value: &Value) -> String {
    match value {
        Value::Null => "an empty value".to_owned(),
        Value::Bool(b) => format!("`{b}`"),
        Value::Number(n) => format!("the number `{n}`"),
        Value::String(s) => format!("the text `{}`", short(s)),
        Value::Sequence(_) => "a list".to_owned(),
        Value::Mapping(_) => "a mapping".to_owned(),
        Value::Tagged(_) => "a tagged value".to_owned(),
    }
}

/// A value cut to a length fit for a one-line message.
pub fn short(text: &str) -> String {
    let one_line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let mut chars = one_line.chars();
    let cut: String = chars.by_ref().take(40).collect();
    if chars.next().is_some() {
        format!("{cut}...")
    } else {
        cut
    }
}

pub(crate) fn key_text(key: &Value) -> String {
    match key {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => "~".to_owned(),
        _ => "?".to_owned(),
    }
}

impl Checker {
    fn fault(&mut self, at: At, message: impl Into<String>, help: impl Into<String>) {
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
            Shape::Str => {
                if !value.is_string() {
                    let key = self.last_key();
                    let help = match value {
                        Value::Number(n) => format!("quote it to make it text: `{key}: '{n}'`"),
                        Value::Bool(b) => format!("quote it to make it text: `{key}: '{b}'`"),
                        _ => format!("write text after `{key}:`"),
                    };
                    self.mismatch(value, "text", help);
                }
            }
            Shape::Bool => {
                if !value.is_bool() {
                    let key = self.last_key();
                    self.mismatch(
                        value,
                        "true or false",
                        format!("write `{key}: true` or `{key}: false`"),
                    );
                }
            }
            Shape::Num => {
                if !value.is_number() {
                    let key = self.last_key();
                    self.mismatch(
                        value,
                        "a number",
                        format!("write a number without quotes, e.g. `{key}: 10`"),
                    );
                }
            }
            Shape::Count => {
                if value.as_u64().is_none() {
                    let key = self.last_key();
                    self.mismatch(
                        value,
                        "a whole number (0 or more)",
                        format!("write a whole number without quotes, e.g. `{key}: 10`"),
                    );
                }
            }
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
            Shape::RefOr(obj) => {
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

    /// Rules beyond the types of fields.
    fn object_rules(&mut self, map: &Mapping, obj: Obj) {
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

/// `the parameter `limit``, `an operation`, ...: an object for a message.
fn describe_object(map: &Mapping, obj: Obj) -> String {
    match (obj, map.get("name").and_then(Value::as_str)) {
        (Obj::Parameter | Obj::Tag, Some(name)) => {
            format!("the {} `{}`", &noun(obj)[2..], short(name))
        }
        _ => noun(obj).to_owned(),
    }
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Levenshtein distance, for "did you mean" suggestions (short words only).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().take(64).collect();
    let b: Vec<char> = b.chars().take(64).collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            current.push(
                (previous[j] + cost)
                    .min(previous[j + 1] + 1)
                    .min(current[j] + 1),
            );
        }
        previous = current;
    }
    previous[b.len()]
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
