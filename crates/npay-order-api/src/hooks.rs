//! What happens to every request the generated client builds, before it is sent.
//!
//! The generated methods take only the API's own parameters, so the per-call extras — the bearer
//! token and a per-call timeout — travel in a task-local [`CallContext`] set by the caller (the
//! `npay-order` core) around the call. The hook also drops the `api-version` header progenitor adds
//! to every request: Naver's gateway does not define it.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use progenitor_client::{ClientHooks, Error, OperationInfo};
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue};

use crate::Client;
use crate::decode::BodyTap;

tokio::task_local! {
    static CALL_CONTEXT: CallContext;
}

/// Per-call settings applied to the request of the generated method awaited inside
/// [`CallContext::scope`].
#[derive(Clone, Default)]
pub struct CallContext {
    /// `Authorization` header value (`Bearer …`), marked sensitive so that it is never logged.
    pub authorization: Option<HeaderValue>,
    /// Whole-request timeout for this call; `None` keeps the HTTP client's default.
    pub timeout: Option<Duration>,
    /// Where the decoder leaves the status and headers of an answer whose body it could not
    /// decode, for the caller to read (the error then carries only the body).
    answer: Arc<Mutex<Option<(u16, HeaderMap)>>>,
    /// Where the body of the answer goes before it is decoded, if anywhere.
    tap: Option<BodyTap>,
}

impl std::fmt::Debug for CallContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallContext")
            .field("authorization", &self.authorization.as_ref().map(|_| "<redacted>"))
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl CallContext {
    /// A context that sends `Authorization: Bearer <token>`.
    pub fn bearer(token: &str) -> Result<Self, reqwest::header::InvalidHeaderValue> {
        Ok(CallContext::authorized(bearer_value(token)?))
    }

    /// A context that sends `authorization` (e.g. from [`bearer_value`], built once per token and
    /// cloned per call: a clone shares the bytes instead of formatting and checking them again).
    pub fn authorized(authorization: HeaderValue) -> Self {
        CallContext { authorization: Some(authorization), ..CallContext::default() }
    }

    /// The status and headers of the last answer in this context whose body did not decode
    /// (an [`Error::InvalidResponsePayload`]); taken, so a second call returns `None`.
    pub fn answer(&self) -> Option<(u16, HeaderMap)> {
        self.answer.lock().unwrap_or_else(|e| e.into_inner()).take()
    }

    /// Hands the body of this call's answer to `tap` before it is decoded (see [`BodyTap`]).
    pub fn with_tap(mut self, tap: Option<BodyTap>) -> Self {
        self.tap = tap;
        self
    }

    /// Sets the whole-request timeout of this call.
    pub fn with_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = timeout;
        self
    }

    /// Runs `call` (a generated method's future) with this context applied to its request.
    pub async fn scope<F: Future>(self, call: F) -> F::Output {
        CALL_CONTEXT.scope(self, call).await
    }
}

/// `Bearer <token>` as a header value marked sensitive (kept out of `Debug` and of HTTP/2 header
/// compression tables).
///
/// ```
/// let value = npay_order_api::bearer_value("abc").unwrap();
/// assert!(value.is_sensitive());
/// assert_eq!(value.as_bytes(), b"Bearer abc");
/// assert!(npay_order_api::bearer_value("a\nb").is_err(), "no line breaks in a header");
/// ```
pub fn bearer_value(token: &str) -> Result<HeaderValue, reqwest::header::InvalidHeaderValue> {
    let mut value = HeaderValue::from_maybe_shared(bytes::Bytes::from(format!("Bearer {token}")))?;
    value.set_sensitive(true);
    Ok(value)
}

/// Leaves an undecodable answer's status and headers where [`CallContext::answer`] finds them.
/// (Only then: copying every answer's headers for the rare failure cost a clone per call.)
pub(crate) fn leave_answer(status: u16, headers: HeaderMap) {
    let _ = CALL_CONTEXT.try_with(|context| {
        *context.answer.lock().unwrap_or_else(|e| e.into_inner()) = Some((status, headers));
    });
}

/// The tap of the call being decoded, if it has one.
pub(crate) fn current_tap() -> Option<BodyTap> {
    CALL_CONTEXT.try_with(|context| context.tap.clone()).ok().flatten()
}

impl ClientHooks<()> for Client {
    async fn pre<E>(&self, request: &mut reqwest::Request, _info: &OperationInfo) -> Result<(), Error<E>> {
        request.headers_mut().remove("api-version");
        let _ = CALL_CONTEXT.try_with(|context| {
            if let Some(value) = &context.authorization {
                request.headers_mut().insert(AUTHORIZATION, value.clone());
            }
            if let Some(timeout) = context.timeout {
                *request.timeout_mut() = Some(timeout);
            }
        });
        Ok(())
    }
}
