//! The order state machine: every allowed and refused transition, with codes.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

const LCS: &str = "/v1/pay-order/mall/product-orders/last-changed-statuses";

/// The change record of `id` (lastChangedType) in the last hour.
async fn last_type(env: &Env, id: &str) -> String {
    let now = chrono::DateTime::parse_from_rfc3339(&env.now_kst().await).unwrap().timestamp_millis();
    let (from, to) = (kst(now - 3_600_000), kst(now + 1));
    let d = env.get(LCS, &[("lastChangedFrom", &from), ("lastChangedTo", &to)]).await.ok().clone();
    let it = d["lastChangeStatuses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["productOrderId"] == id)
        .cloned()
        .unwrap_or(Value::Null);
    it["lastChangedType"].as_str().unwrap_or("").to_string()
}

async fn mutations(env: &Env, op: &str) -> i64 {
    env.stats().await.applied(op) as i64
}

fn dispatch_entry(id: &str, company: Option<&str>, tracking: Option<&str>) -> Value {
    let mut e =
        json!({"productOrderId": id, "deliveryMethod": "DELIVERY", "dispatchDate": "2026-11-27T10:00:00.000+09:00"});
    if let Some(c) = company {
        e["deliveryCompanyCode"] = json!(c);
    }
    if let Some(t) = tracking {
        e["trackingNumber"] = json!(t);
    }
    e
}

fn fail_codes(d: &Value) -> Vec<(String, String)> {
    d["failProductOrderInfos"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["productOrderId"].as_str().unwrap().to_string(), f["code"].as_str().unwrap().to_string()))
        .collect()
}

#[tokio::test]
async fn confirm_moves_payed_orders_to_ok_and_reports_per_item_failures() {
    let env = start().await;
    let a = env.payed().await;
    let (_, w) = env.create(1, "PAYMENT_WAITING", 1).await;
    let r = env.confirm(&[&a, &a, "2000010100000000", &w[0]]).await;
    let d = r.ok();
    assert_eq!(d["successProductOrderInfos"], json!([{"productOrderId": a, "isReceiverAddressChanged": false}]));
    assert_eq!(
        fail_codes(d),
        vec![
            (a.clone(), "104131".into()),
            ("2000010100000000".into(), "100001".into()),
            (w[0].clone(), "104442".into())
        ]
    );
    assert!(d["failProductOrderInfos"][0]["message"].as_str().is_some());
    let det = env.detail(&a).await;
    assert_eq!(det["productOrder"]["placeOrderStatus"], "OK");
    assert!(is_kst(det["productOrder"]["placeOrderDate"].as_str().unwrap()));
    assert_eq!(fail_codes(env.confirm(&[&a]).await.ok()), vec![(a.clone(), "105306".into())]);
    assert_eq!(mutations(&env, "confirmProductOrders").await, 1);
    let many: Vec<String> = (0..31).map(|i| i.to_string()).collect();
    let r = env.post(&format!("{P}/product-orders/confirm"), json!({"productOrderIds": many})).await;
    assert_eq!((r.status, r.code()), (StatusCode::BAD_REQUEST, "4000"));
}

#[tokio::test]
async fn delay_dispatch_sets_reason_and_due_date_once() {
    let env = start().await;
    let a = env.payed().await;
    let now = chrono::DateTime::parse_from_rfc3339(&env.now_kst().await).unwrap().timestamp_millis();
    let due = kst(now + 5 * 86_400_000);
    let body = json!({"dispatchDueDate": due, "delayedDispatchReason": "PRODUCT_PREPARE", "dispatchDelayedDetailedReason": "입고 지연"});
    assert_success(&env.claim(&a, "delay", body.clone()).await, &a);
    let po = env.detail(&a).await["productOrder"].clone();
    assert_eq!(po["delayedDispatchReason"], "PRODUCT_PREPARE");
    assert_eq!(po["delayedDispatchDetailedReason"], "입고 지연");
    assert_eq!(po["shippingDueDate"], due.as_str());
    assert_fail(&env.claim(&a, "delay", body.clone()).await, &a, "105306");
    let b = env.payed().await;
    let past = json!({"dispatchDueDate": kst(now - 1000), "delayedDispatchReason": "ETC"});
    assert_fail(&env.claim(&b, "delay", past).await, &b, "104105");
    let c = env.delivering().await;
    assert_fail(&env.claim(&c, "delay", body.clone()).await, &c, "104442");
    let r = env.claim(&b, "delay", json!({"dispatchDueDate": due})).await;
    assert_eq!((r.status, r.invalid_names()), (StatusCode::BAD_REQUEST, vec!["delayedDispatchReason".to_string()]));
    let r = env.claim("2000010100000000", "delay", body).await;
    assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, "100001"));
    assert_eq!(mutations(&env, "delayDispatch").await, 1);
}

