//! Responses as generated code reads them: a `RawResponse` not yet read, which the generated
//! code reads as its spec documents the status (a JSON, text, empty or streamed success; a typed
//! error body; an undocumented status).

use crate::deadline::Deadline;
use crate::error::{snippet, ApiError, Error};
use crate::response::{ByteStream, Response};
use bytes::Bytes;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

/// An answer not yet read: generated code picks how to read it from its status.
pub(crate) struct RawResponse {
    status: u16,
    request_id: Option<String>,
    response: reqwest::Response,
    deadline: Deadline,
}

impl RawResponse {
    /// `deadline` still bounds the reading of the body.
    pub(super) fn new(
        status: u16,
        request_id: Option<String>,
        response: reqwest::Response,
        deadline: Deadline,
    ) -> Self {
        RawResponse {
            status,
            request_id,
            response,
            deadline,
        }
    }

    async fn bytes<E>(self) -> Result<(u16, HeaderMap, Bytes), Error<E>> {
        let status = self.status;
        let headers = self.response.headers().clone();
        let read = self.response.bytes();
        let body = self
            .deadline
            .bound(read)
            .await?
            .map_err(|source| Error::Transport {
                source,
                attempts: 1,
            })?;
        Ok((status, headers, body))
    }

    async fn api_error<E>(self, typed: impl FnOnce(&[u8]) -> Option<E>) -> Error<E> {
        let request_id = self.request_id.clone();
        let (status, _, body) = match self.bytes::<E>().await {
            Ok(read) => read,
            Err(e) => return e,
        };
        let (code, message) = error_fields(&body);
        Error::Api(Box::new(ApiError {
            status,
            code,
            message,
            request_id,
            typed: typed(&body),
            body: String::from_utf8_lossy(&body).into_owned(),
        }))
    }
}

// Generated code reads the answers its spec documents (JSON, text, empty or streamed successes;
// JSON, text or empty error bodies); the other readers are unused in that build.
#[allow(dead_code)]
impl RawResponse {
    pub(crate) fn status(&self) -> u16 {
        self.status
    }

    /// A JSON body of the documented type.
    pub(crate) async fn json<T: DeserializeOwned, E>(self) -> Result<Response<T>, Error<E>> {
        let request_id = self.request_id.clone();
        let (status, headers, body) = self.bytes().await?;
        // An empty body reads as `{}`, which fits bodies made only of optional fields.
        let text: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
            b"{}"
        } else {
            &body
        };
        match serde_json::from_slice(text) {
            Ok(value) => Ok(Response::new(status, headers, value)),
            Err(e) => Err(Error::Decode {
                status,
                request_id,
                message: e.to_string(),
                snippet: snippet(&String::from_utf8_lossy(&body)),
            }),
        }
    }

    /// A success with no body.
    pub(crate) async fn empty<E>(self) -> Result<Response<()>, Error<E>> {
        let (status, headers, _) = self.bytes().await?;
        Ok(Response::new(status, headers, ()))
    }

    /// A text body.
    pub(crate) async fn text<E>(self) -> Result<Response<String>, Error<E>> {
        let (status, headers, body) = self.bytes().await?;
        Ok(Response::new(
            status,
            headers,
            String::from_utf8_lossy(&body).into_owned(),
        ))
    }

    /// A binary body, left unread for the caller to stream.
    pub(crate) fn stream<E>(self) -> Result<Response<ByteStream>, Error<E>> {
        let headers = self.response.headers().clone();
        Ok(Response::new(
            self.status,
            headers,
            ByteStream::new(self.response, self.deadline),
        ))
    }

    /// A documented error status with a JSON body.
    pub(crate) async fn error_json<B: DeserializeOwned, E, T>(
        self,
        wrap: impl FnOnce(B) -> E,
    ) -> Result<Response<T>, Error<E>> {
        Err(self
            .api_error(|body| serde_json::from_slice(body).ok().map(wrap))
            .await)
    }

    /// A documented error status with a text body.
    pub(crate) async fn error_text<E, T>(
        self,
        wrap: impl FnOnce(String) -> E,
    ) -> Result<Response<T>, Error<E>> {
        Err(self
            .api_error(|body| Some(wrap(String::from_utf8_lossy(body).into_owned())))
            .await)
    }

    /// A documented error status with no body.
    pub(crate) async fn error_empty<E, T>(self, value: E) -> Result<Response<T>, Error<E>> {
        Err(self.api_error(|_| Some(value)).await)
    }

    /// A status the spec does not document.
    pub(crate) async fn unexpected<E, T>(self) -> Result<Response<T>, Error<E>> {
        Err(self.api_error(|_| None).await)
    }
}

/// Code and message from SecMaster's `{code, message}` or the gateway's `{error_code, error_msg}`.
fn error_fields(body: &[u8]) -> (Option<String>, Option<String>) {
    let Ok(serde_json::Value::Object(object)) = serde_json::from_slice::<serde_json::Value>(body)
    else {
        return (None, None);
    };
    let text = |keys: &[&str]| {
        keys.iter().find_map(|k| match object.get(*k) {
            Some(serde_json::Value::String(s)) => Some(s.clone()),
            Some(serde_json::Value::Number(n)) => Some(n.to_string()),
            _ => None,
        })
    };
    (
        text(&["code", "error_code"]),
        text(&["message", "error_msg"]),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_error_body_shapes() {
        assert_eq!(
            error_fields(br#"{"code":"SecMaster.1","message":"bad"}"#),
            (Some("SecMaster.1".into()), Some("bad".into()))
        );
        assert_eq!(
            error_fields(br#"{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information"}"#),
            (Some("APIGW.0301".into()), Some("Incorrect IAM authentication information".into()))
        );
        assert_eq!(error_fields(b"<html>"), (None, None));
    }
}
