//! The script: each [`Reply`] says how the server answers one request (status, headers, body,
//! delays, or stalling and hanging up to provoke the client's timeouts and retries).

use std::time::Duration;

/// A scripted answer to one request, built in a builder style:
///
/// ```ignore
/// Reply::status(429).header("Retry-After", "1").json(r#"{"error_code":"APIGW.0308"}"#)
/// ```
#[derive(Clone, Debug)]
pub struct Reply {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
    pub(crate) delay: Duration,
    pub(crate) body_delay: Duration,
    /// A large body made on the fly after `body`: `unit` repeated `count` times, then `tail`.
    pub(crate) repeated: Option<Repeated>,
    /// Send the body one byte at a time, this long apart.
    pub(crate) trickle: Option<Duration>,
    pub(crate) action: Action,
    close: bool,
}

/// A body part written piece by piece so that a test can send hundreds of MiB without holding
/// them.
#[derive(Clone, Debug)]
pub(crate) struct Repeated {
    pub(crate) unit: Vec<u8>,
    pub(crate) count: u64,
    pub(crate) tail: Vec<u8>,
}

/// What the server does with a request once it has been read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Action {
    /// Send the whole response.
    Respond,
    /// Send nothing and keep the connection open until the server is dropped.
    Stall,
    /// Send the status line and headers, then nothing more, keeping the connection open.
    StallAfterHeaders,
    /// Close the connection without sending anything.
    HangUp,
    /// Answer as soon as the request head is read, without reading the body, then keep the
    /// connection open without reading from it until the server is dropped.
    AnswerBeforeBody,
}

impl Reply {
    /// A reply with the given status code, no headers besides `Content-Length`, and an empty body.
    pub fn status(status: u16) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            delay: Duration::ZERO,
            body_delay: Duration::ZERO,
            repeated: None,
            trickle: None,
            action: Action::Respond,
            close: false,
        }
    }

    /// Reads the request and never answers; the connection stays open until the server is
    /// dropped. Useful to exercise client timeouts.
    pub fn stall() -> Reply {
        Reply {
            action: Action::Stall,
            ..Reply::status(200)
        }
    }

    /// Reads the request and closes the connection without answering, as a crashed peer would.
    pub fn hang_up() -> Reply {
        Reply {
            action: Action::HangUp,
            ..Reply::status(200)
        }
    }

    /// Adds a response header; headers are sent in the order they were added, spelled as given.
    ///
    /// A `Content-Length` set here replaces the computed one (and may lie).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Reply {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sets the response body.
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Reply {
        self.body = body.into();
        self
    }

    /// Sets a JSON body and `Content-Type: application/json`, replacing any content type set
    /// before.
    pub fn json(mut self, json: &str) -> Reply {
        self.headers
            .retain(|(name, _)| !name.eq_ignore_ascii_case("content-type"));
        self.headers
            .push(("Content-Type".to_owned(), "application/json".to_owned()));
        self.body = json.as_bytes().to_vec();
        self
    }

    /// Waits this long after reading the request before answering.
    pub fn delay(mut self, delay: Duration) -> Reply {
        self.delay = delay;
        self
    }

    /// Sends the status line and headers at once, then waits this long before sending the body.
    pub fn body_delay(mut self, delay: Duration) -> Reply {
        self.body_delay = delay;
        self
    }

    /// Sends the status line and headers (with the `Content-Length` of the full body), then never
    /// sends the body; the connection stays open until the server is dropped.
    pub fn stall_after_headers(mut self) -> Reply {
        self.action = Action::StallAfterHeaders;
        self
    }

    /// Appends `unit` repeated `count` times, then `tail`, to the body. The server writes them as
    /// it goes, so a body of hundreds of MiB costs it no memory; `Content-Length` counts them.
    ///
    /// ```ignore
    /// // A 10 MiB JSON list of empty objects.
    /// Reply::status(200).body("[").repeat(b"{},", 3_495_253).tail(b"{}]")
    /// ```
    pub fn repeat(mut self, unit: impl Into<Vec<u8>>, count: u64) -> Reply {
        let tail = self.repeated.take().map(|r| r.tail).unwrap_or_default();
        self.repeated = Some(Repeated {
            unit: unit.into(),
            count,
            tail,
        });
        self
    }

    /// Sets what follows the repeated part of [`Reply::repeat`].
    pub fn tail(mut self, tail: impl Into<Vec<u8>>) -> Reply {
        let repeated = self.repeated.get_or_insert(Repeated {
            unit: Vec::new(),
            count: 0,
            tail: Vec::new(),
        });
        repeated.tail = tail.into();
        self
    }

    /// Sends the status line and headers at once, then the body one byte at a time, each after
    /// waiting `interval`: a server that is alive but takes its time.
    pub fn trickle(mut self, interval: Duration) -> Reply {
        self.trickle = Some(interval);
        self
    }

    /// Answers as soon as the request head has arrived, before reading any of the body, then
    /// neither reads nor closes the connection (until the server is dropped): what a busy
    /// gateway does when it refuses a request it has not looked at. The request is recorded with
    /// an empty body.
    pub fn answer_before_body(mut self) -> Reply {
        self.action = Action::AnswerBeforeBody;
        self
    }

    /// The length of the whole body, repeated part included.
    pub(crate) fn body_len(&self) -> u64 {
        let repeated = self.repeated.as_ref().map_or(0, |r| {
            (r.unit.len() as u64).saturating_mul(r.count) + r.tail.len() as u64
        });
        self.body.len() as u64 + repeated
    }

    /// Sends `Connection: close` and closes the connection after this response.
    pub fn close(mut self) -> Reply {
        self.close = true;
        self
    }

    /// Whether the connection is closed after this reply: `.close()`, or a scripted
    /// `Connection: close` header.
    pub(crate) fn closes_connection(&self) -> bool {
        self.close
            || self.headers.iter().any(|(n, v)| {
                n.eq_ignore_ascii_case("connection")
                    && v.split(',').any(|t| t.trim().eq_ignore_ascii_case("close"))
            })
    }

    /// Whether the test set a header of this name (case-insensitive).
    pub(crate) fn has_header(&self, name: &str) -> bool {
        self.headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name))
    }
}
