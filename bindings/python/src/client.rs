//! The native client and pager behind `npay_order.Client` / `AsyncClient` and their iterators.
//!
//! Every operation goes through one generic entry point, `call(operation_id, params)`, which hands
//! the parameters (converted to JSON) to the core's `json::call_data` (`call_json` with the answer
//! left typed) and returns the envelope's `data` as lazy JSON (`node`); `call_raw` returns
//! `(data, meta)`, with the raw response's status, headers, trace id and timestamp. The per-operation methods, with their names, types and docs, are generated Python
//! that calls it. Blocking calls release the GIL for the whole request and still answer Ctrl-C;
//! `call_async` returns an asyncio future of the running loop, resolved by `completion`.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use npay_order::json::{self, Data, JsonPager};
use npay_order::{Client, ClientBuilder, Environment, NpayError, Response, ResponseMeta, TokenScope};
use pyo3::IntoPyObjectExt;
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};
use serde_json::Value;

use crate::runtime::{self, ForkLocal};
use crate::tape::{self, Tape};
use crate::{completion, convert, error, node};

/// How often a blocking call looks for a pending signal (Ctrl-C) while it waits.
const SIGNAL_CHECK: Duration = Duration::from_millis(100);

/// Runs `future` on the runtime with the GIL released; a signal handler that raises (Ctrl-C's
/// `KeyboardInterrupt`) abandons it.
pub fn block_on<F>(py: Python<'_>, future: F) -> PyResult<F::Output>
where
    F: Future + Send,
    F::Output: Send,
{
    let runtime = runtime::try_get_blocking()?;
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
        _ => {
            Err(error::invalid_request(py, name, &format!("must be a positive number of seconds, not {seconds}"), None))
        }
    }
}

impl NativeClient {
    /// `call` / `call_raw`: converts the parameters, then waits for the core with the GIL released.
    fn call_blocking<'py>(
        &self,
        py: Python<'py>,
        operation_id: String,
        params: &Bound<'py, PyAny>,
        raw: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let params = convert::params_to_json(params)?;
        let client = self.core(py)?;
        match block_on(py, call(client, operation_id, params, raw, Reading::Alongside))? {
            Ok(answer) => answer.into_pyobject(py),
            Err(e) => Err(error::to_py(py, &e)),
        }
    }

    /// `call_async` / `call_raw_async`: an asyncio future resolved by `completion`.
    fn call_awaitable<'py>(
        &self,
        py: Python<'py>,
        operation_id: String,
        params: &Bound<'py, PyAny>,
        raw: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let params = convert::params_to_json(params)?;
        let client = self.core(py)?;
        let counted = InFlight::enter();
        let reading = if counted.alone { Reading::Alongside } else { Reading::AfterDecode };
        let call = async move {
            let _counted = counted;
            call(client, operation_id, params, raw, reading).await
        };
        completion::spawn(py, call, resolved)
    }

    /// The core client of this process, with this variant's per-call options.
    pub(crate) fn core(&self, py: Python<'_>) -> PyResult<Client> {
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
    #[pyo3(signature = (client_id=None, client_secret=None, *, environment="production", base_url=None, timeout=None, max_retries=None, account_id=None, strict=false))]
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
        strict: bool,
    ) -> PyResult<Self> {
        let environment = Environment::parse(environment).map_err(|e| error::to_py(py, &e))?;
        let mut builder = Client::builder().environment(environment).language("python").strict(strict);
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

    /// Calls `operation_id` with `params` (camelCase keys), blocking with the GIL released, and
    /// returns its `data`.
    fn call<'py>(
        &self,
        py: Python<'py>,
        operation_id: String,
        params: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.call_blocking(py, operation_id, params, false)
    }

    /// The same, returning `(data, meta)`: for raw responses and the per-call log line.
    fn call_raw<'py>(
        &self,
        py: Python<'py>,
        operation_id: String,
        params: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.call_blocking(py, operation_id, params, true)
    }

    /// `call` as an awaitable, for `AsyncClient`.
    fn call_async<'py>(
        &self,
        py: Python<'py>,
        operation_id: String,
        params: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.call_awaitable(py, operation_id, params, false)
    }

    /// `call_raw` as an awaitable.
    fn call_raw_async<'py>(
        &self,
        py: Python<'py>,
        operation_id: String,
        params: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.call_awaitable(py, operation_id, params, true)
    }

    /// Every deviation from the spec this client has seen in answers (in this process): a list of
    /// dicts with `operation`, `path`, `expected`, `seen`, `kind`, `count` and `firstSeen`.
    fn drift_report<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let report = self.core(py)?.drift_report();
        let entries = serde_json::to_value(&report.entries).unwrap_or_default();
        convert::to_py(py, &entries)
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
        Ok(format!(
            "NativeClient(client_id={:?}, base_url={:?}, client_secret=<redacted>)",
            config.client_id, config.base_url
        ))
    }
}

