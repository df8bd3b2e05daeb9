//! Read operations: last-changed statuses, query, product-order ids, search, reviews, JSON shape.

mod common;

use std::collections::HashSet;

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

const LCS: &str = "/v1/pay-order/mall/product-orders/last-changed-statuses";

fn window(env_now: i64) -> (String, String) {
    (kst(env_now - 3_600_000), kst(env_now + 3_600_000))
}

async fn sandbox_now(env: &Env) -> i64 {
    let r = env.ctl(reqwest::Method::GET, "clock", None).await;
    chrono::DateTime::parse_from_rfc3339(r.body["now"].as_str().unwrap()).unwrap().timestamp_millis()
}

#[tokio::test]
async fn last_changed_statuses_lists_new_orders_with_envelope_and_kst_dates() {
    let env = start().await;
    let (orders, pos) = env.create(2, "PAYED", 2).await;
    let (from, to) = window(sandbox_now(&env).await);
    let r = env.get(LCS, &[("lastChangedFrom", &from), ("lastChangedTo", &to)]).await;
    let d = r.ok();
    assert!(r.body["timestamp"].as_str().is_some_and(is_kst), "{}", r.body);
    assert_eq!(r.body["traceId"].as_str(), r.header("gncp-gw-trace-id"));
    assert_eq!(d["count"], 4);
    assert!(d.get("more").is_none());
    let items = d["lastChangeStatuses"].as_array().unwrap();
    let ids: Vec<&str> = items.iter().map(|i| i["productOrderId"].as_str().unwrap()).collect();
    assert_eq!(ids, pos.iter().map(String::as_str).collect::<Vec<_>>());
    for it in items {
        assert_eq!(it["lastChangedType"], "PAYED");
        assert_eq!(it["productOrderStatus"], "PAYED");
        assert_eq!(it["receiverAddressChanged"], false);
        assert!(orders.contains(&it["orderId"].as_str().unwrap().to_string()));
        assert!(is_kst(it["lastChangedDate"].as_str().unwrap()));
        assert!(is_kst(it["paymentDate"].as_str().unwrap()));
        assert!(it.get("claimType").is_none(), "absent fields are omitted, not null");
    }
}

#[tokio::test]
async fn last_changed_accepts_z_offsets_without_millis_and_defaults_to_24_hours() {
    let env = start().await;
    env.create(1, "PAYMENT_WAITING", 1).await;
    let now = sandbox_now(&env).await;
    let from_z =
        chrono::DateTime::from_timestamp_millis(now - 60_000).unwrap().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let r = env.get(LCS, &[("lastChangedFrom", &from_z)]).await;
    let d = r.ok();
    assert_eq!(d["count"], 1);
    assert_eq!(d["lastChangeStatuses"][0]["lastChangedType"], "PAY_WAITING");
    assert!(d["lastChangeStatuses"][0].get("paymentDate").is_none());
}

#[tokio::test]
async fn paging_through_500_changes_sharing_one_timestamp_drops_and_repeats_nothing() {
    let env = start().await;
    let (_, pos) = env.create(500, "PAYED", 1).await;
    let (from, to) = window(sandbox_now(&env).await);
    let mut seen = Vec::new();
    let mut cursor: Option<(String, String)> = None;
    let mut pages = 0;
    loop {
        let mut q: Vec<(&str, &str)> = vec![("lastChangedTo", &to), ("limitCount", "100")];
        match &cursor {
            Some((f, s)) => {
                q.push(("lastChangedFrom", f));
                q.push(("moreSequence", s));
            }
            None => q.push(("lastChangedFrom", &from)),
        }
        let r = env.get(LCS, &q).await;
        let d = r.ok().clone();
        pages += 1;
        for it in d["lastChangeStatuses"].as_array().unwrap() {
            seen.push(it["productOrderId"].as_str().unwrap().to_string());
        }
        match d.get("more") {
            Some(m) => {
                assert_eq!(d["count"], 100);
                let seq = m["moreSequence"].as_str().unwrap().to_string();
                assert!(seq.len() <= 20);
                cursor = Some((m["moreFrom"].as_str().unwrap().to_string(), seq));
            }
            None => break,
        }
        assert!(pages < 10, "paging does not terminate");
    }
    assert_eq!(pages, 5);
    assert_eq!(seen.len(), 500);
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 500);
    assert_eq!(seen, pos, "ascending by change time, then productOrderId");
}

