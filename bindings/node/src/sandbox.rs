//! The emulator behind `startSandbox()`: `npay_sandbox::Sandbox` running on its own runtime
//! thread inside the Node process, so tests need no separate server and no credentials; and
//! `connectSandbox()`, the same object attached to a sandbox running elsewhere (the
//! `npay-sandbox` binary, e.g. in a container), which it never stops. Its control API (orders,
//! buyer/courier events, clock, faults, stats) goes through the project's one typed control client
//! (`npay_sandbox::control_api`): `lib/sandbox.js` hands over and gets back plain objects whose
//! camelCase keys are the wire types' own, as JSON text.

use std::future::Future;
use std::sync::Mutex;

use npay_sandbox::control_api::{
    ControlClient, ControlError, CreateOrders, DeviationConfig, EventDetails, Faults, Method, error_chain,
};
use serde::Serialize;
use serde::de::DeserializeOwned;

use napi::Env;
use napi::bindgen_prelude::{BigInt, PromiseRaw, Undefined};
use napi_derive::napi;
use npay_sandbox::{DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, Sandbox, SandboxConfig, SandboxError};

use crate::error::{ErrorParts, to_js};
use crate::runtime::spawn;

/// How to start a sandbox; every field is optional.
#[napi(object)]
pub struct SandboxOptions {
    /// The application id it accepts (default `sandbox-client-id`).
    pub client_id: Option<String>,
    /// The application secret, a bcrypt salt (default `$2a$04$sandboxsecretsandboxse`).
    pub client_secret: Option<String>,
    /// Seed of the generated data (default: random; see `seed`).
    pub seed: Option<BigInt>,
    /// Gateway rate limit in requests per second (default: off).
    pub rate_limit_rps: Option<f64>,
}

/// How to attach to a running sandbox; every field is optional.
#[napi(object)]
pub struct ConnectSandboxOptions {
    /// The base URL clients are given (default: the sandbox's own), e.g. a proxy in front of it.
    pub api_url: Option<String>,
    /// The application id (default: the one the sandbox reports).
    pub client_id: Option<String>,
    /// The application secret (default `$2a$04$sandboxsecretsandboxse`).
    pub client_secret: Option<String>,
}

/// A running sandbox: started here (`startSandbox`) or attached to (`connectSandbox`).
#[napi]
pub struct NativeSandbox {
    /// The sandbox this process started; `None` once closed, and always for an attached one.
    sandbox: Mutex<Option<Sandbox>>,
    /// What clients are given: the sandbox's base URL, or a proxy in front of it.
    base_url: String,
    /// `<the sandbox's own base URL>/_sandbox`, never through a proxy.
    control_url: String,
    client_id: String,
    client_secret: String,
    seed: u64,
    /// The typed control client of the sandbox itself (never through a proxy).
    control: ControlClient,
}

fn config(options: Option<SandboxOptions>) -> Result<SandboxConfig, ErrorParts> {
    let mut config = SandboxConfig::default();
    let Some(options) = options else {
        return Ok(config);
    };
    if let Some(id) = options.client_id {
        config.client_id = id;
    }
    if let Some(secret) = options.client_secret {
        config.client_secret = secret;
    }
    if let Some(seed) = options.seed {
        let (negative, value, lossless) = seed.get_u64();
        if negative || !lossless {
            return Err(ErrorParts::invalid("seed", "must be an integer between 0 and 2^64 - 1"));
        }
        config.seed = Some(value);
    }
    config.rate_limit_rps = options.rate_limit_rps;
    Ok(config)
}

fn start_error(error: SandboxError) -> ErrorParts {
    match error {
        SandboxError::InvalidConfig(message) => ErrorParts::invalid("sandbox", message),
        other => ErrorParts::plain("NpayError", other.to_string()),
    }
}

/// Starts a sandbox on a free loopback port; resolves once it accepts connections.
#[napi(catch_unwind, ts_return_type = "Promise<NativeSandbox>")]
pub fn start_sandbox(env: &Env, options: Option<SandboxOptions>) -> napi::Result<PromiseRaw<'_, NativeSandbox>> {
    let config = config(options);
    let work = async move {
        let config = config?;
        // `start_blocking` builds and blocks on its own runtime: keep it off napi's runtime threads.
        let started = tokio::task::spawn_blocking(move || Sandbox::start_blocking(config)).await;
        match started {
            Ok(result) => result.map_err(start_error),
            Err(join) => Err(ErrorParts::plain("NpayError", format!("the sandbox failed to start: {join}"))),
        }
    };
    spawn(env, work, |_env, sandbox| {
        Ok(NativeSandbox {
            control: sandbox.control(),
            base_url: sandbox.base_url().to_owned(),
            control_url: sandbox.control_url(),
            client_id: sandbox.client_id().to_owned(),
            client_secret: sandbox.client_secret().to_owned(),
            seed: sandbox.seed(),
            sandbox: Mutex::new(Some(sandbox)),
        })
    })
}

