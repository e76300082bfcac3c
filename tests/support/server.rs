#![allow(dead_code)]
//! A small scripted HTTP/1.1 server on the loopback interface, for integration tests of the
//! HTTP client.
//!
//! The server answers each request with the next [`Reply`] of a script and records what it
//! received as a [`RecordedRequest`], byte for byte, so that tests can assert on exactly what the
//! client put on the wire: method, raw request-target, headers in order and as spelled, and the
//! decoded body (from `Content-Length` or `Transfer-Encoding: chunked`).
//!
//! ```ignore
//! let server = TestServer::start(vec![Reply::status(200).json(r#"{"ok":true}"#)]).await;
//! let response = client.get(format!("{}/v1/things?limit=10", server.url())).send().await?;
//! let request = &server.wait_for_requests(1, Duration::from_secs(5)).await[0];
//! assert_eq!(request.path, "/v1/things");
//! assert_eq!(request.query, [("limit".to_owned(), "10".to_owned())]);
//! ```
//!
//! Behaviour worth knowing:
//!
//! * Replies are used in the order given, one per request, across all connections; once they run
//!   out every request is answered `500` with the body `no reply scripted`.
//! * Connections are kept alive (HTTP/1.1 default) unless the client sends `Connection: close`,
//!   speaks HTTP/1.0 without `keep-alive`, or the reply asks to close.
//! * Malformed input is answered `400 Bad Request` (or `431` for a head over 64 KiB), the
//!   connection is closed and nothing is recorded. Nothing the client sends can make it panic.
//! * Responses carry only the headers the test scripted, plus `Content-Length` (unless the test
//!   set one itself, or the status is 1xx/204) and `Connection: close` when the server is about to
//!   close the connection.
//! * Dropping the [`TestServer`] stops it and closes every connection, including stalled ones.
//! * [`TestServer::start_sink`] only counts body bytes (`body_len`) instead of storing them, for
//!   uploads of hundreds of MiB; bodies are always read in a streaming way.

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

/// Largest request head (request line and header fields) the server accepts.
const MAX_HEAD: usize = 64 * 1024;
/// Largest chunk-size line or trailer section accepted in a chunked body.
const MAX_CHUNK_META: usize = 64 * 1024;
/// Size of a single socket read.
const READ_CHUNK: usize = 256 * 1024;
/// Upper bound for the up-front allocation of a recorded body, whatever `Content-Length` claims.
const MAX_PREALLOC: usize = 16 * 1024 * 1024;

/// Options of a [`TestServer`].
#[derive(Clone, Debug)]
pub struct ServerOptions {
    /// Store request bodies in [`RecordedRequest::body`]. When `false` the body bytes are only
    /// counted into [`RecordedRequest::body_len`] and `body` stays empty.
    pub record_bodies: bool,
}

impl Default for ServerOptions {
    fn default() -> Self {
        Self {
            record_bodies: true,
        }
    }
}

/// A scripted HTTP/1.1 server bound to `127.0.0.1` on an ephemeral port.
///
/// The server runs in a background tokio task and stops when this value is dropped.
#[derive(Debug)]
pub struct TestServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    requests_seen: watch::Receiver<usize>,
    task: JoinHandle<()>,
}

impl TestServer {
    /// Starts a server that answers with `replies`, in order, and records request bodies.
    pub async fn start(replies: Vec<Reply>) -> TestServer {
        Self::start_with(replies, ServerOptions::default()).await
    }

    /// Starts a server that answers with `replies` but only counts request body bytes into
    /// [`RecordedRequest::body_len`], for large uploads.
    pub async fn start_sink(replies: Vec<Reply>) -> TestServer {
        Self::start_with(
            replies,
            ServerOptions {
                record_bodies: false,
            },
        )
        .await
    }

    /// Starts a server with explicit [`ServerOptions`].
    ///
    /// # Panics
    ///
    /// Panics if no loopback port can be bound.
    pub async fn start_with(replies: Vec<Reply>, options: ServerOptions) -> TestServer {
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .await
            .expect("test server: bind 127.0.0.1:0");
        let addr = listener
            .local_addr()
            .expect("test server: local address of the listener");
        let (requests_tx, requests_seen) = watch::channel(0);
        let shared = Arc::new(Shared {
            options,
            state: Mutex::new(State {
                replies: replies.into(),
                requests: Vec::new(),
                connections: 0,
            }),
            requests_tx,
        });
        let task = tokio::spawn(accept_loop(listener, Arc::clone(&shared)));
        TestServer {
            addr,
            shared,
            requests_seen,
            task,
        }
    }

