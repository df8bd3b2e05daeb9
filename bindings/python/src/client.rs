//! The native client and pager behind `npay_order.Client` / `AsyncClient` and their iterators.
//!
//! Every operation goes through one generic entry point, `call(operation_id, params)`, which hands
//! the parameters (converted to JSON) to the core's `call_json` and returns `(data, meta)`: the
//! envelope's `data` as Python values and the raw response's status, headers, trace id and
//! timestamp. The per-operation methods, with their names, types and docs, are generated Python
//! that calls it. Blocking calls release the GIL for the whole request and still answer Ctrl-C;
//! `call_async` returns an awaitable resolved on the event loop it was created on.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use npay_order::json::JsonPager;
use npay_order::{Client, ClientBuilder, Environment, Response, ResponseMeta, TokenScope};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};
use pyo3_async_runtimes::generic;
use serde_json::Value;

use crate::runtime::{self, ForkLocal, ForkSafeTokio};
use crate::{convert, error};

/// How often a blocking call looks for a pending signal (Ctrl-C) while it waits.
const SIGNAL_CHECK: Duration = Duration::from_millis(100);

/// Runs `future` on the runtime with the GIL released; a signal handler that raises (Ctrl-C's
/// `KeyboardInterrupt`) abandons it.
pub fn block_on<F>(py: Python<'_>, future: F) -> PyResult<F::Output>
where
    F: Future + Send,
    F::Output: Send,
{
    let runtime = runtime::try_get()?;
    py.detach(|| {
        runtime.block_on(async {
            tokio::pin!(future);
            loop {
                tokio::select! {
                    output = &mut future => return Ok(output),
                    _ = tokio::time::sleep(SIGNAL_CHECK) => Python::attach(|py| py.check_signals())?,
                }
            }
        })
    })
}

/// What one client was built from, shared by its `with_options` variants.
struct Shared {
    builder: ClientBuilder,
    /// The core client of this process: rebuilt in a forked child, whose inherited connection
    /// pool would belong to the parent's runtime.
    client: ForkLocal<Client>,
}

/// The core client for Python: `npay_order.Client` and `AsyncClient` hold one.
#[pyclass(module = "npay_order._native", name = "NativeClient", frozen)]
pub struct NativeClient {
    shared: Arc<Shared>,
    timeout: Option<Duration>,
    max_retries: Option<u32>,
}

fn duration(py: Python<'_>, name: &str, seconds: f64) -> PyResult<Duration> {
    match Duration::try_from_secs_f64(seconds) {
        Ok(duration) if seconds > 0.0 => Ok(duration),
        _ => Err(error::invalid_request(py, name, &format!("must be a positive number of seconds, not {seconds}"), None)),
    }
}

impl NativeClient {
    /// The core client of this process, with this variant's per-call options.
    fn core(&self, py: Python<'_>) -> PyResult<Client> {
        let client = self
            .shared
            .client
            .get_or_try_init(|| self.shared.builder.clone().build().map_err(|e| error::to_py(py, &e)))?;
        let client = match self.timeout {
            Some(timeout) => client.with_timeout(timeout),
            None => client,
        };
        Ok(match self.max_retries {
            Some(max_retries) => client.with_max_retries(max_retries),
            None => client,
        })
    }
}

#[pymethods]
impl NativeClient {
    /// Checks everything that can be checked offline and builds the client; credentials default
    /// to `NPAY_CLIENT_ID` / `NPAY_CLIENT_SECRET`.
    #[new]
    #[pyo3(signature = (client_id=None, client_secret=None, *, environment="production", base_url=None, timeout=None, max_retries=None, account_id=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        client_id: Option<String>,
        client_secret: Option<String>,
        environment: &str,
        base_url: Option<String>,
        timeout: Option<f64>,
        max_retries: Option<u32>,
        account_id: Option<String>,
    ) -> PyResult<Self> {
        let environment = Environment::parse(environment).map_err(|e| error::to_py(py, &e))?;
        let mut builder = Client::builder().environment(environment).language("python");
        if let Some(client_id) = client_id {
            builder = builder.client_id(client_id);
        }
        if let Some(client_secret) = client_secret {
            builder = builder.client_secret(client_secret);
        }
        if let Some(base_url) = base_url {
            builder = builder.base_url(base_url);
        }
        if let Some(timeout) = timeout {
            builder = builder.timeout(duration(py, "timeout", timeout)?);
        }
        if let Some(max_retries) = max_retries {
            builder = builder.max_retries(max_retries);
        }
        if let Some(account_id) = account_id {
            builder = builder.scope(TokenScope::Seller { account_id });
        }
        let client = builder.clone().build().map_err(|e| error::to_py(py, &e))?;
        Ok(NativeClient {
            shared: Arc::new(Shared { builder, client: ForkLocal::with(client) }),
            timeout: None,
            max_retries: None,
        })
    }

    /// The application id.
    #[getter]
    fn client_id(&self, py: Python<'_>) -> PyResult<String> {
        Ok(self.core(py)?.config().client_id.clone())
    }

    /// The base URL every path is appended to.
    #[getter]
    fn base_url(&self, py: Python<'_>) -> PyResult<String> {
        Ok(self.core(py)?.config().base_url.clone())
    }

    /// A variant sharing connections and token, with another timeout and/or retry count.
    #[pyo3(signature = (*, timeout=None, max_retries=None))]
    fn with_options(&self, py: Python<'_>, timeout: Option<f64>, max_retries: Option<u32>) -> PyResult<Self> {
        Ok(NativeClient {
            shared: self.shared.clone(),
            timeout: match timeout {
                Some(seconds) => Some(duration(py, "timeout", seconds)?),
                None => self.timeout,
            },
            max_retries: max_retries.or(self.max_retries),
        })
    }

    /// Calls `operation_id` with `params` (camelCase keys), blocking with the GIL released.
    /// Returns `(data, meta)`.
    fn call<'py>(&self, py: Python<'py>, operation_id: String, params: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTuple>> {
        let params = convert::params_to_json(params)?;
        let client = self.core(py)?;
        let outcome = block_on(py, async move { client.call_json(&operation_id, params).await })?;
        match outcome {
            Ok(response) => answer(py, response),
            Err(e) => Err(error::to_py(py, &e)),
        }
    }

    /// The same as an awaitable, for `AsyncClient`.
    fn call_async<'py>(&self, py: Python<'py>, operation_id: String, params: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let params = convert::params_to_json(params)?;
        let client = self.core(py)?;
        runtime::try_get()?;
        generic::future_into_py::<ForkSafeTokio, _, _>(py, async move {
            client.call_json(&operation_id, params).await.map(Answer).map_err(error::to_py_detached)
        })
    }

    /// A pager of the iterator `name` (`iterLastChangedStatuses`, `iterSearchProductOrders`).
    fn pager(&self, py: Python<'_>, name: &str, params: &Bound<'_, PyAny>) -> PyResult<NativePager> {
        let params = convert::params_to_json(params)?;
        let client = self.core(py)?;
        let pager = JsonPager::new(&client, name, params).map_err(|e| error::to_py(py, &e))?;
        Ok(NativePager { pager: Arc::new(tokio::sync::Mutex::new(pager)), pid: std::process::id() })
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let client = self.core(py)?;
        let config = client.config();
        Ok(format!("NativeClient(client_id={:?}, base_url={:?}, client_secret=<redacted>)", config.client_id, config.base_url))
    }
}

