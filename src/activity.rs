//! What one attempt's request body has done so far, as the HTTP library pulls it: when it last
//! moved (for the read timeout, which counts silence, not the time an upload takes), whether all
//! of it went out (a 503 that arrives earlier proves the request was not processed), and the
//! failure of its source, if any (reported as that failure rather than as a broken connection).

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::Instant;

/// A failure of the content being uploaded, not of the connection.
#[derive(Debug)]
pub(crate) enum SourceFailure {
    /// The file could not be read, or changed size while it was sent.
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A stream gave other than the length it declared, or failed.
    Invalid(String),
}

/// Shared by an attempt's body streams (which report) and the send loop (which asks).
#[derive(Debug)]
pub(crate) struct Activity {
    start: Instant,
    /// Milliseconds after `start` of the last movement.
    last_ms: AtomicU64,
    /// Body streams not yet read to their end.
    open_streams: AtomicUsize,
    failure: Mutex<Option<SourceFailure>>,
}

impl Activity {
    /// A fresh record, counting as a movement now (the request is about to be sent).
    pub(crate) fn new() -> Arc<Self> {
        Arc::new(Activity {
            start: Instant::now(),
            last_ms: AtomicU64::new(0),
            open_streams: AtomicUsize::new(0),
            failure: Mutex::new(None),
        })
    }

    /// Something moved: a piece of the body went out.
    pub(crate) fn touch(&self) {
        let ms = u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_ms.fetch_max(ms, Ordering::Relaxed);
    }

    /// How long nothing has moved.
    pub(crate) fn idle_for(&self) -> Duration {
        let last = self.start + Duration::from_millis(self.last_ms.load(Ordering::Relaxed));
        Instant::now().saturating_duration_since(last)
    }

    /// A body stream was put on the request.
    pub(crate) fn stream_opened(&self) {
        self.open_streams.fetch_add(1, Ordering::SeqCst);
    }

    /// A body stream was read to its end.
    pub(crate) fn stream_finished(&self) {
        self.open_streams.fetch_sub(1, Ordering::SeqCst);
    }

    /// Whether every body stream was read to its end (bodies held in memory go out at once and
    /// count as read).
    pub(crate) fn all_sent(&self) -> bool {
        self.open_streams.load(Ordering::SeqCst) == 0
    }

    /// Keeps the first failure of the content.
    pub(crate) fn record_failure(&self, failure: SourceFailure) {
        if let Ok(mut slot) = self.failure.lock() {
            slot.get_or_insert(failure);
        }
    }

    /// The failure of the content, if there was one.
    pub(crate) fn take_failure(&self) -> Option<SourceFailure> {
        self.failure.lock().ok().and_then(|mut slot| slot.take())
    }
}
