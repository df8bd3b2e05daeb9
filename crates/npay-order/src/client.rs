//! The client: configuration, the shared token cache, and the executor every operation runs
//! through (token, per-call settings, error mapping, retries, one token re-issue on 401).

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use npay_order_api as api;
use npay_order_api::types::ErrorResponse;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

use crate::config::{ClientBuilder, Config, user_agent};
use crate::drift::{Deviation, DriftLog, DriftReport};
use crate::error::{ApiError, ConnectionError, NpayError, RequestSent, Result};
use crate::response::{Response, ResponseMeta, TRACE_ID_HEADER, TolerantParts};
use crate::retry::{self, Effect};
use crate::token::TokenManager;
use crate::{generated_shapes, tolerant};

/// Settings of individual calls, set with [`Client::with_timeout`] / [`Client::with_max_retries`].
#[derive(Clone, Copy, Debug, Default)]
struct CallOptions {
    timeout: Option<Duration>,
    max_retries: Option<u32>,
}

/// Whether a request carries the bearer token.
pub(crate) enum Auth {
    /// Every API call.
    Bearer,
    /// The token request itself.
    None,
}

pub(crate) struct Inner {
    pub(crate) config: Config,
    api: Arc<api::Client>,
    tokens: TokenManager,
    drift: DriftLog,
}

/// A client of the Naver Pay order API. Cheap to clone; clones share the connection pool and
/// the token.
///
/// Every operation of the spec is a method taking its `…Params` (see [`crate::ops`]) and
/// returning the envelope's `data` in a [`Response`].
///
/// ```no_run
/// # async fn demo() -> npay_order::Result<()> {
/// use npay_order::{Client, Timestamp};
/// use npay_order::ops::ListLastChangedStatusesParams;
///
/// let client = Client::builder().client_id("my-app-id").client_secret("$2a$04$abcdefghijklmnopqrstuu").build()?;
/// let since: Timestamp = "2026-11-27T09:00:00.000+09:00".parse().unwrap();
/// let changes = client.list_last_changed_statuses(ListLastChangedStatusesParams::new(since)).await?;
/// for change in &changes.last_change_statuses {
///     println!("{} is now {}", change.product_order_id, change.product_order_status);
/// }
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    options: CallOptions,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.config.base_url)
            .field("client_id", &self.inner.config.client_id)
            .field("client_secret", &"<redacted>")
            .field("options", &self.options)
            .finish()
    }
}

impl Client {
    /// Starts building a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    pub(crate) fn from_config(config: Config) -> Result<Self> {
        let http = reqwest::Client::builder()
            .user_agent(user_agent(&config.language))
            .connect_timeout(config.connect_timeout)
            .timeout(config.timeout)
            .tcp_nodelay(true)
            .pool_idle_timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| NpayError::invalid("http", format!("cannot build the HTTP client: {e}")))?;
        let api = Arc::new(api::Client::new_with_client(&config.base_url, http));
        Ok(Client {
            inner: Arc::new(Inner { config, api, tokens: TokenManager::default(), drift: DriftLog::default() }),
            options: CallOptions::default(),
        })
    }

    /// The configuration (the secret inside is redacted in `Debug`).
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// A client whose calls use this whole-request timeout per attempt (sharing pool and token).
    pub fn with_timeout(&self, timeout: Duration) -> Client {
        Client { inner: self.inner.clone(), options: CallOptions { timeout: Some(timeout), ..self.options } }
    }

    /// A client whose calls retry at most `max_retries` times (sharing pool and token).
    pub fn with_max_retries(&self, max_retries: u32) -> Client {
        Client { inner: self.inner.clone(), options: CallOptions { max_retries: Some(max_retries), ..self.options } }
    }

    /// Every deviation from the spec this client (and its clones) has seen in answers, with counts
    /// and when each was first seen. Holds no value from an answer. See [`crate::drift`].
    pub fn drift_report(&self) -> DriftReport {
        self.inner.drift.report()
    }

    /// Gets a token now (normally done on the first call), e.g. to fail fast on bad credentials.
    pub async fn authenticate(&self) -> Result<()> {
        self.inner.tokens.get(&self.inner).await.map(|_| ())
    }

    /// Runs one generated call with the token, retries and error mapping. Used by the generated
    /// operations.
    pub(crate) async fn execute<T, F, Fut>(
        &self,
        operation: &'static str,
        effect: Effect,
        call: F,
    ) -> Result<Response<T>>
    where
        T: DeserializeOwned,
        F: Fn(Arc<api::Client>) -> Fut,
        Fut: Future<Output = std::result::Result<api::ResponseValue<T>, api::Error<ErrorResponse>>>,
    {
        self.inner.execute_with(operation, effect, Auth::Bearer, self.options, call).await
    }
}

