//! One test per request shape of the workflow family (GET with query, JSON POST, PUT, DELETE,
//! binary download), each asserting the exact request on the wire and the exact parse of the
//! answer, including an enum value the spec does not list and typed per-status error bodies.

use loopback_server::{Reply, TestServer};
use secmaster::operations::{ShowAopWorkflowError, UpdateAopWorkflowError};
use secmaster::types::{
    AopType, AopWorkflowInfo, CreateAopWorkflowBody, CreateAopWorkflowBodyEngineType, ErrorBody,
    ExportAopworkflowBody, InstanceStatus, SortDirection, UpdateAopWorkflowBody, WorkflowLabel,
};
use secmaster::{Client, Error, WorkspaceClient};

fn workspace(server: &TestServer) -> WorkspaceClient {
    Client::builder()
        .endpoint(server.url())
        .token("tok")
        .build()
        .unwrap()
        .workspace("proj", "ws")
}

const WORKFLOW_JSON: &str = r#"{"id":"wf-1","name":"Block IP","enabled":true,"aop_type":"NORMAL","version_id":"v-1","labels":"IP"}"#;

fn workflow() -> AopWorkflowInfo {
    AopWorkflowInfo {
        id: Some("wf-1".into()),
        name: Some("Block IP".into()),
        enabled: Some(true),
        aop_type: Some("NORMAL".into()),
        version_id: Some("v-1".into()),
        labels: Some("IP".into()),
        ..Default::default()
    }
}

#[tokio::test]
async fn get_with_query_parameters() {
    let server = TestServer::start(vec![Reply::status(200).header("X-request-id", "list-1").json(&format!(
        r#"{{"code":"00000000","message":"","success":true,"request_id":"r","total":1,"offset":0,"limit":20,"size":1,"page":1,"data":[{WORKFLOW_JSON}]}}"#
    ))])
    .await;
    let page = workspace(&server)
        .list_workflows()
        .limit(20)
        .offset(0)
        .order(SortDirection::Asc)
        .enabled(true)
        .name("a b&c=d")
        .aop_type(AopType::Normal)
        .await
        .unwrap();

    let request = &server.requests()[0];
    assert_eq!(request.method, "GET");
    assert_eq!(
        request.target,
        "/v1/proj/workspaces/ws/soc/workflows?offset=0&limit=20&order=ASC&enabled=true&name=a%20b%26c%3Dd&aop_type=NORMAL"
    );
    assert_eq!(request.header("x-auth-token"), Some("tok"));
    assert_eq!(request.header("content-type"), None);
    assert!(request.body.is_empty());

    assert_eq!(page.request_id(), Some("list-1"));
    assert_eq!(
        (page.total, page.limit, page.size, page.page),
        (Some(1), Some(20), Some(1), Some(1))
    );
    assert_eq!(page.success, Some(true));
    assert_eq!(page.data, Some(vec![workflow()]));
}

