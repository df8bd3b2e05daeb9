//! The order watcher for Kotlin and Swift: the core's [`Subscription`] (next / ack / nack / stop)
//! as one object. Kotlin's `Flow` and `run` (`Watching.kt`) and Swift's loop are thin glue over
//! `next()` and `ack()`; the paging, the store and the retry rules are the core's.

use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use npay_order::watch::{
    EventFilter, EventStatus, SqliteStore, StopHandle, Subscription, WatchError, WatchSettings, WatchStore,
};

use crate::client::Client;
use crate::error::NpayError;
use crate::generated::{LastChangedStatus, ProductOrderDetail};
use crate::timestamp::Timestamp;

/// How to build a [`Watcher`]; durations in milliseconds, every field but `store` optional.
#[derive(Clone, Debug, uniffi::Record)]
pub struct WatchConfig {
    /// The SQLite file holding cursor and events (created if missing); one file may hold several accounts.
    pub store: String,
    /// Where to start when the store has no cursor yet (required then; ignored once one exists).
    #[uniffi(default = None)]
    pub since: Option<Timestamp>,
    /// Only these `lastChangedType` values (empty: all).
    #[uniffi(default = [])]
    pub events: Vec<String>,
    /// How old a change must be before it is asked for (default 60 000).
    #[uniffi(default = None)]
    pub settle_lag_ms: Option<u64>,
    /// How much each new window re-reads before the watermark (default 300 000).
    #[uniffi(default = None)]
    pub overlap_ms: Option<u64>,
    /// Time between polls once caught up (default 10 000).
    #[uniffi(default = None)]
    pub poll_interval_ms: Option<u64>,
    /// `limitCount` per call, 1–300 (default 300).
    #[uniffi(default = None)]
    pub page_size: Option<i32>,
    /// Whether events carry the product order's details (default true).
    #[uniffi(default = true)]
    pub details: bool,
    /// Hand-overs per event before it is parked as failed (default 8).
    #[uniffi(default = None)]
    pub max_attempts: Option<u32>,
    /// First retry delay, doubled per attempt (default 1 000).
    #[uniffi(default = None)]
    pub retry_base_ms: Option<u64>,
    /// Longest retry delay (default 120 000).
    #[uniffi(default = None)]
    pub retry_max_ms: Option<u64>,
}

/// One change of one product order, handed over by a [`Watcher`].
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct WatchEvent {
    /// Stable: the same change always has the same id (de-duplicate on it).
    pub id: String,
    /// The application (client id) whose change it is.
    pub account: String,
    pub product_order_id: String,
    /// `PAYED`, `CLAIM_REQUESTED`, …
    pub last_changed_type: String,
    pub last_changed_date: Timestamp,
    /// 1 on the first hand-over, 2 on the first retry, …
    pub attempt: u32,
    /// The change row as a record; `null` when the API's row does not fit the record (see `changeJson`).
    pub change: Option<LastChangedStatus>,
    /// The product order's details read when the page was committed; `null` when not fetched or
    /// when they do not fit the record (see `detailJson`).
    pub detail: Option<ProductOrderDetail>,
    /// The change row as the API answered it (JSON).
    pub change_json: String,
    /// The details as the API answered them (JSON), when fetched.
    pub detail_json: Option<String>,
}

/// An event as the store keeps it.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct StoredWatchEvent {
    pub event: WatchEvent,
    /// `pending`, `done` or `failed` (parked).
    pub status: String,
    /// The handler's last reason, when it failed.
    pub last_error: Option<String>,
    pub seq: i64,
    pub created_at_ms: i64,
}

fn event(event: npay_order::watch::Event) -> WatchEvent {
    WatchEvent {
        change: serde_json::from_value(event.change.clone()).ok(),
        detail: event.detail.clone().and_then(|d| serde_json::from_value(d).ok()),
        change_json: event.change.to_string(),
        detail_json: event.detail.as_ref().map(|d| d.to_string()),
        last_changed_date: Timestamp::from(event.last_changed_date),
        id: event.id,
        account: event.account,
        product_order_id: event.product_order_id,
        last_changed_type: event.last_changed_type,
        attempt: event.attempt,
    }
}

