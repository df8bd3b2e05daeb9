//! The sandbox's own record of every change, and late visibility of changes.
//!
//! Every time a product order's `lastChangedDate` is set (a new order, a payment, a claim, …)
//! the store appends a [`ChangeRecord`] — including changes a later change replaces before any
//! client listed them. Tests count a watcher's events against this record (`GET
//! _sandbox/changes`).
//!
//! Late visibility (`PUT _sandbox/visibility`) emulates a change index filled asynchronously: a
//! share of changes can only be listed some time after their `lastChangedDate`.

pub use npay_sandbox_control::VisibilityConfig;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::enums::{ClaimStatus, LastChangedType, ProductOrderStatus};
use crate::time::{Millis, Ts};

/// The draws of late visibility.
pub struct Visibility {
    pub config: VisibilityConfig,
    rng: ChaCha8Rng,
}

impl Visibility {
    pub fn new(config: VisibilityConfig) -> Self {
        Visibility { config, rng: ChaCha8Rng::seed_from_u64(config.seed) }
    }

    /// When a change made at `at` can first be listed.
    pub fn visible_at(&mut self, at: Millis) -> Millis {
        let c = self.config;
        if c.late_rate <= 0.0 || c.max_delay_ms <= 0 || !self.rng.random_bool(c.late_rate.min(1.0)) {
            return at;
        }
        at + self.rng.random_range(1..=c.max_delay_ms)
    }
}

/// One change as the sandbox made it.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChangeRecord {
    /// Position in the record (0-based).
    pub seq: u64,
    pub product_order_id: String,
    pub order_id: String,
    /// The change's `lastChangedDate`.
    pub last_changed_date: Ts,
    /// Unix ms of `lastChangedDate` (for counting without parsing).
    pub last_changed_ms: Millis,
    pub last_changed_type: LastChangedType,
    pub product_order_status: ProductOrderStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claim_status: Option<ClaimStatus>,
    /// Unix ms (sandbox clock) from which a listing can show it.
    pub visible_from_ms: Millis,
    /// Unix ms (sandbox clock) at which a later change of the same product order replaced it in
    /// the listing; absent while it is the product order's latest change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replaced_at_ms: Option<Millis>,
}
