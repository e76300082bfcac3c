//! Header values checked before they go on the wire. Request building, authentication and client
//! construction all turn caller text into headers, so the check lives here, below all of them.

use crate::error::Error;
use reqwest::header::HeaderValue;

/// A header value, refused when it holds control characters such as CR or LF (which could
/// inject headers). `what` names it in the message; the value itself is never printed.
pub(crate) fn header_value<E>(what: &str, value: &str) -> Result<HeaderValue, Error<E>> {
    if value.chars().any(|c| c.is_control() && c != '\t') {
        return Err(Error::invalid(format!(
            "{what} contains a control character (such as a line break); remove it"
        )));
    }
    HeaderValue::from_str(value)
        .map_err(|_| Error::invalid(format!("{what} is not a valid header value")))
}

/// The value, marked so that HTTP libraries keep it out of their debug output.
pub(crate) fn sensitive(mut value: HeaderValue) -> HeaderValue {
    value.set_sensitive(true);
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_control_characters_in_headers() {
        let err = header_value::<std::convert::Infallible>("header `X-A`", "a\r\nX-Injected: 1")
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid request: header `X-A` contains a control character (such as a line break); remove it"
        );
    }
}