/// Pages of an iterator: lists of items (lazy objects), then `None`.
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
        let page = block_on(py, next_page(pager))?;
        page.map_err(|e| error::to_py(py, &e))?.into_pyobject(py)
    }

    /// The same as an awaitable.
    fn next_page_async<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.check_process()?;
        let pager = self.pager.clone();
        completion::spawn(py, next_page(pager), resolved)
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

/// A successful call, its data already on a [`Tape`]: Python's `data`, or `(data, meta)` when
/// the raw response was asked for (the headers dict is built only then).
struct Answer {
    data: Tape,
    meta: Option<ResponseMeta>,
    /// The data as sent, when the answer deviated from the spec (raw responses only).
    raw_json: Option<Value>,
}

/// How a call's answer gets onto its tape.
#[derive(Clone, Copy, PartialEq)]
enum Reading {
    /// From the typed answer, after the core's decode. For asyncio calls while others are in
    /// flight: the runtime's workers are then busy with other calls, and reading a body meanwhile
    /// on a further thread cost more than it saved (Python async (b) at 64 in flight, 547–557
    /// against 576–583 answers/s).
    AfterDecode,
    /// A large answer's body also straight from its text, on a blocking thread while the core
    /// decodes it. For blocking calls, whose calling thread only waits (Python sync (b),
    /// 395–405 against 330–332 answers/s), and an asyncio call alone in flight.
    Alongside,
}

/// The asyncio calls of this process in flight.
static ASYNC_IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);

/// An asyncio call, counted in [`ASYNC_IN_FLIGHT`] until it ends or is cancelled.
struct InFlight {
    /// Whether no other asyncio call was in flight when it started.
    alone: bool,
}