    /// Base URL of the server, `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Socket address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every request received so far, in the order they were completely read.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.lock().requests.clone()
    }

    /// Number of TCP connections accepted so far.
    pub fn connections(&self) -> u64 {
        self.shared.lock().connections
    }

    /// Appends a reply to the end of the script.
    pub fn push_reply(&self, reply: Reply) {
        self.shared.lock().replies.push_back(reply);
    }

    /// Number of scripted replies not used yet.
    pub fn remaining_replies(&self) -> usize {
        self.shared.lock().replies.len()
    }

    /// Waits until at least `n` requests have been received and returns all of them.
    ///
    /// # Panics
    ///
    /// Panics if fewer than `n` requests arrived within `timeout`, listing those that did.
    pub async fn wait_for_requests(&self, n: usize, timeout: Duration) -> Vec<RecordedRequest> {
        let mut seen = self.requests_seen.clone();
        // The sender lives in `self.shared`, so `wait_for` can only end by the count reaching `n`
        // or by the timeout.
        let reached = tokio::time::timeout(timeout, seen.wait_for(|count| *count >= n))
            .await
            .is_ok_and(|waited| waited.is_ok());
        let requests = self.requests();
        if !reached {
            let received: Vec<String> = requests
                .iter()
                .map(|r| format!("{} {}", r.method, r.target))
                .collect();
            panic!(
                "test server: expected {n} request(s) within {timeout:?}, got {}: {received:?}",
                requests.len()
            );
        }
        requests
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        // Aborting the accept loop drops its `JoinSet`, which aborts every connection task and so
        // closes their sockets.
        self.task.abort();
    }
}

/// A scripted answer to one request, built in a builder style:
///
/// ```ignore
/// Reply::status(429).header("Retry-After", "1").json(r#"{"error_code":"APIGW.0308"}"#)
/// ```
#[derive(Clone, Debug)]
pub struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    delay: Duration,
    body_delay: Duration,
    action: Action,
    close: bool,
}

/// What the server does with a request once it has been read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Action {
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
    fn closes_connection(&self) -> bool {
        self.close
            || self.headers.iter().any(|(n, v)| {
                n.eq_ignore_ascii_case("connection")
                    && v.split(',').any(|t| t.trim().eq_ignore_ascii_case("close"))
            })
    }

    /// Whether the test set a header of this name (case-insensitive).
    fn has_header(&self, name: &str) -> bool {
        self.headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name))
    }
}

/// One request as received by the server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedRequest {
    /// Method, as sent.
    pub method: String,
    /// Raw request-target, exactly as on the wire (path and query, still percent-encoded).
    pub target: String,
    /// Raw path: the request-target before the first `?`, still percent-encoded.
    pub path: String,
    /// Query parameters in order, percent-decoded (`+` is decoded as a space, as HTML forms and
    /// most servers do; use `target` to see the raw form). A parameter without `=` has an empty
    /// value.
    pub query: Vec<(String, String)>,
    /// Header fields in order, names spelled as sent, values without surrounding whitespace.
    pub headers: Vec<(String, String)>,
    /// Decoded body (de-chunked if needed); empty when the server only counts body bytes.
    pub body: Vec<u8>,
    /// Number of decoded body bytes, always set.
    pub body_len: u64,
    /// Index of the TCP connection the request came on (0 for the first accepted connection).
    pub connection: u64,
}

impl RecordedRequest {
    /// Value of the first header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Values of all headers with this name (case-insensitive), in order.
    pub fn header_all(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// Value of the first query parameter with this (decoded) name.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body as UTF-8, if it is.
    pub fn body_str(&self) -> Option<&str> {
        std::str::from_utf8(&self.body).ok()
    }

    /// Parses a `multipart/form-data` body, strictly.
    ///
    /// The boundary comes from the `Content-Type` header. The body must start with the first
    /// delimiter (no preamble), each part needs a `Content-Disposition: form-data` header with a
    /// `name` (`name*=utf-8''…` is decoded too), and the body must end with the close delimiter,
    /// optionally followed by a single CRLF. Anything else is an error.
    pub fn multipart(&self) -> Result<Vec<MultipartPart>, String> {
        let content_type = self
            .header("content-type")
            .ok_or("request has no Content-Type header")?;
        let (mime, params) = parse_header_params(content_type)?;
        if !mime.eq_ignore_ascii_case("multipart/form-data") {
            return Err(format!("Content-Type is {mime:?}, not multipart/form-data"));
        }
        let boundary = params
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("boundary"))
            .map(|(_, v)| v.as_str())
            .ok_or("Content-Type has no boundary parameter")?;
        if boundary.is_empty() || boundary.len() > 70 {
            return Err(format!("invalid boundary length {}", boundary.len()));
        }
        parse_multipart(&self.body, boundary.as_bytes())
    }
}