#[tokio::test]
async fn dispatch_checks_courier_tracking_duplicates_and_place_order_status() {
    let env = start().await;
    let (_, ids) = env.create(8, "PAYED", 1).await;
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    env.confirm(&refs[..7]).await.ok();
    let (_, w) = env.create(1, "PAYMENT_WAITING", 1).await;
    let entries = json!([
        dispatch_entry(&ids[0], Some("CJGLS"), Some("612345678901")),
        dispatch_entry(&ids[1], None, Some("612345678902")),
        {"productOrderId": ids[2], "deliveryMethod": "RETURN_DELIVERY", "deliveryCompanyCode": "CJGLS", "trackingNumber": "612345678903", "dispatchDate": "2026-11-27T10:00:00.000+09:00"},
        dispatch_entry(&ids[3], Some("HANJIN"), None),
        dispatch_entry(&ids[4], Some("HANJIN"), Some("12-3")),
        dispatch_entry(&ids[5], Some("CJGLS"), Some("6123-4567-8901")),
        dispatch_entry(&ids[0], Some("CJGLS"), Some("612345678909")),
        {"productOrderId": ids[6], "deliveryMethod": "NOTHING", "dispatchDate": "2026-11-27T10:00:00.000+09:00"},
        dispatch_entry(&ids[7], Some("CJGLS"), Some("612345678907")),
        dispatch_entry(&w[0], Some("CJGLS"), Some("612345678908")),
    ]);
    let r = env.post(&format!("{P}/product-orders/dispatch"), json!({"dispatchProductOrders": entries})).await;
    let d = r.ok();
    assert_eq!(d["successProductOrderIds"], json!([ids[0], ids[6]]));
    assert_eq!(
        fail_codes(d),
        vec![
            (ids[1].clone(), "104118".into()),
            (ids[2].clone(), "104116".into()),
            (ids[3].clone(), "104120".into()),
            (ids[4].clone(), "104122".into()),
            (ids[5].clone(), "104121".into()),
            (ids[0].clone(), "104131".into()),
            (ids[7].clone(), "104443".into()),
            (w[0].clone(), "104442".into()),
        ]
    );
    assert_eq!(mutations(&env, "dispatchProductOrders").await, 2);
    // A courier code outside the spec's DeliveryCompanyCode is a 400, not a fail item.
    let r = env
        .post(
            &format!("{P}/product-orders/dispatch"),
            json!({"dispatchProductOrders": [dispatch_entry(&ids[2], Some("LOTTE"), Some("612345678903"))]}),
        )
        .await;
    assert_eq!(r.invalid_names(), vec!["dispatchProductOrders[0].deliveryCompanyCode"]);
    let info = env.detail(&ids[0]).await;
    assert_eq!(info["productOrder"]["productOrderStatus"], "DELIVERING");
    assert_eq!(info["delivery"]["deliveryMethod"], "DELIVERY");
    assert_eq!(info["delivery"]["deliveryCompany"], "CJGLS");
    assert_eq!(info["delivery"]["trackingNumber"], "612345678901");
    assert_eq!(info["delivery"]["deliveryStatus"], "DELIVERING");
    assert_eq!(info["delivery"]["sendDate"], "2026-11-27T10:00:00.000+09:00");
    assert_eq!(last_type(&env, &ids[0]).await, "DISPATCHED");
    let again = json!({"dispatchProductOrders": [dispatch_entry(&ids[0], Some("CJGLS"), Some("612345678901"))]});
    let d = env.post(&format!("{P}/product-orders/dispatch"), again).await.ok().clone();
    assert_eq!(fail_codes(&d), vec![(ids[0].clone(), "105306".into())]);
}

