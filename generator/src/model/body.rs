//! Request and response bodies, by media type: JSON (a type), `multipart/form-data` (one
//! argument per form field, files as uploads), `application/octet-stream` (an upload or a byte
//! stream) and text.

use super::docs::{description_lines, schema_docs};
use super::{Body, Builder, Docs, FormField, Here, ResponseBody, TypeRef};
use crate::names::{pascal, Namespace};
use crate::reference::Kind;
use openapiv3::{
    MediaType, ReferenceOr, Schema, SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty,
};

impl Builder<'_> {
    pub(super) fn request_body(
        &mut self,
        body: &ReferenceOr<openapiv3::RequestBody>,
        type_name: &str,
        here: &Here,
        arg_names: &mut Namespace,
    ) -> Option<Body> {
        let body = self.resolve(body, Kind::RequestBody, "request body", here, |c| {
            &c.request_bodies
        })?;
        let docs: Docs = body
            .description
            .iter()
            .flat_map(|d| description_lines(d))
            .collect();
        if let Some((key, media)) = find_media_entry(&body.content, is_json) {
            let ty = match &media.schema {
                Some(schema) => self.schema_type(
                    schema,
                    &format!("{type_name}Body"),
                    &here.join(&["content", key, "schema"]),
                ),
                None => TypeRef::Value,
            };
            return Some(Body::Json {
                name: arg_names.claim("body", "_"),
                ty,
                required: body.required,
                docs: or_else(docs, "The request body."),
            });
        }
        if let Some((key, media)) = find_media_entry(&body.content, |m| m == "multipart/form-data")
        {
            let here = here.join(&["content", key, "schema"]);
            return Some(self.multipart(media, body.required, type_name, &here, arg_names));
        }
        if find_media(&body.content, |m| m == "application/octet-stream").is_some() {
            return Some(Body::Binary {
                name: arg_names.claim("body", "_"),
                required: body.required,
                docs: or_else(docs, "The content to upload."),
            });
        }
        let types: Vec<String> = body
            .content
            .keys()
            .map(|t| format!("`{}`", crate::text::short(t)))
            .collect();
        let (at, message) = match body.content.keys().next() {
            Some(first) => (
                here.join(&["content", first]),
                format!(
                    "the client cannot send a request body of type {}",
                    types.join(", ")
                ),
            ),
            None => (
                here.join(&["content"]),
                "the request body has no content type".to_owned(),
            ),
        };
        self.error(
            &at.path,
            message,
            "describe the body as `application/json`, `multipart/form-data` or `application/octet-stream`",
        );
        None
    }

    pub(super) fn multipart(
        &mut self,
        media: &MediaType,
        body_required: bool,
        type_name: &str,
        here: &Here,
        arg_names: &mut Namespace,
    ) -> Body {
        let schema = match &media.schema {
            Some(ReferenceOr::Item(s)) => Some(s.clone()),
            Some(ReferenceOr::Reference { reference }) => match reference
                .strip_prefix("#/components/schemas/")
                .and_then(|n| self.spec.document.components.as_ref()?.schemas.get(n))
            {
                Some(ReferenceOr::Item(s)) => Some(s.clone()),
                _ => {
                    self.reference_type(reference, here);
                    None
                }
            },
            None => None,
        };
        let Some(Schema {
            schema_kind: SchemaKind::Type(Type::Object(object)),
            ..
        }) = schema
        else {
            self.error(
                &here.path,
                "a multipart/form-data body needs an object schema with properties",
                "describe each form field under `schema: properties:`",
            );
            return Body::Multipart { fields: Vec::new() };
        };
        let mut fields = Vec::new();
        for (wire_name, property) in &object.properties {
            let (is_file, docs, ty) = match property {
                ReferenceOr::Item(s) => {
                    let is_file = matches!(&s.schema_kind, SchemaKind::Type(Type::String(st)) if matches!(st.format, VariantOrUnknownOrEmpty::Item(StringFormat::Binary)));
                    let ty = if is_file {
                        None
                    } else {
                        Some(self.inline_type(
                            s,
                            &format!("{type_name}{}", pascal(wire_name)),
                            &here.join(&["properties", wire_name]),
                        ))
                    };
                    (is_file, schema_docs(s), ty)
                }
                ReferenceOr::Reference { reference } => (
                    false,
                    Vec::new(),
                    Some(self.reference_type(reference, &here.join(&["properties", wire_name]))),
                ),
            };
            let docs = if docs.iter().all(|l| l.trim().is_empty()) {
                vec![format!("The `{wire_name}` form field.")]
            } else {
                docs
            };
            let json = ty.as_ref().is_some_and(|ty| !self.is_plain_value(ty));
            fields.push(FormField {
                name: arg_names.claim_snake(wire_name),
                wire_name: wire_name.clone(),
                required: body_required && object.required.contains(wire_name),
                docs,
                text: if is_file { None } else { ty },
                json,
            });
        }
        Body::Multipart { fields }
    }

    pub(super) fn response_body(
        &mut self,
        content: &indexmap::IndexMap<String, MediaType>,
        place: &str,
        here: &Here,
    ) -> ResponseBody {
        if content.is_empty() {
            return ResponseBody::Empty;
        }
        if let Some((key, media)) = find_media_entry(content, is_json) {
            return match &media.schema {
                Some(schema) => ResponseBody::Json(self.schema_type(
                    schema,
                    place,
                    &here.join(&["content", key, "schema"]),
                )),
                None => ResponseBody::Json(TypeRef::Value),
            };
        }
        if find_media(content, |m| m.starts_with("text/")).is_some() {
            return ResponseBody::Text;
        }
        ResponseBody::Binary
    }
}

fn media_essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

fn is_json(media_type: &str) -> bool {
    media_type == "application/json" || media_type.ends_with("+json")
}

fn find_media(
    content: &indexmap::IndexMap<String, MediaType>,
    wanted: impl Fn(&str) -> bool,
) -> Option<&MediaType> {
    find_media_entry(content, wanted).map(|(_, media)| media)
}

/// The first media type of `content` that is `wanted`, with its key.
fn find_media_entry(
    content: &indexmap::IndexMap<String, MediaType>,
    wanted: impl Fn(&str) -> bool,
) -> Option<(&str, &MediaType)> {
    content
        .iter()
        .find(|(name, _)| wanted(&media_essence(name)))
        .map(|(name, media)| (name.as_str(), media))
}

/// `docs`, or `fallback` when there are none.
fn or_else(docs: Docs, fallback: &str) -> Docs {
    if docs.is_empty() {
        vec![fallback.to_owned()]
    } else {
        docs
    }
}
