//! Parsing what a client sends: the request head (request line and header fields), how its body
//! is framed, chunk-size lines and query strings. Pure functions over bytes, so each rule is
//! tested here without a socket.

use std::io;

/// Why a connection stopped being served.
#[derive(Debug)]
pub(crate) enum ConnError {
    /// Socket error, or the peer went away: close silently (which error it was changes nothing).
    Closed,
    /// Malformed request: answer 400 with this reason, then close.
    BadRequest(String),
    /// Request head over 64 KiB: answer 431, then close.
    HeadTooLarge,
}

impl From<io::Error> for ConnError {
    fn from(_: io::Error) -> Self {
        ConnError::Closed
    }
}

pub(crate) fn bad(reason: impl Into<String>) -> ConnError {
    ConnError::BadRequest(reason.into())
}

/// Parses `chunk-size [ ; chunk-ext ]`.
pub(crate) fn parse_chunk_size(line: &[u8]) -> Result<u64, ConnError> {
    let digits_end = line
        .iter()
        .position(|b| !b.is_ascii_hexdigit())
        .unwrap_or(line.len());
    let (digits, rest) = line.split_at(digits_end);
    if digits.is_empty() || digits.len() > 16 {
        return Err(bad("invalid chunk size"));
    }
    let rest = trim_ows(rest);
    if !rest.is_empty() && rest[0] != b';' {
        return Err(bad("invalid chunk size line"));
    }
    let digits = std::str::from_utf8(digits).map_err(|_| bad("invalid chunk size"))?;
    u64::from_str_radix(digits, 16).map_err(|_| bad("invalid chunk size"))
}

#[derive(Debug, PartialEq, Eq)]
pub(crate) enum BodyFraming {
    None,
    Length(u64),
    Chunked,
}

#[derive(Clone)]
pub(crate) struct RequestHead {
    pub(crate) method: String,
    pub(crate) target: String,
    minor_version: u8,
    pub(crate) headers: Vec<(String, String)>,
}

impl RequestHead {
    /// Parses a request head without its final empty line.
    pub(crate) fn parse(head: &[u8]) -> Result<RequestHead, ConnError> {
        let mut lines = split_crlf(head).map(|line| {
            if line.iter().any(|&b| b == b'\r' || b == b'\n') {
                Err(bad("bare CR or LF in request head"))
            } else {
                Ok(line)
            }
        });
        let request_line = lines.next().ok_or_else(|| bad("empty request"))??;
        let mut parts = request_line.split(|&b| b == b' ');
        let (Some(method), Some(target), Some(version), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad("malformed request line"));
        };
        if method.is_empty() || !method.iter().all(|&b| is_tchar(b)) {
            return Err(bad("invalid method"));
        }
        if target.is_empty() || !target.iter().all(|&b| b.is_ascii_graphic()) {
            return Err(bad("invalid request-target"));
        }
        let minor_version = match version {
            b"HTTP/1.1" => 1,
            b"HTTP/1.0" => 0,
            _ => return Err(bad("unsupported HTTP version")),
        };
        let mut headers = Vec::new();
        for line in lines {
            headers.push(parse_header_line(line?)?);
        }
        Ok(RequestHead {
            // Both were checked to be ASCII above.
            method: String::from_utf8_lossy(method).into_owned(),
            target: String::from_utf8_lossy(target).into_owned(),
            minor_version,
            headers,
        })
    }

    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Comma-separated tokens of every header with this name, lower-cased.
    fn header_tokens(&self, name: &str) -> Vec<String> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .flat_map(|(_, v)| v.split(','))
            .map(|token| token.trim().to_ascii_lowercase())
            .filter(|token| !token.is_empty())
            .collect()
    }

    pub(crate) fn body_framing(&self) -> Result<BodyFraming, ConnError> {
        let encodings = self.header_tokens("transfer-encoding");
        let has_length = self.header("content-length").is_some();
        if !encodings.is_empty() {
            if has_length {
                return Err(bad("both Transfer-Encoding and Content-Length"));
            }
            if encodings != ["chunked"] {
                return Err(bad("unsupported Transfer-Encoding"));
            }
            return Ok(BodyFraming::Chunked);
        }
        if self
            .headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("transfer-encoding"))
        {
            return Err(bad("empty Transfer-Encoding"));
        }
        let mut length = None;
        for value in self.header_all("content-length") {
            for item in value.split(',') {
                let item = item.trim();
                if item.is_empty() || !item.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(bad("invalid Content-Length"));
                }
                let parsed: u64 = item.parse().map_err(|_| bad("invalid Content-Length"))?;
                if length.is_some_and(|previous| previous != parsed) {
                    return Err(bad("conflicting Content-Length values"));
                }
                length = Some(parsed);
            }
        }
        Ok(match length {
            Some(0) | None => BodyFraming::None,
            Some(len) => BodyFraming::Length(len),
        })
    }

    fn header_all(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    pub(crate) fn wants_close(&self) -> bool {
        let tokens = self.header_tokens("connection");
        if self.minor_version == 0 {
            !tokens.iter().any(|t| t == "keep-alive")
        } else {
            tokens.iter().any(|t| t == "close")
        }
    }
}

