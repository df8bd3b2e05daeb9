//! The public error tree as one uniffi error: the only place core errors are converted.
//!
//! uniffi gives each language one level of error classes, so every leaf of the tree is a variant
//! (Kotlin `NpayException.NotFoundException`, Swift `NpayError.NotFoundError`) and the two inner
//! nodes are methods: `isApiError()` (the server answered with an error status) and
//! `isConnectionError()` (no answer; `ApiTimeoutError` included). Every variant carries the same
//! fields, and the same values are reachable on the parent type through methods
//! (`status()`, `code()`, `traceId()`, …) so that one `catch` of the base type can read them.
//!
//! No error holds the client secret, a signature or a token: the texts come from the core,
//! which never puts them there.

use npay_order::NpayError as CoreError;

/// One invalid input, named as the API names it (`productOrderIds`,
/// `dispatchProductOrders[3].trackingNumber`).
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct InvalidInput {
    /// The parameter or field.
    pub name: String,
    /// The server's kind of problem (`typeMismatch`), or `client` for the SDK's own checks.
    pub kind: String,
    /// What is wrong, in words.
    pub message: String,
}

/// Every way a call can fail (the tree every language shares). Each variant has the same fields:
///
/// * `typeName`: the class name of the contract's tree (`NotFoundError`), the same in every language;
/// * `detail`: what happened, in words (operation, status, Naver's code and message, trace id);
/// * `status`: the HTTP status, if the server answered;
/// * `code`: Naver's error code (`"104442"`, `"GW.AUTHN"`), if the server answered;
/// * `traceId`: the id Naver support asks for, if any;
/// * `timestamp`: when the server answered (ISO-8601), if it said;
/// * `invalidInputs`: which inputs were invalid (the client's own checks, or the server's);
/// * `mayHaveBeenApplied`: whether a mutation that failed this way may nonetheless have been
///   applied — read the product orders' state before repeating it.
#[derive(Clone, Debug, PartialEq, thiserror::Error, uniffi::Error)]
#[uniffi::export(Display)]
pub enum NpayError {
    /// 400: the server rejected the request (`code` says why; 4000 = a bad parameter).
    #[error("{detail}")]
    BadRequestError {
        type_name: String,
        detail: String,
        status: Option<i32>,
        code: Option<String>,
        trace_id: Option<String>,
        timestamp: Option<String>,
        invalid_inputs: Vec<InvalidInput>,
        may_have_been_applied: bool,
    },
    /// 401: the credentials are wrong, or the token was refused even after one re-issue.
    #[error("{detail}")]
    AuthenticationError {
        type_name: String,
        detail: String,
        status: Option<i32>,
        code: Option<String>,
        trace_id: Option<String>,
        timestamp: Option<String>,
        invalid_inputs: Vec<InvalidInput>,
        may_have_been_applied: bool,
    },
    /// 403: not allowed (e.g. `GW.IP_NOT_ALLOWED`: register the calling IP).
    #[error("{detail}")]
    PermissionDeniedError {
        type_name: String,
        detail: String,
        status: Option<i32>,
        code: Option<String>,
        trace_id: Option<String>,
        timestamp: Option<String>,
        invalid_inputs: Vec<InvalidInput>,
        may_have_been_applied: bool,
    },
    /// 404: unknown order or product order.
    #[error("{detail}")]
    NotFoundError {
        type_name: String,
        detail: String,
        status: Option<i32>,
        code: Option<String>,
        trace_id: Option<String>,
        timestamp: Option<String>,
        invalid_inputs: Vec<InvalidInput>,
        may_have_been_applied: bool,
    },
    /// 429: rate limit or quota (already retried up to `maxRetries`).
    #[error("{detail}")]
    RateLimitError {
        type_name: String,
        detail: String,
        status: Option<i32>,
        code: Option<String>,
        trace_id: Option<String>,
        timestamp: Option<String>,
        invalid_inputs: Vec<InvalidInput>,
        may_have_been_applied: bool,
    },
    /// 5xx: a server or gateway fault (reads already retried).
    #[error("{detail}")]
    ServerError {
        type_name: String,
        detail: String,
        status: Option<i32>,
        code: Option<String>,
        trace_id: Option<String>,
        timestamp: Option<String>,
        invalid_inputs: Vec<InvalidInput>,
        may_have_been_applied: bool,
    },
    /// Any other HTTP error status (405, 409, …).
    #[error("{detail}")]
    ApiError {
        type_name: String,
        detail: String,
        status: Option<i32>,
        code: Option<String>,
        trace_id: Option<String>,
        timestamp: Option<String>,
        invalid_inputs: Vec<InvalidInput>,
        may_have_been_applied: bool,
    },
    /// No response: refused, reset, DNS, TLS.
    #[error("{detail}")]
    ApiConnectionError {
        type_name: String,
        detail: String,
        status: Option<i32>,
        code: Option<String>,
        trace_id: Option<String>,
        timestamp: Option<String>,
        invalid_inputs: Vec<InvalidInput>,
        may_have_been_applied: bool,
    },
    /// No response in time (a kind of `ApiConnectionError`).
    #[error("{detail}")]
    ApiTimeoutError {
        type_name: String,
        detail: String,
        status: Option<i32>,
        code: Option<String>,
        trace_id: Option<String>,
        timestamp: Option<String>,
        invalid_inputs: Vec<InvalidInput>,
        may_have_been_applied: bool,
    },
    /// Rejected by the client before anything was sent: fix the input.
    #[error("{detail}")]
    InvalidRequestError {
        type_name: String,
        detail: String,
        status: Option<i32>,
        code: Option<String>,
        trace_id: Option<String>,
        timestamp: Option<String>,
        invalid_inputs: Vec<InvalidInput>,
        may_have_been_applied: bool,
    },
    /// The order watcher stopped for a reason of its own: the server's paging did not advance,
    /// the store failed, a webhook endpoint is disabled. (Refusals of the API have their own
    /// variants; a wrong configuration is an `InvalidRequestError`.)
    #[error("{detail}")]
    WatchError {
        type_name: String,
        detail: String,
        status: Option<i32>,
        code: Option<String>,
        trace_id: Option<String>,
        timestamp: Option<String>,
        invalid_inputs: Vec<InvalidInput>,
        may_have_been_applied: bool,
    },
    /// A success status whose body could not be read as the spec describes (`typeName` is the
    /// tree's root, `NpayError`).
    #[error("{detail}")]
    UnexpectedResponseError {
        type_name: String,
        detail: String,
        status: Option<i32>,
        code: Option<String>,
        trace_id: Option<String>,
        timestamp: Option<String>,
        invalid_inputs: Vec<InvalidInput>,
        may_have_been_applied: bool,
    },
}

