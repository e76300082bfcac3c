//! When and how long to wait before sending a request again: the public [`RetryPolicy`], and the
//! decision the send loop asks for after each attempt, made here as a pure function of the
//! attempt's facts (method, status, headers, what became of the body, time left, a jitter draw)
//! so that it can be tested without a server or a clock.
//!
//! A request is sent again only when that is safe:
//!
//! - for any request, when it provably was not carried out: no connection could be made
//!   (refused, reset or timed out while connecting), the answer was 429 (throttled before being
//!   looked at), or the answer was 503 and arrived before the request body had gone out whole;
//! - for idempotent requests only (GET, HEAD, OPTIONS, PUT, DELETE, or any request the caller
//!   declared idempotent with [`CallOptions::idempotent`](crate::CallOptions::idempotent)), also
//!   when it may have been: an answer of 502, 503 or 504, a connection reset or closed after the
//!   request went out, or no answer within the read timeout.
//!
//! Never after a TLS failure (a certificate not trusted or not for this host: sending again fails
//! the same way), any other status, or when the body cannot be sent again (a one-shot stream, a
//! pipe). At most [`RetryPolicy::max_attempts`] sends in all. The wait is the answer's
//! `Retry-After` (seconds or an HTTP date) when it gives one, otherwise exponential backoff with
//! jitter: a random time between half and all of `initial_backoff × 2^(attempt-1)`, capped at
//! `max_backoff`. A `Retry-After` longer than `max_retry_after` is not waited for: the answer is
//! returned. No wait goes past the call's total timeout: a retry that could not finish in time is
//! not started, and the last answer or error is returned instead.

use reqwest::header::HeaderMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How often and how patiently to retry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Sends in all, the first included; 1 disables retries.
    pub max_attempts: u32,
    /// Backoff before the second attempt.
    pub initial_backoff: Duration,
    /// Upper bound of any backoff.
    pub max_backoff: Duration,
    /// Longest `Retry-After` the client waits for; a longer one ends the retries.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(10),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// A policy that sends each request once.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// The wait after failed attempt number `attempt` (1-based), with jitter.
    pub fn backoff(&self, attempt: u32) -> Duration {
        self.backoff_with(attempt, fastrand::f64())
    }

    /// The wait after failed attempt number `attempt`, with `jitter` (in `0.0..1.0`) choosing
    /// where between half and all of the full backoff it falls.
    fn backoff_with(&self, attempt: u32, jitter: f64) -> Duration {
        let exponent = attempt.saturating_sub(1).min(20);
        let full = self
            .initial_backoff
            .saturating_mul(1u32 << exponent)
            .min(self.max_backoff);
        let half = full / 2;
        half + full.saturating_sub(half).mul_f64(jitter)
    }
}

/// What became of one attempt, as far as retrying goes.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Outcome<'a> {
    /// An answer arrived.
    Answer {
        /// Its status.
        status: u16,
        /// Its headers (for `Retry-After`).
        headers: &'a HeaderMap,
        /// Whether it arrived before the request body had gone out whole, which proves the
        /// service did not act on the request.
        before_body_sent: bool,
    },
    /// No connection could be made: nothing reached the service.
    NotSent,
    /// The connection failed or went silent after the request went out: the service may have
    /// acted on it.
    Lost,
    /// A failure a retry would meet again (TLS) or that is not a network one.
    Fatal,
}

/// The facts the retry decision rests on, gathered by the send loop.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Attempt<'a> {
    /// Which attempt this was, counting from 1.
    pub(crate) number: u32,
    /// Whether the request's body can be sent again.
    pub(crate) replayable: bool,
    /// Whether sending the request twice has the effect of sending it once.
    pub(crate) idempotent: bool,
    /// What became of it.
    pub(crate) outcome: Outcome<'a>,
    /// Time left before the call's deadline; `None` when the call has none.
    pub(crate) time_left: Option<Duration>,
    /// The current time, for a `Retry-After` given as a date.
    pub(crate) now: SystemTime,
    /// A draw in `0.0..1.0` for the backoff's jitter.
    pub(crate) jitter: f64,
}

/// What to do after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Wait this long, then send the request again.
    Retry {
        /// The wait.
        wait: Duration,
    },
    /// Return this attempt's answer or error to the caller.
    Stop,
}

/// Whether the HTTP method promises that sending twice has the effect of sending once
/// (RFC 9110, section 9.2.2).
pub(crate) fn is_idempotent_method(method: &reqwest::Method) -> bool {
    use reqwest::Method;
    [
        Method::GET,
        Method::HEAD,
        Method::OPTIONS,
        Method::TRACE,
        Method::PUT,
        Method::DELETE,
    ]
    .contains(method)
}

