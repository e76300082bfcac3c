//! Request bodies: what generated code attaches (JSON, a binary file, multipart form parts),
//! whether it can be sent again for a retry, and how each attempt puts it on a request (files are
//! opened anew every time).

use crate::error::Error;
use crate::headers::header_value;
use crate::upload::UploadFile;
use bytes::Bytes;
use reqwest::header::{CONTENT_LENGTH, CONTENT_TYPE};
use reqwest::RequestBuilder;

// Generated code builds the kinds of body its spec uses; the others are unused in that build.
#[allow(dead_code)]
pub(crate) enum RequestBody {
    Empty,
    Json(Bytes),
    Binary(UploadFile),
    Multipart(Vec<(&'static str, FormValue)>),
}

#[allow(dead_code)]
pub(crate) enum FormValue {
    Text(String),
    Json(String),
    File(UploadFile),
}

impl RequestBody {
    /// Whether every part can be sent again (a one-shot stream cannot).
    pub(super) fn is_replayable(&self) -> bool {
        match self {
            RequestBody::Empty | RequestBody::Json(_) => true,
            RequestBody::Binary(file) => file.is_replayable(),
            RequestBody::Multipart(parts) => parts.iter().all(|(_, value)| match value {
                FormValue::Text(_) | FormValue::Json(_) => true,
                FormValue::File(file) => file.is_replayable(),
            }),
        }
    }

    /// The form's parts, turning the body into a form first if it is not one.
    pub(super) fn form_parts(&mut self) -> &mut Vec<(&'static str, FormValue)> {
        if !matches!(self, RequestBody::Multipart(_)) {
            *self = RequestBody::Multipart(Vec::new());
        }
        match self {
            RequestBody::Multipart(parts) => parts,
            _ => unreachable!("set to multipart just above"),
        }
    }

    /// Puts the body on one attempt's request. Also returns the bytes AK/SK signing hashes:
    /// `None` for a streamed body, which is signed as `UNSIGNED-PAYLOAD`.
    pub(super) async fn attach<E>(
        &self,
        builder: RequestBuilder,
    ) -> Result<(RequestBuilder, Option<Bytes>), Error<E>> {
        match self {
            RequestBody::Empty => Ok((builder, Some(Bytes::new()))),
            RequestBody::Json(bytes) => Ok((
                builder
                    .header(CONTENT_TYPE, "application/json")
                    .body(bytes.clone()),
                Some(bytes.clone()),
            )),
            RequestBody::Binary(file) => {
                let (body, len) = file.body().await?;
                let mut builder = builder.header(
                    CONTENT_TYPE,
                    header_value::<E>("the content type", file.content_type_or_default())?,
                );
                if let Some(len) = len {
                    builder = builder.header(CONTENT_LENGTH, len);
                }
                Ok((builder.body(body), None))
            }
            RequestBody::Multipart(parts) => {
                let mut form = reqwest::multipart::Form::new();
                for (name, value) in parts {
                    form = match value {
                        FormValue::Text(text) => form.text(*name, text.clone()),
                        FormValue::Json(json) => form.part(
                            *name,
                            reqwest::multipart::Part::text(json.clone())
                                .mime_str("application/json")
                                .map_err(|e| Error::invalid(e.to_string()))?,
                        ),
                        FormValue::File(file) => form.part(*name, file_part(file).await?),
                    };
                }
                Ok((builder.multipart(form), None))
            }
        }
    }
}

async fn file_part<E>(file: &UploadFile) -> Result<reqwest::multipart::Part, Error<E>> {
    let (body, len) = file.body().await?;
    let part = match len {
        Some(len) => reqwest::multipart::Part::stream_with_length(body, len),
        None => reqwest::multipart::Part::stream(body),
    };
    let part = match file.name() {
        Some(name) => {
            header_value::<E>("the file name", name)?;
            part.file_name(name.to_owned())
        }
        None => part,
    };
    part.mime_str(file.content_type_or_default()).map_err(|_| {
        Error::invalid(format!(
            "`{}` is not a valid content type",
            file.content_type_or_default()
        ))
    })
}
