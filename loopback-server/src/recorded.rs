//! What the server received: each request as a [`RecordedRequest`], exactly as it came.

use crate::multipart::{parse_header_params, parse_multipart, MultipartPart};

/// One request as received by the server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedRequest {
    /// Method, as sent.
    pub method: String,
    /// Raw request-target, exactly as on the wire (path and query, still percent-encoded).
    pub target: String,
    /// Raw path: the request-target before the first `?`, still percent-encoded.
    pub path: String,
    /// Query parameters in order, percent-decoded (`+` is decoded as a space, as HTML forms and
    /// most servers do; use `target` to see the raw form). A parameter without `=` has an empty
    /// value.
    pub query: Vec<(String, String)>,
    /// Header fields in order, names spelled as sent, values without surrounding whitespace.
    pub headers: Vec<(String, String)>,
    /// Decoded body (de-chunked if needed); only its first bytes with
    /// [`KeepBody::Ends`](crate::KeepBody::Ends).
    pub body: Vec<u8>,
    /// The last bytes of the body with [`KeepBody::Ends`](crate::KeepBody::Ends); empty otherwise.
    pub body_tail: Vec<u8>,
    /// Number of decoded body bytes, always set.
    pub body_len: u64,
    /// Index of the TCP connection the request came on (0 for the first accepted connection).
    pub connection: u64,
}

impl RecordedRequest {
    /// Value of the first header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Values of all headers with this name (case-insensitive), in order.
    pub fn header_all(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// Value of the first query parameter with this (decoded) name.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body as UTF-8, if it is.
    pub fn body_str(&self) -> Option<&str> {
        std::str::from_utf8(&self.body).ok()
    }

    /// Parses a `multipart/form-data` body, strictly.
    ///
    /// The boundary comes from the `Content-Type` header. The body must start with the first
    /// delimiter (no preamble), each part needs a `Content-Disposition: form-data` header with a
    /// `name` (`name*=utf-8''…` is decoded too), and the body must end with the close delimiter,
    /// optionally followed by a single CRLF. Anything else is an error.
    pub fn multipart(&self) -> Result<Vec<MultipartPart>, String> {
        let content_type = self
            .header("content-type")
            .ok_or("request has no Content-Type header")?;
        let (mime, params) = parse_header_params(content_type)?;
        if !mime.eq_ignore_ascii_case("multipart/form-data") {
            return Err(format!("Content-Type is {mime:?}, not multipart/form-data"));
        }
        let boundary = params
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("boundary"))
            .map(|(_, v)| v.as_str())
            .ok_or("Content-Type has no boundary parameter")?;
        if boundary.is_empty() || boundary.len() > 70 {
            return Err(format!("invalid boundary length {}", boundary.len()));
        }
        parse_multipart(&self.body, boundary.as_bytes())
    }
}