/// Whether and when to send the request again, by the policy in the module docs.
pub(crate) fn decide(policy: &RetryPolicy, attempt: &Attempt<'_>) -> Decision {
    let may_retry = attempt.replayable && attempt.number < policy.max_attempts;
    if !may_retry {
        return Decision::Stop;
    }
    let backoff = || policy.backoff_with(attempt.number, attempt.jitter);
    let fits = |wait: Duration| attempt.time_left.is_none_or(|left| wait < left);
    let after_backoff = || {
        let wait = backoff();
        if fits(wait) {
            Decision::Retry { wait }
        } else {
            Decision::Stop
        }
    };
    match attempt.outcome {
        Outcome::Answer {
            status,
            headers,
            before_body_sent,
        } if is_safe_to_repeat(status, before_body_sent, attempt.idempotent) => {
            let wait = retry_after(headers, attempt.now).unwrap_or_else(backoff);
            if wait <= policy.max_retry_after && fits(wait) {
                Decision::Retry { wait }
            } else {
                Decision::Stop
            }
        }
        Outcome::NotSent => after_backoff(),
        Outcome::Lost if attempt.idempotent => after_backoff(),
        _ => Decision::Stop,
    }
}

/// Whether an answer of `status` invites sending the request again, and doing so is safe.
fn is_safe_to_repeat(status: u16, before_body_sent: bool, idempotent: bool) -> bool {
    match status {
        // Throttled: the gateway turned the request away without passing it on.
        429 => true,
        // Unavailable: only an answer that came before the body went out proves nothing was done.
        503 => idempotent || before_body_sent,
        // A gateway's upstream failed or took too long: it may have acted.
        502 | 504 => idempotent,
        _ => false,
    }
}

