//! What generated code calls, and nothing else does. Generated operations describe a request as
//! an `ApiRequest`, send it with `Client::execute`, and read the `RawResponse` by status; the
//! logic lives here, once, so generated code stays thin. One phase per file:
//!
//! - `params`: parameter values as text, and their escaping;
//! - `request`: the request description, checked into URL and headers once per call;
//! - `body`: JSON, binary and multipart bodies, put on each attempt anew;
//! - `auth`: the token header, or the AK/SK headers and signature (over `crate::signing`);
//! - `send`: the attempt loop, which asks `crate::retry::decide` whether to send again, is
//!   bounded by `crate::deadline` and the read timeout, and ends a redirect as an error;
//! - `answer`: reading the answer by status into `crate::Response` or `crate::Error`, within the
//!   body limits;
//! - `enums`: the `string_enum!` macro behind every generated string enum;
//! - `options`: `CallOptions`, the one public item, re-exported at the crate root.
//!
//! Nothing here is public API: the generated request builders are what users call.

mod answer;
mod auth;
mod body;
mod enums;
mod options;
mod params;
mod request;
mod send;

pub(crate) use enums::string_enum;
pub use options::CallOptions;
pub(crate) use params::ParamValue;
pub(crate) use request::ApiRequest;
pub(crate) use reqwest::Method;

/// The future of a request builder's `.await`.
pub(crate) type BoxFuture<T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send>>;
