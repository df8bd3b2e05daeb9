//! Confirm and dispatch take 30 items per request: longer lists are split and merged, and if a
//! later request fails the items it carried are reported, not lost.

mod support;

use npay_order::ops::{ConfirmProductOrdersParams, DispatchProductOrdersParams};
use npay_order::types::DispatchProductOrder;
use npay_order::{Timestamp, enums};
use support::Env;

#[tokio::test]
async fn confirming_seventy_orders_takes_three_requests_and_one_merged_result() {
    let env = Env::start().await;
    let ids = env.paid_orders(70).await;
    let client = env.client();
    let result = client.confirm_product_orders(ConfirmProductOrdersParams::new(ids.clone())).await.unwrap();
    assert_eq!(result.success_product_order_infos.len(), 70);
    assert!(result.fail_product_order_infos.is_empty());
    let stats = env.stats().await;
    assert_eq!(stats.requests_of("confirmProductOrders"), 3);
    assert_eq!(stats.applied("confirmProductOrders"), 70);
}

#[tokio::test]
async fn dispatching_forty_orders_reports_per_item_failures_in_one_result() {
    let env = Env::start().await;
    let ids = env.paid_orders(40).await;
    let client = env.client();
    // Confirm all but the last: it must come back as a failure item (발주 확인 required).
    client.confirm_product_orders(ConfirmProductOrdersParams::new(ids[..39].to_vec())).await.unwrap();
    let now = Timestamp::from_utc_in_kst(chrono::Utc::now());
    let items: Vec<DispatchProductOrder> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| DispatchProductOrder {
            product_order_id: id.clone(),
            delivery_method: enums::RequestDeliveryMethod::Delivery,
            delivery_company_code: Some(enums::DeliveryCompanyCode::Cjgls),
            tracking_number: Some(format!("6400{:08}", i)),
            dispatch_date: now,
        })
        .collect();
    let result = client.dispatch_product_orders(DispatchProductOrdersParams::new(items)).await.unwrap();
    assert_eq!(result.success_product_order_ids.len(), 39);
    assert_eq!(result.fail_product_order_infos.len(), 1);
    assert_eq!(result.fail_product_order_infos[0].product_order_id, ids[39]);
    assert_eq!(env.stats().await.requests_of("dispatchProductOrders"), 2);
}
