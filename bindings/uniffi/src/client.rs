//! The `Client` (built from a [`ClientConfig`] record), its per-call variants, and the raw view
//! that returns each call's `data` with its [`ResponseMeta`].
//!
//! The per-operation methods of [`Client`] and [`RawClient`] are generated (`generated.rs`);
//! this module holds what they share: [`Client::call`] and [`RawClient::call`], which run the
//! core's call on the runtime's threads ([`crate::task`]).

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde::de::DeserializeOwned;

use crate::error::NpayError;
use crate::json::{Params, decode};
use crate::task::on_runtime;

/// Which Naver Pay host to call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum Environment {
    /// `https://api.pay.naver.com/npay/partner` (the default).
    Production,
    /// `https://sandbox-api.pay.naver.com/npay/partner`: Naver's own sandbox for approved apps.
    Sandbox,
}

/// Everything a [`Client`] is built from. Every field is optional.
///
/// Its `toString()` / `description` never shows the secret.
#[derive(Clone, uniffi::Record)]
#[uniffi::export(Display)]
pub struct ClientConfig {
    /// Application id; default the `NPAY_CLIENT_ID` environment variable.
    #[uniffi(default = None)]
    pub client_id: Option<String>,
    /// Application secret (a bcrypt salt, `$2a$04$…`); default `NPAY_CLIENT_SECRET`.
    #[uniffi(default = None)]
    pub client_secret: Option<String>,
    /// Production (default) or Naver's sandbox; ignored when `baseUrl` is set.
    #[uniffi(default = None)]
    pub environment: Option<Environment>,
    /// Any base URL, e.g. the local emulator's; HTTPS is required except on loopback.
    #[uniffi(default = None)]
    pub base_url: Option<String>,
    /// Whole-request timeout of each attempt, in milliseconds; default 30 000.
    #[uniffi(default = None)]
    pub timeout_ms: Option<i64>,
    /// Retries after the first attempt where retrying is safe; default 2, 0 disables.
    #[uniffi(default = None)]
    pub max_retries: Option<i32>,
    /// Fail a call whose answer deviates from the spec (`NpayError`, naming each deviation's
    /// path) instead of reading it tolerantly; default false. For tests against the sandbox.
    #[uniffi(default = None)]
    pub strict: Option<bool>,
}

/// One way the API's answers differed from the spec (see `Client.driftReport()`). Never holds a
/// value from an answer.
#[derive(Clone, Debug, uniffi::Record)]
pub struct DriftEntry {
    /// The operation whose answer it was.
    pub operation: String,
    /// JSON path from the body's root, list indices collapsed (`data[].productOrder.totalPaymentAmount`).
    pub path: String,
    /// What the spec says is there (`integer`, `date-time`, `object ProductOrder`, `absent`).
    pub expected: String,
    /// What was there, as a JSON type (`string`, `number`, `null`, `absent`).
    pub seen: String,
    /// `coerced`, `emptied`, `missing` or `unknownField`.
    pub kind: String,
    /// How many times it was seen.
    pub count: u64,
    /// When it was first seen (ISO-8601, UTC).
    pub first_seen: String,
}

impl fmt::Display for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ClientConfig(clientId={:?}, clientSecret={}, environment={:?}, baseUrl={:?}, timeoutMs={:?}, maxRetries={:?}, strict={:?})",
            self.client_id,
            if self.client_secret.is_some() { "<redacted>" } else { "null" },
            self.environment,
            self.base_url,
            self.timeout_ms,
            self.max_retries,
            self.strict,
        )
    }
}

impl fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

fn timeout(timeout_ms: i64) -> Result<Duration, NpayError> {
    u64::try_from(timeout_ms).ok().filter(|ms| *ms > 0).map(Duration::from_millis).ok_or_else(|| {
        NpayError::invalid("timeoutMs", format!("must be a positive number of milliseconds, got {timeout_ms}"))
    })
}

fn retries(max_retries: i32) -> Result<u32, NpayError> {
    u32::try_from(max_retries)
        .map_err(|_| NpayError::invalid("maxRetries", format!("must be 0 or more, got {max_retries}")))
}

/// The raw side of a response: HTTP status, headers and Naver's trace id.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct ResponseMeta {
    /// HTTP status.
    pub status: i32,
    /// Response headers, names in lower case; repeated headers are joined with `", "`.
    pub headers: HashMap<String, String>,
    /// The envelope's `traceId`, or the `GNCP-GW-Trace-ID` header: what Naver support asks for.
    pub trace_id: Option<String>,
    /// The envelope's `timestamp` (ISO-8601 with `+09:00`).
    pub timestamp: Option<String>,
    /// The `data` exactly as the server sent it (JSON text), when the answer deviated from the
    /// spec: fields the records do not declare, and values that could not be coerced, are read
    /// here. `null` when the answer matched the spec (the records then hold all of it).
    pub raw_json: Option<String>,
}

impl From<npay_order::ResponseMeta> for ResponseMeta {
    fn from(meta: npay_order::ResponseMeta) -> Self {
        let mut headers: HashMap<String, String> = HashMap::new();
        for (name, value) in &meta.headers {
            let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
            headers
                .entry(name.as_str().to_owned())
                .and_modify(|joined| {
                    joined.push_str(", ");
                    joined.push_str(&value);
                })
                .or_insert(value);
        }
        ResponseMeta {
            status: i32::from(meta.status),
            headers,
            trace_id: meta.trace_id,
            timestamp: meta.timestamp,
            raw_json: None,
        }
    }
}

