//! Serving connections: the accept loop, one task per connection reading requests (head, then
//! the body as framed) and writing the scripted replies, and the state they share with the
//! [`TestServer`](crate::TestServer) handle.

use crate::parse::{
    bad, find, parse_chunk_size, parse_header_line, parse_query, BodyFraming, ConnError,
    RequestHead,
};
use crate::recorded::RecordedRequest;
use crate::reply::{Action, Reply};
use crate::{KeepBody, ServerOptions};
use std::collections::VecDeque;
use std::fmt::Write as _;
use std::io;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;

/// Largest request head (request line and header fields) the server accepts.
const MAX_HEAD: usize = 64 * 1024;
/// Largest chunk-size line or trailer section accepted in a chunked body.
const MAX_CHUNK_META: usize = 64 * 1024;
/// Size of a single socket read.
const READ_CHUNK: usize = 256 * 1024;
/// Upper bound for the up-front allocation of a recorded body, whatever `Content-Length` claims.
const MAX_PREALLOC: usize = 16 * 1024 * 1024;

/// What the server's tasks and its handle share.
#[derive(Debug)]
pub(crate) struct Shared {
    keep_body: KeepBody,
    unscripted_reply: Reply,
    state: Mutex<State>,
    /// Number of recorded requests, for [`crate::TestServer::wait_for_requests`].
    requests_tx: watch::Sender<usize>,
}

#[derive(Debug)]
pub(crate) struct State {
    pub(crate) replies: VecDeque<Reply>,
    pub(crate) requests: Vec<RecordedRequest>,
    pub(crate) connections: u64,
}

impl Shared {
    pub(crate) fn new(
        replies: Vec<Reply>,
        options: ServerOptions,
        requests_tx: watch::Sender<usize>,
    ) -> Shared {
        Shared {
            keep_body: options.keep_body,
            unscripted_reply: options.unscripted_reply,
            state: Mutex::new(State {
                replies: replies.into(),
                requests: Vec::new(),
                connections: 0,
            }),
            requests_tx,
        }
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
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
                .unwrap_or_else(|| self.unscripted_reply.clone());
            (reply, state.requests.len())
        };
        self.requests_tx.send_replace(count);
        reply
    }

    /// When the next scripted reply answers before the body (and only then), records the request
    /// with an empty body and takes that reply, atomically as [`Shared::record`] does.
    fn take_early_reply(&self, head: &RequestHead, connection: u64) -> Option<Reply> {
        let (reply, count) = {
            let mut state = self.lock();
            let next = state.replies.front().unwrap_or(&self.unscripted_reply);
            if next.action != Action::AnswerBeforeBody {
                return None;
            }
            let body = BodySink::new(self.keep_body, &BodyFraming::None);
            state
                .requests
                .push(recorded(head.clone(), body, connection));
            let reply = state
                .replies
                .pop_front()
                .unwrap_or_else(|| self.unscripted_reply.clone());
            (reply, state.requests.len())
        };
        self.requests_tx.send_replace(count);
        Some(reply)
    }
}

pub(crate) async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
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

async fn serve_connection(stream: TcpStream, id: u64, shared: Arc<Shared>) {
    // Responses are written in one go; Nagle would only add latency.
    let _ = stream.set_nodelay(true);
    let mut conn = Conn::new(stream);
    let result = serve_requests(&mut conn, id, &shared).await;
    let rejection = match result {
        Ok(()) | Err(ConnError::Closed) => None,
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
        if let Some(reply) = shared.take_early_reply(&head, id) {
            // The body stays unread: the client sees the answer while still sending.
            let close = head.wants_close() || reply.closes_connection();
            let has_body = head.method != "HEAD" && status_allows_body(reply.status);
            write_reply(&mut conn.stream, &reply, close, has_body).await?;
            std::future::pending::<()>().await;
        }
        let mut body = BodySink::new(shared.keep_body, &framing);
        match framing {
            BodyFraming::None => {}
            BodyFraming::Length(len) => conn.read_body(len, &mut body).await?,
            BodyFraming::Chunked => conn.read_chunked(&mut body).await?,
        }
        let client_wants_close = head.wants_close();
        let is_head = head.method == "HEAD";
        let reply = shared.record(recorded(head, body, id));

        if !reply.delay.is_zero() {
            tokio::time::sleep(reply.delay).await;
        }
        let close = client_wants_close || reply.closes_connection();
        match reply.action {
            Action::HangUp => return Ok(()),
            Action::Stall => std::future::pending::<()>().await,
            // Only reached when the reply was not the next one as the head arrived (another
            // connection took the one before): answered as usual.
            Action::Respond | Action::AnswerBeforeBody => {
                let has_body = !is_head && status_allows_body(reply.status);
                write_reply(&mut conn.stream, &reply, close, has_body).await?;
            }
            Action::StallAfterHeaders => {
                conn.stream.write_all(&response_head(&reply, close)).await?;
                std::future::pending::<()>().await;
            }
        }
        if close {
            return Ok(());
        }
    }
    Ok(())
}

