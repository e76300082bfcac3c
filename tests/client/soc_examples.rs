//! The SOC examples, `triage_alerts` and `query_logs`, run as a user would against a local
//! server: the exact requests of each page (method, target, auth header, JSON body), the exact
//! output, and how they end on API errors and on answers that report a failure in their body.

use crate::example_cli::run_example;
use loopback_server::{RecordedRequest, Reply, TestServer};
use std::process::Output;

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| s.to_string()).collect()
}

/// The shared flags: the local server, token `T`, project `P`, workspace `W`.
fn connection(server: &TestServer) -> Vec<String> {
    strings(&[
        "--endpoint",
        &server.url(),
        "--token",
        "T",
        "--project-id",
        "P",
        "--workspace-id",
        "W",
    ])
}

async fn triage(server: &TestServer, extra: &[&str]) -> Output {
    let mut args = connection(server);
    args.extend(strings(extra));
    run_example("triage_alerts", args).await
}

async fn query(server: &TestServer, extra: &[&str]) -> Output {
    let mut args = connection(server);
    args.extend(strings(extra));
    run_example("query_logs", args).await
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Asserts that `request` is a JSON `POST` to `target` with the token and exactly `body`.
fn assert_json_post(request: &RecordedRequest, target: &str, body: &str) {
    assert_eq!(
        (request.method.as_str(), request.target.as_str()),
        ("POST", target)
    );
    assert!(request.query.is_empty(), "{:?}", request.query);
    assert_eq!(request.header("x-auth-token"), Some("T"));
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(request.body_str(), Some(body));
}

// ---- triage_alerts ----

const SEARCH: &str = "/v1/P/workspaces/W/soc/alerts/search";
const BATCH_ORDER: &str = "/v1/P/workspaces/W/soc/alerts/batch-order";

/// The search body for open alerts of `severities` (as sent: `High,Fatal`), one page.
fn search_body(severities: &str, limit: u32, offset: u32) -> String {
    format!(
        r#"{{"limit":{limit},"offset":{offset},"sort_by":"create_time","order":"DESC","condition":{{"conditions":[{{"name":"status","data":["handle_status","=","Open"]}},{{"name":"severity","data":["severity","in","{severities}"]}}],"logics":["status","and","severity"]}}}}"#
    )
}

/// An alert record as the search returns it.
fn alert(id: &str, severity: &str, title: &str) -> String {
    format!(
        r#"{{"id":"{id}","create_time":"2024-05-01T10:00:00.000+08:00","type":"alert","data_object":{{"id":"{id}","title":"{title}","severity":"{severity}","handle_status":"Open","create_time":"2024-05-01T09:59:58.000+08:00"}}}}"#
    )
}

/// A successful search answer with `alerts`, and `total` when given.
fn alerts_page(total: Option<u32>, alerts: &[String]) -> Reply {
    let total = total.map_or(String::new(), |t| format!(r#""total":{t},"#));
    Reply::status(200).json(&format!(
        r#"{{"code":"00000000","message":"",{total}"size":{},"success":true,"data":[{}]}}"#,
        alerts.len(),
        alerts.join(",")
    ))
}

fn alert_line(id: &str, severity: &str, title: &str) -> String {
    format!("{id}\t{severity}\tOpen\t2024-05-01T09:59:58.000+08:00\t{title}\n")
}

#[tokio::test]
async fn triage_pages_through_open_high_alerts_until_the_total_and_a_short_page() {
    let server = TestServer::start(vec![
        alerts_page(
            Some(5),
            &[
                alert("a1", "Fatal", "Ransomware on ecs-1"),
                alert("a2", "High", "Brute force on ecs-2"),
            ],
        ),
        alerts_page(
            Some(5),
            &[
                alert("a3", "High", "Port scan from 203.0.113.7"),
                alert("a4", "High", "Web shell"),
            ],
        ),
        alerts_page(Some(5), &[alert("a5", "Fatal", "Mining process")]),
    ])
    .await;
    let output = triage(&server, &["--page-size", "2"]).await;
    assert!(output.status.success(), "{output:?}");
    let expected = [
        alert_line("a1", "Fatal", "Ransomware on ecs-1"),
        alert_line("a2", "High", "Brute force on ecs-2"),
        alert_line("a3", "High", "Port scan from 203.0.113.7"),
        alert_line("a4", "High", "Web shell"),
        alert_line("a5", "Fatal", "Mining process"),
    ];
    assert_eq!(stdout(&output), expected.concat());
    assert_eq!(
        stderr(&output),
        "listed 5 of 5 open alerts of severity High,Fatal\n"
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    for (request, offset) in requests.iter().zip([0, 2, 4]) {
        assert_json_post(request, SEARCH, &search_body("High,Fatal", 2, offset));
    }
}

#[tokio::test]
async fn triage_stops_at_an_empty_page_when_the_answer_has_no_total() {
    let server = TestServer::start(vec![
        alerts_page(None, &[alert("a1", "High", "x"), alert("a2", "High", "y")]),
        alerts_page(None, &[]),
    ])
    .await;
    let output = triage(&server, &["--page-size", "2"]).await;
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        stdout(&output),
        alert_line("a1", "High", "x") + &alert_line("a2", "High", "y")
    );
    assert_eq!(
        stderr(&output),
        "listed 2 open alerts of severity High,Fatal\n"
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_json_post(&requests[1], SEARCH, &search_body("High,Fatal", 2, 2));
}

#[tokio::test]
async fn triage_escapes_what_the_server_says_before_it_reaches_the_terminal() {
    // The title holds a screen-clearing escape, a carriage return and a right-to-left override,
    // written as JSON escapes.
    let title = r"\u001b[2Jowned\r\u202efake";
    let server = TestServer::start(vec![alerts_page(Some(1), &[alert("a1", "High", title)])]).await;
    let output = triage(&server, &[]).await;
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        stdout(&output),
        alert_line("a1", "High", r"\u{1b}[2Jowned\r\u{202e}fake")
    );
}

#[tokio::test]
async fn query_escapes_control_characters_in_cells() {
    let answer =
        r#"{"schema":[{"name":"msg","type":"text"}],"datarows":[["a\u001b[31mb\tc"]],"total":1}"#;
    let server = TestServer::start(vec![Reply::status(200).json(answer)]).await;
    let output = query(&server, &query_args(&[])).await;
    assert!(output.status.success(), "{output:?}");
    assert_eq!(stdout(&output), "msg\na\\u{1b}[31mb\\tc\n");
}

#[tokio::test]
async fn triage_asks_for_no_page_past_the_total() {
    let server = TestServer::start(vec![alerts_page(
        Some(2),
        &[alert("a1", "High", "x"), alert("a2", "High", "y")],
    )])
    .await;
    let output = triage(&server, &["--page-size", "2"]).await;
    assert!(output.status.success(), "{output:?}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn triage_asks_for_no_more_than_max_allows() {
    let server = TestServer::start(vec![
        alerts_page(
            Some(9),
            &[alert("a1", "High", "x"), alert("a2", "High", "y")],
        ),
        alerts_page(Some(9), &[alert("a3", "High", "z")]),
    ])
    .await;
    let output = triage(&server, &["--page-size", "2", "--max", "3"]).await;
    assert!(output.status.success(), "{output:?}");
    assert_eq!(stdout(&output).lines().count(), 3);
    assert_eq!(
        stderr(&output),
        "listed 3 of 9 open alerts of severity High,Fatal\n"
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_json_post(&requests[0], SEARCH, &search_body("High,Fatal", 2, 0));
    assert_json_post(&requests[1], SEARCH, &search_body("High,Fatal", 1, 2));
}

#[tokio::test]
async fn triage_spells_severities_as_the_service_does_and_refuses_unknown_ones() {
    let server = TestServer::start(vec![alerts_page(Some(0), &[])]).await;
    let output = triage(&server, &["--severity", "medium, HIGH"]).await;
    assert!(output.status.success(), "{output:?}");
    assert_eq!(stdout(&output), "");
    assert_json_post(
        &server.requests()[0],
        SEARCH,
        &search_body("Medium,High", 100, 0),
    );

    let output = triage(&server, &["--severity", "High,Critical"]).await;
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).starts_with(
            "error: unknown severity `Critical`; choose from Tips, Low, Medium, High, Fatal\n"
        ),
        "{output:?}"
    );
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn triage_converts_the_first_alert_listed_into_an_incident() {
    let server = TestServer::start(vec![
        alerts_page(
            Some(2),
            &[
                alert("a1", "Fatal", "Ransomware on ecs-1"),
                alert("a2", "High", "Brute force on ecs-2"),
            ],
        ),
        Reply::status(200).header("X-Request-Id", "c1").json(
            r#"{"code":"00000000","message":"","data":{"error_ids":[],"success_ids":["a1"]}}"#,
        ),
    ])
    .await;
    let output = triage(&server, &["--convert-first"]).await;
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        stdout(&output),
        alert_line("a1", "Fatal", "Ransomware on ecs-1")
            + &alert_line("a2", "High", "Brute force on ecs-2")
            + "converted alert a1 into incident \"Ransomware on ecs-1\"\n"
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_json_post(&requests[0], SEARCH, &search_body("High,Fatal", 100, 0));
    assert_json_post(
        &requests[1],
        BATCH_ORDER,
        r#"{"ids":["a1"],"incident_content":{"title":"Ransomware on ecs-1"}}"#,
    );
}

#[tokio::test]
async fn triage_has_nothing_to_convert_first_when_no_alert_is_open() {
    let server = TestServer::start(vec![alerts_page(Some(0), &[])]).await;
    let output = triage(&server, &["--convert-first"]).await;
    assert!(output.status.success(), "{output:?}");
    assert_eq!(stdout(&output), "");
    assert_eq!(
        stderr(&output),
        "listed 0 of 0 open alerts of severity High,Fatal\nno alert to convert\n"
    );
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn triage_converts_a_given_alert_with_the_incident_type_given() {
    let server = TestServer::start(vec![
        alerts_page(Some(1), &[alert("a1", "High", "x")]),
        Reply::status(200).json(r#"{"code":"00000000","data":{"success_ids":["a9"]}}"#),
    ])
    .await;
    let output = triage(
        &server,
        &[
            "--convert",
            "a9",
            "--incident-type-id",
            "T1",
            "--incident-category",
            "Malware",
            "--incident-type",
            "Trojan",
        ],
    )
    .await;
    assert!(output.status.success(), "{output:?}");
    assert!(
        stdout(&output).ends_with("converted alert a9 into incident \"Incident from alert a9\"\n"),
        "{output:?}"
    );
    assert_json_post(
        &server.requests()[1],
        BATCH_ORDER,
        r#"{"ids":["a9"],"incident_content":{"title":"Incident from alert a9","incident_type":{"id":"T1","category":"Malware","incident_type":"Trojan"}}}"#,
    );
}

#[tokio::test]
async fn triage_reports_an_api_error_and_converts_nothing() {
    let server = TestServer::start(vec![Reply::status(400)
        .header("X-Request-Id", "r400")
        .json(r#"{"code":"SecMaster.20010001","message":"invalid condition"}"#)])
    .await;
    let output = triage(&server, &["--convert-first"]).await;
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stdout(&output), "");
    assert_eq!(
        stderr(&output),
        "error: the alert search failed: SecMaster answered 400 Bad Request: SecMaster.20010001: invalid condition (request id r400)\n"
    );
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn triage_fails_on_a_page_whose_body_says_success_false() {
    let server = TestServer::start(vec![
        alerts_page(
            Some(4),
            &[alert("a1", "High", "x"), alert("a2", "High", "y")],
        ),
        Reply::status(200)
            .header("X-Request-Id", "r2")
            .json(r#"{"code":"SecMaster.10000","message":"search backend busy","success":false}"#),
    ])
    .await;
    let output = triage(&server, &["--page-size", "2", "--convert-first"]).await;
    assert_eq!(output.status.code(), Some(1));
    // The first page was printed before the second failed.
    assert_eq!(
        stdout(&output),
        alert_line("a1", "High", "x") + &alert_line("a2", "High", "y")
    );
    assert_eq!(
        stderr(&output),
        "error: the alert search failed: the answer reports a failure (success: false), code SecMaster.10000: search backend busy (request id r2)\n"
    );
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn triage_fails_on_a_success_status_whose_code_is_not_success() {
    let server = TestServer::start(vec![Reply::status(200)
        .json(r#"{"code":"SecMaster.20048001","message":"workspace is frozen","data":[]}"#)])
    .await;
    let output = triage(&server, &[]).await;
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        "error: the alert search failed: the answer reports a failure, code SecMaster.20048001: workspace is frozen\n"
    );
}

#[tokio::test]
async fn triage_fails_when_the_conversion_is_refused() {
    // In the body's error list...
    let server = TestServer::start(vec![
        alerts_page(Some(1), &[alert("a1", "High", "x")]),
        Reply::status(200)
            .header("X-Request-Id", "c1")
            .json(r#"{"code":"00000000","data":{"error_ids":["a1"],"success_ids":[]}}"#),
    ])
    .await;
    let output = triage(&server, &["--convert", "a1"]).await;
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stdout(&output), alert_line("a1", "High", "x"));
    assert_eq!(
        stderr(&output),
        "listed 1 of 1 open alerts of severity High,Fatal\n\
         error: the conversion failed: the service lists alert a1 among those it could not convert (request id c1)\n"
    );

    // ... by its result code ...
    let server = TestServer::start(vec![
        alerts_page(Some(1), &[alert("a1", "High", "x")]),
        Reply::status(200)
            .json(r#"{"code":"SecMaster.20030005","message":"alert already converted"}"#),
    ])
    .await;
    let output = triage(&server, &["--convert", "a1"]).await;
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).ends_with(
            "error: the conversion failed: the answer reports a failure, code SecMaster.20030005: alert already converted\n"
        ),
        "{output:?}"
    );

    // ... or by its status.
    let server = TestServer::start(vec![
        alerts_page(Some(1), &[alert("a1", "High", "x")]),
        Reply::status(400).json(r#"{"code":"SecMaster.20030001","message":"no such alert"}"#),
    ])
    .await;
    let output = triage(&server, &["--convert", "a1"]).await;
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).ends_with(
            "error: the conversion failed: SecMaster answered 400 Bad Request: SecMaster.20030001: no such alert\n"
        ),
        "{output:?}"
    );
}

#[tokio::test]
async fn triage_refuses_bad_usage_with_exit_code_two() {
    let server = TestServer::start(Vec::new()).await;
    for (extra, message) in [
        (
            &["--convert", "a1", "--convert-first"][..],
            "error: give one --convert ALERT_ID or --convert-first\n",
        ),
        (
            &["--page-size", "0"][..],
            "error: --page-size takes a whole number from 1 to 2147483647, not `0`\n",
        ),
        (&["--max"][..], "error: --max needs a value\n"),
        (&["--colour"][..], "error: unknown option `--colour`\n"),
    ] {
        let output = triage(&server, extra).await;
        assert_eq!(output.status.code(), Some(2), "{extra:?}");
        assert!(
            stderr(&output).starts_with(message),
            "{extra:?}: {output:?}"
        );
    }
    let output = run_example("triage_alerts", strings(&["--token", "T"])).await;
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).starts_with("error: --project-id and --workspace-id are required\n"));
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn triage_signs_its_searches_with_an_access_key_pair() {
    let server = TestServer::start(vec![alerts_page(Some(0), &[])]).await;
    let args = strings(&[
        "--endpoint",
        &server.url(),
        "--ak",
        "AK1",
        "--sk",
        "SK1",
        "--project-id",
        "P",
        "--workspace-id",
        "W",
    ]);
    let output = run_example("triage_alerts", args).await;
    assert!(output.status.success(), "{output:?}");
    let request = &server.requests()[0];
    assert_eq!(request.header("x-auth-token"), None);
    assert_eq!(request.header("x-project-id"), Some("P"));
    assert_eq!(
        request.body_str(),
        Some(search_body("High,Fatal", 100, 0).as_str())
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

// ---- query_logs ----

const TABLE_LOGS: &str = "/v2/P/workspaces/W/siem/tables/TBL/logs";
const QUERY: &str = "select src_ip, port from flow where port != 80";
/// 2024-05-01T00:00:00Z and an hour later, in Unix milliseconds.
const FROM_MS: i64 = 1_714_521_600_000;
const TO_MS: i64 = 1_714_525_200_000;

fn query_body(limit: u32, page: u32) -> String {
    format!(
        r#"{{"query":"{QUERY}","from":{FROM_MS},"to":{TO_MS},"limit":{limit},"offset":{page}}}"#
    )
}

/// An answer with the columns `src_ip`, `port`, `allowed`, `user`, `extra`, `note` and `rows`.
fn rows_page(total: Option<u32>, rows: &[&str]) -> Reply {
    let total = total.map_or(String::new(), |t| format!(r#","total":{t}"#));
    Reply::status(200).json(&format!(
        r#"{{"schema":[{{"name":"src_ip","type":"ip"}},{{"name":"port","type":"integer"}},{{"name":"allowed","type":"boolean"}},{{"name":"user","type":"keyword"}},{{"name":"extra","type":"object"}},{{"name":"note","type":"text"}}],"datarows":[{}],"size":{}{total}}}"#,
        rows.join(","),
        rows.len()
    ))
}

/// The time range flags of `FROM_MS`..`TO_MS`, the second in another zone.
const RANGE: [&str; 4] = [
    "--from",
    "2024-05-01T00:00:00Z",
    "--to",
    "2024-05-01T09:00:00+08:00",
];

fn query_args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["--table-id", "TBL", "--query", QUERY];
    args.extend(RANGE);
    args.extend(extra);
    args
}

#[tokio::test]
async fn query_pages_by_page_number_and_prints_mixed_rows_as_tsv() {
    let server = TestServer::start(vec![
        rows_page(
            Some(5),
            &[
                r#"["10.0.0.1",443,true,null,{"geo":"CN","tags":["a","b"]},"tab\there"]"#,
                r#"["10.0.0.2",22,false,"root",[1,2],"line\nbreak and \\ back"]"#,
            ],
        ),
        rows_page(
            Some(5),
            &[
                r#"["10.0.0.3",8080,true,"web",null,""]"#,
                r#"["10.0.0.4",3.5,null,"x",{},"ok"]"#,
            ],
        ),
        rows_page(Some(5), &[r#"["10.0.0.5",53,true,"dns",null,"last"]"#]),
    ])
    .await;
    let output = query(&server, &query_args(&["--page-size", "2"])).await;
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        stdout(&output),
        "src_ip\tport\tallowed\tuser\textra\tnote\n\
         10.0.0.1\t443\ttrue\t\t{\"geo\":\"CN\",\"tags\":[\"a\",\"b\"]}\ttab\\there\n\
         10.0.0.2\t22\tfalse\troot\t[1,2]\tline\\nbreak and \\\\ back\n\
         10.0.0.3\t8080\ttrue\tweb\t\t\n\
         10.0.0.4\t3.5\t\tx\t{}\tok\n\
         10.0.0.5\t53\ttrue\tdns\t\tlast\n"
    );
    assert_eq!(stderr(&output), "read 5 of 5 rows\n");
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    for (request, page) in requests.iter().zip([0, 1, 2]) {
        assert_json_post(request, TABLE_LOGS, &query_body(2, page));
    }
}

#[tokio::test]
async fn query_prints_json_lines_in_column_order_and_stops_at_an_empty_page() {
    let server = TestServer::start(vec![
        Reply::status(200).json(
            r#"{"schema":[{"name":"time","type":"date"},{"name":"action","type":"keyword"}],"datarows":[["2024-05-01T00:00:01Z","deny"],["2024-05-01T00:00:02Z",null]]}"#,
        ),
        Reply::status(200).json(
            r#"{"schema":[{"name":"time","type":"date"},{"name":"action","type":"keyword"}],"datarows":[]}"#,
        ),
    ])
    .await;
    let output = query(
        &server,
        &query_args(&[
            "--format",
            "json",
            "--page-size",
            "2",
            "--param",
            "zone=dmz",
        ]),
    )
    .await;
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        stdout(&output),
        "{\"time\":\"2024-05-01T00:00:01Z\",\"action\":\"deny\"}\n\
         {\"time\":\"2024-05-01T00:00:02Z\",\"action\":null}\n"
    );
    assert_eq!(stderr(&output), "read 2 rows\n");
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    for (request, page) in requests.iter().zip([0, 1]) {
        assert_json_post(
            request,
            TABLE_LOGS,
            &format!(
                r#"{{"query":"{QUERY}","from":{FROM_MS},"to":{TO_MS},"limit":2,"offset":{page},"script_params":[{{"key":"zone","value":"dmz"}}]}}"#
            ),
        );
    }
}

#[tokio::test]
async fn query_keeps_one_limit_and_prints_no_more_than_max() {
    let row = r#"["10.0.0.1",1,true,"u",null,"n"]"#;
    let server = TestServer::start(vec![
        rows_page(Some(10), &[row, row]),
        rows_page(Some(10), &[row, row]),
    ])
    .await;
    let output = query(&server, &query_args(&["--page-size", "2", "--max", "3"])).await;
    assert!(output.status.success(), "{output:?}");
    assert_eq!(stdout(&output).lines().count(), 1 + 3);
    assert_eq!(stderr(&output), "read 3 of 10 rows\n");
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_json_post(&requests[0], TABLE_LOGS, &query_body(2, 0));
    assert_json_post(&requests[1], TABLE_LOGS, &query_body(2, 1));
}

#[tokio::test]
async fn query_shows_records_of_an_answer_without_datarows() {
    let server = TestServer::start(vec![Reply::status(200).json(
        r#"{"total":1,"size":1,"results":[{"timestamp":"2024-05-01T00:00:01Z","data_source":{"src_ip":"10.0.0.1","msg":"a\tb"}}]}"#,
    )])
    .await;
    let output = query(&server, &query_args(&[])).await;
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        stdout(&output),
        "timestamp\tdata_source\n\
         2024-05-01T00:00:01Z\t{\"msg\":\"a\\tb\",\"src_ip\":\"10.0.0.1\"}\n"
    );
    assert_json_post(&server.requests()[0], TABLE_LOGS, &query_body(100, 0));
}

#[tokio::test]
async fn query_reports_an_api_error_with_exit_code_one() {
    let server = TestServer::start(vec![Reply::status(403)
        .header("X-Request-Id", "r403")
        .json(r#"{"error_code":"APIGW.0302","error_msg":"The IAM authorizer returns 403"}"#)])
    .await;
    let output = query(&server, &query_args(&[])).await;
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stdout(&output), "");
    assert_eq!(
        stderr(&output),
        "error: the query failed: SecMaster answered 403 Forbidden: APIGW.0302: The IAM authorizer returns 403 (request id r403)\n"
    );
}

#[tokio::test]
async fn query_takes_times_as_milliseconds_rfc_3339_or_a_duration_before_to() {
    let server = TestServer::start(vec![
        rows_page(Some(0), &[]),
        rows_page(Some(0), &[]),
        rows_page(Some(0), &[]),
    ])
    .await;
    let base = ["--table-id", "TBL", "--query", QUERY];
    let ranges: [&[&str]; 3] = [
        &["--from", "1714521600000", "--to", "1714525200000"],
        &["--last", "1h", "--to", "2024-05-01T01:00:00.000z"],
        // A leap day, a fraction and a negative offset: 2024-03-01T01:29:59.500Z.
        &[
            "--from",
            "2024-02-29T23:59:59.5-01:30",
            "--to",
            "1709256600000",
        ],
    ];
    for range in ranges {
        let output = query(&server, &[&base[..], range].concat()).await;
        assert!(output.status.success(), "{range:?}: {output:?}");
    }
    let requests = server.requests();
    assert_eq!(requests[0].body_str(), Some(query_body(100, 0).as_str()));
    assert_eq!(requests[1].body_str(), Some(query_body(100, 0).as_str()));
    assert_eq!(
        requests[2].body_str(),
        Some(
            format!(
                r#"{{"query":"{QUERY}","from":1709256599500,"to":1709256600000,"limit":100,"offset":0}}"#
            )
            .as_str()
        )
    );
}

#[tokio::test]
async fn query_refuses_bad_usage_with_exit_code_two() {
    let server = TestServer::start(Vec::new()).await;
    for (extra, message) in [
        (
            &["--table-id", "TBL", "--query", QUERY, "--from", "2024-02-30T00:00:00Z"][..],
            "error: --from takes Unix milliseconds or an RFC 3339 time such as 2024-05-01T00:00:00Z, not `2024-02-30T00:00:00Z`\n",
        ),
        (
            &["--table-id", "TBL", "--query", QUERY, "--from", "1714525200000", "--to", "1714521600000"][..],
            "error: the time range is empty: --from must be before --to\n",
        ),
        (
            &["--table-id", "TBL", "--query", QUERY, "--last", "1w"][..],
            "error: --last takes a duration such as 30s, 15m, 2h or 7d, not `1w`\n",
        ),
        (
            &["--table-id", "TBL", "--query", QUERY][..],
            "error: --from TIME or --last DURATION is required\n",
        ),
        (
            &["--query", QUERY, "--last", "1h"][..],
            "error: --table-id and --query are required\n",
        ),
        (
            &["--table-id", "TBL", "--query", QUERY, "--last", "1h", "--format", "csv"][..],
            "error: --format is tsv or json, not `csv`\n",
        ),
    ] {
        let output = query(&server, extra).await;
        assert_eq!(output.status.code(), Some(2), "{extra:?}");
        assert!(
            stderr(&output).starts_with(message),
            "{extra:?}: {output:?}"
        );
    }
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn query_signs_its_requests_with_an_access_key_pair() {
    let server = TestServer::start(vec![rows_page(Some(0), &[])]).await;
    let mut args = strings(&[
        "--endpoint",
        &server.url(),
        "--ak",
        "AK1",
        "--sk",
        "SK1",
        "--security-token",
        "STS1",
        "--project-id",
        "P",
        "--workspace-id",
        "W",
    ]);
    args.extend(strings(&query_args(&[])));
    let output = run_example("query_logs", args).await;
    assert!(output.status.success(), "{output:?}");
    let request = &server.requests()[0];
    assert_eq!(request.header("x-auth-token"), None);
    assert_eq!(request.header("x-security-token"), Some("STS1"));
    assert_eq!(request.body_str(), Some(query_body(100, 0).as_str()));
    crate::signature::verify_signature(
        &request.method,
        &request.target,
        &request.headers,
        &request.body,
        |ak| (ak == "AK1").then(|| "SK1".to_owned()),
    )
    .unwrap();
}
