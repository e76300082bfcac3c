//! The client and its scope handles: construction from an endpoint (or region) and credentials,
//! and the client-wide settings each call starts from (timeouts, retries, body limits). Sending
//! lives in `call`, which extends [`Client`]; this module knows nothing of requests.

use crate::credentials::{env, Credentials};
use crate::error::Error;
use crate::limits::BodyLimits;
use crate::retry::RetryPolicy;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// The regions that serve SecMaster; [`ClientBuilder::region`] turns one into
/// `https://secmaster.{region}.myhuaweicloud.com`.
pub const REGIONS: &[&str] = &[
    "cn-north-4",
    "cn-east-3",
    "cn-south-1",
    "cn-north-9",
    "cn-north-2",
    "cn-east-2",
    "cn-southwest-2",
    "cn-south-2",
    "cn-north-1",
    "cn-east-4",
    "me-east-1",
    "cn-north-11",
    "sa-brazil-1",
    "la-north-2",
    "ap-southeast-3",
    "ap-southeast-2",
    "ap-southeast-1",
    "ap-southeast-4",
    "tr-west-1",
    "af-north-1",
    "af-south-1",
    "la-south-2",
    "eu-west-101",
    "ap-southeast-5",
    "my-kualalumpur-1",
    "cn-east-5",
    "cn-north-12",
    "cn-southwest-3",
];

/// The client-wide settings each call starts from (a call's `CallOptions` override them).
#[derive(Debug)]
pub(crate) struct Settings {
    /// Total time of a call; `None` when set beyond what the clock can count.
    pub(crate) timeout: Option<Duration>,
    /// Longest silence while a call waits for or reads its answer.
    pub(crate) read_timeout: Option<Duration>,
    pub(crate) retry: RetryPolicy,
    pub(crate) limits: BodyLimits,
}

struct Inner {
    http: reqwest::Client,
    endpoint: String,
    credentials: Credentials,
    settings: Settings,
}

/// A SecMaster client. Cheap to clone; clones share connections.
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let client = secmaster::Client::builder()
///     .region("cn-north-4")
///     .credentials(secmaster::Credentials::aksk("AK", "SK"))
///     .build()?;
/// let workspace = client.workspace("project-id", "workspace-id");
/// let page = workspace.list_workflows().limit(20).await?;
/// for workflow in page.data.iter().flatten() {
///     println!("{:?}", workflow.name);
/// }
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("endpoint", &self.inner.endpoint)
            .field("credentials", &self.inner.credentials)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts building a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// Operations of one project.
    pub fn project(&self, project_id: impl Into<String>) -> ProjectClient {
        ProjectClient {
            client: self.clone(),
            project_id: project_id.into().into(),
        }
    }

    /// Operations of one workspace of one project.
    pub fn workspace(
        &self,
        project_id: impl Into<String>,
        workspace_id: impl Into<String>,
    ) -> WorkspaceClient {
        self.project(project_id).workspace(workspace_id)
    }

    /// The endpoint requests go to, without a trailing `/`.
    pub fn endpoint(&self) -> &str {
        &self.inner.endpoint
    }

    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    pub(crate) fn credentials(&self) -> &Credentials {
        &self.inner.credentials
    }

    pub(crate) fn settings(&self) -> &Settings {
        &self.inner.settings
    }
}

/// The operations scoped to one project.
#[derive(Clone, Debug)]
pub struct ProjectClient {
    client: Client,
    project_id: Arc<str>,
}

impl ProjectClient {
    /// The project's id.
    pub fn project_id(&self) -> &str {
        &self.project_id
    }

    /// Operations of one workspace of this project.
    pub fn workspace(&self, workspace_id: impl Into<String>) -> WorkspaceClient {
        WorkspaceClient {
            client: self.client.clone(),
            project_id: self.project_id.clone(),
            workspace_id: workspace_id.into().into(),
        }
    }

    /// The client this handle uses.
    pub fn client(&self) -> &Client {
        &self.client
    }
}

/// The operations scoped to one workspace: project and workspace ids are given once, here.
#[derive(Clone, Debug)]
pub struct WorkspaceClient {
    client: Client,
    project_id: Arc<str>,
    workspace_id: Arc<str>,
}

impl WorkspaceClient {
    /// The project's id.
    pub fn project_id(&self) -> &str {
        &self.project_id
    }

    /// The workspace's id.
    pub fn workspace_id(&self) -> &str {
        &self.workspace_id
    }

    /// The client this handle uses.
    pub fn client(&self) -> &Client {
        &self.client
    }
}

