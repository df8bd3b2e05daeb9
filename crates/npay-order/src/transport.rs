//! The transport: one operation's HTTP attempts through the generated client — per-call
//! settings, error mapping, retries where safe, and the tolerant read of answers the generated
//! types refuse. It knows nothing of tokens: the caller hands it the request's
//! [`CallContext`](api::CallContext) (the token manager's own request goes without one), so the
//! client depends on the token manager and both on this, with no cycle.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use npay_order_api as api;
use npay_order_api::types::ErrorResponse;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

use crate::config::Config;
use crate::drift::{Deviation, DriftLog, DriftReport};
use crate::error::{ApiError, ConnectionError, NpayError, RequestSent, Result};
use crate::response::{Response, ResponseMeta, TRACE_ID_HEADER, TolerantParts};
use crate::retry::{self, Effect};
use crate::tolerant;

/// Settings of individual calls, set with [`crate::Client::with_timeout`] /
/// [`crate::Client::with_max_retries`].
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct CallOptions {
    pub(crate) timeout: Option<Duration>,
    pub(crate) max_retries: Option<u32>,
}

/// The generated client with the settings every attempt needs, and the drift log that counts
/// what answers deviated.
pub(crate) struct Transport {
    api: Arc<api::Client>,
    max_retries: u32,
    max_retry_delay: Duration,
    strict: bool,
    drift: DriftLog,
}

impl Transport {
    pub(crate) fn new(config: &Config, api: Arc<api::Client>) -> Self {
        Transport {
            api,
            max_retries: config.max_retries,
            max_retry_delay: config.max_retry_delay,
            strict: config.strict,
            drift: DriftLog::default(),
        }
    }

    /// Every deviation seen so far (see [`crate::drift`]).
    pub(crate) fn drift_report(&self) -> DriftReport {
        self.drift.report()
    }

    /// One operation's attempts: the call with `context` (its bearer token, if any), error
    /// mapping, and retries where [`retry::is_retryable`] allows. Knows nothing of tokens.
    pub(crate) async fn send<T, F, Fut>(
        &self,
        operation: &'static str,
        effect: Effect,
        context: api::CallContext,
        options: CallOptions,
        call: &F,
    ) -> Result<Response<T>>
    where
        T: DeserializeOwned,
        F: Fn(Arc<api::Client>) -> Fut,
        Fut: Future<Output = std::result::Result<api::ResponseValue<T>, api::Error<ErrorResponse>>>,
    {
        let max_retries = options.max_retries.unwrap_or(self.max_retries);
        let mut retries = 0;
        loop {
            let probe = context.clone();
            let outcome = context.clone().with_timeout(options.timeout).scope(call(self.api.clone())).await;
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
            if retries < max_retries
                && retry::is_retryable(effect, &error)
                && let Some(wait) = retry::delay(retries, &error, self.max_retry_delay)
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

impl Transport {
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
        let Some(shape) = api::shapes::response_shape(operation) else {
            return Err(unexpected("the body does not match the spec".to_owned()));
        };
        if self.strict {
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
