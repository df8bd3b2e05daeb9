//! Events: one per change row, with a stable id.

use npay_order_api::Timestamp;
use npay_order_api::types::LastChangedStatus;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The stable id of a change: `evt_` + the first 32 hex digits (128 bits) of the SHA-256 of
/// `npay-order/event/v1`, the account (the application's client id), `productOrderId`,
/// `lastChangedDate` (as Unix milliseconds, so the offset it is written with does not matter),
/// `lastChangedType` and `claimStatus` (empty when absent), each followed by a newline.
///
/// The same change always has the same id, whoever reads it and however often (overlapping
/// windows, restarts, another language's watcher); a later change of the same product order has
/// another.
///
/// ```
/// use npay_order::watch::event_id;
/// let at: npay_order::Timestamp = "2026-12-01T10:00:00.000+09:00".parse().unwrap();
/// let id = event_id("my-app", "2026120121000001", &at, "PAYED", None);
/// assert!(id.starts_with("evt_") && id.len() == 36);
/// assert_eq!(id, event_id("my-app", "2026120121000001", &"2026-12-01T01:00:00Z".parse().unwrap(), "PAYED", None));
/// ```
pub fn event_id(
    account: &str,
    product_order_id: &str,
    last_changed_date: &Timestamp,
    last_changed_type: &str,
    claim_status: Option<&str>,
) -> String {
    let mut hash = Sha256::new();
    for part in [
        "npay-order/event/v1",
        account,
        product_order_id,
        &last_changed_date.timestamp_millis().to_string(),
        last_changed_type,
        claim_status.unwrap_or(""),
    ] {
        hash.update(part.as_bytes());
        hash.update(b"\n");
    }
    let digest = hash.finalize();
    let mut id = String::with_capacity(36);
    id.push_str("evt_");
    for byte in &digest[..16] {
        id.push_str(&format!("{byte:02x}"));
    }
    id
}

/// The id of a change row of `account` (see [`event_id`]).
pub fn change_event_id(account: &str, change: &LastChangedStatus) -> String {
    event_id(
        account,
        &change.product_order_id,
        &change.last_changed_date,
        change.last_changed_type.as_str(),
        change.claim_status.as_ref().map(|s| s.as_str()),
    )
}

/// Where an event stands in the outbox.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EventStatus {
    /// Not handed over yet, or being retried.
    Pending,
    /// The handler returned `Ok`.
    Done,
    /// Parked after the last attempt failed; [`super::WatchStore::resend`] queues it again.
    Failed,
}

impl EventStatus {
    /// `pending`, `done` or `failed`.
    pub fn as_str(self) -> &'static str {
        match self {
            EventStatus::Pending => "pending",
            EventStatus::Done => "done",
            EventStatus::Failed => "failed",
        }
    }

    /// The status named by [`EventStatus::as_str`].
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "pending" => Some(EventStatus::Pending),
            "done" => Some(EventStatus::Done),
            "failed" => Some(EventStatus::Failed),
            _ => None,
        }
    }
}

/// One change of one product order, as handed to the handler (and, as JSON, to `--exec` and
/// webhooks). Serialises in camelCase: `{id, account, productOrderId, lastChangedType,
/// lastChangedDate, change, detail, attempt}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Event {
    /// The stable id ([`event_id`]); receivers de-duplicate on it.
    pub id: String,
    /// The account (application client id) the change belongs to.
    pub account: String,
    /// The product order.
    pub product_order_id: String,
    /// The change's `lastChangedType` (`PAYED`, `CLAIM_REQUESTED`, …).
    pub last_changed_type: String,
    /// The change's `lastChangedDate`.
    pub last_changed_date: Timestamp,
    /// The change row as the API answered it (`lastChangeStatuses[]` item, camelCase JSON).
    pub change: serde_json::Value,
    /// The product order's details (`queryProductOrders` item) read when the page was committed:
    /// its state then, which may already be newer than the change. `None` when the API did not
    /// return the product order.
    pub detail: Option<serde_json::Value>,
    /// 1 on the first hand-over, 2 on the first retry, …
    pub attempt: u32,
}

/// An event with its place in the outbox (what `events list|show` print).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct StoredEvent {
    /// The event (its `attempt` = attempts made so far).
    pub event: Event,
    /// Order of insertion (per store; the dispatch order within a product order).
    pub seq: i64,
    /// Pending, done or failed.
    pub status: EventStatus,
    /// The last handler error, if any (the handler's own text).
    pub last_error: Option<String>,
    /// When the event entered the outbox (Unix ms, local clock).
    pub created_at_ms: i64,
}
