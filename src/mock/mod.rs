//! A typed mock of SecMaster for the tests of code that uses this client (feature `mock`).
//!
//! [`MockServer::start`] serves real HTTP on loopback and hands out a [`Client`] (and
//! [`WorkspaceClient`], [`ProjectClient`]) pointed at itself. Each operation of the API is a
//! method of the mock, named as on the handles, that starts an [`Expectation`]: conditions on the
//! request (path ids, query, headers, the JSON body read into the operation's own body type,
//! multipart parts, the exact bytes of a file body), an answer (a typed success body, one of the
//! operation's documented errors, a file, a sequence of answers, a delay) and how many requests
//! are expected. [`MockServer::verify`] (also run when the mock is dropped) says which
//! expectation was not met, by operation name, method and path, and which requests matched none.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! use secmaster::mock::MockServer;
//! use secmaster::types::{ShowAlertResponse, AlertDetail};
//!
//! let mock = MockServer::start().await;
//! mock.show_alert()
//!     .path_ids(["alert-1"])
//!     .respond(ShowAlertResponse {
//!         data: Some(AlertDetail { id: Some("alert-1".into()), ..Default::default() }),
//!         ..Default::default()
//!     })
//!     .expect(1)
//!     .mount()
//!     .await;
//!
//! let alert = mock.workspace().show_alert("alert-1").await.unwrap();
//! assert_eq!(alert.data.as_ref().and_then(|a| a.id.as_deref()), Some("alert-1"));
//! mock.verify().unwrap();
//! # }
//! ```
//!
//! The server is [wiremock](https://docs.rs/wiremock): a maintained, tokio-based HTTP mock whose
//! matching, priorities, delays and request recording are well tested, so that this module only
//! adds what is SecMaster's (operations, typed bodies, signatures, messages). Counting and
//! verification are this module's own, so that a failure names the operation rather than a
//! matcher. A request that matches no expectation is answered 404 (401 for a bad signature) with
//! the reason in the error message the client reports, and fails verification.
//!
//! With the `mock` feature every generated type derives both `Serialize` and `Deserialize`
//! (without it, only the half its direction needs), so that answers are written and requests
//! read with the client's own serde types: field renames and the handling of absent optional
//! fields are the ones the client uses.

mod answer;
mod expectation;
mod multipart;
mod request;
mod signature;

#[doc(hidden)]
pub use answer::Success;
pub use answer::{Answer, MockError, MockSuccess, Reply};
pub use expectation::{Binary, Expectation, NoBody};
pub use multipart::{Form, Part};
pub use request::Query;

use crate::credentials::{Credentials, Secret};
use crate::{Client, ProjectClient, WorkspaceClient};
use expectation::{Mismatch, Spec};
use request::Received;
use std::fmt;
use std::ops::{Range, RangeFrom, RangeInclusive, RangeToInclusive};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// A mock SecMaster serving HTTP on loopback; see the [module docs](self).
pub struct MockServer {
    server: wiremock::MockServer,
    shared: Arc<Shared>,
    client: Client,
    /// Verify when dropped (unless [`finish`](Self::finish) did).
    armed: AtomicBool,
}

impl fmt::Debug for MockServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockServer")
            .field("uri", &self.server.uri())
            .finish_non_exhaustive()
    }
}

/// What the expectations, the fallback answer and verification share.
pub(crate) struct Shared {
    /// The test's AK/SK, when signatures are checked.
    keys: Option<(String, Secret)>,
    expectations: Mutex<Vec<Arc<Spec>>>,
    /// The requests no expectation matched, each with the reasons.
    unmatched: Mutex<Vec<String>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panicking predicate must not hide every later message.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    fn mounted(&self, spec: Arc<Spec>) {
        lock(&self.expectations).push(spec);
    }

    /// What is wrong with the request's signature, when signatures are checked.
    fn signature_problem(&self, request: &Received<'_>) -> Option<String> {
        let (access_key, secret_key) = self.keys.as_ref()?;
        signature::check(request, access_key, secret_key.expose()).err()
    }
}

/// Builds a [`MockServer`] with other credentials than the default token.
#[derive(Debug)]
pub struct MockServerBuilder {
    credentials: Credentials,
    verify_signatures: bool,
}

