//! The native client behind `Client` of `lib/`: one generic `call` for every operation, a pager
//! per iterator, and `close()`.
//!
//! Parameters arrive as the JSON text of an object with the API's camelCase keys (the JavaScript
//! side has already turned `Date`s into `+09:00` strings while stringifying); the core checks them
//! against the spec before anything is sent. Results go back as JSON text, serialised on the
//! runtime and parsed by `JSON.parse` (see `convert.rs` for why) — except a large answer, whose
//! body JavaScript parses itself while the core checks it against the spec's shapes (see
//! [`NativeEarly`] and `npay_order_api::conform`).

use std::future::Future;
use std::pin::Pin;
use std::sync::{Mutex, PoisonError, RwLock};
use std::time::Duration;

use napi::Env;
use napi::JsValue;
use napi::bindgen_prelude::Null;
use napi::bindgen_prelude::{JavaScriptClassExt, Object, PromiseRaw, ToNapiValue, Unknown};
use napi_derive::napi;
use npay_order::json::{BodyTap, ByteString, Data, JsonPager, with_body_tap};
use npay_order::{Client, Environment, NpayError, Response};
use tokio::runtime::Handle;
use tokio::task::{JoinError, JoinHandle};

use crate::convert::{raw_to_js, text_to_js, to_text};
use crate::error::{ErrorParts, from_npay, panicked, to_js};
use crate::pager::NativePager;
use crate::runtime::spawn;

/// How to build a client; every field is optional (credentials fall back to `NPAY_CLIENT_ID` /
/// `NPAY_CLIENT_SECRET`). Types are checked by `lib/` before this is built.
#[napi(object)]
pub struct ClientConfig {
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    /// `"production"` (default) or `"sandbox"`.
    pub environment: Option<String>,
    /// Overrides `environment`; HTTPS unless loopback.
    pub base_url: Option<String>,
    /// Whole-request timeout per attempt, in milliseconds (default 30 000).
    pub timeout_ms: Option<f64>,
    /// Retries after the first attempt where safe (default 2).
    pub max_retries: Option<u32>,
    /// Fail a call whose answer deviates from the spec instead of reading it tolerantly.
    pub strict: Option<bool>,
}

/// A client of the API. Clones of the core client share the connection pool and the token.
#[napi]
pub struct NativeClient {
    /// `None` once closed.
    client: RwLock<Option<Client>>,
    base_url: String,
    client_id: String,
}

fn build(config: ClientConfig) -> Result<Client, ErrorParts> {
    let mut builder = Client::builder().language("node");
    if let Some(id) = config.client_id {
        builder = builder.client_id(id);
    }
    if let Some(secret) = config.client_secret {
        builder = builder.client_secret(secret);
    }
    if let Some(environment) = config.environment {
        builder = builder.environment(Environment::parse(&environment).map_err(|e| ErrorParts::from(&e))?);
    }
    if let Some(base_url) = config.base_url {
        builder = builder.base_url(base_url);
    }
    if let Some(ms) = config.timeout_ms {
        // `Duration::from_secs_f64` panics on negative, NaN or huge values: refuse them first.
        if !(ms.is_finite() && ms > 0.0 && ms <= 86_400_000.0) {
            return Err(ErrorParts::invalid("timeoutMs", "must be a number of milliseconds between 1 and 86400000"));
        }
        builder = builder.timeout(Duration::from_secs_f64(ms / 1000.0));
    }
    if let Some(retries) = config.max_retries {
        builder = builder.max_retries(retries);
    }
    if let Some(strict) = config.strict {
        builder = builder.strict(strict);
    }
    builder.build().map_err(|e| ErrorParts::from(&e))
}

fn parse_params(operation_id: &str, params: &str) -> Result<serde_json::Value, NpayError> {
    serde_json::from_str(params).map_err(|e| NpayError::invalid(operation_id, format!("parameters are not JSON: {e}")))
}

impl NativeClient {
    /// The core client, for the watcher.
    pub(crate) fn core(&self) -> Result<Client, ErrorParts> {
        self.client()
    }

