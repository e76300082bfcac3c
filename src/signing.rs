//! Huawei Cloud AK/SK request signing (`SDK-HMAC-SHA256`).
//!
//! Huawei Cloud's API gateway accepts requests signed with an access key pair (AK/SK) instead of an IAM
//! token. This module signs an outgoing [`reqwest::Request`] the way Huawei's official SDKs do:
//!
//! 1. `Host` and `X-Sdk-Date` (`YYYYMMDDTHHMMSSZ`, UTC) are set on the request;
//! 2. a canonical request is built from six lines joined by `\n`: the upper-case method, the canonical
//!    URI, the canonical query, the canonical headers (`name:value\n` per signed header), the signed
//!    header names (`;`-joined) and the payload hash (hex SHA-256 of the body, or `UNSIGNED-PAYLOAD`
//!    when `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD` is sent, e.g. for multipart uploads and streams);
//! 3. the string to sign is `SDK-HMAC-SHA256\n<X-Sdk-Date>\n<hex SHA-256 of the canonical request>`;
//! 4. the signature is the hex HMAC-SHA256 of the string to sign, keyed with the SK;
//! 5. `Authorization: SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<names>, Signature=<hex>` is set.
//!
//! Canonicalization details, following the official SDKs (which canonicalize the *decoded* path and
//! query, not the bytes on the wire):
//!
//! * **URI**: the URL path is percent-decoded, split on `/`, and every segment is percent-encoded again
//!   with only `A-Z a-z 0-9 - _ . ~` left alone (upper-case hex); a trailing `/` is appended if missing
//!   (for signing only). The whole path is decoded before splitting, as the Python SDK does
//!   (`unquote(path).split('/')`), so an encoded `%2F` counts as a separator, exactly as a `/` inside a
//!   path parameter does in the Go and Java SDKs. Malformed `%` escapes are kept literally.
//! * **Query**: each `key=value` pair of the raw query is percent-decoded (a `+` is a literal plus, not
//!   a space: build queries with `%20` for spaces, as the SDKs do), then pairs are sorted by key and then
//!   value (by decoded bytes) and re-encoded with the same rule; a parameter without `=` signs as `key=`.
//! * **Headers**: every header on the request at signing time is signed (lower-case names, sorted,
//!   values trimmed), except `authorization` and a `multipart/form-data` `content-type` (whose boundary
//!   the Java and Python SDKs leave out too). Header values that are not valid UTF-8 are **skipped**
//!   (left unsigned) rather than signed lossily, so the signature never depends on how a server would
//!   decode such bytes. A header sent more than once contributes one `name:value` line per value, values
//!   sorted, with the name listed once in `SignedHeaders`.
//!
//! Nothing here logs, and no error message carries the secret key (or any header value).

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use hmac::{Hmac, Mac};
use percent_encoding::{percent_decode_str, percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION, CONTENT_TYPE, HOST};
use sha2::{Digest, Sha256};

/// The signing algorithm, as it appears in the string to sign and the `Authorization` header.
pub(crate) const ALGORITHM: &str = "SDK-HMAC-SHA256";

/// Payload hash used (and sent in `X-Sdk-Content-Sha256`) when the body is not hashed.
pub(crate) const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// Lower-case name of the signing-date header.
pub(crate) const X_SDK_DATE: &str = "x-sdk-date";

/// Lower-case name of the header that overrides the payload hash.
pub(crate) const X_SDK_CONTENT_SHA256: &str = "x-sdk-content-sha256";

/// Everything except the RFC 3986 unreserved characters `A-Z a-z 0-9 - _ . ~` is percent-encoded.
/// (`percent_encode` also always encodes non-ASCII bytes, with upper-case hex.)
const ESCAPED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// What the payload hash of a signed request is computed from.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Payload<'a> {
    /// The exact body bytes that will be sent (empty slice for no body).
    Bytes(&'a [u8]),
    /// The body is not hashed: `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD` is sent and signed instead
    /// (multipart uploads, streams).
    Unsigned,
}

/// Why a request could not be signed. The messages never contain keys or header values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SignError {
    /// The request URL has no host, so there is no `Host` header to sign.
    MissingHost,
    /// A value that has to go into the named header is not a valid HTTP header value
    /// (for example an access key or date containing control characters).
    InvalidHeaderValue(&'static str),
}

