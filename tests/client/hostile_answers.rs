//! Answers built to hurt: oversized JSON and error bodies, control characters in what the server
//! says, answers cut off or dribbled out. The client bounds what it reads, escapes what it shows,
//! and says what happened in words that fit.

use loopback_server::{Reply, TestServer};
use secmaster::{
    BodyLimits, CallOptions, Client, Error, Limit, Rejection, RetryPolicy, UploadFile,
};
use std::time::Duration;

fn client(server: &TestServer) -> Client {
    Client::builder()
        .endpoint(server.url())
        .token("t")
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
}

const MIB: u64 = 1024 * 1024;

#[tokio::test]
async fn a_json_answer_over_the_default_limit_is_refused_unparsed() {
    // 17 MiB in one string.
    let server = TestServer::start(vec![Reply::status(200)
        .header("X-Request-Id", "big-1")
        .header("Content-Type", "application/json")
        .body(r#"{"code":"00000000","message":""#)
        .repeat(&b"a"[..], 17 * MIB)
        .tail(r#""}"#)])
    .await;
    let err = client(&server)
        .workspace("p", "w")
        .import_aopworkflow(UploadFile::from_bytes("a.json", &b"{}"[..]))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(200));
    assert_eq!(err.request_id(), Some("big-1"));
    assert_eq!(
        err.to_string(),
        "the 200 answer (request id big-1) is 17825824 bytes, over the 16 MiB allowed for JSON \
         answers; nothing of it was used. If answers this large are expected, raise \
         `BodyLimits::max_answer_bytes` (per client with `ClientBuilder::limits`, per call with \
         `CallOptions::limits`)"
    );
}

#[tokio::test]
async fn a_huge_error_message_is_shown_as_a_short_excerpt() {
    let server = TestServer::start(vec![Reply::status(400)
        .header("X-Request-Id", "e-big")
        .header("Content-Type", "application/json")
        .body(r#"{"code":"SecMaster.1","message":""#)
        .repeat(&b"m"[..], 20 * MIB)
        .tail(r#""}"#)])
    .await;
    let err = client(&server)
        .workspace("p", "w")
        .show_aop_workflow("wf")
        .await
        .unwrap_err();
    let shown = err.to_string();
    assert_eq!(
        shown,
        format!(
            "SecMaster answered 400 Bad Request: {}… (request id e-big)",
            // The body was cut at the error-body limit, so it is not JSON: its start is shown.
            format_args!(r#"{{"code":"SecMaster.1","message":"{}"#, "m".repeat(167))
        )
    );
    let Error::Api(api) = &err else { panic!() };
    assert_eq!(api.body.len(), 64 * 1024);
    assert!(api.truncated);
    assert_eq!((api.code.as_deref(), api.message.as_deref()), (None, None));
}

#[tokio::test]
async fn control_characters_from_the_server_are_escaped_when_shown() {
    let server = TestServer::start(vec![
        Reply::status(400).header("X-Request-Id", "r-1").json(
            r#"{"code":"\u001b]0;pwned\u0007","message":"denied\r\n\u001b[32mSecMaster answered 200 OK: imported\u001b[0m \u009b2J \u202e"}"#,
        ),
        Reply::status(502)
            .header("Content-Type", "text/html")
            .body("<html>\x1b[2J\r\nbad gateway\x7f</html>"),
        Reply::status(200).json("{\"code\": 12, \"message\": \"\x1b[2J\"}"),
    ])
    .await;
    let workspace = client(&server).workspace("p", "w");
    let err = workspace.show_aop_workflow("wf").await.unwrap_err();
    assert_eq!(
        err.to_string(),
        r"SecMaster answered 400 Bad Request: \u{1b}]0;pwned\u{7}: denied\r\n\u{1b}[32mSecMaster answered 200 OK: imported\u{1b}[0m \u{9b}2J \u{202e} (request id r-1)"
    );
    let err = workspace.show_aop_workflow("wf").await.unwrap_err();
    assert_eq!(
        err.to_string(),
        r"SecMaster answered 502 Bad Gateway: <html>\u{1b}[2J\r\nbad gateway\u{7f}</html>"
    );
    let err = workspace
        .import_aopworkflow(UploadFile::from_bytes("a.json", &b"{}"[..]))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"the 200 answer is not what the spec describes: invalid type: integer `12`, expected a string at line 1 column 11; body starts with: {"code": 12, "message": "\u{1b}[2J"}"#
    );
}

#[tokio::test]
async fn an_empty_or_html_error_body_is_described() {
    let server = TestServer::start(vec![
        Reply::status(503).header("X-Request-Id", "r-empty"),
        Reply::status(500)
            .header("Content-Type", "text/html")
            .body("<html><body><h1>500</h1>\n<p>upstream failed</p></body></html>"),
    ])
    .await;
    let workspace = client(&server).workspace("p", "w");
    let err = workspace.show_aop_workflow("wf").await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "SecMaster answered 503 Service Unavailable with an empty body (request id r-empty)"
    );
    let err = workspace.show_aop_workflow("wf").await.unwrap_err();
    assert_eq!(
        err.to_string(),
        r"SecMaster answered 500 Internal Server Error: <html><body><h1>500</h1>\n<p>upstream failed</p></body></html>"
    );
}

#[tokio::test]
async fn an_answer_cut_off_midway_is_not_a_failure_to_reach_secmaster() {
    let server = TestServer::start(vec![Reply::status(200)
        .header("X-Request-Id", "cut-1")
        .header("Content-Type", "application/json")
        .header("Content-Length", "1000")
        .body(r#"{"code":"000"#)
        .close()])
    .await;
    let err = client(&server)
        .workspace("p", "w")
        .import_aopworkflow(UploadFile::from_bytes("a.json", &b"{}"[..]))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(200));
    assert_eq!(err.request_id(), Some("cut-1"));
    let shown = err.to_string();
    assert!(
        shown.starts_with(
            "SecMaster answered 200 OK (request id cut-1), but the connection failed while the \
             answer was being read, so the service may have carried out the request; check before \
             sending it again: "
        ),
        "{shown}"
    );
    assert!(!shown.contains("cannot reach"), "{shown}");
}

#[tokio::test]
async fn a_body_dribbled_out_forever_is_cut_by_the_total_timeout() {
    let server = TestServer::start(vec![Reply::status(200)
        .header("Content-Type", "application/json")
        .body(vec![b' '; 1000])
        .trickle(Duration::from_millis(100))])
    .await;
    let started = std::time::Instant::now();
    let err = client(&server)
        .workspace("p", "w")
        .show_aop_workflow("wf")
        .options(CallOptions::new().timeout(Duration::from_millis(800)))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Timeout { after } if after == Duration::from_millis(800)),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn limits_can_be_set_per_client_and_per_call() {
    let list = || {
        Reply::status(200)
            .header("Content-Type", "application/json")
            .body(r#"{"total":3,"data":[{"name":"a"},{"name":"b"},{"name":"c"}]}"#)
    };
    let server = TestServer::start(vec![list(), list(), list()]).await;
    let small = BodyLimits {
        max_answer_bytes: 20,
        ..BodyLimits::default()
    };
    let workspace = Client::builder()
        .endpoint(server.url())
        .token("t")
        .limits(small)
        .build()
        .unwrap()
        .workspace("p", "w");
    let err = workspace.list_workflows().await.unwrap_err();
    let Error::TooLarge {
        status: 200,
        limit: Limit::JsonBytes,
        max: 20,
        size: Some(59),
        ..
    } = err
    else {
        panic!("{err:?}")
    };
    assert_eq!(
        err.to_string(),
        "the 200 answer is 59 bytes, over the 20 bytes allowed for JSON answers; nothing of it \
         was used. If answers this large are expected, raise `BodyLimits::max_answer_bytes` (per \
         client with `ClientBuilder::limits`, per call with `CallOptions::limits`)"
    );
    // A call can raise the client's limit ...
    let page = workspace
        .list_workflows()
        .options(CallOptions::new().limits(BodyLimits::default()))
        .await
        .unwrap();
    assert_eq!(page.data.as_ref().map(Vec::len), Some(3));
    // ... or bound the memory the parsed answer takes.
    let err = workspace
        .list_workflows()
        .options(CallOptions::new().limits(BodyLimits {
            max_parsed_bytes: 100,
            ..BodyLimits::default()
        }))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::TooLarge {
                limit: Limit::ParsedBytes,
                max: 100,
                size: None,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "the 200 answer would take more than the 100 bytes of memory allowed for a parsed answer; \
         nothing of it was used. If answers this large are expected, raise \
         `BodyLimits::max_parsed_bytes` (per client with `ClientBuilder::limits`, per call with \
         `CallOptions::limits`)"
    );
}

#[tokio::test]
async fn a_download_is_streamed_whatever_the_answer_limit() {
    let exported = vec![9u8; 3 * 1024 * 1024];
    let server = TestServer::start(vec![Reply::status(200)
        .header("Content-Type", "application/octet-stream")
        .body(exported.clone())])
    .await;
    let answer = Client::builder()
        .endpoint(server.url())
        .token("t")
        .limits(BodyLimits {
            max_answer_bytes: 1024,
            max_parsed_bytes: 1024,
            max_error_bytes: 1024,
        })
        .build()
        .unwrap()
        .workspace("p", "w")
        .export_aopworkflow(secmaster::types::ExportAopworkflowBody::new(vec![
            "x".into()
        ]))
        .await
        .unwrap();
    let mut received = Vec::new();
    let written = answer.into_inner().write_to(&mut received).await.unwrap();
    assert_eq!(written, exported.len() as u64);
    assert!(received == exported);
}

#[tokio::test]
async fn silence_past_the_read_timeout_ends_the_call() {
    let server = TestServer::start(vec![
        // Takes the request and says nothing.
        Reply::stall(),
        // Answers, then sends nothing more of the body.
        Reply::status(200)
            .header("X-Request-Id", "half")
            .header("Content-Type", "application/json")
            .body(r#"{"code":"0"}"#)
            .stall_after_headers(),
    ])
    .await;
    let workspace = Client::builder()
        .endpoint(server.url())
        .token("t")
        .read_timeout(Duration::from_millis(300))
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
        .workspace("p", "w");
    let started = std::time::Instant::now();
    let err = workspace.show_aop_workflow("wf").await.unwrap_err();
    assert!(
        matches!(err, Error::Stalled { after, status: None, .. } if after == Duration::from_millis(300)),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "SecMaster sent nothing for 300ms (the read timeout) after the request went out, so the \
         service may have carried it out; check before sending it again; raise the read timeout \
         if the operation is slow"
    );
    let err = workspace.show_aop_workflow("wf").await.unwrap_err();
    assert_eq!(err.status(), Some(200));
    assert_eq!(
        err.to_string(),
        "SecMaster answered 200 OK (request id half), then sent nothing for 300ms (the read \
         timeout) while the answer was being read"
    );
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn an_upload_that_keeps_moving_outlasts_the_read_timeout() {
    // Six pieces 150 ms apart: the upload takes about 900 ms, three times the read timeout, but
    // is never silent that long.
    let pieces = futures_util::stream::unfold(0u8, |n| async move {
        if n == 6 {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
        Some((Ok(bytes::Bytes::from(vec![b'a' + n; 1000])), n + 1))
    });
    let server = TestServer::start(vec![Reply::status(200).json(r#"{"code":"00000000"}"#)]).await;
    let answer = Client::builder()
        .endpoint(server.url())
        .token("t")
        .read_timeout(Duration::from_millis(300))
        .build()
        .unwrap()
        .workspace("p", "w")
        .import_aopworkflow(UploadFile::from_stream("slow.json", Some(6000), pieces))
        .await
        .unwrap();
    assert_eq!(answer.code.as_deref(), Some("00000000"));
    let data = &server.requests()[0].multipart().unwrap()[0].data;
    assert_eq!(data.len(), 6000);
    assert_eq!((data[0], data[5999]), (b'a', b'f'));
}

#[tokio::test]
async fn an_envelope_saying_success_false_can_be_checked() {
    let server = TestServer::start(vec![
        Reply::status(200)
            .header("X-Request-Id", "r-no")
            .json(r#"{"code":"SecMaster.2","message":"quota\u001b[2J exceeded","success":false}"#),
        Reply::status(200).json(r#"{"code":"00000000","success":true}"#),
    ])
    .await;
    let workspace = client(&server).workspace("p", "w");
    let import = || workspace.import_aopworkflow(UploadFile::from_bytes("a.json", &b"{}"[..]));
    // As it came, with the rejection readable ...
    let answer = import().await.unwrap();
    assert_eq!(answer.success, Some(false));
    assert_eq!(
        answer.rejection(),
        Some(&Rejection {
            status: 200,
            code: Some("SecMaster.2".into()),
            message: Some("quota\x1b[2J exceeded".into()),
            request_id: Some("r-no".into()),
        })
    );
    // ... or checked into an error.
    let err = answer.checked::<std::convert::Infallible>().unwrap_err();
    assert!(matches!(err, Error::Rejected(_)), "{err:?}");
    assert_eq!(err.status(), Some(200));
    assert_eq!(err.request_id(), Some("r-no"));
    assert_eq!(
        err.to_string(),
        r"SecMaster answered 200 OK, but its answer says `success: false`: SecMaster.2: quota\u{1b}[2J exceeded (request id r-no)"
    );
    let answer = import()
        .await
        .and_then(secmaster::Response::checked)
        .unwrap();
    assert_eq!(answer.rejection(), None);
}

#[tokio::test]
async fn a_download_cut_off_midway_says_so() {
    let server = TestServer::start(vec![Reply::status(200)
        .header("X-Request-Id", "dl-1")
        .header("Content-Length", "100000")
        .body(vec![1u8; 1000])
        .close()])
    .await;
    let answer = client(&server)
        .workspace("p", "w")
        .export_aopworkflow(secmaster::types::ExportAopworkflowBody::new(vec![
            "x".into()
        ]))
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let err = answer
        .into_inner()
        .save(dir.path().join("export.zip"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::AnswerLost { status: 200, .. }),
        "{err:?}"
    );
    assert!(
        err.to_string().starts_with(
            "SecMaster answered 200 OK (request id dl-1), but the connection failed while the \
             answer was being read"
        ),
        "{err}"
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}
