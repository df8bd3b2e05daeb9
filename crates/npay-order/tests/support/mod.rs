//! Shared by the core's integration tests: an embedded sandbox and its control API.
#![allow(dead_code)]

use npay_order::Client;
use npay_sandbox::{Sandbox, SandboxConfig};
use serde_json::{Value, json};

/// A sandbox on the test's runtime, with a client for it.
pub struct Env {
    pub sandbox: Sandbox,
    pub http: reqwest::Client,
}

impl Env {
    pub async fn start() -> Env {
        let sandbox = Sandbox::start(SandboxConfig { seed: Some(7), ..SandboxConfig::default() }).await.expect("sandbox starts");
        Env { sandbox, http: reqwest::Client::new() }
    }

    /// A new client (its own token cache) for the sandbox.
    pub fn client(&self) -> Client {
        self.builder().build().expect("client builds")
    }

    pub fn builder(&self) -> npay_order::ClientBuilder {
        Client::builder()
            .client_id(self.sandbox.client_id())
            .client_secret(self.sandbox.client_secret())
            .base_url(self.sandbox.base_url())
    }

    /// A control-API call: `method` and `path` below `_sandbox/`.
    pub async fn control(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}/{}", self.sandbox.control_url(), path);
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut request = self.http.request(method, &url);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("control API answers");
        let status = response.status();
        let text = response.text().await.expect("control body");
        assert!(status.is_success(), "control {url} answered {status}: {text}");
        if text.is_empty() { Value::Null } else { serde_json::from_str(&text).expect("control answers JSON") }
    }

    /// Creates `count` paid orders of one product each; returns their product order ids.
    pub async fn paid_orders(&self, count: usize) -> Vec<String> {
        let created = self.control("POST", "orders", Some(json!({"count": count, "status": "PAYED", "productsPerOrder": 1}))).await;
        serde_json::from_value(created["productOrderIds"].clone()).expect("productOrderIds")
    }

    pub async fn event(&self, product_order_id: &str, event: &str) {
        self.control("POST", &format!("product-orders/{product_order_id}/events/{event}"), None).await;
    }

    pub async fn stats(&self) -> Value {
        self.control("GET", "stats", None).await
    }

    pub async fn faults(&self, faults: Value) {
        self.control("PUT", "faults", Some(faults)).await;
    }

    pub async fn advance_clock(&self, seconds: i64) {
        self.control("POST", "clock", Some(json!({"advanceSeconds": seconds}))).await;
    }

    pub async fn reset(&self) {
        self.control("POST", "reset", None).await;
    }
}

/// `stats.requests[operation]` (absent = 0).
pub fn requests(stats: &Value, operation: &str) -> u64 {
    stats["requests"][operation].as_u64().unwrap_or(0)
}

/// `stats.mutationsApplied[operation]` (absent = 0).
pub fn applied(stats: &Value, operation: &str) -> u64 {
    stats["mutationsApplied"][operation].as_u64().unwrap_or(0)
}
