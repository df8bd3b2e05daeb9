//! The client secret, the signature and the token never appear in logs (at TRACE), `Debug`
//! output or error messages.

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use npay_order::ops::{ListProductOrderIdsParams, QueryProductOrdersParams};
use support::Env;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The token the sandbox holds for this identity: asking again returns the same one.
async fn current_token(env: &Env) -> String {
    let timestamp = chrono::Utc::now().timestamp_millis();
    let sign = npay_order::sign(env.sandbox.client_id(), env.sandbox.client_secret(), timestamp).unwrap();
    let form = [
        ("client_id", env.sandbox.client_id().to_owned()),
        ("timestamp", timestamp.to_string()),
        ("grant_type", "client_credentials".to_owned()),
        ("client_secret_sign", sign),
        ("type", "SELF".to_owned()),
    ];
    let response: serde_json::Value = env
        .http
        .post(format!("{}/v1/oauth2/token", env.sandbox.base_url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(serde_urlencoded::to_string(form).unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    response["access_token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn no_secret_signature_or_token_in_logs_debug_or_errors() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let env = Env::start().await;
    let ids = env.paid_orders(2).await;
    let client = env.client();
    let details = client.query_product_orders(QueryProductOrdersParams::new(ids)).await.unwrap();
    let error = client.list_product_order_ids(ListProductOrderIdsParams::new("404404404")).await.unwrap_err();
    let wrong = env.builder().client_secret("$2a$04$wrongsecretwrongsecreu").max_retries(0).build().unwrap();
    let auth_error = wrong.list_product_order_ids(ListProductOrderIdsParams::new("1")).await.unwrap_err();
    let token = current_token(&env).await;

    let mut shown = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    for text in [
        format!("{client:?}"),
        format!("{:?}", client.config()),
        format!("{wrong:?}"),
        format!("{error} {error:?}"),
        format!("{auth_error} {auth_error:?}"),
        format!("{:?}", details.meta()),
    ] {
        shown.push_str(&text);
    }
    assert!(shown.len() > 500, "the scenario logged and printed something: {shown}");
    let secret = env.sandbox.client_secret();
    assert!(!shown.contains(secret), "the secret leaked");
    assert!(!shown.contains("$2a$04$wrongsecret"), "the wrong secret leaked");
    assert!(!shown.contains(&token), "the token leaked");
    // Every signature is Base64 of a bcrypt string, so it starts with Base64("$2a$04$").
    assert!(!shown.contains("JDJhJDA0J"), "a signature leaked");
}
