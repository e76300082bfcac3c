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
//! - `object`: the `json_struct!` macro, which reads every generated answer struct;
//! - `options`: `CallOptions`, re-exported at the crate root.
//!
//! Nothing else here is public API: the generated request builders are what users call.

mod answer;
mod auth;
mod body;
mod enums;
mod future;
#[allow(dead_code)] // a spec without answer structs uses none of it
pub(crate) mod object;
mod options;
mod params;
mod request;
mod send;

// Generated error enums alone use these: a spec that documents no error answer uses none.
#[allow(unused_imports)]
pub(crate) use answer::{Answer, Decoded, ErrorAnswers};
// Only an operation with several documented successes lists how each is read.
#[allow(unused_imports)]
pub(crate) use answer::Read;
// Generated code alone uses these two, and a spec without string enums or without parameters of
// a given kind uses neither.
#[allow(unused_imports)]
pub(crate) use enums::string_enum;
pub use future::Call;
#[allow(unused_imports)]
pub(crate) use object::json_struct;
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

impl<S: Scope> Base<S> {
    /// The request of operation `operation` (`method` on the path `template`), sent by the
    /// handle's client with the call's options, the handle's ids put into the path.
    #[inline]
    pub(crate) fn request(
        self,
        operation: &'static str,
        method: Method,
        template: &'static str,
    ) -> ApiRequest {
        start(
            ApiRequest::new(operation, method, template),
            self.scope.client_and_ids(),
            self.options,
        )
    }
}

/// The requests of the usual methods, for short: `self.base.get("ListAlerts", "/v1/...")`.
// A spec need not use every method.
#[allow(dead_code)]
impl<S: Scope> Base<S> {
    #[inline]
    pub(crate) fn get(self, operation: &'static str, template: &'static str) -> ApiRequest {
        self.request(operation, Method::GET, template)
    }

    #[inline]
    pub(crate) fn post(self, operation: &'static str, template: &'static str) -> ApiRequest {
        self.request(operation, Method::POST, template)
    }

    #[inline]
    pub(crate) fn put(self, operation: &'static str, template: &'static str) -> ApiRequest {
        self.request(operation, Method::PUT, template)
    }

    #[inline]
    pub(crate) fn delete(self, operation: &'static str, template: &'static str) -> ApiRequest {
        self.request(operation, Method::DELETE, template)
    }

    #[inline]
    pub(crate) fn patch(self, operation: &'static str, template: &'static str) -> ApiRequest {
        self.request(operation, Method::PATCH, template)
    }
}

/// The handles operations start from, and what they give every request: their client, and the
/// ids of the path they scope (`project_id`, `workspace_id`).
pub(crate) trait Scope {
    fn client_and_ids(&self) -> (&crate::Client, [(&'static str, Option<&str>); 2]);
}

impl Scope for crate::Client {
    fn client_and_ids(&self) -> (&crate::Client, [(&'static str, Option<&str>); 2]) {
        (self, [("project_id", None), ("workspace_id", None)])
    }
}

impl Scope for crate::ProjectClient {
    fn client_and_ids(&self) -> (&crate::Client, [(&'static str, Option<&str>); 2]) {
        let ids = [
            ("project_id", Some(self.project_id())),
            ("workspace_id", None),
        ];
        (self.client(), ids)
    }
}

impl Scope for crate::WorkspaceClient {
    fn client_and_ids(&self) -> (&crate::Client, [(&'static str, Option<&str>); 2]) {
        let ids = [
            ("project_id", Some(self.project_id())),
            ("workspace_id", Some(self.workspace_id())),
        ];
        (self.client(), ids)
    }
}

/// [`Base::request`]'s work, once for every handle: the ids its path template names, the client
/// and the options.
fn start(
    mut request: ApiRequest,
    (client, ids): (&crate::Client, [(&'static str, Option<&str>); 2]),
    options: CallOptions,
) -> ApiRequest {
    for (name, id) in ids {
        if let Some(id) = id {
            if request.names_path_param(name) {
                request = request.path_param(name, id);
            }
        }
    }
    request.client(client).options(options)
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