/// Builds a [`Client`].
///
/// Every call is bounded by default: [`DEFAULT_CONNECT_TIMEOUT`](Self::DEFAULT_CONNECT_TIMEOUT)
/// to connect, [`DEFAULT_READ_TIMEOUT`](Self::DEFAULT_READ_TIMEOUT) of silence, and
/// [`DEFAULT_TIMEOUT`](Self::DEFAULT_TIMEOUT) in all; answers read into memory are bounded by
/// [`BodyLimits::default`]. The client follows no redirect.
#[derive(Debug, Default)]
pub struct ClientBuilder {
    endpoint: Option<String>,
    region: Option<String>,
    credentials: Option<Credentials>,
    connect_timeout: Option<Duration>,
    timeout: Option<Duration>,
    read_timeout: Option<Duration>,
    retry: Option<RetryPolicy>,
    limits: Option<BodyLimits>,
}

impl ClientBuilder {
    /// Time allowed to open a connection, TLS handshake included, unless
    /// [`connect_timeout`](Self::connect_timeout) says otherwise: 10 s, far beyond a healthy
    /// handshake anywhere, short enough that an unreachable endpoint is reported (or retried)
    /// soon.
    pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

    /// Total time of a call, unless [`timeout`](Self::timeout) says otherwise: 5 minutes. It is
    /// what bounds a server that keeps sending a byte now and then; SecMaster's operations
    /// answer within seconds, and 5 minutes still lets a 512 MiB workflow file go out at about
    /// 15 Mbit/s (raise it for larger uploads over slower links).
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(300);

    /// Longest silence while a call waits for its answer or reads it, unless
    /// [`read_timeout`](Self::read_timeout) says otherwise: 60 s. A healthy service answers or
    /// sends more well within it; a server that took the request and went quiet is given up on
    /// in a minute rather than at the total timeout. It counts silence only: an upload that
    /// keeps going out, however long, does not run it down.
    pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(60);

    /// An explicit endpoint URL, such as `https://secmaster.cn-north-4.myhuaweicloud.com`.
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// The region whose SecMaster endpoint to use (one of [`REGIONS`]).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// How requests are authenticated.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Shorthand for `credentials(Credentials::token(token))`.
    pub fn token(self, token: impl Into<String>) -> Self {
        self.credentials(Credentials::token(token))
    }

    /// Credentials from the environment ([`Credentials::from_env`]) and, unless an endpoint or
    /// region is set, the region from `HUAWEICLOUD_SDK_REGION`.
    pub fn from_env(mut self) -> Result<Self, Error> {
        self.credentials = Some(Credentials::from_env()?);
        if self.region.is_none() && self.endpoint.is_none() {
            self.region = std::env::var(env::REGION).ok().filter(|r| !r.is_empty());
        }
        Ok(self)
    }

    /// Time allowed to open a connection, TLS handshake included (default
    /// [`DEFAULT_CONNECT_TIMEOUT`](Self::DEFAULT_CONNECT_TIMEOUT), 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Total time for each call: every attempt, the waits between them and reading the answer
    /// (default [`DEFAULT_TIMEOUT`](Self::DEFAULT_TIMEOUT), 5 minutes). `Duration::MAX` removes
    /// the bound. A call can override it.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Longest silence allowed while waiting for an answer (counted from the last byte of the
    /// request sent) or reading one (counted from the last byte received); default
    /// [`DEFAULT_READ_TIMEOUT`](Self::DEFAULT_READ_TIMEOUT), 60 s. Running out is
    /// [`Error::Stalled`]. `Duration::MAX` removes the bound. A call can override it.
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.read_timeout = Some(timeout);
        self
    }

    /// How much of an answer is read into memory (default [`BodyLimits::default`]). A call can
    /// override them.
    pub fn limits(mut self, limits: BodyLimits) -> Self {
        self.limits = Some(limits);
        self
    }

    /// Retry policy for every call (default: [`RetryPolicy::default`]). A call can override it.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = Some(retry);
        self
    }

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<Client, Error> {
        let endpoint = match (self.endpoint, self.region) {
            (Some(_), Some(_)) => {
                return Err(Error::invalid(
                    "both an endpoint and a region are set; set one of them",
                ));
            }
            (Some(endpoint), None) => endpoint,
            (None, Some(region)) => {
                if !REGIONS.contains(&region.as_str()) {
                    return Err(Error::invalid(format!(
                        "SecMaster is not offered in region `{region}`; use one of {}, or set an explicit endpoint",
                        REGIONS.join(", ")
                    )));
                }
                format!("https://secmaster.{region}.myhuaweicloud.com")
            }
            (None, None) => {
                return Err(Error::invalid(
                    "no endpoint: set `.region(..)` or `.endpoint(..)`",
                ))
            }
        };
        let url = reqwest::Url::parse(&endpoint)
            .map_err(|e| Error::invalid(format!("the endpoint `{endpoint}` is not a URL: {e}")))?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return Err(Error::invalid(format!(
                "the endpoint `{endpoint}` is not an http(s) URL with a host"
            )));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(Error::invalid(format!(
                "the endpoint `{endpoint}` must not have a query or fragment"
            )));
        }
        let credentials = self.credentials.ok_or_else(|| {
            Error::invalid("no credentials: set `.token(..)`, `.credentials(..)` or `.from_env()`")
        })?;
        credentials.check()?;
        let http = http_client(
            self.connect_timeout
                .unwrap_or(Self::DEFAULT_CONNECT_TIMEOUT),
            USER_AGENT,
        )?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                endpoint: endpoint.trim_end_matches('/').to_owned(),
                credentials,
                settings: Settings {
                    timeout: Some(self.timeout.unwrap_or(Self::DEFAULT_TIMEOUT)),
                    read_timeout: Some(self.read_timeout.unwrap_or(Self::DEFAULT_READ_TIMEOUT)),
                    retry: self.retry.unwrap_or_default(),
                    limits: self.limits.unwrap_or_default(),
                },
            }),
        })
    }
}