#[tokio::test]
async fn json_post_sends_exactly_the_body() {
    let server = TestServer::start(vec![
        Reply::status(200).json(&format!(r#"{{"code":"00000000","data":{WORKFLOW_JSON}}}"#))
    ])
    .await;
    let body = CreateAopWorkflowBody {
        labels: Some(WorkflowLabel::Ip),
        ..CreateAopWorkflowBody::new(
            "Block IP",
            CreateAopWorkflowBodyEngineType::PublicEngine,
            AopType::Normal,
            "dc-1",
        )
    };
    let created = workspace(&server).create_aop_workflow(body).await.unwrap();

    let request = &server.requests()[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.target, "/v1/proj/workspaces/ws/soc/workflows");
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(
        request.body_str(),
        Some(
            r#"{"name":"Block IP","engine_type":"public_engine","aop_type":"NORMAL","dataclass_id":"dc-1","labels":"IP"}"#
        )
    );
    assert_eq!(created.code.as_deref(), Some("00000000"));
    assert_eq!(created.data, Some(workflow()));
}

#[tokio::test]
async fn put_sends_only_the_fields_set() {
    let server = TestServer::start(vec![
        Reply::status(200).json(&format!(r#"{{"data":{WORKFLOW_JSON}}}"#))
    ])
    .await;
    let body = UpdateAopWorkflowBody {
        enabled: Some(true),
        version_id: Some("v-1".into()),
        ..Default::default()
    };
    let updated = workspace(&server)
        .update_aop_workflow("wf-1", body)
        .await
        .unwrap();
    let request = &server.requests()[0];
    assert_eq!(request.method, "PUT");
    assert_eq!(request.target, "/v1/proj/workspaces/ws/soc/workflows/wf-1");
    assert_eq!(
        request.body_str(),
        Some(r#"{"enabled":true,"version_id":"v-1"}"#)
    );
    assert_eq!(updated.data, Some(workflow()));
}

#[tokio::test]
async fn delete_escapes_the_id_and_sends_no_body() {
    let server = TestServer::start(vec![
        Reply::status(200).json(r#"{"code":"00000000","data":{"id":"wf 1/2"}}"#)
    ])
    .await;
    let deleted = workspace(&server)
        .delete_aop_workflow("wf 1/2")
        .await
        .unwrap();
    let request = &server.requests()[0];
    assert_eq!(request.method, "DELETE");
    assert_eq!(
        request.target,
        "/v1/proj/workspaces/ws/soc/workflows/wf%201%2F2"
    );
    assert!(request.body.is_empty());
    assert_eq!(request.header("content-type"), None);
    assert_eq!(
        deleted.data.as_ref().and_then(|d| d.id.as_deref()),
        Some("wf 1/2")
    );
}

#[tokio::test]
async fn binary_download_streams_to_a_file() {
    let exported: Vec<u8> = (0..3 * 1024 * 1024u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let server = TestServer::start(vec![Reply::status(200)
        .header("Content-Type", "application/octet-stream")
        .header("X-Request-Id", "exp-1")
        .body(exported.clone())])
    .await;
    let answer = workspace(&server)
        .export_aopworkflow(ExportAopworkflowBody::new(vec![
            "wf-1".into(),
            "wf-2".into(),
        ]))
        .await
        .unwrap();
    assert_eq!(answer.request_id(), Some("exp-1"));
    assert_eq!(answer.content_length(), Some(exported.len() as u64));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("workflows.zip");
    let written = answer.into_inner().save(&path).await.unwrap();
    assert_eq!(written, exported.len() as u64);
    assert_eq!(std::fs::read(&path).unwrap(), exported);

    let request = &server.requests()[0];
    assert_eq!(request.method, "POST");
    assert_eq!(
        request.target,
        "/v1/proj/workspaces/ws/soc/workflows/export"
    );
    assert_eq!(request.body_str(), Some(r#"{"id":["wf-1","wf-2"]}"#));
}

#[tokio::test]
async fn binary_download_as_a_stream_of_chunks() {
    use futures_util::StreamExt;
    let server = TestServer::start(vec![Reply::status(200).body(vec![7u8; 100_000])]).await;
    let answer = workspace(&server)
        .export_aopworkflow(ExportAopworkflowBody::new(vec!["wf-1".into()]))
        .await
        .unwrap();
    let mut stream = Box::pin(answer.into_inner().into_stream());
    let mut total = 0;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.unwrap();
        assert!(chunk.iter().all(|b| *b == 7));
        total += chunk.len();
    }
    assert_eq!(total, 100_000);
}

#[tokio::test]
async fn an_enum_value_the_spec_does_not_list_is_kept() {
    let server = TestServer::start(vec![Reply::status(200).json(
        r#"{"count":2,"instances":[{"id":"i-1","status":"RUNNING","retry_count":0},{"id":"i-2","status":"PAUSED_BY_ADMIN"}]}"#,
    )])
    .await;
    let list = workspace(&server)
        .list_aop_workflow_instance()
        .status(InstanceStatus::Other("PAUSED_BY_ADMIN".into()))
        .await
        .unwrap();
    assert_eq!(
        server.requests()[0].target,
        "/v1/proj/workspaces/ws/soc/workflows/instances?status=PAUSED_BY_ADMIN"
    );
    let instances = list.into_inner().instances.unwrap();
    assert_eq!(instances[0].status, Some(InstanceStatus::Running));
    assert_eq!(instances[0].retry_count, Some(0));
    assert_eq!(
        instances[1].status,
        Some(InstanceStatus::Other("PAUSED_BY_ADMIN".into()))
    );
    // Sent back unchanged.
    assert_eq!(
        serde_json::to_string(&instances[1].status).unwrap(),
        r#""PAUSED_BY_ADMIN""#
    );
    assert_eq!(InstanceStatus::from("FINISHED"), InstanceStatus::Finished);
    assert_eq!(InstanceStatus::Finished.to_string(), "FINISHED");
}

#[tokio::test]
async fn each_documented_error_status_has_its_typed_body() {
    let server = TestServer::start(vec![
        Reply::status(400)
            .header("X-Request-Id", "e-400")
            .json(r#"{"code":"SecMaster.00040001","message":"workflow not found"}"#),
        Reply::status(400).json(r#"{"code":"SecMaster.00040002","message":"version required"}"#),
    ])
    .await;
    let ws = workspace(&server);
    let err = ws.show_aop_workflow("missing").await.unwrap_err();
    let Error::Api(api) = err else {
        panic!("expected an API error")
    };
    assert_eq!(api.request_id.as_deref(), Some("e-400"));
    assert_eq!(
        api.typed,
        Some(ShowAopWorkflowError::BadRequest(ErrorBody {
            code: Some("SecMaster.00040001".into()),
            message: Some("workflow not found".into()),
        }))
    );
    let err = ws
        .update_aop_workflow("wf", UpdateAopWorkflowBody::default())
        .await
        .unwrap_err();
    let Error::Api(api) = err else {
        panic!("expected an API error")
    };
    assert!(matches!(
        api.typed,
        Some(UpdateAopWorkflowError::BadRequest(ErrorBody { code: Some(ref c), .. })) if c == "SecMaster.00040002"
    ));
    // Errors of different operations can share one type.
    let untyped: Error = Error::Api(api).into_untyped();
    assert_eq!(untyped.status(), Some(400));
}
