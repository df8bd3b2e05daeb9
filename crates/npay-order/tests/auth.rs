//! Token rules against the sandbox: one token per client, single-flight, renewal after expiry,
//! one re-issue on 401, and credentials that fail cleanly.

mod support;

use std::time::Duration;

use npay_order::NpayError;
use npay_order::ops::ListProductOrderIdsParams;
use support::Env;

async fn read(client: &npay_order::Client, order: &str) -> Result<(), NpayError> {
    client.list_product_order_ids(ListProductOrderIdsParams::new(order)).await.map(|_| ())
}

async fn an_order(env: &Env) -> String {
    let created = env.control_api().create_orders(&Default::default()).await.expect("an order is created");
    created.order_ids[0].clone()
}

#[tokio::test]
async fn a_client_reuses_one_token_for_every_call() {
    let env = Env::start().await;
    let order = an_order(&env).await;
    let client = env.client();
    for _ in 0..5 {
        read(&client, &order).await.unwrap();
    }
    let stats = env.stats().await;
    assert_eq!(stats.tokens_issued, 1);
    assert_eq!(stats.requests_of("issueToken"), 1);
    assert_eq!(stats.requests_of("listProductOrderIds"), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_cold_calls_issue_exactly_one_token() {
    let env = Env::start().await;
    let order = an_order(&env).await;
    let client = env.client();
    let calls = (0..1000).map(|_| {
        let client = client.clone();
        let order = order.clone();
        tokio::spawn(async move { read(&client, &order).await })
    });
    for result in futures::future::join_all(calls).await {
        result.unwrap().unwrap();
    }
    let stats = env.stats().await;
    assert_eq!(stats.requests_of("issueToken"), 1, "{stats:?}");
    assert_eq!(stats.requests_of("listProductOrderIds"), 1000);
}

#[tokio::test]
async fn an_expired_token_is_reissued_once_and_the_call_succeeds() {
    let env = Env::start().await;
    let order = an_order(&env).await;
    let client = env.client();
    read(&client, &order).await.unwrap();
    // Three hours later (sandbox clock) the token is dead; the client's own clock does not know.
    env.advance_clock(3 * 3600 + 60).await;
    read(&client, &order).await.unwrap();
    let stats = env.stats().await;
    assert_eq!(stats.tokens_issued, 2, "{stats:?}");
    // First call, the refused one, and its retry.
    assert_eq!(stats.requests_of("listProductOrderIds"), 3);
}

#[tokio::test]
async fn a_wrong_secret_is_an_authentication_error_without_secrets_in_it() {
    let env = Env::start().await;
    let wrong = "$2a$04$wrongsecretwrongsecreu";
    let client = env.builder().client_secret(wrong).max_retries(0).build().unwrap();
    let error = read(&client, "1").await.unwrap_err();
    assert!(matches!(error, NpayError::Authentication(_)), "{error:?}");
    assert_eq!(error.status(), Some(401));
    assert!(error.trace_id().is_some());
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains(wrong) && !shown.contains(env.sandbox.client_secret()), "{shown}");
}

#[tokio::test]
async fn an_unknown_client_id_is_refused_and_not_retried_into_a_token_storm() {
    let env = Env::start().await;
    let client = env.builder().client_id("nobody").build().unwrap();
    assert!(matches!(read(&client, "1").await.unwrap_err(), NpayError::Authentication(_)));
    assert_eq!(env.stats().await.requests_of("issueToken"), 1);
}

#[tokio::test]
async fn a_closed_port_is_a_connection_error_that_says_nothing_was_sent() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let client = npay_order::Client::builder()
        .client_id("app")
        .client_secret("$2a$04$abcdefghijklmnopqrstuu")
        .base_url(format!("http://127.0.0.1:{port}/npay/partner"))
        .max_retries(1)
        .max_retry_delay(Duration::from_millis(600))
        .build()
        .unwrap();
    match read(&client, "1").await.unwrap_err() {
        NpayError::Connection(e) => assert_eq!(e.request_sent, npay_order::RequestSent::No),
        other => panic!("expected a connection error, got {other:?}"),
    }
}
