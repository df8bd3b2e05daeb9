//! One page of the core's cursor, for drivers that keep the cursor themselves: the Temporal
//! activities of `npay-order/temporal` hold it in workflow state and call `readWindowPage` for
//! each step. The paging rules are the core's `Cursor` and `read_page`; this module only moves
//! the cursor in and out as JSON text (camelCase, the core's serde shape).

use std::collections::BTreeSet;
use std::time::Duration;

use napi::Env;
use napi::bindgen_prelude::PromiseRaw;
use napi_derive::napi;
use npay_order::Timestamp;
use npay_order::watch::{Cursor, ReadOptions, WindowRules, read_page};

use crate::client::NativeClient;
use crate::error::{ErrorParts, to_js};
use crate::runtime::spawn;
use crate::watcher::watch_error;

/// How `readWindowPage` reads; times in milliseconds.
#[napi(object)]
pub struct WindowOptions {
    /// The clock the settle lag is measured against (default: this machine's).
    pub now_ms: Option<f64>,
    pub events: Option<Vec<String>>,
    pub settle_lag_ms: Option<f64>,
    pub overlap_ms: Option<f64>,
    pub page_size: Option<i32>,
    pub details: Option<bool>,
}

fn cursor_from(text: &str) -> Result<Cursor, ErrorParts> {
    serde_json::from_str(text).map_err(|e| ErrorParts::invalid("cursor", format!("not a cursor: {e}")))
}

fn at(name: &str, ms: f64) -> Result<Timestamp, ErrorParts> {
    if !ms.is_finite() {
        return Err(ErrorParts::invalid(name, "must be a number of milliseconds"));
    }
    Timestamp::from_millis_kst(ms as i64).ok_or_else(|| ErrorParts::invalid(name, "out of the range of dates"))
}

fn millis(ms: Option<f64>) -> Option<Duration> {
    ms.filter(|m| m.is_finite() && *m >= 0.0).map(|m| Duration::from_millis(m as u64))
}

fn rules(settle_lag_ms: Option<f64>, overlap_ms: Option<f64>) -> WindowRules {
    let mut rules = WindowRules::default();
    if let Some(lag) = millis(settle_lag_ms) {
        rules.settle_lag = lag;
    }
    if let Some(overlap) = millis(overlap_ms) {
        rules.overlap = overlap;
    }
    rules
}

fn now_ms() -> f64 {
    let since_epoch = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    since_epoch.as_millis() as f64
}

/// Reads the next page for `cursor` (JSON text) as the local watcher would; resolves to JSON text
/// `{events, cursor, step, rows, serverNowMs}` (`step`: `morePages`, `windowDone`, or `null` when
/// nothing is settled yet and no call was made). Stores nothing.
#[napi(catch_unwind, ts_return_type = "Promise<string>")]
pub fn read_window_page<'env>(
    env: &'env Env,
    client: &NativeClient,
    cursor: String,
    options: Option<WindowOptions>,
) -> napi::Result<PromiseRaw<'env, String>> {
    let prepared = (|| {
        let options = options.unwrap_or(WindowOptions {
            now_ms: None,
            events: None,
            settle_lag_ms: None,
            overlap_ms: None,
            page_size: None,
            details: None,
        });
        let cursor = cursor_from(&cursor)?;
        let now = at("nowMs", options.now_ms.unwrap_or_else(now_ms))?;
        let client = client.core()?;
        let read = ReadOptions {
            rules: rules(options.settle_lag_ms, options.overlap_ms),
            page_size: options.page_size.unwrap_or(npay_order::watch::PAGE_SIZE),
            events: options.events.map(|e| e.into_iter().collect::<BTreeSet<_>>()),
            details: options.details.unwrap_or(true),
        };
        Ok::<_, ErrorParts>((client, cursor, now, read))
    })();
    let (client, cursor, now, read) = prepared.map_err(|parts| to_js(env, parts))?;
    let work = async move {
        let account = client.config().client_id.clone();
        let page = read_page(&client, &account, &cursor, now, &read).await.map_err(|e| watch_error(&e))?;
        Ok(page.to_json().to_string())
    };
    spawn(env, work, |_env, text| Ok(text))
}

/// A new cursor (JSON text) whose first window starts at `sinceMs − overlap`; also what a reset
/// to `sinceMs` gives.
#[napi(catch_unwind)]
pub fn cursor_starting_at(env: Env, since_ms: f64) -> napi::Result<String> {
    let since = at("sinceMs", since_ms).map_err(|parts| to_js(&env, parts))?;
    Ok(serde_json::to_string(&Cursor::starting_at(since)).unwrap_or_default())
}

/// Whether `cursor` is within `slackMs` of `nowMs − settleLag`: a driver may sleep until its next
/// poll.
#[napi(catch_unwind)]
pub fn cursor_caught_up(
    env: Env,
    cursor: String,
    now_ms: f64,
    settle_lag_ms: Option<f64>,
    slack_ms: Option<f64>,
) -> napi::Result<bool> {
    let checked = (|| {
        let cursor = cursor_from(&cursor)?;
        let now = at("nowMs", now_ms)?;
        Ok::<_, ErrorParts>(cursor.caught_up(now, &rules(settle_lag_ms, None), millis(slack_ms).unwrap_or_default()))
    })();
    checked.map_err(|parts| to_js(&env, parts))
}

/// The stable id of a change (the core's `event_id`).
#[napi(catch_unwind)]
pub fn event_id(
    env: Env,
    account: String,
    product_order_id: String,
    last_changed_ms: f64,
    last_changed_type: String,
    claim_status: Option<String>,
) -> napi::Result<String> {
    let at = at("lastChangedMs", last_changed_ms).map_err(|parts| to_js(&env, parts))?;
    Ok(npay_order::watch::event_id(&account, &product_order_id, &at, &last_changed_type, claim_status.as_deref()))
}
