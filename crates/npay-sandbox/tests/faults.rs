//! Injected faults, statistics, reset, rate limiting and gateway routing errors.

mod common;

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use common::*;
use npay_sandbox::SandboxConfig;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn set_faults(env: &Env, cfg: Value) {
    let r = env.ctl(Method::PUT, "faults", Some(cfg)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

async fn faults_off(env: &Env) {
    set_faults(env, json!({})).await;
}

/// Counts product orders whose placeOrderStatus is OK.
async fn confirmed_count(env: &Env, ids: &[String]) -> usize {
    let r = env.post(&format!("{P}/product-orders/query"), json!({"productOrderIds": ids})).await;
    r.ok().as_array().unwrap().iter().filter(|i| i["productOrder"]["placeOrderStatus"] == "OK").count()
}

#[tokio::test]
async fn rate_limit_faults_answer_429_and_leave_no_side_effect() {
    let env = start().await;
    let (_, ids) = env.create(20, "PAYED", 1).await;
    set_faults(&env, json!({"rateLimitRate": 1.0, "seed": 3})).await;
    for id in &ids {
        let r = env.confirm(&[id]).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(r.code(), "GW.RATE_LIMIT");
        assert_eq!(r.body["traceId"].as_str(), r.header("gncp-gw-trace-id"));
    }
    // The control API is never faulted.
    let s = env.stats().await;
    assert_eq!(s.requests_of("confirmProductOrders"), 20);
    assert_eq!(s.applied("confirmProductOrders"), 0);
    faults_off(&env).await;
    assert_eq!(confirmed_count(&env, &ids).await, 0);
}

#[tokio::test]
async fn server_error_faults_apply_the_change_only_behind_a_504() {
    let env = start().await;
    let (_, ids) = env.create(60, "PAYED", 1).await;
    set_faults(&env, json!({"serverErrorRate": 1.0, "seed": 11})).await;
    let mut by_status = std::collections::BTreeMap::new();
    for id in &ids {
        let r = env.confirm(&[id]).await;
        let code = r.code().to_string();
        match r.status.as_u16() {
            500 => assert_eq!(code, "GW.INTERNAL_SERVER_ERROR"),
            503 => assert_eq!(code, "GW.BLOCK.01"),
            504 => assert_eq!(code, "GW.TIMEOUT.01"),
            s => panic!("unexpected {s}: {}", r.body),
        }
        *by_status.entry(r.status.as_u16()).or_insert(0usize) += 1;
    }
    assert_eq!(by_status.len(), 3, "{by_status:?}");
    let timeouts = by_status[&504];
    assert_eq!(env.stats().await.applied("confirmProductOrders"), timeouts as u64);
    faults_off(&env).await;
    assert_eq!(confirmed_count(&env, &ids).await, timeouts);
}

#[tokio::test]
async fn reset_faults_close_the_connection_and_stats_match_the_state() {
    let env = start().await;
    let (_, ids) = env.create(40, "PAYED", 1).await;
    set_faults(&env, json!({"resetRate": 1.0, "seed": 5})).await;
    let client = reqwest::Client::builder().pool_max_idle_per_host(0).build().unwrap();
    for id in &ids {
        let r = client
            .post(env.url(&format!("{P}/product-orders/confirm")))
            .bearer_auth(&env.token)
            .json(&json!({"productOrderIds": [id]}))
            .send()
            .await;
        assert!(r.is_err(), "a reset answers nothing");
    }
    let applied = env.stats().await.applied("confirmProductOrders") as usize;
    assert!(applied > 5 && applied < 35, "about half are reset after processing: {applied}");
    faults_off(&env).await;
    assert_eq!(confirmed_count(&env, &ids).await, applied);
    assert_eq!(env.stats().await.requests_of("confirmProductOrders"), 40);
}

#[tokio::test]
async fn a_reset_fault_is_a_tcp_rst() {
    let env = start().await;
    set_faults(&env, json!({"resetRate": 1.0})).await;
    let addr = env.sb.local_addr();
    let token = env.token.clone();
    let kind = tokio::task::spawn_blocking(move || {
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let req = format!(
            "GET /npay/partner/v1/pay-order/mall/reviews?inquiryTimeFrom=2026-01-01T00:00:00Z HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\r\n"
        );
        s.write_all(req.as_bytes()).unwrap();
        let mut buf = [0u8; 256];
        match s.read(&mut buf) {
            Err(e) => e.kind(),
            Ok(n) => panic!("expected a reset, read {n} bytes"),
        }
    })
    .await
    .unwrap();
    assert_eq!(kind, std::io::ErrorKind::ConnectionReset);
}

#[tokio::test]
async fn mixed_faults_never_lose_or_double_a_mutation() {
    let env = start().await;
    let (_, ids) = env.create(120, "PAYED", 1).await;
    set_faults(&env, json!({"serverErrorRate": 0.2, "rateLimitRate": 0.2, "resetRate": 0.2, "seed": 99})).await;
    let client = reqwest::Client::builder().pool_max_idle_per_host(0).build().unwrap();
    let mut ok = 0;
    for id in &ids {
        let r = client
            .post(env.url(&format!("{P}/product-orders/confirm")))
            .bearer_auth(&env.token)
            .json(&json!({"productOrderIds": [id]}))
            .send()
            .await;
        if let Ok(r) = r
            && r.status() == StatusCode::OK
        {
            ok += 1;
        }
    }
    let applied = env.stats().await.applied("confirmProductOrders") as usize;
    assert!(applied >= ok && applied < ids.len(), "ok {ok}, applied {applied}");
    faults_off(&env).await;
    assert_eq!(confirmed_count(&env, &ids).await, applied);
}

#[tokio::test]
async fn latency_delays_api_responses_but_not_the_control_api() {
    let env = start().await;
    set_faults(&env, json!({"latencyMs": 250})).await;
    let t = Instant::now();
    env.get(&format!("{P}/reviews"), &[("inquiryTimeFrom", "2026-01-01T00:00:00Z")]).await.ok();
    assert!(t.elapsed() >= Duration::from_millis(250));
    let t = Instant::now();
    env.stats().await;
    assert!(t.elapsed() < Duration::from_millis(200));
    let r = env.ctl(Method::GET, "faults", None).await;
    assert_eq!(
        r.body,
        json!({"serverErrorRate": 0.0, "rateLimitRate": 0.0, "resetRate": 0.0, "latencyMs": 250, "seed": 7})
    );
}

#[tokio::test]
async fn fault_configuration_is_validated() {
    let env = start().await;
    for bad in [
        json!({"serverErrorRate": 1.5}),
        json!({"serverErrorRate": 0.6, "resetRate": 0.6}),
        json!({"rateLimitRate": "often"}),
        json!({"latencyMs": -1}),
        json!({"seed": -4}),
    ] {
        let r = env.ctl(Method::PUT, "faults", Some(bad.clone())).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(r.code(), "4000");
    }
    let r = env.ctl(Method::POST, "faults", Some(json!({}))).await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn stats_count_requests_per_operation_id_and_real_mutations() {
    let env = start().await;
    let a = env.payed().await;
    env.confirm(&[&a]).await.ok();
    env.confirm(&[&a]).await.ok(); // 105306: no mutation
    env.get(&format!("{P}/reviews"), &[]).await; // 400 still counts as a request
    let s = env.stats().await;
    assert_eq!(s.tokens_issued, 1);
    assert_eq!(s.requests_of("issueToken"), 1);
    assert_eq!(s.requests_of("confirmProductOrders"), 2);
    assert_eq!(s.requests_of("listReviews"), 1);
    assert_eq!(s.requests_of("queryProductOrders"), 0);
    assert_eq!(s.requests.len(), 26);
    assert_eq!(s.requests_of("listDailyVat"), 0);
    assert_eq!(s.applied("confirmProductOrders"), 1);
    assert_eq!(s.mutations_applied.len(), 15);
    assert!(!s.mutations_applied.contains_key("listReviews"));
    assert!(!s.mutations_applied.contains_key("listSettlementsByCase"));
}

#[tokio::test]
async fn reset_returns_to_the_seeded_initial_state() {
    let env = start().await;
    let (_, first) = env.create(3, "PAYED", 1).await;
    env.confirm(&[&first[0]]).await.ok();
    set_faults(&env, json!({"latencyMs": 10})).await;
    env.advance(3600).await;
    let r = env.ctl(Method::POST, "reset", None).await;
    assert_eq!(r.status, StatusCode::OK);
    let s = env.stats().await;
    assert_eq!(s.tokens_issued, 0);
    assert_eq!(s.requests_of("confirmProductOrders"), 0);
    assert_eq!(s.applied("confirmProductOrders"), 0);
    assert_eq!(env.ctl(Method::GET, "faults", None).await.body["latencyMs"], 0);
    assert_eq!(env.ctl(Method::GET, "clock", None).await.body["offsetSeconds"], 0.0);
    // Tokens were cleared.
    let r = env.post(&format!("{P}/product-orders/query"), json!({"productOrderIds": first})).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let mut env = env;
    env.token = env.issue_token().await;
    let r = env.post(&format!("{P}/product-orders/query"), json!({"productOrderIds": first})).await;
    assert_eq!(r.ok(), &json!([]), "data is gone");
    let (_, again) = env.create(3, "PAYED", 1).await;
    assert_eq!(again, first, "the seed generates the same ids again");
}

/// What a proxy does when its client gives up: it keeps forwarding. Such a request, still held
/// by `latencyMs` when the next test resets the sandbox, must not issue a token or change an
/// order in that test's fresh state; it is answered (a proxy must see an answer) as a 500 before
/// processing.
#[tokio::test]
async fn a_request_in_flight_across_a_reset_changes_nothing_after_it() {
    let env = start().await;
    let (_, ids) = env.create(1, "PAYED", 1).await;
    set_faults(&env, json!({"latencyMs": 400})).await;
    let mut form = form_urlencoded::Serializer::new(String::new());
    for (k, v) in env.token_params(now_ms()) {
        form.append_pair(k, &v);
    }
    let token_call = env
        .http
        .post(env.url("/v1/oauth2/token"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(form.finish())
        .send();
    let confirm_call = env
        .http
        .post(env.url(&format!("{P}/product-orders/confirm")))
        .bearer_auth(&env.token)
        .json(&json!({"productOrderIds": ids}))
        .send();
    let reset = async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(env.ctl(Method::POST, "reset", None).await.status, StatusCode::OK);
    };
    let (token, confirm, ()) = tokio::join!(token_call, confirm_call, reset);
    for stale in [token, confirm] {
        let r = to_resp(stale.unwrap()).await;
        assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR, "{}", r.body);
        assert_eq!(r.code(), "GW.INTERNAL_SERVER_ERROR");
    }
    let s = env.stats().await;
    assert_eq!(s.tokens_issued, 0, "{s:?}");
    assert_eq!(s.requests_of("issueToken"), 0, "{s:?}");
    assert_eq!(s.applied("confirmProductOrders"), 0, "{s:?}");
}

#[tokio::test]
async fn gateway_rate_limit_sends_headers_and_429_when_the_bucket_is_empty() {
    let env = start_with(SandboxConfig { seed: Some(1), rate_limit_rps: Some(5.0), ..SandboxConfig::default() }).await;
    let path = format!("{P}/reviews");
    let q = [("inquiryTimeFrom", "2026-01-01T00:00:00Z")];
    let r = env.get(&path, &q).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header("gncp-gw-ratelimit-replenish-rate"), Some("5"));
    assert_eq!(r.header("gncp-gw-ratelimit-burst-capacity"), Some("10"));
    let first_remaining: u64 = r.header("gncp-gw-ratelimit-remaining").unwrap().parse().unwrap();
    assert!(first_remaining <= 9, "{first_remaining}");
    let mut limited = None;
    for _ in 0..20 {
        let r = env.get(&path, &q).await;
        if r.status == StatusCode::TOO_MANY_REQUESTS {
            limited = Some(r);
            break;
        }
    }
    let r = limited.expect("the bucket empties");
    assert_eq!(r.code(), "GW.RATE_LIMIT");
    assert_eq!(r.header("gncp-gw-ratelimit-remaining"), Some("0"));
    assert_eq!(r.header("gncp-gw-ratelimit-burst-capacity"), Some("10"));
    tokio::time::sleep(Duration::from_millis(450)).await;
    assert_eq!(env.get(&path, &q).await.status, StatusCode::OK, "tokens replenish");
}

#[tokio::test]
async fn no_rate_limit_headers_without_a_limit() {
    let env = start().await;
    let r = env.get(&format!("{P}/reviews"), &[("inquiryTimeFrom", "2026-01-01T00:00:00Z")]).await;
    assert!(r.header("gncp-gw-ratelimit-remaining").is_none());
}

#[tokio::test]
async fn unknown_paths_are_gateway_404_and_wrong_methods_405() {
    let env = start().await;
    for path in
        ["/v1/pay-order/mall/nothing", "/v2/oauth2/token", "/v1/pay-order/mall/product-orders/1/claim/cancel/nope"]
    {
        let r = env.get(path, &[]).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(r.code(), "GW.NOT_FOUND");
        assert!(r.header("gncp-gw-trace-id").is_some());
    }
    let r = to_resp(env.http.get(format!("http://{}/elsewhere", env.sb.local_addr())).send().await.unwrap()).await;
    assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, "GW.NOT_FOUND"));
    let r = env.get(&format!("{P}/product-orders/query"), &[]).await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(r.header("allow"), Some("POST"));
    assert!(r.body["message"].is_string());
    let r = env.call(Method::DELETE, &format!("{P}/reviews"), &[], None).await;
    assert_eq!((r.status, r.header("allow")), (StatusCode::METHOD_NOT_ALLOWED, Some("GET")));
    let r = env.ctl(Method::GET, "nothing-here", None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[test]
fn start_blocking_runs_without_a_runtime_and_shuts_down() {
    let sb = npay_sandbox::Sandbox::start_blocking(SandboxConfig::default()).unwrap();
    assert!(sb.base_url().starts_with("http://127.0.0.1:") && sb.base_url().ends_with("/npay/partner"));
    let addr = sb.local_addr();
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.write_all(b"GET /npay/partner/_sandbox/stats HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    assert!(out.starts_with("HTTP/1.1 200"), "{out}");
    assert!(out.contains("tokensIssued"));
    sb.shutdown();
    drop(sb);
    assert!(std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(500)).is_err());
}

#[tokio::test]
async fn invalid_configuration_is_refused() {
    for cfg in [
        SandboxConfig { client_secret: "not-a-salt".into(), ..SandboxConfig::default() },
        SandboxConfig { client_id: String::new(), ..SandboxConfig::default() },
        SandboxConfig { rate_limit_rps: Some(0.0), ..SandboxConfig::default() },
        SandboxConfig { host: "example.invalid".into(), ..SandboxConfig::default() },
    ] {
        assert!(matches!(npay_sandbox::Sandbox::start(cfg).await, Err(npay_sandbox::SandboxError::InvalidConfig(_))));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn start_blocking_also_works_from_inside_a_runtime() {
    let sb =
        npay_sandbox::Sandbox::start_blocking(SandboxConfig { seed: Some(9), ..SandboxConfig::default() }).unwrap();
    assert_eq!(sb.seed(), 9);
    let r = reqwest::get(format!("{}/info", sb.control_url())).await.unwrap();
    assert_eq!(r.status(), 200);
    drop(sb);
}
