//! What generated code calls: a request described by operation, path template and parameters
//! ([`ApiRequest`]), sent by [`Client::execute`] with auth, timeouts and retries, and the answer
//! read per status ([`RawResponse`]). Logic lives here, once, so generated code stays thin.

use crate::client::{Client, Credentials};
use crate::error::{snippet, ApiError, Error};
use crate::response::{ByteStream, Response};
use crate::retry;
use crate::signing;
use crate::upload::UploadFile;
use crate::CallOptions;
use bytes::Bytes;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, CONTENT_LENGTH, CONTENT_TYPE};
use serde::de::DeserializeOwned;
use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, SystemTime};
use tokio::time::Instant;
use tracing::Instrument;

pub use reqwest::Method;

/// The future of a request builder's `.await`.
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// Everything but the unreserved characters of RFC 3986 (`A-Z a-z 0-9 - . _ ~`) is escaped, so a
/// value always stays one path segment or one query value.
const ESCAPED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

pub(crate) fn encode(value: &str) -> String {
    utf8_percent_encode(value, ESCAPED).to_string()
}

/// A value of a path, query or header parameter, or of a multipart text field.
pub trait ParamValue {
    /// Appends the value's text form; `None` appends nothing, a list appends one per item.
    fn param_values(&self, out: &mut Vec<String>);
}

impl ParamValue for str {
    fn param_values(&self, out: &mut Vec<String>) {
        out.push(self.to_owned());
    }
}

impl ParamValue for String {
    fn param_values(&self, out: &mut Vec<String>) {
        out.push(self.clone());
    }
}

macro_rules! display_param {
    ($($ty:ty),*) => {$(
        impl ParamValue for $ty {
            fn param_values(&self, out: &mut Vec<String>) {
                out.push(self.to_string());
            }
        }
    )*};
}
display_param!(bool, i32, i64, u32, u64, f32, f64);

impl ParamValue for serde_json::Value {
    fn param_values(&self, out: &mut Vec<String>) {
        match self {
            serde_json::Value::String(s) => out.push(s.clone()),
            other => out.push(other.to_string()),
        }
    }
}

impl<K: std::fmt::Display, V: ParamValue> ParamValue for std::collections::BTreeMap<K, V> {
    fn param_values(&self, out: &mut Vec<String>) {
        for (key, value) in self {
            let mut values = Vec::new();
            value.param_values(&mut values);
            for value in values {
                out.push(format!("{key}={value}"));
            }
        }
    }
}

impl<T: ParamValue> ParamValue for Option<T> {
    fn param_values(&self, out: &mut Vec<String>) {
        if let Some(value) = self {
            value.param_values(out);
        }
    }
}

impl<T: ParamValue> ParamValue for Vec<T> {
    fn param_values(&self, out: &mut Vec<String>) {
        for value in self {
            value.param_values(out);
        }
    }
}

impl<T: ParamValue + ?Sized> ParamValue for &T {
    fn param_values(&self, out: &mut Vec<String>) {
        (**self).param_values(out);
    }
}

fn values_of<V: ParamValue + ?Sized>(value: &V) -> Vec<String> {
    let mut out = Vec::new();
    value.param_values(&mut out);
    out
}

