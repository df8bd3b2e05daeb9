//! The emulator behind `npay_order.testing.Sandbox`: `npay_sandbox::Sandbox` on its own runtime
//! thread, or one already running elsewhere (`NativeSandbox.connect`, e.g. the `npay-sandbox`
//! binary in a container), plus its control API for tests, through the project's one typed
//! control client (`npay_sandbox::control_api`). Python names the settings; the wire format
//! (paths, camelCase keys) is the control client's alone.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Mutex;

use npay_sandbox::control_api::{
    ControlClient, ControlError, CreateOrders, DeviationConfig, DeviationKind, Faults, InitialStatus, error_chain,
};
use npay_sandbox::{DEFAULT_CLIENT_SECRET, Sandbox, SandboxConfig, SandboxError};
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use serde_json::Value;

use crate::client::block_on;
use crate::runtime::ForkLocal;
use crate::{convert, error};

/// A running sandbox. One started here is stopped by `shutdown()` (or garbage collection); one
/// attached to with `connect` is never stopped from here.
#[pyclass(module = "npay_order._native", name = "NativeSandbox", frozen)]
pub struct NativeSandbox {
    /// The server and the pid that started it: a forked child never stops its parent's server.
    /// `None` once shut down, and always for a sandbox attached to with `connect`.
    sandbox: Mutex<Option<(u32, Sandbox)>>,
    /// Whether this object started the server (it did not for `connect`).
    embedded: bool,
    /// The base URL clients are given: the sandbox, or a proxy in front of it.
    api_url: String,
    /// The sandbox's own base URL; the control API is below it (`<sandbox_url>/_sandbox/`).
    sandbox_url: String,
    client_id: String,
    client_secret: String,
    seed: u64,
    /// Its control client (with its connection pool, rebuilt after a fork).
    control: ForkLocal<ControlClient>,
}

#[pymethods]
impl NativeSandbox {
    /// Starts a sandbox on a free loopback port; returns once it accepts connections.
    #[new]
    #[pyo3(signature = (client_id=None, client_secret=None, seed=None, rate_limit_rps=None))]
    fn new(
        py: Python<'_>,
        client_id: Option<String>,
        client_secret: Option<String>,
        seed: Option<u64>,
        rate_limit_rps: Option<f64>,
    ) -> PyResult<Self> {
        let mut config = SandboxConfig { seed, rate_limit_rps, ..SandboxConfig::default() };
        if let Some(client_id) = client_id {
            config.client_id = client_id;
        }
        if let Some(client_secret) = client_secret {
            config.client_secret = client_secret;
        }
        let sandbox = py.detach(|| Sandbox::start_blocking(config)).map_err(|e| match e {
            SandboxError::InvalidConfig(message) => error::invalid_request(py, "sandbox", &message, None),
            other => PyRuntimeError::new_err(other.to_string()),
        })?;
        Ok(NativeSandbox {
            embedded: true,
            api_url: sandbox.base_url().to_owned(),
            sandbox_url: sandbox.base_url().to_owned(),
            client_id: sandbox.client_id().to_owned(),
            client_secret: sandbox.client_secret().to_owned(),
            seed: sandbox.seed(),
            sandbox: Mutex::new(Some((std::process::id(), sandbox))),
            control: ForkLocal::new(),
        })
    }

    /// Attaches to a sandbox that is already running at `base_url` (what `npay-sandbox` printed,
    /// `http://HOST:PORT/npay/partner`): reads its `GET _sandbox/info` (which also proves it is
    /// one), and never stops it. `api_url` is the base URL clients are given (default `base_url`;
    /// e.g. a proxy in front of it); the control API always goes to `base_url` itself.
    /// `client_id` defaults to the one the sandbox reports, `client_secret` to the sandbox default.
    #[staticmethod]
    #[pyo3(signature = (base_url, api_url=None, client_id=None, client_secret=None))]
    fn connect(
        py: Python<'_>,
        base_url: &str,
        api_url: Option<&str>,
        client_id: Option<String>,
        client_secret: Option<String>,
    ) -> PyResult<Self> {
        let sandbox_url = http_base_url(py, "base_url", base_url)?;
        let api_url = match api_url {
            Some(url) => http_base_url(py, "api_url", url)?,
            None => sandbox_url.clone(),
        };
        let mut attached = NativeSandbox {
            sandbox: Mutex::new(None),
            embedded: false,
            api_url,
            sandbox_url,
            client_id: String::new(),
            client_secret: client_secret.unwrap_or_else(|| DEFAULT_CLIENT_SECRET.to_owned()),
            seed: 0,
            control: ForkLocal::new(),
        };
        let info = attached.run(py, |c| async move { c.info().await }).map_err(|e| {
            PyRuntimeError::new_err(format!("no npay-sandbox answers at {}; {}", attached.sandbox_url, e.value(py)))
        })?;
        attached.seed = info.seed;
        attached.client_id = client_id.unwrap_or(info.client_id);
        Ok(attached)
    }

