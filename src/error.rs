//! The one error type of the client, with a variant for each way a call can fail, and the
//! messages that say what went wrong and how to mend it. Server text in them is shown as short
//! escaped excerpts (`sanitize`), so that printing an error can neither flood nor drive a
//! terminal.

use crate::failure::{classify, Failure};
use crate::limits::human_size;
use crate::sanitize::{escape, excerpt};
use std::convert::Infallible;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

/// Why a call failed.
///
/// `E` is the operation's own type for the error bodies its spec documents (one variant per
/// status, e.g. `ImportAopworkflowError::BadRequest`); operations that document none use the
/// default, [`Infallible`]. [`Error::into_untyped`] drops the typed body so that errors of several
/// operations can share one type.
///
/// `Display` shows what the server said as a short excerpt with control characters escaped (see
/// [`sanitize`](crate::sanitize)), so an error can be printed or logged as it is.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E = Infallible> {
    /// The service answered with a status that is not a documented success (a redirect
    /// included: the client follows none).
    Api(Box<ApiError<E>>),
    /// The service answered with a success status, but the answer's envelope says
    /// `success: false`. Only [`Response::checked`](crate::Response::checked) returns it: a call
    /// itself hands such an answer back as it came.
    Rejected(Box<Rejection>),
    /// A request that cannot be sent (an empty path parameter, a header value with a line break,
    /// an unknown region, ...), caught before anything went on the wire; or content to upload
    /// that broke off, or gave other than the length it declared, so that the request was cut
    /// off.
    InvalidInput {
        /// What is wrong and how to mend it.
        message: String,
    },
    /// A file to upload could not be read, or changed size while it was sent.
    Io {
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// A downloaded body could not be written: to the file given to
    /// [`ByteStream::save`](crate::ByteStream::save) (`path` is that file), or to the writer given
    /// to [`ByteStream::write_to`](crate::ByteStream::write_to) (`path` is `None`).
    Write {
        /// The file, when the body went to one.
        path: Option<PathBuf>,
        /// What the system said.
        source: std::io::Error,
    },
    /// The HTTP client could not be set up by
    /// [`ClientBuilder::build`](crate::ClientBuilder::build) (its TLS configuration, for
    /// instance). Nothing was sent.
    ClientSetup {
        /// The failure.
        source: reqwest::Error,
    },
    /// A request could not be put into HTTP form (a URL longer than HTTP allows, for instance).
    /// Nothing was sent.
    RequestSetup {
        /// The failure.
        source: reqwest::Error,
    },
    /// No complete answer within the call's total timeout.
    Timeout {
        /// The timeout that ran out.
        after: Duration,
    },
    /// Nothing moved for the read timeout: no answer after the request went out, or no more of
    /// an answer that had begun.
    Stalled {
        /// The read timeout.
        after: Duration,
        /// The status, when the answer had begun.
        status: Option<u16>,
        /// The answer's `X-Request-Id`, when the answer had begun.
        request_id: Option<String>,
    },
    /// The connection failed before an answer arrived: the service could not be reached, the TLS
    /// handshake failed, or the connection broke after the request went out (`Display` says
    /// which).
    Transport {
        /// The failure.
        source: reqwest::Error,
        /// How many times the request was sent.
        attempts: u32,
    },
    /// The service answered, but the connection failed while the answer was being read.
    AnswerLost {
        /// HTTP status of the answer.
        status: u16,
        /// The answer's `X-Request-Id`.
        request_id: Option<String>,
        /// The failure.
        source: reqwest::Error,
    },
    /// An answer larger than the [`BodyLimits`](crate::BodyLimits) allow; nothing of it was
    /// used.
    TooLarge {
        /// HTTP status of the answer.
        status: u16,
        /// The answer's `X-Request-Id`.
        request_id: Option<String>,
        /// Which limit it passed.
        limit: Limit,
        /// The limit's value, in bytes.
        max: u64,
        /// The answer's size in bytes, when its `Content-Length` gave it.
        size: Option<u64>,
    },
    /// A success answer whose body is not what the spec describes.
    Decode {
        /// HTTP status of the answer.
        status: u16,
        /// The answer's `X-Request-Id`.
        request_id: Option<String>,
        /// What did not match.
        message: String,
        /// The start of the body, escaped (see [`sanitize`](crate::sanitize)), for diagnosis.
        snippet: String,
    },
}