/// Writes `reply` whole: head, then the body as scripted (at once, after a delay, trickled, or
/// with a repeated part made on the fly).
async fn write_reply(
    stream: &mut TcpStream,
    reply: &Reply,
    close: bool,
    has_body: bool,
) -> io::Result<()> {
    let head = response_head(reply, close);
    let plain = reply.body_delay.is_zero() && reply.trickle.is_none() && reply.repeated.is_none();
    if plain {
        let mut message = head;
        if has_body {
            message.extend_from_slice(&reply.body);
        }
        return stream.write_all(&message).await;
    }
    stream.write_all(&head).await?;
    if !reply.body_delay.is_zero() {
        tokio::time::sleep(reply.body_delay).await;
    }
    if !has_body {
        return Ok(());
    }
    if let Some(interval) = reply.trickle {
        for byte in &reply.body {
            tokio::time::sleep(interval).await;
            stream.write_all(std::slice::from_ref(byte)).await?;
        }
        return Ok(());
    }
    stream.write_all(&reply.body).await?;
    if let Some(repeated) = &reply.repeated {
        // Whole units per write, about 64 KiB at a time.
        let per_write = (64 * 1024 / repeated.unit.len().max(1)).max(1) as u64;
        let batch = repeated.unit.repeat(per_write as usize);
        let mut left = repeated.count;
        while left > 0 {
            let n = left.min(per_write);
            stream
                .write_all(&batch[..n as usize * repeated.unit.len()])
                .await?;
            left -= n;
        }
        stream.write_all(&repeated.tail).await?;
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
        let _ = write!(head, "Content-Length: {}\r\n", reply.body_len());
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
            return Err(ConnError::Closed);
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
                    Err(ConnError::Closed)
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
                return Err(ConnError::Closed);
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

/// Where request body bytes go: all of them, or the ends only, and always their count.
struct BodySink {
    keep: KeepBody,
    data: Vec<u8>,
    tail: Vec<u8>,
    len: u64,
}

impl BodySink {
    fn new(keep: KeepBody, framing: &BodyFraming) -> BodySink {
        let capacity = match (keep, framing) {
            (KeepBody::All, BodyFraming::Length(len)) => clamp_len(*len).min(MAX_PREALLOC),
            (KeepBody::Ends { head, .. }, _) => head,
            _ => 0,
        };
        BodySink {
            keep,
            data: Vec::with_capacity(capacity),
            tail: Vec::new(),
            len: 0,
        }
    }

    fn push(&mut self, bytes: &[u8]) {
        self.len += bytes.len() as u64;
        match self.keep {
            KeepBody::All => self.data.extend_from_slice(bytes),
            KeepBody::Ends { head, tail } => {
                let room = head.saturating_sub(self.data.len()).min(bytes.len());
                self.data.extend_from_slice(&bytes[..room]);
                let from = bytes.len().saturating_sub(tail);
                self.tail.extend_from_slice(&bytes[from..]);
                let excess = self.tail.len().saturating_sub(tail);
                self.tail.drain(..excess);
            }
        }
    }
}

/// The request as tests see it.
fn recorded(head: RequestHead, body: BodySink, connection: u64) -> RecordedRequest {
    let (path, query) = match head.target.split_once('?') {
        Some((path, query)) => (path.to_owned(), parse_query(query)),
        None => (head.target.clone(), Vec::new()),
    };
    RecordedRequest {
        method: head.method,
        target: head.target,
        path,
        query,
        headers: head.headers,
        body: body.data,
        body_tail: body.tail,
        body_len: body.len,
        connection,
    }
}
