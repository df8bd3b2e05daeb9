//! The control API of `npay-sandbox`, the project's emulator of the Naver Pay order API: what a
//! test does to the sandbox besides calling the API — create orders, apply what buyers, couriers
//! and time do ([`EVENTS`]), move the clock, inject faults and deviations, read the statistics,
//! run traffic.
//!
//! One definition for both sides: the sandbox serves these types ([`wire`]) and this list, and
//! [`ControlClient`] calls them. Every sandbox helper of the project — the Rust tests, `cargo
//! xtask`, and the Python, Node, Kotlin and Swift bindings — goes through this client; the
//! bindings' event lists are generated from [`EVENTS`].
//!
//! ```no_run
//! use npay_sandbox_control::{ControlClient, CreateOrders, InitialStatus};
//! # async fn run() -> Result<(), npay_sandbox_control::ControlError> {
//! let control = ControlClient::new("http://127.0.0.1:41234/npay/partner")?;
//! control.reset().await?;
//! let waiting = control
//!     .create_orders(&CreateOrders { count: 2, status: InitialStatus::PaymentWaiting, ..CreateOrders::default() })
//!     .await?;
//! let paid = control.event(&waiting.product_order_ids[0], "pay").await?;
//! assert_eq!(paid.product_order_status, "PAYED");
//! # Ok(()) }
//! ```

mod client;
mod events;
pub mod wire;

pub use crate::client::{ControlClient, ControlError, error_chain};
pub use crate::events::EVENTS;
pub use crate::wire::{
    AbsentFields, AbsentFieldsConfig, App, Clock, CreateOrders, CreatedOrders, DeviationConfig, DeviationKind,
    EventDetails, EventOutcome, Faults, Info, InitialStatus, NewApps, Stats, TrafficConfig, TrafficState,
    VisibilityConfig,
};
/// The HTTP method of [`ControlClient::call`].
pub use reqwest::Method;

/// The names of [`EVENTS`], in order.
///
/// ```
/// assert!(npay_sandbox_control::event_names().contains(&"deliver"));
/// ```
pub fn event_names() -> Vec<&'static str> {
    EVENTS.iter().map(|(name, _)| *name).collect()
}
