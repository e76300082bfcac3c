//! The runtime against a local server: retries (Retry-After, backoff, limits, one-shot streams),
//! timeouts, progress, and AK/SK signatures checked by an independent verifier. Which answers and
//! failures are retried for which methods is `retry_safety`'s subject.

use loopback_server::{Reply, TestServer};
use secmaster::types::{AopType, CreateAopWorkflowBody, CreateAopWorkflowBodyEngineType};
use secmaster::{CallOptions, Client, Credentials, Error, RetryPolicy, UploadFile};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 3,
        initial_backoff: Duration::from_millis(20),
        max_backoff: Duration::from_millis(100),
        max_retry_after: Duration::from_secs(5),
    }
}

fn client(server: &TestServer, credentials: Credentials) -> Client {
    Client::builder()
        .endpoint(server.url())
        .credentials(credentials)
        .retry(fast_retries())
        .build()
        .unwrap()
}

fn ok() -> Reply {
    Reply::status(200).json(r#"{"code":"00000000"}"#)
}

fn file_with(content: &[u8]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("workflow.json");
    std::fs::write(&path, content).unwrap();
    (dir, path)
}

#[tokio::test]
async fn a_429_with_retry_after_is_retried_and_the_file_is_sent_again_intact() {
    let content: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    let (_dir, path) = file_with(&content);
    let server = TestServer::start(vec![
        Reply::status(429)
            .header("Retry-After", "1")
            .body("slow down"),
        ok(),
    ])
    .await;
    let started = Instant::now();
    let answer = client(&server, Credentials::token("t"))
        .workspace("p", "w")
        .import_aopworkflow(UploadFile::from_path(&path))
        .await
        .unwrap();
    assert_eq!(answer.code.as_deref(), Some("00000000"));
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After was not honoured"
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    for request in &requests {
        let parts = request.multipart().unwrap();
        assert_eq!(parts.len(), 1);
        assert_eq!(parts[0].file_name.as_deref(), Some("workflow.json"));
        assert_eq!(parts[0].data, content);
    }
}

#[tokio::test]
async fn retries_stop_at_the_attempt_limit() {
    let server = TestServer::start(vec![
        Reply::status(429).body("slow down"),
        Reply::status(502).body("bad gateway"),
        Reply::status(504)
            .header("X-Request-Id", "last")
            .body("timeout"),
        ok(),
    ])
    .await;
    let err = client(&server, Credentials::token("t"))
        .workspace("p", "w")
        .show_aop_workflow("wf")
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(504));
    assert_eq!(err.request_id(), Some("last"));
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn other_statuses_are_not_retried() {
    let server = TestServer::start(vec![Reply::status(500).body("boom"), ok()]).await;
    let err = client(&server, Credentials::token("t"))
        .workspace("p", "w")
        .show_aop_workflow("wf")
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(500));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_one_shot_stream_is_never_sent_twice() {
    let server = TestServer::start(vec![Reply::status(429).body("slow down"), ok()]).await;
    let chunks = futures_util::stream::iter(vec![Ok(bytes::Bytes::from_static(b"{\"a\":1}"))]);
    let err = client(&server, Credentials::token("t"))
        .workspace("p", "w")
        .import_aopworkflow(UploadFile::from_stream("s.json", Some(7), chunks))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(429));
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].multipart().unwrap()[0].data, b"{\"a\":1}");
}

