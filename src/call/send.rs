//! Sending: `Client::execute` runs a request's attempts inside one tracing span, asks
//! `retry::decide` after each whether to send again, and hands the answer on as a
//! `RawResponse`. Nothing here is generic over the operation's types: it is compiled once. The loop only gathers facts and acts; every retry rule lives in `retry`, and
//! what a failure means in `failure`.
//!
//! Each attempt is bounded by the call's total timeout and by the read timeout, which counts
//! silence: it restarts whenever a piece of the request body goes out, so an upload is never cut
//! for taking long, only a server for saying nothing. A redirect ends the call as an error: the
//! HTTP client follows none (see `client`).

use super::answer::{read_error_body, RawResponse, Reading};
use super::auth::authenticate;
use super::request::{ApiRequest, Prepared};
use crate::activity::{Activity, SourceFailure};
use crate::client::Client;
use crate::deadline::Deadline;
use crate::error::{is_redirect, ApiError, Error};
use crate::failure::{classify, Failure};
use crate::retry::{self, is_idempotent_method, Attempt, Decision, Outcome, RetryPolicy};
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use tracing::Instrument;

impl Client {
    /// Sends `request`, retrying as the policy allows, and returns the answer for `Call` to read
    /// by status. Not generic: compiled once for every operation.
    pub(super) async fn execute(&self, request: ApiRequest) -> Result<RawResponse, Error> {
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

    async fn execute_in_span(&self, request: ApiRequest) -> Result<RawResponse, Error> {
        let prepared = request.prepare(self.endpoint())?;
        let settings = self.settings();
        let options = &request.options;
        let deadline = Deadline::after(options.timeout.or(settings.timeout));
        let reading = Reading {
            deadline,
            idle: options.read_timeout.or(settings.read_timeout),
            limits: options.limits.unwrap_or(settings.limits),
        };
        let policy: &RetryPolicy = options.retry.as_ref().unwrap_or(&settings.retry);
        let idempotent = options
            .idempotent
            .unwrap_or_else(|| is_idempotent_method(&request.method));
        let mut attempt = 1u32;
        loop {
            tracing::Span::current().record("attempt", attempt);
            let activity = Activity::new();
            let (http_request, replayable) =
                self.build_attempt(&request, &prepared, &activity).await?;
            let sent = self.http().execute(http_request);
            let sent = deadline
                .bound(until_silent(sent, &activity, reading.idle))
                .await?;
            let outcome = match sent {
                Ok(Ok(response)) => {
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
                    if is_redirect(status) {
                        tracing::debug!(status, "redirect not followed");
                        return Err(redirect(response, status, request_id, &reading).await);
                    }
                    let headers = response.headers();
                    let outcome = Outcome::Answer {
                        status,
                        headers,
                        before_body_sent: !activity.all_sent(),
                    };
                    let facts = facts(attempt, replayable, idempotent, outcome, &deadline);
                    if let Decision::Retry { wait } = retry::decide(policy, &facts) {
                        tracing::info!(status, ?wait, attempt, "retrying after a retryable status");
                        drop(response);
                        tokio::time::sleep(wait).await;
                        attempt += 1;
                        continue;
                    }
                    tracing::debug!(status, "answer received");
                    return Ok(RawResponse::new(status, request_id, response, reading));
                }
                Ok(Err(e)) => {
                    // A failure of the content being uploaded is reported as itself.
                    if let Some(failure) = activity.take_failure() {
                        return Err(source_failure(failure));
                    }
                    if e.is_builder() {
                        return Err(request_setup(e));
                    }
                    let outcome = match classify(&e) {
                        Failure::NotSent => Outcome::NotSent,
                        Failure::Lost => Outcome::Lost,
                        Failure::Tls | Failure::Other => Outcome::Fatal,
                    };
                    (outcome, SendError::Transport(e))
                }
                Err(after) => (Outcome::Lost, SendError::Stalled(after)),
            };
            let (outcome, error) = outcome;
            let facts = facts(attempt, replayable, idempotent, outcome, &deadline);
            if let Decision::Retry { wait } = retry::decide(policy, &facts) {
                tracing::info!(error = %error, ?wait, attempt, "retrying after a connection failure");
                tokio::time::sleep(wait).await;
                attempt += 1;
                continue;
            }
            return Err(match error {
                SendError::Transport(source) => Error::Transport {
                    source,
                    attempts: attempt,
                },
                SendError::Stalled(after) => Error::Stalled {
                    after,
                    status: None,
                    request_id: None,
                },
            });
        }
    }

    /// One attempt's request: body (files opened anew), auth headers, signature; and whether its
    /// body can be sent again.
    async fn build_attempt(
        &self,
        request: &ApiRequest,
        prepared: &Prepared,
        activity: &Arc<Activity>,
    ) -> Result<(reqwest::Request, bool), Error> {
        let builder = self
            .http()
            .request(request.method.clone(), prepared.url.clone())
            .headers(prepared.headers.clone());
        let attached = request.body.attach(builder, activity).await?;
        let mut http_request = attached.builder.build().map_err(request_setup)?;
        authenticate(
            &mut http_request,
            self.credentials(),
            prepared.project_id.as_deref(),
            attached.signed_payload.as_ref(),
            SystemTime::now(),
        )?;
        Ok((http_request, attached.replayable))
    }
}

/// A failed attempt, before it is known whether it ends the call.
enum SendError {
    Transport(reqwest::Error),
    Stalled(Duration),
}

impl std::fmt::Display for SendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SendError::Transport(e) => e.fmt(f),
            SendError::Stalled(after) => write!(f, "nothing received for {after:?}"),
        }
    }
}

