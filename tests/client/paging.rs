//! Reading every page of a list as a stream, against a local server: the exact request of each
//! page (offset and limit in the query or the JSON body, or the page number), where the stream
//! stops (the reported total, also when it changes; a short or empty page; `max_items`), and an
//! error midway (the items before it yielded, then the error, then the end).

use futures_util::{StreamExt, TryStreamExt};
use loopback_server::{RecordedRequest, Reply, TestServer};
use secmaster::operations::ListWorkflowsError;
use secmaster::types::DataobjectSearch;
use secmaster::{Client, Error, WorkspaceClient};

fn workspace(server: &TestServer) -> WorkspaceClient {
    Client::builder()
        .endpoint(server.url())
        .token("tok")
        .build()
        .unwrap()
        .workspace("proj", "ws")
}

/// A `ListWorkflows` answer holding the workflows `ids`, and `total` when given.
fn workflows(total: Option<i64>, ids: &[&str]) -> Reply {
    let total = total.map_or(String::new(), |t| format!(r#""total":{t},"#));
    let data: Vec<String> = ids.iter().map(|id| format!(r#"{{"id":"{id}"}}"#)).collect();
    Reply::status(200).json(&format!(
        r#"{{"success":true,{total}"data":[{}]}}"#,
        data.join(",")
    ))
}

fn targets(requests: &[RecordedRequest]) -> Vec<String> {
    requests
        .iter()
        .map(|r| format!("{} {}", r.method, r.target))
        .collect()
}

const WORKFLOWS: &str = "GET /v1/proj/workspaces/ws/soc/workflows";

fn ids(items: &[secmaster::types::AopWorkflowInfo]) -> Vec<&str> {
    items
        .iter()
        .map(|w| w.id.as_deref().unwrap_or("?"))
        .collect()
}

#[tokio::test]
async fn offsets_follow_the_items_read_and_stop_at_the_total() {
    let server = TestServer::start(vec![
        workflows(Some(5), &["a", "b"]),
        workflows(Some(5), &["c", "d"]),
        workflows(Some(5), &["e"]),
        workflows(Some(5), &["never"]),
    ])
    .await;
    let items: Vec<_> = workspace(&server)
        .list_workflows()
        .limit(2)
        .enabled(true)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(&items), ["a", "b", "c", "d", "e"]);
    assert_eq!(
        targets(&server.requests()),
        [
            format!("{WORKFLOWS}?offset=0&limit=2&enabled=true"),
            format!("{WORKFLOWS}?offset=2&limit=2&enabled=true"),
            format!("{WORKFLOWS}?offset=4&limit=2&enabled=true"),
        ]
    );
    assert_eq!(server.requests()[2].header("x-auth-token"), Some("tok"));
}

#[tokio::test]
async fn the_page_size_is_the_specs_largest_limit_and_a_full_last_page_ends_at_the_total() {
    // `limit` of ListWorkflows is 1..=100 in the spec; an offset set on the builder is the start.
    let server = TestServer::start(vec![workflows(Some(3), &["a", "b", "c"])]).await;
    let items: Vec<_> = workspace(&server)
        .list_workflows()
        .offset(7)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(&items), ["a", "b", "c"]);
    assert_eq!(
        targets(&server.requests()),
        [format!("{WORKFLOWS}?offset=7&limit=100")]
    );
}

#[tokio::test]
async fn a_total_that_changes_while_paging_is_followed() {
    // Grows: 3, then 6 (a page more), then the short last page.
    let server = TestServer::start(vec![
        workflows(Some(3), &["a", "b"]),
        workflows(Some(6), &["c", "d"]),
        workflows(Some(6), &["e", "f"]),
    ])
    .await;
    let items: Vec<_> = workspace(&server)
        .list_workflows()
        .limit(2)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(&items), ["a", "b", "c", "d", "e", "f"]);
    assert_eq!(server.requests().len(), 3);

    // Shrinks below what was read: no page follows.
    let server = TestServer::start(vec![
        workflows(Some(9), &["a", "b"]),
        workflows(Some(3), &["c", "d"]),
        workflows(Some(3), &["never"]),
    ])
    .await;
    let items: Vec<_> = workspace(&server)
        .list_workflows()
        .limit(2)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(&items), ["a", "b", "c", "d"]);
    assert_eq!(
        targets(&server.requests()),
        [
            format!("{WORKFLOWS}?offset=0&limit=2"),
            format!("{WORKFLOWS}?offset=2&limit=2"),
        ]
    );
}

