//! Who the caller is: an IAM token or an AK/SK pair (read from the variables Huawei's SDKs use),
//! with secrets that never show in `Debug` output, errors or logs.

use crate::error::Error;
use crate::headers::header_value;
use std::fmt;
use std::sync::Arc;

/// Environment variables [`Credentials::from_env`] and [`ClientBuilder::from_env`](crate::ClientBuilder::from_env) read: the
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

    /// Refuses empty secrets and secrets that cannot be header values, at construction rather
    /// than at the first call.
    pub(crate) fn check(&self) -> Result<(), Error> {
        let secret_ok = |what: &str, value: &str| {
            if value.is_empty() {
                return Err(Error::invalid(format!("{what} is empty")));
            }
            header_value::<std::convert::Infallible>(what, value).map(|_| ())
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

#[cfg(test)]
mod tests {
    use super::*;

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