/// A client of the Naver Pay order API: one per application; cheap to share between threads and
/// coroutines (one connection pool, one cached token).
///
/// Every operation of the API is a `suspend` (Kotlin) / `async` (Swift) method named after its
/// operationId, taking path parameters first, then the others as named arguments, and returning
/// the response's `data` as records. Each limit of the spec is checked before anything is sent.
#[derive(uniffi::Object)]
#[uniffi::export(Display)]
pub struct Client {
    pub(crate) inner: npay_order::Client,
}

impl fmt::Display for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let config = self.inner.config();
        write!(f, "Client(baseUrl={:?}, clientId={:?})", config.base_url, config.client_id)
    }
}

impl Client {
    pub(crate) fn from_core(inner: npay_order::Client) -> Arc<Self> {
        Arc::new(Client { inner })
    }

    /// Calls `operation` and decodes its `data`: what every generated method does.
    /// The call and the decode into records both run on the runtime's threads ([`crate::task`]).
    pub(crate) async fn call<T: DeserializeOwned + Send + 'static>(
        &self,
        operation: &str,
        params: Params,
    ) -> Result<T, NpayError> {
        let (inner, operation) = (self.inner.clone(), operation.to_owned());
        on_runtime(async move {
            let data = inner.call_json(&operation, params.into_value()).await?.into_data();
            decode(&operation, data)
        })
        .await
    }
}

#[uniffi::export]
impl Client {
    /// Builds a client; checks everything that can be checked without the network (the secret
    /// must be a bcrypt salt, HTTPS unless loopback) and fails with `InvalidRequestError`.
    #[uniffi::constructor]
    pub fn new(config: ClientConfig) -> Result<Arc<Self>, NpayError> {
        let mut builder = npay_order::Client::builder().language("uniffi");
        if let Some(id) = config.client_id {
            builder = builder.client_id(id);
        }
        if let Some(secret) = config.client_secret {
            builder = builder.client_secret(secret);
        }
        builder = builder.environment(match config.environment.unwrap_or(Environment::Production) {
            Environment::Production => npay_order::Environment::Production,
            Environment::Sandbox => npay_order::Environment::Sandbox,
        });
        if let Some(url) = config.base_url {
            builder = builder.base_url(url);
        }
        if let Some(ms) = config.timeout_ms {
            builder = builder.timeout(timeout(ms)?);
        }
        if let Some(n) = config.max_retries {
            builder = builder.max_retries(retries(n)?);
        }
        if let Some(strict) = config.strict {
            builder = builder.strict(strict);
        }
        Ok(Client::from_core(builder.build()?))
    }

    /// The same client (pool and token shared) with another timeout per attempt and/or retry budget.
    #[uniffi::method(default(timeout_ms = None, max_retries = None))]
    pub fn with_options(&self, timeout_ms: Option<i64>, max_retries: Option<i32>) -> Result<Arc<Self>, NpayError> {
        let mut inner = self.inner.clone();
        if let Some(ms) = timeout_ms {
            inner = inner.with_timeout(timeout(ms)?);
        }
        if let Some(n) = max_retries {
            inner = inner.with_max_retries(retries(n)?);
        }
        Ok(Client::from_core(inner))
    }

    /// The same client, whose methods return each call's `data` together with its HTTP status,
    /// headers and trace id.
    pub fn with_raw_response(&self) -> Arc<RawClient> {
        Arc::new(RawClient { inner: self.inner.clone() })
    }

    /// The base URL every path is appended to.
    pub fn base_url(&self) -> String {
        self.inner.config().base_url.clone()
    }

    /// Every deviation from the spec this client has seen in answers, most frequent first.
    pub fn drift_report(&self) -> Vec<DriftEntry> {
        self.inner
            .drift_report()
            .entries
            .into_iter()
            .map(|entry| DriftEntry {
                operation: entry.deviation.operation,
                path: entry.deviation.path,
                expected: entry.deviation.expected,
                seen: entry.deviation.seen,
                kind: entry.deviation.kind.as_str().to_owned(),
                count: entry.count,
                first_seen: entry.first_seen.to_rfc3339(),
            })
            .collect()
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl Client {
    /// Gets a token now (normally done on the first call), e.g. to fail fast on bad credentials.
    pub async fn authenticate(&self) -> Result<(), NpayError> {
        let inner = self.inner.clone();
        Ok(on_runtime(async move { inner.authenticate().await }).await?)
    }
}

/// The raw-response view of a [`Client`] (`client.withRawResponse()`): the same operations, each
/// returning a `…Response` record with `data` and `meta` ([`ResponseMeta`]).
#[derive(uniffi::Object)]
pub struct RawClient {
    pub(crate) inner: npay_order::Client,
}

impl RawClient {
    /// Calls `operation` and decodes its `data`, keeping the response's meta.
    pub(crate) async fn call<T: DeserializeOwned + Send + 'static>(
        &self,
        operation: &str,
        params: Params,
    ) -> Result<(T, ResponseMeta), NpayError> {
        let (inner, operation) = (self.inner.clone(), operation.to_owned());
        on_runtime(async move {
            let response = inner.call_json(&operation, params.into_value()).await?;
            let raw_json = response.raw_json().map(|raw| raw.to_string());
            let (data, meta) = response.into_parts();
            Ok((decode(&operation, data)?, ResponseMeta { raw_json, ..meta.into() }))
        })
        .await
    }
}
