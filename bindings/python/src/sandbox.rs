//! The emulator behind `npay_order.testing.Sandbox`: `npay_sandbox::Sandbox` on its own runtime
//! thread, or one already running elsewhere (`NativeSandbox.connect`, e.g. the `npay-sandbox`
//! binary in a container), plus its control API (JSON over HTTP) for tests.

use std::sync::Mutex;
use std::time::Duration;

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
    http: ForkLocal<reqwest::Client>,
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
            http: ForkLocal::new(),
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
            http: ForkLocal::new(),
        };
        let info = attached.request(py, reqwest::Method::GET, "info", None).map_err(|e| {
            PyRuntimeError::new_err(format!("no npay-sandbox answers at {}; {}", attached.sandbox_url, e.value(py)))
        })?;
        let reported = |key: &str| info.as_ref().and_then(|i| i.get(key));
        let seed = reported("seed").and_then(Value::as_u64);
        let reported_id = reported("clientId").and_then(Value::as_str);
        let (Some(seed), Some(reported_id)) = (seed, reported_id) else {
            return Err(PyRuntimeError::new_err(format!(
                "{}/_sandbox/info is not an npay-sandbox's answer: {}",
                attached.sandbox_url,
                info.unwrap_or(Value::Null)
            )));
        };
        attached.seed = seed;
        attached.client_id = client_id.unwrap_or_else(|| reported_id.to_owned());
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
        match self.request(py, method, path, body)? {
            Some(value) => convert::to_py(py, &value),
            None => Ok(py.None().into_bound(py)),
        }
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
    /// One control-API call with a JSON body; the JSON answer, `None` for an empty one.
    fn request(
        &self,
        py: Python<'_>,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> PyResult<Option<Value>> {
        let url = format!("{}/_sandbox/{}", self.sandbox_url, path.trim_start_matches('/'));
        // Never through an HTTP proxy of the environment: the sandbox is local or named directly.
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
        let (status, text) = outcome
            .map_err(|e| PyRuntimeError::new_err(format!("sandbox control {shown} failed: {}", with_causes(&e))))?;
        if !status.is_success() {
            return Err(PyRuntimeError::new_err(format!("sandbox control {shown} answered {status}: {text}")));
        }
        if text.trim().is_empty() {
            return Ok(None);
        }
        serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| PyRuntimeError::new_err(format!("sandbox control {shown} answered non-JSON: {e}")))
    }
}

/// An error and its causes, `a: b: c` (reqwest's own text leaves out why a request failed).
fn with_causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(e) = cause {
        text.push_str(": ");
        text.push_str(&e.to_string());
        cause = e.source();
    }
    text
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
