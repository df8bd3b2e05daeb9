//! Walking long ranges: the API answers at most 24 hours and 300 items per call; a pager makes as
//! many calls as a range needs and yields each item once.
//!
//! * [`LastChangedPager`] follows `more {moreFrom, moreSequence}` inside a window and moves window
//!   by window (24 h − 1 ms each, so that inclusive bounds never overlap). Items come sorted by
//!   change time then product order id; an item not after the last one yielded is dropped, which
//!   removes repeats at page and window borders. Without `lastChangedTo` it walks up to the
//!   server's own clock (the envelope's `timestamp`), so client clock skew does not matter.
//! * [`SearchPager`] pages (`page`, `hasNext`) window by window and drops product orders it has
//!   already yielded (offset paging can shift while orders change).
//!
//! ```no_run
//! # async fn demo(client: npay_order::Client) -> npay_order::Result<()> {
//! use futures::TryStreamExt;
//! use npay_order::ops::ListLastChangedStatusesParams;
//! let since: npay_order::Timestamp = "2026-11-20T00:00:00.000+09:00".parse().unwrap();
//! let changes: Vec<_> = client.iter_last_changed_statuses(ListLastChangedStatusesParams::new(since)).try_collect().await?;
//! # Ok(()) }
//! ```

use std::collections::HashSet;

use futures::Stream;
use npay_order_api::Timestamp;
use npay_order_api::types::{LastChangedStatus, SearchProductOrderContent};

use crate::Client;
use crate::error::{NpayError, Result};
use crate::ops::{ListLastChangedStatusesParams, SearchProductOrdersParams};

const WINDOW_MS: i64 = 24 * 3_600_000 - 1;

fn shifted(t: &Timestamp, millis: i64) -> Timestamp {
    let offset = *t.as_datetime().offset();
    Timestamp::new((t.as_datetime() + chrono::Duration::milliseconds(millis)).with_timezone(&offset))
}

/// Where a range walk stands: the current window and where the whole range ends.
struct Windows {
    start: Timestamp,
    /// The range's end as asked, or `None` for "up to the server's now".
    end: Option<Timestamp>,
    /// The server's clock as of the walk's first answer: where an open range ends.
    server_now: Option<Timestamp>,
}

impl Windows {
    /// Fixes where an open range ends, once: at the server's clock in the first answer (the local
    /// clock if it has none). Taken from every answer instead, the end would move on with each
    /// call and a walk whose calls take longer than the 1 ms step between windows would never end.
    fn note_server_clock(&mut self, timestamp: Option<&str>) {
        if self.server_now.is_none() {
            self.server_now = Some(
                timestamp
                    .and_then(|t| t.parse().ok())
                    .unwrap_or_else(|| Timestamp::from_utc_in_kst(chrono::Utc::now())),
            );
        }
    }

    fn end_of_range(&self) -> Option<Timestamp> {
        self.end.or(self.server_now)
    }

    /// The end of the window starting at `self.start`.
    fn window_end(&self) -> Timestamp {
        let full = shifted(&self.start, WINDOW_MS);
        match self.end_of_range() {
            Some(end) if end < full => end,
            _ => full,
        }
    }

    /// Moves to the next window; `false` when the range is done.
    fn advance(&mut self, window_end: Timestamp) -> bool {
        self.start = shifted(&window_end, 1);
        self.end_of_range().is_none_or(|end| self.start <= end)
    }
}

/// Pages of `listLastChangedStatuses` over any range. Made by [`Client::last_changed_pager`].
pub struct LastChangedPager {
    client: Client,
    params: ListLastChangedStatusesParams,
    windows: Windows,
    more_sequence: Option<String>,
    last_key: Option<(Timestamp, String)>,
    done: bool,
    /// The last page's items as JSON, when its answer was read tolerantly (see [`raw_items`]).
    raw_page: Option<Vec<serde_json::Value>>,
}

