//! Shared by the integration tests: a loopback HTTP server that records requests exactly as they
//! arrive, and an AK/SK signature verifier written from the algorithm (not from the client).
#![allow(dead_code)]

pub mod server;
pub mod signature;
