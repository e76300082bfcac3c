//! Responses as generated code reads them: a `RawResponse` not yet read is read, by the one
//! sending future every call shares, as the operation's documented statuses say (`Read`: a
//! JSON, text, empty or streamed success, else an error body) into an `Answer`, which the
//! operation's decode function turns into its typed result without waiting any more.
//!
//! Everything read into memory is bounded: a success answer by `BodyLimits::max_answer_bytes`
//! (refused whole when larger) and, once parsed, by `max_parsed_bytes` (see `budget`); an error
//! body by `max_error_bytes` (kept in part when larger, the rest left unread). Every read is
//! bounded in time by the call's deadline and the read timeout. Binary answers are handed over
//! unread, as a stream.

use crate::budget::{self, ParseFailure};
use crate::deadline::Deadline;
use crate::error::{snippet, ApiError, Error, Limit, Rejection};
use crate::limits::BodyLimits;
use crate::response::{ByteStream, Response};
use bytes::Bytes;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::future::Future;
use std::time::Duration;

/// How a call reads its answer: until when, with how much silence allowed, and how much of it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Reading {
    pub(crate) deadline: Deadline,
    pub(crate) idle: Option<Duration>,
    pub(crate) limits: BodyLimits,
}

/// How the body of an answer is read, by status: generated code lists its documented successes
/// (`ApiRequest::answers`, or the status given to `ApiRequest::json_answer` and its kin); every
/// other status is read as an error body.
// A spec need not document every kind of success: the kinds it does not are unused in that build.
#[allow(dead_code)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Read {
    /// Whole, within `max_answer_bytes`, for a JSON body.
    Json,
    /// Whole, within `max_answer_bytes`, for a text body.
    Text,
    /// Not kept: a documented empty success (what comes anyway is read up to the error-body
    /// limit, so that the connection can be reused, and dropped).
    Empty,
    /// Left unread, for the caller to stream.
    Stream,
    /// The first `max_error_bytes`, for an error or an undocumented status.
    Error,
}

/// The documented successes of an operation and how each is read: one status (most operations),
/// or a list of `(low, high, how)` in matching order.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Answers {
    One(u16, Read),
    Listed(&'static [(u16, u16, Read)]),
}

impl Read {
    /// How the answers of `status` are read: the documented success that holds it (the first
    /// entry of a list, low and high status both included), else as an error.
    pub(super) fn of(answers: Answers, status: u16) -> Read {
        match answers {
            Answers::One(documented, read) if documented == status => read,
            Answers::One(..) => Read::Error,
            Answers::Listed(list) => list
                .iter()
                .find(|(low, high, _)| (*low..=*high).contains(&status))
                .map_or(Read::Error, |(_, _, read)| *read),
        }
    }
}

/// How the error enum of an operation (generated, one per set of documented error answers)
/// decodes an answer that is not a documented success: a variant per documented status, else
/// an undocumented one.
pub(crate) trait ErrorAnswers: Sized {
    fn decode<T>(answer: Answer) -> Decoded<T, Self>;
}

/// What decoding an answer gives: the typed success, or the error with its typed body.
pub(crate) type Decoded<T, E> = Result<Response<T>, Error<E>>;

/// The error type of operations that document no error answer: every error is undocumented.
impl ErrorAnswers for std::convert::Infallible {
    fn decode<T>(answer: Answer) -> Decoded<T, Self> {
        answer.unexpected()
    }
}

/// An answer not yet read.
pub(crate) struct RawResponse {
    status: u16,
    request_id: Option<String>,
    response: reqwest::Response,
    reading: Reading,
}

impl RawResponse {
    pub(super) fn new(
        status: u16,
        request_id: Option<String>,
        response: reqwest::Response,
        reading: Reading,
    ) -> Self {
        RawResponse {
            status,
            request_id,
            response,
            reading,
        }
    }

    pub(super) fn status(&self) -> u16 {
        self.status
    }

    /// Reads the body as `read` says, within the limits; what generated code decodes (without
    /// waiting any more) into the operation's answer.
    pub(super) async fn read(mut self, read: Read) -> Result<Answer, Error> {
        let body = match read {
            Read::Json => Body::Whole(self.read_whole(Limit::JsonBytes).await?),
            Read::Text => Body::Whole(self.read_whole(Limit::TextBytes).await?),
            Read::Empty => {
                let _ = read_error_body(&mut self.response, &self.reading).await;
                Body::Whole(Bytes::new())
            }
            Read::Error => {
                let (body, truncated) = read_error_body(&mut self.response, &self.reading).await;
                Body::Error { body, truncated }
            }
            Read::Stream => {
                let headers = self.response.headers().clone();
                return Ok(Answer {
                    status: self.status,
                    headers,
                    body: Body::Unread(self.response),
                    request_id: self.request_id,
                    reading: self.reading,
                });
            }
        };
        Ok(Answer {
            status: self.status,
            headers: self.response.headers().clone(),
            body,
            request_id: self.request_id,
            reading: self.reading,
        })
    }

