//! Shared by the core's integration tests: an embedded sandbox and its control API.
//!
//! By default every test starts its own sandbox in-process. With `NPAY_TEST_SANDBOX_URL` set (the
//! base URL of a running `npay-sandbox`, e.g. `http://127.0.0.1:41234/npay/partner`) the tests use
//! that sandbox instead: its control API, and the default credentials (or `NPAY_TEST_CLIENT_ID` /
//! `NPAY_TEST_CLIENT_SECRET`). `NPAY_TEST_API_URL` then sets the base URL the client calls — e.g. a
//! `prism proxy --errors` in front of the sandbox, so that every request and response of the run is
//! checked against the spec (`cargo xtask test`, step "sandbox conformance").
#![allow(dead_code)]

use npay_order::Client;
use npay_sandbox::control_api::{ControlClient, Faults, Stats};
use npay_sandbox::{Sandbox, SandboxConfig};
use serde_json::Value;

/// The sandbox the tests talk to: embedded (the default) or external (see the module docs).
pub struct Target {
    embedded: Option<Sandbox>,
    api_url: String,
    control: ControlClient,
    client_id: String,
    client_secret: String,
}

impl Target {
    async fn start() -> Target {
        match std::env::var("NPAY_TEST_SANDBOX_URL") {
            Ok(url) if !url.is_empty() => {
                let url = url.trim_end_matches('/').to_owned();
                let var = |name: &str, default: &str| {
                    std::env::var(name).ok().filter(|v| !v.is_empty()).unwrap_or_else(|| default.to_owned())
                };
                Target {
                    embedded: None,
                    api_url: var("NPAY_TEST_API_URL", &url),
                    control: ControlClient::new(&url).expect("NPAY_TEST_SANDBOX_URL is an http(s) URL"),
                    client_id: var("NPAY_TEST_CLIENT_ID", npay_sandbox::DEFAULT_CLIENT_ID),
                    client_secret: var("NPAY_TEST_CLIENT_SECRET", npay_sandbox::DEFAULT_CLIENT_SECRET),
                }
            }
            _ => {
                let sandbox = Sandbox::start(SandboxConfig { seed: Some(7), ..SandboxConfig::default() })
                    .await
                    .expect("sandbox starts");
                Target {
                    api_url: sandbox.base_url().to_owned(),
                    control: ControlClient::new(sandbox.base_url()).expect("the sandbox's URL"),
                    client_id: sandbox.client_id().to_owned(),
                    client_secret: sandbox.client_secret().to_owned(),
                    embedded: Some(sandbox),
                }
            }
        }
    }

    /// The base URL API calls go to (the sandbox, or a proxy in front of it).
    pub fn base_url(&self) -> &str {
        &self.api_url
    }

    /// The control API (`<sandbox base_url>/_sandbox`), always the sandbox itself.
    pub fn control(&self) -> &ControlClient {
        &self.control
    }

    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    pub fn client_secret(&self) -> &str {
        &self.client_secret
    }

    /// Whether the sandbox runs in this process.
    pub fn is_embedded(&self) -> bool {
        self.embedded.is_some()
    }
}

/// A sandbox for the test, with a client for it.
pub struct Env {
    pub sandbox: Target,
    /// For the tests that call the API by hand.
    pub http: reqwest::Client,
}

impl Env {
    /// A fresh embedded sandbox, or the external one reset (no orders, tokens, faults or stats).
    pub async fn start() -> Env {
        let env = Env { sandbox: Target::start().await, http: reqwest::Client::new() };
        if !env.sandbox.is_embedded() {
            env.reset().await;
        }
        env
    }

    /// A new client (its own token cache) for the sandbox.
    pub fn client(&self) -> Client {
        self.builder().build().expect("client builds")
    }

    /// A builder for the sandbox, strict: our own suites prove that the sandbox answers exactly
    /// as the spec says (a deviation fails the call).
    pub fn builder(&self) -> npay_order::ClientBuilder {
        Client::builder()
            .client_id(self.sandbox.client_id())
            .client_secret(self.sandbox.client_secret())
            .base_url(self.sandbox.base_url())
            .strict(true)
    }

    /// A client as users get it: tolerant of answers that deviate from the spec.
    pub fn tolerant_client(&self) -> Client {
        self.builder().strict(false).build().expect("client builds")
    }

    /// The typed control client (`npay_sandbox::control_api`).
    pub fn control_api(&self) -> &ControlClient {
        self.sandbox.control()
    }

    /// A control-API call by method and path below `_sandbox/` (the scenarios name them as
    /// data), which must succeed.
    pub async fn control(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        match self.control_api().call(method, path, body.as_ref()).await {
            Ok(answer) => answer,
            Err(e) => panic!("control {path}: {e}"),
        }
    }

    /// Creates `count` paid orders of one product each; returns their product order ids.
    pub async fn paid_orders(&self, count: usize) -> Vec<String> {
        self.control_api().paid_orders(count as u32).await.expect("orders are created")
    }

    pub async fn event(&self, product_order_id: &str, event: &str) {
        if let Err(e) = self.control_api().event(product_order_id, event).await {
            panic!("event {event}: {e}");
        }
    }

    pub async fn stats(&self) -> Stats {
        self.control_api().stats().await.expect("stats")
    }

    pub async fn faults(&self, faults: Faults) {
        self.control_api().set_faults(&faults).await.expect("faults are set");
    }

    pub async fn advance_clock(&self, seconds: i64) {
        self.control_api().advance_clock(seconds as f64).await.expect("the clock moves");
    }

    pub async fn reset(&self) {
        self.control_api().reset().await.expect("the sandbox resets");
    }
}