/// The fields every variant shares, gathered once so that the conversions stay in one place.
struct Fields {
    type_name: String,
    detail: String,
    status: Option<i32>,
    code: Option<String>,
    trace_id: Option<String>,
    timestamp: Option<String>,
    invalid_inputs: Vec<InvalidInput>,
    may_have_been_applied: bool,
}

macro_rules! each_variant {
    ($value:expr, $fields:ident => $body:expr) => {
        match $value {
            NpayError::BadRequestError {
                type_name,
                detail,
                status,
                code,
                trace_id,
                timestamp,
                invalid_inputs,
                may_have_been_applied,
            }
            | NpayError::AuthenticationError {
                type_name,
                detail,
                status,
                code,
                trace_id,
                timestamp,
                invalid_inputs,
                may_have_been_applied,
            }
            | NpayError::PermissionDeniedError {
                type_name,
                detail,
                status,
                code,
                trace_id,
                timestamp,
                invalid_inputs,
                may_have_been_applied,
            }
            | NpayError::NotFoundError {
                type_name,
                detail,
                status,
                code,
                trace_id,
                timestamp,
                invalid_inputs,
                may_have_been_applied,
            }
            | NpayError::RateLimitError {
                type_name,
                detail,
                status,
                code,
                trace_id,
                timestamp,
                invalid_inputs,
                may_have_been_applied,
            }
            | NpayError::ServerError {
                type_name,
                detail,
                status,
                code,
                trace_id,
                timestamp,
                invalid_inputs,
                may_have_been_applied,
            }
            | NpayError::ApiError {
                type_name,
                detail,
                status,
                code,
                trace_id,
                timestamp,
                invalid_inputs,
                may_have_been_applied,
            }
            | NpayError::ApiConnectionError {
                type_name,
                detail,
                status,
                code,
                trace_id,
                timestamp,
                invalid_inputs,
                may_have_been_applied,
            }
            | NpayError::ApiTimeoutError {
                type_name,
                detail,
                status,
                code,
                trace_id,
                timestamp,
                invalid_inputs,
                may_have_been_applied,
            }
            | NpayError::InvalidRequestError {
                type_name,
                detail,
                status,
                code,
                trace_id,
                timestamp,
                invalid_inputs,
                may_have_been_applied,
            }
            | NpayError::WatchError {
                type_name,
                detail,
                status,
                code,
                trace_id,
                timestamp,
                invalid_inputs,
                may_have_been_applied,
            }
            | NpayError::UnexpectedResponseError {
                type_name,
                detail,
                status,
                code,
                trace_id,
                timestamp,
                invalid_inputs,
                may_have_been_applied,
            } => {
                let $fields = Fields {
                    type_name: type_name.clone(),
                    detail: detail.clone(),
                    status: *status,
                    code: code.clone(),
                    trace_id: trace_id.clone(),
                    timestamp: timestamp.clone(),
                    invalid_inputs: invalid_inputs.clone(),
                    may_have_been_applied: *may_have_been_applied,
                };
                $body
            }
        }
    };
}

