//! Typed async client for Huawei Cloud SecMaster.
//!
//! The operations are generated from the OpenAPI documents under `spec/` (one method per
//! operation, named after its operationId in snake case); this crate's hand-written runtime
//! supplies authentication (IAM token or AK/SK signing), errors, multipart uploads, timeouts and
//! retries.
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

#![warn(missing_docs)]

mod client;
mod error;
mod response;
pub mod retry;
mod runtime;
// Temporary: the generated code calls `crate::call`, the new name of the call machinery; until
// the runtime module is renamed, this forwards to it. Remove when `src/call` lands.
mod call {
    pub(crate) use crate::runtime::*;
}
mod signing;
mod upload;

pub use client::{
    env, CallOptions, Client, ClientBuilder, Credentials, ProjectClient, Secret, WorkspaceClient,
    REGIONS,
};
pub use error::{ApiError, Error};
pub use response::{ByteStream, Response};
pub use retry::RetryPolicy;
pub use upload::UploadFile;

// The generated operations and types: `generated/secmaster.rs`, or a fresh copy in OUT_DIR when
// the source tree is read-only (see build.rs).
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
