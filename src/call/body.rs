//! Request bodies: what generated code attaches (JSON, a binary file, multipart form parts), how
//! each attempt puts it on a request (files are opened anew every time), and whether it can be
//! sent again for a retry (known once the first attempt has looked at its sources).

use crate::activity::Activity;
use crate::error::Error;
use crate::headers::header_value;
use crate::upload::UploadFile;
use bytes::Bytes;
use reqwest::header::{CONTENT_LENGTH, CONTENT_TYPE};
use reqwest::RequestBuilder;
use std::sync::Arc;

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

/// One attempt's body, put on its request.
pub(super) struct Attached {
    pub(super) builder: RequestBuilder,
    /// The bytes AK/SK signing hashes: `None` for a streamed body, signed as `UNSIGNED-PAYLOAD`.
    pub(super) signed_payload: Option<Bytes>,
    /// Whether the same body can be put on another attempt (a pipe or stream cannot).
    pub(super) replayable: bool,
}

impl RequestBody {
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

    /// Puts the body on one attempt's request; streamed parts report to `activity` as they go
    /// out.
    pub(super) async fn attach(
        &self,
        builder: RequestBuilder,
        activity: &Arc<Activity>,
    ) -> Result<Attached, Error> {
        match self {
            RequestBody::Empty => Ok(Attached {
                builder,
                signed_payload: Some(Bytes::new()),
                replayable: true,
            }),
            RequestBody::Json(bytes) => Ok(Attached {
                builder: builder
                    .header(CONTENT_TYPE, "application/json")
                    .body(bytes.clone()),
                signed_payload: Some(bytes.clone()),
                replayable: true,
            }),
            RequestBody::Binary(file) => {
                let attempt = file.body(activity).await?;
                let mut builder = builder.header(
                    CONTENT_TYPE,
                    header_value("the content type", file.content_type_or_default())?,
                );
                if let Some(len) = attempt.len {
                    builder = builder.header(CONTENT_LENGTH, len);
                }
                Ok(Attached {
                    builder: builder.body(attempt.body),
                    signed_payload: None,
                    replayable: attempt.replayable,
                })
            }
            RequestBody::Multipart(parts) => {
                let mut form = reqwest::multipart::Form::new();
                let mut replayable = true;
                for (name, value) in parts {
                    form = match value {
                        FormValue::Text(text) => form.text(*name, text.clone()),
                        FormValue::Json(json) => form.part(
                            *name,
                            reqwest::multipart::Part::text(json.clone())
                                .mime_str("application/json")
                                .map_err(|e| Error::invalid(e.to_string()))?,
                        ),
                        FormValue::File(file) => {
                            let (part, part_replayable) = file_part(file, activity).await?;
                            replayable &= part_replayable;
                            form.part(*name, part)
                        }
                    };
                }
                Ok(Attached {
                    builder: builder.multipart(form),
                    signed_payload: None,
                    replayable,
                })
            }
        }
    }
}

async fn file_part(
    file: &UploadFile,
    activity: &Arc<Activity>,
) -> Result<(reqwest::multipart::Part, bool), Error> {
    let attempt = file.body(activity).await?;
    let part = match attempt.len {
        Some(len) => reqwest::multipart::Part::stream_with_length(attempt.body, len),
        None => reqwest::multipart::Part::stream(attempt.body),
    };
    let part = match file.name() {
        Some(name) => {
            header_value("the file name", name)?;
            part.file_name(name.to_owned())
        }
        None => part,
    };
    let part = part.mime_str(file.content_type_or_default()).map_err(|_| {
        Error::invalid(format!(
            "`{}` is not a valid content type",
            file.content_type_or_default()
        ))
    })?;
    Ok((part, attempt.replayable))
}
