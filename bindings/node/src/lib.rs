//! The native half of the npm package `npay-order`: a thin napi-rs layer over the `npay-order`
//! core and the `npay-sandbox` emulator.
//!
//! It holds conversions, async glue and error mapping only. Every operation goes through one
//! generic `NativeClient.call(operationId, paramsJson)`; the per-operation JavaScript methods and
//! the TypeScript declarations are generated from the spec by `cargo xtask generate` (into
//! `generated/` and `index.d.ts`), and the handwritten JavaScript base lives in `lib/`.
//!
//! * `client` — the client, its generic call and `close()`; `sign`.
//! * `pager` — page-at-a-time walks behind the async iterators.
//! * `sandbox` — the embedded emulator.
//! * `watcher` — the order watcher's next / ack / nack / stop.
//! * `window` — one page of the core's cursor, for the Temporal activities.
//! * `error` — the one mapping from failures to JavaScript error objects.
//! * `convert` — results into JavaScript values.
//! * `runtime` — futures into promises, panics into errors.

// `ErrorParts` travels by value on the failure path only, which is cold next to the network.
#![allow(clippy::result_large_err)]
// `#[napi]` registers the exports only outside `cfg(test)`; a test build of the workspace would
// otherwise call every export unused.
#![cfg_attr(test, allow(dead_code))]

/// The addon's own allocations (every decoded answer's strings, the runtime's tasks) go to
/// mimalloc; see BENCHMARKS.md for what it buys against the system allocator (most on small
/// answers at 64 in flight). `local_dynamic_tls`, because the addon is loaded with `dlopen`; no
/// transparent huge pages, whose first touch clears 2 MB at a time (seen in the profile of (b)).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// One runtime worker (see `npay_order::runtime::build`) instead of napi-rs's one per core.
/// JavaScript is one thread, so one worker keeps up with it (decoding a large answer takes the
/// worker less time than `JSON.parse` takes JavaScript). If the runtime cannot be built here,
/// napi-rs builds its own on first use.
#[napi_derive::module_init]
fn init() {
    if let Ok(runtime) = npay_order::runtime::build(Some(1)) {
        napi::bindgen_prelude::create_custom_tokio_runtime(runtime);
    }
}

mod client;
mod convert;
mod error;
mod pager;
mod runtime;
mod sandbox;
mod watcher;
mod window;
