//! The one error type of the client, with a variant for each way a call can fail, and the
//! messages that say what went wrong and how to mend it.

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
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E = Infallible> {
    /// The service answered with a status that is not a documented success.
    Api(Box<ApiError<E>>),
    /// A request that cannot be sent (an empty path parameter, a header value with a line break,
    /// an unknown region, ...), caught before anything went on the wire.
    InvalidInput {
        /// What is wrong and how to mend it.
        message: String,
    },
    /// A file to upload could not be read.
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
    /// The service could not be reached, or the connection failed.
    Transport {
        /// The failure.
        source: reqwest::Error,
        /// How many times the request was sent.
        attempts: u32,
    },
    /// A success answer whose body is not what the spec describes.
    Decode {
        /// HTTP status of the answer.
        status: u16,
        /// The answer's `X-Request-Id`.
        request_id: Option<String>,
        /// What did not match.
        message: String,
        /// The start of the body, for diagnosis.
        snippet: String,
    },
}

/// An answer with an error status.
#[derive(Debug, Clone)]
pub struct ApiError<E = Infallible> {
    /// HTTP status code.
    pub status: u16,
    /// Error code, from SecMaster's `{code, message}` or the gateway's `{error_code, error_msg}`.
    pub code: Option<String>,
    /// Error message, from either body shape.
    pub message: Option<String>,
    /// The `X-Request-Id` of the answer: what a support ticket asks for.
    pub request_id: Option<String>,
    /// The body as text.
    pub body: String,
    /// The body parsed as the spec documents it for this status, when it documents one and the
    /// body matches.
    pub typed: Option<E>,
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
            Error::Decode { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// The HTTP status of the answer, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::Decode { status, .. } => Some(*status),
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
                    body,
                    typed,
                } = *api;
                Error::Api(Box::new(ApiError {
                    status,
                    code,
                    message,
                    request_id,
                    body,
                    typed: typed.and_then(f),
                }))
            }
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

impl<E> fmt::Display for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let reason = reqwest::StatusCode::from_u16(self.status)
            .ok()
            .and_then(|s| s.canonical_reason());
        write!(f, "SecMaster answered {}", self.status)?;
        if let Some(reason) = reason {
            write!(f, " {reason}")?;
        }
        match (&self.code, &self.message) {
            (Some(code), Some(message)) => write!(f, ": {code}: {message}")?,
            (Some(code), None) => write!(f, ": {code}")?,
            (None, Some(message)) => write!(f, ": {message}")?,
            (None, None) if !self.body.is_empty() => write!(f, ": {}", snippet(&self.body))?,
            (None, None) => {}
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

impl<E> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(api) => api.fmt(f),
            Error::InvalidInput { message } => write!(f, "invalid request: {message}"),
            Error::Io { path, source } => write!(f, "cannot read {}: {source}", path.display()),
            Error::Write {
                path: Some(path),
                source,
            } => write!(
                f,
                "cannot write the download to {}: {source}; check that its folder exists and can be written",
                path.display()
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
            Error::Transport { source, attempts } => {
                write!(f, "cannot reach SecMaster")?;
                if *attempts > 1 {
                    write!(f, " after {attempts} attempts")?;
                }
                write_chain(f, source)
            }
            Error::Decode {
                status,
                request_id,
                message,
                snippet,
            } => {
                write!(
                    f,
                    "the {status} answer is not what the spec describes: {message}"
                )?;
                if let Some(id) = request_id {
                    write!(f, " (request id {id})")?;
                }
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
            | Error::ClientSetup { source }
            | Error::RequestSetup { source } => Some(source),
            _ => None,
        }
    }
}

/// Writes `: error: cause: cause ...`, since reqwest's own message ("error sending request")
/// leaves the useful part to its causes.
fn write_chain(f: &mut fmt::Formatter<'_>, error: &reqwest::Error) -> fmt::Result {
    write!(f, ": {error}")?;
    let mut cause = std::error::Error::source(error);
    while let Some(c) = cause {
        write!(f, ": {c}")?;
        cause = c.source();
    }
    Ok(())
}

/// The start of a body, on one line, for messages.
pub(crate) fn snippet(body: &str) -> String {
    const LIMIT: usize = 200;
    let one_line: String = body
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    match one_line.char_indices().nth(LIMIT) {
        Some((cut, _)) => format!("{}...", &one_line[..cut]),
        None => one_line,
    }
}
