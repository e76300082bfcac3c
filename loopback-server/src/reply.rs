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
    pub(crate) action: Action,
    close: bool,
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