impl NpayError {
    fn fields(&self) -> Fields {
        each_variant!(self, f => f)
    }

    fn from_fields(f: Fields) -> Self {
        let Fields { type_name, detail, status, code, trace_id, timestamp, invalid_inputs, may_have_been_applied } = f;
        macro_rules! build {
            ($variant:ident) => {
                NpayError::$variant {
                    type_name,
                    detail,
                    status,
                    code,
                    trace_id,
                    timestamp,
                    invalid_inputs,
                    may_have_been_applied,
                }
            };
        }
        match type_name.as_str() {
            "BadRequestError" => build!(BadRequestError),
            "AuthenticationError" => build!(AuthenticationError),
            "PermissionDeniedError" => build!(PermissionDeniedError),
            "NotFoundError" => build!(NotFoundError),
            "RateLimitError" => build!(RateLimitError),
            "ServerError" => build!(ServerError),
            "ApiError" => build!(ApiError),
            "ApiConnectionError" => build!(ApiConnectionError),
            "ApiTimeoutError" => build!(ApiTimeoutError),
            "InvalidRequestError" => build!(InvalidRequestError),
            "WatchError" => build!(WatchError),
            _ => build!(UnexpectedResponseError),
        }
    }

    /// An error found by this binding before anything was sent (e.g. a negative timeout).
    pub fn invalid(name: &str, message: impl Into<String>) -> Self {
        CoreError::invalid(name, message).into()
    }

    /// An error of the contract's class `type_name` that did not come from the core (the
    /// sandbox helpers' own failures).
    pub(crate) fn other(type_name: &str, detail: impl Into<String>, status: Option<i32>) -> Self {
        NpayError::from_fields(Fields {
            type_name: type_name.to_owned(),
            detail: detail.into(),
            status,
            code: None,
            trace_id: None,
            timestamp: None,
            invalid_inputs: Vec::new(),
            may_have_been_applied: false,
        })
    }

    /// A success answer whose `data` does not have the shape of the spec.
    pub fn unexpected(operation: &str, message: impl std::fmt::Display) -> Self {
        NpayError::from_fields(Fields {
            type_name: "NpayError".to_owned(),
            detail: format!("{operation}: unexpected response: {message}"),
            status: None,
            code: None,
            trace_id: None,
            timestamp: None,
            invalid_inputs: Vec::new(),
            may_have_been_applied: false,
        })
    }
}

impl From<CoreError> for NpayError {
    fn from(error: CoreError) -> Self {
        let api = error.api_error();
        NpayError::from_fields(Fields {
            type_name: error.type_name().to_owned(),
            detail: error.to_string(),
            status: error.status().map(i32::from),
            code: error.code().map(str::to_owned),
            trace_id: error.trace_id().map(str::to_owned),
            timestamp: api.and_then(|e| e.timestamp.clone()),
            invalid_inputs: error
                .invalid_inputs()
                .iter()
                .map(|i| InvalidInput { name: i.name.clone(), kind: i.kind.clone(), message: i.message.clone() })
                .collect(),
            may_have_been_applied: error.may_have_been_applied(),
        })
    }
}

/// Accessors on the base type, so that one `catch` of it can read every field.
#[uniffi::export]
impl NpayError {
    /// The class name of the contract's tree (`NotFoundError`).
    pub fn type_name(&self) -> String {
        self.fields().type_name
    }

    /// What happened, in words.
    pub fn detail(&self) -> String {
        self.fields().detail
    }

    /// The HTTP status, if the server answered.
    pub fn status(&self) -> Option<i32> {
        self.fields().status
    }

    /// Naver's error code, if the server answered.
    pub fn code(&self) -> Option<String> {
        self.fields().code
    }

    /// The trace id to quote to Naver support, if any.
    pub fn trace_id(&self) -> Option<String> {
        self.fields().trace_id
    }

    /// The invalid inputs: the client's own findings, or the server's.
    pub fn invalid_inputs(&self) -> Vec<InvalidInput> {
        self.fields().invalid_inputs
    }

    /// Whether a mutation that failed this way may nonetheless have been applied.
    pub fn may_have_been_applied(&self) -> bool {
        self.fields().may_have_been_applied
    }

    /// The contract's `ApiError` branch: the server answered with an error status.
    pub fn is_api_error(&self) -> bool {
        matches!(
            self,
            NpayError::BadRequestError { .. }
                | NpayError::AuthenticationError { .. }
                | NpayError::PermissionDeniedError { .. }
                | NpayError::NotFoundError { .. }
                | NpayError::RateLimitError { .. }
                | NpayError::ServerError { .. }
                | NpayError::ApiError { .. }
        )
    }

    /// The contract's `ApiConnectionError` branch (`ApiTimeoutError` included): no answer.
    pub fn is_connection_error(&self) -> bool {
        matches!(self, NpayError::ApiConnectionError { .. } | NpayError::ApiTimeoutError { .. })
    }
}
