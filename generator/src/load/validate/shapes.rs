//! The structure of OpenAPI 3.0 as data: the objects, the fields each may have with the shape of
//! their values, the fields each must have, and how each is named in messages. The checker walks
//! a document with these tables in hand.
//!
//! Most of this file is one table, split by object (one constant per object with many fields).

use crate::reference::Kind;
use crate::text::short;
use serde_yaml::{Mapping, Value};
use Shape::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Obj {
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
pub(super) enum Shape {
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

pub(super) const SCHEMA: Shape = Shape::RefOr(Obj::Schema);
pub(super) const SCHEMAS: Shape = Shape::List(&SCHEMA);
pub(super) const STRINGS: Shape = Shape::List(&Shape::Str);
pub(super) const SERVERS: Shape = Shape::List(&Shape::Of(Obj::Server));
pub(super) const SECURITY: Shape = Shape::List(&Shape::Map(&STRINGS));
pub(super) const PARAMETERS: Shape = Shape::List(&Shape::RefOr(Obj::Parameter));
pub(super) const EXAMPLES: Shape = Shape::Map(&Shape::RefOr(Obj::Example));
pub(super) const CONTENT: Shape = Shape::Map(&Shape::Of(Obj::MediaType));
pub(super) const HEADERS: Shape = Shape::Map(&Shape::RefOr(Obj::Header));
pub(super) const EXTERNAL_DOCS: Shape = Shape::Of(Obj::ExternalDocs);
pub(super) const OPERATION: Shape = Shape::Of(Obj::Operation);
pub(super) const CALLBACKS: Shape = Shape::Unsupported(
    "callbacks are not supported",
    "remove `callbacks`: the client makes requests and serves none",
);

/// The fields OpenAPI 3.0 defines for each object, with the shape of their values.
pub(super) fn fields(obj: Obj) -> &'static [(&'static str, Shape)] {
    match obj {
        Obj::Document => DOCUMENT_FIELDS,
        Obj::Info => INFO_FIELDS,
        Obj::Contact => &[("name", Str), ("url", Str), ("email", Str)],
        Obj::License => &[("name", Str), ("url", Str)],
        Obj::Server => SERVER_FIELDS,
        Obj::ServerVariable => &[("enum", STRINGS), ("default", Str), ("description", Str)],
        Obj::Paths => &[],
        Obj::PathItem => PATH_ITEM_FIELDS,
        Obj::Operation => OPERATION_FIELDS,
        Obj::ExternalDocs => &[("description", Str), ("url", Str)],
        Obj::Parameter => PARAMETER_FIELDS,
        Obj::Header => HEADER_FIELDS,
        Obj::RequestBody => REQUEST_BODY_FIELDS,
        Obj::MediaType => MEDIA_TYPE_FIELDS,
        Obj::Encoding => ENCODING_FIELDS,
        Obj::Responses => &[],
        Obj::Response => RESPONSE_FIELDS,
        Obj::Example => EXAMPLE_FIELDS,
        Obj::Link => LINK_FIELDS,
        Obj::Components => COMPONENTS_FIELDS,
        Obj::Schema => SCHEMA_FIELDS,
        Obj::Discriminator => &[("propertyName", Str), ("mapping", Map(&Str))],
        Obj::Xml => XML_FIELDS,
        Obj::SecurityScheme => SECURITY_SCHEME_FIELDS,
        Obj::OAuthFlows => OAUTH_FLOWS_FIELDS,
        Obj::OAuthFlow => OAUTH_FLOW_FIELDS,
        Obj::Tag => TAG_FIELDS,
    }
}

const DOCUMENT_FIELDS: &[(&str, Shape)] = &[
    ("openapi", Str),
    ("info", Of(Obj::Info)),
    ("servers", SERVERS),
    ("paths", Of(Obj::Paths)),
    ("components", Of(Obj::Components)),
    ("security", SECURITY),
    ("tags", List(&Of(Obj::Tag))),
    ("externalDocs", EXTERNAL_DOCS),
];

const INFO_FIELDS: &[(&str, Shape)] = &[
    ("title", Str),
    ("description", Str),
    ("termsOfService", Str),
    ("contact", Of(Obj::Contact)),
    ("license", Of(Obj::License)),
    ("version", Str),
];

const SERVER_FIELDS: &[(&str, Shape)] = &[
    ("url", Str),
    ("description", Str),
    ("variables", Map(&Of(Obj::ServerVariable))),
];

const PATH_ITEM_FIELDS: &[(&str, Shape)] = &[
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
];

