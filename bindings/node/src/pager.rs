//! The native pager behind `iterLastChangedStatuses` / `iterSearchProductOrders`: the core walks
//! windows, `more` cursors and pages and drops repeats; JavaScript asks for one page at a time and
//! turns the pages into an `AsyncIterable` of items (`lib/iterate.js`).

use std::sync::Arc;

use napi::Env;
use napi::bindgen_prelude::PromiseRaw;
use napi_derive::napi;
use npay_order::json::JsonPager;
use tokio::sync::Mutex;

use crate::convert::to_text;
use crate::error::ErrorParts;
use crate::runtime::spawn;

/// One walk over a range; pages come in order, each item once.
#[napi]
pub struct NativePager {
    // A page request holds the lock across its awaits, so two overlapping `nextPage()` calls run
    // one after the other instead of both reading the same cursor.
    pager: Arc<Mutex<JsonPager>>,
}

impl NativePager {
    pub fn new(pager: JsonPager) -> Self {
        NativePager { pager: Arc::new(Mutex::new(pager)) }
    }
}

#[napi]
impl NativePager {
    /// Resolves to the next page of items as the JSON text of an array, or `null` when the walk is done.
    #[napi(catch_unwind, ts_return_type = "Promise<string | null>")]
    pub fn next_page<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, Option<String>>> {
        let pager = self.pager.clone();
        let work = async move {
            let mut pager = pager.lock().await;
            match pager.next_page_data().await.map_err(|e| ErrorParts::from(&e))? {
                Some(items) => to_text(&*items).map(Some),
                None => Ok(None),
            }
        };
        spawn(env, work, |_env, page| Ok(page))
    }
}
