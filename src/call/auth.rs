//! Authentication of one attempt: the IAM token header, or the AK/SK headers (`X-Project-Id`,
//! `X-Security-Token`) and the signature over the finished request (see `signing`).

use crate::credentials::Credentials;
use crate::error::Error;
use crate::headers::{header_value, sensitive};
use crate::signing;
use bytes::Bytes;
use std::time::SystemTime;

/// Adds the credentials' headers to `request` and, for AK/SK, signs it as of `now`.
/// `path_project_id` is the path's project, sent as `X-Project-Id` in preference to the
/// credentials' own; `signed_payload` is the body to hash, `None` for an unsigned (streamed) one.
pub(super) fn authenticate(
    request: &mut reqwest::Request,
    credentials: &Credentials,
    path_project_id: Option<&str>,
    signed_payload: Option<&Bytes>,
    now: SystemTime,
) -> Result<(), Error> {
    match credentials {
        Credentials::Token { token } => {
            request.headers_mut().insert(
                "x-auth-token",
                sensitive(header_value("the token", token.expose())?),
            );
        }
        Credentials::AkSk {
            access_key,
            secret_key,
            security_token,
            project_id,
        } => {
            let headers = request.headers_mut();
            if let Some(project) = path_project_id.or(project_id.as_deref()) {
                headers.insert("x-project-id", header_value("the project id", project)?);
            }
            if let Some(token) = security_token {
                headers.insert(
                    "x-security-token",
                    sensitive(header_value("the security token", token.expose())?),
                );
            }
            let date = signing::format_sdk_date(now);
            let payload = match signed_payload {
                Some(bytes) => signing::Payload::Bytes(bytes),
                None => signing::Payload::Unsigned,
            };
            signing::sign_request(request, access_key, secret_key.expose(), &date, payload)
                .map_err(|e| Error::invalid(format!("cannot sign the request: {e}")))?;
        }
    }
    Ok(())
}
