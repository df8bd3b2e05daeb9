//! The local watcher: a poller that commits pages to the store and a dispatcher that hands the
//! stored events to the handler.

use std::collections::BTreeSet;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use npay_order_api::Timestamp;
use tokio::sync::{Notify, watch as signal};

use super::cursor::{Cursor, MAX_WINDOW, Step};
use super::error::WatchError;
use super::event::Event;
use super::page::{PAGE_SIZE, ReadOptions, read_new_page};
use super::store::{WatchStore, now_ms};
use crate::Client;

/// What a handler returns when it could not take an event: the event is retried.
pub type HandlerError = Box<dyn std::error::Error + Send + Sync>;

/// Default time between polls once caught up: 10 s.
pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_secs(10);
/// Default attempts per event before it is parked as failed: 8 (about 4 minutes of retries
/// with the default backoff).
pub const DEFAULT_MAX_ATTEMPTS: u32 = 8;
/// Default first retry delay: 1 s, doubled per attempt (±20 % jitter), capped at
/// [`DEFAULT_RETRY_MAX`].
pub const DEFAULT_RETRY_BASE: Duration = Duration::from_secs(1);
/// Default longest retry delay: 2 min.
pub const DEFAULT_RETRY_MAX: Duration = Duration::from_secs(120);

/// Stops a running [`Watcher`]: polling stops at once (nothing half-committed is possible), the
/// event being handed over is finished and marked, and [`Watcher::run`] returns `Ok`.
#[derive(Clone, Debug)]
pub struct StopHandle {
    tx: Arc<signal::Sender<bool>>,
}

impl StopHandle {
    /// Asks the watcher to stop.
    pub fn stop(&self) {
        self.tx.send_replace(true);
    }

    /// Whether a stop was asked for.
    pub fn is_stopped(&self) -> bool {
        *self.tx.borrow()
    }

    /// Waits until a stop is asked for.
    pub async fn stopped(&self) {
        let mut stopped = self.tx.subscribe();
        // The sender lives in `self`, so the channel cannot close while this waits.
        let _ = stopped.wait_for(|s| *s).await;
    }
}

/// A handler's answer for an event it never handed on (the watcher is stopping): the event stays
/// pending, with no attempt counted.
#[derive(Debug, thiserror::Error)]
#[error("the event was not handed over")]
pub(crate) struct Withdrawn;

/// Every setting of a watcher but its store, as plain values: what the bindings fill in from
/// their own configuration types and hand to [`WatcherBuilder::settings`]. `None` (or empty)
/// keeps the builder's default. Build it with `..WatchSettings::default()` so that settings added
/// later keep their defaults.
#[derive(Clone, Debug, Default)]
pub struct WatchSettings {
    /// [`WatcherBuilder::since`].
    pub since: Option<Timestamp>,
    /// [`WatcherBuilder::events`]; empty = every kind.
    pub events: Vec<String>,
    /// [`WatcherBuilder::settle_lag`].
    pub settle_lag: Option<Duration>,
    /// [`WatcherBuilder::overlap`].
    pub overlap: Option<Duration>,
    /// [`WatcherBuilder::poll_interval`].
    pub poll_interval: Option<Duration>,
    /// [`WatcherBuilder::page_size`].
    pub page_size: Option<i32>,
    /// [`WatcherBuilder::details`].
    pub details: Option<bool>,
    /// [`WatcherBuilder::max_attempts`].
    pub max_attempts: Option<u32>,
    /// The first retry delay of [`WatcherBuilder::retry_delays`].
    pub retry_base: Option<Duration>,
    /// The longest retry delay of [`WatcherBuilder::retry_delays`] (at least the first).
    pub retry_max: Option<Duration>,
}

/// Builds a [`Watcher`] (see [`Watcher::builder`]).
#[must_use]
pub struct WatcherBuilder {
    client: Client,
    store: Option<Arc<dyn WatchStore>>,
    options: ReadOptions,
    since: Option<Timestamp>,
    poll_interval: Duration,
    max_attempts: u32,
    retry_base: Duration,
    retry_max: Duration,
    schedule: Option<Vec<Duration>>,
}

impl WatcherBuilder {
    /// The store (required), e.g. [`super::SqliteStore::open`].
    pub fn store(mut self, store: impl WatchStore + 'static) -> Self {
        self.store = Some(Arc::new(store));
        self
    }

    /// A store shared with other code (e.g. to list events while watching).
    pub fn shared_store(mut self, store: Arc<dyn WatchStore>) -> Self {
        self.store = Some(store);
        self
    }

