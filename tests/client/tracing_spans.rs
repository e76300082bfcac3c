//! Every request is traced in a span with operation, method, path template, attempt, status and
//! request id; secrets never reach the log.

use loopback_server::{Reply, TestServer};
use secmaster::{Client, Credentials, RetryPolicy};
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "current_thread")]
async fn spans_carry_the_request_facts_and_no_secret() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = TestServer::start(vec![
        Reply::status(503).header("Retry-After", "0").body("busy"),
        Reply::status(200)
            .header("X-Request-Id", "req-77")
            .json("{}"),
    ])
    .await;
    let client = Client::builder()
        .endpoint(server.url())
        .credentials(Credentials::temporary(
            "AK-visible",
            "SK-secret-value",
            "STS-secret-value",
        ))
        .retry(RetryPolicy {
            initial_backoff: Duration::from_millis(1),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap();
    client
        .workspace("p", "w")
        .show_aop_workflow("wf")
        .await
        .unwrap();

    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(log.contains("retrying after a retryable status"), "{log}");
    let answer = log
        .lines()
        .find(|l| l.contains("answer received"))
        .unwrap_or_else(|| panic!("{log}"));
    for fact in [
        "operation=\"ShowAopWorkflow\"",
        "method=GET",
        "path=\"/v1/{project_id}/workspaces/{workspace_id}/soc/workflows/{workflow_id}\"",
        "attempt=2",
        "status=200",
        "request_id=\"req-77\"",
    ] {
        assert!(answer.contains(fact), "{fact} missing from {answer}");
    }
    assert!(!log.contains("secret-value"), "{log}");
}