#[tokio::test]
async fn product_orders_of_one_order_may_share_a_tracking_number() {
    let env = start().await;
    let (_, ids) = env.create(1, "PAYED", 2).await;
    env.confirm(&[&ids[0], &ids[1]]).await.ok();
    let entries = json!([
        dispatch_entry(&ids[0], Some("KGB"), Some("40012345678")),
        dispatch_entry(&ids[1], Some("KGB"), Some("40012345678")),
    ]);
    let d =
        env.post(&format!("{P}/product-orders/dispatch"), json!({"dispatchProductOrders": entries})).await.ok().clone();
    assert_eq!(d["successProductOrderIds"].as_array().unwrap().len(), 2, "{d}");
}

#[tokio::test]
async fn dispatch_body_validation_is_400_not_a_fail_item() {
    let env = start().await;
    let path = format!("{P}/product-orders/dispatch");
    let a = env.payed().await;
    let many: Vec<Value> = (0..31).map(|_| dispatch_entry(&a, Some("CJGLS"), Some("612345678901"))).collect();
    let r = env.post(&path, json!({"dispatchProductOrders": many})).await;
    assert_eq!((r.status, r.invalid_names()), (StatusCode::BAD_REQUEST, vec!["dispatchProductOrders".to_string()]));
    // UNKNOWN is read-side only (not in RequestDeliveryMethod): a 400.
    let mut bad = dispatch_entry(&a, Some("CJGLS"), Some("612345678901"));
    bad["deliveryMethod"] = json!("UNKNOWN");
    let r = env.post(&path, json!({"dispatchProductOrders": [bad]})).await;
    assert_eq!(r.invalid_names(), vec!["dispatchProductOrders[0].deliveryMethod"]);
    // null is not "absent": no body field is nullable.
    let mut bad = dispatch_entry(&a, Some("CJGLS"), Some("612345678901"));
    bad["trackingNumber"] = Value::Null;
    let r = env.post(&path, json!({"dispatchProductOrders": [bad]})).await;
    assert_eq!(r.invalid_names(), vec!["dispatchProductOrders[0].trackingNumber"]);
    // A RETURN_* method is schema-valid: it fails the item (104116), it is not a 400.
    let mut ret = dispatch_entry(&a, Some("CJGLS"), Some("612345678901"));
    ret["deliveryMethod"] = json!("RETURN_DELIVERY");
    let r = env.post(&path, json!({"dispatchProductOrders": [ret]})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["data"]["failProductOrderInfos"][0]["code"], "104116");
    // An id that is not one is simply unknown (100001), whatever it looks like.
    let r = env
        .post(&path, json!({"dispatchProductOrders": [dispatch_entry(" ", Some("CJGLS"), Some("612345678901"))]}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["data"]["failProductOrderInfos"][0]["code"], "100001");
    let r = env.post(&path, json!({"dispatchProductOrders": [{"productOrderId": a}]})).await;
    assert_eq!(
        r.invalid_names(),
        vec!["dispatchProductOrders[0].deliveryMethod", "dispatchProductOrders[0].dispatchDate"]
    );
    assert_eq!(mutations(&env, "dispatchProductOrders").await, 0);
}

#[tokio::test]
async fn dispatch_rejects_a_buyer_cancel_request_and_ships() {
    let env = start().await;
    let a = env.payed().await;
    env.confirm(&[&a]).await.ok();
    env.event_ok(&a, "request-cancel").await;
    assert_eq!(env.status_of(&a).await, ("PAYED".into(), Some("CANCEL_REQUEST".into())));
    assert_eq!(env.detail(&a).await["currentClaim"]["cancel"]["claimStatus"], "CANCEL_REQUEST");
    assert_eq!(last_type(&env, &a).await, "CLAIM_REQUESTED");
    let r = env.dispatch_one(&a, "612399998888").await;
    assert_eq!(r.ok()["successProductOrderIds"], json!([a]));
    let info = env.detail(&a).await;
    assert_eq!(info["productOrder"]["productOrderStatus"], "DELIVERING");
    assert_eq!(info["productOrder"]["claimStatus"], "CANCEL_REJECT");
    assert!(info.get("currentClaim").is_none());
    assert_eq!(info["completedClaims"][0]["claimType"], "CANCEL");
    assert_eq!(info["completedClaims"][0]["claimStatus"], "CANCEL_REJECT");
    assert_eq!(last_type(&env, &a).await, "DISPATCHED");
}

#[tokio::test]
async fn seller_cancel_on_payed_completes_at_once() {
    let env = start().await;
    let a = env.payed().await;
    let body = json!({"cancelReason": "SOLD_OUT", "cancelDetailedReason": "재고 소진"});
    assert_success(&env.claim(&a, "claim/cancel/request", body.clone()).await, &a);
    let info = env.detail(&a).await;
    assert_eq!(info["productOrder"]["productOrderStatus"], "CANCELED");
    assert_eq!(info["productOrder"]["claimType"], "CANCEL");
    assert_eq!(info["productOrder"]["claimStatus"], "CANCEL_DONE");
    assert_eq!(info["productOrder"]["remainQuantity"], 0);
    let c = &info["completedClaims"][0];
    assert_eq!((c["claimStatus"].as_str(), c["claimRequestReason"].as_str()), (Some("CANCEL_DONE"), Some("SOLD_OUT")));
    assert_eq!(c["requestChannel"], "판매자");
    assert!(info["order"]["ordererTel"].as_str().unwrap().contains("****"), "closed deals are masked");
    assert_eq!(last_type(&env, &a).await, "CLAIM_COMPLETED");
    assert_fail(&env.claim(&a, "claim/cancel/request", body.clone()).await, &a, "105306");
    let d = env.delivering().await;
    assert_fail(&env.claim(&d, "claim/cancel/request", body.clone()).await, &d, "104442");
    let (_, w) = env.create(1, "PAYMENT_WAITING", 1).await;
    assert_fail(&env.claim(&w[0], "claim/cancel/request", body.clone()).await, &w[0], "104442");
    assert_eq!(mutations(&env, "requestCancel").await, 1);
}

#[tokio::test]
async fn cancel_request_body_is_validated() {
    let env = start().await;
    let a = env.create(1, "PAYED", 1).await.1.remove(0);
    for (body, name) in [
        (json!({}), "cancelReason"),
        (json!({"cancelReason": "BROKEN"}), "cancelReason"),
        (json!({"cancelReason": 3}), "cancelReason"),
        (json!({"cancelReason": "SOLD_OUT", "cancelDetailedReason": "가".repeat(501)}), "cancelDetailedReason"),
        (json!({"cancelReason": "SOLD_OUT", "cancelQuantity": 0}), "cancelQuantity"),
        (json!({"cancelReason": "SOLD_OUT", "cancelQuantity": 3_000_000_000_i64}), "cancelQuantity"),
        (json!({"cancelReason": "SOLD_OUT", "cancelQuantity": null}), "cancelQuantity"),
    ] {
        let r = env.claim(&a, "claim/cancel/request", body.clone()).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{body}: {}", r.body);
        assert_eq!(r.invalid_names(), vec![name.to_string()], "{body}");
    }
    // Schema-valid quantities the sandbox cannot emulate (more than remains, or a part of it)
    // fail the item with 104133 and change nothing.
    let ordered = env.detail(&a).await["productOrder"]["quantity"].as_i64().unwrap();
    let mut quantities = vec![ordered + 1, 1_000];
    if ordered > 1 {
        quantities.push(ordered - 1);
    }
    for q in quantities {
        let r = env.claim(&a, "claim/cancel/request", json!({"cancelReason": "SOLD_OUT", "cancelQuantity": q})).await;
        assert_eq!(r.status, StatusCode::OK, "{q}: {}", r.body);
        assert_eq!(r.body["data"]["failProductOrderInfos"][0]["code"], "104133", "{q}");
    }
    let r = env.claim("1", "claim/cancel/request", json!({"cancelReason": "SOLD_OUT"})).await;
    assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, "100001"));
    assert_eq!(env.status_of(&a).await.0, "PAYED");
}

