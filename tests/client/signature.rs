//! Server-side verification of Huawei Cloud AK/SK (`SDK-HMAC-SHA256`) request signatures, for the
//! integration tests that run the client against a local HTTP server.
//!
//! Written from the published algorithm, independently of the client's `src/signing.rs`, the way a
//! gateway would check a request it received: parse `Authorization`, rebuild the canonical request from
//! the raw request-target, the headers listed in `SignedHeaders` and the payload hash, and compare
//! HMAC-SHA256 signatures. Errors say what was wrong; they never contain the secret key.
//!
//! Canonicalization, as in the official SDKs: the path is percent-decoded, split on `/`, each segment
//! re-encoded (unreserved `A-Z a-z 0-9 - _ . ~` kept, everything else `%XX` upper-case) and a trailing
//! `/` added; query pairs are percent-decoded (`+` stays a plus), sorted by key then value and
//! re-encoded; a signed header received several times gives one `name:value` line per value, sorted.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// The only algorithm accepted.
pub const ALGORITHM: &str = "SDK-HMAC-SHA256";

/// The parsed `Authorization` header of a signed request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization {
    pub access_key: String,
    /// Lower-case header names, in the order given (which must be sorted).
    pub signed_headers: Vec<String>,
    /// Lower-case hex.
    pub signature: String,
}

/// Parses `SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<a;b;c>, Signature=<hex>`.
pub fn parse_authorization(value: &str) -> Result<Authorization, String> {
    let value = value.trim();
    let (algorithm, params) = value
        .split_once(' ')
        .ok_or_else(|| format!("Authorization header {value:?} has no parameters"))?;
    if algorithm != ALGORITHM {
        return Err(format!(
            "Authorization algorithm is {algorithm:?}, expected {ALGORITHM:?}"
        ));
    }

    let mut access_key = None;
    let mut signed_headers = None;
    let mut signature = None;
    for param in params.split(',') {
        let param = param.trim();
        let (key, val) = param
            .split_once('=')
            .ok_or_else(|| format!("Authorization parameter {param:?} is not key=value"))?;
        let slot = match key {
            "Access" => &mut access_key,
            "SignedHeaders" => &mut signed_headers,
            "Signature" => &mut signature,
            other => return Err(format!("unknown Authorization parameter {other:?}")),
        };
        if slot.replace(val.to_string()).is_some() {
            return Err(format!("Authorization parameter {key} given twice"));
        }
    }

    let access_key = access_key.ok_or("Authorization has no Access parameter")?;
    if access_key.is_empty() {
        return Err("Authorization has an empty Access parameter".to_string());
    }
    let signature = signature.ok_or("Authorization has no Signature parameter")?;
    if signature.len() != 64
        || !signature
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return Err(format!(
            "Signature {signature:?} is not 64 lower-case hex digits"
        ));
    }
    let signed_headers = signed_headers.ok_or("Authorization has no SignedHeaders parameter")?;
    let signed_headers: Vec<String> = signed_headers.split(';').map(str::to_string).collect();
    for name in &signed_headers {
        if name.is_empty() {
            return Err(format!(
                "SignedHeaders {:?} contains an empty name",
                signed_headers.join(";")
            ));
        }
        if *name != name.to_ascii_lowercase() {
            return Err(format!("SignedHeaders name {name:?} is not lower-case"));
        }
    }
    for pair in signed_headers.windows(2) {
        if pair[0] >= pair[1] {
            return Err(format!(
                "SignedHeaders {:?} is not sorted and de-duplicated ({:?} before {:?})",
                signed_headers.join(";"),
                pair[0],
                pair[1]
            ));
        }
    }

    Ok(Authorization {
        access_key,
        signed_headers,
        signature,
    })
}

/// Splits a raw request-target (origin-form `/p?q`, or absolute-form `http://host/p?q`) into its raw
/// path and raw query (`""` when there is none). Any fragment is dropped.
pub fn split_target(target: &str) -> (&str, &str) {
    let mut rest = target;
    if let Some(hash) = rest.find('#') {
        rest = &rest[..hash];
    }
    if let Some(scheme_end) = rest.find("://") {
        let after = &rest[scheme_end + 3..];
        rest = match after.find(['/', '?']) {
            Some(i) => &after[i..],
            None => "",
        };
    }
    match rest.split_once('?') {
        Some((path, query)) => (path, query),
        None => (rest, ""),
    }
}

fn hex_digit(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Percent-decodes to bytes; a `%` not followed by two hex digits is kept as it is.
pub fn percent_decode(s: &str) -> Vec<u8> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(hi), Some(lo)) = (hex_digit(bytes[i + 1]), hex_digit(bytes[i + 2])) {
                out.push(hi << 4 | lo);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

/// Percent-encodes everything but `A-Z a-z 0-9 - _ . ~`, with upper-case hex.
pub fn percent_encode(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0x0f)]));
        }
    }
    out
}

