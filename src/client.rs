//! The client and its scope handles: construction from an endpoint (or region) and credentials,
//! and the per-call options.

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

/// Environment variables [`Credentials::from_env`] and [`ClientBuilder::from_env`] read: the
/// names Huawei Cloud's own SDKs use.
pub mod env {
    /// Access key id.
    pub const ACCESS_KEY: &str = "HUAWEICLOUD_SDK_AK";
    /// Secret access key.
    pub const SECRET_KEY: &str = "HUAWEICLOUD_SDK_SK";
    /// Security token of a temporary access key.
    pub const SECURITY_TOKEN: &str = "HUAWEICLOUD_SDK_SECURITY_TOKEN";
    /// Project id, sent as `X-Project-Id` when the path carries none.
    pub const PROJECT_ID: &str = "HUAWEICLOUD_SDK_PROJECT_ID";
    /// Region whose SecMaster endpoint to use.
    pub const REGION: &str = "HUAWEICLOUD_SDK_REGION";
}

/// A secret (token or secret key) that never shows in `Debug` output, errors or logs.
#[derive(Clone)]
pub struct Secret(Arc<str>);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into().into())
    }

    /// The secret itself, for sending.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// How requests are authenticated.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Credentials {
    /// An IAM user token, sent as `X-Auth-Token`.
    Token {
        /// The token.
        token: Secret,
    },
    /// An access key pair: every request is signed (SDK-HMAC-SHA256). A temporary pair carries a
    /// security token, sent as `X-Security-Token`. `project_id` is sent as `X-Project-Id` when
    /// the path carries none.
    AkSk {
        /// Access key id.
        access_key: String,
        /// Secret access key.
        secret_key: Secret,
        /// Security token of a temporary key pair.
        security_token: Option<Secret>,
        /// Project id sent as `X-Project-Id` when the path carries none.
        project_id: Option<String>,
    },
}

impl Credentials {
    /// An IAM user token.
    pub fn token(token: impl Into<String>) -> Self {
        Credentials::Token {
            token: Secret::new(token),
        }
    }

    /// A permanent access key pair.
    pub fn aksk(access_key: impl Into<String>, secret_key: impl Into<String>) -> Self {
        Credentials::AkSk {
            access_key: access_key.into(),
            secret_key: Secret::new(secret_key),
            security_token: None,
            project_id: None,
        }
    }

    /// A temporary access key pair with its security token.
    pub fn temporary(
        access_key: impl Into<String>,
        secret_key: impl Into<String>,
        security_token: impl Into<String>,
    ) -> Self {
        Credentials::AkSk {
            access_key: access_key.into(),
            secret_key: Secret::new(secret_key),
            security_token: Some(Secret::new(security_token)),
            project_id: None,
        }
    }

    /// An access key pair from `HUAWEICLOUD_SDK_AK` and `HUAWEICLOUD_SDK_SK`, with
    /// `HUAWEICLOUD_SDK_SECURITY_TOKEN` and `HUAWEICLOUD_SDK_PROJECT_ID` when set.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    pub(crate) fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let get = |name: &str| lookup(name).filter(|v| !v.is_empty());
        let (Some(access_key), Some(secret_key)) = (get(env::ACCESS_KEY), get(env::SECRET_KEY))
        else {
            return Err(Error::invalid(format!(
                "no credentials in the environment: set {} and {} (and {} for a temporary key)",
                env::ACCESS_KEY,
                env::SECRET_KEY,
                env::SECURITY_TOKEN
            )));
        };
        Ok(Credentials::AkSk {
            access_key,
            secret_key: Secret::new(secret_key),
            security_token: get(env::SECURITY_TOKEN).map(Secret::new),
            project_id: get(env::PROJECT_ID),
        })
    }

    /// Sets the project id sent as `X-Project-Id` with AK/SK when the path carries none.
    pub fn with_project_id(mut self, id: impl Into<String>) -> Self {
        if let Credentials::AkSk { project_id, .. } = &mut self {
            *project_id = Some(id.into());
        }
        self
    }

    fn check(&self) -> Result<(), Error> {
        let secret_ok = |what: &str, value: &str| {
            if value.is_empty() {
                return Err(Error::invalid(format!("{what} is empty")));
            }
            crate::runtime::header_value::<std::convert::Infallible>(what, value).map(|_| ())
        };
        match self {
            Credentials::Token { token } => secret_ok("the token", token.expose()),
            Credentials::AkSk {
                access_key,
                secret_key,
                security_token,
                ..
            } => {
                secret_ok("the access key", access_key)?;
                secret_ok("the secret key", secret_key.expose())?;
                if let Some(token) = security_token {
                    secret_ok("the security token", token.expose())?;
                }
                Ok(())
            }
        }
    }
}

/// Per-call settings that override the client's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallOptions {
    /// Total time for the call: every attempt, every wait between them, and reading the answer.
    pub timeout: Option<Duration>,
    /// Retry policy for this call.
    pub retry: Option<RetryPolicy>,
}

impl CallOptions {
    /// Options that change nothing.
    pub fn new() -> Self {
        CallOptions::default()
    }

    /// Sets the total time for the call.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sets the retry policy for the call.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = Some(retry);
        self
    }
}

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
        let http = reqwest::Client::builder()
            .connect_timeout(self.connect_timeout.unwrap_or(Duration::from_secs(10)))
            .user_agent(concat!("secmaster-rust/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|source| Error::Transport {
                source,
                attempts: 0,
            })?;
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

    #[test]
    fn reads_credentials_from_the_sdk_variables() {
        let vars = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        let found = Credentials::from_lookup(vars(&[
            ("HUAWEICLOUD_SDK_AK", "ak"),
            ("HUAWEICLOUD_SDK_SK", "sk"),
            ("HUAWEICLOUD_SDK_SECURITY_TOKEN", "sts"),
            ("HUAWEICLOUD_SDK_PROJECT_ID", "p1"),
        ]))
        .unwrap();
        match found {
            Credentials::AkSk {
                access_key,
                secret_key,
                security_token,
                project_id,
            } => {
                assert_eq!(access_key, "ak");
                assert_eq!(secret_key.expose(), "sk");
                assert_eq!(
                    security_token.map(|t| t.expose().to_owned()).as_deref(),
                    Some("sts")
                );
                assert_eq!(project_id.as_deref(), Some("p1"));
            }
            other => panic!("unexpected {other:?}"),
        }
        let missing = Credentials::from_lookup(vars(&[("HUAWEICLOUD_SDK_AK", "ak")])).unwrap_err();
        assert!(
            missing.to_string().contains("HUAWEICLOUD_SDK_SK"),
            "{missing}"
        );
    }
}
