//! One expected operation: what its requests must hold (path ids, query, headers, body or form
//! parts), what it answers, and how many requests it expects. Generic over the operation's body,
//! success and error types, so that the one generated method per operation only names them.

use super::answer::{file, Answer, MockError, MockSuccess, Reply, Success};
use super::multipart::{boundary, parse_multipart, Form};
use super::request::{path_values, template_names, Query, Received};
use super::{Shared, Times};
use serde::de::DeserializeOwned;
use std::fmt::{self, Debug, Display};
use std::marker::PhantomData;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// The body type of an operation that sends none.
#[derive(Clone, Copy, Debug)]
pub struct NoBody;

/// The body type of an operation that sends a file as its whole body: matched with
/// [`Expectation::bytes`].
#[derive(Clone, Copy, Debug)]
pub struct Binary;

/// The operation's body, success and error types, held only as types (and `Send`, `Sync` whatever
/// they are).
type Types<B, R, E> = PhantomData<fn() -> (B, R, E)>;

type Check = Box<dyn Fn(&Received<'_>) -> Result<(), String> + Send + Sync>;

/// One condition on a request: what it says (for messages), and the check, which says why a
/// request fails it.
struct Condition {
    describe: String,
    check: Check,
}

/// A mounted expectation, as the matcher, the responder and verification share it.
pub(super) struct Spec {
    pub(super) operation: &'static str,
    method: &'static str,
    template: &'static str,
    conditions: Vec<Condition>,
    pub(super) times: Times,
    pub(super) hits: AtomicU64,
}

/// Why a request does not meet an expectation.
pub(super) enum Mismatch {
    /// Another operation's method or path.
    Elsewhere,
    /// This operation's, but a condition fails.
    Condition(String),
}

impl Spec {
    pub(super) fn check(&self, request: &Received<'_>) -> Result<(), Mismatch> {
        if request.method() != self.method || path_values(self.template, request.path()).is_none() {
            return Err(Mismatch::Elsewhere);
        }
        for condition in &self.conditions {
            (condition.check)(request).map_err(Mismatch::Condition)?;
        }
        Ok(())
    }

    /// `` `list_alerts` (POST /v1/...) ``, and its conditions.
    pub(super) fn describe(&self) -> String {
        let mut text = format!("`{}` ({} {})", self.operation, self.method, self.template);
        if !self.conditions.is_empty() {
            let conditions: Vec<&str> = self
                .conditions
                .iter()
                .map(|c| c.describe.as_str())
                .collect();
            text.push_str(" where ");
            text.push_str(&conditions.join(", "));
        }
        text
    }
}

/// The expectation of one operation, made by the mock's method of that name
/// (`mock.list_alerts()`): add conditions on the request, an answer and the number of requests
/// expected, then [`mount`](Self::mount) it.
///
/// `B` is the operation's request body type (a generated type for a JSON body, [`Form`] for a
/// multipart upload, [`Binary`] for a file body, [`NoBody`]), `R` its success body type and `E`
/// its error enum.
#[must_use = "an expectation does nothing until it is mounted"]
pub struct Expectation<'m, B, R, E> {
    shared: &'m Arc<Shared>,
    server: &'m wiremock::MockServer,
    operation: &'static str,
    method: &'static str,
    template: &'static str,
    success: Success,
    path_ids: Vec<(String, String)>,
    positional: Option<Vec<String>>,
    conditions: Vec<Condition>,
    answers: Vec<Answer>,
    headers: Vec<(String, String)>,
    delay: Option<Duration>,
    times: Option<Times>,
    types: Types<B, R, E>,
}

impl<B, R, E> Debug for Expectation<'_, B, R, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Expectation")
            .field("operation", &self.operation)
            .field("method", &self.method)
            .field("template", &self.template)
            .finish_non_exhaustive()
    }
}

impl<'m, B, R, E> Expectation<'m, B, R, E> {
    pub(super) fn new(
        shared: &'m Arc<Shared>,
        server: &'m wiremock::MockServer,
        operation: &'static str,
        method: &'static str,
        template: &'static str,
        success: Success,
    ) -> Self {
        Expectation {
            shared,
            server,
            operation,
            method,
            template,
            success,
            path_ids: Vec::new(),
            positional: None,
            conditions: Vec::new(),
            answers: Vec::new(),
            headers: Vec::new(),
            delay: None,
            times: None,
            types: PhantomData,
        }
    }

