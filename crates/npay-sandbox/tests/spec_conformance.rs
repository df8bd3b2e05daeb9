//! Every answer of a scenario touching all 26 operations conforms to `openapi/npay-order.yaml`:
//! required fields present, no field the spec does not declare, JSON types, enum values, the KST
//! date-time format and `yyyy-MM-dd` dates. Skipped (with a message) when the spec file is absent.

mod common;

use std::collections::BTreeSet;

use common::*;
use reqwest::Method;
use serde_json::{Value, json};

struct Spec {
    doc: Value,
    problems: BTreeSet<String>,
}

impl Spec {
    fn resolve<'a>(&'a self, mut s: &'a Value) -> &'a Value {
        while let Some(r) = s.get("$ref").and_then(Value::as_str) {
            let mut cur = &self.doc;
            for part in r.trim_start_matches("#/").split('/') {
                cur = &cur[part];
            }
            s = cur;
        }
        s
    }

    fn schema_of(&self, op: &str, status: u16) -> Value {
        for item in self.doc["paths"].as_object().unwrap().values() {
            for o in item.as_object().unwrap().values() {
                if o["operationId"] == op {
                    let resp = self.resolve(&o["responses"][status.to_string()]);
                    return resp["content"]["application/json"]["schema"].clone();
                }
            }
        }
        panic!("no {op} {status} in the spec");
    }

    fn check(&mut self, v: &Value, s: &Value, path: &str) {
        let s = self.resolve(s).clone();
        if let Some(all) = s.get("allOf").and_then(Value::as_array) {
            for sub in all {
                self.check(v, sub, path);
            }
            return;
        }
        let typ =
            s.get("type").and_then(Value::as_str).unwrap_or(if s.get("properties").is_some() { "object" } else { "" });
        let bad = |p: &mut BTreeSet<String>, m: String| {
            p.insert(format!("{path}: {m}"));
        };
        match typ {
            "object" => {
                let Some(obj) = v.as_object() else {
                    return bad(&mut self.problems, format!("expected object, got {v}"));
                };
                for r in s.get("required").and_then(Value::as_array).into_iter().flatten() {
                    if !obj.contains_key(r.as_str().unwrap()) {
                        bad(&mut self.problems, format!("missing required {r}"));
                    }
                }
                let props = s.get("properties").cloned().unwrap_or(json!({}));
                for (k, x) in obj {
                    match props.get(k) {
                        None => bad(&mut self.problems, format!("{k} is not in the spec")),
                        Some(ps) => self.check(x, ps, &format!("{path}.{k}")),
                    }
                }
            }
            "array" => match v.as_array() {
                None => bad(&mut self.problems, format!("expected array, got {v}")),
                Some(items) => {
                    for x in items {
                        self.check(x, &s["items"], &format!("{path}[]"));
                    }
                }
            },
            "string" => match v.as_str() {
                None => bad(&mut self.problems, format!("expected string, got {v}")),
                Some(text) => {
                    if let Some(e) = s.get("enum").and_then(Value::as_array)
                        && !e.iter().any(|x| x == text)
                    {
                        bad(&mut self.problems, format!("{text} is not in the enum"));
                    }
                    if s.get("format").and_then(Value::as_str) == Some("date-time") && !is_kst(text) {
                        bad(&mut self.problems, format!("{text} is not yyyy-MM-ddTHH:mm:ss.SSS+09:00"));
                    }
                    let is_date = text.len() == 10 && chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok();
                    if s.get("format").and_then(Value::as_str) == Some("date") && !is_date {
                        bad(&mut self.problems, format!("{text} is not yyyy-MM-dd"));
                    }
                }
            },
            "integer" if !(v.is_i64() || v.is_u64()) => bad(&mut self.problems, format!("expected integer, got {v}")),
            "boolean" if !v.is_boolean() => bad(&mut self.problems, format!("expected boolean, got {v}")),
            "number" if !v.is_number() => bad(&mut self.problems, format!("expected number, got {v}")),
            _ => {}
        }
    }

    fn answer(&mut self, op: &str, r: &Resp) {
        let schema = self.schema_of(op, r.status.as_u16());
        self.check(&r.body, &schema, op);
    }
}