/// Pages of an iterator: lists of items as dicts, then `None`.
#[pyclass(module = "npay_order._native", name = "NativePager", frozen)]
pub struct NativePager {
    pager: Arc<tokio::sync::Mutex<JsonPager>>,
    /// The process that made it: its client's connections belong to that process's runtime.
    pid: u32,
}

impl NativePager {
    fn check_process(&self) -> PyResult<()> {
        if self.pid == std::process::id() {
            Ok(())
        } else {
            Err(PyRuntimeError::new_err(
                "this iterator was started before the process forked; start a new one in this process",
            ))
        }
    }
}

#[pymethods]
impl NativePager {
    /// The next page (blocking, GIL released), or `None` when the range is done.
    fn next_page<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.check_process()?;
        let pager = self.pager.clone();
        let page = block_on(py, async move { pager.lock().await.next_page().await })?;
        Page(page.map_err(|e| error::to_py(py, &e))?).into_pyobject(py)
    }

    /// The same as an awaitable.
    fn next_page_async<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.check_process()?;
        let pager = self.pager.clone();
        runtime::try_get()?;
        generic::future_into_py::<ForkSafeTokio, _, _>(py, async move {
            pager.lock().await.next_page().await.map(Page).map_err(error::to_py_detached)
        })
    }
}

/// The `client_secret_sign` of a token request: base64 of bcrypt(`client_id + "_" +
/// timestamp_ms`, salt = `client_secret`). The clients sign by themselves; this is for checking a
/// secret or another implementation. Raises `InvalidRequestError` if the secret is not a bcrypt
/// salt (the message never repeats it).
#[pyfunction]
pub fn sign(py: Python<'_>, client_id: &str, client_secret: &str, timestamp_ms: i64) -> PyResult<String> {
    npay_order::sign(client_id, client_secret, timestamp_ms).map_err(|e| error::to_py(py, &e))
}

/// A successful call as Python's `(data, meta)`.
struct Answer(Response<Value>);

fn answer<'py>(py: Python<'py>, response: Response<Value>) -> PyResult<Bound<'py, PyTuple>> {
    let (data, meta) = response.into_parts();
    let data = convert::to_py(py, &data)?;
    let meta = meta_to_py(py, &meta)?;
    PyTuple::new(py, [data, meta.into_any()])
}

impl<'py> IntoPyObject<'py> for Answer {
    type Target = PyTuple;
    type Output = Bound<'py, PyTuple>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Self::Output> {
        answer(py, self.0)
    }
}

/// A page of an iterator: a list of dicts, or `None` at the end.
struct Page(Option<Vec<Value>>);

impl<'py> IntoPyObject<'py> for Page {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Self::Output> {
        match self.0 {
            Some(items) => convert::to_py(py, &Value::Array(items)),
            None => Ok(py.None().into_bound(py)),
        }
    }
}

/// The raw response: `{"status", "headers", "trace_id", "timestamp"}`.
fn meta_to_py<'py>(py: Python<'py>, meta: &ResponseMeta) -> PyResult<Bound<'py, PyDict>> {
    let headers = PyDict::new(py);
    for name in meta.headers.keys() {
        let values: Vec<String> = meta
            .headers
            .get_all(name)
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .collect();
        headers.set_item(name.as_str(), values.join(", "))?;
    }
    let dict = PyDict::new(py);
    dict.set_item("status", meta.status)?;
    dict.set_item("headers", headers)?;
    dict.set_item("trace_id", meta.trace_id.as_deref())?;
    dict.set_item("timestamp", meta.timestamp.as_deref())?;
    Ok(dict)
}
