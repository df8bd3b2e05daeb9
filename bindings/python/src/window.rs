//! One page of the core's cursor, for drivers that keep the cursor themselves: the Temporal
//! activities of `npay_order.temporal` hold it in workflow state and call [`read_window_page`]
//! for each step. The paging rules (windows, settle lag, overlap, `moreFrom` with
//! `moreSequence`, a `more` that must advance) are the core's `Cursor` and `read_page`; this
//! module only moves the cursor in and out as JSON (camelCase, the core's serde shape).

use std::collections::BTreeSet;
use std::time::Duration;

use npay_order::Timestamp;
use npay_order::watch::{Cursor, ReadOptions, WindowRules, read_page};
use pyo3::IntoPyObjectExt;
use pyo3::prelude::*;

use crate::client::NativeClient;
use crate::{completion, error, watcher};

fn cursor_from(py: Python<'_>, text: &str) -> PyResult<Cursor> {
    serde_json::from_str(text).map_err(|e| error::invalid_request(py, "cursor", &format!("not a cursor: {e}"), None))
}

fn at(py: Python<'_>, name: &str, ms: i64) -> PyResult<Timestamp> {
    Timestamp::from_millis_kst(ms).ok_or_else(|| error::invalid_request(py, name, "out of the range of dates", None))
}

fn now_ms() -> i64 {
    let since_epoch = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    i64::try_from(since_epoch.as_millis()).unwrap_or(i64::MAX)
}

fn rules(settle_lag_ms: Option<u64>, overlap_ms: Option<u64>) -> WindowRules {
    let mut rules = WindowRules::default();
    if let Some(lag) = settle_lag_ms {
        rules.settle_lag = Duration::from_millis(lag);
    }
    if let Some(overlap) = overlap_ms {
        rules.overlap = Duration::from_millis(overlap);
    }
    rules
}

/// Reads the next page for `cursor` (JSON) as the local watcher would and resolves to JSON
/// `{events, cursor, step, rows, serverNowMs}`: `step` is `morePages`, `windowDone` or `null`
/// (nothing settled yet: no call was made). Stores nothing.
#[pyfunction]
#[pyo3(signature = (client, cursor, *, now_ms=None, events=None, settle_lag_ms=None, overlap_ms=None, page_size=None, details=true))]
#[allow(clippy::too_many_arguments)]
pub fn read_window_page<'py>(
    py: Python<'py>,
    client: &NativeClient,
    cursor: &str,
    now_ms: Option<i64>,
    events: Option<Vec<String>>,
    settle_lag_ms: Option<u64>,
    overlap_ms: Option<u64>,
    page_size: Option<i32>,
    details: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let cursor = cursor_from(py, cursor)?;
    let now = at(py, "now_ms", now_ms.unwrap_or_else(self::now_ms))?;
    let client = client.core(py)?;
    let options = ReadOptions {
        rules: rules(settle_lag_ms, overlap_ms),
        page_size: page_size.unwrap_or(npay_order::watch::PAGE_SIZE),
        events: events.map(|e| e.into_iter().collect::<BTreeSet<_>>()),
        details,
    };
    let account = client.config().client_id.clone();
    let read = async move {
        let page = read_page(&client, &account, &cursor, now, &options).await?;
        Ok(page.to_json().to_string())
    };
    completion::spawn(py, read, |py, outcome: Result<String, npay_order::watch::WatchError>| match outcome {
        Ok(text) => text.into_py_any(py),
        Err(e) => Err(watcher::to_py(py, &e)),
    })
}

/// A new cursor (JSON) whose first window starts at `since_ms − overlap`; also what a reset
/// to `since_ms` gives.
#[pyfunction]
pub fn cursor_starting_at(py: Python<'_>, since_ms: i64) -> PyResult<String> {
    let cursor = Cursor::starting_at(at(py, "since_ms", since_ms)?);
    Ok(serde_json::to_string(&cursor).unwrap_or_default())
}

/// Whether `cursor` is within `slack_ms` of `now_ms − settle_lag`: a driver may sleep until its
/// next poll.
#[pyfunction]
#[pyo3(signature = (cursor, now_ms, settle_lag_ms=None, slack_ms=0))]
pub fn cursor_caught_up(
    py: Python<'_>,
    cursor: &str,
    now_ms: i64,
    settle_lag_ms: Option<u64>,
    slack_ms: u64,
) -> PyResult<bool> {
    let cursor = cursor_from(py, cursor)?;
    let now = at(py, "now_ms", now_ms)?;
    Ok(cursor.caught_up(now, &rules(settle_lag_ms, None), Duration::from_millis(slack_ms)))
}

/// The stable id of a change (the core's `event_id`), for checking hand-offs against a record.
#[pyfunction]
#[pyo3(signature = (account, product_order_id, last_changed_ms, last_changed_type, claim_status=None))]
pub fn event_id(
    py: Python<'_>,
    account: &str,
    product_order_id: &str,
    last_changed_ms: i64,
    last_changed_type: &str,
    claim_status: Option<&str>,
) -> PyResult<String> {
    let at = at(py, "last_changed_ms", last_changed_ms)?;
    Ok(npay_order::watch::event_id(account, product_order_id, &at, last_changed_type, claim_status))
}
