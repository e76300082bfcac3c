//! Typed async client for Huawei Cloud SecMaster.
//!
//! The operations are generated from an OpenAPI transcription of the SecMaster API reference
//! (one method per operation, named after its operationId in snake case); this crate's
//! hand-written runtime supplies authentication (IAM token or AK/SK signing), errors, multipart
//! uploads, timeouts, retries and the bounds on what a server can make it read. The generated
//! code ships in the package: building the client runs no generator.
//!
//! # Quick start
//!
//! ```toml
//! [dependencies]
//! secmaster = "0.1"
//! # or only the API families you call:
//! # secmaster = { version = "0.1", default-features = false, features = ["workflows"] }
//! tokio = { version = "1", features = ["macros", "rt-multi-thread"] }
//! ```
//!
//! ```no_run
//! use secmaster::{Client, UploadFile};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::builder()
//!     .endpoint("https://secmaster.cn-north-4.myhuaweicloud.com")
//!     .token(std::env::var("SECMASTER_TOKEN")?)
//!     .build()?;
//! let workspace = client.workspace("my-project-id", "my-workspace-id");
//! let answer = workspace
//!     .import_aopworkflow(UploadFile::from_path("workflow.json"))
//!     .await?;
//! println!("imported: {:?} (request id {:?})", answer.code, answer.request_id());
//! # Ok(()) }
//! ```
//!
//! Methods live on the handle that supplies their leading path parameters: [`WorkspaceClient`]
//! (project and workspace), [`ProjectClient`] (project) or [`Client`]. Request and response
//! bodies are in [`types`], request builders and their error enums in [`operations`]; a call
//! gives [`Response`] or [`Error`].
//!
//! # Features
//!
//! - One feature per API family, named after its spec file: `alerts`, `incidents`,
//!   `workflows`, ... Each compiles the family's operations (request builders and error enums),
//!   its methods on the handles and the types only it uses; a type several families use is
//!   compiled when any of them is. The family's module, of the same name (listed below under
//!   *Modules*), says how many operations it has, and docs.rs marks every item with the
//!   feature it needs. No family feature pulls in a dependency.
//! - `full` (the default): every family.
//! - No family (`default-features = false`): the runtime alone (client, credentials, errors,
//!   retries).
//! - `regenerate`: for a checkout of the repository that extends its spec. The build script
//!   regenerates the client from `spec/` with the generator crate, `secmaster-codegen`, as a
//!   build-dependency, which pulls in its dependencies (openapiv3, serde_yaml, yaml-rust2, syn
//!   with its `full` parser). The published package has no `spec/`: there the feature stops the
//!   build with a message saying so.
//! - `mock`: [`mock::MockServer`], a typed mock of the API on loopback for the tests of code
//!   that uses the client (enable it under `[dev-dependencies]`): one method per operation of
//!   the enabled families. It pulls in wiremock, and makes every generated type both
//!   serializable and deserializable.
//!
//! Without `regenerate`, none of the generator's crates is compiled. syn itself still is, with
//! its `full` parser, for the proc macros of dependencies: serde's derive, futures' macros
//! (which reqwest's HTTP stack turns on), and the derives of the Unicode tables (`displaydoc`,
//! `yoke-derive`, `zerovec-derive`, ...) that reqwest's URL parser reaches through `url` and
//! `idna`. That is outside this crate's control; its own
//! dependency on `tracing` leaves out the `#[instrument]` macro for that reason.

#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

// The runtime, one concern per module, in layers with no import circle: `sanitize`, `failure`,
// `limits`, `budget` and `activity` stand alone; `error`, `headers`, `deadline`, `retry`,
// `signing` and `upload` stand alone or on those; `credentials`, `response` and `client` build on
// them; `call` (what generated code calls) builds on all of them, and `paging` (the streams of
// paged operations) on `call`;
// `mock` (feature `mock`) builds on `client`, `credentials` and `signing`.
// What only generated code calls is unused while a family is off.
mod activity;
mod budget;
#[cfg_attr(not(feature = "full"), allow(dead_code, unused_imports, unused_macros))]
mod call;
mod client;
mod credentials;
mod deadline;
mod error;
mod failure;
mod headers;
mod limits;
#[cfg(feature = "mock")]
#[cfg_attr(docsrs, doc(cfg(feature = "mock")))]
pub mod mock;
pub mod paging;
mod response;
pub mod retry;
pub mod sanitize;
mod signing;
mod upload;

pub use call::{Call, CallOptions};
pub use client::{Client, ClientBuilder, ProjectClient, WorkspaceClient, REGIONS};
pub use credentials::{env, Credentials, Secret};
pub use error::{ApiError, Error, Limit, Rejection};
pub use limits::BodyLimits;
pub use paging::{Items, Paged, Pages};
pub use response::{ByteStream, Response};
pub use retry::RetryPolicy;
pub use upload::UploadFile;

// The generated operations and types: `generated/secmaster.rs` (the `types` and `operations`
// modules, and one module per API family, each including its family's file), or a fresh copy in
// OUT_DIR when the source tree is read-only (see build.rs).
#[cfg(not(secmaster_generated_in_out_dir))]
include!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/generated/secmaster.rs"
));
#[cfg(secmaster_generated_in_out_dir)]
include!(concat!(env!("OUT_DIR"), "/secmaster.rs"));

/// The README's examples, compiled as doctests so that they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
