//! The end of a call's total timeout, shared by every attempt, every wait between attempts and
//! the reading of the answer (which may happen long after sending, for a streamed download).

use crate::error::Error;
use std::future::Future;
use std::time::Duration;
use tokio::time::Instant;

/// The end of a call's total timeout, if it has one.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Deadline {
    at: Option<Instant>,
    timeout: Option<Duration>,
}

impl Deadline {
    pub(crate) fn after(timeout: Option<Duration>) -> Self {
        Deadline {
            // A timeout too long to add to the clock is no deadline at all.
            at: timeout.and_then(|t| Instant::now().checked_add(t)),
            timeout,
        }
    }

    /// The time left before the deadline (zero once it has passed), or `None` without one.
    pub(crate) fn time_left(&self) -> Option<Duration> {
        self.at
            .map(|at| at.saturating_duration_since(Instant::now()))
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
