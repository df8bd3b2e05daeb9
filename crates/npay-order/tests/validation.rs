//! Bad input is refused with a typed error naming the input, before anything is sent.

mod support;

use npay_order::ops::*;
use npay_order::{NpayError, Timestamp, enums};
use support::Env;

fn now() -> Timestamp {
    Timestamp::from_utc_in_kst(chrono::Utc::now())
}

fn invalid_names(error: NpayError) -> Vec<String> {
    match error {
        NpayError::InvalidRequest(inputs) => inputs.into_iter().map(|i| i.name).collect(),
        other => panic!("expected InvalidRequest, got {other:?}"),
    }
}

#[tokio::test]
async fn every_bad_input_is_refused_before_sending() {
    let env = Env::start().await;
    let client = env.client();
    let hour_ago = Timestamp::from_millis_kst(now().timestamp_millis() - 3_600_000).unwrap();
    let cases: Vec<(&str, Result<(), NpayError>)> = vec![
        (
            "limitCount",
            client.list_last_changed_statuses(ListLastChangedStatusesParams::new(now()).limit_count(0)).await.map(drop),
        ),
        (
            "limitCount",
            client
                .list_last_changed_statuses(ListLastChangedStatusesParams::new(now()).limit_count(301))
                .await
                .map(drop),
        ),
        (
            "lastChangedTo",
            client
                .list_last_changed_statuses(ListLastChangedStatusesParams::new(now()).last_changed_to(hour_ago))
                .await
                .map(drop),
        ),
        (
            "lastChangedType",
            client
                .list_last_changed_statuses(
                    ListLastChangedStatusesParams::new(now()).last_changed_type("TELEPORTED".into()),
                )
                .await
                .map(drop),
        ),
        (
            "productOrderIds",
            client.query_product_orders(QueryProductOrdersParams::new(Vec::<String>::new())).await.map(drop),
        ),
        (
            "productOrderIds",
            client.confirm_product_orders(ConfirmProductOrdersParams::new(Vec::<String>::new())).await.map(drop),
        ),
        (
            "pageSize",
            client
                .search_product_orders(
                    SearchProductOrdersParams::new(hour_ago, enums::SearchRangeType::PayedDatetime).page_size(301),
                )
                .await
                .map(drop),
        ),
        ("cancelReason", client.request_cancel(RequestCancelParams::new("1", "ETC".into())).await.map(drop)),
        (
            "cancelDetailedReason",
            client
                .request_cancel(
                    RequestCancelParams::new("1", enums::CancelRequestReason::SoldOut)
                        .cancel_detailed_reason("가".repeat(501)),
                )
                .await
                .map(drop),
        ),
        ("rejectReturnReason", client.reject_return(RejectReturnParams::new("1", "")).await.map(drop)),
        (
            "dispatchProductOrders[0].trackingNumber",
            client
                .dispatch_product_orders(DispatchProductOrdersParams::new([npay_order::types::DispatchProductOrder {
                    product_order_id: "1".into(),
                    delivery_method: enums::RequestDeliveryMethod::Delivery,
                    delivery_company_code: Some(enums::DeliveryCompanyCode::Cjgls),
                    tracking_number: None,
                    dispatch_date: now(),
                }]))
                .await
                .map(drop),
        ),
    ];
    for (name, outcome) in cases {
        let names = invalid_names(outcome.expect_err(name));
        assert!(names.iter().any(|n| n == name), "expected {name} among {names:?}");
    }
    let stats = env.stats().await;
    assert_eq!(stats.tokens_issued, 0, "nothing was sent: {stats:?}");
}

#[tokio::test]
async fn json_parameters_with_unknown_or_mistyped_keys_are_refused() {
    let env = Env::start().await;
    let client = env.client();
    for params in [
        serde_json::json!({"productOrderIds": ["1"], "productOrderIdz": 1}),
        serde_json::json!({"productOrderIds": "1"}),
        serde_json::json!({}),
    ] {
        let error = client.call_json("confirmProductOrders", params.clone()).await.unwrap_err();
        assert!(matches!(error, NpayError::InvalidRequest(_)), "{params}: {error:?}");
    }
    assert!(matches!(
        client.call_json("noSuchOperation", serde_json::json!({})).await.unwrap_err(),
        NpayError::InvalidRequest(_)
    ));
    assert_eq!(env.stats().await.tokens_issued, 0);
}

#[tokio::test]
async fn an_unknown_key_inside_a_nested_item_is_refused_before_sending() {
    let env = Env::start().await;
    let client = env.client();
    let params = serde_json::json!({"dispatchProductOrders": [{
        "productOrderId": "1", "deliveryMethod": "DELIVERY", "deliveryCompanyCode": "CJGLS",
        "trackingNumber": "640012345678", "trackingNo": "typo", "dispatchDate": "2026-11-27T10:00:00.000+09:00"
    }]});
    let names = invalid_names(client.call_json("dispatchProductOrders", params).await.unwrap_err());
    assert!(names.iter().any(|n| n.contains("trackingNo")), "{names:?}");
    assert_eq!(env.stats().await.tokens_issued, 0);
}

#[tokio::test]
async fn a_mistyped_json_value_is_refused_with_the_path_of_the_key() {
    let env = Env::start().await;
    let client = env.client();
    let params = serde_json::json!({"dispatchProductOrders": [{
        "productOrderId": "1", "deliveryMethod": "DELIVERY", "dispatchDate": 20261127
    }]});
    let names = invalid_names(client.call_json("dispatchProductOrders", params).await.unwrap_err());
    assert_eq!(names, vec!["dispatchProductOrders[0].dispatchDate".to_owned()]);
}