    fn client(&self) -> Result<Client, ErrorParts> {
        let guard = self.client.read().unwrap_or_else(|poisoned| poisoned.into_inner());
        guard.clone().ok_or_else(|| ErrorParts::invalid("client", "the client is closed"))
    }
}

#[napi]
impl NativeClient {
    /// Checks the configuration offline (secret format, URL scheme) and builds the client.
    #[napi(constructor, catch_unwind)]
    pub fn new(env: Env, config: ClientConfig) -> napi::Result<Self> {
        let client = build(config).map_err(|parts| to_js(&env, parts))?;
        Ok(NativeClient {
            base_url: client.config().base_url.clone(),
            client_id: client.config().client_id.clone(),
            client: RwLock::new(Some(client)),
        })
    }

    /// The base URL calls go to.
    #[napi(getter)]
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    /// The application id (not a secret).
    #[napi(getter)]
    pub fn client_id(&self) -> String {
        self.client_id.clone()
    }

    /// Whether `close()` was called.
    #[napi(getter)]
    pub fn closed(&self) -> bool {
        self.client.read().unwrap_or_else(|poisoned| poisoned.into_inner()).is_none()
    }

    /// Calls `operation_id` with its parameters as JSON text; resolves to the envelope's `data` as
    /// JSON text, or with `raw` to `{ data /* JSON text */, status, headers, traceId, timestamp }`.
    /// An answer of at least [`EARLY_BODY_MIN`] bytes resolves early instead, to `{ body, rest }`:
    /// the whole body as text for JavaScript to parse, and the rest of the call
    /// ([`NativeEarly`]), which decodes it meanwhile.
    #[napi(
        catch_unwind,
        ts_return_type = "Promise<string | { data: string, status: number, headers: Record<string, string>, traceId: string | null, timestamp: string | null } | { body: string, rest: NativeEarly }>"
    )]
    pub fn call<'env>(
        &self,
        env: &'env Env,
        operation_id: String,
        params: String,
        raw: bool,
    ) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let client = self.client();
        let work = async move {
            let client = client?;
            let params = parse_params(&operation_id, &params).map_err(|e| ErrorParts::from(&e))?;
            let (tap, handed) = BodyTap::new(EARLY_BODY_MIN);
            let call = async move { client.call_data(&operation_id, params).await };
            let mut rest: Rest = Box::pin(with_body_tap(tap.clone(), call));
            let early = match futures::future::select(&mut rest, handed).await {
                futures::future::Either::Left((done, _)) => return done_as_text(done),
                // Already checked as UTF-8 by the core (a body that is not is never handed over).
                futures::future::Either::Right((Ok(body), _)) => Some(body),
                // The tap lives as long as `rest`, so its sender is never dropped first.
                futures::future::Either::Right((Err(_), _)) => None,
            };
            match early {
                Some(body) => Ok(Answer::Early(body, Box::pin(finish_rest(rest, tap)), Handle::current())),
                None => done_as_text(rest.await),
            }
        };
        spawn(env, work, move |env, answer| match answer {
            Answer::Done(data, meta) if raw => raw_to_js(env, Some(data), meta),
            Answer::Done(data, _) => text_to_js(env, data),
            Answer::Early(body, rest, runtime) => {
                let mut early = Object::new(env)?;
                early.set("body", &*body)?;
                let rest = NativeEarly { rest: Mutex::new(Decode::Waiting(rest)), runtime, raw };
                early.set("rest", rest.into_instance(env)?)?;
                Ok(early.to_unknown())
            }
        })
    }

    /// A pager of the iterator `name` (`iterLastChangedStatuses`, `iterSearchProductOrders`).
    #[napi(catch_unwind)]
    pub fn pager(&self, env: Env, name: String, params: String) -> napi::Result<NativePager> {
        let made = self.client().and_then(|client| {
            let params = parse_params(&name, &params).map_err(|e| ErrorParts::from(&e))?;
            JsonPager::new(&client, &name, params).map_err(|e| ErrorParts::from(&e))
        });
        match made {
            Ok(pager) => Ok(NativePager::new(pager)),
            Err(parts) => Err(to_js(&env, parts)),
        }
    }

    /// The client's drift report as JSON text: every deviation from the spec seen in answers.
    #[napi(catch_unwind)]
    pub fn drift_report(&self, env: Env) -> napi::Result<String> {
        let client = self.client().map_err(|parts| to_js(&env, parts))?;
        Ok(serde_json::to_string(&client.drift_report().entries).unwrap_or_else(|_| "[]".to_owned()))
    }

    /// Closes the client: later calls fail with `InvalidRequestError`; calls in flight finish.
    /// The connection pool closes when the last of them does. Idempotent.
    #[napi]
    pub fn close(&self) {
        self.client.write().unwrap_or_else(|poisoned| poisoned.into_inner()).take();
    }
}

