//! Calls can be polled on small stacks: host threads that poll our futures (the JVM's, through
//! uniffi) have smaller stacks than tokio's 2 MiB. A debug build's first call (token request
//! included) needs between 256 and 512 KiB today; this fails if that grows past 512 KiB. (The
//! Kotlin suite is the sharper guard: it crashed with SIGSEGV when the token request was inlined
//! into every call's future; see `token.rs`.)

#![allow(clippy::result_large_err)]

use npay_order::Client;
use npay_order::ops::QueryProductOrdersParams;
use npay_sandbox::{Sandbox, SandboxConfig};

/// The most a call may need, in a debug build.
const HOST_STACK: usize = 512 * 1024;

#[test]
fn a_first_call_with_its_token_request_runs_on_a_small_stack() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let sandbox = runtime.block_on(Sandbox::start(SandboxConfig::default())).expect("sandbox");
    let client = Client::builder()
        .client_id(sandbox.client_id())
        .client_secret(sandbox.client_secret())
        .base_url(sandbox.base_url())
        .build()
        .unwrap();
    let handle = runtime.handle().clone();
    let polled = std::thread::Builder::new()
        .stack_size(HOST_STACK)
        .spawn(move || {
            // Polled on this thread (as uniffi's foreign callers do); I/O runs on the runtime.
            let _entered = handle.enter();
            futures::executor::block_on(async {
                client.authenticate().await.expect("a token");
                client.query_product_orders(QueryProductOrdersParams::new(["1"])).await.map(|_| ())
            })
        })
        .unwrap()
        .join()
        .expect("no stack overflow");
    // An unknown id is an answer, not a crash: the point is that the call completed.
    let _ = polled;
    drop(sandbox);
}