/// How long `connectSandbox` waits for the sandbox's first answer.
const CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Attaches to the sandbox at `base_url` (already checked to be an http(s) URL by
/// `lib/sandbox.js`): asks its `GET _sandbox/info` (which also proves it is one); `close()`
/// leaves it running.
#[napi(catch_unwind, ts_return_type = "Promise<NativeSandbox>")]
pub fn connect_sandbox(
    env: &Env,
    base_url: String,
    options: Option<ConnectSandboxOptions>,
) -> napi::Result<PromiseRaw<'_, NativeSandbox>> {
    let work = async move {
        let base_url = base_url.trim_end_matches('/').to_owned();
        let control = ControlClient::new(&base_url).map_err(|e| control_error(&e))?;
        let info = match tokio::time::timeout(CONNECT_TIMEOUT, control.info()).await {
            Err(_) => {
                let waited = CONNECT_TIMEOUT.as_millis();
                return Err(ErrorParts::plain(
                    "ApiTimeoutError",
                    format!("no answer from a sandbox at {base_url} within {waited} ms"),
                ));
            }
            Ok(Ok(info)) => info,
            Ok(Err(ControlError::Unreachable { source, .. })) => {
                let reason = error_chain(&source);
                return Err(ErrorParts::plain(
                    "ApiConnectionError",
                    format!("no sandbox answers at {base_url}: {reason}"),
                ));
            }
            Ok(Err(ControlError::Refused { status, .. })) => {
                let mut parts = ErrorParts::plain(
                    "NpayError",
                    format!("{base_url} is not an npay-sandbox: GET _sandbox/info answered HTTP {status}"),
                );
                parts.status = Some(status);
                return Err(parts);
            }
            Ok(Err(other)) => {
                let reason = error_chain(&other);
                return Err(ErrorParts::plain(
                    "NpayError",
                    format!("{base_url}/_sandbox/info did not answer like an npay-sandbox: {reason}"),
                ));
            }
        };
        attached(control, &base_url, info, options)
    };
    spawn(env, work, |_env, sandbox| Ok(sandbox))
}

fn attached(
    control: ControlClient,
    base_url: &str,
    info: npay_sandbox::control_api::Info,
    options: Option<ConnectSandboxOptions>,
) -> Result<NativeSandbox, ErrorParts> {
    let options = options.unwrap_or(ConnectSandboxOptions { api_url: None, client_id: None, client_secret: None });
    let api_url = options.api_url.unwrap_or_else(|| base_url.to_owned());
    let reported = Some(info.client_id).filter(|id| !id.is_empty());
    let client_id = options.client_id.or(reported).unwrap_or_else(|| DEFAULT_CLIENT_ID.to_owned());
    let client_secret = options.client_secret.unwrap_or_else(|| DEFAULT_CLIENT_SECRET.to_owned());
    // The checks `client()` would make (secret format, HTTPS unless loopback), made now.
    let client = npay_order::Client::builder()
        .language("node")
        .client_id(client_id.as_str())
        .client_secret(client_secret.as_str())
        .base_url(api_url)
        .build()
        .map_err(|e| ErrorParts::from(&e))?;
    Ok(NativeSandbox {
        control,
        sandbox: Mutex::new(None),
        base_url: client.config().base_url.clone(),
        control_url: format!("{base_url}/_sandbox"),
        client_id,
        client_secret,
        seed: info.seed,
    })
}

#[napi]
impl NativeSandbox {
    /// The base URL a client is pointed at (`http://127.0.0.1:PORT/npay/partner`, or the proxy
    /// an attached sandbox was given).
    #[napi(getter)]
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    /// The control API, `<the sandbox's base URL>/_sandbox`.
    #[napi(getter)]
    pub fn control_url(&self) -> String {
        self.control_url.clone()
    }

    /// The application id the sandbox accepts.
    #[napi(getter)]
    pub fn client_id(&self) -> String {
        self.client_id.clone()
    }

    /// The application secret the sandbox verifies signatures with.
    #[napi(getter)]
    pub fn client_secret(&self) -> String {
        self.client_secret.clone()
    }

    /// The data seed in use (the one given, or the random one picked at start).
    #[napi(getter)]
    pub fn seed(&self) -> BigInt {
        BigInt::from(self.seed)
    }