/// Which [`BodyLimits`](crate::BodyLimits) bound an answer passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Limit {
    /// [`BodyLimits::max_answer_bytes`](crate::BodyLimits::max_answer_bytes), for a JSON answer.
    JsonBytes,
    /// [`BodyLimits::max_answer_bytes`](crate::BodyLimits::max_answer_bytes), for a text answer.
    TextBytes,
    /// [`BodyLimits::max_parsed_bytes`](crate::BodyLimits::max_parsed_bytes).
    ParsedBytes,
}

/// An answer with an error status.
#[derive(Debug, Clone)]
pub struct ApiError<E = Infallible> {
    /// HTTP status code.
    pub status: u16,
    /// Error code, from SecMaster's `{code, message}` or the gateway's `{error_code, error_msg}`,
    /// as received (escape it before showing it, see [`sanitize`](crate::sanitize)).
    pub code: Option<String>,
    /// Error message, from either body shape, as received.
    pub message: Option<String>,
    /// The `X-Request-Id` of the answer: what a support ticket asks for.
    pub request_id: Option<String>,
    /// Where a redirect (a 3xx status) pointed: its `Location`. The client follows no redirect.
    pub location: Option<String>,
    /// The body as text: its first [`BodyLimits::max_error_bytes`](crate::BodyLimits) bytes.
    pub body: String,
    /// Whether the body was longer than what `body` keeps (and was not read further).
    pub truncated: bool,
    /// The body parsed as the spec documents it for this status, when it documents one and the
    /// body matches.
    pub typed: Option<E>,
}

/// A success status whose answer says `success: false` in its envelope (the
/// `{code, message, success}` wrapper of most SecMaster answers): what
/// [`Response::checked`](crate::Response::checked) turns into [`Error::Rejected`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// HTTP status of the answer (a success).
    pub status: u16,
    /// The envelope's `code`, as received.
    pub code: Option<String>,
    /// The envelope's `message`, as received.
    pub message: Option<String>,
    /// The answer's `X-Request-Id`, or else the envelope's `request_id`.
    pub request_id: Option<String>,
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecMaster answered ")?;
        write_status(f, self.status)?;
        write!(f, ", but its answer says `success: false`")?;
        write_code_message(f, self.code.as_deref(), self.message.as_deref())?;
        write_request_id(f, self.request_id.as_deref())
    }
}

impl std::error::Error for Rejection {}

impl<E> From<Rejection> for Error<E> {
    fn from(rejection: Rejection) -> Self {
        Error::Rejected(Box::new(rejection))
    }
}

impl Error {
    /// The same error as an `Error<E>`: an error that is not `Api` has no typed body, and the
    /// runtime's own `Api` errors have none either.
    pub(crate) fn retype<E>(self) -> Error<E> {
        self.map_typed(|never| match never {})
    }
}

impl ApiError {
    /// The error answer, with the typed body generated code decoded (if any).
    pub(crate) fn with_typed<E>(self, typed: Option<E>) -> Error<E> {
        let ApiError {
            status,
            code,
            message,
            request_id,
            location,
            body,
            truncated,
            typed: _,
        } = self;
        Error::Api(Box::new(ApiError {
            status,
            code,
            message,
            request_id,
            location,
            body,
            truncated,
            typed,
        }))
    }
}

impl<E> Error<E> {
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Error::InvalidInput {
            message: message.into(),
        }
    }

    /// The `X-Request-Id` of the answer, when there was one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(api) => api.request_id.as_deref(),
            Error::Rejected(rejection) => rejection.request_id.as_deref(),
            Error::Decode { request_id, .. }
            | Error::AnswerLost { request_id, .. }
            | Error::TooLarge { request_id, .. }
            | Error::Stalled { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// The HTTP status of the answer, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::Rejected(rejection) => Some(rejection.status),
            Error::Decode { status, .. }
            | Error::AnswerLost { status, .. }
            | Error::TooLarge { status, .. } => Some(*status),
            Error::Stalled { status, .. } => *status,
            _ => None,
        }
    }

    /// The same error without the operation's typed body.
    pub fn into_untyped(self) -> Error {
        self.map_typed(|_| None)
    }

    /// Converts the typed body (used to move errors between operation types).
    pub fn map_typed<F>(self, f: impl FnOnce(E) -> Option<F>) -> Error<F> {
        match self {
            Error::Api(api) => {
                let ApiError {
                    status,
                    code,
                    message,
                    request_id,
                    location,
                    body,
                    truncated,
                    typed,
                } = *api;
                Error::Api(Box::new(ApiError {
                    status,
                    code,
                    message,
                    request_id,
                    location,
                    body,
                    truncated,
                    typed: typed.and_then(f),
                }))
            }
            Error::Rejected(rejection) => Error::Rejected(rejection),
            Error::Stalled {
                after,
                status,
                request_id,
            } => Error::Stalled {
                after,
                status,
                request_id,
            },
            Error::AnswerLost {
                status,
                request_id,
                source,
            } => Error::AnswerLost {
                status,
                request_id,
                source,
            },
            Error::TooLarge {
                status,
                request_id,
                limit,
                max,
                size,
            } => Error::TooLarge {
                status,
                request_id,
                limit,
                max,
                size,
            },
            Error::InvalidInput { message } => Error::InvalidInput { message },
            Error::Io { path, source } => Error::Io { path, source },
            Error::Write { path, source } => Error::Write { path, source },
            Error::ClientSetup { source } => Error::ClientSetup { source },
            Error::RequestSetup { source } => Error::RequestSetup { source },
            Error::Timeout { after } => Error::Timeout { after },
            Error::Transport { source, attempts } => Error::Transport { source, attempts },
            Error::Decode {
                status,
                request_id,
                message,
                snippet,
            } => Error::Decode {
                status,
                request_id,
                message,
                snippet,
            },
        }
    }
}