    /// The whole body, or `TooLarge` as soon as it is known to pass `max_answer_bytes`.
    async fn read_whole(&mut self, limit: Limit) -> Result<Bytes, Error> {
        let max = self.reading.limits.max_answer_bytes;
        let declared = self.response.content_length();
        let (status, request_id) = (self.status, self.request_id.clone());
        let too_large = |size| Error::TooLarge {
            status,
            request_id: request_id.clone(),
            limit,
            max,
            size,
        };
        if let Some(size) = declared.filter(|size| *size > max) {
            return Err(too_large(Some(size)));
        }
        let mut collector = Collector::new(max);
        while let Some(chunk) = self.next_chunk().await? {
            if !collector.push(chunk) {
                return Err(too_large(None));
            }
        }
        Ok(collector.finish())
    }

    /// The next piece of the body, within the deadline and the read timeout.
    async fn next_chunk(&mut self) -> Result<Option<Bytes>, Error> {
        let chunk = self
            .reading
            .deadline
            .bound(within_silence(self.response.chunk(), self.reading.idle))
            .await?;
        match chunk {
            Ok(Ok(chunk)) => Ok(chunk),
            Ok(Err(source)) => Err(Error::AnswerLost {
                status: self.status,
                request_id: self.request_id.clone(),
                source,
            }),
            Err(after) => Err(Error::Stalled {
                after,
                status: Some(self.status),
                request_id: self.request_id.clone(),
            }),
        }
    }
}

/// An answer read as its status says: generated code decodes it by status, without waiting.
pub struct Answer {
    status: u16,
    request_id: Option<String>,
    headers: HeaderMap,
    body: Body,
    reading: Reading,
}

enum Body {
    /// A success read whole (empty for an empty success).
    Whole(Bytes),
    /// The first `max_error_bytes` of an error body, and whether there was more.
    Error { body: Bytes, truncated: bool },
    /// A success left to stream.
    Unread(reqwest::Response),
}

impl std::fmt::Debug for Answer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Answer")
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

// Generated code reads the answers its spec documents (JSON, text, empty or streamed successes;
// JSON, text or empty error bodies); the other readers are unused in that build.
#[allow(dead_code)]
impl Answer {
    pub(crate) fn status(&self) -> u16 {
        self.status
    }

    /// Whether the answer was read as an error (its status is not a documented success).
    pub(crate) fn is_error(&self) -> bool {
        matches!(self.body, Body::Error { .. })
    }

    fn bytes(&self) -> &[u8] {
        match &self.body {
            Body::Whole(body) | Body::Error { body, .. } => body,
            Body::Unread(_) => &[],
        }
    }