    /// The base URL to give a client (`http://127.0.0.1:PORT/npay/partner`, or the `api_url` of
    /// `connect`).
    #[getter]
    fn base_url(&self) -> &str {
        &self.api_url
    }

    /// The sandbox's own base URL, below which its control API is (`<sandbox_url>/_sandbox/`).
    #[getter]
    fn sandbox_url(&self) -> &str {
        &self.sandbox_url
    }

    /// Whether this object started the sandbox (and `shutdown()` stops it).
    #[getter]
    fn embedded(&self) -> bool {
        self.embedded
    }

    /// The application id the sandbox accepts.
    #[getter]
    fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The application secret the sandbox verifies signatures with (a test value, not a secret).
    #[getter]
    fn client_secret(&self) -> &str {
        &self.client_secret
    }

    /// The seed of the generated data.
    #[getter]
    fn seed(&self) -> u64 {
        self.seed
    }

    /// One control-API call: `method` and `path` below `<sandbox_url>/_sandbox/`, an optional
    /// JSON body; returns the JSON answer (`None` for an empty one).
    #[pyo3(signature = (method, path, body=None))]
    fn control<'py>(
        &self,
        py: Python<'py>,
        method: &str,
        path: &str,
        body: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let body = body.map(|b| convert::to_json(b, "body", 0).map_err(|e| e.into_py_err(py))).transpose()?;
        let method = reqwest::Method::from_bytes(method.as_bytes())
            .map_err(|_| PyValueError::new_err(format!("not an HTTP method: {method:?}")))?;
        let path = path.to_owned();
        let answer = self.run(py, move |c| async move { c.call(method, &path, body.as_ref()).await })?;
        convert::to_py(py, &answer)
    }

    /// `POST orders`: `(order_ids, product_order_ids)`.
    fn create_orders(
        &self,
        py: Python<'_>,
        count: u32,
        status: &str,
        products_per_order: u32,
    ) -> PyResult<(Vec<String>, Vec<String>)> {
        let status = InitialStatus::parse(status).ok_or_else(|| {
            PyValueError::new_err(format!("status must be 'PAYED' or 'PAYMENT_WAITING', not {status:?}"))
        })?;
        let request = CreateOrders { count, status, products_per_order };
        let created = self.run(py, move |c| async move { c.create_orders(&request).await })?;
        Ok((created.order_ids, created.product_order_ids))
    }

    /// An event on a product order; the answer (the product order's status now) as a dict.
    fn event<'py>(&self, py: Python<'py>, product_order_id: &str, event: &str) -> PyResult<Bound<'py, PyAny>> {
        let (id, event) = (product_order_id.to_owned(), event.to_owned());
        let outcome = self.run(py, move |c| async move { c.event(&id, &event).await })?;
        convert::to_py(py, &serde_json::to_value(outcome).unwrap_or(Value::Null))
    }

    /// The sandbox's time (KST text).
    fn clock(&self, py: Python<'_>) -> PyResult<String> {
        Ok(self.run(py, |c| async move { c.clock().await })?.now)
    }

    /// Moves the clock forward; the new time (KST text).
    fn advance_clock(&self, py: Python<'_>, seconds: f64) -> PyResult<String> {
        Ok(self.run(py, move |c| async move { c.advance_clock(seconds).await })?.now)
    }

    /// `PUT faults`.
    #[pyo3(signature = (server_error_rate, rate_limit_rate, reset_rate, latency_ms, seed=None))]
    fn set_faults(
        &self,
        py: Python<'_>,
        server_error_rate: f64,
        rate_limit_rate: f64,
        reset_rate: f64,
        latency_ms: u64,
        seed: Option<u64>,
    ) -> PyResult<()> {
        let faults = Faults { server_error_rate, rate_limit_rate, reset_rate, latency_ms, seed };
        self.run(py, move |c| async move { c.set_faults(&faults).await }).map(drop)
    }

    /// `PUT deviations`; `kinds` by their names (`stringNumbers`, …; empty = all).
    #[pyo3(signature = (rate, kinds, seed=None))]
    fn set_deviations(&self, py: Python<'_>, rate: f64, kinds: Vec<String>, seed: Option<u64>) -> PyResult<()> {
        let kinds = kinds
            .iter()
            .map(|k| {
                serde_json::from_value::<DeviationKind>(Value::String(k.clone())).map_err(|_| {
                    let known: Vec<String> = DeviationKind::ALL
                        .iter()
                        .filter_map(|k| serde_json::to_value(k).ok())
                        .map(|v| v.to_string())
                        .collect();
                    PyValueError::new_err(format!("not a deviation kind: {k:?}; one of {}", known.join(", ")))
                })
            })
            .collect::<PyResult<Vec<_>>>()?;
        let config = DeviationConfig { rate, kinds, seed };
        self.run(py, move |c| async move { c.set_deviations(&config).await }).map(drop)
    }

    /// `GET stats`: `(tokens_issued, requests, mutations_applied)`, the last two by operationId.
    #[allow(clippy::type_complexity)]
    fn stats(&self, py: Python<'_>) -> PyResult<(u64, BTreeMap<String, u64>, BTreeMap<String, u64>)> {
        let stats = self.run(py, |c| async move { c.stats().await })?;
        Ok((stats.tokens_issued, stats.requests, stats.mutations_applied))
    }

    /// `POST reset`.
    fn reset(&self, py: Python<'_>) -> PyResult<()> {
        self.run(py, |c| async move { c.reset().await })
    }

    /// Stops the server (idempotent). In a forked child it only forgets the parent's server.
    fn shutdown(&self, py: Python<'_>) {
        let taken = self.sandbox.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some((pid, sandbox)) = taken {
            if pid == std::process::id() {
                py.detach(|| sandbox.shutdown());
            } else {
                std::mem::forget(sandbox);
            }
        }
    }

    fn __repr__(&self) -> String {
        if self.api_url == self.sandbox_url {
            format!("NativeSandbox(base_url={:?}, seed={}, embedded={})", self.api_url, self.seed, self.embedded)
        } else {
            format!(
                "NativeSandbox(base_url={:?}, sandbox_url={:?}, seed={}, embedded={})",
                self.api_url, self.sandbox_url, self.seed, self.embedded
            )
        }
    }
}

