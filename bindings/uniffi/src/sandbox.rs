//! The embedded sandbox: the local emulator of the API (`npay-sandbox`) started inside the
//! process on a free port, with helpers for its control API, so that Kotlin and
//! Swift users write integration tests with no Naver credentials. `Sandbox.connect` gives the same
//! helpers for a sandbox that runs elsewhere (the `npay-sandbox` binary, e.g. in a container).
//!
//! The emulator runs on its own runtime thread; the control helpers go through the project's one
//! typed control client (`npay_sandbox::control_api`), as every other language's do.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;

use npay_sandbox::control_api::{
    ControlClient, ControlError, CreateOrders, Faults, InitialStatus, Method, error_chain,
};
use serde_json::Value;

use crate::client::{Client, ClientConfig};
use crate::error::NpayError;
use crate::task::on_runtime;

pub use crate::generated::SandboxEvent;

/// Orders made by [`Sandbox::create_orders`].
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct CreatedOrders {
    /// One id per order.
    pub order_ids: Vec<String>,
    /// Every product order of those orders.
    pub product_order_ids: Vec<String>,
}

/// Injected failures (`PUT faults`). A fault injected before processing leaves no side effect.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct SandboxFaults {
    /// Share of requests answered 500/503, 0.0–1.0.
    #[uniffi(default = 0.0)]
    pub server_error_rate: f64,
    /// Share of requests answered 429.
    #[uniffi(default = 0.0)]
    pub rate_limit_rate: f64,
    /// Share of connections reset.
    #[uniffi(default = 0.0)]
    pub reset_rate: f64,
    /// Added latency per request, in milliseconds.
    #[uniffi(default = 0)]
    pub latency_ms: i64,
    /// Seed of the fault draws, for repeatable runs.
    #[uniffi(default = None)]
    pub seed: Option<i64>,
}

/// What the sandbox has seen (`GET stats`).
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct SandboxStats {
    /// Tokens issued so far.
    pub tokens_issued: i64,
    /// Requests by operationId (`issueToken` included).
    pub requests: HashMap<String, i64>,
    /// Mutations actually applied, by operationId.
    pub mutations_applied: HashMap<String, i64>,
}

/// A running local emulator of the API: started in this process by the constructor (stopped by
/// `shutdown()`, or when released), or one running elsewhere that `connect` attached to (left
/// running).
#[derive(uniffi::Object)]
pub struct Sandbox {
    target: Target,
    control: ControlClient,
}

/// Where the sandbox runs.
enum Target {
    /// Started by this object, stopped with it.
    Embedded(npay_sandbox::Sandbox),
    /// A sandbox this object did not start (`Sandbox.connect`).
    Attached {
        /// The sandbox's own base URL, without a trailing `/`.
        base_url: String,
        /// What clients are given: a proxy in front of the sandbox, or `base_url`.
        api_url: String,
        client_id: String,
        client_secret: String,
    },
}

