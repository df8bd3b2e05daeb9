//! What the watcher must survive: the traffic generator, late visibility, and the record of every
//! change the sandbox made.

mod common;

use std::collections::HashSet;
use std::time::Duration;

use common::*;
use http::{Method, StatusCode};
use npay_sandbox::{SandboxConfig, TrafficConfig};
use serde_json::{Value, json};

const CHANGES: &str = "/v1/pay-order/mall/product-orders/last-changed-statuses";

fn kst(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap()
        .with_timezone(&chrono::FixedOffset::east_opt(9 * 3600).unwrap())
        .format("%Y-%m-%dT%H:%M:%S%.3f%:z")
        .to_string()
}

async fn listed(env: &Env, from: i64) -> Vec<Value> {
    let (from, to) = (kst(from), kst(now_ms() + 60_000));
    let r = env.get(CHANGES, &[("lastChangedFrom", from.as_str()), ("lastChangedTo", to.as_str())]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.data()["lastChangeStatuses"].as_array().unwrap().clone()
}

#[tokio::test]
async fn every_change_is_recorded_with_when_a_later_one_replaced_it() {
    let env = start().await;
    let (_, ids) = env.create(2, "PAYMENT_WAITING", 1).await;
    env.event_ok(&ids[0], "pay").await;
    let record = env.ctl(Method::GET, "changes", None).await.body;
    assert_eq!(record["count"], 3);
    let changes = record["changes"].as_array().unwrap();
    assert_eq!(changes[0]["productOrderId"], ids[0].as_str());
    assert_eq!(changes[0]["lastChangedType"], "PAY_WAITING");
    assert!(changes[0]["replacedAtMs"].is_i64(), "the payment replaced the first change");
    assert!(changes[1].get("replacedAtMs").is_none());
    assert_eq!(changes[2]["lastChangedType"], "PAYED");
    assert_eq!(changes[2]["productOrderStatus"], "PAYED");
    assert_eq!(changes[2]["seq"], 2);
    // The listing shows exactly the records nobody replaced.
    let shown: HashSet<String> = listed(&env, now_ms() - 60_000)
        .await
        .iter()
        .map(|row| format!("{}|{}", row["productOrderId"].as_str().unwrap(), row["lastChangedType"].as_str().unwrap()))
        .collect();
    let latest: HashSet<String> = changes
        .iter()
        .filter(|c| c.get("replacedAtMs").is_none())
        .map(|c| format!("{}|{}", c["productOrderId"].as_str().unwrap(), c["lastChangedType"].as_str().unwrap()))
        .collect();
    assert_eq!(shown, latest);
}

#[tokio::test]
async fn a_late_change_is_listed_only_after_its_delay_with_its_original_date() {
    let env = start().await;
    let r = env.ctl(Method::PUT, "visibility", Some(json!({"lateRate": 1.0, "maxDelayMs": 400, "seed": 1}))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(env.ctl(Method::GET, "visibility", None).await.body["maxDelayMs"], 400);
    let before = now_ms() - 1_000;
    env.create(5, "PAYED", 1).await;
    let record = env.ctl(Method::GET, "changes", None).await.body;
    let late = record["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["visibleFromMs"].as_i64() > c["lastChangedMs"].as_i64())
        .count();
    assert_eq!(late, 5, "every change is late at a rate of 1");
    tokio::time::sleep(Duration::from_millis(450)).await;
    let rows = listed(&env, before).await;
    assert_eq!(rows.len(), 5);
    for (row, change) in rows.iter().zip(record["changes"].as_array().unwrap()) {
        assert_eq!(row["lastChangedDate"], change["lastChangedDate"], "listed late, dated when it happened");
    }
    let bad = env.ctl(Method::PUT, "visibility", Some(json!({"lateRate": 2}))).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn traffic_makes_changes_at_the_rate_asked_with_several_in_one_millisecond() {
    let env = start().await;
    let r = env.ctl(Method::PUT, "traffic", Some(json!({"ratePerSecond": 200, "seed": 4}))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    tokio::time::sleep(Duration::from_millis(1_000)).await;
    let off = env.ctl(Method::PUT, "traffic", Some(json!({"ratePerSecond": 0}))).await.body;
    assert_eq!(off["ratePerSecond"], 0.0);
    let record = env.ctl(Method::GET, "changes", None).await.body;
    let changes = record["changes"].as_array().unwrap();
    assert!((100..=400).contains(&changes.len()), "{} changes in one second at 200/s", changes.len());
    let types: HashSet<&str> = changes.iter().map(|c| c["lastChangedType"].as_str().unwrap()).collect();
    assert!(types.contains("PAYED") && types.contains("DISPATCHED"), "{types:?}");
    let mut per_ms = std::collections::HashMap::new();
    for c in changes {
        *per_ms.entry(c["lastChangedMs"].as_i64().unwrap()).or_insert(0) += 1;
    }
    assert!(per_ms.values().any(|n| *n >= 3), "several changes share a millisecond");
    let count = changes.len();
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(env.ctl(Method::GET, "changes", None).await.body["count"], count, "rate 0 stops it");
    assert_eq!(
        env.ctl(Method::PUT, "traffic", Some(json!({"ratePerSecond": -1}))).await.status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn traffic_configured_at_start_runs_and_a_reset_stops_it() {
    let env = start_with(SandboxConfig {
        traffic: Some(TrafficConfig { rate_per_second: 100.0, seed: 2 }),
        ..Default::default()
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let traffic = env.ctl(Method::GET, "traffic", None).await.body;
    assert!(traffic["actions"].as_u64().unwrap() > 5, "{traffic}");
    env.ctl(Method::POST, "reset", None).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(env.ctl(Method::GET, "changes", None).await.body["count"], 0);
    assert_eq!(npay_sandbox::parse_rate("300/m"), Ok(5.0));
    assert_eq!(npay_sandbox::parse_rate("5"), Ok(5.0));
    assert!(npay_sandbox::parse_rate("5/week").is_err());
}