/// How much of each piece of server text `Display` shows.
const CODE_CHARS: usize = 100;
const MESSAGE_CHARS: usize = 300;
const BODY_CHARS: usize = 200;

impl<E> fmt::Display for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecMaster answered ")?;
        write_status(f, self.status)?;
        if is_redirect(self.status) {
            match &self.location {
                Some(location) => write!(f, ", a redirect to `{}`", excerpt(location, BODY_CHARS))?,
                None => write!(f, ", a redirect without a `Location`")?,
            }
            write!(
                f,
                ", which the client does not follow (SecMaster's API does not redirect: check the endpoint)"
            )?;
        } else if self.code.is_some() || self.message.is_some() {
            write_code_message(f, self.code.as_deref(), self.message.as_deref())?;
        } else if self.body.is_empty() {
            write!(f, " with an empty body")?;
        } else {
            write!(f, ": {}", excerpt(&self.body, BODY_CHARS))?;
        }
        write_request_id(f, self.request_id.as_deref())
    }
}

/// Whether `status` asks the client to go elsewhere (every 3xx but 304, which answers a
/// conditional request, and the client sends none).
pub(crate) fn is_redirect(status: u16) -> bool {
    (300..400).contains(&status) && status != 304
}

/// `200 OK`: the status and its reason phrase, when it has one.
fn write_status(f: &mut fmt::Formatter<'_>, status: u16) -> fmt::Result {
    write!(f, "{status}")?;
    match reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
    {
        Some(reason) => write!(f, " {reason}"),
        None => Ok(()),
    }
}

/// `: CODE: MESSAGE`, as much of them as there is, each a short escaped excerpt.
fn write_code_message(
    f: &mut fmt::Formatter<'_>,
    code: Option<&str>,
    message: Option<&str>,
) -> fmt::Result {
    if let Some(code) = code {
        write!(f, ": {}", excerpt(code, CODE_CHARS))?;
    }
    if let Some(message) = message {
        write!(f, ": {}", excerpt(message, MESSAGE_CHARS))?;
    }
    Ok(())
}

/// ` (request id ID)`, when there is one.
fn write_request_id(f: &mut fmt::Formatter<'_>, request_id: Option<&str>) -> fmt::Result {
    match request_id {
        Some(id) => write!(f, " (request id {})", excerpt(id, CODE_CHARS)),
        None => Ok(()),
    }
}

/// What to say when the service may have acted on a request whose answer never came whole.
const MAY_HAVE_ACTED: &str =
    "so the service may have carried it out; check before sending it again";

