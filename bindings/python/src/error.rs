//! The one place where failures become Python exceptions.
//!
//! The classes are plain Python (`npay_order/_errors.py`: the error tree every language shares, with
//! `InvalidRequestError` also a `ValueError`), so that users can subclass, pickle and type-check
//! them; this module only picks the class by [`NpayError::type_name`] and fills in what a caller
//! acts on: HTTP status, Naver's code, message, trace id, timestamp, the invalid inputs and whether
//! a failed mutation may have been applied. A transport failure keeps its cause as `__cause__`
//! (a built-in `ConnectionError` / `TimeoutError` with the transport's own words). None of these
//! texts can hold the client secret, a signature or a token: the core never puts them in errors.

use pyo3::exceptions::{PyConnectionError, PyTimeoutError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList, PyModule};

use npay_order::NpayError;

static ERRORS: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

fn errors_module(py: Python<'_>) -> PyResult<&Bound<'_, PyModule>> {
    ERRORS.get_or_try_init(py, || py.import("npay_order._errors").map(Bound::unbind)).map(|module| module.bind(py))
}

/// One problem with an input, as the exception's `invalid_inputs` lists it.
pub struct Input<'a> {
    pub name: &'a str,
    pub kind: &'a str,
    pub message: &'a str,
}

/// Everything an exception of the tree carries.
struct Fields<'a> {
    class: &'a str,
    /// The exception's text (`str(error)`).
    text: String,
    /// Naver's own message for API errors; the text otherwise.
    message: Option<&'a str>,
    status: Option<u16>,
    code: Option<&'a str>,
    trace_id: Option<&'a str>,
    timestamp: Option<&'a str>,
    invalid_inputs: Vec<Input<'a>>,
    may_have_been_applied: bool,
}

fn build(py: Python<'_>, fields: Fields<'_>, cause: Option<PyErr>) -> PyResult<PyErr> {
    let class = errors_module(py)?.getattr(fields.class)?;
    let kwargs = PyDict::new(py);
    kwargs.set_item("message", fields.message)?;
    kwargs.set_item("status", fields.status)?;
    kwargs.set_item("code", fields.code)?;
    kwargs.set_item("trace_id", fields.trace_id)?;
    kwargs.set_item("timestamp", fields.timestamp)?;
    let inputs = PyList::empty(py);
    for input in &fields.invalid_inputs {
        let item = PyDict::new(py);
        item.set_item("name", input.name)?;
        item.set_item("kind", input.kind)?;
        item.set_item("message", input.message)?;
        inputs.append(item)?;
    }
    kwargs.set_item("invalid_inputs", inputs)?;
    kwargs.set_item("may_have_been_applied", fields.may_have_been_applied)?;
    let error = PyErr::from_value(class.call((fields.text,), Some(&kwargs))?);
    error.set_cause(py, cause);
    Ok(error)
}

/// The cause of a transport failure: the transport's error chain in a built-in exception.
fn transport_cause(error: &NpayError) -> Option<PyErr> {
    let (connection, timed_out) = match error {
        NpayError::Connection(c) => (c, false),
        NpayError::Timeout(c) => (c, true),
        _ => return None,
    };
    let source = connection.source.as_deref()?;
    let mut text = source.to_string();
    let mut next = source.source();
    while let Some(inner) = next {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        next = inner.source();
    }
    Some(if timed_out { PyTimeoutError::new_err(text) } else { PyConnectionError::new_err(text) })
}

/// The Python exception for an error of the core.
pub fn to_py(py: Python<'_>, error: &NpayError) -> PyErr {
    let api = error.api_error();
    let fields = Fields {
        class: error.type_name(),
        text: error.to_string(),
        message: api.map(|a| a.message.as_str()),
        status: error.status(),
        code: error.code(),
        trace_id: error.trace_id(),
        timestamp: api.and_then(|a| a.timestamp.as_deref()),
        invalid_inputs: error
            .invalid_inputs()
            .iter()
            .map(|i| Input { name: &i.name, kind: &i.kind, message: &i.message })
            .collect(),
        may_have_been_applied: error.may_have_been_applied(),
    };
    build(py, fields, transport_cause(error)).unwrap_or_else(|failure| failure)
}

/// An `InvalidRequestError` raised by the binding itself (an argument it cannot convert), before
/// anything reaches the core; `cause` is the Python exception behind it, if any.
pub fn invalid_request(py: Python<'_>, name: &str, message: &str, cause: Option<PyErr>) -> PyErr {
    let fields = Fields {
        class: "InvalidRequestError",
        text: format!("invalid request: {name}: {message}"),
        message: None,
        status: None,
        code: None,
        trace_id: None,
        timestamp: None,
        invalid_inputs: vec![Input { name, kind: "client", message }],
        may_have_been_applied: false,
    };
    build(py, fields, cause).unwrap_or_else(|failure| failure)
}

/// A `WatchError`: the watcher stopped for a reason of its own (paging that does not advance, the
/// store, a disabled webhook endpoint). The text names no value from an answer.
pub fn watch_error(py: Python<'_>, text: &str) -> PyErr {
    let fields = Fields {
        class: "WatchError",
        text: text.to_owned(),
        message: None,
        status: None,
        code: None,
        trace_id: None,
        timestamp: None,
        invalid_inputs: Vec::new(),
        may_have_been_applied: false,
    };
    build(py, fields, None).unwrap_or_else(|failure| failure)
}
