//! The engine of the iterators: the core's pager (24-hour windows, `more`/`moreSequence`,
//! `pagination.hasNext`, de-duplication) behind a lock, decoding each page into records.
//!
//! Each iterator of the contract is a generated object (`LastChangedStatusesPager`, …) with one
//! method, `nextPage()`, that returns the next page or `null`/`nil` when done; Kotlin turns it
//! into a `Flow` and Swift into an `AsyncSequence` (handwritten glue in each package).

use std::sync::Arc;

use serde::de::DeserializeOwned;
use tokio::sync::Mutex;

use crate::client::Client;
use crate::error::NpayError;
use crate::json::{Params, decode};
use crate::task::on_runtime;

/// One iteration over an operation's pages.
pub struct Pager {
    operation: &'static str,
    inner: Arc<Mutex<npay_order::json::JsonPager>>,
}

impl Pager {
    /// The pager of the iterator `name` (`iterLastChangedStatuses`) over `operation` with these parameters.
    pub fn new(client: &Client, name: &str, operation: &'static str, params: Params) -> Result<Self, NpayError> {
        let inner = npay_order::json::JsonPager::new(&client.inner, name, params.into_value())?;
        Ok(Pager { operation, inner: Arc::new(Mutex::new(inner)) })
    }

    /// The next page of items; `None` when the range is done. Pages are fetched one at a time
    /// (a second caller waits for the first), on the runtime's threads ([`crate::task`]).
    pub async fn next_page<T: DeserializeOwned + Send + 'static>(&self) -> Result<Option<Vec<T>>, NpayError> {
        let (inner, operation) = (self.inner.clone(), self.operation);
        on_runtime(async move {
            let page = inner.lock().await.next_page().await?;
            page.map(|items| items.into_iter().map(|item| decode(operation, item)).collect()).transpose()
        })
        .await
    }
}
