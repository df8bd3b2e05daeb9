//! **npay-order**: an unofficial SDK for the Naver Pay merchant order API (주문형 API,
//! `pay-order/mall`) — pull new and changed orders, confirm and dispatch them, handle cancel,
//! return and exchange claims, and read reviews.
//!
//! * Every operation of the API is a method of [`Client`] taking its parameters type from
//!   [`ops`] (generated from the OpenAPI spec) and returning the envelope's `data` in a
//!   [`Response`], which also holds the status, headers and trace id.
//! * Authentication is automatic: the signature ([`sign`]), one cached token per client, renewed
//!   before it expires and re-issued once if the server refuses it.
//! * Reads are retried on passing failures; mutations only when provably not processed, so
//!   nothing is done twice ([`NpayError::may_have_been_applied`] says when to look first).
//! * Every limit of the spec is checked before sending; lists longer than a request takes are
//!   split and merged ([`chunk`]); [`paging`] walks long ranges page by page.
//! * After an ambiguous failure of a mutation the client reads the orders and reports what
//!   took effect ([`reconcile`]).
//!
//! ```no_run
//! # async fn demo() -> npay_order::Result<()> {
//! use npay_order::{Client, Environment};
//! use npay_order::ops::ConfirmProductOrdersParams;
//!
//! let client = Client::builder()
//!     .client_id("my-app-id")
//!     .client_secret("$2a$04$abcdefghijklmnopqrstuu")
//!     .environment(Environment::Sandbox)
//!     .build()?;
//! let result = client.confirm_product_orders(ConfirmProductOrdersParams::new(["2026112514566031"])).await?;
//! for failure in &result.fail_product_order_infos {
//!     eprintln!("{}: {}", failure.product_order_id, failure.code);
//! }
//! # Ok(()) }
//! ```

#![deny(missing_docs)]
// `NpayError` holds its `ApiError` by value so that callers match on its fields directly; every
// `Result` of this crate ends a network call, next to which the error's size costs nothing.
#![allow(clippy::result_large_err)]

pub mod chunk;
mod client;
mod config;
pub mod drift;
mod error;
pub mod json;
pub mod paging;
pub mod reconcile;
mod response;
mod retry;
mod rules;
pub mod runtime;
mod token;
pub mod tolerant;
mod transport;
pub mod validate;
pub mod watch;

/// Parameter types of every operation, generated from the spec.
#[allow(clippy::all)]
#[rustfmt::skip] // generated: formatted by its renderer
#[path = "generated/operations.rs"]
pub mod ops;

pub use client::Client;
pub use config::{ClientBuilder, Config, Environment, Secret, TokenScope};
pub use drift::{Deviation, DeviationKind, DriftReport};
pub use error::{ApiError, ConnectionError, InvalidInput, NpayError, RequestSent, Result};
pub use npay_order_api::{Timestamp, enums, types};
pub use ops::OPERATIONS;
pub use response::{Response, ResponseMeta, TRACE_ID_HEADER};
pub use retry::Effect;

/// The `client_secret_sign` of a token request: `base64(bcrypt(client_id + "_" + timestamp_ms,
/// salt = client_secret))`.
///
/// ```
/// // The test vector Naver publishes with its signature documentation.
/// let sign = npay_order::sign("aaaabbbbcccc", "$2a$10$abcdefghijklmnopqrstuv", 1643961623299).unwrap();
/// assert_eq!(sign, "JDJhJDEwJGFiY2RlZmdoaWprbG1ub3BxcnN0dXVCVldZSk42T0VPdEx1OFY0cDQxa2IuTnpVaUEzbmsy");
/// ```
pub fn sign(client_id: &str, client_secret: &str, timestamp_ms: i64) -> Result<String> {
    npay_order_api::signature::sign(client_id, client_secret, timestamp_ms)
        .map_err(|e| NpayError::invalid("client_secret", e.to_string()))
}

/// One operation of the spec, as listed in [`OPERATIONS`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OperationInfo {
    /// The operationId (`listLastChangedStatuses`).
    pub id: &'static str,
    /// HTTP method.
    pub method: &'static str,
    /// Path below the base URL.
    pub path: &'static str,
    /// Whether it only reads (retried freely).
    pub read_only: bool,
}
