//! Checking an AK/SK signature as the gateway does: the signature is computed again from the
//! request as received, with the test's keys and the client's own canonicalization
//! (`crate::signing`), and compared with the one the request carries.

use super::request::Received;
use crate::signing;

/// Whether `request` is signed with `access_key`/`secret_key`, or what is wrong with its
/// signature.
pub(super) fn check(
    request: &Received<'_>,
    access_key: &str,
    secret_key: &str,
) -> Result<(), String> {
    let authorization = request
        .header("authorization")
        .ok_or("the request has no Authorization header (AK/SK requests are signed)")?;
    let fields = authorization
        .strip_prefix(signing::ALGORITHM)
        .and_then(|rest| rest.strip_prefix(' '))
        .ok_or_else(|| {
            format!(
                "the Authorization header does not start with `{} `",
                signing::ALGORITHM
            )
        })?;
    let field = |name: &str| {
        fields
            .split(',')
            .map(str::trim)
            .find_map(|f| f.strip_prefix(name)?.strip_prefix('='))
            .ok_or_else(|| format!("the Authorization header has no `{name}=`"))
    };
    let (access, signed, signature) = (
        field("Access")?,
        field("SignedHeaders")?,
        field("Signature")?,
    );
    if access != access_key {
        return Err(format!(
            "the request is signed with access key `{access}`, not the test's `{access_key}`"
        ));
    }
    let names: Vec<&str> = signed.split(';').collect();
    for required in ["host", signing::X_SDK_DATE] {
        if !names.contains(&required) {
            return Err(format!("SignedHeaders `{signed}` leaves out `{required}`"));
        }
    }
    let mut headers: Vec<(&str, &str)> = Vec::new();
    for name in &names {
        let values: Vec<&str> = request
            .request
            .headers
            .get_all(*name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        if values.is_empty() {
            return Err(format!("signed header `{name}` is not in the request"));
        }
        headers.extend(values.into_iter().map(|v| (*name, v)));
    }
    let date = request
        .header(signing::X_SDK_DATE)
        .ok_or("the request has no X-Sdk-Date")?;
    let payload_hash = match request.header(signing::X_SDK_CONTENT_SHA256) {
        Some(signing::UNSIGNED_PAYLOAD) => signing::UNSIGNED_PAYLOAD.to_owned(),
        _ => signing::hex_sha256(request.body()),
    };
    let url = &request.request.url;
    let canonical = signing::canonical_request(
        request.method(),
        url.path(),
        url.query().unwrap_or(""),
        &headers,
        &payload_hash,
    );
    let expected = signing::signature(secret_key, &signing::string_to_sign(date, &canonical));
    if signature == expected {
        Ok(())
    } else {
        Err(format!(
            "the signature `{signature}` is not the one the test's keys give (`{expected}`) for the canonical request:\n{canonical}"
        ))
    }
}
