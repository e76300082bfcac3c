//! Sending: `Client::execute` runs a request's attempts inside one tracing span, asks
//! `retry::decide` after each whether to send again, and hands the answer on as a
//! `RawResponse`. The loop only gathers facts and acts; every retry rule lives in `retry`.

use super::answer::RawResponse;
use super::auth::authenticate;
use super::request::{ApiRequest, Prepared};
use crate::client::Client;
use crate::deadline::Deadline;
use crate::error::Error;
use crate::retry::{self, Attempt, Decision, Outcome, RetryPolicy};
use std::time::SystemTime;
use tracing::Instrument;

impl Client {
    /// Sends `request`, retrying as the policy allows, and returns the answer for the generated
    /// code to read by status.
    pub(crate) async fn execute<E>(&self, request: ApiRequest) -> Result<RawResponse, Error<E>> {
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
        let prepared = request.prepare(self.endpoint())?;
        let settings = self.settings();
        let deadline = Deadline::after(request.options.timeout.or(settings.timeout));
        let policy: &RetryPolicy = request.options.retry.as_ref().unwrap_or(&settings.retry);
        let replayable = request.body.is_replayable();
        let mut attempt = 1u32;
        loop {
            tracing::Span::current().record("attempt", attempt);
            let http_request = self.build_attempt(&request, &prepared).await?;
            let sent = self.http().execute(http_request);
            match deadline.bound(sent).await? {
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
                    let headers = response.headers();
                    let outcome = Outcome::Answer { status, headers };
                    if let Decision::Retry { wait } =
                        retry::decide(policy, &facts(attempt, replayable, outcome, &deadline))
                    {
                        tracing::info!(status, ?wait, attempt, "retrying after a retryable status");
                        drop(response);
                        tokio::time::sleep(wait).await;
                        attempt += 1;
                        continue;
                    }
                    tracing::debug!(status, "answer received");
                    return Ok(RawResponse::new(status, request_id, response, deadline));
                }
                Err(e) => {
                    let outcome = if e.is_connect() {
                        Outcome::ConnectFailed
                    } else {
                        Outcome::OtherFailure
                    };
                    if let Decision::Retry { wait } =
                        retry::decide(policy, &facts(attempt, replayable, outcome, &deadline))
                    {
                        tracing::info!(error = %e, ?wait, attempt, "retrying after a connection error");
                        tokio::time::sleep(wait).await;
                        attempt += 1;
                        continue;
                    }
                    return Err(send_failure(e, attempt));
                }
            }
        }
    }

    /// One attempt's request: body (files opened anew), auth headers, signature.
    async fn build_attempt<E>(
        &self,
        request: &ApiRequest,
        prepared: &Prepared,
    ) -> Result<reqwest::Request, Error<E>> {
        let builder = self
            .http()
            .request(request.method.clone(), prepared.url.clone())
            .headers(prepared.headers.clone());
        let (builder, signed_payload) = request.body.attach(builder).await?;
        let mut http_request = builder.build().map_err(request_setup)?;
        authenticate(
            &mut http_request,
            self.credentials(),
            prepared.project_id.as_deref(),
            signed_payload.as_ref(),
            SystemTime::now(),
        )?;
        Ok(http_request)
    }
}

/// What the retry decision needs to know about attempt `number`, as of now.
fn facts<'a>(
    number: u32,
    replayable: bool,
    outcome: Outcome<'a>,
    deadline: &Deadline,
) -> Attempt<'a> {
    Attempt {
        number,
        replayable,
        outcome,
        time_left: deadline.time_left(),
        now: SystemTime::now(),
        jitter: fastrand::f64(),
    }
}

/// The error for a failed send: one that never left this process (the HTTP library refused the
/// request) is not a failure to reach SecMaster.
fn send_failure<E>(error: reqwest::Error, attempts: u32) -> Error<E> {
    if error.is_builder() {
        request_setup(error)
    } else {
        Error::Transport {
            source: error,
            attempts,
        }
    }
}

/// A request the HTTP library cannot form. The URL is dropped from the message: it is the
/// caller's own, and may be what was too long.
fn request_setup<E>(error: reqwest::Error) -> Error<E> {
    Error::RequestSetup {
        source: error.without_url(),
    }
}