#[tokio::test]
async fn buyer_cancel_is_automatic_before_confirmation_and_needs_approval_after() {
    let env = start().await;
    let a = env.payed().await;
    env.event_ok(&a, "request-cancel").await;
    assert_eq!(env.status_of(&a).await, ("CANCELED".into(), Some("CANCEL_DONE".into())));
    let b = env.payed().await;
    env.confirm(&[&b]).await.ok();
    assert_fail(&env.claim(&b, "claim/cancel/approve", json!({})).await, &b, "104442");
    env.event_ok(&b, "request-cancel").await;
    let info = env.detail(&b).await;
    assert_eq!(info["currentClaim"]["cancel"]["requestChannel"], "구매자");
    assert_success(&env.claim(&b, "claim/cancel/approve", json!({})).await, &b);
    let info = env.detail(&b).await;
    assert_eq!(info["productOrder"]["productOrderStatus"], "CANCELED");
    assert_eq!(info["completedClaims"][0]["claimStatus"], "CANCEL_DONE");
    assert!(is_kst(info["completedClaims"][0]["claimRequestAdmissionDate"].as_str().unwrap()));
    assert_eq!(last_type(&env, &b).await, "CLAIM_COMPLETED");
    assert_fail(&env.claim(&b, "claim/cancel/approve", json!({})).await, &b, "105306");
    assert_eq!(mutations(&env, "approveCancel").await, 1);
}