impl InFlight {
    fn enter() -> Self {
        InFlight { alone: ASYNC_IN_FLIGHT.fetch_add(1, Ordering::Relaxed) == 0 }
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        ASYNC_IN_FLIGHT.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Answers at least this long are read alongside the decode ([`Reading::Alongside`]); the same
/// threshold as Node's, and a choice, not a measured optimum (the benchmark's small answers are
/// at most a few kB, its large one 800 kB).
const EARLY_BODY_MIN: usize = 64 * 1024;

/// One call through the core, with the answer on a tape before the result reaches Python: no part
/// of it needs the GIL.
///
/// The tape is the typed answer's, written after the decode. With [`Reading::Alongside`], a body
/// of at least [`EARLY_BODY_MIN`] bytes handed over by the core before its decode is read onto a
/// tape meanwhile ([`Tape::of_data_member`]); that tape is kept when the core says the body reads
/// exactly as the typed answer (a conforming answer, the common case), so that the decode and the
/// tape take about the time of the longer of the two, not of both. For such a body the core does
/// not decode at all: it checks the body against the spec's shapes (`npay_order_api::conform`),
/// about half the time of the decode, and the typed answer is the body's if it is ever needed.
async fn call(
    client: Client,
    operation_id: String,
    params: Value,
    raw: bool,
    reading: Reading,
) -> npay_order::Result<Answer> {
    if reading == Reading::AfterDecode {
        let response = json::call_data(&client, &operation_id, params).await?;
        return to_answer(response, None, raw);
    }
    let (tap, handed) = json::BodyTap::new(EARLY_BODY_MIN);
    // Boxed: the call's future is large (a state per operation), and this future (with the
    // select below) would otherwise hold it twice over and move it more than once.
    let mut call = Box::pin(json::with_body_tap(tap.clone(), json::call_data(&client, &operation_id, params)));
    tokio::pin!(handed);
    let (response, early) = tokio::select! {
        // The core yields once after handing a body over, so the read starts before the decode.
        biased;
        body = &mut handed => {
            let early = body.ok().map(|body| tokio::task::spawn_blocking(move || Tape::of_data_member(body)));
            (call.await?, early)
        }
        response = &mut call => (response?, None),
    };
    // Asked after the decode: only then does the tap know.
    let early = match early {
        Some(reading) if tap.verbatim() => reading.await.ok().flatten(),
        _ => None,
    };
    to_answer(response, early, raw)
}

/// A successful call as an [`Answer`]: on `early`, the tape of its body when that reads as the
/// typed data, else on the typed data's.
// The core's own error type, returned as the core returns it (its crate allows the same lint).
#[allow(clippy::result_large_err)]
fn to_answer(response: Response<Data>, early: Option<Tape>, raw: bool) -> npay_order::Result<Answer> {
    let raw_json = if raw { response.raw_json().cloned() } else { None };
    let (data, meta) = response.into_parts();
    let data = match early {
        Some(tape) => tape,
        None => Tape::of(&*data).map_err(|e| unconvertible(&e, meta.status, meta.trace_id.clone()))?,
    };
    Ok(Answer { data, meta: raw.then_some(meta), raw_json })
}

/// The core could not write an answer it had read: a bug, reported as the core reports one.
fn unconvertible(error: &tape::Error, status: u16, trace_id: Option<String>) -> NpayError {
    NpayError::UnexpectedResponse { operation: "serialise", status, message: error.to_string(), trace_id }
}

impl<'py> IntoPyObject<'py> for Answer {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Self::Output> {
        let data = node::to_py(py, self.data)?;
        match self.meta {
            Some(meta) => {
                let meta = meta_to_py(py, &meta)?;
                match &self.raw_json {
                    Some(raw) => meta.set_item("raw_json", convert::to_py(py, raw)?)?,
                    None => meta.set_item("raw_json", py.None())?,
                }
                Ok(PyTuple::new(py, [data, meta.into_any()])?.into_any())
            }
            None => Ok(data),
        }
    }
}

/// What an awaited call or page gives Python: its value, or the exception of its error.
fn resolved<T: for<'py> IntoPyObject<'py, Error = PyErr>>(
    py: Python<'_>,
    outcome: npay_order::Result<T>,
) -> PyResult<Py<PyAny>> {
    match outcome {
        Ok(value) => value.into_py_any(py),
        Err(e) => Err(error::to_py(py, &e)),
    }
}

/// A page of an iterator on a tape: a list of lazy objects ([`node::JsonNode`]), or `None` at the end.
struct Page(Option<Tape>);

async fn next_page(pager: Arc<tokio::sync::Mutex<JsonPager>>) -> npay_order::Result<Page> {
    let page = pager.lock().await.next_page_data().await?;
    let page = page.map(|items| Tape::of(&*items)).transpose().map_err(|e| unconvertible(&e, 200, None))?;
    Ok(Page(page))
}

impl<'py> IntoPyObject<'py> for Page {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Self::Output> {
        match self.0 {
            Some(items) => node::to_py(py, items),
            None => Ok(py.None().into_bound(py)),
        }
    }
}

/// The raw response: `{"status", "headers", "trace_id", "timestamp"}`.
fn meta_to_py<'py>(py: Python<'py>, meta: &ResponseMeta) -> PyResult<Bound<'py, PyDict>> {
    let headers = PyDict::new(py);
    for name in meta.headers.keys() {
        let values: Vec<String> =
            meta.headers.get_all(name).iter().map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()).collect();
        headers.set_item(name.as_str(), values.join(", "))?;
    }
    let dict = PyDict::new(py);
    dict.set_item("status", meta.status)?;
    dict.set_item("headers", headers)?;
    dict.set_item("trace_id", meta.trace_id.as_deref())?;
    dict.set_item("timestamp", meta.timestamp.as_deref())?;
    Ok(dict)
}
