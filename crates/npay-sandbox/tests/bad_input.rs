//! Bad input never panics and never answers 5xx.

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::json;

async fn raw(env: &Env, method: Method, path: &str, content_type: Option<&str>, body: Vec<u8>) -> Resp {
    let mut rb = env.http.request(method, env.url(path)).bearer_auth(&env.token).body(body);
    if let Some(ct) = content_type {
        rb = rb.header("Content-Type", ct);
    }
    to_resp(rb.send().await.unwrap()).await
}

#[tokio::test]
async fn malformed_json_is_400_with_invalid_inputs() {
    let env = start().await;
    let path = format!("{P}/product-orders/query");
    for (body, typ) in [
        (&b"{\"productOrderIds\": ["[..], "HttpMessageNotReadable"),
        (b"[1,2]", "typeMismatch"),
        (b"", "NotNull"),
        (b"\"text\"", "typeMismatch"),
    ] {
        let r = raw(&env, Method::POST, &path, Some("application/json"), body.to_vec()).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{:?}", String::from_utf8_lossy(body));
        assert_eq!(r.code(), "4000");
        assert_eq!(r.body["invalidInputs"][0]["name"], "body");
        assert_eq!(r.body["invalidInputs"][0]["type"], typ);
        assert!(r.body["traceId"].is_string() && r.body["timestamp"].as_str().is_some_and(is_kst));
    }
}

#[tokio::test]
async fn wrong_types_and_missing_fields_are_named() {
    let env = start().await;
    let path = format!("{P}/product-orders/query");
    let r = env.post(&path, json!({"productOrderIds": [1, "2", null, ""]})).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.invalid_names(), vec!["productOrderIds[0]", "productOrderIds[2]", "productOrderIds[3]"]);
    let r = env.post(&path, json!({"productOrderIds": "123"})).await;
    assert_eq!(r.body["invalidInputs"][0]["type"], "typeMismatch");
    let r = env.post(&path, json!({"productOrderIds": []})).await;
    assert_eq!(r.body["invalidInputs"][0]["type"], "Size");
    let r = env.post(&path, json!({"ids": ["1"]})).await;
    assert_eq!(r.invalid_names(), vec!["productOrderIds"]);
    let r = env.post(&path, json!({"productOrderIds": ["1"], "quantityClaimCompatibility": "yes"})).await;
    assert_eq!(r.invalid_names(), vec!["quantityClaimCompatibility"]);
}