impl fmt::Display for SignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignError::MissingHost => f.write_str("cannot sign request: the URL has no host"),
            SignError::InvalidHeaderValue(header) => write!(
                f,
                "cannot sign request: the value for the {header} header contains characters not allowed in an HTTP header"
            ),
        }
    }
}

impl std::error::Error for SignError {}

/// Formats a time as an `X-Sdk-Date` value, `YYYYMMDDTHHMMSSZ` in UTC (sub-seconds truncated).
pub(crate) fn format_sdk_date(t: SystemTime) -> String {
    // Whole seconds relative to the epoch, rounded towards negative infinity.
    let secs: i64 = match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => {
            let before = e.duration();
            let whole = i64::try_from(before.as_secs()).unwrap_or(i64::MAX);
            let carry = i64::from(before.subsec_nanos() > 0);
            0i64.saturating_sub(whole).saturating_sub(carry)
        }
    };
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}{month:02}{day:02}T{:02}{:02}{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// Proleptic Gregorian (year, month, day) of a count of days since 1970-01-01
/// (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11], March-based
    let day = doy - (153 * mp + 2) / 5 + 1; // [1, 31]
    let month = if mp < 10 { mp + 3 } else { mp - 9 }; // [1, 12]
    let year = yoe + era * 400 + i64::from(month <= 2);
    // Both values are within small ranges, so the conversions cannot fail.
    (
        year,
        u32::try_from(month).unwrap_or(1),
        u32::try_from(day).unwrap_or(1),
    )
}

/// Percent-encodes bytes, leaving only `A-Z a-z 0-9 - _ . ~` as they are.
fn escape(bytes: &[u8]) -> String {
    percent_encode(bytes, ESCAPED).to_string()
}