#[tokio::test]
async fn every_answer_conforms_to_the_openapi_spec() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../openapi/npay-order.yaml");
    // The spec is part of this repository: its absence is a broken checkout, not a reason to pass.
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("the spec {path} cannot be read: {e}"));
    let doc: Value = serde_yaml::from_str(&text).expect("the spec parses");
    let mut spec = Spec { doc, problems: BTreeSet::new() };
    let mut env = start().await;

    let token = env.token_form(&env.token_params(now_ms())).await;
    spec.answer("issueToken", &token);
    let (orders, ids) = env.create(12, "PAYED", 2).await;
    let id = |i: usize| ids[i].as_str();
    let mut to_confirm: Vec<&str> = ids[..10].iter().map(String::as_str).collect();
    to_confirm.push("404");
    spec.answer("confirmProductOrders", &env.confirm(&to_confirm).await);
    let now = env.now_kst().await;
    let due = kst(chrono::DateTime::parse_from_rfc3339(&now).unwrap().timestamp_millis() + 86_400_000);
    let r = env.claim(id(0), "delay", json!({"dispatchDueDate": due, "delayedDispatchReason": "ETC", "dispatchDelayedDetailedReason": "입고 대기"})).await;
    spec.answer("delayDispatch", &r);
    for (n, i) in ids[1..10].iter().enumerate() {
        spec.answer("dispatchProductOrders", &env.dispatch_one(i, &format!("60000000{n:04}")).await);
    }
    env.event_ok(id(1), "deliver").await;
    env.event_ok(id(1), "decide-purchase").await;
    spec.answer(
        "requestCancel",
        &env.claim(id(11), "claim/cancel/request", json!({"cancelReason": "SOLD_OUT", "cancelDetailedReason": "품절"}))
            .await,
    );
    env.event_ok(id(0), "request-cancel").await;
    spec.answer("approveCancel", &env.claim(id(0), "claim/cancel/approve", json!({})).await);
    spec.answer("approveCancel", &env.claim(id(0), "claim/cancel/approve", json!({})).await);
    let ret = json!({"returnReason": "BROKEN", "collectDeliveryMethod": "RETURN_DESIGNATED", "collectDeliveryCompany": "CJGLS", "collectTrackingNumber": "D2485799470"});
    spec.answer("requestReturn", &env.claim(id(2), "claim/return/request", ret).await);
    env.event_ok(id(2), "collect-done").await;
    let hold =
        json!({"holdbackClassType": "ETC", "holdbackReturnDetailReason": "확인 중", "extraReturnFeeAmount": 1000});
    spec.answer("holdbackReturn", &env.claim(id(2), "claim/return/holdback", hold).await);
    spec.answer("releaseReturnHoldback", &env.claim(id(2), "claim/return/holdback/release", json!({})).await);
    spec.answer("approveReturn", &env.claim(id(2), "claim/return/approve", json!({})).await);
    env.event_ok(id(3), "request-return").await;
    spec.answer(
        "rejectReturn",
        &env.claim(id(3), "claim/return/reject", json!({"rejectReturnReason": "사용 흔적"})).await,
    );
    env.event_ok(id(4), "request-exchange").await;
    spec.answer("completeExchangeCollect", &env.claim(id(4), "claim/exchange/collect/complete", json!({})).await);
    let hold = json!({"holdbackClassType": "EXCHANGE_DELIVERYFEE", "holdbackExchangeDetailReason": "배송비", "extraExchangeFeeAmount": 6000});
    spec.answer("holdbackExchange", &env.claim(id(4), "claim/exchange/holdback", hold).await);
    spec.answer("releaseExchangeHoldback", &env.claim(id(4), "claim/exchange/holdback/release", json!({})).await);
    let re = json!({"reDeliveryMethod": "DELIVERY", "reDeliveryCompany": "CJGLS", "reDeliveryTrackingNumber": "777700001111"});
    spec.answer("redeliverExchange", &env.claim(id(4), "claim/exchange/dispatch", re).await);
    env.event_ok(id(4), "deliver").await;
    env.event_ok(id(5), "request-exchange").await;
    spec.answer(
        "rejectExchange",
        &env.claim(id(5), "claim/exchange/reject", json!({"rejectExchangeReason": "불가"})).await,
    );
    env.event_ok(id(6), "request-exchange").await;
    env.event_ok(id(7), "request-return").await;
    env.event_ok(id(8), "deliver").await;
    env.event_ok(id(8), "request-return").await;
    env.event_ok(id(8), "collect-done").await;
    env.event_ok(id(8), "withdraw-claim").await;

    let r = env.post(&format!("{P}/product-orders/query"), json!({"productOrderIds": ids})).await;
    assert_eq!(r.ok().as_array().unwrap().len(), 24);
    spec.answer("queryProductOrders", &r);
    spec.answer("listProductOrderIds", &env.get(&format!("{P}/orders/{}/product-order-ids", orders[0]), &[]).await);
    let from = kst(chrono::DateTime::parse_from_rfc3339(&now).unwrap().timestamp_millis() - 3_600_000);
    let lcs = format!("{P}/product-orders/last-changed-statuses");
    let r = env.get(&lcs, &[("lastChangedFrom", &from), ("limitCount", "5")]).await;
    assert!(r.ok().get("more").is_some());
    spec.answer("listLastChangedStatuses", &r);
    let r = env
        .get(&format!("{P}/product-orders"), &[("from", &from), ("rangeType", "PAYED_DATETIME"), ("pageSize", "30")])
        .await;
    spec.answer("searchProductOrders", &r);
    let r = env.get(&format!("{P}/reviews"), &[("inquiryTimeFrom", &from)]).await;
    assert_eq!(r.ok()["purchaseReviews"].as_array().unwrap().len(), 1);
    spec.answer("listReviews", &r);
    // Settlements: id(1) is decided, 2–8 shipped, 0 and 11 cancelled.
    let today = env.ctl(Method::GET, "clock", None).await.body["today"].as_str().unwrap().to_owned();
    let page = [("pageNumber", "1"), ("pageSize", "1000")];
    let settle = |path: &str| format!("/v1/pay-settle-mall/{path}");
    for (op, path) in [("listSettlementsByCase", "settle/case"), ("listCommissionDetails", "settle/commission-details")]
    {
        let r = env.get(&settle(path), &page).await;
        assert!(r.body["elements"].as_array().unwrap().len() >= 4, "{}", r.body);
        spec.answer(op, &r);
    }
    let range = [page[0], page[1], ("startDate", &today), ("endDate", &today)];
    let r =
        env.get(&settle("settle/daily"), &[page[0], page[1], ("startDate", &today), ("endDate", "9999-12-31")]).await;
    spec.answer("listDailySettlements", &r);
    let r = env.get(&settle("vat/case"), &range).await;
    assert_eq!(r.status.as_u16(), 400, "the current month is not declared yet");
    spec.answer("listVatByCase", &r);
    env.advance(40 * 86_400).await;
    env.token = env.issue_token().await;
    let tomorrow =
        (chrono::NaiveDate::parse_from_str(&today, "%Y-%m-%d").unwrap() + chrono::Duration::days(1)).to_string();
    let r = env.get(&settle("settle/daily"), &[page[0], page[1], ("startDate", &today), ("endDate", &tomorrow)]).await;
    assert_eq!(r.body["elements"].as_array().unwrap().len(), 1, "{}", r.body);
    spec.answer("listDailySettlements", &r);
    for (op, path) in [("listVatByCase", "vat/case"), ("listDailyVat", "vat/daily")] {
        let r = env.get(&settle(path), &range).await;
        assert!(!r.body["elements"].as_array().unwrap().is_empty(), "{}", r.body);
        spec.answer(op, &r);
    }
    // Error answers.
    spec.answer("listReviews", &env.get(&format!("{P}/reviews"), &[]).await);
    spec.answer("listProductOrderIds", &env.get(&format!("{P}/orders/1/product-order-ids"), &[]).await);
    spec.answer("approveCancel", &env.claim("1", "claim/cancel/approve", json!({})).await);
    spec.answer(
        "listLastChangedStatuses",
        &env.get(&lcs, &[("lastChangedFrom", "2026-01-01T00:00:00Z"), ("lastChangedTo", "2026-01-03T00:00:00Z")]).await,
    );
    let mut bad = env.token_params(now_ms());
    bad[3].1 = "AAAA".into();
    spec.answer("issueToken", &env.token_form(&bad).await);
    env.ctl(Method::PUT, "faults", Some(json!({"rateLimitRate": 1.0}))).await;
    spec.answer("listReviews", &env.get(&format!("{P}/reviews"), &[("inquiryTimeFrom", &from)]).await);

    assert!(
        spec.problems.is_empty(),
        "answers that do not match the spec:\n{}",
        spec.problems.iter().cloned().collect::<Vec<_>>().join("\n")
    );
}
