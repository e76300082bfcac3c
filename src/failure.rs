//! What a failed send means for the request: it never reached the service, it may have, or the
//! TLS handshake failed. The retry decision and the error messages both rest on this, so it is
//! decided once, here, from the error's cause chain.

use std::error::Error as StdError;
use std::io::ErrorKind;

/// What became of a request whose sending failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    /// No connection was made (refused, reset or timed out while connecting): nothing reached
    /// the service, so sending again is safe for any request.
    NotSent,
    /// The TLS handshake failed (a certificate not trusted or not for this host, a server that
    /// does not speak TLS): sending again fails the same way.
    Tls,
    /// The connection failed after the request was (at least partly) sent, before a complete
    /// answer: the service may have carried it out.
    Lost,
    /// Anything else (a host name that does not resolve, ...): not sent again.
    Other,
}

/// Classifies a failure of `reqwest::Client::execute`.
pub(crate) fn classify(error: &reqwest::Error) -> Failure {
    if error.is_connect() {
        // rustls reports every handshake failure, certificate ones included, as an I/O error of
        // kind `InvalidData` (through tokio-rustls); TCP failures have kinds of their own.
        if io_kinds(error).any(|kind| kind == ErrorKind::InvalidData) {
            return Failure::Tls;
        }
        if error.is_timeout()
            || io_kinds(error).any(|kind| {
                matches!(
                    kind,
                    ErrorKind::ConnectionRefused
                        | ErrorKind::ConnectionReset
                        | ErrorKind::ConnectionAborted
                        | ErrorKind::TimedOut
                        | ErrorKind::NotConnected
                        | ErrorKind::AddrNotAvailable
                        | ErrorKind::NetworkUnreachable
                        | ErrorKind::HostUnreachable
                )
            })
        {
            return Failure::NotSent;
        }
        return Failure::Other;
    }
    if error.is_builder() {
        return Failure::Other;
    }
    // Past connecting, the request went out in part or whole: a reset, a connection closed
    // before the answer (hyper's "incomplete message") or any other break leaves open whether
    // the service acted on it.
    Failure::Lost
}

/// The kinds of the I/O errors in `error`'s cause chain. An I/O error wrapping another error
/// is looked into: its own `source()` skips the wrapped error, and with it a nested I/O error.
fn io_kinds(error: &reqwest::Error) -> impl Iterator<Item = ErrorKind> {
    let mut kinds = Vec::new();
    let mut next: Option<&(dyn StdError + 'static)> = error.source();
    while let Some(e) = next {
        next = e.source();
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            kinds.push(io.kind());
            if let Some(inner) = io.get_ref() {
                next = Some(inner);
            }
        }
    }
    kinds.into_iter()
}
