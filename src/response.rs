//! Successful answers as the caller holds them: the typed body with the status and headers it came
//! with (and what its envelope says of the outcome), and binary bodies as a stream (still bound by
//! the call's deadline and read timeout) that can be saved to a file without being held in memory.

use crate::deadline::Deadline;
use crate::error::{Error, Rejection};
use bytes::Bytes;
use futures_util::Stream;
use reqwest::header::HeaderMap;
use std::ops::Deref;
use std::path::Path;
use std::time::Duration;
use tokio::io::{AsyncWrite, AsyncWriteExt};

/// A successful answer: the body as the spec describes it, with the status and headers.
/// Dereferences to the body.
///
/// Most SecMaster answers wrap their data in an envelope, `{code, message, success, ...}`, and a
/// few operations answer 200 with `success: false` when they did not do what was asked. A call
/// hands such an answer back as it came; [`Response::checked`] (or [`Response::rejection`]) is
/// the check:
///
/// ```no_run
/// # async fn run(workspace: secmaster::WorkspaceClient) -> Result<(), Box<dyn std::error::Error>> {
/// use secmaster::{Response, UploadFile};
/// let imported = workspace
///     .import_aopworkflow(UploadFile::from_path("workflow.json"))
///     .await
///     .and_then(Response::checked)?; // Error::Rejected on `success: false`
/// # let _ = imported; Ok(()) }
/// ```
#[derive(Debug)]
pub struct Response<T> {
    status: u16,
    headers: HeaderMap,
    body: T,
    rejection: Option<Box<Rejection>>,
}

impl<T> Response<T> {
    pub(crate) fn new(status: u16, headers: HeaderMap, body: T) -> Self {
        Response {
            status,
            headers,
            body,
            rejection: None,
        }
    }

    pub(crate) fn with_rejection(mut self, rejection: Option<Rejection>) -> Self {
        self.rejection = rejection.map(Box::new);
        self
    }

    /// What the answer's envelope says when it says `success: false` (its `code`, `message` and
    /// request id); `None` when the answer has no envelope, no `success` field, or
    /// `success: true`. Read from the JSON as received, whatever the answer's type.
    pub fn rejection(&self) -> Option<&Rejection> {
        self.rejection.as_deref()
    }

    /// The answer, or [`Error::Rejected`] when its envelope says `success: false`. Fits after a
    /// call: `.await.and_then(Response::checked)`.
    pub fn checked<E>(self) -> Result<Self, Error<E>> {
        match self.rejection {
            Some(rejection) => Err(Error::Rejected(rejection)),
            None => Ok(self),
        }
    }

    /// The HTTP status code.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// All response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// A response header as text, if present and valid text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The `X-Request-Id` of the answer: what a support ticket asks for.
    pub fn request_id(&self) -> Option<&str> {
        self.header("x-request-id")
    }

    /// The body.
    pub fn body(&self) -> &T {
        &self.body
    }

    /// The body, dropping status and headers.
    pub fn into_inner(self) -> T {
        self.body
    }

    /// Converts the body, keeping status and headers.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response {
            status: self.status,
            headers: self.headers,
            body: f(self.body),
            rejection: self.rejection,
        }
    }
}

impl<T> Deref for Response<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.body
    }
}

/// A binary answer (e.g. an exported workflow), read as it arrives so that it never has to fit
/// in memory.
#[derive(Debug)]
pub struct ByteStream {
    inner: reqwest::Response,
    status: u16,
    request_id: Option<String>,
    deadline: Deadline,
    idle: Option<Duration>,
}

impl ByteStream {
    pub(crate) fn new(
        inner: reqwest::Response,
        status: u16,
        request_id: Option<String>,
        deadline: Deadline,
        idle: Option<Duration>,
    ) -> Self {
        ByteStream {
            inner,
            status,
            request_id,
            deadline,
            idle,
        }
    }

    /// The length the server announced, if any.
    pub fn content_length(&self) -> Option<u64> {
        self.inner.content_length()
    }

    /// The next piece of the body, or `None` at its end: [`Error::Timeout`] past the call's
    /// total timeout, [`Error::Stalled`] when nothing arrives for the read timeout,
    /// [`Error::AnswerLost`] when the connection fails.
    pub async fn chunk(&mut self) -> Result<Option<Bytes>, Error> {
        let read = self.inner.chunk();
        let result = match self.idle {
            Some(idle) => match self
                .deadline
                .bound(tokio::time::timeout(idle, read))
                .await?
            {
                Ok(result) => result,
                Err(_) => {
                    return Err(Error::Stalled {
                        after: idle,
                        status: Some(self.status),
                        request_id: self.request_id.clone(),
                    })
                }
            },
            None => self.deadline.bound(read).await?,
        };
        result.map_err(|source| Error::AnswerLost {
            status: self.status,
            request_id: self.request_id.clone(),
            source,
        })
    }

    /// Copies the whole body into `writer`, returning the number of bytes written. A failure to
    /// write is [`Error::Write`] without a path.
    pub async fn write_to<W: AsyncWrite + Unpin>(mut self, writer: &mut W) -> Result<u64, Error> {
        let write_error = |source| Error::Write { path: None, source };
        let mut written = 0u64;
        while let Some(chunk) = self.chunk().await? {
            writer.write_all(&chunk).await.map_err(write_error)?;
            written += chunk.len() as u64;
        }
        writer.flush().await.map_err(write_error)?;
        Ok(written)
    }

    /// Writes the whole body to a file at `path`, returning the number of bytes. The body goes to
    /// a temporary file beside `path` first, which replaces `path` only once the whole body has
    /// arrived: a failed download leaves no partial file and an existing file untouched. A failure
    /// to write is [`Error::Write`] naming `path`.
    pub async fn save(self, path: impl AsRef<Path>) -> Result<u64, Error> {
        let path = path.as_ref();
        let write_error = |source| Error::Write {
            path: Some(path.to_path_buf()),
            source,
        };
        let file_name = path.file_name().ok_or_else(|| {
            write_error(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "the path names no file",
            ))
        })?;
        let mut temp_name = std::ffi::OsString::from(".");
        temp_name.push(file_name);
        temp_name.push(format!(".{}.part", std::process::id()));
        let temp = path.with_file_name(temp_name);
        let result = async {
            let mut file = tokio::fs::File::create(&temp).await.map_err(write_error)?;
            let written = match self.write_to(&mut file).await {
                Err(Error::Write { source, .. }) => return Err(write_error(source)),
                other => other?,
            };
            file.sync_all().await.map_err(write_error)?;
            tokio::fs::rename(&temp, path).await.map_err(write_error)?;
            Ok(written)
        }
        .await;
        if result.is_err() {
            let _ = tokio::fs::remove_file(&temp).await;
        }
        result
    }

    /// The body as a stream of chunks; it ends after the first error.
    pub fn into_stream(self) -> impl Stream<Item = Result<Bytes, Error>> + Send {
        futures_util::stream::unfold(Some(self), |body| async move {
            let mut body = body?;
            match body.chunk().await {
                Ok(Some(chunk)) => Some((Ok(chunk), Some(body))),
                Ok(None) => None,
                Err(e) => Some((Err(e), None)),
            }
        })
    }
}