/// Answers at least this long are parsed by JavaScript while the core decodes them; shorter ones
/// skip the second promise. A choice, not a measured optimum: the benchmark's small answers
/// (10 changes, 3 kB; 30 confirmations) stay below it and its large one (300 full product
/// orders, 800 kB) is far above it, so sizes in between are untested for speed.
const EARLY_BODY_MIN: usize = 64 * 1024;

/// The rest of a call whose body has been handed over: checking it against the spec's shapes, or
/// decoding it into the spec's types when it does not conform.
type Rest = Pin<Box<dyn Future<Output = npay_order::Result<Response<Data>>> + Send>>;

/// What the rest of such a call ends with: `None` when the body reads exactly as the typed data
/// (JavaScript's parse stands), else the data as JSON text; and the response's meta.
type Finished = Result<(Option<String>, npay_order::ResponseMeta), ErrorParts>;

/// What the first stage of [`NativeClient::call`] ends with.
enum Answer {
    /// The whole call, its data as JSON text.
    Done(String, npay_order::ResponseMeta),
    /// The body as text, handed over before the decode; the decode, still to start; the runtime
    /// to start it on.
    Early(ByteString, Pin<Box<dyn Future<Output = Finished> + Send>>, Handle),
}

/// A finished call as [`Answer::Done`]: the typed data written as JSON text in one pass (no
/// `serde_json::Value` tree).
fn done_as_text(done: npay_order::Result<Response<Data>>) -> Result<Answer, ErrorParts> {
    let (data, meta) = done.map_err(|e| ErrorParts::from(&e))?.into_parts();
    Ok(Answer::Done(to_text(&*data)?, meta))
}

/// Runs the rest of a call whose body was handed over: the core's check of it against the spec's
/// shapes, or, when it does not conform, its decode (reading it tolerantly and reporting any
/// deviation, or failing in strict mode) exactly as for any other answer; the data as text only
/// when JavaScript's parse of the body does not stand.
async fn finish_rest(rest: Rest, tap: BodyTap) -> Finished {
    let (data, meta) = rest.await.map_err(|e| ErrorParts::from(&e))?.into_parts();
    // Asked after the decode: only then does the tap know.
    let text = if tap.verbatim() { None } else { Some(to_text(&*data)?) };
    Ok((text, meta))
}

/// A joined [`finish_rest`]; a panic inside it becomes an `NpayError`, as in [`spawn`].
fn joined(outcome: Result<Finished, JoinError>) -> Finished {
    outcome.unwrap_or_else(|error| match error.try_into_panic() {
        Ok(payload) => Err(panicked(payload)),
        Err(_) => Err(ErrorParts::plain("NpayError", "the call was cancelled")),
    })
}

/// The settled value of a [`NativeEarly`] in JavaScript: `null`, the data's text, or with `raw`
/// `{ data /* JSON text or null */, status, headers, traceId, timestamp }`.
fn settled_to_js(
    env: &Env,
    raw: bool,
    (text, meta): (Option<String>, npay_order::ResponseMeta),
) -> napi::Result<Unknown<'_>> {
    match text {
        _ if raw => raw_to_js(env, text, meta),
        Some(text) => text_to_js(env, text),
        None => Ok(Null.into_unknown(env)?),
    }
}