#[tokio::test]
async fn a_retry_after_longer_than_the_timeout_returns_the_answer_at_once() {
    let server = TestServer::start(vec![
        Reply::status(503).header("Retry-After", "30").body("busy"),
        ok(),
    ])
    .await;
    let started = Instant::now();
    let err = client(&server, Credentials::token("t"))
        .workspace("p", "w")
        .show_aop_workflow("wf")
        .options(CallOptions::new().timeout(Duration::from_secs(5)))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn connection_errors_are_retried_then_reported() {
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = Client::builder()
        .endpoint(format!("http://127.0.0.1:{port}"))
        .token("t")
        .retry(fast_retries())
        .build()
        .unwrap();
    let err = client
        .workspace("p", "w")
        .show_aop_workflow("wf")
        .await
        .unwrap_err();
    let Error::Transport { attempts, .. } = &err else {
        panic!("expected a transport error, got {err:?}")
    };
    assert_eq!(*attempts, 3);
    assert!(
        err.to_string()
            .starts_with("cannot reach SecMaster after 3 attempts: "),
        "{err}"
    );
}

#[tokio::test]
async fn a_stalled_download_times_out() {
    let server = TestServer::start(vec![Reply::status(200)
        .body(vec![0u8; 1000])
        .stall_after_headers()])
    .await;
    let client = client(&server, Credentials::token("t"));
    let answer = client
        .workspace("p", "w")
        .export_aopworkflow(secmaster::types::ExportAopworkflowBody::new(vec![
            "x".into()
        ]))
        .options(CallOptions::new().timeout(Duration::from_millis(400)))
        .await
        .unwrap();
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("export.zip");
    std::fs::write(&target, b"previous export").unwrap();
    let err = answer.into_inner().save(&target).await.unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(2));
    // The failed download neither replaced the file nor left a partial one behind.
    assert_eq!(std::fs::read(&target).unwrap(), b"previous export");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[tokio::test]
async fn a_download_that_cannot_be_written_is_a_write_error() {
    let server = TestServer::start(vec![
        Reply::status(200).body("zip bytes"),
        Reply::status(200).body("zip bytes"),
    ])
    .await;
    let workspace = client(&server, Credentials::token("t")).workspace("p", "w");
    let export = || {
        workspace.export_aopworkflow(secmaster::types::ExportAopworkflowBody::new(vec![
            "x".into()
        ]))
    };

    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("no-such-folder").join("export.zip");
    let answer = export().await.unwrap();
    let err = answer.into_inner().save(&target).await.unwrap_err();
    let Error::Write {
        path: Some(path),
        source,
    } = &err
    else {
        panic!("{err:?}");
    };
    assert_eq!(path, &target);
    assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
    assert_eq!(
        err.to_string(),
        format!(
            "cannot write the download to {}: {source}; check that its folder exists and can be written",
            target.display()
        )
    );

    let answer = export().await.unwrap();
    let err = answer
        .into_inner()
        .write_to(&mut FullDisk)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Write { path: None, .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "cannot write the download to the given writer: no space left"
    );
}

/// A writer that refuses every byte, as a full disk does.
struct FullDisk;

impl tokio::io::AsyncWrite for FullDisk {
    fn poll_write(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
        _: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        std::task::Poll::Ready(Err(std::io::Error::other("no space left")))
    }

    fn poll_flush(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn poll_shutdown(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::task::Poll::Ready(Ok(()))
    }
}

#[tokio::test]
async fn a_url_too_long_for_http_is_refused_unsent() {
    let server = TestServer::start(vec![ok()]).await;
    let long_id = "w".repeat(70_000);
    let err = client(&server, Credentials::token("t"))
        .workspace("p", "w")
        .show_aop_workflow(&long_id)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::RequestSetup { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "cannot put the request into HTTP form, so nothing was sent: builder error: Parsed Url is \
         not a valid Uri; check the length and characters of its path and query values"
    );
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn progress_is_reported_up_to_the_full_length() {
    let server = TestServer::start(vec![ok()]).await;
    let seen: Arc<Mutex<Vec<Progress>>> = Arc::default();
    let record = Arc::clone(&seen);
    let content = vec![1u8; 2_500_000];
    client(&server, Credentials::token("t"))
        .workspace("p", "w")
        .import_aopworkflow(
            UploadFile::from_bytes("big.bin", content.clone())
                .on_progress(move |sent, total| record.lock().unwrap().push((sent, total))),
        )
        .await
        .unwrap();
    let seen = seen.lock().unwrap().clone();
    assert!(seen.len() >= 2, "{seen:?}");
    assert!(seen.windows(2).all(|w| w[0].0 < w[1].0), "{seen:?}");
    assert_eq!(seen.last(), Some(&(2_500_000, Some(2_500_000))));
    assert_eq!(server.requests()[0].multipart().unwrap()[0].data, content);
}

/// `(bytes sent, total)` as `on_progress` reports it.
type Progress = (u64, Option<u64>);

fn verify(request: &loopback_server::RecordedRequest) {
    crate::signature::verify_signature(
        &request.method,
        &request.target,
        &request.headers,
        &request.body,
        |ak| (ak == "AK-test").then(|| "SK-test".to_owned()),
    )
    .unwrap_or_else(|e| panic!("signature rejected: {e}"));
}

#[tokio::test]
async fn aksk_signs_json_bodies_with_their_hash() {
    let server = TestServer::start(vec![ok()]).await;
    let body = CreateAopWorkflowBody::new(
        "n",
        CreateAopWorkflowBodyEngineType::PublicEngine,
        AopType::Ease,
        "dc",
    );
    client(&server, Credentials::aksk("AK-test", "SK-test"))
        .workspace("proj 1", "ws")
        .create_aop_workflow(body)
        .await
        .unwrap();
    let request = &server.requests()[0];
    verify(request);
    let authorization = request.header("authorization").unwrap();
    assert!(
        authorization.starts_with("SDK-HMAC-SHA256 Access=AK-test, SignedHeaders="),
        "{authorization}"
    );
    assert!(
        authorization.contains("content-type;host;x-project-id;x-sdk-date"),
        "{authorization}"
    );
    assert_eq!(request.header("x-sdk-content-sha256"), None);
    assert_eq!(request.header("x-project-id"), Some("proj 1"));
    assert_eq!(request.header("x-auth-token"), None);
    assert_eq!(request.header("x-security-token"), None);
}

#[tokio::test]
async fn aksk_signs_queries_and_escaped_paths() {
    let server = TestServer::start(vec![Reply::status(200).json("{}")]).await;
    client(&server, Credentials::aksk("AK-test", "SK-test"))
        .workspace("p", "w s")
        .list_workflows()
        .name("x y/z")
        .limit(5)
        .await
        .unwrap();
    let request = &server.requests()[0];
    assert_eq!(
        request.target,
        "/v1/p/workspaces/w%20s/soc/workflows?limit=5&name=x%20y%2Fz"
    );
    verify(request);
}

#[tokio::test]
async fn a_tampered_request_fails_the_verifier() {
    let server = TestServer::start(vec![ok()]).await;
    client(&server, Credentials::aksk("AK-test", "SK-test"))
        .workspace("p", "w")
        .show_aop_workflow("wf")
        .await
        .unwrap();
    let mut request = server.requests()[0].clone();
    request.target = "/v1/p/workspaces/w/soc/workflows/other".into();
    assert!(crate::signature::verify_signature(
        &request.method,
        &request.target,
        &request.headers,
        &request.body,
        |_| Some("SK-test".into())
    )
    .is_err());
}

#[tokio::test]
async fn temporary_keys_send_the_security_token_and_every_retry_is_signed_anew() {
    let server = TestServer::start(vec![Reply::status(429).body("slow down"), ok()]).await;
    let (_dir, path) = file_with(b"{}");
    client(
        &server,
        Credentials::temporary("AK-test", "SK-test", "STS-token"),
    )
    .workspace("p", "w")
    .import_aopworkflow(UploadFile::from_path(&path))
    .await
    .unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert_eq!(request.header("x-security-token"), Some("STS-token"));
        assert_eq!(
            request.header("x-sdk-content-sha256"),
            Some("UNSIGNED-PAYLOAD")
        );
        assert_eq!(request.header_all("authorization").len(), 1);
        verify(request);
    }
}

#[tokio::test]
async fn a_retry_after_above_the_cap_is_not_waited_for() {
    let server = TestServer::start(vec![
        Reply::status(503)
            .header("Retry-After", "18446744073709551615")
            .body("busy"),
        ok(),
    ])
    .await;
    let started = Instant::now();
    let err = client(&server, Credentials::token("t"))
        .workspace("p", "w")
        .show_aop_workflow("wf")
        .options(CallOptions::new().timeout(Duration::MAX))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(server.requests().len(), 1);
}