impl NativeSandbox {
    /// Runs one call of the control client to its end (Ctrl-C still interrupts it); a failure
    /// is a `RuntimeError` that says what was called and why it failed.
    fn run<T, F, Fut>(&self, py: Python<'_>, call: F) -> PyResult<T>
    where
        F: FnOnce(ControlClient) -> Fut,
        Fut: Future<Output = Result<T, ControlError>> + Send,
        T: Send,
    {
        let control = self.control.get_or_try_init(|| ControlClient::new(&self.sandbox_url)).map_err(|e| {
            PyRuntimeError::new_err(format!("cannot make the sandbox's control client: {}", error_chain(&e)))
        })?;
        block_on(py, call(control))?.map_err(|e| {
            PyRuntimeError::new_err(format!("sandbox control at {}: {}", self.sandbox_url, error_chain(&e)))
        })
    }
}

/// `url` if it is an absolute `http(s)` URL, without a trailing `/`.
fn http_base_url(py: Python<'_>, name: &str, url: &str) -> PyResult<String> {
    match reqwest::Url::parse(url) {
        Ok(parsed) if matches!(parsed.scheme(), "http" | "https") && parsed.has_host() => {
            Ok(url.trim_end_matches('/').to_owned())
        }
        _ => Err(error::invalid_request(py, name, &format!("not an http(s) base URL: {url:?}"), None)),
    }
}

impl Drop for NativeSandbox {
    fn drop(&mut self) {
        let slot = self.sandbox.get_mut().unwrap_or_else(|e| e.into_inner());
        if let Some((pid, sandbox)) = slot.take() {
            if pid == std::process::id() {
                sandbox.shutdown();
            } else {
                // The server thread is the parent's; joining it here would wait forever.
                std::mem::forget(sandbox);
            }
        }
    }
}
