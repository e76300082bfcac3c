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
//!   out every request is answered `500` with the body `no reply scripted` (or with
//!   [`ServerOptions::unscripted_reply`]).
//! * Connections are kept alive (HTTP/1.1 default) unless the client sends `Connection: close`,
//!   speaks HTTP/1.0 without `keep-alive`, or the reply asks to close.
//! * Malformed input is answered `400 Bad Request` (or `431` for a head over 64 KiB), the
//!   connection is closed and nothing is recorded. Nothing the client sends can make it panic.
//! * Responses carry only the headers the test scripted, plus `Content-Length` (unless the test
//!   set one itself, or the status is 1xx/204) and `Connection: close` when the server is about to
//!   close the connection.
//! * Dropping the [`TestServer`] stops it and closes every connection, including stalled ones.
//! * [`ServerOptions::keep_body`] can keep only the ends of each body (its length is always
//!   counted), for uploads of hundreds of MiB; bodies are always read in a streaming way.
//!
//! The integration tests of the client and the upload benchmark both use it. It is a crate of its
//! own so that each can use the part it needs, and so that its request parser has tests of its
//! own (`cargo test` at the workspace root runs them). The parser is hand-written rather than
//! hyper's because the tests assert on what hyper would normalise away: header spelling and
//! order, the raw request-target, and malformed input answered rather than dropped.
//!
//! Modules: `reply` (the script), `recorded` (what was received), `connection` (serving a
//! connection: reading requests, writing replies), `parse` (request heads, framing, chunk sizes,
//! queries) and `multipart` (form bodies).

mod connection;
mod multipart;
mod parse;
mod recorded;
mod reply;

pub use multipart::MultipartPart;
pub use recorded::RecordedRequest;
pub use reply::Reply;

use connection::{accept_loop, Shared};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// How much of each request body a [`TestServer`] keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeepBody {
    /// All of it, in [`RecordedRequest::body`].
    All,
    /// Its first `head` bytes in [`RecordedRequest::body`] and its last `tail` bytes in
    /// [`RecordedRequest::body_tail`] (overlapping for a short body): enough to check the framing
    /// of an upload of hundreds of MiB without holding it.
    Ends {
        /// Bytes kept from the start.
        head: usize,
        /// Bytes kept from the end.
        tail: usize,
    },
}

/// Options of a [`TestServer`].
#[derive(Clone, Debug)]
pub struct ServerOptions {
    /// How much of each request body to keep; [`RecordedRequest::body_len`] always counts all of
    /// it.
    pub keep_body: KeepBody,
    /// The answer to every request after the scripted replies have run out.
    pub unscripted_reply: Reply,
}