#[tokio::test]
async fn a_product_order_appears_once_with_its_latest_change() {
    let env = start().await;
    let id = env.payed().await;
    env.confirm(&[&id]).await.ok();
    env.claim(&id, "claim/cancel/request", json!({"cancelReason": "SOLD_OUT"})).await.ok();
    let (from, to) = window(sandbox_now(&env).await);
    let d = env.get(LCS, &[("lastChangedFrom", &from), ("lastChangedTo", &to)]).await.ok().clone();
    assert_eq!(d["count"], 1);
    let it = &d["lastChangeStatuses"][0];
    assert_eq!(it["lastChangedType"], "CLAIM_COMPLETED");
    assert_eq!(it["productOrderStatus"], "CANCELED");
    assert_eq!(it["claimType"], "CANCEL");
    assert_eq!(it["claimStatus"], "CANCEL_DONE");
    // Filter by type.
    let d = env
        .get(LCS, &[("lastChangedFrom", &from), ("lastChangedTo", &to), ("lastChangedType", "PAYED")])
        .await
        .ok()
        .clone();
    assert_eq!(d["count"], 0);
}

#[tokio::test]
async fn last_changed_range_rules_give_104139_or_4000() {
    let env = start().await;
    let from = "2026-11-01T00:00:00.000+09:00";
    let r = env.get(LCS, &[("lastChangedFrom", from), ("lastChangedTo", "2026-11-02T00:00:00.001+09:00")]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.code(), "104139");
    let r = env.get(LCS, &[("lastChangedFrom", from), ("lastChangedTo", "2026-11-02T00:00:00.000+09:00")]).await;
    assert_eq!(r.status, StatusCode::OK, "exactly 24 hours is allowed");
    let r = env.get(LCS, &[("lastChangedFrom", from), ("lastChangedTo", "2026-10-31T23:59:59.999+09:00")]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.code(), "4000");
    assert_eq!(r.invalid_names(), vec!["lastChangedTo"]);
    let r = env.get(LCS, &[]).await;
    assert_eq!((r.status, r.invalid_names()), (StatusCode::BAD_REQUEST, vec!["lastChangedFrom".to_string()]));
    for (k, v) in [
        ("limitCount", "0"),
        ("limitCount", "ten"),
        ("limitCount", "301"),
        ("lastChangedType", "BOGUS"),
        ("moreSequence", "abc"),
    ] {
        let r = env.get(LCS, &[("lastChangedFrom", from), (k, v)]).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{k}={v}");
        assert_eq!(r.invalid_names(), vec![k.to_string()]);
    }
    // Naver caps a larger limitCount to 300; the spec says `maximum: 300` and the SDK refuses
    // larger values before sending, so the sandbox holds clients to the spec.
    let r = env.get(LCS, &[("lastChangedFrom", from), ("limitCount", "1000")]).await;
    assert_eq!((r.status, r.code()), (StatusCode::BAD_REQUEST, "4000"), "limitCount over 300 is refused");
    let r = env.get(LCS, &[("lastChangedFrom", from), ("limitCount", "300")]).await;
    assert_eq!(r.status, StatusCode::OK);
}

#[tokio::test]
async fn an_unencoded_plus_in_a_date_is_rejected_with_a_hint() {
    let env = start().await;
    let url = format!("{}?lastChangedFrom=2026-11-01T00:00:00.000+09:00", env.url(LCS));
    let r = to_resp(env.http.get(url).bearer_auth(&env.token).send().await.unwrap()).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body["invalidInputs"][0]["message"].as_str().unwrap().contains("%2B"), "{}", r.body);
}

