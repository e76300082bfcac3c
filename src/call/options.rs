//! Per-call settings that override the client's: given to a request builder's `.options(..)`.

use crate::limits::BodyLimits;
use crate::retry::RetryPolicy;
use std::time::Duration;

/// Per-call settings that override the client's.
///
/// ```
/// use secmaster::{BodyLimits, CallOptions};
/// use std::time::Duration;
/// // A large listing, allowed more time and memory than the client's defaults.
/// let options = CallOptions::new()
///     .timeout(Duration::from_secs(600))
///     .limits(BodyLimits { max_answer_bytes: 64 << 20, max_parsed_bytes: 512 << 20, ..BodyLimits::default() });
/// # let _ = options;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallOptions {
    /// Total time for the call: every attempt, every wait between them, and reading the answer.
    pub timeout: Option<Duration>,
    /// Longest silence while waiting for the answer or reading it.
    pub read_timeout: Option<Duration>,
    /// Retry policy for this call.
    pub retry: Option<RetryPolicy>,
    /// How much of the answer is read into memory.
    pub limits: Option<BodyLimits>,
    /// Whether sending this request twice has the same effect as sending it once. `None` goes by
    /// the HTTP method (GET, HEAD, OPTIONS, PUT and DELETE are idempotent; POST and PATCH are
    /// not). Only idempotent requests are sent again after an answer or failure that leaves open
    /// whether the service acted (502, 504, a 503 after the body was read, a connection lost
    /// after sending, the read timeout).
    pub idempotent: Option<bool>,
}

impl CallOptions {
    /// Options that change nothing.
    pub fn new() -> Self {
        CallOptions::default()
    }

    /// Sets the total time for the call.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sets the longest silence allowed while waiting for the answer or reading it.
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.read_timeout = Some(timeout);
        self
    }

    /// Sets the retry policy for the call.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = Some(retry);
        self
    }

    /// Sets how much of the answer is read into memory.
    pub fn limits(mut self, limits: BodyLimits) -> Self {
        self.limits = Some(limits);
        self
    }

    /// Declares whether the request is idempotent, overriding what its HTTP method says: `true`
    /// for a POST the caller knows can be repeated safely (a query, a create with a
    /// client-chosen unique name), so that it is retried like a GET; `false` to keep a PUT or
    /// DELETE from being retried when its answer is in doubt.
    pub fn idempotent(mut self, idempotent: bool) -> Self {
        self.idempotent = Some(idempotent);
        self
    }
}
