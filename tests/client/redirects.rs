//! Redirects are never followed: a 3xx is an API error naming the status and `Location`, and a
//! second origin named by `Location` receives nothing at all (so no credential reaches it).

use loopback_server::{Reply, TestServer};
use secmaster::{Client, Credentials, Error, UploadFile};

const REDIRECTS: [u16; 5] = [301, 302, 303, 307, 308];

fn credentials() -> Vec<(&'static str, Credentials)> {
    vec![
        ("token", Credentials::token("tok-secret")),
        (
            "temporary AK/SK",
            Credentials::temporary("AK-id", "SK-secret", "STS-secret"),
        ),
    ]
}

fn client(server: &TestServer, credentials: Credentials) -> Client {
    Client::builder()
        .endpoint(server.url())
        .credentials(credentials)
        .build()
        .unwrap()
}

/// Asserts that `err` is the API error for a `status` redirect to `location`.
fn assert_redirect_error(err: &Error<impl std::fmt::Debug>, status: u16, location: &str) {
    let Error::Api(api) = err else {
        panic!("expected an API error, got {err:?}")
    };
    assert_eq!(api.status, status);
    assert_eq!(api.location.as_deref(), Some(location));
    assert_eq!(api.request_id.as_deref(), Some("r-3xx"));
    let reason = match status {
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        307 => "Temporary Redirect",
        _ => "Permanent Redirect",
    };
    assert_eq!(
        err.to_string(),
        format!(
            "SecMaster answered {status} {reason}, a redirect to `{location}`, which the client does not follow \
             (SecMaster's API does not redirect: check the endpoint) (request id r-3xx)"
        )
    );
}

#[tokio::test]
async fn no_redirect_is_followed_and_the_second_origin_receives_nothing() {
    for status in REDIRECTS {
        for (kind, credentials) in credentials() {
            let elsewhere = TestServer::start(vec![Reply::status(200).json("{}")]).await;
            let location = format!("{}/v1/p/workspaces/w/soc/workflows/import", elsewhere.url());
            let origin = TestServer::start(vec![
                Reply::status(status)
                    .header("Location", &location)
                    .header("X-Request-Id", "r-3xx"),
                Reply::status(status)
                    .header("Location", &location)
                    .header("X-Request-Id", "r-3xx"),
            ])
            .await;
            let workspace = client(&origin, credentials).workspace("p", "w");

            // A multipart POST (which a 301/302/303 would turn into a body-less GET) ...
            let err = workspace
                .import_aopworkflow(UploadFile::from_bytes("wf.json", &b"{}"[..]))
                .await
                .unwrap_err();
            assert_redirect_error(&err, status, &location);
            // ... and a GET.
            let err = workspace.show_aop_workflow("wf").await.unwrap_err();
            assert_redirect_error(&err, status, &location);

            let asked = origin.requests();
            assert_eq!(
                asked
                    .iter()
                    .map(|r| format!("{} {}", r.method, r.target))
                    .collect::<Vec<_>>(),
                [
                    "POST /v1/p/workspaces/w/soc/workflows/import",
                    "GET /v1/p/workspaces/w/soc/workflows/wf",
                ],
                "{status} with {kind}"
            );
            assert_eq!(
                elsewhere.connections(),
                0,
                "{status} with {kind}: the second origin was contacted"
            );
            assert!(elsewhere.requests().is_empty());
        }
    }
}

#[tokio::test]
async fn a_redirect_without_location_says_so() {
    let server = TestServer::start(vec![Reply::status(302)]).await;
    let err = client(&server, Credentials::token("t"))
        .workspace("p", "w")
        .show_aop_workflow("wf")
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "SecMaster answered 302 Found, a redirect without a `Location`, which the client does not follow \
         (SecMaster's API does not redirect: check the endpoint)"
    );
}
