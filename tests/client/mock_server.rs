//! The generated mock (`secmaster::mock`, feature `mock`): each kind of condition and answer, as
//! the client sends and reads them, and what verification says when an expectation is not met.

use secmaster::mock::{Answer, MockServer, Reply};
use secmaster::operations::ListAlertsError;
use secmaster::types::{
    Alert, AlertDetail, AlertHandleStatus, ChangeAlertRequestBody, ChangeAlertResponse,
    CreateAlertRequestBody, DataobjectSearch, ErrorBody, ExportAopworkflowBody, ListAlertDetail,
    ListAlertRsp, ListAlertsResponse, ShowAlertResponse, SortDirection,
    UploadAttachmentRequestBodyFileType, UploadAttachmentResponse,
};
use secmaster::{CallOptions, Client, Credentials, Error, UploadFile};
use std::time::Duration;

fn page(ids: &[&str], total: i32) -> ListAlertsResponse {
    ListAlertsResponse {
        code: Some("00000000".into()),
        total: Some(total),
        size: Some(ids.len() as i32),
        success: Some(true),
        data: Some(
            ids.iter()
                .map(|id| ListAlertDetail {
                    id: Some((*id).into()),
                    data_object: Some(ListAlertRsp {
                        id: Some((*id).into()),
                        title: Some(format!("alert {id}")),
                        ..Default::default()
                    }),
                    type_: Some("alert".into()),
                    ..Default::default()
                })
                .collect(),
        ),
        ..Default::default()
    }
}

fn search(limit: i32, offset: i32) -> DataobjectSearch {
    DataobjectSearch {
        limit: Some(limit),
        offset: Some(offset),
        ..Default::default()
    }
}

fn bad_request(code: &str, message: &str) -> ErrorBody {
    ErrorBody {
        code: Some(code.into()),
        message: Some(message.into()),
    }
}

#[tokio::test]
async fn answers_with_a_typed_body_the_client_reads_back_unchanged() {
    let mock = MockServer::start().await;
    let answer = page(&["a-1", "a-2"], 2);
    mock.list_alerts()
        .path_id("project_id", MockServer::PROJECT_ID)
        .path_id("workspace_id", MockServer::WORKSPACE_ID)
        .header("x-auth-token", MockServer::TOKEN)
        .body(|search: &DataobjectSearch| search.limit == Some(10) && search.offset == Some(0))
        .respond(answer.clone())
        .answer_header("X-Request-Id", "req-1")
        .expect(1)
        .mount()
        .await;

    let got = mock.workspace().list_alerts(search(10, 0)).await.unwrap();
    assert_eq!(got.status(), 200);
    assert_eq!(got.request_id(), Some("req-1"));
    // `type_` goes out as `type` and comes back: the renames round-trip.
    assert_eq!(*got, answer);
    mock.finish().unwrap();
}

#[tokio::test]
async fn matches_path_ids_and_the_exact_json_body() {
    let mock = MockServer::start().await;
    let change = ChangeAlertRequestBody {
        data_object: Some(Alert {
            handle_status: Some(AlertHandleStatus::Closed),
            close_comment: Some("handled".into()),
            ..Default::default()
        }),
    };
    mock.change_alert()
        .path_ids(["alert-1"])
        .body_eq(change.clone())
        .respond(ChangeAlertResponse {
            code: Some("00000000".into()),
            ..Default::default()
        })
        .expect(1)
        .mount()
        .await;

    let answer = mock
        .workspace()
        .change_alert("alert-1", change)
        .await
        .unwrap();
    assert_eq!(answer.code.as_deref(), Some("00000000"));
    assert_eq!(answer.data, None);
    mock.finish().unwrap();
}

#[tokio::test]
async fn matches_query_parameters_by_value_and_by_predicate() {
    let mock = MockServer::start().await;
    mock.list_workflows()
        .query_param("limit", 20)
        .query_param("order", SortDirection::Desc)
        .query(|q| q.parse::<i32>("offset") == Some(40) && q.get("name").is_none())
        .respond(Default::default())
        .expect(1)
        .mount()
        .await;

    let page = mock
        .workspace()
        .list_workflows()
        .limit(20)
        .offset(40)
        .order(SortDirection::Desc)
        .await
        .unwrap();
    assert_eq!(page.total, None);
    mock.finish().unwrap();
}

#[tokio::test]
async fn answers_a_documented_error_as_its_typed_variant() {
    let mock = MockServer::start().await;
    mock.list_alerts()
        .respond_error(ListAlertsError::BadRequest(bad_request(
            "SecMaster.20010001",
            "limit is too large",
        )))
        .mount()
        .await;

    let Err(Error::Api(api)) = mock.workspace().list_alerts(search(5000, 0)).await else {
        panic!("expected an API error");
    };
    assert_eq!(api.status, 400);
    assert_eq!(api.code.as_deref(), Some("SecMaster.20010001"));
    assert_eq!(api.message.as_deref(), Some("limit is too large"));
    assert_eq!(
        api.typed,
        Some(ListAlertsError::BadRequest(bad_request(
            "SecMaster.20010001",
            "limit is too large"
        )))
    );
    mock.finish().unwrap();
}

