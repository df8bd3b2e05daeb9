//! The native watcher behind `Watcher` of `lib/watcher.js`: the core's [`Subscription`]
//! (next / ack / nack / stop) as Promises. `run(handler)` and `for await` are JavaScript over
//! these; the paging, the store and the retry rules are the core's.

use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use napi::Env;
use napi::bindgen_prelude::PromiseRaw;
use napi_derive::napi;
use npay_order::Timestamp;
use npay_order::watch::{
    EventFilter, EventStatus, SqliteStore, StopHandle, Subscription, WatchError, WatchSettings, WatchStore, Watcher,
};

use crate::client::NativeClient;
use crate::error::{ErrorParts, to_js};
use crate::runtime::spawn;

/// How to build a watcher; types and ranges are checked by `lib/watcher.js` first, durations in
/// milliseconds.
#[napi(object)]
pub struct WatchConfig {
    /// The SQLite file holding cursor and events (created if missing).
    pub store: String,
    /// Where to start when the store has no cursor yet, in milliseconds since the epoch.
    pub since_ms: Option<f64>,
    pub events: Option<Vec<String>>,
    pub settle_lag_ms: Option<f64>,
    pub overlap_ms: Option<f64>,
    pub poll_interval_ms: Option<f64>,
    pub page_size: Option<i32>,
    pub details: Option<bool>,
    pub max_attempts: Option<u32>,
    pub retry_base_ms: Option<f64>,
    pub retry_max_ms: Option<f64>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Poisoning only means a panic elsewhere; the slot itself is always consistent.
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

fn duration(name: &str, ms: Option<f64>) -> Result<Option<Duration>, ErrorParts> {
    match ms {
        None => Ok(None),
        Some(ms) if ms.is_finite() && (0.0..=2_592_000_000.0).contains(&ms) => {
            Ok(Some(Duration::from_secs_f64(ms / 1000.0)))
        }
        Some(_) => Err(ErrorParts::invalid(name, "must be a number of milliseconds between 0 and 30 days")),
    }
}

pub(crate) fn watch_error(error: &WatchError) -> ErrorParts {
    match error {
        WatchError::Api(api) => ErrorParts::from(api),
        WatchError::Config(message) => ErrorParts::invalid("watcher", message.clone()),
        other => ErrorParts::plain("WatchError", other.to_string()),
    }
}

/// The watcher and, once started, its subscription.
struct State {
    unstarted: Mutex<Option<Watcher>>,
    subscription: OnceLock<Arc<Subscription>>,
}

impl State {
    /// The running subscription, started on first use; call on the runtime (it spawns a task).
    fn subscription(&self) -> Option<Arc<Subscription>> {
        if let Some(watcher) = lock(&self.unstarted).take() {
            let _ = self.subscription.set(Arc::new(watcher.subscribe()));
        }
        self.subscription.get().cloned()
    }
}

/// One account's watcher over a SQLite store.
#[napi]
pub struct NativeWatcher {
    state: Arc<State>,
    stop: StopHandle,
    store: Arc<SqliteStore>,
    account: String,
}

fn build(client: &NativeClient, config: WatchConfig) -> Result<NativeWatcher, ErrorParts> {
    let client = client.core()?;
    let store = Arc::new(SqliteStore::open(&config.store).map_err(|e| watch_error(&e))?);
    let since = match config.since_ms {
        None => None,
        Some(ms) => Some(
            (ms.is_finite() && ms.fract() == 0.0)
                .then(|| Timestamp::from_millis_kst(ms as i64))
                .flatten()
                .ok_or_else(|| ErrorParts::invalid("since", "must be a valid date"))?,
        ),
    };
    let settings = WatchSettings {
        since,
        events: config.events.unwrap_or_default(),
        settle_lag: duration("settleLagMs", config.settle_lag_ms)?,
        overlap: duration("overlapMs", config.overlap_ms)?,
        poll_interval: duration("pollIntervalMs", config.poll_interval_ms)?,
        page_size: config.page_size,
        details: config.details,
        max_attempts: config.max_attempts,
        retry_base: duration("retryBaseMs", config.retry_base_ms)?,
        retry_max: duration("retryMaxMs", config.retry_max_ms)?,
    };
    let builder = Watcher::builder(&client).shared_store(store.clone()).settings(settings);
    let watcher = builder.build().map_err(|e| watch_error(&e))?;
    Ok(NativeWatcher {
        account: watcher.account().to_owned(),
        stop: watcher.stop_handle(),
        state: Arc::new(State { unstarted: Mutex::new(Some(watcher)), subscription: OnceLock::new() }),
        store,
    })
}

#[napi]
impl NativeWatcher {
    /// Opens the store and builds the watcher; it starts polling on the first `next()`.
    #[napi(constructor, catch_unwind)]
    pub fn new(env: Env, client: &NativeClient, config: WatchConfig) -> napi::Result<Self> {
        build(client, config).map_err(|parts| to_js(&env, parts))
    }