#[tokio::test]
async fn buyer_can_withdraw_a_cancel_request() {
    let env = start().await;
    let a = env.payed().await;
    env.confirm(&[&a]).await.ok();
    env.event_ok(&a, "request-cancel").await;
    env.event_ok(&a, "withdraw-claim").await;
    assert_eq!(env.status_of(&a).await, ("PAYED".into(), Some("CANCEL_REJECT".into())));
    assert_eq!(last_type(&env, &a).await, "CLAIM_REJECTED");
}

#[tokio::test]
async fn return_flow_with_holdback_then_approval() {
    let env = start().await;
    let a = env.delivered().await;
    let req = json!({"returnReason": "BROKEN", "collectDeliveryMethod": "RETURN_DESIGNATED", "collectDeliveryCompany": "CJGLS", "collectTrackingNumber": "D2485799470"});
    assert_success(&env.claim(&a, "claim/return/request", req.clone()).await, &a);
    assert_eq!(env.status_of(&a).await, ("DELIVERED".into(), Some("RETURN_REQUEST".into())));
    assert_eq!(last_type(&env, &a).await, "CLAIM_REQUESTED");
    let ret = env.detail(&a).await["currentClaim"]["return"].clone();
    assert_eq!(ret["returnReason"], "BROKEN");
    assert_eq!(ret["collectTrackingNumber"], "D2485799470");
    assert_eq!(ret["collectStatus"], "COLLECT_WAITING");
    assert!(ret["returnReceiveAddress"]["baseAddress"].is_string());
    assert_fail(&env.claim(&a, "claim/return/request", req.clone()).await, &a, "105306");
    assert_fail(&env.claim(&a, "claim/return/approve", json!({})).await, &a, "104442");
    env.event_ok(&a, "collect-done").await;
    assert_eq!(env.status_of(&a).await.1.as_deref(), Some("COLLECT_DONE"));
    assert_eq!(last_type(&env, &a).await, "COLLECT_DONE");
    let hold = json!({"holdbackClassType": "RETURN_DELIVERYFEE", "holdbackReturnDetailReason": "반품 배송비 미입금", "extraReturnFeeAmount": 3000});
    assert_success(&env.claim(&a, "claim/return/holdback", hold.clone()).await, &a);
    let ret = env.detail(&a).await["currentClaim"]["return"].clone();
    assert_eq!(ret["holdbackStatus"], "HOLDBACK");
    assert_eq!(ret["holdbackReason"], "RETURN_DELIVERYFEE");
    assert_eq!(ret["etcFeeDemandAmount"], 3000);
    assert_fail(&env.claim(&a, "claim/return/holdback", hold.clone()).await, &a, "105306");
    assert_fail(&env.claim(&a, "claim/return/approve", json!({})).await, &a, "104442");
    assert_fail(&env.claim(&a, "claim/return/reject", json!({"rejectReturnReason": "x"})).await, &a, "104442");
    assert_success(&env.claim(&a, "claim/return/holdback/release", json!({})).await, &a);
    assert_eq!(env.detail(&a).await["currentClaim"]["return"]["holdbackStatus"], "RELEASED");
    assert_fail(&env.claim(&a, "claim/return/holdback/release", json!({})).await, &a, "105306");
    assert_success(&env.claim(&a, "claim/return/approve", json!({})).await, &a);
    let info = env.detail(&a).await;
    assert_eq!(info["productOrder"]["productOrderStatus"], "RETURNED");
    assert_eq!(info["productOrder"]["claimStatus"], "RETURN_DONE");
    assert_eq!(info["completedClaims"][0]["claimType"], "RETURN");
    assert_eq!(last_type(&env, &a).await, "CLAIM_COMPLETED");
    assert_fail(&env.claim(&a, "claim/return/approve", json!({})).await, &a, "105306");
    for op in ["requestReturn", "approveReturn", "holdbackReturn", "releaseReturnHoldback"] {
        assert_eq!(mutations(&env, op).await, 1, "{op}");
    }
}

