//! The spec/ conventions an imported operation follows, and the shared components they use.
//!
//! These components are copied word for word from `spec/workflows.yaml`, so that an imported
//! document merges with the existing spec files (identical components are merged; different ones
//! with the same name are an error). The tests compare them with the spec file.

use serde_yaml::{Mapping, Value};

/// Builds a mapping whose keys keep the given order.
pub(crate) fn map<K: Into<String>>(pairs: impl IntoIterator<Item = (K, Value)>) -> Value {
    let mut m = Mapping::new();
    for (k, v) in pairs {
        m.insert(Value::String(k.into()), v);
    }
    Value::Mapping(m)
}

pub(crate) fn s(text: &str) -> Value {
    Value::String(text.to_string())
}

pub(crate) const SECURITY_SCHEME: &str = "iam_token";

/// `security: [{iam_token: []}]`.
pub(crate) fn security_requirement() -> Value {
    Value::Sequence(vec![map([(SECURITY_SCHEME, Value::Sequence(vec![]))])])
}

/// `components.securitySchemes.iam_token`.
pub(crate) fn iam_token_scheme() -> Value {
    map([
        ("type", s("apiKey")),
        ("in", s("header")),
        ("name", s("X-Auth-Token")),
        (
            "description",
            s("IAM user token, the `X-Subject-Token` response header of IAM's \"obtain a user token\" API. \
               The client sends it, or signs the request with an AK/SK pair instead."),
        ),
    ])
}

/// The servers block every spec file carries.
pub(crate) fn servers() -> Value {
    Value::Sequence(vec![map([
        ("url", s("https://secmaster.{region}.myhuaweicloud.com")),
        (
            "variables",
            map([(
                "region",
                map([
                    ("default", s("cn-north-4")),
                    ("description", s("Region that serves SecMaster.")),
                ]),
            )]),
        ),
    ])])
}

/// Shared path parameters: `components.parameters.<name>`, when the page's parameter is a string.
pub(crate) fn shared_path_parameter(name: &str) -> Option<Value> {
    let description = match name {
        "project_id" => {
            "ID of the project the resources belong to; the IAM console and API list it."
        }
        "workspace_id" => "ID of the SecMaster workspace.",
        _ => return None,
    };
    Some(map([
        ("name", s(name)),
        ("in", s("path")),
        ("required", Value::Bool(true)),
        ("description", s(description)),
        ("schema", map([("type", s("string"))])),
    ]))
}

pub(crate) const ERROR_BODY: &str = "ErrorBody";

/// `components.schemas.ErrorBody`: the `{code, message}` body of SecMaster's error answers.
pub(crate) fn error_body() -> Value {
    map([
        ("type", s("object")),
        ("description", s("Error answer of SecMaster itself.")),
        (
            "properties",
            map([
                (
                    "code",
                    map([("type", s("string")), ("description", s("Error code."))]),
                ),
                (
                    "message",
                    map([
                        ("type", s("string")),
                        ("description", s("Error description.")),
                    ]),
                ),
            ]),
        ),
    ])
}

/// `$ref` to a component.
pub(crate) fn reference(section: &str, name: &str) -> Value {
    map([("$ref", s(&format!("#/components/{section}/{name}")))])
}