    /// A JSON body of the documented type.
    pub(crate) fn json<T: DeserializeOwned, E>(self) -> Result<Response<T>, Error<E>> {
        let body = self.bytes();
        // An empty body reads as `{}`, which fits bodies made only of optional fields.
        let text: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
            b"{}"
        } else {
            body
        };
        let max_parsed = self.reading.limits.max_parsed_bytes;
        match budget::from_slice::<T>(text, max_parsed) {
            Ok(value) => {
                let rejection =
                    rejection(self.status, self.request_id.as_deref(), text, max_parsed);
                Ok(Response::new(self.status, self.headers, value).with_rejection(rejection))
            }
            Err(failure) => Err(self.parse_failure(failure).retype()),
        }
    }

    /// The error for a JSON success body that did not parse (kept out of the generic `json`).
    fn parse_failure(&self, failure: ParseFailure) -> Error {
        match failure {
            ParseFailure::OverBudget => Error::TooLarge {
                status: self.status,
                request_id: self.request_id.clone(),
                limit: Limit::ParsedBytes,
                max: self.reading.limits.max_parsed_bytes,
                size: None,
            },
            ParseFailure::Json(e) => Error::Decode {
                status: self.status,
                request_id: self.request_id.clone(),
                message: e.to_string(),
                snippet: snippet(&String::from_utf8_lossy(self.bytes())),
            },
        }
    }

    /// A success with no body.
    pub(crate) fn empty<E>(self) -> Result<Response<()>, Error<E>> {
        Ok(Response::new(self.status, self.headers, ()))
    }

    /// A text body.
    pub(crate) fn text<E>(self) -> Result<Response<String>, Error<E>> {
        let text = String::from_utf8_lossy(self.bytes()).into_owned();
        Ok(Response::new(self.status, self.headers, text))
    }

    /// A binary body, left unread for the caller to stream.
    pub(crate) fn stream<E>(self) -> Result<Response<ByteStream>, Error<E>> {
        let Body::Unread(response) = self.body else {
            // Generated code streams exactly the statuses it lists as streamed.
            return Err(Error::invalid("a streamed answer was read"));
        };
        let stream = ByteStream::new(
            response,
            self.status,
            self.request_id,
            self.reading.deadline,
            self.reading.idle,
        );
        Ok(Response::new(self.status, self.headers, stream))
    }

    /// The error answer, with its body (not decoded) and code and message read from it.
    fn api_error(self) -> (ApiError, Bytes) {
        let (body, truncated) = match self.body {
            Body::Whole(body) => (body, false),
            Body::Error { body, truncated } => (body, truncated),
            Body::Unread(_) => (Bytes::new(), true),
        };
        let (code, message) = error_fields(&body);
        let api = ApiError {
            status: self.status,
            code,
            message,
            request_id: self.request_id,
            location: None,
            typed: None,
            body: String::from_utf8_lossy(&body).into_owned(),
            truncated,
        };
        (api, body)
    }

    /// A documented error status with a JSON body.
    pub(crate) fn error_json<B: DeserializeOwned, E, T>(
        self,
        wrap: fn(B) -> E,
    ) -> Result<Response<T>, Error<E>> {
        let max_parsed = self.reading.limits.max_parsed_bytes;
        let (api, body) = self.api_error();
        let typed = budget::from_slice(&body, max_parsed).ok().map(wrap);
        Err(api.with_typed(typed))
    }

    /// A documented error status with a text body.
    pub(crate) fn error_text<E, T>(self, wrap: fn(String) -> E) -> Result<Response<T>, Error<E>> {
        let (api, body) = self.api_error();
        let typed = wrap(String::from_utf8_lossy(&body).into_owned());
        Err(api.with_typed(Some(typed)))
    }

    /// A documented error status with no body.
    pub(crate) fn error_empty<E, T>(self, value: E) -> Result<Response<T>, Error<E>> {
        Err(self.api_error().0.with_typed(Some(value)))
    }

    /// A status the spec does not document.
    pub(crate) fn unexpected<E, T>(self) -> Result<Response<T>, Error<E>> {
        Err(self.api_error().0.with_typed(None))
    }
}

/// Runs `read` unless nothing arrives for `idle`: `Err(idle)` then.
async fn within_silence<T>(
    read: impl Future<Output = T>,
    idle: Option<Duration>,
) -> Result<T, Duration> {
    match idle {
        Some(idle) => tokio::time::timeout(idle, read).await.map_err(|_| idle),
        None => Ok(read.await),
    }
}

/// The first `max_error_bytes` of an error body, and whether there was more (or the reading
/// broke off). It never fails: an error answer is reported with what could be read of it, and a
/// failure to read the rest (a timeout included) only cuts it short.
pub(super) async fn read_error_body(
    response: &mut reqwest::Response,
    reading: &Reading,
) -> (Bytes, bool) {
    let mut collector = Collector::new(reading.limits.max_error_bytes);
    loop {
        let chunk = reading
            .deadline
            .bound::<_, std::convert::Infallible>(within_silence(response.chunk(), reading.idle))
            .await;
        match chunk {
            Ok(Ok(Ok(Some(chunk)))) => {
                if !collector.push(chunk) {
                    return (collector.finish(), true);
                }
            }
            Ok(Ok(Ok(None))) => return (collector.finish(), false),
            _ => return (collector.finish(), true),
        }
    }
}

/// Gathers a body up to a limit, as received (pieces are joined once, at the end, so that a
/// body of unknown length takes at most twice its size while being read).
struct Collector {
    max: u64,
    chunks: Vec<Bytes>,
    len: u64,
}

impl Collector {
    fn new(max: u64) -> Self {
        Collector {
            max,
            chunks: Vec::new(),
            len: 0,
        }
    }

    /// Adds a piece; `false` when the body passed the limit (only what fits is kept).
    fn push(&mut self, chunk: Bytes) -> bool {
        let room = self.max - self.len;
        if chunk.len() as u64 > room {
            let keep = usize::try_from(room).unwrap_or(usize::MAX);
            self.len += keep as u64;
            self.chunks.push(chunk.slice(..keep));
            return false;
        }
        self.len += chunk.len() as u64;
        self.chunks.push(chunk);
        true
    }