/// What the client calls itself in `User-Agent`.
const USER_AGENT: &str = concat!("secmaster-rust/", env!("CARGO_PKG_VERSION"));

/// The HTTP client every call goes through. Its failure is a local one (TLS setup, a bad
/// `User-Agent`), reported as such rather than as a failure to reach SecMaster.
///
/// It follows no redirect: SecMaster's API does not redirect, and following one would send the
/// credential headers (and a `Referer` with the original URL) wherever `Location` points, and
/// turn a 301/302/303 to an upload into a body-less GET whose success looks like the upload's.
/// A 3xx is handed back, and `call` makes it an error naming the status and `Location`.
///
/// reqwest's own `read_timeout` is not used: it counts from the start of the request to the
/// answer's head without resetting while the body goes out, so it would cut off any upload
/// longer than it. `call` keeps a read timeout that counts silence only.
fn http_client(connect_timeout: Duration, user_agent: &str) -> Result<reqwest::Client, Error> {
    reqwest::Client::builder()
        .connect_timeout(connect_timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(user_agent)
        .build()
        .map_err(|source| Error::ClientSetup { source })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_stay_out_of_debug_output() {
        let credentials = Credentials::temporary("AK-id", "sk-very-secret", "sts-very-secret");
        let client = Client::builder()
            .endpoint("http://127.0.0.1:1")
            .credentials(credentials)
            .build()
            .unwrap();
        let shown = format!("{client:?} {:?}", Credentials::token("tok-very-secret"));
        assert!(!shown.contains("very-secret"), "{shown}");
        assert!(shown.contains("AK-id"), "{shown}");
    }

    #[test]
    fn every_call_is_bounded_by_default() {
        let client = Client::builder()
            .endpoint("http://127.0.0.1:1")
            .token("t")
            .build()
            .unwrap();
        let settings = client.settings();
        assert_eq!(settings.timeout, Some(Duration::from_secs(300)));
        assert_eq!(settings.read_timeout, Some(Duration::from_secs(60)));
        assert_eq!(
            settings.limits,
            BodyLimits {
                max_answer_bytes: 16 * 1024 * 1024,
                max_parsed_bytes: 128 * 1024 * 1024,
                max_error_bytes: 64 * 1024,
            }
        );
        let client = Client::builder()
            .endpoint("http://127.0.0.1:1")
            .token("t")
            .timeout(Duration::from_secs(7))
            .read_timeout(Duration::from_secs(3))
            .build()
            .unwrap();
        assert_eq!(client.settings().timeout, Some(Duration::from_secs(7)));
        assert_eq!(client.settings().read_timeout, Some(Duration::from_secs(3)));
    }

    #[test]
    fn region_gives_the_endpoint() {
        let client = Client::builder()
            .region("ap-southeast-1")
            .token("t")
            .build()
            .unwrap();
        assert_eq!(
            client.endpoint(),
            "https://secmaster.ap-southeast-1.myhuaweicloud.com"
        );
        assert_eq!(REGIONS.len(), 28);
        let err = Client::builder()
            .region("mars-1")
            .token("t")
            .build()
            .unwrap_err();
        assert!(
            err.to_string().contains("not offered in region `mars-1`"),
            "{err}"
        );
    }

    #[test]
    fn a_client_that_cannot_be_set_up_is_a_local_fault() {
        let err = http_client(Duration::from_secs(1), "agent\nwith a line break").unwrap_err();
        assert!(matches!(err, Error::ClientSetup { .. }), "{err:?}");
        assert_eq!(
            err.to_string(),
            "cannot set up the HTTP client, so nothing was sent: builder error: failed to parse header value"
        );
    }

    #[test]
    fn refuses_bad_construction() {
        let err = |b: ClientBuilder| b.build().unwrap_err().to_string();
        assert_eq!(
            err(Client::builder().token("t")),
            "invalid request: no endpoint: set `.region(..)` or `.endpoint(..)`"
        );
        assert_eq!(
            err(Client::builder().endpoint("http://h").token("a\nb")),
            "invalid request: the token contains a control character (such as a line break); remove it"
        );
        assert!(
            err(Client::builder().endpoint("ftp://h").token("t")).contains("not an http(s) URL")
        );
        assert!(err(Client::builder().endpoint("http://h")).contains("no credentials"));
    }
}