/// The wait a `Retry-After` header asks for, as delay-seconds or an HTTP date.
fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get("retry-after")?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = parse_http_date(value)?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Parses the IMF-fixdate form of an HTTP date, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`.
fn parse_http_date(value: &str) -> Option<SystemTime> {
    let mut parts = value.split_whitespace();
    let _weekday = parts.next()?;
    let day: u64 = parts.next()?.parse().ok()?;
    let month = match parts.next()? {
        "Jan" => 1,
        "Feb" => 2,
        "Mar" => 3,
        "Apr" => 4,
        "May" => 5,
        "Jun" => 6,
        "Jul" => 7,
        "Aug" => 8,
        "Sep" => 9,
        "Oct" => 10,
        "Nov" => 11,
        "Dec" => 12,
        _ => return None,
    };
    let year: i64 = parts.next()?.parse().ok()?;
    if !(1970..=9999).contains(&year) {
        return None;
    }
    let mut clock = parts.next()?.split(':').map(|p| p.parse::<u64>().ok());
    let (hour, minute, second) = (clock.next()??, clock.next()??, clock.next()??);
    if parts.next()? != "GMT" || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60
    {
        return None;
    }
    // Days from the civil date (proleptic Gregorian), after Howard Hinnant's algorithm.
    let (y, m) = if month <= 2 {
        (year - 1, month + 9)
    } else {
        (year, month - 3)
    };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let day_of_year = (153 * m + 2) / 5 + day as i64 - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    let days = era * 146_097 + day_of_era - 719_468;
    let seconds = u64::try_from(days).ok()? * 86_400 + hour * 3600 + minute * 60 + second;
    UNIX_EPOCH.checked_add(Duration::from_secs(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_with_jitter_and_a_cap() {
        let policy = RetryPolicy::default();
        for _ in 0..100 {
            let first = policy.backoff(1);
            assert!(
                first >= Duration::from_millis(100) && first <= Duration::from_millis(200),
                "{first:?}"
            );
            let third = policy.backoff(3);
            assert!(
                third >= Duration::from_millis(400) && third <= Duration::from_millis(800),
                "{third:?}"
            );
            assert!(policy.backoff(30) <= Duration::from_secs(10));
        }
    }

    #[test]
    fn reads_retry_after_in_both_forms() {
        let now = UNIX_EPOCH + Duration::from_secs(784_111_777); // Sun, 06 Nov 1994 08:49:37 GMT
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", "7".parse().unwrap());
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(7)));
        headers.insert(
            "retry-after",
            "Sun, 06 Nov 1994 08:49:47 GMT".parse().unwrap(),
        );
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(10)));
        headers.insert(
            "retry-after",
            "Sun, 06 Nov 1994 08:49:00 GMT".parse().unwrap(),
        );
        assert_eq!(retry_after(&headers, now), Some(Duration::ZERO));
        headers.insert("retry-after", "soon".parse().unwrap());
        assert_eq!(retry_after(&headers, now), None);
        headers.insert(
            "retry-after",
            "Sun, 06 Nov 99999999999999 08:49:00 GMT".parse().unwrap(),
        );
        assert_eq!(retry_after(&headers, now), None);
    }

    fn attempt(outcome: Outcome<'_>) -> Attempt<'_> {
        Attempt {
            number: 1,
            replayable: true,
            idempotent: true,
            outcome,
            time_left: None,
            now: UNIX_EPOCH,
            jitter: 0.5,
        }
    }

    fn post(outcome: Outcome<'_>) -> Attempt<'_> {
        Attempt {
            idempotent: false,
            ..attempt(outcome)
        }
    }

    #[test]
    fn decides_from_status_retry_after_attempts_and_time_left() {
        let policy = RetryPolicy::default();
        let plain = HeaderMap::new();
        let mut wait_2s = HeaderMap::new();
        wait_2s.insert("retry-after", "2".parse().unwrap());
        let mut wait_2min = HeaderMap::new();
        wait_2min.insert("retry-after", "120".parse().unwrap());
        let answer = |status, headers| Outcome::Answer {
            status,
            headers,
            before_body_sent: false,
        };
        let early = |status, headers| Outcome::Answer {
            status,
            headers,
            before_body_sent: true,
        };
        // 200 ms backoff for attempt 1, jitter 0.5: 100 ms + 50 ms.
        let backoff = Decision::Retry {
            wait: Duration::from_millis(150),
        };
        let cases: Vec<(&str, Attempt<'_>, Decision)> = vec![
            ("success", attempt(answer(200, &plain)), Decision::Stop),
            ("client error", attempt(answer(400, &plain)), Decision::Stop),
            ("server error", attempt(answer(500, &plain)), Decision::Stop),
            ("GET busy, backoff", attempt(answer(503, &plain)), backoff),
            ("GET bad gateway", attempt(answer(502, &plain)), backoff),
            ("GET gateway timeout", attempt(answer(504, &plain)), backoff),
            (
                "POST bad gateway",
                post(answer(502, &plain)),
                Decision::Stop,
            ),
            (
                "POST gateway timeout",
                post(answer(504, &plain)),
                Decision::Stop,
            ),
            (
                "POST busy after its body",
                post(answer(503, &plain)),
                Decision::Stop,
            ),
            (
                "POST busy before its body",
                post(early(503, &plain)),
                backoff,
            ),
            (
                "POST bad gateway before its body",
                post(early(502, &plain)),
                Decision::Stop,
            ),
            ("POST throttled", post(answer(429, &plain)), backoff),
            (
                "busy, Retry-After",
                attempt(answer(429, &wait_2s)),
                Decision::Retry {
                    wait: Duration::from_secs(2),
                },
            ),
            (
                "Retry-After over max_retry_after",
                attempt(answer(429, &wait_2min)),
                Decision::Stop,
            ),
            (
                "Retry-After past the deadline",
                Attempt {
                    time_left: Some(Duration::from_secs(2)),
                    ..attempt(answer(429, &wait_2s))
                },
                Decision::Stop,
            ),
            (
                "Retry-After within the deadline",
                Attempt {
                    time_left: Some(Duration::from_millis(2001)),
                    ..attempt(answer(429, &wait_2s))
                },
                Decision::Retry {
                    wait: Duration::from_secs(2),
                },
            ),
            (
                "last attempt",
                Attempt {
                    number: 3,
                    ..attempt(answer(503, &plain))
                },
                Decision::Stop,
            ),
            (
                "one-shot body",
                Attempt {
                    replayable: false,
                    ..attempt(answer(429, &plain))
                },
                Decision::Stop,
            ),
            ("not sent, GET", attempt(Outcome::NotSent), backoff),
            ("not sent, POST", post(Outcome::NotSent), backoff),
            (
                "not sent, no time left",
                Attempt {
                    time_left: Some(Duration::from_millis(150)),
                    ..attempt(Outcome::NotSent)
                },
                Decision::Stop,
            ),
            (
                "not sent, one-shot body",
                Attempt {
                    replayable: false,
                    ..attempt(Outcome::NotSent)
                },
                Decision::Stop,
            ),
            ("lost, GET", attempt(Outcome::Lost), backoff),
            ("lost, POST", post(Outcome::Lost), Decision::Stop),
            (
                "TLS or other failure",
                attempt(Outcome::Fatal),
                Decision::Stop,
            ),
        ];
        for (case, facts, expected) in cases {
            assert_eq!(decide(&policy, &facts), expected, "{case}");
        }
    }

    #[test]
    fn retries_only_transient_statuses() {
        let for_get: Vec<u16> = (100..600)
            .filter(|s| is_safe_to_repeat(*s, false, true))
            .collect();
        assert_eq!(for_get, vec![429, 502, 503, 504]);
        let for_post: Vec<u16> = (100..600)
            .filter(|s| is_safe_to_repeat(*s, false, false))
            .collect();
        assert_eq!(for_post, vec![429]);
    }

    #[test]
    fn idempotent_methods_are_the_rfc_ones() {
        use reqwest::Method;
        for method in [
            Method::GET,
            Method::HEAD,
            Method::PUT,
            Method::DELETE,
            Method::OPTIONS,
        ] {
            assert!(is_idempotent_method(&method), "{method}");
        }
        for method in [Method::POST, Method::PATCH] {
            assert!(!is_idempotent_method(&method), "{method}");
        }
    }
}