/// Runs `send` until it finishes, or until nothing has moved for `idle` (the read timeout):
/// `Err(idle)` then. Silence is counted from the last piece of the body that went out.
async fn until_silent<T>(
    send: impl Future<Output = T>,
    activity: &Activity,
    idle: Option<Duration>,
) -> Result<T, Duration> {
    let Some(idle) = idle else {
        return Ok(send.await);
    };
    tokio::pin!(send);
    loop {
        let wait = idle.saturating_sub(activity.idle_for());
        match tokio::time::timeout(wait, &mut send).await {
            Ok(done) => return Ok(done),
            // The body may have moved meanwhile: only a full `idle` of silence ends the wait.
            Err(_) if activity.idle_for() >= idle => return Err(idle),
            Err(_) => {}
        }
    }
}

/// The error for a 3xx answer: the client follows no redirect.
async fn redirect(
    mut response: reqwest::Response,
    status: u16,
    request_id: Option<String>,
    reading: &Reading,
) -> Error {
    let location = response
        .headers()
        .get("location")
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    // The body of a redirect says nothing useful, but what there is of it is kept (bounded) like
    // any error body's.
    let (body, truncated) = read_error_body(&mut response, reading).await;
    Error::Api(Box::new(ApiError {
        status,
        code: None,
        message: None,
        request_id,
        location,
        body: String::from_utf8_lossy(&body).into_owned(),
        truncated,
        typed: None,
    }))
}

/// What the retry decision needs to know about attempt `number`, as of now.
fn facts<'a>(
    number: u32,
    replayable: bool,
    idempotent: bool,
    outcome: Outcome<'a>,
    deadline: &Deadline,
) -> Attempt<'a> {
    Attempt {
        number,
        replayable,
        idempotent,
        outcome,
        time_left: deadline.time_left(),
        now: SystemTime::now(),
        jitter: fastrand::f64(),
    }
}

/// The error for content that could not go out as announced.
fn source_failure(failure: SourceFailure) -> Error {
    match failure {
        SourceFailure::Io { path, source } => Error::Io { path, source },
        SourceFailure::Invalid(message) => Error::invalid(message),
    }
}

/// A request the HTTP library cannot form. The URL is dropped from the message: it is the
/// caller's own, and may be what was too long.
fn request_setup(error: reqwest::Error) -> Error {
    Error::RequestSetup {
        source: error.without_url(),
    }
}
