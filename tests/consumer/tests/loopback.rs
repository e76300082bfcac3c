//! The packaged client, built with one family, sends one operation over real HTTP and parses the
//! answer.

use loopback_server::{Reply, TestServer};
use secmaster::{Client, Error};
use secmaster_consumer::enabled_workflow_names;

#[tokio::test]
async fn lists_enabled_workflows_through_the_packaged_client() {
    let server = TestServer::start(vec![Reply::status(200)
        .header("X-request-id", "req-1")
        .json(
            r#"{"code":"00000000","success":true,"total":2,"data":[{"id":"wf-1","name":"Block IP","enabled":true},{"id":"wf-2","name":"Notify","enabled":true}]}"#,
        )])
    .await;
    let workspace = Client::builder()
        .endpoint(server.url())
        .token("token-1")
        .build()
        .unwrap()
        .workspace("proj", "ws");

    let names = enabled_workflow_names(&workspace, 5).await.unwrap();

    assert_eq!(names, ["Block IP", "Notify"]);
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].method, "GET");
    assert_eq!(
        requests[0].target,
        "/v1/proj/workspaces/ws/soc/workflows?limit=5&enabled=true"
    );
    assert_eq!(requests[0].header("x-auth-token"), Some("token-1"));
}

#[tokio::test]
async fn an_answer_that_says_success_false_is_an_error() {
    let server = TestServer::start(vec![Reply::status(200).json(
        r#"{"code":"SecMaster.20010001","message":"no such workspace","success":false}"#,
    )])
    .await;
    let workspace = Client::builder()
        .endpoint(server.url())
        .token("token-1")
        .build()
        .unwrap()
        .workspace("proj", "ws");

    match enabled_workflow_names(&workspace, 5).await {
        Err(Error::Rejected(rejection)) => {
            assert_eq!(rejection.code.as_deref(), Some("SecMaster.20010001"))
        }
        other => panic!("expected Error::Rejected, got {other:?}"),
    }
}
