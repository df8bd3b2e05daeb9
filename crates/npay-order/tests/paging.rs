//! Iterators walk every page and every 24-hour window and yield each change once, even when
//! hundreds of changes share one timestamp.

mod support;

use std::collections::HashSet;

use futures::TryStreamExt;
use npay_order::Timestamp;
use npay_order::ops::{ListLastChangedStatusesParams, QueryProductOrdersParams, SearchProductOrdersParams};
use npay_sandbox::control_api::Faults;
use support::Env;

fn an_hour_ago() -> Timestamp {
    Timestamp::from_utc_in_kst(chrono::Utc::now() - chrono::Duration::hours(1))
}

#[tokio::test]
async fn changes_sharing_one_timestamp_are_paged_without_loss_or_repeat() {
    let env = Env::start().await;
    let ids: HashSet<String> = env.paid_orders(500).await.into_iter().collect();
    let client = env.client();
    let params = ListLastChangedStatusesParams::new(an_hour_ago()).limit_count(100);
    let changes: Vec<_> = client.iter_last_changed_statuses(params).try_collect().await.unwrap();
    let seen: Vec<&String> = changes.iter().map(|c| &c.product_order_id).collect();
    assert_eq!(seen.len(), 500, "every change once");
    assert_eq!(seen.iter().copied().cloned().collect::<HashSet<_>>(), ids);
    assert!(env.stats().await.requests_of("listLastChangedStatuses") >= 5, "limitCount 100 needs five pages");
}

#[tokio::test]
async fn a_range_longer_than_a_day_is_walked_window_by_window() {
    let env = Env::start().await;
    let start = an_hour_ago();
    let first: HashSet<String> = env.paid_orders(3).await.into_iter().collect();
    env.advance_clock(50 * 3600).await;
    let later: HashSet<String> = env.paid_orders(4).await.into_iter().collect();
    let client = env.client();
    let changes: Vec<_> =
        client.iter_last_changed_statuses(ListLastChangedStatusesParams::new(start)).try_collect().await.unwrap();
    let seen: HashSet<String> = changes.iter().map(|c| c.product_order_id.clone()).collect();
    assert_eq!(changes.len(), 7);
    assert_eq!(seen, first.union(&later).cloned().collect());
    assert!(env.stats().await.requests_of("listLastChangedStatuses") >= 3, "50 h need three windows");
}

#[tokio::test]
async fn an_open_ended_walk_ends_even_when_every_call_is_slow() {
    // The open range ends at the server's clock as of the first answer: with calls slower than
    // the 1 ms step between windows, an end that moved with every answer was never reached.
    let env = Env::start().await;
    let start = an_hour_ago();
    env.paid_orders(3).await;
    env.advance_clock(30 * 3600).await;
    env.paid_orders(2).await;
    env.faults(Faults { latency_ms: 5, ..Faults::default() }).await;
    let client = env.client();
    let walk = async {
        let changes: Vec<_> = client
            .iter_last_changed_statuses(ListLastChangedStatusesParams::new(start).limit_count(2))
            .try_collect()
            .await
            .unwrap();
        let found: Vec<_> = client
            .iter_search_product_orders(SearchProductOrdersParams::new(start, "PAYED_DATETIME".into()).page_size(2))
            .try_collect()
            .await
            .unwrap();
        (changes.len(), found.len())
    };
    let (changes, found) =
        tokio::time::timeout(std::time::Duration::from_secs(20), walk).await.expect("both walks end");
    assert_eq!((changes, found), (5, 5));
    let stats = env.stats().await;
    assert!(
        stats.requests_of("listLastChangedStatuses") <= 8,
        "pages and windows, not a chase of the clock: {stats:?}"
    );
    assert!(stats.requests_of("searchProductOrders") <= 8, "{stats:?}");
}

#[tokio::test]
async fn search_pages_until_the_last_page() {
    let env = Env::start().await;
    let ids: HashSet<String> = env.paid_orders(25).await.into_iter().collect();
    let client = env.client();
    let params = SearchProductOrdersParams::new(an_hour_ago(), "PAYED_DATETIME".into()).page_size(10);
    let found: Vec<_> = client.iter_search_product_orders(params).try_collect().await.unwrap();
    let seen: HashSet<String> = found.iter().map(|c| c.product_order_id.clone()).collect();
    assert_eq!(found.len(), 25);
    assert_eq!(seen, ids);
}

#[tokio::test]
async fn more_than_three_hundred_ids_are_queried_in_chunks_and_merged() {
    let env = Env::start().await;
    let ids = env.paid_orders(650).await;
    let client = env.client();
    let details = client.query_product_orders(QueryProductOrdersParams::new(ids.clone())).await.unwrap();
    assert_eq!(details.len(), 650);
    assert_eq!(env.stats().await.requests_of("queryProductOrders"), 3);
}