    fn condition(
        mut self,
        describe: String,
        check: impl Fn(&Received<'_>) -> Result<(), String> + Send + Sync + 'static,
    ) -> Self {
        self.conditions.push(Condition {
            describe,
            check: Box::new(check),
        });
        self
    }

    /// Only requests whose path parameter `name` (as the path template names it:
    /// `project_id`, `alert_id`, ...) is `value`.
    pub fn path_id(mut self, name: &str, value: impl Display) -> Self {
        self.path_ids.push((name.to_owned(), value.to_string()));
        self
    }

    /// Only requests whose own path ids (those the scope handle does not supply, that is all
    /// but `project_id` and `workspace_id`, in path order) are `values`.
    pub fn path_ids<V: Display>(mut self, values: impl IntoIterator<Item = V>) -> Self {
        self.positional = Some(values.into_iter().map(|v| v.to_string()).collect());
        self
    }

    /// Only requests whose query parameter `name` has exactly one value, `value` (compared as
    /// text, as the client writes it: `10`, `true`, an enum's wire value).
    pub fn query_param(self, name: &str, value: impl Display) -> Self {
        let name = name.to_owned();
        let value = value.to_string();
        self.condition(
            format!("query `{name}` is `{value}`"),
            move |request| match request.query.all(&name).as_slice() {
                [one] if *one == value => Ok(()),
                [] => Err(format!("query `{name}` is absent, not `{value}`")),
                values => Err(format!("query `{name}` is {values:?}, not `{value}`")),
            },
        )
    }

    /// Only requests whose query satisfies `predicate`.
    pub fn query(self, predicate: impl Fn(&Query) -> bool + Send + Sync + 'static) -> Self {
        self.condition(
            "the query satisfies the predicate".to_owned(),
            move |request| {
                if predicate(&request.query) {
                    Ok(())
                } else {
                    Err("the query does not satisfy the predicate".to_owned())
                }
            },
        )
    }

    /// Only requests with header `name` set to `value`.
    pub fn header(self, name: &str, value: impl Display) -> Self {
        let name = name.to_ascii_lowercase();
        let value = value.to_string();
        self.condition(
            format!("header `{name}` is `{value}`"),
            move |request| match request.header(&name) {
                Some(got) if got == value => Ok(()),
                Some(got) => Err(format!("header `{name}` is `{got}`, not `{value}`")),
                None => Err(format!("header `{name}` is absent, not `{value}`")),
            },
        )
    }

    /// Answers with `answer` (any status and body, such as a 503 for a retry test).
    pub fn respond_with(mut self, answer: Answer) -> Self {
        self.answers = vec![answer];
        self
    }

    /// Answers with `bytes` as a file, with the documented success status (for operations that
    /// answer with a file, which the client reads as a `ByteStream`).
    pub fn respond_file(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.answers = vec![file(self.success, bytes.into())];
        self
    }

    /// Adds header `name: value` to every answer (`X-Request-Id`, say).
    pub fn answer_header(mut self, name: &str, value: impl Display) -> Self {
        self.headers.push((name.to_owned(), value.to_string()));
        self
    }

    /// Waits `delay` before each answer (to test timeouts).
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }

    /// How many matching requests are expected: `1`, `0` (never called), `1..=3`, `2..` (at
    /// least twice). Without it, at least one; with [`respond_sequence`](Self::respond_sequence),
    /// as many as the sequence has answers. [`MockServer::verify`](super::MockServer::verify)
    /// checks it.
    pub fn expect(mut self, times: impl Into<Times>) -> Self {
        self.times = Some(times.into());
        self
    }

