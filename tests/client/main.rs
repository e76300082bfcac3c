//! The client's integration tests, one binary: each module runs the client (or its example
//! programs) against a `loopback_server::TestServer` and asserts the exact request on the wire
//! and the exact parse of the answer.

mod example_cli;
mod hostile_answers;
mod import_workflow;
mod memory;
#[cfg(feature = "mock")]
mod mock_server;
mod paged_operations;
mod paging;
mod redirects;
mod retry_safety;
mod runtime_behaviour;
mod signature;
mod soc_examples;
mod special_uploads;
mod tracing_spans;
mod workflow_operations;