    /// The account watched (the client id).
    #[napi(getter)]
    pub fn account(&self) -> String {
        self.account.clone()
    }

    /// Whether a stop was asked for.
    #[napi(getter)]
    pub fn stopped(&self) -> bool {
        self.stop.is_stopped()
    }

    /// Resolves to the next event as JSON text, or `null` once the watcher has stopped.
    #[napi(catch_unwind, ts_return_type = "Promise<string | null>")]
    pub fn next<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, Option<String>>> {
        let state = self.state.clone();
        let work = async move {
            let Some(subscription) = state.subscription() else {
                return Err(ErrorParts::plain("WatchError", "the watcher could not start"));
            };
            let event = subscription.next().await.map_err(|e| watch_error(&e))?;
            Ok(event.map(|event| serde_json::to_string(&event).unwrap_or_default()))
        };
        spawn(env, work, |_env, event| Ok(event))
    }

    /// Marks the event that is out as done; `false` if `id` is not that event.
    #[napi]
    pub fn ack(&self, id: String) -> bool {
        self.state.subscription.get().is_some_and(|s| s.ack(&id))
    }

    /// Refuses the event that is out (retried, then parked); `false` if `id` is not that event.
    #[napi]
    pub fn nack(&self, id: String, message: String) -> bool {
        self.state.subscription.get().is_some_and(|s| s.nack(&id, message))
    }

    /// Stops polling; the event that is out may still be answered, then `next()` resolves `null`.
    #[napi]
    pub fn stop(&self) {
        self.stop.stop();
    }

    /// The stored events of this account as JSON text (`[{event, seq, status, lastError,
    /// createdAtMs}]`), by status (`pending`, `done`, `failed`), newest first with a limit.
    #[napi(catch_unwind)]
    pub fn list_events(&self, env: Env, status: Option<String>, limit: Option<u32>) -> napi::Result<String> {
        let listed = (|| {
            let status = match status.as_deref() {
                None => None,
                Some(text) => Some(
                    EventStatus::parse(text)
                        .ok_or_else(|| ErrorParts::invalid("status", "must be one of pending, done, failed"))?,
                ),
            };
            let filter = EventFilter { status, limit: limit.map(|l| l as usize), ..EventFilter::default() };
            let events = self.store.list_events(&self.account, &filter).map_err(|e| watch_error(&e))?;
            Ok(serde_json::to_string(&events).unwrap_or_else(|_| "[]".to_owned()))
        })();
        listed.map_err(|parts| to_js(&env, parts))
    }

    /// Queues a parked (or done) event again; `false` if the store has no such event.
    #[napi(catch_unwind)]
    pub fn resend(&self, env: Env, id: String) -> napi::Result<bool> {
        self.store.resend(&id).map_err(|e| to_js(&env, watch_error(&e)))
    }

    /// The committed cursor as JSON text (`null` before the first poll).
    #[napi(catch_unwind)]
    pub fn cursor(&self, env: Env) -> napi::Result<String> {
        let cursor = self.store.load_cursor(&self.account).map_err(|e| to_js(&env, watch_error(&e)))?;
        Ok(serde_json::to_string(&cursor).unwrap_or_else(|_| "null".to_owned()))
    }
}

impl Drop for NativeWatcher {
    fn drop(&mut self) {
        self.stop.stop();
    }
}