#[tokio::test]
async fn rejecting_a_return_restores_the_previous_status() {
    let env = start().await;
    let a = env.delivering().await;
    env.event_ok(&a, "request-return").await;
    assert_success(&env.claim(&a, "claim/return/reject", json!({"rejectReturnReason": "사용 흔적"})).await, &a);
    let info = env.detail(&a).await;
    assert_eq!(info["productOrder"]["productOrderStatus"], "DELIVERING");
    assert_eq!(info["productOrder"]["claimStatus"], "RETURN_REJECT");
    assert_eq!(info["completedClaims"][0]["claimStatus"], "RETURN_REJECT");
    assert_eq!(last_type(&env, &a).await, "CLAIM_REJECTED");
    assert_fail(&env.claim(&a, "claim/return/reject", json!({"rejectReturnReason": "x"})).await, &a, "105306");
    let hold = json!({"holdbackClassType": "ETC", "holdbackReturnDetailReason": "확인 중"});
    assert_fail(&env.claim(&a, "claim/return/holdback", hold).await, &a, "104442");
    // The buyer may ask again.
    env.event_ok(&a, "request-return").await;
    assert_eq!(env.status_of(&a).await.1.as_deref(), Some("RETURN_REQUEST"));
}

#[tokio::test]
async fn returns_need_a_dispatched_order() {
    let env = start().await;
    let a = env.payed().await;
    let req = json!({"returnReason": "INTENT_CHANGED", "collectDeliveryMethod": "RETURN_DELIVERY"});
    assert_fail(&env.claim(&a, "claim/return/request", req).await, &a, "104442");
    assert_eq!(env.event(&a, "request-return").await.status, StatusCode::CONFLICT);
    for (body, name) in [
        (json!({"collectDeliveryMethod": "RETURN_DELIVERY"}), "returnReason"),
        (json!({"returnReason": "SOLD_OUT"}), "collectDeliveryMethod"),
        (json!({"returnReason": "SIMPLE_INTENT_CHANGED", "collectDeliveryMethod": "RETURN_DELIVERY"}), "returnReason"),
        (
            json!({"returnReason": "BROKEN", "collectDeliveryMethod": "DELIVERY", "collectDeliveryCompany": "LOTTE"}),
            "collectDeliveryCompany",
        ),
    ] {
        let r = env.claim(&a, "claim/return/request", body.clone()).await;
        assert_eq!(r.invalid_names(), vec![name.to_string()], "{body}");
    }
}

