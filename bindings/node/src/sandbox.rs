//! The emulator behind `startSandbox()`: `npay_sandbox::Sandbox` running on its own runtime
//! thread inside the Node process, so tests need no separate server and no credentials; and
//! `connectSandbox()`, the same object attached to a sandbox running elsewhere (the
//! `npay-sandbox` binary, e.g. in a container), which it never stops. Its control API (orders,
//! buyer/courier events, clock, faults, stats) is plain HTTP and is driven from `lib/sandbox.js`.

use std::sync::Mutex;

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
            base_url: sandbox.base_url().to_owned(),
            control_url: sandbox.control_url(),
            client_id: sandbox.client_id().to_owned(),
            client_secret: sandbox.client_secret().to_owned(),
            seed: sandbox.seed(),
            sandbox: Mutex::new(Some(sandbox)),
        })
    })
}

/// The part of `GET <base_url>/_sandbox/info` an attached sandbox keeps.
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Info {
    client_id: Option<String>,
    seed: u64,
}

fn connect(base_url: &str, info: &str, options: Option<ConnectSandboxOptions>) -> Result<NativeSandbox, ErrorParts> {
    let base_url = base_url.trim_end_matches('/');
    let info: Info = serde_json::from_str(info).map_err(|e| {
        ErrorParts::plain("NpayError", format!("{base_url}/_sandbox/info did not answer like an npay-sandbox: {e}"))
    })?;
    let options = options.unwrap_or(ConnectSandboxOptions { api_url: None, client_id: None, client_secret: None });
    let api_url = options.api_url.unwrap_or_else(|| base_url.to_owned());
    let client_id = options.client_id.or(info.client_id).unwrap_or_else(|| DEFAULT_CLIENT_ID.to_owned());
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
        sandbox: Mutex::new(None),
        base_url: client.config().base_url.clone(),
        control_url: format!("{base_url}/_sandbox"),
        client_id,
        client_secret,
        seed: info.seed,
    })
}

/// A sandbox running elsewhere, described by its base URL and the JSON text of its
/// `GET _sandbox/info` answer (fetched by `lib/sandbox.js`); `close()` leaves it running.
#[napi(catch_unwind)]
pub fn connect_sandbox(
    env: Env,
    base_url: String,
    info: String,
    options: Option<ConnectSandboxOptions>,
) -> napi::Result<NativeSandbox> {
    connect(&base_url, &info, options).map_err(|parts| to_js(&env, parts))
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
