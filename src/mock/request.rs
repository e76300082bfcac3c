//! A received request as expectations look at it: method, path segments and query decoded, and
//! the [`Query`] that query predicates are given.

use percent_encoding::percent_decode_str;
use std::str::FromStr;

/// A request that reached the mock.
#[derive(Clone, Debug)]
pub(super) struct Received<'r> {
    pub(super) request: &'r wiremock::Request,
    pub(super) query: Query,
}

impl<'r> Received<'r> {
    pub(super) fn new(request: &'r wiremock::Request) -> Self {
        Received {
            request,
            query: Query::from_raw(request.url.query().unwrap_or("")),
        }
    }

    pub(super) fn method(&self) -> &str {
        self.request.method.as_str()
    }

    /// The raw (escaped) path.
    pub(super) fn path(&self) -> &str {
        self.request.url.path()
    }

    pub(super) fn header(&self, name: &str) -> Option<&str> {
        self.request.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub(super) fn body(&self) -> &[u8] {
        &self.request.body
    }

    /// `POST /v1/...?query`, for messages.
    pub(super) fn line(&self) -> String {
        let url = &self.request.url;
        match url.query() {
            Some(query) => format!("{} {}?{query}", self.method(), url.path()),
            None => format!("{} {}", self.method(), url.path()),
        }
    }
}

/// The query parameters of a request, decoded, in the order they were sent; what
/// [`Expectation::query`](super::Expectation::query) predicates are given.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    pub(super) fn from_raw(raw: &str) -> Query {
        let decode = |s: &str| percent_decode_str(s).decode_utf8_lossy().into_owned();
        let pairs = raw
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                (decode(name), decode(value))
            })
            .collect();
        Query { pairs }
    }

    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.all(name).into_iter().next()
    }

    /// Every value of `name` (a list parameter is sent once per item).
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The first value of `name` parsed as `T` (a number, a bool, ...); `None` when absent or
    /// not a `T`. String enums are read with `From<&str>`: `q.get("order").map(SortDirection::from)`.
    pub fn parse<T: FromStr>(&self, name: &str) -> Option<T> {
        self.get(name)?.parse().ok()
    }

    /// Every `(name, value)` pair, in order.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }
}

/// The values of the `{name}` segments of `template` in `path` (raw, escaped), or `None` when
/// the path does not have the template's shape (literal segments differ, or a segment is empty).
pub(super) fn path_values(template: &str, path: &str) -> Option<Vec<(String, String)>> {
    let expected: Vec<&str> = template.split('/').collect();
    let actual: Vec<&str> = path.split('/').collect();
    if expected.len() != actual.len() {
        return None;
    }
    let mut values = Vec::new();
    for (want, got) in expected.iter().zip(&actual) {
        match want.strip_prefix('{').and_then(|w| w.strip_suffix('}')) {
            Some(name) => {
                if got.is_empty() {
                    return None;
                }
                let value = percent_decode_str(got).decode_utf8_lossy().into_owned();
                values.push((name.to_owned(), value));
            }
            None if want == got => {}
            None => return None,
        }
    }
    Some(values)
}

/// The `{name}`s of a path template, in order.
pub(super) fn template_names(template: &str) -> Vec<&str> {
    template
        .split('/')
        .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_path_values_by_template() {
        let template = "/v1/{project_id}/alerts/{alert_id}";
        assert_eq!(
            path_values(template, "/v1/p/alerts/a%2Fb%20c"),
            Some(vec![
                ("project_id".to_owned(), "p".to_owned()),
                ("alert_id".to_owned(), "a/b c".to_owned())
            ])
        );
        assert_eq!(path_values(template, "/v1/p/alerts"), None);
        assert_eq!(path_values(template, "/v1/p/incidents/a"), None);
        assert_eq!(path_values(template, "/v1//alerts/a"), None);
        assert_eq!(template_names(template), ["project_id", "alert_id"]);
    }

    #[test]
    fn decodes_the_query() {
        let query = Query::from_raw("limit=10&id=a%20b&id=c%26d&flag");
        assert_eq!(query.get("id"), Some("a b"));
        assert_eq!(query.all("id"), ["a b", "c&d"]);
        assert_eq!(query.parse::<i32>("limit"), Some(10));
        assert_eq!(query.parse::<i32>("id"), None);
        assert_eq!(query.get("flag"), Some(""));
        assert_eq!(query.get("absent"), None);
    }
}