impl MockServerBuilder {
    /// The credentials of the client the mock hands out. With an access key pair
    /// (`Credentials::aksk("test-ak", "test-sk")`), every request is signed and the mock checks
    /// each signature against these keys (unless [`verify_signatures`](Self::verify_signatures)
    /// is off): a request signed wrongly matches no expectation.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = credentials;
        self
    }

    /// Whether signatures of AK/SK requests are checked (the default) or merely accepted.
    pub fn verify_signatures(mut self, verify: bool) -> Self {
        self.verify_signatures = verify;
        self
    }

    /// Starts the server on a free loopback port.
    ///
    /// # Panics
    ///
    /// When the client refuses the credentials (an empty key, a line break in a token), with the
    /// client's message.
    pub async fn start(self) -> MockServer {
        let server = wiremock::MockServer::start().await;
        let keys = match &self.credentials {
            Credentials::AkSk {
                access_key,
                secret_key,
                ..
            } if self.verify_signatures => Some((access_key.clone(), secret_key.clone())),
            _ => None,
        };
        let client = Client::builder()
            .endpoint(server.uri())
            .credentials(self.credentials)
            .build()
            .unwrap_or_else(|e| panic!("the mock's client cannot be built: {e}"));
        let shared = Arc::new(Shared {
            keys,
            expectations: Mutex::new(Vec::new()),
            unmatched: Mutex::new(Vec::new()),
        });
        server
            .register(
                wiremock::Mock::given(Anything)
                    .respond_with(Fallback {
                        shared: shared.clone(),
                    })
                    .with_priority(u8::MAX)
                    .named("no expectation matched"),
            )
            .await;
        MockServer {
            server,
            shared,
            client,
            armed: AtomicBool::new(true),
        }
    }
}

impl MockServer {
    /// The project id of [`project`](Self::project) and [`workspace`](Self::workspace).
    pub const PROJECT_ID: &'static str = "mock-project";
    /// The workspace id of [`workspace`](Self::workspace).
    pub const WORKSPACE_ID: &'static str = "mock-workspace";
    /// The IAM token of the client of [`start`](Self::start).
    pub const TOKEN: &'static str = "mock-token";

    /// Starts a mock whose client authenticates with the token [`TOKEN`](Self::TOKEN).
    pub async fn start() -> MockServer {
        MockServer::builder().start().await
    }

    /// A builder, for AK/SK credentials and signature checks.
    pub fn builder() -> MockServerBuilder {
        MockServerBuilder {
            credentials: Credentials::token(Self::TOKEN),
            verify_signatures: true,
        }
    }

    /// The server's base URL, `http://127.0.0.1:PORT` (for code that takes an endpoint).
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// A client pointed at the mock, with the mock's credentials and the client's default
    /// settings.
    pub fn client(&self) -> Client {
        self.client.clone()
    }

    /// The client's handle of project [`PROJECT_ID`](Self::PROJECT_ID).
    pub fn project(&self) -> ProjectClient {
        self.client.project(Self::PROJECT_ID)
    }

    /// The client's handle of workspace [`WORKSPACE_ID`](Self::WORKSPACE_ID) in project
    /// [`PROJECT_ID`](Self::PROJECT_ID).
    pub fn workspace(&self) -> WorkspaceClient {
        self.client.workspace(Self::PROJECT_ID, Self::WORKSPACE_ID)
    }

    /// The expectation of one operation; what each generated method calls.
    #[doc(hidden)]
    pub fn expectation<B, R, E>(
        &self,
        operation: &'static str,
        method: &'static str,
        template: &'static str,
        success: Success,
    ) -> Expectation<'_, B, R, E> {
        Expectation::new(
            &self.shared,
            &self.server,
            operation,
            method,
            template,
            success,
        )
    }

    /// Whether every expectation received the number of requests it expects and every request
    /// matched an expectation; otherwise each that did not, by operation, method and path.
    pub fn verify(&self) -> Result<(), Unmet> {
        let mut problems = Vec::new();
        for spec in lock(&self.shared.expectations).iter() {
            let hits = spec.hits.load(Ordering::SeqCst);
            if !spec.times.contains(hits) {
                problems.push(format!(
                    "{}: expected {}, received {hits}",
                    spec.describe(),
                    spec.times
                ));
            }
        }
        problems.extend(lock(&self.shared.unmatched).iter().cloned());
        if problems.is_empty() {
            Ok(())
        } else {
            Err(Unmet { problems })
        }
    }

    /// [`verify`](Self::verify), and no verification when the mock is dropped: for a test that
    /// looks at the failure itself.
    pub fn finish(self) -> Result<(), Unmet> {
        self.armed.store(false, Ordering::SeqCst);
        self.verify()
    }
}