    /// Any control call: `method` and `path` below `_sandbox/`, a JSON body (text); the JSON text
    /// of the answer.
    #[napi(catch_unwind, ts_return_type = "Promise<string>")]
    pub fn control<'env>(
        &self,
        env: &'env Env,
        method: String,
        path: String,
        body_json: Option<String>,
    ) -> napi::Result<PromiseRaw<'env, String>> {
        let method = Method::from_bytes(method.as_bytes())
            .map_err(|_| to_js(env, ErrorParts::invalid("method", format!("not an HTTP method: {method:?}"))))?;
        let body: Option<serde_json::Value> = body_json.map(|b| parse(env, "body", &b)).transpose()?;
        let c = self.control.clone();
        answer(env, async move { c.call(method, &path, body.as_ref()).await })
    }

    /// `POST orders` with a `CreateOrders` (JSON text, every field optional).
    #[napi(catch_unwind, ts_return_type = "Promise<string>")]
    pub fn create_orders<'env>(&self, env: &'env Env, request_json: String) -> napi::Result<PromiseRaw<'env, String>> {
        let request: CreateOrders = parse(env, "request", &request_json)?;
        let c = self.control.clone();
        answer(env, async move { c.create_orders(&request).await })
    }

    /// An event on a product order, with optional `EventDetails` (JSON text).
    #[napi(catch_unwind, ts_return_type = "Promise<string>")]
    pub fn event<'env>(
        &self,
        env: &'env Env,
        product_order_id: String,
        event: String,
        details_json: Option<String>,
    ) -> napi::Result<PromiseRaw<'env, String>> {
        let details: EventDetails = match details_json {
            Some(text) => parse(env, "body", &text)?,
            None => EventDetails::default(),
        };
        let c = self.control.clone();
        answer(env, async move { c.event_with(&product_order_id, &event, &details).await })
    }

    /// Moves the clock forward by `seconds`.
    #[napi(catch_unwind, ts_return_type = "Promise<string>")]
    pub fn advance_clock<'env>(&self, env: &'env Env, seconds: f64) -> napi::Result<PromiseRaw<'env, String>> {
        let c = self.control.clone();
        answer(env, async move { c.advance_clock(seconds).await })
    }

    /// `PUT faults` with a `Faults` (JSON text, every field optional).
    #[napi(catch_unwind, ts_return_type = "Promise<string>")]
    pub fn set_faults<'env>(&self, env: &'env Env, faults_json: String) -> napi::Result<PromiseRaw<'env, String>> {
        let faults: Faults = parse(env, "faults", &faults_json)?;
        let c = self.control.clone();
        answer(env, async move { c.set_faults(&faults).await })
    }

    /// `PUT deviations` with a `DeviationConfig` (JSON text).
    #[napi(catch_unwind, ts_return_type = "Promise<string>")]
    pub fn set_deviations<'env>(
        &self,
        env: &'env Env,
        deviations_json: String,
    ) -> napi::Result<PromiseRaw<'env, String>> {
        let config: DeviationConfig = parse(env, "deviations", &deviations_json)?;
        let c = self.control.clone();
        answer(env, async move { c.set_deviations(&config).await })
    }

    /// `GET stats`.
    #[napi(catch_unwind, ts_return_type = "Promise<string>")]
    pub fn stats<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, String>> {
        let c = self.control.clone();
        answer(env, async move { c.stats().await })
    }

    /// `POST reset`.
    #[napi(catch_unwind, ts_return_type = "Promise<string>")]
    pub fn reset<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, String>> {
        let c = self.control.clone();
        answer(env, async move { c.reset().await })
    }

    /// Stops the server and waits for its thread; idempotent. Does nothing for an attached sandbox.
    #[napi(catch_unwind, ts_return_type = "Promise<void>")]
    pub fn close<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, Undefined>> {
        let taken = self.sandbox.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take();
        let work = async move {
            if let Some(sandbox) = taken {
                tokio::task::spawn_blocking(move || sandbox.shutdown())
                    .await
                    .map_err(|join| ErrorParts::plain("NpayError", format!("the sandbox failed to stop: {join}")))?;
            }
            Ok(())
        };
        spawn(env, work, |_env, ()| Ok(()))
    }
}

/// `text` as the request type of a control call; a typed `InvalidRequestError` naming `input`
/// (and nothing sent) if it is not one.
fn parse<T: DeserializeOwned>(env: &Env, input: &str, text: &str) -> napi::Result<T> {
    serde_json::from_str(text).map_err(|e| to_js(env, ErrorParts::invalid(input, e.to_string())))
}

/// Runs one control call; resolves to the JSON text of its answer.
fn answer<'env, T, F>(env: &'env Env, call: F) -> napi::Result<PromiseRaw<'env, String>>
where
    T: Serialize + Send + 'static,
    F: Future<Output = Result<T, ControlError>> + Send + 'static,
{
    let work = async move {
        let value = call.await.map_err(|e| control_error(&e))?;
        serde_json::to_string(&value).map_err(|e| ErrorParts::plain("NpayError", e.to_string()))
    };
    spawn(env, work, |_env, text| Ok(text))
}

/// A failed control call as an `NpayError`: a refusal keeps the sandbox's status and code.
fn control_error(error: &ControlError) -> ErrorParts {
    let mut parts = ErrorParts::plain("NpayError", format!("sandbox {}", error_chain(error)));
    parts.status = error.status();
    parts.code = error.code().filter(|c| !c.is_empty()).map(str::to_owned);
    parts
}