impl LastChangedPager {
    /// The next page of changes not yielded before; `None` when the range is done.
    pub async fn next_page(&mut self) -> Result<Option<Vec<LastChangedStatus>>> {
        while !self.done {
            let window_end = self.windows.window_end();
            let mut params = self.params.clone();
            params.last_changed_from = self.windows.start;
            params.last_changed_to = Some(window_end);
            params.more_sequence = self.more_sequence.clone();
            let response = self.client.list_last_changed_statuses(params).await?;
            self.windows.note_server_clock(response.meta().timestamp.as_deref());
            let mut raw = raw_items(&response, "lastChangeStatuses");
            let data = response.into_data();
            match data.more {
                Some(more) => {
                    let moved = more.more_from != self.windows.start
                        || self.more_sequence.as_deref() != Some(&more.more_sequence);
                    if !moved && data.last_change_statuses.is_empty() {
                        return Err(NpayError::UnexpectedResponse {
                            operation: "listLastChangedStatuses",
                            status: 200,
                            message:
                                "the server answered the same `more` again with no items; stopping rather than looping"
                                    .to_owned(),
                            trace_id: None,
                        });
                    }
                    self.windows.start = more.more_from;
                    self.more_sequence = Some(more.more_sequence);
                }
                None => {
                    self.more_sequence = None;
                    self.done = !self.windows.advance(window_end);
                }
            }
            let keep: Vec<bool> = data
                .last_change_statuses
                .iter()
                .map(|item| {
                    let key = (item.last_changed_date, item.product_order_id.clone());
                    let new = self.last_key.as_ref().is_none_or(|last| &key > last);
                    if new {
                        self.last_key = Some(key);
                    }
                    new
                })
                .collect();
            let items = kept(data.last_change_statuses, &keep);
            self.raw_page = raw.take().map(|raw| kept(raw, &keep));
            if !items.is_empty() {
                return Ok(Some(items));
            }
        }
        Ok(None)
    }
}

/// Pages of `searchProductOrders` over any range. Made by [`Client::search_pager`].
pub struct SearchPager {
    client: Client,
    params: SearchProductOrdersParams,
    windows: Windows,
    page: i32,
    seen: HashSet<String>,
    done: bool,
    /// The last page's items as JSON, when its answer was read tolerantly (see [`raw_items`]).
    raw_page: Option<Vec<serde_json::Value>>,
}

impl SearchPager {
    /// The next page of product orders not yielded before; `None` when the range is done.
    pub async fn next_page(&mut self) -> Result<Option<Vec<SearchProductOrderContent>>> {
        while !self.done {
            let window_end = self.windows.window_end();
            let mut params = self.params.clone();
            params.from = self.windows.start;
            params.to = Some(window_end);
            params.page = Some(self.page);
            let response = self.client.search_product_orders(params).await?;
            self.windows.note_server_clock(response.meta().timestamp.as_deref());
            let raw = raw_items(&response, "contents");
            let data = response.into_data();
            if data.pagination.has_next {
                self.page += 1;
            } else {
                self.page = 1;
                self.done = !self.windows.advance(window_end);
            }
            let keep: Vec<bool> = data.contents.iter().map(|c| self.seen.insert(c.product_order_id.clone())).collect();
            let items = kept(data.contents, &keep);
            self.raw_page = raw.map(|raw| kept(raw, &keep));
            if !items.is_empty() {
                return Ok(Some(items));
            }
        }
        Ok(None)
    }
}

/// The items of a page as JSON (unknown fields kept), when its answer was read tolerantly: the
/// list `key` of the repaired data, aligned item for item with the typed list.
fn raw_items<T>(response: &crate::Response<T>, key: &str) -> Option<Vec<serde_json::Value>> {
    response.tolerant()?.value.get(key)?.as_array().cloned()
}

/// The items whose flag in `keep` is set.
fn kept<T>(items: Vec<T>, keep: &[bool]) -> Vec<T> {
    items.into_iter().zip(keep).filter_map(|(item, keep)| keep.then_some(item)).collect()
}

impl LastChangedPager {
    /// The JSON of the items [`Self::next_page`] returned last, if that page was read tolerantly.
    pub(crate) fn take_raw_page(&mut self) -> Option<Vec<serde_json::Value>> {
        self.raw_page.take()
    }
}

