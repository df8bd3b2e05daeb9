//! The tokio runtimes the bindings run their calls on, built one way for all of them.

use tokio::runtime::{Builder, Runtime};

/// A multi-threaded runtime with `workers` worker threads (one per core when `None`), unless
/// `TOKIO_WORKER_THREADS` says otherwise, which always wins.
///
/// Why a binding asks for one worker: a call that a single thread waits for (Node's JavaScript
/// thread, a blocking Python call) gains nothing from a second worker, and each wake-up between
/// the two costs more than it adds (BENCHMARKS.md, "Where targets are missed").
///
/// ```
/// let runtime = npay_order::runtime::build(Some(1)).unwrap();
/// assert_eq!(runtime.block_on(async { 1 + 1 }), 2);
/// ```
pub fn build(workers: Option<usize>) -> std::io::Result<Runtime> {
    let mut builder = Builder::new_multi_thread();
    builder.thread_name("npay-order").enable_all();
    if let Some(workers) = workers.filter(|_| std::env::var_os("TOKIO_WORKER_THREADS").is_none()) {
        builder.worker_threads(workers);
    }
    builder.build()
}