#[tokio::test]
async fn exchange_flow_collect_holdback_redeliver_and_deliver() {
    let env = start().await;
    let a = env.delivered().await;
    assert_fail(&env.claim(&a, "claim/exchange/collect/complete", json!({})).await, &a, "104442");
    let redeliver = json!({"reDeliveryMethod": "DELIVERY", "reDeliveryCompany": "CJGLS", "reDeliveryTrackingNumber": "777712345678"});
    assert_fail(&env.claim(&a, "claim/exchange/dispatch", redeliver.clone()).await, &a, "104417");
    env.event_ok(&a, "request-exchange").await;
    assert_eq!(env.status_of(&a).await, ("DELIVERED".into(), Some("EXCHANGE_REQUEST".into())));
    assert_eq!(last_type(&env, &a).await, "CLAIM_REQUESTED");
    assert_fail(&env.claim(&a, "claim/exchange/dispatch", redeliver.clone()).await, &a, "104417");
    assert_success(&env.claim(&a, "claim/exchange/collect/complete", json!({})).await, &a);
    assert_eq!(last_type(&env, &a).await, "COLLECT_DONE");
    assert_fail(&env.claim(&a, "claim/exchange/collect/complete", json!({})).await, &a, "105306");
    let hold = json!({"holdbackClassType": "EXCHANGE_DELIVERYFEE", "holdbackExchangeDetailReason": "교환 배송비 청구", "extraExchangeFeeAmount": 6000});
    assert_success(&env.claim(&a, "claim/exchange/holdback", hold.clone()).await, &a);
    assert_fail(&env.claim(&a, "claim/exchange/dispatch", redeliver.clone()).await, &a, "104442");
    assert_fail(&env.claim(&a, "claim/exchange/reject", json!({"rejectExchangeReason": "x"})).await, &a, "104442");
    assert_success(&env.claim(&a, "claim/exchange/holdback/release", json!({})).await, &a);
    let missing = json!({"reDeliveryMethod": "DELIVERY", "reDeliveryCompany": "CJGLS"});
    assert_fail(&env.claim(&a, "claim/exchange/dispatch", missing).await, &a, "104120");
    assert_success(&env.claim(&a, "claim/exchange/dispatch", redeliver.clone()).await, &a);
    let ex = env.detail(&a).await["currentClaim"]["exchange"].clone();
    assert_eq!(ex["claimStatus"], "EXCHANGE_REDELIVERING");
    assert_eq!(ex["reDeliveryTrackingNumber"], "777712345678");
    assert_eq!(last_type(&env, &a).await, "CLAIM_REDELIVERING");
    assert_fail(&env.claim(&a, "claim/exchange/dispatch", redeliver).await, &a, "105306");
    assert_fail(&env.claim(&a, "claim/exchange/reject", json!({"rejectExchangeReason": "x"})).await, &a, "104442");
    env.event_ok(&a, "deliver").await;
    let info = env.detail(&a).await;
    assert_eq!(info["productOrder"]["productOrderStatus"], "EXCHANGED");
    assert_eq!(info["productOrder"]["claimStatus"], "EXCHANGE_DONE");
    assert_eq!(info["beforeClaim"]["exchange"]["claimStatus"], "EXCHANGE_DONE");
    assert_eq!(last_type(&env, &a).await, "CLAIM_COMPLETED");
    env.event_ok(&a, "decide-purchase").await;
    assert_eq!(last_type(&env, &a).await, "PURCHASE_DECIDED");
    for op in ["completeExchangeCollect", "holdbackExchange", "releaseExchangeHoldback", "redeliverExchange"] {
        assert_eq!(mutations(&env, op).await, 1, "{op}");
    }
}