/// One part of a `multipart/form-data` body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MultipartPart {
    /// The `name` parameter of `Content-Disposition`.
    pub name: String,
    /// The `filename` parameter of `Content-Disposition`, if any.
    pub file_name: Option<String>,
    /// The part's `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// All part headers in order, names as sent.
    pub headers: Vec<(String, String)>,
    /// The part's content, exactly.
    pub data: Vec<u8>,
}

// ---------------------------------------------------------------------------------------------
// Shared state
// ---------------------------------------------------------------------------------------------

#[derive(Debug)]
struct Shared {
    options: ServerOptions,
    state: Mutex<State>,
    /// Number of recorded requests, for [`TestServer::wait_for_requests`].
    requests_tx: watch::Sender<usize>,
}

#[derive(Debug)]
struct State {
    replies: VecDeque<Reply>,
    requests: Vec<RecordedRequest>,
    connections: u64,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic elsewhere while holding the lock cannot leave `State` inconsistent.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Records a request and takes the reply for it, atomically so that the n-th recorded request
    /// gets the n-th reply.
    fn record(&self, request: RecordedRequest) -> Reply {
        let (reply, count) = {
            let mut state = self.lock();
            state.requests.push(request);
            let reply = state
                .replies
                .pop_front()
                .unwrap_or_else(|| Reply::status(500).body("no reply scripted"));
            (reply, state.requests.len())
        };
        self.requests_tx.send_replace(count);
        reply
    }
}

// ---------------------------------------------------------------------------------------------
// Connection handling
// ---------------------------------------------------------------------------------------------

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    // Owning the connection tasks here means aborting this task aborts them all.
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let id = {
                        let mut state = shared.lock();
                        state.connections += 1;
                        state.connections - 1
                    };
                    connections.spawn(serve_connection(stream, id, Arc::clone(&shared)));
                }
                // E.g. out of file descriptors: back off instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

/// Why a connection stopped being served.
#[derive(Debug)]
enum ConnError {
    /// Socket error or the peer went away: close silently.
    Io(io::Error),
    /// Malformed request: answer 400 with this reason, then close.
    BadRequest(String),
    /// Request head over [`MAX_HEAD`]: answer 431, then close.
    HeadTooLarge,
}

impl From<io::Error> for ConnError {
    fn from(error: io::Error) -> Self {
        ConnError::Io(error)
    }
}

fn bad(reason: impl Into<String>) -> ConnError {
    ConnError::BadRequest(reason.into())
}

async fn serve_connection(stream: TcpStream, id: u64, shared: Arc<Shared>) {
    // Responses are written in one go; Nagle would only add latency.
    let _ = stream.set_nodelay(true);
    let mut conn = Conn::new(stream);
    let result = serve_requests(&mut conn, id, &shared).await;
    let rejection = match result {
        Ok(()) | Err(ConnError::Io(_)) => None,
        Err(ConnError::BadRequest(reason)) => Some((400, format!("bad request: {reason}"))),
        Err(ConnError::HeadTooLarge) => Some((431, "request head too large".to_owned())),
    };
    if let Some((status, message)) = rejection {
        let reply = Reply::status(status).body(message).close();
        let _ = conn.stream.write_all(&response_head(&reply, true)).await;
        let _ = conn.stream.write_all(&reply.body).await;
    }
    let _ = conn.stream.shutdown().await;
}

