//! What is sent again and what is not: an answer or failure that leaves open whether the service
//! acted (502, 504, a 503 after the body was read, a connection lost after sending) is retried
//! only for idempotent methods or on the caller's word; one that proves the request was not
//! processed (429, a 503 before the body was read, a refused connection) is retried for any
//! method; a TLS failure is never retried.

use loopback_server::{Reply, TestServer};
use secmaster::types::{AopType, CreateAopWorkflowBody, CreateAopWorkflowBodyEngineType};
use secmaster::{Client, Error, RetryPolicy, UploadFile};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 3,
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(50),
        max_retry_after: Duration::from_secs(5),
    }
}

fn client(endpoint: String) -> Client {
    Client::builder()
        .endpoint(endpoint)
        .token("t")
        .retry(fast_retries())
        .build()
        .unwrap()
}

fn ok() -> Reply {
    Reply::status(200).json(r#"{"code":"00000000"}"#)
}

fn create_body() -> CreateAopWorkflowBody {
    CreateAopWorkflowBody::new(
        "n",
        CreateAopWorkflowBodyEngineType::PublicEngine,
        AopType::Normal,
        "dc",
    )
}

/// `METHOD target` of every request the server received.
fn sent(server: &TestServer) -> Vec<String> {
    server
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.target))
        .collect()
}

const CREATE: &str = "POST /v1/p/workspaces/w/soc/workflows";
const IMPORT: &str = "POST /v1/p/workspaces/w/soc/workflows/import";
const SHOW: &str = "GET /v1/p/workspaces/w/soc/workflows/wf";

#[tokio::test]
async fn a_post_answered_502_504_or_503_after_its_body_is_sent_once() {
    for status in [502, 504, 503] {
        let server = TestServer::start(vec![Reply::status(status).body("upstream"), ok()]).await;
        let err = client(server.url())
            .workspace("p", "w")
            .create_aop_workflow(create_body())
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(status));
        assert_eq!(sent(&server), [CREATE], "{status}");
    }
    // The same for a large upload, which must not go out three times.
    let content = vec![b'x'; 4 * 1024 * 1024];
    let server = TestServer::start(vec![Reply::status(502).body("bad gateway"), ok()]).await;
    let err = client(server.url())
        .workspace("p", "w")
        .import_aopworkflow(UploadFile::from_bytes("big.json", content))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(502));
    assert_eq!(sent(&server), [IMPORT]);
}

#[tokio::test]
async fn a_post_answered_429_is_sent_again() {
    let server = TestServer::start(vec![Reply::status(429).body("slow down"), ok()]).await;
    let answer = client(server.url())
        .workspace("p", "w")
        .create_aop_workflow(create_body())
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(sent(&server), [CREATE, CREATE]);
    let bodies: Vec<_> = server.requests().into_iter().map(|r| r.body).collect();
    assert_eq!(bodies[0], bodies[1]);
}

#[tokio::test]
async fn a_post_answered_503_before_its_body_was_read_is_sent_again_whole() {
    // Larger than the loopback socket buffers, so the client is still sending when the 503
    // arrives.
    let content: Vec<u8> = (0..32 * 1024 * 1024u32).map(|i| (i % 251) as u8).collect();
    let server = TestServer::start(vec![
        Reply::status(503).body("busy").answer_before_body(),
        ok(),
    ])
    .await;
    let answer = client(server.url())
        .workspace("p", "w")
        .import_aopworkflow(UploadFile::from_bytes("big.json", content.clone()))
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let requests = server.requests();
    assert_eq!(sent(&server), [IMPORT, IMPORT]);
    assert_eq!(requests[0].body_len, 0);
    assert_eq!(requests[1].multipart().unwrap()[0].data, content);
}