    /// Mounts the expectation: from now on the mock answers the requests it matches. An earlier
    /// expectation that also matches a request answers it; one whose path has more literal
    /// segments wins over one with more parameters.
    ///
    /// # Panics
    ///
    /// When the expectation cannot be served, with a message saying why: no answer was given, a
    /// path id names no parameter of the path, or an answer could not be written as JSON.
    pub async fn mount(mut self) {
        let mut problems = Vec::new();
        let names = template_names(self.template);
        if let Some(values) = self.positional.take() {
            let own: Vec<&str> = names
                .iter()
                .copied()
                .filter(|n| !matches!(*n, "project_id" | "workspace_id"))
                .collect();
            if values.len() == own.len() {
                self.path_ids
                    .extend(own.iter().map(|n| (*n).to_owned()).zip(values));
            } else {
                problems.push(format!(
                    "`path_ids` has {} values, but the path's own ids are {} ({})",
                    values.len(),
                    own.len(),
                    own.join(", ")
                ));
            }
        }
        for (name, value) in std::mem::take(&mut self.path_ids) {
            if !names.contains(&name.as_str()) {
                problems.push(format!(
                    "the path `{}` has no parameter `{name}` (it has {})",
                    self.template,
                    names.join(", ")
                ));
                continue;
            }
            let template = self.template;
            let describe = format!("path id `{name}` is `{value}`");
            self = self.condition(describe, move |request| {
                let values = path_values(template, request.path()).unwrap_or_default();
                match values.iter().find(|(n, _)| *n == name) {
                    Some((_, got)) if *got == value => Ok(()),
                    Some((_, got)) => Err(format!("path id `{name}` is `{got}`, not `{value}`")),
                    None => Err(format!("path id `{name}` is absent")),
                }
            });
        }
        if self.answers.is_empty() {
            problems.push(
                "it has no answer: call `respond`, `respond_error`, `respond_file`, `respond_with` \
                 or `respond_sequence` before `mount`"
                    .to_owned(),
            );
        }
        problems.extend(self.answers.iter().filter_map(|a| a.problem.clone()));
        if !problems.is_empty() {
            panic!(
                "the expectation of `{}` cannot be mounted: {}",
                self.operation,
                problems.join("; ")
            );
        }
        let sequence = self.answers.len();
        let times = self.times.unwrap_or(if sequence > 1 {
            Times::exactly(sequence as u64)
        } else {
            Times::at_least(1)
        });
        let spec = Arc::new(Spec {
            operation: self.operation,
            method: self.method,
            template: self.template,
            conditions: self.conditions,
            times,
            hits: AtomicU64::new(0),
        });
        self.shared.mounted(spec.clone());
        // More parameters, lower priority (a larger number): `/alerts/search` before
        // `/alerts/{alert_id}`.
        let priority = u8::try_from(1 + names.len()).unwrap_or(u8::MAX - 1);
        let mock = wiremock::Mock::given(Matcher {
            spec: spec.clone(),
            shared: self.shared.clone(),
        })
        .respond_with(Responder {
            spec,
            answers: self.answers,
            headers: self.headers,
            delay: self.delay,
        })
        .with_priority(priority)
        .named(self.operation);
        self.server.register(mock).await;
    }
}

impl<B, R: MockSuccess, E> Expectation<'_, B, R, E> {
    /// Answers with `body`, as the operation documents its success (status, JSON).
    pub fn respond(mut self, body: R) -> Self {
        self.answers = vec![body.answer(self.success)];
        self
    }
}

impl<B, R, E: MockError> Expectation<'_, B, R, E> {
    /// Answers with one of the operation's documented errors: its status and body.
    pub fn respond_error(mut self, error: E) -> Self {
        self.answers = vec![error.answer()];
        self
    }
}

impl<B, R: MockSuccess, E: MockError> Expectation<'_, B, R, E> {
    /// Answers the first matching request with the first reply, the second with the second,
    /// and so on; requests past the end get the last. Expects as many requests as there are
    /// replies, unless [`expect`](Self::expect) says otherwise.
    pub fn respond_sequence(mut self, replies: impl IntoIterator<Item = Reply<R, E>>) -> Self {
        let success = self.success;
        self.answers = replies
            .into_iter()
            .map(|reply| reply.into_answer(success))
            .collect();
        self
    }
}

impl<B: DeserializeOwned + 'static, R, E> Expectation<'_, B, R, E> {
    /// Only requests whose JSON body, read into the operation's body type, satisfies
    /// `predicate`.
    pub fn body(self, predicate: impl Fn(&B) -> bool + Send + Sync + 'static) -> Self {
        let type_name = short_type_name::<B>();
        self.condition(
            "the body satisfies the predicate".to_owned(),
            move |request| {
                let body: B = read_json(request, type_name)?;
                if predicate(&body) {
                    Ok(())
                } else {
                    Err("the body does not satisfy the predicate".to_owned())
                }
            },
        )
    }

    /// Only requests whose JSON body, read into the operation's body type, equals `expected`.
    pub fn body_eq(self, expected: B) -> Self
    where
        B: PartialEq + Debug + Send + Sync,
    {
        let type_name = short_type_name::<B>();
        self.condition(format!("the body is {expected:?}"), move |request| {
            let body: B = read_json(request, type_name)?;
            if body == expected {
                Ok(())
            } else {
                Err(format!("the body is {body:?}"))
            }
        })
    }
}