impl Inner {
    pub(crate) async fn execute<T, F, Fut>(
        &self,
        operation: &'static str,
        effect: Effect,
        auth: Auth,
        call: F,
    ) -> Result<Response<T>>
    where
        T: DeserializeOwned,
        F: Fn(Arc<api::Client>) -> Fut,
        Fut: Future<Output = std::result::Result<api::ResponseValue<T>, api::Error<ErrorResponse>>>,
    {
        self.execute_with(operation, effect, auth, CallOptions::default(), call).await
    }

    async fn execute_with<T, F, Fut>(
        &self,
        operation: &'static str,
        effect: Effect,
        auth: Auth,
        options: CallOptions,
        call: F,
    ) -> Result<Response<T>>
    where
        T: DeserializeOwned,
        F: Fn(Arc<api::Client>) -> Fut,
        Fut: Future<Output = std::result::Result<api::ResponseValue<T>, api::Error<ErrorResponse>>>,
    {
        let max_retries = options.max_retries.unwrap_or(self.config.max_retries);
        let mut retries = 0;
        let mut reissued = false;
        loop {
            let token = match auth {
                Auth::Bearer => Some(self.tokens.get(self).await?),
                Auth::None => None,
            };
            let context = match &token {
                Some(token) => api::CallContext::bearer(token).map_err(|_| NpayError::UnexpectedResponse {
                    operation: "issueToken",
                    status: 200,
                    message: "the issued token is not a valid header value".to_owned(),
                    trace_id: None,
                })?,
                None => api::CallContext::default(),
            };
            let probe = context.clone();
            let outcome = context.with_timeout(options.timeout).scope(call(self.api.clone())).await;
            let error = match outcome {
                Err(api::Error::InvalidResponsePayload(body, _)) => {
                    // The body did not decode into the generated types (the fast path); see why.
                    let (status, headers) = probe.answer().unwrap_or((200, HeaderMap::new()));
                    if (200..300).contains(&status) {
                        return self.read_tolerantly(operation, ResponseMeta::new(status, headers), &body);
                    }
                    NpayError::from_error_body(operation, status, &body, trace_id_of(&headers))
                }
                Ok(value) => {
                    let meta = ResponseMeta::new(value.status().as_u16(), value.headers().clone());
                    tracing::debug!(
                        operation,
                        status = meta.status,
                        trace_id = meta.trace_id.as_deref(),
                        "call succeeded"
                    );
                    return Ok(Response::new(value.into_inner(), meta));
                }
                Err(error) => to_npay_error(operation, error).await,
            };
            tracing::debug!(operation, retries, error = %error, "call failed");
            if let (Some(token), NpayError::Authentication(api)) = (&token, &error)
                && api.code == "GW.AUTHN"
                && !reissued
            {
                // The token expired or was revoked early: re-issue once and call again.
                self.tokens.invalidate(token);
                reissued = true;
                continue;
            }
            if retries < max_retries
                && retry::is_retryable(effect, &error)
                && let Some(wait) = retry::delay(retries, &error, self.config.max_retry_delay)
            {
                tracing::info!(operation, retry = retries + 1, wait_ms = wait.as_millis() as u64, error = %error, "retrying");
                tokio::time::sleep(wait).await;
                retries += 1;
                continue;
            }
            return Err(error);
        }
    }
}