#[tokio::test]
async fn answers_a_file_the_client_streams() {
    let mock = MockServer::start().await;
    mock.export_aopworkflow()
        .body(|body: &ExportAopworkflowBody| body.id == ["wf-1"])
        .respond_file(b"PK\x03\x04 workflow archive".to_vec())
        .expect(1)
        .mount()
        .await;

    let answer = mock
        .workspace()
        .export_aopworkflow(ExportAopworkflowBody::new(vec!["wf-1".into()]))
        .await
        .unwrap();
    assert_eq!(
        answer.header("content-type"),
        Some("application/octet-stream")
    );
    let mut bytes = Vec::new();
    answer.into_inner().write_to(&mut bytes).await.unwrap();
    assert_eq!(bytes, b"PK\x03\x04 workflow archive");
    mock.finish().unwrap();
}

#[tokio::test]
async fn answers_an_empty_success() {
    let mock = MockServer::start().await;
    mock.delete_workspace().respond(()).expect(1).mount().await;

    let answer = mock.workspace().delete_workspace().await.unwrap();
    assert_eq!(answer.status(), 200);
    mock.finish().unwrap();
}

#[tokio::test]
async fn answers_a_sequence_in_order_and_expects_each() {
    let mock = MockServer::start().await;
    mock.list_alerts()
        .respond_sequence([
            Reply::Ok(page(&["a-1"], 3)),
            Reply::Ok(page(&["a-2", "a-3"], 3)),
            Reply::Err(ListAlertsError::BadRequest(bad_request("E", "no more"))),
        ])
        .mount()
        .await;

    let ws = mock.workspace();
    assert_eq!(
        *ws.list_alerts(search(1, 0)).await.unwrap(),
        page(&["a-1"], 3)
    );
    assert_eq!(
        *ws.list_alerts(search(2, 1)).await.unwrap(),
        page(&["a-2", "a-3"], 3)
    );
    let Err(Error::Api(api)) = ws.list_alerts(search(2, 3)).await else {
        panic!("expected the third answer, an error");
    };
    assert_eq!((api.status, api.message.as_deref()), (400, Some("no more")));
    mock.finish().unwrap();
}

#[tokio::test]
async fn delays_an_answer() {
    let mock = MockServer::start().await;
    mock.show_alert()
        .respond(ShowAlertResponse::default())
        .delay(Duration::from_millis(300))
        .expect(1)
        .mount()
        .await;

    let result = mock
        .workspace()
        .show_alert("a-1")
        .options(CallOptions::new().timeout(Duration::from_millis(50)))
        .await;
    assert!(matches!(result, Err(Error::Timeout { .. })), "{result:?}");
    mock.finish().unwrap();
}

#[tokio::test]
async fn answers_any_status_for_retry_tests() {
    let mock = MockServer::start().await;
    mock.show_alert()
        .respond_sequence([
            Reply::Answer(Answer::text(503, "busy")),
            Reply::Ok(ShowAlertResponse {
                data: Some(AlertDetail {
                    id: Some("a-1".into()),
                    ..Default::default()
                }),
                ..Default::default()
            }),
        ])
        .mount()
        .await;

    // A GET answered 503 is sent again; the second answer is the alert.
    let alert = mock.workspace().show_alert("a-1").await.unwrap();
    assert_eq!(alert.data.as_ref().unwrap().id.as_deref(), Some("a-1"));
    mock.finish().unwrap();
}

#[tokio::test]
async fn matches_an_upload_by_part_name_file_name_and_bytes() {
    let mock = MockServer::start().await;
    mock.upload_attachment()
        .file_part(
            "uploadFile",
            "notes.txt",
            b"first line\r\n--not a boundary\r\n".to_vec(),
        )
        .text_part("fileType", "user_task")
        .form(|form| form.parts.len() == 2)
        .respond(UploadAttachmentResponse::default())
        .expect(1)
        .mount()
        .await;

    mock.workspace()
        .upload_attachment(UploadFile::from_bytes(
            "notes.txt",
            b"first line\r\n--not a boundary\r\n".to_vec(),
        ))
        .file_type(UploadAttachmentRequestBodyFileType::UserTask)
        .await
        .unwrap();
    mock.finish().unwrap();
}