    /// Where to start when the store has no cursor for this account yet (required then;
    /// ignored once a cursor exists).
    pub fn since(mut self, since: impl Into<Timestamp>) -> Self {
        self.since = Some(since.into());
        self
    }

    /// Hand over only changes of these `lastChangedType`s (`PAYED`, `CLAIM_REQUESTED`, …).
    pub fn events<I, S>(mut self, types: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.options.events = Some(types.into_iter().map(Into::into).collect::<BTreeSet<_>>());
        self
    }

    /// Settle lag (default [`super::DEFAULT_SETTLE_LAG`], 60 s).
    pub fn settle_lag(mut self, lag: Duration) -> Self {
        self.options.rules.settle_lag = lag;
        self
    }

    /// Overlap (default [`super::DEFAULT_OVERLAP`], 5 min).
    pub fn overlap(mut self, overlap: Duration) -> Self {
        self.options.rules.overlap = overlap;
        self
    }

    /// Time between polls once caught up (default [`DEFAULT_POLL_INTERVAL`], 10 s).
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.poll_interval = interval;
        self
    }

    /// `limitCount` per call, 1–300 (default 300).
    pub fn page_size(mut self, size: i32) -> Self {
        self.options.page_size = size;
        self
    }

    /// Whether events carry the product order's details (default true).
    pub fn details(mut self, details: bool) -> Self {
        self.options.details = details;
        self
    }

    /// Attempts per event before it is parked as failed (default [`DEFAULT_MAX_ATTEMPTS`]).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts;
        self
    }

    /// First and longest retry delay (defaults [`DEFAULT_RETRY_BASE`], [`DEFAULT_RETRY_MAX`]).
    pub fn retry_delays(mut self, base: Duration, max: Duration) -> Self {
        self.retry_base = base;
        self.retry_max = max;
        self
    }

    /// Retry after these delays instead (±20 % jitter), e.g. [`super::SVIX_SCHEDULE`] for webhooks;
    /// the event is parked after the last one (attempts = delays + 1).
    pub fn retry_schedule(mut self, delays: impl IntoIterator<Item = Duration>) -> Self {
        let delays: Vec<Duration> = delays.into_iter().collect();
        self.max_attempts = delays.len() as u32 + 1;
        self.schedule = Some(delays);
        self
    }

    /// Applies every setting given in `settings` (see [`WatchSettings`]).
    pub fn settings(mut self, settings: WatchSettings) -> Self {
        if let Some(since) = settings.since {
            self = self.since(since);
        }
        if !settings.events.is_empty() {
            self = self.events(settings.events);
        }
        if let Some(lag) = settings.settle_lag {
            self = self.settle_lag(lag);
        }
        if let Some(overlap) = settings.overlap {
            self = self.overlap(overlap);
        }
        if let Some(interval) = settings.poll_interval {
            self = self.poll_interval(interval);
        }
        if let Some(size) = settings.page_size {
            self = self.page_size(size);
        }
        if let Some(details) = settings.details {
            self = self.details(details);
        }
        if let Some(attempts) = settings.max_attempts {
            self = self.max_attempts(attempts);
        }
        if settings.retry_base.is_some() || settings.retry_max.is_some() {
            let base = settings.retry_base.unwrap_or(self.retry_base);
            let max = settings.retry_max.unwrap_or(self.retry_max).max(base);
            self = self.retry_delays(base, max);
        }
        self
    }

    /// The watcher; fails on a missing store or settings out of range.
    pub fn build(self) -> Result<Watcher, WatchError> {
        let store = self.store.ok_or_else(|| WatchError::Config("a store is required".into()))?;
        if !(1..=PAGE_SIZE).contains(&self.options.page_size) {
            return Err(WatchError::Config(format!("page_size must be 1–{PAGE_SIZE}")));
        }
        if self.options.rules.overlap * 2 >= MAX_WINDOW {
            return Err(WatchError::Config("the overlap must be shorter than 12 hours".into()));
        }
        if self.max_attempts == 0 {
            return Err(WatchError::Config("max_attempts must be at least 1".into()));
        }
        let (tx, _) = signal::channel(false);
        Ok(Watcher {
            account: self.client.config().client_id.clone(),
            client: self.client,
            store,
            options: self.options,
            since: self.since,
            poll_interval: self.poll_interval,
            max_attempts: self.max_attempts,
            retry_base: self.retry_base,
            retry_max: self.retry_max,
            schedule: self.schedule,
            stop: StopHandle { tx: Arc::new(tx) },
            clock_offset_ms: AtomicI64::new(0),
            notify: Notify::new(),
        })
    }
}