#[tokio::test]
async fn an_empty_or_short_page_ends_the_stream_whatever_the_total_says() {
    // No total, then an absurd one: the empty page ends it.
    let server = TestServer::start(vec![
        workflows(None, &["a", "b"]),
        workflows(Some(i64::from(i32::MAX)), &[]),
        workflows(None, &["never"]),
    ])
    .await;
    let items: Vec<_> = workspace(&server)
        .list_workflows()
        .limit(2)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(&items), ["a", "b"]);
    assert_eq!(
        targets(&server.requests()),
        [
            format!("{WORKFLOWS}?offset=0&limit=2"),
            format!("{WORKFLOWS}?offset=2&limit=2"),
        ]
    );

    // A short page with a total that claims more (and a negative total, taken as none).
    let server = TestServer::start(vec![
        workflows(Some(-1), &["a", "b"]),
        workflows(Some(100), &["c"]),
        workflows(None, &["never"]),
    ])
    .await;
    let pages: Vec<_> = workspace(&server)
        .list_workflows()
        .limit(2)
        .pages()
        .try_collect()
        .await
        .unwrap();
    let read: Vec<(Option<i32>, Vec<&str>)> = pages
        .iter()
        .map(|p| (p.total, ids(p.data.as_deref().unwrap_or_default())))
        .collect();
    assert_eq!(read, [(Some(-1), vec!["a", "b"]), (Some(100), vec!["c"])]);
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn an_error_on_page_three_comes_after_the_items_of_two_good_pages_and_ends_the_stream() {
    let server = TestServer::start(vec![
        workflows(Some(10), &["a", "b"]),
        workflows(Some(10), &["c", "d"]),
        Reply::status(400).json(r#"{"code":"SecMaster.1001","message":"offset too large"}"#),
        workflows(Some(10), &["never"]),
    ])
    .await;
    let mut stream = workspace(&server).list_workflows().limit(2).items();
    let mut read = Vec::new();
    while let Some(Ok(item)) = stream.next().await {
        read.push(item.id.unwrap_or_default());
        if read.len() == 4 {
            break;
        }
    }
    assert_eq!(read, ["a", "b", "c", "d"]);
    match stream.next().await {
        Some(Err(Error::Api(e))) => {
            assert_eq!(e.status, 400);
            match &e.typed {
                Some(ListWorkflowsError::BadRequest(body)) => {
                    assert_eq!(body.code.as_deref(), Some("SecMaster.1001"));
                    assert_eq!(body.message.as_deref(), Some("offset too large"));
                }
                other => panic!("expected the typed 400 body, got {other:?}"),
            }
        }
        other => panic!("expected the page-three error, got {other:?}"),
    }
    assert!(stream.next().await.is_none());
    assert!(stream.next().await.is_none());
    assert_eq!(
        targets(&server.requests()),
        [
            format!("{WORKFLOWS}?offset=0&limit=2"),
            format!("{WORKFLOWS}?offset=2&limit=2"),
            format!("{WORKFLOWS}?offset=4&limit=2"),
        ]
    );
}

#[tokio::test]
async fn max_items_stops_requesting_once_enough_were_read() {
    let server = TestServer::start(vec![
        workflows(Some(10), &["a", "b"]),
        workflows(Some(10), &["c", "d"]),
        workflows(Some(10), &["never"]),
    ])
    .await;
    let items: Vec<_> = workspace(&server)
        .list_workflows()
        .limit(2)
        .items()
        .max_items(3)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(&items), ["a", "b", "c"]);
    assert_eq!(server.requests().len(), 2);

    // None wanted: nothing is sent.
    let server = TestServer::start(vec![workflows(Some(10), &["never"])]).await;
    let items: Vec<_> = workspace(&server)
        .list_workflows()
        .items()
        .max_items(0)
        .try_collect()
        .await
        .unwrap();
    assert!(items.is_empty());
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn a_post_search_carries_offset_and_limit_in_its_body() {
    let page = |total: u32, ids: &[&str]| {
        let data: Vec<String> = ids
            .iter()
            .map(|id| format!(r#"{{"id":"{id}","data_object":{{"title":"t-{id}"}}}}"#))
            .collect();
        Reply::status(200).json(&format!(
            r#"{{"code":"00000000","total":{total},"size":{},"page":1,"success":true,"data":[{}]}}"#,
            ids.len(),
            data.join(",")
        ))
    };
    let server = TestServer::start(vec![page(3, &["a1", "a2"]), page(3, &["a3"])]).await;
    let body = DataobjectSearch {
        limit: Some(2),
        sort_by: Some("create_time".into()),
        ..Default::default()
    };
    let alerts: Vec<_> = workspace(&server)
        .list_alerts(body)
        .items()
        .try_collect()
        .await
        .unwrap();
    let read: Vec<(Option<&str>, Option<&str>)> = alerts
        .iter()
        .map(|a| {
            (
                a.id.as_deref(),
                a.data_object.as_ref().and_then(|o| o.title.as_deref()),
            )
        })
        .collect();
    assert_eq!(
        read,
        [
            (Some("a1"), Some("t-a1")),
            (Some("a2"), Some("t-a2")),
            (Some("a3"), Some("t-a3"))
        ]
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    for (request, offset) in requests.iter().zip([0, 2]) {
        assert_eq!(
            (request.method.as_str(), request.target.as_str()),
            ("POST", "/v1/proj/workspaces/ws/soc/alerts/search")
        );
        assert_eq!(request.header("content-type"), Some("application/json"));
        assert_eq!(
            request.body_str(),
            Some(format!(r#"{{"limit":2,"offset":{offset},"sort_by":"create_time"}}"#).as_str())
        );
    }
}

/// A `ListDataspaces` answer: `count` in all, and the data spaces `ids`.
fn dataspaces(count: u32, ids: &[&str]) -> Reply {
    let records: Vec<String> = ids
        .iter()
        .map(|id| {
            format!(
                r#"{{"create_by":"u","create_time":1,"dataspace_id":"{id}","dataspace_name":"n-{id}","description":"","domain_id":"d","project_id":"p","region_id":"r","update_by":"u","update_time":2}}"#
            )
        })
        .collect();
    Reply::status(200).json(&format!(
        r#"{{"count":{count},"records":[{}]}}"#,
        records.join(",")
    ))
}

#[tokio::test]
async fn a_page_number_offset_counts_pages_from_zero() {
    // `x-paging: {offset: pages}` in spec/pipes.yaml: the offset is the page's number.
    let server = TestServer::start(vec![
        dataspaces(5, &["s1", "s2"]),
        dataspaces(5, &["s3", "s4"]),
        dataspaces(5, &["s5"]),
    ])
    .await;
    let spaces: Vec<_> = workspace(&server)
        .list_dataspaces()
        .limit(2)
        .items()
        .try_collect()
        .await
        .unwrap();
    let names: Vec<&str> = spaces.iter().map(|s| s.dataspace_name.as_str()).collect();
    assert_eq!(names, ["n-s1", "n-s2", "n-s3", "n-s4", "n-s5"]);
    assert_eq!(
        targets(&server.requests()),
        [
            "GET /v1/proj/workspaces/ws/siem/dataspaces?offset=0&limit=2",
            "GET /v1/proj/workspaces/ws/siem/dataspaces?offset=1&limit=2",
            "GET /v1/proj/workspaces/ws/siem/dataspaces?offset=2&limit=2",
        ]
    );

    // A full last page: the total (in records) ends it without asking for an empty page.
    let server = TestServer::start(vec![dataspaces(2, &["s1", "s2"])]).await;
    let spaces: Vec<_> = workspace(&server)
        .list_dataspaces()
        .limit(2)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(spaces.len(), 2);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn an_offset_beyond_the_parameters_type_ends_the_stream_with_an_error_that_says_so() {
    // ListWorkflows's offset is an `i32`: after two items from `i32::MAX - 1`, the next offset
    // does not fit, whatever the server claims is left.
    let server = TestServer::start(vec![
        workflows(None, &["a", "b"]),
        workflows(None, &["never"]),
    ])
    .await;
    let mut stream = workspace(&server)
        .list_workflows()
        .offset(i32::MAX - 1)
        .limit(2)
        .items();
    let mut read = Vec::new();
    while let Some(Ok(item)) = stream.next().await {
        read.push(item.id.unwrap_or_default());
        if read.len() == 2 {
            break;
        }
    }
    assert_eq!(read, ["a", "b"]);
    match stream.next().await {
        Some(Err(Error::InvalidInput { message })) => assert_eq!(
            message,
            "paging stopped after 2 items: the next offset (2147483648) or the page size (2) does not fit the operation's parameter; narrow the query or set a smaller limit"
        ),
        other => panic!("expected the offset error, got {other:?}"),
    }
    assert!(stream.next().await.is_none());
    assert_eq!(
        targets(&server.requests()),
        [format!("{WORKFLOWS}?offset=2147483646&limit=2")]
    );
}
