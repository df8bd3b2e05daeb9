//! The native watcher behind `npay_order.Watcher`: the core's [`Subscription`] (next / ack /
//! nack / stop) with blocking and awaitable `next`. The loops users write (`run(handler)`,
//! `for`, `async for`) are Python in `npay_order/_watch.py`; the paging, the store and the
//! retry rules are the core's.

use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use npay_order::Timestamp;
use npay_order::watch::{
    EventFilter, EventStatus, SqliteStore, StopHandle, Subscription, WatchError, WatchSettings, WatchStore, Watcher,
};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use serde_json::Value;

use crate::client::{NativeClient, block_on};
use crate::{completion, convert, error, runtime};

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Poisoning only means a panic elsewhere; the slot itself is always consistent.
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

fn millis(value: Option<u64>) -> Option<Duration> {
    value.map(Duration::from_millis)
}

/// A watcher over one client's account; it starts polling on the first `next_event`.
#[pyclass(module = "npay_order._native", name = "NativeWatcher", frozen)]
pub struct NativeWatcher {
    /// The watcher until its first `next_event` starts it.
    unstarted: Mutex<Option<Watcher>>,
    subscription: OnceLock<Arc<Subscription>>,
    stop: StopHandle,
    store: Arc<SqliteStore>,
    account: String,
    /// The process that made it: its task and connections belong to that process's runtime.
    pid: u32,
}

#[pymethods]
impl NativeWatcher {
    /// Opens (or creates) the SQLite store at `store` and builds the watcher; a configuration
    /// Naver or the store cannot take raises `InvalidRequestError` before anything is sent.
    #[new]
    #[pyo3(signature = (client, store, *, since_ms=None, events=None, settle_lag_ms=None, overlap_ms=None,
        poll_interval_ms=None, page_size=None, details=true, max_attempts=None, retry_base_ms=None, retry_max_ms=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        client: &NativeClient,
        store: &str,
        since_ms: Option<i64>,
        events: Option<Vec<String>>,
        settle_lag_ms: Option<u64>,
        overlap_ms: Option<u64>,
        poll_interval_ms: Option<u64>,
        page_size: Option<i32>,
        details: bool,
        max_attempts: Option<u32>,
        retry_base_ms: Option<u64>,
        retry_max_ms: Option<u64>,
    ) -> PyResult<Self> {
        let client = client.core(py)?;
        let store = Arc::new(SqliteStore::open(store).map_err(|e| to_py(py, &e))?);
        let since = match since_ms {
            None => None,
            Some(ms) => Some(
                Timestamp::from_millis_kst(ms)
                    .ok_or_else(|| error::invalid_request(py, "since", "out of the range of dates", None))?,
            ),
        };
        let settings = WatchSettings {
            since,
            events: events.unwrap_or_default(),
            settle_lag: millis(settle_lag_ms),
            overlap: millis(overlap_ms),
            poll_interval: millis(poll_interval_ms),
            page_size,
            details: Some(details),
            max_attempts,
            retry_base: millis(retry_base_ms),
            retry_max: millis(retry_max_ms),
        };
        let builder = Watcher::builder(&client).shared_store(store.clone()).settings(settings);
        let watcher = builder.build().map_err(|e| to_py(py, &e))?;
        Ok(NativeWatcher {
            account: watcher.account().to_owned(),
            stop: watcher.stop_handle(),
            unstarted: Mutex::new(Some(watcher)),
            subscription: OnceLock::new(),
            store,
            pid: std::process::id(),
        })
    }

    /// The account watched (the client id).
    #[getter]
    fn account(&self) -> &str {
        &self.account
    }

    /// The next event as a dict (camelCase, the webhook body's shape), or `None` once stopped.
    /// Blocks with the GIL released and still answers Ctrl-C.
    fn next_event<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let subscription = self.subscription()?;
        let next = block_on(py, async move { subscription.next().await.map(|e| e.map(event_json)) })?;
        resolved_event(py, next)
    }

    /// The same as an awaitable.
    fn next_event_async<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let subscription = self.subscription()?;
        completion::spawn(py, async move { subscription.next().await.map(|e| e.map(event_json)) }, |py, next| {
            resolved_event(py, next).map(Bound::unbind)
        })
    }

    /// Marks the event that is out as done; `False` if `id` is not that event.
    fn ack(&self, id: &str) -> bool {
        self.subscription.get().is_some_and(|s| s.ack(id))
    }

    /// Refuses the event that is out (it is retried, then parked); `False` if `id` is not it.
    fn nack(&self, id: &str, message: &str) -> bool {
        self.subscription.get().is_some_and(|s| s.nack(id, message))
    }

    /// Stops polling; the event that is out may still be answered, then `next_event` returns None.
    fn stop(&self) {
        self.stop.stop();
    }

    /// Whether a stop was asked for.
    #[getter]
    fn stopped(&self) -> bool {
        self.stop.is_stopped()
    }

    /// The events in the store for this account (dicts: `event`, `seq`, `status`, `lastError`,
    /// `createdAtMs`), filtered by status (`pending`, `done`, `failed`), newest first with a limit.
    #[pyo3(signature = (status=None, limit=None))]
    fn list_events<'py>(
        &self,
        py: Python<'py>,
        status: Option<&str>,
        limit: Option<usize>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let status =
            match status {
                None => None,
                Some(text) => Some(EventStatus::parse(text).ok_or_else(|| {
                    error::invalid_request(py, "status", "must be one of pending, done, failed", None)
                })?),
            };
        let filter = EventFilter { status, limit, ..EventFilter::default() };
        let events = self.store.list_events(&self.account, &filter).map_err(|e| to_py(py, &e))?;
        convert::to_py(py, &serde_json::to_value(events).unwrap_or_default())
    }

    /// Queues a parked (or done) event again; `False` if the store has no such event.
    fn resend(&self, py: Python<'_>, id: &str) -> PyResult<bool> {
        self.store.resend(id).map_err(|e| to_py(py, &e))
    }

    /// The committed cursor of this account as a dict, or `None` before the first poll.
    fn cursor<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let cursor = self.store.load_cursor(&self.account).map_err(|e| to_py(py, &e))?;
        convert::to_py(py, &serde_json::to_value(cursor).unwrap_or_default())
    }

    fn __repr__(&self) -> String {
        format!("NativeWatcher(account={:?})", self.account)
    }
}