/// Parses `name: value` (no obsolete line folding); the value loses surrounding whitespace and is
/// decoded as UTF-8, lossily.
pub(crate) fn parse_header_line(line: &[u8]) -> Result<(String, String), ConnError> {
    let colon = line
        .iter()
        .position(|&b| b == b':')
        .ok_or_else(|| bad("header line without colon"))?;
    let (name, value) = (&line[..colon], &line[colon + 1..]);
    if name.is_empty() || !name.iter().all(|&b| is_tchar(b)) {
        return Err(bad("invalid header name"));
    }
    let value = trim_ows(value);
    if value.iter().any(|&b| (b < 0x20 && b != b'\t') || b == 0x7f) {
        return Err(bad("control character in header value"));
    }
    Ok((
        String::from_utf8_lossy(name).into_owned(),
        String::from_utf8_lossy(value).into_owned(),
    ))
}

/// `tchar` of RFC 9110 §5.6.2: the characters allowed in methods and header names.
pub(crate) fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

fn trim_ows(mut bytes: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = bytes {
        bytes = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = bytes {
        bytes = rest;
    }
    bytes
}

/// Splits on CRLF; `head` must not end with CRLF.
fn split_crlf(head: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = Some(head);
    std::iter::from_fn(move || {
        let current = rest?;
        match find(current, b"\r\n") {
            Some(i) => {
                rest = Some(&current[i + 2..]);
                Some(&current[..i])
            }
            None => {
                rest = None;
                Some(current)
            }
        }
    })
}

pub(crate) fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// Splits a query string on `&` and `=` and decodes each name and value.
pub(crate) fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode_query_component(name), decode_query_component(value))
        })
        .collect()
}

