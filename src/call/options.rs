//! Per-call settings that override the client's: given to a request builder's `.options(..)`.

use crate::retry::RetryPolicy;
use std::time::Duration;

/// Per-call settings that override the client's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallOptions {
    /// Total time for the call: every attempt, every wait between them, and reading the answer.
    pub timeout: Option<Duration>,
    /// Retry policy for this call.
    pub retry: Option<RetryPolicy>,
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

    /// Sets the retry policy for the call.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = Some(retry);
        self
    }
}
