//! Where a call's future is polled: on the runtime's own threads, not on the foreign thread that
//! awaits it.
//!
//! uniffi polls an exported async method on the thread of whoever awaits it: a Kotlin coroutine's
//! thread, a Swift task's. The core's call is deep (the dispatch over every operation, retries,
//! the decode into records), and a debug build's frames for it needed nearly all the stack a JVM
//! thread has by default (1 MiB; Android threads may have less): the Kotlin suite crashed with
//! SIGSEGV at `-Xss640k` and passed from about `-Xss832k`. Spawned, the call and the decode into
//! records are polled on a tokio worker (2 MiB of stack), and the foreign thread only polls the
//! join handle; the suite then passes at `-Xss384k`. (At `-Xss320k` the watcher's test still
//! crashes: the watcher's first `next()` starts its task on the calling thread, which was left as
//! it is.) The decode's CPU time leaves the caller's thread too.
//!
//! The calls run on a runtime of this crate's own ([`RUNTIME`]), one worker per core. The runtime
//! uniffi's tokio support enters for every exported method (async-compat's) has a single thread:
//! spawned there, the decodes of concurrent calls would take turns on one core.

use std::future::Future;
use std::sync::LazyLock;

use tokio::runtime::Runtime;
use tokio::task::JoinHandle;

/// The runtime every call runs on: tokio's multi-threaded scheduler, one worker per core.
static RUNTIME: LazyLock<Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("npay-order")
        .build()
        // Only when the process cannot start threads at all; uniffi turns the panic into the
        // foreign language's internal error.
        .expect("npay-order could not start its runtime's threads")
});

/// Runs `call` on the runtime and waits for its output. Dropping the returned future (a
/// cancelled coroutine or task) aborts the call, as dropping the call itself would; a panic in
/// the call is resumed here, where uniffi turns it into the foreign language's internal error,
/// as before.
pub(crate) async fn on_runtime<T: Send + 'static>(call: impl Future<Output = T> + Send + 'static) -> T {
    let mut task = AbortOnDrop(RUNTIME.spawn(call));
    match (&mut task.0).await {
        Ok(output) => output,
        Err(error) => match error.try_into_panic() {
            Ok(payload) => std::panic::resume_unwind(payload),
            // Only `AbortOnDrop` aborts the task, and it is dropped after this await.
            Err(error) => unreachable!("a call's task ended without an output: {error}"),
        },
    }
}

/// A spawned call, aborted when its awaiting future is dropped.
struct AbortOnDrop<T>(JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn the_output_comes_back_and_dropping_the_wait_aborts_the_call() {
        assert_eq!(on_runtime(async { 42 }).await, 42);
        let finished = Arc::new(AtomicBool::new(false));
        let flag = finished.clone();
        let waiting = on_runtime(async move {
            tokio::time::sleep(Duration::from_millis(200)).await;
            flag.store(true, Ordering::SeqCst);
        });
        // Polled once (the task starts), then dropped.
        assert!(tokio::time::timeout(Duration::from_millis(20), waiting).await.is_err());
        tokio::time::sleep(Duration::from_millis(400)).await;
        assert!(!finished.load(Ordering::SeqCst), "the aborted call ran to its end");
    }

    #[tokio::test]
    async fn a_panic_in_the_call_is_resumed_in_the_waiting_future() {
        let waiting = tokio::spawn(on_runtime(async { panic!("inside the call") }));
        let error = waiting.await.expect_err("the panic reaches the waiter");
        // The call's own panic, not one of `on_runtime`'s.
        let payload = error.into_panic();
        assert_eq!(payload.downcast_ref::<&str>(), Some(&"inside the call"));
    }
}