    fn finish(mut self) -> Bytes {
        if self.chunks.len() == 1 {
            return self.chunks.remove(0);
        }
        let mut joined = Vec::with_capacity(usize::try_from(self.len).unwrap_or(0));
        for chunk in self.chunks.drain(..) {
            joined.extend_from_slice(&chunk);
        }
        joined.into()
    }
}

/// Code and message from SecMaster's `{code, message}` or the gateway's `{error_code, error_msg}`.
fn error_fields(body: &[u8]) -> (Option<String>, Option<String>) {
    let Ok(serde_json::Value::Object(object)) = serde_json::from_slice::<serde_json::Value>(body)
    else {
        return (None, None);
    };
    let text = |keys: &[&str]| keys.iter().find_map(|k| text_of(object.get(*k)?));
    (
        text(&["code", "error_code"]),
        text(&["message", "error_msg"]),
    )
}

/// A string, or a number as text.
fn text_of(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The outcome field of SecMaster's answer envelope, read apart from the answer's own type so
/// that every answer that has one is checked alike. Other fields are skipped unparsed.
#[derive(Deserialize)]
struct EnvelopeOutcome {
    success: Option<bool>,
}

/// The text fields of an envelope that says `success: false`.
#[derive(Deserialize)]
struct EnvelopeText {
    code: Option<serde_json::Value>,
    message: Option<serde_json::Value>,
    request_id: Option<serde_json::Value>,
}

/// The rejection an answer's envelope states (`success: false`), if it has an envelope and
/// states one. A body that is not an object, or whose `success` is not a boolean, states none.
fn rejection(
    status: u16,
    request_id: Option<&str>,
    body: &[u8],
    max_parsed: u64,
) -> Option<Rejection> {
    let outcome: EnvelopeOutcome = budget::from_slice(body, max_parsed).ok()?;
    if outcome.success != Some(false) {
        return None;
    }
    let text: Option<EnvelopeText> = budget::from_slice(body, max_parsed).ok();
    let field = |pick: fn(&EnvelopeText) -> &Option<serde_json::Value>| {
        text.as_ref()
            .and_then(|t| pick(t).as_ref())
            .and_then(text_of)
    };
    Some(Rejection {
        status,
        code: field(|t| &t.code),
        message: field(|t| &t.message),
        request_id: request_id
            .map(str::to_owned)
            .or_else(|| field(|t| &t.request_id)),
    })
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

    #[test]
    fn collects_up_to_the_limit_and_no_further() {
        let mut whole = Collector::new(10);
        assert!(whole.push(Bytes::from_static(b"0123")));
        assert!(whole.push(Bytes::from_static(b"456789")));
        assert_eq!(&whole.finish()[..], b"0123456789");

        let mut over = Collector::new(10);
        assert!(over.push(Bytes::from_static(b"0123")));
        assert!(!over.push(Bytes::from_static(b"4567890")));
        assert_eq!(&over.finish()[..], b"0123456789");

        let mut one = Collector::new(10);
        assert!(one.push(Bytes::from_static(b"abc")));
        assert_eq!(&one.finish()[..], b"abc");
        assert_eq!(&Collector::new(0).finish()[..], b"");
    }

    #[test]
    fn an_envelope_saying_success_false_is_a_rejection() {
        let rejected = rejection(
            200,
            None,
            br#"{"code":"SecMaster.2","message":"quota exceeded","success":false,"request_id":"b-1","data":{"x":[1]}}"#,
            1 << 20,
        );
        assert_eq!(
            rejected,
            Some(Rejection {
                status: 200,
                code: Some("SecMaster.2".into()),
                message: Some("quota exceeded".into()),
                request_id: Some("b-1".into()),
            })
        );
        // The header's request id comes first; a numeric code is read as text.
        assert_eq!(
            rejection(200, Some("h-1"), br#"{"success":false,"code":7}"#, 1 << 20),
            Some(Rejection {
                status: 200,
                code: Some("7".into()),
                message: None,
                request_id: Some("h-1".into()),
            })
        );
        for body in [
            &br#"{"success":true,"code":"SecMaster.2"}"#[..],
            br#"{"code":"SecMaster.2"}"#,
            br#"{"success":"false"}"#,
            br#"[{"success":false}]"#,
        ] {
            assert_eq!(rejection(200, None, body, 1 << 20), None);
        }
    }
}