#[tokio::test]
async fn non_json_content_type_is_415() {
    let env = start().await;
    let r = raw(&env, Method::POST, &format!("{P}/product-orders/confirm"), Some("text/plain"), b"{}".to_vec()).await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(r.body["code"].is_string());
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let env = start().await;
    let big = vec![b' '; 2 << 20];
    let r = raw(&env, Method::POST, &format!("{P}/product-orders/query"), Some("application/json"), big).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn garbage_on_every_operation_is_answered_below_500() {
    let env = start().await;
    let a = env.payed().await;
    let paths = [
        (Method::GET, format!("{P}/product-orders/last-changed-statuses")),
        (Method::POST, format!("{P}/product-orders/query")),
        (Method::GET, format!("{P}/orders/%FF%FE/product-order-ids")),
        (Method::GET, format!("{P}/product-orders")),
        (Method::POST, format!("{P}/product-orders/confirm")),
        (Method::POST, format!("{P}/product-orders/dispatch")),
        (Method::GET, format!("{P}/reviews")),
    ];
    let ids = [a.as_str(), "x", "%00", "9999999999999999999999"];
    let tails = [
        "delay",
        "claim/cancel/request",
        "claim/cancel/approve",
        "claim/return/request",
        "claim/return/approve",
        "claim/return/reject",
        "claim/return/holdback",
        "claim/return/holdback/release",
        "claim/exchange/collect/complete",
        "claim/exchange/dispatch",
        "claim/exchange/reject",
        "claim/exchange/holdback",
        "claim/exchange/holdback/release",
    ];
    let mut all: Vec<(Method, String)> = paths.to_vec();
    for id in ids {
        for t in tails {
            all.push((Method::POST, format!("{P}/product-orders/{id}/{t}")));
        }
    }
    let bodies: Vec<Vec<u8>> = vec![
        b"".to_vec(),
        b"null".to_vec(),
        b"{".to_vec(),
        b"[]".to_vec(),
        vec![0xff, 0xfe, 0x00],
        r#"{"productOrderIds":[{"a":1}],"dispatchProductOrders":[1,null,{"deliveryMethod":7}],"cancelReason":{},"returnReason":[],"collectDeliveryMethod":"","holdbackClassType":"ETC","holdbackReturnDetailReason":9,"extraReturnFeeAmount":1.5,"dispatchDueDate":"2026-13-45T99:00:00Z","delayedDispatchReason":"ETC","reDeliveryMethod":"DELIVERY","reDeliveryCompany":"GS더프레시","reDeliveryTrackingNumber":"-","rejectReturnReason":"   "}"#.as_bytes().to_vec(),
        br#"{"cancelQuantity": 1e400, "returnQuantity": -0.0}"#.to_vec(),
    ];
    let queries = [
        "",
        "lastChangedFrom=%ZZ&lastChangedTo=&limitCount=99999999999999999999",
        "from=2026-01-01T00:00:00Z&rangeType=PAYED_DATETIME&page=-1&pageSize=1e3&productOrderStatuses=,,,",
        "inquiryTimeFrom=2026-01-01T00:00:00Z&inquiryTimeTo=2025-01-01T00:00:00Z&page=99999999999",
        "moreSequence=99999999999999999999&lastChangedFrom=2026-01-01T00:00:00%2B09:00",
    ];
    let mut checked = 0;
    for (method, path) in &all {
        for body in &bodies {
            for q in queries {
                let url = if q.is_empty() { path.clone() } else { format!("{path}?{q}") };
                let r = raw(&env, method.clone(), &url, Some("application/json"), body.clone()).await;
                assert!(
                    r.status.as_u16() < 500,
                    "{method} {url} {:?}: {} {}",
                    String::from_utf8_lossy(body),
                    r.status,
                    r.body
                );
                assert!(r.body.is_object(), "{url}: {}", r.body);
                checked += 1;
            }
        }
    }
    assert!(checked > 1500);
}

#[tokio::test]
async fn control_api_rejects_bad_input_with_400() {
    let env = start().await;
    for body in [
        json!({"count": 0}),
        json!({"count": "five"}),
        json!({"status": "DELIVERED"}),
        json!({"productsPerOrder": 100}),
    ] {
        let r = env.ctl(Method::POST, "orders", Some(body.clone())).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{body}");
    }
    for body in [json!({}), json!({"advanceSeconds": -5}), json!({"advanceSeconds": "1h"})] {
        let r = env.ctl(Method::POST, "clock", Some(body.clone())).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{body}");
    }
    let r = to_resp(
        env.http
            .post(env.url("/_sandbox/orders"))
            .header("Content-Type", "application/json")
            .body("{nope")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let a = env.payed().await;
    let r = env
        .ctl(Method::POST, &format!("product-orders/{a}/events/request-cancel"), Some(json!({"reason": "NOPE"})))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    // Defaults: one PAYED order with one product order.
    let r = env.ctl(Method::POST, "orders", None).await;
    assert_eq!(r.body["productOrderIds"].as_array().unwrap().len(), 1);
}

/// What the spec allows is never a 400: business rules answer per item (or 404 for an unknown
/// path id), as the real API does. What it forbids (`null`, `""` ids) is a 400.
#[tokio::test]
async fn schema_valid_requests_are_not_400() {
    let env = start().await;
    let query = format!("{P}/product-orders/query");
    // Odd ids are unknown ids: omitted from query results, 100001 in confirm.
    let r = env.post(&query, json!({"productOrderIds": [" ", "x".repeat(300), "é"]})).await;
    assert_eq!((r.status, r.data().clone()), (StatusCode::OK, json!([])));
    let r = env.confirm(&[" "]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.data()["failProductOrderInfos"][0]["code"], "100001");
    // null is not absent.
    let r = env.post(&query, json!({"productOrderIds": ["1"], "quantityClaimCompatibility": null})).await;
    assert_eq!(r.invalid_names(), vec!["quantityClaimCompatibility"]);
    // Undeclared properties are ignored whatever their type (objects are open).
    let r = env.post(&query, json!({"productOrderIds": ["1"], "": {"a": null}, "returnDetailedReason": 5})).await;
    assert_eq!(r.status, StatusCode::OK);

    // An invalid collection tracking number fails the item (104122).
    let d = env.delivering().await;
    let r = env
        .claim(
            &d,
            "claim/return/request",
            json!({"returnReason": "BROKEN", "collectDeliveryMethod": "RETURN_DESIGNATED",
                   "collectDeliveryCompany": "CJGLS", "collectTrackingNumber": "12",
                   "returnDetailedReason": 7}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_fail(&r, &d, "104122");
    // Fees: any int64 ≥ 0.
    let r = env
        .claim(
            &d,
            "claim/return/request",
            json!({"returnReason": "BROKEN", "collectDeliveryMethod": "RETURN_DESIGNATED"}),
        )
        .await;
    assert_success(&r, &d);
    let r = env
        .claim(
            &d,
            "claim/return/holdback",
            json!({"holdbackClassType": "RETURN_DELIVERYFEE", "holdbackReturnDetailReason": " ",
                   "extraReturnFeeAmount": i64::MAX}),
        )
        .await;
    assert_success(&r, &d);
    assert_eq!(env.detail(&d).await["currentClaim"]["return"]["etcFeeDemandAmount"], json!(i64::MAX));
    let r = env
        .claim(
            &d,
            "claim/return/holdback",
            json!({"holdbackClassType": "RETURN_DELIVERYFEE", "holdbackReturnDetailReason": "x",
                   "extraReturnFeeAmount": -1}),
        )
        .await;
    assert_eq!(r.invalid_names(), vec!["extraReturnFeeAmount"]);
}
