//! The low-level client of the Naver Pay merchant order API (주문형 API, `pay-order/mall`).
//!
//! Everything under `generated/` is produced by `cargo xtask generate` from
//! `openapi/npay-order.yaml` and is never edited by hand. Beside it, handwritten, are the types
//! Naver's data needs:
//!
//! * [`Timestamp`] keeps the `+09:00` offset of Naver's date-times and always writes milliseconds;
//! * [`open_enum!`] makes every enum of the spec *open*: a value Naver adds tomorrow is kept as
//!   `Unrecognized(String)` instead of failing the whole response.
//!
//! [`shapes`] holds the spec's response schemas as data ([`shape`]), for the core's tolerant reads,
//! the sandbox and [`conform`] (whether a body reads exactly as its typed value, without decoding
//! it); [`signature`] computes `client_secret_sign`.
//!
//! [`CallContext`] carries the bearer token and per-call timeout into the generated requests.
//! Authentication, retries, paging and typed errors are not here: they live in the `npay-order`
//! crate, which drives this client through progenitor's hooks.

pub mod conform;
mod decode;
mod hooks;
mod open_enum;
pub mod shape;
pub mod signature;
pub mod text;
pub mod timestamp;

#[allow(clippy::all, missing_docs, unused_imports, irrefutable_let_patterns)]
#[rustfmt::skip] // generated: formatted by its renderer
#[path = "generated/client.rs"]
mod client;

/// The spec's named enums (generated; see [`open_enum!`]).
#[allow(clippy::all)]
#[rustfmt::skip] // generated: formatted by its renderer
#[path = "generated/enums.rs"]
pub mod enums;

/// The shape of every operation's successful answer (generated; see [`shape`]).
#[rustfmt::skip] // generated: formatted by its renderer
#[path = "generated/shapes.rs"]
pub mod shapes;

pub use client::*;
pub use decode::{BodyTap, ByteString};
pub use hooks::{CallContext, bearer_value};
pub use open_enum::OpenEnum;
pub use timestamp::{Timestamp, TimestampParseError};
