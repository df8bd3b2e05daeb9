//! Under injected faults (server errors, rate limits, connection resets) reads always succeed
//! in the end, and every mutation is accounted for: after an ambiguous failure the client reads
//! the order and reports what took effect, so what it reported as applied (plus anything it
//! could not settle and that was applied) equals what the sandbox applied. Nothing
//! reported as not applied was applied, and nothing was applied twice. The mix covers the order
//! flow (confirm, dispatch) and claims (a seller's cancellation, a return approved after the
//! buyer asked for it and the parcel came back).
//!
//! Against an external sandbox behind a proxy (`support`), connection resets are left out: the
//! proxy answers a reset with its own error, which is the proxy's behaviour, not the API's.

mod support;

use npay_order::NpayError;
use npay_order::enums;
use npay_order::ops::{
    ApproveReturnParams, ConfirmProductOrdersParams, DispatchProductOrdersParams, ListLastChangedStatusesParams,
    QueryProductOrdersParams, RequestCancelParams,
};
use npay_order::types::DispatchProductOrder;
use npay_sandbox::control_api::Faults;
use support::Env;

/// How many calls the soak makes: `NPAY_SOAK_CALLS` (the long form: 10000), 400 by default.
fn soak_calls() -> usize {
    std::env::var("NPAY_SOAK_CALLS").ok().and_then(|v| v.parse().ok()).unwrap_or(400)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn under_faults_reads_succeed_and_every_mutation_is_accounted_for() {
    let env = Env::start().await;
    let orders = soak_calls() / 4;
    let ids = env.paid_orders(orders).await;
    let reset_rate = if env.sandbox.is_embedded() { 0.02 } else { 0.0 };
    env.faults(Faults { server_error_rate: 0.10, rate_limit_rate: 0.05, reset_rate, latency_ms: 0, seed: Some(42) })
        .await;
    let client = env.builder().max_retries(8).max_retry_delay(std::time::Duration::from_secs(2)).build().unwrap();
    let now = npay_order::Timestamp::from_utc_in_kst(chrono::Utc::now());

    let (mut confirmed, mut dispatched, mut maybe, mut reads) = (Vec::new(), Vec::new(), Vec::new(), 0);
    let (mut canceled, mut returned) = (Vec::new(), Vec::new());
    for (i, id) in ids.iter().enumerate() {
        // A read before and after each mutation: reads must always succeed in the end.
        client
            .query_product_orders(QueryProductOrdersParams::new([id.clone()]))
            .await
            .expect("reads are retried until they succeed");
        reads += 1;
        if i % 4 == 3 {
            // Every fourth order is canceled by the seller instead (PAYED: done at once).
            match client.request_cancel(RequestCancelParams::new(id.clone(), enums::CancelRequestReason::SoldOut)).await
            {
                Ok(result) => canceled.extend(result.success_product_order_ids.iter().cloned()),
                Err(error) if error.may_have_been_applied() => maybe.push(("cancel", id.clone())),
                Err(error) => assert!(!matches!(error, NpayError::InvalidRequest(_)), "{error}"),
            }
            continue;
        }
        match client.confirm_product_orders(ConfirmProductOrdersParams::new([id.clone()])).await {
            Ok(result) => {
                confirmed.extend(result.success_product_order_infos.iter().map(|s| s.product_order_id.clone()))
            }
            Err(error) if error.may_have_been_applied() => maybe.push(("confirm", id.clone())),
            Err(error) => assert!(!matches!(error, NpayError::InvalidRequest(_)), "{error}"),
        }
        client
            .list_last_changed_statuses(ListLastChangedStatusesParams::new(now).limit_count(10))
            .await
            .expect("reads succeed");
        reads += 1;
        if confirmed.last() == Some(id) {
            let parcel = DispatchProductOrder {
                product_order_id: id.clone(),
                delivery_method: enums::RequestDeliveryMethod::Delivery,
                delivery_company_code: Some(enums::DeliveryCompanyCode::Cjgls),
                tracking_number: Some(format!("64{}", &id[id.len() - 10..])),
                dispatch_date: now,
            };
            match client.dispatch_product_orders(DispatchProductOrdersParams::new([parcel])).await {
                Ok(result) => dispatched.extend(result.success_product_order_ids.iter().cloned()),
                Err(error) if error.may_have_been_applied() => maybe.push(("dispatch", id.clone())),
                Err(error) => assert!(!matches!(error, NpayError::InvalidRequest(_)), "{error}"),
            }
        }
        if i % 2 == 0 && dispatched.last() == Some(id) {
            // Half of the dispatched parcels come back: the buyer asks, the courier collects,
            // the seller approves the return.
            for event in ["deliver", "request-return", "collect-done"] {
                env.event(id, event).await;
            }
            match client.approve_return(ApproveReturnParams::new(id.clone())).await {
                Ok(result) => returned.extend(result.success_product_order_ids.iter().cloned()),
                Err(error) if error.may_have_been_applied() => maybe.push(("return", id.clone())),
                Err(error) => assert!(!matches!(error, NpayError::InvalidRequest(_)), "{error}"),
            }
        }
    }
    env.faults(Faults::default()).await;

    let state = client.query_product_orders(QueryProductOrdersParams::new(ids.clone())).await.unwrap().into_data();
    let status = |id: &str| {
        state.iter().find(|d| d.product_order.product_order_id == id).map(|d| {
            (
                d.product_order.place_order_status.as_ref().map(|s| s.to_string()),
                d.product_order.product_order_status.as_ref().map(|s| s.to_string()),
            )
        })
    };
    let claim = |id: &str| {
        state
            .iter()
            .find(|d| d.product_order.product_order_id == id)
            .and_then(|d| d.product_order.claim_status.as_ref().map(|s| s.to_string()))
    };
    for id in &ids {
        let (place, order) = status(id).expect("every order is readable");
        let unsettled = |kind: &str| maybe.iter().any(|(k, m)| *k == kind && m == id);
        if !unsettled("confirm") {
            assert_eq!(
                place.as_deref() == Some("OK"),
                confirmed.contains(id),
                "{id}: confirmation reported {} but state is {place:?}",
                confirmed.contains(id)
            );
        }
        if !unsettled("dispatch") {
            // A dispatched parcel may since have been delivered and returned.
            let shipped = matches!(order.as_deref(), Some("DELIVERING" | "DELIVERED" | "RETURNED"));
            assert_eq!(
                shipped,
                dispatched.contains(id),
                "{id}: dispatch reported {} but state is {order:?}",
                dispatched.contains(id)
            );
        }
        if !unsettled("cancel") {
            assert_eq!(
                order.as_deref() == Some("CANCELED"),
                canceled.contains(id),
                "{id}: cancellation reported {} but state is {order:?}",
                canceled.contains(id)
            );
        }
        if !unsettled("return") {
            let done = claim(id).as_deref() == Some("RETURN_DONE");
            assert_eq!(
                done,
                returned.contains(id),
                "{id}: return approval reported {} but claim is {:?}",
                returned.contains(id),
                claim(id)
            );
        }
    }
    let stats = env.stats().await;
    let unsettled_applied =
        |kind: &str, field: &dyn Fn(&str) -> bool| maybe.iter().filter(|(k, id)| *k == kind && field(id)).count();
    let confirm_maybe = unsettled_applied("confirm", &|id| status(id).unwrap().0.as_deref() == Some("OK"));
    let dispatch_maybe = unsettled_applied("dispatch", &|id| {
        matches!(status(id).unwrap().1.as_deref(), Some("DELIVERING" | "DELIVERED" | "RETURNED"))
    });
    let cancel_maybe = unsettled_applied("cancel", &|id| status(id).unwrap().1.as_deref() == Some("CANCELED"));
    let return_maybe = unsettled_applied("return", &|id| claim(id).as_deref() == Some("RETURN_DONE"));
    assert_eq!(stats.applied("confirmProductOrders") as usize, confirmed.len() + confirm_maybe, "{stats:?}");
    assert_eq!(stats.applied("dispatchProductOrders") as usize, dispatched.len() + dispatch_maybe, "{stats:?}");
    assert_eq!(stats.applied("requestCancel") as usize, canceled.len() + cancel_maybe, "{stats:?}");
    assert_eq!(stats.applied("approveReturn") as usize, returned.len() + return_maybe, "{stats:?}");
    assert!(
        !canceled.is_empty() && !returned.is_empty(),
        "the mix reaches the claims: {} canceled, {} returned",
        canceled.len(),
        returned.len()
    );
    assert!(maybe.len() * 50 <= ids.len() + 50, "ambiguous outcomes are settled by reading the orders: {maybe:?}");
    println!(
        "soak under faults: {} orders, {reads} reads, {} confirmed, {} dispatched, {} canceled, {} returned, {} unsettled; {} requests in all",
        ids.len(),
        confirmed.len(),
        dispatched.len(),
        canceled.len(),
        returned.len(),
        maybe.len(),
        stats.total_requests()
    );
}

#[tokio::test]
async fn a_rate_limited_mutation_is_retried_and_applied_once() {
    let env = Env::start().await;
    let ids = env.paid_orders(1).await;
    env.faults(Faults { server_error_rate: 0.0, rate_limit_rate: 0.5, reset_rate: 0.0, latency_ms: 0, seed: Some(3) })
        .await;
    let client = env.builder().max_retries(10).build().unwrap();
    let result = client.confirm_product_orders(ConfirmProductOrdersParams::new(ids.clone())).await.unwrap();
    assert_eq!(result.success_product_order_infos.len(), 1);
    let stats = env.stats().await;
    assert_eq!(stats.applied("confirmProductOrders"), 1);
}