/// The conversions of a generated string enum, written once here rather than in every enum:
/// `as_str`, `From<String>`, `From<&str>`, `From<Enum> for String`, `Display` and
/// [`ParamValue`]. A value not listed lands in the catch-all variant named after `else`, and is
/// sent back as it came.
#[allow(unused_macros)] // a spec without enums does not use it
macro_rules! string_enum {
    ($name:ident { $($variant:ident = $value:literal,)* } else $other:ident) => {
        impl $name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $value,)*
                    Self::$other(value) => value,
                }
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                match value.as_str() {
                    $($value => Self::$variant,)*
                    _ => Self::$other(value),
                }
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self::from(value.to_owned())
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> Self {
                match value {
                    $name::$other(value) => value,
                    known => known.as_str().to_owned(),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::runtime::ParamValue for $name {
            fn param_values(&self, out: &mut Vec<String>) {
                out.push(self.as_str().to_owned());
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use string_enum;

enum RequestBody {
    Empty,
    Json(Bytes),
    Binary(UploadFile),
    Multipart(Vec<(&'static str, FormValue)>),
}

enum FormValue {
    Text(String),
    Json(String),
    File(UploadFile),
}

impl RequestBody {
    fn is_replayable(&self) -> bool {
        match self {
            RequestBody::Empty | RequestBody::Json(_) => true,
            RequestBody::Binary(file) => file.is_replayable(),
            RequestBody::Multipart(parts) => parts.iter().all(|(_, value)| match value {
                FormValue::Text(_) | FormValue::Json(_) => true,
                FormValue::File(file) => file.is_replayable(),
            }),
        }
    }
}

/// One request, as generated code describes it.
pub struct ApiRequest {
    operation: &'static str,
    method: Method,
    template: &'static str,
    path_params: Vec<(&'static str, Vec<String>)>,
    query: Vec<(&'static str, String)>,
    headers: Vec<(&'static str, String)>,
    body: RequestBody,
    options: CallOptions,
    /// Faults found while describing the request, reported before anything is sent.
    problems: Vec<String>,
}

impl ApiRequest {
    pub fn new(operation: &'static str, method: Method, template: &'static str) -> Self {
        ApiRequest {
            operation,
            method,
            template,
            path_params: Vec::new(),
            query: Vec::new(),
            headers: Vec::new(),
            body: RequestBody::Empty,
            options: CallOptions::default(),
            problems: Vec::new(),
        }
    }

    pub fn path_param<V: ParamValue + ?Sized>(mut self, name: &'static str, value: &V) -> Self {
        self.path_params.push((name, values_of(value)));
        self
    }

    pub fn query<V: ParamValue + ?Sized>(mut self, name: &'static str, value: &V) -> Self {
        for value in values_of(value) {
            self.query.push((name, value));
        }
        self
    }

    pub fn header<V: ParamValue + ?Sized>(mut self, name: &'static str, value: &V) -> Self {
        let values = values_of(value);
        if !values.is_empty() {
            self.headers.push((name, values.join(",")));
        }
        self
    }

    pub fn json<T: serde::Serialize + ?Sized>(mut self, body: &T) -> Self {
        match serde_json::to_vec(body) {
            Ok(bytes) => self.body = RequestBody::Json(bytes.into()),
            Err(e) => self
                .problems
                .push(format!("the request body cannot be written as JSON: {e}")),
        }
        self
    }

    pub fn json_opt<T: serde::Serialize>(self, body: Option<&T>) -> Self {
        match body {
            Some(body) => self.json(body),
            None => self,
        }
    }

    pub fn binary(mut self, file: impl Into<Option<UploadFile>>) -> Self {
        if let Some(file) = file.into() {
            self.body = RequestBody::Binary(file);
        }
        self
    }

    pub fn multipart_file(
        mut self,
        name: &'static str,
        file: impl Into<Option<UploadFile>>,
    ) -> Self {
        if let Some(file) = file.into() {
            self.form_parts().push((name, FormValue::File(file)));
        }
        self
    }

    pub fn multipart_text<V: ParamValue + ?Sized>(mut self, name: &'static str, value: &V) -> Self {
        for value in values_of(value) {
            self.form_parts().push((name, FormValue::Text(value)));
        }
        self
    }

    /// A text part holding `value` as JSON (for object-valued form fields).
    pub fn multipart_json<T: serde::Serialize>(
        mut self,
        name: &'static str,
        value: Option<&T>,
    ) -> Self {
        if let Some(value) = value {
            match serde_json::to_string(value) {
                Ok(json) => self.form_parts().push((name, FormValue::Json(json))),
                Err(e) => self.problems.push(format!(
                    "form field `{name}` cannot be written as JSON: {e}"
                )),
            }
        }
        self
    }

    fn form_parts(&mut self) -> &mut Vec<(&'static str, FormValue)> {
        if !matches!(self.body, RequestBody::Multipart(_)) {
            self.body = RequestBody::Multipart(Vec::new());
        }
        match &mut self.body {
            RequestBody::Multipart(parts) => parts,
            _ => unreachable!("set to multipart just above"),
        }
    }

    pub fn options(mut self, options: CallOptions) -> Self {
        self.options = options;
        self
    }

    /// The path with every `{name}` replaced by its escaped value.
    fn expand_path(&self) -> Result<String, String> {
        let mut path = String::with_capacity(self.template.len() + 64);
        let mut rest = self.template;
        while let Some(open) = rest.find('{') {
            path.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let close = after
                .find('}')
                .ok_or_else(|| format!("unclosed `{{` in path template `{}`", self.template))?;
            let name = &after[..close];
            let values = self
                .path_params
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.as_slice())
                .unwrap_or_default();
            let value = match values {
                [one] => one,
                [] => return Err(format!("path parameter `{name}` has no value")),
                _ => {
                    return Err(format!(
                        "path parameter `{name}` has {} values; it takes one",
                        values.len()
                    ))
                }
            };
            if value.is_empty() {
                return Err(format!("path parameter `{name}` is empty"));
            }
            if value == "." || value == ".." {
                return Err(format!(
                    "path parameter `{name}` is `{value}`, which a URL cannot carry as a segment"
                ));
            }
            path.push_str(&encode(value));
            rest = &after[close + 1..];
        }
        path.push_str(rest);
        Ok(path)
    }

    fn query_string(&self) -> String {
        let mut query = String::new();
        for (name, value) in &self.query {
            if !query.is_empty() {
                query.push('&');
            }
            query.push_str(&encode(name));
            query.push('=');
            query.push_str(&encode(value));
        }
        query
    }

    fn path_value(&self, name: &str) -> Option<&str> {
        self.path_params
            .iter()
            .find(|(n, _)| *n == name)
            .and_then(|(_, v)| v.first())
            .map(String::as_str)
    }
}

/// A header value, refused when it holds control characters such as CR or LF (which could
/// inject headers). `what` names it in the message; the value itself is never printed.
pub(crate) fn header_value<E>(what: &str, value: &str) -> Result<HeaderValue, Error<E>> {
    if value.chars().any(|c| c.is_control() && c != '\t') {
        return Err(Error::invalid(format!(
            "{what} contains a control character (such as a line break); remove it"
        )));
    }
    HeaderValue::from_str(value)
        .map_err(|_| Error::invalid(format!("{what} is not a valid header value")))
}

/// A request ready for its attempts: URL and headers checked once.
struct Prepared {
    url: reqwest::Url,
    headers: HeaderMap,
    project_id: Option<String>,
}

impl Client {
    /// Sends `request`, retrying as the policy allows, and returns the answer for the generated
    /// code to read by status.
    pub async fn execute<E>(&self, request: ApiRequest) -> Result<RawResponse, Error<E>> {
        let span = tracing::debug_span!(
            "secmaster_request",
            operation = request.operation,
            method = %request.method,
            path = request.template,
            attempt = tracing::field::Empty,
            status = tracing::field::Empty,
            request_id = tracing::field::Empty,
        );
        self.execute_in_span(request).instrument(span).await
    }

    async fn execute_in_span<E>(&self, request: ApiRequest) -> Result<RawResponse, Error<E>> {
        let prepared = self.prepare(&request)?;
        let settings = self.settings();
        let deadline = Deadline::after(request.options.timeout.or(settings.timeout));
        let policy = request
            .options
            .retry
            .clone()
            .unwrap_or_else(|| settings.retry.clone());
        let replayable = request.body.is_replayable();
        let mut attempt = 1u32;
        loop {
            tracing::Span::current().record("attempt", attempt);
            let http_request = self.build_attempt(&request, &prepared).await?;
            let sent = self.http().execute(http_request);
            let outcome = deadline.bound(sent).await?;
            let may_retry = replayable && attempt < policy.max_attempts;
            match outcome {
                Ok(response) => {
                    let status = response.status().as_u16();
                    let request_id = response
                        .headers()
                        .get("x-request-id")
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned);
                    tracing::Span::current().record("status", status);
                    if let Some(id) = &request_id {
                        tracing::Span::current().record("request_id", id.as_str());
                    }
                    if may_retry && retry::is_retryable_status(status) {
                        let wait = retry::retry_after(response.headers(), SystemTime::now())
                            .unwrap_or_else(|| policy.backoff(attempt));
                        if wait <= policy.max_retry_after && deadline.leaves_time_for(wait) {
                            tracing::info!(
                                status,
                                ?wait,
                                attempt,
                                "retrying after a retryable status"
                            );
                            drop(response);
                            tokio::time::sleep(wait).await;
                            attempt += 1;
                            continue;
                        }
                    }
                    tracing::debug!(status, "answer received");
                    return Ok(RawResponse {
                        status,
                        request_id,
                        response,
                        deadline,
                    });
                }
                Err(e) => {
                    let wait = policy.backoff(attempt);
                    if may_retry && e.is_connect() && deadline.leaves_time_for(wait) {
                        tracing::info!(error = %e, ?wait, attempt, "retrying after a connection error");
                        tokio::time::sleep(wait).await;
                        attempt += 1;
                        continue;
                    }
                    return Err(Error::Transport {
                        source: e,
                        attempts: attempt,
                    });
                }
            }
        }
    }

    fn prepare<E>(&self, request: &ApiRequest) -> Result<Prepared, Error<E>> {
        if let Some(problem) = request.problems.first() {
            return Err(Error::invalid(problem.clone()));
        }
        let path = request.expand_path().map_err(Error::invalid)?;
        let query = request.query_string();
        let mut url = format!("{}{path}", self.endpoint());
        if !query.is_empty() {
            url.push('?');
            url.push_str(&query);
        }
        let url = reqwest::Url::parse(&url)
            .map_err(|e| Error::invalid(format!("cannot form a URL from `{url}`: {e}")))?;
        let mut headers = HeaderMap::new();
        for (name, value) in &request.headers {
            let header_name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| Error::invalid(format!("`{name}` is not a valid header name")))?;
            headers.append(
                header_name,
                header_value(&format!("header `{name}`"), value)?,
            );
        }
        Ok(Prepared {
            url,
            headers,
            project_id: request.path_value("project_id").map(str::to_owned),
        })
    }

    /// One attempt's request: body (files opened anew), auth headers, signature.
    async fn build_attempt<E>(
        &self,
        request: &ApiRequest,
        prepared: &Prepared,
    ) -> Result<reqwest::Request, Error<E>> {
        let mut builder = self
            .http()
            .request(request.method.clone(), prepared.url.clone());
        builder = builder.headers(prepared.headers.clone());
        let mut payload: Option<Bytes> = Some(Bytes::new());
        match &request.body {
            RequestBody::Empty => {}
            RequestBody::Json(bytes) => {
                builder = builder
                    .header(CONTENT_TYPE, "application/json")
                    .body(bytes.clone());
                payload = Some(bytes.clone());
            }
            RequestBody::Binary(file) => {
                let (body, len) = file.body().await?;
                builder = builder.header(
                    CONTENT_TYPE,
                    header_value::<E>("the content type", file.content_type_or_default())?,
                );
                if let Some(len) = len {
                    builder = builder.header(CONTENT_LENGTH, len);
                }
                builder = builder.body(body);
                payload = None;
            }
            RequestBody::Multipart(parts) => {
                let mut form = reqwest::multipart::Form::new();
                for (name, value) in parts {
                    form = match value {
                        FormValue::Text(text) => form.text(*name, text.clone()),
                        FormValue::Json(json) => form.part(
                            *name,
                            reqwest::multipart::Part::text(json.clone())
                                .mime_str("application/json")
                                .map_err(|e| Error::invalid(e.to_string()))?,
                        ),
                        FormValue::File(file) => form.part(*name, file_part(file).await?),
                    };
                }
                builder = builder.multipart(form);
                payload = None;
            }
        }
        let mut http_request = builder.build().map_err(|source| Error::Transport {
            source,
            attempts: 0,
        })?;
        match self.credentials() {
            Credentials::Token { token } => {
                http_request.headers_mut().insert(
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
                let headers = http_request.headers_mut();
                if let Some(project) = prepared.project_id.as_deref().or(project_id.as_deref()) {
                    headers.insert("x-project-id", header_value("the project id", project)?);
                }
                if let Some(token) = security_token {
                    headers.insert(
                        "x-security-token",
                        sensitive(header_value("the security token", token.expose())?),
                    );
                }
                let date = signing::format_sdk_date(SystemTime::now());
                let payload = match &payload {
                    Some(bytes) => signing::Payload::Bytes(bytes),
                    None => signing::Payload::Unsigned,
                };
                signing::sign_request(
                    &mut http_request,
                    access_key,
                    secret_key.expose(),
                    &date,
                    payload,
                )
                .map_err(|e| Error::invalid(format!("cannot sign the request: {e}")))?;
            }
        }
        Ok(http_request)
    }
}

fn sensitive(mut value: HeaderValue) -> HeaderValue {
    value.set_sensitive(true);
    value
}

async fn file_part<E>(file: &UploadFile) -> Result<reqwest::multipart::Part, Error<E>> {
    let (body, len) = file.body().await?;
    let part = match len {
        Some(len) => reqwest::multipart::Part::stream_with_length(body, len),
        None => reqwest::multipart::Part::stream(body),
    };
    let part = match file.name() {
        Some(name) => {
            header_value::<E>("the file name", name)?;
            part.file_name(name.to_owned())
        }
        None => part,
    };
    part.mime_str(file.content_type_or_default()).map_err(|_| {
        Error::invalid(format!(
            "`{}` is not a valid content type",
            file.content_type_or_default()
        ))
    })
}

/// The end of a call's total timeout, if it has one.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Deadline {
    at: Option<Instant>,
    timeout: Option<Duration>,
}

impl Deadline {
    fn after(timeout: Option<Duration>) -> Self {
        Deadline {
            // A timeout too long to add to the clock is no deadline at all.
            at: timeout.and_then(|t| Instant::now().checked_add(t)),
            timeout,
        }
    }

    /// Whether waiting `wait` still leaves the call some time.
    fn leaves_time_for(&self, wait: Duration) -> bool {
        self.at
            .is_none_or(|at| Instant::now().checked_add(wait).is_some_and(|end| end < at))
    }

    fn expired<E>(&self) -> Error<E> {
        Error::Timeout {
            after: self.timeout.unwrap_or_default(),
        }
    }

    /// Runs `work` until the deadline.
    pub(crate) async fn bound<T, E>(&self, work: impl Future<Output = T>) -> Result<T, Error<E>> {
        match self.at {
            Some(at) => tokio::time::timeout_at(at, work)
                .await
                .map_err(|_| self.expired()),
            None => Ok(work.await),
        }
    }
}

/// An answer not yet read: generated code picks how to read it from its status.
pub struct RawResponse {
    status: u16,
    request_id: Option<String>,
    response: reqwest::Response,
    deadline: Deadline,
}

impl RawResponse {
    pub fn status(&self) -> u16 {
        self.status
    }

    async fn bytes<E>(self) -> Result<(u16, HeaderMap, Bytes), Error<E>> {
        let status = self.status;
        let headers = self.response.headers().clone();
        let read = self.response.bytes();
        let body = self
            .deadline
            .bound(read)
            .await?
            .map_err(|source| Error::Transport {
                source,
                attempts: 1,
            })?;
        Ok((status, headers, body))
    }

    /// A JSON body of the documented type.
    pub async fn json<T: DeserializeOwned, E>(self) -> Result<Response<T>, Error<E>> {
        let request_id = self.request_id.clone();
        let (status, headers, body) = self.bytes().await?;
        // An empty body reads as `{}`, which fits bodies made only of optional fields.
        let text: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
            b"{}"
        } else {
            &body
        };
        match serde_json::from_slice(text) {
            Ok(value) => Ok(Response::new(status, headers, value)),
            Err(e) => Err(Error::Decode {
                status,
                request_id,
                message: e.to_string(),
                snippet: snippet(&String::from_utf8_lossy(&body)),
            }),
        }
    }

    /// A success with no body.
    pub async fn empty<E>(self) -> Result<Response<()>, Error<E>> {
        let (status, headers, _) = self.bytes().await?;
        Ok(Response::new(status, headers, ()))
    }

    /// A text body.
    pub async fn text<E>(self) -> Result<Response<String>, Error<E>> {
        let (status, headers, body) = self.bytes().await?;
        Ok(Response::new(
            status,
            headers,
            String::from_utf8_lossy(&body).into_owned(),
        ))
    }

    /// A binary body, left unread for the caller to stream.
    pub fn stream<E>(self) -> Result<Response<ByteStream>, Error<E>> {
        let headers = self.response.headers().clone();
        Ok(Response::new(
            self.status,
            headers,
            ByteStream::new(self.response, self.deadline),
        ))
    }

    async fn api_error<E>(self, typed: impl FnOnce(&[u8]) -> Option<E>) -> Error<E> {
        let request_id = self.request_id.clone();
        let (status, _, body) = match self.bytes::<E>().await {
            Ok(read) => read,
            Err(e) => return e,
        };
        let (code, message) = error_fields(&body);
        Error::Api(Box::new(ApiError {
            status,
            code,
            message,
            request_id,
            typed: typed(&body),
            body: String::from_utf8_lossy(&body).into_owned(),
        }))
    }

    /// A documented error status with a JSON body.
    pub async fn error_json<B: DeserializeOwned, E, T>(
        self,
        wrap: impl FnOnce(B) -> E,
    ) -> Result<Response<T>, Error<E>> {
        Err(self
            .api_error(|body| serde_json::from_slice(body).ok().map(wrap))
            .await)
    }

    /// A documented error status with a text body.
    pub async fn error_text<E, T>(
        self,
        wrap: impl FnOnce(String) -> E,
    ) -> Result<Response<T>, Error<E>> {
        Err(self
            .api_error(|body| Some(wrap(String::from_utf8_lossy(body).into_owned())))
            .await)
    }

    /// A documented error status with no body.
    pub async fn error_empty<E, T>(self, value: E) -> Result<Response<T>, Error<E>> {
        Err(self.api_error(|_| Some(value)).await)
    }

    /// A status the spec does not document.
    pub async fn unexpected<E, T>(self) -> Result<Response<T>, Error<E>> {
        Err(self.api_error(|_| None).await)
    }
}

/// Code and message from SecMaster's `{code, message}` or the gateway's `{error_code, error_msg}`.
fn error_fields(body: &[u8]) -> (Option<String>, Option<String>) {
    let Ok(serde_json::Value::Object(object)) = serde_json::from_slice::<serde_json::Value>(body)
    else {
        return (None, None);
    };
    let text = |keys: &[&str]| {
        keys.iter().find_map(|k| match object.get(*k) {
            Some(serde_json::Value::String(s)) => Some(s.clone()),
            Some(serde_json::Value::Number(n)) => Some(n.to_string()),
            _ => None,
        })
    };
    (
        text(&["code", "error_code"]),
        text(&["message", "error_msg"]),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, PartialEq)]
    enum Direction {
        In,
        Out,
        Unlisted(String),
    }
    string_enum!(Direction { In = "IN", Out = "out-bound", } else Unlisted);

    #[test]
    fn string_enums_convert_both_ways_and_keep_unknown_values() {
        assert_eq!(Direction::from("IN"), Direction::In);
        assert_eq!(Direction::from("out-bound".to_owned()), Direction::Out);
        assert_eq!(
            Direction::from("SIDEWAYS"),
            Direction::Unlisted("SIDEWAYS".into())
        );
        assert_eq!(Direction::Out.as_str(), "out-bound");
        assert_eq!(String::from(Direction::Unlisted("x y".into())), "x y");
        assert_eq!(String::from(Direction::In), "IN");
        assert_eq!(Direction::Out.to_string(), "out-bound");
        let request = ApiRequest::new("Op", Method::GET, "/")
            .query("d", &vec![Direction::In, Direction::Unlisted("a&b".into())]);
        assert_eq!(request.query_string(), "d=IN&d=a%26b");
    }

    #[test]
    fn escapes_path_values_as_single_segments() {
        let request = ApiRequest::new("Op", Method::GET, "/v1/{a}/x/{b}")
            .path_param("a", "p/../q?x=1#f")
            .path_param("b", "ü ~._-");
        assert_eq!(
            request.expand_path().unwrap(),
            "/v1/p%2F..%2Fq%3Fx%3D1%23f/x/%C3%BC%20~._-"
        );
    }

    #[test]
    fn refuses_unusable_path_values() {
        let empty = ApiRequest::new("Op", Method::GET, "/v1/{a}").path_param("a", "");
        assert_eq!(
            empty.expand_path().unwrap_err(),
            "path parameter `a` is empty"
        );
        let dots = ApiRequest::new("Op", Method::GET, "/v1/{a}").path_param("a", "..");
        assert_eq!(
            dots.expand_path().unwrap_err(),
            "path parameter `a` is `..`, which a URL cannot carry as a segment"
        );
        let missing = ApiRequest::new("Op", Method::GET, "/v1/{a}");
        assert_eq!(
            missing.expand_path().unwrap_err(),
            "path parameter `a` has no value"
        );
    }

    #[test]
    fn builds_query_in_order_with_lists_and_options() {
        let request = ApiRequest::new("Op", Method::GET, "/")
            .query("limit", &Some(10))
            .query("skip", &None::<i32>)
            .query("id", &vec!["a b".to_owned(), "c&d".to_owned()])
            .query("on", &true);
        assert_eq!(request.query_string(), "limit=10&id=a%20b&id=c%26d&on=true");
    }

    #[test]
    fn reads_both_error_body_shapes() {
        assert_eq!(
            error_fields(br#"{"code":"SecMaster.1","message":"bad"}"#),
            (Some("SecMaster.1".into()), Some("bad".into()))
        );
        assert_eq!(
            error_fields(br#"{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information"}"#),
            (Some("APIGW.0301".into()), Some("Incorrect IAM authentication information".into()))
        );
        assert_eq!(error_fields(b"<html>"), (None, None));
    }

    #[test]
    fn refuses_control_characters_in_headers() {
        let err = header_value::<std::convert::Infallible>("header `X-A`", "a\r\nX-Injected: 1")
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid request: header `X-A` contains a control character (such as a line break); remove it"
        );
    }
}