#[tokio::test]
async fn query_returns_details_in_request_order_and_omits_unknown_ids() {
    let env = start().await;
    let (_, pos) = env.create(1, "PAYED", 3).await;
    let r = env
        .post(
            &format!("{P}/product-orders/query"),
            json!({"productOrderIds": [pos[2], "9999999999999999", pos[0], pos[2]], "quantityClaimCompatibility": true}),
        )
        .await;
    let d = r.ok().as_array().unwrap().clone();
    let ids: Vec<&str> = d.iter().map(|x| x["productOrder"]["productOrderId"].as_str().unwrap()).collect();
    assert_eq!(ids, vec![pos[2].as_str(), pos[0].as_str()]);
    let ids301: Vec<String> = (0..301).map(|i| format!("{i}")).collect();
    let r = env.post(&format!("{P}/product-orders/query"), json!({"productOrderIds": ids301})).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.invalid_names(), vec!["productOrderIds"]);
    assert_eq!(r.body["invalidInputs"][0]["type"], "Size");
    let ids300: Vec<String> = (0..300).map(|i| format!("{i}")).collect();
    let r = env.post(&format!("{P}/product-orders/query"), json!({"productOrderIds": ids300})).await;
    assert_eq!(r.ok(), &json!([]));
}

#[tokio::test]
async fn product_order_json_has_the_full_shape_and_amounts_add_up() {
    let env = start().await;
    let (orders, pos) = env.create(1, "PAYED", 3).await;
    let infos = env
        .post(&format!("{P}/product-orders/query"), json!({"productOrderIds": pos}))
        .await
        .ok()
        .as_array()
        .unwrap()
        .clone();
    let order = &infos[0]["order"];
    assert_eq!(order["orderId"], orders[0].as_str());
    for k in ["orderDate", "paymentDate"] {
        assert!(is_kst(order[k].as_str().unwrap()), "{k}");
    }
    assert!(order["ordererName"].as_str().unwrap().chars().all(|c| ('가'..='힣').contains(&c)));
    assert!(order["ordererTel"].as_str().unwrap().starts_with("010-"));
    assert_eq!(order["isDeliveryMemoParticularInput"], "false");
    let mut total = 0;
    for info in &infos {
        let po = &info["productOrder"];
        let qty = po["quantity"].as_i64().unwrap();
        let gross = (po["unitPrice"].as_i64().unwrap() + po["optionPrice"].as_i64().unwrap()) * qty;
        assert_eq!(po["totalProductAmount"].as_i64().unwrap(), gross);
        let pay = gross - po["productDiscountAmount"].as_i64().unwrap();
        assert_eq!(po["totalPaymentAmount"].as_i64().unwrap(), pay);
        assert_eq!(
            po["expectedSettlementAmount"].as_i64().unwrap(),
            pay - po["paymentCommission"].as_i64().unwrap() - po["saleCommission"].as_i64().unwrap()
        );
        total += pay + po["deliveryFeeAmount"].as_i64().unwrap();
        assert_eq!(po["productOrderStatus"], "PAYED");
        assert_eq!(po["placeOrderStatus"], "NOT_YET");
        assert_eq!(po["mallId"], "np_sandbox");
        let addr = &po["shippingAddress"];
        let base = addr["baseAddress"].as_str().unwrap();
        assert!(base.starts_with("서울특별시") || base.starts_with("부산광역시"), "{base}");
        assert_eq!(addr["zipCode"].as_str().unwrap().len(), 5);
        assert!(info.get("delivery").is_none() && info.get("currentClaim").is_none());
        assert!(!info.to_string().contains("null"), "no nulls: {info}");
    }
    let paid = order["generalPaymentAmount"].as_i64().unwrap() + order["naverMileagePaymentAmount"].as_i64().unwrap();
    assert_eq!(paid, total);
}

#[tokio::test]
async fn same_seed_generates_the_same_data() {
    let a = start().await;
    let b = start().await;
    let (_, pa) = a.create(3, "PAYED", 2).await;
    let (_, pb) = b.create(3, "PAYED", 2).await;
    assert_eq!(pa, pb);
    let strip = |mut v: Value| {
        v["order"]["orderDate"] = json!(null);
        v["order"]["paymentDate"] = json!(null);
        v["productOrder"]["shippingDueDate"] = json!(null);
        v
    };
    assert_eq!(strip(a.detail(&pa[4]).await), strip(b.detail(&pb[4]).await));
}