#[tokio::test]
async fn says_which_expectation_was_not_called() {
    let mock = MockServer::start().await;
    mock.list_alerts()
        .respond(page(&[], 0))
        .expect(1)
        .mount()
        .await;
    mock.show_alert()
        .path_ids(["a-1"])
        .respond(ShowAlertResponse::default())
        .expect(0)
        .mount()
        .await;

    assert_eq!(
        mock.finish().unwrap_err().to_string(),
        "the mock's expectations were not met:\n\
         - `list_alerts` (POST /v1/{project_id}/workspaces/{workspace_id}/soc/alerts/search): \
         expected exactly 1 request, received 0"
    );
}

#[tokio::test]
async fn says_an_expectation_was_called_too_often() {
    let mock = MockServer::start().await;
    mock.show_alert()
        .path_ids(["a-1"])
        .respond(ShowAlertResponse::default())
        .expect(1)
        .mount()
        .await;

    let ws = mock.workspace();
    ws.show_alert("a-1").await.unwrap();
    ws.show_alert("a-1").await.unwrap();
    assert_eq!(
        mock.finish().unwrap_err().problems(),
        [
            "`show_alert` (GET /v1/{project_id}/workspaces/{workspace_id}/soc/alerts/{alert_id}) \
          where path id `alert_id` is `a-1`: expected exactly 1 request, received 2"
        ]
    );
}

#[tokio::test]
async fn says_why_a_request_matched_no_expectation() {
    let mock = MockServer::start().await;
    mock.list_alerts()
        .body(|search: &DataobjectSearch| search.limit == Some(10))
        .respond(page(&[], 0))
        .expect(0)
        .mount()
        .await;

    let Err(Error::Api(api)) = mock.workspace().list_alerts(search(20, 0)).await else {
        panic!("expected the mock's 404");
    };
    let why = "POST /v1/mock-project/workspaces/mock-workspace/soc/alerts/search matched no \
               expectation: `list_alerts`: the body does not satisfy the predicate";
    assert_eq!(api.status, 404);
    assert_eq!(api.message.as_deref(), Some(why));
    let Err(Error::Api(api)) = mock.workspace().show_alert("a-1").await else {
        panic!("expected the mock's 404");
    };
    assert_eq!(
        api.message.as_deref(),
        Some(
            "GET /v1/mock-project/workspaces/mock-workspace/soc/alerts/a-1 matched no \
             expectation: none is mounted for its method and path"
        )
    );
    let unmet = mock.finish().unwrap_err();
    assert_eq!(unmet.problems().len(), 2);
    assert_eq!(unmet.problems()[0], why);
}

#[tokio::test]
async fn says_why_a_body_is_not_the_expected_one() {
    let mock = MockServer::start().await;
    mock.list_alerts()
        .body_eq(search(10, 0))
        .respond(page(&[], 0))
        .expect(0)
        .mount()
        .await;

    let Err(Error::Api(api)) = mock.workspace().list_alerts(search(10, 5)).await else {
        panic!("expected the mock's 404");
    };
    assert_eq!(
        api.message.as_deref(),
        Some(
            "POST /v1/mock-project/workspaces/mock-workspace/soc/alerts/search matched no \
             expectation: `list_alerts`: the body is DataobjectSearch { limit: Some(10), \
             offset: Some(5), sort_by: None, order: None, from_date: None, to_date: None, \
             condition: None }"
        )
    );
    let _ = mock.finish();
}

#[tokio::test]
#[should_panic(expected = "the mock's expectations were not met:\n\
                           - `show_alert` (GET /v1/{project_id}/workspaces/{workspace_id}/soc/alerts/{alert_id}): \
                           expected at least 1 request, received 0")]
async fn dropping_a_mock_with_unmet_expectations_panics() {
    let mock = MockServer::start().await;
    mock.show_alert()
        .respond(ShowAlertResponse::default())
        .mount()
        .await;
}

#[tokio::test]
#[should_panic(
    expected = "the expectation of `show_alert` cannot be mounted: the path \
                `/v1/{project_id}/workspaces/{workspace_id}/soc/alerts/{alert_id}` has no \
                parameter `id` (it has project_id, workspace_id, alert_id); it has no answer: \
                call `respond`, `respond_error`, `respond_file`, `respond_with` or \
                `respond_sequence` before `mount`"
)]
async fn mounting_a_mistaken_expectation_says_what_is_wrong() {
    let mock = MockServer::start().await;
    mock.show_alert().path_id("id", "a-1").mount().await;
}

#[tokio::test]
async fn checks_aksk_signatures_with_the_test_keys() {
    let mock = MockServer::builder()
        .credentials(Credentials::aksk("test-ak", "test-sk"))
        .start()
        .await;
    mock.list_alerts()
        .header("x-project-id", MockServer::PROJECT_ID)
        .respond(page(&["a-1"], 1))
        .expect(1)
        .mount()
        .await;
    mock.upload_attachment()
        .file_part("uploadFile", "a.txt", b"x".to_vec())
        .respond(UploadAttachmentResponse::default())
        .expect(1)
        .mount()
        .await;

    let ws = mock.workspace();
    assert_eq!(
        *ws.list_alerts(search(1, 0)).await.unwrap(),
        page(&["a-1"], 1)
    );
    // A multipart upload is signed with an unsigned payload.
    ws.upload_attachment(UploadFile::from_bytes("a.txt", b"x".to_vec()))
        .await
        .unwrap();
    mock.finish().unwrap();
}

