//! Under injected faults (server errors, rate limits, connection resets) reads always succeed
//! in the end, and every mutation is accounted for: after an ambiguous failure the client reads
//! the order and reports what took effect, so what it reported as applied (plus anything it
//! could not settle and that was applied) equals what the sandbox applied. Nothing
//! reported as not applied was applied, and nothing was applied twice.

mod support;

use npay_order::ops::{ConfirmProductOrdersParams, ListProductOrderIdsParams, QueryProductOrdersParams};
use npay_order::NpayError;
use serde_json::json;
use support::{Env, applied, requests};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn under_faults_reads_succeed_and_every_mutation_is_accounted_for() {
    let env = Env::start().await;
    let ids = env.paid_orders(200).await;
    let created = env.control("POST", "orders", Some(json!({"count": 1, "status": "PAYED", "productsPerOrder": 1}))).await;
    let order = created["orderIds"][0].as_str().unwrap().to_owned();
    env.faults(json!({"serverErrorRate": 0.10, "rateLimitRate": 0.05, "resetRate": 0.02, "latencyMs": 0, "seed": 42})).await;
    let client = env.builder().max_retries(8).max_retry_delay(std::time::Duration::from_secs(2)).build().unwrap();

    for _ in 0..200 {
        client.list_product_order_ids(ListProductOrderIdsParams::new(order.clone())).await.expect("reads are retried until they succeed");
    }

    let (mut reported_applied, mut maybe, mut not_applied) = (Vec::new(), Vec::new(), Vec::new());
    for id in &ids {
        match client.confirm_product_orders(ConfirmProductOrdersParams::new([id.clone()])).await {
            Ok(result) => {
                reported_applied.extend(result.success_product_order_infos.iter().map(|s| s.product_order_id.clone()));
                not_applied.extend(result.fail_product_order_infos.iter().map(|f| f.product_order_id.clone()));
            }
            // Only when the orders could not be read after an ambiguous failure.
            Err(error) if error.may_have_been_applied() => maybe.push(id.clone()),
            Err(error) => {
                assert!(!matches!(error, NpayError::InvalidRequest(_)), "{error}");
                not_applied.push(id.clone());
            }
        }
    }
    env.faults(json!({"serverErrorRate": 0.0, "rateLimitRate": 0.0, "resetRate": 0.0, "latencyMs": 0, "seed": 1})).await;

    let state = client.query_product_orders(QueryProductOrdersParams::new(ids.clone())).await.unwrap().into_data();
    let confirmed: std::collections::HashSet<String> = state
        .iter()
        .filter(|d| d.product_order.place_order_status.as_ref().map(|s| s.as_str()) == Some("OK"))
        .map(|d| d.product_order.product_order_id.clone())
        .collect();
    let maybe_applied = maybe.iter().filter(|id| confirmed.contains(*id)).count();
    for id in &reported_applied {
        assert!(confirmed.contains(id), "{id} was reported applied but is not confirmed");
    }
    for id in &not_applied {
        assert!(!confirmed.contains(id), "{id} was reported as not applied but is confirmed");
    }
    let stats = env.stats().await;
    assert_eq!(applied(&stats, "confirmProductOrders") as usize, reported_applied.len() + maybe_applied, "{stats}");
    assert!(requests(&stats, "confirmProductOrders") > 200, "faults were injected: {stats}");
    assert!(maybe.len() <= 2, "ambiguous outcomes are settled by reading the orders: {maybe:?}");
    println!(
        "confirm under faults: {} applied, {} possibly applied ({} were), {} not applied; {} requests",
        reported_applied.len(), maybe.len(), maybe_applied, not_applied.len(), requests(&stats, "confirmProductOrders")
    );
}

#[tokio::test]
async fn a_rate_limited_mutation_is_retried_and_applied_once() {
    let env = Env::start().await;
    let ids = env.paid_orders(1).await;
    env.faults(json!({"serverErrorRate": 0.0, "rateLimitRate": 0.5, "resetRate": 0.0, "latencyMs": 0, "seed": 3})).await;
    let client = env.builder().max_retries(10).build().unwrap();
    let result = client.confirm_product_orders(ConfirmProductOrdersParams::new(ids.clone())).await.unwrap();
    assert_eq!(result.success_product_order_infos.len(), 1);
    let stats = env.stats().await;
    assert_eq!(applied(&stats, "confirmProductOrders"), 1);
}
