//! The client and its scope handles: construction from an endpoint (or region) and credentials,
//! and the client-wide settings each call starts from. Sending lives in `call`, which extends
//! [`Client`]; this module knows nothing of requests.

use crate::credentials::{env, Credentials};
use crate::error::Error;
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

pub(crate) struct Settings {
    pub(crate) timeout: Option<Duration>,
    pub(crate) retry: RetryPolicy,
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
#[derive(Debug, Default)]
pub struct ClientBuilder {
    endpoint: Option<String>,
    region: Option<String>,
    credentials: Option<Credentials>,
    connect_timeout: Option<Duration>,
    timeout: Option<Duration>,
    retry: Option<RetryPolicy>,
}

impl ClientBuilder {
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

    /// Time allowed to open a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Total time for each call, retries included (default: none). A call can override it.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
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
            self.connect_timeout.unwrap_or(Duration::from_secs(10)),
            USER_AGENT,
        )?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                endpoint: endpoint.trim_end_matches('/').to_owned(),
                credentials,
                settings: Settings {
                    timeout: self.timeout,
                    retry: self.retry.unwrap_or_default(),
                },
            }),
        })
    }
}

/// What the client calls itself in `User-Agent`.
const USER_AGENT: &str = concat!("secmaster-rust/", env!("CARGO_PKG_VERSION"));

/// The HTTP client every call goes through. Its failure is a local one (TLS setup, a bad
/// `User-Agent`), reported as such rather than as a failure to reach SecMaster.
fn http_client(connect_timeout: Duration, user_agent: &str) -> Result<reqwest::Client, Error> {
    reqwest::Client::builder()
        .connect_timeout(connect_timeout)
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
