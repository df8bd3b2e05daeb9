//! The embedded emulator behind `startSandbox()`: `npay_sandbox::Sandbox` running on its own
//! runtime thread inside the Node process, so tests need no separate server and no credentials.
//! Its control API (orders, buyer/courier events, clock, faults, stats) is plain HTTP and is
//! driven from `lib/sandbox.js`.

use std::sync::Mutex;

use napi::Env;
use napi::bindgen_prelude::{BigInt, PromiseRaw, Undefined};
use napi_derive::napi;
use npay_sandbox::{Sandbox, SandboxConfig, SandboxError};

use crate::error::ErrorParts;
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

/// A running sandbox.
#[napi]
pub struct NativeSandbox {
    /// `None` once closed.
    sandbox: Mutex<Option<Sandbox>>,
    base_url: String,
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
            return Err(ErrorParts::invalid(
                "seed",
                "must be an integer between 0 and 2^64 - 1",
            ));
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
pub fn start_sandbox(
    env: &Env,
    options: Option<SandboxOptions>,
) -> napi::Result<PromiseRaw<'_, NativeSandbox>> {
    let config = config(options);
    let work = async move {
        let config = config?;
        // `start_blocking` builds and blocks on its own runtime: keep it off napi's runtime threads.
        let started = tokio::task::spawn_blocking(move || Sandbox::start_blocking(config)).await;
        match started {
            Ok(result) => result.map_err(start_error),
            Err(join) => Err(ErrorParts::plain(
                "NpayError",
                format!("the sandbox failed to start: {join}"),
            )),
        }
    };
    spawn(env, work, |_env, sandbox| {
        Ok(NativeSandbox {
            base_url: sandbox.base_url().to_owned(),
            client_id: sandbox.client_id().to_owned(),
            client_secret: sandbox.client_secret().to_owned(),
            seed: sandbox.seed(),
            sandbox: Mutex::new(Some(sandbox)),
        })
    })
}

#[napi]
impl NativeSandbox {
    /// The base URL a client is pointed at (`http://127.0.0.1:PORT/npay/partner`).
    #[napi(getter)]
    pub fn base_url(&self) -> String {
        self.base_url.clone()
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

    /// Stops the server and waits for its thread; idempotent.
    #[napi(catch_unwind, ts_return_type = "Promise<void>")]
    pub fn close<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, Undefined>> {
        let taken = self
            .sandbox
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take();
        let work = async move {
            if let Some(sandbox) = taken {
                tokio::task::spawn_blocking(move || sandbox.shutdown())
                    .await
                    .map_err(|join| {
                        ErrorParts::plain(
                            "NpayError",
                            format!("the sandbox failed to stop: {join}"),
                        )
                    })?;
            }
            Ok(())
        };
        spawn(env, work, |_env, ()| Ok(()))
    }
}
