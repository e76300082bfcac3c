//! Uploads from sources whose size the file system does not know: a pipe (FIFO, as `<(...)` and
//! a piped `/dev/stdin` are) and a `/proc` file (a regular file that reports 0 bytes). Each is
//! sent whole, without a length, and once; a stream that gives other than the length it declared
//! is refused rather than sent cut.

use loopback_server::{Reply, TestServer};
use secmaster::{Client, Error, RetryPolicy, UploadFile};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

fn client(server: &TestServer) -> Client {
    Client::builder()
        .endpoint(server.url())
        .token("t")
        .retry(RetryPolicy {
            initial_backoff: Duration::from_millis(10),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap()
}

fn ok() -> Reply {
    Reply::status(200).json(r#"{"code":"00000000"}"#)
}

/// A FIFO in a fresh folder, and a thread that writes `content` into it once a reader opens it.
fn fifo_with(content: Vec<u8>) -> (tempfile::TempDir, PathBuf, std::thread::JoinHandle<()>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("workflow.json");
    let made = std::process::Command::new("mkfifo")
        .arg(&path)
        .status()
        .unwrap();
    assert!(made.success());
    let writer_path = path.clone();
    let writer = std::thread::spawn(move || {
        // Opening blocks until the client opens the other end.
        let mut fifo = std::fs::OpenOptions::new()
            .write(true)
            .open(writer_path)
            .unwrap();
        for piece in content.chunks(100_000) {
            // The reader may give up early (the test then fails on what it received).
            if fifo.write_all(piece).is_err() {
                return;
            }
        }
    });
    (dir, path, writer)
}

fn content(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 % 256) as u8).collect()
}

#[tokio::test]
async fn a_pipe_is_sent_whole_without_a_length() {
    let content = content(3_000_000);
    let (_dir, path, writer) = fifo_with(content.clone());
    let server = TestServer::start(vec![ok()]).await;
    let answer = tokio::time::timeout(
        Duration::from_secs(20),
        client(&server)
            .workspace("p", "w")
            .import_aopworkflow(UploadFile::from_path(&path)),
    )
    .await
    .expect("the upload finished")
    .unwrap();
    writer.join().unwrap();
    assert_eq!(answer.code.as_deref(), Some("00000000"));
    let request = &server.requests()[0];
    assert_eq!(request.header("content-length"), None);
    assert_eq!(request.header("transfer-encoding"), Some("chunked"));
    let parts = request.multipart().unwrap();
    assert_eq!(parts.len(), 1);
    assert_eq!(parts[0].file_name.as_deref(), Some("workflow.json"));
    assert_eq!(parts[0].data.len(), content.len());
    assert!(parts[0].data == content);
}

#[tokio::test]
async fn a_pipe_is_sent_once_even_when_the_answer_invites_a_retry() {
    let (_dir, path, writer) = fifo_with(b"{\"name\":\"piped\"}".to_vec());
    let server = TestServer::start(vec![Reply::status(429).body("slow down"), ok()]).await;
    let err = tokio::time::timeout(
        Duration::from_secs(20),
        client(&server)
            .workspace("p", "w")
            .import_aopworkflow(UploadFile::from_path(&path)),
    )
    .await
    .expect("the upload finished")
    .unwrap_err();
    writer.join().unwrap();
    assert_eq!(err.status(), Some(429));
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0].multipart().unwrap()[0].data,
        b"{\"name\":\"piped\"}"
    );
}

#[tokio::test]
async fn a_proc_file_that_reports_no_size_is_sent_whole() {
    let path = Path::new("/proc/self/cmdline");
    let expected = std::fs::read(path).unwrap();
    assert!(!expected.is_empty());
    assert_eq!(std::fs::metadata(path).unwrap().len(), 0);
    let server = TestServer::start(vec![ok()]).await;
    client(&server)
        .workspace("p", "w")
        .import_aopworkflow(UploadFile::from_path(path))
        .await
        .unwrap();
    let parts = server.requests()[0].multipart().unwrap();
    assert_eq!(parts[0].file_name.as_deref(), Some("cmdline"));
    assert_eq!(parts[0].data, expected);
}

#[tokio::test]
async fn a_stream_shorter_or_longer_than_it_declared_is_not_sent_as_if_whole() {
    for (declared, actual) in [(10u64, 5usize), (5, 10)] {
        let server = TestServer::start(vec![ok()]).await;
        let chunks = futures_util::stream::iter(vec![Ok(bytes::Bytes::from(vec![b'a'; actual]))]);
        let err = client(&server)
            .workspace("p", "w")
            .import_aopworkflow(UploadFile::from_stream("s.json", Some(declared), chunks))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
        let more_or_fewer = if actual < declared as usize {
            "ended after 5 bytes, before the 10 it declared"
        } else {
            "gave more than the 5 bytes it declared"
        };
        assert_eq!(
            err.to_string(),
            format!("invalid request: the upload `s.json` {more_or_fewer}; the request was cut off, not sent as if whole")
        );
        // Whatever reached the server is not a complete request.
        assert!(server.requests().is_empty(), "{declared} {actual}");
    }
}