impl Inner {
    /// The slow path of a successful answer that did not decode into the generated types: read it
    /// tolerantly (or, strict, fail naming every deviation), and count what deviated.
    fn read_tolerantly<T: DeserializeOwned>(
        &self,
        operation: &'static str,
        meta: ResponseMeta,
        body: &[u8],
    ) -> Result<Response<T>> {
        let unexpected = |message: String| NpayError::UnexpectedResponse {
            operation,
            status: meta.status,
            message,
            trace_id: meta.trace_id.clone(),
        };
        let Some(shape) = generated_shapes::response_shape(operation) else {
            return Err(unexpected("the body does not match the spec".to_owned()));
        };
        if self.config.strict {
            let deviations = match tolerant::deviations(operation, shape, body) {
                Ok(deviations) => deviations,
                Err(unusable) => {
                    self.drift.record(&unusable.deviations);
                    return Err(unexpected(unusable.message));
                }
            };
            self.drift.record(&deviations);
            return Err(unexpected(strict_message(&deviations)));
        }
        match tolerant::decode::<T>(operation, shape, body) {
            Ok(read) => {
                self.drift.record(&read.deviations);
                tracing::debug!(operation, status = meta.status, deviations = read.deviations.len(), "read tolerantly");
                let parts = TolerantParts { value: read.value, original: read.original, deviations: read.deviations };
                Ok(Response::new(read.typed, meta).with_tolerant(parts))
            }
            Err(unusable) => {
                self.drift.record(&unusable.deviations);
                Err(unexpected(unusable.message))
            }
        }
    }
}

/// A strict read's error message: every distinct deviation, by path and type (never by value).
fn strict_message(deviations: &[Deviation]) -> String {
    let mut distinct: Vec<String> = deviations.iter().map(Deviation::to_string).collect();
    distinct.sort();
    distinct.dedup();
    if distinct.is_empty() {
        return "the body does not match the spec".to_owned();
    }
    format!("the answer deviates from the spec (strict): {}", distinct.join("; "))
}

fn trace_id_of(headers: &reqwest::header::HeaderMap) -> Option<String> {
    headers.get(TRACE_ID_HEADER).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

fn transport(operation: &'static str, error: reqwest::Error) -> NpayError {
    // Only a connection that was never made proves the request was not processed.
    let request_sent = if error.is_connect() { RequestSent::No } else { RequestSent::Maybe };
    let timed_out = error.is_timeout();
    let message = error.to_string();
    let error = ConnectionError { operation, request_sent, message, source: Some(Box::new(error)) };
    if timed_out { NpayError::Timeout(error) } else { NpayError::Connection(error) }
}

/// Maps what progenitor reports to the public error tree.
async fn to_npay_error(operation: &'static str, error: api::Error<ErrorResponse>) -> NpayError {
    match error {
        api::Error::InvalidRequest(message) => NpayError::invalid("request", message),
        api::Error::CommunicationError(e) | api::Error::InvalidUpgrade(e) => transport(operation, e),
        api::Error::ResponseBodyError(e) => {
            let mut error = transport(operation, e);
            if let NpayError::Connection(c) | NpayError::Timeout(c) = &mut error {
                c.request_sent = RequestSent::Maybe;
            }
            error
        }
        api::Error::ErrorResponse(value) => {
            let status = value.status().as_u16();
            let headers = value.headers().clone();
            let mut api_error = ApiError::from_body(operation, status, value.into_inner(), trace_id_of(&headers));
            api_error.retry_after = retry::retry_after(status, &headers);
            NpayError::from_api(api_error)
        }
        // Handled by the executor before it gets here (it knows the status); neither the body nor
        // serde's message is quoted: both can hold a buyer's data or a token.
        api::Error::InvalidResponsePayload(_, e) => NpayError::UnexpectedResponse {
            operation,
            status: 200,
            message: format!("the body does not match the spec ({:?} error)", e.classify()),
            trace_id: None,
        },
        api::Error::UnexpectedResponse(response) => {
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            let trace_id = trace_id_of(&headers);
            let body = response.bytes().await.unwrap_or_default();
            if (200..300).contains(&status) {
                return NpayError::UnexpectedResponse {
                    operation,
                    status,
                    message: "a status the spec does not list".to_owned(),
                    trace_id,
                };
            }
            let mut error = NpayError::from_error_body(operation, status, &body, trace_id);
            if let NpayError::RateLimit(e) | NpayError::Server(e) | NpayError::Api(e) = &mut error {
                e.retry_after = retry::retry_after(status, &headers);
            }
            error
        }
        api::Error::Custom(message) => NpayError::UnexpectedResponse { operation, status: 0, message, trace_id: None },
    }
}
