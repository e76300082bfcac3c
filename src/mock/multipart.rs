//! `multipart/form-data` bodies, parsed strictly into their parts, so that an expectation can
//! match an upload by part name, file name and content. (The workspace's test server has the same
//! parser; the mock keeps its own copy because a published crate cannot depend on a crate that is
//! not published.)

/// One part of a `multipart/form-data` request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part {
    /// The `name` parameter of `Content-Disposition`: the form field.
    pub name: String,
    /// The `filename` parameter of `Content-Disposition`, for a file part.
    pub file_name: Option<String>,
    /// The part's `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// The part's content, exactly.
    pub data: Vec<u8>,
}

impl Part {
    /// The content as text, if it is UTF-8.
    pub fn text(&self) -> Option<&str> {
        std::str::from_utf8(&self.data).ok()
    }

    /// The content read as JSON into `T` (for object-valued form fields).
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_slice(&self.data)
    }
}

/// The parts of a `multipart/form-data` request, in the order they were sent.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Form {
    /// Every part, in order.
    pub parts: Vec<Part>,
}

impl Form {
    /// The first part named `name`.
    pub fn part(&self, name: &str) -> Option<&Part> {
        self.parts.iter().find(|p| p.name == name)
    }
}

/// The boundary of a `multipart/form-data` content type, or why there is none.
pub(crate) fn boundary(content_type: Option<&str>) -> Result<String, String> {
    let content_type = content_type.ok_or("the request has no Content-Type")?;
    let (kind, params) = parse_header_params(content_type)?;
    if !kind.eq_ignore_ascii_case("multipart/form-data") {
        return Err(format!(
            "the Content-Type is `{kind}`, not multipart/form-data"
        ));
    }
    params
        .into_iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("boundary"))
        .map(|(_, value)| value)
        .ok_or_else(|| "the multipart Content-Type has no boundary".to_owned())
}

fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Splits a header value such as `form-data; name="a"; filename="b"` into its leading value and
/// its parameters (names as sent, values unquoted).
fn parse_header_params(value: &str) -> Result<(String, Vec<(String, String)>), String> {
    let (first, mut rest) = match value.find(';') {
        Some(i) => (&value[..i], &value[i..]),
        None => (value, ""),
    };
    let first = first.trim();
    if first.is_empty() {
        return Err(format!("empty value in {value:?}"));
    }
    let mut params = Vec::new();
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            break;
        }
        rest = rest
            .strip_prefix(';')
            .ok_or_else(|| format!("expected ';' in {value:?}"))?
            .trim_start();
        if rest.is_empty() {
            break;
        }
        let eq = rest
            .find('=')
            .ok_or_else(|| format!("parameter without '=' in {value:?}"))?;
        let name = rest[..eq].trim();
        if name.is_empty() || !name.bytes().all(is_tchar) {
            return Err(format!("invalid parameter name in {value:?}"));
        }
        rest = rest[eq + 1..].trim_start();
        let param_value;
        if let Some(quoted) = rest.strip_prefix('"') {
            let mut unquoted = String::new();
            let mut chars = quoted.char_indices();
            let mut end = None;
            while let Some((i, c)) = chars.next() {
                match c {
                    '"' => {
                        end = Some(i + 1);
                        break;
                    }
                    '\\' => match chars.next() {
                        Some((_, escaped)) => unquoted.push(escaped),
                        None => break,
                    },
                    c => unquoted.push(c),
                }
            }
            let end = end.ok_or_else(|| format!("unterminated quoted string in {value:?}"))?;
            param_value = unquoted;
            rest = &quoted[end..];
        } else {
            let end = rest.find(';').unwrap_or(rest.len());
            let token = rest[..end].trim();
            if token.is_empty() {
                return Err(format!("empty parameter value in {value:?}"));
            }
            param_value = token.to_owned();
            rest = &rest[end..];
        }
        params.push((name.to_owned(), param_value));
    }
    Ok((first.to_owned(), params))
}

/// Value of a parameter, preferring the RFC 8187 `name*=utf-8''…` form over the plain one.
fn disposition_param(params: &[(String, String)], name: &str) -> Result<Option<String>, String> {
    let extended = format!("{name}*");
    if let Some((_, value)) = params
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(&extended))
    {
        let mut pieces = value.splitn(3, '\'');
        let (Some(charset), Some(_language), Some(encoded)) =
            (pieces.next(), pieces.next(), pieces.next())
        else {
            return Err(format!("malformed extended parameter {extended}={value:?}"));
        };
        if !charset.eq_ignore_ascii_case("utf-8") {
            return Err(format!("unsupported charset {charset:?} in {extended}"));
        }
        let bytes = percent_decode_strict(encoded)
            .ok_or_else(|| format!("bad percent-encoding in {extended}={value:?}"))?;
        return String::from_utf8(bytes)
            .map(Some)
            .map_err(|_| format!("invalid UTF-8 in {extended}={value:?}"));
    }
    Ok(params
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.clone()))
}

fn percent_decode_strict(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let high = hex_value(*bytes.get(i + 1)?)?;
            let low = hex_value(*bytes.get(i + 2)?)?;
            out.push(high << 4 | low);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(out)
}