#[tokio::test]
async fn rejecting_an_exchange_restores_the_previous_status() {
    let env = start().await;
    let a = env.delivered().await;
    env.event_ok(&a, "request-exchange").await;
    env.event_ok(&a, "collect-done").await;
    assert_success(&env.claim(&a, "claim/exchange/reject", json!({"rejectExchangeReason": "교환 불가"})).await, &a);
    assert_eq!(env.status_of(&a).await, ("DELIVERED".into(), Some("EXCHANGE_REJECT".into())));
    assert_eq!(last_type(&env, &a).await, "CLAIM_REJECTED");
    assert_fail(&env.claim(&a, "claim/exchange/reject", json!({"rejectExchangeReason": "x"})).await, &a, "105306");
    let r = env.claim(&a, "claim/exchange/reject", json!({"rejectExchangeReason": ""})).await;
    assert_eq!(r.invalid_names(), vec!["rejectExchangeReason"]);
    let r = env
        .claim(
            &a,
            "claim/exchange/holdback",
            json!({"holdbackClassType": "NOPE", "holdbackExchangeDetailReason": "x", "extraExchangeFeeAmount": -1}),
        )
        .await;
    assert_eq!(r.invalid_names(), vec!["holdbackClassType", "extraExchangeFeeAmount"]);
}

#[tokio::test]
async fn payment_delivery_and_decision_events_follow_the_normal_flow() {
    let env = start().await;
    let (_, ids) = env.create(1, "PAYMENT_WAITING", 2).await;
    assert_eq!(last_type(&env, &ids[0]).await, "PAY_WAITING");
    let info = env.detail(&ids[0]).await;
    assert_eq!(info["order"]["paymentMeans"], "무통장입금");
    assert!(is_kst(info["order"]["paymentDueDate"].as_str().unwrap()));
    let r = env.event(&ids[0], "pay").await;
    assert_eq!(r.body["affectedProductOrderIds"], json!(ids));
    assert_eq!(last_type(&env, &ids[1]).await, "PAYED");
    assert_eq!(env.event(&ids[1], "pay").await.status, StatusCode::CONFLICT);
    assert_eq!(env.event(&ids[0], "deliver").await.status, StatusCode::CONFLICT);
    assert_eq!(env.event(&ids[0], "decide-purchase").await.status, StatusCode::CONFLICT);
    let d = env.delivering().await;
    env.event_ok(&d, "deliver").await;
    let info = env.detail(&d).await;
    assert_eq!(info["productOrder"]["productOrderStatus"], "DELIVERED");
    assert_eq!(info["delivery"]["deliveryStatus"], "DELIVERY_COMPLETION");
    assert_eq!(last_type(&env, &d).await, "DISPATCHED", "delivery itself has no lastChangedType");
    env.event_ok(&d, "decide-purchase").await;
    assert_eq!(env.status_of(&d).await.0, "PURCHASE_DECIDED");
    let r = env.event(&d, "decide-purchase").await;
    assert_eq!((r.status, r.code()), (StatusCode::CONFLICT, "105306"));
    assert!(r.body["message"].as_str().unwrap().contains("PURCHASE_DECIDED"));
}

#[tokio::test]
async fn control_events_reject_unknown_events_and_ids() {
    let env = start().await;
    let a = env.payed().await;
    let r = env.event(&a, "teleport").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = env.event("404", "pay").await;
    assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, "100001"));
    let r = env.event(&a, "collect-done").await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body["traceId"].is_string());
    let r = env.event(&a, "withdraw-claim").await;
    assert_eq!(r.status, StatusCode::CONFLICT);
}
