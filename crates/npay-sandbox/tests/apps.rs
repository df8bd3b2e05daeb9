//! Several applications in one sandbox: each its own credentials, data, changes, traffic and
//! rate-limit bucket, and a request log per application and second.

mod common;

use std::time::Duration;

use common::*;
use http::{Method, StatusCode};
use npay_sandbox::SandboxConfig;
use serde_json::{Value, json};

async fn token_for(env: &Env, client_id: &str, secret: &str) -> Resp {
    let ts = now_ms();
    env.token_form(&[
        ("client_id", client_id.to_string()),
        ("timestamp", ts.to_string()),
        ("grant_type", "client_credentials".to_string()),
        ("client_secret_sign", sign(client_id, secret, ts)),
        ("type", "SELF".to_string()),
    ])
    .await
}

async fn detail_as(env: &Env, token: &str, id: &str) -> StatusCode {
    env.http
        .post(env.url("/v1/pay-order/mall/product-orders/query"))
        .bearer_auth(token)
        .json(&json!({ "productOrderIds": [id] }))
        .send()
        .await
        .unwrap()
        .status()
}

fn apps_of(body: &Value) -> Vec<(String, String)> {
    body["apps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["clientId"].as_str().unwrap().to_owned(), a["clientSecret"].as_str().unwrap().to_owned()))
        .collect()
}

#[tokio::test]
async fn added_applications_have_their_own_credentials_orders_and_changes() {
    let env = start().await;
    let r = env.ctl(Method::POST, "apps", Some(json!({ "count": 3 }))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let apps = apps_of(&r.body);
    assert_eq!(apps.iter().map(|a| a.0.as_str()).collect::<Vec<_>>(), ["app-1", "app-2", "app-3"]);
    let listed = env.ctl(Method::GET, "apps", None).await;
    assert_eq!(apps_of(&listed.body).len(), 4, "the first application is listed too");

    // A secret of another application does not sign for this one.
    let wrong = token_for(&env, &apps[0].0, &apps[1].1).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let ok = token_for(&env, &apps[0].0, &apps[0].1).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    let token = ok.body["access_token"].as_str().unwrap().to_owned();

    let made = env.ctl(Method::POST, "apps/app-1/orders", Some(json!({ "count": 2 }))).await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    let id = made.body["productOrderIds"][0].as_str().unwrap().to_owned();
    assert_eq!(detail_as(&env, &token, &id).await, StatusCode::OK);
    let changes = |path: &'static str| {
        let env = &env;
        async move { env.ctl(Method::GET, path, None).await.body["count"].as_u64().unwrap() }
    };
    assert_eq!(changes("apps/app-1/changes").await, 2);
    assert_eq!(changes("apps/app-2/changes").await, 0);
    assert_eq!(changes("changes").await, 0, "the first application's data is apart");
    assert_eq!(env.ctl(Method::GET, "apps/nobody/changes", None).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn each_application_has_its_own_rate_bucket_and_request_log() {
    let env = start_with(SandboxConfig { seed: Some(3), rate_limit_rps: Some(2.0), ..SandboxConfig::default() }).await;
    let apps = apps_of(&env.ctl(Method::POST, "apps", Some(json!({ "count": 2, "prefix": "m" }))).await.body);
    let mut tokens = Vec::new();
    for (id, secret) in &apps {
        let r = token_for(&env, id, secret).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        tokens.push(r.body["access_token"].as_str().unwrap().to_owned());
    }
    // Burst 4 per application, one already spent on the token: the 4th call of m-1 is refused,
    // while m-2's bucket is untouched.
    let codes: Vec<StatusCode> = {
        let mut v = Vec::new();
        for _ in 0..4 {
            v.push(detail_as(&env, &tokens[0], "1").await);
        }
        v
    };
    assert_eq!(codes.iter().filter(|c| **c == StatusCode::TOO_MANY_REQUESTS).count(), 1, "{codes:?}");
    assert_eq!(detail_as(&env, &tokens[1], "1").await, StatusCode::OK);

    let log = env.ctl(Method::GET, "requests", None).await.body;
    assert_eq!(log["rateLimitRps"], json!(2.0));
    let total = |id: &str| log["apps"][id].as_object().unwrap().values().map(|n| n.as_u64().unwrap()).sum::<u64>();
    assert_eq!(total("m-1"), 5);
    assert_eq!(total("m-2"), 2);
}

#[tokio::test]
async fn traffic_given_when_adding_runs_in_every_added_application() {
    let env = start().await;
    let body = json!({ "count": 2, "traffic": { "ratePerSecond": 40, "seed": 1 } });
    assert_eq!(env.ctl(Method::POST, "apps", Some(body)).await.status, StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(600)).await;
    for id in ["app-1", "app-2"] {
        let n = env.ctl(Method::GET, &format!("apps/{id}/changes"), None).await.body["count"].as_u64().unwrap();
        assert!(n > 0, "{id} has traffic");
    }
    assert_eq!(env.ctl(Method::GET, "changes", None).await.body["count"], 0);
}