async fn serve_requests(conn: &mut Conn, id: u64, shared: &Shared) -> Result<(), ConnError> {
    while let Some(head) = conn.read_head().await? {
        let framing = head.body_framing()?;
        if head
            .header("expect")
            .is_some_and(|v| v.eq_ignore_ascii_case("100-continue"))
            && framing != BodyFraming::None
        {
            conn.stream
                .write_all(b"HTTP/1.1 100 Continue\r\n\r\n")
                .await?;
        }
        let mut body = BodySink::new(shared.options.record_bodies, &framing);
        match framing {
            BodyFraming::None => {}
            BodyFraming::Length(len) => conn.read_body(len, &mut body).await?,
            BodyFraming::Chunked => conn.read_chunked(&mut body).await?,
        }
        let client_wants_close = head.wants_close();
        let is_head = head.method == "HEAD";
        let reply = shared.record(head.into_recorded(body, id));

        if !reply.delay.is_zero() {
            tokio::time::sleep(reply.delay).await;
        }
        let close = client_wants_close || reply.closes_connection();
        match reply.action {
            Action::HangUp => return Ok(()),
            Action::Stall => std::future::pending::<()>().await,
            Action::Respond | Action::StallAfterHeaders => {
                let head = response_head(&reply, close);
                let has_body = !is_head && status_allows_body(reply.status);
                if reply.action == Action::StallAfterHeaders {
                    conn.stream.write_all(&head).await?;
                    std::future::pending::<()>().await;
                } else if !reply.body_delay.is_zero() {
                    conn.stream.write_all(&head).await?;
                    tokio::time::sleep(reply.body_delay).await;
                    if has_body {
                        conn.stream.write_all(&reply.body).await?;
                    }
                } else {
                    let mut message = head;
                    if has_body {
                        message.extend_from_slice(&reply.body);
                    }
                    conn.stream.write_all(&message).await?;
                }
            }
        }
        if close {
            return Ok(());
        }
    }
    Ok(())
}

fn status_allows_body(status: u16) -> bool {
    !(100..200).contains(&status) && status != 204 && status != 304
}

/// Serialises the status line and headers of `reply`, ending with the empty line.
fn response_head(reply: &Reply, close: bool) -> Vec<u8> {
    let mut head = format!("HTTP/1.1 {} {}\r\n", reply.status, reason(reply.status));
    for (name, value) in &reply.headers {
        let _ = write!(head, "{name}: {value}\r\n");
    }
    let status_has_length = !(100..200).contains(&reply.status) && reply.status != 204;
    if status_has_length && !reply.has_header("content-length") {
        let _ = write!(head, "Content-Length: {}\r\n", reply.body.len());
    }
    if close && !reply.has_header("connection") {
        head.push_str("Connection: close\r\n");
    }
    head.push_str("\r\n");
    head.into_bytes()
}