/// The parts of a `multipart/form-data` body whose boundary is `boundary`, or what is wrong with
/// it (naming the part).
pub(crate) fn parse_multipart(body: &[u8], boundary: &[u8]) -> Result<Vec<Part>, String> {
    let mut dash_boundary = b"--".to_vec();
    dash_boundary.extend_from_slice(boundary);
    let mut delimiter = b"\r\n".to_vec();
    delimiter.extend_from_slice(&dash_boundary);

    let mut rest = body
        .strip_prefix(dash_boundary.as_slice())
        .ok_or("body does not start with the boundary delimiter")?;
    let mut parts = Vec::new();
    loop {
        // After a delimiter: "--" closes, CRLF starts a part.
        if let Some(after) = rest.strip_prefix(b"--") {
            if after.is_empty() || after == b"\r\n" {
                return Ok(parts);
            }
            return Err(format!(
                "{} unexpected byte(s) after the close delimiter",
                after.len()
            ));
        }
        rest = rest
            .strip_prefix(b"\r\n")
            .ok_or_else(|| format!("part {}: delimiter not followed by CRLF", parts.len()))?;

        let index = parts.len();
        let headers_end = if rest.starts_with(b"\r\n") {
            0
        } else {
            find(rest, b"\r\n\r\n")
                .ok_or_else(|| format!("part {index}: headers not terminated"))?
                + 2
        };
        let header_block = std::str::from_utf8(&rest[..headers_end])
            .map_err(|_| format!("part {index}: headers are not UTF-8"))?;
        rest = &rest[headers_end + 2..];

        let mut headers = Vec::new();
        for line in header_block.split_terminator("\r\n") {
            let (name, value) = line
                .split_once(':')
                .ok_or_else(|| format!("part {index}: header line without colon: {line:?}"))?;
            if name.is_empty() || !name.bytes().all(is_tchar) {
                return Err(format!("part {index}: invalid header name {name:?}"));
            }
            headers.push((name.to_owned(), value.trim().to_owned()));
        }
        let header = |wanted: &str| {
            headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(wanted))
                .map(|(_, v)| v.clone())
        };
        let disposition = header("content-disposition")
            .ok_or_else(|| format!("part {index}: no Content-Disposition header"))?;
        let (kind, params) =
            parse_header_params(&disposition).map_err(|e| format!("part {index}: {e}"))?;
        if !kind.eq_ignore_ascii_case("form-data") {
            return Err(format!("part {index}: Content-Disposition is {kind:?}"));
        }
        let name = disposition_param(&params, "name")
            .map_err(|e| format!("part {index}: {e}"))?
            .ok_or_else(|| format!("part {index}: Content-Disposition has no name"))?;
        let file_name =
            disposition_param(&params, "filename").map_err(|e| format!("part {index}: {e}"))?;
        let content_type = header("content-type");

        let data_end = find(rest, &delimiter)
            .ok_or_else(|| format!("part {index} ({name:?}): no closing boundary"))?;
        parts.push(Part {
            name,
            file_name,
            content_type,
            data: rest[..data_end].to_vec(),
        });
        rest = &rest[data_end + delimiter.len()..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_a_form_into_its_parts() {
        let body = b"--XyZ\r\n\
            Content-Disposition: form-data; name=\"note\"\r\n\
            \r\n\
            a \"quoted\" line\r\n\
            --XyZ\r\n\
            Content-Disposition: form-data; name=\"uploadFile\"; filename=\"plain.json\"; filename*=utf-8''%C3%BC.json\r\n\
            Content-Type: application/json\r\n\
            \r\n\
            {\"a\":1} --XyZ\r\n\
            --XyZ--\r\n";
        let parts = parse_multipart(body, b"XyZ").unwrap();
        assert_eq!(
            parts,
            [
                Part {
                    name: "note".into(),
                    file_name: None,
                    content_type: None,
                    data: b"a \"quoted\" line".to_vec(),
                },
                Part {
                    name: "uploadFile".into(),
                    file_name: Some("\u{fc}.json".into()),
                    content_type: Some("application/json".into()),
                    data: b"{\"a\":1} --XyZ".to_vec(),
                },
            ]
        );
    }

    #[test]
    fn refuses_malformed_forms() {
        let refusal = |body: &[u8]| parse_multipart(body, b"B").unwrap_err();
        assert_eq!(
            refusal(b"preamble\r\n--B--"),
            "body does not start with the boundary delimiter"
        );
        assert_eq!(
            refusal(b"--B\r\nContent-Disposition: form-data\r\n\r\nx\r\n--B--"),
            "part 0: Content-Disposition has no name"
        );
        assert_eq!(
            refusal(b"--B\r\nContent-Disposition: form-data; name=a\r\n\r\nx"),
            "part 0 (\"a\"): no closing boundary"
        );
    }

    #[test]
    fn finds_the_boundary() {
        assert_eq!(
            boundary(Some("multipart/form-data; boundary=\"a b\"")),
            Ok("a b".to_owned())
        );
        assert_eq!(
            boundary(Some("application/json")),
            Err("the Content-Type is `application/json`, not multipart/form-data".to_owned())
        );
        assert_eq!(
            boundary(None),
            Err("the request has no Content-Type".to_owned())
        );
    }
}
