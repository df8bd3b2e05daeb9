//! One step of the cursor against the API: read one page, turn its rows into events.
//!
//! [`read_page`] is the whole paging rule set in one call — open a window if needed, ask, check
//! and apply `more`, fetch details — without storing anything. The local [`super::Watcher`]
//! commits what it returns to its store; another driver (a Temporal activity) can keep the
//! returned cursor wherever it likes.

use std::collections::{BTreeSet, HashMap, HashSet};

use npay_order_api::Timestamp;
use serde_json::{Value, json};

use super::cursor::{Cursor, Step, WindowRules};
use super::error::WatchError;
use super::event::{Event, change_event_id};
use crate::Client;
use crate::error::NpayError;

/// The largest page the API answers, and the most ids one details query takes.
pub const PAGE_SIZE: i32 = 300;

/// What [`read_page`] reads and how.
#[derive(Clone, Debug)]
pub struct ReadOptions {
    /// Window rules (settle lag, overlap).
    pub rules: WindowRules,
    /// `limitCount` of each call, 1–300 (default 300).
    pub page_size: i32,
    /// Only rows with one of these `lastChangedType`s become events (all when `None`). Rows of
    /// other types still move the cursor.
    pub events: Option<BTreeSet<String>>,
    /// Whether each event carries the product order's details (default true: one
    /// `queryProductOrders` call per page, 300 ids at most).
    pub details: bool,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions { rules: WindowRules::default(), page_size: PAGE_SIZE, events: None, details: true }
    }
}

/// The outcome of [`read_page`].
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct PageRead {
    /// One event per row of the page that passed the filter, in the API's order.
    pub events: Vec<Event>,
    /// The cursor after the page: commit it together with `events`.
    pub cursor: Cursor,
    /// `None` when no window could be opened (nothing settled after the watermark yet): no call
    /// was made.
    pub step: Option<Step>,
    /// The server's clock in the answer's envelope, when there was an answer.
    pub server_now: Option<Timestamp>,
    /// How many rows the page held before filtering.
    pub rows: usize,
}

impl PageRead {
    /// The page as the bindings hand it to their Temporal activities: `{events, cursor, step
    /// ("morePages" | "windowDone" | null), rows, serverNowMs}`.
    pub fn to_json(&self) -> Value {
        let step = self.step.map(|s| match s {
            Step::MorePages => "morePages",
            Step::WindowDone => "windowDone",
        });
        json!({
            "events": self.events,
            "cursor": self.cursor,
            "step": step,
            "rows": self.rows,
            "serverNowMs": self.server_now.map(|t| t.timestamp_millis()),
        })
    }
}

/// Reads the next page for `cursor` (see [`Cursor`] for the rules) and returns the events of
/// its rows and the moved cursor; stores nothing. `now` is the clock the settle lag is measured
/// against (the server's, as last seen in [`PageRead::server_now`], is best).
pub async fn read_page(
    client: &Client,
    account: &str,
    cursor: &Cursor,
    now: Timestamp,
    options: &ReadOptions,
) -> Result<PageRead, WatchError> {
    read_new_page(client, account, cursor, now, options, &|_| Ok(HashSet::new())).await
}

/// Ids of events already stored, among those asked about (see [`super::WatchStore::known_events`]).
pub(crate) type Known<'a> = &'a (dyn Fn(&[&str]) -> Result<HashSet<String>, WatchError> + Sync);

/// [`read_page`], leaving out the rows whose events `known` says are stored already — the
/// re-read of the overlap: their details are not fetched again (a store keeps the first copy
/// of an event and ignores repeats, so leaving them out changes nothing stored).
pub(crate) async fn read_new_page(
    client: &Client,
    account: &str,
    cursor: &Cursor,
    now: Timestamp,
    options: &ReadOptions,
    known: Known<'_>,
) -> Result<PageRead, WatchError> {
    let mut cursor = cursor.clone();
    if cursor.next_window(now, &options.rules).is_none() {
        return Ok(PageRead { events: Vec::new(), cursor, step: None, server_now: None, rows: 0 });
    }
    let params = cursor.request(Some(options.page_size)).ok_or(super::cursor::CursorError::NoWindow)?;
    let response = client.list_last_changed_statuses(params).await?;
    let server_now = response.meta().timestamp.as_deref().and_then(|t| t.parse().ok());
    let data = response.into_data();
    let rows = data.last_change_statuses.len();
    let step = cursor.advance(data.more.as_ref())?;
    let wanted: Vec<_> = data
        .last_change_statuses
        .into_iter()
        .filter(|row| options.events.as_ref().is_none_or(|types| types.contains(row.last_changed_type.as_str())))
        .map(|row| (change_event_id(account, &row), row))
        .collect();
    let ids: Vec<&str> = wanted.iter().map(|(id, _)| id.as_str()).collect();
    let stored = if ids.is_empty() { HashSet::new() } else { known(&ids)? };
    let wanted: Vec<_> = wanted.into_iter().filter(|(id, _)| !stored.contains(id)).collect();
    let details = if options.details && !wanted.is_empty() {
        let ids: BTreeSet<&str> = wanted.iter().map(|(_, row)| row.product_order_id.as_str()).collect();
        fetch_details(client, ids.into_iter().collect()).await?
    } else {
        HashMap::new()
    };
    let mut events = Vec::with_capacity(wanted.len());
    for (id, row) in wanted {
        let change = serde_json::to_value(&row).map_err(|e| NpayError::UnexpectedResponse {
            operation: "listLastChangedStatuses",
            status: 200,
            message: format!("a change row does not serialise: {e}"),
            trace_id: None,
        })?;
        events.push(Event {
            id,
            account: account.to_owned(),
            detail: details.get(row.product_order_id.as_str()).cloned(),
            product_order_id: row.product_order_id,
            last_changed_type: row.last_changed_type.as_str().to_owned(),
            last_changed_date: row.last_changed_date,
            change,
            attempt: 0,
        });
    }
    Ok(PageRead { events, cursor, step: Some(step), server_now, rows })
}

/// `queryProductOrders` for `ids` (the client splits them into requests of 300), keyed by
/// product order id.
async fn fetch_details(client: &Client, ids: Vec<&str>) -> Result<HashMap<String, Value>, WatchError> {
    let response = client.call_json("queryProductOrders", json!({ "productOrderIds": ids })).await?;
    let mut details = HashMap::new();
    if let Value::Array(items) = response.into_data() {
        for item in items {
            if let Some(id) = item.pointer("/productOrder/productOrderId").and_then(Value::as_str) {
                details.insert(id.to_owned(), item);
            }
        }
    }
    Ok(details)
}