/// A URL argument of `connect`: absolute `http(s)`, returned without its trailing `/`.
fn url_argument(name: &str, value: &str) -> Result<String, NpayError> {
    let trimmed = value.trim().trim_end_matches('/');
    let parsed =
        reqwest::Url::parse(trimmed).map_err(|e| NpayError::invalid(name, format!("{value:?} is not a URL: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(NpayError::invalid(name, format!("{value:?} is not an http(s) URL")));
    }
    Ok(trimmed.to_owned())
}

fn control_client(sandbox_url: &str) -> Result<ControlClient, NpayError> {
    ControlClient::new(sandbox_url).map_err(|e| control_error(&e))
}

/// A failed control call, typed by what happened: the sandbox's refusal keeps its status (400
/// `BadRequestError`, 404 `NotFoundError`, any other `ApiError`); no answer is an
/// `ApiConnectionError`.
fn control_error(error: &ControlError) -> NpayError {
    let text = error_chain(error);
    let message = format!("sandbox {text}");
    match error {
        ControlError::Refused { status, .. } => {
            let type_name = match status {
                400 => "BadRequestError",
                404 => "NotFoundError",
                _ => "ApiError",
            };
            NpayError::other(type_name, message, Some(i32::from(*status)))
        }
        ControlError::Unexpected { .. } => NpayError::unexpected("sandbox control", text),
        ControlError::InvalidUrl(_) => NpayError::invalid("baseUrl", message),
        ControlError::Unreachable { .. } => NpayError::other("ApiConnectionError", message, None),
    }
}

/// A count of the FFI (`i32`/`i64`) as the control API's `u32`/`u64`; negative is bad input.
fn non_negative<T: TryFrom<i64>>(name: &str, value: i64) -> Result<T, NpayError> {
    T::try_from(value).map_err(|_| NpayError::invalid(name, format!("must be between 0 and its maximum, not {value}")))
}

#[uniffi::export]
impl Sandbox {
    /// Starts a sandbox on a free port of 127.0.0.1. `seed` makes its generated data repeatable;
    /// the credentials default to `sandbox-client-id` / `$2a$04$sandboxsecretsandboxse`.
    #[uniffi::constructor(default(seed = None, client_id = None, client_secret = None))]
    pub fn new(
        seed: Option<i64>,
        client_id: Option<String>,
        client_secret: Option<String>,
    ) -> Result<Arc<Self>, NpayError> {
        let mut config = npay_sandbox::SandboxConfig { seed: seed.map(|s| s as u64), ..Default::default() };
        if let Some(id) = client_id {
            config.client_id = id;
        }
        if let Some(secret) = client_secret {
            config.client_secret = secret;
        }
        let inner = npay_sandbox::Sandbox::start_blocking(config).map_err(|e| match e {
            npay_sandbox::SandboxError::InvalidConfig(message) => NpayError::invalid("sandbox", message),
            other => NpayError::other("ApiConnectionError", other.to_string(), None),
        })?;
        let control = control_client(inner.base_url())?;
        Ok(Arc::new(Sandbox { target: Target::Embedded(inner), control }))
    }

    /// Attaches to a sandbox that is already running (the `npay-sandbox` binary, e.g. in a
    /// container), for the same helpers: `client()`, `reset()` and the rest of the control API.
    ///
    /// `base_url` is the sandbox's own base URL, as it prints it
    /// (`http://127.0.0.1:PORT/npay/partner`); its control API is `<baseUrl>/_sandbox/…`, always
    /// called directly. `api_url` is the base URL `client()` gives clients, e.g. a proxy in front
    /// of the sandbox (default: `base_url`). The credentials default to the sandbox's defaults
    /// (`sandbox-client-id` / `$2a$04$sandboxsecretsandboxse`); give the ones it was started with
    /// otherwise. Nothing is sent here: a sandbox that is not there shows on the first call
    /// (`ApiConnectionError`). `shutdown()` and releasing the object leave that sandbox running.
    #[uniffi::constructor(default(api_url = None, client_id = None, client_secret = None))]
    pub fn connect(
        base_url: String,
        api_url: Option<String>,
        client_id: Option<String>,
        client_secret: Option<String>,
    ) -> Result<Arc<Self>, NpayError> {
        let base_url = url_argument("baseUrl", &base_url)?;
        let api_url = match api_url {
            Some(url) => url_argument("apiUrl", &url)?,
            None => base_url.clone(),
        };
        let client_id = client_id.unwrap_or_else(|| npay_sandbox::DEFAULT_CLIENT_ID.to_owned());
        if client_id.is_empty() {
            return Err(NpayError::invalid("clientId", "must not be empty"));
        }
        let client_secret = client_secret.unwrap_or_else(|| npay_sandbox::DEFAULT_CLIENT_SECRET.to_owned());
        let control = control_client(&base_url)?;
        Ok(Arc::new(Sandbox { target: Target::Attached { base_url, api_url, client_id, client_secret }, control }))
    }

    /// The base URL a client is given (`http://127.0.0.1:PORT/npay/partner`): the sandbox's own,
    /// or the `apiUrl` given to `connect` (e.g. a proxy in front of the sandbox). `client()` uses it.
    pub fn base_url(&self) -> String {
        match &self.target {
            Target::Embedded(inner) => inner.base_url().to_owned(),
            Target::Attached { api_url, .. } => api_url.clone(),
        }
    }

    /// The sandbox's own base URL; the control API is below it. The same as `baseUrl()` unless
    /// `connect` was given an `apiUrl`.
    pub fn sandbox_url(&self) -> String {
        match &self.target {
            Target::Embedded(inner) => inner.base_url().to_owned(),
            Target::Attached { base_url, .. } => base_url.clone(),
        }
    }

    /// The base URL of the control API (`<sandboxUrl>/_sandbox`).
    pub fn control_url(&self) -> String {
        format!("{}/_sandbox", self.sandbox_url())
    }

    /// The application id the sandbox accepts.
    pub fn client_id(&self) -> String {
        match &self.target {
            Target::Embedded(inner) => inner.client_id().to_owned(),
            Target::Attached { client_id, .. } => client_id.clone(),
        }
    }

    /// The application secret the sandbox verifies signatures with (a test value, not a real one).
    pub fn client_secret(&self) -> String {
        match &self.target {
            Target::Embedded(inner) => inner.client_secret().to_owned(),
            Target::Attached { client_secret, .. } => client_secret.clone(),
        }
    }

    /// The data seed in use; `null` (`nil`) for a sandbox attached by `connect`, whose seed is
    /// the process's own.
    pub fn seed(&self) -> Option<i64> {
        match &self.target {
            Target::Embedded(inner) => Some(inner.seed() as i64),
            Target::Attached { .. } => None,
        }
    }

    /// A client of this sandbox: `baseUrl()` and the sandbox's credentials; `strict` refuses
    /// answers that deviate from the spec (a suite proving the sandbox conforms sets it).
    #[uniffi::method(default(max_retries = None, strict = None))]
    pub fn client(&self, max_retries: Option<i32>, strict: Option<bool>) -> Result<Arc<Client>, NpayError> {
        Client::new(ClientConfig {
            client_id: Some(self.client_id()),
            client_secret: Some(self.client_secret()),
            environment: None,
            base_url: Some(self.base_url()),
            timeout_ms: None,
            max_retries,
            strict,
        })
    }

    /// Stops a sandbox this object started (idempotent); calls made afterwards fail with
    /// `ApiConnectionError`. Does nothing to a sandbox attached by `connect`: it keeps running.
    pub fn shutdown(&self) {
        if let Target::Embedded(inner) = &self.target {
            inner.shutdown();
        }
    }
}

impl Sandbox {
    /// Runs a control call on the runtime's threads ([`crate::task`]), as the client's calls run,
    /// and types its failure ([`control_error`]).
    async fn on_control<T, F, Fut>(&self, call: F) -> Result<T, NpayError>
    where
        T: Send + 'static,
        F: FnOnce(ControlClient) -> Fut,
        Fut: Future<Output = Result<T, ControlError>> + Send + 'static,
    {
        on_runtime(call(self.control.clone())).await.map_err(|e| control_error(&e))
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl Sandbox {
    /// Any control call: `method` and `path` below `_sandbox/` (`"POST"`, `"orders"`), with an
    /// optional JSON body; returns the JSON answer as text.
    #[uniffi::method(default(body_json = None))]
    pub async fn control(&self, method: String, path: String, body_json: Option<String>) -> Result<String, NpayError> {
        let method = Method::from_bytes(method.to_ascii_uppercase().as_bytes())
            .map_err(|_| NpayError::invalid("method", format!("{method:?} is not an HTTP method")))?;
        let body = body_json
            .map(|text| {
                serde_json::from_str::<Value>(&text)
                    .map_err(|e| NpayError::invalid("bodyJson", format!("not JSON: {e}")))
            })
            .transpose()?;
        let answer = self.on_control(|control| async move { control.call(method, &path, body.as_ref()).await }).await?;
        Ok(answer.to_string())
    }

    /// Creates `count` orders of `productsPerOrder` product orders each, `PAYED` (default) or
    /// `PAYMENT_WAITING`.
    #[uniffi::method(default(count = 1, status = None, products_per_order = None))]
    pub async fn create_orders(
        &self,
        count: i32,
        status: Option<String>,
        products_per_order: Option<i32>,
    ) -> Result<CreatedOrders, NpayError> {
        let status = match status.as_deref() {
            None => InitialStatus::default(),
            Some(text) => InitialStatus::parse(text).ok_or_else(|| {
                NpayError::invalid("status", format!("must be PAYED or PAYMENT_WAITING, not {text:?}"))
            })?,
        };
        let request = CreateOrders {
            count: non_negative("count", i64::from(count))?,
            status,
            products_per_order: non_negative("productsPerOrder", i64::from(products_per_order.unwrap_or(1)))?,
        };
        let created = self.on_control(|control| async move { control.create_orders(&request).await }).await?;
        Ok(CreatedOrders { order_ids: created.order_ids, product_order_ids: created.product_order_ids })
    }

    /// Makes a buyer, courier or time event happen to a product order.
    pub async fn event(&self, product_order_id: String, event: SandboxEvent) -> Result<(), NpayError> {
        self.on_control(|control| async move { control.event(&product_order_id, event.path()).await.map(drop) }).await
    }

    /// Moves the sandbox's clock forward (token expiry, timestamps of data and changes).
    pub async fn advance_clock(&self, seconds: i64) -> Result<(), NpayError> {
        self.on_control(|control| async move { control.advance_clock(seconds as f64).await.map(drop) }).await
    }

    /// Injects failures from now on; `SandboxFaults()` turns them off.
    pub async fn set_faults(&self, faults: SandboxFaults) -> Result<(), NpayError> {
        let faults = Faults {
            server_error_rate: faults.server_error_rate,
            rate_limit_rate: faults.rate_limit_rate,
            reset_rate: faults.reset_rate,
            latency_ms: non_negative("latencyMs", faults.latency_ms)?,
            seed: faults.seed.map(|seed| non_negative("seed", seed)).transpose()?,
        };
        self.on_control(|control| async move { control.set_faults(&faults).await.map(drop) }).await
    }

    /// What the sandbox has seen: tokens issued, requests and applied mutations per operation.
    pub async fn stats(&self) -> Result<SandboxStats, NpayError> {
        let stats = self.on_control(|control| async move { control.stats().await }).await?;
        // Counts beyond i64 cannot happen in a test run; saturate rather than wrap.
        let count = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
        let by_operation =
            |m: std::collections::BTreeMap<String, u64>| m.into_iter().map(|(k, v)| (k, count(v))).collect();
        Ok(SandboxStats {
            tokens_issued: count(stats.tokens_issued),
            requests: by_operation(stats.requests),
            mutations_applied: by_operation(stats.mutations_applied),
        })
    }

    /// Forgets every order, token, fault and counter.
    pub async fn reset(&self) -> Result<(), NpayError> {
        self.on_control(|control| async move { control.reset().await }).await
    }
}
