//! What generated code calls, and nothing else does. Generated operations describe a request as
//! an `ApiRequest` and hand it to a `Call` with a decode function; the `Call` sends it with
//! `Client::execute`, reads the `RawResponse` into an `Answer` as the documented statuses say,
//! and decodes it. The logic lives here, once and not generic over the operation's types, so
//! generated code stays thin and cheap to compile. One phase per file:
//!
//! - `params`: parameter values as text, and their escaping;
//! - `request`: the request description, checked into URL and headers once per call;
//! - `body`: JSON, binary and multipart bodies, put on each attempt anew;
//! - `auth`: the token header, or the AK/SK headers and signature (over `crate::signing`);
//! - `send`: the attempt loop, which asks `crate::retry::decide` whether to send again, is
//!   bounded by `crate::deadline` and the read timeout, and ends a redirect as an error;
//! - `answer`: reading the answer's body as its status says, within the body limits, and the
//!   readers that turn it into `crate::Response` or `crate::Error`;
//! - `future`: `Call`, the future of every request builder (public, re-exported at the root);
//! - `enums`: the `string_enum!` macro behind every generated string enum;
//! - `options`: `CallOptions`, re-exported at the crate root.
//!
//! Nothing else here is public API: the generated request builders are what users call.

mod answer;
mod auth;
mod body;
mod enums;
mod future;
mod options;
mod params;
mod request;
mod send;

pub(crate) use answer::Read;
// Generated code alone uses these two, and a spec without string enums or without parameters of
// a given kind uses neither.
#[allow(unused_imports)]
pub(crate) use enums::string_enum;
pub use future::Call;
pub use options::CallOptions;
#[allow(unused_imports)]
pub(crate) use params::ParamValue;
pub(crate) use request::ApiRequest;
pub(crate) use reqwest::Method;

/// What every request builder holds besides its parameters: the handle it was made from and the
/// per-call options. `Clone` for the builders of paged operations, copied for each page.
#[derive(Debug, Clone)]
pub(crate) struct Base<S> {
    pub(crate) scope: S,
    pub(crate) options: CallOptions,
}

impl<S: Clone> Base<S> {
    #[inline]
    pub(crate) fn new(scope: &S) -> Self {
        Base {
            scope: scope.clone(),
            options: CallOptions::default(),
        }
    }
}

/// The shared part of a request builder: `options`, `send` and `IntoFuture`, which call the
/// builder's generated `call` (its request and its decode function). `#[inline]` keeps them, and
/// the decoding they reach, out of this crate's own build: they are compiled in the crates that
/// use them, and only for the operations those crates call.
macro_rules! operation {
    ($request:ident => $ok:ty, $err:ty) => {
        impl $request {
            /// Overrides the client's timeouts, limits and retry policy for this call.
            #[inline]
            pub fn options(mut self, options: $crate::CallOptions) -> Self {
                self.base.options = options;
                self
            }

            /// Sends the request: `.await` the returned [`Call`](crate::Call) for the answer
            /// (awaiting the builder itself does the same).
            #[inline]
            pub fn send(self) -> $crate::Call<$ok, $err> {
                self.call()
            }
        }

        impl ::std::future::IntoFuture for $request {
            type Output = ::std::result::Result<$crate::Response<$ok>, $crate::Error<$err>>;
            type IntoFuture = $crate::Call<$ok, $err>;

            #[inline]
            fn into_future(self) -> Self::IntoFuture {
                self.call()
            }
        }
    };
}
pub(crate) use operation;
