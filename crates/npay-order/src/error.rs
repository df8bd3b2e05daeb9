//! The errors of every call: the same tree in every language, as enum variants.
//!
//! A caller can act on each variant: fix the input ([`NpayError::InvalidRequest`],
//! [`NpayError::BadRequest`]), the credentials or the IP allow-list ([`NpayError::Authentication`],
//! [`NpayError::PermissionDenied`]), wait ([`NpayError::RateLimit`], [`NpayError::Server`]) or check
//! whether a mutation was applied before repeating it ([`NpayError::Connection`] and
//! [`NpayError::Timeout`] with [`RequestSent::Maybe`]). Per-item failures of batch calls are results
//! (`failProductOrderInfos`), never errors. No error ever holds the client secret, a signature or a
//! token.

use std::fmt;

use npay_order_api::types::{ErrorResponse, InvalidInput as WireInvalidInput};

/// Shorthand for results of this crate.
pub type Result<T, E = NpayError> = std::result::Result<T, E>;

/// An error answered by the API or its gateway: HTTP status plus Naver's error body.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ApiError {
    /// The operation that failed (`confirmProductOrders`).
    pub operation: &'static str,
    /// HTTP status.
    pub status: u16,
    /// Naver's error code: numeric codes as strings (`"104442"`, `"4000"`) or gateway codes (`GW.AUTHN`).
    pub code: String,
    /// Naver's message (Korean, as sent).
    pub message: String,
    /// The trace id Naver support asks for: the body's `traceId` or the `GNCP-GW-Trace-ID` header.
    pub trace_id: Option<String>,
    /// When the server answered (ISO-8601, as sent).
    pub timestamp: Option<String>,
    /// Which inputs were invalid, where the server says so.
    pub invalid_inputs: Vec<InvalidInput>,
    /// `Retry-After` in seconds, when the server sent one.
    pub retry_after: Option<f64>,
}

impl ApiError {
    pub(crate) fn from_body(
        operation: &'static str,
        status: u16,
        body: ErrorResponse,
        header_trace_id: Option<String>,
    ) -> Self {
        ApiError {
            operation,
            status,
            code: body.code,
            message: body.message,
            trace_id: body.trace_id.or(header_trace_id),
            timestamp: body.timestamp.map(|t| t.to_string()),
            invalid_inputs: body.invalid_inputs.into_iter().map(InvalidInput::from).collect(),
            retry_after: None,
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} failed: HTTP {} {}: {}", self.operation, self.status, self.code, self.message)?;
        for input in &self.invalid_inputs {
            write!(f, "; {}: {}", input.name, input.message)?;
        }
        if let Some(trace_id) = &self.trace_id {
            write!(f, " (trace id {trace_id})")?;
        }
        Ok(())
    }
}

/// One invalid input, named as the API names it (`productOrderIds`, `dispatchProductOrders[3].trackingNumber`).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct InvalidInput {
    /// The parameter or field.
    pub name: String,
    /// The kind of problem where the server says (`typeMismatch`), or `client` for the SDK's own checks.
    pub kind: String,
    /// What is wrong, in words.
    pub message: String,
}

impl InvalidInput {
    /// A problem found by the SDK before sending.
    pub fn new(name: impl Into<String>, message: impl Into<String>) -> Self {
        InvalidInput { name: name.into(), kind: "client".to_owned(), message: message.into() }
    }
}

impl From<WireInvalidInput> for InvalidInput {
    fn from(value: WireInvalidInput) -> Self {
        InvalidInput {
            name: value.name.unwrap_or_default(),
            kind: value.type_.unwrap_or_default(),
            message: value.message.unwrap_or_default(),
        }
    }
}

/// Whether a request that got no answer reached the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestSent {
    /// It provably did not (the connection was never made): repeating it is safe.
    No,
    /// It may have been processed: for a mutation, read the product orders' state before repeating.
    Maybe,
}

/// A call that got no usable answer.
#[derive(Debug)]
#[non_exhaustive]
pub struct ConnectionError {
    /// The operation that failed.
    pub operation: &'static str,
    /// Whether the request may have been processed.
    pub request_sent: RequestSent,
    /// What happened.
    pub message: String,
    /// The transport's error.
    pub source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl std::error::Error for ConnectionError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|e| e as &(dyn std::error::Error + 'static))
    }
}

impl fmt::Display for ConnectionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.operation, self.message)?;
        if self.request_sent == RequestSent::Maybe {
            write!(f, " (the request may have been processed)")?;
        }
        Ok(())
    }
}