const OPERATION_FIELDS: &[(&str, Shape)] = &[
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
];

const PARAMETER_FIELDS: &[(&str, Shape)] = &[
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
];

const HEADER_FIELDS: &[(&str, Shape)] = &[
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
];

const REQUEST_BODY_FIELDS: &[(&str, Shape)] = &[
    ("description", Str),
    ("content", CONTENT),
    ("required", Bool),
];

const MEDIA_TYPE_FIELDS: &[(&str, Shape)] = &[
    ("schema", SCHEMA),
    ("example", Any),
    ("examples", EXAMPLES),
    ("encoding", Map(&Of(Obj::Encoding))),
];

const ENCODING_FIELDS: &[(&str, Shape)] = &[
    ("contentType", Str),
    ("headers", HEADERS),
    ("style", Str),
    ("explode", Bool),
    ("allowReserved", Bool),
];

const RESPONSE_FIELDS: &[(&str, Shape)] = &[
    ("description", Str),
    ("headers", HEADERS),
    ("content", CONTENT),
    ("links", Map(&RefOr(self::Obj::Link))),
];

const EXAMPLE_FIELDS: &[(&str, Shape)] = &[
    ("summary", Str),
    ("description", Str),
    ("value", Any),
    ("externalValue", Str),
];

const LINK_FIELDS: &[(&str, Shape)] = &[
    ("operationRef", Str),
    ("operationId", Str),
    ("parameters", Map(&Any)),
    ("requestBody", Any),
    ("description", Str),
    ("server", Of(Obj::Server)),
];

const COMPONENTS_FIELDS: &[(&str, Shape)] = &[
    ("schemas", Map(&SCHEMA)),
    ("responses", Map(&RefOr(self::Obj::Response))),
    ("parameters", Map(&RefOr(self::Obj::Parameter))),
    ("examples", EXAMPLES),
    ("requestBodies", Map(&RefOr(self::Obj::RequestBody))),
    ("headers", HEADERS),
    ("securitySchemes", Map(&RefOr(self::Obj::SecurityScheme))),
    ("links", Map(&RefOr(self::Obj::Link))),
    ("callbacks", CALLBACKS),
];

const SCHEMA_FIELDS: &[(&str, Shape)] = &[
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
];

const XML_FIELDS: &[(&str, Shape)] = &[
    ("name", Str),
    ("namespace", Str),
    ("prefix", Str),
    ("attribute", Bool),
    ("wrapped", Bool),
];

const SECURITY_SCHEME_FIELDS: &[(&str, Shape)] = &[
    ("type", Str),
    ("description", Str),
    ("name", Str),
    ("in", Str),
    ("scheme", Str),
    ("bearerFormat", Str),
    ("flows", Of(Obj::OAuthFlows)),
    ("openIdConnectUrl", Str),
];

const OAUTH_FLOWS_FIELDS: &[(&str, Shape)] = &[
    ("implicit", Of(Obj::OAuthFlow)),
    ("password", Of(Obj::OAuthFlow)),
    ("clientCredentials", Of(Obj::OAuthFlow)),
    ("authorizationCode", Of(Obj::OAuthFlow)),
];

const OAUTH_FLOW_FIELDS: &[(&str, Shape)] = &[
    ("authorizationUrl", Str),
    ("tokenUrl", Str),
    ("refreshUrl", Str),
    ("scopes", Map(&Str)),
];

const TAG_FIELDS: &[(&str, Shape)] = &[
    ("name", Str),
    ("description", Str),
    ("externalDocs", EXTERNAL_DOCS),
];

/// The fields each object must have.
pub(super) fn required(obj: Obj) -> &'static [&'static str] {
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

/// How an object is named in messages.
pub(super) fn noun(obj: Obj) -> &'static str {
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

/// The kind of component a `$ref` at the place of this object must point to.
pub(super) fn kind_of(obj: Obj) -> Option<Kind> {
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

pub(super) const SCHEMA_TYPES: &[&str] =
    &["string", "number", "integer", "boolean", "array", "object"];

/// `the parameter `limit``, `an operation`, ...: an object for a message.
pub(super) fn describe_object(map: &Mapping, obj: Obj) -> String {
    match (obj, map.get("name").and_then(Value::as_str)) {
        (Obj::Parameter | Obj::Tag, Some(name)) => {
            format!("the {} `{}`", &noun(obj)[2..], short(name))
        }
        _ => noun(obj).to_owned(),
    }
}
