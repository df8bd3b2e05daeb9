//! The embedded emulator behind `npay_order.testing.Sandbox`: `npay_sandbox::Sandbox` on its own
//! runtime thread, plus its control API (JSON over HTTP) for tests.

use std::sync::Mutex;
use std::time::Duration;

use npay_sandbox::{Sandbox, SandboxConfig, SandboxError};
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use serde_json::Value;

use crate::client::block_on;
use crate::{convert, error};
use crate::runtime::ForkLocal;

/// A running sandbox; `shutdown()` (or garbage collection) stops it.
#[pyclass(module = "npay_order._native", name = "NativeSandbox", frozen)]
pub struct NativeSandbox {
    /// The server and the pid that started it: a forked child never stops its parent's server.
    sandbox: Mutex<Option<(u32, Sandbox)>>,
    base_url: String,
    client_id: String,
    client_secret: String,
    seed: u64,
    http: ForkLocal<reqwest::Client>,
}

#[pymethods]
impl NativeSandbox {
    /// Starts a sandbox on a free loopback port; returns once it accepts connections.
    #[new]
    #[pyo3(signature = (client_id=None, client_secret=None, seed=None))]
    fn new(py: Python<'_>, client_id: Option<String>, client_secret: Option<String>, seed: Option<u64>) -> PyResult<Self> {
        let mut config = SandboxConfig { seed, ..SandboxConfig::default() };
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
            base_url: sandbox.base_url().to_owned(),
            client_id: sandbox.client_id().to_owned(),
            client_secret: sandbox.client_secret().to_owned(),
            seed: sandbox.seed(),
            sandbox: Mutex::new(Some((std::process::id(), sandbox))),
            http: ForkLocal::new(),
        })
    }

    /// The base URL to give a client (`http://127.0.0.1:PORT/npay/partner`).
    #[getter]
    fn base_url(&self) -> &str {
        &self.base_url
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

    /// One control-API call: `method` and `path` below `<base_url>/_sandbox/`, an optional JSON
    /// body; returns the JSON answer (`None` for an empty one).
    #[pyo3(signature = (method, path, body=None))]
    fn control<'py>(&self, py: Python<'py>, method: &str, path: &str, body: Option<&Bound<'py, PyAny>>) -> PyResult<Bound<'py, PyAny>> {
        let body = body.map(|b| convert::to_json(b, "body", 0).map_err(|e| e.into_py_err(py))).transpose()?;
        let method = reqwest::Method::from_bytes(method.as_bytes()).map_err(|_| PyValueError::new_err(format!("not an HTTP method: {method:?}")))?;
        let url = format!("{}/_sandbox/{}", self.base_url, path.trim_start_matches('/'));
        let http = self
            .http
            .get_or_try_init(|| reqwest::Client::builder().no_proxy().timeout(Duration::from_secs(30)).build())
            .map_err(|e| PyRuntimeError::new_err(format!("cannot build the control client: {e}")))?;
        let shown = format!("{method} {url}");
        let outcome = block_on(py, async move {
            let mut request = http.request(method, &url);
            if let Some(body) = body {
                request = request.json(&body);
            }
            let response = request.send().await?;
            let status = response.status();
            let text = response.text().await?;
            Ok::<_, reqwest::Error>((status, text))
        })?;
        let (status, text) = outcome.map_err(|e| PyRuntimeError::new_err(format!("sandbox control {shown} failed: {e}")))?;
        if !status.is_success() {
            return Err(PyRuntimeError::new_err(format!("sandbox control {shown} answered {status}: {text}")));
        }
        if text.trim().is_empty() {
            return Ok(py.None().into_bound(py));
        }
        let value: Value = serde_json::from_str(&text).map_err(|e| PyRuntimeError::new_err(format!("sandbox control {shown} answered non-JSON: {e}")))?;
        convert::to_py(py, &value)
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
        format!("NativeSandbox(base_url={:?}, seed={})", self.base_url, self.seed)
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
