//! Request building: the `ApiRequest` generated code describes (operation, path template,
//! parameters, body, options), checked once into the URL and headers every attempt shares.
//! Faults found here (an empty path id, a line break in a header) are refused before anything is
//! sent.

use super::answer::{Answers, Read};
use super::body::{FormValue, RequestBody};
use super::options::CallOptions;
use super::params::{encode, values_of, ParamValue};
use super::Method;
use crate::client::Client;
use crate::error::Error;
use crate::headers::header_value;
use crate::upload::UploadFile;
use reqwest::header::{HeaderMap, HeaderName};

/// One request, as generated code describes it.
pub(crate) struct ApiRequest {
    pub(super) operation: &'static str,
    pub(super) method: Method,
    pub(super) template: &'static str,
    path_params: Vec<(&'static str, Vec<String>)>,
    query: Vec<(&'static str, String)>,
    headers: Vec<(&'static str, String)>,
    pub(super) body: RequestBody,
    pub(super) options: CallOptions,
    /// How the body of each documented success is read; any other status is read as an error
    /// body.
    pub(super) answers: Answers,
    /// The client that sends it: the handle's the operation was started from.
    pub(super) client: Option<Client>,
    /// Faults found while describing the request, reported before anything is sent.
    problems: Vec<String>,
}

/// A request ready for its attempts: URL and headers checked once.
pub(super) struct Prepared {
    pub(super) url: reqwest::Url,
    pub(super) headers: HeaderMap,
    /// The path's `project_id`, which AK/SK signing sends as `X-Project-Id`.
    pub(super) project_id: Option<String>,
}

// A spec need not use every kind of parameter and body: generated code calls the methods its spec
// needs, and the rest are unused in that build.
#[allow(dead_code)]
impl ApiRequest {
    pub(crate) fn new(operation: &'static str, method: Method, template: &'static str) -> Self {
        ApiRequest {
            operation,
            method,
            template,
            path_params: Vec::new(),
            query: Vec::new(),
            headers: Vec::new(),
            body: RequestBody::Empty,
            options: CallOptions::default(),
            answers: Answers::Listed(&[]),
            client: None,
            problems: Vec::new(),
        }
    }

    pub(crate) fn path_param<V: ParamValue + ?Sized>(
        mut self,
        name: &'static str,
        value: &V,
    ) -> Self {
        self.path_params.push((name, values_of(value)));
        self
    }

    pub(crate) fn query<V: ParamValue + ?Sized>(mut self, name: &'static str, value: &V) -> Self {
        for value in values_of(value) {
            self.query.push((name, value));
        }
        self
    }

    pub(crate) fn header<V: ParamValue + ?Sized>(mut self, name: &'static str, value: &V) -> Self {
        let values = values_of(value);
        if !values.is_empty() {
            self.headers.push((name, values.join(",")));
        }
        self
    }

    pub(crate) fn json<T: serde::Serialize + ?Sized>(mut self, body: &T) -> Self {
        match serde_json::to_vec(body) {
            Ok(bytes) => self.body = RequestBody::Json(bytes.into()),
            Err(e) => self
                .problems
                .push(format!("the request body cannot be written as JSON: {e}")),
        }
        self
    }

    pub(crate) fn json_opt<T: serde::Serialize>(self, body: Option<&T>) -> Self {
        match body {
            Some(body) => self.json(body),
            None => self,
        }
    }

    pub(crate) fn binary(mut self, file: impl Into<Option<UploadFile>>) -> Self {
        if let Some(file) = file.into() {
            self.body = RequestBody::Binary(file);
        }
        self
    }

    pub(crate) fn multipart_file(
        mut self,
        name: &'static str,
        file: impl Into<Option<UploadFile>>,
    ) -> Self {
        if let Some(file) = file.into() {
            self.body.form_parts().push((name, FormValue::File(file)));
        }
        self
    }

    pub(crate) fn multipart_text<V: ParamValue + ?Sized>(
        mut self,
        name: &'static str,
        value: &V,
    ) -> Self {
        for value in values_of(value) {
            self.body.form_parts().push((name, FormValue::Text(value)));
        }
        self
    }

    /// A text part holding `value` as JSON (for object-valued form fields).
    pub(crate) fn multipart_json<T: serde::Serialize>(
        mut self,
        name: &'static str,
        value: Option<&T>,
    ) -> Self {
        if let Some(value) = value {
            match serde_json::to_string(value) {
                Ok(json) => self.body.form_parts().push((name, FormValue::Json(json))),
                Err(e) => self.problems.push(format!(
                    "form field `{name}` cannot be written as JSON: {e}"
                )),
            }
        }
        self
    }

    /// How the documented successes are read: `(low, high, how)`, the first entry holding a
    /// status wins; any other status is read as an error body.
    pub(crate) fn answers(mut self, answers: &'static [(u16, u16, Read)]) -> Self {
        self.answers = Answers::Listed(answers);
        self
    }

    /// The one documented success, `status`, read as `read`.
    pub(super) fn answer(mut self, status: u16, read: Read) -> Self {
        self.answers = Answers::One(status, read);
        self
    }

    /// Whether the path template has a `{name}` to fill.
    pub(super) fn names_path_param(&self, name: &str) -> bool {
        self.template
            .split('{')
            .skip(1)
            .any(|part| part.split('}').next() == Some(name))
    }

    pub(super) fn client(mut self, client: &Client) -> Self {
        self.client = Some(client.clone());
        self
    }

    pub(crate) fn options(mut self, options: CallOptions) -> Self {
        self.options = options;
        self
    }
}

impl ApiRequest {
    /// The URL (under `endpoint`) and headers of every attempt, or the first fault of the
    /// request.
    pub(super) fn prepare(&self, endpoint: &str) -> Result<Prepared, Error> {
        if let Some(problem) = self.problems.first() {
            return Err(Error::invalid(problem.clone()));
        }
        let path = self.expand_path().map_err(Error::invalid)?;
        let query = self.query_string();
        let mut url = format!("{endpoint}{path}");
        if !query.is_empty() {
            url.push('?');
            url.push_str(&query);
        }
        let url = reqwest::Url::parse(&url)
            .map_err(|e| Error::invalid(format!("cannot form a URL from `{url}`: {e}")))?;
        let mut headers = HeaderMap::new();
        for (name, value) in &self.headers {
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
            project_id: self.path_value("project_id").map(str::to_owned),
        })
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

    pub(super) fn query_string(&self) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