#[tokio::test]
async fn idempotent_methods_are_sent_again_after_502_504_and_a_lost_connection() {
    let server = TestServer::start(vec![
        Reply::status(502).body("bad gateway"),
        Reply::status(504).body("timeout"),
        ok(),
        Reply::hang_up(),
        ok(),
    ])
    .await;
    let workspace = client(server.url()).workspace("p", "w");
    workspace.show_aop_workflow("wf").await.unwrap();
    // The connection closes after the request was read, before any answer.
    workspace.show_aop_workflow("wf").await.unwrap();
    assert_eq!(sent(&server), [SHOW, SHOW, SHOW, SHOW, SHOW]);
}

#[tokio::test]
async fn a_post_whose_connection_is_lost_after_sending_is_sent_once() {
    let server = TestServer::start(vec![Reply::hang_up(), ok()]).await;
    let err = client(server.url())
        .workspace("p", "w")
        .create_aop_workflow(create_body())
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Transport { attempts: 1, .. }),
        "{err:?}"
    );
    let shown = err.to_string();
    assert!(
        shown.starts_with(
            "the connection to SecMaster failed after the request was sent, so the service may have \
             carried it out; check before sending it again: "
        ),
        "{shown}"
    );
    assert_eq!(sent(&server), [CREATE]);
}

/// A TLS server on loopback presenting a self-signed certificate for 127.0.0.1, counting the
/// connections it accepts.
async fn self_signed_tls_server() -> (String, Arc<AtomicU64>) {
    use tokio_rustls::rustls;
    let cert =
        rustls::pki_types::CertificateDer::from(&include_bytes!("tls/self-signed-cert.der")[..]);
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(
        include_bytes!("tls/self-signed-key.der").to_vec().into(),
    );
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![cert], key)
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("https://{}", listener.local_addr().unwrap());
    let connections = Arc::new(AtomicU64::new(0));
    let counted = Arc::clone(&connections);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            let acceptor = acceptor.clone();
            // The client refuses the certificate, so the handshake fails; nothing else to do.
            tokio::spawn(async move {
                let _ = acceptor.accept(stream).await;
            });
        }
    });
    (url, connections)
}

#[tokio::test]
async fn a_certificate_the_client_does_not_trust_is_not_retried() {
    let (url, connections) = self_signed_tls_server().await;
    let err = client(url)
        .workspace("p", "w")
        .show_aop_workflow("wf")
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Transport { attempts: 1, .. }),
        "{err:?}"
    );
    let shown = err.to_string();
    assert!(
        shown.starts_with("cannot reach SecMaster: the TLS handshake failed (not retried: check the endpoint's host name and certificate): "),
        "{shown}"
    );
    assert!(
        shown.contains("invalid peer certificate: UnknownIssuer"),
        "{shown}"
    );
    assert_eq!(connections.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_server_that_does_not_speak_tls_is_not_retried() {
    // A plain HTTP server on the `https://` endpoint: it answers the TLS greeting with text.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("https://{}", listener.local_addr().unwrap());
    let connections = Arc::new(AtomicU64::new(0));
    let counted = Arc::clone(&connections);
    tokio::spawn(async move {
        use tokio::io::AsyncWriteExt;
        while let Ok((mut stream, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            let _ = stream
                .write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
                .await;
        }
    });
    let err = client(url)
        .workspace("p", "w")
        .show_aop_workflow("wf")
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Transport { attempts: 1, .. }),
        "{err:?}"
    );
    let shown = err.to_string();
    assert!(
        shown.starts_with("cannot reach SecMaster: the TLS handshake failed (not retried: check the endpoint's host name and certificate): "),
        "{shown}"
    );
    assert_eq!(connections.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_caller_can_declare_a_post_idempotent_or_a_get_not() {
    let server = TestServer::start(vec![
        Reply::status(502).body("bad gateway"),
        ok(),
        Reply::status(502).body("bad gateway"),
        ok(),
    ])
    .await;
    let workspace = client(server.url()).workspace("p", "w");
    workspace
        .create_aop_workflow(create_body())
        .options(secmaster::CallOptions::new().idempotent(true))
        .await
        .unwrap();
    let err = workspace
        .show_aop_workflow("wf")
        .options(secmaster::CallOptions::new().idempotent(false))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(502));
    assert_eq!(sent(&server), [CREATE, CREATE, SHOW]);
}
