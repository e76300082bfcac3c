//! The client's integration tests, one binary: each module runs the client (or its example
//! programs) against a `loopback_server::TestServer` and asserts the exact request on the wire
//! and the exact parse of the answer.

mod example_cli;
mod import_workflow;
mod runtime_behaviour;
mod signature;
mod soc_examples;
mod tracing_spans;
mod workflow_operations;
