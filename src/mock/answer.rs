//! What an expectation answers with: an [`Answer`] (status, content type, body), made from the
//! operation's typed success body, one of its documented errors, a file, or raw bytes.

use serde::Serialize;
use std::convert::Infallible;

/// One HTTP answer of the mock: status, content type and body.
///
/// Expectations make these from typed values ([`Expectation::respond`](super::Expectation::respond),
/// [`respond_error`](super::Expectation::respond_error)); build one directly for an answer the
/// operation does not document (a 503 to test retries, a body that is not JSON).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    pub(super) status: u16,
    pub(super) content_type: Option<String>,
    pub(super) body: Vec<u8>,
    /// Why the value could not be written; reported when the expectation is mounted.
    pub(super) problem: Option<String>,
}

impl Answer {
    /// `body` written as JSON, with `Content-Type: application/json`.
    pub fn json<T: Serialize + ?Sized>(status: u16, body: &T) -> Answer {
        match serde_json::to_vec(body) {
            Ok(bytes) => Answer::bytes(status, "application/json", bytes),
            Err(e) => Answer {
                problem: Some(format!("the answer cannot be written as JSON: {e}")),
                ..Answer::empty(status)
            },
        }
    }

    /// Text, with `Content-Type: text/plain; charset=utf-8`.
    pub fn text(status: u16, text: impl Into<String>) -> Answer {
        Answer::bytes(
            status,
            "text/plain; charset=utf-8",
            text.into().into_bytes(),
        )
    }

    /// No body.
    pub fn empty(status: u16) -> Answer {
        Answer {
            status,
            content_type: None,
            body: Vec::new(),
            problem: None,
        }
    }

    /// Any bytes, with the given content type.
    pub fn bytes(status: u16, content_type: impl Into<String>, body: impl Into<Vec<u8>>) -> Answer {
        Answer {
            status,
            content_type: Some(content_type.into()),
            body: body.into(),
            problem: None,
        }
    }

    /// An answer that cannot be given, and why: mounting the expectation reports `problem`.
    #[doc(hidden)]
    pub fn refused(status: u16, problem: impl Into<String>) -> Answer {
        Answer {
            problem: Some(problem.into()),
            ..Answer::empty(status)
        }
    }

    /// The status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The body.
    pub fn body(&self) -> &[u8] {
        &self.body
    }
}

/// How an operation's documented success is written: its status and the kind of its body.
/// Generated code names it once per operation.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Success {
    /// A JSON body.
    Json(u16),
    /// A text body.
    Text(u16),
    /// No body.
    Empty(u16),
    /// A file (the client streams it as a `ByteStream`).
    Binary(u16),
}

impl Success {
    /// The documented status.
    pub fn status(self) -> u16 {
        match self {
            Success::Json(status)
            | Success::Text(status)
            | Success::Empty(status)
            | Success::Binary(status) => status,
        }
    }
}

/// A success value the mock can answer with: any `Serialize` body (every generated type is one
/// under the `mock` feature), written as the operation documents its success; and the success
/// enums of operations that document several.
pub trait MockSuccess {
    /// The answer for this value, given how the operation documents its success.
    fn answer(&self, documented: Success) -> Answer;
}

impl<T: Serialize> MockSuccess for T {
    fn answer(&self, documented: Success) -> Answer {
        match documented {
            Success::Empty(status) => Answer::empty(status),
            // A text answer's type is `String`: sent as it is, not as a JSON string.
            Success::Text(status) => match serde_json::to_value(self) {
                Ok(serde_json::Value::String(text)) => Answer::text(status, text),
                _ => Answer::json(status, self),
            },
            Success::Json(status) | Success::Binary(status) => Answer::json(status, self),
        }
    }
}

/// A documented error the mock can answer with: implemented by every generated error enum (the
/// variant gives the status, its value the body).
pub trait MockError {
    /// The answer for this error.
    fn answer(&self) -> Answer;
}

impl MockError for Infallible {
    fn answer(&self) -> Answer {
        match *self {}
    }
}

/// One answer of [`Expectation::respond_sequence`](super::Expectation::respond_sequence): a
/// success body, a documented error, a file, or any [`Answer`].
#[derive(Clone, Debug)]
pub enum Reply<R, E> {
    /// The documented success, with this body.
    Ok(R),
    /// This documented error.
    Err(E),
    /// A file, with the documented success status (for operations that answer with a file).
    File(Vec<u8>),
    /// Any answer.
    Answer(Answer),
}

impl<R: MockSuccess, E: MockError> Reply<R, E> {
    pub(super) fn into_answer(self, documented: Success) -> Answer {
        match self {
            Reply::Ok(body) => body.answer(documented),
            Reply::Err(error) => error.answer(),
            Reply::File(bytes) => file(documented, bytes),
            Reply::Answer(answer) => answer,
        }
    }
}

/// A file answer with the documented success status.
pub(super) fn file(documented: Success, bytes: Vec<u8>) -> Answer {
    Answer::bytes(documented.status(), "application/octet-stream", bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Page {
        total: i32,
    }

    #[test]
    fn writes_a_success_as_documented() {
        let page = Page { total: 2 };
        assert_eq!(
            page.answer(Success::Json(201)),
            Answer::bytes(201, "application/json", br#"{"total":2}"#.to_vec())
        );
        assert_eq!(page.answer(Success::Empty(204)), Answer::empty(204));
        assert_eq!(
            "plain".to_owned().answer(Success::Text(200)),
            Answer::text(200, "plain")
        );
        assert_eq!(
            Reply::<Page, Infallible>::File(b"PK".to_vec()).into_answer(Success::Binary(200)),
            Answer::bytes(200, "application/octet-stream", b"PK".to_vec())
        );
    }

    #[test]
    fn reports_a_value_that_is_not_json() {
        let mut map = std::collections::BTreeMap::new();
        map.insert(vec![1u8], 1);
        let answer = Answer::json(200, &map);
        assert_eq!(
            answer.problem.as_deref(),
            Some("the answer cannot be written as JSON: key must be a string")
        );
    }
}
