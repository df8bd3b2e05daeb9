//! The native client behind `Client` of `lib/`: one generic `call` for every operation, a pager
//! per iterator, and `close()`.
//!
//! Parameters arrive as the JSON text of an object with the API's camelCase keys (the JavaScript
//! side has already turned `Date`s into `+09:00` strings while stringifying); the core checks them
//! against the spec before anything is sent. Results go back as JSON text, serialised on the
//! runtime and parsed by `JSON.parse` (see `convert.rs` for why).

use std::sync::RwLock;
use std::time::Duration;

use napi::Env;
use napi::bindgen_prelude::{PromiseRaw, Unknown};
use napi_derive::napi;
use npay_order::json::JsonPager;
use npay_order::{Client, Environment, NpayError};

use crate::convert::{raw_to_js, text_to_js, to_text};
use crate::error::{ErrorParts, from_npay, to_js};
use crate::pager::NativePager;
use crate::runtime::spawn;

/// How to build a client; every field is optional (credentials fall back to `NPAY_CLIENT_ID` /
/// `NPAY_CLIENT_SECRET`). Types are checked by `lib/` before this is built.
#[napi(object)]
pub struct ClientConfig {
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    /// `"production"` (default) or `"sandbox"`.
    pub environment: Option<String>,
    /// Overrides `environment`; HTTPS unless loopback.
    pub base_url: Option<String>,
    /// Whole-request timeout per attempt, in milliseconds (default 30 000).
    pub timeout_ms: Option<f64>,
    /// Retries after the first attempt where safe (default 2).
    pub max_retries: Option<u32>,
    /// Fail a call whose answer deviates from the spec instead of reading it tolerantly.
    pub strict: Option<bool>,
}

/// A client of the API. Clones of the core client share the connection pool and the token.
#[napi]
pub struct NativeClient {
    /// `None` once closed.
    client: RwLock<Option<Client>>,
    base_url: String,
    client_id: String,
}

fn build(config: ClientConfig) -> Result<Client, ErrorParts> {
    let mut builder = Client::builder().language("node");
    if let Some(id) = config.client_id {
        builder = builder.client_id(id);
    }
    if let Some(secret) = config.client_secret {
        builder = builder.client_secret(secret);
    }
    if let Some(environment) = config.environment {
        builder = builder.environment(Environment::parse(&environment).map_err(|e| ErrorParts::from(&e))?);
    }
    if let Some(base_url) = config.base_url {
        builder = builder.base_url(base_url);
    }
    if let Some(ms) = config.timeout_ms {
        // `Duration::from_secs_f64` panics on negative, NaN or huge values: refuse them first.
        if !(ms.is_finite() && ms > 0.0 && ms <= 86_400_000.0) {
            return Err(ErrorParts::invalid("timeoutMs", "must be a number of milliseconds between 1 and 86400000"));
        }
        builder = builder.timeout(Duration::from_secs_f64(ms / 1000.0));
    }
    if let Some(retries) = config.max_retries {
        builder = builder.max_retries(retries);
    }
    if let Some(strict) = config.strict {
        builder = builder.strict(strict);
    }
    builder.build().map_err(|e| ErrorParts::from(&e))
}

fn parse_params(operation_id: &str, params: &str) -> Result<serde_json::Value, NpayError> {
    serde_json::from_str(params).map_err(|e| NpayError::invalid(operation_id, format!("parameters are not JSON: {e}")))
}

impl NativeClient {
    /// The core client, for the watcher.
    pub(crate) fn core(&self) -> Result<Client, ErrorParts> {
        self.client()
    }

    fn client(&self) -> Result<Client, ErrorParts> {
        let guard = self.client.read().unwrap_or_else(|poisoned| poisoned.into_inner());
        guard.clone().ok_or_else(|| ErrorParts::invalid("client", "the client is closed"))
    }
}

#[napi]
impl NativeClient {
    /// Checks the configuration offline (secret format, URL scheme) and builds the client.
    #[napi(constructor, catch_unwind)]
    pub fn new(env: Env, config: ClientConfig) -> napi::Result<Self> {
        let client = build(config).map_err(|parts| to_js(&env, parts))?;
        Ok(NativeClient {
            base_url: client.config().base_url.clone(),
            client_id: client.config().client_id.clone(),
            client: RwLock::new(Some(client)),
        })
    }

    /// The base URL calls go to.
    #[napi(getter)]
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    /// The application id (not a secret).
    #[napi(getter)]
    pub fn client_id(&self) -> String {
        self.client_id.clone()
    }

    /// Whether `close()` was called.
    #[napi(getter)]
    pub fn closed(&self) -> bool {
        self.client.read().unwrap_or_else(|poisoned| poisoned.into_inner()).is_none()
    }

    /// Calls `operation_id` with its parameters as JSON text; resolves to the envelope's `data` as
    /// JSON text, or with `raw` to `{ data /* JSON text */, status, headers, traceId, timestamp }`.
    #[napi(
        catch_unwind,
        ts_return_type = "Promise<string | { data: string, status: number, headers: Record<string, string>, traceId: string | null, timestamp: string | null }>"
    )]
    pub fn call<'env>(
        &self,
        env: &'env Env,
        operation_id: String,
        params: String,
        raw: bool,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let client = self.client();
        let work = async move {
            let client = client?;
            let params = parse_params(&operation_id, &params).map_err(|e| ErrorParts::from(&e))?;
            // The typed data is written as JSON text in one pass (no `serde_json::Value` tree).
            let response = client.call_data(&operation_id, params).await.map_err(|e| ErrorParts::from(&e))?;
            let (data, meta) = response.into_parts();
            Ok((to_text(&*data)?, meta))
        };
        spawn(env, work, move |env, (data, meta)| if raw { raw_to_js(env, data, meta) } else { text_to_js(env, data) })
    }

    /// A pager of the iterator `name` (`iterLastChangedStatuses`, `iterSearchProductOrders`).
    #[napi(catch_unwind)]
    pub fn pager(&self, env: Env, name: String, params: String) -> napi::Result<NativePager> {
        let made = self.client().and_then(|client| {
            let params = parse_params(&name, &params).map_err(|e| ErrorParts::from(&e))?;
            JsonPager::new(&client, &name, params).map_err(|e| ErrorParts::from(&e))
        });
        match made {
            Ok(pager) => Ok(NativePager::new(pager)),
            Err(parts) => Err(to_js(&env, parts)),
        }
    }

    /// The client's drift report as JSON text: every deviation from the spec seen in answers.
    #[napi(catch_unwind)]
    pub fn drift_report(&self, env: Env) -> napi::Result<String> {
        let client = self.client().map_err(|parts| to_js(&env, parts))?;
        Ok(serde_json::to_string(&client.drift_report().entries).unwrap_or_else(|_| "[]".to_owned()))
    }

    /// Closes the client: later calls fail with `InvalidRequestError`; calls in flight finish.
    /// The connection pool closes when the last of them does. Idempotent.
    #[napi]
    pub fn close(&self) {
        self.client.write().unwrap_or_else(|poisoned| poisoned.into_inner()).take();
    }
}

/// `client_secret_sign` for a token request: `base64(bcrypt(clientId + "_" + timestampMs, salt = clientSecret))`.
#[napi(catch_unwind)]
pub fn sign(env: Env, client_id: String, client_secret: String, timestamp_ms: i64) -> napi::Result<String> {
    npay_order::sign(&client_id, &client_secret, timestamp_ms).map_err(|e| from_npay(&env, &e))
}