impl From<WatchError> for NpayError {
    fn from(error: WatchError) -> Self {
        match error {
            WatchError::Api(api) => api.into(),
            WatchError::Config(message) => NpayError::invalid("watcher", message),
            other => NpayError::other("WatchError", other.to_string(), None),
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Poisoning only means a panic elsewhere; the slot itself is always consistent.
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// Watches one account's orders and hands over every change as a [`WatchEvent`], durably: each
/// page's events and the cursor past it are committed in one SQLite transaction; hand-off is
/// at-least-once (only the event in flight at a crash comes again, with the same id); the events
/// of one product order come in order, one at a time. Kotlin: `watcher.events()` is a `Flow`.
#[derive(uniffi::Object)]
pub struct Watcher {
    unstarted: Mutex<Option<npay_order::watch::Watcher>>,
    subscription: OnceLock<Arc<Subscription>>,
    stop: StopHandle,
    store: Arc<SqliteStore>,
    account: String,
}

#[uniffi::export(async_runtime = "tokio")]
impl Watcher {
    /// Opens the store and builds the watcher (polling starts with the first `next()`); settings
    /// out of range fail with `InvalidRequestError` before anything is sent.
    #[uniffi::constructor]
    pub fn new(client: Arc<Client>, config: WatchConfig) -> Result<Arc<Self>, NpayError> {
        let ms = |v: Option<u64>| v.map(Duration::from_millis);
        let store = Arc::new(SqliteStore::open(&config.store)?);
        let settings = WatchSettings {
            since: config.since.map(Timestamp::into_inner),
            events: config.events,
            settle_lag: ms(config.settle_lag_ms),
            overlap: ms(config.overlap_ms),
            poll_interval: ms(config.poll_interval_ms),
            page_size: config.page_size,
            details: Some(config.details),
            max_attempts: config.max_attempts,
            retry_base: ms(config.retry_base_ms),
            retry_max: ms(config.retry_max_ms),
        };
        let builder = npay_order::watch::Watcher::builder(&client.inner).shared_store(store.clone()).settings(settings);
        let watcher = builder.build()?;
        Ok(Arc::new(Watcher {
            account: watcher.account().to_owned(),
            stop: watcher.stop_handle(),
            unstarted: Mutex::new(Some(watcher)),
            subscription: OnceLock::new(),
            store,
        }))
    }

    /// The account watched (the client id).
    pub fn account(&self) -> String {
        self.account.clone()
    }

    /// The next event, or `null`/`nil` once stopped. Asking again before answering refuses the
    /// last one (it comes back later).
    pub async fn next(&self) -> Result<Option<WatchEvent>, NpayError> {
        if let Some(watcher) = lock(&self.unstarted).take() {
            let _ = self.subscription.set(Arc::new(watcher.subscribe()));
        }
        let Some(subscription) = self.subscription.get().cloned() else {
            return Err(NpayError::other("WatchError", "the watcher could not start", None));
        };
        Ok(subscription.next().await?.map(event))
    }

    /// Marks the event that is out as done; `false` if `id` is not that event.
    pub fn ack(&self, id: String) -> bool {
        self.subscription.get().is_some_and(|s| s.ack(&id))
    }

    /// Refuses the event that is out: retried with backoff, then parked. Keep buyers' data out
    /// of the reason (it is stored with the event).
    pub fn nack(&self, id: String, reason: String) -> bool {
        self.subscription.get().is_some_and(|s| s.nack(&id, reason))
    }

    /// Stops polling at once; the event in flight may still be answered, then `next()` ends.
    pub fn stop(&self) {
        self.stop.stop();
    }

    /// Whether a stop was asked for.
    pub fn is_stopped(&self) -> bool {
        self.stop.is_stopped()
    }

    /// The stored events of this account by status (`pending`, `done`, `failed`; null: all),
    /// oldest first, or newest first with a limit.
    #[uniffi::method(default(status = None, limit = None))]
    pub fn list_events(&self, status: Option<String>, limit: Option<u32>) -> Result<Vec<StoredWatchEvent>, NpayError> {
        let status = match status.as_deref() {
            None => None,
            Some(text) => Some(
                EventStatus::parse(text)
                    .ok_or_else(|| NpayError::invalid("status", "must be one of pending, done, failed"))?,
            ),
        };
        let filter = EventFilter { status, limit: limit.map(|l| l as usize), ..EventFilter::default() };
        Ok(self
            .store
            .list_events(&self.account, &filter)?
            .into_iter()
            .map(|stored| StoredWatchEvent {
                status: stored.status.as_str().to_owned(),
                last_error: stored.last_error,
                seq: stored.seq,
                created_at_ms: stored.created_at_ms,
                event: event(stored.event),
            })
            .collect())
    }

    /// Queues a parked (or done) event again; `false` if the store has no such event.
    pub fn resend(&self, id: String) -> Result<bool, NpayError> {
        Ok(self.store.resend(&id)?)
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        self.stop.stop();
    }
}
