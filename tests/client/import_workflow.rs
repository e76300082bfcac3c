//! ImportAopworkflow end to end against a local server: the exact request on the wire and the
//! exact parse of each documented answer.

use loopback_server::{Reply, TestServer};
use secmaster::{Client, Error, UploadFile};
use std::time::Duration;

const TOKEN: &str = "MIIT-token-value";
const WORKFLOW: &[u8] = b"{\"name\":\"Test\",\r\n\"steps\":[\"--boundary-lookalike\"]}\x00\xff";

fn client(server: &TestServer) -> Client {
    Client::builder()
        .endpoint(server.url())
        .token(TOKEN)
        .build()
        .unwrap()
}

fn ok_reply() -> Reply {
    Reply::status(200)
        .header("X-Request-Id", "req-200")
        .json(r#"{"code":"00000000","message":"","success":true,"request_id":"body-req-id"}"#)
}

#[tokio::test]
async fn uploads_a_file_from_a_path_as_the_reference_describes() {
    let server = TestServer::start(vec![ok_reply()]).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("Test.json");
    std::fs::write(&path, WORKFLOW).unwrap();

    let answer = client(&server)
        .workspace("project-1", "workspace-1")
        .import_aopworkflow(UploadFile::from_path(&path))
        .await
        .unwrap();

    assert_eq!(answer.status(), 200);
    assert_eq!(answer.request_id(), Some("req-200"));
    assert_eq!(
        answer.into_inner(),
        secmaster::types::Envelope {
            code: Some("00000000".into()),
            message: Some(String::new()),
            success: Some(true),
            request_id: Some("body-req-id".into()),
        }
    );

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method, "POST");
    assert_eq!(
        request.target,
        "/v1/project-1/workspaces/workspace-1/soc/workflows/import"
    );
    assert_eq!(request.header("x-auth-token"), Some(TOKEN));
    assert_eq!(request.header_all("x-auth-token").len(), 1);
    let content_type = request.header("content-type").unwrap();
    assert!(
        content_type.starts_with("multipart/form-data; boundary="),
        "{content_type}"
    );
    assert_eq!(
        request.header("content-length"),
        Some(request.body.len().to_string().as_str())
    );
    assert_eq!(request.header("transfer-encoding"), None);

    let parts = request.multipart().unwrap();
    assert_eq!(parts.len(), 1);
    assert_eq!(parts[0].name, "uploadFile");
    assert_eq!(parts[0].file_name.as_deref(), Some("Test.json"));
    assert_eq!(
        parts[0].content_type.as_deref(),
        Some("application/octet-stream")
    );
    assert_eq!(parts[0].data, WORKFLOW);
}

#[tokio::test]
async fn uploads_bytes_under_the_given_file_name() {
    let server = TestServer::start(vec![ok_reply()]).await;
    client(&server)
        .workspace("p", "w")
        .import_aopworkflow(UploadFile::from_bytes(
            "from-memory.json",
            WORKFLOW.to_vec(),
        ))
        .await
        .unwrap();
    let parts = server.requests()[0].multipart().unwrap();
    assert_eq!(parts.len(), 1);
    assert_eq!(parts[0].name, "uploadFile");
    assert_eq!(parts[0].file_name.as_deref(), Some("from-memory.json"));
    assert_eq!(parts[0].data, WORKFLOW);
}