impl NativeWatcher {
    /// The running subscription, started on first use (inside the runtime, which spawns its task).
    fn subscription(&self) -> PyResult<Arc<Subscription>> {
        if self.pid != std::process::id() {
            return Err(PyRuntimeError::new_err(
                "this watcher was made before the process forked; make a new one in this process",
            ));
        }
        if let Some(subscription) = self.subscription.get() {
            return Ok(subscription.clone());
        }
        let runtime = runtime::try_get()?;
        let mut unstarted = lock(&self.unstarted);
        if let Some(watcher) = unstarted.take() {
            let _entered = runtime.enter();
            let _ = self.subscription.set(Arc::new(watcher.subscribe()));
        }
        drop(unstarted);
        self.subscription.get().cloned().ok_or_else(|| PyRuntimeError::new_err("the watcher could not start"))
    }
}

impl Drop for NativeWatcher {
    fn drop(&mut self) {
        self.stop.stop();
    }
}

fn event_json(event: npay_order::watch::Event) -> Value {
    serde_json::to_value(event).unwrap_or_default()
}

fn resolved_event<'py>(py: Python<'py>, next: Result<Option<Value>, WatchError>) -> PyResult<Bound<'py, PyAny>> {
    match next {
        Ok(Some(event)) => convert::to_py(py, &event),
        Ok(None) => Ok(py.None().into_bound(py)),
        Err(e) => Err(to_py(py, &e)),
    }
}

/// A watcher's error as an exception of the tree: the API's own class for a refusal,
/// `InvalidRequestError` for a configuration, `WatchError` for paging, store and endpoint failures.
pub(crate) fn to_py(py: Python<'_>, error: &WatchError) -> PyErr {
    match error {
        WatchError::Api(api) => error::to_py(py, api),
        WatchError::Config(message) => error::invalid_request(py, "watcher", message, None),
        other => error::watch_error(py, &other.to_string()),
    }
}