impl SearchPager {
    /// The JSON of the items [`Self::next_page`] returned last, if that page was read tolerantly.
    pub(crate) fn take_raw_page(&mut self) -> Option<Vec<serde_json::Value>> {
        self.raw_page.take()
    }
}

fn stream_of<P, T, F, Fut>(pager: P, next: F) -> impl Stream<Item = Result<T>>
where
    F: Fn(P) -> Fut + Copy,
    Fut: std::future::Future<Output = (Result<Option<Vec<T>>>, P)>,
{
    futures::stream::try_unfold((pager, Vec::<T>::new().into_iter()), move |(pager, mut buffer)| async move {
        let mut pager = pager;
        loop {
            if let Some(item) = buffer.next() {
                return Ok(Some((item, (pager, buffer))));
            }
            let (page, returned) = next(pager).await;
            pager = returned;
            match page? {
                Some(page) => buffer = page.into_iter(),
                None => return Ok(None),
            }
        }
    })
}

impl Client {
    /// A pager over changes from `params.last_changed_from` to `params.last_changed_to` (or the
    /// server's now), any length.
    pub fn last_changed_pager(&self, params: ListLastChangedStatusesParams) -> LastChangedPager {
        let windows = Windows { start: params.last_changed_from, end: params.last_changed_to, server_now: None };
        LastChangedPager {
            client: self.clone(),
            params,
            windows,
            more_sequence: None,
            last_key: None,
            done: false,
            raw_page: None,
        }
    }

    /// Every change of a range, once each, as a stream (see [`LastChangedPager`]).
    pub fn iter_last_changed_statuses(
        &self,
        params: ListLastChangedStatusesParams,
    ) -> impl Stream<Item = Result<LastChangedStatus>> + use<> {
        stream_of(self.last_changed_pager(params), |mut pager: LastChangedPager| async move {
            let page = pager.next_page().await;
            (page, pager)
        })
    }

    /// A pager over product orders from `params.from` to `params.to` (or the server's now).
    pub fn search_pager(&self, params: SearchProductOrdersParams) -> SearchPager {
        let windows = Windows { start: params.from, end: params.to, server_now: None };
        let page = params.page.unwrap_or(1);
        SearchPager { client: self.clone(), params, windows, page, seen: HashSet::new(), done: false, raw_page: None }
    }

    /// Every product order of a range, once each, as a stream (see [`SearchPager`]).
    pub fn iter_search_product_orders(
        &self,
        params: SearchProductOrdersParams,
    ) -> impl Stream<Item = Result<SearchProductOrderContent>> + use<> {
        stream_of(self.search_pager(params), |mut pager: SearchPager| async move {
            let page = pager.next_page().await;
            (page, pager)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(millis: i64) -> Timestamp {
        Timestamp::from_millis_kst(millis).unwrap()
    }

    proptest! {
        /// Windows cover the range exactly: contiguous, never overlapping, none longer than the API
        /// allows, the last ending at the range's end.
        #[test]
        fn windows_tile_any_range(start in 1_600_000_000_000i64..1_900_000_000_000, span in 0i64..(30 * 24 * 3_600_000)) {
            let end = at(start + span);
            let mut windows = Windows { start: at(start), end: Some(end), server_now: None };
            let mut previous_end: Option<Timestamp> = None;
            let mut count = 0;
            loop {
                let window_start = windows.start;
                let window_end = windows.window_end();
                prop_assert!(window_start <= window_end);
                prop_assert!(window_end.timestamp_millis() - window_start.timestamp_millis() <= WINDOW_MS);
                if let Some(previous) = previous_end {
                    prop_assert_eq!(window_start.timestamp_millis(), previous.timestamp_millis() + 1);
                }
                previous_end = Some(window_end);
                count += 1;
                if !windows.advance(window_end) {
                    break;
                }
            }
            prop_assert_eq!(previous_end.unwrap(), end);
            prop_assert_eq!(count as i64, span / (WINDOW_MS + 1) + 1);
        }
    }
}