/// Turns polling into durable, ordered events for one account (the client's application).
/// See [the module documentation](super) for the guarantees.
pub struct Watcher {
    client: Client,
    account: String,
    store: Arc<dyn WatchStore>,
    options: ReadOptions,
    since: Option<Timestamp>,
    poll_interval: Duration,
    max_attempts: u32,
    retry_base: Duration,
    retry_max: Duration,
    schedule: Option<Vec<Duration>>,
    stop: StopHandle,
    /// The server's clock minus the local one, from the last answer's envelope.
    clock_offset_ms: AtomicI64,
    notify: Notify,
}

impl std::fmt::Debug for Watcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Watcher").field("account", &self.account).finish_non_exhaustive()
    }
}

/// What one [`Watcher::poll`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PollSummary {
    /// Calls to `listLastChangedStatuses`.
    pub pages: usize,
    /// Rows read (before filtering; overlaps count again).
    pub rows: usize,
    /// Events new to the store.
    pub new_events: usize,
}

fn transient(error: &WatchError) -> bool {
    matches!(error, WatchError::Api(api) if api.is_passing())
}

impl Watcher {
    /// Starts building a watcher over `client` (the account is its client id).
    pub fn builder(client: &Client) -> WatcherBuilder {
        WatcherBuilder {
            client: client.clone(),
            store: None,
            options: ReadOptions::default(),
            since: None,
            poll_interval: DEFAULT_POLL_INTERVAL,
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            retry_base: DEFAULT_RETRY_BASE,
            retry_max: DEFAULT_RETRY_MAX,
            schedule: None,
        }
    }

