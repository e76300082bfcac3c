//! Empty: this crate exists for its dependency on `secmaster` with the `regenerate` feature
//! (see its Cargo.toml).