impl<R, E> Expectation<'_, Form, R, E> {
    /// Only uploads whose form satisfies `predicate`.
    pub fn form(self, predicate: impl Fn(&Form) -> bool + Send + Sync + 'static) -> Self {
        self.condition(
            "the form satisfies the predicate".to_owned(),
            move |request| {
                if predicate(&read_form(request)?) {
                    Ok(())
                } else {
                    Err("the form does not satisfy the predicate".to_owned())
                }
            },
        )
    }

    /// Only uploads with a file part `name` whose file name is `file_name` and whose content is
    /// exactly `bytes`.
    pub fn file_part(self, name: &str, file_name: &str, bytes: impl Into<Vec<u8>>) -> Self {
        let (name, file_name, bytes) = (name.to_owned(), file_name.to_owned(), bytes.into());
        let describe = format!(
            "part `{name}` is file `{file_name}` of {} bytes",
            bytes.len()
        );
        self.condition(describe, move |request| {
            let form = read_form(request)?;
            let part = form
                .part(&name)
                .ok_or_else(|| format!("the form has no part `{name}`"))?;
            if part.file_name.as_deref() != Some(file_name.as_str()) {
                return Err(format!(
                    "part `{name}` has file name {:?}, not `{file_name}`",
                    part.file_name
                ));
            }
            if part.data != bytes {
                return Err(format!(
                    "part `{name}` holds other bytes than expected ({} bytes, expected {})",
                    part.data.len(),
                    bytes.len()
                ));
            }
            Ok(())
        })
    }

    /// Only uploads with a text part `name` holding exactly `text`.
    pub fn text_part(self, name: &str, text: impl Display) -> Self {
        let (name, text) = (name.to_owned(), text.to_string());
        self.condition(format!("part `{name}` is `{text}`"), move |request| {
            let form = read_form(request)?;
            match form.part(&name).map(|p| p.text()) {
                Some(Some(got)) if got == text => Ok(()),
                Some(got) => Err(format!("part `{name}` is {got:?}, not `{text}`")),
                None => Err(format!("the form has no part `{name}`")),
            }
        })
    }
}

impl<R, E> Expectation<'_, Binary, R, E> {
    /// Only requests whose body is exactly `bytes`.
    pub fn bytes(self, bytes: impl Into<Vec<u8>>) -> Self {
        let bytes = bytes.into();
        self.condition(
            format!("the body is {} given bytes", bytes.len()),
            move |request| {
                if request.body() == bytes.as_slice() {
                    Ok(())
                } else {
                    Err(format!(
                        "the body holds other bytes than expected ({} bytes, expected {})",
                        request.body().len(),
                        bytes.len()
                    ))
                }
            },
        )
    }
}

/// `ListAlertsBody` rather than `secmaster::alerts::types::ListAlertsBody`.
fn short_type_name<T>() -> &'static str {
    let full = std::any::type_name::<T>();
    full.rsplit("::").next().unwrap_or(full)
}

fn read_json<T: DeserializeOwned>(request: &Received<'_>, type_name: &str) -> Result<T, String> {
    if request.body().is_empty() {
        return Err(format!(
            "the request has no body (expected a `{type_name}`)"
        ));
    }
    serde_json::from_slice(request.body())
        .map_err(|e| format!("the body is not a `{type_name}`: {e}"))
}

fn read_form(request: &Received<'_>) -> Result<Form, String> {
    let boundary = boundary(request.header("content-type"))?;
    let parts = parse_multipart(request.body(), boundary.as_bytes())
        .map_err(|e| format!("the multipart body is malformed: {e}"))?;
    Ok(Form { parts })
}

/// Matches the requests of one expectation, signed as the mock requires.
struct Matcher {
    spec: Arc<Spec>,
    shared: Arc<Shared>,
}

impl wiremock::Match for Matcher {
    fn matches(&self, request: &wiremock::Request) -> bool {
        let received = Received::new(request);
        self.shared.signature_problem(&received).is_none() && self.spec.check(&received).is_ok()
    }
}

/// Answers the requests of one expectation, counting them.
struct Responder {
    spec: Arc<Spec>,
    answers: Vec<Answer>,
    headers: Vec<(String, String)>,
    delay: Option<Duration>,
}

impl wiremock::Respond for Responder {
    fn respond(&self, _: &wiremock::Request) -> wiremock::ResponseTemplate {
        let n = self.spec.hits.fetch_add(1, Ordering::SeqCst);
        let index = usize::try_from(n)
            .unwrap_or(usize::MAX)
            .min(self.answers.len().saturating_sub(1));
        let mut template = match self.answers.get(index) {
            Some(answer) => template(answer),
            None => wiremock::ResponseTemplate::new(500),
        };
        for (name, value) in &self.headers {
            template = template.append_header(name.as_str(), value.as_str());
        }
        match self.delay {
            Some(delay) => template.set_delay(delay),
            None => template,
        }
    }
}

pub(super) fn template(answer: &Answer) -> wiremock::ResponseTemplate {
    let template = wiremock::ResponseTemplate::new(answer.status);
    match &answer.content_type {
        Some(content_type) => template.set_body_raw(answer.body.clone(), content_type),
        None => template,
    }
}