/// Percent-decodes, with `+` as a space; malformed escapes are kept as they are, and invalid
/// UTF-8 is replaced.
fn decode_query_component(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => match (
                bytes.get(i + 1).and_then(|&b| hex_value(b)),
                bytes.get(i + 2).and_then(|&b| hex_value(b)),
            ) {
                (Some(high), Some(low)) => {
                    out.push(high << 4 | low);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub(crate) fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reason a malformed head is refused with.
    fn refusal(head: &[u8]) -> String {
        match RequestHead::parse(head) {
            Err(ConnError::BadRequest(reason)) => reason,
            Err(other) => panic!("{other:?}"),
            Ok(parsed) => panic!("accepted {:?}", parsed.target),
        }
    }

    #[test]
    fn parses_the_request_line_and_headers_as_sent() {
        let head = RequestHead::parse(
            b"POST /v1/p%2Fq?a=1 HTTP/1.1\r\nHost: h\r\nX-Auth-Token:  tok \t\r\nx-b: 1\r\nX-B: 2",
        )
        .unwrap();
        assert_eq!(head.method, "POST");
        assert_eq!(head.target, "/v1/p%2Fq?a=1");
        assert_eq!(head.minor_version, 1);
        assert_eq!(
            head.headers,
            [
                ("Host".to_owned(), "h".to_owned()),
                ("X-Auth-Token".to_owned(), "tok".to_owned()),
                ("x-b".to_owned(), "1".to_owned()),
                ("X-B".to_owned(), "2".to_owned()),
            ]
        );
        assert_eq!(head.header("x-auth-token"), Some("tok"));
        assert_eq!(head.header_all("x-b"), ["1", "2"]);
    }

    #[test]
    fn refuses_malformed_heads() {
        assert_eq!(
            refusal(b"GET / HTTP/1.1\nHost: h"),
            "bare CR or LF in request head"
        );
        assert_eq!(refusal(b"GET /  HTTP/1.1"), "malformed request line");
        assert_eq!(refusal(b"GET / HTTP/1.1 extra"), "malformed request line");
        assert_eq!(refusal(b"G(T / HTTP/1.1"), "invalid method");
        assert_eq!(refusal(b"GET /\x7f HTTP/1.1"), "invalid request-target");
        assert_eq!(refusal(b"GET / HTTP/2.0"), "unsupported HTTP version");
        assert_eq!(
            refusal(b"GET / HTTP/1.1\r\nHost h"),
            "header line without colon"
        );
        assert_eq!(
            refusal(b"GET / HTTP/1.1\r\nBad Name: v"),
            "invalid header name"
        );
        assert_eq!(
            refusal(b"GET / HTTP/1.1\r\nX: a\x00b"),
            "control character in header value"
        );
    }

    fn framing(headers: &str) -> Result<BodyFraming, String> {
        let head = RequestHead::parse(format!("POST / HTTP/1.1{headers}").as_bytes()).unwrap();
        head.body_framing().map_err(|e| match e {
            ConnError::BadRequest(reason) => reason,
            other => panic!("{other:?}"),
        })
    }

    #[test]
    fn frames_bodies_by_length_or_chunks() {
        assert_eq!(framing(""), Ok(BodyFraming::None));
        assert_eq!(framing("\r\nContent-Length: 0"), Ok(BodyFraming::None));
        assert_eq!(
            framing("\r\nContent-Length: 12"),
            Ok(BodyFraming::Length(12))
        );
        assert_eq!(
            framing("\r\nContent-Length: 5, 5\r\nContent-Length: 5"),
            Ok(BodyFraming::Length(5))
        );
        assert_eq!(
            framing("\r\nTransfer-Encoding: Chunked"),
            Ok(BodyFraming::Chunked)
        );
        assert_eq!(
            framing("\r\nContent-Length: 5\r\nContent-Length: 6"),
            Err("conflicting Content-Length values".into())
        );
        assert_eq!(
            framing("\r\nContent-Length: -1"),
            Err("invalid Content-Length".into())
        );
        assert_eq!(
            framing("\r\nTransfer-Encoding: chunked\r\nContent-Length: 5"),
            Err("both Transfer-Encoding and Content-Length".into())
        );
        assert_eq!(
            framing("\r\nTransfer-Encoding: gzip, chunked"),
            Err("unsupported Transfer-Encoding".into())
        );
        assert_eq!(
            framing("\r\nTransfer-Encoding: "),
            Err("empty Transfer-Encoding".into())
        );
    }

    #[test]
    fn keeps_connections_alive_by_version_and_header() {
        let wants_close = |head: &[u8]| RequestHead::parse(head).unwrap().wants_close();
        assert!(!wants_close(b"GET / HTTP/1.1"));
        assert!(wants_close(
            b"GET / HTTP/1.1\r\nConnection: keep-alive, Close"
        ));
        assert!(wants_close(b"GET / HTTP/1.0"));
        assert!(!wants_close(b"GET / HTTP/1.0\r\nConnection: keep-alive"));
    }

    #[test]
    fn reads_chunk_sizes_with_extensions() {
        let size = |line: &[u8]| match parse_chunk_size(line) {
            Ok(size) => Ok(size),
            Err(ConnError::BadRequest(reason)) => Err(reason),
            Err(other) => panic!("{other:?}"),
        };
        assert_eq!(size(b"1a"), Ok(26));
        assert_eq!(size(b"FF ; name=value"), Ok(255));
        assert_eq!(size(b"0"), Ok(0));
        assert_eq!(size(b""), Err("invalid chunk size".into()));
        assert_eq!(size(b"12345678901234567"), Err("invalid chunk size".into()));
        assert_eq!(size(b"1a x"), Err("invalid chunk size line".into()));
    }

    #[test]
    fn decodes_queries_like_a_form_server() {
        assert_eq!(
            parse_query("a=1&b=x+y%20z&&c&%zz=%C3%BC&d=%4"),
            [
                ("a".to_owned(), "1".to_owned()),
                ("b".to_owned(), "x y z".to_owned()),
                ("c".to_owned(), String::new()),
                ("%zz".to_owned(), "ü".to_owned()),
                ("d".to_owned(), "%4".to_owned()),
            ]
        );
    }
}
