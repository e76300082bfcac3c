//! The future of every request builder, [`Call`]: one non-generic boxed future that sends the
//! request and reads the answer (the same machine code for every operation), and the operation's
//! `decode` function pointer, which turns the read [`Answer`] into its typed result. Only
//! `Call::poll` and the small readers of `Answer` are compiled per operation.

use super::answer::{Answer, ErrorAnswers, Read};
use super::request::ApiRequest;
use crate::client::Client;
use crate::error::Error;
use crate::response::{ByteStream, Response};
use serde::de::DeserializeOwned;
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

type Sending = Pin<Box<dyn Future<Output = Result<Answer, Error>> + Send>>;

/// A request on its way, as a request builder's `send()` (or `.await`) returns it: `.await` it
/// for the answer, a [`Response`] of the documented success type or an [`Error`] whose `Api`
/// variant carries the operation's typed error body `E`.
///
/// It is `Send` and `'static`, so it can be spawned; nothing is sent before it is first polled.
#[must_use = "a request does nothing until it is awaited"]
pub struct Call<T, E = Infallible> {
    sending: Sending,
    decode: fn(Answer) -> Result<Response<T>, Error<E>>,
}

impl<T, E> std::fmt::Debug for Call<T, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Call")
    }
}

impl<T, E> Call<T, E> {
    /// Sends `request` with its client on the first poll; `decode` reads the answer by status.
    fn new(mut request: ApiRequest, decode: fn(Answer) -> Result<Response<T>, Error<E>>) -> Self {
        let sending = match request.client.take() {
            Some(client) => send(client, request),
            // Generated code starts every request from a handle (`Base::request`).
            None => Box::pin(std::future::ready(Err(Error::invalid(
                "the request was not started from a client handle",
            )))),
        };
        Call { sending, decode }
    }
}

/// How generated code ends a request: the call, reading its answer by status. An operation with
/// one documented success status (most of them) names it and how its body is read; the others
/// list their successes and give their own decode function.
// A spec need not document every kind of answer: the readers it does not use are unused.
#[allow(dead_code)]
impl ApiRequest {
    /// The one documented success, `status`, has a JSON body; any other status is an error.
    #[inline]
    pub(crate) fn json_answer<T: DeserializeOwned, E: ErrorAnswers>(
        self,
        status: u16,
    ) -> Call<T, E> {
        Call::new(self.answer(status, Read::Json), |answer| {
            if answer.is_error() {
                E::decode(answer)
            } else {
                answer.json()
            }
        })
    }

    /// The one documented success, `status`, has no body; any other status is an error.
    #[inline]
    pub(crate) fn empty_answer<E: ErrorAnswers>(self, status: u16) -> Call<(), E> {
        Call::new(self.answer(status, Read::Empty), |answer| {
            if answer.is_error() {
                E::decode(answer)
            } else {
                answer.empty()
            }
        })
    }

    /// The one documented success, `status`, has a text body; any other status is an error.
    #[inline]
    pub(crate) fn text_answer<E: ErrorAnswers>(self, status: u16) -> Call<String, E> {
        Call::new(self.answer(status, Read::Text), |answer| {
            if answer.is_error() {
                E::decode(answer)
            } else {
                answer.text()
            }
        })
    }

    /// The one documented success, `status`, has a binary body, handed over unread; any other
    /// status is an error.
    #[inline]
    pub(crate) fn stream_answer<E: ErrorAnswers>(self, status: u16) -> Call<ByteStream, E> {
        Call::new(self.answer(status, Read::Stream), |answer| {
            if answer.is_error() {
                E::decode(answer)
            } else {
                answer.stream()
            }
        })
    }

    /// Successes as listed by [`ApiRequest::answers`], every status decoded by `decode`.
    #[inline]
    pub(crate) fn decode<T, E>(
        self,
        decode: fn(Answer) -> Result<Response<T>, Error<E>>,
    ) -> Call<T, E> {
        Call::new(self, decode)
    }
}

impl<T, E> Future for Call<T, E> {
    type Output = Result<Response<T>, Error<E>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.sending.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Ok(answer)) => Poll::Ready((self.decode)(answer)),
            Poll::Ready(Err(e)) => Poll::Ready(Err(e.retype())),
        }
    }
}

/// The one sending future of every operation: the attempts, then the body read as the
/// operation's documented statuses say.
fn send(client: Client, request: ApiRequest) -> Sending {
    Box::pin(async move {
        let answers = request.answers;
        let raw = client.execute(request).await?;
        let read = Read::of(answers, raw.status());
        raw.read(read).await
    })
}