/// Canonical URI of a raw (possibly percent-encoded) URL path: decoded, split on `/`, each segment
/// re-encoded, with a trailing `/` added if missing. An empty path gives `/`.
pub(crate) fn canonical_uri(raw_path: &str) -> String {
    let decoded: Vec<u8> = percent_decode_str(raw_path).collect();
    let mut uri = String::with_capacity(raw_path.len() + 1);
    for (i, segment) in decoded.split(|&b| b == b'/').enumerate() {
        if i > 0 {
            uri.push('/');
        }
        uri.push_str(&escape(segment));
    }
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

/// Canonical query of a raw query string (the part after `?`, without it; `""` for none): pairs
/// decoded, sorted by key then value, re-encoded, joined with `&`.
pub(crate) fn canonical_query(raw_query: &str) -> String {
    let mut pairs: Vec<(Vec<u8>, Vec<u8>)> = raw_query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (
                percent_decode_str(key).collect(),
                percent_decode_str(value).collect(),
            )
        })
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(key, value)| format!("{}={}", escape(key), escape(value)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Lower-cased, trimmed and sorted copy of the headers to sign.
fn normalized_headers(headers: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut normalized: Vec<(String, String)> = headers
        .iter()
        .map(|(name, value)| (name.to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    normalized.sort();
    normalized
}

/// The `SignedHeaders` list for these headers: lower-case names, sorted, de-duplicated, `;`-joined.
pub(crate) fn signed_headers(headers: &[(&str, &str)]) -> String {
    let mut names: Vec<String> = headers
        .iter()
        .map(|(name, _)| name.to_ascii_lowercase())
        .collect();
    names.sort();
    names.dedup();
    names.join(";")
}

/// Canonical request for a request with this method, raw URL path, raw query (`""` for none), headers
/// to sign (any case, untrimmed; exactly the headers that are signed) and payload hash.
pub(crate) fn canonical_request(
    method: &str,
    raw_path: &str,
    raw_query: &str,
    headers: &[(&str, &str)],
    payload_hash: &str,
) -> String {
    let mut canonical_headers = String::new();
    for (name, value) in normalized_headers(headers) {
        canonical_headers.push_str(&name);
        canonical_headers.push(':');
        canonical_headers.push_str(&value);
        canonical_headers.push('\n');
    }
    format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        method.to_ascii_uppercase(),
        canonical_uri(raw_path),
        canonical_query(raw_query),
        canonical_headers,
        signed_headers(headers),
        payload_hash
    )
}

/// Lower-case hex SHA-256 of some bytes.
pub(crate) fn hex_sha256(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// String to sign: `SDK-HMAC-SHA256\n<sdk_date>\n<hex SHA-256 of the canonical request>`.
pub(crate) fn string_to_sign(sdk_date: &str, canonical_request: &str) -> String {
    format!(
        "{ALGORITHM}\n{sdk_date}\n{}",
        hex_sha256(canonical_request.as_bytes())
    )
}

/// Signature: lower-case hex HMAC-SHA256 of the string to sign, keyed with the SK's UTF-8 bytes.
pub(crate) fn signature(secret_key: &str, string_to_sign: &str) -> String {
    // HMAC accepts keys of any length, so this never fails; an empty signature (rejected by the
    // server) is returned rather than panicking should that ever change.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret_key.as_bytes()) else {
        return String::new();
    };
    mac.update(string_to_sign.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Value of the `Authorization` header.
pub(crate) fn authorization_value(
    access_key: &str,
    signed_headers: &str,
    signature: &str,
) -> String {
    format!(
        "{ALGORITHM} Access={access_key}, SignedHeaders={signed_headers}, Signature={signature}"
    )
}

/// `Host` header value for a URL: the host, plus `:port` only when the port is not the scheme's
/// default (`Url::port` is `None` for a default port). IPv6 hosts keep their brackets.
fn host_value(url: &reqwest::Url) -> Option<String> {
    let host = url.host_str()?;
    Some(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    })
}

/// Whether a `Content-Type` value is `multipart/form-data` (case-insensitive, parameters ignored).
fn is_multipart_form_data(value: &HeaderValue) -> bool {
    const MULTIPART: &[u8] = b"multipart/form-data";
    let bytes = value.as_bytes();
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    bytes
        .get(start..start + MULTIPART.len())
        .is_some_and(|prefix| prefix.eq_ignore_ascii_case(MULTIPART))
}

/// Signs a request in place with an AK/SK pair.
///
/// Sets `Host` (from the URL; `:port` only for a non-default port) and `X-Sdk-Date: <sdk_date>`
/// (as produced by [`format_sdk_date`]), replacing any previous values. With [`Payload::Unsigned`] it
/// sets `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD`; with [`Payload::Bytes`] it removes any such header,
/// so the server hashes the body, which must be exactly those bytes. It then signs every header now on
/// the request (see the module docs for the exceptions) and sets `Authorization`, marked sensitive.
/// Re-signing an already signed request (for a retry) replaces the previous signature.
///
/// On error the request is left unchanged.
pub(crate) fn sign_request(
    request: &mut reqwest::Request,
    access_key: &str,
    secret_key: &str,
    sdk_date: &str,
    payload: Payload<'_>,
) -> Result<(), SignError> {
    let host = host_value(request.url()).ok_or(SignError::MissingHost)?;
    let host = HeaderValue::from_str(&host).map_err(|_| SignError::InvalidHeaderValue("Host"))?;
    let date =
        HeaderValue::from_str(sdk_date).map_err(|_| SignError::InvalidHeaderValue("X-Sdk-Date"))?;

    let mut headers: HeaderMap = request.headers().clone();
    headers.remove(AUTHORIZATION);
    headers.insert(HOST, host);
    headers.insert(HeaderName::from_static(X_SDK_DATE), date);
    let content_sha256 = HeaderName::from_static(X_SDK_CONTENT_SHA256);
    let payload_hash = match payload {
        Payload::Bytes(body) => {
            headers.remove(&content_sha256);
            hex_sha256(body)
        }
        Payload::Unsigned => {
            headers.insert(content_sha256, HeaderValue::from_static(UNSIGNED_PAYLOAD));
            UNSIGNED_PAYLOAD.to_owned()
        }
    };

    let to_sign: Vec<(&str, &str)> = headers
        .iter()
        .filter(|(name, value)| {
            **name != AUTHORIZATION && !(**name == CONTENT_TYPE && is_multipart_form_data(value))
        })
        // Non-UTF-8 values are left unsigned (see the module docs).
        .filter_map(|(name, value)| {
            std::str::from_utf8(value.as_bytes())
                .ok()
                .map(|value| (name.as_str(), value))
        })
        .collect();

    let url = request.url();
    let canonical = canonical_request(
        request.method().as_str(),
        url.path(),
        url.query().unwrap_or(""),
        &to_sign,
        &payload_hash,
    );
    let signature = signature(secret_key, &string_to_sign(sdk_date, &canonical));
    let authorization = authorization_value(access_key, &signed_headers(&to_sign), &signature);
    let mut authorization = HeaderValue::from_str(&authorization)
        .map_err(|_| SignError::InvalidHeaderValue("Authorization"))?;
    authorization.set_sensitive(true);

    headers.insert(AUTHORIZATION, authorization);
    *request.headers_mut() = headers;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    fn request(method: &str, url: &str) -> reqwest::Request {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("test method");
        reqwest::Request::new(method, reqwest::Url::parse(url).expect("test URL"))
    }

    fn header<'a>(request: &'a reqwest::Request, name: &str) -> Option<&'a str> {
        request
            .headers()
            .get(name)
            .map(|v| v.to_str().expect("ASCII header"))
    }

    /// `SignedHeaders=...` part of the Authorization header.
    fn signed_list(request: &reqwest::Request) -> String {
        let auth = header(request, "authorization").expect("signed");
        let start = auth.find("SignedHeaders=").expect("SignedHeaders") + "SignedHeaders=".len();
        let rest = &auth[start..];
        rest[..rest.find(',').expect("comma")].to_owned()
    }

    // ---- test vectors -------------------------------------------------------------------------

    const GUIDE_SK: &str = "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc";
    const GUIDE_SIGNATURE: &str =
        "7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe";

    #[test]
    fn guide_worked_example_helpers() {
        let headers = [
            ("Content-Type", "application/json"),
            ("Host", "service.region.example.com"),
            ("X-Sdk-Date", "20191115T033655Z"),
        ];
        let canonical = canonical_request(
            "GET",
            "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs",
            "limit=2&marker=13551d6b-755d-4757-b956-536f674975c0",
            &headers,
            EMPTY_SHA256,
        );
        assert_eq!(
            canonical,
            "GET\n\
             /v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs/\n\
             limit=2&marker=13551d6b-755d-4757-b956-536f674975c0\n\
             content-type:application/json\n\
             host:service.region.example.com\n\
             x-sdk-date:20191115T033655Z\n\
             \n\
             content-type;host;x-sdk-date\n\
             e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            hex_sha256(canonical.as_bytes()),
            "b25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a"
        );
        assert_eq!(signed_headers(&headers), "content-type;host;x-sdk-date");
        let sts = string_to_sign("20191115T033655Z", &canonical);
        assert_eq!(
            sts,
            "SDK-HMAC-SHA256\n20191115T033655Z\n\
             b25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a"
        );
        assert_eq!(signature(GUIDE_SK, &sts), GUIDE_SIGNATURE);
    }

    #[test]
    fn guide_worked_example_sign_request() {
        let mut req = request(
            "GET",
            "https://service.region.example.com/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs?limit=2&marker=13551d6b-755d-4757-b956-536f674975c0",
        );
        req.headers_mut()
            .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        sign_request(
            &mut req,
            "AK",
            GUIDE_SK,
            "20191115T033655Z",
            Payload::Bytes(b""),
        )
        .expect("sign");
        assert_eq!(header(&req, "host"), Some("service.region.example.com"));
        assert_eq!(header(&req, "x-sdk-date"), Some("20191115T033655Z"));
        assert_eq!(header(&req, "x-sdk-content-sha256"), None);
        assert_eq!(
            header(&req, "authorization"),
            Some(
                "SDK-HMAC-SHA256 Access=AK, SignedHeaders=content-type;host;x-sdk-date, \
                 Signature=7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe"
            )
        );
        assert!(req
            .headers()
            .get(AUTHORIZATION)
            .is_some_and(HeaderValue::is_sensitive));
    }

    #[test]
    fn sdk_vector_a_get() {
        let headers = [("X-Sdk-Date", "20060102T150405Z")];
        let canonical = canonical_request("GET", "/path", "limit=1", &headers, EMPTY_SHA256);
        assert_eq!(
            canonical,
            format!(
                "GET\n/path/\nlimit=1\nx-sdk-date:20060102T150405Z\n\nx-sdk-date\n{EMPTY_SHA256}"
            )
        );
        let sig = signature("SecretKey", &string_to_sign("20060102T150405Z", &canonical));
        assert_eq!(
            authorization_value("AccessKey", &signed_headers(&headers), &sig),
            "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, \
             Signature=5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624"
        );
    }

    #[test]
    fn sdk_vector_b_post_with_body() {
        let body = b"{\"Name\":\"test\",\"Id\":1}\n";
        let headers = [("X-Sdk-Date", "20060102T150405Z")];
        let canonical =
            canonical_request("POST", "/path", "key=value", &headers, &hex_sha256(body));
        let sig = signature("SecretKey", &string_to_sign("20060102T150405Z", &canonical));
        assert_eq!(
            sig,
            "cecc2af119b18ab70b4d094c0750f3b42c02f254903179a0fc2cc72fc9db4f59"
        );
    }

    // ---- dates --------------------------------------------------------------------------------

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn date_formatting() {
        assert_eq!(format_sdk_date(at(1_573_789_015)), "20191115T033655Z");
        assert_eq!(format_sdk_date(UNIX_EPOCH), "19700101T000000Z");
        // Leap day in a leap year, last second of the day.
        assert_eq!(format_sdk_date(at(1_709_251_199)), "20240229T235959Z");
        // 2000 is a leap year (divisible by 400), 2100 is not.
        assert_eq!(format_sdk_date(at(951_782_400)), "20000229T000000Z");
        assert_eq!(format_sdk_date(at(4_107_542_400)), "21000301T000000Z");
        // Sub-seconds are truncated.
        assert_eq!(
            format_sdk_date(at(1_573_789_015) + Duration::from_millis(999)),
            "20191115T033655Z"
        );
        // Before the epoch: rounded down.
        assert_eq!(
            format_sdk_date(UNIX_EPOCH - Duration::from_secs(1)),
            "19691231T235959Z"
        );
        assert_eq!(
            format_sdk_date(UNIX_EPOCH - Duration::from_millis(500)),
            "19691231T235959Z"
        );
    }

    #[test]
    fn date_formatting_extremes_do_not_panic() {
        assert_eq!(format_sdk_date(at(253_402_300_799)), "99991231T235959Z");
        for secs in [u64::MAX, i64::MAX as u64, 1 << 62, 1 << 40] {
            let d = Duration::from_secs(secs);
            if let Some(t) = UNIX_EPOCH.checked_add(d) {
                assert!(format_sdk_date(t).ends_with('Z'));
            }
            if let Some(t) = UNIX_EPOCH.checked_sub(d) {
                assert!(format_sdk_date(t).ends_with('Z'));
            }
        }
    }

    // ---- canonical URI ------------------------------------------------------------------------

    #[test]
    fn uri_trailing_slash_added_once() {
        assert_eq!(canonical_uri("/v1/x"), "/v1/x/");
        assert_eq!(canonical_uri("/v1/x/"), "/v1/x/");
        assert_eq!(canonical_uri("/"), "/");
        assert_eq!(canonical_uri(""), "/");
    }

    #[test]
    fn uri_percent_encoded_segments_and_spaces() {
        // Already-encoded input is decoded first, then re-encoded (upper-case hex): no double encoding.
        assert_eq!(canonical_uri("/v1/p%20x/a"), "/v1/p%20x/a/");
        assert_eq!(canonical_uri("/v1/p%2a%3a"), "/v1/p%2A%3A/");
        assert_eq!(canonical_uri("/v1/a%25b"), "/v1/a%25b/");
        // Reserved characters a URL leaves unencoded get encoded.
        assert_eq!(
            canonical_uri("/v1/a:b@c!$&'()*+,;="),
            "/v1/a%3Ab%40c%21%24%26%27%28%29%2A%2B%2C%3B%3D/"
        );
        // Non-ASCII: UTF-8 bytes, encoded or not.
        assert_eq!(canonical_uri("/v1/%E4%B8%80"), "/v1/%E4%B8%80/");
        assert_eq!(canonical_uri("/v1/一"), "/v1/%E4%B8%80/");
        // An encoded slash is a separator once decoded (as in the SDKs).
        assert_eq!(canonical_uri("/v1/a%2Fb"), "/v1/a/b/");
        // Malformed escapes are kept literally (and the `%` encoded).
        assert_eq!(canonical_uri("/v1/100%"), "/v1/100%25/");
        assert_eq!(canonical_uri("/v1/%zz"), "/v1/%25zz/");
        // Empty segments are kept.
        assert_eq!(canonical_uri("/v1//x"), "/v1//x/");
    }

    #[test]
    fn uri_unreserved_left_alone() {
        assert_eq!(canonical_uri("/AZaz09-_.~/x"), "/AZaz09-_.~/x/");
        // Encoded unreserved characters are decoded.
        assert_eq!(canonical_uri("/%41%7E%2D"), "/A~-/");
    }

    // ---- canonical query ----------------------------------------------------------------------

    #[test]
    fn query_empty() {
        assert_eq!(canonical_query(""), "");
        assert_eq!(canonical_query("&&"), "");
    }

    #[test]
    fn query_sorted_by_key_then_value() {
        assert_eq!(
            canonical_query("marker=x&limit=2&b=2&a=z&b=1&a=y"),
            "a=y&a=z&b=1&b=2&limit=2&marker=x"
        );
        // Sorting is by byte, so upper case sorts before lower case.
        assert_eq!(canonical_query("b=1&B=2&a=3"), "B=2&a=3&b=1");
    }

    #[test]
    fn query_encoding() {
        // Decoded, then encoded with the unreserved set (same as the Go SDK's own test vector).
        assert_eq!(
            canonical_query("test=%E4%B8%80%20(%26%3D%3F!%23%25.*)&path=/tmp/123"),
            "path=%2Ftmp%2F123&test=%E4%B8%80%20%28%26%3D%3F%21%23%25.%2A%29"
        );
        assert_eq!(canonical_query("q=a%20b&r=a~b"), "q=a%20b&r=a~b");
        // `+` is a literal plus.
        assert_eq!(canonical_query("q=a+b"), "q=a%2Bb");
        // Missing value, empty value, `=` inside the value.
        assert_eq!(canonical_query("flag&x=&y=a=b"), "flag=&x=&y=a%3Db");
    }

    // ---- sign_request -------------------------------------------------------------------------

    #[test]
    fn signs_all_headers_present() {
        let mut req = request("post", "https://example.com/v1/items");
        let headers = req.headers_mut();
        headers.insert("X-Project-Id", HeaderValue::from_static("p1"));
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.insert(AUTHORIZATION, HeaderValue::from_static("stale"));
        sign_request(
            &mut req,
            "AK",
            "SK",
            "20200101T000000Z",
            Payload::Bytes(b"{}"),
        )
        .expect("sign");
        assert_eq!(
            signed_list(&req),
            "content-type;host;x-project-id;x-sdk-date"
        );
        // The Authorization value is exactly what the helpers compute.
        let canonical = canonical_request(
            "POST",
            "/v1/items",
            "",
            &[
                ("content-type", "application/json"),
                ("host", "example.com"),
                ("x-project-id", "p1"),
                ("x-sdk-date", "20200101T000000Z"),
            ],
            &hex_sha256(b"{}"),
        );
        let sig = signature("SK", &string_to_sign("20200101T000000Z", &canonical));
        assert_eq!(
            header(&req, "authorization"),
            Some(
                authorization_value("AK", "content-type;host;x-project-id;x-sdk-date", &sig)
                    .as_str()
            )
        );
    }

    #[test]
    fn multipart_content_type_not_signed() {
        let mut req = request("POST", "https://example.com/upload");
        req.headers_mut().insert(
            CONTENT_TYPE,
            HeaderValue::from_static("multipart/form-data; boundary=abc123"),
        );
        sign_request(&mut req, "AK", "SK", "20200101T000000Z", Payload::Unsigned).expect("sign");
        assert_eq!(signed_list(&req), "host;x-sdk-content-sha256;x-sdk-date");
        assert_eq!(header(&req, "x-sdk-content-sha256"), Some(UNSIGNED_PAYLOAD));
        // The content-type itself is still sent.
        assert_eq!(
            header(&req, "content-type"),
            Some("multipart/form-data; boundary=abc123")
        );

        // Case-insensitive match; other content types are signed.
        let mut req = request("POST", "https://example.com/upload");
        req.headers_mut().insert(
            CONTENT_TYPE,
            HeaderValue::from_static("Multipart/Form-Data; boundary=x"),
        );
        sign_request(&mut req, "AK", "SK", "20200101T000000Z", Payload::Unsigned).expect("sign");
        assert_eq!(signed_list(&req), "host;x-sdk-content-sha256;x-sdk-date");
        let mut req = request("POST", "https://example.com/upload");
        req.headers_mut().insert(
            CONTENT_TYPE,
            HeaderValue::from_static("application/octet-stream"),
        );
        sign_request(&mut req, "AK", "SK", "20200101T000000Z", Payload::Unsigned).expect("sign");
        assert_eq!(
            signed_list(&req),
            "content-type;host;x-sdk-content-sha256;x-sdk-date"
        );
    }

    #[test]
    fn unsigned_payload_hash_used() {
        let mut req = request("PUT", "https://example.com/f");
        sign_request(&mut req, "AK", "SK", "20200101T000000Z", Payload::Unsigned).expect("sign");
        let canonical = canonical_request(
            "PUT",
            "/f",
            "",
            &[
                ("host", "example.com"),
                ("x-sdk-content-sha256", UNSIGNED_PAYLOAD),
                ("x-sdk-date", "20200101T000000Z"),
            ],
            UNSIGNED_PAYLOAD,
        );
        assert!(canonical.ends_with("\nUNSIGNED-PAYLOAD"));
        let sig = signature("SK", &string_to_sign("20200101T000000Z", &canonical));
        assert!(header(&req, "authorization").is_some_and(|a| a.ends_with(&sig)));
    }

    #[test]
    fn bytes_payload_removes_stale_content_sha256() {
        let mut req = request("PUT", "https://example.com/f");
        sign_request(&mut req, "AK", "SK", "20200101T000000Z", Payload::Unsigned).expect("sign");
        sign_request(
            &mut req,
            "AK",
            "SK",
            "20200101T000001Z",
            Payload::Bytes(b"x"),
        )
        .expect("re-sign");
        assert_eq!(header(&req, "x-sdk-content-sha256"), None);
        assert_eq!(header(&req, "x-sdk-date"), Some("20200101T000001Z"));
        assert_eq!(signed_list(&req), "host;x-sdk-date");
        assert_eq!(req.headers().get_all(AUTHORIZATION).iter().count(), 1);
    }

    #[test]
    fn host_with_non_default_port() {
        let mut req = request("GET", "http://127.0.0.1:8080/v1/x");
        sign_request(
            &mut req,
            "AK",
            "SK",
            "20200101T000000Z",
            Payload::Bytes(b""),
        )
        .expect("sign");
        assert_eq!(header(&req, "host"), Some("127.0.0.1:8080"));

        let mut req = request("GET", "https://example.com:8443/v1/x");
        sign_request(
            &mut req,
            "AK",
            "SK",
            "20200101T000000Z",
            Payload::Bytes(b""),
        )
        .expect("sign");
        assert_eq!(header(&req, "host"), Some("example.com:8443"));

        // Default ports are left out, even when written explicitly.
        let mut req = request("GET", "https://example.com:443/v1/x");
        sign_request(
            &mut req,
            "AK",
            "SK",
            "20200101T000000Z",
            Payload::Bytes(b""),
        )
        .expect("sign");
        assert_eq!(header(&req, "host"), Some("example.com"));
        let mut req = request("GET", "http://example.com:80/v1/x");
        sign_request(
            &mut req,
            "AK",
            "SK",
            "20200101T000000Z",
            Payload::Bytes(b""),
        )
        .expect("sign");
        assert_eq!(header(&req, "host"), Some("example.com"));

        // IPv6 keeps its brackets; a stale Host header is replaced.
        let mut req = request("GET", "http://[::1]:9000/");
        req.headers_mut()
            .insert(HOST, HeaderValue::from_static("wrong.example"));
        sign_request(
            &mut req,
            "AK",
            "SK",
            "20200101T000000Z",
            Payload::Bytes(b""),
        )
        .expect("sign");
        assert_eq!(header(&req, "host"), Some("[::1]:9000"));
    }

    #[test]
    fn percent_encoded_request_path_and_query() {
        let mut req = request("GET", "https://example.com/v1/p x/a%2Ab?q=a b&k=%7E");
        // The url crate encodes the space in the path as %20 (and in the query as %20 too).
        assert_eq!(req.url().path(), "/v1/p%20x/a%2Ab");
        sign_request(
            &mut req,
            "AK",
            "SK",
            "20200101T000000Z",
            Payload::Bytes(b""),
        )
        .expect("sign");
        let canonical = canonical_request(
            "GET",
            "/v1/p%20x/a%2Ab",
            "k=~&q=a%20b",
            &[("host", "example.com"), ("x-sdk-date", "20200101T000000Z")],
            EMPTY_SHA256,
        );
        assert!(canonical.starts_with("GET\n/v1/p%20x/a%2Ab/\nk=~&q=a%20b\n"));
        let sig = signature("SK", &string_to_sign("20200101T000000Z", &canonical));
        assert!(header(&req, "authorization").is_some_and(|a| a.ends_with(&sig)));
    }

    #[test]
    fn non_utf8_header_values_are_skipped() {
        let mut req = request("GET", "https://example.com/");
        let headers = req.headers_mut();
        headers.insert(
            "x-binary",
            HeaderValue::from_bytes(b"caf\xe9").expect("obs-text is a valid header value"),
        );
        headers.insert(
            "x-utf8",
            HeaderValue::from_bytes("café".as_bytes()).expect("valid header value"),
        );
        sign_request(
            &mut req,
            "AK",
            "SK",
            "20200101T000000Z",
            Payload::Bytes(b""),
        )
        .expect("sign");
        assert_eq!(signed_list(&req), "host;x-sdk-date;x-utf8");
        assert!(req.headers().contains_key("x-binary"));
    }

    #[test]
    fn header_values_trimmed_and_duplicates_listed_once() {
        let headers = [("X-A", "  v  "), ("x-b", "2"), ("X-B", "1")];
        assert_eq!(signed_headers(&headers), "x-a;x-b");
        let canonical = canonical_request("get", "/", "", &headers, "h");
        assert_eq!(canonical, "GET\n/\n\nx-a:v\nx-b:1\nx-b:2\n\nx-a;x-b\nh");
    }

    #[test]
    fn invalid_inputs_are_errors_not_panics() {
        let mut req = request("GET", "https://example.com/");
        let before = req.headers().clone();
        assert_eq!(
            sign_request(&mut req, "AK", "SK", "bad\ndate", Payload::Bytes(b"")),
            Err(SignError::InvalidHeaderValue("X-Sdk-Date"))
        );
        let err = sign_request(
            &mut req,
            "A\nK",
            "top-secret",
            "20200101T000000Z",
            Payload::Bytes(b""),
        )
        .expect_err("invalid access key");
        assert_eq!(err, SignError::InvalidHeaderValue("Authorization"));
        assert!(!err.to_string().contains("top-secret"));
        assert_eq!(req.headers(), &before);

        let mut req = request("GET", "unix:/run/socket");
        assert_eq!(
            sign_request(
                &mut req,
                "AK",
                "SK",
                "20200101T000000Z",
                Payload::Bytes(b"")
            ),
            Err(SignError::MissingHost)
        );

        // Odd but valid inputs sign fine.
        let mut req = request("GET", "https://example.com/%FF%/?%=%&=&&a");
        sign_request(
            &mut req,
            "",
            "",
            "20200101T000000Z",
            Payload::Bytes(&[0xff, 0]),
        )
        .expect("sign");
    }

    #[test]
    fn signature_is_keyed_hmac() {
        // RFC 4231 test case 2.
        assert_eq!(
            signature("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_eq!(hex_sha256(b""), EMPTY_SHA256);
    }
}