impl<E> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(api) => api.fmt(f),
            Error::Rejected(rejection) => rejection.fmt(f),
            Error::InvalidInput { message } => write!(f, "invalid request: {message}"),
            Error::Io { path, source } => {
                write!(f, "cannot read {}: {source}", escape(&path.to_string_lossy()))
            }
            Error::Write {
                path: Some(path),
                source,
            } => write!(
                f,
                "cannot write the download to {}: {source}; check that its folder exists and can be written",
                escape(&path.to_string_lossy())
            ),
            Error::Write { path: None, source } => {
                write!(f, "cannot write the download to the given writer: {source}")
            }
            Error::ClientSetup { source } => {
                write!(f, "cannot set up the HTTP client, so nothing was sent")?;
                write_chain(f, source)
            }
            Error::RequestSetup { source } => {
                write!(f, "cannot put the request into HTTP form, so nothing was sent")?;
                write_chain(f, source)?;
                write!(
                    f,
                    "; check the length and characters of its path and query values"
                )
            }
            Error::Timeout { after } => write!(
                f,
                "no answer within {after:?}; raise the timeout or check the service"
            ),
            Error::Stalled {
                after,
                status: None,
                ..
            } => write!(
                f,
                "SecMaster sent nothing for {after:?} (the read timeout) after the request went out, \
                {MAY_HAVE_ACTED}; raise the read timeout if the operation is slow"
            ),
            Error::Stalled {
                after,
                status: Some(status),
                request_id,
            } => {
                write!(f, "SecMaster answered ")?;
                write_status(f, *status)?;
                write_request_id(f, request_id.as_deref())?;
                write!(
                    f,
                    ", then sent nothing for {after:?} (the read timeout) while the answer was being read"
                )
            }
            Error::Transport { source, attempts } => {
                let times = match attempts {
                    1 => String::new(),
                    n => format!(" after {n} attempts"),
                };
                match classify(source) {
                    Failure::Tls => write!(
                        f,
                        "cannot reach SecMaster{times}: the TLS handshake failed (not retried: check \
                        the endpoint's host name and certificate)"
                    )?,
                    Failure::Lost => write!(
                        f,
                        "the connection to SecMaster failed after the request was sent{times}, \
                        {MAY_HAVE_ACTED}"
                    )?,
                    Failure::NotSent | Failure::Other => {
                        write!(f, "cannot reach SecMaster{times}")?
                    }
                }
                write_chain(f, source)
            }
            Error::AnswerLost {
                status,
                request_id,
                source,
            } => {
                write!(f, "SecMaster answered ")?;
                write_status(f, *status)?;
                write_request_id(f, request_id.as_deref())?;
                write!(
                    f,
                    ", but the connection failed while the answer was being read, so the service \
                    may have carried out the request; check before sending it again"
                )?;
                write_chain(f, source)
            }
            Error::TooLarge {
                status,
                request_id,
                limit,
                max,
                size,
            } => {
                write!(f, "the {status} answer")?;
                if let Some(id) = request_id {
                    write!(f, " (request id {})", excerpt(id, CODE_CHARS))?;
                }
                let (allowed, setting) = match limit {
                    Limit::JsonBytes => ("allowed for JSON answers", "max_answer_bytes"),
                    Limit::TextBytes => ("allowed for text answers", "max_answer_bytes"),
                    Limit::ParsedBytes => (
                        "of memory allowed for a parsed answer",
                        "max_parsed_bytes",
                    ),
                };
                let max = human_size(*max);
                match (limit, size) {
                    (Limit::ParsedBytes, _) => write!(f, " would take more than the {max} {allowed}")?,
                    (_, Some(size)) => write!(f, " is {size} bytes, over the {max} {allowed}")?,
                    (_, None) => write!(f, " is over the {max} {allowed}")?,
                }
                write!(
                    f,
                    "; nothing of it was used. If answers this large are expected, raise \
                    `BodyLimits::{setting}` (per client with `ClientBuilder::limits`, per call \
                    with `CallOptions::limits`)"
                )
            }
            Error::Decode {
                status,
                request_id,
                message,
                snippet,
            } => {
                write!(
                    f,
                    "the {status} answer is not what the spec describes: {}",
                    excerpt(message, MESSAGE_CHARS)
                )?;
                write_request_id(f, request_id.as_deref())?;
                write!(f, "; body starts with: {snippet}")
            }
        }
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } | Error::Write { source, .. } => Some(source),
            Error::Transport { source, .. }
            | Error::AnswerLost { source, .. }
            | Error::ClientSetup { source }
            | Error::RequestSetup { source } => Some(source),
            Error::Rejected(rejection) => Some(rejection.as_ref()),
            _ => None,
        }
    }
}

/// Writes `: error: cause: cause ...`, since reqwest's own message ("error sending request")
/// leaves the useful part to its causes. Causes can quote what a server sent (a malformed
/// header, say), so they are escaped too.
fn write_chain(f: &mut fmt::Formatter<'_>, error: &reqwest::Error) -> fmt::Result {
    write!(f, ": {}", escape(&error.to_string()))?;
    let mut cause = std::error::Error::source(error);
    while let Some(c) = cause {
        write!(f, ": {}", escape(&c.to_string()))?;
        cause = c.source();
    }
    Ok(())
}

/// The start of a body, escaped, for messages.
pub(crate) fn snippet(body: &str) -> String {
    excerpt(body, BODY_CHARS)
}
