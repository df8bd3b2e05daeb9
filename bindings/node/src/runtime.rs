//! Async glue: how Rust work becomes a JavaScript `Promise`.
//!
//! Network I/O runs on the tokio runtime napi-rs owns (the one `lib.rs` builds at load: one worker
//! thread unless `TOKIO_WORKER_THREADS` says otherwise), so the event loop is never blocked; only
//! the conversion of the result into JavaScript values runs on the JavaScript thread, in the
//! callback. A panic inside the work is caught here and rejects the promise with an `NpayError`
//! instead of unwinding into Node.

use std::future::Future;
use std::panic::AssertUnwindSafe;

use futures::FutureExt;
use napi::Env;
use napi::bindgen_prelude::{PromiseRaw, ToNapiValue};

use crate::error::{ErrorParts, panicked, to_js};

/// Runs `work` on the runtime and settles the returned promise on the JavaScript thread: with
/// `convert(env, value)` on success, with the JavaScript error of the failure otherwise.
pub fn spawn<'env, T, V, F, C>(env: &'env Env, work: F, convert: C) -> napi::Result<PromiseRaw<'env, V>>
where
    T: Send + 'static,
    V: ToNapiValue,
    F: Future<Output = Result<T, ErrorParts>> + Send + 'static,
    C: FnOnce(&'env Env, T) -> napi::Result<V> + 'static,
{
    // The outer `Result` is always `Ok`: failures travel as `ErrorParts` to the callback, which is
    // the only place with an `Env` to build the error object in.
    let guarded = async move {
        let outcome = AssertUnwindSafe(work).catch_unwind().await.unwrap_or_else(|payload| Err(panicked(payload)));
        Ok::<_, napi::Error>(outcome)
    };
    env.spawn_future_with_callback(guarded, move |env, outcome| match outcome {
        Ok(value) => convert(env, value),
        Err(parts) => Err(to_js(env, parts)),
    })
}