/// Where the decode of a [`NativeEarly`] is.
enum Decode {
    /// Not started: JavaScript starts it when it starts parsing the body. (Started as soon as the
    /// body was handed over, it ran beside V8's making the body a string, and the body reached
    /// JavaScript about 0.4 ms later per 800 kB answer in two runs.)
    Waiting(Pin<Box<dyn Future<Output = Finished> + Send>>),
    Running(JoinHandle<Finished>),
    /// Its result was taken.
    Taken,
}

/// The rest of a call whose answer's body JavaScript is parsing: the core's decode of it
/// ([`finish_rest`]). JavaScript calls `start()`, parses the body, then `take()`s the result if
/// the decode has finished (it usually has: it is the shorter of the two) and else awaits
/// `finish()`.
#[napi]
pub struct NativeEarly {
    rest: Mutex<Decode>,
    runtime: Handle,
    raw: bool,
}

impl NativeEarly {
    fn decode(&self) -> std::sync::MutexGuard<'_, Decode> {
        self.rest.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Starts the decode if it has not started; its handle, unless its result was taken.
    fn running<'a>(&self, decode: &'a mut Decode) -> Option<&'a mut JoinHandle<Finished>> {
        if matches!(decode, Decode::Waiting(_))
            && let Decode::Waiting(rest) = std::mem::replace(decode, Decode::Taken)
        {
            *decode = Decode::Running(self.runtime.spawn(rest));
        }
        match decode {
            Decode::Running(handle) => Some(handle),
            _ => None,
        }
    }
}

#[napi]
impl NativeEarly {
    /// Starts the decode on the runtime (once; `take()` and `finish()` start it too).
    #[napi(catch_unwind)]
    pub fn start(&self) {
        let mut decode = self.decode();
        self.running(&mut decode);
    }

    /// The settled value if the decode has finished (as [`NativeEarly::finish`] resolves to),
    /// without another trip through the runtime; `undefined` while it runs. Throws as the call
    /// would have.
    #[napi(
        catch_unwind,
        ts_return_type = "string | null | undefined | { data: string | null, status: number, headers: Record<string, string>, traceId: string | null, timestamp: string | null }"
    )]
    pub fn take<'env>(&self, env: &'env Env) -> napi::Result<Unknown<'env>> {
        let mut decode = self.decode();
        let Some(handle) = self.running(&mut decode) else {
            return Err(to_js(env, ErrorParts::invalid("take", "the call is already finished")));
        };
        let ready = Some(handle).filter(|handle| handle.is_finished()).and_then(futures::FutureExt::now_or_never);
        let Some(outcome) = ready else {
            return ().into_unknown(env);
        };
        *decode = Decode::Taken;
        drop(decode);
        match joined(outcome) {
            Ok(finished) => settled_to_js(env, self.raw, finished),
            Err(parts) => Err(to_js(env, parts)),
        }
    }

    /// Waits for the decode. Resolves to `null` when the body JavaScript parsed reads exactly as
    /// the typed data (the conforming case: JavaScript's parse stands), else to the data as JSON
    /// text; with `raw`, to `{ data /* JSON text or null */, status, headers, traceId,
    /// timestamp }`. Rejects as the call would have.
    #[napi(
        catch_unwind,
        ts_return_type = "Promise<string | null | { data: string | null, status: number, headers: Record<string, string>, traceId: string | null, timestamp: string | null }>"
    )]
    pub fn finish<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let mut decode = self.decode();
        self.running(&mut decode);
        let taken = match std::mem::replace(&mut *decode, Decode::Taken) {
            Decode::Running(handle) => Ok(handle),
            _ => Err(ErrorParts::invalid("finish", "the call is already finished")),
        };
        drop(decode);
        let raw = self.raw;
        let work = async move { joined(taken?.await) };
        spawn(env, work, move |env, finished| settled_to_js(env, raw, finished))
    }
}

/// `client_secret_sign` for a token request: `base64(bcrypt(clientId + "_" + timestampMs, salt = clientSecret))`.
#[napi(catch_unwind)]
pub fn sign(env: Env, client_id: String, client_secret: String, timestamp_ms: i64) -> napi::Result<String> {
    npay_order::sign(&client_id, &client_secret, timestamp_ms).map_err(|e| from_npay(&env, &e))
}