    /// The account watched (the client id).
    pub fn account(&self) -> &str {
        &self.account
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn WatchStore> {
        &self.store
    }

    /// A handle that stops [`Watcher::run`] (also from another task or a signal handler).
    pub fn stop_handle(&self) -> StopHandle {
        self.stop.clone()
    }

    fn now(&self) -> Timestamp {
        let ms = now_ms() + self.clock_offset_ms.load(Ordering::Relaxed);
        Timestamp::from_millis_kst(ms).unwrap_or_else(|| Timestamp::from_utc_in_kst(chrono::Utc::now()))
    }

    fn cursor(&self) -> Result<Cursor, WatchError> {
        match self.store.load_cursor(&self.account)? {
            Some(cursor) => Ok(cursor),
            None => {
                let since = self.since.ok_or_else(|| {
                    WatchError::Config("the store has no cursor for this account yet: give a start (since)".into())
                })?;
                let cursor = Cursor::starting_at(since);
                self.store.save_cursor(&self.account, &cursor)?;
                Ok(cursor)
            }
        }
    }

    /// Reads and commits pages until caught up (`now − settle_lag`), one store transaction per
    /// page. Hands nothing over.
    pub async fn poll(&self) -> Result<PollSummary, WatchError> {
        let mut cursor = self.cursor()?;
        let mut summary = PollSummary::default();
        loop {
            let known = |ids: &[&str]| self.store.known_events(ids);
            let read = read_new_page(&self.client, &self.account, &cursor, self.now(), &self.options, &known).await?;
            let Some(step) = read.step else { break };
            if let Some(server) = read.server_now {
                self.clock_offset_ms.store(server.timestamp_millis() - now_ms(), Ordering::Relaxed);
            }
            summary.pages += 1;
            summary.rows += read.rows;
            summary.new_events += self.store.commit_page(&self.account, &read.events, &read.cursor)?;
            cursor = read.cursor;
            if summary.new_events > 0 {
                self.notify.notify_one();
            }
            if step == Step::WindowDone && cursor.caught_up(self.now(), &self.options.rules, self.poll_interval) {
                break;
            }
        }
        Ok(summary)
    }

    fn retry_delay(&self, attempt: u32) -> Duration {
        if let Some(delays) = self.schedule.as_ref().filter(|d| !d.is_empty()) {
            let delay = delays[(attempt.max(1) as usize - 1).min(delays.len() - 1)];
            return delay.mul_f64(0.8 + 0.4 * fastrand::f64());
        }
        let base = self.retry_base.as_secs_f64() * 2f64.powi(attempt.saturating_sub(1).min(30) as i32);
        let capped = base.min(self.retry_max.as_secs_f64());
        Duration::from_secs_f64(capped * (0.8 + 0.4 * fastrand::f64()))
    }

    /// Hands every due event to `handler`, one at a time in commit order, the oldest pending
    /// event of each product order first; returns how many were handed over. Stops early (after
    /// finishing the event in flight) when a stop was asked for.
    pub async fn dispatch<H, Fut>(&self, handler: &H) -> Result<usize, WatchError>
    where
        H: Fn(Event) -> Fut,
        Fut: Future<Output = Result<(), HandlerError>>,
    {
        let mut handed = 0;
        loop {
            let batch = self.store.due_events(&self.account, now_ms(), 64)?;
            if batch.is_empty() {
                return Ok(handed);
            }
            for event in batch {
                if self.stop.is_stopped() {
                    return Ok(handed);
                }
                let id = event.id.clone();
                let attempt = event.attempt;
                let outcome = handler(event).await;
                handed += 1;
                match outcome {
                    Ok(()) => self.store.mark_done(&id)?,
                    Err(error) if error.is::<Withdrawn>() => return Ok(handed - 1),
                    Err(error) if error.is::<super::webhook::EndpointGone>() => {
                        self.store.mark_attempt_failed(&id, &error.to_string(), Some(now_ms()))?;
                        let why = error.downcast_ref::<super::webhook::EndpointGone>().copied();
                        return Err(WatchError::EndpointGone(id, why.unwrap_or(super::webhook::EndpointGone::Gone)));
                    }
                    Err(error) => {
                        let delay = match error.downcast_ref::<super::webhook::RetryAfter>() {
                            Some(asked) => asked.after,
                            None => self.retry_delay(attempt),
                        };
                        let retry_at = (attempt < self.max_attempts).then(|| now_ms() + delay.as_millis() as i64);
                        // The handler's message stays in the store; the log names the event only.
                        tracing::warn!(event = %id, attempt, parked = retry_at.is_none(), "handler failed");
                        self.store.mark_attempt_failed(&id, &error.to_string(), retry_at)?;
                    }
                }
            }
        }
    }

    /// Polls and hands over until stopped: a poller commits pages (every
    /// [`poll_interval`](WatcherBuilder::poll_interval) once caught up; passing API failures are
    /// waited out with backoff), a dispatcher hands events to `handler` as they are committed.
    ///
    /// Returns `Ok(())` after [`StopHandle::stop`], once the event in flight is finished, or the
    /// error that stopped it: refused credentials, a `more` that does not advance, a store
    /// failure. A stopped watcher stays stopped (a later `run` returns at once): build a new one
    /// over the same store to go on.
    pub async fn run<H, Fut>(&self, handler: H) -> Result<(), WatchError>
    where
        H: Fn(Event) -> Fut,
        Fut: Future<Output = Result<(), HandlerError>>,
    {
        let mut stopped = self.stop.tx.subscribe();
        let poller = async {
            let mut failures = 0u32;
            loop {
                let wait = tokio::select! {
                    biased;
                    _ = stopped.wait_for(|s| *s) => return Ok(()),
                    result = self.poll() => match result {
                        Ok(_) => {
                            failures = 0;
                            self.poll_interval
                        }
                        Err(error) if transient(&error) => {
                            failures += 1;
                            tracing::warn!(error = %error, failures, "polling failed; trying again");
                            Duration::from_millis(500 * 2u64.pow(failures.min(7))).min(Duration::from_secs(60))
                        }
                        Err(error) => {
                            self.stop.stop();
                            return Err(error);
                        }
                    },
                };
                tokio::select! {
                    _ = stopped.wait_for(|s| *s) => return Ok(()),
                    _ = tokio::time::sleep(wait) => {}
                }
            }
        };
        let mut stopped_d = self.stop.tx.subscribe();
        let dispatcher = async {
            loop {
                if let Err(error) = self.dispatch(&handler).await {
                    self.stop.stop();
                    return Err(error);
                }
                if self.stop.is_stopped() {
                    return Ok(());
                }
                tokio::select! {
                    _ = stopped_d.wait_for(|s| *s) => return Ok(()),
                    _ = self.notify.notified() => {}
                    // Retries come due without a new page.
                    _ = tokio::time::sleep(Duration::from_millis(250)) => {}
                }
            }
        };
        let (polled, dispatched) = tokio::join!(poller, dispatcher);
        polled.and(dispatched)
    }
}