impl Drop for MockServer {
    /// Verifies the expectations, and panics with [`Unmet`]'s message when one was not met
    /// (unless the test is already panicking, or [`finish`](Self::finish) verified).
    fn drop(&mut self) {
        if self.armed.load(Ordering::SeqCst) && !std::thread::panicking() {
            if let Err(unmet) = self.verify() {
                panic!("{unmet}");
            }
        }
    }
}

/// The expectations a mock's requests did not meet, and the requests that matched none.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unmet {
    problems: Vec<String>,
}

impl Unmet {
    /// One line per unmet expectation or unmatched request.
    pub fn problems(&self) -> &[String] {
        &self.problems
    }
}

impl fmt::Display for Unmet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the mock's expectations were not met:")?;
        for problem in &self.problems {
            write!(f, "\n- {problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Unmet {}

/// How many requests an expectation expects: made from `n`, `a..b`, `a..=b`, `a..` or `..=b`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Times {
    min: u64,
    max: Option<u64>,
}

impl Times {
    fn exactly(n: u64) -> Times {
        Times {
            min: n,
            max: Some(n),
        }
    }

    fn at_least(n: u64) -> Times {
        Times { min: n, max: None }
    }

    fn contains(self, n: u64) -> bool {
        n >= self.min && self.max.is_none_or(|max| n <= max)
    }
}

impl fmt::Display for Times {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let requests = |n: u64| if n == 1 { "request" } else { "requests" };
        match (self.min, self.max) {
            (min, Some(max)) if min == max => write!(f, "exactly {min} {}", requests(min)),
            (0, Some(max)) => write!(f, "at most {max} {}", requests(max)),
            (min, Some(max)) => write!(f, "{min} to {max} requests"),
            (min, None) => write!(f, "at least {min} {}", requests(min)),
        }
    }
}

impl From<u64> for Times {
    fn from(n: u64) -> Times {
        Times::exactly(n)
    }
}

impl From<RangeInclusive<u64>> for Times {
    fn from(range: RangeInclusive<u64>) -> Times {
        Times {
            min: *range.start(),
            max: Some(*range.end()),
        }
    }
}

impl From<Range<u64>> for Times {
    fn from(range: Range<u64>) -> Times {
        Times {
            min: range.start,
            max: Some(range.end.saturating_sub(1)),
        }
    }
}

impl From<RangeFrom<u64>> for Times {
    fn from(range: RangeFrom<u64>) -> Times {
        Times::at_least(range.start)
    }
}

impl From<RangeToInclusive<u64>> for Times {
    fn from(range: RangeToInclusive<u64>) -> Times {
        Times {
            min: 0,
            max: Some(range.end),
        }
    }
}

/// Every request.
struct Anything;

impl wiremock::Match for Anything {
    fn matches(&self, _: &wiremock::Request) -> bool {
        true
    }
}

/// Answers the requests no expectation matched, saying why, and records them for verification.
struct Fallback {
    shared: Arc<Shared>,
}

impl wiremock::Respond for Fallback {
    fn respond(&self, request: &wiremock::Request) -> wiremock::ResponseTemplate {
        let received = Received::new(request);
        let line = received.line();
        let (status, code, message) = match self.shared.signature_problem(&received) {
            Some(problem) => (401, "APIGW.0301", format!("{line} is refused: {problem}")),
            None => {
                let reasons: Vec<String> = lock(&self.shared.expectations)
                    .iter()
                    .filter_map(|spec| match spec.check(&received) {
                        Err(Mismatch::Condition(reason)) => {
                            Some(format!("`{}`: {reason}", spec.operation))
                        }
                        _ => None,
                    })
                    .collect();
                let message = if reasons.is_empty() {
                    format!(
                        "{line} matched no expectation: none is mounted for its method and path"
                    )
                } else {
                    format!("{line} matched no expectation: {}", reasons.join("; "))
                };
                (404, "MOCK.0404", message)
            }
        };
        lock(&self.shared.unmatched).push(message.clone());
        let body = serde_json::json!({ "error_code": code, "error_msg": message });
        expectation::template(&Answer::json(status, &body))
    }
}
