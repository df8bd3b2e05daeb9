//! Watching orders: Naver Pay has no webhooks, so the watcher turns polling of
//! `listLastChangedStatuses` into durable, ordered events.
//!
//! ```no_run
//! # async fn demo(client: npay_order::Client) -> Result<(), npay_order::watch::WatchError> {
//! use npay_order::watch::{SqliteStore, Watcher};
//!
//! let watcher = Watcher::builder(&client)
//!     .store(SqliteStore::open("orders.sqlite")?)
//!     .since(npay_order::Timestamp::from_utc_in_kst(chrono::Utc::now() - chrono::Duration::hours(1)))
//!     .events(["PAYED", "CLAIM_REQUESTED"])
//!     .build()?;
//! let stop = watcher.stop_handle(); // e.g. call stop.stop() from a Ctrl-C handler
//! watcher
//!     .run(|event| async move {
//!         println!("{} {} {}", event.id, event.product_order_id, event.last_changed_type);
//!         Ok(())
//!     })
//!     .await?;
//! # Ok(()) }
//! ```
//!
//! # How it reads
//!
//! A [`Cursor`] per account holds a committed **watermark** and the **window** being paged (its
//! `from`, its fixed `to`, the last `moreFrom`/`moreSequence`). Each window ends at
//! `min(from + 24 h − 1 ms, now − settle_lag)` and each new one starts at `watermark − overlap`;
//! `more` is followed with `moreFrom` *and* `moreSequence` together, so rows that share a
//! millisecond across a page border are neither lost nor repeated; a `more` that does not move
//! forward stops the watcher with [`WatchError::Paging`]. "now" is the server's clock (the
//! envelope's `timestamp`), so the client's clock does not matter.
//!
//! * **Settle lag** (default 60 s, [`DEFAULT_SETTLE_LAG`]): a change is asked for once it is that
//!   old. Naver fills its change index asynchronously; asking for the last seconds would see a
//!   row only after the window had passed it.
//! * **Overlap** (default 5 min, [`DEFAULT_OVERLAP`]): every new window re-reads this much before
//!   the watermark, which catches a row that became visible up to `settle_lag + overlap` after
//!   its `lastChangedDate`. Rows read twice give the same event id and are ignored.
//!
//! # What is handed over
//!
//! One [`Event`] per change row: [`event_id`] is a hash of (account, `productOrderId`,
//! `lastChangedDate`, `lastChangedType`, `claimStatus`), so a repeat of the same change is
//! recognised and a later change of the same order is not mistaken for it. A row is one product
//! order **at its latest change**: two changes of one order between two polls arrive as one
//! event (the later state) — the watcher sees states, not every transition. Each event carries
//! the change row and, by default, the product order's details (one `queryProductOrders` of up
//! to 300 ids per page), read when the page was committed.
//!
//! # Guarantees (with a store that keeps the [`WatchStore`] contract, such as [`SqliteStore`])
//!
//! * **Nothing lost across crashes:** the events of a page and the cursor that moved past it are
//!   committed in one transaction, and an event is marked done only after the handler returned
//!   `Ok`. A crash anywhere, then a restart, resumes from the committed cursor and hands over
//!   every event not marked done.
//! * **At-least-once hand-off:** only the event in flight at a crash (handler started, not marked
//!   done) is handed over again — with the same id. De-duplicate on [`Event::id`] for exactly-once
//!   processing.
//! * **Order per product order:** the events of one product order are handed over in the order
//!   they were committed (their changes' order), one at a time; a later event waits while an
//!   earlier one is being retried. Events of different product orders do not wait for each other.
//! * **Failures:** a handler error is retried with exponential backoff (1 s doubling to 2 min,
//!   ±20 % jitter) up to [`DEFAULT_MAX_ATTEMPTS`] attempts, then the event is parked as `failed`
//!   ([`WatchStore::list_events`], [`WatchStore::resend`]); a parked event no longer holds back
//!   the later events of its product order.
//! * **Graceful stop:** [`StopHandle::stop`] ends polling at once and lets the event in flight
//!   finish and be marked.
//! * **Webhooks:** [`Webhook::deliver`] as the handler posts each event signed per the Standard
//!   Webhooks spec (see [`Webhook`]); with [`WatcherBuilder::retry_schedule`]`(`[`SVIX_SCHEDULE`]`)`
//!   failures are retried on Svix's schedule, `Retry-After` is honoured (seconds or an
//!   HTTP-date, at most [`MAX_RETRY_AFTER`]), and a disabled endpoint — it answered 410, or it
//!   failed every delivery for [`DEFAULT_DISABLE_AFTER`] (5 days) — stops the watcher
//!   ([`WatchError::EndpointGone`]) with the event still pending.
//! * Changes that become visible later than `settle_lag + overlap` after their `lastChangedDate`
//!   are not guaranteed; raise the overlap if your account sees such delays.

mod cursor;
mod error;
mod event;
mod page;
mod store;
mod subscription;
mod watcher;
mod webhook;

pub use cursor::{
    Cursor, CursorError, DEFAULT_OVERLAP, DEFAULT_SETTLE_LAG, MAX_WINDOW, MorePosition, Step, Window, WindowRules,
};
pub use error::WatchError;
pub use event::{Event, EventStatus, StoredEvent, change_event_id, event_id};
pub use page::{PAGE_SIZE, PageRead, ReadOptions, read_page};
pub use store::{EventFilter, SqliteStore, WatchStore};
pub use subscription::Subscription;
pub use watcher::{
    DEFAULT_MAX_ATTEMPTS, DEFAULT_POLL_INTERVAL, DEFAULT_RETRY_BASE, DEFAULT_RETRY_MAX, HandlerError, PollSummary,
    StopHandle, WatchSettings, Watcher, WatcherBuilder,
};
pub use webhook::{
    DEFAULT_DISABLE_AFTER, DEFAULT_WEBHOOK_TIMEOUT, EndpointGone, MAX_RETRY_AFTER, RetryAfter, SVIX_SCHEDULE, Webhook,
    WebhookSecret, retry_after, signature,
};