fn reason(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Content",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

/// A TCP connection with a read buffer of received but not yet consumed bytes.
struct Conn {
    stream: TcpStream,
    /// Received bytes; those before `start` are consumed.
    buf: Vec<u8>,
    start: usize,
    scratch: Box<[u8]>,
}

impl Conn {
    fn new(stream: TcpStream) -> Conn {
        Conn {
            stream,
            buf: Vec::new(),
            start: 0,
            scratch: vec![0; READ_CHUNK].into_boxed_slice(),
        }
    }

    fn pending(&self) -> &[u8] {
        &self.buf[self.start..]
    }

    fn consume(&mut self, n: usize) {
        self.start += n;
        if self.start >= self.buf.len() {
            self.buf.clear();
            self.start = 0;
        }
    }

    /// Reads more bytes from the socket into the buffer; returns 0 at end of stream.
    async fn fill(&mut self) -> io::Result<usize> {
        let n = self.stream.read(&mut self.scratch).await?;
        if self.start > 0 && self.start >= self.buf.len() / 2 {
            self.buf.drain(..self.start);
            self.start = 0;
        }
        self.buf.extend_from_slice(&self.scratch[..n]);
        Ok(n)
    }

    /// Like [`Conn::fill`], but end of stream is an error.
    async fn fill_more(&mut self) -> Result<(), ConnError> {
        if self.fill().await? == 0 {
            return Err(ConnError::Io(io::ErrorKind::UnexpectedEof.into()));
        }
        Ok(())
    }

    /// Reads the next request head; `None` when the peer closed the connection between requests.
    async fn read_head(&mut self) -> Result<Option<RequestHead>, ConnError> {
        let mut scanned: usize = 0;
        loop {
            // Robustness (RFC 9112 §2.2): ignore empty lines before the request line.
            while self.pending().starts_with(b"\r\n") {
                self.consume(2);
                scanned = 0;
            }
            let pending = self.pending();
            let from = scanned.saturating_sub(3);
            if let Some(end) = find(&pending[from..], b"\r\n\r\n") {
                let head_len = from + end + 4;
                if head_len > MAX_HEAD {
                    return Err(ConnError::HeadTooLarge);
                }
                let head = RequestHead::parse(&pending[..head_len - 4])?;
                self.consume(head_len);
                return Ok(Some(head));
            }
            if pending.len() > MAX_HEAD {
                return Err(ConnError::HeadTooLarge);
            }
            scanned = pending.len();
            if self.fill().await? == 0 {
                return if self.pending().is_empty() || self.pending() == b"\r" {
                    Ok(None)
                } else {
                    Err(ConnError::Io(io::ErrorKind::UnexpectedEof.into()))
                };
            }
        }
    }

    /// Reads exactly `len` body bytes into `sink`, streaming.
    async fn read_body(&mut self, len: u64, sink: &mut BodySink) -> Result<(), ConnError> {
        let mut remaining = len;
        let buffered = self.pending().len().min(clamp_len(remaining));
        if buffered > 0 {
            sink.push(&self.buf[self.start..self.start + buffered]);
            self.consume(buffered);
            remaining -= buffered as u64;
        }
        while remaining > 0 {
            let want = self.scratch.len().min(clamp_len(remaining));
            let n = self.stream.read(&mut self.scratch[..want]).await?;
            if n == 0 {
                return Err(ConnError::Io(io::ErrorKind::UnexpectedEof.into()));
            }
            sink.push(&self.scratch[..n]);
            remaining -= n as u64;
        }
        Ok(())
    }

    /// Reads a line ending in CRLF (returned without it), at most `limit` bytes long.
    async fn read_line(&mut self, limit: usize) -> Result<Vec<u8>, ConnError> {
        let mut scanned: usize = 0;
        loop {
            let pending = self.pending();
            let from = scanned.saturating_sub(1);
            if let Some(end) = find(&pending[from..], b"\r\n") {
                let line = pending[..from + end].to_vec();
                self.consume(from + end + 2);
                return Ok(line);
            }
            if pending.len() > limit {
                return Err(bad("line too long in chunked body"));
            }
            scanned = pending.len();
            self.fill_more().await?;
        }
    }

    /// Decodes a `Transfer-Encoding: chunked` body into `sink`; trailers are read and dropped.
    async fn read_chunked(&mut self, sink: &mut BodySink) -> Result<(), ConnError> {
        loop {
            let line = self.read_line(MAX_CHUNK_META).await?;
            let size = parse_chunk_size(&line)?;
            if size == 0 {
                break;
            }
            self.read_body(size, sink).await?;
            while self.pending().len() < 2 {
                self.fill_more().await?;
            }
            if !self.pending().starts_with(b"\r\n") {
                return Err(bad("chunk data not followed by CRLF"));
            }
            self.consume(2);
        }
        let mut trailer_bytes = 0;
        loop {
            let line = self.read_line(MAX_CHUNK_META).await?;
            if line.is_empty() {
                return Ok(());
            }
            trailer_bytes += line.len() + 2;
            if trailer_bytes > MAX_CHUNK_META {
                return Err(bad("trailer section too large"));
            }
            parse_header_line(&line)?;
        }
    }
}

fn clamp_len(len: u64) -> usize {
    usize::try_from(len).unwrap_or(usize::MAX)
}

/// Parses `chunk-size [ ; chunk-ext ]`.
fn parse_chunk_size(line: &[u8]) -> Result<u64, ConnError> {
    let digits_end = line
        .iter()
        .position(|b| !b.is_ascii_hexdigit())
        .unwrap_or(line.len());
    let (digits, rest) = line.split_at(digits_end);
    if digits.is_empty() || digits.len() > 16 {
        return Err(bad("invalid chunk size"));
    }
    let rest = trim_ows(rest);
    if !rest.is_empty() && rest[0] != b';' {
        return Err(bad("invalid chunk size line"));
    }
    let digits = std::str::from_utf8(digits).map_err(|_| bad("invalid chunk size"))?;
    u64::from_str_radix(digits, 16).map_err(|_| bad("invalid chunk size"))
}

/// Where request body bytes go.
struct BodySink {
    data: Option<Vec<u8>>,
    len: u64,
}

impl BodySink {
    fn new(record: bool, framing: &BodyFraming) -> BodySink {
        let capacity = match *framing {
            BodyFraming::Length(len) => clamp_len(len).min(MAX_PREALLOC),
            _ => 0,
        };
        BodySink {
            data: record.then(|| Vec::with_capacity(capacity)),
            len: 0,
        }
    }

    fn push(&mut self, bytes: &[u8]) {
        self.len += bytes.len() as u64;
        if let Some(data) = &mut self.data {
            data.extend_from_slice(bytes);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Request head parsing
// ---------------------------------------------------------------------------------------------

#[derive(Debug, PartialEq, Eq)]
enum BodyFraming {
    None,
    Length(u64),
    Chunked,
}

struct RequestHead {
    method: String,
    target: String,
    minor_version: u8,
    headers: Vec<(String, String)>,
}

impl RequestHead {
    /// Parses a request head without its final empty line.
    fn parse(head: &[u8]) -> Result<RequestHead, ConnError> {
        let mut lines = split_crlf(head).map(|line| {
            if line.iter().any(|&b| b == b'\r' || b == b'\n') {
                Err(bad("bare CR or LF in request head"))
            } else {
                Ok(line)
            }
        });
        let request_line = lines.next().ok_or_else(|| bad("empty request"))??;
        let mut parts = request_line.split(|&b| b == b' ');
        let (Some(method), Some(target), Some(version), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad("malformed request line"));
        };
        if method.is_empty() || !method.iter().all(|&b| is_tchar(b)) {
            return Err(bad("invalid method"));
        }
        if target.is_empty() || !target.iter().all(|&b| b.is_ascii_graphic()) {
            return Err(bad("invalid request-target"));
        }
        let minor_version = match version {
            b"HTTP/1.1" => 1,
            b"HTTP/1.0" => 0,
            _ => return Err(bad("unsupported HTTP version")),
        };
        let mut headers = Vec::new();
        for line in lines {
            headers.push(parse_header_line(line?)?);
        }
        Ok(RequestHead {
            // Both were checked to be ASCII above.
            method: String::from_utf8_lossy(method).into_owned(),
            target: String::from_utf8_lossy(target).into_owned(),
            minor_version,
            headers,
        })
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Comma-separated tokens of every header with this name, lower-cased.
    fn header_tokens(&self, name: &str) -> Vec<String> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .flat_map(|(_, v)| v.split(','))
            .map(|token| token.trim().to_ascii_lowercase())
            .filter(|token| !token.is_empty())
            .collect()
    }

    fn body_framing(&self) -> Result<BodyFraming, ConnError> {
        let encodings = self.header_tokens("transfer-encoding");
        let has_length = self.header("content-length").is_some();
        if !encodings.is_empty() {
            if has_length {
                return Err(bad("both Transfer-Encoding and Content-Length"));
            }
            if encodings != ["chunked"] {
                return Err(bad("unsupported Transfer-Encoding"));
            }
            return Ok(BodyFraming::Chunked);
        }
        if self
            .headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("transfer-encoding"))
        {
            return Err(bad("empty Transfer-Encoding"));
        }
        let mut length = None;
        for value in self.header_all("content-length") {
            for item in value.split(',') {
                let item = item.trim();
                if item.is_empty() || !item.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(bad("invalid Content-Length"));
                }
                let parsed: u64 = item.parse().map_err(|_| bad("invalid Content-Length"))?;
                if length.is_some_and(|previous| previous != parsed) {
                    return Err(bad("conflicting Content-Length values"));
                }
                length = Some(parsed);
            }
        }
        Ok(match length {
            Some(0) | None => BodyFraming::None,
            Some(len) => BodyFraming::Length(len),
        })
    }

    fn header_all(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    fn wants_close(&self) -> bool {
        let tokens = self.header_tokens("connection");
        if self.minor_version == 0 {
            !tokens.iter().any(|t| t == "keep-alive")
        } else {
            tokens.iter().any(|t| t == "close")
        }
    }

    fn into_recorded(self, body: BodySink, connection: u64) -> RecordedRequest {
        let (path, query) = match self.target.split_once('?') {
            Some((path, query)) => (path.to_owned(), parse_query(query)),
            None => (self.target.clone(), Vec::new()),
        };
        RecordedRequest {
            method: self.method,
            target: self.target,
            path,
            query,
            headers: self.headers,
            body: body.data.unwrap_or_default(),
            body_len: body.len,
            connection,
        }
    }
}

/// Parses `name: value` (no obsolete line folding); the value loses surrounding whitespace and is
/// decoded as UTF-8, lossily.
fn parse_header_line(line: &[u8]) -> Result<(String, String), ConnError> {
    let colon = line
        .iter()
        .position(|&b| b == b':')
        .ok_or_else(|| bad("header line without colon"))?;
    let (name, value) = (&line[..colon], &line[colon + 1..]);
    if name.is_empty() || !name.iter().all(|&b| is_tchar(b)) {
        return Err(bad("invalid header name"));
    }
    let value = trim_ows(value);
    if value.iter().any(|&b| (b < 0x20 && b != b'\t') || b == 0x7f) {
        return Err(bad("control character in header value"));
    }
    Ok((
        String::from_utf8_lossy(name).into_owned(),
        String::from_utf8_lossy(value).into_owned(),
    ))
}

/// `tchar` of RFC 9110 §5.6.2: the characters allowed in methods and header names.
fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

fn trim_ows(mut bytes: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = bytes {
        bytes = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = bytes {
        bytes = rest;
    }
    bytes
}

/// Splits on CRLF; `head` must not end with CRLF.
fn split_crlf(head: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = Some(head);
    std::iter::from_fn(move || {
        let current = rest?;
        match find(current, b"\r\n") {
            Some(i) => {
                rest = Some(&current[i + 2..]);
                Some(&current[..i])
            }
            None => {
                rest = None;
                Some(current)
            }
        }
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// Splits a query string on `&` and `=` and decodes each name and value.
fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode_query_component(name), decode_query_component(value))
        })
        .collect()
}

/// Percent-decodes, with `+` as a space; malformed escapes are kept as they are, and invalid
/// UTF-8 is replaced.
fn decode_query_component(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => match (
                bytes.get(i + 1).and_then(|&b| hex_value(b)),
                bytes.get(i + 2).and_then(|&b| hex_value(b)),
            ) {
                (Some(high), Some(low)) => {
                    out.push(high << 4 | low);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// multipart/form-data
// ---------------------------------------------------------------------------------------------

/// Splits a header value such as `form-data; name="a"; filename="b"` into its leading value and
/// its parameters (names as sent, values unquoted).
fn parse_header_params(value: &str) -> Result<(String, Vec<(String, String)>), String> {
    let (first, mut rest) = match value.find(';') {
        Some(i) => (&value[..i], &value[i..]),
        None => (value, ""),
    };
    let first = first.trim();
    if first.is_empty() {
        return Err(format!("empty value in {value:?}"));
    }
    let mut params = Vec::new();
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            break;
        }
        rest = rest
            .strip_prefix(';')
            .ok_or_else(|| format!("expected ';' in {value:?}"))?
            .trim_start();
        if rest.is_empty() {
            break;
        }
        let eq = rest
            .find('=')
            .ok_or_else(|| format!("parameter without '=' in {value:?}"))?;
        let name = rest[..eq].trim();
        if name.is_empty() || !name.bytes().all(is_tchar) {
            return Err(format!("invalid parameter name in {value:?}"));
        }
        rest = rest[eq + 1..].trim_start();
        let param_value;
        if let Some(quoted) = rest.strip_prefix('"') {
            let mut unquoted = String::new();
            let mut chars = quoted.char_indices();
            let mut end = None;
            while let Some((i, c)) = chars.next() {
                match c {
                    '"' => {
                        end = Some(i + 1);
                        break;
                    }
                    '\\' => match chars.next() {
                        Some((_, escaped)) => unquoted.push(escaped),
                        None => break,
                    },
                    c => unquoted.push(c),
                }
            }
            let end = end.ok_or_else(|| format!("unterminated quoted string in {value:?}"))?;
            param_value = unquoted;
            rest = &quoted[end..];
        } else {
            let end = rest.find(';').unwrap_or(rest.len());
            let token = rest[..end].trim();
            if token.is_empty() {
                return Err(format!("empty parameter value in {value:?}"));
            }
            param_value = token.to_owned();
            rest = &rest[end..];
        }
        params.push((name.to_owned(), param_value));
    }
    Ok((first.to_owned(), params))
}

/// Value of a parameter, preferring the RFC 8187 `name*=utf-8''…` form over the plain one.
fn disposition_param(params: &[(String, String)], name: &str) -> Result<Option<String>, String> {
    let extended = format!("{name}*");
    if let Some((_, value)) = params
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(&extended))
    {
        let mut pieces = value.splitn(3, '\'');
        let (Some(charset), Some(_language), Some(encoded)) =
            (pieces.next(), pieces.next(), pieces.next())
        else {
            return Err(format!("malformed extended parameter {extended}={value:?}"));
        };
        if !charset.eq_ignore_ascii_case("utf-8") {
            return Err(format!("unsupported charset {charset:?} in {extended}"));
        }
        let bytes = percent_decode_strict(encoded)
            .ok_or_else(|| format!("bad percent-encoding in {extended}={value:?}"))?;
        return String::from_utf8(bytes)
            .map(Some)
            .map_err(|_| format!("invalid UTF-8 in {extended}={value:?}"));
    }
    Ok(params
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.clone()))
}

fn percent_decode_strict(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let high = hex_value(*bytes.get(i + 1)?)?;
            let low = hex_value(*bytes.get(i + 2)?)?;
            out.push(high << 4 | low);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(out)
}

fn parse_multipart(body: &[u8], boundary: &[u8]) -> Result<Vec<MultipartPart>, String> {
    let mut dash_boundary = b"--".to_vec();
    dash_boundary.extend_from_slice(boundary);
    let mut delimiter = b"\r\n".to_vec();
    delimiter.extend_from_slice(&dash_boundary);

    let mut rest = body
        .strip_prefix(dash_boundary.as_slice())
        .ok_or("body does not start with the boundary delimiter")?;
    let mut parts = Vec::new();
    loop {
        // After a delimiter: "--" closes, CRLF starts a part.
        if let Some(after) = rest.strip_prefix(b"--") {
            if after.is_empty() || after == b"\r\n" {
                return Ok(parts);
            }
            return Err(format!(
                "{} unexpected byte(s) after the close delimiter",
                after.len()
            ));
        }
        rest = rest
            .strip_prefix(b"\r\n")
            .ok_or_else(|| format!("part {}: delimiter not followed by CRLF", parts.len()))?;

        let index = parts.len();
        let headers_end = if rest.starts_with(b"\r\n") {
            0
        } else {
            find(rest, b"\r\n\r\n")
                .ok_or_else(|| format!("part {index}: headers not terminated"))?
                + 2
        };
        let header_block = std::str::from_utf8(&rest[..headers_end])
            .map_err(|_| format!("part {index}: headers are not UTF-8"))?;
        rest = &rest[headers_end + 2..];

        let mut headers = Vec::new();
        for line in header_block.split_terminator("\r\n") {
            let (name, value) = line
                .split_once(':')
                .ok_or_else(|| format!("part {index}: header line without colon: {line:?}"))?;
            if name.is_empty() || !name.bytes().all(is_tchar) {
                return Err(format!("part {index}: invalid header name {name:?}"));
            }
            headers.push((name.to_owned(), value.trim().to_owned()));
        }
        let header = |wanted: &str| {
            headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(wanted))
                .map(|(_, v)| v.clone())
        };
        let disposition = header("content-disposition")
            .ok_or_else(|| format!("part {index}: no Content-Disposition header"))?;
        let (kind, params) =
            parse_header_params(&disposition).map_err(|e| format!("part {index}: {e}"))?;
        if !kind.eq_ignore_ascii_case("form-data") {
            return Err(format!("part {index}: Content-Disposition is {kind:?}"));
        }
        let name = disposition_param(&params, "name")
            .map_err(|e| format!("part {index}: {e}"))?
            .ok_or_else(|| format!("part {index}: Content-Disposition has no name"))?;
        let file_name =
            disposition_param(&params, "filename").map_err(|e| format!("part {index}: {e}"))?;
        let content_type = header("content-type");

        let data_end = find(rest, &delimiter)
            .ok_or_else(|| format!("part {index} ({name:?}): no closing boundary"))?;
        parts.push(MultipartPart {
            name,
            file_name,
            content_type,
            headers,
            data: rest[..data_end].to_vec(),
        });
        rest = &rest[data_end + delimiter.len()..];
    }
}