#[tokio::test]
async fn product_order_ids_of_an_order_and_404_for_an_unknown_order() {
    let env = start().await;
    let (orders, pos) = env.create(2, "PAYED", 2).await;
    let r = env.get(&format!("{P}/orders/{}/product-order-ids", orders[1]), &[]).await;
    assert_eq!(r.ok(), &json!([pos[2], pos[3]]));
    let r = env.get(&format!("{P}/orders/1234/product-order-ids"), &[]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.code(), "100003");
}

#[tokio::test]
async fn search_filters_by_range_status_and_pages() {
    let env = start().await;
    let (_, pos) = env.create(5, "PAYED", 1).await;
    env.confirm(&[&pos[0], &pos[1]]).await.ok();
    let (from, to) = window(sandbox_now(&env).await);
    let path = format!("{P}/product-orders");
    let base = [("from", from.as_str()), ("to", to.as_str()), ("rangeType", "PAYED_DATETIME")];
    let d = env.get(&path, &base).await.ok().clone();
    assert_eq!(d["contents"].as_array().unwrap().len(), 5);
    assert_eq!(d["pagination"], json!({"page": 1, "size": 300, "hasNext": false}));
    assert_eq!(d["contents"][0]["productOrderId"], pos[0].as_str());
    assert_eq!(d["contents"][0]["content"]["productOrder"]["productOrderId"], pos[0].as_str());
    let mut q = base.to_vec();
    q.push(("placeOrderStatusType", "OK"));
    assert_eq!(env.get(&path, &q).await.ok()["contents"].as_array().unwrap().len(), 2);
    let mut q = base.to_vec();
    q.extend([("pageSize", "2"), ("page", "3")]);
    let d = env.get(&path, &q).await.ok().clone();
    assert_eq!(d["contents"].as_array().unwrap().len(), 1);
    assert_eq!(d["pagination"], json!({"page": 3, "size": 2, "hasNext": false}));
    let mut q = base.to_vec();
    q.extend([("pageSize", "2"), ("page", "1")]);
    assert_eq!(env.get(&path, &q).await.ok()["pagination"]["hasNext"], true);
    // Repeated and comma-separated list parameters.
    let id = env.delivering().await;
    let mut q = base.to_vec();
    q.extend([("productOrderStatuses", "DELIVERING"), ("productOrderStatuses", "CANCELED")]);
    let d = env.get(&path, &q).await.ok().clone();
    assert_eq!(d["contents"].as_array().unwrap().len(), 1);
    assert_eq!(d["contents"][0]["productOrderId"], id.as_str());
    let mut q = base.to_vec();
    q.push(("productOrderStatuses", "PAYED,DELIVERING"));
    assert_eq!(env.get(&path, &q).await.ok()["contents"].as_array().unwrap().len(), 6);
    let mut q = base.to_vec();
    q[2].1 = "DISPATCHED_DATETIME";
    assert_eq!(env.get(&path, &q).await.ok()["contents"].as_array().unwrap().len(), 1);
    let mut q = base.to_vec();
    q.push(("fulfillment", "true"));
    assert_eq!(env.get(&path, &q).await.ok()["contents"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn search_rejects_bad_parameters() {
    let env = start().await;
    let path = format!("{P}/product-orders");
    let from = "2026-11-01T00:00:00.000+09:00";
    let r = env.get(&path, &[("from", from)]).await;
    assert_eq!((r.status, r.invalid_names()), (StatusCode::BAD_REQUEST, vec!["rangeType".to_string()]));
    for (k, v) in [
        ("pageSize", "301"),
        ("pageSize", "0"),
        ("page", "0"),
        ("productOrderStatuses", "PAID"),
        ("claimStatuses", "X"),
        ("fulfillment", "maybe"),
        ("to", "yesterday"),
    ] {
        let r = env.get(&path, &[("from", from), ("rangeType", "ORDERED_DATETIME"), (k, v)]).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{k}={v}: {}", r.body);
        assert_eq!(r.invalid_names(), vec![k.to_string()]);
    }
    let r = env
        .get(&path, &[("from", from), ("to", "2026-11-03T00:00:00.000+09:00"), ("rangeType", "ORDERED_DATETIME")])
        .await;
    assert_eq!(r.code(), "104139");
}

#[tokio::test]
async fn purchase_decided_orders_get_reviews() {
    let env = start().await;
    let a = env.delivered().await;
    let b = env.delivered().await;
    env.event_ok(&a, "decide-purchase").await;
    env.event_ok(&b, "decide-purchase").await;
    let now = sandbox_now(&env).await;
    let from = kst(now - 60_000);
    let r = env.get(&format!("{P}/reviews"), &[("inquiryTimeFrom", &from)]).await;
    let d = r.ok();
    let reviews = d["purchaseReviews"].as_array().unwrap();
    assert_eq!(reviews.len(), 2);
    assert_eq!(reviews[0]["productOrderId"], a.as_str());
    for rv in reviews {
        assert!(rv["purchaseReviewId"].is_string());
        let score = rv["purchaseReviewScore"].as_i64().unwrap();
        assert!((1..=5).contains(&score));
        assert!(["GENERAL", "PREMIUM"].contains(&rv["purchaseReviewClassType"].as_str().unwrap()));
        assert!(rv["writerId"].as_str().unwrap().ends_with("****"));
        assert!(is_kst(rv["createDate"].as_str().unwrap()));
        assert_eq!(rv["mallId"], "np_sandbox");
    }
    assert_eq!(d["pagination"], json!({"page": 1, "size": 300, "hasNext": false}));
    let d = env.get(&format!("{P}/reviews"), &[("inquiryTimeFrom", &from), ("pageSize", "1")]).await.ok().clone();
    assert_eq!(d["pagination"]["hasNext"], true);
    let class = reviews[0]["purchaseReviewClassType"].as_str().unwrap();
    let d = env
        .get(&format!("{P}/reviews"), &[("inquiryTimeFrom", &from), ("purchaseReviewClassType", class)])
        .await
        .ok()
        .clone();
    assert!(d["purchaseReviews"].as_array().unwrap().iter().all(|r| r["purchaseReviewClassType"] == class));
    let r = env.get(&format!("{P}/reviews"), &[("inquiryTimeFrom", &from), ("purchaseReviewClassType", "VIDEO")]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = env.get(&format!("{P}/reviews"), &[]).await;
    assert_eq!(r.invalid_names(), vec!["inquiryTimeFrom"]);
}

#[tokio::test]
async fn absent_fields_can_be_sent_as_null_at_any_depth_and_left_out_again() {
    let env = start().await;
    let (_, pos) = env.create(1, "PAYED", 1).await;
    let (from, to) = window(sandbox_now(&env).await);
    let query = [("lastChangedFrom", from.as_str()), ("lastChangedTo", to.as_str())];
    assert_eq!(env.ctl(reqwest::Method::GET, "absent-fields", None).await.body, json!({"as": "omitted"}));

    let set = env.ctl(reqwest::Method::PUT, "absent-fields", Some(json!({"as": "null"}))).await;
    assert_eq!(set.body, json!({"as": "null"}));
    let r = env.get(LCS, &query).await;
    let d = r.ok();
    assert!(d.as_object().unwrap().get("more").is_some_and(Value::is_null), "the last page's more: {d}");
    let row = d["lastChangeStatuses"][0].as_object().unwrap();
    assert!(row.get("claimType").is_some_and(Value::is_null), "{row:?}");
    assert_eq!(row["productOrderStatus"], "PAYED", "present fields are untouched");
    let detail = env.detail(&pos[0]).await;
    let product_order = detail["productOrder"].as_object().unwrap();
    assert!(product_order.values().any(Value::is_null), "nested objects get nulls too: {product_order:?}");
    assert!(product_order.get("productOrderId").is_some_and(Value::is_string));

    env.ctl(reqwest::Method::PUT, "absent-fields", Some(json!({"as": "omitted"}))).await;
    let r = env.get(LCS, &query).await;
    assert!(r.ok()["lastChangeStatuses"][0].get("claimType").is_none(), "omitted again");
    env.ctl(reqwest::Method::PUT, "absent-fields", Some(json!({"as": "null"}))).await;
    env.ctl(reqwest::Method::POST, "reset", None).await;
    assert_eq!(env.ctl(reqwest::Method::GET, "absent-fields", None).await.body, json!({"as": "omitted"}), "reset");
    let bad = env.ctl(reqwest::Method::PUT, "absent-fields", Some(json!({"as": "sometimes"}))).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);
}