#[tokio::test]
async fn a_400_is_a_typed_error_with_code_message_and_request_id() {
    let server = TestServer::start(vec![Reply::status(400)
        .header("X-Request-Id", "req-400")
        .json(r#"{"code":"SecMaster.20010001","message":"The workflow file is invalid."}"#)])
    .await;
    let err = client(&server)
        .workspace("p", "w")
        .import_aopworkflow(UploadFile::from_bytes("bad.json", &b"{}"[..]))
        .await
        .unwrap_err();
    let Error::Api(api) = &err else {
        panic!("expected an API error, got {err:?}")
    };
    assert_eq!(api.status, 400);
    assert_eq!(api.code.as_deref(), Some("SecMaster.20010001"));
    assert_eq!(
        api.message.as_deref(),
        Some("The workflow file is invalid.")
    );
    assert_eq!(api.request_id.as_deref(), Some("req-400"));
    assert_eq!(
        api.typed,
        Some(secmaster::operations::ImportAopworkflowError::BadRequest(
            secmaster::types::ErrorBody {
                code: Some("SecMaster.20010001".into()),
                message: Some("The workflow file is invalid.".into()),
            }
        ))
    );
    assert_eq!(
        err.to_string(),
        "SecMaster answered 400 Bad Request: SecMaster.20010001: The workflow file is invalid. (request id req-400)"
    );
}

#[tokio::test]
async fn another_status_keeps_status_body_and_request_id() {
    let server = TestServer::start(vec![Reply::status(500)
        .header("X-Request-Id", "req-500")
        .header("Content-Type", "text/html")
        .body("<html>upstream failure</html>")])
    .await;
    let err = client(&server)
        .workspace("p", "w")
        .import_aopworkflow(UploadFile::from_bytes("a.json", &b"{}"[..]))
        .options(secmaster::CallOptions::new().retry(secmaster::RetryPolicy::none()))
        .await
        .unwrap_err();
    let Error::Api(api) = &err else {
        panic!("expected an API error, got {err:?}")
    };
    assert_eq!(api.status, 500);
    assert_eq!(api.body, "<html>upstream failure</html>");
    assert_eq!(api.request_id.as_deref(), Some("req-500"));
    assert_eq!(
        (api.code.as_deref(), api.message.as_deref(), &api.typed),
        (None, None, &None)
    );
    assert_eq!(err.request_id(), Some("req-500"));
}

#[tokio::test]
async fn the_gateway_error_shape_is_read_too() {
    let server = TestServer::start(vec![Reply::status(401)
        .header("X-Request-Id", "req-401")
        .json(
            r#"{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information"}"#,
        )])
    .await;
    let err = client(&server)
        .workspace("p", "w")
        .import_aopworkflow(UploadFile::from_bytes("a.json", &b"{}"[..]))
        .await
        .unwrap_err();
    let Error::Api(api) = &err else {
        panic!("expected an API error, got {err:?}")
    };
    assert_eq!(api.status, 401);
    assert_eq!(api.code.as_deref(), Some("APIGW.0301"));
    assert_eq!(
        api.message.as_deref(),
        Some("Incorrect IAM authentication information")
    );
    assert!(api.typed.is_none());
}

#[tokio::test]
async fn path_parameters_are_escaped_as_single_segments() {
    let server = TestServer::start(vec![ok_reply()]).await;
    client(&server)
        .workspace("a/b c", "ü?x=1#frag")
        .import_aopworkflow(UploadFile::from_bytes("a.json", &b"{}"[..]))
        .await
        .unwrap();
    assert_eq!(
        server.requests()[0].target,
        "/v1/a%2Fb%20c/workspaces/%C3%BC%3Fx%3D1%23frag/soc/workflows/import"
    );
}

#[tokio::test]
async fn dot_segments_and_empty_ids_are_refused_before_sending() {
    let server = TestServer::start(vec![]).await;
    for (project, message) in [
        ("..", "invalid request: path parameter `project_id` is `..`, which a URL cannot carry as a segment"),
        ("", "invalid request: path parameter `project_id` is empty"),
    ] {
        let err = client(&server)
            .workspace(project, "w")
            .import_aopworkflow(UploadFile::from_bytes("a.json", &b"{}"[..]))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
        assert_eq!(err.to_string(), message);
    }
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn header_injection_is_refused_before_anything_is_sent() {
    let server = TestServer::start(vec![]).await;
    let err = Client::builder()
        .endpoint(server.url())
        .token("token\r\nX-Injected: yes")
        .build()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid request: the token contains a control character (such as a line break); remove it"
    );

    let err = client(&server)
        .workspace("p", "w")
        .import_aopworkflow(UploadFile::from_bytes(
            "evil.json\r\nX-Injected: yes",
            &b"{}"[..],
        ))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid request: the file name contains a control character (such as a line break); remove it"
    );
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn a_missing_file_is_an_io_error_naming_it() {
    let server = TestServer::start(vec![]).await;
    let err = client(&server)
        .workspace("p", "w")
        .import_aopworkflow(UploadFile::from_path("/nonexistent/workflow.json"))
        .await
        .unwrap_err();
    let Error::Io { path, .. } = &err else {
        panic!("expected an I/O error, got {err:?}")
    };
    assert_eq!(path, std::path::Path::new("/nonexistent/workflow.json"));
    assert!(
        err.to_string()
            .starts_with("cannot read /nonexistent/workflow.json: "),
        "{err}"
    );
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn a_success_body_that_does_not_match_is_a_decode_error_with_a_snippet() {
    let server = TestServer::start(vec![Reply::status(200)
        .header("X-Request-Id", "req-bad")
        .json(r#"{"code": 12, "message": "x"}"#)])
    .await;
    let err = client(&server)
        .workspace("p", "w")
        .import_aopworkflow(UploadFile::from_bytes("a.json", &b"{}"[..]))
        .await
        .unwrap_err();
    let Error::Decode {
        status,
        request_id,
        message,
        snippet,
    } = &err
    else {
        panic!("expected a decode error, got {err:?}")
    };
    assert_eq!(*status, 200);
    assert_eq!(request_id.as_deref(), Some("req-bad"));
    assert_eq!(
        message,
        "invalid type: integer `12`, expected a string at line 1 column 11"
    );
    assert_eq!(snippet, r#"{"code": 12, "message": "x"}"#);
}

#[tokio::test]
async fn a_per_call_timeout_gives_up_on_a_stalled_server() {
    let server = TestServer::start(vec![Reply::stall()]).await;
    let started = std::time::Instant::now();
    let err = client(&server)
        .workspace("p", "w")
        .import_aopworkflow(UploadFile::from_bytes("a.json", &b"{}"[..]))
        .options(secmaster::CallOptions::new().timeout(Duration::from_millis(300)))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Timeout { after } if after == Duration::from_millis(300)),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
}
