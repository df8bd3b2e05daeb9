//! The test suites of the bindings and the tools they install: what `cargo xtask test` runs for
//! Python, Node and Kotlin/Swift. The renderers (`python.rs`, `node.rs`, `uniffi.rs`) only render.

pub mod kotlin;
pub mod node;
pub mod python;
