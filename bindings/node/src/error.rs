//! The one place where a failure becomes a JavaScript error.
//!
//! Every error the addon hands to JavaScript is an `Error` object whose `name` is the class name
//! of the contract's error tree (`NotFoundError`, `InvalidRequestError`, …) and which carries the
//! fields a caller acts on: `code`, `status`, `traceId`, `timestamp`, `invalidInputs` and
//! `mayHaveBeenApplied`. `lib/errors.js` turns it into an instance of the exported class of that
//! name, so `instanceof` works; nothing else maps errors.
//!
//! The core's errors never contain the client secret, a signature or a token, so the message
//! and fields are safe to show and log as they are.

use napi::bindgen_prelude::Object;
use napi::{Env, JsValue, Status};
use npay_order::NpayError;

/// The fields of one error, whatever produced it.
pub struct ErrorParts {
    /// The contract class name (`BadRequestError`, …, or `NpayError`).
    pub name: &'static str,
    pub message: String,
    pub code: Option<String>,
    pub status: Option<u16>,
    pub trace_id: Option<String>,
    pub timestamp: Option<String>,
    /// `(name, kind, message)` of each invalid input.
    pub invalid_inputs: Vec<(String, String, String)>,
    pub may_have_been_applied: bool,
}

impl ErrorParts {
    /// An error with only a class name and a message.
    pub fn plain(name: &'static str, message: impl Into<String>) -> Self {
        ErrorParts {
            name,
            message: message.into(),
            code: None,
            status: None,
            trace_id: None,
            timestamp: None,
            invalid_inputs: Vec::new(),
            may_have_been_applied: false,
        }
    }

    /// An `InvalidRequestError` about one input, raised by the binding itself before sending.
    pub fn invalid(input: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        ErrorParts {
            invalid_inputs: vec![(input.to_owned(), "client".to_owned(), message.clone())],
            ..ErrorParts::plain("InvalidRequestError", format!("invalid request: {input}: {message}"))
        }
    }
}

impl From<&NpayError> for ErrorParts {
    fn from(error: &NpayError) -> Self {
        ErrorParts {
            name: error.type_name(),
            message: error.to_string(),
            code: error.code().map(str::to_owned),
            status: error.status(),
            trace_id: error.trace_id().map(str::to_owned),
            timestamp: error.api_error().and_then(|e| e.timestamp.clone()),
            invalid_inputs: error
                .invalid_inputs()
                .iter()
                .map(|i| (i.name.clone(), i.kind.clone(), i.message.clone()))
                .collect(),
            may_have_been_applied: error.may_have_been_applied(),
        }
    }
}

/// The JavaScript error for `parts`, ready to be thrown or to reject a promise with.
pub fn to_js(env: &Env, parts: ErrorParts) -> napi::Error {
    match build(env, parts) {
        Ok(object) => napi::Error::from(object.to_unknown()),
        // Building the object failed (out of memory, a terminating worker): the napi error says so.
        Err(error) => error,
    }
}

/// The JavaScript error for a core error.
pub fn from_npay(env: &Env, error: &NpayError) -> napi::Error {
    to_js(env, ErrorParts::from(error))
}

fn build(env: &Env, parts: ErrorParts) -> napi::Result<Object<'_>> {
    let mut error = env.create_error(napi::Error::new(Status::GenericFailure, parts.message))?;
    error.set("name", parts.name)?;
    error.set("code", parts.code)?;
    error.set("status", parts.status.map(u32::from))?;
    error.set("traceId", parts.trace_id)?;
    error.set("timestamp", parts.timestamp)?;
    let mut inputs = env.create_array(parts.invalid_inputs.len() as u32)?;
    for (i, (name, kind, message)) in parts.invalid_inputs.into_iter().enumerate() {
        let mut input = Object::new(env)?;
        input.set("name", name)?;
        input.set("kind", kind)?;
        input.set("message", message)?;
        inputs.set(i as u32, input)?;
    }
    error.set("invalidInputs", inputs)?;
    error.set("mayHaveBeenApplied", parts.may_have_been_applied)?;
    Ok(error)
}

/// The error for a panic caught at the boundary: a bug of the SDK, reported rather than crashing.
pub fn panicked(payload: Box<dyn std::any::Any + Send>) -> ErrorParts {
    let what = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned());
    ErrorParts::plain("NpayError", format!("internal error in npay-order (please report it): {what}"))
}