/// Every way a call can fail.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NpayError {
    /// 400: the server rejected the request (`code` says why; 4000 = a bad parameter).
    #[error("{0}")]
    BadRequest(ApiError),
    /// 401: the token was refused even after one re-issue, or the credentials are wrong.
    #[error("{0}")]
    Authentication(ApiError),
    /// 403: not allowed (e.g. `GW.IP_NOT_ALLOWED`: register the calling IP).
    #[error("{0}")]
    PermissionDenied(ApiError),
    /// 404: unknown order / product order, or an API the gateway does not know.
    #[error("{0}")]
    NotFound(ApiError),
    /// 429: rate limit or quota; retried automatically up to `max_retries`.
    #[error("{0}")]
    RateLimit(ApiError),
    /// 5xx: a server or gateway fault; reads are retried automatically.
    #[error("{0}")]
    Server(ApiError),
    /// Any other HTTP error status (405, 409, …).
    #[error("{0}")]
    Api(ApiError),
    /// No response: refused, reset, DNS, TLS.
    #[error("connection failed: {0}")]
    Connection(#[source] ConnectionError),
    /// No response in time.
    #[error("timed out: {0}")]
    Timeout(#[source] ConnectionError),
    /// Rejected by the client before anything was sent.
    #[error("invalid request: {}", describe_inputs(.0))]
    InvalidRequest(Vec<InvalidInput>),
    /// A success status whose body could not be read as the spec describes.
    #[error("{operation}: unexpected response (HTTP {status}): {message}")]
    UnexpectedResponse {
        /// The operation.
        operation: &'static str,
        /// HTTP status.
        status: u16,
        /// What could not be read.
        message: String,
        /// The `GNCP-GW-Trace-ID` header, if any.
        trace_id: Option<String>,
    },
}

fn describe_inputs(inputs: &[InvalidInput]) -> String {
    inputs.iter().map(|i| format!("{}: {}", i.name, i.message)).collect::<Vec<_>>().join("; ")
}

impl NpayError {
    /// One invalid input, found before sending.
    pub fn invalid(name: impl Into<String>, message: impl Into<String>) -> Self {
        NpayError::InvalidRequest(vec![InvalidInput::new(name, message)])
    }

    pub(crate) fn unknown_operation(operation_id: &str) -> Self {
        Self::invalid("operationId", format!("no operation {operation_id:?} in this version of the API"))
    }

    /// The name of this error's class in every language's error tree:
    /// `BadRequestError`, `AuthenticationError`, `PermissionDeniedError`, `NotFoundError`,
    /// `RateLimitError`, `ServerError`, `ApiError`, `ApiConnectionError`, `ApiTimeoutError`,
    /// `InvalidRequestError`, or `NpayError` for an unexpected response.
    pub fn type_name(&self) -> &'static str {
        match self {
            NpayError::BadRequest(_) => "BadRequestError",
            NpayError::Authentication(_) => "AuthenticationError",
            NpayError::PermissionDenied(_) => "PermissionDeniedError",
            NpayError::NotFound(_) => "NotFoundError",
            NpayError::RateLimit(_) => "RateLimitError",
            NpayError::Server(_) => "ServerError",
            NpayError::Api(_) => "ApiError",
            NpayError::Connection(_) => "ApiConnectionError",
            NpayError::Timeout(_) => "ApiTimeoutError",
            NpayError::InvalidRequest(_) => "InvalidRequestError",
            NpayError::UnexpectedResponse { .. } => "NpayError",
        }
    }

    /// The invalid inputs: the client's own findings, or the server's.
    pub fn invalid_inputs(&self) -> &[InvalidInput] {
        match self {
            NpayError::InvalidRequest(inputs) => inputs,
            other => other.api_error().map_or(&[], |e| e.invalid_inputs.as_slice()),
        }
    }

    /// The API error behind this error, if the server answered.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            NpayError::BadRequest(e)
            | NpayError::Authentication(e)
            | NpayError::PermissionDenied(e)
            | NpayError::NotFound(e)
            | NpayError::RateLimit(e)
            | NpayError::Server(e)
            | NpayError::Api(e) => Some(e),
            _ => None,
        }
    }

    /// The HTTP status, if the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            NpayError::UnexpectedResponse { status, .. } => Some(*status),
            other => other.api_error().map(|e| e.status),
        }
    }

    /// Naver's error code, if the server answered.
    pub fn code(&self) -> Option<&str> {
        self.api_error().map(|e| e.code.as_str())
    }

    /// The trace id to quote to Naver support, if any.
    pub fn trace_id(&self) -> Option<&str> {
        match self {
            NpayError::UnexpectedResponse { trace_id, .. } => trace_id.as_deref(),
            other => other.api_error().and_then(|e| e.trace_id.as_deref()),
        }
    }

    /// Whether a mutation that failed this way may nonetheless have been applied: a passing
    /// failure (no answer, a server error) that is not [provably unprocessed](Self::provably_not_processed).
    pub fn may_have_been_applied(&self) -> bool {
        self.is_passing() && !self.provably_not_processed()
    }

    /// Whether the request provably was not processed, so that repeating even a mutation is safe:
    /// the connection was never made, the gateway rate-limited it (429), or refused it with its
    /// circuit open (503 `GW.BLOCK.*`). The one rule both the retries and
    /// [`Self::may_have_been_applied`] follow.
    pub fn provably_not_processed(&self) -> bool {
        match self {
            NpayError::Connection(e) | NpayError::Timeout(e) => e.request_sent == RequestSent::No,
            NpayError::RateLimit(_) => true,
            NpayError::Server(e) => e.code.starts_with("GW.BLOCK"),
            _ => false,
        }
    }

    /// Whether the failure may pass by itself (no answer, a timeout, a rate limit, a server
    /// error), as opposed to a refusal that repeating cannot change.
    pub fn is_passing(&self) -> bool {
        matches!(
            self,
            NpayError::Connection(_) | NpayError::Timeout(_) | NpayError::RateLimit(_) | NpayError::Server(_)
        )
    }

    /// The error for an HTTP error status whose body may or may not be Naver's error JSON: the
    /// body's `code`/`message`/`traceId`/`invalidInputs` when it parses; when it is JSON of another
    /// shape, whichever of `code`, `message` and `traceId` it has as text; `HTTP_<status>`
    /// otherwise. The body itself is never quoted: it is not known to be free of buyers' data.
    /// Never panics, whatever the bytes.
    pub fn from_error_body(operation: &'static str, status: u16, body: &[u8], header_trace_id: Option<String>) -> Self {
        let body = serde_json::from_slice::<ErrorResponse>(body).unwrap_or_else(|_| {
            let json = serde_json::from_slice::<serde_json::Value>(body).ok();
            let text = |key: &str| json.as_ref().and_then(|j| j.get(key)).and_then(|v| v.as_str()).map(str::to_owned);
            ErrorResponse {
                code: text("code").unwrap_or_else(|| format!("HTTP_{status}")),
                message: text("message").unwrap_or_else(|| {
                    format!("HTTP {status} with a body that is not Naver's error JSON ({} bytes)", body.len())
                }),
                timestamp: None,
                trace_id: text("traceId"),
                invalid_inputs: Vec::new(),
            }
        });
        NpayError::from_api(ApiError::from_body(operation, status, body, header_trace_id))
    }

    /// The error for an HTTP error answer.
    pub(crate) fn from_api(error: ApiError) -> Self {
        match error.status {
            400 => NpayError::BadRequest(error),
            401 => NpayError::Authentication(error),
            403 => NpayError::PermissionDenied(error),
            404 => NpayError::NotFound(error),
            429 => NpayError::RateLimit(error),
            500..=599 => NpayError::Server(error),
            _ => NpayError::Api(error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_connection_error_keeps_its_cause() {
        use std::error::Error as _;
        let cause = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        let error = NpayError::Connection(ConnectionError {
            operation: "listReviews",
            request_sent: RequestSent::No,
            message: "refused".into(),
            source: Some(Box::new(cause)),
        });
        let connection = error.source().expect("the connection error");
        let io = connection.source().expect("its cause");
        assert_eq!(io.downcast_ref::<std::io::Error>().map(|e| e.kind()), Some(std::io::ErrorKind::ConnectionRefused));
    }

    #[test]
    fn an_error_body_that_is_not_naver_json_is_never_quoted() {
        let page = b"<html>010-9876-5432 Kim</html>";
        let error = NpayError::from_error_body("queryProductOrders", 502, page, None);
        let shown = format!("{error} {error:?}");
        assert!(!shown.contains("9876") && !shown.contains("Kim"), "{shown}");
        assert_eq!(error.code(), Some("HTTP_502"));
    }

    #[test]
    fn an_error_body_of_another_json_shape_keeps_its_code_message_and_trace_id() {
        let body = br#"{"code": "GW.BLOCK.01", "message": "maintenance", "traceId": "t-1", "invalidInputs": "odd"}"#;
        let error = NpayError::from_error_body("listReviews", 503, body, None);
        assert_eq!(error.code(), Some("GW.BLOCK.01"));
        assert_eq!(error.trace_id(), Some("t-1"));
        assert!(error.to_string().contains("maintenance"));
    }
}