#[tokio::test]
async fn refuses_a_request_signed_with_other_keys() {
    let mock = MockServer::builder()
        .credentials(Credentials::aksk("test-ak", "test-sk"))
        .start()
        .await;
    mock.show_alert()
        .respond(ShowAlertResponse::default())
        .expect(0)
        .mount()
        .await;

    let stranger = Client::builder()
        .endpoint(mock.uri())
        .credentials(Credentials::aksk("test-ak", "other-sk"))
        .build()
        .unwrap();
    let Err(Error::Api(api)) = stranger.workspace("p", "w").show_alert("a-1").await else {
        panic!("expected the mock's 401");
    };
    assert_eq!(api.status, 401);
    assert_eq!(api.code.as_deref(), Some("APIGW.0301"));
    let message = api.message.unwrap();
    assert!(
        message.starts_with("GET /v1/p/workspaces/w/soc/alerts/a-1 is refused: the signature `"),
        "{message}"
    );
    assert!(
        message.contains("` is not the one the test's keys give (`"),
        "{message}"
    );
    assert_eq!(mock.finish().unwrap_err().problems(), [message]);
}

#[tokio::test]
async fn accepts_any_signature_when_asked_not_to_check() {
    let mock = MockServer::builder()
        .credentials(Credentials::aksk("test-ak", "test-sk"))
        .verify_signatures(false)
        .start()
        .await;
    mock.show_alert()
        .respond(ShowAlertResponse::default())
        .expect(1)
        .mount()
        .await;

    let stranger = Client::builder()
        .endpoint(mock.uri())
        .credentials(Credentials::aksk("other-ak", "other-sk"))
        .build()
        .unwrap();
    stranger
        .workspace("p", "w")
        .show_alert("a-1")
        .await
        .unwrap();
    mock.finish().unwrap();
}

#[tokio::test]
async fn a_literal_path_wins_over_a_parameter() {
    let mock = MockServer::start().await;
    // `/soc/{dataclass_name}` also has the shape of `/soc/alerts`; mounted first, it still
    // leaves the alert to the operation whose path names it.
    mock.create_dataobject()
        .respond(Default::default())
        .expect(0)
        .mount()
        .await;
    mock.create_alert()
        .body(|body: &CreateAlertRequestBody| body.data_object.title.as_deref() == Some("t"))
        .respond(Default::default())
        .expect(1)
        .mount()
        .await;

    let alert = Alert {
        title: Some("t".into()),
        ..Default::default()
    };
    mock.workspace()
        .create_alert(CreateAlertRequestBody::new(alert))
        .await
        .unwrap();
    mock.finish().unwrap();
}

/// Paging over the mock: two full pages, then an error on the third; the stream yields the four
/// items read, then the error, and sends nothing more.
#[tokio::test]
async fn pages_through_the_mock_until_an_error_on_the_third_page() {
    use futures_util::StreamExt;
    let mock = MockServer::start().await;
    for (offset, ids) in [(0, ["a-1", "a-2"]), (2, ["a-3", "a-4"])] {
        mock.list_alerts()
            .body(move |s: &DataobjectSearch| s.offset.unwrap_or(0) == offset && s.limit == Some(2))
            .respond(page(&ids, 10))
            .expect(1)
            .mount()
            .await;
    }
    mock.list_alerts()
        .body(|s: &DataobjectSearch| s.offset == Some(4) && s.limit == Some(2))
        .respond_error(ListAlertsError::BadRequest(bad_request(
            "SecMaster.1",
            "busy",
        )))
        .expect(1)
        .mount()
        .await;

    let read: Vec<_> = mock
        .workspace()
        .list_alerts(DataobjectSearch {
            limit: Some(2),
            ..Default::default()
        })
        .items()
        .collect()
        .await;
    let ids: Vec<_> = read
        .iter()
        .map(|item| item.as_ref().ok().and_then(|alert| alert.id.clone()))
        .collect();
    assert_eq!(
        ids,
        [
            Some("a-1".to_owned()),
            Some("a-2".to_owned()),
            Some("a-3".to_owned()),
            Some("a-4".to_owned()),
            None
        ]
    );
    let Some(Err(Error::Api(api))) = read.last() else {
        panic!("the stream ends with the error: {read:?}");
    };
    assert_eq!(
        (api.status, api.code.as_deref()),
        (400, Some("SecMaster.1"))
    );
    mock.finish().unwrap();
}