/// Canonical URI of a raw request path.
pub fn canonical_uri(raw_path: &str) -> String {
    let decoded = percent_decode(raw_path);
    let segments: Vec<String> = decoded.split(|&b| b == b'/').map(percent_encode).collect();
    let mut uri = segments.join("/");
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

/// Canonical query string of a raw query (without the `?`).
pub fn canonical_query(raw_query: &str) -> String {
    let mut params: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
    for param in raw_query.split('&') {
        if param.is_empty() {
            continue;
        }
        let (key, value) = match param.find('=') {
            Some(eq) => (&param[..eq], &param[eq + 1..]),
            None => (param, ""),
        };
        params.push((percent_decode(key), percent_decode(value)));
    }
    params.sort();
    let encoded: Vec<String> = params
        .iter()
        .map(|(k, v)| percent_encode(k) + "=" + &percent_encode(v))
        .collect();
    encoded.join("&")
}

/// All values received for a header, by case-insensitive name.
fn header_values<'a>(headers: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
        .collect()
}

fn single_header<'a>(
    headers: &'a [(String, String)],
    name: &str,
) -> Result<Option<&'a str>, String> {
    match header_values(headers, name).as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one.trim())),
        many => Err(format!("header {name} received {} times", many.len())),
    }
}

fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// Checks that `X-Sdk-Date` looks like `YYYYMMDDTHHMMSSZ`.
pub fn check_sdk_date(value: &str) -> Result<(), String> {
    let b = value.as_bytes();
    let ok = b.len() == 16
        && b[..8].iter().all(u8::is_ascii_digit)
        && b[8] == b'T'
        && b[9..15].iter().all(u8::is_ascii_digit)
        && b[15] == b'Z';
    if ok {
        Ok(())
    } else {
        Err(format!(
            "X-Sdk-Date {value:?} is not in the form YYYYMMDDTHHMMSSZ"
        ))
    }
}

/// Builds the canonical request the server expects, from what it received.
pub fn build_canonical_request(
    method: &str,
    target: &str,
    headers: &[(String, String)],
    signed_headers: &[String],
    payload_hash: &str,
) -> Result<String, String> {
    let (path, query) = split_target(target);
    let mut canonical_headers = String::new();
    for name in signed_headers {
        let mut values: Vec<&str> = header_values(headers, name)
            .into_iter()
            .map(str::trim)
            .collect();
        if values.is_empty() {
            return Err(format!(
                "signed header {name:?} is not present in the request"
            ));
        }
        values.sort_unstable();
        for value in values {
            canonical_headers.push_str(name);
            canonical_headers.push(':');
            canonical_headers.push_str(value);
            canonical_headers.push('\n');
        }
    }
    Ok([
        method.to_ascii_uppercase(),
        canonical_uri(path),
        canonical_query(query),
        canonical_headers,
        signed_headers.join(";"),
        payload_hash.to_string(),
    ]
    .join("\n"))
}

/// Verifies the AK/SK signature of a received request.
///
/// `target` is the raw request-target as received (e.g. `/v1/p%20x/a?b=c`), `headers` the received
/// headers (any case), `body` the received body bytes, and `secret_for` maps an access key to its
/// secret key (`None`: unknown key).
pub fn verify_signature(
    method: &str,
    target: &str,
    headers: &[(String, String)],
    body: &[u8],
    secret_for: impl Fn(&str) -> Option<String>,
) -> Result<(), String> {
    let authorization =
        single_header(headers, "authorization")?.ok_or("request has no Authorization header")?;
    let auth = parse_authorization(authorization)?;

    for required in ["host", "x-sdk-date"] {
        if !auth.signed_headers.iter().any(|h| h == required) {
            return Err(format!(
                "SignedHeaders {:?} does not include {required}",
                auth.signed_headers.join(";")
            ));
        }
    }
    for name in &auth.signed_headers {
        if header_values(headers, name).is_empty() {
            return Err(format!(
                "signed header {name:?} is not present in the request"
            ));
        }
    }

    let sdk_date =
        single_header(headers, "x-sdk-date")?.ok_or("request has no X-Sdk-Date header")?;
    check_sdk_date(sdk_date)?;
    single_header(headers, "host")?;

    let payload_hash = match single_header(headers, "x-sdk-content-sha256")? {
        Some(value) => {
            if !auth
                .signed_headers
                .iter()
                .any(|h| h == "x-sdk-content-sha256")
            {
                return Err(
                    "X-Sdk-Content-Sha256 is sent but not listed in SignedHeaders".to_string(),
                );
            }
            value.to_string()
        }
        None => sha256_hex(body),
    };

    let secret = secret_for(&auth.access_key)
        .ok_or_else(|| format!("unknown access key {:?}", auth.access_key))?;

    let canonical =
        build_canonical_request(method, target, headers, &auth.signed_headers, &payload_hash)?;
    let string_to_sign = format!(
        "{ALGORITHM}\n{sdk_date}\n{}",
        sha256_hex(canonical.as_bytes())
    );

    let received = hex::decode(&auth.signature)
        .map_err(|_| format!("Signature {:?} is not hex", auth.signature))?;
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .map_err(|_| "cannot initialise HMAC with the secret key".to_string())?;
    mac.update(string_to_sign.as_bytes());
    mac.verify_slice(&received).map_err(|_| {
        format!(
            "signature mismatch for access key {:?} (SignedHeaders={}); the server's \
             canonical request was:\n{canonical}\n--- string to sign:\n{string_to_sign}",
            auth.access_key,
            auth.signed_headers.join(";")
        )
    })
}
