//! The examples, run as a user would, against a local server.

use loopback_server::{Reply, TestServer};
use std::path::PathBuf;
use std::process::Output;

/// `cargo test` builds the examples next to the test binaries' folder.
fn example(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().and_then(|deps| deps.parent()).unwrap();
    profile_dir
        .join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX))
}

async fn run(args: Vec<String>) -> Output {
    run_example("import_workflow", args).await
}

/// Runs the example `name` with `args`, without the SDK's credential variables of the caller's
/// environment, and returns what it did.
pub(crate) async fn run_example(name: &'static str, args: Vec<String>) -> Output {
    tokio::task::spawn_blocking(move || {
        std::process::Command::new(example(name))
            .args(args)
            .env_remove("HUAWEICLOUD_SDK_AK")
            .env_remove("HUAWEICLOUD_SDK_SK")
            .output()
            .expect("the example is built by `cargo test`")
    })
    .await
    .unwrap()
}

fn workflow_file() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("Test.json");
    std::fs::write(&path, br#"{"name":"Test"}"#).unwrap();
    let path = path.to_string_lossy().into_owned();
    (dir, path)
}

fn args(server: &TestServer, file: &str, auth: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = [
        "--endpoint",
        &server.url(),
        "--project-id",
        "P",
        "--workspace-id",
        "W",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.extend(auth.iter().map(|s| s.to_string()));
    args.push(file.to_owned());
    args
}

#[tokio::test]
async fn prints_the_answer_as_json_and_exits_zero() {
    let server = TestServer::start(vec![Reply::status(200)
        .header("X-Request-Id", "r1")
        .json(r#"{"code":"00000000","message":""}"#)])
    .await;
    let (_dir, file) = workflow_file();
    let output = run(args(&server, &file, &["--token", "T"])).await;
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "{\n  \"code\": \"00000000\",\n  \"message\": \"\"\n}\n"
    );
    let request = &server.requests()[0];
    assert_eq!(request.target, "/v1/P/workspaces/W/soc/workflows/import");
    assert_eq!(request.header("x-auth-token"), Some("T"));
    let parts = request.multipart().unwrap();
    assert_eq!(
        (parts[0].name.as_str(), parts[0].file_name.as_deref()),
        ("uploadFile", Some("Test.json"))
    );
    assert_eq!(parts[0].data, br#"{"name":"Test"}"#);
}

#[tokio::test]
async fn reports_an_api_error_on_stderr_and_exits_non_zero() {
    let server = TestServer::start(vec![Reply::status(400)
        .header("X-Request-Id", "r400")
        .json(r#"{"code":"SecMaster.1","message":"bad file"}"#)])
    .await;
    let (_dir, file) = workflow_file();
    let output = run(args(&server, &file, &["--token", "T"])).await;
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(output.stdout, b"");
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "error: the import failed\nstatus: 400\ncode: SecMaster.1\nmessage: bad file\nrequest id: r400\n"
    );
}

#[tokio::test]
async fn signs_with_an_access_key_pair() {
    let server = TestServer::start(vec![Reply::status(200).json("{}")]).await;
    let (_dir, file) = workflow_file();
    let output = run(args(
        &server,
        &file,
        &["--ak", "AK1", "--sk", "SK1", "--security-token", "STS1"],
    ))
    .await;
    assert!(output.status.success(), "{output:?}");
    let request = &server.requests()[0];
    assert_eq!(request.header("x-auth-token"), None);
    assert_eq!(request.header("x-security-token"), Some("STS1"));
    assert_eq!(request.header("x-project-id"), Some("P"));
    assert_eq!(
        request.header("x-sdk-content-sha256"),
        Some("UNSIGNED-PAYLOAD")
    );
    crate::signature::verify_signature(
        &request.method,
        &request.target,
        &request.headers,
        &request.body,
        |ak| (ak == "AK1").then(|| "SK1".to_owned()),
    )
    .unwrap();
}

#[tokio::test]
async fn gives_up_after_the_timeout_on_a_stalled_server() {
    let server = TestServer::start(vec![Reply::stall()]).await;
    let (_dir, file) = workflow_file();
    let started = std::time::Instant::now();
    let output = run(args(&server, &file, &["--token", "T", "--timeout", "2"])).await;
    let elapsed = started.elapsed();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "error: no answer within 2s; raise the timeout or check the service\n"
    );
    assert!(
        elapsed.as_secs_f64() >= 2.0 && elapsed.as_secs_f64() < 4.0,
        "{elapsed:?}"
    );
}

#[tokio::test]
async fn refuses_an_impossible_timeout() {
    for timeout in ["1e20", "-1", "nan", "soon"] {
        let output = run(vec!["--timeout".into(), timeout.into()]).await;
        assert_eq!(output.status.code(), Some(2), "{timeout}");
        assert!(
            String::from_utf8_lossy(&output.stderr).starts_with(&format!(
                "error: --timeout takes a positive number of seconds, not `{timeout}`\n"
            )),
            "{output:?}"
        );
    }
}

#[tokio::test]
async fn refuses_bad_usage_with_exit_code_two() {
    let output = run(vec!["--project-id".into(), "P".into()]).await;
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr)
        .starts_with("error: --project-id, --workspace-id and FILE are required\n"));
    let output = run(vec![
        "--region".into(),
        "mars-1".into(),
        "--token".into(),
        "T".into(),
        "--project-id".into(),
        "P".into(),
        "--workspace-id".into(),
        "W".into(),
        "f".into(),
    ])
    .await;
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("not offered in region `mars-1`"));
}

#[tokio::test]
async fn the_lifecycle_example_lists_creates_updates_and_deletes() {
    let server = TestServer::start(vec![
        Reply::status(200).json(r#"{"total":1,"data":[{"id":"old","name":"existing"}]}"#),
        Reply::status(200)
            .header("X-Request-Id", "c1")
            .json(r#"{"data":{"id":"new-1","name":"block-source-ip"}}"#),
        Reply::status(200).json(r#"{"data":{"id":"new-1","name":"block-source-ip-v2"}}"#),
        Reply::status(200).json(r#"{"data":{"id":"new-1"}}"#),
    ])
    .await;
    let args = [
        "--endpoint",
        &server.url(),
        "--token",
        "T",
        "--project-id",
        "P",
        "--workspace-id",
        "W",
        "--dataclass-id",
        "DC",
    ];
    let output = run_example(
        "workflow_lifecycle",
        args.iter().map(|s| s.to_string()).collect(),
    )
    .await;
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "1 workflows in the workspace\n  old existing\ncreated new-1 (request id c1)\nrenamed to block-source-ip-v2\ndeleted new-1\n"
    );
    let requests = server.requests();
    let lines: Vec<String> = requests
        .iter()
        .map(|r| format!("{} {}", r.method, r.target))
        .collect();
    assert_eq!(
        lines,
        [
            "GET /v1/P/workspaces/W/soc/workflows?limit=10",
            "POST /v1/P/workspaces/W/soc/workflows",
            "PUT /v1/P/workspaces/W/soc/workflows/new-1",
            "DELETE /v1/P/workspaces/W/soc/workflows/new-1",
        ]
    );
    assert_eq!(
        requests[1].body_str(),
        Some(
            r#"{"name":"block-source-ip","description":"Blocks the source IP of an alert","engine_type":"public_engine","aop_type":"NORMAL","dataclass_id":"DC"}"#
        )
    );
    assert_eq!(
        requests[2].body_str(),
        Some(
            r#"{"name":"block-source-ip-v2","description":"Blocks the source IP of an alert for 24 hours"}"#
        )
    );
}

#[tokio::test]
async fn an_answer_that_says_success_false_exits_non_zero() {
    let server = TestServer::start(vec![Reply::status(200)
        .header("X-Request-Id", "r-refused")
        .json(r#"{"code":"SecMaster.20010002","message":"the workflow already exists","success":false}"#)])
    .await;
    let (_dir, file) = workflow_file();
    let output = run(args(&server, &file, &["--token", "T"])).await;
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert_eq!(String::from_utf8_lossy(&output.stdout), "");
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "error: SecMaster refused the import: its answer says `success: false`\nstatus: 200\n\
         code: SecMaster.20010002\nmessage: the workflow already exists\nrequest id: r-refused\n"
    );
}

#[tokio::test]
async fn what_the_server_says_is_escaped_before_it_reaches_the_terminal() {
    let server = TestServer::start(vec![
        Reply::status(400).header("X-Request-Id", "r400").json(
            r#"{"code":"\u001b]0;pwned\u0007","message":"denied\r\nimported: yes \u009b2J"}"#,
        ),
        Reply::status(200).json(r#"{"code":"00000000","message":"\u001b[2J\u009b2J\u202e"}"#),
    ])
    .await;
    let (_dir, file) = workflow_file();
    let output = run(args(&server, &file, &["--token", "T"])).await;
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "error: the import failed\nstatus: 400\ncode: \\u{1b}]0;pwned\\u{7}\n\
         message: denied\\r\\nimported: yes \\u{9b}2J\nrequest id: r400\n"
    );
    let output = run(args(&server, &file, &["--token", "T"])).await;
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "{\n  \"code\": \"00000000\",\n  \"message\": \"\\u001b[2J\\u009b2J\\u202e\"\n}\n"
    );
}

#[tokio::test]
async fn an_html_or_empty_error_body_is_shown_as_an_excerpt() {
    let server = TestServer::start(vec![
        Reply::status(502)
            .header("Content-Type", "text/html")
            .body("<html><body>Bad gateway</body></html>\n"),
        Reply::status(500).header("X-Request-Id", "r500"),
    ])
    .await;
    let (_dir, file) = workflow_file();
    let output = run(args(&server, &file, &["--token", "T"])).await;
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "error: the import failed\nstatus: 502\ncode: -\nmessage: -\n\
         body: <html><body>Bad gateway</body></html>\\n\nrequest id: -\n"
    );
    let output = run(args(&server, &file, &["--token", "T"])).await;
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "error: the import failed\nstatus: 500\ncode: -\nmessage: -\nbody: (empty)\nrequest id: r500\n"
    );
}

fn lifecycle_args(server: &TestServer, extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = [
        "--endpoint",
        &server.url(),
        "--token",
        "T",
        "--project-id",
        "P",
        "--workspace-id",
        "W",
        "--dataclass-id",
        "DC",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

/// Runs an example, killing it after `limit` (a hang is then reported as a test failure rather
/// than blocking the test run).
async fn run_example_within(
    name: &'static str,
    args: Vec<String>,
    limit: std::time::Duration,
) -> Output {
    tokio::task::spawn_blocking(move || {
        let child = std::process::Command::new(example(name))
            .args(args)
            .env_remove("HUAWEICLOUD_SDK_AK")
            .env_remove("HUAWEICLOUD_SDK_SK")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("the example is built by `cargo test`");
        let pid = child.id();
        let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
        let killer = std::thread::spawn(move || {
            if done_rx.recv_timeout(limit).is_err() {
                // Still running: kill this one child, by its id.
                let _ = std::process::Command::new("kill")
                    .args(["-9", &pid.to_string()])
                    .status();
            }
        });
        let output = child.wait_with_output().unwrap();
        let _ = done_tx.send(());
        killer.join().unwrap();
        output
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn the_lifecycle_example_gives_up_after_its_timeout() {
    let server = TestServer::start(vec![Reply::stall()]).await;
    let started = std::time::Instant::now();
    let output = run_example_within(
        "workflow_lifecycle",
        lifecycle_args(&server, &["--timeout", "1"]),
        std::time::Duration::from_secs(15),
    )
    .await;
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "error: listing the workflows failed: no answer within 1s; raise the timeout or check the service\n"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}

#[tokio::test]
async fn the_lifecycle_example_reports_errors_in_words_and_escapes_server_text() {
    let server = TestServer::start(vec![
        Reply::status(200).json(r#"{"total":1,"data":[{"id":"old","name":"\u001b[2Jevil"}]}"#),
        Reply::status(400)
            .header("X-Request-Id", "c-400")
            .json(r#"{"code":"SecMaster.1","message":"bad\r\nname"}"#),
    ])
    .await;
    let output = run_example_within(
        "workflow_lifecycle",
        lifecycle_args(&server, &[]),
        std::time::Duration::from_secs(15),
    )
    .await;
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "1 workflows in the workspace\n  old \\u{1b}[2Jevil\n"
    );
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "error: creating the workflow failed: SecMaster answered 400 Bad Request: SecMaster.1: bad\\r\\nname (request id c-400)\n"
    );
}

#[tokio::test]
async fn the_lifecycle_example_stops_when_an_answer_says_success_false() {
    let server = TestServer::start(vec![
        Reply::status(200).json(r#"{"total":0,"data":[]}"#),
        Reply::status(200)
            .header("X-Request-Id", "c-1")
            .json(r#"{"code":"SecMaster.2","message":"quota exceeded","success":false}"#),
    ])
    .await;
    let output = run_example_within(
        "workflow_lifecycle",
        lifecycle_args(&server, &[]),
        std::time::Duration::from_secs(15),
    )
    .await;
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "error: creating the workflow failed: SecMaster answered 200 OK, but its answer says \
         `success: false`: SecMaster.2: quota exceeded (request id c-1)\n"
    );
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_file_piped_through_dev_stdin_is_sent_whole() {
    let server = TestServer::start(vec![Reply::status(200).json(r#"{"code":"00000000"}"#)]).await;
    let content: Vec<u8> = (0..2_000_000u32).map(|i| (i % 253) as u8).collect();
    let expected = content.clone();
    let args = args(&server, "/dev/stdin", &["--token", "T"]);
    let output = tokio::task::spawn_blocking(move || {
        use std::io::Write;
        let mut child = std::process::Command::new(example("import_workflow"))
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let writer = std::thread::spawn(move || stdin.write_all(&content));
        let output = child.wait_with_output().unwrap();
        writer.join().unwrap().unwrap();
        output
    })
    .await
    .unwrap();
    assert!(output.status.success(), "{output:?}");
    let request = &server.requests()[0];
    assert_eq!(request.header("content-length"), None);
    let parts = request.multipart().unwrap();
    assert_eq!(parts[0].file_name.as_deref(), Some("stdin"));
    assert!(parts[0].data == expected, "{} bytes", parts[0].data.len());
}