impl Default for ServerOptions {
    fn default() -> Self {
        Self {
            keep_body: KeepBody::All,
            unscripted_reply: Reply::status(500).body("no reply scripted"),
        }
    }
}

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
        let shared = Arc::new(Shared::new(replies, options, requests_tx));
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

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpStream;

    /// Sends `request` raw on a fresh connection and returns all the server wrote back.
    async fn exchange(server: &TestServer, request: &[u8]) -> String {
        let mut stream = TcpStream::connect(server.addr()).await.unwrap();
        stream.write_all(request).await.unwrap();
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).await.unwrap();
        String::from_utf8(answer).unwrap()
    }

    #[tokio::test]
    async fn records_a_chunked_request_and_answers_as_scripted() {
        let server =
            TestServer::start(vec![Reply::status(201).header("X-Id", "7").body("made")]).await;
        let answer = exchange(
            &server,
            b"PUT /a%20b?x=1 HTTP/1.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n\
              4;ext\r\nWiki\r\n5\r\npedia\r\n0\r\nTrailer: t\r\n\r\n",
        )
        .await;
        assert_eq!(
            answer,
            "HTTP/1.1 201 Created\r\nX-Id: 7\r\nContent-Length: 4\r\nConnection: close\r\n\r\nmade"
        );
        let request = &server.requests()[0];
        assert_eq!(request.method, "PUT");
        assert_eq!(request.target, "/a%20b?x=1");
        assert_eq!(request.path, "/a%20b");
        assert_eq!(request.query, [("x".to_owned(), "1".to_owned())]);
        assert_eq!(request.body, b"Wikipedia");
        assert_eq!(request.body_len, 9);
    }

    #[tokio::test]
    async fn answers_malformed_requests_400_and_records_nothing() {
        let server = TestServer::start(vec![Reply::status(200)]).await;
        let answer = exchange(&server, b"GET / HTTP/1.1\r\nContent-Length: x\r\n\r\n").await;
        assert_eq!(
            answer,
            "HTTP/1.1 400 Bad Request\r\nContent-Length: 35\r\nConnection: close\r\n\r\n\
             bad request: invalid Content-Length"
        );
        assert!(server.requests().is_empty());
        assert_eq!(server.remaining_replies(), 1);
    }

    #[tokio::test]
    async fn keeps_only_the_ends_of_bodies_when_asked() {
        let options = ServerOptions {
            keep_body: KeepBody::Ends { head: 3, tail: 2 },
            unscripted_reply: Reply::status(204),
        };
        let server = TestServer::start_with(Vec::new(), options).await;
        let answer = exchange(
            &server,
            b"POST / HTTP/1.1\r\nContent-Length: 10\r\nConnection: close\r\n\r\n0123456789",
        )
        .await;
        assert_eq!(
            answer,
            "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n"
        );
        let request = &server.requests()[0];
        assert_eq!(request.body, b"012");
        assert_eq!(request.body_tail, b"89");
        assert_eq!(request.body_len, 10);
    }

    #[tokio::test]
    async fn writes_a_repeated_body_with_its_full_length() {
        let server = TestServer::start(vec![Reply::status(200)
            .body("[")
            .repeat(&b"{},"[..], 100_000)
            .tail("{}]")
            .close()])
        .await;
        let answer = exchange(&server, b"GET / HTTP/1.1\r\n\r\n").await;
        let (head, body) = answer.split_once("\r\n\r\n").unwrap();
        assert_eq!(
            head,
            "HTTP/1.1 200 OK\r\nContent-Length: 300004\r\nConnection: close"
        );
        assert_eq!(body.len(), 300_004);
        assert!(body.starts_with("[{},{},") && body.ends_with(",{},{}]"));
    }

    #[tokio::test]
    async fn trickles_the_body_a_byte_at_a_time() {
        let server = TestServer::start(vec![Reply::status(200)
            .body("abc")
            .trickle(Duration::from_millis(50))
            .close()])
        .await;
        let mut stream = TcpStream::connect(server.addr()).await.unwrap();
        stream.write_all(b"GET / HTTP/1.1\r\n\r\n").await.unwrap();
        let mut reads = Vec::new();
        let mut buf = [0u8; 1024];
        loop {
            let n = stream.read(&mut buf).await.unwrap();
            if n == 0 {
                break;
            }
            reads.push(String::from_utf8_lossy(&buf[..n]).into_owned());
        }
        assert_eq!(
            reads,
            [
                "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\n",
                "a",
                "b",
                "c"
            ]
        );
    }

    #[tokio::test]
    async fn answers_before_reading_the_body_when_asked() {
        let server =
            TestServer::start(vec![Reply::status(503).body("busy").answer_before_body()]).await;
        let mut stream = TcpStream::connect(server.addr()).await.unwrap();
        // The body is announced but never sent: the answer comes anyway.
        stream
            .write_all(b"POST /up HTTP/1.1\r\nContent-Length: 1000000\r\n\r\n")
            .await
            .unwrap();
        let mut buf = [0u8; 1024];
        let n = stream.read(&mut buf).await.unwrap();
        assert_eq!(
            String::from_utf8_lossy(&buf[..n]),
            "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy"
        );
        let request = &server.requests()[0];
        assert_eq!(
            (request.method.as_str(), request.target.as_str()),
            ("POST", "/up")
        );
        assert_eq!(request.body_len, 0);
    }
}
